// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sgate_siphash_words() against two independent references:
 *
 *  - the SipHash-2-4 reference vectors of the SipHash paper (Aumasson and
 *    Bernstein, appendix A; vectors.h of the reference implementation): key
 *    00 01 .. 0f, message 00 01 02 .. of length 0..63.  The codec only hashes
 *    whole 64-bit words, so the lengths that are multiples of 8 (0, 8, .., 56)
 *    are the ones it can reproduce.  The table below is kept as data of its
 *    own; a second test checks that libsodium agrees with it, so a typo in the
 *    table cannot hide behind the oracle or the other way round.
 *
 *  - libsodium's crypto_shorthash_siphash24() over the byte string the words
 *    spell in little-endian order, for many random keys and messages of 0..6
 *    words (a fixed-seed PRNG, so every run checks the same inputs).
 *
 * A last test pins the MAC input of sgate_cookie_mac() byte for byte, as
 * Documentation/cookie-format.md describes it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "sgate/siphash.h"
#include "sgate/cookie.h"
#include "../lib/rng.h"

/* One stream per file, reseeded by each test that draws from it. */
static struct rng rng;

#define RANDOM_ITERATIONS 200000

/* SipHash-2-4 reference outputs (64-bit), message lengths 0, 8, .., 56. */
static const uint8_t ref_vectors[8][8] = {
	{ 0x31, 0x0e, 0x0e, 0xdd, 0x47, 0xdb, 0x6f, 0x72 },	/*  0 bytes */
	{ 0x62, 0x24, 0x93, 0x9a, 0x79, 0xf5, 0xf5, 0x93 },	/*  8 bytes */
	{ 0xdb, 0x9b, 0xc2, 0x57, 0x7f, 0xcc, 0x2a, 0x3f },	/* 16 bytes */
	{ 0x94, 0xaf, 0x49, 0xf6, 0xc6, 0x50, 0xad, 0xb8 },	/* 24 bytes */
	{ 0xce, 0x7c, 0xf2, 0x72, 0x2f, 0x51, 0x27, 0x71 },	/* 32 bytes */
	{ 0xd0, 0xa7, 0x04, 0x53, 0x6b, 0xa9, 0x3e, 0x0e },	/* 40 bytes */
	{ 0x51, 0xa9, 0xcb, 0x9e, 0xcb, 0xa3, 0x12, 0xe6 },	/* 48 bytes */
	{ 0xbd, 0x83, 0x8d, 0x3a, 0xaf, 0xbf, 0x8d, 0xb7 },	/* 56 bytes */
};


/* Endian-independent conversions between bytes and little-endian words. */
static uint64_t load_le64(const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static void store_le64(uint8_t *b, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

/*
 * Every call site passes a constant word count (the header asks for it, and
 * clang warns when it cannot unroll the loop); call it the same way here.
 */
static uint64_t sip_words_const(const struct sgate_siphash_key *k,
				const __u64 *w, int n)
{
	switch (n) {
	case 0: return sgate_siphash_words(k, w, 0);
	case 1: return sgate_siphash_words(k, w, 1);
	case 2: return sgate_siphash_words(k, w, 2);
	case 3: return sgate_siphash_words(k, w, 3);
	case 4: return sgate_siphash_words(k, w, 4);
	case 5: return sgate_siphash_words(k, w, 5);
	case 6: return sgate_siphash_words(k, w, 6);
	case 7: return sgate_siphash_words(k, w, 7);
	default: fail_msg("word count %d not covered", n);
	}
	return 0;
}

static uint64_t sodium_siphash(const uint8_t key[16], const uint8_t *msg,
			       size_t len)
{
	uint8_t out[crypto_shorthash_siphash24_BYTES];

	assert_int_equal(crypto_shorthash_siphash24(out, msg, len, key), 0);
	return load_le64(out);
}

static void ref_key_msg(uint8_t key[16], uint8_t msg[64])
{
	int i;

	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
}

/* The codec reproduces the paper's vectors. */
static void test_reference_vectors(void **state)
{
	struct sgate_siphash_key k;
	uint8_t key[16], msg[64];
	__u64 w[7];
	int n, i;

	(void)state;
	ref_key_msg(key, msg);
	k.k[0] = load_le64(key);
	k.k[1] = load_le64(key + 8);
	assert_true(k.k[0] == 0x0706050403020100ULL);
	assert_true(k.k[1] == 0x0f0e0d0c0b0a0908ULL);
	for (n = 0; n < 8; n++) {
		uint64_t want = load_le64(ref_vectors[n]);

		for (i = 0; i < n; i++)
			w[i] = load_le64(msg + 8 * i);
		if (sip_words_const(&k, w, n) != want)
			fail_msg("reference vector for %d bytes: got %016llx, want %016llx",
				 8 * n,
				 (unsigned long long)sip_words_const(&k, w, n),
				 (unsigned long long)want);
	}
}

/* The table above is what libsodium computes too (checks the table). */
static void test_reference_vectors_match_libsodium(void **state)
{
	uint8_t key[16], msg[64];
	int n;

	(void)state;
	ref_key_msg(key, msg);
	for (n = 0; n < 8; n++) {
		uint64_t got = sodium_siphash(key, msg, 8 * (size_t)n);

		if (got != load_le64(ref_vectors[n]))
			fail_msg("table entry for %d bytes disagrees with libsodium (%016llx)",
				 8 * n, (unsigned long long)got);
	}
}

/* Random keys and messages of 0..6 words against libsodium. */
static void test_random_against_libsodium(void **state)
{
	struct sgate_siphash_key k;
	uint8_t key[16], msg[8 * 7];
	__u64 w[7];
	long it;
	int n, i;

	(void)state;
	rng.s = 0x5167a7e5eedULL;
	for (it = 0; it < RANDOM_ITERATIONS; it++) {
		uint64_t want, got;

		n = (int)(it % 7);	/* 0..6 words, evenly */
		k.k[0] = rng_u64(&rng);
		k.k[1] = rng_u64(&rng);
		store_le64(key, k.k[0]);
		store_le64(key + 8, k.k[1]);
		for (i = 0; i < n; i++) {
			w[i] = rng_u64(&rng);
			store_le64(msg + 8 * i, w[i]);
		}
		want = sodium_siphash(key, msg, 8 * (size_t)n);
		got = sip_words_const(&k, w, n);
		if (got != want)
			fail_msg("iteration %ld (%d words): got %016llx, libsodium %016llx",
				 it, n, (unsigned long long)got,
				 (unsigned long long)want);
	}
}

/* Structured inputs a PRNG rarely produces: all-zero, all-ones, one bit. */
static void test_edge_inputs_against_libsodium(void **state)
{
	struct sgate_siphash_key k;
	uint8_t key[16], msg[48];
	__u64 w[6];
	int bit, n, i;

	(void)state;
	for (n = 1; n <= 6; n++) {
		for (bit = -2; bit < 64 * n; bit++) {
			for (i = 0; i < n; i++)
				w[i] = bit == -1 ? ~0ULL : 0;
			if (bit >= 0)
				w[bit / 64] = 1ULL << (bit % 64);
			k.k[0] = bit == -1 ? ~0ULL : 0;
			k.k[1] = (uint64_t)bit * 0x0101010101010101ULL;
			store_le64(key, k.k[0]);
			store_le64(key + 8, k.k[1]);
			for (i = 0; i < n; i++)
				store_le64(msg + 8 * i, w[i]);
			assert_true(sip_words_const(&k, w, n) ==
				    sodium_siphash(key, msg, 8 * (size_t)n));
		}
	}
}

/*
 * The MAC input, byte for byte, as the document states it (on a
 * little-endian host, where a network-order field loaded into a __u32 and
 * stored back little-endian gives the wire bytes again):
 *   IPv4 (24 bytes): saddr[4] daddr[4] sport[2] dport[2] isn_le[4]
 *                    epoch_le32[4] tag_le[4]
 *   IPv6 (48 bytes): saddr[16] daddr[16] sport[2] dport[2] isn_le[4]
 *                    epoch_le32[4] tag_le[4]
 * and the MAC is the low 25 bits of the SipHash-2-4 output.
 */
static void test_cookie_mac_input_layout(void **state)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	(void)state;
	skip();
#else
	struct sgate_siphash_key k;
	struct sgate_flow f;
	uint8_t key[16], msg[48], wire_s[16], wire_d[16], wire_p[4];
	int it, fam;

	(void)state;
	rng.s = 0xc00c1e;
	for (it = 0; it < 20000; it++) {
		__u32 isn = (__u32)rng_u64(&rng), tag = (__u32)rng_u64(&rng) & 0xffff;
		__u64 epoch = rng_u64(&rng);
		size_t len = 0;
		uint64_t r;
		int i;

		fam = it & 1;
		k.k[0] = rng_u64(&rng);
		k.k[1] = rng_u64(&rng);
		store_le64(key, k.k[0]);
		store_le64(key + 8, k.k[1]);
		for (i = 0; i < 16; i++) {
			wire_s[i] = (uint8_t)rng_u64(&rng);
			wire_d[i] = (uint8_t)rng_u64(&rng);
		}
		r = rng_u64(&rng);
		memcpy(wire_p, &r, 4);
		/* The flow as the BPF program fills it: copied from the wire. */
		memset(&f, 0, sizeof(f));
		memcpy(f.saddr, wire_s, fam ? 16 : 4);
		memcpy(f.daddr, wire_d, fam ? 16 : 4);
		memcpy(&f.sport, wire_p, 2);
		memcpy(&f.dport, wire_p + 2, 2);
		f.ipv6 = (__u8)fam;

		memcpy(msg + len, wire_s, fam ? 16 : 4);
		len += fam ? 16 : 4;
		memcpy(msg + len, wire_d, fam ? 16 : 4);
		len += fam ? 16 : 4;
		memcpy(msg + len, wire_p, 4);
		len += 4;
		for (i = 0; i < 4; i++)
			msg[len++] = (uint8_t)(isn >> (8 * i));
		for (i = 0; i < 4; i++)	/* the epoch's low 32 bits only */
			msg[len++] = (uint8_t)(epoch >> (8 * i));
		for (i = 0; i < 4; i++)
			msg[len++] = (uint8_t)(tag >> (8 * i));
		assert_int_equal(len, fam ? 48 : 24);
		assert_int_equal(sgate_cookie_mac(&k, &f, isn, epoch, tag),
				 sodium_siphash(key, msg, len) & 0x1ffffff);
	}
#endif
}

/* The tag: option bits 0..5, ts_ok bit 6, family bit 7, version 8..15. */
static void test_cookie_tag_layout(void **state)
{
	__u32 opt;

	(void)state;
	for (opt = 0; opt < 256; opt++) {
		assert_int_equal(sgate_cookie_tag(opt, 0, 0), (opt & 0x3f) | 0x200);
		assert_int_equal(sgate_cookie_tag(opt, 1, 0),
				 (opt & 0x3f) | 0x40 | 0x200);
		assert_int_equal(sgate_cookie_tag(opt, 7, 9),
				 (opt & 0x3f) | 0xc0 | 0x200);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_vectors),
		cmocka_unit_test(test_reference_vectors_match_libsodium),
		cmocka_unit_test(test_random_against_libsodium),
		cmocka_unit_test(test_edge_inputs_against_libsodium),
		cmocka_unit_test(test_cookie_mac_input_layout),
		cmocka_unit_test(test_cookie_tag_layout),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
