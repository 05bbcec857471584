/*
 * The library's side of the ABI check (netboot/abi.h): the identity of
 * each checked struct as the library was compiled, to compare with the
 * identity the caller's compilation passes through the checking macros.
 * It sits with the stack object because every embedder's first call,
 * nb_stack_init(), is checked here; it includes only public headers.
 */
#include "netboot/abi.h"
#include "netboot/dhcp.h"
#include "netboot/dns.h"
#include "netboot/http.h"
#include "netboot/stack.h"
#include "netboot/tcp.h"
#include "netboot/tftp.h"

int nb_abi_check(unsigned kind, uint32_t id)
{
	static const uint32_t ours[NB_ABI_KINDS] = {
		[NB_ABI_STACK] = NB_STACK_ABI_ID,
		[NB_ABI_TCP] = NB_TCP_ABI_ID,
		[NB_ABI_DHCP] = NB_DHCP_ABI_ID,
		[NB_ABI_TFTP] = NB_TFTP_ABI_ID,
		[NB_ABI_HTTP] = NB_HTTP_ABI_ID,
		[NB_ABI_DNS] = NB_DNS_ABI_ID,
	};
	if (kind >= NB_ABI_KINDS || id != ours[kind])
		return -NB_EABI;
	return 0;
}
