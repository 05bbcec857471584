/*
 * What the PXE API's files (pxeapi/) share and nobody else sees: block
 * access, the file table with its download rings, and the hooks the
 * dispatcher and the UDP calls need from the TFTP gateway.
 *
 * Parameter blocks are read and written byte by byte at the offsets of the
 * PXE 2.1 / gPXE file API layouts: they sit at any alignment in the
 * caller's memory, and x86 stores them little endian while IP addresses and
 * UDP ports inside them are in network order.
 */
#ifndef CL_PXEAPI_INT_H
#define CL_PXEAPI_INT_H

#include "pxeapi.h"

#include "core/mem.h"
#include "fmt.h"
#include "netboot/bytes.h"

/* ---- block access ---- */

static inline uint16_t ok(uint8_t *b)
{
	nb_store_le16(b, PXENV_STATUS_SUCCESS);
	return PXENV_EXIT_SUCCESS;
}

static inline uint16_t fail(uint8_t *b, uint16_t status)
{
	nb_store_le16(b, status);
	return PXENV_EXIT_FAILURE;
}

/* A SEGOFF16 (offset word first) inside a block, as a flat pointer. */
static inline void *far_ptr(struct cl_pxeapi *a, const uint8_t *segoff,
			    size_t len)
{
	const struct cl_platform *p = a->cfg.p;
	return p->segoff_to_ptr(p->ctx, nb_load_le16(segoff + 2),
				nb_load_le16(segoff), len);
}

static inline uint64_t now(struct cl_pxeapi *a)
{
	return cl_now(a->cfg.p);
}

/* Copy a name whose NUL lies within the max_src bytes at src; false if
 * it is empty, unterminated there or longer than CL_PXEAPI_NAME_MAX - 1
 * (a cut name would open the wrong file).  dispatch.c */
bool cl_pxa_take_name(char *dst, const char *src, size_t max_src);

/* ---- files (files.c, ring.c) ---- */

enum { F_FREE = 0, F_BUSY = 1 };

/* What a blocking call waits for. */
enum cl_pxa_want { W_STARTED, W_PACKET, W_DONE, W_SIZE };

/* Bytes of the file after rd that are ready to read. */
static inline uint64_t ready(const struct cl_pxeapi_file *f)
{
	return f->have - f->rd;
}

static inline int file_index(const struct cl_pxeapi *a,
			     const struct cl_pxeapi_file *f)
{
	return (int)(f - a->files);
}

/* The ring sink's callbacks (ctx = the file) and its reader. */
int cl_pxa_ring_write(void *ctx, uint64_t off, const void *data, size_t len);
int cl_pxa_ring_total(void *ctx, uint64_t size);
uint64_t cl_pxa_ring_limit(void *ctx);
void cl_pxa_ring_read(struct cl_pxeapi_file *f, uint8_t *dst, size_t n);

/* A free slot with its ring, or NULL. */
struct cl_pxeapi_file *cl_pxa_file_alloc(struct cl_pxeapi *a);
void cl_pxa_file_close(struct cl_pxeapi_file *f);
/* Start fetching f->name with lib/fetch: a URL, or a bare name over TFTP
 * from @p server (the lease's next server when 0) at @p port (0: 69). */
int cl_pxa_file_start(struct cl_pxeapi_file *f, uint32_t server,
		      uint16_t port);
/* Open name (already in f->name) and wait until it is under way. */
int cl_pxa_open_and_start(struct cl_pxeapi *a, struct cl_pxeapi_file *f,
			  uint32_t server, uint16_t port);
/* One round of progress: the platform's hook, the stack, every transfer. */
void cl_pxa_pump(struct cl_pxeapi *a);
/* Pump until @p w holds, the transfer ends, or it stalls too long. */
void cl_pxa_wait_for(struct cl_pxeapi *a, struct cl_pxeapi_file *f,
		     enum cl_pxa_want w);
/* The PXENV_STATUS for an NB_E* code (f says whether data had come). */
uint16_t cl_pxa_status_of(const struct cl_pxeapi_file *f, int rc);

/* ---- the TFTP gateway (gateway.c) ---- */

/* Is file slot @p idx streaming a gateway transfer? */
bool cl_pxa_slot_is_gw(const struct cl_pxeapi *a, int idx);
void cl_pxa_gw_end(struct cl_pxeapi *a, struct cl_pxeapi_gw *g);
/* Serve UDP_READ from a gateway transfer bound to @p dport, if any. */
bool cl_pxa_gw_read(struct cl_pxeapi *a, uint16_t dport, uint8_t *b);
/* UDP_WRITE hook: true when the datagram was for the gateway. */
bool cl_pxa_gw_write(struct cl_pxeapi *a, uint32_t dst, uint16_t sport,
		     uint16_t dport, const uint8_t *p, size_t len);

/* ---- the calls (one file per family) ---- */

uint16_t cl_pxa_get_cached_info(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_tftp_open(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_tftp_close(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_tftp_read(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_tftp_read_file(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_tftp_get_fsize(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_file_open(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_file_close_call(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_file_select(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_file_read(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_get_file_size(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_file_api_check(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_udp_open(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_udp_close(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_udp_read(struct cl_pxeapi *a, uint8_t *b);
uint16_t cl_pxa_udp_write(struct cl_pxeapi *a, uint8_t *b);
/* Drop every gateway transfer, port and queued datagram. */
void cl_pxa_udp_close_all(struct cl_pxeapi *a);

#endif
