/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The forged ACKs of the forgery-bound test, one definition for both
 * worlds: forge_driver.bpf.c writes them into the frame before each run of
 * the gate, and test_forgery.c replays the same sequence through the codec
 * to know exactly how many the gate must accept.
 *
 * Each ACK is the next value of a splitmix64 stream: every field that goes
 * into the MAC or the cookie (client ISN, cookie, source port, the low bits
 * of the source address, whether timestamps are present) changes with
 * every ACK, and no two ACKs of a stream are alike.
 */
#ifndef SGATE_FORGE_H
#define SGATE_FORGE_H

#include "sgate/types.h"

enum {
	FORGE_PORT = 80,		/* protected */
	/* Frame layout: Ethernet, IP (no options), TCP, 12 option bytes. */
	FORGE_L4_V4 = 14 + 20,
	FORGE_L4_V6 = 14 + 40,
	FORGE_TCP_LEN = 20 + 12,	/* data offset 5 or 8, see ts */
};

struct forge_ack {
	__u32 seq;		/* client ISN + 1 */
	__u32 ack;		/* cookie + 1 */
	__u32 saddr_low;	/* low 32 bits of the source address (IPv4: low 24) */
	__u16 sport;
	__u8 ts;		/* NOP NOP TS counted as options (data offset 8) */
};

static __always_inline __u64 forge_mix(__u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static __always_inline void forge_next(__u64 *state, struct forge_ack *a)
{
	__u64 z1 = forge_mix(*state += 0x9e3779b97f4a7c15ULL);
	__u64 z2 = forge_mix(*state += 0x9e3779b97f4a7c15ULL);

	a->seq = (__u32)(z1 >> 32);
	a->ack = (__u32)z1;
	a->sport = (__u16)z2;
	a->saddr_low = (__u32)(z2 >> 16);
	a->ts = (__u8)(z2 >> 63);
}

#endif
