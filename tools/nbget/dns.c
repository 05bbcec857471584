/* Name resolution for nbget commands that take a host (lib/dns). */
#include "nbget.h"
#include "netboot/dns.h"

static int poll_dns(void *obj, uint64_t now_ms)
{
	return nb_dns_poll(obj, now_ms);
}

int nbget_dns_resolve(struct nbget *g, const char *host, uint32_t *ip)
{
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
