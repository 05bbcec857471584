/*
 * Unit tests of the chainloader's script interpreter (script/) against
 * the fake platform (fake.c): the article's scripts, images and boot,
 * "not supported" lines, ||/&&/goto, settings and every type suffix,
 * chained scripts (return, status, --replace, depth), retries, menus,
 * params POST, and hostile lines that must fail cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fake.h"
#include "netboot/err.h"
#include "initrds.h"
#include "script.h"

static struct cl_script S;
static struct fake F;

static void serve(int i, const char *url, const char *body, int fails, int rc)
{
	F.files[i] = (struct fake_file){.url = url, .body = body, .fails = fails,
					.rc = rc};
}

static int run(const char *text)
{
	return cl_script_run(&S, text, strlen(text), &fake_ops, &F);
}

static void article_ipxe(void **st)
{
	(void)st;
	fake_init(&F);
	int rc = run("#!ipxe\n"
		     "set use-cached 1\n"
		     "dhcp net0\n"
		     "set 209:string pxelinux.cfg/default\n"
		     "set 210:string http://example.com/\n"
		     "chain ${210:string}pxelinux.0\n");
	assert_int_equal(rc, -NB_ENOTFOUND); /* nothing serves it */
	assert_string_equal(F.calls,
			    "net(0);opt(209,pxelinux.cfg/default);"
			    "opt(210,http://example.com/);"
			    "fetch(http://example.com/pxelinux.0,0);");
	assert_non_null(strstr(F.out, "script: line 6: chain: not found"));
}

static void kernel_initrd_boot(void **st)
{
	(void)st;
	fake_init(&F);
	serve(0, "http://lease/vmlinuz", "MZkernel", 0, 0);
	serve(1, "http://lease/initrd.gz", "initrd", 0, 0);
	int rc = run("#!gpxe\r\ndhcp\r\n"
		     "kernel ${210:string}vmlinuz console=ttyS0 quiet\r\n"
		     "initrd --name rd ${210:string}initrd.gz\r\nboot\r\n");
	assert_int_equal(rc, -NB_EBADIMAGE);
	assert_string_equal(F.calls,
			    "net(1);fetch(http://lease/vmlinuz,0);"
			    "fetch(http://lease/initrd.gz,0);"
			    "boot(vmlinuz,console=ttyS0 quiet,rd);");
}

static void mirrors_and_initrds(void **st)
{
	(void)st;
	fake_init(&F);
	serve(0, "http://a/k/vmlinuz", "MZkernel", 0, 0);
	serve(1, "http://a/k/one", "1", 0, 0);
	serve(2, "http://a/k/two", "22", 0, 0);
	/* Line mirrors first, then the setting's bases and whole URLs; an
	 * argument with "=scheme://" stays an argument. */
	int rc = run("#!ipxe\nset mirrors  http://m1/base/ tftp://m2/x \n"
		     "kernel http://a/k/vmlinuz http://b/vmlinuz repo=http://r/\n"
		     "initrd http://a/k/one\ninitrd http://a/k/two\n"
		     "initrd http://a/k/one\nboot\n");
	assert_int_equal(rc, -NB_EBADIMAGE);
	assert_string_equal(F.calls,
		"mirror(http://b/vmlinuz);mirror(http://m1/base/k/vmlinuz);"
		"mirror(tftp://m2/x);fetch(http://a/k/vmlinuz,0);"
		"mirror(http://m1/base/k/one);mirror(tftp://m2/x);"
		"fetch(http://a/k/one,0);"
		"mirror(http://m1/base/k/two);mirror(tftp://m2/x);"
		"fetch(http://a/k/two,0);"
		"mirror(http://m1/base/k/one);mirror(tftp://m2/x);"
		"fetch(http://a/k/one,0);"
		"boot(vmlinuz,repo=http://r/,two+one);");
	/* Bounded: mirrors and initrds. */
	fake_init(&F);
	assert_int_equal(run("#!ipxe\nkernel http://a/1 http://a/2 http://a/3 "
			     "http://a/4 http://a/5 http://a/6\n"), -NB_EMSGSIZE);
	assert_non_null(strstr(F.out, "too many mirrors"));
	fake_init(&F);
	for (int i = 0; i < 5; i++) {
		static const char *const u[] = {"http://s/a", "http://s/b",
			"http://s/c", "http://s/d", "http://s/e"};
		serve(i, u[i], "x", 0, 0);
	}
	assert_int_equal(run("#!ipxe\ninitrd http://s/a\ninitrd http://s/b\n"
			     "initrd http://s/c\ninitrd http://s/d\n"
			     "initrd http://s/e\n"), -NB_ENOMEM);
	assert_non_null(strstr(F.out, "too many initrds"));
}

static void initrds_join(void **st)
{
	(void)st;
	static uint8_t a[5] = "abcde", b[4] = "wxyz", c[1] = "q";
	struct cl_img i[3] = {{.buf = a, .len = 5}, {.buf = b, .len = 4},
			      {.buf = c, .len = 1}};
	struct cl_img *v[3] = {&i[0], &i[1], &i[2]};
	uint8_t out[16];
	memset(out, 0xee, sizeof(out));
	assert_int_equal(cl_initrds_size(v, 3), 16);
	assert_int_equal(cl_initrds_join(v, 3, out, sizeof(out)), 16);
	assert_memory_equal(out, "abcde\0\0\0wxyzq\0\0\0", 16);
	assert_int_equal(cl_initrds_join(v, 3, out, 15), -NB_ETOOBIG);
	assert_int_equal(cl_initrds_size(v, 0), 0);
}

static void not_supported(void **st)
{
	(void)st;
	fake_init(&F);
	int rc = run("#!ipxe\nsanboot iscsi:x || echo handled\nlogin\necho never\n");
	assert_int_equal(rc, -NB_ENOTSUP);
	assert_string_equal(F.out,
		"script: line 2: sanboot: not supported by this loader\n"
		"handled\n"
		"script: line 3: login: not supported by this loader\n");
}

static void or_and_goto(void **st)
{
	(void)st;
	fake_init(&F);
	assert_int_equal(run("#!ipxe\n:retry\nset n ${n}x\n"
			     "isset ${n} && iseq ${n} xx || goto retry\n"
			     "echo up ${n}\n"), 0);
	assert_string_equal(F.out, "up xx\n");
	fake_init(&F);
	F.net_rc = -NB_EIO; /* caught by ||: only the step limit ends it */
	assert_int_equal(run("#!ipxe\n:l\ndhcp || goto l\n"), -NB_ETIMEDOUT);
	fake_init(&F);
	assert_int_equal(run("#!ipxe\ndhcp && echo yes || echo no\nexit\necho never\n"), 0);
	assert_string_equal(F.out, "yes\n");
	fake_init(&F);
	assert_int_equal(run("#!ipxe\nexit 3\n"), -NB_ECANCELED);
	assert_int_equal(run("#!ipxe\ngoto nowhere\n"), -NB_ENOTFOUND);
}

static void fmt(enum cl_type t, const void *raw, size_t n, const char *want)
{
	char out[128];
	assert_int_equal(cl_format(t, raw, n, out, sizeof(out)), (int)strlen(want));
	assert_string_equal(out, want);
	uint8_t back[64];
	if (t != CL_T_UUID && t != CL_T_INT8) {
		int bl = cl_parse(t, want, back, sizeof(back));
		assert_true(bl >= 0);
		assert_int_equal(cl_format(t, back, (size_t)bl, out, sizeof(out)),
				 (int)strlen(want));
		assert_string_equal(out, want);
	}
}

static void types(void **st)
{
	(void)st;
	const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
	fmt(CL_T_HEX, mac, 6, "52:54:00:ab:cd:ef");
	fmt(CL_T_HEXHYP, mac, 6, "52-54-00-ab-cd-ef");
	fmt(CL_T_HEXRAW, mac, 6, "525400abcdef");
	fmt(CL_T_BASE64, mac, 6, "UlQAq83v");
	fmt(CL_T_IPV4, "\x0a\x00\x00\x05", 4, "10.0.0.5");
	fmt(CL_T_STRING, "a b/c", 5, "a b/c");
	fmt(CL_T_URISTRING, "a b/c&d", 7, "a%20b%2Fc%26d");
	fmt(CL_T_INT8, "\xff", 1, "-1");
	fmt(CL_T_UINT8, "\xff", 1, "255");
	fmt(CL_T_INT16, "\x80\x00", 2, "-32768");
	fmt(CL_T_UINT16, "\x12\x34", 2, "4660");
	fmt(CL_T_INT32, "\xff\xff\xff\xfe", 4, "-2");
	fmt(CL_T_UINT32, "\xff\xff\xff\xfe", 4, "4294967294");
	fmt(CL_T_UUID, "\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef",
	    16, "12345678-9abc-def0-0123-456789abcdef");
	uint8_t b[8];
	assert_int_equal(cl_parse(CL_T_IPV4, "10.0.0", b, 8), -NB_EINVAL);
	assert_int_equal(cl_parse(CL_T_IPV4, "256.0.0.1", b, 8), -NB_EINVAL);
	assert_int_equal(cl_parse(CL_T_INT32, "12x", b, 8), -NB_EINVAL);
	assert_int_equal(cl_parse(CL_T_INT32, "0x10", b, 8), 4);
	assert_int_equal(b[3], 16);
	assert_int_equal(cl_parse(CL_T_HEX, "1:2", b, 8), -NB_EINVAL);
	assert_int_equal(cl_parse(CL_T_HEX, "0102030405060708aa", b, 8), -NB_EMSGSIZE);
	assert_int_equal(cl_parse(CL_T_BASE64, "a$", b, 8), -NB_EINVAL);
	char out[4];
	assert_int_equal(cl_format(CL_T_HEX, mac, 6, out, sizeof(out)), -NB_EMSGSIZE);
	assert_int_equal(cl_type_named("hexhyp"), CL_T_HEXHYP);
	assert_int_equal(cl_type_named("nope"), -1);
}

static void settings(void **st)
{
	(void)st;
	fake_init(&F);
	int rc = run("#!ipxe\n"
		     "echo ${net0/mac:hexhyp} ${mac} ${ip} ${uuid} ${buildarch} ${platform}\n"
		     "echo [${net1/mac}] [${nothing}] ${12} ${12:hex} ${serial} ${smbios/serial}\n"
		     "set x:uint16 0x1234\nshow x\nshow x:hexraw\n"
		     "set net0/foo a b\necho ${net0/foo} ${net0/foo:uristring}\n"
		     "clear x\nisset ${x} || echo cleared\n"
		     "set ip 1.2.3.4\necho ${ip}\n"
		     "set bad:ipv4 1.2 || echo bad\nset y:nope 1 || echo badtype\n");
	assert_int_equal(rc, 0);
	assert_string_equal(F.out,
		"52-54-00-12-34-56 52:54:00:12:34:56 10.0.0.5 "
		"12345678-9abc-def0-0123-456789abcdef x86_64 efi\n"
		"[] [] host-a 68:6f:73:74:2d:61 SN-1 SN-1\n"
		"x = 4660\nx:hexraw = 1234\n"
		"a b a%20b\ncleared\n1.2.3.4\n"
		"script: line 13: set: bad value for its type\nbad\n"
		"script: line 14: set: bad setting name or type\nbadtype\n");
}

static void nic_loop(void **st)
{
	(void)st;
	fake_init(&F);
	int rc = run("#!ipxe\nset idx:int32 0\n"
		     ":loop\nisset ${net${idx}/mac} || goto done\n"
		     "echo nic ${idx} ${net${idx}/mac}\ninc idx\ngoto loop\n"
		     ":done\necho ${idx} nics\ninc idx 5\nset s 7\ninc s\necho ${idx} ${s}\n");
	assert_int_equal(rc, 0);
	assert_string_equal(F.out, "nic 0 52:54:00:12:34:56\n1 nics\n6 8\n");
}

static void chained_scripts(void **st)
{
	(void)st;
	fake_init(&F);
	serve(0, "http://s/a.ipxe", "#!ipxe\necho in a ${mac:hexhyp}\nchain http://s/b.ipxe || echo b failed\necho a again\nexit 2\n", 0, 0);
	serve(1, "http://s/b.ipxe", "#!gpxe\necho in b\nkernel http://s/missing\n", 0, 0);
	serve(2, "http://s/r.ipxe", "#!ipxe\necho replaced\n", 0, 0);
	int rc = run("#!ipxe\nchain http://s/a.ipxe || echo a said ${x}no\n"
		     "chain --replace http://s/r.ipxe\necho never\n");
	assert_int_equal(rc, 0);
	assert_string_equal(F.out,
		"in a 52-54-00-12-34-56\nin b\n"
		"script: line 3: kernel: not found\n"
		"b failed\na again\na said no\nreplaced\n");
	/* A script chaining itself stops at the depth bound, with a message. */
	fake_init(&F);
	serve(0, "http://s/loop.ipxe", "#!ipxe\nchain http://s/loop.ipxe\n", 0, 0);
	rc = run("#!ipxe\nchain http://s/loop.ipxe || echo caught\n");
	assert_int_equal(rc, 0);
	assert_non_null(strstr(F.out, "scripts chained too deep"));
	assert_non_null(strstr(F.out, "caught\n"));
	/* A non-script image goes to the platform. */
	fake_init(&F);
	serve(0, "http://s/x.efi", "MZ", 0, 0);
	assert_int_equal(run("#!ipxe\nchain --autofree http://s/x.efi a=1\n"), -NB_ENOTFOUND);
	assert_non_null(strstr(F.calls, "chain(x.efi,a=1);"));
}

static void retry(void **st)
{
	(void)st;
	fake_init(&F);
	serve(0, "http://s/vmlinuz", "K", 2, -NB_ESERVER);
	serve(1, "http://s/initrd", "I", 0, 0);
	int rc = run("#!ipxe\nset tries:int32 0\n:retry_boot\nimgfree\ninc tries\n"
		     "iseq ${tries} 5 && exit 1 || echo try ${tries}\n"
		     "kernel --timeout 5000 http://s/vmlinuz quiet || goto retry_boot\n"
		     "initrd http://s/initrd || goto retry_boot\nimgargs vmlinuz quiet x=${tries}\nboot\n");
	assert_int_equal(rc, -NB_EBADIMAGE);
	assert_string_equal(F.calls,
		"fetch(http://s/vmlinuz,5000);fetch(http://s/vmlinuz,5000);"
		"fetch(http://s/vmlinuz,5000);fetch(http://s/initrd,0);"
		"boot(vmlinuz,quiet x=3,initrd);");
}

static void menus(void **st)
{
	(void)st;
	const char *menu = "#!ipxe\nmenu Pick one\nitem --gap -- Systems:\n"
			   "item --key a alpha Alpha OS\nitem --key b beta Beta OS\n"
			   "item shell Shell\n"
			   "choose --default beta --timeout 3000 target || goto cancel\n"
			   "echo chose ${target}\nexit\n:cancel\necho cancelled\n";
	fake_init(&F); /* no key: the default after the timeout */
	assert_int_equal(run(menu), 0);
	assert_non_null(strstr(F.out, "Pick one\nSystems:\n  [a] Alpha OS\n  [b] Beta OS\n  [ ] Shell\n"));
	assert_non_null(strstr(F.out, "chose beta\n"));
	assert_true(F.now >= 3000 && F.now < 3100);
	fake_init(&F);
	F.keys = "xa";
	assert_int_equal(run(menu), 0);
	assert_non_null(strstr(F.out, "chose alpha\n"));
	fake_init(&F);
	F.keys = "\x1b";
	assert_int_equal(run(menu), 0);
	assert_non_null(strstr(F.out, "cancelled\n"));
	fake_init(&F);
	F.keys = "y";
	assert_int_equal(run("#!ipxe\nprompt --key y --timeout 1000 Go? && echo yes\n"
			     "prompt --timeout 500 || echo timeout\nsleep 2\n"), 0);
	assert_string_equal(F.out, "Go?\nyes\nPress any key to continue\ntimeout\n");
}

static void params_post(void **st)
{
	(void)st;
	fake_init(&F);
	serve(0, "http://s/boot", "#!ipxe\necho posted\n", 0, 0);
	int rc = run("#!ipxe\nparams\nparam mac ${net0/mac}\nparam note a b&c\n"
		     "chain http://s/boot##params\n");
	assert_int_equal(rc, 0);
	assert_string_equal(F.calls,
		"fetch(http://s/boot POST mac=52%3A54%3A00%3A12%3A34%3A56&note=a%20b%26c,0);");
	assert_string_equal(F.out, "posted\n");
	fake_init(&F);
	assert_int_equal(run("#!ipxe\nparam a b\n"), -NB_EINVAL);
}

static void sha256_check(void **st)
{
	(void)st;
	fake_init(&F);
	serve(0, "http://x/a", "abc", 0, 0);
	assert_int_equal(run("#!ipxe\nimgfetch http://x/a\nsha256 a "
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\necho ok\n"), 0);
	assert_string_equal(F.out, "ok\n");
	fake_init(&F);
	serve(0, "http://x/a", "abd", 0, 0);
	assert_int_equal(run("#!ipxe\nsha256 http://x/a "
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"), -NB_EDIGEST);
	assert_non_null(strstr(F.out, "digest mismatch"));
}

static void hostile(void **st)
{
	(void)st;
	static char big[4096];
	fake_init(&F);
	assert_int_equal(run("#!ipxe\necho \"open\n"), -NB_EINVAL);
	assert_int_equal(run("#!ipxe\necho ${}\n"), -NB_EINVAL);
	assert_int_equal(run("#!ipxe\necho ${ip:nonsense}\n"), -NB_EINVAL);
	assert_int_equal(run("#!bash\n"), -NB_EINVAL);
	assert_int_equal(run("#!ipxe\necho a || || echo b\n"), -NB_EINVAL);
	assert_int_equal(run("#!ipxe\nimgfetch --bogus x\n"), -NB_EINVAL);
	assert_int_equal(run("#!ipxe\nkernel --timeout\n"), -NB_EINVAL);
	assert_int_equal(run("#!ipxe\nboot\n"), -NB_EINVAL);
	assert_int_equal(run("#!ipxe\nchoose x\n"), -NB_EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "echo ", 5);
	assert_int_equal(run(big), -NB_EMSGSIZE);
	/* A setting expanding to itself is expanded a bounded number of times. */
	fake_init(&F);
	assert_int_equal(run("#!ipxe\nset a $\nset b {a}\nset c ${a}${b}\n"
			     "set a ${c}\necho ${a}\n"), 0);
	fake_init(&F);
	strcpy(big, "#!ipxe\nset v ");
	memset(big + 13, 'v', 200);
	strcpy(big + 213, "\necho ${v}${v}${v}\n");
	assert_int_equal(run(big), -NB_EMSGSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(article_ipxe), cmocka_unit_test(kernel_initrd_boot),
		cmocka_unit_test(not_supported), cmocka_unit_test(or_and_goto),
		cmocka_unit_test(types), cmocka_unit_test(settings),
		cmocka_unit_test(nic_loop), cmocka_unit_test(chained_scripts),
		cmocka_unit_test(retry), cmocka_unit_test(menus),
		cmocka_unit_test(params_post), cmocka_unit_test(sha256_check),
		cmocka_unit_test(hostile), cmocka_unit_test(mirrors_and_initrds),
		cmocka_unit_test(initrds_join),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
