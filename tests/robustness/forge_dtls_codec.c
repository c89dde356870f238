// SPDX-License-Identifier: GPL-2.0
/*
 * The forged ClientHellos of forge_dtls.h replayed through the codec: how
 * many of them the gate must accept.  Compiled once per MAC width
 * (-DSGATE_DTLS_MAC_BITS=N -DFORGE_DTLS_ACCEPTED=forge_dtls_accepted_N),
 * since the width is a compile-time property of dtls.h, as of the gate.
 */
#include <string.h>

#include "sgate/dtls.h"
#include "forge_dtls.h"
#include "forge_codec.h"

uint64_t FORGE_DTLS_ACCEPTED(const struct sgate_keyring *ring,
			     uint64_t now_epoch, const uint8_t *frame,
			     int ipv6, uint64_t state, uint64_t n)
{
	size_t l4 = ipv6 ? FORGE_L4_V6 : FORGE_L4_V4;
	uint8_t f8[FORGE_FRAME_MAX];
	uint8_t *ip = f8 + 14, *u = f8 + l4;
	struct sgate_dtls_hello h;
	struct sgate_flow f;
	struct forge_hello fh;
	__u64 s = state;
	uint64_t i, accepted = 0;
	int k;

	memcpy(f8, frame, l4 + FORGE_DTLS_UDP_LEN);
	for (i = 0; i < n; i++) {
		forge_dtls_next(&s, &fh);
		/* The bytes the driver writes, read back as the gate reads them. */
		if (!ipv6) {
			ip[13] = (uint8_t)(fh.saddr_low >> 16);
			ip[14] = (uint8_t)(fh.saddr_low >> 8);
			ip[15] = (uint8_t)fh.saddr_low;
		} else {
			for (k = 0; k < 4; k++)
				ip[20 + k] = (uint8_t)(fh.saddr_low >> (24 - 8 * k));
		}
		u[0] = (uint8_t)(fh.sport >> 8);
		u[1] = (uint8_t)fh.sport;
		for (k = 0; k < 8; k++) {
			u[FORGE_DTLS_RANDOM + k] = (uint8_t)(fh.random >> (8 * k));
			u[FORGE_DTLS_COOKIE + 1 + k] = (uint8_t)(fh.mac >> (8 * k));
		}
		u[FORGE_DTLS_COOKIE] = (uint8_t)(1 << 1 | fh.epoch_id);

		memset(&f, 0, sizeof(f));
		f.ipv6 = (uint8_t)ipv6;
		memcpy(f.saddr, ipv6 ? ip + 8 : ip + 12, ipv6 ? 16 : 4);
		memcpy(f.daddr, ipv6 ? ip + 24 : ip + 16, ipv6 ? 16 : 4);
		memcpy(&f.sport, u, 2);
		memcpy(&f.dport, u + 2, 2);
		memset(&h, 0, sizeof(h));
		memcpy(h.client_version, u + FORGE_DTLS_BODY, 2);
		memcpy(h.random, u + FORGE_DTLS_RANDOM, 32);
		if (sgate_dtls_cookie_check(ring, &f, &h, u + FORGE_DTLS_COOKIE,
					    FORGE_DTLS_COOKIE_LEN,
					    now_epoch) == SGATE_COOKIE_VALID)
			accepted++;
	}
	return accepted;
}
