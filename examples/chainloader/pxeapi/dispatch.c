/*
 * The PXE API's entry: setting it up, tearing it down, and routing each
 * opcode to the file that serves its family (see pxeapi.h for the design
 * and for how the BIOS side enters it).  Anything not served here is either
 * passed to the ROM's UNDI (when the platform offers that) or answered
 * PXENV_STATUS_UNSUPPORTED, never a crash.
 */
#include "pxeapi_int.h"

bool cl_pxa_take_name(char *dst, const char *src, size_t max_src)
{
	size_t n = 0;
	while (n < max_src && n + 1 < CL_PXEAPI_NAME_MAX && src[n]) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = 0;
	return n > 0 && n < max_src && !src[n];
}

void cl_pxeapi_shutdown(struct cl_pxeapi *a)
{
	for (int i = 0; i < CL_PXEAPI_FILES; i++)
		if (a->files[i].kind != F_FREE)
			cl_pxa_file_close(&a->files[i]);
	a->tftp_file = -1;
	cl_pxa_udp_close_all(a);
}

int cl_pxeapi_init(struct cl_pxeapi *a, const struct cl_pxeapi_cfg *cfg)
{
	if (!a || !cfg || !cfg->p || !cfg->p->now_ms ||
	    !cfg->p->segoff_to_ptr || !cfg->stack || !cfg->tcp || !cfg->dhcp ||
	    !cfg->base)
		return -NB_EINVAL;
	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	a->tftp_file = -1;
	for (int i = 0; i < CL_PXEAPI_GW; i++)
		a->gw[i].file = -1;
	return 0;
}

uint16_t cl_pxeapi_call(struct cl_pxeapi *a, uint16_t opcode,
			void *param_block)
{
	uint8_t *b = param_block;
	if (!a || !b)
		return PXENV_EXIT_FAILURE;
	a->calls++;
	switch (opcode) {
	case PXENV_GET_CACHED_INFO:
		return cl_pxa_get_cached_info(a, b);
	case PXENV_TFTP_OPEN:
		return cl_pxa_tftp_open(a, b);
	case PXENV_TFTP_CLOSE:
		return cl_pxa_tftp_close(a, b);
	case PXENV_TFTP_READ:
		return cl_pxa_tftp_read(a, b);
	case PXENV_TFTP_READ_FILE:
		return cl_pxa_tftp_read_file(a, b);
	case PXENV_TFTP_GET_FSIZE:
		return cl_pxa_tftp_get_fsize(a, b);
	case PXENV_UDP_OPEN:
		return cl_pxa_udp_open(a, b);
	case PXENV_UDP_CLOSE:
		return cl_pxa_udp_close(a, b);
	case PXENV_UDP_READ:
		return cl_pxa_udp_read(a, b);
	case PXENV_UDP_WRITE:
		return cl_pxa_udp_write(a, b);
	case PXENV_FILE_API_CHECK:
		return cl_pxa_file_api_check(a, b);
	case PXENV_FILE_OPEN:
		return cl_pxa_file_open(a, b);
	case PXENV_FILE_CLOSE:
		return cl_pxa_file_close_call(a, b);
	case PXENV_FILE_SELECT:
		return cl_pxa_file_select(a, b);
	case PXENV_FILE_READ:
		return cl_pxa_file_read(a, b);
	case PXENV_GET_FILE_SIZE:
		return cl_pxa_get_file_size(a, b);
	case PXENV_UNLOAD_STACK:
	case PXENV_STOP_BASE:
		/* The NBP is about to boot its kernel: let go of everything
		 * so no callback fires into memory it reuses. */
		cl_pxeapi_shutdown(a);
		return ok(b);
	default:
		break;
	}
	if (opcode <= PXENV_UNDI_LAST && a->cfg.p->undi)
		return a->cfg.p->undi(a->cfg.p->ctx, opcode, b);
	a->unsupported++;
	return fail(b, PXENV_STATUS_UNSUPPORTED);
}
