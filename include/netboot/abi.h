/**
 * @file abi.h
 * @brief Catching a caller compiled with other tunables than the library.
 *
 * Many tunables of netboot/config.h size arrays inside structs the caller
 * allocates (struct nb_stack, nb_tcp_conn, nb_dhcp, ...).  A program
 * compiled with `-DNB_ARP_CACHE_SIZE=16` against a library built with 8
 * would hand the library a struct of another shape: silent memory
 * corruption.  So every init or start function that takes such a struct
 * is wrapped by a macro of the same name that first passes the caller's
 * compile-time view, NB_ABI_ID() of the struct, to nb_abi_check(), which
 * compares it with the library's own; on a mismatch the call returns
 * -NB_EABI and touches nothing.  The identity mixes the struct's size
 * with a hash of every tunable value (NB_CONFIG_HASH), so it also catches
 * a differing timeout that changes no size.
 *
 * Checked: nb_stack_init(), nb_tcp_init(), nb_dhcp_start(),
 * nb_tftp_start(), nb_tftp_start_io(), nb_http_start(), nb_dns_start_type()
 * (and nb_dns_start(), which calls it).
 */
#ifndef NETBOOT_ABI_H
#define NETBOOT_ABI_H

#include "netboot/core.h"

/** The structs whose shape is checked, one per checked module. */
enum nb_abi_kind {
	NB_ABI_STACK = 0, /**< struct nb_stack (nb_stack_init()). */
	NB_ABI_TCP,       /**< struct nb_tcp and nb_tcp_conn (nb_tcp_init()). */
	NB_ABI_DHCP,      /**< struct nb_dhcp (nb_dhcp_start()). */
	NB_ABI_TFTP,      /**< struct nb_tftp and nb_tftp_cfg (nb_tftp_start()). */
	NB_ABI_HTTP,      /**< struct nb_http and nb_http_cfg (nb_http_start()). */
	NB_ABI_DNS,       /**< struct nb_dns (nb_dns_start_type()). */
	NB_ABI_KINDS      /**< Number of kinds (not a kind). */
};

/**
 * ABI identity of a struct of @p size bytes (a constant expression) as
 * the current compilation sees it: its size mixed into the hash of every
 * tunable value.
 */
#define NB_ABI_ID(size) NB_CONFIG_MIX(NB_CONFIG_HASH, (size))

/**
 * Compare a caller's identity of a struct with the library's.  Called by
 * the checking macros; rarely useful directly.
 * @param kind  Which struct (enum nb_abi_kind).
 * @param id    NB_ABI_ID() as the caller computed it.
 * @return 0 when they match; -NB_EABI otherwise (or for an unknown kind).
 */
int nb_abi_check(unsigned kind, uint32_t id);

/** @cond PRIVATE */
/* What the checking macros expand to.  The library's own sources define
 * NB_LIB_BUILD, so they see (and define) the plain functions. */
#define NB_ABI_CALL(kind, id, call)                                           \
	(nb_abi_check((kind), (id)) < 0 ? -NB_EABI : (call))
/** @endcond */

#endif
