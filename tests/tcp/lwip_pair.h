/*
 * Our stack and lwIP (Debian's liblwip, an independent TCP
 * implementation) joined by an impaired memlink, driven in simulated
 * time.  lwIP keeps global state, so there is one pair per process.
 *
 * Two transfer directions:
 *  - LP_DOWNLOAD: lwIP listens, our client connects, sends a 4-byte
 *    request, lwIP answers with @p bytes of pattern and closes; our
 *    client receives into a buffer (the bulk-download path).
 *  - LP_UPLOAD: our client connects and sends @p bytes; lwIP receives
 *    them (used to count lwIP's receive cost in the benchmark).
 */
#ifndef NB_TEST_LWIP_PAIR_H
#define NB_TEST_LWIP_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../support/memlink.h"

enum lp_dir { LP_DOWNLOAD, LP_UPLOAD };

struct lp_result {
	int rc;                 /* nb_tcp_poll() at the end (0 = clean) */
	bool exact;             /* every byte matched the pattern */
	uint64_t received;      /* bytes the receiver got */
	uint64_t sim_ms;        /* simulated duration */
	uint32_t retransmits;   /* ours (upload) */
	uint32_t ooo;           /* our out-of-order segments accepted */
	struct nb_memlink_stats link[2];
};

/* Pattern byte at stream offset @off (both sides agree on it). */
static inline uint8_t lp_pat(uint64_t off)
{
	uint64_t x = off * 0x9e3779b97f4a7c15ull;
	return (uint8_t)((x >> 32) ^ (off >> 11));
}

/*
 * Run one transfer of @p bytes with impairments @p down (lwIP to us) and
 * @p up (us to lwIP), at most @p max_sim_ms of simulated time.
 * @p count_only: skip the final pattern check (benchmarks).
 */
int lp_run(enum lp_dir dir, uint64_t bytes, const struct nb_impair *down,
	   const struct nb_impair *up, uint64_t seed, uint64_t max_sim_ms,
	   struct lp_result *res);

/* Receive-path entry points, named so callgrind can toggle on them. */
int lp_our_rx(void);
int lp_lwip_rx(void);

#endif
