/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reference model of the gate's XDP decision, written from
 * Documentation/datapath.md for clarity, not speed.
 *
 * It shares only the cookie codecs with the gate (include/sgate/cookie.h:
 * option encoding, the MAC, the key ring, epoch ids; include/sgate/dtls.h:
 * the DTLS cookie).  Everything else --
 * walking Ethernet, VLAN tags, IPv4, IPv6 and its extension headers, TCP and
 * its options, UDP and a DTLS ClientHello, and building the SYN-ACK and the
 * HelloVerifyRequest with their checksums -- is this
 * model's own, so a mistake in the program's parser or reply builder shows
 * up as a disagreement instead of being copied.  For the same reason it
 * shares nothing with the tests' frame code either (tests/lib/packet.c):
 * its checksum and header walks repeat work done elsewhere on purpose, and
 * must stay independent.
 *
 * It does not copy the program's list of what to pass: it reads the frame
 * as the stack would (kernel_view.h, no limit on VLAN tags or IPv6
 * extension headers), and derives the verdict from the document's rule (a
 * frame that could be TCP to a protected port of this host is judged, or
 * dropped when the gate cannot see far enough into it) and the limits the
 * document gives the gate (two VLAN tags, eight IPv6 extension headers).
 *
 * Given a frame and everything the program reads besides the frame (the
 * configuration map, the live key ring, the clock, the room the driver gives
 * for metadata and for growing the frame, the host's addresses and
 * listeners, which 4-tuples the stack owns and which the gate saw
 * established lately) it returns the verdict, the counter that moves, the
 * frame as the program leaves it and, for a verified final ACK, the
 * metadata in front of it.
 */
#ifndef SGATE_XDP_MODEL_H
#define SGATE_XDP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sgate/abi.h"
#include "kernel_view.h"

enum {
	MODEL_XDP_ABORTED = 0,
	MODEL_XDP_DROP = 1,
	MODEL_XDP_PASS = 2,
	MODEL_XDP_TX = 3,

	MODEL_FRAME_MAX = 4096,
	/* How far the gate walks (datapath.md): deeper is "unjudged". */
	MODEL_GATE_VLAN_TAGS = 2,
	MODEL_GATE_IPV6_EXT = 8,
	/* A SYN's 4-tuple seen established this recently is the stack's. */
	MODEL_RECENT_WINDOW_NS = 120ULL * 1000000000ULL,
};

struct model_env {
	const struct sgate_config *cfg;	/* the map entry */
	const struct sgate_keyring *ring;	/* the ring the selector names */
	bool ipv6_enabled;		/* loader's sgate_ipv6_enabled */
	uint64_t now_ns;		/* CLOCK_MONOTONIC_COARSE, as the program reads it */
	uint32_t meta_room;		/* bytes bpf_xdp_adjust_meta() may still claim */
	uint32_t tail_room;		/* bytes the frame may grow by */
	/* Does the stack hold a non-listening socket for this 4-tuple? */
	bool (*stack_owns)(const struct model_tuple *t, void *arg);
	/* Is the destination address one of this host's (the FIB's answer)? */
	bool (*addr_local)(const struct model_tuple *t, void *arg);
	/* Does a socket listen on the destination address and port? */
	bool (*listening)(const struct model_tuple *t, void *arg);
	/*
	 * Does a UDP socket take datagrams to the destination address and
	 * port from anyone (not a connected one)?  NULL: yes.
	 */
	bool (*udp_bound)(const struct model_tuple *t, void *arg);
	/*
	 * Did the gate pass an ACK of this 4-tuple (established or with a
	 * valid cookie) within MODEL_RECENT_WINDOW_NS of now?
	 */
	bool (*recent)(const struct model_tuple *t, uint64_t now_ns, void *arg);
	void *stack_arg;
};

/* What the model learned about the frame on the way (for invariants). */
struct model_parse {
	bool tcp_seen;			/* ports were read */
	bool is_syn, is_ack;
	size_t l3off, l4off, doff, ip_hdr_len;
	int ipv6;
	/* What the SYN's options offered, as the doc's walk reads them. */
	bool opt_mss, opt_sack, opt_ts, opt_ws;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
	uint32_t isn;			/* a SYN's sequence number */
};

struct model_result {
	int verdict;			/* MODEL_XDP_* */
	int stat;			/* enum sgate_stat */
	const char *why;		/* the datapath.md row that decided */
	uint8_t out[MODEL_FRAME_MAX];	/* the frame afterwards */
	size_t out_len;
	bool has_meta;
	struct sgate_meta meta;
	uint32_t cookie;		/* SYN: the cookie sent; ACK: the one checked */
	bool dtls;			/* decided by the DTLS rows */
	struct model_parse p;
	struct kernel_view kv;		/* the frame as the stack reads it */
	bool marks_recent;		/* an ACK the gate remembers (recent) */
};

void model_xdp(const uint8_t *frame, size_t len, const struct model_env *env,
	       struct model_result *r);

/*
 * The TSval our SYN-ACK carries at a given time (the program's clock), for
 * a connection whose offset the cookie's hash gave (sgate_cookie_make()).
 */
uint32_t model_tsval(uint64_t now_ns, uint32_t ts_off);

/* RFC 1071 over a buffer, from an initial sum; the model's own. */
uint16_t model_csum(const uint8_t *p, size_t len, uint32_t sum);

#endif
