/**
 * @file bytes.h
 * @brief Loads and stores of 16/32/64-bit little- and big-endian fields at
 *        any alignment.
 *
 * Wire formats (big-endian network order) and firmware structures
 * (little-endian PXE/UNDI parameter blocks, the Linux boot protocol) are
 * always accessed through these, never by casting a byte pointer to a
 * wider type, so unaligned buffers cannot fault or alias.  Compilers turn
 * each one into a plain load or store (plus a byte swap where needed).
 */
#ifndef NETBOOT_BYTES_H
#define NETBOOT_BYTES_H

#include <stdint.h>

/** Read a 16-bit little-endian value.
 * @param p  Two readable bytes.  @return The value in host order. */
static inline uint16_t nb_load_le16(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;
	return (uint16_t)(b[0] | b[1] << 8);
}
/** Read a 32-bit little-endian value.
 * @param p  Four readable bytes.  @return The value in host order. */
static inline uint32_t nb_load_le32(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}
/** Read a 64-bit little-endian value.
 * @param p  Eight readable bytes.  @return The value in host order. */
static inline uint64_t nb_load_le64(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;
	return nb_load_le32(b) | (uint64_t)nb_load_le32(b + 4) << 32;
}
/** Read a 16-bit big-endian value.
 * @param p  Two readable bytes.  @return The value in host order. */
static inline uint16_t nb_load_be16(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;
	return (uint16_t)(b[0] << 8 | b[1]);
}
/** Read a 32-bit big-endian value.
 * @param p  Four readable bytes.  @return The value in host order. */
static inline uint32_t nb_load_be32(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}
/** Read a 64-bit big-endian value.
 * @param p  Eight readable bytes.  @return The value in host order. */
static inline uint64_t nb_load_be64(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;
	return (uint64_t)nb_load_be32(b) << 32 | nb_load_be32(b + 4);
}

/** Store a 16-bit value little-endian.
 * @param p  Two writable bytes.  @param v  Value in host order. */
static inline void nb_store_le16(void *p, uint16_t v)
{
	uint8_t *b = (uint8_t *)p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}
/** Store a 32-bit value little-endian.
 * @param p  Four writable bytes.  @param v  Value in host order. */
static inline void nb_store_le32(void *p, uint32_t v)
{
	uint8_t *b = (uint8_t *)p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}
/** Store a 64-bit value little-endian.
 * @param p  Eight writable bytes.  @param v  Value in host order. */
static inline void nb_store_le64(void *p, uint64_t v)
{
	uint8_t *b = (uint8_t *)p;
	nb_store_le32(b, (uint32_t)v);
	nb_store_le32(b + 4, (uint32_t)(v >> 32));
}
/** Store a 16-bit value big-endian.
 * @param p  Two writable bytes.  @param v  Value in host order. */
static inline void nb_store_be16(void *p, uint16_t v)
{
	uint8_t *b = (uint8_t *)p;
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}
/** Store a 32-bit value big-endian.
 * @param p  Four writable bytes.  @param v  Value in host order. */
static inline void nb_store_be32(void *p, uint32_t v)
{
	uint8_t *b = (uint8_t *)p;
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}
/** Store a 64-bit value big-endian.
 * @param p  Eight writable bytes.  @param v  Value in host order. */
static inline void nb_store_be64(void *p, uint64_t v)
{
	uint8_t *b = (uint8_t *)p;
	nb_store_be32(b, (uint32_t)(v >> 32));
	nb_store_be32(b + 4, (uint32_t)v);
}

/** @name Network-order shorthands
 * The names the protocol code has always used for big-endian fields.
 * @{ */
/** nb_load_be16().  @param p  Two readable bytes.  @return Host value. */
static inline uint16_t nb_get16(const void *p) { return nb_load_be16(p); }
/** nb_load_be32().  @param p  Four readable bytes.  @return Host value. */
static inline uint32_t nb_get32(const void *p) { return nb_load_be32(p); }
/** nb_store_be16().  @param p  Two writable bytes.  @param v  Host value. */
static inline void nb_put16(void *p, uint16_t v) { nb_store_be16(p, v); }
/** nb_store_be32().  @param p  Four writable bytes.  @param v  Host value. */
static inline void nb_put32(void *p, uint32_t v) { nb_store_be32(p, v); }
/** @} */

#endif
