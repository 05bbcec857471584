/*
 * Two stacks for the driver tests: stack A runs on a link driver under
 * test (whose emulated firmware is wired to end A of a memlink), stack B
 * directly on end B.  Plain C, shared by tests/snp and tests/undi.
 */
#ifndef NB_TEST_DUO_H
#define NB_TEST_DUO_H

#include "../support/memlink.h"
#include "netboot/stack.h"

#define DUO_IP_A NB_IPV4(192, 0, 2, 1)
#define DUO_IP_B NB_IPV4(192, 0, 2, 2)
#define DUO_ECHO_PORT 7

struct duo {
	struct nb_memlink m;
	struct nb_stack a, b;
	struct nb_arena arena;
	uint8_t *mem;
	uint64_t rng_state[2];
	struct nb_rng rng[2];
	struct nb_udp_sock echo_a, echo_b, client;
	uint64_t now;
	uint32_t replies, bad, distinct;
	unsigned next_seq;
	uint8_t seen[512];
};

/* Allocate a duo with its memlink (impairment of the wire may be NULL).
 * The driver under test takes its arena from duo->arena and is wired to
 * nb_memlink_link(&duo->m, 0). */
struct duo *duo_new(const struct nb_impair *imp, uint64_t seed);
/* Start both stacks: A on @a_link (the driver), B on memlink end B. */
int duo_start(struct duo *d, struct nb_link *a_link);
void duo_free(struct duo *d);
/* Advance time by 1 ms and poll both stacks; returns A's poll result. */
int duo_step(struct duo *d);
/* @count pings from A to B (or B to A) of @size bytes, one at a time;
 * returns replies received. */
unsigned duo_pings(struct duo *d, bool from_a, unsigned count, size_t size);
/* A sends @count UDP datagrams of @size bytes to B's echo port in one
 * burst, then polls until every echo came back or 5 s passed; returns
 * the distinct echoes (payloads checked; mismatches counted in bad). */
unsigned duo_udp_burst(struct duo *d, unsigned count, size_t size);

#endif
