// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include <sodium.h>

#include "doc_mac.h"

uint64_t doc_hash(const uint8_t key[16], int ipv6, const uint8_t *saddr,
		  const uint8_t *daddr, const uint8_t ports[4], uint32_t isn,
		  uint32_t epoch, uint32_t tag)
{
	uint8_t in[48], out[8];
	size_t n = 0, alen = ipv6 ? 16 : 4;
	uint64_t h = 0;
	int i;

	memcpy(in, saddr, alen);
	memcpy(in + alen, daddr, alen);
	n = 2 * alen;
	memcpy(in + n, ports, 4);
	for (i = 0; i < 4; i++) {
		in[n + 4 + i] = (uint8_t)(isn >> (8 * i));
		in[n + 8 + i] = (uint8_t)(epoch >> (8 * i));
		in[n + 12 + i] = (uint8_t)(tag >> (8 * i));
	}
	crypto_shorthash_siphash24(out, in, n + 16, key);
	for (i = 7; i >= 0; i--)
		h = h << 8 | out[i];
	return h;
}

uint32_t doc_mac(const uint8_t key[16], int ipv6, const uint8_t *saddr,
		 const uint8_t *daddr, const uint8_t ports[4], uint32_t isn,
		 uint32_t epoch, uint32_t tag)
{
	return (uint32_t)(doc_hash(key, ipv6, saddr, daddr, ports, isn, epoch,
				   tag) & 0x1ffffff);
}
