/*
 * One Ethernet frame into nb_eth_input() of a configured stack (sockets
 * open, an ARP resolution pending, a ping outstanding), then the timers.
 * Input: the frame itself, truncated to NB_ETH_FRAME_MAX.
 */
#include <stdint.h>
#include <string.h>

#include "fuzzenv.h"
#include "stack/layers.h" /* nb_eth_input() */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_env e;
	static uint8_t frame[NB_ETH_FRAME_MAX];
	fz_env_reset(&e);
	if (size > sizeof(frame))
		size = sizeof(frame);
	/* Exactly @size bytes, so ASan catches any read past the frame. */
	uint8_t *f = size ? frame + sizeof(frame) - size : frame;
	memcpy(f, data, size);
	nb_eth_input(&e.s, f, size);
	fz_env_check(&e);
	nb_stack_poll(&e.s, e.now + 8000);
	(void)nb_ping_poll(&e.ping, e.now + 8000);
	fz_env_check(&e);
	return 0;
}
