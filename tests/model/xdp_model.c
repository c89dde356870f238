// SPDX-License-Identifier: GPL-2.0
/*
 * The gate's XDP decision as Documentation/datapath.md states it: the frame
 * as the stack reads it (kernel_view.c), the rule (judge what could be TCP
 * to a protected port of this host, drop what the gate cannot see into),
 * the gate's documented limits, then the SYN and ACK rows.  Each
 * `return model_decide(...)` names the document's row.  The cookie itself comes
 * from include/sgate/cookie.h, the one codec; nothing else of the gate is
 * used.
 */
#include <string.h>

#include "sgate/cookie.h"
#include "model_common.h"

/* ---- bytes ---------------------------------------------------------- */

static unsigned be16_at(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint16_t model_csum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += be16_at(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t model_tsval(uint64_t now_ns, uint32_t ts_off)
{
	/* The coarse clock in units of 2^20 ns, from the connection's offset. */
	return (uint32_t)(now_ns >> 20) + ts_off;
}

/* ---- constants of the wire ------------------------------------------ */

enum {
	ETH_HDR = 14,
	IPV6_HDR = 40,
	PROTO_TCP = 6,
	TCP_HDR = 20,
	F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_ACK = 0x10,
	F_ECE = 0x40, F_CWR = 0x80,
};

/* ---- the decision --------------------------------------------------- */

void model_decide(struct model_result *r, const struct frame *f, int verdict,
		  int stat, const char *why)
{
	r->verdict = verdict;
	r->stat = stat;
	r->why = why;
	memcpy(r->out, f->b, f->len);
	r->out_len = f->len;
}

static bool port_protected(const struct sgate_config *cfg, unsigned port)
{
	return (cfg->ports[port / 32] >> (port % 32)) & 1;
}

bool model_bogus_source(const struct frame *f, const struct model_tuple *t)
{
	static const uint8_t zero16[16], loop6[16] = { [15] = 1 };

	if (f->b[6] & 1)
		return true;	/* source MAC multicast or broadcast */
	if (!t->ipv6) {
		uint8_t first = t->saddr[0];

		return first == 0 || first == 127 || first >= 224 ||
		       !memcmp(t->saddr, t->daddr, 4);
	}
	return t->saddr[0] == 0xff || !memcmp(t->saddr, zero16, 16) ||
	       !memcmp(t->saddr, loop6, 16) || !memcmp(t->saddr, t->daddr, 16);
}

/*
 * The option walk as datapath.md states it (like Linux's
 * tcp_parse_options()): EOL ends it, NOP is one byte, a length below 2 or
 * running past the header ends it keeping what was parsed, unknown options
 * are skipped, the last copy of a repeated option wins, only the RFC's
 * lengths count, and a window scale above 14 is 14.
 */
static void walk_options(const uint8_t *o, size_t n, struct model_parse *p)
{
	size_t i = 0;

	while (i < n) {
		unsigned kind = o[i], l;

		if (kind == 0)
			return;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n)
			return;
		l = o[i + 1];
		if (l < 2 || i + l > n)
			return;
		if (kind == 2 && l == 4) {
			p->opt_mss = true;
			p->mss = (uint16_t)be16_at(o + i + 2);
		} else if (kind == 3 && l == 3) {
			p->opt_ws = true;
			p->ws = o[i + 2] > 14 ? 14 : o[i + 2];
		} else if (kind == 4 && l == 2) {
			p->opt_sack = true;
		} else if (kind == 8 && l == 10) {
			p->opt_ts = true;
			p->tsval = be32_at(o + i + 2);
			p->tsecr = be32_at(o + i + 6);
		}
		i += l;
	}
}

void model_codec_flow(const struct model_tuple *t, struct sgate_flow *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->ipv6 = (uint8_t)t->ipv6;
	memcpy(fl->saddr, t->saddr, t->ipv6 ? 16 : 4);
	memcpy(fl->daddr, t->daddr, t->ipv6 ? 16 : 4);
	memcpy(&fl->sport, t->sport, 2);
	memcpy(&fl->dport, t->dport, 2);
}

/*
 * Build our SYN-ACK from scratch: the Ethernet (and VLAN) header with the
 * MACs swapped, a fresh IP header, our TCP header and the options the
 * cookie encodes, in Linux's order.  Returns false when it does not fit.
 */
static bool build_synack(const struct frame *f, const struct model_env *env,
			 const struct model_parse *p,
			 const struct model_tuple *t, uint32_t cookie,
			 uint32_t ts_off, uint8_t ts_ok, struct model_result *r,
			 bool *with_mss)
{
	const struct sgate_config *cfg = env->cfg;
	struct sgate_cookie_opts co;
	size_t l3len = t->ipv6 ? IPV6_HDR : 20, optlen, tcplen, reply, i;
	uint8_t *o, *ip, *th;
	uint32_t sum;

	sgate_cookie_decode_opts(cookie, t->ipv6, ts_ok, &co);
	optlen = 4 + (co.ts_ok ? 12 : co.sack_ok ? 4 : 0) + (co.wscale_ok ? 4 : 0);
	*with_mss = true;
	reply = p->l3off + l3len + TCP_HDR + optlen;
	if (reply > f->len && reply - f->len > env->tail_room) {
		/* The frame cannot grow: the MSS option is left out. */
		*with_mss = false;
		optlen -= 4;
		reply -= 4;
		if (reply > f->len)
			return false;
	}
	tcplen = TCP_HDR + optlen;

	memset(r->out, 0, reply);
	memcpy(r->out, f->b, p->l3off);		/* Ethernet and VLAN tags */
	memcpy(r->out, f->b + 6, 6);		/* to the sender */
	memcpy(r->out + 6, f->b, 6);		/* from us */
	ip = r->out + p->l3off;
	th = ip + l3len;

	if (!t->ipv6) {
		ip[0] = 0x45;
		put_be16(ip + 2, (unsigned)(l3len + tcplen));
		put_be16(ip + 6, 0x4000);	/* DF, ID 0 */
		ip[8] = 64;
		ip[9] = PROTO_TCP;
		memcpy(ip + 12, t->daddr, 4);
		memcpy(ip + 16, t->saddr, 4);
		put_be16(ip + 10, model_csum(ip, 20, 0));
	} else {
		ip[0] = 0x60;
		put_be16(ip + 4, (unsigned)tcplen);
		ip[6] = PROTO_TCP;
		ip[7] = 64;
		memcpy(ip + 8, t->daddr, 16);
		memcpy(ip + 24, t->saddr, 16);
	}

	memcpy(th, t->dport, 2);
	memcpy(th + 2, t->sport, 2);
	put_be32(th + 4, cookie);
	put_be32(th + 8, p->isn + 1);
	th[12] = (uint8_t)((tcplen / 4) << 4);
	th[13] = F_SYN | F_ACK | (co.ecn_ok ? F_ECE : 0);
	put_be16(th + 14, cfg->syn_window);
	o = th + TCP_HDR;
	if (*with_mss) {
		o[0] = 2;
		o[1] = 4;
		put_be16(o + 2, t->ipv6 ? cfg->mss_v6 : cfg->mss_v4);
		o += 4;
	}
	if (co.ts_ok) {
		if (co.sack_ok) {
			o[0] = 4;
			o[1] = 2;
		} else {
			o[0] = 1;
			o[1] = 1;
		}
		o[2] = 8;
		o[3] = 10;
		put_be32(o + 4, model_tsval(env->now_ns, ts_off));
		put_be32(o + 8, p->tsval);	/* TSecr: the client's TSval */
		o += 12;
	} else if (co.sack_ok) {
		o[0] = 1;
		o[1] = 1;
		o[2] = 4;
		o[3] = 2;
		o += 4;
	}
	if (co.wscale_ok) {
		o[0] = 1;
		o[1] = 3;
		o[2] = 3;
		o[3] = cfg->rcv_wscale;
	}

	/* TCP checksum over the pseudo-header and the segment. */
	sum = PROTO_TCP + (uint32_t)tcplen;
	for (i = 0; i < (t->ipv6 ? 16u : 4u); i += 2)
		sum += be16_at(t->saddr + i) + be16_at(t->daddr + i);
	put_be16(th + 16, model_csum(th, tcplen, sum));

	r->out_len = reply;
	return true;
}

static void handle_syn(const struct frame *f, const struct model_env *env,
		       struct model_parse *p, const struct model_tuple *t,
		       unsigned flags, struct model_result *r)
{
	const struct sgate_config *cfg = env->cfg;
	const struct sgate_siphash_key *key;
	struct sgate_syn_offer offer;
	struct sgate_flow fl;
	uint32_t optbits, cookie, ts_off = 0;
	uint64_t epoch;
	uint8_t ts_ok;
	bool with_mss;

	if (flags & (F_FIN | F_RST))
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_DROP_MALFORMED,
				    "SYN with FIN or RST");
	if (model_bogus_source(f, t))
		return model_decide(r, f, MODEL_XDP_DROP,
				    SGATE_STAT_DROP_BOGUS_SOURCE,
				    "SYN from a bogus source");
	if (env->recent && env->recent(t, env->now_ns, env->stack_arg) &&
	    env->stack_owns && env->stack_owns(t, env->stack_arg))
		return model_decide(r, f, MODEL_XDP_PASS,
				    SGATE_STAT_PASS_ESTABLISHED,
				    "SYN for a 4-tuple the stack holds, seen lately");

	walk_options(f->b + p->l4off + TCP_HDR, p->doff - TCP_HDR, p);
	memset(&offer, 0, sizeof(offer));
	offer.mss = p->opt_mss ? p->mss : 0;
	offer.wscale = p->opt_ws ? p->ws : SGATE_WSCALE_NONE;
	offer.sack_ok = p->opt_sack;
	offer.ts_ok = p->opt_ts;
	offer.tsval = p->opt_ts ? p->tsval : 0;
	offer.ecn = (flags & (F_ECE | F_CWR)) == (F_ECE | F_CWR);
	optbits = sgate_cookie_encode_opts(&offer,
					   t->ipv6 ? cfg->mss_v6 : cfg->mss_v4,
					   cfg->features, t->ipv6, &ts_ok);

	epoch = env->now_ns / cfg->epoch_ns;
	key = sgate_keyring_key_for(env->ring, epoch);
	if (!key)
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_DROP_NO_KEY,
				    "SYN, no key for the current epoch");
	model_codec_flow(t, &fl);
	p->isn = be32_at(f->b + p->l4off + 4);
	cookie = sgate_cookie_make(key, &fl, p->isn, epoch,
				   optbits, ts_ok, &ts_off);
	r->cookie = cookie;
	if (!build_synack(f, env, p, t, cookie, ts_off, ts_ok, r, &with_mss))
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_DROP_NO_ROOM,
				    "SYN, no room for the SYN-ACK");
	r->verdict = MODEL_XDP_TX;
	r->stat = with_mss ? SGATE_STAT_SYN_ANSWERED :
			     SGATE_STAT_SYN_ANSWERED_NO_MSS;
	r->why = with_mss ? "SYN answered" : "SYN answered without MSS";
}

static void handle_ack(const struct frame *f, const struct model_env *env,
		       struct model_parse *p, const struct model_tuple *t,
		       struct model_result *r)
{
	struct sgate_cookie_opts co;
	struct sgate_flow fl;
	uint32_t cookie, isn;
	struct sgate_meta *m = &r->meta;

	if (env->stack_owns && env->stack_owns(t, env->stack_arg)) {
		r->marks_recent = true;
		return model_decide(r, f, MODEL_XDP_PASS,
				    SGATE_STAT_PASS_ESTABLISHED,
				    "ACK for a socket the stack has");
	}

	cookie = be32_at(f->b + p->l4off + 8) - 1;
	isn = be32_at(f->b + p->l4off + 4) - 1;
	r->cookie = cookie;
	walk_options(f->b + p->l4off + TCP_HDR, p->doff - TCP_HDR, p);
	model_codec_flow(t, &fl);
	switch (sgate_cookie_check(env->ring, &fl, isn, cookie,
				   env->now_ns / env->cfg->epoch_ns,
				   p->opt_ts)) {
	case SGATE_COOKIE_VALID:
		break;
	case SGATE_COOKIE_STALE:
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_COOKIE_STALE,
				    "ACK naming an epoch without a key");
	default:
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_COOKIE_BAD_MAC,
				    "ACK with a bad MAC");
	}
	if (env->meta_room < sizeof(struct sgate_meta)) {
		r->marks_recent = true;
		return model_decide(r, f, MODEL_XDP_PASS,
				    SGATE_STAT_COOKIE_VALID_NO_META,
				    "valid ACK, no room for metadata: TC verifies it");
	}

	sgate_cookie_decode_opts(cookie, t->ipv6, p->opt_ts, &co);
	memset(m, 0, sizeof(*m));
	m->magic = SGATE_META_MAGIC;
	m->tsval = p->opt_ts ? p->tsval : 0;
	m->tsecr = p->opt_ts ? p->tsecr : 0;
	m->mss = co.mss;
	m->snd_wscale = co.snd_wscale;
	m->flags = (co.wscale_ok ? SGATE_META_WSCALE : 0) |
		   (co.sack_ok ? SGATE_META_SACK : 0) |
		   (co.ts_ok ? SGATE_META_TS : 0) |
		   (co.ecn_ok ? SGATE_META_ECN : 0) |
		   (t->ipv6 ? SGATE_META_IPV6 : 0);
	m->l4_from_l3 = (uint16_t)(p->l4off - p->l3off);
	r->has_meta = true;
	r->marks_recent = true;
	model_decide(r, f, MODEL_XDP_PASS, SGATE_STAT_COOKIE_VALID, "valid cookie");
}

/* "For this host" by address alone. */
bool model_addressed_here(const struct frame *f, const struct model_env *env,
			   const struct model_tuple *t)
{
	return !memcmp(f->b, env->cfg->mac, 6) && !kv_multicast_dest(t) &&
	       (!env->addr_local || env->addr_local(t, env->stack_arg));
}

/*
 * The rule for a segment whose ports the gate cannot see: it could be for
 * a protected port, so it is dropped if it is for this host at all.
 */
static void unjudged(const struct frame *f, const struct model_env *env,
		     const struct model_tuple *t, struct model_result *r,
		     const char *why)
{
	if (!model_addressed_here(f, env, t))
		return model_decide(r, f, MODEL_XDP_PASS, SGATE_STAT_PASS_NOT_LOCAL,
				    "unjudged, but not for this host");
	model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_DROP_UNJUDGED, why);
}

void model_xdp(const uint8_t *frame, size_t len, const struct model_env *env,
	       struct model_result *r)
{
	const struct sgate_config *cfg = env->cfg;
	struct frame fr = { frame, len }, *f = &fr;
	struct model_parse *p = &r->p;
	struct kernel_view *kv = &r->kv;
	const struct model_tuple *t = &kv->t;
	unsigned flags;

	memset(r, 0, sizeof(*r));
	kernel_view(frame, len, kv);

	if (!cfg->epoch_ns)
		return model_decide(r, f, MODEL_XDP_PASS,
				    SGATE_STAT_PASS_UNCONFIGURED,
				    "gate not configured");

	/* Deeper than the gate walks: anything may be inside, to anyone. */
	if (kv->tpids > MODEL_GATE_VLAN_TAGS) {
		if (memcmp(frame, cfg->mac, 6))
			return model_decide(r, f, MODEL_XDP_PASS,
					    SGATE_STAT_PASS_NOT_LOCAL,
					    "a third VLAN tag, to another MAC");
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_DROP_UNJUDGED,
				    "a third VLAN tag, to the device's MAC");
	}
	if (kv->cls == KV_NOT_IP || (kv->ipv6 && !env->ipv6_enabled))
		return model_decide(r, f, MODEL_XDP_PASS, SGATE_STAT_PASS_NOT_IP,
				    "not IPv4 or IPv6, or a VLAN tag cut short");
	p->l3off = kv->l3off;
	p->ipv6 = kv->ipv6;
	if (kv->ext_headers > MODEL_GATE_IPV6_EXT)
		return unjudged(f, env, t, r,
				"more IPv6 extension headers than eight");
	if (kv->cls == KV_MALFORMED)
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_DROP_MALFORMED,
				    "IP or IPv6 extension header malformed");
	if (kv->cls == KV_NOT_TCP || (kv->udp && !cfg->dtls_enabled))
		return model_decide(r, f, MODEL_XDP_PASS, SGATE_STAT_PASS_NOT_TCP,
				    "not TCP (UDP: while DTLS is off)");
	if (kv->cls == KV_LATER_FRAGMENT)
		return model_decide(r, f, MODEL_XDP_PASS, SGATE_STAT_PASS_FRAGMENT,
				    "a non-first fragment");
	if (kv->udp)
		return model_dtls(f, env, r);

	p->l4off = kv->l4off;
	p->ip_hdr_len = kv->l4off - kv->l3off;
	if (!kv->ports) {
		if (kv->first_fragment)
			return unjudged(f, env, t, r,
					"a first fragment whose ports are cut off");
		if (!model_addressed_here(f, env, t))
			return model_decide(r, f, MODEL_XDP_PASS,
					    SGATE_STAT_PASS_NOT_LOCAL,
					    "ports cut short, not for this host");
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_DROP_MALFORMED,
				    "TCP header cut short before the ports");
	}
	p->tcp_seen = true;
	if (!port_protected(cfg, be16_at(t->dport)))
		return model_decide(r, f, MODEL_XDP_PASS,
				    SGATE_STAT_PASS_NOT_PROTECTED,
				    "TCP to a port not protected");
	if (!model_addressed_here(f, env, t))
		return model_decide(r, f, MODEL_XDP_PASS, SGATE_STAT_PASS_NOT_LOCAL,
				    "not for this host");
	if (env->listening && !env->listening(t, env->stack_arg))
		return model_decide(r, f, MODEL_XDP_PASS, SGATE_STAT_PASS_NO_LISTENER,
				    "nothing listens on the port");

	/* TCP to a protected port of this host: a broken one is dropped. */
	if (kv->first_fragment)
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_DROP_FRAGMENT,
				    "first fragment to a protected port");
	if (kv->l4off + TCP_HDR > len || !kv->ip_end)
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_DROP_MALFORMED,
				    "TCP header cut short, or IP length wrong");
	if (!kv->tcp_whole)
		return model_decide(r, f, MODEL_XDP_DROP, SGATE_STAT_DROP_MALFORMED,
				    "TCP data offset < 5 or beyond the IP payload");
	p->doff = kv->doff;

	flags = kv->flags;
	p->is_syn = (flags & (F_SYN | F_ACK)) == F_SYN;
	p->is_ack = flags & F_ACK;
	if (p->is_syn)
		return handle_syn(f, env, p, t, flags, r);
	if (p->is_ack)
		return handle_ack(f, env, p, t, r);
	model_decide(r, f, MODEL_XDP_PASS, SGATE_STAT_PASS_OTHER_FLAGS,
		     "neither SYN nor ACK");
}
