// SPDX-License-Identifier: GPL-2.0
/*
 * The forgery bound of the DTLS cookie, measured as test_forgery.c does
 * for the TCP one: random forged ClientHello cookies through the real gate
 * with BPF_PROG_RUN, counted by the gate's own counters.
 *
 *  - At full width (a 64-bit MAC), none of them may pass: the 99.9%
 *    interval of Binomial(N, 2^-64) is [0, 0] for any N we can send.
 *  - The test build of the gate (build/sgate_mac8.bpf.o, which checks 8
 *    bits of the DTLS MAC as of the TCP one) must pass about 2^-8 of
 *    them: proof that acceptance follows the MAC bits and nothing else.
 *
 * In both, the count must equal, exactly, what the codec accepts for the
 * same ClientHellos replayed in user space (forge_dtls_codec.c).
 *
 *   SGATE_FORGE_HELLOS       full-width ClientHellos, half IPv4, half IPv6 (default 1e7)
 *   SGATE_FORGE_HELLOS_MAC8  8-bit ClientHellos (default 1e5)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "sgate/abi.h"
#include "sgate.skel.h"
#include "sgate_mac8.skel.h"
#include "forge_dtls_driver.skel.h"
#include "forge_dtls.h"
#include "forge_codec.h"
#include "forge_stats.h"
#include "../lib/clock.h"
#include "../lib/gate_run.h"
#include "../lib/packet.h"

enum { CHUNK = 1000000 };

struct forged_gate {
	const char *name;
	int mac_bits;
	struct gate gate;
	struct forge_dtls_driver_bpf *driver;
};

static struct sgate_mac8_bpf *gate8;
static struct forged_gate g64 = { .name = "64-bit MAC (the gate)", .mac_bits = 64 };
static struct forged_gate g8 = { .name = "8-bit MAC (test build)", .mac_bits = 8 };
static struct sgate_config cfg;
static struct sgate_keyring ring;

static int wire_driver(struct forged_gate *g)
{
	uint32_t zero = 0;
	int fd;

	g->driver = forge_dtls_driver_bpf__open_and_load();
	if (!g->driver)
		return -1;
	fd = bpf_map__fd(g->driver->maps.gate);
	return bpf_map_update_elem(fd, &zero, &g->gate.xdp_fd, 0) ||
	       gate_set_config(&g->gate, &cfg) ||
	       gate_set_ring(&g->gate, 0, &ring) ||
	       gate_set_key_sel(&g->gate, 0);
}

/* The gate judges only what the stack would take: a UDP socket on the port. */
static int bind_udp(int family)
{
	struct sockaddr_storage a = {};
	int fd = socket(family, SOCK_DGRAM, 0), one = 1;

	if (fd < 0)
		return -1;
	if (family == AF_INET) {
		((struct sockaddr_in *)&a)->sin_family = AF_INET;
		((struct sockaddr_in *)&a)->sin_port = htons(FORGE_DTLS_PORT);
		return bind(fd, (void *)&a, sizeof(struct sockaddr_in));
	}
	((struct sockaddr_in6 *)&a)->sin6_family = AF_INET6;
	((struct sockaddr_in6 *)&a)->sin6_port = htons(FORGE_DTLS_PORT);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	return bind(fd, (void *)&a, sizeof(struct sockaddr_in6));
}

static int setup(void **state)
{
	uint64_t now = coarse_ns();
	int i, err;

	(void)state;
	err = gate_netns_enter();
	if (err) {
		fprintf(stderr, "a network namespace of our own: %s\n", strerror(-err));
		return -1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.abi_version = SGATE_ABI_VERSION;
	cfg.mss_v4 = 1460;
	cfg.mss_v6 = 1440;
	/* Epoch 1 now, as in test_forgery.c: both epoch ids name a key. */
	cfg.epoch_ns = now / 3 * 2 + 1;
	cfg.dtls_enabled = 1;
	cfg.dtls_ports[FORGE_DTLS_PORT / 32] |= 1U << (FORGE_DTLS_PORT % 32);
	memcpy(cfg.mac, pkt_server_mac, sizeof(cfg.mac));
	if (bind_udp(AF_INET) || bind_udp(AF_INET6)) {
		fprintf(stderr, "cannot bind UDP port %d: %s\n", FORGE_DTLS_PORT,
			strerror(errno));
		return -1;
	}
	memset(&ring, 0, sizeof(ring));
	for (i = 0; i < 16; i++)
		((uint8_t *)ring.m[0].key.k)[i] = (uint8_t)(0x5a ^ (i * 37));
	ring.m[0].first_epoch = 0;
	ring.m[1].first_epoch = ring.m[2].first_epoch = ~0ULL;
	ring.serial = 1;

	err = gate_load(&g64.gate, true);
	gate8 = sgate_mac8_bpf__open_and_load();
	if (err || !gate8 || gate_wire(&g8.gate, gate8->obj)) {
		fprintf(stderr, "cannot load the gate: %s\n",
			strerror(err ? -err : errno));
		return -1;
	}
	if (wire_driver(&g64) || wire_driver(&g8)) {
		fprintf(stderr, "cannot load the driver or fill the maps: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	forge_dtls_driver_bpf__destroy(g64.driver);
	forge_dtls_driver_bpf__destroy(g8.driver);
	gate_unload(&g64.gate);
	sgate_mac8_bpf__destroy(gate8);
	return 0;
}

/*
 * A DTLS 1.2 ClientHello to FORGE_DTLS_PORT with an empty session_id, a
 * 9-byte cookie and supported_versions naming 1.3 alone; the driver fills
 * in the forged fields.  The builder's TCP segment gives the IP headers.
 */
static size_t template(int ipv6, uint8_t *frame)
{
	static const uint8_t tail[FORGE_DTLS_TAIL] = {
		0, 2, 0x13, 0x01, 1, 0, 0, 7, 0, 43, 0, 3, 2, 0xfe, 0xfc,
	};
	struct pkt_spec s;
	struct pkt_layout lay;
	uint8_t *u, *rec, *hs;
	size_t len, body = FORGE_DTLS_UDP_LEN - FORGE_DTLS_BODY, i;

	pkt_default(&s, ipv6);
	if (ipv6) {
		memcpy(s.saddr, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
		memcpy(s.daddr, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
	}
	s.proto = 17;
	s.paylen = FORGE_DTLS_UDP_LEN - 20;
	len = pkt_build(&s, frame);
	pkt_layout(&s, &lay);
	assert_int_equal(lay.l4off, ipv6 ? FORGE_L4_V6 : FORGE_L4_V4);
	assert_int_equal(len, lay.l4off + FORGE_DTLS_UDP_LEN);
	u = frame + lay.l4off;
	memset(u, 0, FORGE_DTLS_UDP_LEN);
	put16(u, 40000);
	put16(u + 2, FORGE_DTLS_PORT);
	put16(u + 4, FORGE_DTLS_UDP_LEN);	/* checksum 0: not checked */
	rec = u + 8;
	rec[0] = 22;
	put16(rec + 1, 0xfeff);
	rec[10] = 1;				/* sequence 1 */
	put16(rec + 11, (uint16_t)(12 + body));
	hs = rec + 13;
	hs[0] = 1;
	hs[3] = (uint8_t)body;
	hs[11] = (uint8_t)body;
	put16(u + FORGE_DTLS_BODY, 0xfefd);
	for (i = 0; i < 32; i++)
		u[FORGE_DTLS_RANDOM + i] = (uint8_t)(0x40 + i);
	u[FORGE_DTLS_COOKIE - 1] = FORGE_DTLS_COOKIE_LEN;
	memcpy(u + FORGE_DTLS_COOKIE + FORGE_DTLS_COOKIE_LEN, tail, sizeof(tail));
	return len;
}

struct tally {
	uint64_t sent, accepted, predicted, rejected, other;
	double seconds;
};

static void forge_run(struct forged_gate *g, int ipv6, uint64_t state,
		      uint64_t n, struct tally *t)
{
	uint8_t frame[FORGE_FRAME_MAX], out[FORGE_FRAME_MAX + 64];
	size_t len = template(ipv6, frame);
	uint64_t done = 0;

	while (done < n) {
		uint32_t chunk = (uint32_t)(n - done < CHUNK ? n - done : CHUNK);
		uint64_t before[SGATE_STAT_MAX], after[SGATE_STAT_MAX];
		uint64_t e0, e1, sent0 = g->driver->bss->forge_sent, predicted;
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
			    .data_size_in = (uint32_t)len, .data_out = out,
			    .data_size_out = sizeof(out), .repeat = chunk);
		double t0;
		int i;

		g->driver->bss->forge_state = state;
		g->driver->bss->forge_ipv6 = (uint32_t)ipv6;
		assert_int_equal(gate_read_stats(&g->gate, before), 0);
		e0 = gate_epoch_now(cfg.epoch_ns);
		t0 = mono_s();
		assert_int_equal(bpf_prog_test_run_opts(
					 bpf_program__fd(g->driver->progs.forge_dtls),
					 &opts), 0);
		t->seconds += mono_s() - t0;
		e1 = gate_epoch_now(cfg.epoch_ns);
		assert_int_equal(gate_read_stats(&g->gate, after), 0);
		if (e0 != e1)
			fail_msg("an epoch boundary fell inside the run");
		assert_int_equal(g->driver->bss->forge_sent - sent0, chunk);
		predicted = g->mac_bits == 8 ?
			forge_dtls_accepted_8(&ring, e0, frame, ipv6, state, chunk) :
			forge_dtls_accepted_64(&ring, e0, frame, ipv6, state, chunk);
		t->accepted += after[SGATE_STAT_DTLS_COOKIE_VALID] -
			       before[SGATE_STAT_DTLS_COOKIE_VALID];
		/* A cookie that fails: the 1.3-only ClientHello is dropped. */
		t->rejected += after[SGATE_STAT_DTLS_DROP_V13_ONLY] -
			       before[SGATE_STAT_DTLS_DROP_V13_ONLY];
		for (i = 0; i < SGATE_STAT_MAX; i++)
			if (i != SGATE_STAT_DTLS_COOKIE_VALID &&
			    i != SGATE_STAT_DTLS_DROP_V13_ONLY)
				t->other += after[i] - before[i];
		t->predicted += predicted;
		t->sent += chunk;
		/* The driver advanced the stream by three draws each. */
		state += 3ULL * chunk * 0x9e3779b97f4a7c15ULL;
		assert_int_equal(g->driver->bss->forge_state, state);
		done += chunk;
	}
}

static void forgery(struct forged_gate *g, uint64_t n, double p, const char *bound)
{
	struct tally t = {};
	uint64_t lo, hi;

	forge_run(g, 0, 0x1d1d1d1d00000000ULL + n, n / 2, &t);
	forge_run(g, 1, 0x6c6c6c6c00000000ULL + n, n - n / 2, &t);
	binomial_interval((double)t.sent, p, 0.999, &lo, &hi);
	printf("DTLS forgery, %s: %llu forged ClientHellos (%llu IPv4, %llu IPv6) "
	       "in %.2f s (%.0f ns each): accepted %llu, the codec predicts %llu; "
	       "bound %s: expected %.3g, 99.9%% interval [%llu, %llu]\n",
	       g->name, (unsigned long long)t.sent, (unsigned long long)(n / 2),
	       (unsigned long long)(n - n / 2), t.seconds,
	       t.seconds * 1e9 / (double)t.sent, (unsigned long long)t.accepted,
	       (unsigned long long)t.predicted, bound, (double)t.sent * p,
	       (unsigned long long)lo, (unsigned long long)hi);
	/* Every forged cookie reached the MAC check and nothing else happened. */
	assert_int_equal(t.other, 0);
	assert_int_equal(t.accepted + t.rejected, t.sent);
	assert_int_equal(t.accepted, t.predicted);
	if (t.accepted < lo || t.accepted > hi)
		fail_msg("%llu accepted, outside the 99.9%% interval [%llu, %llu]",
			 (unsigned long long)t.accepted, (unsigned long long)lo,
			 (unsigned long long)hi);
}

static void test_forged_hellos_mac8(void **state)
{
	(void)state;
	forgery(&g8, env_count("SGATE_FORGE_HELLOS_MAC8", 100000), 1.0 / 256,
		"2^-8");
}

static void test_forged_hellos_full_width(void **state)
{
	(void)state;
	forgery(&g64, env_count("SGATE_FORGE_HELLOS", 10000000), ldexp(1, -64),
		"2^-64 (dtls.md)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forged_hellos_mac8),
		cmocka_unit_test(test_forged_hellos_full_width),
	};

	if (geteuid() != 0) {
		printf("SKIP: the DTLS forgery test needs root (BPF_PROG_RUN, a netns)\n");
		return 77;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	return cmocka_run_group_tests_name("DTLS forgery bound", tests, setup,
					   teardown);
}
