/*
 * nbget's `get`: one download through lib/fetch into a file, whatever the
 * URL's scheme, so nbget exercises exactly the dispatch loaders use.  It
 * maps the command line to a fetch configuration and prints what the
 * tests and benchmarks read: the protocol's summary line and, on
 * failure, the error with the fetch's reason.
 */
#include <stdio.h>
#include <string.h>

#include "netboot/fetch.h"
#include "nbget.h"

static void cfg_from_args(struct nbget *g, struct nb_fetch_cfg *cfg,
			  struct nb_tcp *tcp)
{
	nb_fetch_cfg_init(cfg);
	cfg->user_agent = "nbget/0.1 (libnetboot)";
	cfg->tcp = tcp;
	cfg->has_range = g->have_range;
	cfg->first = g->range_first;
	cfg->last = g->range_last;
	cfg->http_parts = g->parallel > 0 ? (unsigned)g->parallel
					  : NB_HTTP_PARTS_FAR;
	if (!g->parallel)
		cfg->http_parts_min_rtt_ms = NB_HTTP_PARTS_RTT_MS;
	if (cfg->http_parts > NB_HTTP_PARTS_MAX)
		cfg->http_parts = NB_HTTP_PARTS_MAX;
	if (g->blksize >= 0)
		cfg->tftp_blksize = (uint16_t)g->blksize; /* 0: do not ask */
	if (g->windowsize >= 0)
		cfg->tftp_windowsize = (uint16_t)g->windowsize;
	cfg->tftp_server = g->next_server;
	if (g->retries >= 0)
		cfg->retries = (uint8_t)g->retries; /* 255: NB_FETCH_NO_RETRY */
	cfg->retry_ms = g->retry_time_s * 1000u;
	cfg->mirrors = g->mirrors;
	cfg->nmirrors = (uint8_t)g->nmirrors;
}

static void summary(const struct nbget *g, const struct nb_fetch *f,
		    const struct nb_tcp *tcp, const struct nbget_filesink *fs)
{
	fprintf(stderr, "nbget: link mtu=%u rx_frames=%u\n",
		(unsigned)g->link_used->mtu, (unsigned)g->stack.stats.rx_frames);
	const struct nb_tftp *t = nb_fetch_tftp(f);
	const struct nb_http *h = nb_fetch_http(f);
	if (t && t->state >= NB_TFTP_DONE)
		fprintf(stderr,
			"tftp: blksize %u windowsize %u%s%s tsize %s%llu, "
			"%u timeouts, %u gap ACKs, %u duplicates\n",
			t->blksize, t->windowsize, t->oack ? "" : " (no OACK)",
			t->plain ? " (fallback to RFC 1350)" : "",
			t->have_tsize ? "" : "none/",
			(unsigned long long)(t->have_tsize ? t->tsize : t->bytes),
			t->stats.timeouts, t->stats.gap_acks,
			t->stats.dup_blocks);
	if (h)
		fprintf(stderr,
			"nbget: http status=%u requests=%u parts=%u resumes=%u "
			"restarts=%u redirects=%u reused=%u\n",
			h->http_status, h->stats.requests, h->nparts,
			h->stats.resumes, h->stats.restarts, h->stats.redirects,
			h->stats.reused);
	/* For crowds (bench/storm): what the server's sending looked like
	 * from here (dup: segments we already held, i.e. needless
	 * retransmissions; ooo: segments past a hole, i.e. losses), what we
	 * resent (a SYN or a request), and how long until the first byte
	 * (a lost SYN or SYN-ACK costs a whole initial RTO). */
	/* The demultiplexer the download used: the v6 one over IPv6. */
	if (h && h->tcp)
		tcp = h->tcp;
	if (h) {
		const struct nb_tcp_stats *ts = &tcp->stats;
		fprintf(stderr,
			"nbget: tcp in=%u dup=%u ooo=%u refused=%u oow=%u "
			"out=%u retransmits=%u; first byte after %lld ms\n",
			ts->rx_segments, ts->rx_dup, ts->rx_ooo, ts->rx_refused,
			ts->rx_out_of_window, ts->tx_segments,
			ts->tx_retransmits,
			fs->first_ms ? (long long)(fs->first_ms - fs->start_ms)
				     : -1ll);
	}
}

int nbget_cmd_get(struct nbget *g, const char *url)
{
	/* Large (tens of KiB with eight HTTP parts): keep them off the stack. */
	static struct nb_tcp tcp;
	static struct nb_fetch f;
	static struct nbget_filesink fs;
	static struct nb_tftp6 tftp6;
	static struct nb_dns6 dns6;
	int rc = nb_tcp_init(&tcp, &g->stack);
	if (rc < 0)
		return nbget_fail("tcp", rc);
	struct nb_fetch_cfg cfg;
	cfg_from_args(g, &cfg, &tcp);
	if (g->v6) {
		cfg.tcp6 = nb_stack6_tcp(&g->stack6);
		nb_tftp6_init(&tftp6, &g->stack6);
		cfg.tftp6 = &tftp6.net;
		/* --dns6, DHCPv6's servers, then the RAs': names by AAAA
		 * over v6 first, A over v4 after. */
		nb_dns6_init(&dns6, &g->stack6, (const uint8_t(*)[16])g->dns6,
			     (unsigned)g->ndns6);
		if (dns6.net.nservers)
			cfg.dns6 = &dns6.net;
	}
	if (nbget_tls_setup(g, &cfg))
		return 1;
	rc = nbget_filesink_open(&fs, g, g->out_path);
	if (rc < 0)
		return nbget_fail(g->out_path, rc);
	rc = nb_fetch_start(&f, &g->stack, &cfg, url, &fs.sink, nbget_now(g));
	if (rc == 0)
		rc = nbget_wait(g, nb_fetch_poll_fn, &f);
	/* The reason is the fetch's own only if it ended the fetch (not our
	 * overall --timeout, which leaves it running). */
	const char *why = nb_fetch_poll(&f, nbget_now(g)) == rc
				  ? nb_fetch_why(&f) : "";
	long retrans = -1;
	if (nb_fetch_tftp(&f))
		retrans = (long)nb_fetch_tftp(&f)->stats.retransmits;
	else if (nb_fetch_http(&f))
		retrans = (long)nb_http_retransmits(nb_fetch_http(&f));
	if (rc < 0)
		nb_fetch_cancel(&f); /* tells a TFTP server we are gone */
	rc = nbget_filesink_finish(&fs, rc, retrans);
	if (!g->quiet) {
		summary(g, &f, &tcp, &fs);
		nbget_tls_summary();
	}
	const struct nb_tftp *t = nb_fetch_tftp(&f);
	nb_fetch_cancel(&f);
	if (rc == 0)
		return 0;
	if (t && t->err_msg[0])
		fprintf(stderr, "nbget: server error %u: %s\n", t->err_code,
			t->err_msg);
	const char *tls_why = nbget_tls_why();
	if (tls_why[0])
		why = tls_why;
	if (rc == -NB_ENOTSUP && !strncmp(url, "https:", 6) && !cfg.tls)
		why = "https:// needs --ca FILE (or --insecure)";
	if (why[0] && strcmp(why, nb_strerror(rc)))
		fprintf(stderr, "nbget: %s: %s (%s)\n", url, nb_strerror(rc), why);
	else
		fprintf(stderr, "nbget: %s: %s\n", url, nb_strerror(rc));
	return 1;
}
