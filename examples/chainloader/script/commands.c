/*
 * The command table: each name maps to one case below; images, menus and
 * params live in images.c and menu.c.  Names iPXE has and we do not fail
 * with "not supported", so a script's "||" handler runs.
 */
#include "script/int.h"

enum {
	C_ECHO, C_SET, C_CLEAR, C_SHOW, C_ISSET, C_ISEQ, C_INC, C_SLEEP,
	C_PROMPT, C_GOTO, C_EXIT, C_DHCP, C_IFCONF, C_IFOPEN, C_IFCLOSE,
	C_IFSTAT, C_ROUTE,
	/* images.c, in its order */
	C_IMGFETCH, C_MODULE, C_INITRD, C_KERNEL, C_IMGLOAD, C_IMGSELECT,
	C_CHAIN, C_IMGEXEC, C_BOOT, C_IMGFREE, C_IMGARGS, C_SHA256,
	/* menu.c, in its order */
	C_MENU, C_ITEM, C_CHOOSE, C_PARAMS, C_PARAM, C_COUNT
};

static const char *const names[C_COUNT] = {
	"echo", "set", "clear", "show", "isset", "iseq", "inc", "sleep",
	"prompt", "goto", "exit", "dhcp", "ifconf", "ifopen", "ifclose",
	"ifstat", "route",
	"imgfetch", "module", "initrd", "kernel", "imgload", "imgselect",
	"chain", "imgexec", "boot", "imgfree", "imgargs", "sha256",
	"menu", "item", "choose", "params", "param",
};

/* v[from..n) joined by single spaces into s->msg. */
static const char *join(struct cl_script *s, char **v, int from, int n)
{
	s->msg[0] = 0;
	for (int i = from; i < n; i++) {
		if (i > from)
			cl_msg_add(s, " ");
		cl_msg_add(s, v[i]);
	}
	return s->msg;
}

int cl_key_of(const char *k)
{
	uint32_t n;
	if (k[0] && !k[1])
		return (unsigned char)k[0];
	if (k[0] == '0' && k[1] == 'x') {
		int v = 0;
		for (k += 2; *k; k++) {
			int d = *k >= '0' && *k <= '9' ? *k - '0'
				: (*k | 32) >= 'a' && (*k | 32) <= 'f' ? (*k | 32) - 'a' + 10
				: -1;
			if (d < 0 || v > 0xfff)
				return -1;
			v = v * 16 + d;
		}
		return v;
	}
	return cl_is_number(k, &n) && n < 0x10000 ? (int)n : -1;
}

/* Wait for a key up to timeout_ms (0: forever): the key, or -1. */
static int wait_key(struct cl_script *s, uint32_t timeout_ms)
{
	uint64_t start = s->ops->now(s->ctx);
	for (;;) {
		int k = s->ops->key(s->ctx);
		if (k >= 0)
			return k;
		uint64_t gone = s->ops->now(s->ctx) - start;
		if (timeout_ms && gone >= timeout_ms)
			return -1;
		s->ops->wait(s->ctx, timeout_ms && timeout_ms - gone < 50
					     ? (uint32_t)(timeout_ms - gone) : 50);
	}
}

int cl_wait_key(struct cl_script *s, uint32_t timeout_ms)
{
	return wait_key(s, timeout_ms);
}

static int cmd_set(struct cl_script *s, char **v, int n)
{
	char name[CL_NAME_MAX];
	uint8_t raw[CL_VALUE_MAX];
	size_t nl = cl_slen(v[1]);
	if (nl >= sizeof(name))
		return cl_fail(s, v[0], "name too long", -NB_EMSGSIZE);
	memcpy(name, v[1], nl + 1);
	int t = cl_split_type(name, CL_T_STRING);
	if (t < 0 || t == CL_T_COUNT || !name[0])
		return cl_fail(s, v[0], "bad setting name or type", -NB_EINVAL);
	const char *value = join(s, v, 2, n);
	int len = cl_parse((enum cl_type)t, value, raw, sizeof(raw));
	if (len < 0)
		return cl_fail(s, v[0], "bad value for its type", len);
	int rc = cl_store(s, name, (enum cl_type)t, raw, (size_t)len);
	uint32_t tag;
	if (rc == 0 && cl_is_number(name, &tag) && tag && tag < 255 &&
	    s->ops->set_option)
		rc = s->ops->set_option(s->ctx, tag, join(s, v, 2, n));
	return rc < 0 ? cl_fail(s, v[0], NULL, rc) : 0;
}

static int cmd_inc(struct cl_script *s, char **v, int n)
{
	uint8_t raw[CL_VALUE_MAX];
	enum cl_type t = CL_T_INT32;
	int64_t cur = 0, by = 1;
	int len = cl_setting(s, v[1], raw, sizeof(raw), &t);
	if (len > 0 && t == CL_T_STRING) {
		/* A plain "set i 0": its text is the number. */
		raw[len < CL_VALUE_MAX ? len : CL_VALUE_MAX - 1] = 0;
		len = cl_parse(CL_T_INT32, (const char *)raw, raw, sizeof(raw));
		t = CL_T_INT32;
	}
	if (len > 0)
		cur = cl_number(raw, (size_t)len, t % 2 == CL_T_INT8 % 2);
	if (len < 0 && len != -1)
		return cl_fail(s, v[0], "not a number", -NB_EINVAL);
	if (n > 2) {
		uint8_t b[4];
		if (cl_parse(CL_T_INT32, v[2], b, 4) < 0)
			return cl_fail(s, v[0], "not a number", -NB_EINVAL);
		by = cl_number(b, 4, true);
	}
	if (t < CL_T_INT8 || t > CL_T_UINT32)
		t = CL_T_INT32;
	uint32_t nv = (uint32_t)(cur + by);
	uint8_t out[4] = {(uint8_t)(nv >> 24), (uint8_t)(nv >> 16),
			  (uint8_t)(nv >> 8), (uint8_t)nv};
	int rc = cl_store(s, v[1], t, out, 4);
	return rc < 0 ? cl_fail(s, v[0], NULL, rc) : 0;
}

static int cmd_prompt(struct cl_script *s, char **v, int n)
{
	const char *o[2];
	uint32_t ms = 0;
	int rc = cl_getopt(s, v, &n, "key= timeout=", o);
	if (rc < 0)
		return rc;
	int want = o[0] ? cl_key_of(o[0]) : -1;
	if ((o[0] && want < 0) || (o[1] && !cl_is_number(o[1], &ms)))
		return cl_fail(s, v[0], "bad --key or --timeout", -NB_EINVAL);
	s->ops->print(s->ctx, n > 1 ? join(s, v, 1, n)
				    : "Press any key to continue");
	int k = wait_key(s, ms);
	s->ops->print(s->ctx, "\n");
	if (k < 0)
		return -NB_ETIMEDOUT;
	return want < 0 || k == want ? 0 : -NB_ECANCELED;
}

static int cmd_net(struct cl_script *s, int c, char **v, int n)
{
	if (n > 1 && !cl_streq(v[1], "net0"))
		return cl_fail(s, v[0], "no such interface (only net0, the boot NIC)",
			       -NB_ENOTFOUND);
	enum cl_net what = c == C_IFCLOSE ? CL_NET_CLOSE
			   : c == C_IFSTAT ? CL_NET_STAT
			   : c == C_ROUTE ? CL_NET_ROUTE : CL_NET_CACHED;
	if (c == C_DHCP || c == C_IFCONF) {
		const struct cl_var *uc = cl_script_var(s, "use-cached");
		if (!uc || uc->len != 1 || uc->value[0] != '1')
			what = CL_NET_DHCP;
	}
	int rc = s->ops->net(s->ctx, what);
	return rc < 0 ? cl_fail(s, v[0], NULL, rc) : 0;
}

int cl_run_command(struct cl_script *s, char **v, int n)
{
	int c = 0;
	while (c < C_COUNT && !cl_streq(v[0], names[c]))
		c++;
	if (c >= C_MENU && c < C_COUNT)
		return cl_menu_command(s, c - C_MENU, v, n);
	if (c >= C_IMGFETCH && c < C_COUNT)
		return cl_image_command(s, c - C_IMGFETCH, v, n);
	/* Commands taking one name or more. */
	if ((c == C_SET || c == C_CLEAR || c == C_SHOW || c == C_INC ||
	     c == C_GOTO) && n < 2)
		return cl_fail(s, v[0], "missing name", -NB_EINVAL);
	uint32_t num = 0;
	char buf[CL_LINE_MAX / 2];
	switch (c) {
	case C_ECHO: {
		bool nl = !(n > 1 && cl_streq(v[1], "-n"));
		s->ops->print(s->ctx, join(s, v, nl ? 1 : 2, n));
		if (nl)
			s->ops->print(s->ctx, "\n");
		return 0;
	}
	case C_SET:
		return cmd_set(s, v, n);
	case C_CLEAR:
		cl_split_type(v[1], CL_T_STRING);
		cl_clear(s, v[1]);
		return 0;
	case C_SHOW: {
		/* The name as given (the lookup cuts its ":type" off). */
		s->msg[0] = 0;
		cl_msg_add(s, v[1]);
		memcpy(s->raw, s->msg, cl_slen(s->msg) + 1);
		int len = cl_expand_name(s, v[1], buf, sizeof(buf));
		if (len < 0)
			return cl_fail(s, v[0], NULL, len);
		memcpy(s->msg, s->raw, cl_slen(s->raw) + 1);
		cl_msg_add(s, " = ");
		cl_msg_add(s, buf);
		cl_msg_add(s, "\n");
		s->ops->print(s->ctx, s->msg);
		return 0;
	}
	case C_ISSET:
		return n > 1 && v[1][0] ? 0 : -NB_ENOTFOUND;
	case C_ISEQ:
		return cl_streq(n > 1 ? v[1] : "", n > 2 ? v[2] : "")
			       ? 0 : -NB_ENOTFOUND;
	case C_INC:
		return cmd_inc(s, v, n);
	case C_SLEEP: {
		if (n != 2 || !cl_is_number(v[1], &num) || num > 86400)
			return cl_fail(s, v[0], "usage: sleep SECONDS", -NB_EINVAL);
		uint64_t end = s->ops->now(s->ctx) + (uint64_t)num * 1000;
		for (uint32_t i = 0; i < num * 100 + 1; i++) {
			uint64_t now = s->ops->now(s->ctx);
			if (now >= end)
				break;
			s->ops->wait(s->ctx, end - now > 1000 ? 1000
							      : (uint32_t)(end - now));
		}
		return 0;
	}
	case C_PROMPT:
		return cmd_prompt(s, v, n);
	case C_GOTO:
		return cl_goto(s, v[1]);
	case C_EXIT:
		if (n > 1 && !cl_is_number(v[1], &num))
			return cl_fail(s, v[0], "usage: exit [N]", -NB_EINVAL);
		s->exited = true;
		s->exit_code = num > 255 ? 255 : (int)num;
		return 0;
	case C_DHCP: case C_IFCONF: case C_IFOPEN: case C_IFCLOSE:
	case C_IFSTAT: case C_ROUTE:
		return cmd_net(s, c, v, n);
	default:
		return cl_fail(s, v[0], "not supported by this loader", -NB_ENOTSUP);
	}
}
