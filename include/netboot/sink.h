/**
 * @file sink.h
 * @brief Destinations for downloaded bytes, addressed by absolute offset.
 *
 * Downloads (TFTP, HTTP) deliver each piece of payload at its absolute
 * 64-bit offset in the file, so data lands straight in its final place
 * even when it arrives out of order, and files over 4 GiB work on 32-bit
 * builds.  A sink may be written to in any order and more than once at the
 * same offset (retransmissions); it must copy the data before returning.
 */
#ifndef NETBOOT_SINK_H
#define NETBOOT_SINK_H

#include "netboot/core.h"

/** A destination for downloaded bytes.  Owned by the caller. */
struct nb_sink {
	/**
	 * Store @p len bytes of @p data at offset @p off.  @p data is only
	 * valid during the call.
	 * @return 0, -NB_ERANGE if the bytes fall outside what the sink can
	 *         hold, or another negative code; any error ends the transfer.
	 */
	int (*write)(void *ctx, uint64_t off, const void *data, size_t len);
	/**
	 * Optional (may be NULL): the total size, announced once before data
	 * flows when the protocol knows it (TFTP tsize, HTTP Content-Length).
	 * @return 0 to go on, or a negative code (e.g. -NB_ETOOBIG) to refuse
	 *         the file before a byte is written.
	 */
	int (*total)(void *ctx, uint64_t size);
	/**
	 * Optional (may be NULL): one past the highest offset the sink can
	 * accept right now, or UINT64_MAX for "no limit".  Receivers use it to
	 * size flow-control windows (TCP advertises exactly this space).
	 */
	uint64_t (*limit)(void *ctx);
	void *ctx; /**< Passed back to every callback. */
};

/**
 * Write through a sink.
 * @param s     The sink.
 * @param off   Absolute offset of the first byte.
 * @param data  Bytes, valid during the call.
 * @param len   Byte count.
 * @return The sink's result; -NB_EINVAL when @p s or its write is NULL.
 */
int nb_sink_write(const struct nb_sink *s, uint64_t off, const void *data,
		  size_t len);
/**
 * Announce the total size.
 * @param s     The sink.
 * @param size  Total bytes the transfer will deliver.
 * @return The sink's answer, or 0 when it has no nb_sink::total.
 */
int nb_sink_total(const struct nb_sink *s, uint64_t size);
/**
 * How far the sink can accept data now.
 * @param s  The sink.
 * @return One past the highest acceptable offset; UINT64_MAX when the
 *         sink has no nb_sink::limit.
 */
uint64_t nb_sink_limit(const struct nb_sink *s);

/**
 * A ready sink over a caller's memory buffer.  Writes outside
 * `[0, cap)` fail with -NB_ERANGE and change nothing; a total larger than
 * `cap` is refused with -NB_ETOOBIG.
 */
struct nb_memsink {
	struct nb_sink sink; /**< Hand `&m.sink` to a download. */
	uint8_t *buf;        /**< Destination (caller-owned, outlives @p m). */
	size_t cap;          /**< Bytes available at @ref buf. */
	uint64_t high;       /**< One past the highest byte written. */
	uint64_t total;      /**< Size announced by the protocol, or 0. */
	bool have_total;     /**< Whether @ref total was announced. */
};
/**
 * Set up @p m to write into @p buf.
 * @param m    The memory sink (caller-owned).
 * @param buf  Destination; must stay valid while the sink is in use.
 * @param cap  Its size in bytes.
 */
void nb_memsink_init(struct nb_memsink *m, void *buf, size_t cap);

#endif
