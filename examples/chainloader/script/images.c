/*
 * Images: fetch, name, select, free, pass arguments, and execute, where a
 * "#!ipxe"/"#!gpxe" image becomes a new script frame (parse.c) and any
 * other goes to the platform (a kernel with its initrd, or a boot
 * program).  A URL ending in "##params" or "##params=NAME" is POSTed with
 * the params list (menu.c) as its form body.
 */
#include "script/int.h"

enum { I_IMGFETCH, I_MODULE, I_INITRD, I_KERNEL, I_IMGLOAD, I_IMGSELECT,
       I_CHAIN, I_IMGEXEC, I_BOOT, I_IMGFREE, I_IMGARGS, I_SHA256 };

static struct cl_img *find(struct cl_script *s, const char *key)
{
	for (int i = 0; i < CL_IMAGES; i++) {
		struct cl_img *img = &s->images[i];
		if (img->used && (cl_streq(img->name, key) ||
				  cl_streq(img->url, key)))
			return img;
	}
	return NULL;
}

void cl_image_release(struct cl_script *s, struct cl_img *img)
{
	if (img->running)
		return; /* a script still being read: freed when it ends */
	img->used = false;
	img->len = 0;
	img->hashed = false;
	if (s->kernel == img)
		s->kernel = NULL;
	unsigned k = 0;
	for (unsigned i = 0; i < s->ninitrds; i++)
		if (s->initrds[i] != img)
			s->initrds[k++] = s->initrds[i];
	s->ninitrds = k;
}

/* "scheme://..." (RFC 3986's scheme characters), so that a kernel
 * argument such as "inst.repo=http://x/" is not taken for a URL. */
static bool is_url(const char *a)
{
	const char *p = a;
	while ((*p | 32) >= 'a' && (*p | 32) <= 'z')
		p++;
	while (p > a && ((*p >= '0' && *p <= '9') ||
			 ((*p | 32) >= 'a' && (*p | 32) <= 'z') || *p == '+' ||
			 *p == '-' || *p == '.'))
		p++;
	return p > a && p[0] == ':' && p[1] == '/' && p[2] == '/';
}

/* The image's other URLs: the line's (more[0..nmore)), then one per word
 * of the "mirrors" setting, where a word ending in '/' is a base that
 * takes the path of url after its host ("http://b/m/" for
 * "http://a/boot/vmlinuz": "http://b/m/boot/vmlinuz"). */
static int mirrors(struct cl_script *s, const char *cmd, const char *url,
		   char **more, int nmore)
{
	const struct cl_var *v = cl_script_var(s, "mirrors");
	const char *path = url, *w = v ? (const char *)v->value : "";
	const char *end = w + (v ? v->len : 0);
	size_t used = 0;
	while (*path && !(path[0] == ':' && path[1] == '/' && path[2] == '/'))
		path++;
	path += *path ? 3 : 0;
	while (*path && *path++ != '/')
		;
	s->nmirrors = 0;
	for (int i = 0;; i++) {
		const char *a;
		size_t la, lb = 0;
		if (i < nmore) {
			a = more[i];
			la = cl_slen(a);
		} else {
			while (w < end && *w == ' ')
				w++;
			if (w == end)
				return 0;
			for (a = w; w < end && *w != ' '; w++)
				;
			la = (size_t)(w - a);
			if (a[la - 1] == '/')
				lb = cl_slen(path);
		}
		if (s->nmirrors == CL_MIRRORS || la + lb >= CL_URL_MAX)
			return cl_fail(s, cmd, s->nmirrors == CL_MIRRORS
				       ? "too many mirrors" : "mirror URL too long",
				       -NB_EMSGSIZE);
		char *m = s->mirror_buf + used;
		memcpy(m, a, la);
		memcpy(m + la, path, lb);
		m[la + lb] = 0;
		used += la + lb + 1;
		s->mirror[s->nmirrors++] = m;
	}
}

/* Fetch url as image name (default: the URL's last path segment). */
static int fetch(struct cl_script *s, const char *cmd, char *url,
		 const char *name, uint32_t timeout, struct cl_img **out,
		 char **more, int nmore)
{
	const char *post = NULL;
	/* "##params[=NAME]": POST the params list instead of a GET. */
	for (char *p = url; *p; p++) {
		if (p[0] == '#' && p[1] == '#' && cl_prefix(p + 2, "params")) {
			if (s->params_len < 0)
				return cl_fail(s, cmd, "no params list (params)",
					       -NB_EINVAL);
			post = s->params;
			*p = 0;
			break;
		}
	}
	if (!name) {
		const char *b = url;
		for (const char *p = url; *p && *p != '?'; p++)
			if (*p == '/')
				b = p + 1;
		name = b;
	}
	size_t ul = cl_slen(url), nl = 0;
	while (name[nl] && name[nl] != '?' && nl + 1 < CL_NAME_MAX)
		nl++;
	if (ul >= CL_URL_MAX)
		return cl_fail(s, cmd, "URL too long", -NB_EMSGSIZE);
	/* Same name: replaced (as in iPXE); else a free slot. */
	struct cl_img *img = NULL;
	for (int i = 0; i < CL_IMAGES && !img; i++) {
		struct cl_img *c = &s->images[i];
		if (c->used && !c->running && memcmp(c->name, name, nl) == 0 &&
		    !c->name[nl])
			img = c;
	}
	for (int i = 0; i < CL_IMAGES && !img; i++)
		if (!s->images[i].used && !s->images[i].running)
			img = &s->images[i];
	if (!img)
		return cl_fail(s, cmd, "too many images (imgfree some)",
			       -NB_ENOMEM);
	cl_image_release(s, img);
	memcpy(img->url, url, ul + 1);
	memcpy(img->name, name, nl);
	img->name[nl] = 0;
	img->args[0] = 0;
	img->autofree = false;
	int rc = mirrors(s, cmd, url, more, nmore);
	if (rc < 0)
		return rc;
	rc = s->ops->fetch(s->ctx, img, s->mirror, s->nmirrors, post, timeout);
	if (rc < 0)
		return cl_fail(s, cmd, NULL, rc);
	img->used = true;
	*out = img;
	return 0;
}

static bool is_script(const struct cl_img *img)
{
	return img->len >= 6 && (memcmp(img->buf, "#!ipxe", 6) == 0 ||
				  memcmp(img->buf, "#!gpxe", 6) == 0);
}

static int exec(struct cl_script *s, const char *cmd, struct cl_img *img,
		bool replace)
{
	int rc;
	if (is_script(img)) {
		s->push = (int)(img - s->images);
		s->replace = replace;
		return CL_PUSHED;
	}
	if (img == s->kernel)
		rc = s->ops->boot(s->ctx, img, s->initrds, s->ninitrds);
	else
		rc = s->ops->chain(s->ctx, img);
	if (img->autofree)
		cl_image_release(s, img);
	return cl_fail(s, cmd, NULL, rc < 0 ? rc : -NB_EBADIMAGE);
}

static int cmd_sha256(struct cl_script *s, char **v, int n)
{
	uint8_t want[NB_SHA256_LEN];
	if (n != 3 || nb_sha256_parse_hex(v[2], want) < 0)
		return cl_fail(s, v[0], "usage: sha256 URL|NAME HEX (64 digits)",
			       -NB_EINVAL);
	struct cl_img *img = find(s, v[1]);
	if (!img) {
		int rc = fetch(s, v[0], v[1], NULL, 0, &img, NULL, 0);
		if (rc < 0)
			return rc;
	}
	/* Hashed only when a script asks: 14 MB through SHA-256 costs most
	 * of a second under emulation. */
	if (!img->hashed) {
		struct nb_sha256 h;
		nb_sha256_init(&h);
		nb_sha256_update(&h, img->buf, (size_t)img->len);
		nb_sha256_final(&h, img->digest);
		img->hashed = true;
	}
	if (memcmp(want, img->digest, sizeof(want)) != 0)
		return cl_fail(s, v[0], "digest mismatch: image rejected",
			       -NB_EDIGEST);
	return 0;
}

int cl_image_command(struct cl_script *s, int which, char **v, int n)
{
	const char *o[4]; /* name timeout autofree replace */
	uint32_t ms = 0;
	struct cl_img *img = NULL;
	if (which == I_SHA256)
		return cmd_sha256(s, v, n);
	int rc = cl_getopt(s, v, &n, "name= timeout= autofree replace", o);
	if (rc < 0)
		return rc;
	if (o[1] && !cl_is_number(o[1], &ms))
		return cl_fail(s, v[0], "bad --timeout (milliseconds)", -NB_EINVAL);
	if (which == I_IMGFREE) {
		for (int i = 0; i < CL_IMAGES; i++)
			if (s->images[i].used &&
			    (n < 2 || cl_streq(s->images[i].name, v[1])))
				cl_image_release(s, &s->images[i]);
		return 0;
	}
	if (n < 2 && which != I_BOOT)
		return cl_fail(s, v[0], "missing URL or image name", -NB_EINVAL);
	if (n < 2) { /* boot */
		if (!s->kernel)
			return cl_fail(s, v[0], "no kernel loaded", -NB_EINVAL);
		img = s->kernel;
	} else if (which == I_IMGARGS || ((which == I_IMGSELECT ||
					   which == I_BOOT) && !is_url(v[1]))) {
		img = find(s, v[1]);
		if (!img)
			return cl_fail(s, v[0], "no such image", -NB_ENOTFOUND);
	} else {
		/* A URL is fetched again (a retry after a failure must see
		 * the server's new answer); a name is used as it is. */
		img = find(s, v[1]);
		if (!img || is_url(v[1]) || !img->len) {
			/* URLs right after the first are its mirrors. */
			int k = 0;
			while (is_url(v[1]) && 2 + k < n && is_url(v[2 + k]))
				k++;
			rc = fetch(s, v[0], v[1], o[0], ms, &img, v + 2, k);
			if (rc < 0)
				return rc;
			for (int i = 2; i + k <= n; i++)
				v[i] = v[i + k];
			n -= k;
		}
	}
	if (n > 2 || which == I_IMGARGS || which <= I_IMGSELECT) {
		const char *a = "";
		s->msg[0] = 0;
		for (int i = 2; i < n; i++) {
			if (i > 2)
				cl_msg_add(s, " ");
			cl_msg_add(s, v[i]);
		}
		a = s->msg;
		if (cl_slen(a) >= CL_IMG_ARGS_MAX)
			return cl_fail(s, v[0], "arguments too long", -NB_EMSGSIZE);
		memcpy(img->args, a, cl_slen(a) + 1);
	}
	if (o[2])
		img->autofree = true;
	switch (which) {
	case I_INITRD: case I_MODULE:
		for (unsigned i = 0; i < s->ninitrds; i++)
			if (s->initrds[i] == img)
				return 0;
		if (s->ninitrds == CL_INITRDS)
			return cl_fail(s, v[0], "too many initrds", -NB_ENOMEM);
		s->initrds[s->ninitrds++] = img;
		return 0;
	case I_KERNEL: case I_IMGLOAD: case I_IMGSELECT:
		s->kernel = img;
		return 0;
	case I_CHAIN: case I_IMGEXEC: case I_BOOT:
		return exec(s, v[0], img, o[3] != NULL);
	default:
		return 0;
	}
}
