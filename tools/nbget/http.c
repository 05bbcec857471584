/* nbget get http://...: one download with lib/http into a file. */
#include <stdio.h>
#include <string.h>

#include "nbget.h"
#include "netboot/http.h"
#include "netboot/tcp.h"

static int poll_http(void *obj, uint64_t now_ms)
{
	return nb_http_poll(obj, now_ms);
}

int nbget_get_http(struct nbget *g, const char *url, const char *out_path)
{
	/* Large (tens of KiB with eight parts): keep them off the stack. */
	static struct nb_tcp tcp;
	static struct nb_http h;
	static struct nbget_filesink fs;
	if (!out_path) {
		fprintf(stderr, "nbget: get needs -o FILE\n");
		return 1;
	}
	int rc = nb_tcp_init(&tcp, &g->stack);
	if (rc < 0)
		return nbget_fail("tcp", rc);
	rc = nbget_filesink_open(&fs, g, out_path);
	if (rc < 0)
		return nbget_fail(out_path, rc);
	struct nb_http_cfg cfg = {
		.url = url,
		.has_range = g->have_range,
		.first = g->range_first,
		.last = g->range_last,
		.parts = g->parallel > 0 ? (unsigned)g->parallel : 1,
		.user_agent = "nbget/0.1 (libnetboot)",
	};
	if (cfg.parts > NB_HTTP_PARTS_MAX)
		cfg.parts = NB_HTTP_PARTS_MAX;
	rc = nb_http_start(&h, &g->stack, &tcp, &fs.sink, &cfg);
	if (rc == 0)
		rc = nbget_wait(g, poll_http, &h);
	if (rc < 0)
		nb_http_close(&h);
	rc = nbget_filesink_finish(&fs, rc, (long)nb_http_retransmits(&h));
	if (!g->quiet)
		fprintf(stderr,
			"nbget: http status=%u requests=%u parts=%u resumes=%u "
			"restarts=%u redirects=%u reused=%u\n",
			h.http_status, h.stats.requests, h.nparts,
			h.stats.resumes, h.stats.restarts, h.stats.redirects,
			h.stats.reused);
	nb_http_close(&h);
	if (rc < 0)
		return nbget_fail(url, rc);
	return 0;
}
