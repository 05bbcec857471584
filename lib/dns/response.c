/*
 * Parsing one DNS response: header, the question echoed back exactly,
 * then the answer records, following CNAMEs inside the packet.  Kept apart
 * from the query side so the fuzz harness can drive it with raw bytes
 * and no stack.
 */
#include "core/mem.h"
#include "dns/dns_int.h"

#define FLAG_QR 0x8000
#define FLAG_TC 0x0200
#define OPCODE_MASK 0x7800
#define RCODE_MASK 0x000f
#define RCODE_NXDOMAIN 3

/* Fixed part of a resource record after its owner name. */
#define RR_FIXED 10

/*
 * One pass over the answer section looking for records owned by @cur.
 * Returns 0 when a record of @qtype was found (ans->addr or addr6 set),
 * 1 when a CNAME moved @cur to its target, 2 when neither, or -NB_EPROTO.
 */
static int scan_answers(const uint8_t *p, size_t len, size_t off,
			unsigned count, uint8_t *cur, uint16_t qtype,
			struct nb_dns_answer *ans)
{
	for (unsigned i = 0; i < count; i++) {
		size_t end;
		bool match;
		int rc = nb_dns_name_walk(p, len, off, &end, cur, &match, NULL);
		if (rc < 0 || len - end < RR_FIXED)
			return -NB_EPROTO;
		uint16_t type = nb_get16(p + end);
		uint16_t cls = nb_get16(p + end + 2);
		uint32_t ttl = nb_get32(p + end + 4);
		size_t rdlen = nb_get16(p + end + 8);
		size_t rd = end + RR_FIXED;
		if (rdlen > len - rd)
			return -NB_EPROTO;
		off = rd + rdlen;
		if (!match || cls != DNS_CLASS_IN)
			continue;
		if (type == qtype) {
			if (rdlen != (qtype == NB_DNS_TYPE_A ? 4u : 16u))
				return -NB_EPROTO;
			if (rdlen == 4)
				ans->addr = nb_get32(p + rd);
			else
				memcpy(ans->addr6, p + rd, 16);
			ans->ttl = ttl;
			return 0;
		}
		if (type == DNS_TYPE_CNAME) {
			size_t tend;
			/* The target must lie inside the record's data. */
			rc = nb_dns_name_walk(p, rd + rdlen, rd, &tend, NULL,
					      NULL, cur);
			/* An alias to the root name cannot have an address. */
			if (rc < 2 || tend != rd + rdlen)
				return -NB_EPROTO;
			return 1;
		}
	}
	return 2;
}

int nb_dns_parse_response_type(const void *pkt, size_t len, uint16_t id,
			       const uint8_t *qname, uint16_t qtype,
			       struct nb_dns_answer *ans)
{
	const uint8_t *p = pkt;
	if (!p || !qname || !ans || len < DNS_HLEN)
		return -NB_EPROTO;
	uint16_t flags = nb_get16(p + 2);
	if (nb_get16(p) != id || !(flags & FLAG_QR) || (flags & OPCODE_MASK))
		return -NB_EPROTO;
	if (nb_get16(p + 4) != 1)
		return -NB_EPROTO;
	unsigned ancount = nb_get16(p + 6);

	/* The response must repeat our question, or it answers another. */
	size_t off;
	bool match;
	if (nb_dns_name_walk(p, len, DNS_HLEN, &off, qname, &match, NULL) < 0 ||
	    !match || len - off < 4 || nb_get16(p + off) != qtype ||
	    nb_get16(p + off + 2) != DNS_CLASS_IN)
		return -NB_EPROTO;
	off += 4;

	unsigned rcode = flags & RCODE_MASK;
	if (rcode == RCODE_NXDOMAIN)
		return -NB_ENOTFOUND;
	if (rcode != 0)
		return -NB_ESERVER;

	size_t ql = nb_dns_wire_len(qname);
	if (ql == 0)
		return -NB_EPROTO;
	memcpy(ans->next, qname, ql);
	ans->cnames = 0;
	bool tc = (flags & FLAG_TC) != 0;
	/* Each pass either ends the chain or follows one CNAME link, so a
	 * CNAME loop inside the packet ends at the bound. */
	for (unsigned step = 0; step <= NB_DNS_CNAME_MAX; step++) {
		int rc = scan_answers(p, len, off, ancount, ans->next, qtype,
				      ans);
		if (rc < 0)
			return tc ? -NB_ENOTSUP : rc;
		if (rc == 0)
			return 0;
		if (rc == 2) {
			if (tc)
				return -NB_ENOTSUP;
			return ans->cnames ? 1 : -NB_ENOTFOUND;
		}
		ans->cnames++;
	}
	return -NB_EPROTO;
}
