/* BIOS NBP: adopt the PXE ROM's lease, keep its UNDI driver, and run the
 * embedded script over our own TCP/HTTP stack. */
#include "bios/console.h"
#include "bios/platform.h"
#include "bios/pxe.h"
#include "loader.h"
#ifdef CL_HTTPS
#include "bios/https_src.h"
#endif

extern const char cl_embedded_script[];
extern const uint32_t cl_embedded_script_len;

void nbp_main(void);

static struct cl_platform platform;
static struct cl_loader loader;

void nbp_main(void)
{
	/* No banner and no key wait: one line so a log shows our start. */
	con_puts("nbp: started\n");
	if (pxe_init() < 0) {
		con_puts("nbp: no !PXE structure from the ROM\n");
		return;
	}
	struct nb_arena unused;
	platform.ctx = &loader;
	int rc = bios_platform_init(&platform, &unused);
#ifdef CL_HTTPS
	struct cl_https *https = rc ? NULL :
		nb_arena_alloc(&unused, sizeof(*https), 64);
	if (rc == 0 && !https)
		rc = -NB_ENOMEM;
#endif
	if (rc == 0) {
		/* The stack takes its memory from the same high arena. */
		rc = cl_loader_init(&loader, &platform, unused.base + unused.used,
				    unused.len - unused.used);
	}
#ifdef CL_HTTPS
	if (rc == 0) {
		struct cl_https_src src;
		bios_https_src(&src);
		cl_https_setup(https, &loader, &src); /* says why it fails */
	}
#endif
	if (rc == 0)
		rc = cl_loader_run(&loader, cl_embedded_script,
				   cl_embedded_script_len);
	con_puts("nbp: ");
	con_puts(nb_strerror(rc));
	con_puts("; returning to the ROM\n");
	bios_platform_quiesce();
}
