/*
 * The run loop: lines of the current frame, ${...} expansion (innermost
 * first, bounded), words, "||"/"&&", labels, and the frame stack.  A
 * command that chains a script answers CL_PUSHED: its line is parked in
 * its frame (mid_line) and resumes, with the chained script's status, when
 * that frame ends.  No recursion anywhere.
 */
#include "script/int.h"

/* Expansions per line: a value holding "${" is expanded again, so a
 * setting naming itself must not loop. */
#define EXPANSIONS_MAX 64

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

void cl_msg_add(struct cl_script *s, const char *t)
{
	size_t have = cl_slen(s->msg);
	while (*t && have + 1 < sizeof(s->msg))
		s->msg[have++] = *t++;
	s->msg[have] = 0;
}

int cl_fail(struct cl_script *s, const char *what, const char *detail, int rc)
{
	char d[21];
	/* detail may live in msg: keep it in tmp while msg is rebuilt. */
	if (detail) {
		size_t n = cl_slen(detail);
		n = n < sizeof(s->tmp) - 1 ? n : sizeof(s->tmp) - 1;
		memmove(s->tmp, detail, n);
		s->tmp[n] = 0;
	}
	s->msg[0] = 0;
	cl_msg_add(s, "script: line ");
	cl_msg_add(s, cl_dec(d, cl_top(s)->lineno));
	cl_msg_add(s, ": ");
	cl_msg_add(s, what);
	cl_msg_add(s, ": ");
	cl_msg_add(s, detail ? s->tmp : nb_strerror(rc));
	cl_msg_add(s, "\n");
	s->ops->print(s->ctx, s->msg);
	return rc;
}

bool cl_is_number(const char *p, uint32_t *out)
{
	uint32_t v = 0;
	if (!*p)
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > 99999999u)
			return false;
		v = v * 10 + (uint32_t)(*p - '0');
	}
	*out = v;
	return true;
}

int cl_getopt(struct cl_script *s, char **v, int *n, const char *names,
	      const char **vals)
{
	int o = 1, i = 1;
	for (int k = 0, w = 0; names[k]; k++)
		if (k == 0 || names[k - 1] == ' ')
			vals[w++] = NULL;
	for (; i < *n; i++) {
		char *a = v[i];
		if (a[0] != '-' || !a[1]) {
			v[o++] = a;
			continue;
		}
		if (cl_streq(a, "--")) {
			i++;
			break;
		}
		bool lng = a[1] == '-';
		a += lng ? 2 : 1;
		char *eq = a;
		while (*eq && *eq != '=')
			eq++;
		/* Find the option among names: by long name or first letter. */
		const char *p = names;
		int idx = 0, found = -1;
		bool takes = false;
		while (*p) {
			const char *w = p;
			while (*p && *p != ' ' && *p != '=')
				p++;
			size_t wl = (size_t)(p - w);
			bool val = *p == '=';
			if (val)
				p++;
			if (found < 0 &&
			    (lng ? wl == (size_t)(eq - a) && memcmp(w, a, wl) == 0
				 : !a[1] && w[0] == a[0])) {
				found = idx;
				takes = val;
			}
			while (*p == ' ')
				p++;
			idx++;
		}
		if (found < 0)
			return cl_fail(s, v[0], "unknown option", -NB_EINVAL);
		if (takes) {
			if (*eq) {
				vals[found] = eq + 1;
			} else if (i + 1 < *n) {
				vals[found] = v[++i];
			} else {
				return cl_fail(s, v[0], "option needs a value",
					       -NB_EINVAL);
			}
		} else {
			vals[found] = "";
		}
	}
	for (; i < *n; i++)
		v[o++] = v[i];
	*n = o;
	v[o] = NULL;
	return 0;
}

/* Read the frame's next line into raw; false at its end. */
static bool next_line(struct cl_script *s, struct cl_frame *f, bool *cut)
{
	if (f->at >= f->len)
		return false;
	size_t o = 0;
	*cut = false;
	while (f->at < f->len && f->text[f->at] != '\n') {
		if (o + 1 < CL_LINE_MAX)
			s->raw[o++] = f->text[f->at];
		else
			*cut = true;
		f->at++;
	}
	if (f->at < f->len)
		f->at++;
	while (o && is_space(s->raw[o - 1])) /* DOS line ends, trailing blanks */
		o--;
	s->raw[o] = 0;
	f->lineno++;
	return true;
}

static const char *skip_space(const char *p)
{
	while (is_space(*p))
		p++;
	return p;
}

int cl_goto(struct cl_script *s, const char *label)
{
	struct cl_frame *f = cl_top(s);
	size_t at = f->at, n = cl_slen(label);
	unsigned from = f->lineno;
	bool cut;
	f->at = 0;
	f->lineno = 0;
	while (next_line(s, f, &cut)) {
		const char *p = skip_space(s->raw);
		if (*p == ':' && memcmp(p + 1, label, n) == 0 &&
		    (!p[n + 1] || is_space(p[n + 1])))
			return 0;
	}
	f->at = at;
	f->lineno = from;
	return cl_fail(s, "goto", "no such label", -NB_ENOTFOUND);
}

/* Expand raw in place, innermost ${...} first, then copy it to the
 * frame's line. */
static int expand(struct cl_script *s, struct cl_frame *f)
{
	for (int round = 0; round < EXPANSIONS_MAX; round++) {
		char *open = NULL, *p = s->raw;
		for (; *p && !(open && *p == '}'); p++)
			if (p[0] == '$' && p[1] == '{')
				open = p;
		if (!*p)
			break;
		char name[CL_NAME_MAX + 16];
		size_t n = (size_t)(p - open - 2);
		if (n == 0 || n >= sizeof(name))
			return -NB_EINVAL;
		memcpy(name, open + 2, n);
		name[n] = 0;
		int vl = cl_expand_name(s, name, s->msg, sizeof(s->msg));
		if (vl < 0)
			return vl;
		size_t pre = (size_t)(open - s->raw), post = cl_slen(p + 1);
		if (pre + (size_t)vl + post >= CL_LINE_MAX)
			return -NB_EMSGSIZE;
		memmove(s->raw + pre + vl, p + 1, post + 1);
		memcpy(s->raw + pre, s->msg, (size_t)vl);
	}
	memcpy(f->line, s->raw, cl_slen(s->raw) + 1);
	return 0;
}

/* Split the frame's line into words in place; double quotes group. */
static int split(struct cl_frame *f)
{
	char *p = f->line;
	f->argc = 0;
	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			break;
		if (f->argc == CL_ARGS_MAX)
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
		f->argv[f->argc++] = w;
	}
	f->argv[f->argc] = NULL;
	return 0;
}

static bool is_op(const char *w)
{
	return cl_streq(w, "||") || cl_streq(w, "&&");
}

/* Run (or resume, with status rc) "a || b && c" left to right with
 * shell-like short-circuiting. */
static int run_line(struct cl_script *s, struct cl_frame *f, int rc)
{
	bool resume = f->mid_line;
	f->mid_line = false;
	while (f->next <= f->argc) {
		int i = f->next, j = i;
		while (j < f->argc && !is_op(f->argv[j]))
			j++;
		if (j == i)
			return cl_fail(s, "syntax", "empty command", -NB_EINVAL);
		if (resume) {
			resume = false;
		} else if (f->run) {
			/* The command may pull options out: work on a copy of
			 * the word pointers, the line keeps its own. */
			char *v[CL_ARGS_MAX + 1];
			memcpy(v, &f->argv[i], sizeof(char *) * (size_t)(j - i));
			v[j - i] = NULL;
			rc = cl_run_command(s, v, j - i);
			if (rc == CL_PUSHED) {
				f->mid_line = true;
				return CL_PUSHED;
			}
		}
		if (s->exited)
			return 0;
		bool is_or = j < f->argc && f->argv[j][0] == '|';
		f->run = j == f->argc ? false : is_or ? rc < 0 : rc == 0;
		if (is_or && rc < 0)
			rc = 0; /* handled by the right-hand side */
		f->next = j + 1;
	}
	return rc;
}

/* Prepare the next line of frame f: 0 to run it, 1 to skip it, 2 at the
 * frame's end, or a negative code. */
static int load_line(struct cl_script *s, struct cl_frame *f)
{
	bool cut;
	if (!next_line(s, f, &cut))
		return 2;
	const char *p = skip_space(s->raw);
	if (f->lineno == 1 && p[0] == '#' && p[1] == '!') {
		if (!cl_streq(p, "#!ipxe") && !cl_streq(p, "#!gpxe"))
			return cl_fail(s, "script", "must start with #!ipxe or #!gpxe",
				       -NB_EINVAL);
		return 1;
	}
	if (!*p || *p == '#' || *p == ':')
		return 1;
	if (++s->steps > CL_MAX_STEPS)
		return cl_fail(s, "script", "too many steps (goto loop?)",
			       -NB_ETIMEDOUT);
	if (cut)
		return cl_fail(s, "script", "line too long", -NB_EMSGSIZE);
	int rc = expand(s, f);
	if (rc == 0)
		rc = split(f);
	if (rc < 0)
		return cl_fail(s, "syntax", rc == -NB_EMSGSIZE
						  ? "line too long after expansion"
						  : "bad ${...} or unbalanced quote",
			       rc);
	f->next = 0;
	f->run = true;
	return f->argc ? 0 : 1;
}

static void frame_init(struct cl_frame *f, const char *text, size_t len,
		       struct cl_img *img)
{
	memset(f, 0, sizeof(*f) - sizeof(f->line));
	f->text = text;
	f->len = len;
	f->img = img;
	if (img)
		img->running = true;
}

/* The current frame ended with status st: drop it (and its image). */
static void frame_end(struct cl_script *s)
{
	struct cl_frame *f = cl_top(s);
	if (f->img) {
		f->img->running = false;
		cl_image_release(s, f->img);
	}
	s->depth--;
}

int cl_script_run(struct cl_script *s, const char *text, size_t len,
		  const struct cl_ops *ops, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->ctx = ctx;
	s->push = -1;
	s->params_len = -1;
	s->depth = 1;
	frame_init(&s->frames[0], text, len, NULL);
	int status = 0;
	for (;;) {
		struct cl_frame *f = cl_top(s);
		int rc;
		if (f->mid_line) {
			rc = run_line(s, f, status);
		} else {
			rc = load_line(s, f);
			if (rc == 1)
				continue;
			if (rc == 0)
				rc = run_line(s, f, 0);
			else if (rc == 2)
				rc = 0, s->exited = true, s->exit_code = 0;
		}
		if (rc == CL_PUSHED) {
			struct cl_img *img = &s->images[s->push];
			s->push = -1;
			if (s->replace)
				frame_end(s);
			if (s->depth == CL_DEPTH) {
				img->running = false;
				cl_image_release(s, img);
				status = cl_fail(s, "chain", "scripts chained too deep",
						 -NB_ETOOBIG);
				continue;
			}
			s->depth++;
			frame_init(cl_top(s), (const char *)img->buf,
				   (size_t)img->len, img);
			continue;
		}
		if (!s->exited && rc >= 0)
			continue;
		/* The frame ends: its exit code, or the failing line's. */
		status = s->exited ? (s->exit_code ? -NB_ECANCELED : 0) : rc;
		s->exited = false;
		frame_end(s);
		if (!s->depth)
			return status;
	}
}
