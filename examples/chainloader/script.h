/*
 * The chainloader's embedded script: the iPXE/gPXE script subset that
 * chainloading needs, shared by the BIOS and UEFI builds.  Freestanding,
 * no allocation: all state sits in struct cl_script.
 *
 * Accepted: a first line "#!ipxe" or "#!gpxe"; "#" comments; ":label",
 * "goto label", "exit [N]"; "cmd || cmd" and "cmd && cmd"; "${name}" and
 * "${name:type}" expansion (script variables first, then the platform's
 * settings such as ip, filename, next-server, 210:string); and the commands
 *   echo [-n] TEXT          set NAME [VALUE...]    clear NAME
 *   dhcp|ifopen|ifconf [IF] (adopt the firmware lease when use-cached=1)
 *   kernel|imgload URL [ARGS...]   initrd|module URL   imgfetch URL
 *   chain|imgexec URL [ARGS...]    boot    sha256 URL HEX
 * Anything else fails with a line naming the command.
 */
#ifndef CL_SCRIPT_H
#define CL_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CL_VARS 24        /* script variables held at once */
#define CL_NAME_MAX 32    /* longest variable name + NUL */
#define CL_VALUE_MAX 256  /* longest value + NUL (a URL prefix fits) */
#define CL_LINE_MAX 512   /* longest line after expansion + NUL */
#define CL_ARGS_MAX 16    /* words per command */
#define CL_MAX_STEPS 4096 /* lines executed before a goto loop is cut off */

/* What an image fetched by the script is for. */
enum cl_image { CL_KERNEL, CL_INITRD, CL_FETCH };

/* The platform: console, network and images.  Every call returns 0 or a
 * negative NB_E* code (a failure ends the script unless "||" catches it). */
struct cl_ops {
	void (*print)(void *ctx, const char *text); /* text, no newline added */
	/* Bring the network up: adopt the firmware's lease when use_cached,
	 * else run DHCP. */
	int (*net_up)(void *ctx, bool use_cached);
	/* Platform setting for ${name}: copy into out (cap bytes, NUL
	 * terminated) and return its length, or -1 when unset. */
	int (*get)(void *ctx, const char *name, char *out, size_t cap);
	/* "set NNN:type VALUE": a DHCP option the next stage should see. */
	int (*set_option)(void *ctx, unsigned tag, const char *value);
	int (*load)(void *ctx, enum cl_image kind, const char *url,
		    const char *args);
	/* Fetch (or reuse a loaded) image and start it; returns only on error. */
	int (*chain)(void *ctx, const char *url, const char *args);
	/* Start the loaded kernel (+initrd); returns only on error. */
	int (*boot)(void *ctx);
	/* SHA-256 of the image loaded from url into out[32]. */
	int (*digest)(void *ctx, const char *url, uint8_t *out);
};

struct cl_var {
	char name[CL_NAME_MAX];
	char value[CL_VALUE_MAX];
};

struct cl_script {
	const struct cl_ops *ops;
	void *ctx;
	const char *text;
	size_t len;
	size_t at;       /* offset of the next line */
	bool too_long;   /* the line in raw was cut */
	unsigned lineno;
	struct cl_var vars[CL_VARS];
	char raw[CL_LINE_MAX];
	char line[CL_LINE_MAX];
	char msg[CL_LINE_MAX];
	char *argv[CL_ARGS_MAX + 1];
	int argc;
	bool exited;
	int exit_code;
};

/* Run a script.  Returns 0 when it ends (or exits 0), else the failing
 * command's code, after printing "script: line N: ...". */
int cl_script_run(struct cl_script *s, const char *text, size_t len,
		  const struct cl_ops *ops, void *ctx);

/* Script variable lookup (NULL when unset). */
const char *cl_script_var(const struct cl_script *s, const char *name);

#endif
