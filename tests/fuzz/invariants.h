/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Three things must hold for every frame, whatever the model says: nothing
 * malformed is sent back with XDP_TX, a reply is never larger than the
 * request plus what it mirrors, and no ACK passes without a MAC that
 * libsodium's SipHash confirms.
 */
#ifndef SGATE_FUZZ_INVARIANTS_H
#define SGATE_FUZZ_INVARIANTS_H

#include <stddef.h>
#include <stdint.h>

#include "sgate/abi.h"
#include "../model/xdp_model.h"

/*
 * The invariant the program's answer (verdict, the counter that moved, the
 * frame it left in out) to frame breaks, or NULL.  ring and epoch_ns are
 * the gate's settings, now_ns its clock when it ran.
 */
const char *invariant_broken(const uint8_t *frame, size_t len, int verdict,
			     int stat, const uint8_t *out, size_t out_len,
			     const struct model_result *m,
			     const struct sgate_keyring *ring,
			     uint64_t epoch_ns, uint64_t now_ns);

#endif
