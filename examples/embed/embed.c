/*
 * The smallest loader of one's own built on an installed libnetboot: it
 * shows what an embedder supplies (a link, an entropy source, a clock, an
 * arena) and the rhythm every operation follows (start, then poll with the
 * current time until it stops returning -NB_EAGAIN).  Built by
 * scripts/check-embed.sh with nothing but `pkg-config netboot`.
 *
 *   embed TAPDEV [URL]     on an existing tap device: DHCP, then (with a
 *                          URL: http://, tftp:// or a bare name on the
 *                          next-server) a download into memory
 */
#include <stdio.h>
#include <string.h>

#include <netboot/dhcp.h>
#include <netboot/fetch.h>
#include <netboot/hosted.h>
#include <netboot/sha256.h>
#include <netboot/stack.h>
#include <netboot/tap.h>

/* All memory is the caller's: static here, fixed addresses in firmware. */
static uint8_t arena_mem[NB_STACK_ARENA_BYTES];
static uint8_t image[16u << 20];
static struct nb_arena arena;
static struct nb_rng rng;
static struct nb_stack stack;
static struct nb_tap tap;
static struct nb_dhcp dhcp;
static struct nb_tcp tcp;
static struct nb_fetch fetch;

static int fail(const char *what, int rc)
{
	fprintf(stderr, "embed: %s: %s\n", what, nb_strerror(rc));
	return 1;
}

static void print_ip(const char *label, uint32_t ip)
{
	printf("%s%u.%u.%u.%u\n", label, ip >> 24, (ip >> 16) & 255,
	       (ip >> 8) & 255, ip & 255);
}

static int on_tap(const char *ifname, const char *url)
{
	struct nb_link link;
	struct nb_clock clk;
	int rc = nb_tap_open(&tap, ifname, &link);
	if (rc < 0)
		return fail(ifname, rc);
	nb_hosted_clock(&clk, tap.fd); /* sleeps in poll() on the tap */
	rc = nb_stack_init(&stack, &link, &rng, &arena);
	if (rc < 0)
		return fail("stack", rc);

	struct nb_dhcp_cfg cfg = {.first_ms = 500, .timeout_ms = 5000};
	rc = nb_dhcp_start(&dhcp, &stack, &cfg, clk.now_ms(clk.ctx));
	if (rc == 0)
		rc = nb_wait(&stack, nb_dhcp_poll_fn, &dhcp, &clk, 10000);
	if (rc < 0) {
		nb_dhcp_cancel(&dhcp);
		nb_tap_close(&tap);
		return fail("dhcp", rc);
	}
	print_ip("address ", dhcp.lease.ip);
	print_ip("next-server ", dhcp.lease.next_server);
	printf("boot file %s\n", dhcp.lease.boot_file);

	if (url) {
		/* http:// or tftp:// (a bare name: from the next-server).
		 * The body lands in image[] at its file offsets; TCP offers
		 * the sink's free space as its window. */
		struct nb_memsink sink;
		struct nb_fetch_cfg fc;
		nb_memsink_init(&sink, image, sizeof(image));
		nb_fetch_cfg_init(&fc);
		fc.tcp = &tcp;
		fc.tftp_server = dhcp.lease.next_server;
		rc = nb_tcp_init(&tcp, &stack);
		if (rc == 0)
			rc = nb_fetch_start(&fetch, &stack, &fc, url, &sink.sink,
					    clk.now_ms(clk.ctx));
		if (rc == 0)
			rc = nb_wait(&stack, nb_fetch_poll_fn, &fetch, &clk, 60000);
		if (rc < 0) {
			fprintf(stderr, "embed: %s: %s\n", url, nb_fetch_why(&fetch));
			nb_fetch_cancel(&fetch);
			nb_tap_close(&tap);
			return 1;
		}
		struct nb_sha256 h;
		uint8_t sum[NB_SHA256_LEN];
		nb_sha256_init(&h);
		nb_sha256_update(&h, image, (size_t)sink.high);
		nb_sha256_final(&h, sum);
		printf("fetched %llu bytes, sha256 ", (unsigned long long)sink.high);
		for (int i = 0; i < NB_SHA256_LEN; i++)
			printf("%02x", sum[i]);
		printf("\n");
	}
	nb_tap_close(&tap);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		printf("usage: embed TAPDEV [URL]\n");
		return argc < 2;
	}
	nb_arena_init(&arena, arena_mem, sizeof(arena_mem));
	int rc = nb_hosted_rng(&rng);
	if (rc < 0)
		return fail("entropy", rc);
	return on_tap(argv[1], argc > 2 ? argv[2] : NULL);
}
