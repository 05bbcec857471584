/**
 * @file sha256.h
 * @brief SHA-256 (FIPS 180-4), streaming, for verifying downloaded images.
 *
 * Freestanding and allocation-free: the context is caller-owned
 * (sizeof(struct nb_sha256) is 108 bytes) and holds no pointers.
 */
#ifndef NETBOOT_SHA256_H
#define NETBOOT_SHA256_H

#include "netboot/core.h"

/** Digest length in bytes. */
#define NB_SHA256_LEN 32

/** Streaming SHA-256 state (fields private). */
struct nb_sha256 {
	uint32_t h[8];      /**< Chaining value. */
	uint64_t bytes;     /**< Message length so far. */
	uint8_t block[64];  /**< Partial block. */
};

/** Start a new digest.
 * @param c  Context (caller-owned). */
void nb_sha256_init(struct nb_sha256 *c);
/** Absorb bytes.
 * @param c     Context.
 * @param data  Bytes, not retained.
 * @param len   Byte count. */
void nb_sha256_update(struct nb_sha256 *c, const void *data, size_t len);
/** Finish the digest; @p c must be re-initialised to be reused.
 * @param c    Context.
 * @param out  Receives the 32-byte digest. */
void nb_sha256_final(struct nb_sha256 *c, uint8_t out[NB_SHA256_LEN]);

/**
 * Parse a 64-character hexadecimal digest (either case).
 * @param hex  NUL-terminated text.
 * @param out  Receives 32 bytes.
 * @return 0, or -NB_EINVAL if @p hex is not exactly 64 hex digits.
 */
int nb_sha256_parse_hex(const char *hex, uint8_t out[NB_SHA256_LEN]);

#endif
