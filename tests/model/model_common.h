/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the model's TCP rows (xdp_model.c) and its DTLS rows (dtls_model.c)
 * share: the frame, the way a row decides, and the document's notions of
 * "for this host" and of a bogus source.  Internal to tests/model/.
 */
#ifndef SGATE_MODEL_COMMON_H
#define SGATE_MODEL_COMMON_H

#include "sgate/types.h"
#include "xdp_model.h"

struct frame {
	const uint8_t *b;
	size_t len;
};

/* Leave the frame as it came and record the row that decided. */
void model_decide(struct model_result *r, const struct frame *f, int verdict,
		  int stat, const char *why);
/* datapath.md, "a SYN": sources we must not answer (a HelloVerifyRequest too). */
bool model_bogus_source(const struct frame *f, const struct model_tuple *t);
/* The device's MAC, not multicast or broadcast, an address the FIB calls local. */
bool model_addressed_here(const struct frame *f, const struct model_env *env,
			  const struct model_tuple *t);
/* The codec's flow: addresses and ports as they sit in the packet. */
void model_codec_flow(const struct model_tuple *t, struct sgate_flow *fl);

/* The DTLS rows: a UDP datagram while DTLS is enabled (dtls_model.c). */
void model_dtls(const struct frame *f, const struct model_env *env,
		struct model_result *r);

#endif
