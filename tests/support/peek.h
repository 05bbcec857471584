/**
 * @file peek.h
 * @brief Looks into a stack's state that only tests need (test support,
 *        tests/support; not installed, not in the library).
 */
#ifndef NETBOOT_TEST_PEEK_H
#define NETBOOT_TEST_PEEK_H

#include <stdbool.h>
#include <stdint.h>

#include "netboot/stack.h"

/**
 * Look up a resolved MAC in the ARP cache.
 * @param s    Stack.
 * @param ip   Address (host order).
 * @param mac  Receives 6 bytes when found (may be NULL).
 * @return true when a valid, unexpired entry exists.
 */
bool nb_arp_lookup(struct nb_stack *s, uint32_t ip, uint8_t *mac);

#endif
