/* Internal interface between the download (client.c) and its
 * connections (part.c). */
#ifndef NB_LIB_HTTP_CLIENT_INT_H
#define NB_LIB_HTTP_CLIENT_INT_H

#include "http/http_int.h"

enum part_state {
	P_FREE = 0, /* never used, or reset */
	P_HEADERS,  /* request sent, reading the header block */
	P_BODY,     /* reading the body */
	P_DONE      /* response complete; connection idle if kept alive */
};

enum http_state {
	H_IDLE = 0,
	H_RESOLVE, /* DNS */
	H_MEASURE, /* timing the first handshake: near or far? */
	H_PROBE,   /* the first range, before splitting into parts */
	H_RUN,     /* parts downloading (or the HEAD of a HEAD-only job) */
	H_CLOSING, /* done; letting closing connections finish */
	H_DONE
};

/* Send a request on @p p: on its kept-alive connection if it has one,
 * else on a new connection.  Range when @p ranged. */
int nb_http_part_request(struct nb_http_part *p, bool head, bool ranged,
			 uint64_t first, uint64_t last);

/* Open a connection for @p p without a request, idle and reusable, so a
 * later nb_http_part_request() need not wait for a handshake.  No-op when
 * it has one. */
int nb_http_part_connect(struct nb_http_part *p);

/* Opened by nb_http_part_connect() and never asked for anything. */
bool nb_http_part_unused(const struct nb_http_part *p);

/* The first handshake of a download that waits for it to choose between
 * one connection and parts is done: time it and begin.  From part 0's
 * connected event, so the request rides on the handshake's ACK as it
 * would have without the wait (a separate request segment halved
 * nginx's rate at 0 ms). */
void nb_http_timed(struct nb_http *h, uint32_t now);

/* Resource bytes from p->first that are held contiguously. */
uint64_t nb_http_part_progress(const struct nb_http_part *p);

/* Retry policy (retry.c).  Set up the tries and time of a download
 * starting, or making progress again, at @p now. */
void nb_http_retry_init(struct nb_http *h, uint64_t now);
/* Whether a part that failed with @p err is tried again: the delay in ms
 * (> 0), or 0 when the error is final. */
uint32_t nb_http_retry_wait(struct nb_http *h, int err, uint64_t now);

#endif
