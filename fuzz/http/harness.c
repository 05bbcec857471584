/*
 * libFuzzer harness for the HTTP response side: the input is parsed as a
 * header block; whatever follows it (or the whole input when it is no
 * header block) is decoded as a chunked body, fed in pieces whose sizes
 * come from the first byte, so every state of the decoder meets every
 * split.
 */
#include <stddef.h>
#include <stdint.h>

#include "netboot/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nb_http_resp r;
	size_t body = 0;
	int hl = nb_http_parse_response((const char *)data, size, &r);
	if (hl >= 0) {
		if ((size_t)hl > size || r.status < 100 || r.status > 999)
			__builtin_trap();
		if (r.etag && (r.etag < (const char *)data ||
			       r.etag + r.etag_len > (const char *)data + size))
			__builtin_trap();
		if (r.status == 200 || r.status == 206)
			(void)nb_http_check_range(&r, r.range_first,
						  r.range_last);
		body = (size_t)hl;
	}
	size_t step = size ? (size_t)(data[0] % 7) + 1 : 1;
	struct nb_http_chunked c;
	nb_http_chunked_init(&c);
	uint64_t payload = 0;
	while (body < size && !nb_http_chunked_done(&c)) {
		size_t piece = size - body < step ? size - body : step;
		size_t d;
		int n = nb_http_chunked_step(&c, data + body, piece, &d);
		if (n < 0)
			break;
		if ((size_t)n > piece || d > (size_t)n)
			__builtin_trap();
		if (n == 0)
			break;
		payload += d;
		body += (size_t)n;
	}
	if (payload != c.payload)
		__builtin_trap();
	return 0;
}
