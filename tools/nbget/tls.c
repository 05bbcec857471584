/*
 * nbget's https://: trust anchors from --ca (a PEM bundle, or one DER
 * certificate), a session cache shared by every part and resume of the
 * run, and one TLS connection per possible part, each with a 4 MiB
 * ciphertext ring: the TCP window a fast, far server needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "netboot/fetch.h"
#include "nbget.h"

#ifdef NBGET_TLS
#include "netboot/tls.h"

#define RING_BYTES (4u << 20)
#define ANCHOR_BYTES (256u << 10)

static struct nb_tls_client client;
static bool client_ready;

static int load_ca(struct nb_tls_anchors *a, const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		perror(path);
		return -1;
	}
	static uint8_t buf[1u << 20];
	size_t n = fread(buf, 1, sizeof(buf), fp);
	bool big = !feof(fp);
	fclose(fp);
	if (big) {
		fprintf(stderr, "nbget: --ca %s: larger than 1 MiB\n", path);
		return -1;
	}
	int rc = nb_tls_anchors_add_pem(a, buf, n);
	if (rc == 0) /* no PEM block: maybe one DER certificate */
		rc = nb_tls_anchors_add_der(a, buf, n);
	if (rc <= 0) {
		fprintf(stderr, "nbget: --ca %s: %s\n", path,
			rc == 0 ? "no usable certificate" : nb_strerror(rc));
		return -1;
	}
	return 0;
}

int nbget_tls_setup(struct nbget *g, struct nb_fetch_cfg *cfg)
{
	static struct nb_tls_anchors anchors;
	static uint8_t anchor_mem[ANCHOR_BYTES];
	static struct nb_tls_cache cache;
	static struct nb_tls conns[NB_HTTP_PARTS_MAX];
	static uint8_t iobuf[NB_HTTP_PARTS_MAX][BR_SSL_BUFSIZE_BIDI];
	if (!g->ca_path && !g->insecure)
		return 0;
	if (nb_tls_anchors_init(&anchors, anchor_mem, sizeof(anchor_mem)) < 0)
		return 1;
	if (g->ca_path && load_ca(&anchors, g->ca_path) < 0)
		return 1;
	if (g->insecure)
		fprintf(stderr,
			"nbget: WARNING: --insecure: the server's certificate "
			"is NOT checked; anyone on the path can impersonate "
			"it\n");
	for (unsigned i = 0; i < NB_HTTP_PARTS_MAX; i++) {
		/* The rings are touched only as far as the window fills. */
		void *ring = malloc(RING_BYTES);
		if (!ring || nb_tls_init(&conns[i], iobuf[i], sizeof(iobuf[i]),
					 ring, RING_BYTES) < 0) {
			fprintf(stderr, "nbget: TLS buffers: out of memory\n");
			return 1;
		}
	}
	nb_tls_cache_init(&cache);
	struct nb_tls_cfg tc = {
		.anchors = &anchors,
		.cache = &cache,
		.unix_time = (uint64_t)time(NULL),
		.insecure = g->insecure,
	};
	int rc = nb_tls_client_init(&client, &tc, conns, NB_HTTP_PARTS_MAX);
	if (rc < 0)
		return nbget_fail("tls", rc);
	client_ready = true;
	cfg->tls = nb_tls_client_http(&client);
	return 0;
}

const char *nbget_tls_why(void)
{
	return client_ready ? nb_tls_why(&client) : "";
}

void nbget_tls_summary(void)
{
	if (client_ready)
		fprintf(stderr,
			"nbget: tls full_handshakes=%u resumed=%u failures=%u\n",
			client.stats.full_handshakes, client.stats.resumed,
			client.stats.failures);
}
#else
int nbget_tls_setup(struct nbget *g, struct nb_fetch_cfg *cfg)
{
	(void)cfg;
	if (!g->ca_path && !g->insecure)
		return 0;
	fprintf(stderr, "nbget: built without lib/tls (-Dskip=tls)\n");
	return 1;
}

const char *nbget_tls_why(void)
{
	return "";
}

void nbget_tls_summary(void)
{
}
#endif
