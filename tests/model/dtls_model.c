// SPDX-License-Identifier: GPL-2.0
/*
 * The DTLS rows of Documentation/datapath.md ("XDP: DTLS") and the
 * HelloVerifyRequest of Documentation/dtls.md, for the reference model.
 * The cookie comes from include/sgate/dtls.h, the one codec; the walk of
 * the datagram, the ClientHello and its extensions, and the reply with its
 * checksums are the model's own.
 */
#include <string.h>

#include "sgate/dtls.h"
#include "model_common.h"

enum {
	UDP_HDR = 8,
	RECORD_HDR = 13,
	HANDSHAKE_HDR = 12,
	CT_HANDSHAKE = 22,
	HT_CLIENT_HELLO = 1,
	HT_HELLO_VERIFY_REQUEST = 3,
	V_DTLS_1_0 = 0xfeff,
	V_DTLS_1_2 = 0xfefd,
	EXT_SUPPORTED_VERSIONS = 43,
	/* The document's limits of the walk for supported_versions. */
	WALK_EXTENSIONS = 32,
	WALK_VERSIONS = 16,
	/* client_version, random, session_id's length byte */
	HELLO_FIXED = 2 + 32 + 1,
	/* UDP header, record header, handshake header, version, cookie */
	HVR_UDP_LEN = UDP_HDR + RECORD_HDR + HANDSHAKE_HDR + 3 +
		      SGATE_DTLS_COOKIE_LEN,
};

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static bool dtls_port_protected(const struct sgate_config *cfg, unsigned port)
{
	return (cfg->dtls_ports[port / 32] >> (port % 32)) & 1;
}

/* supported_versions' body: a list naming neither 1.2 nor 1.0? */
static bool versions_13_only(const uint8_t *v, size_t len)
{
	size_t n, i;

	if (len < 1)
		return false;
	n = v[0];
	if (n < 2 || n % 2 || n + 1 > len)
		return false;
	for (i = 0; i < WALK_VERSIONS && 2 * i < n; i++) {
		unsigned ver = be16(v + 1 + 2 * i);

		if (ver == V_DTLS_1_2 || ver == V_DTLS_1_0)
			return false;
	}
	return true;
}

/*
 * The ClientHello from its cipher_suites (@b) to the message's end (@n
 * bytes on): does it offer DTLS 1.3 alone?  A tail that cannot be walked is
 * not called 1.3-only.
 */
static bool hello_13_only(const uint8_t *b, size_t n)
{
	size_t off = 0, ext_end, k;

	if (off + 2 > n)
		return false;
	off += 2 + be16(b + off);		/* cipher_suites */
	if (off + 1 > n)
		return false;
	off += 1 + (size_t)b[off];		/* compression_methods */
	if (off + 2 > n)
		return false;
	ext_end = off + 2 + be16(b + off);	/* extensions */
	if (ext_end > n)
		return false;
	off += 2;
	for (k = 0; k < WALK_EXTENSIONS; k++) {
		size_t len;

		if (off + 4 > ext_end)
			return false;
		len = be16(b + off + 2);
		if (off + 4 + len > ext_end)
			return false;
		if (be16(b + off) == EXT_SUPPORTED_VERSIONS)
			return versions_13_only(b + off + 4, len);
		off += 4 + len;
	}
	return false;
}

/*
 * The HelloVerifyRequest, from scratch: the Ethernet header (and VLAN
 * tags) with the MACs swapped, a fresh IP header without options or
 * extension headers, the UDP datagram with one record of one unfragmented
 * handshake message, DTLS 1.0 throughout, the request's record sequence.
 */
static void build_hvr(const struct frame *f, const struct model_tuple *t,
		      size_t l3off, const uint8_t *seq,
		      const uint8_t cookie[SGATE_DTLS_COOKIE_LEN],
		      struct model_result *r)
{
	size_t l3len = t->ipv6 ? 40 : 20, alen = t->ipv6 ? 16 : 4, i;
	uint8_t *ip, *u, *rec, *hs;
	uint32_t sum;
	uint16_t c;

	memset(r->out, 0, l3off + l3len + HVR_UDP_LEN);
	memcpy(r->out, f->b, l3off);
	memcpy(r->out, f->b + 6, 6);
	memcpy(r->out + 6, f->b, 6);
	ip = r->out + l3off;
	if (!t->ipv6) {
		ip[0] = 0x45;
		put16(ip + 2, 20 + HVR_UDP_LEN);
		put16(ip + 6, 0x4000);		/* DF, ID 0 */
		ip[8] = 64;
		ip[9] = 17;
		memcpy(ip + 12, t->daddr, 4);
		memcpy(ip + 16, t->saddr, 4);
		put16(ip + 10, model_csum(ip, 20, 0));
	} else {
		ip[0] = 0x60;
		put16(ip + 4, HVR_UDP_LEN);
		ip[6] = 17;
		ip[7] = 64;
		memcpy(ip + 8, t->daddr, 16);
		memcpy(ip + 24, t->saddr, 16);
	}
	u = ip + l3len;
	memcpy(u, t->dport, 2);
	memcpy(u + 2, t->sport, 2);
	put16(u + 4, HVR_UDP_LEN);
	rec = u + UDP_HDR;
	rec[0] = CT_HANDSHAKE;
	put16(rec + 1, V_DTLS_1_0);
	memcpy(rec + 5, seq, 6);		/* epoch 0, the request's sequence */
	put16(rec + 11, HVR_UDP_LEN - UDP_HDR - RECORD_HDR);
	hs = rec + RECORD_HDR;
	hs[0] = HT_HELLO_VERIFY_REQUEST;
	hs[3] = 3 + SGATE_DTLS_COOKIE_LEN;	/* length; message_seq 0 */
	hs[11] = 3 + SGATE_DTLS_COOKIE_LEN;	/* offset 0, the whole */
	put16(hs + 12, V_DTLS_1_0);
	hs[14] = SGATE_DTLS_COOKIE_LEN;
	memcpy(hs + 15, cookie, SGATE_DTLS_COOKIE_LEN);

	sum = 17 + HVR_UDP_LEN;
	for (i = 0; i < alen; i += 2)
		sum += be16(t->saddr + i) + be16(t->daddr + i);
	c = model_csum(u, HVR_UDP_LEN, sum);
	put16(u + 6, c ? c : 0xffff);		/* 0 says "no checksum" */
	r->out_len = l3off + l3len + HVR_UDP_LEN;
}

static void dtls_hello(const struct frame *f, const struct model_env *env,
		       const struct model_tuple *t, const uint8_t *rec,
		       struct model_result *r)
{
	const uint8_t *hs = rec + RECORD_HDR, *body = hs + HANDSHAKE_HDR;
	const struct sgate_siphash_key *key;
	uint8_t cookie[SGATE_DTLS_COOKIE_LEN];
	struct sgate_dtls_hello h;
	struct sgate_flow fl;
	size_t rlen = be16(rec + 11), mlen, sid, clen;
	uint64_t epoch;
	unsigned ver;

	mlen = be24(hs + 1);
	if (be24(hs + 6) || be24(hs + 9) != mlen)
		return model_decide(r, f, MODEL_XDP_DROP,
				    SGATE_STAT_DTLS_DROP_FRAGMENT,
				    "a ClientHello fragment");
	if (HANDSHAKE_HDR + mlen > rlen || mlen < HELLO_FIXED + 1)
		return model_decide(r, f, MODEL_XDP_DROP,
				    SGATE_STAT_DTLS_DROP_MALFORMED,
				    "a ClientHello longer than its record, or too short");
	ver = be16(body);
	if (ver != V_DTLS_1_2 && ver != V_DTLS_1_0)
		return model_decide(r, f, MODEL_XDP_DROP,
				    SGATE_STAT_DTLS_DROP_MALFORMED,
				    "client_version neither 1.2 nor 1.0");
	sid = body[HELLO_FIXED - 1];
	if (sid > SGATE_DTLS_SESSION_ID_MAX || HELLO_FIXED + sid + 1 > mlen)
		return model_decide(r, f, MODEL_XDP_DROP,
				    SGATE_STAT_DTLS_DROP_MALFORMED,
				    "a session_id longer than 32 or the message");
	clen = body[HELLO_FIXED + sid];
	if (HELLO_FIXED + sid + 1 + clen > mlen)
		return model_decide(r, f, MODEL_XDP_DROP,
				    SGATE_STAT_DTLS_DROP_MALFORMED,
				    "a cookie running past the message");

	memset(&h, 0, sizeof(h));
	memcpy(h.client_version, body, 2);
	memcpy(h.random, body + 2, SGATE_DTLS_RANDOM_LEN);
	h.session_id_len = (uint8_t)sid;
	memcpy(h.session_id, body + HELLO_FIXED, sid);
	model_codec_flow(t, &fl);
	epoch = env->now_ns / env->cfg->epoch_ns;
	if (!env->ring)
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_DROP_NO_KEY,
				    "no key ring");
	if (sgate_dtls_cookie_check(env->ring, &fl, &h,
				    body + HELLO_FIXED + sid + 1, (uint32_t)clen,
				    epoch) == SGATE_COOKIE_VALID)
		return model_decide(r, f, MODEL_XDP_PASS,
				    SGATE_STAT_DTLS_COOKIE_VALID,
				    "a cookie that verifies");
	if (hello_13_only(body + HELLO_FIXED + sid + 1 + clen,
			  mlen - (HELLO_FIXED + sid + 1 + clen)))
		return model_decide(r, f, MODEL_XDP_DROP,
				    SGATE_STAT_DTLS_DROP_V13_ONLY,
				    "no valid cookie, a DTLS 1.3-only client");
	if (model_bogus_source(f, t) || !be16(t->sport))
		return model_decide(r, f, MODEL_XDP_DROP,
				    SGATE_STAT_DROP_BOGUS_SOURCE,
				    "no valid cookie, a bogus source");
	key = sgate_keyring_key_for(env->ring, epoch);
	if (!key)
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_DROP_NO_KEY,
				    "no valid cookie, no key for the epoch");
	sgate_dtls_cookie_make(key, &fl, &h, epoch, cookie);
	build_hvr(f, t, r->kv.l3off, rec + 5, cookie, r);
	r->verdict = MODEL_XDP_TX;
	r->stat = clen ? SGATE_STAT_DTLS_HVR_BAD_COOKIE :
			 SGATE_STAT_DTLS_HVR_SENT;
	r->why = clen ? "a cookie that does not verify: a new HelloVerifyRequest" :
			"no cookie: a HelloVerifyRequest";
}

void model_dtls(const struct frame *f, const struct model_env *env,
		struct model_result *r)
{
	const struct kernel_view *kv = &r->kv;
	const struct model_tuple *t = &kv->t;
	size_t l4 = kv->l4off, ulen;
	const uint8_t *rec;

	r->dtls = true;
	if (l4 + UDP_HDR > f->len || (kv->ip_end && l4 + UDP_HDR > kv->ip_end)) {
		if (!model_addressed_here(f, env, t))
			return model_decide(r, f, MODEL_XDP_PASS,
					    SGATE_STAT_PASS_NOT_LOCAL,
					    "UDP header cut short, not for this host");
		if (kv->first_fragment)
			return model_decide(r, f, MODEL_XDP_DROP,
					    SGATE_STAT_DROP_UNJUDGED,
					    "UDP header cut short, a first fragment");
		return model_decide(r, f, MODEL_XDP_DROP,
				    SGATE_STAT_DROP_MALFORMED,
				    "UDP header cut short");
	}
	if (!dtls_port_protected(env->cfg, be16(t->dport)))
		return model_decide(r, f, MODEL_XDP_PASS,
				    SGATE_STAT_PASS_NOT_PROTECTED,
				    "UDP to a port not a protected DTLS port");
	if (!model_addressed_here(f, env, t))
		return model_decide(r, f, MODEL_XDP_PASS,
				    SGATE_STAT_PASS_NOT_LOCAL,
				    "UDP, not for this host");
	if (env->udp_bound && !env->udp_bound(t, env->stack_arg))
		return model_decide(r, f, MODEL_XDP_PASS,
				    SGATE_STAT_PASS_NO_LISTENER,
				    "no UDP socket takes datagrams on the port");
	if (kv->first_fragment)
		return model_decide(r, f, MODEL_XDP_DROP,
				    SGATE_STAT_DROP_FRAGMENT,
				    "a first IP fragment to a protected DTLS port");
	ulen = be16(f->b + l4 + 4);
	if (!kv->ip_end || ulen < UDP_HDR + RECORD_HDR ||
	    l4 + ulen > kv->ip_end)
		return model_decide(r, f, MODEL_XDP_DROP,
				    SGATE_STAT_DTLS_DROP_MALFORMED,
				    "UDP length below a record or beyond the IP payload");
	rec = f->b + l4 + UDP_HDR;
	if (rec[0] != CT_HANDSHAKE)
		return model_decide(r, f, MODEL_XDP_PASS,
				    SGATE_STAT_DTLS_PASS_OTHER,
				    "a record that is not a handshake");
	if (be16(rec + 3))
		return model_decide(r, f, MODEL_XDP_PASS,
				    SGATE_STAT_DTLS_PASS_EPOCH,
				    "a handshake record of an epoch > 0");
	if (be16(rec + 11) < HANDSHAKE_HDR ||
	    UDP_HDR + RECORD_HDR + be16(rec + 11) > ulen)
		return model_decide(r, f, MODEL_XDP_DROP,
				    SGATE_STAT_DTLS_DROP_MALFORMED,
				    "a handshake record too short or past the datagram");
	if (rec[RECORD_HDR] != HT_CLIENT_HELLO)
		return model_decide(r, f, MODEL_XDP_PASS,
				    SGATE_STAT_DTLS_PASS_OTHER,
				    "an epoch-0 handshake other than a ClientHello");
	dtls_hello(f, env, t, rec, r);
}
