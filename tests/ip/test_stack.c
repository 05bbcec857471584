/* Unit tests for the stack object: init, arena accounting, poll/wait,
 * the next-deadline query, and two stacks talking to each other in one
 * process. */
#include "ip_test.h"
#include "netboot/tcp.h"
#include "stack/layers.h" /* nb_ip_register_timed() */
#include "../support/peek.h"

static void stack_arena_accounting(void **state)
{
	(void)state;
	/* What nb_stack_init() takes before alignment padding. */
	const size_t raw = (2 + NB_ARP_QUEUE_LEN) * (size_t)NB_ETH_FRAME_MAX +
			   NB_IP_REASM_SLOTS * ((size_t)NB_IP_REASM_MAX +
						(NB_IP_REASM_MAX + 7) / 8 / 8 + 1);
	const size_t aligned_allocs = 2 + NB_ARP_QUEUE_LEN + NB_IP_REASM_SLOTS;
	size_t len = NB_STACK_ARENA_BYTES + 64;
	uint8_t *mem = malloc(len);
	assert_non_null(mem);
	for (size_t skew = 0; skew < 16; skew++) {
		struct fakelink fl;
		struct nb_stack s;
		struct nb_arena a;
		fl_init(&fl, fl_our_mac, 1500, 1);
		nb_arena_init(&a, mem + skew, NB_STACK_ARENA_BYTES);
		assert_int_equal(nb_stack_init(&s, &fl.link, &fl.rng, &a), 0);
		size_t used = nb_arena_mark(&a);
		assert_true(used >= raw);
		assert_true(used <= raw + 15 * aligned_allocs);
		assert_true(used <= NB_STACK_ARENA_BYTES);
		/* The documented bound is tight, not a guess. */
		assert_true(NB_STACK_ARENA_BYTES - used < 1024);
		/* Everything it took lies inside the arena. */
		assert_true(s.rx_frame >= mem + skew &&
			    s.reasm[NB_IP_REASM_SLOTS - 1].map < mem + skew + used);
	}
	/* Too small: -NB_ENOMEM and the arena untouched. */
	struct fakelink fl;
	struct nb_stack s;
	struct nb_arena a;
	fl_init(&fl, fl_our_mac, 1500, 1);
	nb_arena_init(&a, mem, raw - 1);
	assert_non_null(nb_arena_alloc(&a, 3, 1));
	assert_int_equal(nb_stack_init(&s, &fl.link, &fl.rng, &a), -NB_ENOMEM);
	assert_int_equal(nb_arena_mark(&a), 3);
	/* The header's promise about the struct itself. */
	assert_true(sizeof(struct nb_stack) < 1536);
	free(mem);
}

static void stack_init_errors(void **state)
{
	(void)state;
	static uint8_t mem[NB_STACK_ARENA_BYTES];
	struct fakelink fl;
	struct nb_stack s;
	struct nb_arena a;
	fl_init(&fl, fl_our_mac, 1500, 1);
	nb_arena_init(&a, mem, sizeof(mem));
	assert_int_equal(nb_stack_init(NULL, &fl.link, &fl.rng, &a), -NB_EINVAL);
	assert_int_equal(nb_stack_init(&s, NULL, &fl.rng, &a), -NB_EINVAL);
	assert_int_equal(nb_stack_init(&s, &fl.link, NULL, &a), -NB_EINVAL);
	assert_int_equal(nb_stack_init(&s, &fl.link, &fl.rng, NULL), -NB_EINVAL);
	struct nb_rng none = {0};
	assert_int_equal(nb_stack_init(&s, &fl.link, &none, &a), -NB_EINVAL);
	fl.link.mtu = 67;
	assert_int_equal(nb_stack_init(&s, &fl.link, &fl.rng, &a), -NB_EINVAL);
	fl.link.mtu_max = 1500;
	fl.link.mtu = 1501;
	assert_int_equal(nb_stack_init(&s, &fl.link, &fl.rng, &a), -NB_EINVAL);
	fl.link.mtu = 1500;
	fl.link.mtu_max = NB_LINK_MTU_MAX + 1;
	assert_int_equal(nb_stack_init(&s, &fl.link, &fl.rng, &a), -NB_EINVAL);
	/* Frames are sized for mtu_max: a jumbo link needs a larger arena. */
	fl.link.mtu_max = NB_LINK_MTU_MAX;
	assert_int_equal(nb_stack_init(&s, &fl.link, &fl.rng, &a), -NB_ENOMEM);
	fl.link.mtu_max = 0;
	fl.rng_rc = -NB_EIO;
	assert_int_equal(nb_stack_init(&s, &fl.link, &fl.rng, &a), -NB_EIO);
	assert_int_equal(nb_arena_mark(&a), 0);
	fl.rng_rc = 0;
	assert_int_equal(nb_stack_init(&s, &fl.link, &fl.rng, &a), 0);
}

static void stack_small_mtu(void **state)
{
	(void)state;
	static uint8_t mem[NB_STACK_ARENA_BYTES];
	struct fakelink fl;
	struct nb_stack s;
	struct nb_arena a;
	fl_init(&fl, fl_our_mac, 576, 1);
	nb_arena_init(&a, mem, sizeof(mem));
	assert_int_equal(nb_stack_init(&s, &fl.link, &fl.rng, &a), 0);
	nb_stack_set_ipv4(&s, OUR_IP, MASK, 0);
	nb_arp_add(&s, PEER_IP, fb_peer_mac);
	assert_int_equal(nb_udp_max_payload(&s), 548);
	struct nb_udp_sock sk = {0};
	struct rx_log *l = calloc(1, sizeof(*l));
	assert_int_equal(nb_udp_open(&sk, &s, 68, log_cb, l), 0);
	static uint8_t d[600];
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 67, d, 549), -NB_EMSGSIZE);
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 67, d, 548), 0);
	assert_int_equal(fl.tx[0].len, 14 + 576);
	/* An echo request bigger than our MTU (reassembled) gets no reply. */
	uint8_t *icmp = calloc(1, 2000);
	size_t n = fb_icmp(icmp, 8, 0, 1, icmp + 100, 1000);
	static uint8_t f[NB_ETH_FRAME_MAX];
	for (size_t off = 0; off < n; off += 552) {
		size_t part = n - off > 552 ? 552 : n - off;
		struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 1, .id = 3,
				  .frag = (uint16_t)((off + part < n ? 0x2000 : 0) | off / 8)};
		size_t fl_len = fb_ip_frame(f, fl_our_mac, &h, icmp + off, part);
		fl_push(&fl, f, fl_len);
	}
	nb_stack_poll(&s, 5);
	assert_int_equal(s.stats.frag_done, 1);
	assert_int_equal(s.stats.icmp_other, 1);
	assert_int_equal(fl.ntx, 1);
	free(icmp);
	free(l);
}

/* ---- two stacks on one wire ---- */

static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};

/* Move each side's transmitted frames to the other's receive queue. */
static void shuttle(struct tenv *a, struct tenv *b, uint64_t ms)
{
	for (int round = 0; round < 8; round++) {
		size_t moved = 0;
		for (size_t i = 0; i < a->fl.ntx && i < FL_TX_MAX; i++, moved++)
			assert_int_equal(fl_push(&b->fl, a->fl.tx[i].data, a->fl.tx[i].len), 0);
		for (size_t i = 0; i < b->fl.ntx && i < FL_TX_MAX; i++, moved++)
			assert_int_equal(fl_push(&a->fl, b->fl.tx[i].data, b->fl.tx[i].len), 0);
		fl_clear_tx(&a->fl);
		fl_clear_tx(&b->fl);
		tenv_poll(a, ms);
		tenv_poll(b, ms);
		if (!moved && !a->fl.ntx && !b->fl.ntx)
			break;
	}
}

static void two_stacks(void **state)
{
	(void)state;
	struct tenv *a = tenv_new(OUR_IP, MASK, 0);
	struct tenv *b = tenv_new(PEER_IP, MASK, 0);
	assert_non_null(a);
	assert_non_null(b);
	memcpy(b->fl.link.mac, mac_b, 6);
	/* Ping B from A: ARP, then echo, each 1 ms per hop. */
	struct nb_ping p = {0};
	assert_int_equal(nb_ping_start(&p, &a->s, PEER_IP, 1, 32, 1000, a->now), 0);
	int rc = -NB_EAGAIN;
	for (int i = 0; i < 10 && rc == -NB_EAGAIN; i++) {
		shuttle(a, b, 1);
		rc = nb_ping_poll(&p, a->now);
	}
	assert_int_equal(rc, 0);
	assert_true(p.rtt_ms > 0 && p.rtt_ms < 20);
	assert_int_equal(b->s.stats.icmp_echo_replied, 1);
	assert_int_equal(b->s.stats.arp_replied, 1);
	uint8_t mac[6];
	assert_true(nb_arp_lookup(&a->s, PEER_IP, mac));
	assert_memory_equal(mac, mac_b, 6);
	assert_true(nb_arp_lookup(&b->s, OUR_IP, mac)); /* learned from the request */
	assert_memory_equal(mac, fl_our_mac, 6);
	/* UDP both ways, with B echoing from its callback. */
	struct nb_udp_sock sa = {0}, sb = {0};
	struct rx_log *la = calloc(1, sizeof(*la)), *lb = calloc(1, sizeof(*lb));
	lb->echo_in_cb = true;
	assert_int_equal(nb_udp_open(&sa, &a->s, 0, log_cb, la), 0);
	assert_int_equal(nb_udp_open(&sb, &b->s, 7, log_cb, lb), 0);
	/* The same port number on the other stack is no conflict. */
	struct nb_udp_sock sa7 = {0};
	assert_int_equal(nb_udp_open(&sa7, &a->s, 7, log_cb, la), 0);
	nb_udp_close(&sa7);
	assert_int_equal(nb_udp_sendto(&sa, PEER_IP, 7, "echo me", 7), 0);
	shuttle(a, b, 1);
	assert_int_equal(lb->count, 1);
	assert_int_equal(la->count, 1);
	assert_int_equal(la->len, 7);
	assert_memory_equal(la->data, "echo me", 7);
	assert_int_equal(la->meta.src_port, 7);
	assert_int_equal(la->meta.dst_port, sa.port);
	/* Neither stack touched the other's counters or memory. */
	assert_int_equal(a->s.stats.udp_rx, 1);
	assert_int_equal(b->s.stats.udp_rx, 1);
	assert_int_equal(a->s.stats.rx_not_ours + b->s.stats.rx_not_ours, 0);
	nb_udp_close(&sa);
	nb_udp_close(&sb);
	free(la);
	free(lb);
	tenv_free(a);
	tenv_free(b);
}

/* ---- nb_wait ---- */

struct clk {
	uint64_t now;
	int idles;
	uint32_t last_idle;
	uint64_t step;
};
static uint64_t clk_now(void *ctx)
{
	struct clk *c = ctx;
	return c->now += c->step ? c->step : 10;
}
static void clk_idle(void *ctx, uint32_t max_ms)
{
	struct clk *c = ctx;
	assert_true(max_ms > 0);
	assert_true(max_ms <= NB_WAIT_IDLE_MAX_MS);
	c->idles++;
	c->last_idle = max_ms;
}
static int countdown(void *obj, uint64_t now)
{
	(void)now;
	int *n = obj;
	return --*n > 0 ? -NB_EAGAIN : 42;
}

static void stack_wait(void **state)
{
	struct tenv *t = *state;
	struct clk c = {2000, 0, 0, 0};
	struct nb_clock clock = {clk_now, clk_idle, &c};
	int n = 5;
	assert_int_equal(nb_wait(&t->s, countdown, &n, &clock, 0), 42);
	assert_int_equal(c.idles, 4);
	n = 1000;
	assert_int_equal(nb_wait(&t->s, countdown, &n, &clock, 100), -NB_ETIMEDOUT);
	assert_true(n > 980);
	t->fl.rx_rc = -NB_EIO;
	assert_int_equal(nb_wait(&t->s, countdown, &n, &clock, 100), -NB_EIO);
	assert_int_equal(nb_wait(&t->s, NULL, &n, &clock, 100), -NB_EINVAL);
	assert_int_equal(nb_wait(&t->s, countdown, &n, NULL, 100), -NB_EINVAL);
	/* Time never runs backwards inside the stack. */
	uint64_t before = t->s.now;
	nb_stack_poll(&t->s, 5);
	assert_int_equal(t->s.now, before);
}

/* ---- nb_stack_next_deadline ---- */

static uint64_t nb_deadline_min_test(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The stack's next deadline in ms; 0 when none is armed. */
static uint64_t due(const struct nb_stack *s, uint64_t now)
{
	return nb_stack_next_deadline(s, now).at_ms;
}

static uint64_t hook_due;
static struct nb_deadline fake_deadline(void *ctx, uint64_t now)
{
	(void)ctx;
	(void)now;
	return (struct nb_deadline){hook_due};
}
static void fake_input(void *ctx, struct nb_stack *s,
		       const struct nb_ip_info *ip, const uint8_t *d, size_t n)
{
	(void)ctx, (void)s, (void)ip, (void)d, (void)n;
}
static void ignore_rx(void *ctx, struct nb_udp_sock *sk,
		      const struct nb_udp_meta *m, const void *d, size_t n)
{
	(void)ctx, (void)sk, (void)m, (void)d, (void)n;
}
static int tcp_take(void *ctx, uint64_t off, const void *d, size_t n)
{
	(void)ctx, (void)off, (void)d;
	return (int)n;
}

/* The deadline of the only pending ARP entry. */
static uint64_t arp_pending_deadline(const struct nb_stack *s)
{
	for (size_t i = 0; i < NB_ARP_CACHE_SIZE; i++)
		if (s->arp[i].state == NB_ARP_PENDING)
			return s->arp[i].deadline.at_ms;
	fail();
	return 0;
}

static void stack_next_deadline(void **state)
{
	(void)state;
	struct tenv *t = tenv_new(OUR_IP, MASK, GW_IP);
	assert_non_null(t);
	struct nb_stack *s = &t->s;
	assert_int_equal(tenv_poll(t, 1000), 0);
	uint64_t now = s->now;
	assert_true(due(NULL, now) == 0);
	/* Nothing armed. */
	assert_true(due(s, now) == 0);
	/* A resolved ARP entry expires after its lifetime. */
	assert_int_equal(nb_arp_add(s, PEER_IP, fb_peer_mac), 0);
	assert_true(due(s, now) == now + NB_ARP_TTL_MS);
	/* A pending resolution retries much sooner. */
	struct nb_udp_sock sk;
	assert_int_equal(nb_udp_open(&sk, s, 0, ignore_rx, NULL), 0);
	assert_int_equal(nb_udp_sendto(&sk, NB_IPV4(10, 0, 0, 7), 9, "x", 1), 0);
	uint64_t arp_due = arp_pending_deadline(s);
	assert_true(arp_due > now && arp_due < now + NB_ARP_TTL_MS);
	assert_true(due(s, now) == arp_due);
	/* A UDP owner's timer counts once registered, and only while armed
	 * and the socket open. */
	struct nb_deadline tm = {0};
	nb_deadline_set(&tm, now, 3);
	assert_true(due(s, now) == arp_due);
	nb_udp_set_timer(&sk, &tm);
	assert_true(due(s, now) == now + 3);
	nb_deadline_clear(&tm);
	assert_true(due(s, now) == arp_due);
	nb_deadline_set(&tm, now, 3);
	nb_udp_close(&sk);
	assert_true(due(s, now) == arp_due);
	/* An echo request's timeout. */
	struct nb_ping p;
	assert_int_equal(nb_ping_start(&p, s, PEER_IP, 1, 8, 2, now), 0);
	assert_true(due(s, now) == now + 2);
	nb_ping_cancel(&p);
	assert_int_equal(nb_ping_poll(&p, now), -NB_ECANCELED);
	assert_true(due(s, now) == arp_due);
	/* A half-reassembled datagram expires. */
	uint8_t frag[64] = {0};
	struct fb_ip fh = {.src = PEER_IP, .dst = OUR_IP, .proto = 17,
			   .id = 7, .frag = 0x2000};
	rx_ip(t, &fh, frag, 16);
	assert_true(due(s, now) ==
		    nb_deadline_min_test(arp_due, now + NB_IP_REASM_TIMEOUT_MS));
	/* A registered protocol's own timer. */
	hook_due = now + 1;
	assert_int_equal(nb_ip_register_timed(s, 99, fake_input, fake_deadline,
					      NULL), 0);
	assert_true(due(s, now) == now + 1);
	hook_due = 0;
	assert_true(due(s, now) ==
		    nb_deadline_min_test(arp_due, now + NB_IP_REASM_TIMEOUT_MS));
	tenv_free(t);
}

/* TCP registers its connections' timers with the stack. */
static void stack_next_deadline_tcp(void **state)
{
	(void)state;
	struct tenv *t = tenv_new(OUR_IP, MASK, GW_IP);
	assert_non_null(t);
	struct nb_stack *s = &t->s;
	assert_int_equal(tenv_poll(t, 1000), 0);
	uint64_t now = s->now;
	assert_int_equal(nb_arp_add(s, PEER_IP, fb_peer_mac), 0);
	static struct nb_tcp tcp;
	static struct nb_tcp_conn c;
	static uint8_t sbuf[256];
	assert_int_equal(nb_tcp_init(&tcp, s), 0);
	assert_true(due(s, now) == now + NB_ARP_TTL_MS);
	struct nb_tcp_rx rx = {.deliver = tcp_take};
	assert_int_equal(nb_tcp_connect(&c, &tcp, PEER_IP, 80, &rx, sbuf,
					sizeof(sbuf)), 0);
	/* The SYN's retransmission timer. */
	assert_true(due(s, now) == c.rto_due.at_ms);
	assert_true(c.rto_due.at_ms > now && c.rto_due.at_ms <= now + NB_TCP_RTO_INIT_MS);
	nb_tcp_abort(&c);
	assert_true(due(s, now) == now + NB_ARP_TTL_MS);
	tenv_free(t);
}

/* nb_wait() sleeps until the next deadline, never past NB_WAIT_IDLE_MAX_MS. */
static void stack_wait_sleeps_until_deadline(void **state)
{
	struct tenv *t = *state;
	struct clk c = {5000, 0, 0, 1};
	struct nb_clock clock = {clk_now, clk_idle, &c};
	int n = 3;
	/* Only far deadlines (the ARP entries of setup()): the cap. */
	assert_int_equal(nb_wait(&t->s, countdown, &n, &clock, 0), 42);
	assert_int_equal(c.last_idle, NB_WAIT_IDLE_MAX_MS);
	/* A UDP owner's timer 4 ms away: sleep exactly that long. */
	struct nb_udp_sock sk;
	struct nb_deadline tm = {0};
	assert_int_equal(nb_udp_open(&sk, &t->s, 0, ignore_rx, NULL), 0);
	nb_udp_set_timer(&sk, &tm);
	nb_deadline_set(&tm, c.now + 2 + 4, 0);
	n = 2;
	assert_int_equal(nb_wait(&t->s, countdown, &n, &clock, 0), 42);
	assert_int_equal(c.last_idle, 4);
	/* The caller's timeout ends the sleep too. */
	nb_deadline_clear(&tm);
	n = 1000;
	c.last_idle = 0;
	assert_int_equal(nb_wait(&t->s, countdown, &n, &clock, 3), -NB_ETIMEDOUT);
	assert_true(c.last_idle >= 1 && c.last_idle <= 2);
	/* Already overdue (an owner nobody polls): 1 ms, not a busy loop. */
	nb_deadline_set(&tm, 0, 0);
	n = 2;
	assert_int_equal(nb_wait(&t->s, countdown, &n, &clock, 0), 42);
	assert_int_equal(c.last_idle, 1);
	nb_udp_close(&sk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stack_arena_accounting),
		cmocka_unit_test(stack_init_errors),
		cmocka_unit_test(stack_small_mtu),
		cmocka_unit_test(two_stacks),
		T(stack_wait),
		cmocka_unit_test(stack_next_deadline),
		cmocka_unit_test(stack_next_deadline_tcp),
		T(stack_wait_sleeps_until_deadline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
