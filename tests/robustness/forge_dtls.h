/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The forged ClientHellos of the DTLS forgery test, one definition for
 * both worlds: forge_dtls_driver.bpf.c writes them into the frame before
 * each run of the gate, test_forgery_dtls.c replays the same sequence
 * through the codec (forge_dtls_codec.c) to know how many the gate must
 * accept.
 *
 * Each is the next value of forge.h's splitmix64 stream, three draws: the
 * cookie's MAC, the cookie's epoch id, the source port, the low bits of the
 * source address and eight bytes of the ClientHello's random change with
 * every one.
 */
#ifndef SGATE_FORGE_DTLS_H
#define SGATE_FORGE_DTLS_H

#include "forge.h"

enum {
	FORGE_DTLS_PORT = 4433,		/* protected, a UDP socket bound */
	/* From the UDP header: record 13, handshake 12, then the body. */
	FORGE_DTLS_BODY = 8 + 13 + 12,
	FORGE_DTLS_RANDOM = FORGE_DTLS_BODY + 2,
	/* session_id empty: its length byte, the cookie's, the cookie */
	FORGE_DTLS_COOKIE = FORGE_DTLS_BODY + 2 + 32 + 1 + 1,
	FORGE_DTLS_COOKIE_LEN = 9,
	/* cipher_suites, compression, supported_versions naming 1.3 alone */
	FORGE_DTLS_TAIL = 4 + 2 + 2 + 7,
	FORGE_DTLS_UDP_LEN = FORGE_DTLS_COOKIE + FORGE_DTLS_COOKIE_LEN +
			     FORGE_DTLS_TAIL,
};

struct forge_hello {
	__u64 mac;		/* the cookie's bytes 1..8, little-endian */
	__u8 epoch_id;		/* the cookie header's bit 0 */
	__u16 sport;
	__u32 saddr_low;	/* low 32 bits of the source address (IPv4: low 24) */
	__u64 random;		/* the random's first eight bytes, little-endian */
};

static __always_inline void forge_dtls_next(__u64 *state,
					    struct forge_hello *h)
{
	__u64 z1 = forge_mix(*state += 0x9e3779b97f4a7c15ULL);
	__u64 z2 = forge_mix(*state += 0x9e3779b97f4a7c15ULL);
	__u64 z3 = forge_mix(*state += 0x9e3779b97f4a7c15ULL);

	h->mac = z1;
	h->sport = (__u16)z2;
	h->saddr_low = (__u32)(z2 >> 16);
	h->epoch_id = (__u8)(z2 >> 63);
	h->random = z3;
}

#endif
