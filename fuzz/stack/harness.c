/*
 * The whole stack: a sequence of frames received through the link, time
 * advancing, and application calls in between, with UDP sockets open (one
 * echoes from its callback, one closes itself) and a ping outstanding.
 *
 * Input: records of [op:1][len:2 big-endian][len bytes].
 *   op & 3 == 0  queue the bytes as a received frame (bits 2-4: fix IPv4
 *                length / header checksum / L4 checksum; bit 5: set the
 *                destination MAC to ours)
 *   op & 3 == 1  poll after advancing time by len ms (no bytes follow)
 *   op & 3 == 2  an application call chosen by bits 2-4, its arguments
 *                from the bytes (no bytes needed beyond len)
 *   op & 3 == 3  as 0, then poll at once
 * The link's transmit fails with -NB_ENOBUFS while bit 7 of op is set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECORDS 128

static uint32_t arg32(const uint8_t *p, size_t len, size_t i)
{
	uint8_t b[4] = {0};
	for (size_t k = 0; k < 4 && i + k < len; k++)
		b[k] = p[i + k];
	return nb_get32(b);
}

static void app_call(struct fz_env *e, unsigned which, const uint8_t *p, size_t len)
{
	uint32_t a = arg32(p, len, 0), b = arg32(p, len, 4);
	switch (which) {
	case 0: /* UDP send from the ephemeral socket */
		if (e->sock[2].s)
			(void)nb_udp_sendto(&e->sock[2], a, (uint16_t)b,
					    len > 8 ? p + 8 : NULL, len > 8 ? len - 8 : 0);
		break;
	case 1:
		(void)nb_ping_start(&e->ping, &e->s, a, (uint16_t)b,
				    len > 8 ? p[8] * 6u : 0, b >> 16, e->now);
		break;
	case 2:
		(void)nb_ping_poll(&e->ping, e->now);
		break;
	case 3:
		nb_udp_close(&e->sock[(a >> 24) % 3]);
		break;
	case 4: {
		struct nb_udp_sock *k = &e->sock[(a >> 24) % 3];
		if (!k->s)
			(void)nb_udp_open(k, &e->s, (uint16_t)b, k->rx ? k->rx : e->sock[0].rx, e);
		break;
	}
	case 5:
		if (a & 1)
			nb_stack_set_ipv4(&e->s, 0, 0, 0);
		else
			nb_stack_set_ipv4(&e->s, FZ_OUR_IP, a | 0xff000000u, FZ_GW_IP);
		break;
	case 6: {
		uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0};
		memcpy(mac + 2, &b, 4);
		(void)nb_arp_add(&e->s, a, mac);
		break;
	}
	default:
		nb_ping_cancel(&e->ping);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_env e;
	fz_env_reset(&e);
	/* Keep the receive callbacks identifiable after closes/reopens. */
	for (int n = 0; n < MAX_RECORDS && size >= 3; n++) {
		uint8_t op = data[0];
		size_t len = (size_t)(data[1] << 8 | data[2]);
		data += 3;
		size -= 3;
		e.fl.tx_rc = (op & 0x80) ? -NB_ENOBUFS : 0;
		if ((op & 3) == 1) {
			e.now += len;
			(void)nb_stack_poll(&e.s, e.now);
			(void)nb_ping_poll(&e.ping, e.now);
			fz_env_check(&e);
			continue;
		}
		if (len > size)
			len = size;
		if ((op & 3) == 2) {
			app_call(&e, (op >> 2) & 7, data, len);
		} else {
			uint8_t f[NB_ETH_FRAME_MAX];
			size_t flen = len > sizeof(f) ? sizeof(f) : len;
			memcpy(f, data, flen);
			unsigned fix = 0;
			if (op & 4)
				fix |= FB_FIX_LEN;
			if (op & 8)
				fix |= FB_FIX_IPSUM;
			if (op & 16)
				fix |= FB_FIX_L4SUM;
			if (flen > 14)
				fb_fixup_ipv4(f + 14, flen - 14, fix);
			if ((op & 32) && flen >= 6)
				memcpy(f, fl_our_mac, 6);
			if (fl_push(&e.fl, f, flen) != 0 || (op & 3) == 3)
				(void)nb_stack_poll(&e.s, e.now);
		}
		fz_env_check(&e);
		data += len;
		size -= len;
	}
	e.fl.tx_rc = 0;
	for (int i = 0; i < 4; i++) {
		e.now += 4000;
		(void)nb_stack_poll(&e.s, e.now);
		(void)nb_ping_poll(&e.ping, e.now);
	}
	fz_env_check(&e);
	return 0;
}
