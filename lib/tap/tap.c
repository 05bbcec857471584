/* Linux tap link driver: the only part of the library that uses the OS. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "netboot/hosted.h"
#include "netboot/ip.h"
#include "netboot/tap.h"
#include "tap/tap_int.h"

#define VH_LEN sizeof(struct virtio_net_hdr)

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

/* The interface's MTU, capped to the largest a stack takes; 1500 when it
 * cannot be read.  The kernel side never sends us more than it. */
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
	if (mtu > NB_LINK_MTU_MAX)
		mtu = NB_LINK_MTU_MAX;
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
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	memcpy(ifr.ifr_name, ifname, n);
	bool vnet = ioctl(fd, TUNSETIFF, &ifr) == 0;
	if (!vnet) {
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
		if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
			int rc = map_errno(errno);
			close(fd);
			return rc;
		}
	}
	if (vnet) {
		int hsz = (int)VH_LEN;
		vnet = ioctl(fd, TUNSETVNETHDRSZ, &hsz) == 0 &&
		       ioctl(fd, TUNSETOFFLOAD,
				     TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) == 0;
		if (!vnet) {
			/* The header stays on (a flag of the attachment):
			 * frames still carry it, only none is a super-frame. */
			(void)ioctl(fd, TUNSETOFFLOAD, 0);
			vnet = true;
		}
	}
	t->vnet = vnet;
	t->fd = fd;
	memcpy(t->name, ifname, n);
	out_link->ops = &tap_ops;
	out_link->drv = t;
	memcpy(out_link->mac, own, 6);
	/* Jumbo frames only once the network says so (nb_stack_set_mtu()):
	 * the far end of the segment may not take them. */
	out_link->mtu_max = if_mtu(ifname);
	out_link->mtu = out_link->mtu_max > 1500 ? 1500 : out_link->mtu_max;
	return 0;
}

int nb_tap_open(struct nb_tap *t, const char *ifname, struct nb_link *out_link)
{
	return nb_tap_open_mac(t, ifname, NULL, out_link);
}

void nb_tap_close(struct nb_tap *t)
{
	if (t && t->fd >= 0) {
		if (t->vnet)
			(void)ioctl(t->fd, TUNSETOFFLOAD, 0);
		close(t->fd);
		t->fd = -1;
	}
}

static int tap_transmit(void *drv, const void *frame, size_t len)
{
	struct nb_tap *t = drv;
	if (t->fd < 0)
		return -NB_EIO;
	/* With offloads the kernel wants a header: all zero, nothing to do. */
	struct virtio_net_hdr vh;
	memset(&vh, 0, sizeof(vh));
	struct iovec iov[2] = {
		{ .iov_base = &vh, .iov_len = VH_LEN },
		{ .iov_base = (void *)(uintptr_t)frame, .iov_len = len },
	};
	size_t want = len + (t->vnet ? VH_LEN : 0);
	/* A signal may interrupt the write; retry a few times, not forever. */
	for (int i = 0; i < 4; i++) {
		ssize_t w = t->vnet ? writev(t->fd, iov, 2) : write(t->fd, frame, len);
		if (w == (ssize_t)want)
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

/* L3 offset of an IPv4 (or IPv6) frame, with or without one VLAN tag;
 * 0 if not. */
static size_t l3_at(const uint8_t *f, size_t len, uint16_t type)
{
	size_t at = 12;
	if (len >= 18 && nb_get16(f + 12) == 0x8100)
		at = 16;
	if (len < at + 2 || nb_get16(f + at) != type)
		return 0;
	return at + 2;
}

bool nb_tap_finish_csum(uint8_t *f, size_t len, size_t start, size_t off)
{
	size_t at = start + off;
	if (start >= len || at + 2 > len)
		return false;
	uint16_t c = nb_csum_fold(nb_csum_add(0, f + start, len - start));
	/* A computed zero goes out as all ones (RFC 768), as the kernel's
	 * own skb_checksum_help() does: over IPv6 a zero UDP checksum is
	 * dropped (RFC 8200 8.1), and the server's resends of that datagram
	 * carry the same bytes, so one in 65536 would stall a transfer for
	 * good.  TCP takes either form of zero. */
	nb_put16(f + at, c ? c : 0xffff);
	return true;
}

/* Check a TCP/IPv4 or TCP/IPv6 super-frame (the kernel puts no
 * extension headers in those) and set up cutting it; false to drop. */
static bool start_super(struct nb_tap *t, const struct virtio_net_hdr *vh,
			size_t len, bool v6)
{
	const uint8_t *f = t->super;
	size_t l3 = l3_at(f, len, v6 ? 0x86dd : 0x0800), l4;
	if (!l3 || len < l3 + (v6 ? 40 : 20))
		return false;
	if (v6) {
		if ((f[l3] >> 4) != 6 || f[l3 + 6] != 6)
			return false;
		l4 = l3 + 40;
	} else {
		if ((f[l3] >> 4) != 4 || f[l3 + 9] != 6)
			return false;
		l4 = l3 + (size_t)(f[l3] & 15) * 4;
	}
	if (l4 < l3 + 20 || len < l4 + 20)
		return false;
	size_t hl = l4 + (size_t)(f[l4 + 12] >> 4) * 4;
	if (hl < l4 + 20 || hl >= len || vh->gso_size == 0)
		return false;
	t->seg_len = (uint32_t)len;
	t->seg_pos = 0;
	t->seg_hl = (uint16_t)hl;
	t->seg_l3 = (uint16_t)l3;
	t->seg_l4 = (uint16_t)l4;
	t->seg_mss = vh->gso_size;
	t->seg_i = 0;
	t->seg_v6 = v6;
	t->rx_super++;
	return true;
}

/* The next wire frame of the pending super-frame, as the NIC's TSO would
 * have cut it: IP length, id (+1 per frame) and checksum, TCP sequence,
 * FIN/PSH only on the last frame, CWR only on the first, full TCP
 * checksum. */
static int next_segment(struct nb_tap *t, uint8_t *buf, size_t cap)
{
	const uint8_t *f = t->super;
	size_t hl = t->seg_hl, l3 = t->seg_l3, l4 = t->seg_l4;
	size_t pay = t->seg_len - hl, n = pay - t->seg_pos;
	if (n > t->seg_mss)
		n = t->seg_mss;
	size_t tot = hl + n;
	if (tot > cap) {
		t->rx_oversize++;
		t->seg_len = 0;
		return 0;
	}
	bool last = t->seg_pos + n == pay;
	memcpy(buf, f, hl);
	memcpy(buf + hl, f + hl + t->seg_pos, n);
	uint8_t *ip = buf + l3, *tcp = buf + l4;
	uint32_t sum;
	if (t->seg_v6) {
		uint8_t tail[8] = {0, 0, 0, 0, 0, 0, 0, 6};
		nb_put16(ip + 4, (uint16_t)(tot - l4));
		nb_put16(tail + 2, (uint16_t)(tot - l4));
		sum = nb_csum_add(nb_csum_add(0, ip + 8, 32), tail, 8);
	} else {
		nb_put16(ip + 2, (uint16_t)(tot - l3));
		nb_put16(ip + 4, (uint16_t)(nb_get16(f + l3 + 4) + t->seg_i));
		nb_put16(ip + 10, 0);
		nb_put16(ip + 10, nb_csum(ip, l4 - l3));
		sum = nb_ip_pseudo_sum(nb_get32(ip + 12), nb_get32(ip + 16), 6,
				       (uint16_t)(tot - l4));
	}
	nb_put32(tcp + 4, nb_get32(f + l4 + 4) + t->seg_pos);
	if (!last)
		tcp[13] &= (uint8_t)~0x09; /* FIN, PSH */
	if (t->seg_i)
		tcp[13] &= (uint8_t)~0x80; /* CWR */
	nb_put16(tcp + 16, 0);
	nb_put16(tcp + 16, nb_csum_fold(nb_csum_add(sum, tcp, tot - l4)));
	t->seg_pos += (uint32_t)n;
	t->seg_i++;
	t->rx_segments++;
	if (last)
		t->seg_len = 0;
	return (int)tot;
}

/* One readv(): its byte count, 0 when nothing is waiting (or the device
 * is gone), -NB_EAGAIN to retry at once (a signal), -NB_EIO on a real
 * error. */
static ssize_t read_one(struct nb_tap *t, struct iovec *iov, int n_iov)
{
	ssize_t n = readv(t->fd, iov, n_iov);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	if (errno == EINTR)
		return -NB_EAGAIN;
	t->rx_errors++;
	return -NB_EIO;
}

/* Offloads on: one read() may bring a super-frame, handed out a wire
 * frame per call. */
static int vnet_receive(struct nb_tap *t, uint8_t *buf, size_t cap)
{
	if (t->seg_len)
		return next_segment(t, buf, cap);
	for (int i = 0; i < 16; i++) {
		struct virtio_net_hdr vh;
		struct iovec iov[3] = {
			{ .iov_base = &vh, .iov_len = VH_LEN },
			{ .iov_base = t->super, .iov_len = sizeof(t->super) },
			{ .iov_base = t->spill, .iov_len = sizeof(t->spill) },
		};
		ssize_t n = read_one(t, iov, 3);
		if (n == -NB_EAGAIN)
			continue;
		if (n <= 0)
			return (int)n;
		if ((size_t)n < VH_LEN + 14 || (size_t)n > VH_LEN + sizeof(t->super)) {
			t->rx_oversize++;
			continue;
		}
		size_t len = (size_t)n - VH_LEN;
		uint8_t gso = vh.gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;
		if (gso != VIRTIO_NET_HDR_GSO_NONE) {
			bool v6 = gso == VIRTIO_NET_HDR_GSO_TCPV6;
			if ((v6 || gso == VIRTIO_NET_HDR_GSO_TCPV4) &&
			    start_super(t, &vh, len, v6))
				return next_segment(t, buf, cap);
			t->rx_bad_gso++;
			continue;
		}
		if (len > cap) {
			t->rx_oversize++;
			continue;
		}
		if ((vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
		    !nb_tap_finish_csum(t->super, len, vh.csum_start,
					vh.csum_offset)) {
			t->rx_bad_gso++;
			continue;
		}
		memcpy(buf, t->super, len);
		return (int)len;
	}
	return 0;
}

static int tap_receive(void *drv, void *buf, size_t cap)
{
	struct nb_tap *t = drv;
	if (t->fd < 0)
		return -NB_EIO;
	if (t->vnet)
		return vnet_receive(t, buf, cap);
	/* The spill buffer makes an oversized frame visible as n > cap
	 * instead of a silent truncation; such frames are dropped.  Bounded:
	 * a flood of them yields "nothing" rather than a spin. */
	for (int i = 0; i < 16; i++) {
		struct iovec iov[2] = {
			{ .iov_base = buf, .iov_len = cap },
			{ .iov_base = t->spill, .iov_len = sizeof(t->spill) },
		};
		ssize_t n = read_one(t, iov, 2);
		if (n == -NB_EAGAIN)
			continue;
		if (n <= 0)
			return (int)n;
		if ((size_t)n > cap) {
			t->rx_oversize++;
			continue;
		}
		return (int)n;
	}
	return 0;
}
