/* nbat — run a command at a given wall-clock time.
 *
 *   nbat T CMD [ARGS...]     T: CLOCK_REALTIME seconds, as bash's
 *                            $EPOCHREALTIME prints them (e.g. 1733.250000)
 *
 * Why: a storm harness must start N clients within one second, yet on a
 * loaded machine forking `ip netns exec`, `timeout` and the client itself
 * takes tens to hundreds of ms per client.  Doing all of that first and
 * waiting here for an absolute time makes the start window real: only an
 * exec remains after the barrier.  Prints "nbat: late N ms" to stderr when
 * T had already passed when it got here, so a harness can tell.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: nbat T CMD [ARGS...]\n", stderr);
		return 2;
	}
	char *end;
	double t = strtod(argv[1], &end);
	/* Seconds since 1970 that time_t holds on every host we build. */
	if (*end || !(t > 0 && t < 4e9)) {
		fputs("nbat: bad time\n", stderr);
		return 2;
	}
	struct timespec at = { .tv_sec = (time_t)t,
			       .tv_nsec = (long)((t - (double)(time_t)t) * 1e9) }, now;
	clock_gettime(CLOCK_REALTIME, &now);
	double late = ((double)now.tv_sec + (double)now.tv_nsec * 1e-9 - t) * 1e3;
	if (late > 0)
		fprintf(stderr, "nbat: late %.0f ms\n", late);
	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &at, NULL) == EINTR)
		;
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
