/*
 * Write a capture of two stacks talking over an impaired memlink, for
 * tshark to read (pcap_tshark.sh).  Prints "records N pings P udp U".
 */
#include <stdio.h>
#include <stdlib.h>

#include "netboot/hosted.h"
#include "pair.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s out.pcap\n", argv[0]);
		return 2;
	}
	const struct nb_impair im = { .loss_ppm = 50000, .dup_ppm = 20000,
				      .reorder_ppm = 20000, .delay_ms = 5,
				      .jitter_ms = 2 };
	struct nb_pcap cap;
	struct pair *p = pair_new(&im, &im, 2024, &cap, argv[1]);
	if (!p) {
		fprintf(stderr, "pcap_gen: cannot set up the pair\n");
		return 1;
	}
	uint64_t now = 1000;
	uint32_t pings = pair_pings(p, 20, 200, &now, 120000, NULL);
	uint32_t udp = pair_udp(p, 50, 5, &now, 240000);
	/* Let the last replies land so the capture ends quietly. */
	for (int i = 0; i < 100; i++)
		pair_poll(p, ++now);
	int rc = nb_pcap_close_file(&cap);
	printf("records %u pings %u udp %u errors %u\n", cap.records, pings,
	       udp, cap.write_errors);
	pair_free(p);
	return rc == 0 && pings == 20 && udp == 50 && !cap.write_errors ? 0 : 1;
}
