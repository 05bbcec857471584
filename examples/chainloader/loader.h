/*
 * The chainloader core shared by the BIOS and UEFI builds: adopts the
 * firmware's lease (or runs DHCP), fetches images by http:// or tftp://
 * through libnetboot, and implements the script's commands.  The platform
 * (platform.h) supplies the link, console, clock, image memory and the
 * final jumps.
 */
#ifndef CL_LOADER_H
#define CL_LOADER_H

#include "netboot/dhcp.h"
#include "netboot/fetch.h"
#include "netboot/http.h"
#include "netboot/sha256.h"
#include "netboot/stack.h"
#include "netboot/tcp.h"
#include "netboot/tftp.h"
#include "netboot/vlan.h"
#include "platform.h"
#include "script.h"
#ifdef CL_IP6
#include "net6.h"
#endif

/* The sink an image downloads into; also draws the progress line. */
struct cl_fetch {
	struct nb_sink sink;
	struct cl_loader *l;
	struct cl_img *img;
	uint64_t total, high, start_ms, last_draw_ms;
};

struct cl_loader {
	const struct cl_platform *p;
	struct nb_arena arena;
	struct nb_stack stack;
	struct nb_vlan vlan;          /* `set net0/vlan ID`; vid 0: unused */
	struct nb_dhcp dhcp;
	struct nb_tcp tcp;
	struct nb_fetch dl;           /* the download in progress */
	struct cl_fetch fetch;
	bool net_up;
	/* https:// (images built with TLS, examples/chainloader/https.c):
	 * lib/tls's hooks, or NULL (https:// then fails), and why its last
	 * connection failed in words, or NULL. */
	const struct nb_http_tls *tls;
	const char *(*tls_why)(const void *ctx);
	const void *tls_ctx;
#ifdef CL_IP6
	struct cl_net6 v6;           /* UEFI PXEv6 (net6.c) */
#endif
	struct cl_script script;
	char line[160];
};

/* Set up the stack on p->link with arena memory; 0 or -NB_E*. */
int cl_loader_init(struct cl_loader *l, const struct cl_platform *p,
		   void *arena, size_t arena_len);
/* Run the embedded script; returns only when booting failed. */
int cl_loader_run(struct cl_loader *l, const char *script, size_t len);

#endif
