/*
 * The chunked transfer-coding decoder (RFC 9112 section 7.1): a byte-at-
 * a-time state machine that reports payload spans in place, so chunked
 * bodies need no buffer of their own; size, extension and trailer lines
 * are bounded so a server cannot feed framing forever.
 */
#include "core/hex.h"
#include "http/http_int.h"

/* Longest chunk-extension or trailer line: real ones are a few dozen
 * bytes, and the bound keeps a server from feeding framing forever. */
#define LINE_MAX 1024

enum {
	S_SIZE = 0,   /* first hex digit of a size */
	S_SIZE_MORE,  /* more digits, or what ends the size */
	S_EXT,        /* extension: skip to LF */
	S_SIZE_LF,    /* CR seen after the size line */
	S_DATA,
	S_DATA_CR,    /* CRLF after the data */
	S_DATA_LF,
	S_TRAILER_START,
	S_TRAILER,
	S_END_LF,
	S_DONE
};

void nb_http_chunked_init(struct nb_http_chunked *c)
{
	c->state = S_SIZE;
	c->digits = 0;
	c->line = 0;
	c->left = 0;
	c->payload = 0;
	c->overhead = 0;
}

bool nb_http_chunked_done(const struct nb_http_chunked *c)
{
	return c->state == S_DONE;
}

/* End of a size line: data follows, or the trailer section. */
static void size_done(struct nb_http_chunked *c)
{
	c->state = c->left ? S_DATA : S_TRAILER_START;
	c->line = 0;
}

int nb_http_chunked_step(struct nb_http_chunked *c, const uint8_t *in,
			 size_t len, size_t *data)
{
	*data = 0;
	if (len > INT32_MAX) /* the count must fit the return value */
		len = INT32_MAX;
	size_t i = 0;
	while (i < len && c->state != S_DONE) {
		if (c->state == S_DATA) {
			size_t n = len - i;
			if ((uint64_t)n > c->left)
				n = (size_t)c->left;
			c->left -= n;
			c->payload += n;
			if (c->left == 0)
				c->state = S_DATA_CR;
			*data = n;
			i += n;
			break;
		}
		uint8_t ch = in[i++];
		c->overhead++;
		if (c->overhead > NB_HTTP_CHUNK_OVERHEAD + c->payload)
			return -NB_EPROTO;
		int hv;
		switch (c->state) {
		case S_SIZE:
			hv = nb_hex_digit(ch);
			if (hv < 0)
				return -NB_EPROTO;
			c->left = (uint64_t)hv;
			c->digits = 1;
			c->state = S_SIZE_MORE;
			break;
		case S_SIZE_MORE:
			hv = nb_hex_digit(ch);
			if (hv >= 0) {
				if (++c->digits > NB_HTTP_CHUNK_DIGITS)
					return -NB_EPROTO;
				c->left = c->left << 4 | (uint64_t)hv;
			} else if (ch == ';' || ch == ' ' || ch == '\t') {
				c->state = S_EXT;
				c->line = 0;
			} else if (ch == '\r') {
				c->state = S_SIZE_LF;
			} else if (ch == '\n') {
				size_done(c);
			} else {
				return -NB_EPROTO;
			}
			break;
		case S_EXT:
			if (ch == '\n')
				size_done(c);
			else if (++c->line > LINE_MAX)
				return -NB_EPROTO;
			break;
		case S_SIZE_LF:
			if (ch != '\n')
				return -NB_EPROTO;
			size_done(c);
			break;
		case S_DATA_CR:
			if (ch == '\r')
				c->state = S_DATA_LF;
			else if (ch == '\n')
				c->state = S_SIZE;
			else
				return -NB_EPROTO;
			break;
		case S_DATA_LF:
			if (ch != '\n')
				return -NB_EPROTO;
			c->state = S_SIZE;
			break;
		case S_TRAILER_START:
			if (ch == '\r') {
				c->state = S_END_LF;
			} else if (ch == '\n') {
				c->state = S_DONE;
			} else {
				c->state = S_TRAILER;
				c->line = 1;
			}
			break;
		case S_TRAILER:
			if (ch == '\n')
				c->state = S_TRAILER_START;
			else if (++c->line > LINE_MAX)
				return -NB_EPROTO;
			break;
		case S_END_LF:
			if (ch != '\n')
				return -NB_EPROTO;
			c->state = S_DONE;
			break;
		default:
			return -NB_EPROTO;
		}
	}
	return (int)i;
}
