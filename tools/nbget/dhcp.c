/* nbget's DHCP side: --dhcp, --cached-dhcp/--cached-proxy, --save-dhcp and
 * the `lease` command. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netboot/dhcp.h"
#include "nbget.h"

/* One lease per process: nbget configures one stack. */
static struct nb_dhcp dhcp;
static uint64_t bound_ms;

static int read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "nbget: %s: %s\n", path, strerror(errno));
		return -1;
	}
	*len = fread(buf, 1, cap, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || !*len) {
		fprintf(stderr, "nbget: %s: cannot read a packet\n", path);
		return -1;
	}
	return 0;
}

static int write_file(const char *path, const uint8_t *p, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "nbget: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int save(struct nbget *g)
{
	size_t len;
	const uint8_t *p = nb_dhcp_packet(&dhcp, NB_DHCP_PKT_ACK, &len);
	if (!p || write_file(g->save_dhcp, p, len) < 0)
		return 1;
	/* The proxy's packet goes beside it, for --cached-proxy. */
	p = nb_dhcp_packet(&dhcp, NB_DHCP_PKT_PROXY, &len);
	if (p) {
		char path[4096];
		snprintf(path, sizeof(path), "%s.proxy", g->save_dhcp);
		if (write_file(path, p, len) < 0)
			return 1;
	}
	p = nb_dhcp_packet(&dhcp, NB_DHCP_PKT_BOOT, &len);
	if (p) {
		char path[4096];
		snprintf(path, sizeof(path), "%s.boot", g->save_dhcp);
		if (write_file(path, p, len) < 0)
			return 1;
	}
	return 0;
}

static int cached(struct nbget *g)
{
	/* Firmware caches hold at most one Ethernet MTU of packet. */
	static uint8_t ack[NB_DHCP_PKT_MAX], proxy[NB_DHCP_PKT_MAX];
	size_t alen, plen = 0;
	if (read_file(g->cached_dhcp, ack, sizeof(ack), &alen) < 0)
		return 1;
	if (g->cached_proxy &&
	    read_file(g->cached_proxy, proxy, sizeof(proxy), &plen) < 0)
		return 1;
	int rc = nb_dhcp_use_cached(&dhcp, &g->stack, ack, alen,
				    g->cached_proxy ? proxy : NULL, plen,
				    NULL, 0);
	if (rc < 0) {
		fprintf(stderr, "nbget: --cached-dhcp: %s: %s\n",
			nb_strerror(rc), nb_dhcp_why(&dhcp));
		return 1;
	}
	return 0;
}

static int exchange(struct nbget *g)
{
	struct nb_dhcp_cfg cfg = {0};
	uint32_t t = g->dhcp_timeout_s ? g->dhcp_timeout_s * 1000 : 60000;
	cfg.timeout_ms = t;
	/* The PXE schedule (4, 8, 16, 32 s) fits a 60 s budget; a shorter
	 * budget still gets several retransmissions. */
	cfg.first_ms = t >= 60000 ? 4000 : (t / 8 < 500 ? 500 : t / 8);
	cfg.pxe = true;
	if (g->user_class) {
		size_t n = strlen(g->user_class);
		if (n > NB_DHCP_USER_CLASS_MAX) {
			fprintf(stderr, "nbget: --user-class longer than %d\n",
				NB_DHCP_USER_CLASS_MAX);
			return 1;
		}
		memcpy(cfg.user_class, g->user_class, n);
		cfg.user_class_len = (uint8_t)n;
	}
	uint64_t now = nbget_now(g);
	nb_stack_poll(&g->stack, now);
	int rc = nb_dhcp_start(&dhcp, &g->stack, &cfg, now);
	if (rc < 0)
		return nbget_fail("dhcp", rc);
	/* The client enforces --dhcp-timeout itself; nb_wait's limit is
	 * only a backstop. */
	rc = nb_wait(&g->stack, nb_dhcp_poll_fn, &dhcp, &g->clock,
		     (uint64_t)t + 5000);
	if (rc < 0) {
		nb_dhcp_cancel(&dhcp);
		fprintf(stderr, "nbget: dhcp: %s: %s (%u packets sent)\n",
			nb_strerror(rc), nb_dhcp_why(&dhcp),
			(unsigned)dhcp.sent);
		return 1;
	}
	return 0;
}

int nbget_dhcp_setup(struct nbget *g)
{
	uint64_t t0 = nbget_now(g);
	int rc = g->cached_dhcp ? cached(g) : exchange(g);
	if (rc)
		return rc;
	bound_ms = nbget_now(g) - t0;
	g->next_server = dhcp.lease.next_server; /* for `get NAME` */
	if (g->save_dhcp)
		return save(g);
	return 0;
}

static void ip_line(const char *key, uint32_t ip)
{
	printf("%s=%u.%u.%u.%u\n", key, ip >> 24, (ip >> 16) & 255,
	       (ip >> 8) & 255, ip & 255);
}

int nbget_cmd_lease(struct nbget *g)
{
	if (dhcp.state != NB_DHCP_BOUND) {
#ifdef NBGET_DHCP6
		if (g->dhcp6) {
			nbget_dhcp6_lease();
			return 0;
		}
#endif
		fprintf(stderr, "nbget: lease: give --dhcp, --cached-dhcp or --dhcp6\n");
		return 1;
	}
	const struct nb_dhcp_lease *l = &dhcp.lease;
	ip_line("ip", l->ip);
	ip_line("mask", l->mask);
	ip_line("router", l->router);
	printf("dns=");
	for (int i = 0; i < l->ndns; i++)
		printf("%s%u.%u.%u.%u", i ? "," : "", l->dns[i] >> 24,
		       (l->dns[i] >> 16) & 255, (l->dns[i] >> 8) & 255,
		       l->dns[i] & 255);
	printf("\n");
	ip_line("server", l->server_id);
	ip_line("proxy", l->proxy_ip);
	ip_line("next_server", l->next_server);
	printf("tftp_server=%s\n", l->tftp_server);
	printf("filename=%s\n", l->boot_file);
	printf("opt209=%s\n", l->pxe_config);
	printf("opt210=%s\n", l->pxe_prefix);
	if (l->have_reboot)
		printf("opt211=%u\n", (unsigned)l->reboot_s);
	else
		printf("opt211=\n");
	printf("domain=%s\n", l->domain);
	printf("mtu=%u\n", (unsigned)g->link_used->mtu);
	printf("lease_time=%u\n", (unsigned)l->lease_s);
	printf("pxe=%d\n", l->is_pxe ? 1 : 0);
	printf("cached=%d\n", l->from_cache ? 1 : 0);
	printf("dhcp_sent=%u\n", (unsigned)l->packets_sent);
	printf("bound_ms=%llu\n", (unsigned long long)bound_ms);
#ifdef NBGET_DHCP6
	nbget_dhcp6_lease();
#endif
	return 0;
}
