// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The sgate SYN-cookie codec (include/sgate/cookie.h, tcpopt.h): round trips,
 * rejection, epochs, the key ring, the TCP option walk and a forged-ACK count.
 *
 * Expected values are computed here from the rules written in
 * Documentation/cookie-format.md (own tables, own rounding), never by calling
 * the codec's helpers, so a change to a table or a rule in the codec shows up
 * as a failure here.
 *
 * Determinism: every random input comes from a fixed-seed PRNG.  Many checks
 * are probabilistic by nature -- a cookie whose option or epoch bit was
 * altered, or that is checked two epochs late, fails only because its 25-bit
 * MAC no longer matches, which a random function does with probability
 * 1 - 2^-25 -- so they hold for the seeds below; with other seeds they would
 * fail about once in 2^25 tries per check.  Checks that hold for every input
 * (a flipped MAC bit, an epoch before epoch 0, no key for the epoch) are
 * stated as such.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sgate/siphash.h"
#include "sgate/cookie.h"
#include "sgate/tcpopt.h"
#include "sgate/abi.h"
#include "../lib/rng.h"

/* One stream per file, reseeded by each test that draws from it. */
static struct rng rng;

/* ------------------------------------------------------------------ */
/* Helpers                                                              */


static void random_key(struct sgate_siphash_key *k)
{
	k->k[0] = rng_u64(&rng);
	k->k[1] = rng_u64(&rng);
}

static void random_flow(struct sgate_flow *f, int ipv6)
{
	int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < (ipv6 ? 4 : 1); i++) {
		f->saddr[i] = (__u32)rng_u64(&rng);
		f->daddr[i] = (__u32)rng_u64(&rng);
	}
	f->sport = (__u16)rng_u64(&rng);
	f->dport = (__u16)rng_u64(&rng);
	f->ipv6 = (__u8)ipv6;
}

static void ring_unused(struct sgate_keyring *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < SGATE_KEYRING_MASTERS; i++)
		r->m[i].first_epoch = ~0ULL;
}

/* A ring with one master governing every epoch. */
static void ring_one(struct sgate_keyring *r, const struct sgate_siphash_key *k)
{
	ring_unused(r);
	r->m[0].key = *k;
	r->m[0].first_epoch = 0;
}

/*
 * The simplest rotation the ring supports: a new master from the next epoch
 * on, the others shifted down.  (The agent also replaces a master that has
 * not taken over yet; that rule is the agent's and is tested with it.)
 */
static void ring_rotate(struct sgate_keyring *r,
			const struct sgate_siphash_key *k, __u64 now_epoch)
{
	r->m[2] = r->m[1];
	r->m[1] = r->m[0];
	r->m[0].key = *k;
	r->m[0].first_epoch = now_epoch + 1;
	r->serial++;
}

/* Make a cookie the way the XDP program does: key chosen by the ring. */
static __u32 make(const struct sgate_keyring *r, const struct sgate_flow *f,
		  __u32 isn, __u64 epoch, __u32 optbits, __u8 ts_ok)
{
	const struct sgate_siphash_key *k = sgate_keyring_key_for(r, epoch);

	assert_non_null(k);
	return sgate_cookie_make(k, f, isn, epoch, optbits, ts_ok, NULL);
}

/* ------------------------------------------------------------------ */
/* The documented rules, written out independently of the codec.       */

/*
 * The layout, most significant bit first: epoch id (bit 31, epoch mod 2),
 * six option bits (30..25), MAC (24..0).
 */
#define DOC_EPOCH_SHIFT	31
#define DOC_OPT_SHIFT	25
#define DOC_MAC_MASK	0x01ffffffu

static __u32 doc_epoch_id(__u32 cookie)
{
	return cookie >> DOC_EPOCH_SHIFT;
}

static __u32 doc_optbits(__u32 cookie)
{
	return (cookie >> DOC_OPT_SHIFT) & 0x3f;
}

static __u32 doc_cookie(__u32 id, __u32 optbits, __u32 mac)
{
	return id << DOC_EPOCH_SHIFT | optbits << DOC_OPT_SHIFT | mac;
}

/* MSS table: IPv4 536 1300 1440 1460; IPv6 1220 1420 1440 8940. */
static const unsigned doc_mss[2][4] = {
	{ 536, 1300, 1440, 1460 },
	{ 1220, 1420, 1440, 8940 },
};

/*
 * MSS the cookie carries: the largest table entry <= min(offered, cap), where
 * a SYN without MSS counts as the protocol default (536 / 1220); the smallest
 * entry when even that is too big.
 */
static unsigned doc_expected_mss(unsigned offered, unsigned cap, int ipv6)
{
	unsigned eff = offered ? offered : (ipv6 ? 1220 : 536);
	unsigned best = doc_mss[ipv6][0];
	int i;

	if (eff > cap)
		eff = cap;
	for (i = 0; i < 4; i++)
		if (doc_mss[ipv6][i] <= eff)
			best = doc_mss[ipv6][i];
	return best;
}

/*
 * Window scale the cookie carries: the largest of 6, 8, 10 not above the
 * client's; none if the client sent none, sent less than 6, or window
 * scaling is disabled.
 */
static int doc_expected_wscale(unsigned offered, unsigned features)
{
	static const int steps[] = { 10, 8, 6 };
	int i;

	if (!(features & SGATE_FEAT_WSCALE) || offered == SGATE_WSCALE_NONE)
		return -1;
	for (i = 0; i < 3; i++)
		if ((int)offered >= steps[i])
			return steps[i];
	return -1;
}

/* ------------------------------------------------------------------ */
/* Layout                                                               */

static void test_layout_constants(void **state)
{
	__u32 epoch = (__u32)SGATE_COOKIE_EPOCH_MASK << SGATE_COOKIE_EPOCH_SHIFT;
	__u32 opt = (__u32)SGATE_COOKIE_OPT_MASK << SGATE_COOKIE_OPT_SHIFT;
	__u32 mac = SGATE_COOKIE_MAC_MASK;
	__u32 o_mss = SGATE_OPT_MSS_MASK << SGATE_OPT_MSS_SHIFT;

	(void)state;
	/* 1 + 6 + 25 bits, disjoint, covering the 32-bit ISN. */
	assert_int_equal(epoch, 0x80000000u);
	assert_int_equal(opt, 0x7e000000u);
	assert_int_equal(mac, 0x01ffffffu);
	assert_int_equal(SGATE_COOKIE_EPOCH_SHIFT, DOC_EPOCH_SHIFT);
	assert_int_equal(SGATE_COOKIE_OPT_SHIFT, DOC_OPT_SHIFT);
	assert_int_equal(SGATE_COOKIE_MAC_MASK, DOC_MAC_MASK);
	assert_int_equal(epoch | opt | mac, 0xffffffffu);
	assert_int_equal(epoch & opt, 0);
	assert_int_equal((epoch | opt) & mac, 0);
	/* Option bits: MSS 5..4, SACK 3, ECN 2, wscale 1..0. */
	assert_int_equal(o_mss, 0x30);
	assert_int_equal(SGATE_OPT_SACK, 0x08);
	assert_int_equal(SGATE_OPT_ECN, 0x04);
	assert_int_equal(SGATE_OPT_WSCALE_MASK, 0x03);
	assert_int_equal(SGATE_EPOCHS_ACCEPTED, 2);
	/* The default period gives cookies 60..120 s of life. */
	assert_int_equal(SGATE_DEFAULT_EPOCH_SECONDS, 60);
}

/* Every one of the 64 option codes decodes to the documented values. */
static void test_decode_every_code(void **state)
{
	static const int ws[4] = { -1, 6, 8, 10 };
	struct sgate_cookie_opts o;
	__u32 code, top;
	int v6;

	(void)state;
	for (v6 = 0; v6 < 2; v6++)
		for (top = 0; top < 2; top++)	/* the epoch bit does not matter */
			for (code = 0; code < 64; code++) {
				/* MAC bit 24 set: it must not leak into the code. */
				__u32 cookie = doc_cookie(top, code, 0x1abcdef);

				memset(&o, 0x5a, sizeof(o));
				sgate_cookie_decode_opts(cookie, v6, (__u8)(code & 1), &o);
				assert_int_equal(o.mss, doc_mss[v6][code >> 4]);
				assert_int_equal(o.sack_ok, !!(code & 8));
				assert_int_equal(o.ecn_ok, !!(code & 4));
				assert_int_equal(o.wscale_ok, ws[code & 3] >= 0);
				assert_int_equal(o.snd_wscale,
						 ws[code & 3] >= 0 ? ws[code & 3] : 0);
				assert_int_equal(o.ts_ok, code & 1);
			}
}

/* ------------------------------------------------------------------ */
/* Round trip                                                           */

static const unsigned rt_mss[] = {
	0, 1, 88, 535, 536, 537, 1000, 1219, 1220, 1221, 1299, 1300, 1301,
	1419, 1420, 1421, 1439, 1440, 1441, 1459, 1460, 1461, 1500, 8939,
	8940, 8941, 9000, 65495, 65535,
};

static const unsigned rt_caps[2][4] = {
	{ 1460, 1400, 65535, 500 },	/* IPv4: usual, tunnel, none, tiny */
	{ 1440, 1300, 65535, 1000 },	/* IPv6 */
};

static void test_roundtrip(void **state)
{
	struct sgate_siphash_key key;
	struct sgate_keyring ring;
	unsigned long n = 0;
	int v6, ci, mi, wi;
	unsigned feat, flags;

	(void)state;
	rng.s = 0x7e57c00c1e;
	random_key(&key);
	ring_one(&ring, &key);
	for (v6 = 0; v6 < 2; v6++)
	for (ci = 0; ci < 4; ci++)
	for (mi = 0; mi < (int)(sizeof(rt_mss) / sizeof(rt_mss[0])); mi++)
	for (wi = -1; wi <= 17; wi++)	/* -1: absent; 15..17: > 14 */
	for (flags = 0; flags < 8; flags++)	/* sack, ts, ecn */
	for (feat = 0; feat < 16; feat++) {
		unsigned cap = rt_caps[v6][ci];
		struct sgate_syn_offer offer = {
			.mss = (__u16)rt_mss[mi],
			.wscale = wi < 0 ? SGATE_WSCALE_NONE :
				  wi == 17 ? 200 : (__u8)wi,
			.sack_ok = flags & 1,
			.ts_ok = !!(flags & 2),
			.ecn = !!(flags & 4),
			.tsval = (__u32)rng_u64(&rng),
		};
		struct sgate_flow f;
		struct sgate_cookie_opts o;
		__u32 isn = (__u32)rng_u64(&rng), optbits, cookie;
		__u64 epoch = 1 + (rng_u64(&rng) >> 20);
		__u8 ts_ok = 0xee;
		int exp_ws = doc_expected_wscale(offer.wscale, feat);
		int exp_ts = offer.ts_ok && (feat & SGATE_FEAT_TS);

		random_flow(&f, v6);
		optbits = sgate_cookie_encode_opts(&offer, cap, feat, v6, &ts_ok);
		assert_int_equal(optbits & ~0x3fu, 0);
		assert_int_equal(ts_ok, exp_ts);
		cookie = make(&ring, &f, isn, epoch, optbits, ts_ok);
		assert_int_equal(doc_epoch_id(cookie), epoch & 1);
		assert_int_equal(doc_optbits(cookie), optbits);

		assert_int_equal(sgate_cookie_check(&ring, &f, isn, cookie,
						    epoch, ts_ok),
				 SGATE_COOKIE_VALID);
		assert_int_equal(sgate_cookie_check(&ring, &f, isn, cookie,
						    epoch + 1, ts_ok),
				 SGATE_COOKIE_VALID);

		sgate_cookie_decode_opts(cookie, v6, ts_ok, &o);
		if (o.mss != doc_expected_mss(offer.mss, cap, v6))
			fail_msg("v6=%d cap=%u offered mss=%u: got %u, want %u",
				 v6, cap, offer.mss, o.mss,
				 doc_expected_mss(offer.mss, cap, v6));
		assert_int_equal(o.wscale_ok, exp_ws >= 0);
		assert_int_equal(o.snd_wscale, exp_ws >= 0 ? exp_ws : 0);
		/* Never more than offered: rounding goes down only. */
		if (exp_ws >= 0)
			assert_true(o.snd_wscale <= offer.wscale);
		assert_int_equal(o.sack_ok,
				 offer.sack_ok && (feat & SGATE_FEAT_SACK));
		assert_int_equal(o.ecn_ok, offer.ecn && (feat & SGATE_FEAT_ECN));
		assert_int_equal(o.ts_ok, exp_ts);
		n++;
	}
	print_message("round trips checked: %lu\n", n);
}

/* ------------------------------------------------------------------ */
/* Rejection                                                            */

struct sample {
	struct sgate_flow f;
	__u32 isn;
	__u32 optbits;
	__u8 ts_ok;
	__u64 epoch;
	__u32 cookie;
};

static void random_sample(struct sample *s, const struct sgate_keyring *r,
			  int ipv6)
{
	random_flow(&s->f, ipv6);
	s->isn = (__u32)rng_u64(&rng);
	s->optbits = (__u32)rng_u64(&rng) & 0x3f;
	s->ts_ok = rng_u64(&rng) & 1;
	s->epoch = 4 + (rng_u64(&rng) >> 24);
	s->cookie = make(r, &s->f, s->isn, s->epoch, s->optbits, s->ts_ok);
}

static enum sgate_cookie_verdict check_at(const struct sgate_keyring *r,
					  const struct sample *s, __u64 now)
{
	return sgate_cookie_check(r, &s->f, s->isn, s->cookie, now, s->ts_ok);
}

static void test_wrong_key(void **state)
{
	struct sgate_siphash_key k1, k2;
	struct sgate_keyring r1, r2;
	struct sample s;
	int i;

	(void)state;
	rng.s = 0xbadc0ffee;
	random_key(&k1);
	ring_one(&r1, &k1);
	for (i = 0; i < 4000; i++) {
		random_key(&k2);
		ring_one(&r2, &k2);
		random_sample(&s, &r1, i & 1);
		assert_int_equal(check_at(&r1, &s, s.epoch), SGATE_COOKIE_VALID);
		assert_int_equal(check_at(&r2, &s, s.epoch), SGATE_COOKIE_BAD_MAC);
		assert_int_equal(check_at(&r2, &s, s.epoch + 1),
				 SGATE_COOKIE_BAD_MAC);
	}
	/* One key bit is enough. */
	for (i = 0; i < 128; i++) {
		k2 = k1;
		k2.k[i / 64] ^= 1ULL << (i % 64);
		ring_one(&r2, &k2);
		random_sample(&s, &r1, i & 1);
		assert_int_equal(check_at(&r2, &s, s.epoch), SGATE_COOKIE_BAD_MAC);
	}
}

/*
 * Current and previous epoch accepted.  Older cookies are not recognised as
 * old: the one-bit id of e names e + 2 when checked two or three epochs
 * later, so the MAC is computed over the wrong epoch and fails, except
 * with 2^-25 odds per check (never for this seed).  The same holds four and
 * five back, and for a cookie from the future (the verifier's clock is
 * behind), whose id names the verifier's previous epoch.  STALE is left for
 * an id that would name epoch -1, for every input.
 */
static void test_epoch_window(void **state)
{
	struct sgate_siphash_key k;
	struct sgate_keyring r;
	struct sample s;
	int i;

	(void)state;
	rng.s = 0xe90c4;
	random_key(&k);
	ring_one(&r, &k);
	for (i = 0; i < 4000; i++) {
		random_sample(&s, &r, i & 1);
		assert_int_equal(check_at(&r, &s, s.epoch), SGATE_COOKIE_VALID);
		assert_int_equal(check_at(&r, &s, s.epoch + 1), SGATE_COOKIE_VALID);
		assert_int_equal(check_at(&r, &s, s.epoch + 2),
				 SGATE_COOKIE_BAD_MAC);
		assert_int_equal(check_at(&r, &s, s.epoch + 3),
				 SGATE_COOKIE_BAD_MAC);
		assert_int_equal(check_at(&r, &s, s.epoch + 4),
				 SGATE_COOKIE_BAD_MAC);
		assert_int_equal(check_at(&r, &s, s.epoch + 5),
				 SGATE_COOKIE_BAD_MAC);
		assert_int_equal(check_at(&r, &s, s.epoch - 1),
				 SGATE_COOKIE_BAD_MAC);
	}

	/*
	 * At epoch 0 the id 1 would name epoch -1: STALE, whatever the option
	 * and MAC bits.  The id 0 names epoch 0 and goes on to the MAC.
	 */
	for (i = 0; i < 4000; i++) {
		random_sample(&s, &r, i & 1);
		s.epoch = 1;
		s.cookie = make(&r, &s.f, s.isn, 1, s.optbits, s.ts_ok);
		assert_int_equal(doc_epoch_id(s.cookie), 1);
		assert_int_equal(check_at(&r, &s, 1), SGATE_COOKIE_VALID);
		assert_int_equal(check_at(&r, &s, 0), SGATE_COOKIE_STALE);
		s.cookie = (__u32)rng_u64(&rng) | 1u << DOC_EPOCH_SHIFT;
		assert_int_equal(check_at(&r, &s, 0), SGATE_COOKIE_STALE);
		s.cookie &= ~(1u << DOC_EPOCH_SHIFT);
		assert_int_equal(check_at(&r, &s, 0), SGATE_COOKIE_BAD_MAC);
	}
}

/* Master selection by first_epoch, and rotation while handshakes are open. */
static void test_keyring_selection(void **state)
{
	struct sgate_siphash_key k1, k2, k3;
	struct sgate_keyring r;
	struct sample s;
	const __u64 E = 1000;
	int i;

	(void)state;
	rng.s = 0x4e7219;
	random_key(&k1);
	random_key(&k2);
	random_key(&k3);

	/* Empty ring: no key for any epoch. */
	ring_unused(&r);
	assert_null(sgate_keyring_key_for(&r, 0));
	assert_null(sgate_keyring_key_for(&r, E));

	/* k1 from epoch 0, k2 takes over at E + 1. */
	ring_one(&r, &k1);
	ring_rotate(&r, &k2, E);
	assert_ptr_equal(sgate_keyring_key_for(&r, 0), &r.m[1].key);
	assert_ptr_equal(sgate_keyring_key_for(&r, E), &r.m[1].key);
	assert_ptr_equal(sgate_keyring_key_for(&r, E + 1), &r.m[0].key);
	assert_ptr_equal(sgate_keyring_key_for(&r, E + 100), &r.m[0].key);
	assert_memory_equal(&r.m[0].key, &k2, sizeof(k2));

	for (i = 0; i < 1000; i++) {
		struct sgate_flow f;
		__u32 isn = (__u32)rng_u64(&rng), opt = (__u32)rng_u64(&rng) & 0x3f;
		__u8 ts = rng_u64(&rng) & 1;
		__u32 c_old, c_new, c_early;

		random_flow(&f, i & 1);
		/* Made in E after the rotation: still k1. */
		c_old = make(&r, &f, isn, E, opt, ts);
		assert_int_equal(c_old, sgate_cookie_make(&k1, &f, isn, E, opt, ts, NULL));
		assert_int_equal(sgate_cookie_check(&r, &f, isn, c_old, E, ts),
				 SGATE_COOKIE_VALID);
		assert_int_equal(sgate_cookie_check(&r, &f, isn, c_old, E + 1, ts),
				 SGATE_COOKIE_VALID);
		/* Made in E + 1: k2, valid in E + 1 and E + 2. */
		c_new = make(&r, &f, isn, E + 1, opt, ts);
		assert_int_equal(c_new,
				 sgate_cookie_make(&k2, &f, isn, E + 1, opt, ts, NULL));
		assert_int_equal(sgate_cookie_check(&r, &f, isn, c_new, E + 1, ts),
				 SGATE_COOKIE_VALID);
		assert_int_equal(sgate_cookie_check(&r, &f, isn, c_new, E + 2, ts),
				 SGATE_COOKIE_VALID);
		/* k2 does not speak for E, before it took over. */
		c_early = sgate_cookie_make(&k2, &f, isn, E, opt, ts, NULL);
		assert_int_equal(sgate_cookie_check(&r, &f, isn, c_early, E, ts),
				 SGATE_COOKIE_BAD_MAC);
		assert_int_equal(sgate_cookie_check(&r, &f, isn, c_early, E + 1, ts),
				 SGATE_COOKIE_BAD_MAC);
	}

	/* A ring whose oldest master starts at E: nothing for E - 1. */
	ring_unused(&r);
	r.m[0].key = k3;
	r.m[0].first_epoch = E;
	assert_null(sgate_keyring_key_for(&r, E - 1));
	assert_ptr_equal(sgate_keyring_key_for(&r, E), &r.m[0].key);
	random_flow(&s.f, 0);
	s.isn = 7;
	s.ts_ok = 0;
	s.cookie = sgate_cookie_make(&k3, &s.f, s.isn, E - 1, 0, 0, NULL);
	assert_int_equal(check_at(&r, &s, E), SGATE_COOKIE_STALE);

	/*
	 * Rotating once every epoch never breaks a handshake in flight: a
	 * cookie from epoch e verifies in e and e + 1 whatever rotations
	 * happened meanwhile.
	 */
	ring_one(&r, &k1);
	for (i = 0; i < 50; i++) {
		__u64 e = E + (__u64)i;
		static struct sample a, b, pa, pb;

		random_sample(&a, &r, i & 1);
		a.epoch = e;
		a.cookie = make(&r, &a.f, a.isn, e, a.optbits, a.ts_ok);
		random_key(&k3);
		ring_rotate(&r, &k3, e);		/* takes over at e + 1 */
		random_sample(&b, &r, i & 1);
		b.epoch = e;
		b.cookie = make(&r, &b.f, b.isn, e, b.optbits, b.ts_ok);
		assert_int_equal(check_at(&r, &a, e), SGATE_COOKIE_VALID);
		assert_int_equal(check_at(&r, &b, e), SGATE_COOKIE_VALID);
		assert_int_equal(check_at(&r, &a, e + 1), SGATE_COOKIE_VALID);
		assert_int_equal(check_at(&r, &b, e + 1), SGATE_COOKIE_VALID);
		/* Last epoch's, after this epoch's rotation too. */
		if (i > 0) {
			assert_int_equal(check_at(&r, &pa, e), SGATE_COOKIE_VALID);
			assert_int_equal(check_at(&r, &pb, e), SGATE_COOKIE_VALID);
		}
		pa = a;
		pb = b;
	}
}

/*
 * Flip every one of the 32 bits, checking in the cookie's epoch and the next.
 * MAC bits (0..24): the MAC input is unchanged, so the check fails for every
 * input.  Bits 25..30 change the option bits and bit 31 the epoch the MAC is
 * computed over (the id then names the other accepted epoch): every
 * structural value is valid, so these fail only because the 25-bit MAC no
 * longer matches -- every time but with 2^-25 odds per case, and never for
 * this seed.  No flip is STALE: the samples are far from epoch 0.
 */
static void test_bit_flips(void **state)
{
	struct sgate_siphash_key k;
	struct sgate_keyring r;
	struct sample s, t;
	int i, bit, age;

	(void)state;
	rng.s = 0xf11b5;
	random_key(&k);
	ring_one(&r, &k);
	for (i = 0; i < 2000; i++) {
		random_sample(&s, &r, i & 1);
		for (age = 0; age < 2; age++) {
			__u64 now = s.epoch + (__u64)age;

			assert_int_equal(check_at(&r, &s, now), SGATE_COOKIE_VALID);
			for (bit = 0; bit < 32; bit++) {
				enum sgate_cookie_verdict v;

				t = s;
				t.cookie ^= 1u << bit;
				v = check_at(&r, &t, now);
				if (v == SGATE_COOKIE_VALID)
					fail_msg("sample %d age %d: bit %d flipped still verifies",
						 i, age, bit);
				assert_int_equal(v, SGATE_COOKIE_BAD_MAC);
			}
		}
	}
}

/* The MAC binds the 4-tuple, the client ISN, the ts decision and family. */
static void test_binding(void **state)
{
	struct sgate_siphash_key k;
	struct sgate_keyring r;
	struct sample s, t;
	int i, w, bit;

	(void)state;
	rng.s = 0xb1d;
	random_key(&k);
	ring_one(&r, &k);
	for (i = 0; i < 1000; i++) {
		int v6 = i & 1, nw = v6 ? 4 : 1;

		random_sample(&s, &r, v6);
		assert_int_equal(check_at(&r, &s, s.epoch), SGATE_COOKIE_VALID);
		/* One bit of any address word. */
		for (w = 0; w < nw; w++)
			for (bit = 0; bit < 32; bit += 7) {
				t = s;
				t.f.saddr[w] ^= 1u << bit;
				assert_int_equal(check_at(&r, &t, t.epoch),
						 SGATE_COOKIE_BAD_MAC);
				t = s;
				t.f.daddr[w] ^= 1u << bit;
				assert_int_equal(check_at(&r, &t, t.epoch),
						 SGATE_COOKIE_BAD_MAC);
			}
		/* Ports: each one, and swapped. */
		for (bit = 0; bit < 16; bit++) {
			t = s;
			t.f.sport ^= (__u16)(1u << bit);
			assert_int_equal(check_at(&r, &t, t.epoch),
					 SGATE_COOKIE_BAD_MAC);
			t = s;
			t.f.dport ^= (__u16)(1u << bit);
			assert_int_equal(check_at(&r, &t, t.epoch),
					 SGATE_COOKIE_BAD_MAC);
		}
		t = s;
		t.f.sport = s.f.dport;
		t.f.dport = s.f.sport;
		if (s.f.sport != s.f.dport)
			assert_int_equal(check_at(&r, &t, t.epoch),
					 SGATE_COOKIE_BAD_MAC);
		/* Addresses swapped (the reply direction). */
		t = s;
		memcpy(t.f.saddr, s.f.daddr, sizeof(t.f.saddr));
		memcpy(t.f.daddr, s.f.saddr, sizeof(t.f.daddr));
		assert_int_equal(check_at(&r, &t, t.epoch), SGATE_COOKIE_BAD_MAC);
		/* Client ISN. */
		t = s;
		t.isn = s.isn + 1;
		assert_int_equal(check_at(&r, &t, t.epoch), SGATE_COOKIE_BAD_MAC);
		t.isn = s.isn - 1;
		assert_int_equal(check_at(&r, &t, t.epoch), SGATE_COOKIE_BAD_MAC);
		t.isn = s.isn ^ 0x80000000u;
		assert_int_equal(check_at(&r, &t, t.epoch), SGATE_COOKIE_BAD_MAC);
		/* Timestamps in the ACK but not decided at SYN time, or back. */
		t = s;
		t.ts_ok = !s.ts_ok;
		assert_int_equal(check_at(&r, &t, t.epoch), SGATE_COOKIE_BAD_MAC);
		assert_int_equal(check_at(&r, &t, t.epoch + 1), SGATE_COOKIE_BAD_MAC);
		/* The other family with the same address words. */
		t = s;
		t.f.ipv6 = !v6;
		assert_int_equal(check_at(&r, &t, t.epoch), SGATE_COOKIE_BAD_MAC);
	}

	/*
	 * IPv4 and IPv6 with literally the same words: v6 addresses whose
	 * words 1..3 are zero, as the v4 flow has them.
	 */
	for (i = 0; i < 1000; i++) {
		random_sample(&s, &r, 0);
		t = s;
		t.f.ipv6 = 1;
		assert_int_equal(check_at(&r, &t, t.epoch), SGATE_COOKIE_BAD_MAC);
		t.cookie = make(&r, &t.f, t.isn, t.epoch, t.optbits, t.ts_ok);
		assert_int_equal(check_at(&r, &t, t.epoch), SGATE_COOKIE_VALID);
		assert_int_equal(check_at(&r, &s, s.epoch), SGATE_COOKIE_VALID);
		s.cookie = t.cookie;
		assert_int_equal(check_at(&r, &s, s.epoch), SGATE_COOKIE_BAD_MAC);
	}

	/* IPv4 looks at address word 0 only. */
	random_sample(&s, &r, 0);
	t = s;
	t.f.saddr[1] = t.f.daddr[3] = 0xdeadbeef;
	assert_int_equal(check_at(&r, &t, t.epoch), SGATE_COOKIE_VALID);
}

/* ------------------------------------------------------------------ */
/* Epoch accounting                                                     */

/*
 * The epoch a cookie names, from bit 31 alone: the current epoch if the id
 * equals now mod 2, otherwise the one before; nothing before epoch 0.  Holds
 * for every input, so the option and MAC bits are set all ways.
 */
static void test_epoch_of_cookie(void **state)
{
	static const __u32 rest[] = { 0, 0x7fffffff, 0x7e000000, 0x01ffffff,
				      0x40000000, 0x2abcdef };
	__u64 now, e;
	__u32 id, ri;

	(void)state;
	for (ri = 0; ri < sizeof(rest) / sizeof(rest[0]); ri++) {
		__u32 low = rest[ri];

		/* now 0: only id 0; no epoch -1 (no underflow). */
		e = 0xfeed;
		assert_true(sgate_cookie_epoch(0u << 31 | low, 0, &e) && e == 0);
		e = 0xfeed;
		assert_false(sgate_cookie_epoch(1u << 31 | low, 0, &e));
		assert_true(e == 0xfeed);
		/* now 1: id 1 is now, id 0 is epoch 0. */
		assert_true(sgate_cookie_epoch(1u << 31 | low, 1, &e) && e == 1);
		assert_true(sgate_cookie_epoch(0u << 31 | low, 1, &e) && e == 0);
		/* Everywhere else, alternating. */
		for (now = 2; now < 4096; now++)
			for (id = 0; id < 2; id++) {
				e = 0xfeed;
				assert_true(sgate_cookie_epoch(id << 31 | low, now,
							       &e));
				assert_true(e == (id == now % 2 ? now : now - 1));
			}
		/* The top of the range (odd). */
		now = ~0ULL;
		assert_true(sgate_cookie_epoch(1u << 31 | low, now, &e) &&
			    e == now);
		assert_true(sgate_cookie_epoch(0u << 31 | low, now, &e) &&
			    e == now - 1);
		now = ~0ULL - 1;
		assert_true(sgate_cookie_epoch(0u << 31 | low, now, &e) &&
			    e == now);
		assert_true(sgate_cookie_epoch(1u << 31 | low, now, &e) &&
			    e == now - 1);
	}
}

static void test_epoch_cookies_near_zero_and_wrap(void **state)
{
	struct sgate_siphash_key k;
	struct sgate_keyring r;
	struct sample s;
	__u64 e;

	(void)state;
	rng.s = 0x2e60;
	random_key(&k);
	ring_one(&r, &k);
	/* Made at 0 and 1, through both epoch ids and around again. */
	for (e = 0; e < 24; e++) {
		random_sample(&s, &r, (int)(e & 1));
		s.epoch = e;
		s.cookie = make(&r, &s.f, s.isn, e, s.optbits, s.ts_ok);
		assert_int_equal(doc_epoch_id(s.cookie), e % 2);
		assert_int_equal(check_at(&r, &s, e), SGATE_COOKIE_VALID);
		assert_int_equal(check_at(&r, &s, e + 1), SGATE_COOKIE_VALID);
		/* Same id two epochs on (and the other id three on): the MAC
		 * tells them apart. */
		assert_int_equal(check_at(&r, &s, e + 2), SGATE_COOKIE_BAD_MAC);
		assert_int_equal(check_at(&r, &s, e + 3), SGATE_COOKIE_BAD_MAC);
		assert_int_equal(check_at(&r, &s, e + 4), SGATE_COOKIE_BAD_MAC);
		/* From the verifier's future: epoch 1's cookie seen at 0 would
		 * name epoch -1; later ones name a real, wrong epoch. */
		if (e == 1)
			assert_int_equal(check_at(&r, &s, 0), SGATE_COOKIE_STALE);
		else if (e >= 2)
			assert_int_equal(check_at(&r, &s, e - 1),
					 SGATE_COOKIE_BAD_MAC);
	}
	/*
	 * The MAC covers the epoch's low 32 bits: epochs 2^32 apart (at least
	 * 2^33 s = 272 years at the 2 s minimum period) are the same epoch to
	 * the MAC.  Pinned here so that a change of the MAC input is seen.
	 */
	random_sample(&s, &r, 0);
	assert_int_equal(check_at(&r, &s, s.epoch + (1ULL << 32)),
			 SGATE_COOKIE_VALID);
}

/* ------------------------------------------------------------------ */
/* TCP option walk                                                      */

/* Walk as the XDP program does: bpf_loop(40, step); returns steps taken. */
static int walk(struct sgate_optwalk *w, const __u8 *opts, __u32 len)
{
	int i;

	memset(w, 0xa5, sizeof(*w));
	assert_true(len <= SGATE_TCPOPT_MAX_LEN);
	sgate_optwalk_init(w, len);
	if (len)
		memcpy(w->buf, opts, len);
	for (i = 0; i < SGATE_TCPOPT_MAX_LEN; i++)
		if (sgate_optwalk_step(w))
			break;
	/* Whatever happened, the walk is over within the loop bound. */
	assert_int_equal(sgate_optwalk_step(w), 1);
	return i;
}

#define WALK(w, ...)							\
	({								\
		static const __u8 o_[] = { __VA_ARGS__ };		\
		walk(w, o_, sizeof(o_));				\
	})

static void expect_offer(const struct sgate_optwalk *w, unsigned mss,
			 unsigned ws, int sack, int ts)
{
	assert_int_equal(w->offer.mss, mss);
	assert_int_equal(w->offer.wscale, ws);
	assert_int_equal(w->offer.sack_ok, sack);
	assert_int_equal(w->offer.ts_ok, ts);
	assert_int_equal(w->offer.ecn, 0);	/* flags, not options */
}

static void test_optwalk_common_layouts(void **state)
{
	struct sgate_optwalk w;
	const __u8 none = SGATE_WSCALE_NONE;

	(void)state;
	/* Linux: MSS, SACK_PERM, TS, NOP, WS. */
	WALK(&w, 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x12, 0x34, 0x56, 0x78,
	     0, 0, 0, 0, 1, 3, 3, 7);
	expect_offer(&w, 1460, 7, 1, 1);
	assert_int_equal(w.offer.tsval, 0x12345678);
	assert_int_equal(w.tsecr, 0);
	/* Windows: MSS, NOP, WS, NOP, NOP, SACK_PERM. */
	WALK(&w, 2, 4, 0x05, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2);
	expect_offer(&w, 1460, 8, 1, 0);
	/* macOS: MSS, NOP, WS, NOP, NOP, TS, SACK_PERM, EOL. */
	WALK(&w, 2, 4, 0x05, 0xb4, 1, 3, 3, 6, 1, 1, 8, 10, 0xde, 0xad,
	     0xbe, 0xef, 0xca, 0xfe, 0xf0, 0x0d, 4, 2, 0, 0);
	expect_offer(&w, 1460, 6, 1, 1);
	assert_int_equal(w.offer.tsval, 0xdeadbeef);
	assert_int_equal(w.tsecr, 0xcafef00d);
	/* Only MSS. */
	assert_int_equal(WALK(&w, 2, 4, 0x05, 0x78), 1);
	expect_offer(&w, 1400, none, 0, 0);
	/* A final ACK: NOP, NOP, TS. */
	WALK(&w, 1, 1, 8, 10, 0, 0, 0, 9, 0x80, 0, 0, 1);
	expect_offer(&w, 0, none, 0, 1);
	assert_int_equal(w.offer.tsval, 9);
	assert_int_equal(w.tsecr, 0x80000001);
}

static void test_optwalk_edges(void **state)
{
	struct sgate_optwalk w;
	const __u8 none = SGATE_WSCALE_NONE;
	__u8 buf[SGATE_TCPOPT_MAX_LEN] = { 0 };
	int steps;

	(void)state;
	/* Empty block. */
	assert_int_equal(walk(&w, buf, 0), 0);
	expect_offer(&w, 0, none, 0, 0);
	assert_int_equal(w.offer.tsval, 0);
	assert_int_equal(w.tsecr, 0);

	/* EOL ends the list; what follows is not options. */
	WALK(&w, 2, 4, 0x05, 0xb4, 0, 3, 3, 7, 4, 2);
	expect_offer(&w, 1460, none, 0, 0);
	WALK(&w, 0, 2, 4, 0x05, 0xb4);
	expect_offer(&w, 0, none, 0, 0);
	/* ...even when, read as options, it would parse. */
	WALK(&w, 2, 4, 0x05, 0xb4, 0, 2, 4, 2, 3, 3, 7);
	expect_offer(&w, 1460, none, 0, 0);
	assert_int_equal(WALK(&w, 1, 0, 2, 4, 2, 3, 3, 7), 1);
	expect_offer(&w, 0, none, 0, 0);

	/* NOP padding anywhere. */
	steps = WALK(&w, 1, 1, 1, 2, 4, 0x05, 0xb4, 1, 1, 1, 1, 3, 3, 2, 1, 1);
	expect_offer(&w, 1460, 2, 0, 0);
	assert_int_equal(steps, 11);	/* 9 NOPs, MSS, WS */
	/* 40 NOPs: 40 steps, then over. */
	memset(buf, 1, sizeof(buf));
	assert_int_equal(walk(&w, buf, 40), 40);
	expect_offer(&w, 0, none, 0, 0);
	/* 30 NOPs and a TS that ends exactly at byte 40. */
	memset(buf, 1, 30);
	memcpy(buf + 30, (const __u8[]){ 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 }, 10);
	assert_int_equal(walk(&w, buf, 40), 31);
	expect_offer(&w, 0, none, 0, 1);
	assert_int_equal(w.offer.tsval, 1);
	assert_int_equal(w.tsecr, 2);

	/* Option length 0 or 1: the walk stops, keeping what it had. */
	WALK(&w, 2, 4, 0x05, 0xb4, 3, 0, 4, 2, 1, 1, 1);
	expect_offer(&w, 1460, none, 0, 0);
	WALK(&w, 2, 4, 0x05, 0xb4, 3, 1, 4, 2, 1, 1, 1);
	expect_offer(&w, 1460, none, 0, 0);
	WALK(&w, 0x4c, 0, 2, 4, 0x05, 0xb4);	/* unknown kind, length 0 */
	expect_offer(&w, 0, none, 0, 0);

	/* An option running past the end of the block is not parsed. */
	WALK(&w, 2, 4, 0x05, 0xb4, 8, 10, 0, 0, 0, 1);
	expect_offer(&w, 1460, none, 0, 0);
	WALK(&w, 4, 2, 2, 4, 0x05);
	expect_offer(&w, 0, none, 1, 0);
	WALK(&w, 1, 1, 3, 3);
	expect_offer(&w, 0, none, 0, 0);

	/* A kind byte alone at the very end. */
	WALK(&w, 2, 4, 0x05, 0xb4, 3);
	expect_offer(&w, 1460, none, 0, 0);
	WALK(&w, 2, 4, 0x05, 0xb4, 1, 1, 1, 4);
	expect_offer(&w, 1460, none, 0, 0);

	/* Unknown options are stepped over. */
	WALK(&w, 30, 6, 0, 0, 0, 0,		/* MPTCP, length 6 */
	     34, 2,				/* TFO cookie request */
	     254, 4, 0xf9, 0x89,		/* RFC 6994 experimental */
	     2, 4, 0x05, 0x8c, 4, 2, 1, 3, 3, 9);
	expect_offer(&w, 1420, 9, 1, 0);
	/* An unknown option may be long and hide bytes that look like options. */
	WALK(&w, 99, 8, 2, 4, 0x00, 0x10, 3, 3, 4, 2);
	expect_offer(&w, 0, none, 1, 0);

	/* Repeated options: the last one wins, as in Linux. */
	WALK(&w, 2, 4, 0x05, 0xb4, 2, 4, 0x02, 0x18, 3, 3, 2, 3, 3, 9,
	     8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 8, 10, 0, 0, 0, 2, 0, 0, 0, 3);
	expect_offer(&w, 536, 9, 0, 1);
	assert_int_equal(w.offer.tsval, 2);
	assert_int_equal(w.tsecr, 3);

	/* Window scale above 14 is taken as 14 (RFC 7323, as Linux). */
	WALK(&w, 3, 3, 15);
	expect_offer(&w, 0, 14, 0, 0);
	WALK(&w, 3, 3, 255);	/* must not read as "no window scale" */
	expect_offer(&w, 0, 14, 0, 0);
	WALK(&w, 3, 3, 14);
	expect_offer(&w, 0, 14, 0, 0);
	WALK(&w, 3, 3, 0);
	expect_offer(&w, 0, 0, 0, 0);

	/* Wrong lengths for known kinds: ignored, and the walk goes on. */
	WALK(&w, 2, 3, 0x05, 2, 5, 0x05, 0xb4, 0, 2, 6, 0x05, 0xb4, 0, 0, 4, 2);
	expect_offer(&w, 0, none, 1, 0);
	WALK(&w, 8, 8, 0, 0, 0, 1, 0, 0, 8, 12, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0,
	     4, 2);
	expect_offer(&w, 0, none, 1, 0);
	assert_int_equal(w.offer.tsval, 0);
	WALK(&w, 4, 3, 0, 3, 4, 7, 0, 2, 4, 0x05, 0xb4);
	expect_offer(&w, 1460, none, 0, 0);
	WALK(&w, 3, 2, 4, 2);	/* WS of length 2, then SACK_PERM */
	expect_offer(&w, 0, none, 1, 0);

	/* An MSS option of 0 reads as 0, which the codec takes as absent. */
	WALK(&w, 2, 4, 0, 0);
	expect_offer(&w, 0, none, 0, 0);
}

/* The walk's output fed to the codec, as the XDP program does. */
static void test_optwalk_to_cookie(void **state)
{
	struct sgate_optwalk w;
	struct sgate_cookie_opts o;
	__u32 bits;
	__u8 ts;

	(void)state;
	WALK(&w, 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0,
	     1, 3, 3, 7);
	w.offer.ecn = 1;
	bits = sgate_cookie_encode_opts(&w.offer, 1460, 0xf, 0, &ts);
	sgate_cookie_decode_opts(doc_cookie(0, bits, 0), 0, ts, &o);
	assert_int_equal(o.mss, 1460);
	assert_int_equal(o.wscale_ok, 1);
	assert_int_equal(o.snd_wscale, 6);
	assert_int_equal(o.sack_ok, 1);
	assert_int_equal(o.ecn_ok, 1);
	assert_int_equal(o.ts_ok, 1);

	/* Windows over IPv6, timestamps off on the host. */
	WALK(&w, 2, 4, 0x05, 0xa0, 1, 3, 3, 8, 1, 1, 4, 2);
	bits = sgate_cookie_encode_opts(&w.offer, 1440,
					0xf & ~SGATE_FEAT_TS, 1, &ts);
	sgate_cookie_decode_opts(doc_cookie(0, bits, 0), 1, ts, &o);
	assert_int_equal(o.mss, 1440);	/* an IPv6 table entry */
	assert_int_equal(o.snd_wscale, 8);
	assert_int_equal(o.sack_ok, 1);
	assert_int_equal(o.ts_ok, 0);

	/* A bare SYN (no options): defaults, nothing else. */
	walk(&w, (const __u8[1]){ 0 }, 0);
	bits = sgate_cookie_encode_opts(&w.offer, 1460, 0xf, 0, &ts);
	sgate_cookie_decode_opts(doc_cookie(0, bits, 0), 0, ts, &o);
	assert_int_equal(o.mss, 536);
	assert_int_equal(o.wscale_ok, 0);
	assert_int_equal(o.sack_ok, 0);
	assert_int_equal(o.ts_ok, 0);
}

/* ------------------------------------------------------------------ */
/* Forged ACKs                                                          */

#define FORGED_TRIES (1u << 22)

/*
 * A blind forger sends ACKs with random ack_seq for one flow, client ISN and
 * moment.  Every structural bit is valid -- either epoch id names an accepted
 * epoch, every option code decodes -- so none is STALE, and a value verifies
 * iff its 25-bit MAC matches the one for the epoch and option bits it names:
 * (2 ids x 64 codes) / 2^32 = 2^-25, so 2^22 tries expect 0.125 passes;
 * P(count >= 5) for a Poisson(0.125) count is below 3e-7, so the bound of 4
 * is for a broken MAC or epoch check, not for chance.  A forger who copies
 * the current epoch id off any SYN-ACK of ours, and an option code too, still
 * faces the 25 MAC bits: 2^-25 per try, 0.125 expected, the same bound.
 */
static void test_forged_acks(void **state)
{
	struct sgate_siphash_key k;
	struct sgate_keyring r;
	struct sgate_flow f;
	int v6;

	(void)state;
	rng.s = 0xf0e9ed;
	random_key(&k);
	ring_one(&r, &k);
	for (v6 = 0; v6 < 2; v6++) {
		const __u64 now = 123457;
		const __u32 isn = 0x31337;
		unsigned blind = 0, stale = 0, aimed = 0;
		__u32 i;

		random_flow(&f, v6);
		for (i = 0; i < FORGED_TRIES; i++) {
			__u32 v = (__u32)rng_u64(&rng);
			__u8 ts = (__u8)(i & 1);
			enum sgate_cookie_verdict d;

			d = sgate_cookie_check(&r, &f, isn, v, now, ts);
			blind += d == SGATE_COOKIE_VALID;
			stale += d == SGATE_COOKIE_STALE;
			/* Current epoch id and a fixed, common option code. */
			v = doc_cookie(now & 1, 0x3b, v & DOC_MAC_MASK);
			aimed += sgate_cookie_check(&r, &f, isn, v, now, ts) ==
				 SGATE_COOKIE_VALID;
		}
		print_message("%s: %u random ACKs: %u verified (expected 0.125), "
			      "%u stale (expected 0); with the current epoch id: "
			      "%u verified (expected 0.125)\n",
			      v6 ? "IPv6" : "IPv4", FORGED_TRIES, blind, stale,
			      aimed);
		assert_true(blind <= 4);
		assert_true(aimed <= 4);
		assert_int_equal(stale, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_constants),
		cmocka_unit_test(test_decode_every_code),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_epoch_window),
		cmocka_unit_test(test_keyring_selection),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_binding),
		cmocka_unit_test(test_epoch_of_cookie),
		cmocka_unit_test(test_epoch_cookies_near_zero_and_wrap),
		cmocka_unit_test(test_optwalk_common_layouts),
		cmocka_unit_test(test_optwalk_edges),
		cmocka_unit_test(test_optwalk_to_cookie),
		cmocka_unit_test(test_forged_acks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
