/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DTLS ClientHellos and the UDP frames around them, for tests and
 * benchmarks, written byte by byte with nothing shared with the gate (the
 * DTLS packet tests, bench/pktcost).  Checksums by tests/lib/packet.c.
 */
#ifndef SGATE_TEST_DTLS_HELLO_H
#define SGATE_TEST_DTLS_HELLO_H

#include <stddef.h>
#include <stdint.h>

enum {
	HELLO_DPORT = 4433,		/* hello_default()'s destination port */
	HELLO_FRAME_MAX = 1600,		/* what a frame buffer must hold */
};

/* A ClientHello, and the frame around it. */
struct hello {
	int ipv6;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	uint8_t ipopts_words;		/* IPv4 options, in 4-byte words */
	uint16_t ip_frag;		/* IPv4 flags and offset */
	size_t trailer;			/* Ethernet padding after the datagram */
	/* the record */
	uint8_t content_type;		/* 22 */
	uint16_t record_version;	/* 0xfeff */
	uint16_t epoch;
	uint8_t seq[6];
	/* the handshake header */
	uint8_t msg_type;		/* 1 */
	uint16_t message_seq;
	int frag_offset;		/* 0 */
	int frag_len_delta;		/* fragment_length - length */
	/* the ClientHello */
	uint16_t client_version;	/* 0xfefd */
	uint8_t random[32];
	uint8_t sid_len;
	uint8_t sid[32];
	uint8_t cookie_len;
	uint8_t cookie[255];
	size_t extensions;		/* bytes of an opaque extension block */
	const uint8_t *ext;		/* or these extensions */
	size_t ext_len;
	int record_len_delta;
};

/* A ClientHello without cookie, 10.0.0.1:40000 -> 10.0.0.2:4433 (or fd00::1/2). */
void hello_default(struct hello *h, int ipv6);
/* The UDP payload: one record holding the ClientHello; its length. */
size_t hello_payload(const struct hello *h, uint8_t *p);
/* The UDP pseudo-header's sum. */
uint32_t pseudo_udp(const uint8_t *src, const uint8_t *dst, int ipv6,
		    size_t len);
/*
 * Ethernet (pkt_default()'s MACs), IPv4 or IPv6 with h's addresses, UDP with
 * its checksum, then @pl; f must hold HELLO_FRAME_MAX.  Returns the length.
 */
size_t udp_frame(const struct hello *h, const uint8_t *pl, size_t plen,
		 uint8_t *f);
/* udp_frame() of hello_payload(). */
size_t hello_frame(const struct hello *h, uint8_t *f);

#endif
