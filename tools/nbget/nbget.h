/*
 * nbget: the hosted command-line front end of libnetboot.  main.c is the
 * CLI (options, command dispatch); runtime.c brings the stack up on a tap
 * device and waits on library objects; each command family has its own
 * file (get.c over lib/fetch, dhcp.c, diag.c, dns.c).
 */
#ifndef NBGET_H
#define NBGET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "netboot/hosted.h"
#include "netboot/pcap.h"
#include "netboot/sink.h"
#include "netboot/stack.h"
#include "netboot/stack6.h"
#include "netboot/tap.h"
#include "netboot/vlan.h"

/* Upper bound on any single command unless --timeout says otherwise. */
#define NBGET_DEFAULT_TIMEOUT_S 600

struct nbget {
	/* link and addressing */
	const char *tap;
	uint8_t mac[6];
	bool have_mac;
	uint32_t ip, mask, gw;
	uint32_t dns[NB_DNS_SERVERS];
	int ndns;
	const char *pcap_path;
	uint16_t vlan;            /* --vlan, 0 = untagged */
	bool v6;                      /* --ip6, --gw6, --slaac or --dhcp6 */
	struct nb_stack6_cfg v6cfg;
	bool dhcp6;                   /* --dhcp6 */
	bool dhcp6_no_rapid;          /* --no-rapid-commit */
	uint8_t dns6[NB_DNS_SERVERS][16]; /* --dns6, then DHCPv6 option 23 */
	int ndns6;

	/* DHCP */
	bool dhcp;
	const char *cached_dhcp;  /* raw DHCPACK file */
	const char *cached_proxy; /* raw ProxyDHCP offer file */
	const char *save_dhcp;    /* write the raw DHCPACK we got here */
	const char *user_class;
	uint32_t dhcp_timeout_s;

	/* get; -1 = library default */
	const char *out_path;
	int blksize;
	int windowsize;
	int parallel;             /* 0: --parallel auto */
	bool have_range;
	uint64_t range_first, range_last;
	const char *sha256_hex;
	const char *mirrors[8];   /* --mirror, in order */
	int nmirrors;
	int retries;              /* --retries, -1 = library default */
	uint32_t retry_time_s;    /* --retry-time, 0 = library default */
	const char *ca_path;      /* --ca: trust anchors for https:// */
	bool insecure;            /* --insecure: no certificate checks */

	uint32_t timeout_s;
	const char *start_at;     /* --start-at: wall-clock start, after setup */
	bool quiet;
	int ping_count;
	uint32_t ping_interval_ms;
	uint32_t serve_seconds;
	uint16_t udp_echo_port;

	/* runtime */
	uint32_t next_server;      /* the lease's, for `get NAME` */
	struct nb_tap tapdev;
	struct nb_link link;       /* the tap driver's link */
	struct nb_pcap pcapdev;    /* --pcap recorder around it */
	struct nb_vlan vlandev;    /* --vlan tagger around that */
	struct nb_link *link_used; /* what the stack runs on */
	struct nb_stack stack;
	struct nb_stack6 stack6;   /* attached when v6 */
	struct nb_clock clock;
	struct nb_rng rng;
	struct nb_arena arena;
	void *arena_mem;
	size_t arena_len;
};

/* Runtime (runtime.c). */
/* Open the tap (and --pcap), allocate the arena, start the stack with
 * --ip/--gw/--dns; 0, or 1 after printing why. */
int nbget_setup(struct nbget *g);
/* --start-at: sleep until that CLOCK_REALTIME second (fractions allowed);
 * 0, or 2 with a message for a bad time. */
int nbget_start_at(struct nbget *g);
/* Close what nbget_setup() opened; returns rc, or 1 if closing failed. */
int nbget_teardown(struct nbget *g, int rc);
/* Print "nbget: <msg>: <error text>" on stderr; returns 1 (exit status). */
int nbget_fail(const char *what, int err);
/* Decimal number <= max; 0 on success, -1 on junk. */
int nbget_parse_u32(const char *s, uint32_t max, uint32_t *out);
/* Monotonic milliseconds. */
uint64_t nbget_now(struct nbget *g);
/* Block on an object's poll function within g->timeout_s. */
int nbget_wait(struct nbget *g, nb_poll_fn fn, void *obj);

/* Commands. */
int nbget_cmd_ping(struct nbget *g, const char *host);  /* diag.c */
int nbget_cmd_serve(struct nbget *g);                   /* diag.c */
int nbget_cmd_udp(struct nbget *g, const char *hostport, const char *msg);
int nbget_dhcp_setup(struct nbget *g);                  /* dhcp.c */
int nbget_cmd_lease(struct nbget *g);                   /* dhcp.c */
/* dhcp6.c: --dhcp6 (address, DNS servers into g->dns6); 0, or 1 after
 * printing why; the lease's lines for `lease`. */
int nbget_dhcp6_setup(struct nbget *g);
void nbget_dhcp6_lease(void);
/* get.c: download URL (http://, tftp:// or a bare name on the lease's
 * next-server) into g->out_path with lib/fetch. */
int nbget_cmd_get(struct nbget *g, const char *url);
/* tls.c: https:// hooks from --ca/--insecure into @p cfg (0, or an exit
 * status after printing why); the latest TLS failure in words ("" for
 * none); the handshake counters line. */
struct nb_fetch_cfg;
int nbget_tls_setup(struct nbget *g, struct nb_fetch_cfg *cfg);
const char *nbget_tls_why(void);
void nbget_tls_summary(void);
/* dns.c: a dotted quad, or a name resolved with the --dns servers. */
int nbget_resolve(struct nbget *g, const char *host, uint32_t *ip);

/* A sink writing to a file with pwrite(), tracking progress. */
struct nbget_filesink {
	struct nb_sink sink;
	int fd;
	uint64_t total;     /* announced size, 0 if unknown */
	uint64_t written;   /* payload bytes written (including rewrites) */
	uint64_t high;      /* one past the highest byte written */
	uint64_t start_ms;
	uint64_t first_ms;  /* when the first payload byte came; 0: none yet */
	uint64_t last_draw_ms;
	bool tty;
	struct nbget *g;
	/* Contiguous writes gather here first: one pwrite() per TCP
	 * segment cost a quarter of nbget's CPU time at 1 Gbit/s. */
	uint8_t *buf;       /* NBGET_SINK_BUF bytes, or NULL (write through) */
	uint64_t buf_off;   /* file offset of buf[0] */
	size_t buf_len;     /* bytes gathered */
};
#define NBGET_SINK_BUF (1u << 20)
int nbget_filesink_open(struct nbget_filesink *fs, struct nbget *g,
			const char *path);
/* Close the file; verify --sha256 if given; print the summary line.
 * retrans: protocol retransmissions to report (or -1 if not tracked).
 * Returns 0 or a negative NB_E* code (-NB_EDIGEST on mismatch). */
int nbget_filesink_finish(struct nbget_filesink *fs, int rc, long retrans);

#endif
