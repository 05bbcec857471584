/*
 * The stack object: setting it up on a link and its arena, the poll loop
 * that moves received frames into lib/eth and runs every layer's timers,
 * the earliest-deadline query that lets a caller sleep exactly as long as
 * nothing is due, and nb_wait(), the blocking loop simple callers build on.
 * The layers reach each other only through stack/layers.h.
 */
#include "core/mem.h"
#include "stack/layers.h"

int nb_stack_init(struct nb_stack *s, struct nb_link *link,
		  const struct nb_rng *rng, struct nb_arena *arena)
{
	if (!s || !link || !link->ops || !link->ops->transmit ||
	    !link->ops->receive || !rng || !rng->fill || !arena)
		return -NB_EINVAL;
	unsigned max = link->mtu_max ? link->mtu_max : link->mtu;
	if (link->mtu < 68 || link->mtu > max || max > NB_LINK_MTU_MAX)
		return -NB_EINVAL;
	size_t mark = nb_arena_mark(arena);
	memset(s, 0, sizeof(*s));
	s->link = link;
	s->rng = *rng;
	s->frame_max = (uint16_t)(max + NB_ETH_HLEN);
	size_t cap = s->frame_max;
	s->rx_frame = nb_arena_alloc(arena, cap, 16);
	s->tx_frame = nb_arena_alloc(arena, cap, 16);
	bool ok = s->rx_frame && s->tx_frame;
	for (size_t i = 0; ok && i < NB_ARP_QUEUE_LEN; i++) {
		s->arp_wait[i].frame = nb_arena_alloc(arena, cap, 16);
		ok = s->arp_wait[i].frame != NULL;
	}
	for (size_t i = 0; ok && i < NB_IP_REASM_SLOTS; i++) {
		s->reasm[i].buf = nb_arena_alloc(arena, NB_IP_REASM_MAX, 16);
		s->reasm[i].map = nb_arena_alloc(
			arena, (NB_IP_REASM_MAX + 7) / 8 / 8 + 1, 1);
		ok = s->reasm[i].buf && s->reasm[i].map;
	}
	uint32_t r = 0;
	int rc = ok ? nb_rng_u32(&s->rng, &r) : -NB_ENOMEM;
	if (rc < 0) {
		nb_arena_reset(arena, mark);
		memset(s, 0, sizeof(*s));
		return rc;
	}
	s->ip_id = (uint16_t)r;
	return 0;
}

void nb_stack_set_ipv4(struct nb_stack *s, uint32_t ip, uint32_t mask,
		       uint32_t gw)
{
	s->ip = ip;
	s->mask = mask;
	s->gw = gw;
}

uint16_t nb_stack_set_mtu(struct nb_stack *s, uint32_t mtu)
{
	uint32_t max = s->frame_max - NB_ETH_HLEN;
	if (mtu >= 68)
		s->link->mtu = (uint16_t)(mtu < max ? mtu : max);
	return s->link->mtu;
}

void nb_stack_set_ext(struct nb_stack *s, const struct nb_eth_ext *ext)
{
	s->ext = ext;
}

uint8_t *nb_stack_tx_frame(struct nb_stack *s)
{
	return s->tx_frame;
}

int nb_stack_poll(struct nb_stack *s, uint64_t now_ms)
{
	if (now_ms > s->now)
		s->now = now_ms;
	int handled = 0;
	size_t cap = s->frame_max;
	while (handled < NB_POLL_BUDGET) {
		int n = s->link->ops->receive(s->link->drv, s->rx_frame, cap);
		if (n < 0) {
			s->stats.rx_link_errors++;
			return n;
		}
		if (n == 0)
			break;
		s->stats.rx_frames++;
		handled++;
		nb_eth_input(s, s->rx_frame, (size_t)n > cap ? cap : (size_t)n);
	}
	nb_arp_timers(s);
	nb_ip_timers(s);
	if (s->ext)
		s->ext->timers(s->ext->ctx);
	return handled;
}

struct nb_deadline nb_stack_next_deadline(const struct nb_stack *s,
					  uint64_t now_ms)
{
	if (!s)
		return (struct nb_deadline){0};
	struct nb_deadline d = nb_deadline_earliest(
		nb_arp_next_deadline(s), nb_ip_next_deadline(s, now_ms));
	return s->ext ? nb_deadline_earliest(
				d, s->ext->deadline(s->ext->ctx, now_ms))
		      : d;
}

/* How long nb_wait() may sleep: until the stack's next timer or the
 * caller's timeout, whichever is first, but never longer than
 * NB_WAIT_IDLE_MAX_MS (the waited-on object may keep timers the stack
 * does not know of), and at least 1 ms when something is already overdue
 * (its owner is not the object being polled, so spinning would not help). */
static uint32_t idle_ms(const struct nb_stack *s, uint64_t now, uint64_t end)
{
	uint64_t due = nb_stack_next_deadline(s, now).at_ms;
	if (!due || due > end)
		due = end;
	if (due <= now)
		return 1;
	uint64_t ms = due - now;
	return ms > NB_WAIT_IDLE_MAX_MS ? NB_WAIT_IDLE_MAX_MS : (uint32_t)ms;
}

int nb_wait(struct nb_stack *s, nb_poll_fn fn, void *obj,
	    const struct nb_clock *clk, uint64_t timeout_ms)
{
	if (!s || !fn || !clk || !clk->now_ms)
		return -NB_EINVAL;
	uint64_t start = clk->now_ms(clk->ctx);
	uint64_t end = timeout_ms && start <= UINT64_MAX - timeout_ms
			       ? start + timeout_ms
			       : UINT64_MAX;
	for (;;) {
		uint64_t now = clk->now_ms(clk->ctx);
		int n = nb_stack_poll(s, now);
		if (n < 0)
			return n;
		int rc = fn(obj, now);
		if (rc != -NB_EAGAIN)
			return rc;
		if (timeout_ms && now - start >= timeout_ms)
			return -NB_ETIMEDOUT;
		/* Only sleep when the link was idle: a full budget means more
		 * frames are probably waiting. */
		if (n == 0 && clk->idle)
			clk->idle(clk->ctx, idle_ms(s, now, end));
	}
}
