// SPDX-License-Identifier: GPL-2.0
/* DTLS ClientHello frames for tests and benchmarks (dtls_hello.h). */
#include <string.h>

#include "dtls_hello.h"
#include "packet.h"

void hello_default(struct hello *h, int ipv6)
{
	int i;

	memset(h, 0, sizeof(*h));
	h->ipv6 = ipv6;
	if (ipv6) {
		h->saddr[0] = 0xfd;
		h->saddr[15] = 1;
		h->daddr[0] = 0xfd;
		h->daddr[15] = 2;
	} else {
		memcpy(h->saddr, (uint8_t[]){ 10, 0, 0, 1 }, 4);
		memcpy(h->daddr, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	}
	h->sport = 40000;
	h->dport = HELLO_DPORT;
	h->content_type = 22;
	h->record_version = 0xfeff;
	memcpy(h->seq, (uint8_t[]){ 0, 0, 0, 0, 0x01, 0x23 }, 6);
	h->msg_type = 1;
	h->client_version = 0xfefd;
	for (i = 0; i < 32; i++)
		h->random[i] = (uint8_t)(0x30 + i);
	h->extensions = 40;
}

/* The handshake body; returns its length. */
static size_t hello_body(const struct hello *h, uint8_t *b)
{
	size_t n = 0, i;

	put16(b, h->client_version);
	memcpy(b + 2, h->random, 32);
	b[34] = h->sid_len;
	n = 35;
	memcpy(b + n, h->sid, h->sid_len);
	n += h->sid_len;
	b[n++] = h->cookie_len;
	memcpy(b + n, h->cookie, h->cookie_len);
	n += h->cookie_len;
	put16(b + n, 4);		/* two cipher suites */
	put16(b + n + 2, 0xc02b);
	put16(b + n + 4, 0xc02f);
	b[n + 6] = 1;			/* one compression method: null */
	b[n + 7] = 0;
	n += 8;
	if (h->ext) {
		put16(b + n, (uint16_t)h->ext_len);
		memcpy(b + n + 2, h->ext, h->ext_len);
		n += 2 + h->ext_len;
	} else if (h->extensions) {
		put16(b + n, (uint16_t)h->extensions);
		for (i = 0; i < h->extensions; i++)
			b[n + 2 + i] = (uint8_t)(0x70 + i);
		n += 2 + h->extensions;
	}
	return n;
}

/* The UDP payload: one record holding the ClientHello. */
size_t hello_payload(const struct hello *h, uint8_t *p)
{
	uint8_t body[512];
	size_t blen = hello_body(h, body);
	size_t rlen = 12 + blen;

	p[0] = h->content_type;
	put16(p + 1, h->record_version);
	put16(p + 3, h->epoch);
	memcpy(p + 5, h->seq, 6);
	put16(p + 11, (uint16_t)(rlen + h->record_len_delta));
	p[13] = h->msg_type;
	p[14] = (uint8_t)(blen >> 16);
	put16(p + 15, (uint16_t)blen);
	put16(p + 17, h->message_seq);
	p[19] = (uint8_t)(h->frag_offset >> 16);
	put16(p + 20, (uint16_t)h->frag_offset);
	p[22] = (uint8_t)((blen + h->frag_len_delta) >> 16);
	put16(p + 23, (uint16_t)(blen + h->frag_len_delta));
	memcpy(p + 25, body, blen);
	return 13 + rlen;
}

uint32_t pseudo_udp(const uint8_t *src, const uint8_t *dst, int ipv6,
			   size_t len)
{
	uint32_t sum = 17 + (uint32_t)len;
	int i, n = ipv6 ? 16 : 4;

	for (i = 0; i < n; i += 2)
		sum += get16(src + i) + get16(dst + i);
	return sum;
}

/* Ethernet, IPv4 or IPv6, UDP with its checksum, the payload; the length. */
size_t udp_frame(const struct hello *h, const uint8_t *pl, size_t plen,
			uint8_t *f)
{
	size_t l3 = 14, ihl = 20 + 4 * (size_t)h->ipopts_words, l4, i;
	size_t ulen = 8 + plen;

	memset(f, 0, HELLO_FRAME_MAX);
	memcpy(f, pkt_server_mac, 6);
	memcpy(f + 6, pkt_client_mac, 6);
	put16(f + 12, h->ipv6 ? 0x86dd : 0x0800);
	if (!h->ipv6) {
		f[l3] = (uint8_t)(0x40 | ihl / 4);
		put16(f + l3 + 2, (uint16_t)(ihl + ulen));
		put16(f + l3 + 4, 0x4321);
		put16(f + l3 + 6, h->ip_frag);
		f[l3 + 8] = 64;
		f[l3 + 9] = 17;
		memcpy(f + l3 + 12, h->saddr, 4);
		memcpy(f + l3 + 16, h->daddr, 4);
		for (i = 20; i < ihl; i++)
			f[l3 + i] = 1;	/* NOP options */
		put16(f + l3 + 10, csum_rfc1071(f + l3, ihl, 0));
		l4 = l3 + ihl;
	} else {
		put32(f + l3, 0x60000000);
		put16(f + l3 + 4, (uint16_t)ulen);
		f[l3 + 6] = 17;
		f[l3 + 7] = 64;
		memcpy(f + l3 + 8, h->saddr, 16);
		memcpy(f + l3 + 24, h->daddr, 16);
		l4 = l3 + 40;
	}
	put16(f + l4, h->sport);
	put16(f + l4 + 2, h->dport);
	put16(f + l4 + 4, (uint16_t)ulen);
	memcpy(f + l4 + 8, pl, plen);
	put16(f + l4 + 6,
	      csum_rfc1071(f + l4, ulen,
			   pseudo_udp(h->saddr, h->daddr, h->ipv6, ulen)));
	for (i = 0; i < h->trailer; i++)
		f[l4 + ulen + i] = (uint8_t)(i * 3);
	return l4 + ulen + h->trailer;
}

size_t hello_frame(const struct hello *h, uint8_t *f)
{
	uint8_t pl[1024];

	return udp_frame(h, pl, hello_payload(h, pl), f);
}
