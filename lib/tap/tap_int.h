/* Internals of lib/tap shared with its unit tests. */
#ifndef NB_LIB_TAP_INT_H
#define NB_LIB_TAP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Finish the checksum the kernel left to the "hardware" in the @len-byte
 * frame @f (VIRTIO_NET_HDR_F_NEEDS_CSUM): the 16-bit field at
 * @start + @off holds the pseudo-header sum, the rest is summed from
 * @start on.  Returns false when the offsets fall outside the frame.
 */
bool nb_tap_finish_csum(uint8_t *f, size_t len, size_t start, size_t off);

#endif
