/*
 * Hosted driver for lib/dns: our stack on a tap device with a static
 * address, resolving one name through one server.
 *   drive-dns TAP A.B.C.D/N SERVER NAME [a|aaaa]
 * Prints result= and addr= (dotted quad or IPv6 text); exit 0 on success.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netboot/dns.h"
#include "netboot/hosted.h"
#include "netboot/tap.h"

static int poll_dns(void *obj, uint64_t now_ms)
{
	return nb_dns_poll(obj, now_ms);
}

static int ip4(const char *s, uint32_t *out)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: drive-dns TAP A.B.C.D/N SERVER NAME [a|aaaa]\n");
		return 2;
	}
	bool aaaa = argc > 5 && !strcmp(argv[5], "aaaa");
	char ipbuf[32];
	snprintf(ipbuf, sizeof(ipbuf), "%s", argv[2]);
	char *slash = strchr(ipbuf, '/');
	uint32_t ip, srv, bits = slash ? (uint32_t)atoi(slash + 1) : 24;
	if (slash)
		*slash = 0;
	if (ip4(ipbuf, &ip) < 0 || ip4(argv[3], &srv) < 0 || bits < 1 || bits > 32) {
		fprintf(stderr, "drive-dns: bad address\n");
		return 2;
	}
	static struct nb_tap tap;
	static struct nb_stack s;
	struct nb_link link;
	struct nb_rng rng;
	struct nb_clock clk;
	struct nb_arena arena;
	size_t mem_len = NB_STACK_ARENA_BYTES + (1u << 20);
	void *mem = malloc(mem_len);
	if (!mem || nb_hosted_rng(&rng) < 0)
		return 1;
	int rc = nb_tap_open_mac(&tap, argv[1], NULL, &link);
	if (rc < 0) {
		fprintf(stderr, "drive-dns: %s: %s\n", argv[1], nb_strerror(rc));
		return 1;
	}
	nb_hosted_clock(&clk, tap.fd);
	nb_arena_init(&arena, mem, mem_len);
	rc = nb_stack_init(&s, &link, &rng, &arena);
	if (rc < 0)
		return 1;
	nb_stack_set_ipv4(&s, ip, bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits), 0);
	s.dns[0] = srv;
	nb_stack_poll(&s, clk.now_ms(clk.ctx));
	static struct nb_dns q;
	rc = nb_dns_start_type(&q, &s, argv[4], aaaa ? NB_DNS_TYPE_AAAA : NB_DNS_TYPE_A);
	if (rc == 0)
		rc = nb_wait(&s, poll_dns, &q, &clk, 20000);
	nb_dns_cancel(&q);
	nb_tap_close(&tap);
	free(mem);
	printf("result=%s\n", rc == 0 ? "ok" : nb_strerror(rc));
	if (rc != 0) {
		printf("why=%s\n", nb_dns_why(&q));
		return 1;
	}
	char text[INET6_ADDRSTRLEN];
	if (aaaa) {
		inet_ntop(AF_INET6, q.addr6, text, sizeof(text));
	} else {
		struct in_addr a = {htonl(q.addr)};
		inet_ntop(AF_INET, &a, text, sizeof(text));
	}
	printf("addr=%s\nttl=%u\n", text, q.ttl);
	return 0;
}
