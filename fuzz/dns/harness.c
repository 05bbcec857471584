/*
 * libFuzzer harness: arbitrary bytes as a DNS response to an A query for
 * www.example.com, and to an AAAA query for it.  The ID is taken from
 * the input so the parser gets past the ID check and into the name and
 * record code.
 */
#include <stddef.h>
#include <stdint.h>

#include "netboot/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t qname[] = "\3www\7example\3com";
	struct nb_dns_answer ans;
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	int rc = nb_dns_parse_response(data, size, id, qname, &ans);
	struct nb_dns_answer ans6;
	if (nb_dns_parse_response_type(data, size, id, qname, NB_DNS_TYPE_AAAA,
				       &ans6) == 1) {
		uint8_t q[300];
		if (nb_dns_build_query_type(q, sizeof(q), id, ans6.next,
					    NB_DNS_TYPE_AAAA) < 0)
			__builtin_trap();
	}
	if (rc == 1) {
		/* The CNAME target must be a well-formed wire name. */
		uint8_t q[300];
		if (nb_dns_build_query(q, sizeof(q), id, ans.next) < 0)
			__builtin_trap();
	}
	return 0;
}
