/*
 * UNDI driver: setup, the call wrapper, and leaving the ROM clean.
 */
#include "undi_int.h"

#include "core/mem.h"

static const struct nb_link_ops undi_ops = {
	.transmit = nb_undi_transmit,
	.receive = nb_undi_receive,
};

int nb_undi_call(struct nb_undi *d, uint16_t opcode, size_t at)
{
	d->stats.calls++;
	int st = d->env.call(d->env.ctx, opcode, scr(d, at));
	/* Trust neither side alone: the block's status word and the call's
	 * own result must both say success. */
	if (st == 0 && nb_load_le16(scr(d, at)) != 0)
		st = nb_load_le16(scr(d, at));
	return st;
}

static int check_env(const struct nb_undi_env *env)
{
	if (!env->call || !env->to_segoff || !env->from_segoff ||
	    !env->scratch || env->scratch_len < NB_UNDI_SCRATCH_BYTES)
		return -NB_EINVAL;
	return 0;
}

static int get_information(struct nb_undi *d)
{
	uint8_t *b = scr(d, SCR_INFO);
	memset(b, 0, INFO_SIZE);
	if (nb_undi_call(d, NB_PXENV_UNDI_GET_INFORMATION, SCR_INFO) != 0)
		return -NB_EIO;
	if (nb_load_le16(b + INFO_HWADDRLEN) != 6)
		return -NB_ENOTSUP;
	/* ROMs disagree on whether MaxTranUnit counts the Ethernet header
	 * (1514) or not (1500), and some leave it 0: all mean Ethernet. */
	uint16_t mtu = nb_load_le16(b + INFO_MTU);
	if (mtu == 0 || mtu > 1500)
		mtu = 1500;
	if (mtu < 68)
		return -NB_ENOTSUP;
	memcpy(d->link.mac, b + INFO_MAC, 6);
	d->link.mtu = mtu;
	d->hw_type = nb_load_le16(b + INFO_HWTYPE);
	return 0;
}

static int open_nic(struct nb_undi *d)
{
	uint8_t *b = scr(d, SCR_INFO);
	/* OpenFlag 0 and no multicast addresses: zeroed. */
	memset(b, 0, OPEN_SIZE);
	nb_store_le16(b + OPEN_FILTER, FLTR_DIRECTED | FLTR_BRDCST);
	return nb_undi_call(d, NB_PXENV_UNDI_OPEN, SCR_INFO) ? -NB_EIO : 0;
}

int nb_undi_init(struct nb_undi *d, const struct nb_undi_env *env,
		 unsigned ring, unsigned flags, struct nb_arena *arena)
{
	if (!d || !env || !arena || ring > NB_UNDI_RING_MAX)
		return -NB_EINVAL;
	int rc = check_env(env);
	if (rc)
		return rc;
	memset(d, 0, sizeof(*d));
	d->env = *env;
	d->flags = flags;
	if (env->to_segoff(env->ctx, env->scratch, &d->seg, &d->off) < 0 ||
	    (uint32_t)d->off + NB_UNDI_SCRATCH_BYTES > 0x10000u) {
		memset(d, 0, sizeof(*d));
		return -NB_EINVAL;
	}

	size_t mark = nb_arena_mark(arena);
	if (ring) {
		d->ring = nb_arena_alloc(arena, ring * (size_t)NB_ETH_FRAME_MAX, 16);
		d->ring_len = nb_arena_alloc(arena, ring * sizeof(uint16_t), 2);
		if (!d->ring || !d->ring_len) {
			nb_arena_reset(arena, mark);
			memset(d, 0, sizeof(*d));
			return -NB_ENOMEM;
		}
	}
	d->ring_n = (uint8_t)ring;

	/* The transmit descriptor never changes shape: its immediate data
	 * is always our frame buffer, with no extra data blocks. */
	memset(scr(d, SCR_TBD), 0, TBD_SIZE);
	rc = get_information(d);
	if (!rc && (flags & NB_UNDI_OPEN))
		rc = open_nic(d);
	if (rc) {
		nb_arena_reset(arena, mark);
		memset(d, 0, sizeof(*d));
		return rc;
	}
	d->link.ops = &undi_ops;
	d->link.drv = d;
	return 0;
}

struct nb_link *nb_undi_link(struct nb_undi *d)
{
	return &d->link;
}

int nb_undi_quiesce(struct nb_undi *d)
{
	d->stats.rx_flushed += d->ring_count;
	d->ring_count = 0;
	d->ring_head = 0;
	if (!d->in_isr)
		return 0;
	int rc = nb_undi_drain(d, NULL, 0, true);
	/* A frame that was half-built in a ring slot may have completed. */
	d->stats.rx_flushed += d->ring_count;
	d->ring_count = 0;
	d->ring_head = 0;
	if (rc < 0)
		return rc;
	return d->in_isr ? -NB_EAGAIN : 0;
}
