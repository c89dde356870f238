/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The sgate SYN cookie: one layout, one codec, used by the XDP and TC
 * programs, the kernel module and the tests.  Documentation/cookie-format.md
 * explains every choice made here and computes the forgery bound.
 *
 * The cookie is the ISN of our SYN-ACK; the client's final ACK returns it as
 * ack_seq - 1.  Most significant bit first:
 *
 *   31      epoch id       epoch mod 2; the verifier accepts the current and
 *                          the previous epoch, so one bit names either
 *   30..29  MSS index      client MSS, rounded down to sgate_mss_table()
 *   28      SACK-permitted
 *   27      ECN            the SYN asked for ECN (ECE+CWR) and we agreed
 *   26..25  wscale code    client window scale, rounded down, see
 *                          sgate_wscale_of_code()
 *   24..0   MAC            low 25 bits of SipHash-2-4 over the 4-tuple, the
 *                          client ISN, the epoch number, the six option bits,
 *                          whether timestamps are in use and the family
 *
 * Every structural bit names something valid, so a forger gains nothing by
 * choosing them: any forged ACK passes with probability 2^-25, whether the
 * forger guesses blindly or copies bits from a SYN-ACK of its own.  A cookie
 * from two epochs back carries the current epoch's id and fails its MAC.
 *
 * Whether timestamps are in use needs no ISN bit: once negotiated, every
 * segment carries them (RFC 7323), so the final ACK shows it, and the MAC
 * binds the SYN-time decision to what the ACK shows.
 */
#ifndef SGATE_COOKIE_H
#define SGATE_COOKIE_H

#include "types.h"
#include "siphash.h"
#include "keyring.h"

/*
 * Test builds only: a narrower MAC, to measure that acceptance of forged ACKs
 * really follows the MAC width (tests/robustness).  Never set in a gate.
 */
#ifndef SGATE_COOKIE_MAC_BITS
#define SGATE_COOKIE_MAC_BITS 25
#endif
#if SGATE_COOKIE_MAC_BITS < 8 || SGATE_COOKIE_MAC_BITS > 25
#error "SGATE_COOKIE_MAC_BITS must be 8..25"
#endif

enum {
	SGATE_COOKIE_VERSION = 2,	/* bumped by every change of layout or MAC input */

	SGATE_COOKIE_EPOCH_SHIFT = 31,
	SGATE_COOKIE_EPOCH_MASK = 0x1,
	SGATE_COOKIE_OPT_SHIFT = 25,
	SGATE_COOKIE_OPT_MASK = 0x3f,
	SGATE_COOKIE_MAC_MASK = (1 << SGATE_COOKIE_MAC_BITS) - 1,

	/* Within the six option bits. */
	SGATE_OPT_MSS_SHIFT = 4,
	SGATE_OPT_MSS_MASK = 0x3,
	SGATE_OPT_SACK = 1 << 3,
	SGATE_OPT_ECN = 1 << 2,
	SGATE_OPT_WSCALE_MASK = 0x3,

	/* Epochs accepted: the current one and the one before it. */
	SGATE_EPOCHS_ACCEPTED = 2,

	SGATE_TCP_MAX_WSCALE = 14,
	SGATE_WSCALE_NONE = 0xff,

	/*
	 * The least MSS each family must accept: RFC 9293's default for
	 * IPv4, and IPv6's 1280-byte minimum MTU less 60 bytes of headers.
	 * Also the smallest MSS bpf_sk_assign_tcp_reqsk() takes.
	 */
	SGATE_MSS_MIN_V4 = 536,
	SGATE_MSS_MIN_V6 = 1220,
};

/* Features the host allows (its sysctls) and the operator enabled. */
enum sgate_feature {
	SGATE_FEAT_SACK = 1 << 0,
	SGATE_FEAT_TS = 1 << 1,
	SGATE_FEAT_WSCALE = 1 << 2,
	SGATE_FEAT_ECN = 1 << 3,
};

/* What the client offered in its SYN, as parsed. */
struct sgate_syn_offer {
	__u16 mss;		/* 0: no MSS option */
	__u8 wscale;		/* SGATE_WSCALE_NONE: no window scale option */
	__u8 sack_ok;
	__u8 ts_ok;
	__u8 ecn;		/* SYN had both ECE and CWR */
	__u32 tsval;
};

/* What a cookie says was agreed; the SYN-ACK mirrors exactly this. */
struct sgate_cookie_opts {
	__u16 mss;
	__u8 snd_wscale;
	__u8 wscale_ok;
	__u8 sack_ok;
	__u8 ecn_ok;
	__u8 ts_ok;
};

/* The flow as the server sees it; addresses and ports in network order. */
struct sgate_flow {
	__u32 saddr[4];		/* client; IPv4 uses [0] only */
	__u32 daddr[4];		/* server */
	__u16 sport;
	__u16 dport;
	__u8 ipv6;
};

/*
 * Switches rather than tables: libbpf 1.1 with clang 14 cannot relocate
 * static const arrays in .rodata.  The entries follow the kernel's own
 * SYN-cookie MSS tables; the smallest is each family's least MSS.
 */
static __always_inline __u16 sgate_mss_table(__u32 idx, int ipv6)
{
	switch (idx & SGATE_OPT_MSS_MASK) {
	case 0:
		return ipv6 ? SGATE_MSS_MIN_V6 : SGATE_MSS_MIN_V4;
	case 1:
		return ipv6 ? 1420 : 1300;
	case 2:
		return 1440;
	default:
		return ipv6 ? 8940 : 1460;
	}
}

static __always_inline __u32 sgate_mss_index(__u32 mss, int ipv6)
{
	__u32 i;

	for (i = 3; i > 0; i--)
		if (mss >= sgate_mss_table(i, ipv6))
			return i;
	return 0;
}

/*
 * Rounding the client's window scale down is safe: we then believe its
 * window is smaller than it is and never overrun it.  The codes cover
 * macOS/BSD (6), Windows (8) and current Linux (10, older Linux sends 7).
 */
static __always_inline __u8 sgate_wscale_of_code(__u32 code)
{
	switch (code & SGATE_OPT_WSCALE_MASK) {
	case 1:
		return 6;
	case 2:
		return 8;
	case 3:
		return 10;
	default:
		return SGATE_WSCALE_NONE;
	}
}

static __always_inline __u32 sgate_wscale_code(__u8 wscale)
{
	if (wscale == SGATE_WSCALE_NONE || wscale < 6)
		return 0;
	if (wscale < 8)
		return 1;
	if (wscale < 10)
		return 2;
	return 3;
}

/*
 * Decide what the SYN-ACK offers and encode it: the client's offer, less what
 * the host or the operator disabled, rounded down to what six bits can say.
 */
static __always_inline __u32
sgate_cookie_encode_opts(const struct sgate_syn_offer *offer, __u32 mss_cap,
			 __u32 features, int ipv6, __u8 *ts_ok)
{
	__u32 mss = offer->mss ? offer->mss : sgate_mss_table(0, ipv6);
	__u32 bits;

	if (mss > mss_cap)
		mss = mss_cap;
	bits = sgate_mss_index(mss, ipv6) << SGATE_OPT_MSS_SHIFT;
	if (offer->sack_ok && (features & SGATE_FEAT_SACK))
		bits |= SGATE_OPT_SACK;
	if (offer->ecn && (features & SGATE_FEAT_ECN))
		bits |= SGATE_OPT_ECN;
	if (features & SGATE_FEAT_WSCALE)
		bits |= sgate_wscale_code(offer->wscale);
	*ts_ok = offer->ts_ok && (features & SGATE_FEAT_TS);
	return bits;
}

static __always_inline void
sgate_cookie_decode_opts(__u32 cookie, int ipv6, __u8 ts_ok,
			 struct sgate_cookie_opts *o)
{
	__u32 bits = (cookie >> SGATE_COOKIE_OPT_SHIFT) & SGATE_COOKIE_OPT_MASK;
	__u8 ws = sgate_wscale_of_code(bits);

	o->mss = sgate_mss_table(bits >> SGATE_OPT_MSS_SHIFT, ipv6);
	o->wscale_ok = ws != SGATE_WSCALE_NONE;
	o->snd_wscale = o->wscale_ok ? ws : 0;
	o->sack_ok = !!(bits & SGATE_OPT_SACK);
	o->ecn_ok = !!(bits & SGATE_OPT_ECN);
	o->ts_ok = ts_ok;
}

/*
 * The MAC input: the flow, the client's ISN, the epoch number and a tag of
 * the six option bits, the timestamp decision (bit 6), the family (bit 7)
 * and the layout version (bits 8..15).
 */
static __always_inline __u32 sgate_cookie_tag(__u32 optbits, __u8 ts_ok,
					       __u8 ipv6)
{
	return (optbits & SGATE_COOKIE_OPT_MASK) | (__u32)!!ts_ok << 6 |
	       (__u32)!!ipv6 << 7 | SGATE_COOKIE_VERSION << 8;
}

/*
 * SipHash-2-4 of the MAC input.  Its low SGATE_COOKIE_MAC_BITS bits are the
 * MAC; its high 32 bits, which the MAC does not use, give our TSval offset
 * for the connection (sgate_cookie_ts_off()).
 */
static __always_inline __u64
sgate_cookie_hash(const struct sgate_siphash_key *key,
		  const struct sgate_flow *f, __u32 client_isn, __u64 epoch,
		  __u32 tag)
{
	__u64 ports_isn = (__u64)f->sport | (__u64)f->dport << 16 |
			  (__u64)client_isn << 32;
	__u64 tail = (__u32)epoch | (__u64)tag << 32;
	__u64 w[6];

	if (!f->ipv6) {
		w[0] = (__u64)f->saddr[0] | (__u64)f->daddr[0] << 32;
		w[1] = ports_isn;
		w[2] = tail;
		return sgate_siphash_words(key, w, 3);
	}
	w[0] = (__u64)f->saddr[0] | (__u64)f->saddr[1] << 32;
	w[1] = (__u64)f->saddr[2] | (__u64)f->saddr[3] << 32;
	w[2] = (__u64)f->daddr[0] | (__u64)f->daddr[1] << 32;
	w[3] = (__u64)f->daddr[2] | (__u64)f->daddr[3] << 32;
	w[4] = ports_isn;
	w[5] = tail;
	return sgate_siphash_words(key, w, 6);
}

/*
 * A BPF program may route every hash through one function of its own, so the
 * verifier checks SipHash once instead of once per path.
 */
#ifndef SGATE_COOKIE_HASH
#define SGATE_COOKIE_HASH sgate_cookie_hash
#endif

static __always_inline __u32
sgate_cookie_mac(const struct sgate_siphash_key *key,
		 const struct sgate_flow *f, __u32 client_isn, __u64 epoch,
		 __u32 tag)
{
	return SGATE_COOKIE_HASH(key, f, client_isn, epoch, tag) &
	       SGATE_COOKIE_MAC_MASK;
}

/*
 * Our TSval is a clock: the same clock for every connection would tell anyone
 * the host's uptime and relate its connections to each other, so each
 * connection's TSvals start from an offset keyed like its cookie.  The stack
 * continues from the TSval the final ACK echoes, so the offset needs no
 * state to survive the hand-off.
 */
static __always_inline __u32 sgate_cookie_ts_off(__u64 hash)
{
	return (__u32)(hash >> 32);
}

/* The cookie for a SYN, and in *@ts_off (if not NULL) our TSval offset. */
static __always_inline __u32
sgate_cookie_make(const struct sgate_siphash_key *key,
		  const struct sgate_flow *f, __u32 client_isn, __u64 epoch,
		  __u32 optbits, __u8 ts_ok, __u32 *ts_off)
{
	__u64 hash = SGATE_COOKIE_HASH(key, f, client_isn, epoch,
				       sgate_cookie_tag(optbits, ts_ok,
							f->ipv6));

	if (ts_off)
		*ts_off = sgate_cookie_ts_off(hash);
	return (__u32)(epoch & SGATE_COOKIE_EPOCH_MASK)
			<< SGATE_COOKIE_EPOCH_SHIFT |
	       (optbits & SGATE_COOKIE_OPT_MASK) << SGATE_COOKIE_OPT_SHIFT |
	       ((__u32)hash & SGATE_COOKIE_MAC_MASK);
}

/*
 * The epoch a cookie was made in, given the current one: its id names the
 * current epoch or the previous one.  False only when that would be before
 * epoch 0.
 */
static __always_inline bool
sgate_cookie_epoch(__u32 cookie, __u64 now_epoch, __u64 *epoch)
{
	__u64 age = (now_epoch - (cookie >> SGATE_COOKIE_EPOCH_SHIFT)) &
		    SGATE_COOKIE_EPOCH_MASK;

	if (age >= SGATE_EPOCHS_ACCEPTED || age > now_epoch)
		return false;
	*epoch = now_epoch - age;
	return true;
}

enum sgate_cookie_verdict {
	SGATE_COOKIE_VALID = 0,
	SGATE_COOKIE_STALE,	/* no key for the epoch the cookie names */
	SGATE_COOKIE_BAD_MAC,
};

static __always_inline enum sgate_cookie_verdict
sgate_cookie_check(const struct sgate_keyring *ring,
		   const struct sgate_flow *f, __u32 client_isn, __u32 cookie,
		   __u64 now_epoch, __u8 ts_ok)
{
	const struct sgate_siphash_key *key;
	__u32 optbits = (cookie >> SGATE_COOKIE_OPT_SHIFT) &
			SGATE_COOKIE_OPT_MASK;
	__u64 epoch;

	if (!sgate_cookie_epoch(cookie, now_epoch, &epoch))
		return SGATE_COOKIE_STALE;
	key = sgate_keyring_key_for(ring, epoch);
	if (!key)
		return SGATE_COOKIE_STALE;
	if (sgate_cookie_mac(key, f, client_isn, epoch,
			     sgate_cookie_tag(optbits, ts_ok, f->ipv6)) !=
	    (cookie & SGATE_COOKIE_MAC_MASK))
		return SGATE_COOKIE_BAD_MAC;
	return SGATE_COOKIE_VALID;
}

#endif /* SGATE_COOKIE_H */
