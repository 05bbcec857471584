/*
 * libFuzzer harness for the TFTP client: the input is a script of
 * received packets and clock steps fed to one transfer through a fake
 * transport, so the OACK parser, ERROR handling, window/gap logic,
 * rollover and timers all see hostile input.
 *
 * Input layout: 1 config byte, then records of
 *   [flags:1][dt_ms:1][len:2 big-endian][len bytes of TFTP packet]
 * flags bit 0: packet comes from a wrong port; bit 1: from another host;
 * bit 2: run nb_tftp_poll() after it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netboot/tftp.h"
#include "tftp/tftp_int.h"

#define SERVER 0x0a000001u
#define SPORT 40000
#define SINK_CAP (256 * 1024)

struct io_state {
	unsigned sent;
};

static int f_send(void *ctx, uint32_t ip, uint16_t port, const void *pkt,
		  size_t len)
{
	struct io_state *s = ctx;
	(void)ip, (void)port;
	/* Everything we send must be a well-formed, bounded TFTP packet. */
	if (len < 4 || len > NB_TFTP_REQ_MAX)
		abort();
	uint16_t op = (uint16_t)(((const uint8_t *)pkt)[0] << 8 |
				 ((const uint8_t *)pkt)[1]);
	if (op != NB_TFTP_RRQ && op != NB_TFTP_ACK && op != NB_TFTP_ERROR)
		abort();
	s->sent++;
	return 0;
}

static int f_rebind(void *ctx)
{
	(void)ctx;
	return 0;
}

static const struct nb_tftp_io io = {f_send, f_rebind, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[SINK_CAP];
	if (size < 1)
		return 0;
	uint8_t c = data[0];
	struct nb_memsink ms;
	nb_memsink_init(&ms, buf, (c & 0x80) ? 1000 : SINK_CAP);
	struct nb_tftp_cfg cfg;
	nb_tftp_cfg_init(&cfg, NULL, SERVER, "f");
	static const uint16_t bs[4] = {1468, 512, 8, 0};
	static const uint16_t ws[4] = {16, 1, 4, 0};
	cfg.blksize = bs[c & 3];
	cfg.windowsize = ws[(c >> 2) & 3];
	cfg.tsize = (c & 0x10) != 0;
	cfg.timeout_s = (c & 0x20) ? 1 : 0;
	struct io_state st = {0};
	struct nb_tftp t;
	uint64_t now = 1000;
	if (nb_tftp_start_io(&t, &cfg, &ms.sink, &io, &st, now) != 0)
		abort();
	size_t pos = 1;
	while (pos + 4 <= size) {
		uint8_t flags = data[pos];
		now += data[pos + 1];
		size_t len = (size_t)data[pos + 2] << 8 | data[pos + 3];
		pos += 4;
		if (len > size - pos)
			len = size - pos;
		uint32_t ip = (flags & 2) ? SERVER + 1 : SERVER;
		uint16_t port = (flags & 1) ? SPORT + 1 : SPORT;
		nb_tftp_input(&t, ip, port, data + pos, len, now);
		pos += len;
		int rc = (flags & 4) ? nb_tftp_poll(&t, now) : t.status;
		if (t.bytes > ms.cap || (t.have_tsize && t.bytes > t.tsize))
			abort();
		if (rc != -NB_EAGAIN && t.state != NB_TFTP_DONE &&
		    t.state != NB_TFTP_FAILED)
			abort();
	}
	/* Let the timers run out: the transfer must end, boundedly. */
	for (int i = 0; i < 64 && nb_tftp_poll(&t, now) == -NB_EAGAIN; i++)
		now += NB_TFTP_RTO_MAX_MS;
	if (t.state != NB_TFTP_DONE && t.state != NB_TFTP_FAILED)
		abort();
	return 0;
}
