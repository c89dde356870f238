/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The sgate DTLS cookie: one layout, one codec, used by the XDP program, the
 * tests and the server-side helpers.  Documentation/dtls.md explains what is
 * bound and why.
 *
 * The cookie is what a HelloVerifyRequest carries (RFC 6347 section 4.2.1)
 * and the client's second ClientHello returns, SGATE_DTLS_COOKIE_LEN bytes:
 *
 *   byte 0      header: layout version in bits 7..1, epoch id (epoch mod 2)
 *               in bit 0, as bit 31 of the TCP cookie (cookie.h)
 *   bytes 1..8  the 64-bit SipHash-2-4 of the MAC input, little-endian
 *
 * The MAC input binds both addresses and ports, the ClientHello's
 * client_version, random and session_id, the header byte and the epoch
 * number; the key is the master that governs the epoch (keyring.h).  The
 * epoch id names the current epoch or the one before it, as for TCP.
 */
#ifndef SGATE_DTLS_H
#define SGATE_DTLS_H

#include "types.h"
#include "siphash.h"
#include "keyring.h"
#include "cookie.h"

enum {
	SGATE_DTLS_COOKIE_VERSION = 1,	/* bumped by every change of layout */
	SGATE_DTLS_COOKIE_LEN = 9,
	SGATE_DTLS_MAC_LEN = 8,
	SGATE_DTLS_RANDOM_LEN = 32,
	SGATE_DTLS_SESSION_ID_MAX = 32,
	SGATE_DTLS_EPOCH_ID_MASK = 0x1,
	/* Input words: IPv4 11, IPv6 14 (Documentation/dtls.md). */
	SGATE_DTLS_MAC_WORDS_V4 = 11,
	SGATE_DTLS_MAC_WORDS_V6 = 14,
};

/*
 * How many of the MAC's bits a returned cookie must match: all 64.  A test
 * build of the gate may check fewer (-DSGATE_DTLS_MAC_BITS=8), so that
 * Documentation/robustness.md's forgery test sees forgeries pass at the
 * rate the width predicts; cookies are made and sent at full length.
 */
#ifndef SGATE_DTLS_MAC_BITS
#define SGATE_DTLS_MAC_BITS 64
#endif
#if SGATE_DTLS_MAC_BITS < 8 || SGATE_DTLS_MAC_BITS > 64
#error "SGATE_DTLS_MAC_BITS must be 8..64"
#endif
#define SGATE_DTLS_MAC_MASK                                                   \
	(SGATE_DTLS_MAC_BITS == 64 ? ~0ULL :                                  \
				     (1ULL << (SGATE_DTLS_MAC_BITS & 63)) - 1)

/*
 * Separates the DTLS MAC from the TCP cookie's under the same keys: the TCP
 * tag's bits 16..31 are zero, these are "DT".  (The input lengths differ as
 * well, and SipHash binds the length.)
 */
#define SGATE_DTLS_MAC_DOMAIN 0x54440000U

/* What the MAC binds of a ClientHello, as the bytes sit on the wire. */
struct sgate_dtls_hello {
	__u8 client_version[2];
	__u8 session_id_len;		/* 0..SGATE_DTLS_SESSION_ID_MAX */
	__u8 pad;
	__u8 random[SGATE_DTLS_RANDOM_LEN];
	__u8 session_id[SGATE_DTLS_SESSION_ID_MAX];	/* zero beyond its length */
};

/*
 * Module key mode: what the gate hands sgate.ko's DTLS cookie kfuncs.  The
 * module makes the cookie into @cookie, or checks the one there, under its
 * own key for the epoch it picks; key bytes never leave it.
 */
struct sgate_dtls_mac_req {
	struct sgate_flow flow;
	struct sgate_dtls_hello hello;
	__u8 cookie[SGATE_DTLS_COOKIE_LEN];
	__u8 pad[7];
};

static __always_inline __u8 sgate_dtls_cookie_header(__u64 epoch)
{
	return (__u8)(SGATE_DTLS_COOKIE_VERSION << 1 |
		      (epoch & SGATE_DTLS_EPOCH_ID_MASK));
}

static __always_inline __u64 sgate_dtls_load64(const __u8 *p)
{
	__u64 w;

	__builtin_memcpy(&w, p, sizeof(w));
	return w;
}

/* The words after the addresses: ports, hello, epoch; 10 of them. */
static __always_inline void
sgate_dtls_fill_words(__u64 *w, const struct sgate_flow *f,
		      const struct sgate_dtls_hello *h, __u64 epoch,
		      __u8 header)
{
	int i;

	w[0] = (__u64)f->sport | (__u64)f->dport << 16 |
	       (__u64)h->client_version[0] << 32 |
	       (__u64)h->client_version[1] << 40 |
	       (__u64)h->session_id_len << 48 | (__u64)header << 56;
SGATE_UNROLL
	for (i = 0; i < SGATE_DTLS_RANDOM_LEN / 8; i++)
		w[1 + i] = sgate_dtls_load64(h->random + 8 * i);
SGATE_UNROLL
	for (i = 0; i < SGATE_DTLS_SESSION_ID_MAX / 8; i++)
		w[5 + i] = sgate_dtls_load64(h->session_id + 8 * i);
	w[9] = (__u32)epoch | (__u64)SGATE_DTLS_MAC_DOMAIN << 32;
}

/*
 * SipHash-2-4 of the MAC input: on a little-endian host, SipHash of the
 * byte string saddr daddr sport dport client_version session_id_len header
 * random session_id(32, zero-padded) epoch(4, LE) domain(4, LE).
 */
static __always_inline __u64
sgate_dtls_cookie_hash(const struct sgate_siphash_key *key,
		       const struct sgate_flow *f,
		       const struct sgate_dtls_hello *h, __u64 epoch,
		       __u8 header)
{
	__u64 w[SGATE_DTLS_MAC_WORDS_V6];

	if (!f->ipv6) {
		w[0] = (__u64)f->saddr[0] | (__u64)f->daddr[0] << 32;
		sgate_dtls_fill_words(w + 1, f, h, epoch, header);
		return sgate_siphash_words(key, w, SGATE_DTLS_MAC_WORDS_V4);
	}
	w[0] = (__u64)f->saddr[0] | (__u64)f->saddr[1] << 32;
	w[1] = (__u64)f->saddr[2] | (__u64)f->saddr[3] << 32;
	w[2] = (__u64)f->daddr[0] | (__u64)f->daddr[1] << 32;
	w[3] = (__u64)f->daddr[2] | (__u64)f->daddr[3] << 32;
	sgate_dtls_fill_words(w + 4, f, h, epoch, header);
	return sgate_siphash_words(key, w, SGATE_DTLS_MAC_WORDS_V6);
}

/* A BPF program may route every DTLS hash through one function of its own. */
#ifndef SGATE_DTLS_HASH
#define SGATE_DTLS_HASH sgate_dtls_cookie_hash
#endif

/* The cookie for a ClientHello at @epoch, into @out. */
static __always_inline void
sgate_dtls_cookie_make(const struct sgate_siphash_key *key,
		       const struct sgate_flow *f,
		       const struct sgate_dtls_hello *h, __u64 epoch,
		       __u8 out[SGATE_DTLS_COOKIE_LEN])
{
	__u8 header = sgate_dtls_cookie_header(epoch);
	__u64 mac = SGATE_DTLS_HASH(key, f, h, epoch, header);

	out[0] = header;
	__builtin_memcpy(out + 1, &mac, SGATE_DTLS_MAC_LEN);
}

/*
 * enum sgate_cookie_verdict of a returned cookie of @len bytes: a cookie of
 * another length or layout version fails like a wrong MAC, one naming an
 * epoch without a key is STALE.  The RFC treats every one of them like no
 * cookie at all.
 */
static __always_inline int
sgate_dtls_cookie_check(const struct sgate_keyring *ring,
			const struct sgate_flow *f,
			const struct sgate_dtls_hello *h, const __u8 *cookie,
			__u32 len, __u64 now_epoch)
{
	const struct sgate_siphash_key *key;
	__u64 epoch, mac;
	__u8 header;

	if (len != SGATE_DTLS_COOKIE_LEN)
		return SGATE_COOKIE_BAD_MAC;
	header = cookie[0];
	if (header >> 1 != SGATE_DTLS_COOKIE_VERSION)
		return SGATE_COOKIE_BAD_MAC;
	/* One rule for both cookies: the TCP codec's, on the same bit. */
	if (!sgate_cookie_epoch((__u32)(header & SGATE_DTLS_EPOCH_ID_MASK)
					<< SGATE_COOKIE_EPOCH_SHIFT,
				now_epoch, &epoch))
		return SGATE_COOKIE_STALE;
	key = sgate_keyring_key_for(ring, epoch);
	if (!key)
		return SGATE_COOKIE_STALE;
	mac = SGATE_DTLS_HASH(key, f, h, epoch, header);
	if ((mac ^ sgate_dtls_load64(cookie + 1)) & SGATE_DTLS_MAC_MASK)
		return SGATE_COOKIE_BAD_MAC;
	return SGATE_COOKIE_VALID;
}

#endif /* SGATE_DTLS_H */
