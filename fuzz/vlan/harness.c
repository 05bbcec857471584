/*
 * Received frames through the 802.1Q wrapper (lib/vlan, VLAN 5) into a
 * configured stack, whose answers (ARP replies, echo replies) go back out
 * through the wrapper's tagging.  Input: frames as the inner link hands
 * them over, each a 2-byte big-endian length and its bytes (cut at the
 * fake link's frame size).
 */
#include <stdint.h>
#include <string.h>

#include "fakelink.h"
#include "netboot/vlan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fakelink fl;
	static struct nb_vlan v;
	static struct nb_stack s;
	static uint8_t mem[NB_STACK_ARENA_BYTES + NB_VLAN_ARENA_BYTES(1500)];
	struct nb_arena a;
	fl_init(&fl, fl_our_mac, 1500, 1);
	nb_arena_init(&a, mem, sizeof(mem));
	if (nb_vlan_wrap(&v, &fl.link, 5, &a) < 0 ||
	    nb_stack_init(&s, &v.link, &fl.rng, &a) < 0)
		__builtin_trap();
	nb_stack_set_ipv4(&s, NB_IPV4(10, 0, 0, 2), 0xffffff00u, 0);
	while (size >= 2) {
		size_t len = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		if (len <= sizeof(fl.rx[0].data) && fl_push(&fl, data, len) < 0)
			break;
		data += len;
		size -= len;
	}
	for (int i = 0; i < 8 && fl_pending(&fl); i++)
		nb_stack_poll(&s, 1000 + (uint64_t)i);
	/* Whatever the wrapper passed on was untagged and at most the MTU's
	 * frame; whatever it sent carries our tag. */
	for (size_t i = 0; i < fl.ntx && i < FL_TX_MAX; i++) {
		const struct fl_frame *f = fl_tx(&fl, i);
		if (f->len < 18 || f->len > 14 + 1500 || nb_get16(f->data + 12) != 0x8100 ||
		    nb_get16(f->data + 14) != 5)
			__builtin_trap();
	}
	return 0;
}
