/*
 * SNP driver: taking the interface over and giving it back.
 *
 * The layout checks below are the whole point of carrying our own EFI
 * definitions: a field in the wrong place would make us call the wrong
 * firmware function, so the offsets the specification implies are
 * asserted for both pointer sizes.
 */
#include "snp_int.h"

#include "core/mem.h"

_Static_assert(offsetof(struct nb_efi_snp, start) == 8, "SNP table layout");
_Static_assert(offsetof(struct nb_efi_snp, receive) == 8 + 12 * sizeof(void *),
	       "SNP table layout");
_Static_assert(offsetof(struct nb_efi_snp, mode) == 8 + 14 * sizeof(void *),
	       "SNP table layout");
_Static_assert(offsetof(struct nb_efi_snp_mode, mcast_filter) == 40,
	       "SNP mode layout");
_Static_assert(offsetof(struct nb_efi_snp_mode, current_address) == 552,
	       "SNP mode layout");
_Static_assert(offsetof(struct nb_efi_snp_mode, if_type) == 648,
	       "SNP mode layout");
_Static_assert(offsetof(struct nb_efi_snp_mode, media_present) == 652,
	       "SNP mode layout");
_Static_assert(NB_SNP_TX_BUFS_MAX <= 32, "tx_busy is a 32-bit mask");

static const struct nb_link_ops snp_ops = {
	.transmit = nb_snp_transmit,
	.receive = nb_snp_receive,
};

static bool have_functions(const struct nb_efi_snp *snp)
{
	return snp->mode && snp->start && snp->stop && snp->initialize &&
	       snp->shutdown && snp->receive_filters && snp->get_status &&
	       snp->transmit && snp->receive;
}

/* Undo what init did to the interface, in reverse order. */
static void unwind(struct nb_efi_snp *snp, bool initialized, bool started)
{
	if (initialized)
		snp->shutdown(snp);
	if (started)
		snp->stop(snp);
}

/* The filters we need, or what the interface can do instead: without
 * unicast or broadcast filtering, promiscuous mode still delivers our
 * frames and the stack drops the rest. */
static uint32_t wanted_filters(const struct nb_efi_snp_mode *m)
{
	uint32_t want = NB_EFI_SNP_RX_UNICAST | NB_EFI_SNP_RX_BROADCAST;
	uint32_t en = want & m->receive_filter_mask;
	if (en != want && (m->receive_filter_mask & NB_EFI_SNP_RX_PROMISCUOUS))
		en |= NB_EFI_SNP_RX_PROMISCUOUS;
	return en;
}

static int set_filters(struct nb_efi_snp *snp)
{
	const struct nb_efi_snp_mode *m = snp->mode;
	uint32_t en = wanted_filters(m);
	if ((m->receive_filter_setting & en) == en)
		return 0;
	nb_efi_status st = snp->receive_filters(snp, en, 0, 0, 0, NULL);
	/* Some firmware rejects a call that changes nothing it cares about;
	 * what matters is the setting afterwards. */
	if (NB_EFI_IS_ERROR(st) && (m->receive_filter_setting & en) != en)
		return -NB_EIO;
	return 0;
}

static bool ethernet_like(const struct nb_efi_snp_mode *m)
{
	return m->hw_address_size == 6 && m->media_header_size == 14 &&
	       m->max_packet_size >= 68;
}

int nb_snp_init(struct nb_snp *d, struct nb_efi_snp *snp, unsigned tx_bufs,
		struct nb_arena *arena)
{
	if (!d || !snp || !arena)
		return -NB_EINVAL;
	unsigned n = tx_bufs ? tx_bufs : NB_SNP_TX_BUFS_DEFAULT;
	if (n > NB_SNP_TX_BUFS_MAX || !have_functions(snp))
		return -NB_EINVAL;
	memset(d, 0, sizeof(*d));

	/* Memory first, so running out of it leaves the firmware alone. */
	size_t mark = nb_arena_mark(arena);
	uint8_t *mem = nb_arena_alloc(arena, n * NB_SNP_TX_BUF_SIZE, 64);
	if (!mem)
		return -NB_ENOMEM;
	for (unsigned i = 0; i < n; i++)
		d->tx_buf[i] = mem + i * NB_SNP_TX_BUF_SIZE;
	d->tx_count = (uint8_t)n;

	struct nb_efi_snp_mode *m = snp->mode;
	d->entry_state = (uint8_t)(m->state > 0xff ? 0xff : m->state);
	d->entry_filters = m->receive_filter_setting;
	bool started = false, initialized = false;
	int rc = -NB_EIO;
	if (m->state == NB_EFI_SNP_STOPPED) {
		nb_efi_status st = snp->start(snp);
		if (NB_EFI_IS_ERROR(st) && st != NB_EFI_ALREADY_STARTED)
			goto fail;
		started = st == NB_EFI_SUCCESS;
	}
	if (m->state != NB_EFI_SNP_INITIALIZED) {
		/* No extra buffers: we keep our own transmit buffers and
		 * receive straight into the stack's. */
		if (NB_EFI_IS_ERROR(snp->initialize(snp, 0, 0)))
			goto fail;
		initialized = true;
	}
	if (!ethernet_like(m)) {
		rc = -NB_ENOTSUP;
		goto fail;
	}
	if (set_filters(snp) < 0)
		goto fail;

	d->snp = snp;
	d->link.ops = &snp_ops;
	d->link.drv = d;
	memcpy(d->link.mac, m->current_address.addr, 6);
	d->link.mtu = (uint16_t)(m->max_packet_size > 1500 ? 1500
							    : m->max_packet_size);
	return 0;
fail:
	unwind(snp, initialized, started);
	nb_arena_reset(arena, mark);
	memset(d, 0, sizeof(*d));
	return rc;
}

struct nb_link *nb_snp_link(struct nb_snp *d)
{
	return &d->link;
}

int nb_snp_close(struct nb_snp *d)
{
	struct nb_efi_snp *snp = d->snp;
	if (!snp)
		return 0;
	if (nb_snp_reclaim(d))
		return -NB_EAGAIN;
	struct nb_efi_snp_mode *m = snp->mode;
	uint32_t added = m->receive_filter_setting & ~d->entry_filters;
	/* Best effort: a firmware that refuses only keeps extra filters on. */
	if (added && d->entry_state == NB_EFI_SNP_INITIALIZED)
		snp->receive_filters(snp, 0, added, 0, 0, NULL);
	d->snp = NULL;
	if (d->entry_state != NB_EFI_SNP_INITIALIZED &&
	    NB_EFI_IS_ERROR(snp->shutdown(snp)))
		return -NB_EIO;
	if (d->entry_state == NB_EFI_SNP_STOPPED &&
	    NB_EFI_IS_ERROR(snp->stop(snp)))
		return -NB_EIO;
	return 0;
}
