// SPDX-License-Identifier: GPL-2.0
/*
 * DTLS ClientHellos for the differential fuzzer: a ClientHello as fields
 * (struct gen_hello) serialized into a UDP datagram, and a random generator
 * that gets any of them wrong on purpose.  Valid cookies come from the codec
 * (include/sgate/dtls.h), as the TCP cookies of gen.c do from cookie.h: the
 * fuzzer needs ClientHellos that pass.
 */
#include <string.h>

#include "sgate/dtls.h"
#include "gen.h"

const uint16_t gen_dtls_ports[GEN_NDTLS] = { 4433, 5684 };

bool gen_udp_bound(unsigned port)
{
	int k;

	for (k = 0; k < GEN_NDTLS; k++)
		if (gen_dtls_ports[k] == port)
			return true;
	return false;
}

/* cipher_suites, compression_methods, extensions: a DTLS 1.2 client's. */
static const uint8_t tail_12[] = {
	0, 4, 0xc0, 0x2b, 0xc0, 0x2f,		/* two suites */
	1, 0,					/* null compression */
	0, 15,					/* extensions */
	0, 10, 0, 4, 0, 2, 0, 23,		/* supported_groups */
	0, 43, 0, 3, 2, 0xfe, 0xfd,		/* supported_versions: 1.2 */
};

/* A DTLS 1.3-only client: supported_versions names 1.3 (0xfefc) alone. */
static const uint8_t tail_13_only[] = {
	0, 2, 0x13, 0x01,
	1, 0,
	0, 15,
	0, 10, 0, 4, 0, 2, 0, 29,
	0, 43, 0, 3, 2, 0xfe, 0xfc,
};

void gen_dtls_tail(struct gen_hello *h, enum gen_tail kind)
{
	size_t k;

	switch (kind) {
	case GEN_TAIL_12:
		memcpy(h->ext, tail_12, sizeof(tail_12));
		h->ext_len = sizeof(tail_12);
		break;
	case GEN_TAIL_13_ONLY:
		memcpy(h->ext, tail_13_only, sizeof(tail_13_only));
		h->ext_len = sizeof(tail_13_only);
		break;
	case GEN_TAIL_NONE:
		memcpy(h->ext, tail_13_only, 6);	/* no extensions at all */
		h->ext_len = 6;
		break;
	case GEN_TAIL_MANY:
		/* 33 empty extensions, then 1.3 alone: past the walk's 32. */
		memcpy(h->ext, tail_13_only, 6);
		h->ext_len = 8;
		for (k = 0; k < 33; k++) {
			h->ext[h->ext_len++] = 0xff;
			h->ext[h->ext_len++] = (uint8_t)k;
			h->ext[h->ext_len++] = 0;
			h->ext[h->ext_len++] = 0;
		}
		memcpy(h->ext + h->ext_len, tail_13_only + 16, 7);
		h->ext_len += 7;
		h->ext[6] = (uint8_t)((h->ext_len - 8) >> 8);
		h->ext[7] = (uint8_t)(h->ext_len - 8);
		break;
	}
}

void gen_dtls_default(struct gen_spec *s, struct gen_hello *h, int ipv6)
{
	int k;

	gen_default(s, ipv6);
	s->udp = true;
	s->p.dport = gen_dtls_ports[0];
	memset(h, 0, sizeof(*h));
	h->content_type = 22;
	h->handshake_type = 1;
	h->record_version = 0xfeff;
	h->record_seq = 1;
	h->client_version = 0xfefd;
	for (k = 0; k < 32; k++)
		h->random[k] = (uint8_t)(0x30 + k);
	h->cookie_how = GEN_COOKIE_NONE;
	gen_dtls_tail(h, GEN_TAIL_12);
}

static void put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

/* The codec's cookie for s's flow and h at @epoch (no key: zeros). */
static void codec_cookie(const struct gen_spec *s, const struct gen_hello *h,
			 const struct gen_target *t, uint64_t epoch,
			 uint8_t out[SGATE_DTLS_COOKIE_LEN])
{
	const struct sgate_siphash_key *key = sgate_keyring_key_for(t->ring, epoch);
	struct sgate_dtls_hello dh;
	struct sgate_flow f;
	uint8_t port[2];

	memset(out, 0, SGATE_DTLS_COOKIE_LEN);
	if (!key)
		return;
	memset(&f, 0, sizeof(f));
	f.ipv6 = (uint8_t)s->p.ipv6;
	memcpy(f.saddr, s->p.saddr, s->p.ipv6 ? 16 : 4);
	memcpy(f.daddr, s->p.daddr, s->p.ipv6 ? 16 : 4);
	put16(port, s->p.sport);
	memcpy(&f.sport, port, 2);
	put16(port, s->p.dport);
	memcpy(&f.dport, port, 2);
	memset(&dh, 0, sizeof(dh));
	put16(dh.client_version, h->client_version);
	memcpy(dh.random, h->random, 32);
	dh.session_id_len = h->sid_len;
	memcpy(dh.session_id, h->sid, h->sid_len <= 32 ? h->sid_len : 32);
	sgate_dtls_cookie_make(key, &f, &dh, epoch, out);
}

void gen_dtls_set(struct gen_spec *s, const struct gen_hello *h,
		  const struct gen_target *t)
{
	uint8_t *d = s->dgram, *hs = d + 13, *b = hs + 12, cookie[255];
	uint64_t now = t->epoch_valid ? t->now_epoch : 0;
	size_t n = 0, clen = 0, body, sid = h->sid_len <= 32 ? h->sid_len : 32;

	switch (h->cookie_how) {
	case GEN_COOKIE_NONE:
		break;
	case GEN_COOKIE_VALID:
	case GEN_COOKIE_FLIPPED:
		codec_cookie(s, h, t, now, cookie);
		clen = SGATE_DTLS_COOKIE_LEN;
		if (h->cookie_how == GEN_COOKIE_FLIPPED)
			cookie[1 + h->record_seq % 8] ^= (uint8_t)(1 << (h->record_seq % 8));
		break;
	case GEN_COOKIE_PREVIOUS:
	case GEN_COOKIE_STALE:
		codec_cookie(s, h, t, now - (h->cookie_how == GEN_COOKIE_STALE ? 2 : 1),
			     cookie);
		clen = SGATE_DTLS_COOKIE_LEN;
		break;
	case GEN_COOKIE_BYTES:
		clen = h->cookie_len;
		memcpy(cookie, h->cookie, clen);
		break;
	}

	put16(b, h->client_version);
	memcpy(b + 2, h->random, 32);
	b[34] = h->sid_len;
	memcpy(b + 35, h->sid, sid);
	n = 35 + sid;
	b[n++] = (uint8_t)clen;
	memcpy(b + n, cookie, clen);
	n += clen;
	memcpy(b + n, h->ext, h->ext_len);
	body = n + h->ext_len;

	hs[0] = h->handshake_type;
	put24(hs + 1, (uint32_t)((int)body + h->msg_len_delta));
	put16(hs + 4, 0);				/* message_seq */
	put24(hs + 6, h->frag_offset);
	put24(hs + 9, (uint32_t)((int)body + h->msg_len_delta + h->frag_len_delta));
	d[0] = h->content_type;
	put16(d + 1, h->record_version);
	put16(d + 3, h->record_epoch);
	put16(d + 5, (uint16_t)(h->record_seq >> 32));
	put32(d + 7, (uint32_t)h->record_seq);
	put16(d + 11, (uint16_t)((int)(12 + body) + h->record_len_delta));
	s->dgram_len = 13 + 12 + body;
	if (h->keep && h->keep < s->dgram_len)
		s->dgram_len = h->keep;
}

/* A protected DTLS port, bound or not, or any port. */
static uint16_t pick_dtls_port(struct rng *r, const struct gen_target *t)
{
	unsigned roll = rng_below(r, 100), tries;

	if (roll < 75)
		return gen_dtls_ports[rng_below(r, GEN_NDTLS)];
	if (roll < 90)
		for (tries = 0; tries < 8; tries++) {
			unsigned port = rng_below(r, 65536);

			if ((t->cfg->dtls_ports[port / 32] >> (port % 32)) & 1)
				return (uint16_t)port;
		}
	return (uint16_t)rng_u64(r);
}

static int small_delta(struct rng *r)
{
	return rng_chance(r, 50) ? (int)rng_below(r, 5) - 2 :
				   (int)rng_below(r, 64) - 32;
}

void gen_dtls_random(struct rng *r, const struct gen_target *t,
		     struct gen_spec *s)
{
	static const uint8_t types[] = { 20, 21, 23, 24, 25, 0, 255 };
	static const uint16_t versions[] = { 0xfefc, 0x0303, 0xfefe, 0xfeff,
					     0xfefd, 0x0000 };
	struct gen_hello h;
	unsigned roll, k;
	int ipv6 = rng_chance(r, 50);

	gen_dtls_default(s, &h, ipv6);
	s->p.dport = pick_dtls_port(r, t);
	s->p.sport = rng_chance(r, 2) ? 0 : (uint16_t)rng_u64(r);
	memcpy(s->p.dmac, t->cfg->mac, 6);
	if (rng_chance(r, 5))
		s->p.dmac[0] ^= rng_chance(r, 50) ? 1 : 2;
	if (rng_chance(r, 3))
		s->p.smac[0] |= 1;
	roll = rng_below(r, 100);
	s->p.vlans = roll < 85 ? 0 : roll < 97 ? 1 : 2;
	for (k = ipv6 ? 2 : 1; k < (ipv6 ? 16u : 4u); k++)
		s->p.saddr[k] = (uint8_t)rng_u64(r);
	if (rng_chance(r, 4)) {		/* loopback, land, multicast source */
		roll = rng_below(r, 3);
		if (roll == 0)
			memcpy(s->p.saddr, s->p.daddr, 16);
		else if (ipv6)
			s->p.saddr[0] = 0xff;
		else
			s->p.saddr[0] = roll == 1 ? 127 : 224;
	}
	if (rng_chance(r, 3))
		s->p.daddr[0] = ipv6 ? 0xff : 239;
	if (rng_chance(r, 3))		/* a first fragment */
		s->p.frag = 0x2000;
	if (ipv6 && rng_chance(r, 5)) {
		s->next_ext = 1 + (int)rng_below(r, 3);
		for (k = 0; k < (unsigned)s->next_ext; k++) {
			s->ext[k].type = rng_chance(r, 30) ? 44 : 60;
			s->ext[k].fragword = rng_chance(r, 50) ? 1 : 0;
		}
	}

	/* The ClientHello */
	h.record_seq = rng_u64(r) & 0xffffffffffffULL;
	for (k = 0; k < 32; k++)
		h.random[k] = (uint8_t)rng_u64(r);
	roll = rng_below(r, 100);
	h.sid_len = roll < 60 ? 0 : roll < 85 ? 32 : roll < 95 ? (uint8_t)rng_below(r, 33) :
			(uint8_t)(33 + rng_below(r, 223));
	for (k = 0; k < 32; k++)
		h.sid[k] = (uint8_t)rng_u64(r);
	if (rng_chance(r, 8))
		h.client_version = rng_chance(r, 50) ? 0xfeff :
				   versions[rng_below(r, 6)];
	if (rng_chance(r, 4))
		h.record_version = versions[rng_below(r, 6)];
	roll = rng_below(r, 100);
	h.cookie_how = roll < 30 ? GEN_COOKIE_NONE : roll < 60 ? GEN_COOKIE_VALID :
		       roll < 70 ? GEN_COOKIE_PREVIOUS : roll < 78 ? GEN_COOKIE_STALE :
		       roll < 88 ? GEN_COOKIE_FLIPPED : GEN_COOKIE_BYTES;
	if (h.cookie_how == GEN_COOKIE_BYTES) {
		roll = rng_below(r, 100);
		h.cookie_len = roll < 50 ? SGATE_DTLS_COOKIE_LEN :
			       roll < 80 ? (uint8_t)rng_below(r, 33) : (uint8_t)rng_u64(r);
		for (k = 0; k < h.cookie_len; k++)
			h.cookie[k] = (uint8_t)rng_u64(r);
		if (rng_chance(r, 50))
			h.cookie[0] = (uint8_t)(2 | rng_below(r, 2));
	}
	roll = rng_below(r, 100);
	gen_dtls_tail(&h, roll < 60 ? GEN_TAIL_12 : roll < 80 ? GEN_TAIL_13_ONLY :
			  roll < 90 ? GEN_TAIL_NONE : GEN_TAIL_MANY);
	if (h.ext_len > 8 && rng_chance(r, 10)) {	/* a byte at random */
		size_t at = 8 + rng_below(r, (uint32_t)(h.ext_len - 8));

		h.ext[at] = (uint8_t)rng_u64(r);
	}

	/* The record and the handshake header */
	if (rng_chance(r, 8))
		h.content_type = types[rng_below(r, sizeof(types))];
	if (rng_chance(r, 6))
		h.record_epoch = (uint16_t)(rng_chance(r, 50) ? 1 : rng_u64(r));
	if (rng_chance(r, 6))
		h.handshake_type = (uint8_t)(rng_chance(r, 50) ? 11 + rng_below(r, 10) :
							       rng_u64(r));
	if (rng_chance(r, 6))
		h.frag_offset = rng_chance(r, 50) ? 1 : (uint32_t)rng_below(r, 1 << 24);
	if (rng_chance(r, 6))
		h.frag_len_delta = small_delta(r);
	if (rng_chance(r, 6))
		h.msg_len_delta = small_delta(r);
	if (rng_chance(r, 6))
		h.record_len_delta = small_delta(r);
	if (rng_chance(r, 6))
		h.keep = rng_below(r, 160);
	gen_dtls_set(s, &h, t);

	/* The UDP and IP headers */
	if (rng_chance(r, 6))
		s->ulen_delta = small_delta(r);
	if (rng_chance(r, 10))
		s->udp_csum_bad = true;
	if (rng_chance(r, 3))
		s->p.totlen_delta = small_delta(r);
	if (rng_chance(r, 2))
		s->iplen_zero = true;
	if (rng_chance(r, 3))
		s->tcp_keep = (int)rng_below(r, 40);
	if (rng_chance(r, 3))
		s->p.trailer = rng_below(r, 8);
}
