/* Test-only looks into a stack (see peek.h): the library itself never
 * asks, so a loader does not carry them. */
#include <string.h>

#include "peek.h"

bool nb_arp_lookup(struct nb_stack *s, uint32_t ip, uint8_t *mac)
{
	for (size_t i = 0; i < NB_ARP_CACHE_SIZE; i++) {
		const struct nb_arp_entry *e = &s->arp[i];
		if (e->state == NB_ARP_FREE || e->ip != ip)
			continue;
		if (e->state != NB_ARP_VALID ||
		    nb_deadline_expired(&e->deadline, s->now))
			return false;
		if (mac)
			memcpy(mac, e->mac, 6);
		return true;
	}
	return false;
}
