/**
 * @file testrng.h
 * @brief Entropy for test stacks: a seeded, replayable source and one
 *        that always fails (test support, tests/support; not installed,
 *        not in the library).
 */
#ifndef NETBOOT_TEST_TESTRNG_H
#define NETBOOT_TEST_TESTRNG_H

#include <stddef.h>
#include <stdint.h>

#include "netboot/core.h"

/**
 * One splitmix64 draw: identical on every platform (64-bit integer
 * arithmetic only), full period, cheap.
 * @param state  Advanced by the draw.
 * @return The next 64 bits.
 */
uint64_t nb_splitmix64(uint64_t *state);

/**
 * nb_rng::fill from splitmix64, one draw per byte.
 * @param ctx  The uint64_t state (the caller's seed).
 * @return 0.
 */
int nb_test_rng_fill(void *ctx, void *buf, size_t len);

/**
 * nb_rng::fill of a source that has no entropy to give, for the paths
 * that must cope with that.
 * @return -NB_EIO, with @p buf untouched.
 */
int nb_test_rng_fail(void *ctx, void *buf, size_t len);

#endif
