/* Linux tap link driver: the only part of the library that uses the OS. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "netboot/hosted.h"
#include "netboot/tap.h"

static int tap_transmit(void *drv, const void *frame, size_t len);
static int tap_receive(void *drv, void *buf, size_t cap);

static const struct nb_link_ops tap_ops = {
	.transmit = tap_transmit,
	.receive = tap_receive,
};

static int map_errno(int e)
{
	switch (e) {
	case ENOENT:
	case ENODEV:
		return -NB_ENOTSUP;
	case EPERM:
	case EACCES:
		return -NB_EACCES;
	case EBUSY:
		return -NB_EADDRINUSE;
	case EINVAL:
		return -NB_EINVAL;
	default:
		return -NB_EIO;
	}
}

/* The interface's MTU, capped to what an Ethernet frame of
 * NB_ETH_FRAME_MAX can carry; 1500 when it cannot be read. */
static uint16_t if_mtu(const char *name)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 1500;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	int mtu = ioctl(s, SIOCGIFMTU, &ifr) == 0 ? ifr.ifr_mtu : 1500;
	close(s);
	if (mtu > 1500)
		mtu = 1500;
	return (uint16_t)(mtu < 68 ? 68 : mtu);
}

int nb_tap_open_mac(struct nb_tap *t, const char *ifname, const uint8_t *mac,
		    struct nb_link *out_link)
{
	if (!t || !ifname || !out_link)
		return -NB_EINVAL;
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	size_t n = strlen(ifname);
	if (n == 0 || n >= NB_TAP_NAME_MAX)
		return -NB_EINVAL;
	/* TUNSETIFF would create a missing device: refuse instead. */
	if (if_nametoindex(ifname) == 0)
		return -NB_ENOTFOUND;
	uint8_t own[6];
	if (mac) {
		memcpy(own, mac, 6);
	} else {
		struct nb_rng rng;
		nb_hosted_rng(&rng);
		int rc = rng.fill(rng.ctx, own, sizeof(own));
		if (rc < 0)
			return rc;
		/* Unicast, locally administered: cannot clash with a vendor
		 * MAC, in particular not with the tap's kernel side. */
		own[0] = (uint8_t)((own[0] & 0xfc) | 0x02);
	}

	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return map_errno(errno);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, ifname, n);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int rc = map_errno(errno);
		close(fd);
		return rc;
	}
	t->fd = fd;
	memcpy(t->name, ifname, n);
	out_link->ops = &tap_ops;
	out_link->drv = t;
	memcpy(out_link->mac, own, 6);
	out_link->mtu = if_mtu(ifname);
	return 0;
}

int nb_tap_open(struct nb_tap *t, const char *ifname, struct nb_link *out_link)
{
	return nb_tap_open_mac(t, ifname, NULL, out_link);
}

void nb_tap_close(struct nb_tap *t)
{
	if (t && t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
	}
}

static int tap_transmit(void *drv, const void *frame, size_t len)
{
	struct nb_tap *t = drv;
	if (t->fd < 0)
		return -NB_EIO;
	/* A signal may interrupt the write; retry a few times, not forever. */
	for (int i = 0; i < 4; i++) {
		ssize_t w = write(t->fd, frame, len);
		if (w == (ssize_t)len)
			return 0;
		if (w >= 0) {
			t->tx_errors++;
			return -NB_EIO;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			t->tx_full++;
			return -NB_ENOBUFS;
		}
		break;
	}
	t->tx_errors++;
	return -NB_EIO;
}

static int tap_receive(void *drv, void *buf, size_t cap)
{
	struct nb_tap *t = drv;
	if (t->fd < 0)
		return -NB_EIO;
	/* The spill buffer makes an oversized frame visible as n > cap
	 * instead of a silent truncation; such frames are dropped.  Bounded:
	 * a flood of them yields "nothing" rather than a spin. */
	for (int i = 0; i < 16; i++) {
		struct iovec iov[2] = {
			{ .iov_base = buf, .iov_len = cap },
			{ .iov_base = t->spill, .iov_len = sizeof(t->spill) },
		};
		ssize_t n = readv(t->fd, iov, 2);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			t->rx_errors++;
			return -NB_EIO;
		}
		if (n == 0)
			return 0;
		if ((size_t)n > cap) {
			t->rx_oversize++;
			continue;
		}
		return (int)n;
	}
	return 0;
}
