/* Hexadecimal digits, shared by the parsers of lib/ (internal). */
#ifndef NB_LIB_CORE_HEX_H
#define NB_LIB_CORE_HEX_H

/* Value of one hex digit (either case), or -1 for anything else.  Out
 * of line: three parsers call it, and inlined it costs each a copy. */
int nb_hex_digit(int ch);

#endif
