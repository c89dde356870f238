/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wire as the gate's programs read and write it: header sizes, field
 * values, the 32-bit TCP option words of the layouts the fast paths match and
 * the SYN-ACK carries, and the checksum fold.  vmlinux.h has the header
 * structs but none of the kernel's #define'd constants.
 */
#ifndef SGATE_BPF_WIRE_H
#define SGATE_BPF_WIRE_H

#include "sgate/tcpopt.h"

enum {
	ETH_ALEN = 6,
	ETH_HLEN = 14,
	ETH_P_IP = 0x0800,
	ETH_P_IPV6 = 0x86dd,
	ETH_P_8021Q = 0x8100,
	ETH_P_8021AD = 0x88a8,
	VLAN_HLEN = 4,
	VLAN_MAX_DEPTH = 2,
	PACKET_HOST_NR = 0,		/* skb->pkt_type: sent to us */

	IPPROTO_TCP_NR = 6,
	IPPROTO_UDP_NR = 17,
	UDP_HLEN = 8,
	IP_MF = 0x2000,
	IP_OFFSET = 0x1fff,
	IP_DF = 0x4000,
	IPV4_HLEN = 20,
	IPV6_HLEN = 40,
	NEXTHDR_HOP = 0,
	NEXTHDR_ROUTING = 43,
	NEXTHDR_FRAGMENT = 44,
	NEXTHDR_DEST = 60,
	NEXTHDR_AUTH = 51,
	IPV6_FRAG_HLEN = 8,
	IPV6_FRAG_OFFSET = 0xfff8,	/* fragment offset, in 8-octet units << 3 */
	IPV6_FRAG_MORE = 0x0001,

	TCP_HLEN = 20,
	TCP_MAX_HLEN = 60,
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_ACK = 0x10,
	TCP_ECE = 0x40,
	TCP_CWR = 0x80,
	TCP_FLAGS_BYTE = 13,		/* offset of the flags in the header */
};

/* The first word of every IPv4 header we send (version 4, IHL 5, TOS 0). */
#define IPV4_VER_IHL_WORD	(0x45U << 24)
/* The first word of every IPv6 header we send (version 6, class/flow 0). */
#define IPV6_VERSION_WORD	(6U << 28)

#define TCPOPT_WORD(a, b, c, d)	((__u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))

enum {
	/* Option lengths, as the kind's length byte says. */
	TCPOLEN_MSS = 4,
	TCPOLEN_WSCALE = 3,
	TCPOLEN_SACK_PERM = 2,
	TCPOLEN_TIMESTAMP = 10,
	/* What each option takes in a header padded the way Linux pads it. */
	TCPOLEN_MSS_ALIGNED = 4,
	TCPOLEN_TS_ALIGNED = 12,	/* NOP NOP TS, or SACK-permitted + TS */
	TCPOLEN_SACK_PERM_ALIGNED = 4,	/* NOP NOP SACK-permitted */
	TCPOLEN_WSCALE_ALIGNED = 4,	/* NOP WS */
};

/* MSS kind and length; the value fills the low 16 bits. */
#define TCPOPT_MSS_WORD \
	TCPOPT_WORD(SGATE_TCPOPT_MSS, TCPOLEN_MSS, 0, 0)
#define TCPOPT_SACK_PERM_TS_WORD \
	TCPOPT_WORD(SGATE_TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM, \
		    SGATE_TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP)
#define TCPOPT_NOP_NOP_TS_WORD \
	TCPOPT_WORD(SGATE_TCPOPT_NOP, SGATE_TCPOPT_NOP, \
		    SGATE_TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP)
#define TCPOPT_NOP_NOP_SACK_PERM_WORD \
	TCPOPT_WORD(SGATE_TCPOPT_NOP, SGATE_TCPOPT_NOP, \
		    SGATE_TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM)
/* NOP and window scale kind and length; the shift fills the low byte. */
#define TCPOPT_NOP_WSCALE_WORD \
	TCPOPT_WORD(SGATE_TCPOPT_NOP, SGATE_TCPOPT_WSCALE, TCPOLEN_WSCALE, 0)

/* Fold a 64-bit one's complement sum of big-endian words to 16 bits. */
static __always_inline __u16 csum_fold64(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

#endif /* SGATE_BPF_WIRE_H */
