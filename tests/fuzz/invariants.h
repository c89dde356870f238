/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What must hold for every frame, whatever the model says: exactly one
 * counter moves; nothing the stack would hand to a protected listener of
 * this host passes without a verdict (datapath.md's rule, read from the
 * kernel's view of the frame, tests/model/kernel_view.h); nothing
 * malformed is sent back with XDP_TX; a reply is never larger than the
 * request plus what it mirrors; and no ACK passes without a MAC that
 * libsodium's SipHash confirms.
 */
#ifndef SGATE_FUZZ_INVARIANTS_H
#define SGATE_FUZZ_INVARIANTS_H

#include <stddef.h>
#include <stdint.h>

#include "sgate/abi.h"
#include "../model/xdp_model.h"

/*
 * The invariant the program's answer (verdict, the counter that moved: -1
 * none, -2 several; the frame it left in out) to frame breaks, or NULL.
 * env is the gate's settings and host (its addresses and listeners; the
 * model itself is not consulted), now_ns its clock when it ran, m the
 * model's reading of the frame's headers.
 */
const char *invariant_broken(const uint8_t *frame, size_t len, int verdict,
			     int stat, const uint8_t *out, size_t out_len,
			     const struct model_result *m,
			     const struct model_env *env, uint64_t now_ns);

#endif
