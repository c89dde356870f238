/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DTLS cookie's MAC as Documentation/dtls.md spells it, computed with
 * libsodium's SipHash-2-4 and never with the gate's codec
 * (include/sgate/dtls.h), so that the tests judging the gate's DTLS cookies
 * do not take the gate's word for them: SipHash(key, saddr daddr sport
 * dport client_version session_id_len header random session_id (32,
 * zero-padded) epoch (4, LE) "\0\0DT").  Call sodium_init() first.
 */
#ifndef SGATE_TEST_DOC_DTLS_MAC_H
#define SGATE_TEST_DOC_DTLS_MAC_H

#include <stdint.h>

/*
 * Addresses of 4 (IPv4) or 16 bytes, ports and client_version as on the
 * wire; session_id of sid_len (at most 32) bytes.
 */
uint64_t doc_dtls_mac(const uint8_t key[16], int ipv6, const uint8_t *saddr,
		      const uint8_t *daddr, const uint8_t ports[4],
		      const uint8_t client_version[2], const uint8_t random[32],
		      const uint8_t *sid, uint8_t sid_len, uint8_t header,
		      uint32_t epoch);

#endif
