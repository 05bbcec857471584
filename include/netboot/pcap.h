/**
 * @file pcap.h
 * @brief A link wrapper that records every frame in classic pcap format
 *        (lib/pcap).
 *
 * nb_pcap_wrap() puts a recording link in front of any other link: every
 * frame the stack transmits, and every frame the inner link hands to the
 * stack, is written as one pcap record (LINKTYPE_ETHERNET, microsecond
 * timestamps) and then passed on unchanged.  The writer is freestanding:
 * bytes leave through a caller callback and time comes from the caller, so
 * firmware can capture into a memory buffer or a serial line, and hosted
 * programs into a file (nb_pcap_open_file() in hosted.h).
 *
 * The file is always written little-endian (magic bytes d4 c3 b2 a1), so
 * the same run produces the same bytes on every architecture; every pcap
 * reader accepts either byte order.
 *
 * Capture never changes traffic: when the output callback fails, the error
 * is remembered (@ref nb_pcap::error) and counted, and frames still flow.
 * Nothing more is written after a failure, because the stream may end in
 * the middle of a record and anything appended would be misparsed.
 *
 * Worst-case memory: sizeof(struct nb_pcap) (under 100 bytes); no arena,
 * and at most 24 bytes of stack buffers.
 */
#ifndef NETBOOT_PCAP_H
#define NETBOOT_PCAP_H

#include "netboot/core.h"
#include "netboot/link.h"

/** pcap link type of Ethernet II frames. */
#define NB_PCAP_LINKTYPE_ETHERNET 1
/** Bytes of the pcap file header. */
#define NB_PCAP_FILE_HLEN 24
/** Bytes of a pcap record header. */
#define NB_PCAP_REC_HLEN 16
/** Snapshot length used when the configuration gives 0. */
#define NB_PCAP_SNAPLEN_DEFAULT 65535

/**
 * Output callback: write all @p len bytes at @p data (valid during the
 * call only).
 * @return 0 (or any non-negative value) on success, negative on failure.
 */
typedef int (*nb_pcap_out_fn)(void *ctx, const void *data, size_t len);

/**
 * Clock callback for record timestamps.
 * @return Time in microseconds; wall-clock time since the Unix epoch makes
 *         readers show real dates, any monotonic count works too.
 */
typedef uint64_t (*nb_pcap_clock_fn)(void *ctx);

/** How a capture writes and stamps records. */
struct nb_pcap_cfg {
	nb_pcap_out_fn out;       /**< Output (required). */
	void *out_ctx;            /**< Passed to @ref out. */
	nb_pcap_clock_fn now_us;  /**< Clock (optional; takes precedence). */
	void *clock_ctx;          /**< Passed to @ref now_us. */
	const uint64_t *now_ms;   /**< Used when @ref now_us is NULL: a
				       millisecond time the caller keeps
				       current, e.g. &memlink.now_ms.  With
				       neither, timestamps are 0.  Must
				       outlive the capture. */
	uint32_t snaplen;         /**< Bytes kept per frame; longer frames
				       are cut in the capture only.
				       0 = NB_PCAP_SNAPLEN_DEFAULT. */
};

/** A capture.  Caller-owned; must not move while its link is in use. */
struct nb_pcap {
	struct nb_link link;     /**< The recording link: hand `&p.link` to
				      the stack instead of the inner one. */
	struct nb_link *inner;   /**< The wrapped link (NULL for a capture
				      made with nb_pcap_start() only). */
	struct nb_pcap_cfg cfg;  /**< Copy of the configuration. */
	uint32_t records;        /**< Records written successfully. */
	uint32_t write_errors;   /**< Records or headers that failed. */
	int error;               /**< First output error (sticky), or 0. */
};

/**
 * Start a capture without a link: write the file header.  Use
 * nb_pcap_record() to add frames, e.g. from a test that sees frames
 * directly.
 * @param p    The capture (caller-owned, zeroed by this call).
 * @param cfg  Configuration (copied).
 * @return 0; -NB_EINVAL for NULL @p p, @p cfg or cfg->out; -NB_EIO if the
 *         header could not be written (also kept in @ref nb_pcap::error).
 */
int nb_pcap_start(struct nb_pcap *p, const struct nb_pcap_cfg *cfg);

/**
 * Start a capture (as nb_pcap_start()) and set @ref nb_pcap::link to
 * record and forward to @p inner.  The new link copies @p inner's MAC and
 * MTU: change them on @p p->link, not on @p inner, afterwards.
 * @param p      The capture.
 * @param inner  Link to wrap; must outlive @p p.
 * @param cfg    Configuration (copied).
 * @return As nb_pcap_start(), and -NB_EINVAL for a NULL or op-less
 *         @p inner.  On -NB_EIO the link is still set up and forwards.
 */
int nb_pcap_wrap(struct nb_pcap *p, struct nb_link *inner,
		 const struct nb_pcap_cfg *cfg);

/**
 * Write one frame as a record, stamped with the configured clock.
 * @param p     The capture.
 * @param data  Frame bytes (not retained).
 * @param len   Frame length (the original length; at most the snapshot
 *              length is written).
 * @return 0, or -NB_EIO when the output failed (counted, and the first
 *         failure kept in @ref nb_pcap::error).
 */
int nb_pcap_record(struct nb_pcap *p, const void *data, size_t len);

#endif
