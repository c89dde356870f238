// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_RUN packet tests of the DTLS path (bpf/dtls.h): ClientHellos in,
 * verdict and exact HelloVerifyRequest bytes out.
 *
 * The frames are built here, the reply is read by a parser of this file
 * that shares nothing with the gate, checksums are verified with
 * tests/lib/packet.c's RFC 1071 routine, and every expected cookie is
 * computed with libsodium's SipHash over the MAC input as
 * Documentation/dtls.md spells it, so the gate's codec is never its own
 * judge.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <linux/bpf.h>

#include "sgate/abi.h"
#include "../lib/clock.h"
#include "../lib/doc_dtls_mac.h"
#include "../lib/dtls_hello.h"
#include "../lib/gate_run.h"
#include "../lib/packet.h"

enum {
	EPOCH_SECONDS = 60,
	DTLS_PORT = HELLO_DPORT,
	QUIET_DTLS_PORT = 4434,	/* protected, nothing bound */
	FRAME_MAX = HELLO_FRAME_MAX,
	HVR_UDP_LEN = 45,	/* UDP 8 + record 13 + handshake 12 + 12 */
	COOKIE_LEN = 9,
};

static struct gate gate;
static struct sgate_keyring ring;
static struct sgate_config cfg;
static uint8_t key[16];
/*
 * The group running the slot program (sgate_xdp_slot): the
 * HelloVerifyRequest keeps the ClientHello's frame length, the rest zeroed.
 */
static bool fixed_frame;

/* The MAC as Documentation/dtls.md spells it (tests/lib/doc_dtls_mac.c). */
static uint64_t hello_mac(const struct hello *h, uint64_t epoch,
			  uint8_t header)
{
	uint8_t ports[4], version[2];

	put16(ports, h->sport);
	put16(ports + 2, h->dport);
	put16(version, h->client_version);
	return doc_dtls_mac(key, h->ipv6, h->saddr, h->daddr, ports, version,
			    h->random, h->sid, h->sid_len, header,
			    (uint32_t)epoch);
}

/* The cookie the document says a ClientHello gets at @epoch. */
static void doc_cookie(const struct hello *h, uint64_t epoch,
		       uint8_t c[COOKIE_LEN])
{
	uint64_t mac;
	int i;

	c[0] = (uint8_t)(1 << 1 | (epoch & 1));	/* layout version 1 */
	mac = hello_mac(h, epoch, c[0]);
	for (i = 0; i < 8; i++)
		c[1 + i] = (uint8_t)(mac >> (8 * i));
}

static uint64_t settled_epoch(void)
{
	uint64_t period = (uint64_t)EPOCH_SECONDS * 1000000000ULL;

	if (period - coarse_ns() % period < 2000000000ULL)
		sleep(3);
	return gate_epoch_now(period);
}

static int bind_udp(int family, uint16_t port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;

	a4.sin_port = htons(port);
	a6.sin6_port = htons(port);
	if (fd < 0)
		return -errno;
	if (family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
		return -errno;
	if (bind(fd, family == AF_INET ? (struct sockaddr *)&a4 :
					  (struct sockaddr *)&a6,
		 family == AF_INET ? sizeof(a4) : sizeof(a6)))
		return -errno;
	return 0;	/* open until the process ends */
}

static void set_port(__u32 *bitmap, unsigned port)
{
	bitmap[port / 32] |= 1U << (port % 32);
}

static int write_ring(void)
{
	return gate_set_ring(&gate, 0, &ring) ?: gate_set_key_sel(&gate, 0);
}

static void default_ring(void)
{
	memset(&ring, 0, sizeof(ring));
	memcpy(ring.m[0].key.k, key, 16);
	ring.m[0].first_epoch = 0;
	ring.m[1].first_epoch = ~0ULL;
	ring.m[2].first_epoch = ~0ULL;
	ring.serial = 1;
}

static int setup(void **state)
{
	int i, err;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	err = gate_netns_enter();
	if (err) {
		fprintf(stderr, "cannot enter a network namespace of our own: %s\n",
			strerror(-err));
		return -1;
	}
	err = gate_load(&gate, true);
	if (err) {
		fprintf(stderr, "cannot load build/sgate.bpf.o: %s\n",
			strerror(-err));
		return -1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.abi_version = SGATE_ABI_VERSION;
	cfg.mss_v4 = 1460;
	cfg.mss_v6 = 1440;
	cfg.rcv_wscale = 7;
	cfg.syn_window = 64240;
	cfg.epoch_ns = (uint64_t)EPOCH_SECONDS * 1000000000ULL;
	cfg.features = SGATE_FEAT_SACK | SGATE_FEAT_TS | SGATE_FEAT_WSCALE;
	memcpy(cfg.mac, pkt_server_mac, sizeof(cfg.mac));
	set_port(cfg.ports, 80);
	cfg.dtls_enabled = 1;
	set_port(cfg.dtls_ports, DTLS_PORT);
	set_port(cfg.dtls_ports, QUIET_DTLS_PORT);
	if (bind_udp(AF_INET, DTLS_PORT) || bind_udp(AF_INET6, DTLS_PORT) ||
	    gate_listen(80))
		return -1;
	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)(0x5a ^ (i * 17));
	default_ring();
	if (write_ring())
		return -1;
	return gate_set_config(&gate, &cfg);
}

/* The same gate, running sgate_xdp_slot (bpf/fixed_frame.h). */
static int setup_fixed_frame(void **state)
{
	fixed_frame = true;
	return setup(state) ?: gate_pick_xdp(&gate, "sgate_xdp_slot");
}

static int teardown(void **state)
{
	(void)state;
	gate_unload(&gate);
	return 0;
}

static uint64_t counter(enum sgate_stat stat)
{
	uint64_t sum[SGATE_STAT_MAX];

	assert_int_equal(gate_read_stats(&gate, sum), 0);
	return sum[stat];
}

struct run {
	int verdict;
	uint8_t out[FRAME_MAX + 64];
	uint32_t len;
	uint32_t in_len;
};

static void run_frame(const uint8_t *f, size_t len, struct run *r)
{
	struct gate_xdp_out o;

	memset(r, 0, sizeof(*r));
	assert_int_equal(gate_run_xdp(&gate, f, 0, (uint32_t)len, r->out,
				      sizeof(r->out), &o),
			 0);
	r->verdict = o.verdict;
	r->len = o.size_out - o.meta_len;
	r->in_len = (uint32_t)len;
	assert_int_equal(o.meta_len, 0);
}

/* Run @h, expecting @stat to count it once and @verdict. */
static void expect(const struct hello *h, enum sgate_stat stat, int verdict,
		   struct run *r)
{
	uint8_t f[FRAME_MAX];
	size_t len = hello_frame(h, f);
	uint64_t before = counter(stat);

	run_frame(f, len, r);
	assert_int_equal(r->verdict, verdict);
	assert_int_equal(counter(stat), before + 1);
}

/*
 * Every field of a HelloVerifyRequest answering @h, read by this file's own
 * parser; returns the cookie it carries.
 */
static const uint8_t *check_hvr(const struct run *r, const struct hello *h)
{
	size_t l3len = h->ipv6 ? 40 : 20, reply = 14 + l3len + HVR_UDP_LEN, i;
	const uint8_t *l3 = r->out + 14, *u = l3 + l3len, *rec = u + 8;
	const uint8_t *hs = rec + 13, *body = hs + 12;

	assert_int_equal(r->verdict, XDP_TX);
	/* No amplification, whatever the request. */
	assert_true(r->len <= r->in_len);
	if (fixed_frame) {
		/* The request's length; nothing of the request after the reply. */
		assert_int_equal(r->len, r->in_len);
		assert_true(reply <= r->len);
		for (i = reply; i < r->len; i++)
			if (r->out[i])
				fail_msg("byte %zu after the %zu-byte reply is "
					 "0x%02x, not 0", i, reply, r->out[i]);
	} else {
		assert_int_equal(r->len, reply);
	}
	assert_memory_equal(r->out, pkt_client_mac, 6);
	assert_memory_equal(r->out + 6, pkt_server_mac, 6);
	if (!h->ipv6) {
		assert_int_equal(get16(r->out + 12), 0x0800);
		assert_int_equal(l3[0], 0x45);
		assert_int_equal(l3[1], 0);
		assert_int_equal(get16(l3 + 2), 20 + HVR_UDP_LEN);
		assert_int_equal(get16(l3 + 6), 0x4000);
		assert_int_equal(l3[8], 64);
		assert_int_equal(l3[9], 17);
		assert_memory_equal(l3 + 12, h->daddr, 4);
		assert_memory_equal(l3 + 16, h->saddr, 4);
		assert_true(ipv4_csum_ok(l3));
	} else {
		assert_int_equal(get16(r->out + 12), 0x86dd);
		assert_int_equal(get32(l3), 0x60000000);
		assert_int_equal(get16(l3 + 4), HVR_UDP_LEN);
		assert_int_equal(l3[6], 17);
		assert_int_equal(l3[7], 64);
		assert_memory_equal(l3 + 8, h->daddr, 16);
		assert_memory_equal(l3 + 24, h->saddr, 16);
	}
	/* UDP: ports swapped, length, a checksum that is there and right. */
	assert_int_equal(get16(u), h->dport);
	assert_int_equal(get16(u + 2), h->sport);
	assert_int_equal(get16(u + 4), HVR_UDP_LEN);
	assert_int_not_equal(get16(u + 6), 0);
	assert_int_equal(csum_rfc1071(u, HVR_UDP_LEN,
				      pseudo_udp(l3 + (h->ipv6 ? 8 : 12),
						 l3 + (h->ipv6 ? 24 : 16),
						 h->ipv6, HVR_UDP_LEN)),
			 0);
	/* The record: handshake, DTLS 1.0, epoch 0, the request's sequence. */
	assert_int_equal(rec[0], 22);
	assert_int_equal(get16(rec + 1), 0xfeff);
	assert_int_equal(get16(rec + 3), 0);
	assert_memory_equal(rec + 5, h->seq, 6);
	assert_int_equal(get16(rec + 11), 12 + 3 + COOKIE_LEN);
	/* The handshake: hello_verify_request, message_seq 0, unfragmented. */
	assert_int_equal(hs[0], 3);
	assert_int_equal(hs[1] << 16 | get16(hs + 2), 3 + COOKIE_LEN);
	assert_int_equal(get16(hs + 4), 0);
	assert_int_equal(hs[6] << 16 | get16(hs + 7), 0);
	assert_int_equal(hs[9] << 16 | get16(hs + 10), 3 + COOKIE_LEN);
	/* server_version DTLS 1.0 (RFC 6347 section 4.2.1), the cookie. */
	assert_int_equal(get16(body), 0xfeff);
	assert_int_equal(body[2], COOKIE_LEN);
	return body + 3;
}

static void hvr_case(int ipv6)
{
	uint8_t want[COOKIE_LEN];
	struct hello h;
	struct run r;
	uint64_t epoch;

	hello_default(&h, ipv6);
	epoch = settled_epoch();
	expect(&h, SGATE_STAT_DTLS_HVR_SENT, XDP_TX, &r);
	doc_cookie(&h, epoch, want);
	assert_memory_equal(check_hvr(&r, &h), want, COOKIE_LEN);
}

static void test_hvr_ipv4(void **state)
{
	(void)state;
	hvr_case(0);
}

static void test_hvr_ipv6(void **state)
{
	(void)state;
	hvr_case(1);
}

/* The cookie of the HVR comes back in a second ClientHello: it passes. */
static void cookie_roundtrip(int ipv6)
{
	struct hello h;
	struct run r;

	hello_default(&h, ipv6);
	h.sid_len = 7;
	memset(h.sid, 0xee, 7);
	settled_epoch();
	expect(&h, SGATE_STAT_DTLS_HVR_SENT, XDP_TX, &r);
	memcpy(h.cookie, check_hvr(&r, &h), COOKIE_LEN);
	h.cookie_len = COOKIE_LEN;
	h.seq[5]++;
	h.message_seq = 1;
	h.extensions = 44;	/* extensions are not bound (padding changes) */
	expect(&h, SGATE_STAT_DTLS_COOKIE_VALID, XDP_PASS, &r);
	assert_int_equal(r.len, r.in_len);
}

static void test_valid_cookie_passes_ipv4(void **state)
{
	(void)state;
	cookie_roundtrip(0);
}

static void test_valid_cookie_passes_ipv6(void **state)
{
	(void)state;
	cookie_roundtrip(1);
}

/* A cookie of the previous epoch still passes; libsodium made it. */
static void test_previous_epoch_passes(void **state)
{
	struct hello h;
	struct run r;
	uint64_t epoch;

	(void)state;
	hello_default(&h, 0);
	epoch = settled_epoch();
	assert_true(epoch >= 1);
	doc_cookie(&h, epoch - 1, h.cookie);
	h.cookie_len = COOKIE_LEN;
	expect(&h, SGATE_STAT_DTLS_COOKIE_VALID, XDP_PASS, &r);
}

/* Two epochs old: its id names the current epoch and the MAC fails. */
static void test_expired_cookie_new_hvr(void **state)
{
	uint8_t want[COOKIE_LEN];
	struct hello h;
	struct run r;
	uint64_t epoch;

	(void)state;
	hello_default(&h, 1);
	epoch = settled_epoch();
	assert_true(epoch >= 2);
	doc_cookie(&h, epoch - 2, h.cookie);
	h.cookie_len = COOKIE_LEN;
	expect(&h, SGATE_STAT_DTLS_HVR_BAD_COOKIE, XDP_TX, &r);
	doc_cookie(&h, epoch, want);
	assert_memory_equal(check_hvr(&r, &h), want, COOKIE_LEN);
}

/* The epoch the cookie names has no key: like no cookie. */
static void test_stale_cookie_new_hvr(void **state)
{
	struct hello h;
	struct run r;
	uint64_t epoch;

	(void)state;
	hello_default(&h, 0);
	epoch = settled_epoch();
	doc_cookie(&h, epoch - 1, h.cookie);
	h.cookie_len = COOKIE_LEN;
	ring.m[0].first_epoch = epoch;
	assert_int_equal(write_ring(), 0);
	expect(&h, SGATE_STAT_DTLS_HVR_BAD_COOKIE, XDP_TX, &r);
	check_hvr(&r, &h);
	default_ring();
	assert_int_equal(write_ring(), 0);
}

/*
 * Forgeries: every bit of the MAC, the header's version bits, a cookie of
 * another length, and a real cookie replayed with any bound field changed.
 */
static void test_forged_cookies_new_hvr(void **state)
{
	struct hello h, good;
	struct run r;
	uint64_t epoch;
	int bit;

	(void)state;
	hello_default(&good, 0);
	good.sid_len = 32;
	memset(good.sid, 0x11, 32);
	epoch = settled_epoch();
	doc_cookie(&good, epoch, good.cookie);
	good.cookie_len = COOKIE_LEN;
	expect(&good, SGATE_STAT_DTLS_COOKIE_VALID, XDP_PASS, &r);

	for (bit = 0; bit < 8 * COOKIE_LEN; bit++) {
		h = good;
		h.cookie[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		expect(&h, SGATE_STAT_DTLS_HVR_BAD_COOKIE, XDP_TX, &r);
		check_hvr(&r, &h);
	}
	h = good;
	h.cookie_len = COOKIE_LEN - 1;
	expect(&h, SGATE_STAT_DTLS_HVR_BAD_COOKIE, XDP_TX, &r);
	h = good;
	h.cookie_len = COOKIE_LEN + 1;
	expect(&h, SGATE_STAT_DTLS_HVR_BAD_COOKIE, XDP_TX, &r);

	h = good;
	h.random[31] ^= 1;
	expect(&h, SGATE_STAT_DTLS_HVR_BAD_COOKIE, XDP_TX, &r);
	h = good;
	h.sid[31] ^= 1;
	expect(&h, SGATE_STAT_DTLS_HVR_BAD_COOKIE, XDP_TX, &r);
	h = good;
	h.sid_len = 31;
	expect(&h, SGATE_STAT_DTLS_HVR_BAD_COOKIE, XDP_TX, &r);
	h = good;
	h.client_version = 0xfeff;
	expect(&h, SGATE_STAT_DTLS_HVR_BAD_COOKIE, XDP_TX, &r);
	h = good;
	h.sport++;
	expect(&h, SGATE_STAT_DTLS_HVR_BAD_COOKIE, XDP_TX, &r);
	h = good;
	h.saddr[2]++;
	expect(&h, SGATE_STAT_DTLS_HVR_BAD_COOKIE, XDP_TX, &r);
	h = good;
	h.daddr[3] = 3;
	expect(&h, SGATE_STAT_DTLS_HVR_BAD_COOKIE, XDP_TX, &r);
}

/* The reply is never larger than the request, whatever the request. */
static void test_reply_never_larger(void **state)
{
	struct hello h;
	struct run r;
	int ipv6, opts;

	(void)state;
	settled_epoch();
	for (ipv6 = 0; ipv6 < 2; ipv6++) {
		for (opts = 0; opts < 3; opts++) {
			hello_default(&h, ipv6);
			h.extensions = 0;	/* the smallest ClientHello */
			h.ipopts_words = ipv6 ? 0 : (uint8_t)(opts * 5);
			h.trailer = opts * 9;
			expect(&h, SGATE_STAT_DTLS_HVR_SENT, XDP_TX, &r);
			check_hvr(&r, &h);
		}
	}
}

/* supported_versions offering DTLS 1.3 alone, after two other extensions. */
static const uint8_t ext_13_only[] = {
	0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1d,	/* groups: x25519 */
	0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03,	/* sigalgs */
	0x00, 0x2b, 0x00, 0x03, 0x02, 0xfe, 0xfc,	/* versions: 1.3 */
};

static const uint8_t ext_13_and_12[] = {
	0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1d,
	0x00, 0x2b, 0x00, 0x05, 0x04, 0xfe, 0xfc, 0xfe, 0xfd,	/* 1.3, 1.2 */
};

static void test_dtls13_only_dropped(void **state)
{
	struct hello h;
	struct run r;

	(void)state;
	settled_epoch();
	hello_default(&h, 0);
	h.ext = ext_13_only;
	h.ext_len = sizeof(ext_13_only);
	expect(&h, SGATE_STAT_DTLS_DROP_V13_ONLY, XDP_DROP, &r);
	hello_default(&h, 1);
	h.ext = ext_13_only;
	h.ext_len = sizeof(ext_13_only);
	expect(&h, SGATE_STAT_DTLS_DROP_V13_ONLY, XDP_DROP, &r);
	/* A client that also offers 1.2 takes the HelloVerifyRequest. */
	hello_default(&h, 0);
	h.ext = ext_13_and_12;
	h.ext_len = sizeof(ext_13_and_12);
	expect(&h, SGATE_STAT_DTLS_HVR_SENT, XDP_TX, &r);
	check_hvr(&r, &h);
	/* An extension running past the block: not called 1.3-only. */
	hello_default(&h, 0);
	h.ext = ext_13_only;
	h.ext_len = sizeof(ext_13_only) - 1;
	expect(&h, SGATE_STAT_DTLS_HVR_SENT, XDP_TX, &r);
}

static void test_fragmented_hello_dropped(void **state)
{
	struct hello h;
	struct run r;

	(void)state;
	hello_default(&h, 0);
	h.frag_len_delta = -10;
	expect(&h, SGATE_STAT_DTLS_DROP_FRAGMENT, XDP_DROP, &r);
	hello_default(&h, 1);
	h.frag_offset = 10;
	h.frag_len_delta = -10;
	expect(&h, SGATE_STAT_DTLS_DROP_FRAGMENT, XDP_DROP, &r);
}

/* An IPv4 first fragment to a DTLS port: the rest could not be judged. */
static void test_ip_first_fragment_dropped(void **state)
{
	struct hello h;
	struct run r;

	(void)state;
	hello_default(&h, 0);
	h.ip_frag = 0x2000;
	expect(&h, SGATE_STAT_DROP_FRAGMENT, XDP_DROP, &r);
}

static void test_established_records_pass(void **state)
{
	struct hello h;
	struct run r;

	(void)state;
	hello_default(&h, 0);
	h.epoch = 1;
	expect(&h, SGATE_STAT_DTLS_PASS_EPOCH, XDP_PASS, &r);
	h.content_type = 23;	/* application data */
	expect(&h, SGATE_STAT_DTLS_PASS_OTHER, XDP_PASS, &r);
	hello_default(&h, 1);
	h.content_type = 21;	/* alert, epoch 0 */
	expect(&h, SGATE_STAT_DTLS_PASS_OTHER, XDP_PASS, &r);
	hello_default(&h, 1);
	h.msg_type = 16;	/* client_key_exchange, epoch 0 */
	expect(&h, SGATE_STAT_DTLS_PASS_OTHER, XDP_PASS, &r);
	assert_int_equal(r.len, r.in_len);
}

static void test_malformed_dropped(void **state)
{
	uint8_t f[FRAME_MAX], pl[8] = { 22, 0xfe, 0xfd };
	struct hello h;
	struct run r;
	uint64_t before;

	(void)state;
	hello_default(&h, 0);
	h.client_version = 0x0303;	/* TLS 1.2, not DTLS */
	expect(&h, SGATE_STAT_DTLS_DROP_MALFORMED, XDP_DROP, &r);
	hello_default(&h, 0);
	h.sid_len = 33;
	expect(&h, SGATE_STAT_DTLS_DROP_MALFORMED, XDP_DROP, &r);
	hello_default(&h, 1);
	h.record_len_delta = 1;		/* the record runs past the datagram */
	expect(&h, SGATE_STAT_DTLS_DROP_MALFORMED, XDP_DROP, &r);
	hello_default(&h, 1);
	h.record_len_delta = -60;	/* the message runs past the record */
	expect(&h, SGATE_STAT_DTLS_DROP_MALFORMED, XDP_DROP, &r);

	/* Shorter than a record header. */
	hello_default(&h, 0);
	before = counter(SGATE_STAT_DTLS_DROP_MALFORMED);
	run_frame(f, udp_frame(&h, pl, sizeof(pl), f), &r);
	assert_int_equal(r.verdict, XDP_DROP);
	assert_int_equal(counter(SGATE_STAT_DTLS_DROP_MALFORMED), before + 1);
}

static void test_not_protected_or_not_bound(void **state)
{
	struct hello h;
	struct run r;

	(void)state;
	hello_default(&h, 0);
	h.dport = 4435;
	expect(&h, SGATE_STAT_PASS_NOT_PROTECTED, XDP_PASS, &r);
	hello_default(&h, 1);
	h.dport = QUIET_DTLS_PORT;
	expect(&h, SGATE_STAT_PASS_NO_LISTENER, XDP_PASS, &r);
	/* A TCP port of the same number is another question. */
	hello_default(&h, 0);
	h.dport = 80;
	expect(&h, SGATE_STAT_PASS_NOT_PROTECTED, XDP_PASS, &r);
}

static void test_bogus_source_dropped(void **state)
{
	struct hello h;
	struct run r;

	(void)state;
	hello_default(&h, 0);
	h.sport = 0;
	expect(&h, SGATE_STAT_DROP_BOGUS_SOURCE, XDP_DROP, &r);
	hello_default(&h, 0);
	memcpy(h.saddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	expect(&h, SGATE_STAT_DROP_BOGUS_SOURCE, XDP_DROP, &r);
}

/* Without DTLS ports UDP is what it was: not the gate's (pass_not_tcp). */
static void test_udp_untouched_without_dtls_ports(void **state)
{
	struct hello h;
	struct run r;

	(void)state;
	cfg.dtls_enabled = 0;
	assert_int_equal(gate_set_config(&gate, &cfg), 0);
	hello_default(&h, 0);
	expect(&h, SGATE_STAT_PASS_NOT_TCP, XDP_PASS, &r);
	hello_default(&h, 1);
	expect(&h, SGATE_STAT_PASS_NOT_TCP, XDP_PASS, &r);
	cfg.dtls_enabled = 1;
	assert_int_equal(gate_set_config(&gate, &cfg), 0);
}

/* Every counter, summed: each frame moves exactly one, by one. */
static uint64_t all_counters(void)
{
	uint64_t sum[SGATE_STAT_MAX], total = 0;
	int i;

	assert_int_equal(gate_read_stats(&gate, sum), 0);
	for (i = 0; i < SGATE_STAT_MAX; i++)
		total += sum[i];
	return total;
}

/*
 * Hostile input: ClientHellos (with and without a valid cookie, 1.3-only)
 * with random bytes of the datagram changed and the frame cut anywhere
 * after the UDP header.  Whatever comes in, one counter moves, the verdict
 * is pass, drop or a HelloVerifyRequest, and a HelloVerifyRequest is
 * well-formed, no larger than the request, and carries the cookie the
 * document gives the hello as this file's parser reads it.
 */
static void test_mutated_hellos(void **state)
{
	uint8_t f[FRAME_MAX], want[COOKIE_LEN];
	struct hello h, seen;
	struct run r;
	uint64_t epoch, before, seed = 0x5eed0d71;
	size_t len, l4, body, k;
	int i, tx = 0, pass = 0, drop = 0;

	(void)state;
	epoch = settled_epoch();
	for (i = 0; i < 3000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		hello_default(&h, (int)(seed >> 63));
		h.sid_len = (uint8_t)((seed >> 40) % 33);
		memset(h.sid, 0x42, h.sid_len);
		if ((seed >> 20) % 3 == 0) {
			doc_cookie(&h, epoch, h.cookie);
			h.cookie_len = COOKIE_LEN;
		} else if ((seed >> 20) % 3 == 1) {
			h.ext = ext_13_only;
			h.ext_len = sizeof(ext_13_only);
		}
		len = hello_frame(&h, f);
		l4 = 14 + (h.ipv6 ? 40 : 20);
		for (k = 0; k < 1 + (seed >> 8) % 4; k++) {
			seed = seed * 6364136223846793005ULL + 1;
			f[l4 + 8 + (seed >> 33) % (len - l4 - 8)] ^=
				(uint8_t)(1 + (seed >> 16) % 255);
		}
		if ((seed >> 5) % 4 == 0)	/* cut short, IP length kept */
			len = l4 + 8 + (seed >> 40) % (len - l4 - 8);
		before = all_counters();
		run_frame(f, len, &r);
		assert_int_equal(all_counters(), before + 1);
		if (r.verdict == XDP_PASS) {
			pass++;
			continue;
		}
		if (r.verdict == XDP_DROP) {
			drop++;
			continue;
		}
		assert_int_equal(r.verdict, XDP_TX);
		tx++;
		/* The hello as it arrived, read here. */
		seen = h;
		memcpy(seen.seq, f + l4 + 8 + 5, 6);
		body = l4 + 8 + 25;
		seen.client_version = get16(f + body);
		memcpy(seen.random, f + body + 2, 32);
		seen.sid_len = f[body + 34];
		assert_true(seen.sid_len <= 32);
		memset(seen.sid, 0, sizeof(seen.sid));
		memcpy(seen.sid, f + body + 35, seen.sid_len);
		doc_cookie(&seen, epoch, want);
		assert_memory_equal(check_hvr(&r, &seen), want, COOKIE_LEN);
	}
	/* The mutations reach every kind of verdict. */
	assert_true(tx > 100 && pass > 10 && drop > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hvr_ipv4),
		cmocka_unit_test(test_hvr_ipv6),
		cmocka_unit_test(test_valid_cookie_passes_ipv4),
		cmocka_unit_test(test_valid_cookie_passes_ipv6),
		cmocka_unit_test(test_previous_epoch_passes),
		cmocka_unit_test(test_expired_cookie_new_hvr),
		cmocka_unit_test(test_stale_cookie_new_hvr),
		cmocka_unit_test(test_forged_cookies_new_hvr),
		cmocka_unit_test(test_reply_never_larger),
		cmocka_unit_test(test_dtls13_only_dropped),
		cmocka_unit_test(test_fragmented_hello_dropped),
		cmocka_unit_test(test_ip_first_fragment_dropped),
		cmocka_unit_test(test_established_records_pass),
		cmocka_unit_test(test_malformed_dropped),
		cmocka_unit_test(test_not_protected_or_not_bound),
		cmocka_unit_test(test_bogus_source_dropped),
		cmocka_unit_test(test_udp_untouched_without_dtls_ports),
		cmocka_unit_test(test_mutated_hellos),
	};

	int failed;

	failed = cmocka_run_group_tests_name("dtls packet tests", tests, setup,
					     teardown);
	/* Every case again, through the slot program. */
	failed += cmocka_run_group_tests_name("dtls packet tests, fixed frame",
					      tests, setup_fixed_frame,
					      teardown);
	return failed;
}
