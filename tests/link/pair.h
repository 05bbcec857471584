/*
 * Two stacks joined by a memlink, for the in-process pair tests and the
 * capture the tshark test reads.  Plain C, no cmocka: the hosted capture
 * generator links it too.
 */
#ifndef NB_TEST_PAIR_H
#define NB_TEST_PAIR_H

#include "../support/memlink.h"
#include "netboot/pcap.h"
#include "netboot/stack.h"

#define PAIR_IP_A NB_IPV4(192, 0, 2, 1)
#define PAIR_IP_B NB_IPV4(192, 0, 2, 2)
#define PAIR_ECHO_PORT 7

struct pair {
	struct nb_memlink m;
	struct nb_stack a, b;
	struct nb_arena arena;
	uint8_t *mem;
	size_t arena_after_init; /* arena mark once everything is set up */
	uint64_t rng_state[2];
	struct nb_rng rng[2];
	struct nb_udp_sock echo;   /* UDP echo server on B */
	struct nb_udp_sock client; /* A's socket */
	/* Echo replies A received: distinct sequence numbers and payloads
	 * that did not match what was sent (must stay 0). */
	uint8_t seen[4096];
	uint32_t distinct, bad_payload, replies;
};

/* Allocate and set up a pair; with @cap and @cap_path, A's link is
 * wrapped to record into that pcap file, stamped with simulated time.
 * Returns NULL on failure. */
struct pair *pair_new(const struct nb_impair *ab, const struct nb_impair *ba,
		      uint64_t seed, struct nb_pcap *cap, const char *cap_path);
void pair_free(struct pair *p);
/* Set the time on the memlink, then poll B and A. */
void pair_poll(struct pair *p, uint64_t now_ms);
/* Send UDP datagram number @seq (< 32768) from A to B's echo port. */
int pair_send_udp(struct pair *p, uint32_t seq, size_t len);
/* Ping B from A until @want replies, each try with @timeout_ms; returns
 * replies received, stopping at @deadline_ms of simulated time. */
uint32_t pair_pings(struct pair *p, uint32_t want, uint32_t timeout_ms,
		    uint64_t *now, uint64_t deadline_ms, uint32_t *timeouts);
/* Send UDP datagrams every @gap_ms until @want distinct echoes came
 * back or @deadline_ms; returns the distinct count. */
uint32_t pair_udp(struct pair *p, uint32_t want, uint32_t gap_ms,
		  uint64_t *now, uint64_t deadline_ms);

#endif
