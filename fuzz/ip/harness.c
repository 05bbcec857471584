/*
 * Raw IPv4 packets into nb_ip_input(), several per input so fragment
 * sequences and reassembly slots get exercised.
 *
 * Input: records of [flags:1][len:2 big-endian][len bytes]; a short tail
 * is one last packet.  Flag bits: 0 link broadcast, 1 fix the total
 * length, 2 fix the header checksum, 3 fix the UDP/ICMP checksum, 4-7
 * advance time by that many x 1 s before the packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzenv.h"
#include "stack/layers.h" /* nb_ip_input() */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PACKETS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_env e;
	fz_env_reset(&e);
	for (int n = 0; n < MAX_PACKETS && size > 0; n++) {
		uint8_t flags = data[0];
		size_t len = size >= 3 ? (size_t)(data[1] << 8 | data[2]) : 0;
		size_t hdr = size >= 3 ? 3 : size;
		data += hdr;
		size -= hdr;
		if (len > size)
			len = size;
		/* A right-sized heap copy: ASan flags any overread. */
		uint8_t *p = malloc(len ? len : 1);
		if (!p)
			abort();
		memcpy(p, data, len);
		unsigned fix = 0;
		if (flags & 2)
			fix |= FB_FIX_LEN;
		if (flags & 4)
			fix |= FB_FIX_IPSUM;
		if (flags & 8)
			fix |= FB_FIX_L4SUM;
		fb_fixup_ipv4(p, len, fix);
		if (flags >> 4) {
			e.now += (uint64_t)(flags >> 4) * 1000;
			nb_stack_poll(&e.s, e.now);
		}
		nb_ip_input(&e.s, p, len, flags & 1);
		free(p);
		fz_env_check(&e);
		data += len;
		size -= len;
	}
	nb_stack_poll(&e.s, e.now + 20000);
	fz_env_check(&e);
	return 0;
}
