/* Hosted hooks: entropy, clock and MAC parsing for Linux programs. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>

#include "netboot/hosted.h"

static int rng_fill(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	uint8_t *p = buf;
	/* getrandom() may return short counts for large requests or on a
	 * signal; ours are a few bytes, so a handful of rounds suffices. */
	for (int i = 0; i < 16 && len; i++) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -NB_EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return len ? -NB_EIO : 0;
}

int nb_hosted_rng(struct nb_rng *rng)
{
	if (!rng)
		return -NB_EINVAL;
	rng->fill = rng_fill;
	rng->ctx = NULL;
	return 0;
}

static uint64_t clock_now(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void clock_idle(void *ctx, uint32_t max_ms)
{
	int fd = (int)(intptr_t)ctx;
	if (max_ms > INT32_MAX)
		max_ms = INT32_MAX;
	/* poll() with no descriptor is a plain millisecond sleep. */
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	(void)poll(fd >= 0 ? &pfd : NULL, fd >= 0 ? 1 : 0, (int)max_ms);
}

void nb_hosted_clock(struct nb_clock *clk, int fd)
{
	if (!clk)
		return;
	clk->now_ms = clock_now;
	clk->idle = clock_idle;
	clk->ctx = (void *)(intptr_t)fd;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int nb_hosted_parse_mac(const char *s, uint8_t mac[6])
{
	if (!s || !mac)
		return -NB_EINVAL;
	uint8_t out[6];
	char sep = 0;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0)
			return -NB_EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i == 5)
			break;
		/* One separator style throughout: "aa:bb-cc..." is a typo. */
		if ((*s != ':' && *s != '-') || (sep && *s != sep))
			return -NB_EINVAL;
		sep = *s++;
	}
	if (*s)
		return -NB_EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = out[i];
	return 0;
}
