/*
 * Internals of lib/tftp shared between its files, the unit tests and the
 * fuzz harness.  Wire formats are parsed from (ptr, len) only.
 */
#ifndef NB_LIB_TFTP_INT_H
#define NB_LIB_TFTP_INT_H

#include "core/text.h"
#include "netboot/tftp.h"

/* What an OACK granted, after checking it against what we asked. */
struct nb_tftp_oack {
	bool has_blksize, has_window, has_timeout, has_tsize;
	uint16_t blksize;
	uint16_t window;
	uint8_t timeout_s;
	uint64_t tsize;
};

/*
 * Parse the option list of an OACK (the bytes after the opcode) and check
 * it against @cfg: only options we asked for, each at most once, values in
 * range and not above what we asked (timeout must match exactly).
 * Returns 0 and fills @o, or -NB_EOPTION with nothing promised about @o.
 */
int nb_tftp_parse_oack(const struct nb_tftp_cfg *cfg, const uint8_t *p,
		       size_t len, struct nb_tftp_oack *o);


/* Build a read request into @buf (@cap bytes); options are included
 * unless @plain.  Returns the length or -NB_EMSGSIZE. */
int nb_tftp_build_rrq(const struct nb_tftp_cfg *cfg, bool plain, uint8_t *buf,
		      size_t cap);

/* Build ERROR @code with message @msg (truncated to fit); returns length. */
size_t nb_tftp_build_error(uint8_t *buf, size_t cap, uint16_t code,
			   const char *msg);

/* Map a server's TFTP error code to a negative NB_E* code. */
int nb_tftp_map_error(uint16_t code);

/* Start the estimator from t->cfg; feed it one round-trip sample (ms),
 * which updates t->rtt.rto. */
void nb_tftp_rtt_init(struct nb_tftp *t);
void nb_tftp_rtt_sample(struct nb_tftp *t, uint32_t ms);

/* nb_tftp_start_io() in two steps, so a transport can be set up between
 * validation (which zeroes @t) and the first send. */
int nb_tftp_setup(struct nb_tftp *t, const struct nb_tftp_cfg *cfg,
		  const struct nb_sink *sink, const struct nb_tftp_io *io,
		  void *io_ctx, uint64_t now_ms);
int nb_tftp_launch(struct nb_tftp *t);

/* The default transport over a stack's UDP socket. */
extern const struct nb_tftp_io nb_tftp_udp_io;

#endif
