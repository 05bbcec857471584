/*
 * lib/tls's iPAddress subjectAltName walk (san.c) on arbitrary bytes.
 * Input: 4 bytes of the wanted address, 1 byte of piece size, then the
 * "certificate".  Besides memory safety, the walk must not depend on how
 * the engine happens to cut the certificate: fed whole and fed in pieces
 * it must reach the same verdict.
 */
#include <stdint.h>
#include <stdlib.h>

#include "netboot/bytes.h"
#include "tls/tls_int.h"

static bool walk(uint32_t ip, const uint8_t *cert, size_t n, size_t piece)
{
	struct nb_tls_san s;
	nb_tls_san_init(&s, ip);
	for (size_t at = 0; at < n; at += piece)
		nb_tls_san_push(&s, cert + at, n - at < piece ? n - at : piece);
	nb_tls_san_stop(&s);
	return s.matched;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 5)
		return 0;
	uint32_t ip = nb_load_be32(data);
	size_t piece = (size_t)data[4] % 64 + 1;
	const uint8_t *cert = data + 5;
	size_t n = size - 5;
	if (walk(ip, cert, n, n ? n : 1) != walk(ip, cert, n, piece))
		abort();
	return 0;
}
