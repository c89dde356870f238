/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * SipHash-2-4 over whole 64-bit words, shared by the BPF programs, the
 * kernel module and the user-space tests.
 *
 * Why not a library: BPF programs cannot call one, and the module must
 * produce bit-identical MACs to the BPF programs from the same code.  The
 * input is always a whole number of little-endian 64-bit words, so this is
 * exactly SipHash-2-4 of the 8*n byte string those words spell in
 * little-endian order; tests check it against libsodium's
 * crypto_shorthash_siphash24() and the reference vectors.
 */
#ifndef SGATE_SIPHASH_H
#define SGATE_SIPHASH_H

#include "types.h"

struct sgate_siphash_key {
	__u64 k[2];
};

#define SGATE_ROTL64(x, b) (__u64)(((x) << (b)) | ((x) >> (64 - (b))))

#define SGATE_SIPROUND(v0, v1, v2, v3)			\
	do {						\
		v0 += v1;				\
		v1 = SGATE_ROTL64(v1, 13);		\
		v1 ^= v0;				\
		v0 = SGATE_ROTL64(v0, 32);		\
		v2 += v3;				\
		v3 = SGATE_ROTL64(v3, 16);		\
		v3 ^= v2;				\
		v0 += v3;				\
		v3 = SGATE_ROTL64(v3, 21);		\
		v3 ^= v0;				\
		v2 += v1;				\
		v1 = SGATE_ROTL64(v1, 17);		\
		v1 ^= v2;				\
		v2 = SGATE_ROTL64(v2, 32);		\
	} while (0)

/*
 * @nwords is a compile-time constant at every call site, so the loop
 * unrolls; in BPF that keeps the verifier's work linear and small.
 */
static __always_inline __u64
sgate_siphash_words(const struct sgate_siphash_key *key, const __u64 *w,
		    const int nwords)
{
	__u64 v0 = 0x736f6d6570736575ULL ^ key->k[0];
	__u64 v1 = 0x646f72616e646f6dULL ^ key->k[1];
	__u64 v2 = 0x6c7967656e657261ULL ^ key->k[0];
	__u64 v3 = 0x7465646279746573ULL ^ key->k[1];
	__u64 last = (__u64)(nwords * 8) << 56;
	int i;

SGATE_UNROLL
	for (i = 0; i < nwords; i++) {
		v3 ^= w[i];
		SGATE_SIPROUND(v0, v1, v2, v3);
		SGATE_SIPROUND(v0, v1, v2, v3);
		v0 ^= w[i];
	}
	v3 ^= last;
	SGATE_SIPROUND(v0, v1, v2, v3);
	SGATE_SIPROUND(v0, v1, v2, v3);
	v0 ^= last;
	v2 ^= 0xff;
	SGATE_SIPROUND(v0, v1, v2, v3);
	SGATE_SIPROUND(v0, v1, v2, v3);
	SGATE_SIPROUND(v0, v1, v2, v3);
	SGATE_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

#endif /* SGATE_SIPHASH_H */
