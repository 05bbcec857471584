/*
 * Byte-level builders for crafted DNS responses (dns_util.h), so the DNS
 * tests can write compressed names, pointer loops and lying counts that
 * no real server would send.
 */
#include "dns_util.h"

#include <string.h>

void pkt_u8(struct pkt *p, uint8_t v)
{
	if (p->n < sizeof(p->b))
		p->b[p->n++] = v;
}
void pkt_u16(struct pkt *p, uint16_t v)
{
	pkt_u8(p, (uint8_t)(v >> 8));
	pkt_u8(p, (uint8_t)v);
}
void pkt_u32(struct pkt *p, uint32_t v)
{
	pkt_u16(p, (uint16_t)(v >> 16));
	pkt_u16(p, (uint16_t)v);
}
void pkt_name(struct pkt *p, const char *d)
{
	while (*d) {
		const char *dot = strchr(d, '.');
		size_t l = dot ? (size_t)(dot - d) : strlen(d);
		pkt_u8(p, (uint8_t)l);
		for (size_t i = 0; i < l; i++)
			pkt_u8(p, (uint8_t)d[i]);
		d += l;
		if (*d == '.')
			d++;
	}
	pkt_u8(p, 0);
}
void pkt_hdr(struct pkt *p, uint16_t id, uint16_t flags, uint16_t qd,
	     uint16_t an)
{
	p->n = 0;
	pkt_u16(p, id);
	pkt_u16(p, flags);
	pkt_u16(p, qd);
	pkt_u16(p, an);
	pkt_u16(p, 0);
	pkt_u16(p, 0);
}
void pkt_start(struct pkt *p, uint16_t id, uint16_t flags, const char *q,
	       uint16_t an)
{
	pkt_hdr(p, id, flags, 1, an);
	pkt_name(p, q);
	pkt_u16(p, 1);
	pkt_u16(p, 1);
}
void pkt_a_ptr(struct pkt *p, uint16_t ptr, uint32_t addr)
{
	pkt_u16(p, (uint16_t)(0xc000 | ptr));
	pkt_u16(p, 1);
	pkt_u16(p, 1);
	pkt_u32(p, 300);
	pkt_u16(p, 4);
	pkt_u32(p, addr);
}
void pkt_a(struct pkt *p, const char *owner, uint32_t addr)
{
	pkt_name(p, owner);
	pkt_u16(p, 1);
	pkt_u16(p, 1);
	pkt_u32(p, 60);
	pkt_u16(p, 4);
	pkt_u32(p, addr);
}
void pkt_cname(struct pkt *p, const char *owner, const char *target)
{
	pkt_name(p, owner);
	pkt_u16(p, 5);
	pkt_u16(p, 1);
	pkt_u32(p, 60);
	size_t at = p->n;
	pkt_u16(p, 0);
	size_t start = p->n;
	pkt_name(p, target);
	p->b[at] = (uint8_t)((p->n - start) >> 8);
	p->b[at + 1] = (uint8_t)(p->n - start);
}

void pkt_aaaa_reply(struct pkt *p, uint16_t id, const char *name,
		    uint8_t first)
{
	pkt_hdr(p, id, 0x8180, 1, 1);
	pkt_name(p, name);
	pkt_u32(p, (uint32_t)28 << 16 | 1);
	pkt_u16(p, 0xc00c);
	pkt_u32(p, (uint32_t)28 << 16 | 1);
	pkt_u32(p, 60);
	pkt_u16(p, 16);
	for (int i = 0; i < 16; i++)
		pkt_u8(p, (uint8_t)(first + i));
}
