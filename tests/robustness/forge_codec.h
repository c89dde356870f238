/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGATE_FORGE_CODEC_H
#define SGATE_FORGE_CODEC_H

#include <stdint.h>

#include "sgate/cookie.h"

enum { FORGE_FRAME_MAX = 160 };

/* How many of n forged ACKs from state the codec accepts, per MAC width. */
uint64_t forge_accepted_25(const struct sgate_keyring *ring, uint64_t now_epoch,
			   const uint8_t *frame, int ipv6, uint64_t state,
			   uint64_t n);
uint64_t forge_accepted_8(const struct sgate_keyring *ring, uint64_t now_epoch,
			  const uint8_t *frame, int ipv6, uint64_t state,
			  uint64_t n);

/* How many of n forged ClientHellos (forge_dtls.h) the DTLS codec accepts. */
uint64_t forge_dtls_accepted_64(const struct sgate_keyring *ring,
				uint64_t now_epoch, const uint8_t *frame,
				int ipv6, uint64_t state, uint64_t n);
uint64_t forge_dtls_accepted_8(const struct sgate_keyring *ring,
			       uint64_t now_epoch, const uint8_t *frame,
			       int ipv6, uint64_t state, uint64_t n);

#endif
