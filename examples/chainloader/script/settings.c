/*
 * Settings: the value types (one parser and one formatter, table-driven),
 * user settings of any name, and the machine's settings by name, which
 * the platform answers by key (enum cl_key, DHCP option numbers) as raw
 * bytes.  Reads give a setting its own type unless ":type" asks another.
 */
#include "script/int.h"

#include "netboot/http.h"
#include "netboot/url.h"

static const char *const type_names[CL_T_COUNT] = {
	"string", "uristring", "ipv4", "int8", "uint8", "int16", "uint16",
	"int32", "uint32", "hex", "hexhyp", "hexraw", "base64", "uuid",
};

int cl_type_named(const char *name)
{
	for (int i = 0; i < CL_T_COUNT; i++)
		if (cl_streq(name, type_names[i]))
			return i;
	return -1;
}

/* Width in bytes of an integer type (0: not one); odd types are signed. */
static unsigned int_width(enum cl_type t)
{
	return t >= CL_T_INT8 && t <= CL_T_UINT32 ? 1u << ((t - CL_T_INT8) / 2)
						   : 0;
}

static bool int_signed(enum cl_type t)
{
	return (t - CL_T_INT8) % 2 == 0;
}

int64_t cl_number(const uint8_t *raw, size_t len, bool sign)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len && i < 8; i++)
		v = v << 8 | raw[i];
	if (sign && len && len < 8 && (raw[0] & 0x80))
		v |= ~0ull << (8 * len);
	return (int64_t)v;
}

/* A bounded writer: every formatter appends through it. */
struct out {
	char *p;
	size_t cap, n;
	bool over;
};

static void put(struct out *o, char c)
{
	if (o->n + 1 < o->cap)
		o->p[o->n++] = c;
	else
		o->over = true;
}

static void put_str(struct out *o, const char *t)
{
	while (*t)
		put(o, *t++);
}

/* Hex settings print lowercase, percent-escapes uppercase (as iPXE). */
static void put_hex2(struct out *o, uint8_t b, bool upper)
{
	static const char d[] = "0123456789abcdef0123456789ABCDEF";
	put(o, d[(b >> 4) + 16 * upper]);
	put(o, d[(b & 15) + 16 * upper]);
}

static bool unreserved(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	       c == '~';
}

int cl_format(enum cl_type t, const uint8_t *raw, size_t len, char *out,
	      size_t cap)
{
	struct out o = {out, cap, 0, false};
	char d[21];
	if (!cap)
		return -NB_EMSGSIZE;
	unsigned w = int_width(t);
	if (w) {
		int64_t v = cl_number(raw, len, int_signed(t));
		/* Cut to the type's width, then read as its signedness. */
		uint64_t u = (uint64_t)v;
		if (w < 8)
			u &= (1ull << (8 * w)) - 1;
		if (int_signed(t) && (u >> (8 * w - 1)) & 1) {
			put(&o, '-');
			u = (~u + 1) & ((1ull << (8 * w)) - 1);
		}
		put_str(&o, cl_dec(d, u));
	} else if (t == CL_T_IPV4) {
		if (len != 4)
			return -NB_EINVAL;
		for (int i = 0; i < 4; i++) {
			if (i)
				put(&o, '.');
			put_str(&o, cl_dec(d, raw[i]));
		}
	} else if (t == CL_T_BASE64) {
		int n = nb_base64_encode(raw, len, out, cap);
		return n;
	} else if (t == CL_T_STRING || t == CL_T_URISTRING) {
		for (size_t i = 0; i < len && raw[i]; i++) {
			if (t == CL_T_STRING || unreserved(raw[i])) {
				put(&o, (char)raw[i]);
			} else {
				put(&o, '%');
				put_hex2(&o, raw[i], true);
			}
		}
	} else { /* hex, hexhyp, hexraw, uuid */
		if (t == CL_T_UUID && len != 16)
			return -NB_EINVAL;
		char sep = t == CL_T_HEX ? ':' : t == CL_T_HEXHYP ? '-' : 0;
		for (size_t i = 0; i < len; i++) {
			if (i && (sep ? 1 : t == CL_T_UUID && (i == 4 || i == 6 ||
								i == 8 || i == 10)))
				put(&o, sep ? sep : '-');
			put_hex2(&o, raw[i], false);
		}
	}
	out[o.n] = 0;
	return o.over ? -NB_EMSGSIZE : (int)o.n;
}

static int b64_digit(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26
	       : c >= '0' && c <= '9' ? c - '0' + 52 : c == '+' ? 62
	       : c == '/' ? 63 : -1;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Signed decimal or 0x hex with at most 32 significant bits. */
static bool parse_int(const char *p, int64_t *out)
{
	bool neg = *p == '-';
	p += neg;
	unsigned base = p[0] == '0' && (p[1] == 'x' || p[1] == 'X') ? 16 : 10;
	p += base == 16 ? 2 : 0;
	uint64_t v = 0;
	if (!*p)
		return false;
	for (; *p; p++) {
		int d = hex_digit(*p);
		if (d < 0 || (unsigned)d >= base || v > 0xffffffffull)
			return false;
		v = v * base + (unsigned)d;
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return v <= 0xffffffffull;
}

int cl_parse(enum cl_type t, const char *text, uint8_t *raw, size_t cap)
{
	size_t n = 0;
	unsigned w = int_width(t);
	if (w) {
		int64_t v;
		if (!parse_int(text, &v))
			return -NB_EINVAL;
		if (cap < w)
			return -NB_EMSGSIZE;
		for (unsigned i = 0; i < w; i++)
			raw[i] = (uint8_t)((uint64_t)v >> (8 * (w - 1 - i)));
		return (int)w;
	}
	if (t == CL_T_IPV4) {
		if (cap < 4)
			return -NB_EMSGSIZE;
		for (int i = 0; i < 4; i++) {
			unsigned v = 0, digits = 0;
			for (; *text >= '0' && *text <= '9' && digits < 4; digits++)
				v = v * 10 + (unsigned)(*text++ - '0');
			if (!digits || v > 255 || *text != (i < 3 ? '.' : 0))
				return -NB_EINVAL;
			raw[i] = (uint8_t)v;
			text += i < 3;
		}
		return 4;
	}
	if (t == CL_T_STRING) {
		n = cl_slen(text);
		if (n > cap)
			return -NB_EMSGSIZE;
		memcpy(raw, text, n);
		return (int)n;
	}
	if (t == CL_T_URISTRING) {
		int r = nb_url_decode(text, cl_slen(text), (char *)raw, cap);
		return r < 0 ? -NB_EINVAL : r;
	}
	if (t == CL_T_BASE64) {
		uint32_t acc = 0;
		unsigned bits = 0;
		for (; *text && *text != '='; text++) {
			int d = b64_digit(*text);
			if (d < 0)
				return -NB_EINVAL;
			acc = acc << 6 | (unsigned)d;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				if (n == cap)
					return -NB_EMSGSIZE;
				raw[n++] = (uint8_t)(acc >> bits);
			}
		}
		return (int)n;
	}
	/* hex kinds and uuid: pairs of digits, any of ':' '-' between. */
	while (*text) {
		int hi = hex_digit(text[0]), lo = hi < 0 ? -1 : hex_digit(text[1]);
		if (lo < 0)
			return -NB_EINVAL;
		if (n == cap)
			return -NB_EMSGSIZE;
		raw[n++] = (uint8_t)(hi << 4 | lo);
		text += 2;
		if ((*text == ':' || *text == '-') && text[1])
			text++;
	}
	return t == CL_T_UUID && n != 16 ? -NB_EINVAL : (int)n;
}

int cl_split_type(char *name, enum cl_type dflt)
{
	for (char *p = name; *p; p++) {
		if (*p == ':') {
			*p = 0;
			return cl_type_named(p + 1);
		}
	}
	return (int)dflt;
}

/* ---- user settings ---- */

const struct cl_var *cl_script_var(const struct cl_script *s, const char *name)
{
	for (size_t i = 0; i < CL_VARS; i++)
		if (s->vars[i].name[0] && cl_streq(s->vars[i].name, name))
			return &s->vars[i];
	return NULL;
}

int cl_store(struct cl_script *s, const char *name, enum cl_type t,
	     const uint8_t *raw, size_t len)
{
	struct cl_var *slot = (struct cl_var *)cl_script_var(s, name);
	for (size_t i = 0; i < CL_VARS && !slot; i++)
		if (!s->vars[i].name[0])
			slot = &s->vars[i];
	if (!slot)
		return -NB_ENOMEM;
	size_t nl = cl_slen(name);
	if (len > CL_VALUE_MAX || nl >= CL_NAME_MAX || !nl)
		return -NB_EMSGSIZE;
	memmove(slot->value, raw, len);
	memcpy(slot->name, name, nl + 1);
	slot->type = (uint8_t)t;
	slot->len = (uint16_t)len;
	return 0;
}

void cl_clear(struct cl_script *s, const char *name)
{
	struct cl_var *v = (struct cl_var *)cl_script_var(s, name);
	if (v)
		v->name[0] = 0;
}

/* ---- machine settings ---- */

struct machine_setting {
	char name[13];
	uint8_t type;
	uint16_t key;
};

static const struct machine_setting machine[] = {
	{"mac", CL_T_HEX, CL_K_MAC},
	{"ip", CL_T_IPV4, CL_K_IP},
	{"netmask", CL_T_IPV4, 1},
	{"gateway", CL_T_IPV4, 3},
	{"dns", CL_T_IPV4, 6},
	{"hostname", CL_T_STRING, 12},
	{"domain", CL_T_STRING, 15},
	{"user-class", CL_T_STRING, 77},
	{"next-server", CL_T_IPV4, CL_K_NEXT_SERVER},
	{"filename", CL_T_STRING, CL_K_FILENAME},
	{"uuid", CL_T_UUID, CL_K_UUID},
	{"serial", CL_T_STRING, CL_K_SERIAL},
	{"manufacturer", CL_T_STRING, CL_K_MANUFACTURER},
	{"product", CL_T_STRING, CL_K_PRODUCT},
	{"asset", CL_T_STRING, CL_K_ASSET},
	{"buildarch", CL_T_STRING, CL_K_BUILDARCH},
	{"platform", CL_T_STRING, CL_K_PLATFORM},
#ifdef CL_IP6
	{"ip6", CL_T_STRING, CL_K_IP6},
#endif
};

/* The raw value of a setting named without its ":type": a user setting
 * of that exact name, else the machine's (scope "net0/" or "smbios/"
 * dropped; other NICs than the boot one do not exist).  Length or -1. */
int cl_setting(struct cl_script *s, const char *name, uint8_t *raw,
	       size_t cap, enum cl_type *type)
{
	const struct cl_var *v = cl_script_var(s, name);
	if (v) {
		if (v->len > cap)
			return -1;
		memcpy(raw, v->value, v->len);
		*type = (enum cl_type)v->type;
		return v->len;
	}
	if (cl_prefix(name, "net")) {
		const char *p = name + 3;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p != '/' || p == name + 3)
			return -1;
		if (!cl_prefix(name, "net0/"))
			return -1;
		name = p + 1;
	} else if (cl_prefix(name, "smbios/")) {
		name += 7;
	}
	unsigned key = 0;
	*type = CL_T_STRING;
	uint32_t tag;
	if (cl_is_number(name, &tag)) {
		if (!tag || tag > 254)
			return -1;
		key = tag;
	}
	for (size_t i = 0; !key && i < sizeof(machine) / sizeof(machine[0]); i++)
		if (cl_streq(name, machine[i].name)) {
			key = machine[i].key;
			*type = (enum cl_type)machine[i].type;
		}
	if (!key || !s->ops->get)
		return -1;
	int n = s->ops->get(s->ctx, key, raw, cap);
	return n < 0 ? -1 : n;
}

/* ${name} or ${name:type} formatted into out: length, 0 when unset (it
 * expands to nothing, as in iPXE), or a negative code. */
int cl_expand_name(struct cl_script *s, char *name, char *out, size_t cap)
{
	uint8_t raw[CL_VALUE_MAX];
	enum cl_type own;
	int want = cl_split_type(name, CL_T_COUNT);
	if (want < 0)
		return -NB_EINVAL;
	int n = cl_setting(s, name, raw, sizeof(raw), &own);
	if (n < 0) {
		out[0] = 0;
		return 0;
	}
	return cl_format(want == CL_T_COUNT ? own : (enum cl_type)want, raw,
			 (size_t)n, out, cap);
}
