/*
 * libFuzzer harness for the chainloader's script interpreter (script/):
 * parse and run with the fake platform of the unit tests.  Input:
 *   [0] keys delay (fake ms between keys), [1] fetch failures before a
 *   file is served, then parts separated by "\n%%\n": the embedded
 *   script, then the files served at http://s/1 .. http://s/7 (a part
 *   starting "#!ipxe" is a chained script), and the last part is the keys.
 * Any crash, overrun or hang (the fake clock only moves when the
 * interpreter waits; every wait is bounded) is a bug.
 */
#include <stdint.h>
#include <string.h>

#include "fake.h"
#include "netboot/err.h"

static struct cl_script S;
static struct fake F;
static char text[8][4096];
static const char *urls[8] = {"", "http://s/1", "http://s/2", "http://s/3",
	"http://s/4", "http://s/5", "http://s/6", "http://s/7"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 16384)
		return 0;
	fake_init(&F);
	F.key_ms = data[0];
	int parts = 0;
	size_t at = 2;
	while (parts < 8 && at <= size) {
		size_t end = at;
		while (end < size && !(end + 4 <= size && memcmp(data + end, "\n%%\n", 4) == 0))
			end++;
		size_t n = end - at < sizeof(text[0]) - 1 ? end - at : sizeof(text[0]) - 1;
		memcpy(text[parts], data + at, n);
		text[parts][n] = 0;
		parts++;
		at = end + 4;
	}
	for (int i = 1; i < parts && i < FAKE_FILES; i++)
		F.files[i - 1] = (struct fake_file){.url = urls[i], .body = text[i],
			.len = strlen(text[i]) + 1, .fails = data[1] % 3,
			.rc = -NB_ESERVER};
	F.keys = parts > 1 ? text[parts - 1] : "";
	cl_script_run(&S, text[0], strlen(text[0]), &fake_ops, &F);
	return 0;
}
