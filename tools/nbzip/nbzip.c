/*
 * nbzip: compress the C core of the BIOS NBP so the image stays small.
 *
 *   nbzip FLAT.bin OUT.kpxe
 *
 * FLAT.bin is the NBP as objcopy flattens it.  Its entry code carries the
 * signature "NBZ1" followed by a 32-bit little-endian offset: where the
 * core starts in the image.  Everything before that offset is copied as
 * is; the core is replaced by its compressed form, which start.S expands
 * to CORE_BASE:
 *
 *   u32 length of the expanded core, then LZ4-style sequences until that
 *   many bytes are out: a token byte (high nibble L, low nibble M); if
 *   L == 15, bytes added to it while each is 255; L literal bytes; then,
 *   unless the output is complete, a u16 offset D (1..65535) and, if
 *   M == 15, bytes added to M the same way; M + 4 bytes are copied from D
 *   bytes back in the output, byte by byte (so they may overlap).
 *
 * The output is expanded again here and compared with the input, so a
 * compressor bug fails the build instead of the boot.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_MATCH 4
#define MAX_MATCH 4096
#define WINDOW 0xffff
#define HASH_BITS 16
#define MAX_CHAIN 8192

static uint32_t hash4(const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[3] << 24;
	return (v * 2654435761u) >> (32 - HASH_BITS);
}

struct lz {
	const uint8_t *in;
	size_t len, inserted; /* positions below inserted are in the chains */
	int32_t *head, *prev;
};

static void insert_to(struct lz *z, size_t upto)
{
	for (; z->inserted < upto; z->inserted++) {
		size_t i = z->inserted;
		if (i + MIN_MATCH > z->len)
			continue;
		uint32_t h = hash4(z->in + i);
		z->prev[i] = z->head[h];
		z->head[h] = (int32_t)i;
	}
}

/* Longest earlier match for position i (bounded chain walk). */
static size_t longest(struct lz *z, size_t i, size_t *off)
{
	size_t best = 0;
	if (i + MIN_MATCH > z->len)
		return 0;
	insert_to(z, i);
	int32_t c = z->head[hash4(z->in + i)];
	size_t max = z->len - i < MAX_MATCH ? z->len - i : MAX_MATCH;
	for (unsigned n = 0; c >= 0 && n < MAX_CHAIN; n++, c = z->prev[c]) {
		size_t d = i - (size_t)c;
		if (d > WINDOW)
			break;
		size_t k = 0;
		while (k < max && z->in[(size_t)c + k] == z->in[i + k])
			k++;
		if (k > best) {
			best = k;
			*off = d;
			if (k == max)
				break;
		}
	}
	return best;
}

static void put_len(uint8_t *out, size_t *o, size_t v)
{
	for (; v >= 255; v -= 255)
		out[(*o)++] = 255;
	out[(*o)++] = (uint8_t)v;
}

/* One sequence: the literals in[lit..i), then (unless m == 0) a match. */
static void emit(uint8_t *out, size_t *o, const uint8_t *in, size_t lit,
		 size_t i, size_t m, size_t off)
{
	size_t l = i - lit, mm = m ? m - MIN_MATCH : 0;
	out[(*o)++] = (uint8_t)((l < 15 ? l : 15) << 4 | (mm < 15 ? mm : 15));
	if (l >= 15)
		put_len(out, o, l - 15);
	memcpy(out + *o, in + lit, l);
	*o += l;
	if (!m)
		return;
	out[(*o)++] = (uint8_t)off;
	out[(*o)++] = (uint8_t)(off >> 8);
	if (mm >= 15)
		put_len(out, o, mm - 15);
}

/* Extra length bytes a run or match-length field of value v needs. */
static size_t len_bytes(size_t v)
{
	return v < 15 ? 0 : 1 + (v - 15) / 255;
}

/*
 * Optimal parse: the cheapest way (in output bytes) to reach every
 * position, each step either one literal or a match of any length up to
 * the longest found there (a prefix of a match is a match at the same
 * offset).  The cost of a literal depends on the run it extends (the 15th
 * and every 255th after cost a length byte), so each position keeps the
 * run length of its cheapest path.  A greedy or lazy parse leaves a few
 * per cent on the table, and every byte here is one the PXE ROM loads.
 */
static size_t compress(const uint8_t *in, size_t len, uint8_t *out)
{
	struct lz z = {.in = in, .len = len};
	z.head = malloc(sizeof(int32_t) << HASH_BITS);
	z.prev = malloc(sizeof(int32_t) * (len + 1));
	size_t *cost = malloc(sizeof(size_t) * (len + 1));
	size_t *run = malloc(sizeof(size_t) * (len + 1));
	uint32_t *from_len = malloc(sizeof(uint32_t) * (len + 1));
	uint32_t *from_off = malloc(sizeof(uint32_t) * (len + 1));
	if (!z.head || !z.prev || !cost || !run || !from_len || !from_off) {
		perror("nbzip");
		exit(1);
	}
	for (size_t i = 0; i < (1u << HASH_BITS); i++)
		z.head[i] = -1;
	for (size_t i = 0; i <= len; i++)
		cost[i] = SIZE_MAX;
	cost[0] = 0;
	run[0] = 0;
	for (size_t i = 0; i < len; i++) {
		/* One more literal; its token is paid by the sequence's match
		 * (or the final token, added below). */
		size_t r = run[i] + 1;
		size_t c = cost[i] + 1 + len_bytes(r) - len_bytes(r - 1);
		if (c < cost[i + 1]) {
			cost[i + 1] = c;
			run[i + 1] = r;
			from_len[i + 1] = 1;
			from_off[i + 1] = 0;
		}
		size_t off = 0, m = longest(&z, i, &off);
		for (size_t k = MIN_MATCH; k <= m; k++) {
			c = cost[i] + 3 + len_bytes(k - MIN_MATCH);
			if (c < cost[i + k]) {
				cost[i + k] = c;
				run[i + k] = 0;
				from_len[i + k] = (uint32_t)k;
				from_off[i + k] = (uint32_t)off;
			}
		}
	}
	/* Walk back from the end, marking where each match starts. */
	size_t *start = cost; /* reused: cost is no longer needed */
	for (size_t i = 0; i <= len; i++)
		start[i] = 0;
	for (size_t i = len; i > 0; i -= from_len[i]) {
		if (from_off[i]) {
			start[i - from_len[i]] = i;
			run[i - from_len[i]] = from_off[i];
		}
	}
	size_t o = 0, lit = 0, i = 0;
	for (int k = 0; k < 4; k++)
		out[o++] = (uint8_t)(len >> (8 * k));
	while (i < len) {
		if (!start[i]) {
			i++;
			continue;
		}
		size_t end = start[i];
		emit(out, &o, in, lit, i, end - i, run[i]);
		i = end;
		lit = i;
	}
	if (lit < len || len == 0)
		emit(out, &o, in, lit, len, 0, 0);
	free(z.head);
	free(z.prev);
	free(cost);
	free(run);
	free(from_len);
	free(from_off);
	return o;
}

static int get_len(const uint8_t *in, size_t len, size_t *i, size_t *v)
{
	if (*v != 15)
		return 0;
	for (unsigned n = 0; n < (1u << 20); n++) {
		if (*i >= len)
			return -1;
		uint8_t b = in[(*i)++];
		*v += b;
		if (b != 255)
			return 0;
	}
	return -1;
}

/* The expander start.S implements, for the check. */
static int expand(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		  size_t *olen)
{
	if (len < 4)
		return -1;
	size_t n = (size_t)in[0] | (size_t)in[1] << 8 | (size_t)in[2] << 16 |
		   (size_t)in[3] << 24;
	size_t i = 4, o = 0;
	if (n > cap)
		return -1;
	while (o < n) {
		if (i >= len)
			return -1;
		uint8_t t = in[i++];
		size_t l = t >> 4, m = t & 15;
		if (get_len(in, len, &i, &l) || i + l > len || o + l > n)
			return -1;
		memcpy(out + o, in + i, l);
		i += l;
		o += l;
		if (o >= n)
			break;
		if (i + 2 > len)
			return -1;
		size_t d = (size_t)in[i] | (size_t)in[i + 1] << 8;
		i += 2;
		if (get_len(in, len, &i, &m))
			return -1;
		m += MIN_MATCH;
		if (d == 0 || d > o || o + m > n)
			return -1;
		for (size_t j = 0; j < m; j++, o++)
			out[o] = out[o - d];
	}
	*olen = o;
	return i == len ? 0 : -1;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	size_t cap = 1 << 20, n = 0;
	uint8_t *b = malloc(cap);
	size_t r;
	while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
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
	if (!img) {
		perror("nbzip");
		return 1;
	}
	size_t at = 0;
	while (at + 8 <= len && memcmp(img + at, "NBZ1", 4) != 0)
		at++;
	if (at + 8 > len) {
		fprintf(stderr, "nbzip: no NBZ1 signature in %s\n", argv[1]);
		return 1;
	}
	size_t core = (size_t)img[at + 4] | (size_t)img[at + 5] << 8 |
		      (size_t)img[at + 6] << 16 | (size_t)img[at + 7] << 24;
	if (core > len) {
		fprintf(stderr, "nbzip: core offset %zu past the image\n", core);
		return 1;
	}
	size_t clen = len - core;
	uint8_t *z = malloc(clen + clen / 8 + 64);
	uint8_t *back = malloc(clen + 1);
	if (!z || !back) {
		perror("nbzip");
		return 1;
	}
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
