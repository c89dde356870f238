// SPDX-License-Identifier: GPL-2.0
/*
 * The forged ACKs of forge.h replayed through the codec: how many of them
 * the gate must accept.  Compiled once per MAC width
 * (-DSGATE_COOKIE_MAC_BITS=N -DFORGE_ACCEPTED=forge_accepted_N), since the
 * width is a compile-time property of cookie.h, as it is of the gate.
 */
#include <string.h>

#include "sgate/cookie.h"
#include "forge.h"
#include "forge_codec.h"

uint64_t FORGE_ACCEPTED(const struct sgate_keyring *ring, uint64_t now_epoch,
			const uint8_t *frame, int ipv6, uint64_t state,
			uint64_t n)
{
	uint8_t f8[FORGE_FRAME_MAX];
	struct sgate_flow f;
	struct forge_ack a;
	__u64 s = state;
	uint64_t i, accepted = 0;
	size_t l4 = ipv6 ? FORGE_L4_V6 : FORGE_L4_V4;
	uint8_t *ip = f8 + 14, *th = f8 + l4;

	memcpy(f8, frame, l4 + FORGE_TCP_LEN);
	for (i = 0; i < n; i++) {
		forge_next(&s, &a);
		/* The same bytes the driver writes, read back as the gate reads them. */
		if (!ipv6) {
			ip[13] = (uint8_t)(a.saddr_low >> 16);
			ip[14] = (uint8_t)(a.saddr_low >> 8);
			ip[15] = (uint8_t)a.saddr_low;
		} else {
			ip[20] = (uint8_t)(a.saddr_low >> 24);
			ip[21] = (uint8_t)(a.saddr_low >> 16);
			ip[22] = (uint8_t)(a.saddr_low >> 8);
			ip[23] = (uint8_t)a.saddr_low;
		}
		th[0] = (uint8_t)(a.sport >> 8);
		th[1] = (uint8_t)a.sport;
		memset(&f, 0, sizeof(f));
		f.ipv6 = (uint8_t)ipv6;
		memcpy(f.saddr, ipv6 ? ip + 8 : ip + 12, ipv6 ? 16 : 4);
		memcpy(f.daddr, ipv6 ? ip + 24 : ip + 16, ipv6 ? 16 : 4);
		memcpy(&f.sport, th, 2);
		memcpy(&f.dport, th + 2, 2);
		if (sgate_cookie_check(ring, &f, a.seq - 1, a.ack - 1, now_epoch,
				       a.ts) == SGATE_COOKIE_VALID)
			accepted++;
	}
	return accepted;
}
