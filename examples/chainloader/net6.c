/*
 * UEFI PXEv6: the firmware ran DHCPv6 and DAD for the address it leased,
 * and fetched us by TFTP over IPv6.  We keep its lease as it is: its
 * Reply is adopted without a packet (a new exchange would move the
 * address under a server that logged this one), the address is used at
 * once (no second DAD wait), and the /64 it is in is taken as on-link,
 * where a boot server normally is; a router's RA, when one comes, adds
 * the default route for anything further.
 */
#include "loader.h"

#include "core/mem.h"
#include "fmt.h"
#include "script.h"

/* Without DAD the layer is ready at once; a bound all the same. */
#define READY_MS 2000

static void say(struct cl_loader *l, const char *t)
{
	l->p->print(l->p->ctx, t);
}

int cl_net6_up(struct cl_loader *l)
{
	struct cl_net6 *v = &l->v6;
	const struct cl_platform *p = l->p;
	if (v->up) {
		l->net_up = true; /* again after `ifclose` */
		return 0;
	}
	int rc = nb_dhcp6_use_cached(&v->dhcp, p->dhcp6, p->dhcp6_len);
	if (rc < 0) {
		say(l, "net: the firmware's DHCPv6 reply: ");
		say(l, nb_dhcp6_why(&v->dhcp));
		say(l, "\n");
		return rc;
	}
	struct nb_stack6_cfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.has_addr = true;
	memcpy(cfg.addr, v->dhcp.lease.addr, 16);
	cfg.plen = 64;
	cfg.no_dad = true;
	rc = nb_stack6_init(&v->st, &l->stack, &cfg, &l->arena);
	if (rc < 0)
		return rc;
	struct nb_clock clk = {.now_ms = p->now_ms, .idle = p->idle,
			       .ctx = p->ctx};
	rc = nb_wait(&l->stack, nb_stack6_ready, &v->st, &clk, READY_MS);
	if (rc < 0)
		return rc;
	nb_tftp6_init(&v->tftp, &v->st);
	v->up = true;
	l->net_up = true;
	char t[NB_IP6_TEXT_MAX];
	nb_ip6_addr_format(v->dhcp.lease.addr, t);
	say(l, "net: ");
	say(l, t);
	say(l, " boot ");
	say(l, v->dhcp.lease.boot_url[0] ? v->dhcp.lease.boot_url : "(none)");
	say(l, " (firmware DHCPv6 lease adopted, no DHCPv6 sent)\n");
	return 0;
}

void cl_net6_fetch_cfg(struct cl_net6 *v, struct nb_fetch_cfg *cfg)
{
	if (!v->up)
		return;
	cfg->tcp6 = nb_stack6_tcp(&v->st);
	cfg->tftp6 = &v->tftp.net;
}

static int put(uint8_t *out, size_t cap, const void *v, size_t n)
{
	if (n > cap)
		return -1;
	memcpy(out, v, n);
	return (int)n;
}

int cl_net6_get(const struct cl_net6 *v, unsigned key, uint8_t *out, size_t cap)
{
	const struct nb_dhcp6_lease *ls = &v->dhcp.lease;
	if (key == CL_K_IP6) {
		char t[NB_IP6_TEXT_MAX];
		return put(out, cap, t, nb_ip6_addr_format(ls->addr, t));
	}
	if (key == CL_K_FILENAME)
		return put(out, cap, ls->boot_url, cl_slen(ls->boot_url));
	/* DHCPv6 has no 210 and no site-specific range: a server that wants
	 * to hand a script a value by number uses the DHCPv6 option of that
	 * number, so `${210}` reads the same way over both families. */
	if (key >= 1 && key <= 254) {
		int n = nb_dhcp6_option(&v->dhcp, (uint16_t)key, out, cap);
		return n < 0 ? -1 : n;
	}
	return -1;
}
