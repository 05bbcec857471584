/*
 * Tiny servers on a second in-process stack, for the PXE API tests: a
 * lock-step TFTP server (blksize and tsize options), an HTTP/1.0 server on
 * a minimal TCP responder (lib/tcp has no LISTEN), and a UDP echo.  They
 * are test doubles, deliberately simple: one connection/session at a
 * time, go-back-N retransmission, no window scaling.
 */
#ifndef PXEAPI_TEST_PEERS_H
#define PXEAPI_TEST_PEERS_H

#include <stddef.h>
#include <stdint.h>

#include "netboot/stack.h"

#define PEER_ECHO_PORT 7777

/* A file the peers serve (by TFTP name and HTTP path "/name"). */
struct peer_file {
	const char *name;
	const uint8_t *data;
	size_t len;
};

struct peer_stats {
	unsigned tftp_rrqs, tftp_errors_rx, http_requests, http_segments,
		http_retransmits, echoes;
	char last_http_path[128];
};

/* Start all three servers on @p s (configured).  @p files ends with a
 * NULL name; it must outlive the peers. */
void peers_start(struct nb_stack *s, const struct peer_file *files);
/* Run timers and send what the windows allow; call after polling @p s. */
void peers_poll(uint64_t now_ms);
const struct peer_stats *peers_stats(void);

#endif
