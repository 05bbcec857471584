/**
 * @file hosted.h
 * @brief Helpers for running libnetboot as a Linux program (lib/tap,
 *        hosted only): entropy, clock, MAC parsing and pcap files.
 *
 * Firmware embedders supply these hooks themselves; tools and tests use
 * these ready-made ones.  None of them keeps state outside the objects
 * passed in.
 */
#ifndef NETBOOT_HOSTED_H
#define NETBOOT_HOSTED_H

#include "netboot/core.h"
#include "netboot/pcap.h"
#include "netboot/stack.h"

/**
 * Set @p rng to draw from getrandom(2).
 * @param rng  Filled with the hosted fill function and a NULL context.
 * @return 0, or -NB_EINVAL for NULL @p rng.
 */
int nb_hosted_rng(struct nb_rng *rng);

/**
 * Set @p clk to CLOCK_MONOTONIC in milliseconds, with an idle hook that
 * poll()s @p fd for input for up to its max_ms (or just sleeps that long
 * when @p fd is negative), so nb_wait() neither spins nor oversleeps a
 * frame.  The descriptor is stored in the context pointer itself, so no
 * further storage is needed.
 * @param clk  The clock to fill.
 * @param fd   Descriptor to wait on (e.g. nb_tap::fd), or -1.
 */
void nb_hosted_clock(struct nb_clock *clk, int fd);

/**
 * Parse a MAC address written as six hex pairs separated by ':' or '-'
 * (e.g. "02:00:5e:10:00:01").
 * @param s    NUL-terminated text.
 * @param mac  Receives 6 bytes on success; unchanged on failure.
 * @return 0, or -NB_EINVAL for NULL arguments or malformed text.
 */
int nb_hosted_parse_mac(const char *s, uint8_t mac[6]);

/**
 * Capture to a pcap file: open (truncate) @p path and wrap @p inner as
 * nb_pcap_wrap() does, stamping records with wall-clock time
 * (CLOCK_REALTIME).  Every record is flushed as written, so a capture
 * survives a crash of the program.
 * @param p      The capture (caller-owned).
 * @param inner  Link to wrap, or NULL to only start a file for
 *               nb_pcap_record().
 * @param path   File to create.
 * @return 0; -NB_EINVAL for NULL @p p or @p path; -NB_EACCES or -NB_EIO
 *         when the file cannot be created or written.
 */
int nb_pcap_open_file(struct nb_pcap *p, struct nb_link *inner,
		      const char *path);

/**
 * Close the file of a capture opened with nb_pcap_open_file().  Later
 * frames through @p p->link are still forwarded, just not recorded.
 * A capture not opened by nb_pcap_open_file() is left alone.
 * @param p  The capture.
 * @return 0, or -NB_EIO if writing the buffered end failed.
 */
int nb_pcap_close_file(struct nb_pcap *p);

#endif
