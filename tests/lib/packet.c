// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "packet.h"

uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* RFC 1071, byte by byte, deliberately unlike the gate's word sums. */
uint16_t csum_rfc1071(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t pseudo_sum(const uint8_t *l3, int ipv6, size_t seglen)
{
	uint32_t sum = 6 + (uint32_t)seglen;
	int i, n = ipv6 ? 32 : 8;
	const uint8_t *a = ipv6 ? l3 + 8 : l3 + 12;

	for (i = 0; i < n; i += 2)
		sum += get16(a + i);
	return sum;
}

int tcp_csum_ok(const uint8_t *l3, int ipv6, size_t seglen)
{
	size_t l3len = ipv6 ? 40 : (size_t)(l3[0] & 0xf) * 4;

	return csum_rfc1071(l3 + l3len, seglen, pseudo_sum(l3, ipv6, seglen)) == 0;
}

int ipv4_csum_ok(const uint8_t *ip)
{
	return csum_rfc1071(ip, (size_t)(ip[0] & 0xf) * 4, 0) == 0;
}

const uint8_t pkt_client_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
const uint8_t pkt_server_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

void pkt_default(struct pkt_spec *s, int ipv6)
{
	memset(s, 0, sizeof(*s));
	s->ipv6 = ipv6;
	memcpy(s->smac, pkt_client_mac, 6);
	memcpy(s->dmac, pkt_server_mac, 6);
	if (ipv6) {
		s->saddr[0] = 0xfd;
		s->saddr[15] = 1;
		s->daddr[0] = 0xfd;
		s->daddr[15] = 2;
	} else {
		memcpy(s->saddr, (uint8_t[]){ 10, 0, 0, 1 }, 4);
		memcpy(s->daddr, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	}
	s->sport = 40000;
	s->dport = 80;
	s->seq = 0x11223344;
	s->flags = TF_SYN;
	s->window = 64240;
	s->ttl = 64;
	s->tpid[0] = s->tpid[1] = s->tpid[2] = 0x8100;
	s->ethertype = ipv6 ? 0x86dd : 0x0800;
	s->proto = 6;
}

static size_t tcp_len(const struct pkt_spec *s)
{
	return 20 + ((s->optlen + 3) & ~(size_t)3);
}

size_t pkt_l3off(const struct pkt_spec *s)
{
	return 14 + 4 * (size_t)(s->vlans < 3 ? s->vlans : 3);
}

void pkt_layout(const struct pkt_spec *s, struct pkt_layout *lay)
{
	lay->l3off = pkt_l3off(s);
	lay->l4off = lay->l3off + (s->ipv6 ? 40 + s->extlen : 20 + s->ipoptlen);
	lay->ip_end = lay->l4off + tcp_len(s) + s->paylen;
}

/* The right IP length plus totlen_delta, as the 16-bit field holds it. */
static uint16_t ip_length(const struct pkt_spec *s, size_t right)
{
	long v = (long)right + s->totlen_delta;

	return (uint16_t)(v < 0 ? 0 : v > 0xffff ? 0xffff : v);
}

size_t pkt_build(const struct pkt_spec *s, uint8_t *buf)
{
	size_t tcplen = tcp_len(s), seg = tcplen + s->paylen, off = 12, l3, l4, len, i;
	struct pkt_layout lay;
	uint32_t sum;

	pkt_layout(s, &lay);
	l3 = lay.l3off;
	l4 = lay.l4off;
	len = lay.ip_end + s->trailer;
	memset(buf, 0, len);
	memcpy(buf, s->dmac, 6);
	memcpy(buf + 6, s->smac, 6);
	for (i = 0; i < (size_t)s->vlans && i < 3; i++) {
		put16(buf + off, s->tpid[i]);
		put16(buf + off + 2, (uint16_t)(100 + i));
		off += 4;
	}
	put16(buf + off, s->ethertype);

	if (!s->ipv6) {
		size_t ihl = 20 + s->ipoptlen;

		buf[l3] = s->ver_ihl ? s->ver_ihl : (uint8_t)(0x40 | ihl / 4);
		put16(buf + l3 + 2, ip_length(s, ihl + seg));
		put16(buf + l3 + 4, 0x1234);
		put16(buf + l3 + 6, s->frag);
		buf[l3 + 8] = s->ttl;
		buf[l3 + 9] = s->proto;
		memcpy(buf + l3 + 12, s->saddr, 4);
		memcpy(buf + l3 + 16, s->daddr, 4);
		if (s->ipoptlen)
			memcpy(buf + l3 + 20, s->ipopts, s->ipoptlen);
		put16(buf + l3 + 10, csum_rfc1071(buf + l3, ihl, 0));
	} else {
		put32(buf + l3, s->ver_tc_flow ? s->ver_tc_flow : 0x60000000);
		put16(buf + l3 + 4, ip_length(s, s->extlen + seg));
		buf[l3 + 6] = s->extlen ? s->ext_first : s->proto;
		buf[l3 + 7] = s->ttl;
		memcpy(buf + l3 + 8, s->saddr, 16);
		memcpy(buf + l3 + 24, s->daddr, 16);
		if (s->extlen)
			memcpy(buf + l3 + 40, s->ext, s->extlen);
	}

	put16(buf + l4, s->sport);
	put16(buf + l4 + 2, s->dport);
	put32(buf + l4 + 4, s->seq);
	put32(buf + l4 + 8, s->ack);
	buf[l4 + 12] = (uint8_t)(((s->doff_words ? (size_t)s->doff_words : tcplen / 4) & 15) << 4);
	buf[l4 + 13] = s->flags;
	put16(buf + l4 + 14, s->window);
	if (s->optlen)
		memcpy(buf + l4 + 20, s->opts, s->optlen);
	/* Counting, not constant: a byte moved by one shows. */
	for (i = 0; i < s->paylen; i++)
		buf[l4 + tcplen + i] = (uint8_t)(0xa0 + i);
	sum = pseudo_sum(buf + l3, s->ipv6, seg);
	put16(buf + l4 + 16, csum_rfc1071(buf + l4, seg, sum));
	for (i = 0; i < s->trailer; i++)
		buf[lay.ip_end + i] = (uint8_t)(i * 7);
	return len;
}
