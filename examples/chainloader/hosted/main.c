/*
 * The chainloader core on Linux, over a tap device: the same script and
 * loader code as the firmware builds, with "booting" replaced by writing
 * the images to files and printing their SHA-256.  Tests drive it against
 * real dnsmasq and nginx without firmware in the loop.
 *
 *   nbchain-hosted --tap IF --script FILE [--cached-dhcp ACK
 *                  [--cached-proxy P]] [--save-dhcp FILE] [--out DIR]
 *                  [--smbios FILE] [--keys KEYS] [--mac MAC]
 *
 * --smbios: an SMBIOS structure table (as /sys/firmware/dmi/tables/DMI)
 * for ${uuid}, ${serial}, ...; --keys: keys the menus and prompts read,
 * one every 200 ms ("\r" is Enter, "\e" Esc).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "loader.h"
#include "netboot/hosted.h"
#include "netboot/tap.h"

/* Largest image the hosted loader accepts (address space, not memory:
 * pages are only touched as data lands). */
#define IMAGE_CAP (1ull << 30)

struct host {
	struct nb_clock clock;
	const char *out_dir;
	const char *save_dhcp;
	struct cl_loader *loader;
	const char *keys;
	uint64_t last_key;
};

static void h_print(void *ctx, const char *t)
{
	(void)ctx;
	fputs(t, stdout);
	fflush(stdout);
}

static uint64_t h_now(void *ctx)
{
	struct host *h = ctx;
	return h->clock.now_ms(h->clock.ctx);
}

static void h_idle(void *ctx, uint32_t max_ms)
{
	struct host *h = ctx;
	/* Until the stack's next deadline (nb_wait() computes it, capped);
	 * a frame on the tap wakes poll() earlier. */
	h->clock.idle(h->clock.ctx, max_ms);
}

static int h_key(void *ctx)
{
	struct host *h = ctx;
	uint64_t now = h_now(h);
	if (!h->keys || !*h->keys || now - h->last_key < 200)
		return -1;
	h->last_key = now;
	int k = (unsigned char)*h->keys++;
	if (k == '\\' && *h->keys) {
		k = *h->keys == 'r' ? '\r' : *h->keys == 'e' ? 27 : *h->keys;
		h->keys++;
	}
	return k;
}

static uint8_t *h_image_mem(void *ctx, uint64_t size, uint64_t *cap)
{
	(void)ctx;
	uint64_t want = size ? size : IMAGE_CAP;
	if (want > IMAGE_CAP)
		return NULL;
	void *p = mmap(NULL, want ? want : 1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	*cap = want;
	return p;
}

static void save(struct host *h, const char *name, const uint8_t *p, uint64_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", h->out_dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "nbchain-hosted: cannot write %s\n", path);
		exit(1);
	}
}

static void print_digest(const char *what, const uint8_t *p, uint64_t n)
{
	struct nb_sha256 c;
	uint8_t d[NB_SHA256_LEN];
	nb_sha256_init(&c);
	nb_sha256_update(&c, p, n);
	nb_sha256_final(&c, d);
	printf("%s %llu bytes sha256 ", what, (unsigned long long)n);
	for (int i = 0; i < NB_SHA256_LEN; i++)
		printf("%02x", d[i]);
	printf("\n");
}

static void save_lease(struct host *h)
{
	size_t n = 0;
	const uint8_t *ack;
	if (!h->save_dhcp)
		return;
	ack = nb_dhcp_packet(&h->loader->dhcp, NB_DHCP_PKT_ACK, &n);
	if (ack && n)
		save(h, h->save_dhcp, ack, n);
}

static int h_boot_kernel(void *ctx, const uint8_t *k, uint64_t klen,
			 const uint8_t *i, uint64_t ilen, const char *args)
{
	struct host *h = ctx;
	save_lease(h);
	save(h, "kernel", k, klen);
	print_digest("BOOT kernel", k, klen);
	if (i) {
		save(h, "initrd", i, ilen);
		print_digest("BOOT initrd", i, ilen);
	}
	printf("BOOT args %s\n", args);
	exit(0);
}

static int h_boot_chain(void *ctx, const uint8_t *img, uint64_t len,
			const char *args)
{
	struct host *h = ctx;
	save_lease(h);
	save(h, "chained", img, len);
	print_digest("CHAIN image", img, len);
	printf("CHAIN args %s\n", args);
	exit(0);
}

static void *slurp(const char *path, size_t *len)
{
	static char buf[4][65536];
	static int which;
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "nbchain-hosted: cannot read %s\n", path);
		exit(1);
	}
	char *b = buf[which++ & 3];
	*len = fread(b, 1, sizeof(buf[0]), f);
	fclose(f);
	return b;
}

int main(int argc, char **argv)
{
	static struct host h = {.out_dir = "."};
	static struct cl_platform p;
	static struct cl_loader l;
	static struct nb_tap tap;
	static struct nb_link link;
	const char *ifname = NULL, *script = NULL;
	uint8_t mac[6];
	bool have_mac = false;
	static const struct option opts[] = {
		{"tap", required_argument, 0, 't'},
		{"script", required_argument, 0, 's'},
		{"cached-dhcp", required_argument, 0, 'a'},
		{"cached-proxy", required_argument, 0, 'p'},
		{"save-dhcp", required_argument, 0, 'S'},
		{"out", required_argument, 0, 'o'},
		{"smbios", required_argument, 0, 'b'},
		{"keys", required_argument, 0, 'k'},
		{"mac", required_argument, 0, 'm'},
		{0, 0, 0, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': ifname = optarg; break;
		case 's': script = optarg; break;
		case 'a': p.ack = slurp(optarg, &p.ack_len); break;
		case 'p': p.proxy = slurp(optarg, &p.proxy_len); break;
		case 'S': h.save_dhcp = optarg; break;
		case 'o': h.out_dir = optarg; break;
		case 'b': p.smbios = slurp(optarg, &p.smbios_len); break;
		case 'k': h.keys = optarg; break;
		case 'm':
			if (nb_hosted_parse_mac(optarg, mac) < 0)
				return 2;
			have_mac = true;
			break;
		default: return 2;
		}
	}
	if (!ifname || !script) {
		fprintf(stderr, "usage: nbchain-hosted --tap IF --script FILE ...\n");
		return 2;
	}
	if (nb_hosted_rng(&p.rng) < 0 || nb_tap_open_mac(&tap, ifname, have_mac ? mac : NULL, &link) < 0) {
		fprintf(stderr, "nbchain-hosted: cannot open %s\n", ifname);
		return 1;
	}
	nb_hosted_clock(&h.clock, tap.fd);
	p.ctx = &h;
	p.print = h_print;
	p.now_ms = h_now;
	p.idle = h_idle;
	p.image_mem = h_image_mem;
	p.boot_kernel = h_boot_kernel;
	p.boot_chain = h_boot_chain;
	p.link = &link;
	p.key = h_key;
	p.buildarch = sizeof(void *) == 8 ? "x86_64" : "i386";
	p.platform = "linux";
	h.last_key = h_now(&h);
	h.loader = &l;
	size_t arena_len = 4u << 20;
	void *arena = malloc(arena_len);
	if (!arena || cl_loader_init(&l, &p, arena, arena_len) < 0) {
		fprintf(stderr, "nbchain-hosted: init failed\n");
		return 1;
	}
	size_t slen;
	const char *text = slurp(script, &slen);
	int rc = cl_loader_run(&l, text, slen);
	save_lease(&h);
	fprintf(stderr, "nbchain-hosted: script ended: %s\n", nb_strerror(rc));
	return rc ? 1 : 0;
}
