/*
 * nbget's command line: options (before or after the command, as users
 * type them), their validation, and the dispatch to a command.  Bringing
 * the stack up and running it belong to runtime.c.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nbget.h"

static const char usage[] =
	"usage: nbget --tap IFNAME [--mac MAC] [--ip A.B.C.D/N] [--gw G] [--dns D]\n"
	"             [--dhcp | --cached-dhcp FILE [--cached-proxy FILE]]\n"
	"             [--dhcp-timeout S] [--user-class STR] [--save-dhcp FILE]\n"
	"             [--ip6 ADDR/N] [--gw6 ADDR] [--slaac] [--nodad]   IPv6\n"
	"             (link-local always; a static or an autoconfigured\n"
	"             address; --nodad: no duplicate detection, no 1 s wait)\n"
	"             [--dhcp6 [--no-rapid-commit]] [--dns6 ADDR]\n"
	"             (an address, DNS servers and a boot URL by DHCPv6)\n"
	"             [--vlan ID] [--pcap FILE] [--timeout S] [--start-at T] [-q]\n"
	"             COMMAND\n"
	"  --start-at T               set up first (tap, stack), then wait until\n"
	"                             wall-clock second T ($EPOCHREALTIME form):\n"
	"                             storm harnesses start many clients at once\n"
	"  --vlan ID                  802.1Q: tag frames with VLAN ID (1..4094)\n"
	"                             and take only that VLAN's\n"
	"commands:\n"
	"  ping HOST [-c N] [-i MS]   ICMP echo through the stack\n"
	"  serve [--seconds N] [--udp-echo PORT]\n"
	"                             answer ARP/ping (and echo UDP) for N s\n"
	"  udp HOST:PORT MESSAGE      send a datagram, print the reply\n"
	"  lease                      print the DHCP lease as key=value lines\n"
	"  get URL -o FILE [--blksize N] [--windowsize N] [--range A-B]\n"
	"          [--parallel N|auto] [--sha256 HEX]   download: http://,\n"
	"                             tftp://, or a bare name on the lease's\n"
	"                             next-server; auto: ranged parts only\n"
	"                             for a far server (a first handshake of\n"
	"                             40 ms or more)\n"
	"          [--mirror URL]...  the same file elsewhere, tried in order\n"
	"          [--retries N] [--retry-time S] [--no-retry]\n"
	"                             HTTP retries per server (backoff with\n"
	"                             jitter, Retry-After honoured)\n"
	"          [--ca FILE] [--insecure]  https://: trust anchors (PEM bundle\n"
	"                             or DER certificate); --insecure checks no\n"
	"                             certificate at all\n";

static int bad_usage(const char *msg)
{
	fprintf(stderr, "nbget: %s\n%s", msg, usage);
	return 2;
}

static int parse_ip(const char *s, uint32_t *out)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

static int parse_cidr(const char *s, uint32_t *ip, uint32_t *mask)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	uint32_t bits = 24;
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if (slash) {
		buf[slash - s] = 0;
		if (nbget_parse_u32(slash + 1, 32, &bits) < 0 || bits == 0)
			return -1;
	}
	*mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
	return parse_ip(buf, ip);
}

static int parse_range(struct nbget *g, const char *s)
{
	char *end;
	unsigned long long a = strtoull(s, &end, 10);
	if (end == s || *end != '-')
		return -1;
	const char *b = end + 1;
	unsigned long long z = strtoull(b, &end, 10);
	if (end == b || *end || z < a)
		return -1;
	g->have_range = true;
	g->range_first = a;
	g->range_last = z;
	return 0;
}

enum {
	OPT_TAP = 256, OPT_MAC, OPT_IP, OPT_GW, OPT_DNS, OPT_DHCP,
	OPT_CACHED, OPT_PROXY, OPT_DHCP_TIMEOUT, OPT_USER_CLASS, OPT_SAVE_DHCP,
	OPT_PCAP, OPT_TIMEOUT, OPT_BLKSIZE, OPT_WINDOWSIZE, OPT_RANGE,
	OPT_PARALLEL, OPT_SHA256, OPT_SECONDS, OPT_UDP_ECHO, OPT_MIRROR,
	OPT_RETRIES, OPT_RETRY_TIME, OPT_NO_RETRY, OPT_CA,
	OPT_INSECURE, OPT_VLAN, OPT_IP6, OPT_GW6, OPT_SLAAC, OPT_NODAD,
	OPT_DHCP6, OPT_NO_RAPID, OPT_DNS6,
	OPT_START_AT,
};

static const struct option opts[] = {
	{"tap", required_argument, 0, OPT_TAP},
	{"mac", required_argument, 0, OPT_MAC},
	{"ip", required_argument, 0, OPT_IP},
	{"gw", required_argument, 0, OPT_GW},
	{"dns", required_argument, 0, OPT_DNS},
	{"dhcp", no_argument, 0, OPT_DHCP},
	{"cached-dhcp", required_argument, 0, OPT_CACHED},
	{"cached-proxy", required_argument, 0, OPT_PROXY},
	{"dhcp-timeout", required_argument, 0, OPT_DHCP_TIMEOUT},
	{"user-class", required_argument, 0, OPT_USER_CLASS},
	{"save-dhcp", required_argument, 0, OPT_SAVE_DHCP},
	{"pcap", required_argument, 0, OPT_PCAP},
	{"vlan", required_argument, 0, OPT_VLAN},
	{"timeout", required_argument, 0, OPT_TIMEOUT},
	{"start-at", required_argument, 0, OPT_START_AT},
	{"blksize", required_argument, 0, OPT_BLKSIZE},
	{"windowsize", required_argument, 0, OPT_WINDOWSIZE},
	{"range", required_argument, 0, OPT_RANGE},
	{"parallel", required_argument, 0, OPT_PARALLEL},
	{"sha256", required_argument, 0, OPT_SHA256},
	{"seconds", required_argument, 0, OPT_SECONDS},
	{"udp-echo", required_argument, 0, OPT_UDP_ECHO},
	{"mirror", required_argument, 0, OPT_MIRROR},
	{"retries", required_argument, 0, OPT_RETRIES},
	{"retry-time", required_argument, 0, OPT_RETRY_TIME},
	{"no-retry", no_argument, 0, OPT_NO_RETRY},
	{"ca", required_argument, 0, OPT_CA},
	{"insecure", no_argument, 0, OPT_INSECURE},
	{"ip6", required_argument, 0, OPT_IP6},
	{"gw6", required_argument, 0, OPT_GW6},
	{"slaac", no_argument, 0, OPT_SLAAC},
	{"nodad", no_argument, 0, OPT_NODAD},
	{"dhcp6", no_argument, 0, OPT_DHCP6},
	{"no-rapid-commit", no_argument, 0, OPT_NO_RAPID},
	{"dns6", required_argument, 0, OPT_DNS6},
	{"output", required_argument, 0, 'o'},
	{"count", required_argument, 0, 'c'},
	{"interval", required_argument, 0, 'i'},
	{"quiet", no_argument, 0, 'q'},
	{"help", no_argument, 0, 'h'},
	{0, 0, 0, 0},
};

/* Options may come before or after the command, as users type them. */
static int parse(struct nbget *g, int argc, char **argv, char **cmd)
{
	uint32_t v;
	int c, n = 0;
	char *words[3] = {0};
	optind = 1;
	while (optind < argc) {
		c = getopt_long(argc, argv, "-o:c:i:qh", opts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 1:
			if (n == 3)
				return bad_usage("too many arguments");
			words[n++] = optarg;
			break;
		case OPT_TAP: g->tap = optarg; break;
		case OPT_MAC:
			if (nb_hosted_parse_mac(optarg, g->mac) < 0)
				return bad_usage("bad --mac");
			g->have_mac = true;
			break;
		case OPT_IP:
			if (parse_cidr(optarg, &g->ip, &g->mask) < 0)
				return bad_usage("bad --ip (want A.B.C.D/N)");
			break;
		case OPT_GW:
			if (parse_ip(optarg, &g->gw) < 0)
				return bad_usage("bad --gw");
			break;
		case OPT_IP6: {
			const char *sl = strchr(optarg, '/');
			if (!sl || nb_ip6_addr_parse(optarg, (size_t)(sl - optarg),
						     g->v6cfg.addr) < 0 ||
			    nbget_parse_u32(sl + 1, 128, &v) < 0 || !v)
				return bad_usage("bad --ip6 (want ADDR/N)");
			g->v6cfg.has_addr = true;
			g->v6cfg.plen = (uint8_t)v;
			g->v6 = true;
			break;
		}
		case OPT_GW6:
			if (nb_ip6_addr_parse(optarg, strlen(optarg),
					      g->v6cfg.gw) < 0)
				return bad_usage("bad --gw6");
			g->v6cfg.has_gw = true;
			g->v6 = true;
			break;
		case OPT_SLAAC:
			g->v6cfg.slaac = true;
			g->v6 = true;
			break;
		case OPT_NODAD: g->v6cfg.no_dad = true; break;
		case OPT_DHCP6:
#ifndef NBGET_DHCP6
			return bad_usage("--dhcp6: built without lib/dhcp6");
#endif
			g->dhcp6 = true;
			g->v6 = true;
			break;
		case OPT_NO_RAPID: g->dhcp6_no_rapid = true; break;
		case OPT_DNS6:
			if (g->ndns6 == NB_DNS_SERVERS ||
			    nb_ip6_addr_parse(optarg, strlen(optarg),
					      g->dns6[g->ndns6]) < 0)
				return bad_usage("bad or too many --dns6");
			g->ndns6++;
			break;
		case OPT_DNS:
			if (g->ndns == NB_DNS_SERVERS ||
			    parse_ip(optarg, &g->dns[g->ndns]) < 0)
				return bad_usage("bad or too many --dns");
			g->ndns++;
			break;
		case OPT_DHCP: g->dhcp = true; break;
		case OPT_CACHED: g->cached_dhcp = optarg; break;
		case OPT_PROXY: g->cached_proxy = optarg; break;
		case OPT_SAVE_DHCP: g->save_dhcp = optarg; break;
		case OPT_USER_CLASS: g->user_class = optarg; break;
		case OPT_PCAP: g->pcap_path = optarg; break;
		case OPT_START_AT: g->start_at = optarg; break;
		case OPT_VLAN:
			if (nbget_parse_u32(optarg, NB_VLAN_ID_MAX, &v) < 0 || !v)
				return bad_usage("bad --vlan (1..4094)");
			g->vlan = (uint16_t)v;
			break;
		case OPT_DHCP_TIMEOUT:
			if (nbget_parse_u32(optarg, 86400, &g->dhcp_timeout_s) < 0 ||
			    !g->dhcp_timeout_s)
				return bad_usage("bad --dhcp-timeout");
			break;
		case OPT_TIMEOUT:
			if (nbget_parse_u32(optarg, 86400, &g->timeout_s) < 0 ||
			    !g->timeout_s)
				return bad_usage("bad --timeout");
			break;
		case OPT_BLKSIZE:
			if (nbget_parse_u32(optarg, 65464, &v) < 0)
				return bad_usage("bad --blksize");
			g->blksize = (int)v;
			break;
		case OPT_WINDOWSIZE:
			/* A 16-bit block number cannot tell a stale block
			 * from a new one in a larger window. */
			if (nbget_parse_u32(optarg, 32767, &v) < 0)
				return bad_usage("bad --windowsize (0..32767)");
			g->windowsize = (int)v;
			break;
		case OPT_RANGE:
			if (parse_range(g, optarg) < 0)
				return bad_usage("bad --range (want A-B)");
			break;
		case OPT_PARALLEL:
			if (!strcmp(optarg, "auto"))
				v = 0;
			else if (nbget_parse_u32(optarg, 64, &v) < 0 || !v)
				return bad_usage("bad --parallel (1..64 or auto)");
			g->parallel = (int)v;
			break;
		case OPT_SHA256: g->sha256_hex = optarg; break;
		case OPT_MIRROR:
			if (g->nmirrors == 8)
				return bad_usage("at most 8 --mirror");
			g->mirrors[g->nmirrors++] = optarg;
			break;
		case OPT_RETRIES:
			/* 255 is the library's "none". */
			if (nbget_parse_u32(optarg, 254, &v) < 0)
				return bad_usage("bad --retries (0..254)");
			g->retries = v ? (int)v : 255;
			break;
		case OPT_RETRY_TIME:
			if (nbget_parse_u32(optarg, 86400, &g->retry_time_s) < 0 ||
			    !g->retry_time_s)
				return bad_usage("bad --retry-time");
			break;
		case OPT_NO_RETRY: g->retries = 255; break;
		case OPT_SECONDS:
			if (nbget_parse_u32(optarg, 86400, &g->serve_seconds) < 0)
				return bad_usage("bad --seconds");
			break;
		case OPT_UDP_ECHO:
			if (nbget_parse_u32(optarg, 65535, &v) < 0 || !v)
				return bad_usage("bad --udp-echo");
			g->udp_echo_port = (uint16_t)v;
			break;
		case OPT_CA: g->ca_path = optarg; break;
		case OPT_INSECURE: g->insecure = true; break;
		case 'o': g->out_path = optarg; break;
		case 'c':
			if (nbget_parse_u32(optarg, 1000000, &v) < 0 || !v)
				return bad_usage("bad -c");
			g->ping_count = (int)v;
			break;
		case 'i':
			if (nbget_parse_u32(optarg, 60000, &v) < 0)
				return bad_usage("bad -i");
			g->ping_interval_ms = v;
			break;
		case 'q': g->quiet = true; break;
		case 'h': fputs(usage, stdout); exit(0);
		default: return bad_usage("unknown option");
		}
	}
	if (!n)
		return bad_usage("no command");
	cmd[0] = words[0];
	cmd[1] = words[1];
	cmd[2] = words[2];
	return 0;
}

static int run(struct nbget *g, char **cmd);

int main(int argc, char **argv)
{
	static struct nbget g = {
		.blksize = -1, .windowsize = -1, .parallel = 1, .retries = -1,
		.timeout_s = NBGET_DEFAULT_TIMEOUT_S, .dhcp_timeout_s = 60,
		.ping_count = 4, .ping_interval_ms = 1000, .serve_seconds = 10,
	};
	char *cmd[3];
	int rc = parse(&g, argc, argv, cmd);
	if (rc)
		return rc;
	if (!g.tap)
		return bad_usage("--tap is required");
	if (!g.ip && !g.dhcp && !g.cached_dhcp && !g.v6)
		return bad_usage("give --ip, --dhcp, --cached-dhcp, --ip6, --slaac or --dhcp6");
	if (nbget_setup(&g))
		return 1;
	rc = nbget_start_at(&g);
	if (rc)
		return nbget_teardown(&g, rc);
	if (g.dhcp || g.cached_dhcp)
		rc = nbget_dhcp_setup(&g);
#ifdef NBGET_DHCP6
	if (!rc && g.dhcp6)
		rc = nbget_dhcp6_setup(&g);
#endif
	if (!rc)
		rc = run(&g, cmd);
	return nbget_teardown(&g, rc);
}

static int run(struct nbget *g, char **cmd)
{
	if (!strcmp(cmd[0], "ping")) {
		if (!cmd[1] || cmd[2])
			return bad_usage("ping takes one HOST");
		return nbget_cmd_ping(g, cmd[1]);
	}
	if (!strcmp(cmd[0], "serve")) {
		if (cmd[1])
			return bad_usage("serve takes no argument");
		return nbget_cmd_serve(g);
	}
	if (!strcmp(cmd[0], "udp")) {
		if (!cmd[1] || !cmd[2])
			return bad_usage("udp takes HOST:PORT and a MESSAGE");
		return nbget_cmd_udp(g, cmd[1], cmd[2]);
	}
	if (!strcmp(cmd[0], "lease"))
		return nbget_cmd_lease(g);
	if (!strcmp(cmd[0], "get")) {
		if (!cmd[1] || cmd[2] || !g->out_path)
			return bad_usage("get takes one URL and -o FILE");
		return nbget_cmd_get(g, cmd[1]);
	}
	return bad_usage("unknown command");
}
