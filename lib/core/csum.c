/*
 * The Internet checksum (RFC 1071), used by IPv4, ICMP, UDP and TCP for
 * every frame both ways: the hottest loop after memcpy, hence written for
 * speed on firmware builds too.
 */
#include "core/mem.h"

#include "netboot/core.h"

/*
 * Sums 32-bit words into a 64-bit accumulator, so carries are folded only
 * once at the end: about four times fewer additions than a 16-bit loop.
 * One's-complement addition is byte-order independent as long as words
 * are read in a consistent order (RFC 1071 section 2), so words are loaded
 * in host order and the folded result is swapped back once on little-endian
 * hosts.  __builtin_memcpy keeps unaligned loads defined and stays a plain
 * load even under -fno-builtin (firmware builds), where a memcpy() call
 * per word would cost more than the sum itself.
 */
static uint64_t sum_words(const uint8_t *p, size_t len, uint64_t acc)
{
	while (len >= 16) {
		uint32_t w[4];
		__builtin_memcpy(w, p, sizeof(w));
		acc += (uint64_t)w[0] + w[1] + w[2] + w[3];
		p += 16;
		len -= 16;
	}
	while (len >= 4) {
		uint32_t w;
		__builtin_memcpy(&w, p, 4);
		acc += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t h;
		__builtin_memcpy(&h, p, 2);
		acc += h;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high byte of a big-endian word. */
		uint16_t h = 0;
		__builtin_memcpy(&h, p, 1);
		acc += h;
	}
	return acc;
}

static uint16_t fold64(uint64_t acc)
{
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static uint16_t to_network_sum(uint16_t host_sum)
{
	const uint16_t probe = 1;
	uint8_t first;
	__builtin_memcpy(&first, &probe, 1);
	if (first) /* little-endian: words were read byte-swapped */
		return (uint16_t)((host_sum >> 8) | (host_sum << 8));
	return host_sum;
}

uint32_t nb_csum_add(uint32_t sum, const void *data, size_t len)
{
	uint16_t part = to_network_sum(fold64(sum_words(data, len, 0)));
	uint32_t s = sum + part;
	return (s & 0xffff) + (s >> 16);
}

uint16_t nb_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t nb_csum(const void *data, size_t len)
{
	return nb_csum_fold(nb_csum_add(0, data, len));
}
