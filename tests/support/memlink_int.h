/* Internal to the memlink (tests/support): the random decisions of one
 * direction. */
#ifndef NB_TEST_MEMLINK_INT_H
#define NB_TEST_MEMLINK_INT_H

#include "memlink.h"

/* Seed the PRNG of direction @p idx from the caller's seed. */
void nb_ml_seed(struct nb_memlink_dir *d, uint64_t seed, unsigned idx);

/* True with probability ppm / 1e6; always draws, so the sequence of
 * draws does not depend on the settings. */
bool nb_ml_chance(struct nb_memlink_dir *d, uint32_t ppm);

/* Uniform in [0, n); 0 when n is 0 (still drawing). */
uint32_t nb_ml_below(struct nb_memlink_dir *d, uint32_t n);

/* Latency of one copy in us: delay, jitter and reorder hold-back. */
uint64_t nb_ml_latency_us(struct nb_memlink_dir *d);

/* Alter one byte of frame @p f (see struct nb_impair::corrupt_ppm). */
void nb_ml_corrupt(struct nb_memlink_dir *d, uint8_t *f, size_t len);

#endif
