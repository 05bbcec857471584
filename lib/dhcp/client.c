/*
 * The RFC 2131 client state machine, with the PXE 2.1 additions:
 * ProxyDHCP offers are collected beside address offers, and a request to
 * port 4011 fetches boot information when the offers carried none.
 */
#include "core/mem.h"
#include "dhcp/dhcp_int.h"
#include "netboot/stack.h"

#define PXE_DEFAULT_FIRST_MS 4000
#define PXE_DEFAULT_MAX_MS 32000
#define PXE_DEFAULT_TIMEOUT_MS 60000
/* Long enough for a ProxyDHCP on another host to answer after the DHCP
 * server, short enough not to matter beside the PXE ROM's own 4 s wait. */
#define PXE_DEFAULT_OFFER_WAIT_MS 1000
/* A REQUEST unanswered this many times sends us back to DISCOVER
 * (RFC 2131 4.4.1: the server may have given the address away). */
#define REQUEST_TRIES 4
/* Port-4011 requests before binding without boot-server information:
 * the address is already ours, so do not hold the boot for long. */
#define PROXY_TRIES 4
/* RFC 2131 4.1 randomises retransmissions by +-1 s around 4, 8, 16 s. */
#define JITTER_MAX_MS 1000

/* PROXYING with no boot server to ask is a DHCPINFORM (nb_dhcp_inform):
 * the same wait for one ACK on a lease already ours, and the same
 * binding when it never comes. */
static int send_msg(struct nb_dhcp *d, uint64_t now)
{
	struct nb_stack *s = d->s;
	uint8_t *buf = nb_ip_payload_buf(s, NULL) + NB_UDP_HLEN;
	uint8_t type = d->state == NB_DHCP_SELECTING ? NB_DHCP_DISCOVER
		       : d->state == NB_DHCP_PROXYING && !d->pxe_server
			       ? NB_DHCP_INFORM
			       : NB_DHCP_REQUEST;
	size_t len = nb_dhcp_build(d, buf, nb_udp_max_payload(s), type, now);
	if (!len)
		return -NB_EMSGSIZE;
	uint32_t dst = NB_IP_BROADCAST;
	uint16_t port = NB_DHCP_SERVER_PORT;
	if (d->state == NB_DHCP_PROXYING && d->pxe_server) {
		dst = d->pxe_server;
		port = NB_DHCP_PXE_PORT;
	}
	/* nb_udp_sendto() moves the payload into place with memmove, so
	 * building it where it ends up costs no copy and no stack. */
	int rc = nb_udp_sendto(&d->sock, dst, port, buf, len);
	nb_deadline_set(&d->resend, now,
			nb_backoff_next(&d->backoff, &s->rng));
	if (rc < 0 && rc != -NB_ENOBUFS)
		return rc;
	d->sent++;
	return 0;
}

static void fail(struct nb_dhcp *d, int err, const char *why)
{
	d->state = NB_DHCP_FAILED;
	d->error = err;
	d->why = why;
	nb_udp_close(&d->sock);
}

static void enter(struct nb_dhcp *d, uint8_t state, uint64_t now)
{
	d->state = state;
	/* Tries are bounded per state by the callers and overall by the
	 * deadline, not by the backoff. */
	nb_backoff_init(&d->backoff,
			state == NB_DHCP_PROXYING ? d->cfg.first_ms / 4 + 1
						  : d->cfg.first_ms,
			d->cfg.max_ms, UINT16_MAX);
	d->backoff.jitter_ms = JITTER_MAX_MS;
	int rc = send_msg(d, now);
	if (rc < 0)
		fail(d, rc, "cannot send");
}

static int discover(struct nb_dhcp *d, uint64_t now)
{
	int rc = nb_rng_u32(&d->s->rng, &d->xid);
	if (rc < 0)
		return rc;
	d->offer_rank = 0;
	d->offered_ip = 0;
	d->offer_server = 0;
	nb_deadline_clear(&d->offer_end);
	d->pkt_len[NB_DHCP_PKT_ACK] = 0;
	d->pkt_len[NB_DHCP_PKT_PROXY] = 0;
	d->pkt_len[NB_DHCP_PKT_BOOT] = 0;
	enter(d, NB_DHCP_SELECTING, now);
	return d->state == NB_DHCP_FAILED ? d->error : 0;
}

void nb_dhcp_bound(struct nb_dhcp *d)
{
	struct nb_dhcp_lease *l = &d->lease;
	nb_stack_set_ipv4(d->s, l->ip, l->mask, l->router);
	nb_stack_set_mtu(d->s, l->mtu);
	for (int i = 0; i < NB_DNS_SERVERS; i++)
		d->s->dns[i] = i < l->ndns ? l->dns[i] : 0;
	d->state = NB_DHCP_BOUND;
	d->why = "";
}

static void bind(struct nb_dhcp *d)
{
	nb_dhcp_merge(d);
	d->lease.packets_sent = d->sent;
	nb_udp_close(&d->sock);
	nb_dhcp_bound(d);
}

static void keep(struct nb_dhcp *d, int slot, const void *p, size_t len)
{
	memcpy(d->pkt[slot], p, len);
	d->pkt_len[slot] = (uint16_t)len;
}

/* Preference of an address offer: one naming a boot file, then one from
 * a PXE-aware server (boot information at its port 4011), then any. */
static uint8_t rank(const struct dview *v)
{
	if (nb_dopt_len(v, OPT_BOOT_FILE) > 0 ||
	    (!(v->overload & 1) && v->p[BOOTP_FILE]))
		return 3;
	return nb_dview_is_pxeclient(v) ? 2 : 1;
}

static void request(struct nb_dhcp *d, uint64_t now)
{
	enter(d, NB_DHCP_REQUESTING, now);
}

/* After the ACK: ask port 4011 when PXE boot information is still
 * missing and a PXE server told us it has some there. */
static void after_ack(struct nb_dhcp *d, uint64_t now)
{
	nb_dhcp_merge(d);
	struct nb_dhcp_lease *l = &d->lease;
	nb_stack_set_ipv4(d->s, l->ip, l->mask, l->router);
	if (!d->cfg.pxe || l->boot_file[0] || !l->is_pxe) {
		bind(d);
		return;
	}
	uint32_t target = l->proxy_ip ? l->proxy_ip : l->server_id;
	uint16_t want = d->cfg.boot_type;
	if (!want && l->nmenu)
		want = l->menu[0].type;
	for (int i = 0; i < l->nbootsrv; i++)
		if (l->bootsrv[i].type == want && l->bootsrv[i].ip)
			target = l->bootsrv[i].ip;
	if (!target) {
		bind(d);
		return;
	}
	d->pxe_server = target;
	enter(d, NB_DHCP_PROXYING, now);
	if (d->state == NB_DHCP_FAILED)
		bind(d); /* the address is good even if 4011 is not */
}

static void on_offer(struct nb_dhcp *d, const struct dview *v, uint32_t src,
		     uint64_t now)
{
	d->offers++;
	uint32_t yiaddr = nb_get32(v->p + BOOTP_YIADDR);
	if (!yiaddr && nb_dview_is_pxeclient(v)) {
		/* A ProxyDHCP offer: boot information, no address. */
		if (d->pkt_len[NB_DHCP_PKT_PROXY]) {
			d->rx_ignored++;
			return;
		}
		keep(d, NB_DHCP_PKT_PROXY, v->p, v->len);
		if (d->state == NB_DHCP_SELECTING && d->offer_rank)
			request(d, now);
		return;
	}
	if (d->state != NB_DHCP_SELECTING || !nb_lease_usable_ip(yiaddr)) {
		d->rx_ignored++;
		return;
	}
	uint8_t r = rank(v);
	if (r <= d->offer_rank) {
		d->rx_ignored++; /* duplicate or no better than ours */
		return;
	}
	bool first = d->offer_rank == 0;
	d->offer_rank = r;
	d->offered_ip = yiaddr;
	if (!nb_dopt_u32(v, OPT_SERVER_ID, &d->offer_server))
		d->offer_server = src;
	keep(d, NB_DHCP_PKT_ACK, v->p, v->len);
	if (first)
		nb_deadline_set(&d->offer_end, now, d->cfg.offer_wait_ms);
	if (r >= 2 || !d->cfg.pxe || d->pkt_len[NB_DHCP_PKT_PROXY] ||
	    nb_deadline_expired(&d->offer_end, now))
		request(d, now);
}

static bool from_our_server(const struct nb_dhcp *d, const struct dview *v)
{
	uint32_t id;
	return !d->offer_server || !nb_dopt_u32(v, OPT_SERVER_ID, &id) ||
	       id == d->offer_server;
}

static void on_reply(void *ctx, struct nb_udp_sock *sk,
		     const struct nb_udp_meta *m, const void *data, size_t len)
{
	(void)sk;
	struct nb_dhcp *d = ctx;
	uint64_t now = d->s->now;
	struct dview v;
	if (len > NB_DHCP_PKT_MAX || nb_dview_init(&v, data, len) < 0) {
		d->rx_bad++;
		return;
	}
	const uint8_t *p = data;
	if (p[BOOTP_OP] != BOOTP_REPLY || p[BOOTP_HTYPE] != 1 ||
	    p[BOOTP_HLEN] != 6 || nb_get32(p + BOOTP_XID) != d->xid ||
	    memcmp(p + BOOTP_CHADDR, d->s->link->mac, 6) != 0) {
		d->rx_ignored++;
		return;
	}
	int type = nb_dview_type(&v);
	switch (d->state) {
	case NB_DHCP_SELECTING:
		if (type == NB_DHCP_OFFER) {
			on_offer(d, &v, m->src_ip, now);
			return;
		}
		break;
	case NB_DHCP_REQUESTING:
		if (type == NB_DHCP_OFFER) {
			on_offer(d, &v, m->src_ip, now);
			return;
		}
		if (!from_our_server(d, &v))
			break;
		if (type == NB_DHCP_NAK) {
			if (++d->naks >= NB_DHCP_MAX_NAKS) {
				fail(d, -NB_ENAK, "server refused (DHCPNAK)");
				return;
			}
			int rc = discover(d, now);
			if (rc < 0)
				fail(d, rc, "cannot restart after DHCPNAK");
			return;
		}
		if (type == NB_DHCP_ACK) {
			uint32_t y = nb_get32(p + BOOTP_YIADDR);
			if (!nb_lease_usable_ip(y)) {
				d->rx_bad++;
				return;
			}
			keep(d, NB_DHCP_PKT_ACK, p, len);
			after_ack(d, now);
			return;
		}
		break;
	case NB_DHCP_PROXYING:
		if (type == NB_DHCP_ACK) {
			keep(d, NB_DHCP_PKT_BOOT, p, len);
			bind(d);
			return;
		}
		break;
	default:
		break;
	}
	d->rx_ignored++;
}

void nb_dhcp_unlink(struct nb_dhcp *d, struct nb_stack *s)
{
	/* Restarting a client that is still running must not leave its old
	 * socket in the stack's list; compare addresses only, since @d may
	 * hold garbage when it was never started. */
	for (struct nb_udp_sock *k = s->udp; k; k = k->next)
		if (k == &d->sock) {
			nb_udp_close(k);
			return;
		}
}

/* Settings with their defaults, the socket and the give-up time; what
 * an exchange and an INFORM both start with. */
static int setup(struct nb_dhcp *d, const struct nb_dhcp_cfg *cfg,
		 uint64_t now_ms)
{
	struct nb_dhcp_cfg *c = &d->cfg;
	memset(c, 0, sizeof(*c));
	if (cfg) {
		*c = *cfg;
		if (c->user_class_len > NB_DHCP_USER_CLASS_MAX)
			return -NB_EINVAL;
	}
	if (!c->first_ms)
		c->first_ms = PXE_DEFAULT_FIRST_MS;
	if (!c->max_ms)
		c->max_ms = PXE_DEFAULT_MAX_MS;
	if (c->max_ms < c->first_ms)
		c->max_ms = c->first_ms;
	if (!c->timeout_ms)
		c->timeout_ms = PXE_DEFAULT_TIMEOUT_MS;
	if (!c->offer_wait_ms && c->pxe)
		c->offer_wait_ms = PXE_DEFAULT_OFFER_WAIT_MS;
	if (!c->undi_major && !c->undi_minor) {
		c->undi_major = 2;
		c->undi_minor = 1;
	}
	d->start_ms = now_ms;
	nb_deadline_set(&d->give_up, now_ms, c->timeout_ms);
	return nb_udp_open(&d->sock, d->s, NB_DHCP_CLIENT_PORT, on_reply, d);
}

int nb_dhcp_start(struct nb_dhcp *d, struct nb_stack *s,
		  const struct nb_dhcp_cfg *cfg, uint64_t now_ms)
{
	if (!d || !s)
		return -NB_EINVAL;
	nb_dhcp_unlink(d, s);
	memset(d, 0, sizeof(*d));
	d->why = "";
	d->s = s;
	int rc = setup(d, cfg, now_ms);
	if (rc < 0)
		return rc;
	rc = discover(d, now_ms);
	if (rc < 0) {
		nb_udp_close(&d->sock);
		return rc;
	}
	return 0;
}

int nb_dhcp_inform(struct nb_dhcp *d, const struct nb_dhcp_cfg *cfg,
		   uint64_t now_ms)
{
	if (!d || d->state != NB_DHCP_BOUND)
		return -NB_EINVAL;
	int rc = setup(d, cfg, now_ms);
	if (rc == 0)
		rc = nb_rng_u32(&d->s->rng, &d->xid);
	if (rc < 0) {
		nb_udp_close(&d->sock);
		return rc;
	}
	d->pxe_server = 0;
	enter(d, NB_DHCP_PROXYING, now_ms);
	if (d->state == NB_DHCP_FAILED)
		bind(d); /* nothing sent: the lease stands as it was */
	return 0;
}

int nb_dhcp_poll(struct nb_dhcp *d, uint64_t now)
{
	switch (d->state) {
	case NB_DHCP_BOUND:
		return 0;
	case NB_DHCP_FAILED:
		return d->error;
	case NB_DHCP_IDLE:
		return -NB_EINVAL;
	default:
		break;
	}
	if (d->state == NB_DHCP_PROXYING &&
	    (nb_deadline_expired(&d->give_up, now) ||
	     (nb_deadline_expired(&d->resend, now) &&
	      d->backoff.tries >= PROXY_TRIES))) {
		bind(d); /* boot server silent: keep the lease we have */
		return 0;
	}
	if (nb_deadline_expired(&d->give_up, now)) {
		fail(d, -NB_ETIMEDOUT,
		     d->state == NB_DHCP_SELECTING
			     ? (d->offers ? "no usable DHCP offer"
					  : "no DHCP server answered")
			     : "no DHCPACK for our request");
		return d->error;
	}
	if (d->state == NB_DHCP_SELECTING && d->offer_rank &&
	    nb_deadline_expired(&d->offer_end, now)) {
		request(d, now);
	} else if (nb_deadline_expired(&d->resend, now)) {
		if (d->state == NB_DHCP_REQUESTING &&
		    d->backoff.tries >= REQUEST_TRIES) {
			int rc = discover(d, now);
			if (rc < 0)
				fail(d, rc, "cannot restart");
		} else {
			int rc = send_msg(d, now);
			if (rc < 0 && d->state == NB_DHCP_PROXYING)
				bind(d); /* boot server unreachable: keep the lease */
			else if (rc < 0)
				fail(d, rc, "cannot send");
		}
	}
	if (d->state == NB_DHCP_FAILED)
		return d->error;
	return d->state == NB_DHCP_BOUND ? 0 : -NB_EAGAIN;
}

int nb_dhcp_poll_fn(void *d, uint64_t now_ms)
{
	return nb_dhcp_poll(d, now_ms);
}

void nb_dhcp_cancel(struct nb_dhcp *d)
{
	if (!d)
		return;
	if (d->state != NB_DHCP_IDLE && d->state != NB_DHCP_BOUND &&
	    d->state != NB_DHCP_FAILED)
		fail(d, -NB_ECANCELED, "canceled");
	nb_udp_close(&d->sock);
}

const char *nb_dhcp_why(const struct nb_dhcp *d)
{
	return d && d->why ? d->why : "";
}
