/* Entry points of modules that are not part of this build. */
#include "nbget.h"

#if !defined(NBGET_HAVE_DHCP) || !defined(NBGET_HAVE_TFTP) || !defined(NBGET_HAVE_HTTP)
static int missing(const char *what)
{
	fprintf(stderr, "nbget: %s is not built into this nbget\n", what);
	return 1;
}
#endif

#ifndef NBGET_HAVE_DHCP
int nbget_dhcp_setup(struct nbget *g)
{
	(void)g;
	return missing("DHCP");
}
int nbget_cmd_lease(struct nbget *g)
{
	(void)g;
	return missing("DHCP");
}
#endif
#ifndef NBGET_HAVE_TFTP
int nbget_get_tftp(struct nbget *g, const char *url, const char *out_path)
{
	(void)g, (void)url, (void)out_path;
	return missing("TFTP");
}
#endif
#ifndef NBGET_HAVE_HTTP
int nbget_get_http(struct nbget *g, const char *url, const char *out_path)
{
	(void)g, (void)url, (void)out_path;
	return missing("HTTP");
}
#endif
