/* Host arguments of nbget's diagnostics (ping, udp): an IPv4 literal, or
 * a name resolved with lib/dns using the --dns servers. */
#include "nbget.h"
#include "netboot/dns.h"

static int poll_dns(void *obj, uint64_t now_ms)
{
	return nb_dns_poll(obj, now_ms);
}

int nbget_resolve(struct nbget *g, const char *host, uint32_t *ip)
{
	size_t n = 0;
	while (host[n])
		n++;
	if (nb_ipv4_parse(host, n, ip) == 0)
		return 0;
	struct nb_dns q;
	int rc = nb_dns_start(&q, &g->stack, host);
	if (rc < 0)
		return rc;
	rc = nbget_wait(g, poll_dns, &q);
	nb_dns_cancel(&q);
	if (rc == 0)
		*ip = q.addr;
	return rc;
}
