/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DTLS path: a UDP datagram while DTLS ports are protected.  A DTLS 1.0
 * or 1.2 ClientHello to a protected port of this host without a valid cookie
 * is turned in place into a HelloVerifyRequest carrying one (RFC 6347
 * section 4.2.1), sent back with XDP_TX; nothing is stored.  A ClientHello
 * with a valid cookie, and the records of sessions the server already
 * holds, pass.  The cookie is include/sgate/dtls.h; Documentation/datapath.md
 * gives every verdict taken here.
 */
#ifndef SGATE_BPF_DTLS_H
#define SGATE_BPF_DTLS_H

#include "parse.h"
#include "syn.h"

struct sgate_dtls_hello;
__u64 gate_dtls_hash(const struct sgate_siphash_key *key,
		     const struct sgate_flow *f,
		     const struct sgate_dtls_hello *h, __u64 epoch,
		     __u8 header);
/* Every DTLS hash goes through gate_dtls_hash(), for gate_hash()'s reason. */
#define SGATE_DTLS_HASH gate_dtls_hash

#include "sgate/dtls.h"

/* Module mode's DTLS cookie, made or checked by sgate.ko (gate.h). */
extern int bpf_sgate_xdp_dtls_cookie_make(struct xdp_md *ctx,
					  struct sgate_dtls_mac_req *req,
					  __u32 req__sz) __ksym __weak;
extern int bpf_sgate_xdp_dtls_cookie_check(struct xdp_md *ctx,
					   const struct sgate_dtls_mac_req *req,
					   __u32 req__sz) __ksym __weak;

enum {
	DTLS_RECORD_HLEN = 13,
	DTLS_HANDSHAKE_HLEN = 12,
	DTLS_CT_HANDSHAKE = 22,
	DTLS_HT_CLIENT_HELLO = 1,
	DTLS_HT_HELLO_VERIFY_REQUEST = 3,
	DTLS_VERSION_1_0 = 0xfeff,
	DTLS_VERSION_1_2 = 0xfefd,
	DTLS_EXT_SUPPORTED_VERSIONS = 43,
	/* How far the walk for supported_versions goes (dtls13_only()). */
	DTLS_EXT_WALK_MAX = 32,
	DTLS_VERSIONS_MAX = 16,
	/* client_version, random, session_id's length byte */
	DTLS_HELLO_FIXED = 2 + SGATE_DTLS_RANDOM_LEN + 1,
	/* server_version, cookie length, cookie */
	DTLS_HVR_BODY = 2 + 1 + SGATE_DTLS_COOKIE_LEN,
	DTLS_HVR_RECORD = DTLS_HANDSHAKE_HLEN + DTLS_HVR_BODY,
	/* The UDP datagram of a HelloVerifyRequest: 45 bytes. */
	DTLS_HVR_UDP = UDP_HLEN + DTLS_RECORD_HLEN + DTLS_HVR_RECORD,
	/* The record sequence number's offset in the record header. */
	DTLS_RECORD_SEQ = 5,
	DTLS_RECORD_SEQ_LEN = 6,
};

/* Global for gate_hash()'s reason: SipHash checked once. */
__noinline __u64 gate_dtls_hash(const struct sgate_siphash_key *key,
				const struct sgate_flow *f,
				const struct sgate_dtls_hello *h, __u64 epoch,
				__u8 header)
{
	if (!key || !f || !h)
		return ~0ULL;	/* unreachable: callers pass all three */
	return sgate_dtls_cookie_hash(key, f, h, epoch, header);
}

/*
 * Module mode: sgate.ko makes the cookie of @req's flow and hello into
 * req->cookie, 0, or has no key, -1.  Out of line, as is the check below,
 * with no frame of its own: the request lives in the caller's.
 */
static __noinline int module_dtls_make(struct xdp_md *ctx,
				       struct sgate_dtls_mac_req *req)
{
	if (!sgate_module_mode || !req)
		return -1;	/* unreachable: callers check the mode */
	return bpf_sgate_xdp_dtls_cookie_make(ctx, req, sizeof(*req)) ? -1 : 0;
}

/* Module mode: sgate.ko's enum sgate_cookie_verdict for req->cookie. */
static __noinline int module_dtls_check(struct xdp_md *ctx,
					const struct sgate_dtls_mac_req *req)
{
	if (!sgate_module_mode || !req)
		return SGATE_COOKIE_STALE;	/* unreachable, as above */
	return bpf_sgate_xdp_dtls_cookie_check(ctx, req, sizeof(*req));
}

static __always_inline bool dtls_port_protected(const struct sgate_config *cfg,
						__u16 port_be)
{
	__u16 port = bpf_ntohs(port_be);

	return cfg->dtls_ports[(port >> 5) & (SGATE_PORT_WORDS - 1)] &
	       (1U << (port & 31));
}

/* What the HelloVerifyRequest takes from the ClientHello. */
struct dtls_hvr {
	__u8 seq[DTLS_RECORD_SEQ_LEN];
	__u8 cookie[SGATE_DTLS_COOKIE_LEN];
};

/*
 * Turn the ClientHello in place into the HelloVerifyRequest: a fresh IP
 * header (the ClientHello's IPv4 options or IPv6 extension headers are not
 * carried), addresses, ports and MAC addresses swapped, the frame cut to the
 * reply (with @fixed_frame: the rest zeroed, fixed_frame.h).  The request
 * held at least a ClientHello's fixed fields, so the reply is always
 * shorter: no amplification.
 */
static __always_inline int send_hvr(struct xdp_md *ctx, const struct pkt *p,
				    const struct dtls_hvr *r, bool fixed_frame)
{
	void *data, *end;
	__u32 u[(DTLS_HVR_UDP + 3) / 4] = {};
	__u8 *b = (__u8 *)u;
	__u32 l3off, l3len, reply, frame, i;
	__u8 mac[ETH_ALEN];
	struct ethhdr *eth;
	__u32 *ip;
	__u16 csum;
	__u64 sum;

	/*
	 * Opaque to the compiler, so it loads each field from ctx as written
	 * and never as ctx plus an offset held in a register, which the
	 * verifier refuses.
	 */
	asm volatile("" : "+r"(ctx));
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	l3off = p->l3off & L3OFF_MASK;
	l3len = p->ipv6 ? IPV6_HLEN : IPV4_HLEN;
	frame = end - data;
	reply = l3off + l3len + DTLS_HVR_UDP;
	if (reply > frame)
		return drop_internal();	/* the parser saw a longer request */
	if (!fixed_frame && reply < frame &&
	    bpf_xdp_adjust_tail(ctx, -(int)(frame - reply)))
		return drop_internal();

	/* UDP: ports swapped, as loaded (network order). */
	__builtin_memcpy(b, &p->flow.dport, 2);
	__builtin_memcpy(b + 2, &p->flow.sport, 2);
	b[4] = 0;
	b[5] = DTLS_HVR_UDP;
	/* The record: handshake, DTLS 1.0, epoch 0, the request's sequence. */
	b[8] = DTLS_CT_HANDSHAKE;
	b[9] = DTLS_VERSION_1_0 >> 8;
	b[10] = DTLS_VERSION_1_0 & 0xff;
	__builtin_memcpy(b + 8 + DTLS_RECORD_SEQ, r->seq, DTLS_RECORD_SEQ_LEN);
	b[19] = 0;
	b[20] = DTLS_HVR_RECORD;
	/* The handshake header: message_seq 0, one unfragmented fragment. */
	b[21] = DTLS_HT_HELLO_VERIFY_REQUEST;
	b[24] = DTLS_HVR_BODY;
	b[32] = DTLS_HVR_BODY;
	/* server_version DTLS 1.0, as RFC 6347 section 4.2.1 recommends. */
	b[33] = DTLS_VERSION_1_0 >> 8;
	b[34] = DTLS_VERSION_1_0 & 0xff;
	b[35] = SGATE_DTLS_COOKIE_LEN;
	__builtin_memcpy(b + 36, r->cookie, SGATE_DTLS_COOKIE_LEN);

	/* The checksum from scratch: zero-padded words, the pseudo-header. */
	sum = pseudo_header_sum(&p->flow, IPPROTO_UDP_NR, DTLS_HVR_UDP);
#pragma unroll
	for (i = 0; i < ARRAY_SIZE(u); i++)
		sum += u[i];
	csum = csum_fold64(sum);
	if (!csum)
		csum = 0xffff;	/* 0 says "no checksum" (RFC 768) */
	__builtin_memcpy(b + 6, &csum, 2);

	/* Where the frame now ends: adjust_tail may have moved it. */
	asm volatile("" : : : "memory");
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	ip = data + l3off;
	if ((void *)(eth + 1) > end || (void *)(ip + IPV6_HLEN / 4) > end)
		return drop_internal();
	if (!p->ipv6) {
		__u32 w0 = bpf_htonl(IPV4_VER_IHL_WORD |
				     (IPV4_HLEN + DTLS_HVR_UDP));
		__u32 w1 = bpf_htonl(IP_DF);
		__u32 w2 = bpf_htonl(REPLY_TTL << 24 | IPPROTO_UDP_NR << 16);

		sum = (__u64)w0 + w1 + w2 + p->flow.daddr[0] +
		      p->flow.saddr[0];
		ip[0] = w0;
		ip[1] = w1;
		ip[2] = w2 | (__u32)csum_fold64(sum) << 16;
		ip[3] = p->flow.daddr[0];
		ip[4] = p->flow.saddr[0];
	} else {
		ip[0] = bpf_htonl(IPV6_VERSION_WORD);
		ip[1] = bpf_htonl(DTLS_HVR_UDP << 16 | IPPROTO_UDP_NR << 8 |
				  REPLY_TTL);
#pragma unroll
		for (i = 0; i < 4; i++) {
			ip[2 + i] = p->flow.daddr[i];
			ip[6 + i] = p->flow.saddr[i];
		}
	}
	if (bpf_xdp_store_bytes(ctx, l3off + l3len, b, DTLS_HVR_UDP))
		return drop_internal();
	if (fixed_frame && zero_tail(ctx, reply, frame))
		return drop_internal();

	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
	return XDP_TX;
}

/*
 * Does a supported_versions extension of @len bytes at @off offer DTLS
 * 1.3 (or anything else) but neither 1.2 nor 1.0?  Its first
 * DTLS_VERSIONS_MAX entries are read.
 */
static __always_inline int dtls_versions_13_only(struct xdp_md *ctx,
						 __u32 off, __u32 len)
{
	__u32 i, n;
	__u8 b[2];

	if (len < 1 || bpf_xdp_load_bytes(ctx, off, b, 1))
		return 0;
	n = b[0];
	if (n < 2 || n % 2 || n + 1 > len)
		return 0;
	for (i = 0; i < DTLS_VERSIONS_MAX && 2 * i < n; i++) {
		__u16 v;

		if (bpf_xdp_load_bytes(ctx, off + 1 + 2 * i, b, 2))
			return 0;
		v = (__u16)(b[0] << 8 | b[1]);
		if (v == DTLS_VERSION_1_2 || v == DTLS_VERSION_1_0)
			return 0;
	}
	return 1;
}

/*
 * Is the ClientHello whose cipher_suites start at @off and whose body ends
 * at @end one that offers only DTLS 1.3 (RFC 9147: supported_versions
 * without 1.2 or 1.0)?  A HelloVerifyRequest means nothing to it.  The walk
 * reads the first DTLS_EXT_WALK_MAX extensions; a tail it cannot walk is not
 * called 1.3-only, and the server judges it.  Global: checked once.
 */
__noinline int dtls13_only(struct xdp_md *ctx, __u32 off, __u32 end)
{
	__u32 i, ext_end, len;
	__u8 b[4];

	if (!ctx || off > 0xffff || end > 0xffff)
		return 0;
	/* cipher_suites, compression_methods, then the extensions' length */
	if (off + 2 > end || bpf_xdp_load_bytes(ctx, off, b, 2))
		return 0;
	off += 2 + (b[0] << 8 | b[1]);
	if (off + 1 > end || bpf_xdp_load_bytes(ctx, off, b, 1))
		return 0;
	off += 1 + b[0];
	if (off + 2 > end || bpf_xdp_load_bytes(ctx, off, b, 2))
		return 0;
	ext_end = off + 2 + (b[0] << 8 | b[1]);
	if (ext_end > end)
		return 0;
	off += 2;
	for (i = 0; i < DTLS_EXT_WALK_MAX; i++) {
		if (off + 4 > ext_end || off > 0xffff ||
		    bpf_xdp_load_bytes(ctx, off, b, 4))
			return 0;
		len = (__u32)b[2] << 8 | b[3];
		if (off + 4 + len > ext_end)
			return 0;
		if ((b[0] << 8 | b[1]) == DTLS_EXT_SUPPORTED_VERSIONS)
			return dtls_versions_13_only(ctx, off + 4, len);
		off += 4 + len;
	}
	return 0;
}

/* A UDP header the gate cannot read: judged as TCP's (parse_tcp()). */
static __always_inline int udp_cut_short(struct xdp_md *ctx,
					 const struct sgate_config *cfg,
					 struct pkt *p)
{
	int verdict;

	if (p->first_fragment) {
		unjudged(ctx, cfg, p, &verdict);
		return verdict;
	}
	p->flow.sport = 0;
	p->flow.dport = 0;
	if (for_this_host(ctx, cfg, &p->flow, false, p->now) != LOCAL_OURS)
		stop(SGATE_STAT_PASS_NOT_LOCAL, &verdict, XDP_PASS);
	else
		stop(SGATE_STAT_DROP_MALFORMED, &verdict, XDP_DROP);
	return verdict;
}

static __always_inline int dtls_verdict(enum sgate_stat stat, int action)
{
	count(stat);
	return action;
}

/* Bytes of the frame at @off into @to: 0, or -1 if the frame is shorter. */
static __always_inline int load(struct xdp_md *ctx, __u32 off, void *to,
				__u32 len)
{
	return bpf_xdp_load_bytes(ctx, off, to, len) ? -1 : 0;
}

/* From the UDP header on; @fixed_frame is a constant (see handle_syn()). */
static __always_inline int answer_dtls(struct xdp_md *ctx, struct pkt *p,
				       bool fixed_frame)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	const struct sgate_config *cfg = gate_config();
	const struct sgate_siphash_key *key;
	const struct sgate_keyring *ring;
	/* What the MAC sees, in either mode: the flow, hello and cookie. */
	struct sgate_dtls_mac_req req = {};
	__u32 l4off, ulen, rlen, mlen, body, sid, clen, version;
	struct dtls_hvr r;
	struct udphdr *uh;
	__u8 *rec, *hs;
	__u64 epoch;
	int local, rc;

	if (!p || !cfg || !cfg->epoch_ns || p->l3off > L3OFF_MASK)
		return drop_internal();
	p->now = bpf_ktime_get_coarse_ns();
	l4off = p->l4off;
	if (!l4off || l4off > L4OFF_MASK)
		return drop_internal();	/* parse() sends these to TCP's path */
	asm volatile("" : "+r"(l4off));
	uh = data + (l4off & L4OFF_MASK);
	if ((void *)(uh + 1) > end ||
	    (p->l4end && p->l4off + UDP_HLEN > p->l4end))
		return udp_cut_short(ctx, cfg, p);
	p->flow.sport = uh->source;
	p->flow.dport = uh->dest;
	if (!dtls_port_protected(cfg, uh->dest))
		return dtls_verdict(SGATE_STAT_PASS_NOT_PROTECTED, XDP_PASS);

	local = for_this_host_as(ctx, cfg, &p->flow, LOCAL_UDP_PORT, p->now);
	if (local == LOCAL_NOT_LOCAL)
		return dtls_verdict(SGATE_STAT_PASS_NOT_LOCAL, XDP_PASS);
	if (local == LOCAL_NO_LISTENER)
		return dtls_verdict(SGATE_STAT_PASS_NO_LISTENER, XDP_PASS);
	if (p->first_fragment)
		return dtls_verdict(SGATE_STAT_DROP_FRAGMENT, XDP_DROP);

	/* The datagram: UDP length within the IP payload, a record header. */
	ulen = bpf_ntohs(uh->len);
	if (!p->l4end || ulen < UDP_HLEN + DTLS_RECORD_HLEN ||
	    p->l4off + ulen > p->l4end)
		return dtls_verdict(SGATE_STAT_DTLS_DROP_MALFORMED, XDP_DROP);
	rec = (__u8 *)(uh + 1);
	if ((void *)(rec + DTLS_RECORD_HLEN + DTLS_HANDSHAKE_HLEN) > end) {
		if ((void *)(rec + DTLS_RECORD_HLEN) > end)
			return drop_internal();	/* within ulen, checked */
		if (rec[0] != DTLS_CT_HANDSHAKE)
			return dtls_verdict(SGATE_STAT_DTLS_PASS_OTHER,
					    XDP_PASS);
		if (rec[3] | rec[4])
			return dtls_verdict(SGATE_STAT_DTLS_PASS_EPOCH,
					    XDP_PASS);
		return dtls_verdict(SGATE_STAT_DTLS_DROP_MALFORMED, XDP_DROP);
	}
	/* Other records, and those of an epoch the handshake made, pass. */
	if (rec[0] != DTLS_CT_HANDSHAKE)
		return dtls_verdict(SGATE_STAT_DTLS_PASS_OTHER, XDP_PASS);
	if (rec[3] | rec[4])
		return dtls_verdict(SGATE_STAT_DTLS_PASS_EPOCH, XDP_PASS);
	rlen = (__u32)rec[11] << 8 | rec[12];
	if (rlen < DTLS_HANDSHAKE_HLEN ||
	    UDP_HLEN + DTLS_RECORD_HLEN + rlen > ulen)
		return dtls_verdict(SGATE_STAT_DTLS_DROP_MALFORMED, XDP_DROP);
	hs = rec + DTLS_RECORD_HLEN;
	/* A later handshake message of epoch 0 is the server's to judge. */
	if (hs[0] != DTLS_HT_CLIENT_HELLO)
		return dtls_verdict(SGATE_STAT_DTLS_PASS_OTHER, XDP_PASS);
	mlen = (__u32)hs[1] << 16 | (__u32)hs[2] << 8 | hs[3];
	if (hs[6] | hs[7] | hs[8] ||
	    ((__u32)hs[9] << 16 | (__u32)hs[10] << 8 | hs[11]) != mlen)
		return dtls_verdict(SGATE_STAT_DTLS_DROP_FRAGMENT, XDP_DROP);
	if (DTLS_HANDSHAKE_HLEN + mlen > rlen || mlen < DTLS_HELLO_FIXED + 1)
		return dtls_verdict(SGATE_STAT_DTLS_DROP_MALFORMED, XDP_DROP);
	__builtin_memcpy(r.seq, rec + DTLS_RECORD_SEQ, DTLS_RECORD_SEQ_LEN);

	/* The ClientHello up to its cookie. */
	body = (l4off & L4OFF_MASK) + UDP_HLEN + DTLS_RECORD_HLEN +
	       DTLS_HANDSHAKE_HLEN;
	if (load(ctx, body, req.hello.client_version, 2) ||
	    load(ctx, body + 2, req.hello.random, SGATE_DTLS_RANDOM_LEN) ||
	    load(ctx, body + 2 + SGATE_DTLS_RANDOM_LEN,
		 &req.hello.session_id_len, 1))
		return drop_internal();	/* within mlen, checked */
	version = req.hello.client_version[0] << 8 |
		  req.hello.client_version[1];
	if (version != DTLS_VERSION_1_2 && version != DTLS_VERSION_1_0)
		return dtls_verdict(SGATE_STAT_DTLS_DROP_MALFORMED, XDP_DROP);
	sid = req.hello.session_id_len;
	if (sid > SGATE_DTLS_SESSION_ID_MAX ||
	    DTLS_HELLO_FIXED + sid + 1 > mlen)
		return dtls_verdict(SGATE_STAT_DTLS_DROP_MALFORMED, XDP_DROP);
	/* 1..32 in a form the verifier follows: ((sid - 1) & 31) + 1. */
	if (sid && load(ctx, body + DTLS_HELLO_FIXED, req.hello.session_id,
			((sid - 1) & (SGATE_DTLS_SESSION_ID_MAX - 1)) + 1))
		return drop_internal();
	if (load(ctx, body + DTLS_HELLO_FIXED + sid, req.cookie, 1))
		return drop_internal();
	clen = req.cookie[0];
	if (DTLS_HELLO_FIXED + sid + 1 + clen > mlen)
		return dtls_verdict(SGATE_STAT_DTLS_DROP_MALFORMED, XDP_DROP);

	ring = NULL;
	if (!sgate_module_mode) {
		ring = keyring();
		if (!ring)
			return dtls_verdict(SGATE_STAT_DROP_NO_KEY, XDP_DROP);
	}
	epoch = p->now / cfg->epoch_ns;
	if (clen == SGATE_DTLS_COOKIE_LEN) {
		if (load(ctx, body + DTLS_HELLO_FIXED + sid + 1, req.cookie,
			 SGATE_DTLS_COOKIE_LEN))
			return drop_internal();
		if (sgate_module_mode) {
			req.flow = p->flow;
			rc = module_dtls_check(ctx, &req);
		} else {
			rc = sgate_dtls_cookie_check(ring, &p->flow,
						     &req.hello, req.cookie,
						     clen, epoch);
		}
		if (rc == SGATE_COOKIE_VALID)
			return dtls_verdict(SGATE_STAT_DTLS_COOKIE_VALID,
					    XDP_PASS);
	}
	if (dtls13_only(ctx, body + DTLS_HELLO_FIXED + sid + 1 + clen,
			body + mlen))
		return dtls_verdict(SGATE_STAT_DTLS_DROP_V13_ONLY, XDP_DROP);

	/* No cookie, or not a valid one: a new HelloVerifyRequest. */
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if ((void *)((struct ethhdr *)data + 1) > end)
		return drop_internal();
	if (bogus_source(data, &p->flow) || !p->flow.sport)
		return dtls_verdict(SGATE_STAT_DROP_BOGUS_SOURCE, XDP_DROP);
	if (sgate_module_mode) {
		req.flow = p->flow;
		if (module_dtls_make(ctx, &req))
			return dtls_verdict(SGATE_STAT_DROP_NO_KEY, XDP_DROP);
		__builtin_memcpy(r.cookie, req.cookie, SGATE_DTLS_COOKIE_LEN);
	} else {
		key = ring ? sgate_keyring_key_for(ring, epoch) : NULL;
		if (!key)
			return dtls_verdict(SGATE_STAT_DROP_NO_KEY, XDP_DROP);
		sgate_dtls_cookie_make(key, &p->flow, &req.hello, epoch,
				       r.cookie);
	}
	rc = send_hvr(ctx, p, &r, fixed_frame);
	if (rc == XDP_TX)
		count(clen ? SGATE_STAT_DTLS_HVR_BAD_COOKIE :
			     SGATE_STAT_DTLS_HVR_SENT);
	return rc;
}

/*
 * Global for the reason given above handle_syn(): every field of *p is
 * unchecked here.
 */
__noinline int handle_dtls(struct xdp_md *ctx, struct pkt *p)
{
	return answer_dtls(ctx, p, false);
}

__noinline int handle_dtls_fixed_frame(struct xdp_md *ctx, struct pkt *p)
{
	return answer_dtls(ctx, p, true);
}

#endif /* SGATE_BPF_DTLS_H */
