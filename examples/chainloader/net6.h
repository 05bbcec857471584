/*
 * The loader over IPv6 (UEFI PXEv6): the firmware's DHCPv6 Reply adopted
 * (nothing sent), lib/ip6's layer on the loader's stack with that
 * address, TCP and TFTP over it for lib/fetch, and the lease's values for
 * the script.  Compiled into the images built with CL_IP6 only.
 */
#ifndef CL_NET6_H
#define CL_NET6_H

#include "netboot/dhcp6.h"
#include "netboot/fetch.h"
#include "netboot/stack6.h"

struct cl_loader;

struct cl_net6 {
	struct nb_stack6 st;
	struct nb_dhcp6 dhcp;
	struct nb_tftp6 tftp;
	bool up;
};

/* Adopt the platform's DHCPv6 Reply and bring IPv6 up on the loader's
 * stack; prints the "net:" line.  0 or -NB_E*. */
int cl_net6_up(struct cl_loader *l);
/* Let a fetch reach [v6] hosts (no-op before cl_net6_up). */
void cl_net6_fetch_cfg(struct cl_net6 *v, struct nb_fetch_cfg *cfg);
/* A script setting from the v6 lease (cl_ops.get's contract): the
 * address as text, the boot file URL, DHCPv6 option `key` for 1..254. */
int cl_net6_get(const struct cl_net6 *v, unsigned key, uint8_t *out, size_t cap);

#endif
