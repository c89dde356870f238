// SPDX-License-Identifier: GPL-2.0
/*
 * Frame specs with any field wrong on purpose (built by tests/lib/packet.c),
 * the random generator and the mutator of the differential fuzzer (the
 * seed corpus is in seeds.c).
 * Valid cookies for final ACKs come from the codec (include/sgate/cookie.h):
 * the fuzzer needs ACKs that pass, and the codec is what both the program
 * and the model agree to trust.
 */
#include <string.h>

#include "sgate/cookie.h"
#include "gen.h"

/* ---- specs to frames ----------------------------------------------- */

const uint16_t gen_listen_ports[GEN_NLISTEN] = { 80, 443, 8443 };

bool gen_listening(unsigned port)
{
	int k;

	for (k = 0; k < GEN_NLISTEN; k++)
		if (gen_listen_ports[k] == port)
			return true;
	return false;
}

void gen_default(struct gen_spec *s, int ipv6)
{
	memset(s, 0, sizeof(*s));
	pkt_default(&s->p, ipv6);
	s->tcp_keep = -1;
}

/* Cut the TCP header and payload to s->tcp_keep bytes, or zero the IP length. */
static size_t cut_and_relabel(const struct gen_spec *s, uint8_t *buf,
			      size_t len, const struct pkt_layout *lay)
{
	uint8_t *ip = buf + lay->l3off;
	size_t end = len;

	if (s->tcp_keep >= 0 && lay->l4off + (size_t)s->tcp_keep < len)
		end = lay->l4off + (size_t)s->tcp_keep;
	if (lay->l3off + 40 > end && s->p.ipv6)
		return end;
	if (lay->l3off + 20 > end)
		return end;
	if (s->p.ipv6) {
		put16(ip + 4, s->iplen_zero ? 0 : (uint16_t)(end - lay->l3off - 40));
	} else {
		put16(ip + 2, s->iplen_zero ? 0 : (uint16_t)(end - lay->l3off));
		put16(ip + 10, 0);
		put16(ip + 10, csum_rfc1071(ip, (size_t)(ip[0] & 15) * 4 <= end - lay->l3off ?
						    (size_t)(ip[0] & 15) * 4 : 20, 0));
	}
	return end;
}

static size_t ext_size(const struct gen_ext *e)
{
	switch (e->type) {
	case 44:
		return 8;
	case 51:	/* AH: in 4-octet units, minus 2 */
		return ((size_t)e->hdrlen + 2) * 4;
	case 50:	/* ESP: opaque from here on */
		return 8;
	default:
		return ((size_t)e->hdrlen + 1) * 8;
	}
}

/* The extension header list as bytes, each naming the next; returns the length. */
static size_t ext_bytes(const struct gen_spec *s, uint8_t *buf)
{
	size_t e = 0;
	int k;

	for (k = 0; k < s->next_ext && k < GEN_MAX_EXT; k++) {
		const struct gen_ext *x = &s->ext[k];

		memset(buf + e, 0, ext_size(x));
		buf[e] = k + 1 < s->next_ext ? s->ext[k + 1].type : s->p.proto;
		buf[e + 1] = x->hdrlen;
		if (x->type == 44) {
			put16(buf + e + 2, x->fragword);
			put32(buf + e + 4, 0xdeadbeef);
		} else if (ext_size(x) > 2) {
			/* PadN over the rest: a well-formed option area. */
			buf[e + 2] = 1;
			buf[e + 3] = (uint8_t)(ext_size(x) - 4);
		}
		e += ext_size(x);
	}
	return e;
}

/*
 * A UDP datagram where the builder put the TCP header: ports, length,
 * checksum over the pseudo-header, then the payload.
 */
static void write_udp(const struct gen_spec *s, uint8_t *u)
{
	size_t n = 8 + s->dgram_len, alen = s->p.ipv6 ? 16 : 4, i;
	uint32_t sum = 17 + (uint32_t)n;
	uint16_t c;

	put16(u, s->p.sport);
	put16(u + 2, s->p.dport);
	put16(u + 4, (uint16_t)((int)n + s->ulen_delta));
	put16(u + 6, 0);
	memcpy(u + 8, s->dgram, s->dgram_len);
	for (i = 0; i < alen; i += 2)
		sum += get16(s->p.saddr + i) + get16(s->p.daddr + i);
	c = csum_rfc1071(u, n, sum);
	put16(u + 6, (uint16_t)((c ? c : 0xffff) ^ (s->udp_csum_bad ? 0x5a5a : 0)));
}

size_t gen_build(const struct gen_spec *s, uint8_t *out, struct pkt_layout *lay)
{
	static uint8_t buf[16384], ext[GEN_MAX_EXT * 2048];
	struct pkt_spec p = s->p;
	struct gen_spec cut;
	size_t len;

	if (s->udp) {
		/* The builder's TCP segment as room, the datagram over it. */
		struct pkt_layout l;

		cut = *s;
		cut.udp = false;
		if (cut.p.proto == 6)
			cut.p.proto = 17;
		cut.optlen = 0;
		cut.p.paylen = 8 + s->dgram_len > 20 ? 8 + s->dgram_len - 20 : 0;
		/* Shorter than a TCP header: cut to the datagram. */
		if (8 + s->dgram_len < 20 &&
		    (cut.tcp_keep < 0 || (size_t)cut.tcp_keep > 8 + s->dgram_len))
			cut.tcp_keep = (int)(8 + s->dgram_len);
		p = cut.p;
		p.opts = NULL;
		p.optlen = 0;
		p.ipopts = s->ipopts;
		p.ipoptlen = s->ipoptlen;
		p.ext = ext;
		p.extlen = s->p.ipv6 ? ext_bytes(&cut, ext) : 0;
		p.ext_first = s->next_ext ? s->ext[0].type : 0;
		len = pkt_build(&p, buf);
		pkt_layout(&p, &l);
		if (l.l4off + 8 + s->dgram_len <= sizeof(buf))
			write_udp(s, buf + l.l4off);
		if (cut.tcp_keep >= 0 || cut.iplen_zero)
			len = cut_and_relabel(&cut, buf, len, &l);
		if (len > GEN_FRAME_MAX)
			len = GEN_FRAME_MAX;
		memcpy(out, buf, len);
		if (lay)
			*lay = l;
		return len;
	}

	p.opts = s->opts;
	p.optlen = s->optlen;
	p.ipopts = s->ipopts;
	p.ipoptlen = s->ipoptlen;
	p.ext = ext;
	p.extlen = s->p.ipv6 ? ext_bytes(s, ext) : 0;
	p.ext_first = s->next_ext ? s->ext[0].type : 0;
	len = pkt_build(&p, buf);
	if (s->tcp_keep >= 0 || s->iplen_zero) {
		struct pkt_layout l;

		pkt_layout(&p, &l);
		len = cut_and_relabel(s, buf, len, &l);
	}
	if (len > GEN_FRAME_MAX)
		len = GEN_FRAME_MAX;
	memcpy(out, buf, len);
	if (lay)
		pkt_layout(&p, lay);
	return len;
}

/* ---- options -------------------------------------------------------- */

void gen_set_opts(struct gen_spec *s, const uint8_t *o, size_t n)
{
	memcpy(s->opts, o, n);
	s->optlen = n;
}

const uint8_t gen_linux_opts[20] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x01, 0x02, 0x03, 0x04,
	0, 0, 0, 0, 1, 3, 3, 7,
};
const uint8_t gen_windows_opts[12] = {
	2, 4, 0x05, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2,
};
const uint8_t gen_macos_opts[24] = {
	2, 4, 0x05, 0xb4, 1, 3, 3, 6, 1, 1, 8, 10,
	0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 4, 2, 0, 0,
};
const uint8_t gen_ack_ts_opts[12] = {
	1, 1, 8, 10, 0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0x02, 0x03, 0x04,
};

/* A random option list: mostly real options, often broken ones. */
static void random_opts(struct rng *r, struct gen_spec *s)
{
	uint8_t o[40];
	size_t n = 0, want = rng_below(r, 9), k, room;

	for (k = 0; k < want && n < 40; k++) {
		room = 40 - n;
		switch (rng_below(r, 14)) {
		case 0:		/* MSS */
			if (room < 4)
				break;
			o[n] = 2;
			o[n + 1] = rng_chance(r, 85) ? 4 : (uint8_t)rng_below(r, 8);
			put16(o + n + 2, rng_chance(r, 50) ? 1460 : rng_below(r, 65536));
			n += 4;
			break;
		case 1:		/* window scale */
			if (room < 3)
				break;
			o[n] = 3;
			o[n + 1] = rng_chance(r, 85) ? 3 : (uint8_t)rng_below(r, 6);
			o[n + 2] = rng_chance(r, 70) ? (uint8_t)rng_below(r, 16) : (uint8_t)rng_below(r, 256);
			n += 3;
			break;
		case 2:		/* SACK permitted */
			if (room < 2)
				break;
			o[n] = 4;
			o[n + 1] = rng_chance(r, 85) ? 2 : (uint8_t)rng_below(r, 6);
			n += 2;
			break;
		case 3:		/* timestamps */
			if (room < 10)
				break;
			o[n] = 8;
			o[n + 1] = rng_chance(r, 85) ? 10 : (uint8_t)rng_below(r, 14);
			put32(o + n + 2, (uint32_t)rng_u64(r));
			put32(o + n + 6, (uint32_t)rng_u64(r));
			n += 10;
			break;
		case 4:
		case 5:
			o[n++] = 1;	/* NOP */
			break;
		case 6:
			o[n++] = 0;	/* EOL */
			break;
		case 7:		/* unknown kind, sane length */
		case 8: {
			size_t l = 2 + rng_below(r, 9);

			if (room < l)
				break;
			o[n] = (uint8_t)(rng_chance(r, 50) ? 30 + rng_below(r, 5) : 5 + rng_below(r, 251));
			o[n + 1] = (uint8_t)l;
			memset(o + n + 2, 0x5a, l - 2);
			n += l;
			break;
		}
		case 9:		/* length 0 or 1 */
			if (room < 2)
				break;
			o[n] = (uint8_t)(2 + rng_below(r, 7));
			o[n + 1] = (uint8_t)rng_below(r, 2);
			n += 2;
			break;
		case 10:	/* running past the header */
			if (room < 2)
				break;
			o[n] = (uint8_t)(2 + rng_below(r, 7));
			o[n + 1] = (uint8_t)(room + 1 + rng_below(r, 30));
			n += 2;
			break;
		case 11:	/* a kind as the very last byte */
			o[n++] = (uint8_t)(2 + rng_below(r, 7));
			k = want;
			break;
		default:	/* random bytes */
			while (n < 40 && rng_chance(r, 60))
				o[n++] = (uint8_t)rng_u64(r);
			break;
		}
	}
	gen_set_opts(s, o, n);
}

/* ---- random frames -------------------------------------------------- */

static const uint8_t v4_special[][4] = {
	{ 0, 0, 0, 0 }, { 0, 1, 2, 3 }, { 127, 0, 0, 1 }, { 127, 9, 9, 9 },
	{ 224, 0, 0, 1 }, { 239, 255, 255, 250 }, { 240, 0, 0, 1 },
	{ 255, 255, 255, 255 }, { 10, 0, 0, 2 }, { 1, 0, 0, 0 },
	{ 126, 255, 255, 255 }, { 128, 0, 0, 0 }, { 223, 255, 255, 255 },
};

static void special_v6(struct rng *r, uint8_t *a, const uint8_t *daddr)
{
	memset(a, 0, 16);
	switch (rng_below(r, 7)) {
	case 0:
		a[0] = 0xff;
		a[1] = 0x02;
		a[15] = 1;
		break;
	case 1:
		break;		/* :: */
	case 2:
		a[15] = 1;	/* ::1 */
		break;
	case 3:
		memcpy(a, daddr, 16);
		break;
	case 4:		/* ::ffff:127.0.0.1 */
		a[10] = a[11] = 0xff;
		a[12] = 127;
		a[15] = 1;
		break;
	case 5:
		a[15] = 2;	/* ::2 */
		break;
	default:
		a[0] = 0xfe;	/* fe80::1 */
		a[1] = 0x80;
		a[15] = 1;
		break;
	}
}

static uint16_t pick_protected(struct rng *r, const struct gen_target *t)
{
	unsigned tries;

	for (tries = 0; tries < 8; tries++) {
		unsigned port = rng_chance(r, 50) ? (rng_chance(r, 50) ? 80 : 443) :
						    rng_below(r, 65536);
		if ((t->cfg->ports[port / 32] >> (port % 32)) & 1)
			return (uint16_t)port;
	}
	return 80;
}

void gen_make_valid_ack(struct gen_spec *s, const struct gen_target *t,
			uint64_t epoch, uint32_t optbits, bool with_ts)
{
	const struct sgate_siphash_key *key = sgate_keyring_key_for(t->ring, epoch);
	struct sgate_flow f;
	uint32_t isn = s->p.seq, cookie;

	memset(&f, 0, sizeof(f));
	f.ipv6 = (uint8_t)s->p.ipv6;
	memcpy(f.saddr, s->p.saddr, s->p.ipv6 ? 16 : 4);
	memcpy(f.daddr, s->p.daddr, s->p.ipv6 ? 16 : 4);
	f.sport = (uint16_t)(s->p.sport >> 8 | s->p.sport << 8);	/* wire order */
	f.dport = (uint16_t)(s->p.dport >> 8 | s->p.dport << 8);
	cookie = key ? sgate_cookie_make(key, &f, isn, epoch, optbits,
					 with_ts, NULL) :
		       (uint32_t)(epoch & 1) << 31 | optbits << 25 | 0x1234567;
	s->p.flags = 0x10;
	s->p.seq = isn + 1;
	s->p.ack = cookie + 1;
	if (with_ts)
		gen_set_opts(s, gen_ack_ts_opts, sizeof(gen_ack_ts_opts));
	else
		s->optlen = 0;
}

void gen_random(struct rng *r, const struct gen_target *t,
		struct gen_spec *s)
{
	unsigned roll = rng_below(r, 100), k;
	int ipv6 = roll < 48 ? 0 : roll < 96 ? 1 : rng_chance(r, 50);

	gen_default(s, ipv6);
	if (roll >= 96) {	/* not IP, or a mismatched ethertype */
		static const uint16_t types[] = { 0x0806, 0x88cc, 0x0000, 0x8847,
						  0xffff, 0x8137, 0x86dd, 0x0800 };
		s->p.ethertype = types[rng_below(r, 8)];
	}

	/* Ethernet and VLAN: mostly to the device, else another MAC or a group. */
	roll = rng_below(r, 100);
	if (roll < 80) {
		memcpy(s->p.dmac, t->cfg->mac, 6);
	} else {
		for (k = 0; k < 6; k++)
			s->p.dmac[k] = (uint8_t)rng_u64(r);
		if (roll < 90)
			s->p.dmac[0] &= 0xfe;
		else if (roll < 95)
			memcpy(s->p.dmac, (uint8_t[]){ 0x01, 0x00, 0x5e, 0, 0, 1 }, 4);
		else
			memset(s->p.dmac, 0xff, 6);
	}
	for (k = 0; k < 6; k++)
		s->p.smac[k] = (uint8_t)rng_u64(r);
	s->p.smac[0] &= 0xfe;
	if (rng_chance(r, 4))
		s->p.smac[0] |= 1;
	if (rng_chance(r, 1))
		memset(s->p.smac, 0xff, 6);
	roll = rng_below(r, 100);
	s->p.vlans = roll < 82 ? 0 : roll < 93 ? 1 : roll < 98 ? 2 : 3;
	for (k = 0; k < 3; k++)
		s->p.tpid[k] = rng_chance(r, 70) ? 0x8100 : 0x88a8;

	/* Addresses */
	if (!ipv6) {
		if (rng_chance(r, 85)) {
			s->p.saddr[0] = (uint8_t)(1 + rng_below(r, 223));
			for (k = 1; k < 4; k++)
				s->p.saddr[k] = (uint8_t)rng_u64(r);
		} else {
			memcpy(s->p.saddr, v4_special[rng_below(r, sizeof(v4_special) / 4)], 4);
		}
		if (rng_chance(r, 10))
			for (k = 0; k < 4; k++)
				s->p.daddr[k] = (uint8_t)rng_u64(r);
		if (rng_chance(r, 4))	/* multicast, class E, broadcast */
			memcpy(s->p.daddr, v4_special[4 + rng_below(r, 4)], 4);
	} else {
		if (rng_chance(r, 85)) {
			s->p.saddr[0] = 0x20;
			s->p.saddr[1] = 0x01;
			for (k = 2; k < 16; k++)
				s->p.saddr[k] = (uint8_t)rng_u64(r);
		} else {
			special_v6(r, s->p.saddr, s->p.daddr);
		}
		if (rng_chance(r, 10))
			for (k = 0; k < 16; k++)
				s->p.daddr[k] = (uint8_t)rng_u64(r);
		if (rng_chance(r, 4)) {	/* ff02::1, ff05::2 ... */
			s->p.daddr[0] = 0xff;
			s->p.daddr[1] = (uint8_t)rng_below(r, 16);
		}
	}

	/* Ports, numbers, flags */
	s->p.sport = (uint16_t)rng_u64(r);
	roll = rng_below(r, 100);
	s->p.dport = roll < 70 ? pick_protected(r, t) :
		     roll < 80 ? gen_listen_ports[rng_below(r, GEN_NLISTEN)] :
				 (uint16_t)rng_u64(r);
	s->p.seq = (uint32_t)rng_u64(r);
	s->p.ack = (uint32_t)rng_u64(r);
	s->p.window = (uint16_t)rng_u64(r);
	roll = rng_below(r, 100);
	s->p.flags = roll < 36 ? 0x02 : roll < 62 ? 0x10 : roll < 66 ? 0x18 :
		   roll < 70 ? 0x12 : roll < 75 ? 0xc2 : roll < 77 ? 0x03 :
		   roll < 79 ? 0x06 : roll < 82 ? 0x04 : roll < 84 ? 0x01 :
		   roll < 87 ? 0x14 : roll < 89 ? 0x11 : roll < 91 ? 0x00 :
		   roll < 93 ? 0x42 : (uint8_t)rng_u64(r);

	/* Now and then the fuzzer's own loopback connection, either way. */
	if (rng_chance(r, 3)) {
		bool back = rng_chance(r, 30);

		memset(s->p.saddr, 0, 16);
		memset(s->p.daddr, 0, 16);
		if (ipv6) {
			s->p.saddr[15] = s->p.daddr[15] = 1;
		} else {
			memcpy(s->p.saddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
			memcpy(s->p.daddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
		}
		s->p.sport = back ? GEN_EST_SERVER_PORT : GEN_EST_CLIENT_PORT;
		s->p.dport = back ? GEN_EST_CLIENT_PORT : GEN_EST_SERVER_PORT;
		if (rng_chance(r, 20))
			s->p.sport = (uint16_t)rng_u64(r);	/* the listener */
	}

	/* Options */
	roll = rng_below(r, 100);
	if ((s->p.flags & 0x12) == 0x02) {
		if (roll < 30)
			gen_set_opts(s, gen_linux_opts, sizeof(gen_linux_opts));
		else if (roll < 42)
			gen_set_opts(s, gen_windows_opts, sizeof(gen_windows_opts));
		else if (roll < 50)
			gen_set_opts(s, gen_macos_opts, sizeof(gen_macos_opts));
		else if (roll < 60)
			s->optlen = 0;
		else
			random_opts(r, s);
		if (roll < 50 && s->optlen >= 4 && rng_chance(r, 30))
			put16(s->opts + 2, rng_below(r, 65536));	/* MSS value */
	} else {
		if (roll < 40)
			s->optlen = 0;
		else if (roll < 75)
			gen_set_opts(s, gen_ack_ts_opts, sizeof(gen_ack_ts_opts));
		else
			random_opts(r, s);
	}

	/* An ACK carrying a real cookie: now, the previous epoch, or older. */
	if ((s->p.flags & 0x10) && t->epoch_valid && rng_chance(r, 30)) {
		uint64_t age = rng_chance(r, 85) ? rng_below(r, 2) : rng_below(r, 4);
		uint8_t flags = s->p.flags;

		gen_make_valid_ack(s, t, t->now_epoch - age, rng_below(r, 64),
				   rng_chance(r, 60));
		if (rng_chance(r, 30))
			s->p.flags = flags;	/* keep SYN, FIN, RST, PSH ... */
		if (rng_chance(r, 10))
			s->optlen = 0;		/* the timestamps disagree */
	}

	/* IPv4: options, fragments, protocol, length */
	if (!ipv6) {
		if (rng_chance(r, 10)) {
			s->ipoptlen = 4 * (1 + rng_below(r, 10));
			for (k = 0; k < s->ipoptlen; k++)
				s->ipopts[k] = rng_chance(r, 50) ? 1 : (uint8_t)rng_u64(r);
		}
		roll = rng_below(r, 100);
		s->p.frag = roll < 50 ? 0x4000 : roll < 85 ? 0 : roll < 90 ? 0x2000 :
			  roll < 95 ? (uint16_t)(1 + rng_below(r, 0x1fff)) :
				      (uint16_t)rng_u64(r);
		if (s->p.frag == 0x2000 && rng_chance(r, 50))
			s->tcp_keep = (int)rng_below(r, 20);	/* ports cut off? */
		if (rng_chance(r, 3))
			s->p.ver_ihl = (uint8_t)rng_u64(r);
	} else {
		if (rng_chance(r, 20)) {
			static const uint8_t types[] = { 0, 43, 60, 44, 44, 60, 0, 51, 50, 59 };

			/* Up to 4, as the gate once walked; up to 12, beyond its 8. */
			s->next_ext = rng_chance(r, 50) ? 1 + (int)rng_below(r, 4) :
							 5 + (int)rng_below(r, 8);
			for (k = 0; k < (unsigned)s->next_ext; k++) {
				struct gen_ext *x = &s->ext[k];

				x->type = types[rng_below(r, rng_chance(r, 85) ? 7 : 10)];
				if (rng_chance(r, 8))
					x->type = 51;	/* AH: judged like the rest */
				x->hdrlen = rng_chance(r, 90) ? (uint8_t)rng_below(r, 3) :
								(uint8_t)rng_below(r, 64);
				if (x->type == 51 && rng_chance(r, 80))
					x->hdrlen = (uint8_t)(2 * rng_below(r, 4));
				roll = rng_below(r, 100);
				x->fragword = roll < 50 ? 0 : roll < 75 ? 1 :
					      (uint16_t)rng_u64(r);
			}
			if (rng_chance(r, 20))
				s->tcp_keep = (int)rng_below(r, 20);
		}
		if (rng_chance(r, 3))
			s->p.ver_tc_flow = (uint32_t)rng_u64(r);
	}
	if (rng_chance(r, 5))
		s->p.proto = (uint8_t)(rng_chance(r, 50) ? 17 : rng_u64(r));
	if (rng_chance(r, 12))
		s->p.totlen_delta = rng_chance(r, 70) ? (int)rng_below(r, 81) - 40 :
						      (int)rng_below(r, 70000) - 35000;
	if (rng_chance(r, 2))
		s->iplen_zero = true;	/* a super-packet's length, in a short frame */

	/* TCP header length, payload, Ethernet padding */
	if (rng_chance(r, 8))
		s->p.doff_words = 1 + (int)rng_below(r, 16);	/* 16: 0 */
	if (rng_chance(r, 15))
		s->p.paylen = rng_below(r, rng_chance(r, 90) ? 64 : 1400);
	if (rng_chance(r, 15))
		s->p.trailer = rng_below(r, 64);
}

/* ---- mutations ------------------------------------------------------ */

static const uint8_t interesting8[] = {
	0, 1, 2, 3, 4, 5, 6, 8, 10, 0x10, 0x12, 0x14, 0x40, 0x45, 0x46,
	0x4f, 0x50, 0x60, 0x7f, 0x80, 0xf0, 0xfe, 0xff, 44, 43, 60, 17,
};

void gen_mutate(struct rng *r, uint8_t *buf, size_t *len,
		const struct pkt_layout *lay)
{
	unsigned n = 1 + rng_below(r, 3), k;

	for (k = 0; k < n; k++) {
		size_t at = *len ? rng_below(r, (uint32_t)*len) : 0;

		switch (rng_below(r, 10)) {
		case 0:
			if (*len)
				buf[at] ^= (uint8_t)(1u << rng_below(r, 8));
			break;
		case 1:
			if (*len)
				buf[at] = interesting8[rng_below(r, sizeof(interesting8))];
			break;
		case 2:		/* cut short */
			*len = rng_below(r, (uint32_t)*len + 1);
			break;
		case 3: {	/* grow */
			size_t add = 1 + rng_below(r, 64), i;

			if (*len + add > GEN_FRAME_MAX)
				break;
			for (i = 0; i < add; i++)
				buf[*len + i] = (uint8_t)rng_u64(r);
			*len += add;
			break;
		}
		case 4: {	/* a 16-bit field */
			static const unsigned v16[] = { 0, 1, 4, 20, 40, 60, 0x7fff,
							0x8000, 0xffff, 0x2000, 0x4000 };
			if (*len >= 2) {
				at = rng_below(r, (uint32_t)*len - 1);
				put16(buf + at, v16[rng_below(r, 11)]);
			}
			break;
		}
		case 5:		/* IPv4 version/IHL or IPv6 version */
			if (lay->l3off < *len)
				buf[lay->l3off] = (uint8_t)(buf[lay->l3off] & 0x0f) |
						  (uint8_t)(rng_below(r, 16) << 4);
			if (lay->l3off < *len && rng_chance(r, 50))
				buf[lay->l3off] = (uint8_t)((buf[lay->l3off] & 0xf0) |
							    rng_below(r, 16));
			break;
		case 6:		/* IP length +- a little */
			if (lay->l3off + 6 <= *len) {
				size_t f = lay->l3off + ((buf[lay->l3off] >> 4) == 6 ? 4 : 2);
				unsigned v = get16(buf + f) + rng_below(r, 41) - 20;

				put16(buf + f, v & 0xffff);
			}
			break;
		case 7:		/* data offset */
			if (lay->l4off + 13 <= *len)
				buf[lay->l4off + 12] = (uint8_t)(rng_below(r, 16) << 4);
			break;
		case 8:		/* TCP flags */
			if (lay->l4off + 14 <= *len)
				buf[lay->l4off + 13] = (uint8_t)rng_u64(r);
			break;
		default: {	/* insert or delete a byte */
			if (!*len)
				break;
			if (rng_chance(r, 50) && *len < GEN_FRAME_MAX) {
				memmove(buf + at + 1, buf + at, *len - at);
				buf[at] = (uint8_t)rng_u64(r);
				(*len)++;
			} else {
				memmove(buf + at, buf + at + 1, *len - at - 1);
				(*len)--;
			}
			break;
		}
		}
	}
}

/* ---- the final ACK for a SYN-ACK the program sent ------------------- */

bool gen_ack_for_synack(const uint8_t *sa, size_t len, struct rng *r,
			struct gen_spec *s)
{
	const uint8_t *ip, *th, *o;
	size_t l3off = 14, l3len, optlen, i;
	int ipv6;

	while (l3off + 2 <= len && l3off < 14 + 12 &&
	       (get16(sa + l3off - 2) == 0x8100 || get16(sa + l3off - 2) == 0x88a8))
		l3off += 4;
	if (len < l3off + 40)
		return false;
	ip = sa + l3off;
	ipv6 = ip[0] >> 4 == 6;
	l3len = ipv6 ? 40 : 20;
	th = ip + l3len;
	if (len < l3off + l3len + 20 || th[12] >> 4 < 5 ||
	    l3off + l3len + (size_t)(th[12] >> 4) * 4 > len)
		return false;
	gen_default(s, ipv6);
	memcpy(s->p.dmac, sa + 6, 6);
	memcpy(s->p.smac, sa, 6);
	s->p.vlans = (int)(l3off - 14) / 4;
	for (i = 0; i < (size_t)s->p.vlans; i++)
		s->p.tpid[i] = (uint16_t)get16(sa + 12 + 4 * i);
	if (ipv6) {
		memcpy(s->p.saddr, ip + 24, 16);
		memcpy(s->p.daddr, ip + 8, 16);
	} else {
		memcpy(s->p.saddr, ip + 16, 4);
		memcpy(s->p.daddr, ip + 12, 4);
	}
	s->p.sport = (uint16_t)get16(th + 2);
	s->p.dport = (uint16_t)get16(th);
	s->p.seq = get32(th + 8);
	s->p.ack = get32(th + 4) + 1;
	s->p.flags = rng_chance(r, 80) ? 0x10 : 0x18;
	s->optlen = 0;
	optlen = (size_t)(th[12] >> 4) * 4 - 20;
	o = th + 20;
	for (i = 0; i + 10 <= optlen; i++)
		if (o[i] == 8 && o[i + 1] == 10) {
			/* Timestamps were agreed: echo ours, send a TSval. */
			gen_set_opts(s, gen_ack_ts_opts, sizeof(gen_ack_ts_opts));
			memcpy(s->opts + 8, o + i + 2, 4);
			put32(s->opts + 4, (uint32_t)rng_u64(r));
			break;
		}
	if (rng_chance(r, 10)) {	/* disagree about timestamps */
		if (s->optlen)
			s->optlen = 0;
		else
			gen_set_opts(s, gen_ack_ts_opts, sizeof(gen_ack_ts_opts));
	}
	if (rng_chance(r, 20))
		s->p.paylen = 1 + rng_below(r, 100);
	return true;
}
