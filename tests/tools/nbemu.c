/* nbemu — userspace link emulator for hosted tests.
 *
 * Why it exists: the kernels we run on have no netem qdisc, yet hosted
 * tests and benchmarks need a path with real RTT, loss, reordering and a
 * bandwidth limit, shared by our stack (behind a tap) and by kernel clients
 * (curl, atftp, ping) so that comparisons are fair.  nbemu bridges two
 * interfaces A and B (veths in a middle namespace) with AF_PACKET sockets
 * and impairs each direction (a2b, b2a) independently.
 *
 * Offloads and checksums: both sockets enable PACKET_VNET_HDR, so every
 * frame comes with its struct virtio_net_hdr.  GSO/TSO super-frames (up to
 * 64 KiB) therefore pass through whole, and a frame whose checksum the
 * sender left to "hardware" (VIRTIO_NET_HDR_F_NEEDS_CSUM, csum_start and
 * csum_offset) keeps that request on the other side: the header is
 * forwarded unchanged, the kernel finishes the checksum or segments on
 * egress.  No offload has to be turned off on the veths.  Two exceptions,
 * because per-frame impairments would otherwise be wrong:
 *  - when loss, duplication, reordering or corruption is configured for a
 *    direction, or a rate below 512 Mbit/s, or --segment, TCP/IPv4
 *    super-frames are cut into wire-sized segments here (TCP checksum
 *    still left to the kernel), so that 1 % loss means 1 % of wire
 *    packets rather than 1 % of 45-segment bursts, and a slow link
 *    serialises one segment at a time;
 *  - a frame chosen for corruption gets its pending checksum computed here
 *    first (NEEDS_CSUM cleared), then one bit is flipped: otherwise the
 *    kernel would checksum the corrupted bytes and the receiver, trusting a
 *    CHECKSUM_PARTIAL skb, would accept them.  A super-frame that cannot be
 *    segmented (not TCP/IPv4) and is chosen for corruption is dropped and
 *    counted as corrupt_gso_drop.
 *
 * Model per direction, applied when a frame is received:
 *   loss -> rate (serialisation on a link of the given speed, FIFO, with a
 *   bounded bottleneck buffer) -> delay + uniform jitter (never reorders:
 *   departure times are kept monotonic) -> duplication -> corruption ->
 *   reordering (the frame is held back --reorder-delay extra ms so later
 *   frames overtake it).
 * Frames wait in a preallocated byte ring (no per-packet malloc); the
 * ring size and a packet limit bound memory; overflow is dropped+counted.
 * Time is CLOCK_MONOTONIC with nanosecond ppoll timeouts.  Randomness comes
 * from a seeded xoshiro256** per direction, so runs are reproducible for a
 * given seed and traffic.
 *
 * Counters are printed as key=value lines on SIGTERM/SIGINT (and SIGUSR1,
 * which does not exit) to stderr and, with --stats FILE, atomically
 * written to FILE.  --rt PRIO runs it SCHED_FIFO: on a loaded 2-core
 * machine that is the difference between 40.6 and 42.7 ms (max 60) for a
 * 2 x 20 ms path.  tx_late counts frames sent > 1 ms behind schedule.
 *
 * --quantum US: departures wait for the next multiple of US microseconds
 * on the monotonic clock, so one wakeup sends every frame due in that
 * slot.  A frame then leaves up to US later than its model says (never
 * earlier, order kept), and the emulator wakes for departures at most
 * 1e6 / US times a second whatever the frame rate: with a guest whose
 * host is two cores, a real-time thread waking per frame takes the time
 * QEMU's threads need (a real link costs the receiver's host nothing).
 * Arrivals are still read as they come.
 *
 * Limits: VLAN tags that a veth strips into skb metadata are not put back
 * (the tests use untagged frames); only TCP/IPv4 super-frames are cut.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define VH_LEN sizeof(struct virtio_net_hdr)
/* Largest frame accepted: a 64 KiB GSO frame plus L2 headers, with room
 * to spare for BIG TCP-free kernels; bigger reads are truncated+counted. */
#define MAX_FRAME (256 * 1024)
#define REC_HDR 16
#define HOLD_SLOTS 64
#define RX_BATCH 256
#define WIRE_MAX 1514 /* an untagged Ethernet frame on a 1500-byte MTU */

/* ---------- options ---------- */

struct dir_cfg {
	double delay_ms, jitter_ms;
	double loss, dup, reorder, corrupt; /* percent */
	double rate_Bps;                    /* bytes per second, 0 = unlimited */
	double reorder_delay_ms;
	long buffer_bytes;                  /* bottleneck buffer (rate only) */
	long limit_pkts;                    /* frames waiting, all causes */
	bool segment;                       /* force GSO segmentation */
};

/* ---------- PRNG: xoshiro256**, seeded through splitmix64 ---------- */

struct rng { uint64_t s[4]; };

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
	s[2] ^= t; s[3] = rotl(s[3], 45);
	return res;
}

static double rng_unit(struct rng *r) { return (rng_next(r) >> 11) * 0x1.0p-53; }

/* Percent test; 0 % never consumes a random number, so adding an
 * impairment to one direction does not shift the other one's stream. */
static bool chance(struct rng *r, double pct)
{
	return pct > 0 && rng_unit(r) * 100.0 < pct;
}

/* ---------- byte ring of records ---------- */

struct rec {
	uint64_t dep_ns;
	uint32_t reclen; /* 0 marks "wrap to the start" */
	uint32_t len;    /* frame bytes after the vnet header */
	struct virtio_net_hdr vh;
	uint8_t frame[];
};

struct ring {
	uint8_t *buf;
	size_t size, head, tail, nrec;
};

static size_t rec_size(size_t len) { return (REC_HDR + VH_LEN + len + 7) & ~(size_t)7; }

/* Reserve space for a record of `need` bytes at the tail; NULL if full.
 * Strict inequalities keep head != tail while the ring is non-empty. */
static struct rec *ring_alloc(struct ring *r, size_t need)
{
	if (r->nrec == 0)
		r->head = r->tail = 0;
	if (r->tail >= r->head) {
		if (r->size - r->tail >= need)
			return (struct rec *)(r->buf + r->tail);
		if (r->head > need) {
			if (r->size - r->tail >= REC_HDR)
				((struct rec *)(r->buf + r->tail))->reclen = 0;
			r->tail = 0;
			return (struct rec *)r->buf;
		}
		return NULL;
	}
	if (r->head - r->tail > need)
		return (struct rec *)(r->buf + r->tail);
	return NULL;
}

static void ring_commit(struct ring *r, struct rec *x)
{
	r->tail = (size_t)((uint8_t *)x - r->buf) + x->reclen;
	r->nrec++;
}

static struct rec *ring_peek(struct ring *r)
{
	if (r->nrec == 0)
		return NULL;
	if (r->size - r->head < REC_HDR || ((struct rec *)(r->buf + r->head))->reclen == 0)
		r->head = 0;
	return (struct rec *)(r->buf + r->head);
}

static void ring_pop(struct ring *r)
{
	struct rec *x = ring_peek(r);
	r->head += x->reclen;
	if (--r->nrec == 0)
		r->head = r->tail = 0;
}

/* ---------- per-direction state ---------- */

struct stats {
	uint64_t rx_frames, rx_bytes, rx_gso, rx_big, rx_max, rx_trunc;
	uint64_t tx_frames, tx_bytes, tx_gso, tx_big, tx_err, tx_nobufs, tx_again;
	uint64_t lost, dup, reordered, corrupted, corrupt_gso_drop;
	uint64_t segmented, segments, unsegmentable;
	uint64_t qdrop, ring_full, hold_full;
	uint64_t tx_late, tx_late_max_us; /* sent > 1 ms after its due time */
};

struct hold { bool used; uint64_t dep_ns; uint32_t len; uint8_t *data; /* vh+frame */ };

struct dir {
	const char *name;
	struct dir_cfg c;
	struct rng rng;
	int in, out;
	struct ring ring;
	struct hold hold[HOLD_SLOTS];
	uint64_t last_dep, link_free;
	bool blocked; /* out socket said EAGAIN: wait for POLLOUT */
	struct stats st;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---------- checksums and segmentation ---------- */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	while (n > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2; n -= 2;
		if (sum & 0x80000000u)
			sum = (sum & 0xffff) + (sum >> 16);
	}
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* Finish a checksum the sender left pending (what the NIC would do). */
static void resolve_csum(struct virtio_net_hdr *vh, uint8_t *f, size_t len)
{
	if (!(vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return;
	size_t st = vh->csum_start, at = st + vh->csum_offset;
	if (st < len && at + 2 <= len) {
		uint16_t c = (uint16_t)~csum_fold(csum_add(0, f + st, len - st));
		/* Zero means "no checksum" to UDPv4 and is invalid to UDPv6:
		 * a computed zero goes out as all ones (RFC 768). */
		put16(f + at, c ? c : 0xffff);
	}
	vh->flags &= (uint8_t)~VIRTIO_NET_HDR_F_NEEDS_CSUM;
}

/* L3 offset of an IPv4 frame (optionally one VLAN tag), or 0. */
static size_t ipv4_off(const uint8_t *f, size_t len)
{
	size_t off = 12;
	if (len >= 18 && get16(f + 12) == 0x8100)
		off = 16;
	if (len < off + 2 || get16(f + off) != 0x0800)
		return 0;
	return off + 2;
}

static void enqueue(struct dir *d, struct virtio_net_hdr *vh, uint8_t *f, size_t len,
		    uint64_t now, uint32_t wire_bytes, bool is_gso);

/* Cut a TCP/IPv4 super-frame into gso_size segments as a NIC's TSO would:
 * IP id +1 and TCP seq +mss per segment, FIN/PSH only on the last, CWR
 * only on the first, IP checksum done, TCP checksum left pending.  Returns false
 * when the frame is not something we know how to cut. */
static bool segment_tcp4(struct dir *d, const struct virtio_net_hdr *vh, const uint8_t *f,
			 size_t len, uint64_t now)
{
	static uint8_t seg[WIRE_MAX + 4096];
	size_t l3 = ipv4_off(f, len);
	if (!l3 || (vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) != VIRTIO_NET_HDR_GSO_TCPV4)
		return false;
	if (len < l3 + 20 || f[l3 + 9] != 6)
		return false;
	size_t ihl = (size_t)(f[l3] & 15) * 4, l4 = l3 + ihl;
	if (ihl < 20 || len < l4 + 20)
		return false;
	size_t thl = (size_t)(f[l4 + 12] >> 4) * 4, hl = l4 + thl, mss = vh->gso_size;
	if (thl < 20 || len <= hl || mss == 0 || hl + mss > sizeof(seg))
		return false;
	uint16_t id0 = get16(f + l3 + 4);
	uint32_t seq0 = (uint32_t)get16(f + l4 + 4) << 16 | get16(f + l4 + 6);
	uint8_t flags0 = f[l4 + 13];
	size_t pay = len - hl, nseg = (pay + mss - 1) / mss;
	d->st.segmented++;
	for (size_t i = 0; i < nseg; i++) {
		size_t n = (i + 1 == nseg) ? pay - i * mss : mss, tot = hl + n;
		memcpy(seg, f, hl);
		memcpy(seg + hl, f + hl + i * mss, n);
		put16(seg + l3 + 2, (uint16_t)(tot - l3));
		put16(seg + l3 + 4, (uint16_t)(id0 + i));
		put16(seg + l3 + 10, 0);
		put16(seg + l3 + 10, (uint16_t)~csum_fold(csum_add(0, seg + l3, ihl)));
		uint32_t seq = seq0 + (uint32_t)(i * mss);
		put16(seg + l4 + 4, (uint16_t)(seq >> 16));
		put16(seg + l4 + 6, (uint16_t)seq);
		uint8_t fl = flags0;
		if (i + 1 != nseg)
			fl &= (uint8_t)~0x09; /* FIN, PSH */
		if (i != 0)
			fl &= (uint8_t)~0x80; /* CWR */
		seg[l4 + 13] = fl;
		/* Leave the TCP checksum to the kernel, as the super-frame did:
		 * seed it with the folded pseudo-header sum and ask for the
		 * rest (resolve_csum() finishes it if the segment is chosen
		 * for corruption). */
		uint32_t s = csum_add(0, seg + l3 + 12, 8); /* src+dst address */
		s += 6 + (uint32_t)(tot - l4);
		put16(seg + l4 + 16, csum_fold(s));
		struct virtio_net_hdr sv = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
					     .hdr_len = (uint16_t)hl,
					     .csum_start = (uint16_t)l4, .csum_offset = 16 };
		d->st.segments++;
		enqueue(d, &sv, seg, tot, now, (uint32_t)tot, false);
	}
	return true;
}

/* ---------- the impairment pipeline ---------- */

static bool ring_put(struct dir *d, const struct virtio_net_hdr *vh, const uint8_t *f,
		     size_t len, uint64_t dep)
{
	if (d->c.limit_pkts > 0 && (long)d->ring.nrec >= d->c.limit_pkts) {
		d->st.ring_full++;
		return false;
	}
	size_t need = rec_size(len);
	struct rec *x = ring_alloc(&d->ring, need);
	if (!x) {
		d->st.ring_full++;
		return false;
	}
	x->dep_ns = dep;
	x->reclen = (uint32_t)need;
	x->len = (uint32_t)len;
	x->vh = *vh;
	memcpy(x->frame, f, len);
	ring_commit(&d->ring, x);
	return true;
}

static bool hold_put(struct dir *d, const struct virtio_net_hdr *vh, const uint8_t *f,
		     size_t len, uint64_t dep)
{
	for (int i = 0; i < HOLD_SLOTS; i++) {
		struct hold *h = &d->hold[i];
		if (h->used)
			continue;
		if (!h->data && !(h->data = malloc(VH_LEN + MAX_FRAME)))
			return false; /* allocated once per slot, then reused */
		memcpy(h->data, vh, VH_LEN);
		memcpy(h->data + VH_LEN, f, len);
		h->len = (uint32_t)len;
		h->dep_ns = dep;
		h->used = true;
		return true;
	}
	return false;
}

static void corrupt_frame(struct dir *d, struct virtio_net_hdr *vh, uint8_t *f, size_t len)
{
	resolve_csum(vh, f, len);
	/* Keep the Ethernet header intact so the frame still reaches its
	 * host and the damage is for IP/TCP/UDP checksums to find. */
	size_t lo = len > 14 ? 14 : 0;
	size_t at = lo + (size_t)(rng_next(&d->rng) % (len - lo));
	f[at] ^= (uint8_t)(1u << (rng_next(&d->rng) & 7));
	d->st.corrupted++;
}

static void enqueue(struct dir *d, struct virtio_net_hdr *vh, uint8_t *f, size_t len,
		    uint64_t now, uint32_t wire_bytes, bool is_gso)
{
	const struct dir_cfg *c = &d->c;
	if (chance(&d->rng, c->loss)) {
		d->st.lost++;
		return;
	}
	uint64_t dep = now;
	if (c->rate_Bps > 0) {
		uint64_t start = d->link_free > now ? d->link_free : now;
		double backlog = (double)(start - now) * 1e-9 * c->rate_Bps;
		if (c->buffer_bytes > 0 && backlog + wire_bytes > (double)c->buffer_bytes) {
			d->st.qdrop++;
			return;
		}
		d->link_free = start + (uint64_t)((double)wire_bytes / c->rate_Bps * 1e9);
		dep = d->link_free;
	}
	double dl = c->delay_ms;
	if (c->jitter_ms > 0)
		dl += (rng_unit(&d->rng) * 2 - 1) * c->jitter_ms;
	if (dl > 0)
		dep += (uint64_t)(dl * 1e6);
	if (dep < d->last_dep)
		dep = d->last_dep; /* jitter must not reorder */
	int copies = chance(&d->rng, c->dup) ? 2 : 1;
	if (copies == 2)
		d->st.dup++;
	if (chance(&d->rng, c->corrupt)) {
		if (is_gso) {
			d->st.corrupt_gso_drop++;
			return;
		}
		corrupt_frame(d, vh, f, len);
	}
	if (chance(&d->rng, c->reorder)) {
		if (hold_put(d, vh, f, len, dep + (uint64_t)(c->reorder_delay_ms * 1e6))) {
			d->st.reordered++;
			copies--;
		} else {
			d->st.hold_full++;
		}
	}
	while (copies-- > 0)
		if (ring_put(d, vh, f, len, dep))
			d->last_dep = dep;
}

/* Segment when impairments act per wire packet, and below 512 Mbit/s,
 * where serialising a whole 64 KiB super-frame before its first byte
 * leaves (> 1 ms) would add latency a real link does not have. */
static bool per_packet_impairment(const struct dir_cfg *c)
{
	return c->segment || c->loss > 0 || c->dup > 0 || c->reorder > 0 || c->corrupt > 0 ||
	       (c->rate_Bps > 0 && c->rate_Bps < 64e6);
}

static void on_frame(struct dir *d, uint8_t *buf, size_t n, uint64_t now)
{
	struct virtio_net_hdr vh;
	memcpy(&vh, buf, VH_LEN);
	uint8_t *f = buf + VH_LEN;
	size_t len = n - VH_LEN;
	bool gso = vh.gso_type != VIRTIO_NET_HDR_GSO_NONE;
	d->st.rx_frames++;
	d->st.rx_bytes += len;
	if (len > d->st.rx_max)
		d->st.rx_max = len;
	if (len > WIRE_MAX)
		d->st.rx_big++;
	if (gso)
		d->st.rx_gso++;
	uint32_t wire = (uint32_t)len;
	if (gso && vh.gso_size) {
		/* Each wire segment repeats the headers: charge them to the rate. */
		size_t hl = vh.hdr_len && vh.hdr_len < len ? vh.hdr_len : 54;
		size_t nseg = (len - hl + vh.gso_size - 1) / vh.gso_size;
		if (nseg > 1)
			wire += (uint32_t)((nseg - 1) * hl);
	}
	if (gso && per_packet_impairment(&d->c)) {
		if (segment_tcp4(d, &vh, f, len, now))
			return;
		d->st.unsegmentable++;
	}
	enqueue(d, &vh, f, len, now, wire, gso);
}

/* ---------- I/O ---------- */

static int open_if(const char *ifname)
{
	unsigned idx = if_nametoindex(ifname);
	if (!idx) {
		fprintf(stderr, "nbemu: no interface %s\n", ifname);
		return -1;
	}
	/* Protocol 0 until bound: an ETH_P_ALL socket would see every
	 * interface's traffic in the window before bind(). */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("nbemu: socket(AF_PACKET)");
		return -1;
	}
	int one = 1, big = 32 << 20;
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) < 0) {
		perror("nbemu: PACKET_VNET_HDR");
		return -1;
	}
	/* Best effort: the pkttype check below catches our own sends too. */
	(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)idx };
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
		perror("nbemu: bind");
		return -1;
	}
	struct packet_mreq mr = { .mr_ifindex = (int)idx, .mr_type = PACKET_MR_PROMISC };
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0) {
		perror("nbemu: PACKET_MR_PROMISC");
		return -1;
	}
	return fd;
}

/* recvmmsg() slots: one system call drains up to RX_VEC frames.  Each
 * slot holds the largest frame, so a GSO super-frame never truncates. */
#define RX_VEC 16
static uint8_t rxbuf[RX_VEC][VH_LEN + MAX_FRAME];

static void rx(struct dir *d)
{
	static struct sockaddr_ll from[RX_VEC];
	static struct iovec iov[RX_VEC];
	static struct mmsghdr mm[RX_VEC];
	for (int got = 0; got < RX_BATCH;) {
		for (int i = 0; i < RX_VEC; i++) {
			iov[i] = (struct iovec){ rxbuf[i], sizeof rxbuf[i] };
			mm[i].msg_hdr = (struct msghdr){ .msg_name = &from[i],
							 .msg_namelen = sizeof from[i],
							 .msg_iov = &iov[i], .msg_iovlen = 1 };
		}
		int m = recvmmsg(d->in, mm, RX_VEC, MSG_DONTWAIT | MSG_TRUNC, NULL);
		if (m <= 0)
			return;
		/* One clock read per batch: every frame in it had arrived by then. */
		uint64_t now = now_ns();
		for (int i = 0; i < m; i++) {
			size_t n = mm[i].msg_len;
			if (from[i].sll_pkttype == PACKET_OUTGOING)
				continue; /* our own transmissions on this interface */
			if ((mm[i].msg_hdr.msg_flags & MSG_TRUNC) || n > sizeof rxbuf[i] ||
			    n < VH_LEN + 14) {
				d->st.rx_trunc++;
				continue;
			}
			on_frame(d, rxbuf[i], n, now);
		}
		got += m;
		if (m < RX_VEC)
			return;
	}
}

static void tx_count(struct dir *d, size_t len, bool gso, uint64_t due, uint64_t now)
{
	uint64_t late = now > due ? (now - due) / 1000 : 0;
	if (late > 1000)
		d->st.tx_late++;
	if (late > d->st.tx_late_max_us)
		d->st.tx_late_max_us = late;
	d->st.tx_frames++;
	d->st.tx_bytes += len;
	if (gso)
		d->st.tx_gso++;
	if (len > WIRE_MAX)
		d->st.tx_big++;
}

/* 1 sent/consumed, 0 blocked (retry on POLLOUT).  Lateness is counted so
 * a test can tell the emulator's own scheduling delays from the path's. */
static int tx_one(struct dir *d, const void *p, size_t len, bool gso, uint64_t due, uint64_t now)
{
	if (send(d->out, p, VH_LEN + len, MSG_DONTWAIT) >= 0) {
		tx_count(d, len, gso, due, now);
		return 1;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		d->st.tx_again++;
		d->blocked = true;
		return 0;
	}
	if (errno == ENOBUFS)
		d->st.tx_nobufs++; /* the egress qdisc dropped it: a real drop */
	else
		d->st.tx_err++;
	return 1;
}

/* Send the ring's frames due by `until` with one sendmmsg(): on a busy
 * path many are due at each wakeup, and a system call per frame was most
 * of the emulator's CPU.  Returns what tx_one() would for the batch: 0
 * when the socket blocked before anything left. */
#define TX_VEC 64
static int tx_ring_batch(struct dir *d, uint64_t until, uint64_t now)
{
	static struct iovec iov[TX_VEC];
	static struct mmsghdr mm[TX_VEC];
	static struct rec *xs[TX_VEC];
	struct ring *r = &d->ring;
	size_t h = r->head;
	int k = 0;
	for (size_t left = r->nrec; left > 0 && k < TX_VEC; left--) {
		if (r->size - h < REC_HDR || ((struct rec *)(r->buf + h))->reclen == 0)
			h = 0; /* the same wrap rule as ring_peek() */
		struct rec *x = (struct rec *)(r->buf + h);
		if (x->dep_ns > until)
			break;
		xs[k] = x;
		iov[k] = (struct iovec){ &x->vh, VH_LEN + x->len };
		mm[k].msg_hdr = (struct msghdr){ .msg_iov = &iov[k], .msg_iovlen = 1 };
		k++;
		h += x->reclen;
	}
	int m = sendmmsg(d->out, mm, (unsigned)k, MSG_DONTWAIT);
	if (m < 0) {
		/* The first frame failed: let tx_one() sort EAGAIN (blocked)
		 * from a drop (consumed, counted). */
		if (!tx_one(d, &xs[0]->vh, xs[0]->len, xs[0]->vh.gso_type != 0, xs[0]->dep_ns, now))
			return 0;
		ring_pop(r);
		return 1;
	}
	for (int i = 0; i < m; i++) {
		tx_count(d, xs[i]->len, xs[i]->vh.gso_type != 0, xs[i]->dep_ns, now);
		ring_pop(r);
	}
	return 1;
}

/* Send everything due; return the next departure time (UINT64_MAX none). */
static uint64_t tx_due(struct dir *d, uint64_t now)
{
	if (d->blocked)
		return UINT64_MAX;
	for (;;) {
		struct rec *x = ring_peek(&d->ring);
		struct hold *h = NULL;
		for (int i = 0; i < HOLD_SLOTS; i++)
			if (d->hold[i].used && (!h || d->hold[i].dep_ns < h->dep_ns))
				h = &d->hold[i];
		uint64_t tr = x ? x->dep_ns : UINT64_MAX, th = h ? h->dep_ns : UINT64_MAX;
		uint64_t t = tr < th ? tr : th;
		if (t > now)
			return t;
		if (th < tr) {
			struct virtio_net_hdr *vh = (struct virtio_net_hdr *)h->data;
			if (!tx_one(d, h->data, h->len, vh->gso_type != 0, th, now))
				return UINT64_MAX;
			h->used = false;
		} else {
			/* Ring frames due before the next held one, in order. */
			if (!tx_ring_batch(d, th <= now ? th : now, now))
				return UINT64_MAX;
		}
	}
}

/* ---------- stats ---------- */

static void dump_dir(FILE *o, const struct dir *d)
{
	const struct stats *s = &d->st;
#define P(f) fprintf(o, "%s.%s=%llu\n", d->name, #f, (unsigned long long)s->f)
	P(rx_frames); P(rx_bytes); P(rx_gso); P(rx_big); P(rx_max); P(rx_trunc);
	P(tx_frames); P(tx_bytes); P(tx_gso); P(tx_big); P(tx_err); P(tx_nobufs); P(tx_again);
	P(lost); P(dup); P(reordered); P(corrupted); P(corrupt_gso_drop);
	P(segmented); P(segments); P(unsegmentable); P(qdrop); P(ring_full); P(hold_full);
	P(tx_late); P(tx_late_max_us);
#undef P
	fprintf(o, "%s.queued=%zu\n", d->name, d->ring.nrec);
}

static unsigned long dumps;
/* ppoll() returns: how often the emulator woke, for a frame or a slot. */
static unsigned long long wakeups;

static void dump(const struct dir *d, const char *file)
{
	dumps++;
	fprintf(stderr, "nbemu: dump=%lu wakeups=%llu\n", dumps, wakeups);
	dump_dir(stderr, &d[0]);
	dump_dir(stderr, &d[1]);
	if (!file)
		return;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	FILE *o = fopen(tmp, "w");
	if (!o) {
		perror("nbemu: stats file");
		return;
	}
	fprintf(o, "dumps=%lu\nwakeups=%llu\n", dumps, wakeups);
	dump_dir(o, &d[0]);
	dump_dir(o, &d[1]);
	if (fclose(o) == 0)
		rename(tmp, file); /* readers never see a half-written file */
}

static volatile sig_atomic_t sig_stop, sig_dump;

static void on_sig(int s)
{
	if (s == SIGUSR1)
		sig_dump = 1;
	else
		sig_stop = 1;
}

/* ---------- option parsing ---------- */

static void usage(void)
{
	fputs("usage: nbemu --a IF --b IF [impairments] [--seed N] [--stats FILE]\n"
	      "             [--ready FILE] [--ring MIB] [--duration S] [--rt PRIO]\n"
	      "             [--quantum US]\n"
	      "impairments (both directions; prefix a2b- or b2a- for one):\n"
	      "  --delay MS --jitter MS --loss PCT --dup PCT --reorder PCT\n"
	      "  --reorder-delay MS (default 5) --corrupt PCT\n"
	      "  --rate R (R: N[k|m|g]bit = bit/s, N[k|m|g]bps = bytes/s, 0 = off)\n"
	      "  --buffer BYTES (bottleneck buffer with --rate, default 1000000)\n"
	      "  --limit PKTS (frames waiting, default 100000) --segment\n"
	      "--rt PRIO: run SCHED_FIFO at PRIO (accurate delays on a busy machine)\n"
	      "--quantum US: send in slots of US microseconds (frames up to US late,\n"
	      "  at most 1e6/US departure wakeups a second; default 0 = per frame)\n"
	      "a2b = frames received on A, sent on B.\n",
	      stderr);
}

static bool parse_num(const char *s, double *out)
{
	char *e;
	errno = 0;
	double v = strtod(s, &e);
	if (errno || e == s || *e || v < 0)
		return false;
	*out = v;
	return true;
}

static bool parse_rate(const char *s, double *Bps)
{
	char *e;
	errno = 0;
	double v = strtod(s, &e);
	if (errno || e == s || v < 0)
		return false;
	double mul = 1;
	if (*e == 'k' || *e == 'K') { mul = 1e3; e++; }
	else if (*e == 'm' || *e == 'M') { mul = 1e6; e++; }
	else if (*e == 'g' || *e == 'G') { mul = 1e9; e++; }
	if (*e == 0 || strcmp(e, "bit") == 0)
		*Bps = v * mul / 8;
	else if (strcmp(e, "bps") == 0)
		*Bps = v * mul;
	else
		return false;
	return true;
}

/* Apply one impairment option to cfg; false if unknown/bad. */
static bool set_opt(struct dir_cfg *c, const char *k, const char *v)
{
	double x;
	if (strcmp(k, "rate") == 0)
		return parse_rate(v, &c->rate_Bps);
	if (strcmp(k, "segment") == 0) {
		c->segment = true;
		return true;
	}
	if (!parse_num(v, &x))
		return false;
	if (strcmp(k, "delay") == 0) c->delay_ms = x;
	else if (strcmp(k, "jitter") == 0) c->jitter_ms = x;
	else if (strcmp(k, "reorder-delay") == 0) c->reorder_delay_ms = x;
	else if (strcmp(k, "buffer") == 0) c->buffer_bytes = (long)x;
	else if (strcmp(k, "limit") == 0) c->limit_pkts = (long)x;
	else if (x > 100) return false;
	else if (strcmp(k, "loss") == 0) c->loss = x;
	else if (strcmp(k, "dup") == 0) c->dup = x;
	else if (strcmp(k, "reorder") == 0) c->reorder = x;
	else if (strcmp(k, "corrupt") == 0) c->corrupt = x;
	else return false;
	return true;
}

int main(int argc, char **argv)
{
	const char *ifa = NULL, *ifb = NULL, *stats = NULL, *ready = NULL;
	uint64_t seed = 1;
	double ring_mib = 32, duration = 0, rt = 0, quantum_us = 0;
	struct dir_cfg base = { .reorder_delay_ms = 5, .buffer_bytes = 1000000,
				.limit_pkts = 100000 };
	/* Per-direction overrides apply after the shared values, whatever
	 * the order on the command line. */
	struct { int dir; const char *k, *v; } ov[128];
	int nov = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0) {
			usage();
			return 2;
		}
		a += 2;
		bool flag = strcmp(a, "segment") == 0 || strcmp(a, "a2b-segment") == 0 ||
			    strcmp(a, "b2a-segment") == 0;
		const char *v = flag ? "1" : (i + 1 < argc ? argv[++i] : NULL);
		if (!v) {
			usage();
			return 2;
		}
		if (strcmp(a, "a") == 0) ifa = v;
		else if (strcmp(a, "b") == 0) ifb = v;
		else if (strcmp(a, "stats") == 0) stats = v;
		else if (strcmp(a, "ready") == 0) ready = v;
		else if (strcmp(a, "seed") == 0) seed = strtoull(v, NULL, 0);
		else if (strcmp(a, "ring") == 0 && parse_num(v, &ring_mib) && ring_mib >= 1) ;
		else if (strcmp(a, "duration") == 0 && parse_num(v, &duration)) ;
		else if (strcmp(a, "rt") == 0 && parse_num(v, &rt) && rt <= 99) ;
		else if (strcmp(a, "quantum") == 0 && parse_num(v, &quantum_us) &&
			 quantum_us <= 1e6) ;
		else if ((strncmp(a, "a2b-", 4) == 0 || strncmp(a, "b2a-", 4) == 0) && nov < 128) {
			ov[nov].dir = a[0] == 'a' ? 0 : 1;
			ov[nov].k = a + 4;
			ov[nov++].v = v;
		} else if (!set_opt(&base, a, v)) {
			fprintf(stderr, "nbemu: bad option --%s %s\n", a, v);
			usage();
			return 2;
		}
	}
	if (!ifa || !ifb) {
		usage();
		return 2;
	}
	static struct dir d[2];
	d[0].name = "a2b";
	d[1].name = "b2a";
	for (int k = 0; k < 2; k++) {
		d[k].c = base;
		uint64_t x = seed * 2 + (uint64_t)k;
		for (int j = 0; j < 4; j++)
			d[k].rng.s[j] = splitmix(&x);
	}
	for (int j = 0; j < nov; j++)
		if (!set_opt(&d[ov[j].dir].c, ov[j].k, ov[j].v)) {
			fprintf(stderr, "nbemu: bad option --%s-%s %s\n", d[ov[j].dir].name,
				ov[j].k, ov[j].v);
			return 2;
		}

	int fa = open_if(ifa), fb = open_if(ifb);
	if (fa < 0 || fb < 0)
		return 1;
	d[0].in = fa; d[0].out = fb;
	d[1].in = fb; d[1].out = fa;
	for (int k = 0; k < 2; k++) {
		d[k].ring.size = (size_t)(ring_mib * 1048576.0);
		d[k].ring.buf = malloc(d[k].ring.size);
		if (!d[k].ring.buf) {
			fprintf(stderr, "nbemu: out of memory for the ring\n");
			return 1;
		}
		const struct dir_cfg *c = &d[k].c;
		fprintf(stderr, "nbemu: %s delay=%gms jitter=%gms loss=%g%% dup=%g%% reorder=%g%% "
			"corrupt=%g%% rate=%gbit/s buffer=%ld segment=%d\n", d[k].name,
			c->delay_ms, c->jitter_ms, c->loss, c->dup, c->reorder, c->corrupt,
			c->rate_Bps * 8, c->buffer_bytes, per_packet_impairment(c));
	}
	if (quantum_us > 0)
		fprintf(stderr, "nbemu: departures in slots of %g us\n", quantum_us);

	/* Departure times are what the emulation is about: ask for wakeups
	 * without the default 50 us slack and, with --rt, for a real-time
	 * priority so a loaded machine does not stretch the delays. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	if (rt > 0) {
		struct sched_param sp = { .sched_priority = (int)rt };
		if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
			perror("nbemu: SCHED_FIFO (continuing without)");
	}

	sigset_t block, orig;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &orig);
	struct sigaction sa = { .sa_handler = on_sig };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	if (ready) {
		FILE *o = fopen(ready, "w");
		if (o) {
			fprintf(o, "%d\n", (int)getpid());
			fclose(o);
		}
	}
	uint64_t end = duration > 0 ? now_ns() + (uint64_t)(duration * 1e9) : UINT64_MAX;
	uint64_t quantum = (uint64_t)(quantum_us * 1e3);
	while (!sig_stop) {
		if (sig_dump) {
			sig_dump = 0;
			dump(d, stats);
		}
		uint64_t now = now_ns();
		if (now >= end)
			break;
		uint64_t next = end;
		for (int k = 0; k < 2; k++) {
			uint64_t t = tx_due(&d[k], now);
			if (t < next)
				next = t;
		}
		/* A departure slot's end: everything due in it leaves then. */
		if (quantum > 1 && next != UINT64_MAX && next < end && next > now)
			next = (next + quantum - 1) / quantum * quantum;
		struct pollfd p[2] = { { fa, POLLIN, 0 }, { fb, POLLIN, 0 } };
		/* d[0] sends on fb, d[1] on fa. */
		if (d[0].blocked)
			p[1].events |= POLLOUT;
		if (d[1].blocked)
			p[0].events |= POLLOUT;
		struct timespec ts, *tsp = NULL;
		if (next != UINT64_MAX) {
			uint64_t w = next > now ? next - now : 0;
			ts.tv_sec = (time_t)(w / 1000000000ULL);
			ts.tv_nsec = (long)(w % 1000000000ULL);
			tsp = &ts;
		}
		int n = ppoll(p, 2, tsp, &orig);
		wakeups++;
		if (n <= 0)
			continue;
		if (p[1].revents & POLLOUT)
			d[0].blocked = false;
		if (p[0].revents & POLLOUT)
			d[1].blocked = false;
		if (p[0].revents & POLLIN)
			rx(&d[0]);
		if (p[1].revents & POLLIN)
			rx(&d[1]);
		if ((p[0].revents | p[1].revents) & (POLLERR | POLLNVAL)) {
			/* ENETDOWN and friends are reported once; consume them. */
			int err;
			socklen_t l = sizeof err;
			getsockopt(fa, SOL_SOCKET, SO_ERROR, &err, &l);
			getsockopt(fb, SOL_SOCKET, SO_ERROR, &err, &l);
		}
	}
	dump(d, stats);
	return 0;
}
