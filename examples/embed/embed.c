/*
 * The smallest loader of one's own built on an installed libnetboot: it
 * shows what an embedder supplies (a link, an entropy source, a clock, an
 * arena) and the rhythm every operation follows (start, then poll with the
 * current time until it stops returning -NB_EAGAIN).  Built by
 * scripts/check-embed.sh with nothing but `pkg-config netboot`.
 *
 *   embed --self-test      two stacks joined in memory, one pings the
 *                          other; simulated time, no privileges needed
 *   embed TAPDEV [URL]     on an existing tap device: DHCP, then (with a
 *                          URL) an HTTP download into memory
 */
#include <stdio.h>
#include <string.h>

#include <netboot/dhcp.h>
#include <netboot/hosted.h>
#include <netboot/http.h>
#include <netboot/memlink.h>
#include <netboot/stack.h>
#include <netboot/tap.h>

/* All memory is the caller's: static here, fixed addresses in firmware. */
static uint8_t arena_mem[2 * NB_STACK_ARENA_BYTES + NB_MEMLINK_ARENA_DEFAULT];
static uint8_t image[16u << 20];
static struct nb_arena arena;
static struct nb_rng rng;
static struct nb_stack stack_a, stack_b;
static struct nb_memlink wire;
static struct nb_tap tap;
static struct nb_dhcp dhcp;
static struct nb_tcp tcp;
static struct nb_http http;

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

/* The library never reads a clock, so a test can run time itself: each
 * millisecond is one step.  Over a 5 ms wire the first ping takes 20 ms:
 * ARP there and back, then the echo there and back. */
static int self_test(void)
{
	struct nb_impair slow = {.delay_ms = 5};
	struct nb_ping ping;
	int rc = nb_memlink_init(&wire, &slow, &slow, 1, &arena);
	if (rc == 0)
		rc = nb_stack_init(&stack_a, nb_memlink_link(&wire, 0), &rng,
				   &arena);
	if (rc == 0)
		rc = nb_stack_init(&stack_b, nb_memlink_link(&wire, 1), &rng,
				   &arena);
	if (rc < 0)
		return fail("setup", rc);
	nb_stack_set_ipv4(&stack_a, NB_IPV4(10, 0, 0, 1), 0xffffff00, 0);
	nb_stack_set_ipv4(&stack_b, NB_IPV4(10, 0, 0, 2), 0xffffff00, 0);
	rc = nb_ping_start(&ping, &stack_a, NB_IPV4(10, 0, 0, 2), 1, 56, 1000);
	if (rc == 0)
		rc = -NB_EAGAIN;
	/* Bounded: the ping gives up after 1000 ms of this clock. */
	for (uint64_t now = 0; rc == -NB_EAGAIN; now++) {
		nb_memlink_set_time(&wire, now);
		nb_stack_poll(&stack_a, now);
		nb_stack_poll(&stack_b, now);
		rc = nb_ping_poll(&ping, now);
	}
	if (rc < 0)
		return fail("ping 10.0.0.2", rc);
	printf("self-test: 10.0.0.2 answered in %u ms of simulated time\n",
	       (unsigned)ping.rtt_ms);
	return 0;
}

static int http_poll(void *obj, uint64_t now_ms)
{
	return nb_http_poll(obj, now_ms);
}

static int on_tap(const char *ifname, const char *url)
{
	struct nb_link link;
	struct nb_clock clk;
	int rc = nb_tap_open(&tap, ifname, &link);
	if (rc < 0)
		return fail(ifname, rc);
	nb_hosted_clock(&clk, tap.fd); /* sleeps in poll() on the tap */
	rc = nb_stack_init(&stack_a, &link, &rng, &arena);
	if (rc < 0)
		return fail("stack", rc);

	struct nb_dhcp_cfg cfg = {.first_ms = 500, .timeout_ms = 5000};
	rc = nb_dhcp_start(&dhcp, &stack_a, &cfg, clk.now_ms(clk.ctx));
	if (rc == 0)
		rc = nb_wait(&stack_a, nb_dhcp_poll_fn, &dhcp, &clk, 10000);
	if (rc < 0) {
		nb_dhcp_stop(&dhcp);
		nb_tap_close(&tap);
		return fail("dhcp", rc);
	}
	print_ip("address ", dhcp.lease.ip);
	print_ip("next-server ", dhcp.lease.next_server);
	printf("boot file %s\n", dhcp.lease.boot_file);

	if (url) {
		/* The body lands in image[] at its file offsets; TCP offers
		 * the sink's free space as its window. */
		struct nb_memsink sink;
		struct nb_http_cfg hc = {.url = url};
		nb_memsink_init(&sink, image, sizeof(image));
		rc = nb_tcp_init(&tcp, &stack_a);
		if (rc == 0)
			rc = nb_http_start(&http, &stack_a, &tcp, &sink.sink, &hc);
		if (rc == 0)
			rc = nb_wait(&stack_a, http_poll, &http, &clk, 60000);
		nb_http_close(&http);
		if (rc < 0) {
			nb_tap_close(&tap);
			return fail(url, rc);
		}
		printf("fetched %llu bytes\n", (unsigned long long)sink.high);
	}
	nb_tap_close(&tap);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		printf("usage: embed --self-test | embed TAPDEV [URL]\n");
		return argc < 2;
	}
	nb_arena_init(&arena, arena_mem, sizeof(arena_mem));
	int rc = nb_hosted_rng(&rng);
	if (rc < 0)
		return fail("entropy", rc);
	if (!strcmp(argv[1], "--self-test"))
		return self_test();
	return on_tap(argv[1], argc > 2 ? argv[2] : NULL);
}
