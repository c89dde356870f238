/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * TCP option walking, shared by the XDP program (one step per bpf_loop
 * iteration) and the tests.  Malformed options end the walk and keep what was
 * parsed so far, as Linux's tcp_parse_options() does.
 */
#ifndef SGATE_TCPOPT_H
#define SGATE_TCPOPT_H

#include "types.h"
#include "cookie.h"

enum {
	SGATE_TCPOPT_EOL = 0,
	SGATE_TCPOPT_NOP = 1,
	SGATE_TCPOPT_MSS = 2,
	SGATE_TCPOPT_WSCALE = 3,
	SGATE_TCPOPT_SACK_PERM = 4,
	SGATE_TCPOPT_TIMESTAMP = 8,

	SGATE_TCPOPT_MAX_LEN = 40,
	/* Buffer size: a power of two, so masked indices need no bounds. */
	SGATE_TCPOPT_BUF = 64,
	SGATE_TCPOPT_IDX = SGATE_TCPOPT_BUF - 1,
};

struct sgate_optwalk {
	__u8 buf[SGATE_TCPOPT_BUF];
	__u32 len;		/* bytes of options in buf, <= 40 */
	__u32 pos;
	struct sgate_syn_offer offer;
	__u32 tsecr;
};

static __always_inline __u32 sgate_optwalk_be32(const __u8 *b, __u32 at)
{
	return (__u32)b[at & SGATE_TCPOPT_IDX] << 24 |
	       (__u32)b[(at + 1) & SGATE_TCPOPT_IDX] << 16 |
	       (__u32)b[(at + 2) & SGATE_TCPOPT_IDX] << 8 |
	       (__u32)b[(at + 3) & SGATE_TCPOPT_IDX];
}

/* Parse the option at w->pos; returns 1 when the walk is over. */
static __always_inline int sgate_optwalk_step(struct sgate_optwalk *w)
{
	__u32 pos = w->pos, kind, len;
	const __u8 *b = w->buf;

	if (pos >= w->len || pos >= SGATE_TCPOPT_MAX_LEN)
		return 1;
	kind = b[pos & SGATE_TCPOPT_IDX];
	if (kind == SGATE_TCPOPT_EOL)
		return 1;
	if (kind == SGATE_TCPOPT_NOP) {
		w->pos = pos + 1;
		return 0;
	}
	if (pos + 1 >= w->len)
		return 1;
	len = b[(pos + 1) & SGATE_TCPOPT_IDX];
	if (len < 2 || pos + len > w->len)
		return 1;

	switch (kind) {
	case SGATE_TCPOPT_MSS:
		if (len == 4)
			w->offer.mss = (__u16)(b[(pos + 2) & SGATE_TCPOPT_IDX] << 8 |
					       b[(pos + 3) & SGATE_TCPOPT_IDX]);
		break;
	case SGATE_TCPOPT_WSCALE:
		if (len == 3) {
			__u8 ws = b[(pos + 2) & SGATE_TCPOPT_IDX];

			w->offer.wscale = ws > SGATE_TCP_MAX_WSCALE ?
					  SGATE_TCP_MAX_WSCALE : ws;
		}
		break;
	case SGATE_TCPOPT_SACK_PERM:
		if (len == 2)
			w->offer.sack_ok = 1;
		break;
	case SGATE_TCPOPT_TIMESTAMP:
		if (len == 10) {
			w->offer.ts_ok = 1;
			w->offer.tsval = sgate_optwalk_be32(b, pos + 2);
			w->tsecr = sgate_optwalk_be32(b, pos + 6);
		}
		break;
	}
	w->pos = pos + len;
	return 0;
}

static __always_inline void sgate_optwalk_init(struct sgate_optwalk *w,
						__u32 len)
{
	w->len = len;
	w->pos = 0;
	w->offer.mss = 0;
	w->offer.wscale = SGATE_WSCALE_NONE;
	w->offer.sack_ok = 0;
	w->offer.ts_ok = 0;
	w->offer.ecn = 0;
	w->offer.tsval = 0;
	w->tsecr = 0;
}

#endif /* SGATE_TCPOPT_H */
