// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The DTLS cookie codec (include/sgate/dtls.h): the MAC input byte for byte
 * against libsodium over the string Documentation/dtls.md spells, round
 * trips, the epoch window, and rejection of every other length, layout
 * version and MAC.  Random inputs come from a fixed-seed PRNG; the checks
 * that a changed input fails hold except with probability 2^-64 each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "sgate/dtls.h"
#include "../lib/rng.h"

static struct rng rng;

static void random_bytes(void *p, size_t n)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)rng_u64(&rng);
}

static void random_input(struct sgate_siphash_key *key, struct sgate_flow *f,
			 struct sgate_dtls_hello *h, int ipv6)
{
	random_bytes(key, sizeof(*key));
	memset(f, 0, sizeof(*f));
	f->ipv6 = (__u8)ipv6;
	random_bytes(f->saddr, ipv6 ? 16 : 4);
	random_bytes(f->daddr, ipv6 ? 16 : 4);
	random_bytes(&f->sport, 2);
	random_bytes(&f->dport, 2);
	memset(h, 0, sizeof(*h));
	random_bytes(h->client_version, 2);
	random_bytes(h->random, sizeof(h->random));
	h->session_id_len = (__u8)rng_below(&rng, SGATE_DTLS_SESSION_ID_MAX + 1);
	random_bytes(h->session_id, h->session_id_len);
}

/* The byte string of Documentation/dtls.md, hashed by libsodium. */
static uint64_t doc_hash(const struct sgate_siphash_key *key,
			 const struct sgate_flow *f,
			 const struct sgate_dtls_hello *h, uint64_t epoch,
			 uint8_t header)
{
	uint8_t in[112] = {}, out[8];
	size_t alen = f->ipv6 ? 16 : 4, n;
	uint64_t v = 0;
	int i;

	memcpy(in, f->saddr, alen);
	memcpy(in + alen, f->daddr, alen);
	n = 2 * alen;
	memcpy(in + n, &f->sport, 2);
	memcpy(in + n + 2, &f->dport, 2);
	memcpy(in + n + 4, h->client_version, 2);
	in[n + 6] = h->session_id_len;
	in[n + 7] = header;
	memcpy(in + n + 8, h->random, 32);
	memcpy(in + n + 40, h->session_id, h->session_id_len);
	n += 72;
	for (i = 0; i < 4; i++)
		in[n + i] = (uint8_t)(epoch >> (8 * i));
	memcpy(in + n + 4, "\0\0DT", 4);
	n += 8;
	crypto_shorthash_siphash24(out, in, n, (const uint8_t *)key->k);
	for (i = 7; i >= 0; i--)
		v = v << 8 | out[i];
	return v;
}

static void test_mac_input_layout(void **state)
{
	struct sgate_siphash_key key;
	struct sgate_dtls_hello h;
	struct sgate_flow f;
	uint8_t cookie[SGATE_DTLS_COOKIE_LEN];
	uint64_t epoch, mac;
	int i;

	(void)state;
	rng.s = 0xd71500;
	for (i = 0; i < 2000; i++) {
		random_input(&key, &f, &h, i & 1);
		epoch = rng_u64(&rng) >> rng_below(&rng, 64);
		sgate_dtls_cookie_make(&key, &f, &h, epoch, cookie);
		assert_int_equal(cookie[0], 1 << 1 | (epoch & 1));
		mac = doc_hash(&key, &f, &h, epoch, cookie[0]);
		assert_memory_equal(cookie + 1, &mac, 8);
	}
}

static void one_key_ring(struct sgate_keyring *ring,
			 const struct sgate_siphash_key *key)
{
	sgate_keyring_init(ring, key, 1);
}

static void test_epoch_window(void **state)
{
	struct sgate_siphash_key key;
	struct sgate_dtls_hello h;
	struct sgate_keyring ring;
	struct sgate_flow f;
	uint8_t c[SGATE_DTLS_COOKIE_LEN];
	uint64_t e;
	int i;

	(void)state;
	rng.s = 0xd71501;
	for (i = 0; i < 200; i++) {
		random_input(&key, &f, &h, i & 1);
		one_key_ring(&ring, &key);
		e = 2 + rng_below(&rng, 1000000);
		sgate_dtls_cookie_make(&key, &f, &h, e, c);
		assert_int_equal(sgate_dtls_cookie_check(&ring, &f, &h, c, 9, e),
				 SGATE_COOKIE_VALID);
		assert_int_equal(sgate_dtls_cookie_check(&ring, &f, &h, c, 9, e + 1),
				 SGATE_COOKIE_VALID);
		assert_int_equal(sgate_dtls_cookie_check(&ring, &f, &h, c, 9, e + 2),
				 SGATE_COOKIE_BAD_MAC);
		assert_int_equal(sgate_dtls_cookie_check(&ring, &f, &h, c, 9, e - 1),
				 SGATE_COOKIE_BAD_MAC);
	}
	/* Epoch 0 has no epoch before it; a ring without a key has none. */
	sgate_dtls_cookie_make(&key, &f, &h, 1, c);
	assert_int_equal(sgate_dtls_cookie_check(&ring, &f, &h, c, 9, 0),
			 SGATE_COOKIE_STALE);
	sgate_keyring_init(&ring, NULL, 1);
	assert_int_equal(sgate_dtls_cookie_check(&ring, &f, &h, c, 9, 1),
			 SGATE_COOKIE_STALE);
}

static void test_rejects_other_cookies(void **state)
{
	struct sgate_siphash_key key;
	struct sgate_dtls_hello h, g;
	struct sgate_keyring ring;
	struct sgate_flow f, o;
	uint8_t c[SGATE_DTLS_COOKIE_LEN + 1] = {}, x[SGATE_DTLS_COOKIE_LEN + 1];
	unsigned bit, len;
	uint64_t e = 77;

	(void)state;
	rng.s = 0xd71502;
	random_input(&key, &f, &h, 1);
	one_key_ring(&ring, &key);
	sgate_dtls_cookie_make(&key, &f, &h, e, c);
	/* Every bit but the epoch id: a MAC bit or the layout version. */
	for (bit = 1; bit < 8 * SGATE_DTLS_COOKIE_LEN; bit++) {
		memcpy(x, c, sizeof(x));
		x[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		assert_int_equal(sgate_dtls_cookie_check(&ring, &f, &h, x, 9, e),
				 SGATE_COOKIE_BAD_MAC);
	}
	for (len = 0; len <= SGATE_DTLS_COOKIE_LEN + 1; len++)
		if (len != SGATE_DTLS_COOKIE_LEN)
			assert_int_equal(sgate_dtls_cookie_check(&ring, &f, &h, c,
								 len, e),
					 SGATE_COOKIE_BAD_MAC);
	/* Each bound field. */
	g = h;
	g.random[0] ^= 1;
	assert_int_equal(sgate_dtls_cookie_check(&ring, &f, &g, c, 9, e), SGATE_COOKIE_BAD_MAC);
	g = h;
	g.client_version[1] ^= 1;
	assert_int_equal(sgate_dtls_cookie_check(&ring, &f, &g, c, 9, e), SGATE_COOKIE_BAD_MAC);
	g = h;
	g.session_id_len = (__u8)((h.session_id_len + 1) % 33);
	assert_int_equal(sgate_dtls_cookie_check(&ring, &f, &g, c, 9, e), SGATE_COOKIE_BAD_MAC);
	g = h;
	g.session_id[31] ^= 0x80;
	assert_int_equal(sgate_dtls_cookie_check(&ring, &f, &g, c, 9, e), SGATE_COOKIE_BAD_MAC);
	o = f;
	o.saddr[3] ^= 1;
	assert_int_equal(sgate_dtls_cookie_check(&ring, &o, &h, c, 9, e), SGATE_COOKIE_BAD_MAC);
	o = f;
	o.daddr[0] ^= 1;
	assert_int_equal(sgate_dtls_cookie_check(&ring, &o, &h, c, 9, e), SGATE_COOKIE_BAD_MAC);
	o = f;
	o.sport ^= 1;
	assert_int_equal(sgate_dtls_cookie_check(&ring, &o, &h, c, 9, e), SGATE_COOKIE_BAD_MAC);
	o = f;
	o.dport ^= 1;
	assert_int_equal(sgate_dtls_cookie_check(&ring, &o, &h, c, 9, e), SGATE_COOKIE_BAD_MAC);
	o = f;
	o.ipv6 = 0;	/* the family: IPv4 reads saddr[0] and daddr[0] only */
	assert_int_equal(sgate_dtls_cookie_check(&ring, &o, &h, c, 9, e), SGATE_COOKIE_BAD_MAC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mac_input_layout),
		cmocka_unit_test(test_epoch_window),
		cmocka_unit_test(test_rejects_other_cookies),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("dtls cookie codec", tests, NULL,
					   NULL);
}
