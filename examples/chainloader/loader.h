/*
 * The chainloader core shared by the BIOS and UEFI builds: adopts the
 * firmware's lease (or runs DHCP), fetches images by http:// or tftp://
 * through libnetboot, and implements the script's commands.  The platform
 * supplies the link, console, clock, image memory and the final jumps.
 */
#ifndef CL_LOADER_H
#define CL_LOADER_H

#include "netboot/dhcp.h"
#include "netboot/fetch.h"
#include "netboot/http.h"
#include "netboot/sha256.h"
#include "netboot/stack.h"
#include "netboot/tcp.h"
#include "netboot/tftp.h"
#include "script.h"

#define CL_IMAGES 4       /* kernel, initrd, a chained image, one spare */
#define CL_URL_MAX 256
#define CL_IMG_ARGS_MAX 512

struct cl_platform {
	void *ctx;
	void (*print)(void *ctx, const char *text);
	uint64_t (*now_ms)(void *ctx);
	/* Optional: wait a little when the link is idle. */
	void (*idle)(void *ctx);
	/* Memory for an image of size bytes (0 = unknown): returns the
	 * buffer and its capacity in *cap, or NULL. */
	uint8_t *(*image_mem)(void *ctx, uint64_t size, uint64_t *cap);
	/* Start a kernel with an initrd (may be NULL); returns on error. */
	int (*boot_kernel)(void *ctx, const uint8_t *k, uint64_t klen,
			   const uint8_t *initrd, uint64_t ilen, const char *args);
	/* Start another boot program (NBP / EFI app); returns on error. */
	int (*boot_chain)(void *ctx, const uint8_t *img, uint64_t len,
			  const char *args);
	/* Optional: the script set DHCP option tag (set NNN:string) for
	 * a program chained next; 0 or a negative NB_E* code. */
	int (*set_option)(void *ctx, unsigned tag, const char *value);
	struct nb_link *link;
	struct nb_rng rng;
	/* The firmware's packets (may be NULL/0). */
	const void *ack, *proxy, *boot_reply;
	size_t ack_len, proxy_len, boot_reply_len;
};

struct cl_img {
	char url[CL_URL_MAX];
	char args[CL_IMG_ARGS_MAX];
	enum cl_image kind;
	uint8_t *buf;
	uint64_t cap, len;
	bool loaded;
	bool hashed;                  /* digest is valid */
	uint8_t digest[NB_SHA256_LEN];
};

/* The sink an image downloads into; also draws the progress line. */
struct cl_fetch {
	struct nb_sink sink;
	struct cl_loader *l;
	struct cl_img *img;
	uint64_t total, high, start_ms, last_draw_ms;
};

struct cl_loader {
	const struct cl_platform *p;
	struct nb_arena arena;
	struct nb_stack stack;
	struct nb_dhcp dhcp;
	struct nb_tcp tcp;
	struct nb_fetch dl;           /* the download in progress */
	struct cl_fetch fetch;
	struct cl_img images[CL_IMAGES];
	struct cl_img *kernel, *initrd;
	bool net_up;
	struct cl_script script;
	char line[160];
};

/* Set up the stack on p->link with arena memory; 0 or -NB_E*. */
int cl_loader_init(struct cl_loader *l, const struct cl_platform *p,
		   void *arena, size_t arena_len);
/* Run the embedded script; returns only when booting failed. */
int cl_loader_run(struct cl_loader *l, const char *script, size_t len);

#endif
