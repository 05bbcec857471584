/*
 * The environment the eth/ip/stack fuzz harnesses share: one stack on a
 * fake link, configured as 10.0.0.2/24 via 10.0.0.1, with UDP sockets
 * open, the gateway resolved and one resolution pending with a frame
 * parked.  Rebuilt from scratch for every input so runs are independent.
 */
#ifndef NB_TEST_FUZZENV_H
#define NB_TEST_FUZZENV_H

#include "fakelink.h"
#include "frames.h"

#define FZ_OUR_IP NB_IPV4(10, 0, 0, 2)
#define FZ_GW_IP NB_IPV4(10, 0, 0, 1)
#define FZ_MASK 0xffffff00u
#define FZ_PENDING_IP NB_IPV4(10, 0, 0, 5)

struct fz_env {
	struct fakelink fl;
	struct nb_stack s;
	struct nb_arena arena;
	struct nb_udp_sock sock[3]; /* 68 (echoes), 69 (closes itself), ephemeral */
	struct nb_ping ping;
	uint64_t now;
	size_t delivered; /* bytes handed to socket callbacks */
};

/* (Re)build @e; aborts on failure, which would be a harness bug. */
void fz_env_reset(struct fz_env *e);
/* Abort unless the stack's lists are sane (no cycles, sockets bound). */
void fz_env_check(const struct fz_env *e);

#endif
