/*
 * The length of a DHCPv6 message a firmware left in a fixed-size buffer
 * (UEFI PXE Base Code's 1472-byte DhcpAck): the buffer says nothing of it.
 */
#ifndef CL_DHCP6MSG_H
#define CL_DHCP6MSG_H

#include <stddef.h>

/* Bytes of the message at the start of buf[0..cap): the 4-byte header and
 * every whole option up to the first one of code 0 (reserved, so what
 * follows is the buffer's old contents or its zero fill) or to one that
 * would run past cap.  0 when not even the header fits. */
size_t cl_dhcp6_msg_len(const void *buf, size_t cap);

#endif
