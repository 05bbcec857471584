/*
 * Hosted driver for lib/dhcp6: the sans-I/O client over a Linux UDP
 * socket on port 546 of one interface (sending from its link-local
 * address to ff02::1:2 port 547), printing the lease as key=value lines.
 *   drive-dhcp6 IFNAME [--rapid] [--pxe ARCH] [--uuid] [--timeout S]
 * Exit 0 when bound, 1 otherwise.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netboot/dhcp6.h"
#include "netboot/hosted.h"

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int read_mac(const char *ifname, uint8_t mac[6])
{
	char path[128], text[32] = "";
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(text, sizeof(text), f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	text[strcspn(text, "\n")] = 0;
	return nb_hosted_parse_mac(text, mac);
}

static void print_addr(const char *key, const uint8_t a[16])
{
	char s[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, a, s, sizeof(s));
	printf("%s=%s\n", key, s);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: drive-dhcp6 IFNAME [--rapid] [--pxe ARCH] [--uuid] [--timeout S]\n");
		return 2;
	}
	const char *ifname = argv[1];
	struct nb_dhcp6_cfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	int timeout_s = 30;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--rapid")) {
			cfg.rapid_commit = true;
		} else if (!strcmp(argv[i], "--pxe") && i + 1 < argc) {
			cfg.pxe = true;
			cfg.arch = (uint16_t)atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--uuid")) {
			cfg.have_uuid = true;
			for (int k = 0; k < 16; k++)
				cfg.uuid[k] = (uint8_t)(0x10 + k);
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			timeout_s = atoi(argv[++i]);
		} else {
			fprintf(stderr, "drive-dhcp6: bad argument %s\n", argv[i]);
			return 2;
		}
	}
	unsigned ifindex = if_nametoindex(ifname);
	if (!ifindex || read_mac(ifname, cfg.mac) < 0) {
		fprintf(stderr, "drive-dhcp6: no interface %s\n", ifname);
		return 1;
	}
	if (nb_hosted_rng(&cfg.rng) < 0)
		return 1;

	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	int one = 1;
	struct sockaddr_in6 me = {.sin6_family = AF_INET6,
				  .sin6_port = htons(NB_DHCP6_CLIENT_PORT)};
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0 ||
	    bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("drive-dhcp6: socket");
		return 1;
	}
	struct sockaddr_in6 srv = {.sin6_family = AF_INET6,
				   .sin6_port = htons(NB_DHCP6_SERVER_PORT),
				   .sin6_scope_id = ifindex};
	memcpy(&srv.sin6_addr, NB_DHCP6_ALL_SERVERS, 16);

	static struct nb_dhcp6 c;
	uint64_t t0 = now_ms(), end = t0 + (uint64_t)timeout_s * 1000;
	int rc = nb_dhcp6_start(&c, &cfg, t0);
	if (rc < 0) {
		fprintf(stderr, "drive-dhcp6: start: %s\n", nb_strerror(rc));
		return 1;
	}
	static uint8_t out[NB_DHCP6_SEND_MAX], in[2048];
	for (;;) {
		uint64_t now = now_ms();
		size_t n;
		rc = nb_dhcp6_poll(&c, now, out, sizeof(out), &n);
		if (n && sendto(fd, out, n, 0, (struct sockaddr *)&srv, sizeof(srv)) < 0)
			perror("drive-dhcp6: sendto");
		if (rc != -NB_EAGAIN || now >= end)
			break;
		uint64_t wait = nb_deadline_remaining(&c.resend, now);
		if (wait > end - now)
			wait = end - now;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, (int)wait) > 0) {
			ssize_t got = recv(fd, in, sizeof(in), 0);
			if (got > 0)
				nb_dhcp6_input(&c, in, (size_t)got, now_ms());
		}
	}
	close(fd);
	printf("result=%s\n", rc == 0 ? "bound" : nb_strerror(rc));
	printf("bound_ms=%llu\n", (unsigned long long)(now_ms() - t0));
	printf("sent=%u\nrx_bad=%u\nrx_ignored=%u\n", c.sent, c.rx_bad, c.rx_ignored);
	if (rc != 0) {
		printf("why=%s\n", nb_dhcp6_why(&c));
		return 1;
	}
	const struct nb_dhcp6_lease *l = &c.lease;
	print_addr("addr", l->addr);
	printf("preferred=%u\nvalid=%u\nt1=%u\nt2=%u\n", l->preferred_s, l->valid_s,
	       l->t1_s, l->t2_s);
	printf("dns=");
	for (int i = 0; i < l->ndns; i++) {
		char s[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, l->dns[i], s, sizeof(s));
		printf("%s%s", i ? "," : "", s);
	}
	printf("\nboot_url=%s\nboot_params=%s\nrapid_commit=%d\n", l->boot_url,
	       l->boot_params, l->rapid_commit);
	return 0;
}
