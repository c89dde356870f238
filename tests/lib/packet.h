/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames for tests, built and checked by code that shares nothing with the
 * gate: its own header layout, its own RFC 1071 checksum.  The one frame
 * builder of the tests: the packet tests, the forgery test, rawsend and
 * bench/pktcost describe right frames with it, and the fuzzer's generator
 * (tests/fuzz/gen.c) gets any field wrong on purpose through the knobs at
 * the end of struct pkt_spec.
 */
#ifndef SGATE_TEST_PACKET_H
#define SGATE_TEST_PACKET_H

#include <stddef.h>
#include <stdint.h>

enum {
	TF_FIN = 0x01,
	TF_SYN = 0x02,
	TF_RST = 0x04,
	TF_PSH = 0x08,
	TF_ACK = 0x10,
	TF_ECE = 0x40,
	TF_CWR = 0x80,
	PKT_MAX = 512,		/* room for 256 bytes of IPv6 extension headers */
};

struct pkt_spec {
	int ipv6;
	int vlans;			/* 0 to 3 802.1Q tags */
	uint8_t smac[6], dmac[6];
	uint8_t saddr[16], daddr[16];	/* IPv4 uses the first 4 bytes */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	const uint8_t *opts;		/* TCP options, zero-padded to 4 */
	size_t optlen;
	const uint8_t *ipopts;		/* IPv4 options, a multiple of 4 */
	size_t ipoptlen;
	const uint8_t *ext;		/* IPv6 extension headers, chained */
	size_t extlen;
	uint8_t ext_first;		/* next-header value naming ext[0] */
	uint16_t frag;			/* IPv4 flags+offset field, host order */
	size_t paylen;			/* payload bytes: 0xa0, 0xa1, ... */
	uint8_t ttl;

	/* What pkt_default makes right, to be made wrong on purpose. */
	uint16_t tpid[3];		/* each tag's TPID: 0x8100 */
	uint16_t ethertype;		/* the family's */
	uint8_t proto;			/* IPv4 protocol, or IPv6's last next header: 6 */
	uint8_t ver_ihl;		/* IPv4's first byte; 0: 0x40 | its words */
	uint32_t ver_tc_flow;		/* IPv6's first word; 0: 0x60000000 */
	int totlen_delta;		/* added to the right IP length */
	int doff_words;			/* TCP data offset; 0: from optlen, 16: 0 */
	size_t trailer;			/* bytes after the IP datagram (padding) */
};

/* Where a built frame's headers are, and where its IP datagram ends. */
struct pkt_layout {
	size_t l3off, l4off, ip_end;
};

/* The MAC addresses of pkt_default()'s client and server. */
extern const uint8_t pkt_client_mac[6], pkt_server_mac[6];

/* A client SYN to a server: 10.0.0.1:40000 -> 10.0.0.2:80 (or fd00::1/2). */
void pkt_default(struct pkt_spec *s, int ipv6);
/* Returns the frame's length; buf must hold it (PKT_MAX for right frames). */
size_t pkt_build(const struct pkt_spec *s, uint8_t *buf);

/* Offsets of the headers in a built frame. */
size_t pkt_l3off(const struct pkt_spec *s);
void pkt_layout(const struct pkt_spec *s, struct pkt_layout *lay);

uint16_t csum_rfc1071(const uint8_t *p, size_t len, uint32_t initial);
/* One's complement sum over pseudo-header and segment: 0 when correct. */
int tcp_csum_ok(const uint8_t *l3, int ipv6, size_t seglen_from_l3);
int ipv4_csum_ok(const uint8_t *ip);

uint16_t get16(const uint8_t *p);
uint32_t get32(const uint8_t *p);
void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);

#endif
