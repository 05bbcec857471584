/*
 * nbget's --dhcp6: lib/dhcp6's client run over the v6 layer's UDP (from
 * the link-local address to ff02::1:2), then the leased address handed
 * to the layer, which runs DAD on it.  The lease's DNS servers and boot
 * file URL stay here for the resolver and the `lease` command.
 */
#include <stdio.h>
#include <string.h>

#include "netboot/dhcp6.h"
#include "nbget.h"

/* One lease per process: nbget configures one stack. */
static struct {
	struct nb_dhcp6 c;
	struct nb_udp6 sk;
	uint64_t now;
	uint64_t bound_ms;
	uint8_t buf[NB_DHCP6_SEND_MAX];
} d6;

static void rx(void *ctx, struct nb_udp6 *sk, const uint8_t src[16],
	       uint16_t sport, const void *data, size_t len)
{
	(void)ctx;
	(void)sk;
	(void)src;
	(void)sport;
	/* The client checks the transaction and Client IDs itself. */
	nb_dhcp6_input(&d6.c, data, len, d6.now);
}

static int poll6(void *obj, uint64_t now_ms)
{
	size_t n = 0;
	(void)obj;
	d6.now = now_ms;
	int rc = nb_dhcp6_poll(&d6.c, now_ms, d6.buf, sizeof(d6.buf), &n);
	/* A send that fails (ND still resolving, say) is a lost packet:
	 * the client's retransmission covers it. */
	if (n)
		nb_udp6_sendto(&d6.sk, NB_DHCP6_ALL_SERVERS,
			       NB_DHCP6_SERVER_PORT, d6.buf, n);
	return rc;
}

static int wait_dhcp6(struct nbget *g)
{
	struct nb_dhcp6_cfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.rng = g->rng;
	memcpy(cfg.mac, g->link_used->mac, 6);
	cfg.rapid_commit = !g->dhcp6_no_rapid;
	/* As PXE firmware asks, so servers set up for it hand out the boot
	 * file URL (option 59). */
	cfg.pxe = true;
	cfg.arch = 7;
	uint64_t now = nbget_now(g);
	d6.now = now;
	int rc = nb_dhcp6_start(&d6.c, &cfg, now);
	if (rc < 0)
		return rc;
	rc = nb_udp6_open(&d6.sk, &g->stack6, NB_DHCP6_CLIENT_PORT, rx, NULL);
	if (rc < 0)
		return rc;
	nb_udp6_set_timer(&d6.sk, &d6.c.resend);
	uint32_t t = g->dhcp_timeout_s ? g->dhcp_timeout_s : 60;
	rc = nb_wait(&g->stack, poll6, NULL, &g->clock, (uint64_t)t * 1000);
	nb_udp6_close(&d6.sk);
	if (rc < 0)
		nb_dhcp6_cancel(&d6.c);
	return rc;
}

int nbget_dhcp6_setup(struct nbget *g)
{
	uint64_t t0 = nbget_now(g);
	int rc = wait_dhcp6(g);
	if (rc < 0) {
		fprintf(stderr, "nbget: dhcp6: %s: %s (%u packets sent)\n",
			nb_strerror(rc), nb_dhcp6_why(&d6.c),
			(unsigned)d6.c.sent);
		return 1;
	}
	const struct nb_dhcp6_lease *l = &d6.c.lease;
	rc = nb_stack6_set_addr(&g->stack6, l->addr, 128);
	if (rc == 0)
		rc = nbget_wait(g, nb_stack6_ready, &g->stack6);
	if (rc < 0)
		return nbget_fail("dhcp6 address", rc);
	d6.bound_ms = nbget_now(g) - t0;
	for (unsigned i = 0; i < l->ndns && g->ndns6 < NB_DNS_SERVERS; i++)
		memcpy(g->dns6[g->ndns6++], l->dns[i], 16);
	char t[NB_IP6_TEXT_MAX];
	nb_ip6_addr_format(l->addr, t);
	fprintf(stderr, "nbget: dhcp6 %s/128%s\n", t,
		l->rapid_commit ? " (rapid commit)" : "");
	return 0;
}

/* The v6 lines of `lease`; nothing without a DHCPv6 lease. */
void nbget_dhcp6_lease(void)
{
	if (d6.c.state != NB_DHCP6_BOUND)
		return;
	const struct nb_dhcp6_lease *l = &d6.c.lease;
	char t[NB_IP6_TEXT_MAX];
	nb_ip6_addr_format(l->addr, t);
	printf("ip6=%s\n", t);
	printf("dns6=");
	for (unsigned i = 0; i < l->ndns; i++) {
		nb_ip6_addr_format(l->dns[i], t);
		printf("%s%s", i ? "," : "", t);
	}
	printf("\nboot_url=%s\n", l->boot_url);
	printf("boot_params=%s\n", l->boot_params);
	printf("valid_s=%u\n", (unsigned)l->valid_s);
	printf("rapid_commit=%d\n", l->rapid_commit ? 1 : 0);
	printf("dhcp6_sent=%u\n", (unsigned)d6.c.sent);
	printf("bound6_ms=%llu\n", (unsigned long long)d6.bound_ms);
}
