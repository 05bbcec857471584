#include <arpa/inet.h>

#include "nbget.h"

#ifdef NBGET_HAVE_DNS
#include "netboot/dns.h"
#endif

int nbget_resolve(struct nbget *g, const char *host, uint32_t *ip)
{
	struct in_addr a;
	if (inet_pton(AF_INET, host, &a) == 1) {
		*ip = ntohl(a.s_addr);
		return 0;
	}
#ifdef NBGET_HAVE_DNS
	return nbget_dns_resolve(g, host, ip);
#else
	(void)g;
	return -NB_ENOTSUP;
#endif
}
