/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cookie MAC as Documentation/cookie-format.md spells it, computed with
 * libsodium's SipHash-2-4 and never with the gate's codec, so that the
 * tests judging the gate's cookies do not take the gate's word for them:
 * the low 25 bits of SipHash(key, saddr daddr ports isn_le epoch_le tag_le);
 * the high 32 bits are the SYN-ACK's TSval offset.  Call sodium_init() first.
 */
#ifndef SGATE_TEST_DOC_MAC_H
#define SGATE_TEST_DOC_MAC_H

#include <stdint.h>

/* Addresses of 4 (IPv4) or 16 bytes and the ports as on the wire. */
uint64_t doc_hash(const uint8_t key[16], int ipv6, const uint8_t *saddr,
		  const uint8_t *daddr, const uint8_t ports[4], uint32_t isn,
		  uint32_t epoch, uint32_t tag);

uint32_t doc_mac(const uint8_t key[16], int ipv6, const uint8_t *saddr,
		 const uint8_t *daddr, const uint8_t ports[4], uint32_t isn,
		 uint32_t epoch, uint32_t tag);

#endif
