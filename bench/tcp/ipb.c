/*
 * Benchmark driver: one transfer over the clean memlink, for callgrind.
 *   tcp-ipb ours BYTES   lwIP sends, our TCP receives (download)
 *   tcp-ipb lwip BYTES   our TCP sends, lwIP receives (upload)
 * bench/tcp/callgrind.sh toggles collection on lp_our_rx / lp_lwip_rx,
 * the complete receive path of each side (link read, Ethernet, IP, TCP,
 * the copy into the destination, and the ACKs sent back).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tests/tcp/lwip_pair.h"

int main(int argc, char **argv)
{
	struct lp_result r;
	enum lp_dir dir;
	uint64_t bytes;

	if (argc != 3 || (strcmp(argv[1], "ours") && strcmp(argv[1], "lwip"))) {
		fprintf(stderr, "usage: %s ours|lwip BYTES\n", argv[0]);
		return 2;
	}
	dir = strcmp(argv[1], "ours") == 0 ? LP_DOWNLOAD : LP_UPLOAD;
	bytes = strtoull(argv[2], NULL, 0);
	if (lp_run(dir, bytes, NULL, NULL, 1, 3600u * 1000u, &r) < 0)
		return 1;
	printf("%s: %llu bytes, exact %d, rc %d, sim %llu ms\n", argv[1],
	       (unsigned long long)r.received, r.exact, r.rc,
	       (unsigned long long)r.sim_ms);
	return r.exact ? 0 : 1;
}
