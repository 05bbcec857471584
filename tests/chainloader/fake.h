/*
 * A fake platform under the script interpreter (struct cl_ops), shared by
 * the unit tests and the fuzz harness: files served by URL (each may fail
 * a number of times first), fixed machine settings, keys that arrive on a
 * fake clock, and a log of every call.  No network, no waiting.
 */
#ifndef CL_TEST_FAKE_H
#define CL_TEST_FAKE_H

#include "script.h"

#define FAKE_FILES 8
#define FAKE_MEM 4096

struct fake_file {
	const char *url;
	const char *body;
	size_t len;      /* 0: strlen(body) */
	int fails, rc;   /* the first `fails` fetches answer rc */
};

struct fake {
	char out[8192];
	char calls[4096];
	uint64_t now;
	const char *keys;      /* one arrives every key_ms of fake time */
	uint32_t key_ms;
	uint64_t last_key;
	int net_rc, chain_rc, boot_rc;
	struct fake_file files[FAKE_FILES];
	int nmem;
	uint8_t mem[CL_IMAGES * 2][FAKE_MEM];
};

extern const struct cl_ops fake_ops;

/* Reset f (keeps nothing) with files served as given. */
void fake_init(struct fake *f);

#endif
