/* Hexadecimal digits, shared by the parsers of lib/ (internal). */
#ifndef NB_LIB_CORE_HEX_H
#define NB_LIB_CORE_HEX_H

/* Value of one hex digit (either case), or -1 for anything else. */
static inline int nb_hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

#endif
