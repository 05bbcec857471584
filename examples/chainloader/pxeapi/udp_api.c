/*
 * PXENV_UDP_OPEN/CLOSE/READ/WRITE over lib/ip sockets: the NBP's ports are
 * bound on first use (least recently used one evicted), datagrams wait in
 * a small queue until UDP_READ asks, and the TFTP gateway gets the first
 * look at every write and read so the NBP's own TFTP can be answered
 * locally.
 */
#include "pxeapi_int.h"

static void udp_rx(void *ctx, struct nb_udp_sock *sk,
		   const struct nb_udp_meta *m, const void *data, size_t len)
{
	struct cl_pxeapi *a = ctx;
	(void)sk;
	if (len > CL_PXEAPI_UDP_MAX) {
		a->udp_dropped++;
		return;
	}
	for (int i = 0; i < CL_PXEAPI_UDP_QUEUE; i++) {
		struct cl_pxeapi_dgram *q = &a->q[i];
		if (q->len)
			continue;
		memcpy(q->data, data, len);
		q->m = *m;
		/* A zero-length datagram still takes a slot. */
		q->len = (uint16_t)(len + 1);
		return;
	}
	a->udp_dropped++;
}

static void port_close(struct cl_pxeapi *a, struct cl_pxeapi_port *p)
{
	uint16_t port = p->sk.port;
	nb_udp_close(&p->sk);
	p->open = false;
	for (int i = 0; i < CL_PXEAPI_UDP_QUEUE; i++)
		if (a->q[i].len && a->q[i].m.dst_port == port)
			a->q[i].len = 0;
}

/* The socket on @p port, bound on first use; the least recently used
 * port makes way when all are taken (pxelinux moves on to a new port for
 * every file and never tells us it is done with the old one). */
static struct cl_pxeapi_port *port_get(struct cl_pxeapi *a, uint16_t port)
{
	struct cl_pxeapi_port *victim = &a->ports[0];
	a->tick++;
	for (int i = 0; i < CL_PXEAPI_UDP_PORTS; i++) {
		struct cl_pxeapi_port *p = &a->ports[i];
		if (p->open && p->sk.port == port) {
			p->used = a->tick;
			return p;
		}
		if (!p->open)
			victim = p;
		else if (victim->open && p->used < victim->used)
			victim = p;
	}
	if (victim->open)
		port_close(a, victim);
	if (nb_udp_open(&victim->sk, a->cfg.stack, port, udp_rx, a) < 0)
		return NULL;
	victim->open = true;
	victim->used = a->tick;
	return victim;
}

uint16_t cl_pxa_udp_open(struct cl_pxeapi *a, uint8_t *b)
{
	uint32_t ip = nb_get32(b + 2);
	struct nb_stack *s = a->cfg.stack;
	if (ip && ip != s->ip)
		nb_stack_set_ipv4(s, ip, s->mask, s->gw);
	a->udp_open = true;
	return ok(b);
}

void cl_pxa_udp_close_all(struct cl_pxeapi *a)
{
	for (int i = 0; i < CL_PXEAPI_GW; i++)
		if (a->gw[i].active)
			cl_pxa_gw_end(a, &a->gw[i]);
	for (int i = 0; i < CL_PXEAPI_UDP_PORTS; i++)
		if (a->ports[i].open)
			port_close(a, &a->ports[i]);
	for (int i = 0; i < CL_PXEAPI_UDP_QUEUE; i++)
		a->q[i].len = 0;
	a->udp_open = false;
}

uint16_t cl_pxa_udp_close(struct cl_pxeapi *a, uint8_t *b)
{
	cl_pxa_udp_close_all(a);
	return ok(b);
}

/* The PXE specification's source port when the caller gives 0. */
#define PXE_UDP_DEFAULT_PORT 2069

uint16_t cl_pxa_udp_write(struct cl_pxeapi *a, uint8_t *b)
{
	if (!a->udp_open)
		return fail(b, PXENV_STATUS_UDP_CLOSED);
	uint32_t dst = nb_get32(b + 2);
	uint16_t sport = nb_get16(b + 10), dport = nb_get16(b + 12);
	uint16_t len = nb_load_le16(b + 14);
	if (!sport)
		sport = PXE_UDP_DEFAULT_PORT;
	const void *data = far_ptr(a, b + 16, len);
	if ((!data && len) || !dst || !dport ||
	    len > nb_udp_max_payload(a->cfg.stack))
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (cl_pxa_gw_write(a, dst, sport, dport, data, len))
		return ok(b);
	struct cl_pxeapi_port *p = port_get(a, sport);
	if (!p)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	int rc = nb_udp_sendto(&p->sk, dst, dport, data, len);
	if (rc < 0)
		return fail(b, rc == -NB_EUNREACH ? PXENV_STATUS_ARP_TIMEOUT
						  : PXENV_STATUS_FAILURE);
	/* Let the frame (or its ARP request) leave before we return. */
	cl_pxa_pump(a);
	return ok(b);
}

static bool dgram_matches(const struct cl_pxeapi_dgram *q, uint32_t dst,
			  uint16_t dport)
{
	return q->len && (!dst || q->m.dst_ip == dst) &&
	       (!dport || q->m.dst_port == dport);
}

uint16_t cl_pxa_udp_read(struct cl_pxeapi *a, uint8_t *b)
{
	if (!a->udp_open)
		return fail(b, PXENV_STATUS_UDP_CLOSED);
	uint32_t dst = nb_get32(b + 6);
	uint16_t dport = nb_get16(b + 12);
	if (dport && !port_get(a, dport))
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	/* Our own address as the filter is the same as none. */
	if (dst == a->cfg.stack->ip)
		dst = 0;
	uint16_t cap = nb_load_le16(b + 14);
	size_t room = cap < CL_PXEAPI_UDP_MAX ? cap : CL_PXEAPI_UDP_MAX;
	if (room && !far_ptr(a, b + 16, room))
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (cl_pxa_gw_read(a, dport, b))
		return ok(b);
	struct cl_pxeapi_dgram *hit = NULL;
	for (int pass = 0; pass < 2 && !hit; pass++) {
		if (pass)
			cl_pxa_pump(a);
		/* Oldest first would need a sequence number; a small queue
		 * scanned in slot order is close enough for one port's
		 * request/response traffic, which is all PXE callers do. */
		for (int i = 0; i < CL_PXEAPI_UDP_QUEUE && !hit; i++)
			if (dgram_matches(&a->q[i], dst, dport))
				hit = &a->q[i];
	}
	if (!hit)
		return fail(b, PXENV_STATUS_FAILURE); /* nothing yet */
	uint16_t len = (uint16_t)(hit->len - 1);
	uint16_t n = len < cap ? len : cap;
	uint8_t *out = far_ptr(a, b + 16, n);
	if (!out && n)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (n)
		memcpy(out, hit->data, n);
	nb_put32(b + 2, hit->m.src_ip);
	nb_put32(b + 6, hit->m.dst_ip);
	nb_put16(b + 10, hit->m.src_port);
	nb_put16(b + 12, hit->m.dst_port);
	nb_store_le16(b + 14, n);
	hit->len = 0;
	return ok(b);
}
