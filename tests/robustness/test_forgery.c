// SPDX-License-Identifier: GPL-2.0
/*
 * The forgery bound, measured: random forged ACKs through the real gate
 * with BPF_PROG_RUN, counted by the gate's own counters.
 *
 *  - At full width (25-bit MAC), the accepted count must lie in the 99.9%
 *    interval of Binomial(N, 2^-25), the bound of cookie-format.md section 7.
 *  - A test build of the gate with an 8-bit MAC (build/sgate_mac8.bpf.o)
 *    must accept about 2^-8 of them: proof that acceptance follows the MAC
 *    bits and nothing else.
 *
 * In both, the count must also equal, exactly, what the codec accepts for
 * the same ACKs replayed in user space (forge_codec.c): the gate accepts
 * what the codec accepts, and the codec's rate is the bound.
 *
 * forge_driver.bpf.c writes each ACK into the frame and tail-calls the
 * gate, so one BPF_PROG_RUN with a repeat count sends 10^6 different ACKs.
 *
 *   SGATE_FORGE_ACKS       full-width ACKs, half IPv4, half IPv6 (default 1e7)
 *   SGATE_FORGE_ACKS_MAC8  8-bit ACKs (default 1e5)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "sgate/abi.h"
#include "sgate.skel.h"
#include "sgate_mac8.skel.h"
#include "forge_driver.skel.h"
#include "forge.h"
#include "forge_codec.h"
#include "forge_stats.h"
#include "../lib/clock.h"
#include "../lib/gate_run.h"
#include "../lib/packet.h"

enum { CHUNK = 1000000 };

/* A gate build and the driver that feeds it forged ACKs. */
struct forged_gate {
	const char *name;
	int mac_bits;
	struct gate gate;
	struct forge_driver_bpf *driver;
};

static struct sgate_mac8_bpf *gate8;
static struct forged_gate g25 = { .name = "25-bit MAC (the gate)", .mac_bits = 25 };
static struct forged_gate g8 = { .name = "8-bit MAC (test build)", .mac_bits = 8 };
static struct sgate_config cfg;
static struct sgate_keyring ring;

/* The gate's maps filled, and the driver's tail call aimed at it. */
static int wire_driver(struct forged_gate *g)
{
	uint32_t zero = 0;
	int fd;

	g->driver = forge_driver_bpf__open_and_load();
	if (!g->driver)
		return -1;
	fd = bpf_map__fd(g->driver->maps.gate);
	return bpf_map_update_elem(fd, &zero, &g->gate.xdp_fd, 0) ||
	       gate_set_config(&g->gate, &cfg) ||
	       gate_set_ring(&g->gate, 0, &ring) ||
	       gate_set_key_sel(&g->gate, 0);
}

static int setup(void **state)
{
	uint64_t now = coarse_ns();
	int i, err;

	(void)state;
	err = gate_netns_enter();	/* no socket for any lookup to find */
	if (err) {
		fprintf(stderr, "a network namespace of our own: %s\n", strerror(-err));
		return -1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.abi_version = SGATE_ABI_VERSION;
	cfg.features = SGATE_FEAT_SACK | SGATE_FEAT_TS | SGATE_FEAT_WSCALE |
		       SGATE_FEAT_ECN;
	cfg.mss_v4 = 1460;
	cfg.mss_v6 = 1440;
	cfg.syn_window = 64240;
	cfg.rcv_wscale = 7;
	/*
	 * Epoch 1 now, its end a third of the uptime away: both epoch ids
	 * name an epoch with a key, so every forged ACK reaches the MAC check,
	 * and no boundary falls inside the run.
	 */
	cfg.epoch_ns = now / 3 * 2 + 1;
	cfg.ports[FORGE_PORT / 32] |= 1U << (FORGE_PORT % 32);
	/* The gate judges only what the stack would take: our MAC, a listener. */
	memcpy(cfg.mac, pkt_server_mac, sizeof(cfg.mac));
	if (gate_listen(FORGE_PORT)) {
		fprintf(stderr, "cannot listen on port %d: %s\n", FORGE_PORT,
			strerror(errno));
		return -1;
	}
	memset(&ring, 0, sizeof(ring));
	for (i = 0; i < 16; i++)
		((uint8_t *)ring.m[0].key.k)[i] = (uint8_t)(0x3c ^ (i * 29));
	ring.m[0].first_epoch = 0;
	ring.m[1].first_epoch = ring.m[2].first_epoch = ~0ULL;
	ring.serial = 1;

	err = gate_load(&g25.gate, true);
	gate8 = sgate_mac8_bpf__open_and_load();
	if (err || !gate8 || gate_wire(&g8.gate, gate8->obj)) {
		fprintf(stderr, "cannot load the gate: %s\n",
			strerror(err ? -err : errno));
		return -1;
	}
	if (wire_driver(&g25) || wire_driver(&g8)) {
		fprintf(stderr, "cannot load the driver or fill the maps: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	forge_driver_bpf__destroy(g25.driver);
	forge_driver_bpf__destroy(g8.driver);
	gate_unload(&g25.gate);
	sgate_mac8_bpf__destroy(gate8);
	return 0;
}

/* A final ACK to port 80 with room for NOP NOP TS; the driver fills it. */
static size_t template(int ipv6, uint8_t *frame)
{
	static const uint8_t ts[12] = { 1, 1, 8, 10, 0, 0, 0, 7, 0x12, 0x34, 0x56, 0x78 };
	struct pkt_spec s;

	pkt_default(&s, ipv6);
	if (ipv6) {
		memcpy(s.saddr, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
		memcpy(s.daddr, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
	}
	s.flags = TF_ACK;
	s.dport = FORGE_PORT;
	s.opts = ts;
	s.optlen = sizeof(ts);
	return pkt_build(&s, frame);
}

struct tally {
	uint64_t sent, accepted, predicted, bad_mac, stale, other;
	double seconds;
};

/* n forged ACKs of one family through gate g, from a given stream state. */
static void forge_run(struct forged_gate *g, int ipv6, uint64_t state, uint64_t n,
		      struct tally *t)
{
	uint8_t frame[PKT_MAX], out[PKT_MAX + 64];
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
					 bpf_program__fd(g->driver->progs.forge),
					 &opts), 0);
		t->seconds += mono_s() - t0;
		e1 = gate_epoch_now(cfg.epoch_ns);
		assert_int_equal(gate_read_stats(&g->gate, after), 0);
		if (e0 != e1)
			fail_msg("an epoch boundary fell inside the run");
		/* Every repeat ran the driver, which sent one ACK to the gate. */
		assert_int_equal(g->driver->bss->forge_sent - sent0, chunk);
		predicted = g->mac_bits == 8 ?
			forge_accepted_8(&ring, e0, frame, ipv6, state, chunk) :
			forge_accepted_25(&ring, e0, frame, ipv6, state, chunk);
		/* Accepted: passed, or verified with no room left for metadata. */
		t->accepted += after[SGATE_STAT_COOKIE_VALID] - before[SGATE_STAT_COOKIE_VALID] +
			       after[SGATE_STAT_COOKIE_VALID_NO_META] - before[SGATE_STAT_COOKIE_VALID_NO_META];
		t->bad_mac += after[SGATE_STAT_COOKIE_BAD_MAC] - before[SGATE_STAT_COOKIE_BAD_MAC];
		t->stale += after[SGATE_STAT_COOKIE_STALE] - before[SGATE_STAT_COOKIE_STALE];
		for (i = 0; i < SGATE_STAT_MAX; i++)
			if (i != SGATE_STAT_COOKIE_VALID && i != SGATE_STAT_COOKIE_VALID_NO_META &&
			    i != SGATE_STAT_COOKIE_BAD_MAC && i != SGATE_STAT_COOKIE_STALE)
				t->other += after[i] - before[i];
		t->predicted += predicted;
		t->sent += chunk;
		/* The driver advanced the stream by two draws per ACK. */
		state += 2ULL * chunk * 0x9e3779b97f4a7c15ULL;
		assert_int_equal(g->driver->bss->forge_state, state);
		done += chunk;
	}
}

static void forgery(struct forged_gate *g, uint64_t n, double p, const char *bound)
{
	struct tally t = {};
	uint64_t lo, hi;

	forge_run(g, 0, 0x0f0f0f0f00000000ULL + n, n / 2, &t);
	forge_run(g, 1, 0x7e7e7e7e00000000ULL + n, n - n / 2, &t);
	binomial_interval((double)t.sent, p, 0.999, &lo, &hi);
	printf("forgery, %s: %llu forged ACKs (%llu IPv4, %llu IPv6) in %.2f s "
	       "(%.0f ns each): accepted %llu, the codec predicts %llu; "
	       "bound %s: expected %.3f, 99.9%% interval [%llu, %llu]\n",
	       g->name, (unsigned long long)t.sent, (unsigned long long)(n / 2),
	       (unsigned long long)(n - n / 2), t.seconds,
	       t.seconds * 1e9 / (double)t.sent, (unsigned long long)t.accepted,
	       (unsigned long long)t.predicted, bound, (double)t.sent * p,
	       (unsigned long long)lo, (unsigned long long)hi);
	/* Every forged ACK reached the MAC check and nothing else happened. */
	assert_int_equal(t.stale, 0);
	assert_int_equal(t.other, 0);
	assert_int_equal(t.accepted + t.bad_mac, t.sent);
	/* The gate accepts exactly what the codec accepts ... */
	assert_int_equal(t.accepted, t.predicted);
	/* ... and that is the bound's rate. */
	if (t.accepted < lo || t.accepted > hi)
		fail_msg("%llu accepted, outside the 99.9%% interval [%llu, %llu]",
			 (unsigned long long)t.accepted, (unsigned long long)lo,
			 (unsigned long long)hi);
}

static void test_forged_acks_mac8(void **state)
{
	(void)state;
	forgery(&g8, env_count("SGATE_FORGE_ACKS_MAC8", 100000), 1.0 / 256,
		"2^-8");
}

static void test_forged_acks_full_width(void **state)
{
	(void)state;
	forgery(&g25, env_count("SGATE_FORGE_ACKS", 10000000),
		1.0 / (1 << 25), "2^-25 (cookie-format.md section 7)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forged_acks_mac8),
		cmocka_unit_test(test_forged_acks_full_width),
	};

	if (geteuid() != 0) {
		printf("SKIP: the forgery test needs root (BPF_PROG_RUN, a netns)\n");
		return 77;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	return cmocka_run_group_tests_name("forgery bound", tests, setup,
					   teardown);
}
