/*
 * SHA-256 (FIPS 180-4), streaming, for `sha256 URL HEX` image checks in the
 * loader and nbget's --sha256: integrity for images that arrive over
 * plain HTTP or TFTP.
 */
#include "core/hex.h"
#include "core/mem.h"
#include "netboot/sha256.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* The 16-word rolling schedule keeps the stack at 64 bytes instead of the
 * textbook 256-byte array. */
static void compress(uint32_t h[8], const uint8_t *blk)
{
	uint32_t w[16];
	for (int i = 0; i < 16; i++)
		w[i] = nb_get32(blk + 4 * i);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
	uint32_t e = h[4], f = h[5], g = h[6], k = h[7];
	for (int i = 0; i < 64; i++) {
		if (i >= 16) {
			uint32_t w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15];
			uint32_t s0 = ror(w15, 7) ^ ror(w15, 18) ^ (w15 >> 3);
			uint32_t s1 = ror(w2, 17) ^ ror(w2, 19) ^ (w2 >> 10);
			w[i & 15] += s0 + w[(i - 7) & 15] + s1;
		}
		uint32_t t1 = k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
			      ((e & f) ^ (~e & g)) + K[i] + w[i & 15];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
			      ((a & b) ^ (a & c) ^ (b & c));
		k = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

void nb_sha256_init(struct nb_sha256 *c)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
				       0xa54ff53a, 0x510e527f, 0x9b05688c,
				       0x1f83d9ab, 0x5be0cd19};
	memcpy(c->h, iv, sizeof(iv));
	c->bytes = 0;
}

void nb_sha256_update(struct nb_sha256 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t fill = (size_t)(c->bytes % 64);
	c->bytes += len;
	if (fill) {
		size_t take = 64 - fill < len ? 64 - fill : len;
		memcpy(c->block + fill, p, take);
		p += take;
		len -= take;
		if (fill + take < 64)
			return;
		compress(c->h, c->block);
	}
	for (; len >= 64; p += 64, len -= 64)
		compress(c->h, p);
	memcpy(c->block, p, len);
}

void nb_sha256_final(struct nb_sha256 *c, uint8_t out[NB_SHA256_LEN])
{
	uint64_t bits = c->bytes * 8;
	size_t fill = (size_t)(c->bytes % 64);
	c->block[fill++] = 0x80;
	if (fill > 56) {
		memset(c->block + fill, 0, 64 - fill);
		compress(c->h, c->block);
		fill = 0;
	}
	memset(c->block + fill, 0, 56 - fill);
	nb_put32(c->block + 56, (uint32_t)(bits >> 32));
	nb_put32(c->block + 60, (uint32_t)bits);
	compress(c->h, c->block);
	for (int i = 0; i < 8; i++)
		nb_put32(out + 4 * i, c->h[i]);
}

int nb_sha256_parse_hex(const char *hex, uint8_t out[NB_SHA256_LEN])
{
	if (!hex)
		return -NB_EINVAL;
	for (int i = 0; i < NB_SHA256_LEN; i++) {
		int hi = nb_hex_digit(hex[2 * i]);
		int lo = hi < 0 ? -1 : nb_hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -NB_EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return hex[2 * NB_SHA256_LEN] ? -NB_EINVAL : 0;
}
