/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A frame as the Linux stack would read it, with no limit of the gate's:
 * any number of 802.1Q/802.1ad tags, an IPv6 extension chain of any length
 * (hop-by-hop, routing, destination options, fragment, authentication),
 * IPv4 and IPv6 fragments.  It says what the frame could carry (a TCP
 * segment or a UDP datagram, its ports, whether a TCP header is whole) and leaves to its callers what
 * the gate makes of that: the reference model (xdp_model.c) adds the gate's
 * documented limits, the fuzzer's rule invariant (tests/fuzz/invariants.c)
 * asks whether the stack would deliver it to a listener.
 *
 * Like the model, it shares no code with the program or with the tests'
 * frame builder, so a mistake in either shows up instead of being copied.
 */
#ifndef SGATE_KERNEL_VIEW_H
#define SGATE_KERNEL_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The flow as the stack would look it up: client to server, wire order. */
struct model_tuple {
	int ipv6;
	uint8_t saddr[16], daddr[16];	/* IPv4: first 4 bytes */
	uint8_t sport[2], dport[2];	/* as on the wire */
};

enum kv_class {
	KV_NOT_IP,		/* shorter than Ethernet, a tag cut short, not IP */
	KV_MALFORMED,		/* an IP or IPv6 extension header the stack drops */
	KV_NOT_TCP,		/* the final protocol is not TCP */
	KV_LATER_FRAGMENT,	/* a fragment past offset 0: no ports in it */
	KV_TCP,			/* TCP, or the first fragment of TCP */
	KV_UDP,			/* UDP, or its first fragment: ports as for TCP */
};

struct kernel_view {
	enum kv_class cls;
	unsigned tpids;		/* VLAN TPIDs met, a tag cut short included */
	size_t l3off;
	int ipv6;
	/* IPv6 extension headers met, the one the walk stopped in included. */
	unsigned ext_headers;
	bool first_fragment;	/* MF with offset 0, or any IPv6 M bit */
	size_t l4off;
	/* End of the IP payload; 0 when the IP length does not fit the frame. */
	size_t ip_end;
	/* IPv4's protocol is UDP (a later fragment's too), or IPv6's last header. */
	bool udp;
	bool ports;		/* both ports in the frame and the IP payload */
	bool tcp_whole;		/* header in the IP payload, data offset sane */
	unsigned flags;		/* TCP flags byte (tcp_whole) */
	size_t doff;		/* TCP header length (tcp_whole) */
	struct model_tuple t;	/* addresses once IP parsed, ports if ports */
};

void kernel_view(const uint8_t *frame, size_t len, struct kernel_view *kv);

/* IPv4 224/4 and up, IPv6 ff00::/8: never a TCP socket's address. */
bool kv_multicast_dest(const struct model_tuple *t);

#endif
