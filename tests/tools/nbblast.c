/* nbblast — bounded TCP/UDP traffic generator for the emulator's tests.
 *
 * The tests need a measured throughput and a measured one-way loss rate
 * between namespaces without depending on iperf or python; every mode is
 * bounded in bytes/packets and in time (--timeout, default 30 s).
 *
 *   nbblast tcp-send  --port P --bytes N        listen, accept one, send N, close
 *   nbblast tcp-recv  --host H --port P         connect, read to EOF; prints
 *                                               "bytes=N secs=S mbit=M bad=B"
 *                                               (B: bytes not matching the pattern)
 *   nbblast udp-recv  --port P --count N        count datagrams until N arrive,
 *                                               or 1 s of silence after the first;
 *                                               prints "received=R"
 *   nbblast udp-send  --host H --port P --count N [--pps R]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static char buf[1 << 20];
/* The TCP stream is bytes i % 251 (a prime, so it never lines up with
 * segment sizes): the reader can tell a corrupted byte that slipped past
 * the checksums. */
static char pattern[sizeof buf + 251];

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: see the comment at the top of nbblast.c\n", stderr);
		return 2;
	}
	const char *mode = argv[1], *host = "127.0.0.1";
	int port = 5001;
	long long bytes = 10 << 20, count = 1000;
	double pps = 1000, timeout = 30;
	for (int i = 2; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (!strcmp(k, "--host")) host = v;
		else if (!strcmp(k, "--port")) port = atoi(v);
		else if (!strcmp(k, "--bytes")) bytes = atoll(v);
		else if (!strcmp(k, "--count")) count = atoll(v);
		else if (!strcmp(k, "--pps")) pps = atof(v);
		else if (!strcmp(k, "--timeout")) timeout = atof(v);
		else {
			fprintf(stderr, "nbblast: unknown option %s\n", k);
			return 2;
		}
	}
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "nbblast: bad --host %s\n", host);
		return 2;
	}
	for (size_t j = 0; j < sizeof pattern; j++)
		pattern[j] = (char)(j % 251);
	double t0 = now_s(), deadline = t0 + timeout;
	int one = 1;
	if (!strcmp(mode, "tcp-send")) {
		int l = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = sa.sin_port };
		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(l, (struct sockaddr *)&any, sizeof any) || listen(l, 1))
			die("nbblast: listen");
		struct pollfd p = { l, POLLIN, 0 };
		if (poll(&p, 1, (int)(timeout * 1000)) != 1) {
			fputs("nbblast: no connection\n", stderr);
			return 1;
		}
		int c = accept(l, NULL, NULL);
		if (c < 0)
			die("nbblast: accept");
		long long left = bytes;
		while (left > 0 && now_s() < deadline) {
			long long off = bytes - left;
			size_t want = left < (long long)sizeof buf / 2 ? (size_t)left : sizeof buf / 2;
			ssize_t n = send(c, pattern + off % 251, want, 0);
			if (n < 0)
				die("nbblast: send");
			left -= n;
		}
		shutdown(c, SHUT_WR);
		/* Wait for the reader's close so our FIN is not turned into RST. */
		p.fd = c;
		poll(&p, 1, 5000);
		close(c);
		return left > 0;
	}
	if (!strcmp(mode, "tcp-recv")) {
		int s = -1;
		/* The listener may still be starting in the other namespace. */
		for (int tries = 0; tries < 100; tries++) {
			s = socket(AF_INET, SOCK_STREAM, 0);
			if (connect(s, (struct sockaddr *)&sa, sizeof sa) == 0)
				break;
			close(s);
			s = -1;
			usleep(50000);
		}
		if (s < 0)
			die("nbblast: connect");
		t0 = now_s();
		long long got = 0, bad = 0;
		struct timeval tv = { (time_t)timeout, 0 };
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		while (now_s() < deadline) {
			ssize_t n = recv(s, buf, sizeof buf, 0);
			if (n <= 0)
				break;
			if (memcmp(buf, pattern + got % 251, (size_t)n) != 0)
				for (ssize_t j = 0; j < n; j++)
					bad += buf[j] != pattern[(got + j) % 251];
			got += n;
		}
		double dt = now_s() - t0;
		printf("bytes=%lld secs=%.3f mbit=%.1f bad=%lld\n", got, dt, got * 8 / dt / 1e6, bad);
		close(s);
		return 0;
	}
	if (!strcmp(mode, "udp-recv")) {
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = sa.sin_port };
		if (bind(s, (struct sockaddr *)&any, sizeof any))
			die("nbblast: bind");
		long long got = 0;
		while (got < count && now_s() < deadline) {
			struct pollfd p = { s, POLLIN, 0 };
			if (poll(&p, 1, got ? 1000 : (int)((deadline - now_s()) * 1000) + 1) != 1) {
				if (got)
					break;
				continue;
			}
			if (recv(s, buf, sizeof buf, 0) > 0)
				got++;
		}
		printf("received=%lld\n", got);
		return 0;
	}
	if (!strcmp(mode, "udp-send")) {
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		memset(buf, 'u', 512);
		for (long long i = 0; i < count && now_s() < deadline; i++) {
			double due = t0 + (double)i / pps;
			while (now_s() < due)
				usleep(100);
			memcpy(buf, &i, sizeof i);
			if (sendto(s, buf, 512, 0, (struct sockaddr *)&sa, sizeof sa) < 0 &&
			    errno != ENOBUFS)
				die("nbblast: sendto");
		}
		return 0;
	}
	fprintf(stderr, "nbblast: unknown mode %s\n", mode);
	return 2;
}
