/*
 * The PXE API served to a chained NBP (pxelinux.0 and friends): our
 * PXENV+ and !PXE in base memory pointing at the .rm block's entries,
 * INT 1Ah answering the installation check, INT 15h E820 hiding the core
 * while it serves, and every call handed to the dispatcher in pxeapi/,
 * which runs it over our stack.
 *
 * Option 210 (path prefix) names where the NBP's files are.  An http://
 * or https:// prefix cannot be given to a TFTP-only NBP (Debian's
 * pxelinux.0 has no HTTP), so the NBP sees only its path part and the
 * TFTP it runs over PXENV_UDP_* is answered by the dispatcher's gateway
 * from HTTP(S) downloads (https:// needs a TLS image: the loader's
 * anchors and session cache serve the gateway too).  Without such a
 * prefix the gateway fetches by TFTP
 * itself, windowed, from the server the NBP asks.
 */
#include "bios/pxeserve.h"

#include "bios/console.h"
#include "bios/layout.h"
#include "bios/platform.h"
#include "bios/pxe.h"
#include "core/mem.h"
#include "fmt.h"
#include "netboot/err.h"

#define IVT_INT15 (0x15 * 4)
#define IVT_INT1A (0x1a * 4)
#define BASE_MEM_END 0xa0000u
#define OPT_MAX 160

static struct cl_pxeapi api;
static uint32_t resident_end; /* CORE_BASE up to here is ours */
static struct {
	uint8_t tag;
	char val[OPT_MAX];
} opts[CL_PXEAPI_OPTS];
static bool serving;

/* Fixed low addresses (IVT, 0000:7C00) are not C objects. */
static void *flat(uint32_t addr)
{
	uintptr_t a = addr;
	__asm__("" : "+r"(a));
	return (void *)a;
}

int pxeserve_set_option(unsigned tag, const char *value)
{
	size_t n = cl_slen(value);
	if (!tag || tag > 254 || n >= OPT_MAX)
		return -NB_EINVAL;
	int slot = -1;
	for (int i = 0; i < CL_PXEAPI_OPTS; i++) {
		if (opts[i].tag == tag || (!opts[i].tag && slot < 0))
			slot = i;
		if (opts[i].tag == tag)
			break;
	}
	if (slot < 0)
		return -NB_ENOSPC;
	opts[slot].tag = (uint8_t)tag;
	memcpy(opts[slot].val, value, n + 1);
	return 0;
}

static void *a_segoff(void *ctx, uint16_t seg, uint16_t off, size_t len)
{
	(void)ctx;
	uint32_t l = segoff_linear(seg, off);
	return l + len <= 0x110000u ? flat(l) : NULL;
}

/* TFTP_READ_FILE may write anywhere in RAM except what is ours (the
 * core and its memory, our base-memory blocks) and the holes. */
static void *a_phys(void *ctx, uint32_t addr, uint32_t len)
{
	(void)ctx;
	uint64_t end = (uint64_t)addr + len;
	uint32_t ours = (uint32_t)(uintptr_t)bios_low;
	if (addr < 0x500 || end > bios_ram_top())
		return NULL;
	if (addr < resident_end && end > CORE_BASE)
		return NULL;
	if (addr < 0x100000u && end > ours)
		return NULL;
	return flat(addr);
}

static uint16_t a_undi(void *ctx, uint16_t opcode, void *block)
{
	(void)ctx;
	return pm_pxe_call(opcode, (uint32_t)(uintptr_t)block);
}

void pxeserve_hooks(struct cl_platform *p)
{
	p->segoff_to_ptr = a_segoff;
	p->phys_to_ptr = a_phys;
	p->undi = a_undi;
}

static void put(const char *a, const char *b, const char *c)
{
	con_puts(a);
	con_puts(b);
	con_puts(c);
}

/* The script's options for the NBP, and where its files come from. */
static int apply_options(struct cl_loader *l)
{
	char lease210[OPT_MAX];
	const char *p210 = NULL;
	for (int i = 0; i < CL_PXEAPI_OPTS; i++) {
		if (!opts[i].tag)
			continue;
		if (opts[i].tag == 210)
			p210 = opts[i].val;
		else if (cl_pxeapi_set_option(&api, opts[i].tag, opts[i].val,
					      cl_slen(opts[i].val)) < 0)
			return -NB_ENOSPC;
	}
	if (!p210) {
		int n = nb_dhcp_option(&l->dhcp, NB_DHCP_PKT_ANY, 210,
				       (uint8_t *)lease210, sizeof(lease210) - 1);
		if (n > 0) {
			lease210[n] = 0;
			p210 = lease210;
		}
	}
	bool tls = p210 && cl_prefix(p210, "https://");
	if (tls || (p210 && cl_prefix(p210, "http://"))) {
		const char *path = p210 + 7 + tls;
		while (*path && *path != '/')
			path++;
		char base[OPT_MAX];
		size_t bl = (size_t)(path - p210);
		memcpy(base, p210, bl);
		base[bl++] = '/';
		base[bl] = 0;
		const char *shown = *path ? path : "/";
		put("chain: serving the PXE API; files from ", base, "\n");
		if (cl_pxeapi_set_gateway(&api, true, base) < 0 ||
		    cl_pxeapi_set_option(&api, 210, shown, cl_slen(shown)) < 0)
			return -NB_EINVAL;
		return 0;
	}
	if (p210 && cl_pxeapi_set_option(&api, 210, p210, cl_slen(p210)) < 0)
		return -NB_EINVAL;
	con_puts("chain: serving the PXE API; files by TFTP\n");
	return cl_pxeapi_set_gateway(&api, true, "");
}

static void set16(const char *sym, uint16_t v)
{
	*(uint16_t *)rm_var(sym) = v;
}

static uint32_t far(uint16_t seg, const char *sym)
{
	return (uint32_t)seg << 16 | rm_off(sym);
}

static void hook(uint32_t vec, const char *save, const char *handler)
{
	uint32_t *ivt = flat(vec);
	*(uint32_t *)rm_var(save) = *ivt;
	*ivt = far(rm_segment(), handler);
}

/* Put a vector back if it still points at us (someone may have hooked
 * over us; pulling it out from under them would break their chain). */
static void unhook(uint32_t vec, const char *save, const char *handler)
{
	uint32_t *ivt = flat(vec);
	if (*ivt == far(rm_segment(), handler))
		*ivt = *(uint32_t *)rm_var(save);
}

/* One of the ROM's structures, if it is there (its UNDI segments are
 * passed on to the NBP so it can free them). */
static const uint8_t *rom_struct(uint16_t seg, uint16_t off, const char *sig)
{
	const uint8_t *p = flat(segoff_linear(seg, off));
	return seg && memcmp(p, sig, cl_slen(sig)) == 0 ? p : NULL;
}

int pxeserve_chain(struct cl_loader *l, const uint8_t *img, uint32_t len)
{
	struct bios_low *low = bios_low;
	uint32_t lin = (uint32_t)(uintptr_t)low->cached;
	uint32_t file_mem = (bios_ram_top() - IMAGE_BASE) / 2;
	if (file_mem > FILE_MEM_MAX)
		file_mem = FILE_MEM_MAX;
	file_mem &= ~0xfffffu;
	resident_end = IMAGE_BASE + file_mem;
	struct cl_pxeapi_cfg cfg = {
		.p = l->p, .stack = &l->stack, .tcp = &l->tcp, .tls = l->tls,
		.dhcp = &l->dhcp,
		.base = low->cached, .base_seg = (uint16_t)(lin >> 4),
		.base_off = (uint16_t)(lin & 15),
		.file_mem = flat(IMAGE_BASE), .file_mem_len = file_mem,
	};
	int rc = cl_pxeapi_init(&api, &cfg);
	if (rc == 0)
		rc = apply_options(l);
	if (rc < 0)
		return rc;
	uint32_t pxenv = (uint32_t)(uintptr_t)low->pxenv;
	uint32_t bang = (uint32_t)(uintptr_t)low->bangpxe;
	uint32_t ours = rm_base + rm_off(__rm_total) - (uint32_t)(uintptr_t)low;
	struct cl_pxeapi_structs s = {
		.pxenv_seg = (uint16_t)(pxenv >> 4),
		.pxenv_off = (uint16_t)(pxenv & 15),
		.bang_seg = (uint16_t)(bang >> 4),
		.bang_off = (uint16_t)(bang & 15),
		.rm_entry_seg = rm_segment(),
		.rm_entry_off = (uint16_t)rm_off(api_entry_pxenv),
		.sp_entry_seg = rm_segment(),
		.sp_entry_off = (uint16_t)rm_off(api_entry_sp),
		.code_seg = (uint16_t)((uint32_t)(uintptr_t)low >> 4),
		.code_size = (uint16_t)(ours > 0xffff ? 0xffff : ours),
		.stack_seg = rm_segment(),
		.stack_size = (uint16_t)rm_off(api_stack),
		.rom_pxenv = rom_struct(rom_pxenv_seg, rom_pxenv_off, "PXENV+"),
		.rom_bangpxe = rom_struct(rom_bang_seg, rom_bang_off, "!PXE"),
	};
	cl_pxeapi_make_structs(&s, low->pxenv, low->bangpxe);
	set16(chain_pxenv_seg, s.pxenv_seg);
	set16(chain_pxenv_off, s.pxenv_off);
	set16(chain_bang_seg, s.bang_seg);
	set16(chain_bang_off, s.bang_off);
	*(uint32_t *)rm_var(hide_lo) = CORE_BASE;
	*(uint32_t *)rm_var(hide_hi) = resident_end;
	hook(IVT_INT1A, old_int1a, int1a_hook);
	hook(IVT_INT15, old_int15, int15_hook);
	serving = true;
	/* img lies where the download rings start: it must be out before
	 * the first API call downloads anything. */
	memcpy(flat(0x7c00), img, len);
	rm_call((uint16_t)rm_off(rm_do_chain));
	__builtin_unreachable();
}

uint16_t bios_pxe_api(uint16_t opcode, uint32_t block)
{
	if (!serving || block + CL_PXEAPI_BLOCK_MAX > 0x110000u)
		return PXENV_EXIT_FAILURE;
	uint16_t rc = cl_pxeapi_call(&api, opcode, flat(block));
	if (opcode == PXENV_UNLOAD_STACK && rc == PXENV_EXIT_SUCCESS) {
		/* The NBP is about to boot: nothing may point into us now,
		 * and the kernel may have all of RAM. */
		unhook(IVT_INT1A, old_int1a, int1a_hook);
		unhook(IVT_INT15, old_int15, int15_hook);
		char d[21];
		con_puts("nbp: PXE API unloaded after ");
		con_puts(cl_dec(d, api.calls));
		con_puts(" calls (");
		con_puts(cl_dec(d, pxe_rom_calls));
		con_puts(" into the ROM), ");
		con_puts(cl_dec(d, api.gw_served));
		con_puts(" files (gateway: ");
		con_puts(cl_dec(d, api.gw_polls));
		con_puts(" polls, ");
		con_puts(cl_dec(d, api.gw_empty));
		con_puts(" reads early)\n");
	}
	return rc;
}
