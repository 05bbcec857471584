/*
 * libFuzzer harness: a script of segments, time steps and application
 * calls played against one live connection.  Segments are addressed to
 * the connection (ports and checksum fixed up) with sequence and ACK
 * numbers relative to the connection's state, so the fuzzer reaches the
 * window logic instead of bouncing off the demultiplexer.  After every
 * step the connection's invariants are checked.
 *
 * Input: byte 0 picks the options of the SYN-ACK, then records of
 *   [op][len][len bytes].  ops (mod 7):
 *   0 segment: flags, dseq(int16), dack(int16), wnd(u16), optlen, opts,
 *              payload
 *   1 time: advance by byte * 7 ms and poll
 *   2 limit: consumer space = in-order point + u16 * 16
 *   3 send: queue the bytes
 *   4 close / 5 abort
 *   6 raw: bytes as a TCP header + payload, checksum fixed
 */
#include <stdlib.h>
#include <string.h>

/*
 * lib/tcp is compiled into the harness itself, so it carries libFuzzer's
 * coverage instrumentation (the library archive is built without it);
 * the archive's copies of these symbols are then never pulled in.
 */
#include "../../lib/tcp/conn.c"
#include "../../lib/tcp/input.c"
#include "../../lib/core/rangeset.c"
#include "../../lib/tcp/opts.c"
#include "../../lib/tcp/output.c"
#include "../../lib/tcp/timer.c"

#include "../../tests/tcp/tcp_harness.c"

static void check(struct th *h)
{
	const struct nb_tcp_conn *c = &h->c;

	if (!c->t)
		return;
	/* Offsets ordered; the FIN may sit one past the data. */
	if (c->snd_una > c->snd_nxt || c->snd_nxt > c->snd_max ||
	    c->snd_max > c->snd_end + 1 ||
	    (c->snd_una <= c->snd_end && c->snd_end - c->snd_una > c->sbuf_len))
		abort();
	unsigned n = 0;
	for (unsigned i = 0; i < NB_TCP_SACK_SLOTS; i++) {
		const struct nb_range *a = &c->ooo.slot[i];
		if (a->start == a->end)
			continue;
		n++;
		if (a->start > a->end || a->start <= c->rcv_off)
			abort();
		for (unsigned j = i + 1; j < NB_TCP_SACK_SLOTS; j++) {
			const struct nb_range *b = &c->ooo.slot[j];
			if (b->start != b->end && a->start <= b->end &&
			    b->start <= a->end)
				abort();
		}
	}
	if (n != c->ooo.used)
		abort();
	if (h->delivered > TH_SINK_CAP * 64ull)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t seg[1600];
	static struct th *h;
	size_t i = 1;

	if (size < 1)
		return 0;
	/* One allocation for the whole run: a fresh 1 MiB sink per input
	 * would cost more than the input itself. */
	if (!h)
		h = th_new();
	else
		th_reset(h);
	if (!h)
		return 0;
	if (th_connect(h) == 0)
		th_synack(h, data[0] & 1, data[0] & 2, data[0] & 4, data[0] & 8,
			  (uint16_t)(data[0] << 8));
	while (i + 2 <= size) {
		uint8_t op = data[i] % 7;
		size_t len = data[i + 1];
		const uint8_t *d = data + i + 2;

		if (i + 2 + len > size)
			len = size - i - 2;
		i += 2 + len;
		switch (op) {
		case 0: {
			uint8_t flags, optlen;
			int16_t dseq, dack;
			uint16_t wnd;
			if (len < 8)
				break;
			flags = d[0];
			dseq = (int16_t)nb_get16(d + 1);
			dack = (int16_t)nb_get16(d + 3);
			wnd = nb_get16(d + 5);
			optlen = d[7] % 41;
			if ((size_t)optlen > len - 8)
				optlen = (uint8_t)(len - 8);
			th_seg(h, flags,
			       th_peer_seq(h->c.rcv_off) + (uint32_t)(int32_t)dseq,
			       h->c.iss + 1 + (uint32_t)h->c.snd_una +
				       (uint32_t)(int32_t)dack,
			       wnd, d + 8, optlen, d + 8 + optlen,
			       len - 8 - optlen);
			break;
		}
		case 1:
			th_poll(h, len ? (uint64_t)d[0] * 7 : 1);
			break;
		case 2:
			if (len >= 2)
				h->limit = nb_tcp_rx_offset(&h->c) +
					   (uint64_t)nb_get16(d) * 16;
			break;
		case 3:
			nb_tcp_send(&h->c, d, len);
			break;
		case 4:
			nb_tcp_close(&h->c);
			break;
		case 5:
			if (len && d[0] == 0xaa)
				nb_tcp_abort(&h->c);
			break;
		case 6:
			if (len >= 4) {
				memcpy(seg, d, len);
				nb_put16(seg, TH_PEER_PORT);
				nb_put16(seg + 2, h->c.src_port);
				th_raw(h, seg, len, true);
			}
			break;
		}
		check(h);
		h->nout = 0;
	}
	th_poll(h, 100000);
	check(h);
	return 0;
}
