/*
 * Ethernet II framing: the frame transmit path every layer sends through
 * (padding, driver errors counted), and the receive dispatch by EtherType
 * that nb_stack_poll() feeds.  ARP lives next door in arp.c.
 */
#include "core/mem.h"
#include "eth/eth_int.h"

const uint8_t nb_eth_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Shortest Ethernet frame without FCS.  Some firmware drivers (UNDI in
 * particular) hand frames to the NIC as they are, so we pad ourselves. */
#define ETH_MIN_FRAME 60

int nb_eth_transmit(struct nb_stack *s, uint8_t *frame, size_t len)
{
	if (len < ETH_MIN_FRAME) {
		memset(frame + len, 0, ETH_MIN_FRAME - len);
		len = ETH_MIN_FRAME;
	}
	int rc = s->link->ops->transmit(s->link->drv, frame, len);
	if (rc == 0) {
		s->stats.tx_frames++;
		return 0;
	}
	if (rc == -NB_ENOBUFS) {
		/* A full transmit ring is congestion, not failure: the frame is
		 * lost like any other and the protocol's retransmission covers it. */
		s->stats.tx_dropped++;
		return 0;
	}
	s->stats.tx_errors++;
	return rc < 0 ? rc : -NB_EIO;
}

int nb_eth_send(struct nb_stack *s, const uint8_t *dst_mac, uint16_t ethertype,
		size_t len)
{
	if (len < NB_ETH_HLEN || len > s->frame_max)
		return -NB_EMSGSIZE;
	uint8_t *f = s->tx_frame;
	memcpy(f, dst_mac, 6);
	memcpy(f + 6, s->link->mac, 6);
	nb_put16(f + 12, ethertype);
	return nb_eth_transmit(s, f, len);
}

void nb_eth_input(struct nb_stack *s, uint8_t *f, size_t len)
{
	if (len < NB_ETH_HLEN) {
		s->stats.rx_short++;
		return;
	}
	bool bcast = memcmp(f, nb_eth_broadcast, 6) == 0;
	uint16_t type = nb_get16(f + 12);
	const struct nb_eth_ext *x = s->ext;
	if (x && type == x->ethertype && ((f[0] & 1) || !memcmp(f, s->link->mac, 6))) {
		/* Its own multicast groups are the family's to filter. */
		x->input(x->ctx, f, len);
		return;
	}
	if (!bcast && memcmp(f, s->link->mac, 6) != 0) {
		s->stats.rx_not_ours++;
		return;
	}
	switch (type) {
	case NB_ETHERTYPE_IPV4:
		nb_ip_input(s, f + NB_ETH_HLEN, len - NB_ETH_HLEN, bcast);
		break;
	case NB_ETHERTYPE_ARP:
		nb_arp_input(s, f + NB_ETH_HLEN, len - NB_ETH_HLEN);
		break;
	default:
		s->stats.rx_bad_type++;
		break;
	}
}

struct nb_deadline nb_arp_next_deadline(const struct nb_stack *s)
{
	/* nb_arp_timers() acts on every used entry once its deadline is
	 * reached: retry, give up, or forget. */
	struct nb_deadline due = {0};
	for (size_t i = 0; i < NB_ARP_CACHE_SIZE; i++)
		if (s->arp[i].state != NB_ARP_FREE)
			due = nb_deadline_earliest(due, s->arp[i].deadline);
	return due;
}
