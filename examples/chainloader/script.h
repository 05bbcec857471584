/*
 * The chainloader's iPXE/gPXE script interpreter, shared by the BIOS, UEFI
 * and hosted builds.  Freestanding, no allocation, no recursion: all state
 * sits in struct cl_script, and a chained script is one more frame on a
 * bounded stack (CL_DEPTH), not a nested call.  Sources: script/ (parse.c
 * lines, expansion and the run loop; settings.c types and settings;
 * commands.c the command table; images.c images, menus and params).
 *
 * The language: a first line "#!ipxe" or "#!gpxe"; "#" comments;
 * ":label"; "cmd || cmd", "cmd && cmd"; "${name}" and "${name:type}"
 * (nested: ${net${idx}/mac}).  Commands: see cl_commands in commands.c.
 * Settings: user settings of any name, then the machine's (settings.c).
 * A failing line prints "script: line N: CMD: why" and, unless "||"
 * catches it, ends the script with that status.
 */
#ifndef CL_SCRIPT_H
#define CL_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netboot/sha256.h"

#define CL_VARS 32         /* user settings held at once */
#define CL_NAME_MAX 32     /* longest setting/label/image name + NUL */
#define CL_VALUE_MAX 256   /* longest setting value (bytes) */
#define CL_LINE_MAX 512    /* longest line after expansion + NUL */
#define CL_ARGS_MAX 24     /* words per line */
#define CL_MAX_STEPS 8192  /* lines executed before a goto loop is cut off */
#define CL_DEPTH 4         /* scripts chained inside each other */
#define CL_IMAGES 8        /* images registered at once */
#define CL_URL_MAX 256
#define CL_IMG_ARGS_MAX 512
#define CL_MENU_ITEMS 16
#define CL_ITEM_TEXT 64
#define CL_PARAMS_MAX 512  /* a params list, form-encoded */
#define CL_MIRRORS 4       /* other URLs tried for one image */
#define CL_INITRDS 4       /* initrds concatenated for one kernel */

/* Value types (":type" suffixes). */
enum cl_type {
	CL_T_STRING, CL_T_URISTRING, CL_T_IPV4, CL_T_INT8, CL_T_UINT8,
	CL_T_INT16, CL_T_UINT16, CL_T_INT32, CL_T_UINT32, CL_T_HEX,
	CL_T_HEXHYP, CL_T_HEXRAW, CL_T_BASE64, CL_T_UUID, CL_T_COUNT
};

/* Machine settings the platform answers (cl_ops.get): 1..254 are DHCP
 * options of the lease, the rest are these. */
enum cl_key {
	CL_K_MAC = 256, CL_K_IP, CL_K_NEXT_SERVER, CL_K_FILENAME, CL_K_UUID,
	CL_K_SERIAL, CL_K_MANUFACTURER, CL_K_PRODUCT, CL_K_ASSET,
	CL_K_BUILDARCH, CL_K_PLATFORM, CL_K_IP6
};

/* What cl_ops.net does. */
enum cl_net { CL_NET_CACHED, CL_NET_DHCP, CL_NET_CLOSE, CL_NET_STAT,
	      CL_NET_ROUTE };

/* A registered image.  buf/cap belong to the platform (image memory) and
 * stay with the slot after imgfree, for the next image to reuse. */
struct cl_img {
	char name[CL_NAME_MAX];
	char url[CL_URL_MAX];
	char args[CL_IMG_ARGS_MAX];
	uint8_t *buf;
	uint64_t cap, len;
	bool used, autofree, running, hashed;
	uint8_t digest[NB_SHA256_LEN];
};

/* The platform.  Calls return 0 or a negative NB_E* code. */
struct cl_ops {
	void (*print)(void *ctx, const char *text); /* no newline added */
	/* A key pressed (firmware keyboard or serial), or -1 for none yet. */
	int (*key)(void *ctx);
	uint64_t (*now)(void *ctx);
	/* Pass up to ms keeping the network served (sleep, prompt, menus). */
	void (*wait)(void *ctx, uint32_t ms);
	int (*net)(void *ctx, enum cl_net what);
	/* Raw bytes of machine setting key (enum cl_key or a DHCP option
	 * number) into out; their length, or -1 when unset. */
	int (*get)(void *ctx, unsigned key, uint8_t *out, size_t cap);
	/* "set NNN:type VALUE": a DHCP option the next stage should see. */
	int (*set_option)(void *ctx, unsigned tag, const char *value);
	/* Download img->url into img (buf/cap/len), failing over to the
	 * nmirrors URLs in mirrors in order (resuming from the bytes held);
	 * post: a form body to POST, or NULL; timeout_ms 0: the loader's
	 * default. */
	int (*fetch)(void *ctx, struct cl_img *img, const char *const *mirrors,
		     unsigned nmirrors, const char *post, uint32_t timeout_ms);
	/* Start a kernel with its n initrds (in the order given, n may be 0);
	 * returns only on error. */
	int (*boot)(void *ctx, struct cl_img *kernel,
		    struct cl_img *const *initrds, unsigned n);
	/* Start another boot program; returns only on error. */
	int (*chain)(void *ctx, struct cl_img *img);
};

struct cl_var {
	char name[CL_NAME_MAX];
	uint8_t type;   /* enum cl_type */
	uint16_t len;
	uint8_t value[CL_VALUE_MAX];
};

/* One script being run: where it is, and the line it is in the middle of
 * while a script it chained runs (argv point into line). */
struct cl_frame {
	const char *text;
	size_t len, at;
	unsigned lineno;
	struct cl_img *img; /* the script's image, NULL for the embedded one */
	bool mid_line;      /* resume line at word next with status rc */
	bool run;
	int argc, next, rc;
	char *argv[CL_ARGS_MAX + 1];
	char line[CL_LINE_MAX];
};

struct cl_item {
	char label[CL_NAME_MAX];
	char text[CL_ITEM_TEXT];
	int key;
	bool gap, is_default;
};

struct cl_script {
	const struct cl_ops *ops;
	void *ctx;
	int depth;           /* frames in use */
	unsigned steps;
	bool exited;
	int exit_code;
	int push;            /* image index to run as a script, -1 none */
	bool replace;
	struct cl_frame frames[CL_DEPTH];
	struct cl_var vars[CL_VARS];
	struct cl_img images[CL_IMAGES];
	struct cl_img *kernel; /* imgselect / kernel */
	struct cl_img *initrds[CL_INITRDS]; /* initrd / module, in order */
	unsigned ninitrds;
	char menu_title[CL_ITEM_TEXT];
	int nitems;
	struct cl_item items[CL_MENU_ITEMS];
	int params_len;      /* -1: no params list */
	char params[CL_PARAMS_MAX];
	const char *mirror[CL_MIRRORS]; /* the fetch's, in mirror_buf */
	unsigned nmirrors;
	char mirror_buf[CL_MIRRORS * CL_URL_MAX];
	char raw[CL_LINE_MAX];
	char tmp[CL_LINE_MAX];
	char msg[CL_LINE_MAX];
};

/* Run the embedded script.  Returns 0 when it ends (or exits 0), else the
 * failing command's code, after printing "script: line N: ...". */
int cl_script_run(struct cl_script *s, const char *text, size_t len,
		  const struct cl_ops *ops, void *ctx);

/* A user setting's raw value (NULL when unset); *len its length. */
const struct cl_var *cl_script_var(const struct cl_script *s,
				   const char *name);

/* Format raw bytes as type t into out (cap bytes, NUL terminated):
 * length, or -NB_EMSGSIZE / -NB_EINVAL. */
int cl_format(enum cl_type t, const uint8_t *raw, size_t len, char *out,
	      size_t cap);
/* Parse text as type t into raw: length, or -NB_EINVAL / -NB_EMSGSIZE. */
int cl_parse(enum cl_type t, const char *text, uint8_t *raw, size_t cap);
/* The type named by "hexhyp" etc., or -1. */
int cl_type_named(const char *name);

#endif
