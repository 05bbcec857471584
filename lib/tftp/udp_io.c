/* The default transport: one UDP socket on a stack. */
#include "netboot/stack.h"
#include "tftp/tftp_int.h"

static void udp_rx(void *ctx, struct nb_udp_sock *sk,
		   const struct nb_udp_meta *m, const void *data, size_t len)
{
	struct nb_tftp *t = ctx;
	nb_tftp_input(t, m->src_ip, m->src_port, data, len, sk->s->now);
}

static int udp_send(void *ctx, uint32_t ip, uint16_t port, const void *pkt,
		    size_t len)
{
	struct nb_tftp *t = ctx;
	return nb_udp_sendto(&t->sk, ip, port, pkt, len);
}

static int udp_rebind(void *ctx)
{
	struct nb_tftp *t = ctx;
	uint16_t old = t->sk.port;
	int rc = 0;
	/* A new random port; drawing the old one again (1 in 16384) would
	 * let late packets of the refused attempt in, so draw again. */
	for (int i = 0; i < 4; i++) {
		nb_udp_close(&t->sk);
		rc = nb_udp_open(&t->sk, t->stack, 0, udp_rx, t);
		if (rc < 0 || t->sk.port != old)
			break;
	}
	nb_udp_set_timer(&t->sk, &t->timer);
	return rc;
}

static void udp_close(void *ctx)
{
	struct nb_tftp *t = ctx;
	nb_udp_close(&t->sk);
}

const struct nb_tftp_io nb_tftp_udp_io = {
	.send = udp_send,
	.rebind = udp_rebind,
	.close = udp_close,
};

void nb_tftp_cfg_init(struct nb_tftp_cfg *cfg, const struct nb_stack *s,
		      uint32_t server, const char *filename)
{
	/* Largest block that needs no IP fragmentation: MTU minus the IPv4,
	 * UDP and TFTP headers (1468 on Ethernet).  Fragments would double
	 * the loss exposure of every block and need reassembly memory. */
	size_t max = s ? nb_udp_max_payload(s) : 1500 - NB_IP_HLEN - NB_UDP_HLEN;
	max -= NB_TFTP_DATA_HLEN;
	if (max > NB_TFTP_BLKSIZE_MAX)
		max = NB_TFTP_BLKSIZE_MAX;
	cfg->server_ip = server;
	cfg->server_port = NB_TFTP_PORT;
	cfg->filename = filename;
	cfg->blksize = (uint16_t)max;
	cfg->windowsize = NB_TFTP_WINDOW_DEFAULT;
	cfg->timeout_s = NB_TFTP_TIMEOUT_DEFAULT_S;
	cfg->tsize = true;
	cfg->rto_initial_ms = NB_TFTP_RTO_INITIAL_MS;
	cfg->rto_min_ms = NB_TFTP_RTO_MIN_MS;
	cfg->rto_max_ms = NB_TFTP_RTO_MAX_MS;
	cfg->max_tries = NB_TFTP_MAX_TRIES;
}

int nb_tftp_start(struct nb_tftp *t, struct nb_stack *s,
		  const struct nb_tftp_cfg *cfg, const struct nb_sink *sink,
		  uint64_t now_ms)
{
	if (!s)
		return -NB_EINVAL;
	int rc = nb_tftp_setup(t, cfg, sink, &nb_tftp_udp_io, t, now_ms);
	if (rc < 0)
		return rc;
	t->stack = s;
	rc = nb_udp_open(&t->sk, s, 0, udp_rx, t);
	if (rc < 0)
		return rc;
	/* Lets nb_stack_next_deadline() (and nb_wait()) see retransmissions. */
	nb_udp_set_timer(&t->sk, &t->timer);
	rc = nb_tftp_launch(t);
	if (rc < 0)
		nb_udp_close(&t->sk);
	return rc;
}
