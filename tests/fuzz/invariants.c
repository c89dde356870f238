// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's invariants, checked on every frame without the model's
 * decision: the stack's reading of the frame (tests/model/kernel_view.c), a
 * strict reading of the headers of its own, and the cookie MAC recomputed
 * as the document spells it (tests/lib/doc_mac.c).
 */
#include <stdbool.h>
#include <string.h>

#include <linux/bpf.h>

#include "../lib/doc_dtls_mac.h"
#include "../lib/doc_mac.h"
#include "../model/kernel_view.h"
#include "invariants.h"

static unsigned g16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t g32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

enum { OFF_MSS = 1, OFF_WS = 2, OFF_SACK = 4, OFF_TS = 8 };

/*
 * Is this a SYN we may answer at all?  A strict reading of the headers:
 * sound lengths, no fragment, SYN without ACK, FIN or RST, unicast sender.
 * Returns the options it offers (OFF_*) or -1.
 */
static int sound_syn(const uint8_t *b, size_t len)
{
	size_t l3 = 14, l4, ip_end, doff, i;
	unsigned et, tcp, k;
	int offered = 0;

	if (len < 14 || (b[6] & 1))
		return -1;
	et = g16(b + 12);
	for (k = 0; k < 2 && (et == 0x8100 || et == 0x88a8); k++) {
		if (len < l3 + 4)
			return -1;
		et = g16(b + l3 + 2);
		l3 += 4;
	}
	if (et == 0x0800) {
		size_t ihl;

		if (len < l3 + 20 || b[l3] >> 4 != 4 || (b[l3] & 15) < 5 ||
		    (g16(b + l3 + 6) & 0x3fff) || b[l3 + 9] != 6)
			return -1;
		ihl = (size_t)(b[l3] & 15) * 4;
		ip_end = l3 + g16(b + l3 + 2);
		l4 = l3 + ihl;
	} else if (et == 0x86dd) {
		unsigned nh;

		if (len < l3 + 40 || b[l3] >> 4 != 6)
			return -1;
		ip_end = l3 + 40 + g16(b + l3 + 4);
		nh = b[l3 + 6];
		l4 = l3 + 40;
		while (nh == 0 || nh == 43 || nh == 60 || nh == 44 || nh == 51) {
			if (len < l4 + 8)
				return -1;
			if (nh == 44 && (g16(b + l4 + 2) & 0xfff9))
				return -1;	/* a fragment */
			tcp = b[l4];
			l4 += nh == 44 ? 8 : nh == 51 ? ((size_t)b[l4 + 1] + 2) * 4 :
							((size_t)b[l4 + 1] + 1) * 8;
			nh = tcp;
		}
		if (nh != 6)
			return -1;
	} else {
		return -1;
	}
	if (ip_end > len || l4 + 20 > ip_end)
		return -1;
	doff = (size_t)(b[l4 + 12] >> 4) * 4;
	if (doff < 20 || l4 + doff > ip_end)
		return -1;
	if ((b[l4 + 13] & 0x17) != 0x02)
		return -1;
	for (i = l4 + 20; i < l4 + doff;) {
		unsigned kind = b[i], l;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= l4 + doff || (l = b[i + 1]) < 2 || i + l > l4 + doff)
			break;
		offered |= kind == 2 && l == 4 ? OFF_MSS : kind == 3 && l == 3 ? OFF_WS :
			   kind == 4 && l == 2 ? OFF_SACK : kind == 8 && l == 10 ? OFF_TS : 0;
		i += l;
	}
	return offered;
}

/* Is the frame's IP protocol (or IPv6's first next header) UDP? */
static bool udp_request(const uint8_t *b, size_t len)
{
	size_t l3 = 14;

	while (l3 + 2 <= len && l3 <= 22 &&
	       (g16(b + l3 - 2) == 0x8100 || g16(b + l3 - 2) == 0x88a8))
		l3 += 4;
	if (l3 + 40 > len)
		return false;
	if (g16(b + l3 - 2) == 0x0800)
		return b[l3 + 9] == 17;
	if (g16(b + l3 - 2) != 0x86dd)
		return false;
	/* Behind extension headers: the model's walk says where it ends. */
	return b[l3 + 6] == 17 || b[l3 + 6] == 0 || b[l3 + 6] == 60 ||
	       b[l3 + 6] == 43 || b[l3 + 6] == 44 || b[l3 + 6] == 51;
}

/* The options a SYN-ACK carries, by a plain walk. */
static int reply_options(const uint8_t *b, size_t len, size_t *tcp_len)
{
	size_t l3 = 14, l4, doff, i;
	int has = 0;

	while (l3 + 2 <= len && (g16(b + l3 - 2) == 0x8100 || g16(b + l3 - 2) == 0x88a8))
		l3 += 4;
	if (l3 + 1 > len)
		return -1;
	l4 = l3 + (b[l3] >> 4 == 6 ? 40 : 20);
	if (l4 + 20 > len)
		return -1;
	doff = (size_t)(b[l4 + 12] >> 4) * 4;
	*tcp_len = doff;
	for (i = l4 + 20; i + 1 < l4 + doff && i < len;) {
		if (b[i] == 1) {
			i++;
			continue;
		}
		has |= b[i] == 2 ? OFF_MSS : b[i] == 3 ? OFF_WS : b[i] == 4 ? OFF_SACK :
		       b[i] == 8 ? OFF_TS : 0x100;
		if (b[i + 1] < 2)
			return -1;
		i += b[i + 1];
	}
	return has;
}

/* Does this passed ACK carry a MAC libsodium agrees with (either TS decision)? */
static bool genuine_cookie(const struct model_result *m, const uint8_t *b,
			   const struct sgate_keyring *ring, uint64_t epoch_ns,
			   uint64_t now_ns)
{
	const struct model_parse *p = &m->p;
	const uint8_t *ip = b + p->l3off, *th = b + p->l4off;
	uint64_t now = now_ns / epoch_ns, epoch;
	uint32_t cookie = g32(th + 8) - 1, isn = g32(th + 4) - 1, tag;
	const struct sgate_master_key *key = NULL;
	int i, ts;

	if (((cookie >> 31) & 1) == (now & 1))
		epoch = now;
	else if (now)
		epoch = now - 1;
	else
		return false;
	for (i = 0; i < SGATE_KEYRING_MASTERS && !key; i++)
		if (epoch >= ring->m[i].first_epoch)
			key = &ring->m[i];
	if (!key)
		return false;
	for (ts = 0; ts < 2; ts++) {
		tag = ((cookie >> 25) & 0x3f) | (uint32_t)ts << 6 |
		      (uint32_t)p->ipv6 << 7 | 2u << 8;
		if (doc_mac((const uint8_t *)key->key.k, p->ipv6,
			       p->ipv6 ? ip + 8 : ip + 12,
			       p->ipv6 ? ip + 24 : ip + 16, th, isn,
			       (uint32_t)epoch, tag) == (cookie & 0x1ffffff))
			return true;
	}
	return false;
}

/*
 * Does this passed ClientHello carry a cookie whose MAC libsodium agrees
 * with, for the key and epoch its header names (dtls.md)?
 */
static bool genuine_dtls_cookie(const struct model_result *m,
				const uint8_t *b,
				const struct sgate_keyring *ring,
				uint64_t epoch_ns, uint64_t now_ns)
{
	const struct kernel_view *kv = &m->kv;
	const uint8_t *u = b + kv->l4off, *body = u + 8 + 13 + 12, *c;
	const struct sgate_master_key *key = NULL;
	uint64_t now = now_ns / epoch_ns, epoch, mac = 0;
	uint8_t sid = body[34];
	int i;

	if (sid > 32 || body[35 + sid] != 9)
		return false;
	c = body + 36 + sid;
	if (c[0] >> 1 != 1)
		return false;		/* layout version 1 */
	if ((c[0] & 1) == (now & 1))
		epoch = now;
	else if (now)
		epoch = now - 1;
	else
		return false;
	for (i = 0; i < SGATE_KEYRING_MASTERS && !key; i++)
		if (epoch >= ring->m[i].first_epoch)
			key = &ring->m[i];
	if (!key)
		return false;
	for (i = 8; i >= 1; i--)
		mac = mac << 8 | c[i];
	return doc_dtls_mac((const uint8_t *)key->key.k, kv->ipv6,
			    kv->ipv6 ? b + kv->l3off + 8 : b + kv->l3off + 12,
			    kv->ipv6 ? b + kv->l3off + 24 : b + kv->l3off + 16,
			    u, body, body + 2, body + 35, sid, c[0],
			    (uint32_t)epoch) == mac;
}

static bool protected_port(const struct sgate_config *cfg, unsigned port)
{
	return (cfg->ports[port / 32] >> (port % 32)) & 1;
}

/*
 * Could the stack hand this frame to a protected listener of this host as
 * a SYN or an ACK (one that could complete a handshake), were the gate not
 * there?  A first fragment could: reassembly makes it whole, and when its
 * ports are cut off any port may be behind them.
 */
static bool reaches_protected_listener(const uint8_t *frame, size_t len,
				       const struct model_env *env)
{
	const struct sgate_config *cfg = env->cfg;
	struct kernel_view kv;
	const struct model_tuple *t = &kv.t;
	unsigned f;

	kernel_view(frame, len, &kv);
	if (kv.cls != KV_TCP || (kv.ipv6 && !env->ipv6_enabled))
		return false;		/* the host has no IPv6 without it */
	if (memcmp(frame, cfg->mac, 6) || kv_multicast_dest(t) ||
	    (env->addr_local && !env->addr_local(t, env->stack_arg)))
		return false;
	if (!kv.ports)
		return kv.first_fragment;
	if (!protected_port(cfg, g16(t->dport)) ||
	    (env->listening && !env->listening(t, env->stack_arg)))
		return false;
	if (kv.first_fragment)
		return true;
	if (!kv.tcp_whole)
		return false;		/* the stack drops it */
	f = kv.flags & 0x17;		/* FIN, SYN, RST, ACK */
	return f == 0x02 || (f & ~0x01) == 0x10;
}

/*
 * Would the stack hand this frame, an epoch-0 DTLS ClientHello, to a UDP
 * socket on a protected DTLS port of this host, were the gate not there?
 * The gate may pass such a datagram only with a valid cookie.
 */
static bool hello_to_protected_port(const uint8_t *frame, size_t len,
				    const struct model_env *env)
{
	const struct sgate_config *cfg = env->cfg;
	struct kernel_view kv;
	const struct model_tuple *t = &kv.t;
	size_t l4, ulen;
	unsigned port;
	const uint8_t *rec;

	kernel_view(frame, len, &kv);
	if (!cfg->dtls_enabled || kv.cls != KV_UDP ||
	    (kv.ipv6 && !env->ipv6_enabled))
		return false;
	if (memcmp(frame, cfg->mac, 6) || kv_multicast_dest(t) ||
	    (env->addr_local && !env->addr_local(t, env->stack_arg)))
		return false;
	if (kv.first_fragment || !kv.ports || !kv.ip_end)
		return false;
	port = g16(t->dport);
	if (!((cfg->dtls_ports[port / 32] >> (port % 32)) & 1) ||
	    (env->udp_bound && !env->udp_bound(t, env->stack_arg)))
		return false;
	l4 = kv.l4off;
	if (l4 + 8 + 13 + 12 > kv.ip_end)
		return false;
	ulen = g16(frame + l4 + 4);
	if (ulen < 8 + 13 + 12 || l4 + ulen > kv.ip_end)
		return false;
	rec = frame + l4 + 8;
	return rec[0] == 22 && !g16(rec + 3) && rec[13] == 1;
}

const char *invariant_broken(const uint8_t *frame, size_t len, int verdict,
			     int stat, const uint8_t *out, size_t out_len,
			     const struct model_result *m,
			     const struct model_env *env, uint64_t now_ns)
{
	const struct sgate_keyring *ring = env->ring;
	uint64_t epoch_ns = env->cfg->epoch_ns;
	const char *bad = NULL;

	if (stat == -1)
		return "the frame moved no counter";
	if (stat == -2)
		return "the frame moved more than one counter";
	/* A verified ACK without metadata room: TC verifies it again. */
	if (epoch_ns && verdict == XDP_PASS &&
	    stat != SGATE_STAT_PASS_ESTABLISHED &&
	    stat != SGATE_STAT_COOKIE_VALID &&
	    stat != SGATE_STAT_COOKIE_VALID_NO_META &&
	    reaches_protected_listener(frame, len, env))
		return "passed without a verdict: the stack would hand it to a protected listener";
	if (epoch_ns && verdict == XDP_PASS &&
	    stat != SGATE_STAT_DTLS_COOKIE_VALID &&
	    hello_to_protected_port(frame, len, env))
		return "a ClientHello to a protected DTLS port passed without a valid cookie";

	if (verdict == XDP_TX && (stat == SGATE_STAT_DTLS_HVR_SENT ||
				  stat == SGATE_STAT_DTLS_HVR_BAD_COOKIE)) {
		if (!udp_request(frame, len))
			bad = "a HelloVerifyRequest answered what is not UDP";
		else if (out_len > len)
			bad = "the HelloVerifyRequest is larger than the ClientHello";
	} else if (verdict == XDP_TX) {
		int offered = sound_syn(frame, len), has;
		size_t reply_tcp = 0;

		has = reply_options(out, out_len, &reply_tcp);
		if (offered < 0)
			bad = "a malformed frame was sent back with XDP_TX";
		else if (out_len > len + 4)
			bad = "the reply is larger than the request plus an MSS option";
		else if (has < 0 || (has & ~(offered | OFF_MSS)))
			bad = "the reply carries an option the request did not offer";
	}
	if ((stat == SGATE_STAT_COOKIE_VALID ||
	     stat == SGATE_STAT_COOKIE_VALID_NO_META) &&
	    (verdict != XDP_PASS || !genuine_cookie(m, frame, ring, epoch_ns, now_ns)))
		bad = "an ACK without a genuine MAC was passed";
	if (stat == SGATE_STAT_DTLS_COOKIE_VALID &&
	    (verdict != XDP_PASS || !m->dtls ||
	     !genuine_dtls_cookie(m, frame, ring, epoch_ns, now_ns)))
		bad = "a ClientHello without a genuine cookie was passed";
	return bad;
}
