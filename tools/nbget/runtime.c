/*
 * nbget's runtime: everything between the parsed command line and a
 * command.  It owns the tap device, the optional pcap recorder, the
 * arena and the stack, the clock, and the one way commands block on a
 * library object (nbget_wait), so the commands never reach back into the
 * CLI.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nbget.h"

int nbget_fail(const char *what, int err)
{
	fprintf(stderr, "nbget: %s: %s\n", what, nb_strerror(err));
	return 1;
}

int nbget_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

uint64_t nbget_now(struct nbget *g)
{
	return g->clock.now_ms(g->clock.ctx);
}

int nbget_wait(struct nbget *g, nb_poll_fn fn, void *obj)
{
	return nb_wait(&g->stack, fn, obj, &g->clock,
		       (uint64_t)g->timeout_s * 1000);
}

/* Attach IPv6 and wait for its addresses (DAD, and an RA for
 * --slaac); print them as the tests read them. */
static int setup6(struct nbget *g)
{
	struct nb_stack6 *st = &g->stack6;
	int rc = nb_stack6_init(st, &g->stack, &g->v6cfg, &g->arena);
	if (rc < 0)
		return nbget_fail("ip6", rc);
	rc = nbget_wait(g, nb_stack6_ready, st);
	if (rc < 0)
		return nbget_fail("ip6 address", rc);
	char t[NB_IP6_TEXT_MAX];
	nb_ip6_addr_format(st->ll.a, t);
	fprintf(stderr, "nbget: ip6 %s/64\n", t);
	if (st->global.state == NB_ADDR6_PREFERRED) {
		nb_ip6_addr_format(st->global.a, t);
		fprintf(stderr, "nbget: ip6 %s/%u\n", t, st->global.plen);
	}
	if (st->has_router) {
		nb_ip6_addr_format(st->router, t);
		fprintf(stderr, "nbget: gw6 %s mtu %u\n", t, st->mtu);
	}
	return 0;
}

int nbget_setup(struct nbget *g)
{
	int rc = nb_hosted_rng(&g->rng);
	if (rc < 0)
		return nbget_fail("entropy", rc);
	rc = nb_tap_open_mac(&g->tapdev, g->tap, g->have_mac ? g->mac : NULL,
			     &g->link);
	if (rc < 0)
		return nbget_fail(g->tap, rc);
	nb_hosted_clock(&g->clock, g->tapdev.fd);
	/* Room for jumbo frames whatever the tap's MTU (see tap.h). */
	g->arena_len = NB_STACK_ARENA_BYTES_MTU(NB_LINK_MTU_MAX) +
		       NB_VLAN_ARENA_BYTES(NB_LINK_MTU_MAX) +
		       NB_STACK6_ARENA_BYTES + (64u << 20);
	g->arena_mem = malloc(g->arena_len);
	if (!g->arena_mem)
		return nbget_fail("arena", -NB_ENOMEM);
	nb_arena_init(&g->arena, g->arena_mem, g->arena_len);
	g->link_used = &g->link;
	/* The capture sits below the tagger: it records the wire's frames. */
	if (g->pcap_path) {
		rc = nb_pcap_open_file(&g->pcapdev, &g->link, g->pcap_path);
		if (rc < 0)
			return nbget_fail(g->pcap_path, rc);
		g->link_used = &g->pcapdev.link;
	}
	if (g->vlan) {
		rc = nb_vlan_wrap(&g->vlandev, g->link_used, g->vlan, &g->arena);
		if (rc < 0)
			return nbget_fail("vlan", rc);
		g->link_used = &g->vlandev.link;
	}
	rc = nb_stack_init(&g->stack, g->link_used, &g->rng, &g->arena);
	if (rc < 0)
		return nbget_fail("stack", rc);
	nb_stack_set_ipv4(&g->stack, g->ip, g->mask, g->gw);
	for (int i = 0; i < g->ndns; i++)
		g->stack.dns[i] = g->dns[i];
	/* Give the stack a real time before anything is sent. */
	nb_stack_poll(&g->stack, nbget_now(g));
	return g->v6 ? setup6(g) : 0;
}

int nbget_start_at(struct nbget *g)
{
	if (!g->start_at)
		return 0;
	char *end;
	double t = strtod(g->start_at, &end);
	/* Seconds since 1970 that time_t holds on every host we build. */
	if (*end || !(t > 0 && t < 4e9)) {
		fprintf(stderr, "nbget: bad --start-at\n");
		return 2;
	}
	struct timespec at = { .tv_sec = (time_t)t,
			       .tv_nsec = (long)((t - (double)(time_t)t) * 1e9) }, now;
	clock_gettime(CLOCK_REALTIME, &now);
	double late = ((double)now.tv_sec + (double)now.tv_nsec * 1e-9 - t) * 1e3;
	/* The harness counts these: a late client means its window lied. */
	if (late > 0)
		fprintf(stderr, "nbget: start-at late %.0f ms\n", late);
	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &at, NULL) == EINTR)
		;
	/* Frames that queued on the tap while we slept are stale news. */
	nb_stack_poll(&g->stack, nbget_now(g));
	return 0;
}

int nbget_teardown(struct nbget *g, int rc)
{
	if (g->pcap_path && nb_pcap_close_file(&g->pcapdev) < 0 && !rc)
		rc = nbget_fail(g->pcap_path, -NB_EIO);
	nb_tap_close(&g->tapdev);
	return rc;
}
