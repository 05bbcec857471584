/*
 * lib/dhcp6: a client exchange driven by hostile servers, the stateless
 * parser, and adoption of a cached Reply, on the same bytes.
 *
 * Input: [flags:1], then records of [len:2 big-endian][len bytes], each a
 * message from a server.  Flag bit 0 asks for Rapid Commit.  The entropy
 * hook returns zeros, so every transaction ID is 0 and the seeds can
 * answer; the Client ID is DUID-LL 00:03:00:01 + 52:54:00:12:34:56, the
 * IAID 0x00123456.  Time advances 1.5 s per record, so retransmissions,
 * the end of the Advertise window and the give-ups happen too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netboot/dhcp6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECORDS 64

static int zero_fill(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0, len);
	return 0;
}

static void check_lease(const struct nb_dhcp6_lease *l)
{
	if (l->ndns > NB_DNS_SERVERS || l->server_id_len > NB_DHCP6_DUID_MAX ||
	    memchr(l->boot_url, 0, sizeof(l->boot_url)) == NULL ||
	    memchr(l->boot_params, 0, sizeof(l->boot_params)) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nb_dhcp6 c, cached;
	static uint8_t out[NB_DHCP6_SEND_MAX];
	static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	if (size < 1)
		return 0;
	struct nb_dhcp6_cfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.rng.fill = zero_fill;
	memcpy(cfg.mac, mac, 6);
	cfg.pxe = true;
	cfg.arch = 7;
	cfg.rapid_commit = data[0] & 1;
	uint64_t now = 0;
	size_t n;
	if (nb_dhcp6_start(&c, &cfg, now) < 0 ||
	    nb_dhcp6_poll(&c, now, out, sizeof(out), &n) != -NB_EAGAIN || !n)
		abort();
	data++;
	size--;
	for (int k = 0; k < MAX_RECORDS && size >= 2; k++) {
		size_t len = (size_t)(data[0] << 8 | data[1]);
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		/* A copy of exactly len bytes, so ASan sees any over-read. */
		uint8_t *pkt = malloc(len ? len : 1);
		if (!pkt)
			abort();
		memcpy(pkt, data, len);
		data += len;
		size -= len;

		struct nb_dhcp6_msg m;
		static struct nb_dhcp6_lease l;
		if (nb_dhcp6_parse(pkt, len, NULL, &m, &l) == 0) {
			check_lease(&l);
			if (m.cid_off && (size_t)m.cid_off + m.cid_len > len)
				abort();
		}
		if (nb_dhcp6_use_cached(&cached, pkt, len) == 0) {
			check_lease(&cached.lease);
			uint8_t v[64];
			(void)nb_dhcp6_option(&cached, 23, v, sizeof(v));
			(void)nb_dhcp6_option(&cached, 59, NULL, 0);
		}
		(void)nb_dhcp6_input(&c, pkt, len, now);
		free(pkt);
		int rc = nb_dhcp6_poll(&c, now, out, sizeof(out), &n);
		if (n > sizeof(out) || (rc == 0 && c.state != NB_DHCP6_BOUND))
			abort();
		if (rc == 0)
			check_lease(&c.lease);
		now += 1500;
		(void)nb_dhcp6_poll(&c, now, out, sizeof(out), &n);
	}
	return 0;
}
