/*
 * The iPXE-style script interpreter: lines, labels, ${...} expansion,
 * set/goto/||/&&, and the commands the loader implements through callbacks
 * (script.h).  Kept apart from the loader so it can be unit-tested and
 * fuzzed without a network.
 */
#include "script.h"

#include "core/mem.h"
#include "fmt.h"
#include "netboot/err.h"
#include "netboot/sha256.h"

/* Copy with truncation check: false when src does not fit. */
static bool scopy(char *dst, size_t cap, const char *src)
{
	size_t n = cl_slen(src);
	if (n >= cap)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Append to s->msg, silently truncating: it is only ever printed. */
static void msg_add(struct cl_script *s, const char *t)
{
	size_t have = cl_slen(s->msg);
	while (*t && have + 1 < sizeof(s->msg))
		s->msg[have++] = *t++;
	s->msg[have] = 0;
}

static void msg_num(struct cl_script *s, unsigned v)
{
	char d[21];
	msg_add(s, cl_dec(d, v));
}

static int fail(struct cl_script *s, const char *what, const char *detail,
		int rc)
{
	s->msg[0] = 0;
	msg_add(s, "script: line ");
	msg_num(s, s->lineno);
	msg_add(s, ": ");
	msg_add(s, what);
	msg_add(s, ": ");
	msg_add(s, detail ? detail : nb_strerror(rc));
	msg_add(s, "\n");
	s->ops->print(s->ctx, s->msg);
	return rc;
}

const char *cl_script_var(const struct cl_script *s, const char *name)
{
	for (size_t i = 0; i < CL_VARS; i++)
		if (s->vars[i].name[0] && cl_streq(s->vars[i].name, name))
			return s->vars[i].value;
	return NULL;
}

static int set_var(struct cl_script *s, const char *name, const char *value)
{
	struct cl_var *slot = NULL;
	for (size_t i = 0; i < CL_VARS && !slot; i++)
		if (s->vars[i].name[0] && cl_streq(s->vars[i].name, name))
			slot = &s->vars[i];
	for (size_t i = 0; i < CL_VARS && !slot; i++)
		if (!s->vars[i].name[0])
			slot = &s->vars[i];
	if (!slot)
		return -NB_ENOMEM;
	if (!scopy(slot->value, sizeof(slot->value), value) ||
	    !scopy(slot->name, sizeof(slot->name), name)) {
		slot->name[0] = 0;
		return -NB_EMSGSIZE;
	}
	return 0;
}

static void clear_var(struct cl_script *s, const char *name)
{
	for (size_t i = 0; i < CL_VARS; i++)
		if (s->vars[i].name[0] && cl_streq(s->vars[i].name, name))
			s->vars[i].name[0] = 0;
}

/* Expand ${name} from raw into line; unset names expand to nothing, as
 * in iPXE. */
static int expand(struct cl_script *s)
{
	size_t o = 0;
	const char *p = s->raw;
	while (*p) {
		if (p[0] == '$' && p[1] == '{') {
			const char *end = p + 2;
			while (*end && *end != '}')
				end++;
			size_t n = (size_t)(end - (p + 2));
			if (!*end || n == 0 || n >= CL_NAME_MAX)
				return -NB_EINVAL;
			char name[CL_NAME_MAX];
			memcpy(name, p + 2, n);
			name[n] = 0;
			const char *v = cl_script_var(s, name);
			if (v) {
				size_t vl = cl_slen(v);
				if (o + vl >= CL_LINE_MAX)
					return -NB_EMSGSIZE;
				memcpy(s->line + o, v, vl);
				o += vl;
			} else if (s->ops->get) {
				int got = s->ops->get(s->ctx, name, s->line + o,
						      CL_LINE_MAX - o);
				if (got > 0) {
					if (o + (size_t)got >= CL_LINE_MAX)
						return -NB_EMSGSIZE;
					o += (size_t)got;
				}
			}
			p = end + 1;
			continue;
		}
		if (o + 1 >= CL_LINE_MAX)
			return -NB_EMSGSIZE;
		s->line[o++] = *p++;
	}
	s->line[o] = 0;
	return 0;
}

/* Split line into words in place; double quotes group words. */
static int split(struct cl_script *s)
{
	char *p = s->line;
	s->argc = 0;
	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			break;
		if (s->argc == CL_ARGS_MAX)
			return -NB_EMSGSIZE;
		char *w = p, *o = p;
		bool quoted = false;
		while (*p && (quoted || !is_space(*p))) {
			if (*p == '"')
				quoted = !quoted;
			else
				*o++ = *p;
			p++;
		}
		if (quoted)
			return -NB_EINVAL;
		if (*p)
			p++;
		*o = 0;
		s->argv[s->argc++] = w;
	}
	s->argv[s->argc] = NULL;
	return 0;
}

/* Join argv[from, to) with single spaces into s->msg (reused as scratch). */
static const char *join(struct cl_script *s, int from, int to)
{
	s->msg[0] = 0;
	for (int i = from; i < to; i++) {
		if (i > from)
			msg_add(s, " ");
		msg_add(s, s->argv[i]);
	}
	return s->msg;
}

static bool is_option_name(const char *name, unsigned *tag)
{
	unsigned v = 0;
	const char *p = name;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9' && v < 1000)
		v = v * 10 + (unsigned)(*p++ - '0');
	if (*p != ':' || v == 0 || v > 254)
		return false;
	*tag = v;
	return true;
}

static int cmd_sha256(struct cl_script *s, int a, int n)
{
	uint8_t want[NB_SHA256_LEN], got[NB_SHA256_LEN];
	if (n != 3 || nb_sha256_parse_hex(s->argv[a + 2], want) < 0)
		return fail(s, "sha256", "usage: sha256 URL HEX (64 digits)",
			    -NB_EINVAL);
	int rc = s->ops->digest(s->ctx, s->argv[a + 1], got);
	if (rc < 0)
		return fail(s, "sha256", NULL, rc);
	if (memcmp(want, got, sizeof(got)) != 0)
		return fail(s, "sha256", "digest mismatch: image rejected",
			    -NB_EDIGEST);
	return 0;
}

static int seek_label(struct cl_script *s, const char *label);

/* One command: argv[a .. a+n). */
static int run_one(struct cl_script *s, int a, int n)
{
	const char *c = s->argv[a];
	char **v = &s->argv[a];
	int rc;
	if (cl_streq(c, "echo")) {
		bool nl = !(n > 1 && cl_streq(v[1], "-n"));
		int from = a + (nl ? 1 : 2);
		s->ops->print(s->ctx, join(s, from, a + n));
		if (nl)
			s->ops->print(s->ctx, "\n");
		return 0;
	}
	if (cl_streq(c, "set")) {
		unsigned tag;
		if (n < 2)
			return fail(s, c, "usage: set NAME [VALUE]", -NB_EINVAL);
		/* The value is the rest of the line, as iPXE joins it. */
		char name[CL_NAME_MAX];
		if (!scopy(name, sizeof(name), v[1]))
			return fail(s, c, "name too long", -NB_EMSGSIZE);
		const char *value = join(s, a + 2, a + n);
		rc = set_var(s, name, value);
		if (rc == 0 && is_option_name(name, &tag) && s->ops->set_option)
			rc = s->ops->set_option(s->ctx, tag, cl_script_var(s, name));
		return rc < 0 ? fail(s, c, NULL, rc) : 0;
	}
	if (cl_streq(c, "clear")) {
		if (n != 2)
			return fail(s, c, "usage: clear NAME", -NB_EINVAL);
		clear_var(s, v[1]);
		return 0;
	}
	if (cl_streq(c, "dhcp") || cl_streq(c, "ifopen") ||
	    cl_streq(c, "ifconf")) {
		const char *uc = cl_script_var(s, "use-cached");
		rc = s->ops->net_up(s->ctx, uc && cl_streq(uc, "1"));
		return rc < 0 ? fail(s, c, NULL, rc) : 0;
	}
	if (cl_streq(c, "kernel") || cl_streq(c, "imgload") ||
	    cl_streq(c, "initrd") || cl_streq(c, "module") ||
	    cl_streq(c, "imgfetch")) {
		bool kernel = c[0] == 'k' || cl_streq(c, "imgload");
		enum cl_image k = kernel ? CL_KERNEL
				  : cl_streq(c, "imgfetch") ? CL_FETCH
				  : CL_INITRD;
		if (n < 2)
			return fail(s, c, "usage: URL [ARGS]", -NB_EINVAL);
		rc = s->ops->load(s->ctx, k, v[1], join(s, a + 2, a + n));
		return rc < 0 ? fail(s, c, NULL, rc) : 0;
	}
	if (cl_streq(c, "chain") || cl_streq(c, "imgexec")) {
		if (n < 2)
			return fail(s, c, "usage: chain URL [ARGS]", -NB_EINVAL);
		rc = s->ops->chain(s->ctx, v[1], join(s, a + 2, a + n));
		return fail(s, c, NULL, rc < 0 ? rc : -NB_EBADIMAGE);
	}
	if (cl_streq(c, "boot")) {
		rc = s->ops->boot(s->ctx);
		return fail(s, c, NULL, rc < 0 ? rc : -NB_EBADIMAGE);
	}
	if (cl_streq(c, "sha256"))
		return cmd_sha256(s, a, n);
	if (cl_streq(c, "goto")) {
		if (n != 2)
			return fail(s, c, "usage: goto LABEL", -NB_EINVAL);
		return seek_label(s, v[1]);
	}
	if (cl_streq(c, "exit")) {
		int code = 0;
		if (n > 1)
			for (const char *p = v[1]; *p >= '0' && *p <= '9'; p++)
				code = code * 10 + (*p - '0');
		s->exited = true;
		s->exit_code = code > 255 ? 255 : code;
		return 0;
	}
	s->msg[0] = 0;
	msg_add(s, "unknown command '");
	msg_add(s, c);
	msg_add(s, "'");
	/* fail() rebuilds msg: keep the detail in raw, which is spent now. */
	scopy(s->raw, sizeof(s->raw), s->msg);
	return fail(s, c, s->raw, -NB_ENOTSUP);
}

/* Run "a || b && c" left to right with shell-like short-circuiting. */
static int run_line(struct cl_script *s)
{
	int start = 0, rc = 0;
	bool run = true;
	for (int i = 0; i <= s->argc; i++) {
		bool end = i == s->argc;
		bool is_or = !end && cl_streq(s->argv[i], "||");
		bool is_and = !end && cl_streq(s->argv[i], "&&");
		if (!end && !is_or && !is_and)
			continue;
		if (i == start)
			return fail(s, "syntax", "empty command", -NB_EINVAL);
		if (run)
			rc = run_one(s, start, i - start);
		if (s->exited)
			return 0;
		run = is_or ? rc < 0 : is_and ? rc == 0 : false;
		if (is_or && rc < 0)
			rc = 0; /* handled by the right-hand side */
		start = i + 1;
	}
	return rc;
}

/* Read the next line into raw; false at the end of the text. */
static bool next_line(struct cl_script *s)
{
	if (s->at >= s->len)
		return false;
	size_t o = 0;
	s->too_long = false;
	while (s->at < s->len && s->text[s->at] != '\n') {
		if (o + 1 < CL_LINE_MAX)
			s->raw[o++] = s->text[s->at];
		else
			s->too_long = true;
		s->at++;
	}
	if (s->at < s->len)
		s->at++;
	while (o && is_space(s->raw[o - 1])) /* DOS line ends, trailing blanks */
		o--;
	s->raw[o] = 0;
	s->lineno++;
	return true;
}

static const char *skip_space(const char *p)
{
	while (is_space(*p))
		p++;
	return p;
}

static int seek_label(struct cl_script *s, const char *label)
{
	char want[CL_NAME_MAX];
	if (!scopy(want, sizeof(want), label))
		return fail(s, "goto", "label too long", -NB_EINVAL);
	unsigned from = s->lineno;
	s->at = 0;
	s->lineno = 0;
	while (next_line(s)) {
		const char *p = skip_space(s->raw);
		if (*p != ':')
			continue;
		p++;
		size_t n = cl_slen(want);
		if (memcmp(p, want, n) == 0 && (!p[n] || is_space(p[n])))
			return 0;
	}
	s->lineno = from;
	return fail(s, "goto", "no such label", -NB_ENOTFOUND);
}

int cl_script_run(struct cl_script *s, const char *text, size_t len,
		  const struct cl_ops *ops, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->ctx = ctx;
	s->text = text;
	s->len = len;
	unsigned steps = 0;
	while (next_line(s)) {
		const char *p = skip_space(s->raw);
		if (s->lineno == 1 && p[0] == '#' && p[1] == '!') {
			if (!cl_streq(p, "#!ipxe") && !cl_streq(p, "#!gpxe"))
				return fail(s, "script", "must start with #!ipxe or #!gpxe",
					    -NB_EINVAL);
			continue;
		}
		if (!*p || *p == '#' || *p == ':')
			continue;
		if (++steps > CL_MAX_STEPS)
			return fail(s, "script", "too many steps (goto loop?)",
				    -NB_ETIMEDOUT);
		if (s->too_long)
			return fail(s, "script", "line too long", -NB_EMSGSIZE);
		int rc = expand(s);
		if (rc == 0)
			rc = split(s);
		if (rc < 0)
			return fail(s, "syntax", rc == -NB_EMSGSIZE
						  ? "line too long after expansion"
						  : "bad ${...} or unbalanced quote",
				    rc);
		if (s->argc == 0)
			continue;
		rc = run_line(s);
		if (s->exited)
			return s->exit_code ? -NB_ECANCELED : 0;
		if (rc < 0)
			return rc;
	}
	return 0;
}
