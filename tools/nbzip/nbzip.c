/*
 * nbzip: compress the C core of the BIOS NBP so the image stays small.
 *
 *   nbzip FLAT.bin OUT.kpxe
 *
 * FLAT.bin is the NBP as objcopy flattens it.  Its entry code carries the
 * signature "NBZ2" followed by a 32-bit little-endian offset: where the
 * core starts in the image.  Everything before that offset is copied as
 * is; the core is replaced by its compressed form, which start.S expands
 * to CORE_BASE.
 *
 * The format is LZ77 coded by an adaptive binary range coder (the LZMA
 * one), with a model small enough for a ~150-byte expander in start.S:
 *
 *   u32 length N of the expanded core (little-endian), then the range
 *   coder's bytes; the decoder starts with range = 0xffffffff and code =
 *   the first 4 of them (big-endian).  A bit is decoded with a 16-bit
 *   probability p (of a 0, out of 2^PROB_BITS, every one starting at
 *   half): bound = (range >> PROB_BITS) * p; code < bound gives 0,
 *   range = bound, p += (2^PROB_BITS - p) >> MOVE_BITS; otherwise 1,
 *   code -= bound, range -= bound, p -= p >> MOVE_BITS; then, if range <
 *   2^24, range <<= 8 and code = code << 8 | the next byte.
 *
 *   Until N bytes are out: a bit with P_MATCH[prev] (prev: 1 when the
 *   last item was a match).  0: a literal, its 8 bits from the top, each
 *   with P_LIT[node] (node 1, then node * 2 + bit).  1: a match; after a
 *   literal, a bit with P_REP first, and if 1 the match reuses the last
 *   offset; otherwise the offset is a number with P_OFF.  Its length is
 *   a number with P_LEN (the length itself for a repeated offset, the
 *   length - 1 for a new one).  Bytes are copied one by one from that
 *   far back (so a match may overlap its output).
 *
 *   A number (>= 1) is its bits below the top one, lowest first: for
 *   bit i a 1 with P[2i], then the bit with P[2i+1]; a 0 with P[2i]
 *   ends it.
 *
 * x86 code compresses about a fifth better than with the LZ4-style
 * format this replaces, for about 100 bytes more of expander and a few
 * milliseconds of one-time expansion.  The output is expanded again here
 * and compared with the input, so a compressor bug fails the build
 * instead of the boot.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PROB_BITS
#define PROB_BITS 11
#endif
#ifndef MOVE_BITS
#define MOVE_BITS 5
#endif
#define NUM_BITS 20 /* a number's bits: offsets and lengths < 2^20 */

/* The probabilities, in the order start.S lays them out. */
enum {
	P_MATCH = 0,
	P_REP = P_MATCH + 2,
	P_LIT = P_REP + 1, /* P_LIT + 1 .. P_LIT + 255 */
	P_OFF = P_LIT + 256,
	P_LEN = P_OFF + 2 * NUM_BITS,
	P_COUNT = P_LEN + 2 * NUM_BITS
};

/* ---- the range coder ---------------------------------------------- */

struct enc {
	uint8_t *out;
	size_t o;
	uint64_t low;
	uint32_t range;
	uint8_t cache;
	uint64_t cache_size;
	uint16_t p[P_COUNT];
	/* How often each context saw a 0 and a 1: the parser's prices. */
	double n0[P_COUNT], n1[P_COUNT];
};

static void shift_low(struct enc *e)
{
	if ((uint32_t)e->low < 0xff000000u || (e->low >> 32) != 0) {
		uint8_t carry = (uint8_t)(e->low >> 32), t = e->cache;
		do {
			e->out[e->o++] = (uint8_t)(t + carry);
			t = 0xff;
		} while (--e->cache_size != 0);
		e->cache = (uint8_t)(e->low >> 24);
	}
	e->cache_size++;
	e->low = (e->low & 0x00ffffffu) << 8;
}

static void enc_bit(struct enc *e, int ctx, int bit)
{
	uint16_t *p = &e->p[ctx];
	uint32_t bound = (e->range >> PROB_BITS) * *p;
	if (bit) {
		e->n1[ctx]++;
		e->low += bound;
		e->range -= bound;
		*p -= *p >> MOVE_BITS;
	} else {
		e->n0[ctx]++;
		e->range = bound;
		*p += ((1u << PROB_BITS) - *p) >> MOVE_BITS;
	}
	if (e->range < (1u << 24)) {
		e->range <<= 8;
		shift_low(e);
	}
}

/* A number >= 1, as the header describes. */
static void enc_number(struct enc *e, int ctx, uint32_t v)
{
	int i = 0;
	for (; v > 1; i++, v >>= 1) {
		enc_bit(e, ctx + 2 * i, 1);
		enc_bit(e, ctx + 2 * i + 1, (int)(v & 1));
	}
	enc_bit(e, ctx + 2 * i, 0);
}

/* ---- prices (in 1/256 bit) from the previous pass's statistics ----- */

struct prices {
	uint32_t bit[P_COUNT][2];
	uint32_t lit[256];
	uint32_t *off, *len; /* price of each number 1 .. max */
	size_t max;
};

static uint32_t price_of(double n, double total)
{
	return (uint32_t)(-log2((n + 0.4) / (total + 0.8)) * 256.0 + 0.5);
}

static uint32_t num_price(const struct prices *pr, int ctx, uint32_t v)
{
	uint32_t c = 0;
	int i = 0;
	for (; v > 1; i++, v >>= 1)
		c += pr->bit[ctx + 2 * i][1] + pr->bit[ctx + 2 * i + 1][v & 1];
	return c + pr->bit[ctx + 2 * i][0];
}

static void make_prices(struct prices *pr, const struct enc *e)
{
	for (int c = 0; c < P_COUNT; c++) {
		double t = e->n0[c] + e->n1[c];
		pr->bit[c][0] = price_of(e->n0[c], t);
		pr->bit[c][1] = price_of(e->n1[c], t);
	}
	for (unsigned b = 0; b < 256; b++) {
		uint32_t c = 0;
		for (unsigned node = 1, k = 7; node < 256; k--) {
			unsigned bit = b >> k & 1;
			c += pr->bit[P_LIT + node][bit];
			node = node * 2 + bit;
			if (!k)
				break;
		}
		pr->lit[b] = c;
	}
	for (size_t v = 1; v <= pr->max; v++) {
		pr->off[v] = num_price(pr, P_OFF, (uint32_t)v);
		pr->len[v] = num_price(pr, P_LEN, (uint32_t)v);
	}
}

/* ---- match finding ------------------------------------------------- */

#define HASH_BITS 16
#define MAX_CHAIN 4096
#define NICE 128 /* a longer match is taken at its full length only */

static uint32_t hash3(const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
	return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* A candidate: the nearest offset whose match reaches len. */
struct cand {
	uint32_t len, off;
};

struct finder {
	const uint8_t *in;
	size_t len;
	int32_t *head, *prev, *last2;
};

static size_t match_len(const uint8_t *in, size_t len, size_t i, size_t d)
{
	size_t k = 0;
	while (i + k < len && in[i + k] == in[i + k - d])
		k++;
	return k;
}

/* Inserts position i and returns the candidates for it, longer and
 * farther as the list goes. */
static size_t find(struct finder *f, size_t i, struct cand *c)
{
	size_t n = 0, best = 1;
	if (i + 2 <= f->len) {
		uint32_t h2 = (uint32_t)f->in[i] | (uint32_t)f->in[i + 1] << 8;
		int32_t j = f->last2[h2];
		f->last2[h2] = (int32_t)i;
		if (j >= 0) {
			size_t k = match_len(f->in, f->len, i, i - (size_t)j);
			if (k >= 2) {
				c[n++] = (struct cand){(uint32_t)k, (uint32_t)(i - (size_t)j)};
				best = k;
			}
		}
	}
	if (i + 3 > f->len)
		return n;
	uint32_t h = hash3(f->in + i);
	int32_t j = f->head[h];
	f->prev[i] = j;
	f->head[h] = (int32_t)i;
	for (unsigned w = 0; j >= 0 && w < MAX_CHAIN; w++, j = f->prev[j]) {
		size_t d = i - (size_t)j;
		if (i + best >= f->len || f->in[j + best] != f->in[i + best])
			continue;
		size_t k = match_len(f->in, f->len, i, d);
		if (k > best) {
			best = k;
			c[n++] = (struct cand){(uint32_t)k, (uint32_t)d};
			if (k >= NICE)
				break;
		}
	}
	return n;
}

/* ---- the parse ----------------------------------------------------- */

enum { OP_LIT, OP_REP, OP_NEW };

struct node {
	uint64_t cost;
	uint32_t from; /* position the item ending here starts at */
	uint32_t off;  /* offset of the match ending here, or last offset */
	uint8_t op;
};

/* Cheapest items to reach every position, given the prices; each
 * position keeps the state (last offset, last item) of its cheapest
 * path, the usual approximation. */
static void parse(const uint8_t *in, size_t len, const struct prices *pr,
		  struct cand *cands, uint32_t *ncand, struct node *nd)
{
	for (size_t i = 0; i <= len; i++)
		nd[i].cost = UINT64_MAX;
	nd[0] = (struct node){0, 0, 0, OP_NEW};
	for (size_t i = 0; i < len; i++) {
		const struct node *at = &nd[i];
		int was_match = at->op != OP_LIT;
		uint64_t c = at->cost + pr->bit[P_MATCH + was_match][0] + pr->lit[in[i]];
		if (c < nd[i + 1].cost)
			nd[i + 1] = (struct node){c, (uint32_t)i, at->off, OP_LIT};
		uint64_t m = at->cost + pr->bit[P_MATCH + was_match][1];
		uint32_t last = at->off;
		if (!was_match && last) {
			size_t k = match_len(in, len, i, last);
			uint64_t r = m + pr->bit[P_REP][1];
			for (size_t l = k > NICE ? k : 1; l <= k; l++) {
				c = r + pr->len[l];
				if (c < nd[i + l].cost)
					nd[i + l] = (struct node){c, (uint32_t)i, last, OP_REP};
			}
		}
		if (!was_match)
			m += pr->bit[P_REP][0];
		const struct cand *cd = cands + (size_t)ncand[i];
		size_t nc = ncand[i + 1] - ncand[i];
		size_t from = 2;
		for (size_t j = 0; j < nc; j++) {
			uint64_t base = m + pr->off[cd[j].off];
			size_t l = cd[j].len > NICE ? cd[j].len : from;
			for (; l <= cd[j].len; l++) {
				c = base + pr->len[l - 1];
				if (c < nd[i + l].cost)
					nd[i + l] = (struct node){c, (uint32_t)i, cd[j].off, OP_NEW};
			}
			from = cd[j].len + 1;
		}
	}
}

static void enc_init(struct enc *e, uint8_t *out)
{
	e->out = out;
	e->o = 0;
	e->low = 0;
	e->range = 0xffffffffu;
	e->cache = 0;
	e->cache_size = 1;
	for (int c = 0; c < P_COUNT; c++) {
		e->p[c] = 1u << (PROB_BITS - 1);
		e->n0[c] = e->n1[c] = 0;
	}
}

/* Codes the parse in nd; returns the output length. */
static size_t encode(struct enc *e, const uint8_t *in, size_t len,
		     const struct node *nd, uint32_t *path)
{
	size_t np = 0;
	for (size_t i = len; i > 0; i = nd[i].from)
		path[np++] = (uint32_t)i;
	for (int k = 0; k < 4; k++)
		e->out[e->o++] = (uint8_t)(len >> (8 * k));
	size_t hdr = e->o;
	int was_match = 1;
	while (np) {
		size_t end = path[--np];
		const struct node *n = &nd[end];
		size_t i = n->from;
		enc_bit(e, P_MATCH + was_match, n->op != OP_LIT);
		if (n->op == OP_LIT) {
			unsigned node = 1;
			for (int k = 7; k >= 0; k--) {
				int bit = in[i] >> k & 1;
				enc_bit(e, P_LIT + (int)node, bit);
				node = node * 2 + (unsigned)bit;
			}
			was_match = 0;
			continue;
		}
		if (!was_match)
			enc_bit(e, P_REP, n->op == OP_REP);
		if (n->op == OP_REP) {
			enc_number(e, P_LEN, (uint32_t)(end - i));
		} else {
			enc_number(e, P_OFF, n->off);
			enc_number(e, P_LEN, (uint32_t)(end - i - 1));
		}
		was_match = 1;
	}
	for (int k = 0; k < 5; k++)
		shift_low(e);
	/* The coder's first byte is always 0 (its cache starts so): drop it. */
	if (e->out[hdr] != 0) {
		fprintf(stderr, "nbzip: range coder's first byte is not 0\n");
		exit(1);
	}
	memmove(e->out + hdr, e->out + hdr + 1, e->o - hdr - 1);
	return --e->o;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		perror("nbzip");
		exit(1);
	}
	return p;
}

static size_t compress(const uint8_t *in, size_t len, uint8_t *out)
{
	struct finder f = {.in = in, .len = len};
	f.head = xmalloc(sizeof(int32_t) << HASH_BITS);
	f.last2 = xmalloc(sizeof(int32_t) << 16);
	f.prev = xmalloc(sizeof(int32_t) * (len + 1));
	for (size_t i = 0; i < (1u << HASH_BITS); i++)
		f.head[i] = -1;
	for (size_t i = 0; i < (1u << 16); i++)
		f.last2[i] = -1;
	/* Every position's candidates, found once. */
	size_t cap = len * 4 + 64, used = 0;
	struct cand *cands = xmalloc(sizeof(*cands) * cap);
	uint32_t *ncand = xmalloc(sizeof(uint32_t) * (len + 2));
	struct cand tmp[64 + 1024];
	for (size_t i = 0; i < len; i++) {
		size_t n = find(&f, i, tmp);
		if (used + n > cap) {
			cap = (used + n) * 2;
			cands = realloc(cands, sizeof(*cands) * cap);
			if (!cands) {
				perror("nbzip");
				exit(1);
			}
		}
		ncand[i] = (uint32_t)used;
		memcpy(cands + used, tmp, n * sizeof(*tmp));
		used += n;
	}
	ncand[len] = (uint32_t)used;
	struct node *nd = xmalloc(sizeof(*nd) * (len + 1));
	uint32_t *path = xmalloc(sizeof(uint32_t) * (len + 1));
	struct prices pr = {.max = len + 1};
	pr.off = xmalloc(sizeof(uint32_t) * (len + 2));
	pr.len = xmalloc(sizeof(uint32_t) * (len + 2));
	struct enc *e = xmalloc(sizeof(*e));
	uint8_t *tryout = xmalloc(len + len / 8 + 64);
	/* First prices: every bit one bit; then each pass prices by the
	 * statistics of the last, keeping the smallest output. */
	enc_init(e, tryout);
	size_t best = SIZE_MAX;
	for (int pass = 0; pass < 6; pass++) {
		make_prices(&pr, e);
		parse(in, len, &pr, cands, ncand, nd);
		enc_init(e, tryout);
		size_t n = encode(e, in, len, nd, path);
		if (n < best) {
			best = n;
			memcpy(out, tryout, n);
		}
	}
	free(f.head);
	free(f.last2);
	free(f.prev);
	free(cands);
	free(ncand);
	free(nd);
	free(path);
	free(pr.off);
	free(pr.len);
	free(e);
	free(tryout);
	return best;
}

/* ---- the expander start.S implements, for the check ---------------- */

struct dec {
	const uint8_t *in;
	size_t len, i;
	uint32_t range, code;
	uint16_t p[P_COUNT];
	int bad;
};

/* The range is normalised before a bit, not after, as start.S does
 * (so its bit comes out of the last instruction, in CF). */
static void dec_normalise(struct dec *d)
{
	if (d->range < (1u << 24)) {
		if (d->i >= d->len) {
			d->bad = 1;
			return;
		}
		d->range <<= 8;
		d->code = d->code << 8 | d->in[d->i++];
	}
}

static int dec_bit(struct dec *d, int ctx)
{
	dec_normalise(d);
	uint16_t *p = &d->p[ctx];
	uint32_t bound = (d->range >> PROB_BITS) * *p;
	if (d->code < bound) {
		d->range = bound;
		*p += ((1u << PROB_BITS) - *p) >> MOVE_BITS;
		return 0;
	}
	d->code -= bound;
	d->range -= bound;
	*p -= *p >> MOVE_BITS;
	return 1;
}

static uint32_t dec_number(struct dec *d, int ctx)
{
	uint32_t v = 0;
	int i = 0;
	while (i < NUM_BITS && dec_bit(d, ctx + 2 * i)) {
		v |= (uint32_t)dec_bit(d, ctx + 2 * i + 1) << i;
		i++;
	}
	if (i == NUM_BITS)
		d->bad = 1;
	return v | 1u << i;
}

static int expand(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		  size_t *olen)
{
	if (len < 8)
		return -1;
	size_t n = (size_t)in[0] | (size_t)in[1] << 8 | (size_t)in[2] << 16 |
		   (size_t)in[3] << 24;
	if (n > cap)
		return -1;
	struct dec d = {.in = in, .len = len, .i = 8, .range = 0xffffffffu};
	d.code = (uint32_t)in[4] << 24 | (uint32_t)in[5] << 16 | (uint32_t)in[6] << 8 | in[7];
	for (int c = 0; c < P_COUNT; c++)
		d.p[c] = 1u << (PROB_BITS - 1);
	size_t o = 0;
	uint32_t last = 0;
	int was_match = 1;
	while (o < n && !d.bad) {
		if (!dec_bit(&d, P_MATCH + was_match)) {
			unsigned node = 1;
			while (node < 256)
				node = node * 2 + (unsigned)dec_bit(&d, P_LIT + (int)node);
			out[o++] = (uint8_t)node;
			was_match = 0;
			continue;
		}
		uint32_t m;
		if (!was_match && dec_bit(&d, P_REP)) {
			m = dec_number(&d, P_LEN);
		} else {
			last = dec_number(&d, P_OFF);
			m = dec_number(&d, P_LEN) + 1;
		}
		if (last == 0 || last > o || o + m > n)
			return -1;
		for (size_t j = 0; j < m; j++, o++)
			out[o] = out[o - last];
		was_match = 1;
	}
	dec_normalise(&d); /* the coder's last byte */
	*olen = o;
	return !d.bad && d.i == len ? 0 : -1;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	size_t cap = 1 << 20, n = 0;
	uint8_t *b = xmalloc(cap);
	size_t r;
	while ((r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			fprintf(stderr, "nbzip: %s is over 1 MiB\n", path);
			exit(1);
		}
	}
	fclose(f);
	*len = n;
	return b;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: nbzip FLAT.bin OUT.kpxe\n");
		return 2;
	}
	size_t len;
	uint8_t *img = slurp(argv[1], &len);
	size_t at = 0;
	while (at + 8 <= len && memcmp(img + at, "NBZ2", 4) != 0)
		at++;
	if (at + 8 > len) {
		fprintf(stderr, "nbzip: no NBZ2 signature in %s\n", argv[1]);
		return 1;
	}
	size_t core = (size_t)img[at + 4] | (size_t)img[at + 5] << 8 |
		      (size_t)img[at + 6] << 16 | (size_t)img[at + 7] << 24;
	if (core > len) {
		fprintf(stderr, "nbzip: core offset %zu past the image\n", core);
		return 1;
	}
	size_t clen = len - core;
	uint8_t *z = xmalloc(clen + clen / 8 + 64);
	uint8_t *back = xmalloc(clen + 1);
	size_t zlen = compress(img + core, clen, z);
	size_t blen = 0;
	if (expand(z, zlen, back, clen, &blen) != 0 || blen != clen ||
	    memcmp(back, img + core, clen) != 0) {
		fprintf(stderr, "nbzip: the compressed core does not expand back\n");
		return 1;
	}
	FILE *f = fopen(argv[2], "wb");
	if (!f || fwrite(img, 1, core, f) != core || fwrite(z, 1, zlen, f) != zlen ||
	    fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	printf("nbzip: core %zu -> %zu bytes, image %zu bytes\n", clen, zlen,
	       core + zlen);
	free(back);
	free(z);
	free(img);
	return 0;
}
