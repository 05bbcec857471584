/*
 * PXE vendor options (option 43, PXE 2.1 section 2.2.6).  They are read
 * as a byte stream across split instances of option 43, so a boot menu
 * longer than 255 bytes (RFC 3396) needs no reassembly buffer.
 */
#include "core/mem.h"
#include "dhcp/dhcp_int.h"

bool nb_dview_is_pxeclient(const struct dview *v)
{
	uint8_t b[9];
	struct dcat c;
	nb_dcat_init(&c, v, OPT_CLASS_ID);
	for (size_t i = 0; i < sizeof(b); i++) {
		int x = nb_dcat_byte(&c);
		if (x < 0)
			return false;
		b[i] = (uint8_t)x;
	}
	return memcmp(b, "PXEClient", 9) == 0;
}

static int get16(struct dcat *c, size_t *left, uint16_t *out)
{
	if (*left < 2)
		return -1;
	int a = nb_dcat_byte(c), b = nb_dcat_byte(c);
	if (a < 0 || b < 0)
		return -1;
	*left -= 2;
	*out = (uint16_t)(a << 8 | b);
	return 0;
}

/* Read @n bytes of text into @dst (cap NB_DHCP_MENU_DESC), cutting. */
static bool get_text(struct dcat *c, size_t n, char *dst)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int x = nb_dcat_byte(c);
		if (x < 0)
			return false;
		if (k < NB_DHCP_MENU_DESC - 1 && x)
			dst[k++] = (char)x;
	}
	dst[k] = '\0';
	return true;
}

static void boot_servers(struct nb_dhcp_lease *l, struct dcat *c, size_t len)
{
	l->nbootsrv = 0;
	while (len >= 3) {
		uint16_t type;
		if (get16(c, &len, &type) < 0)
			return;
		int cnt = nb_dcat_byte(c);
		len--;
		if (cnt < 0 || (size_t)cnt * 4 > len)
			break;
		for (int i = 0; i < cnt; i++) {
			uint8_t b[4];
			for (int k = 0; k < 4; k++)
				b[k] = (uint8_t)nb_dcat_byte(c);
			if (i == 0 && l->nbootsrv < NB_DHCP_BOOTSRV_MAX) {
				l->bootsrv[l->nbootsrv].type = type;
				l->bootsrv[l->nbootsrv].ip = nb_get32(b);
				l->nbootsrv++;
			}
		}
		len -= (size_t)cnt * 4;
	}
	nb_dcat_skip(c, len);
}

static void menu(struct nb_dhcp_lease *l, struct dcat *c, size_t len)
{
	l->nmenu = 0;
	while (len >= 3) {
		uint16_t type;
		if (get16(c, &len, &type) < 0)
			return;
		int dl = nb_dcat_byte(c);
		len--;
		if (dl < 0 || (size_t)dl > len)
			break;
		char tmp[NB_DHCP_MENU_DESC];
		if (!get_text(c, (size_t)dl, tmp))
			return;
		len -= (size_t)dl;
		if (l->nmenu < NB_DHCP_MENU_MAX) {
			l->menu[l->nmenu].type = type;
			memcpy(l->menu[l->nmenu].desc, tmp, sizeof(tmp));
			l->nmenu++;
		}
	}
	nb_dcat_skip(c, len);
}

void nb_lease_apply_pxe(struct nb_dhcp_lease *l, const struct dview *v)
{
	if (nb_dopt_len(v, OPT_VENDOR) <= 0)
		return;
	/* Option 43 is vendor-specific: only PXE servers' is PXE's. */
	if (!nb_dview_is_pxeclient(v))
		return;
	struct dcat c;
	nb_dcat_init(&c, v, OPT_VENDOR);
	int code;
	while ((code = nb_dcat_byte(&c)) >= 0) {
		if (code == 0)
			continue;
		if (code == 255)
			break;
		int len = nb_dcat_byte(&c);
		if (len < 0 || (size_t)len > c.total)
			break; /* a sub-option running past option 43 */
		l->have_pxe_opts = true;
		switch (code) {
		case PXE_DISCOVERY:
			if (len >= 1) {
				l->pxe_discovery = (uint8_t)nb_dcat_byte(&c);
				len--;
			}
			nb_dcat_skip(&c, (size_t)len);
			break;
		case PXE_BOOT_SERVERS:
			boot_servers(l, &c, (size_t)len);
			break;
		case PXE_BOOT_MENU:
			menu(l, &c, (size_t)len);
			break;
		case PXE_MENU_PROMPT:
			if (len >= 1) {
				l->prompt_timeout = (uint8_t)nb_dcat_byte(&c);
				get_text(&c, (size_t)len - 1, l->prompt);
			}
			break;
		default:
			nb_dcat_skip(&c, (size_t)len);
			break;
		}
	}
}
