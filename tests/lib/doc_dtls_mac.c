// SPDX-License-Identifier: GPL-2.0
/* The DTLS cookie's MAC by the document and libsodium (doc_dtls_mac.h). */
#include <string.h>

#include <sodium.h>

#include "doc_dtls_mac.h"

uint64_t doc_dtls_mac(const uint8_t key[16], int ipv6, const uint8_t *saddr,
		      const uint8_t *daddr, const uint8_t ports[4],
		      const uint8_t client_version[2], const uint8_t random[32],
		      const uint8_t *sid, uint8_t sid_len, uint8_t header,
		      uint32_t epoch)
{
	static const uint8_t domain[4] = { 0, 0, 'D', 'T' };
	uint8_t in[112] = { 0 }, out[8];
	size_t alen = ipv6 ? 16 : 4, n;
	uint64_t mac = 0;
	int i;

	memcpy(in, saddr, alen);
	memcpy(in + alen, daddr, alen);
	n = 2 * alen;
	memcpy(in + n, ports, 4);
	memcpy(in + n + 4, client_version, 2);
	in[n + 6] = sid_len;
	in[n + 7] = header;
	memcpy(in + n + 8, random, 32);
	memcpy(in + n + 40, sid, sid_len <= 32 ? sid_len : 32);
	n += 72;
	for (i = 0; i < 4; i++)
		in[n + i] = (uint8_t)(epoch >> (8 * i));
	memcpy(in + n + 4, domain, 4);
	n += 8;
	crypto_shorthash_siphash24(out, in, n, key);
	for (i = 7; i >= 0; i--)
		mac = mac << 8 | out[i];
	return mac;
}
