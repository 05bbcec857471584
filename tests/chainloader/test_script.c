/*
 * Unit tests of the chainloader's script interpreter against a fake
 * platform that records every call: the article's script and its gPXE
 * twin, kernel/initrd/boot, unknown commands, ||, && and goto, sha256,
 * and hostile scripts that must fail with an error code, never overflow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netboot/err.h"
#include "script.h"

/* A fake platform that records what the script asked for. */
struct fake {
	char out[2048];
	char calls[2048];
	int net_fail, load_fail, chain_rc;
	uint8_t digest[32];
};

static void add(char *buf, size_t cap, const char *t)
{
	strncat(buf, t, cap - strlen(buf) - 1);
}

static void f_print(void *ctx, const char *t)
{
	struct fake *f = ctx;
	add(f->out, sizeof(f->out), t);
}

static int f_net(void *ctx, bool cached)
{
	struct fake *f = ctx;
	add(f->calls, sizeof(f->calls), cached ? "net(cached);" : "net(dhcp);");
	return f->net_fail;
}

static int f_get(void *ctx, const char *name, char *out, size_t cap)
{
	(void)ctx;
	const char *v = !strcmp(name, "next-server") ? "10.0.0.1"
			: !strcmp(name, "210:string") ? "http://lease/"
			: NULL;
	if (!v)
		return -1;
	snprintf(out, cap, "%s", v);
	return (int)strlen(v);
}

static int f_setopt(void *ctx, unsigned tag, const char *v)
{
	struct fake *f = ctx;
	char b[400];
	snprintf(b, sizeof(b), "opt(%u,%s);", tag, v);
	add(f->calls, sizeof(f->calls), b);
	return 0;
}

static int f_load(void *ctx, enum cl_image k, const char *url, const char *args)
{
	struct fake *f = ctx;
	char b[600];
	snprintf(b, sizeof(b), "load(%d,%s,%s);", (int)k, url, args);
	add(f->calls, sizeof(f->calls), b);
	return f->load_fail;
}

static int f_chain(void *ctx, const char *url, const char *args)
{
	struct fake *f = ctx;
	char b[600];
	snprintf(b, sizeof(b), "chain(%s,%s);", url, args);
	add(f->calls, sizeof(f->calls), b);
	return f->chain_rc;
}

static int f_boot(void *ctx)
{
	struct fake *f = ctx;
	add(f->calls, sizeof(f->calls), "boot;");
	return -NB_EBADIMAGE;
}

static int f_digest(void *ctx, const char *url, uint8_t *out)
{
	struct fake *f = ctx;
	(void)url;
	memcpy(out, f->digest, 32);
	return 0;
}

static const struct cl_ops ops = {
	.print = f_print, .net_up = f_net, .get = f_get, .set_option = f_setopt,
	.load = f_load, .chain = f_chain, .boot = f_boot, .digest = f_digest,
};

static struct cl_script S;

static int run(struct fake *f, const char *text)
{
	memset(f, 0, sizeof(*f));
	f->chain_rc = -NB_ENOTFOUND;
	return cl_script_run(&S, text, strlen(text), &ops, f);
}

static void article_ipxe(void **st)
{
	(void)st;
	struct fake f;
	int rc = run(&f, "#!ipxe\n"
			 "set use-cached 1\n"
			 "dhcp net0\n"
			 "set 209:string pxelinux.cfg/default\n"
			 "set 210:string http://example.com/\n"
			 "chain ${210:string}pxelinux.0\n");
	assert_int_equal(rc, -NB_ENOTFOUND); /* the fake chain fails */
	assert_string_equal(f.calls,
			    "net(cached);opt(209,pxelinux.cfg/default);"
			    "opt(210,http://example.com/);"
			    "chain(http://example.com/pxelinux.0,);");
	assert_non_null(strstr(f.out, "script: line 6: chain: not found"));
}

static void article_gpxe(void **st)
{
	(void)st;
	struct fake f;
	run(&f, "#!gpxe\r\n"
		"echo Chainloading from ${next-server}\r\n"
		"set use-cached 1\r\n"
		"dhcp net0\r\n"
		"set 209:string pxelinux.cfg/default\r\n"
		"set 210:string http://example.com/\r\n"
		"chain ${210:string}pxelinux.0\r\n");
	assert_non_null(strstr(f.out, "Chainloading from 10.0.0.1\n"));
	assert_non_null(strstr(f.calls, "chain(http://example.com/pxelinux.0,);"));
}

static void kernel_initrd_boot(void **st)
{
	(void)st;
	struct fake f;
	int rc = run(&f, "#!ipxe\ndhcp\n"
			 "kernel ${210:string}vmlinuz console=ttyS0 quiet\n"
			 "initrd ${210:string}initrd.gz\nboot\n");
	assert_int_equal(rc, -NB_EBADIMAGE);
	assert_string_equal(f.calls,
			    "net(dhcp);load(0,http://lease/vmlinuz,console=ttyS0 quiet);"
			    "load(1,http://lease/initrd.gz,);boot;");
}

static void unknown_command(void **st)
{
	(void)st;
	struct fake f;
	int rc = run(&f, "#!ipxe\necho hi\nfrobnicate now\necho never\n");
	assert_int_equal(rc, -NB_ENOTSUP);
	assert_string_equal(f.out, "hi\nscript: line 3: frobnicate: unknown command 'frobnicate'\n");
}

static void or_and_goto(void **st)
{
	(void)st;
	struct fake f;
	int rc = run(&f, "#!ipxe\n"
			 ":retry\n"
			 "set n ${n}x\n"
			 "dhcp || goto retry\n"
			 "echo up ${n}\n");
	assert_int_equal(rc, 0);
	assert_string_equal(f.out, "up x\n");

	memset(&f, 0, sizeof(f));
	f.net_fail = -NB_EIO; /* caught by ||, so only the step limit ends it */
	const char *loop = "#!ipxe\n:l\ndhcp || goto l\n";
	rc = cl_script_run(&S, loop, strlen(loop), &ops, &f);
	assert_int_equal(rc, -NB_ETIMEDOUT);
	assert_int_equal(strlen(f.out), sizeof(f.out) - 1); /* errors were shown */

	rc = run(&f, "#!ipxe\ndhcp && echo yes || echo no\nexit\necho never\n");
	assert_int_equal(rc, 0);
	assert_string_equal(f.out, "yes\n");
}

static void sha256_check(void **st)
{
	(void)st;
	struct fake f;
	const char *good = "#!ipxe\nimgfetch http://x/a\nsha256 http://x/a "
			   "0000000000000000000000000000000000000000000000000000000000000000\necho ok\n";
	assert_int_equal(run(&f, good), 0);
	assert_string_equal(f.out, "ok\n");
	memset(&f, 0, sizeof(f));
	f.digest[5] = 1;
	assert_int_equal(cl_script_run(&S, good, strlen(good), &ops, &f), -NB_EDIGEST);
	assert_non_null(strstr(f.out, "digest mismatch"));
}

static void hostile_input(void **st)
{
	(void)st;
	struct fake f;
	char big[3000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	memcpy(big, "#!ipxe\necho ", 12);
	assert_int_equal(run(&f, big), -NB_EMSGSIZE);
	assert_int_equal(run(&f, "#!ipxe\necho ${unterminated\n"), -NB_EINVAL);
	assert_int_equal(run(&f, "#!ipxe\necho \"open\n"), -NB_EINVAL);
	assert_int_equal(run(&f, "#!sh\necho\n"), -NB_EINVAL);
	assert_int_equal(run(&f, "#!ipxe\n|| echo x\n"), -NB_EINVAL);
	assert_int_equal(run(&f, "#!ipxe\ngoto nowhere\n"), -NB_ENOTFOUND);
	/* Filling every variable slot is an error, not an overflow. */
	char many[4000] = "#!ipxe\n";
	for (int i = 0; i < CL_VARS + 2; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "set v%d x\n", i);
	assert_int_equal(run(&f, many), -NB_ENOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(article_ipxe),   cmocka_unit_test(article_gpxe),
		cmocka_unit_test(kernel_initrd_boot), cmocka_unit_test(unknown_command),
		cmocka_unit_test(or_and_goto),    cmocka_unit_test(sha256_check),
		cmocka_unit_test(hostile_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
