/*
 * The 802.1Q link wrapper (netboot/vlan.h): tags what the stack sends and
 * passes up only what carries our VLAN ID, untagged.  The stack never
 * sends and receives at once, so one buffer serves both directions.
 */
#include "core/mem.h"
#include "netboot/vlan.h"

/* Foreign frames skipped per receive() before reporting "nothing yet":
 * a flood of other VLANs must not keep the stack's poll from returning. */
#define VLAN_RX_TRIES 16

static int vlan_transmit(void *drv, const void *frame, size_t len)
{
	struct nb_vlan *v = drv;
	const uint8_t *f = frame;
	if (len < 14 || len + NB_VLAN_HLEN > v->buf_cap) {
		v->too_big++;
		return -NB_EINVAL;
	}
	memcpy(v->buf, f, 12);
	nb_put16(v->buf + 12, NB_VLAN_TPID);
	nb_put16(v->buf + 14, v->vid);
	memcpy(v->buf + 16, f + 12, len - 12);
	return v->inner->ops->transmit(v->inner->drv, v->buf, len + NB_VLAN_HLEN);
}

static int vlan_receive(void *drv, void *buf, size_t cap)
{
	struct nb_vlan *v = drv;
	uint8_t *f = buf;
	for (int i = 0; i < VLAN_RX_TRIES; i++) {
		const uint8_t *t = v->buf;
		int n = v->inner->ops->receive(v->inner->drv, v->buf, v->buf_cap);
		if (n <= 0)
			return n;
		if (n < 14 + NB_VLAN_HLEN || nb_get16(t + 12) != NB_VLAN_TPID) {
			v->rx_untagged++;
			continue;
		}
		if ((nb_get16(t + 14) & 0xfff) != v->vid) {
			v->rx_other++;
			continue;
		}
		size_t len = (size_t)n - NB_VLAN_HLEN;
		if (len > cap || (size_t)n > v->buf_cap) {
			v->too_big++;
			continue;
		}
		memcpy(f, t, 12);
		memcpy(f + 12, t + 16, len - 12);
		return (int)len;
	}
	return 0;
}

static const struct nb_link_ops vlan_ops = {
	.transmit = vlan_transmit,
	.receive = vlan_receive,
};

int nb_vlan_wrap(struct nb_vlan *v, struct nb_link *inner, uint16_t vid,
		 struct nb_arena *arena)
{
	if (!v || !inner || !inner->ops || !inner->ops->transmit ||
	    !inner->ops->receive || !arena || vid < 1 || vid > NB_VLAN_ID_MAX)
		return -NB_EINVAL;
	unsigned max = inner->mtu_max ? inner->mtu_max : inner->mtu;
	if (max < 68 + NB_VLAN_HLEN || max > NB_LINK_MTU_MAX)
		return -NB_EINVAL;
	uint8_t *buf = nb_arena_alloc(arena, max + 14, 16);
	if (!buf)
		return -NB_ENOMEM;
	memset(v, 0, sizeof(*v));
	v->inner = inner;
	v->buf = buf;
	v->buf_cap = (uint16_t)(max + 14);
	v->vid = vid;
	v->link = *inner;
	v->link.ops = &vlan_ops;
	v->link.drv = v;
	v->link.mtu_max = (uint16_t)(max - NB_VLAN_HLEN);
	if (v->link.mtu > v->link.mtu_max)
		v->link.mtu = v->link.mtu_max;
	return 0;
}
