/*
 * Menus (menu, item, choose) on the console with keys from the platform,
 * and the params list (params, param) that a "##params" URL POSTs.  One
 * menu and one params list at a time: --name/--menu/--params are
 * accepted and ignored, as provisioning scripts use the default ones.
 */
#include "script/int.h"

enum { M_MENU, M_ITEM, M_CHOOSE, M_PARAMS, M_PARAM };

#define KEY_ENTER 13
#define KEY_ESC 27

/* Append v[from..n) (space-joined) to dst, cut to cap. */
static void copy_words(char *dst, size_t cap, char **v, int from, int n)
{
	size_t o = 0;
	for (int i = from; i < n; i++)
		for (const char *p = v[i]; (*p || i + 1 < n) && o + 1 < cap; p++) {
			if (!*p) {
				dst[o++] = ' ';
				break;
			}
			dst[o++] = *p;
		}
	dst[o] = 0;
}

static int cmd_item(struct cl_script *s, char **v, int n, const char **o)
{
	if (s->nitems == CL_MENU_ITEMS)
		return cl_fail(s, v[0], "too many menu items", -NB_ENOMEM);
	struct cl_item *it = &s->items[s->nitems];
	memset(it, 0, sizeof(*it));
	it->key = o[1] ? cl_key_of(o[1]) : -1;
	it->is_default = o[2] != NULL;
	it->gap = o[3] != NULL || n < 2;
	if (!it->gap) {
		if (cl_slen(v[1]) >= CL_NAME_MAX)
			return cl_fail(s, v[0], "label too long", -NB_EMSGSIZE);
		memcpy(it->label, v[1], cl_slen(v[1]) + 1);
	}
	copy_words(it->text, sizeof(it->text), v, it->gap ? 1 : 2, n);
	s->nitems++;
	return 0;
}

static void show_menu(struct cl_script *s)
{
	s->msg[0] = 0;
	cl_msg_add(s, s->menu_title);
	cl_msg_add(s, "\n");
	s->ops->print(s->ctx, s->msg);
	for (int i = 0; i < s->nitems; i++) {
		const struct cl_item *it = &s->items[i];
		char k[2] = {(char)it->key, 0};
		s->msg[0] = 0;
		cl_msg_add(s, it->gap ? "" : "  [");
		if (!it->gap)
			cl_msg_add(s, it->key > 32 && it->key < 127 ? k : " ");
		cl_msg_add(s, it->gap ? "" : "] ");
		cl_msg_add(s, it->text[0] ? it->text : it->label);
		cl_msg_add(s, "\n");
		s->ops->print(s->ctx, s->msg);
	}
}

static int cmd_choose(struct cl_script *s, char **v, int n, const char **o)
{
	uint32_t ms = 0;
	if (n != 2 || (o[2] && !cl_is_number(o[2], &ms)))
		return cl_fail(s, v[0], "usage: choose [--default L] [--timeout MS] VAR",
			       -NB_EINVAL);
	const struct cl_item *pick = NULL, *dflt = NULL, *first = NULL;
	for (int i = 0; i < s->nitems; i++) {
		const struct cl_item *it = &s->items[i];
		if (it->gap)
			continue;
		if (!first)
			first = it;
		if (o[1] ? cl_streq(it->label, o[1]) : it->is_default)
			dflt = it;
	}
	dflt = dflt ? dflt : first;
	if (!dflt)
		return cl_fail(s, v[0], "empty menu", -NB_EINVAL);
	show_menu(s);
	/* A key that picks nothing stops the countdown, as in iPXE. */
	for (int tries = 0; !pick && tries < 1000; tries++) {
		int k = cl_wait_key(s, tries ? 0 : ms);
		if (k < 0 || k == KEY_ENTER || k == '\n')
			pick = dflt;
		else if (k == KEY_ESC)
			break;
		for (int i = 0; !pick && i < s->nitems; i++)
			if (!s->items[i].gap && s->items[i].key == k)
				pick = &s->items[i];
	}
	if (!o[3])
		s->nitems = 0;
	if (!pick)
		return -NB_ECANCELED;
	s->ops->print(s->ctx, "-> ");
	s->ops->print(s->ctx, pick->label);
	s->ops->print(s->ctx, "\n");
	int rc = cl_store(s, v[1], CL_T_STRING, (const uint8_t *)pick->label,
			  cl_slen(pick->label));
	return rc < 0 ? cl_fail(s, v[0], NULL, rc) : 0;
}

static int put_enc(struct cl_script *s, size_t *at, const char *t)
{
	int len = cl_format(CL_T_URISTRING, (const uint8_t *)t, cl_slen(t),
			    s->params + *at, CL_PARAMS_MAX - *at);
	*at += len < 0 ? 0 : (size_t)len;
	return len;
}

/* key=value, form-encoded, appended to the params list. */
static int cmd_param(struct cl_script *s, char **v, int n)
{
	size_t at = (size_t)s->params_len;
	if (s->params_len < 0)
		return cl_fail(s, v[0], "no params list (params)", -NB_EINVAL);
	if (n < 2)
		return cl_fail(s, v[0], "usage: param KEY [VALUE]", -NB_EINVAL);
	copy_words(s->raw, sizeof(s->raw), v, 2, n);
	if (at && at + 1 < CL_PARAMS_MAX)
		s->params[at++] = '&';
	if (put_enc(s, &at, v[1]) < 0 || at + 2 >= CL_PARAMS_MAX)
		return cl_fail(s, v[0], "params too long", -NB_EMSGSIZE);
	s->params[at++] = '=';
	if (put_enc(s, &at, s->raw) < 0)
		return cl_fail(s, v[0], "params too long", -NB_EMSGSIZE);
	s->params_len = (int)at;
	return 0;
}

int cl_menu_command(struct cl_script *s, int which, char **v, int n)
{
	const char *o[5];
	int rc = cl_getopt(s, v, &n, which == M_ITEM ? "menu= key= default gap"
				     : which == M_CHOOSE ? "menu= default= timeout= keep"
				     : which == M_PARAM ? "params= header"
							: "name= delete", o);
	if (rc < 0)
		return rc;
	switch (which) {
	case M_MENU:
		s->nitems = 0;
		copy_words(s->menu_title, sizeof(s->menu_title), v, 1, n);
		return 0;
	case M_ITEM:
		return cmd_item(s, v, n, o);
	case M_CHOOSE:
		return cmd_choose(s, v, n, o);
	case M_PARAMS:
		s->params_len = 0;
		s->params[0] = 0;
		return 0;
	default:
		return cmd_param(s, v, n);
	}
}
