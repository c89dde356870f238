// SPDX-License-Identifier: GPL-2.0
/*
 * Differential fuzzer: every frame goes to the real XDP program through
 * BPF_PROG_RUN and to the reference model (tests/model/), and the two must
 * agree on the verdict, the bytes that come out (frame and metadata) and
 * the counter that moved.  Invariants are checked on every frame without
 * the model's decision (invariants.c): above all the rule, that nothing the
 * stack would hand to a protected listener passes unjudged.  Frames come from gen.c and the seed
 * corpus in seeds.c; disagreements are saved as case files (case_file.c)
 * and tests/fuzz/regress/ holds those that must never come back.
 *
 *   SGATE_FUZZ_FRAMES   random frames (default 1e6; "1e8" is fine)
 *   SGATE_FUZZ_SEED     the generator's seed (default 0x5eed)
 *   SGATE_FUZZ_REGRESS  directory of regression cases (tests/fuzz/regress)
 *   SGATE_FUZZ_SAVE     where new mismatches are written (build/fuzz)
 *
 * It runs in a network namespace of its own, so the only sockets the
 * program's lookups can find are the two connections it makes itself, the
 * listeners on gen_listen_ports and the UDP sockets on gen_dtls_ports (any
 * address).  That namespace forwards
 * nothing, so every destination is local to the FIB.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "sgate/abi.h"
#include "../lib/clock.h"
#include "../lib/gate_run.h"
#include "../model/xdp_model.h"
#include "case_file.h"
#include "context.h"
#include "gen.h"
#include "invariants.h"
#include "sgate.skel.h"
#include "kclock.skel.h"

enum {
	/* BPF_PROG_RUN's metadata limit on this kernel: 256 - xdp_frame. */
	META_MAX = 216,
	MAX_REPORTS = 5,
	MAX_SAVED = 20,
};

/* ---- the program under test ----------------------------------------- */

static struct gate inst[2];		/* by context.h's CONTEXT_* */

static struct context cur;		/* what the maps hold now */
static uint64_t stats_prev[2][SGATE_STAT_MAX];

/* ---- results -------------------------------------------------------- */

static uint64_t frames_run, frames_refused, retries, mismatches, saved;
static struct kclock_bpf *kclock;

/* bpf_ktime_get_coarse_ns(), read by a program as the gate reads it. */
static uint64_t kernel_coarse_ns(void)
{
	static const uint8_t frame[14];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = sizeof(frame));

	if (bpf_prog_test_run_opts(bpf_program__fd(kclock->progs.kclock), &opts))
		fail_msg("BPF_PROG_RUN of the clock program: %s", strerror(errno));
	return kclock->bss->kclock_now;
}
static uint64_t stat_hits[SGATE_STAT_MAX], verdict_hits[4];
static uint64_t invariant_failures;
static const char *save_dir = "build/fuzz";

static void read_stats(int which, uint64_t *sum)
{
	int err = gate_read_stats(&inst[which], sum);

	if (err)
		fail_msg("stats lookup: %s", strerror(-err));
}

static void apply_context(const struct context *c)
{
	const struct gate *in = &inst[c->inst];
	int err;

	cur = *c;
	err = gate_set_config(in, &c->cfg);
	if (!err)
		err = gate_set_ring(in, 0, &c->ring[0]);
	if (!err)
		err = gate_set_ring(in, 1, &c->ring[1]);
	if (!err)
		err = gate_set_key_sel(in, c->sel);
	if (err)
		fail_msg("map update: %s", strerror(-err));
	read_stats(c->inst, stats_prev[c->inst]);
}

/* ---- the stack's sockets -------------------------------------------- */

static bool tuple_is(const struct model_tuple *t, unsigned sport,
		     unsigned dport)
{
	return (unsigned)(t->sport[0] << 8 | t->sport[1]) == sport &&
	       (unsigned)(t->dport[0] << 8 | t->dport[1]) == dport;
}

/* The two connections made in setup: 127.0.0.1 and ::1, 7778 <-> 7777. */
static bool stack_owns(const struct model_tuple *t, void *arg)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 }, lo6[16] = { [15] = 1 };
	const uint8_t *lo = t->ipv6 ? lo6 : lo4;
	size_t n = t->ipv6 ? 16 : 4;

	(void)arg;
	if (memcmp(t->saddr, lo, n) || memcmp(t->daddr, lo, n))
		return false;
	return tuple_is(t, GEN_EST_CLIENT_PORT, GEN_EST_SERVER_PORT) ||
	       tuple_is(t, GEN_EST_SERVER_PORT, GEN_EST_CLIENT_PORT);
}

static bool is_loopback(const struct model_tuple *t)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 }, lo6[16] = { [15] = 1 };

	return !memcmp(t->daddr, t->ipv6 ? lo6 : lo4, t->ipv6 ? 16 : 4);
}

/* The listeners: GEN_LISTEN_PORTS anywhere, and the pair's on loopback. */
static bool listening(const struct model_tuple *t, void *arg)
{
	unsigned dport = (unsigned)(t->dport[0] << 8 | t->dport[1]);

	(void)arg;
	if (dport == GEN_EST_SERVER_PORT)
		return is_loopback(t);
	return gen_listening(dport);
}

/* The UDP sockets: gen_dtls_ports, any address. */
static bool udp_bound(const struct model_tuple *t, void *arg)
{
	(void)arg;
	return gen_udp_bound((unsigned)(t->dport[0] << 8 | t->dport[1]));
}

static bool addr_local(const struct model_tuple *t, void *arg)
{
	(void)t;
	(void)arg;
	return true;
}

/*
 * The gate's "recent" map (bpf/recent.h) is state it keeps across frames;
 * the fuzzer reads it for the 4-tuples the stack owns, at the slots learnt
 * in setup by passing one ACK of each (learn_recent_slots()).
 */
enum { OWNED_TUPLES = 4, RECENT_UNIT_SHIFT = 30, RECENT_WINDOW_UNITS = 120 };
static struct model_tuple owned[OWNED_TUPLES];
static int owned_slot[2][OWNED_TUPLES];

static bool same_tuple(const struct model_tuple *a, const struct model_tuple *b)
{
	size_t n = a->ipv6 ? 16 : 4;

	return a->ipv6 == b->ipv6 && !memcmp(a->saddr, b->saddr, n) &&
	       !memcmp(a->daddr, b->daddr, n) && !memcmp(a->sport, b->sport, 2) &&
	       !memcmp(a->dport, b->dport, 2);
}

static bool recent(const struct model_tuple *t, uint64_t now_ns, void *arg)
{
	uint32_t stamp = 0, now = (uint32_t)(now_ns >> RECENT_UNIT_SHIFT) + 1;
	int fd = bpf_map__fd(inst[cur.inst].skel->maps.sgate_recent), k;
	uint32_t slot;

	(void)arg;
	for (k = 0; k < OWNED_TUPLES; k++)
		if (same_tuple(t, &owned[k]) && owned_slot[cur.inst][k] >= 0) {
			slot = (uint32_t)owned_slot[cur.inst][k];
			if (bpf_map_lookup_elem(fd, &slot, &stamp))
				return false;
			return stamp && now - stamp <= RECENT_WINDOW_UNITS;
		}
	return false;	/* the model asks only about the stack's tuples */
}

static int connect_pair(int family)
{
	struct sockaddr_storage srv = {}, cli = {};
	socklen_t alen;
	int l, c, a, one = 1;

	if (family == AF_INET) {
		struct sockaddr_in *s = (void *)&srv, *k = (void *)&cli;

		s->sin_family = k->sin_family = AF_INET;
		s->sin_addr.s_addr = k->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s->sin_port = htons(GEN_EST_SERVER_PORT);
		k->sin_port = htons(GEN_EST_CLIENT_PORT);
		alen = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (void *)&srv, *k = (void *)&cli;

		s->sin6_family = k->sin6_family = AF_INET6;
		s->sin6_addr = k->sin6_addr = in6addr_loopback;
		s->sin6_port = htons(GEN_EST_SERVER_PORT);
		k->sin6_port = htons(GEN_EST_CLIENT_PORT);
		alen = sizeof(*s);
	}
	l = socket(family, SOCK_STREAM, 0);
	c = socket(family, SOCK_STREAM, 0);
	if (l < 0 || c < 0)
		return -1;
	if (family == AF_INET6) {
		setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(c, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	}
	if (bind(l, (void *)&srv, alen) || listen(l, 4) ||
	    bind(c, (void *)&cli, alen) || connect(c, (void *)&srv, alen))
		return -1;
	a = accept(l, NULL, NULL);
	return a < 0 ? -1 : 0;	/* the sockets stay open until exit */
}

/* A UDP socket on any address and @port, for the DTLS path's lookup. */
static int bind_udp(int family, uint16_t port)
{
	struct sockaddr_storage a = {};
	socklen_t alen;
	int fd = socket(family, SOCK_DGRAM, 0), one = 1;

	if (fd < 0)
		return -1;
	if (family == AF_INET) {
		struct sockaddr_in *s = (void *)&a;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		alen = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (void *)&a;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		alen = sizeof(*s);
	}
	return bind(fd, (void *)&a, alen);	/* open until exit */
}

static int netns_setup(void)
{
	int err = gate_netns_enter(), k;

	if (err) {
		fprintf(stderr, "a network namespace of our own: %s\n", strerror(-err));
		return -1;
	}
	kclock = kclock_bpf__open_and_load();
	if (!kclock) {
		fprintf(stderr, "cannot load the clock program: %s\n", strerror(errno));
		return -1;
	}
	if (connect_pair(AF_INET) || connect_pair(AF_INET6)) {
		fprintf(stderr, "loopback connections: %s\n", strerror(errno));
		return -1;
	}
	for (k = 0; k < GEN_NDTLS; k++)
		if (bind_udp(AF_INET, gen_dtls_ports[k]) ||
		    bind_udp(AF_INET6, gen_dtls_ports[k])) {
			fprintf(stderr, "bind UDP port %u: %s\n", gen_dtls_ports[k],
				strerror(errno));
			return -1;
		}
	for (k = 0; k < GEN_NLISTEN; k++) {
		err = gate_listen(gen_listen_ports[k]);
		if (err) {
			fprintf(stderr, "listen on %u: %s\n", gen_listen_ports[k],
				strerror(-err));
			return -1;
		}
	}
	return 0;
}

/* ---- contexts ------------------------------------------------------- */

static void random_key(struct rng *g, struct sgate_master_key *m,
		       uint64_t first)
{
	uint64_t a = rng_u64(g), b = rng_u64(g);

	memcpy(m->key.k, &a, 8);
	memcpy((uint8_t *)m->key.k + 8, &b, 8);
	m->first_epoch = first;
}

static uint64_t ep_minus(uint64_t e, uint64_t k)
{
	return e >= k ? e - k : 0;
}

/* Rings that make each path reachable: one key, pending, just taken over, none. */
static void random_ring(struct rng *g, struct sgate_keyring *r, uint64_t e)
{
	ring_empty(r);
	r->serial = rng_u64(g);
	switch (rng_below(g, 7)) {
	case 0:
	case 1:
		random_key(g, &r->m[0], 0);
		break;
	case 2:		/* a pending master, the current one behind it */
		random_key(g, &r->m[0], e + 1);
		random_key(g, &r->m[1], ep_minus(e, 5));
		break;
	case 3:		/* took over now: the previous epoch has no key */
		random_key(g, &r->m[0], e);
		break;
	case 4:
		break;	/* no key at all */
	case 5:		/* full ring */
		random_key(g, &r->m[0], e);
		random_key(g, &r->m[1], ep_minus(e, 1));
		random_key(g, &r->m[2], 0);
		break;
	default: {	/* first epochs anywhere near now, newest first */
		uint64_t f = e + 2;
		int i;

		for (i = 0; i < SGATE_KEYRING_MASTERS; i++) {
			f = ep_minus(f, rng_below(g, 3));
			if (rng_chance(g, 80))
				random_key(g, &r->m[i], f);
		}
		break;
	}
	}
}

static uint16_t random_mss(struct rng *g)
{
	static const uint16_t v[] = { 536, 1220, 1300, 1400, 1420, 1440, 1460,
				      8940, 8960, 9000, 0, 100, 65535 };

	return rng_chance(g, 90) ? v[rng_below(g, 13)] : (uint16_t)rng_u64(g);
}

static void random_context(struct rng *g, struct context *c)
{
	uint64_t now = coarse_ns(), e;
	unsigned i, roll;

	memset(c, 0, sizeof(*c));
	c->inst = rng_chance(g, 88) ? CONTEXT_IPV6 : CONTEXT_NO_IPV6;
	c->cfg.abi_version = SGATE_ABI_VERSION;
	/* The device's MAC: the builder's server, now and then another. */
	memcpy(c->cfg.mac, pkt_server_mac, 6);
	if (rng_chance(g, 5))
		for (i = 0; i < 6; i++)
			c->cfg.mac[i] = (uint8_t)rng_u64(g);
	c->cfg.features = rng_chance(g, 50) ? 15 : rng_below(g, 16);
	c->cfg.mss_v4 = random_mss(g);
	c->cfg.mss_v6 = random_mss(g);
	c->cfg.syn_window = rng_chance(g, 50) ? 64240 : (uint16_t)rng_u64(g);
	c->cfg.rcv_wscale = rng_chance(g, 90) ? (uint8_t)rng_below(g, 15) :
						(uint8_t)rng_u64(g);
	roll = rng_below(g, 100);
	c->cfg.epoch_ns = roll < 40 ? 60000000000ULL :
			  roll < 55 ? 1000000000ULL :
			  roll < 65 ? 2000000000ULL :
			  roll < 80 ? now * 2 + 1000000000000ULL :	/* epoch 0 */
			  roll < 90 ? now / 3 * 2 + 1 :			/* epoch 1 */
			  roll < 95 ? 0 :				/* unconfigured */
				      100000000ULL + rng_u64(g) % 10000000000000ULL;
	if (rng_chance(g, 5)) {
		memset(c->cfg.ports, 0xff, sizeof(c->cfg.ports));
	} else {
		unsigned fixed[] = { 80, 443, GEN_EST_SERVER_PORT, GEN_EST_CLIENT_PORT };

		for (i = 0; i < 4; i++)
			c->cfg.ports[fixed[i] / 32] |= 1U << (fixed[i] % 32);
		for (i = 0; i < 30; i++) {
			unsigned p = rng_below(g, 65536);

			c->cfg.ports[p / 32] |= 1U << (p % 32);
		}
		if (rng_chance(g, 5))
			c->cfg.ports[0] |= 1;	/* port 0 */
	}
	/* DTLS: mostly on, its bound ports protected, and more besides. */
	c->cfg.dtls_enabled = rng_chance(g, 80);
	if (rng_chance(g, 5)) {
		memset(c->cfg.dtls_ports, 0xff, sizeof(c->cfg.dtls_ports));
	} else {
		for (i = 0; i < GEN_NDTLS; i++)
			if (rng_chance(g, 90))
				c->cfg.dtls_ports[gen_dtls_ports[i] / 32] |=
					1U << (gen_dtls_ports[i] % 32);
		for (i = 0; i < 10; i++) {
			unsigned p = rng_below(g, 65536);

			c->cfg.dtls_ports[p / 32] |= 1U << (p % 32);
		}
	}
	e = c->cfg.epoch_ns ? now / c->cfg.epoch_ns : 0;
	random_ring(g, &c->ring[0], e);
	random_ring(g, &c->ring[1], e);
	c->sel = rng_below(g, 2);
	roll = rng_below(g, 100);
	c->meta_len = roll < 85 ? 0 : roll < 95 ? 4 * rng_below(g, 50) :
					  4 * (49 + rng_below(g, 6));
}

/* The context the seeds run under first: everything on, one key. */
static void base_context(struct context *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->cfg.mac, pkt_server_mac, 6);
	c->cfg.abi_version = SGATE_ABI_VERSION;
	c->cfg.features = 15;
	c->cfg.mss_v4 = 1460;
	c->cfg.mss_v6 = 1440;
	c->cfg.syn_window = 64240;
	c->cfg.rcv_wscale = 7;
	c->cfg.epoch_ns = 60000000000ULL;
	c->cfg.ports[80 / 32] |= 1U << (80 % 32);
	c->cfg.ports[443 / 32] |= 1U << (443 % 32);
	c->cfg.ports[GEN_EST_SERVER_PORT / 32] |= 1U << (GEN_EST_SERVER_PORT % 32);
	c->cfg.ports[GEN_EST_CLIENT_PORT / 32] |= 1U << (GEN_EST_CLIENT_PORT % 32);
	c->cfg.ports[0] |= 1;
	c->cfg.ports[65535 / 32] |= 1U << (65535 % 32);
	c->cfg.dtls_enabled = 1;
	c->cfg.dtls_ports[gen_dtls_ports[0] / 32] |= 1U << (gen_dtls_ports[0] % 32);
	c->cfg.dtls_ports[gen_dtls_ports[1] / 32] |= 1U << (gen_dtls_ports[1] % 32);
	ring_empty(&c->ring[0]);
	ring_empty(&c->ring[1]);
	memset(c->ring[0].m[0].key.k, 0xa5, 16);
	c->ring[0].m[0].first_epoch = 0;
	c->ring[0].serial = 1;
}

static struct gen_target target_of(const struct context *c)
{
	struct gen_target t = {
		.cfg = &c->cfg,
		.ring = &c->ring[c->sel & 1],
		.epoch_valid = c->cfg.epoch_ns != 0,
	};

	if (t.epoch_valid)
		t.now_epoch = coarse_ns() / c->cfg.epoch_ns;
	return t;
}

/* ---- one frame ------------------------------------------------------ */

struct outcome {
	int verdict;
	int stat;		/* the one counter that moved, -1 none, -2 several */
	uint8_t out[GEN_FRAME_MAX + META_MAX + 64];
	uint32_t out_len;	/* frame bytes, after the metadata */
	uint32_t meta_len;
	const uint8_t *frame_out;
};

static void hexdump(const char *what, const uint8_t *b, size_t n)
{
	size_t i;

	fprintf(stderr, "    %s (%zu bytes):", what, n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", i % 32 ? "" : "\n      ", b[i]);
	fprintf(stderr, "\n");
}

static const char *stat_str(int s)
{
	return s == -1 ? "(none)" : s == -2 ? "(several)" : sgate_stat_name(s);
}

static void report(const char *what, const uint8_t *frame, size_t len,
		   const struct outcome *o, const struct model_result *m,
		   const char *origin)
{
	char path[512], note[512];

	if (mismatches + invariant_failures <= MAX_REPORTS) {
		fprintf(stderr, "MISMATCH (%s) from %s\n", what, origin);
		fprintf(stderr, "  program: verdict %d counter %s out %u bytes meta %u\n",
			o->verdict, stat_str(o->stat), o->out_len, o->meta_len);
		fprintf(stderr, "  model:   verdict %d counter %s out %zu bytes meta %d  [%s]\n",
			m->verdict, stat_str(m->stat), m->out_len, m->has_meta,
			m->why);
		hexdump("frame", frame, len);
		if (o->out_len != m->out_len || memcmp(o->frame_out, m->out, m->out_len)) {
			hexdump("program out", o->frame_out, o->out_len);
			hexdump("model out", m->out, m->out_len);
		}
	}
	if (saved < MAX_SAVED) {
		mkdir(save_dir, 0755);
		snprintf(path, sizeof(path), "%s/mismatch-%llu.case", save_dir,
			 (unsigned long long)saved++);
		snprintf(note, sizeof(note), "%s (%s); program %d/%s, model %d/%s [%s]",
			 what, origin, o->verdict, stat_str(o->stat), m->verdict,
			 stat_str(m->stat), m->why);
		write_case(path, &cur, frame, len, note);
		if (mismatches + invariant_failures <= MAX_REPORTS)
			fprintf(stderr, "  saved as %s\n", path);
	}
}

static bool outcome_matches(const struct outcome *o, const struct model_result *m)
{
	return o->verdict == m->verdict && o->stat == m->stat &&
	       o->meta_len == cur.meta_len + (m->has_meta ? sizeof(struct sgate_meta) : 0) &&
	       (!m->has_meta || !memcmp(o->out, &m->meta, sizeof(m->meta))) &&
	       o->out_len == m->out_len && !memcmp(o->frame_out, m->out, m->out_len);
}

static void check_invariants(const uint8_t *frame, size_t len,
			     const struct outcome *o,
			     const struct model_result *m,
			     const struct model_env *env, uint64_t t0,
			     const char *origin)
{
	const char *bad = invariant_broken(frame, len, o->verdict, o->stat,
					   o->frame_out, o->out_len, m, env, t0);

	if (bad) {
		invariant_failures++;
		report(bad, frame, len, o, m, origin);
	}
}

/*
 * Run a frame through the program and the model; returns true if they
 * agree.  origin names where the frame came from, for the report.  The
 * program's outcome is left in *last for the caller.
 */
static struct outcome last;

static bool run_frame(const uint8_t *frame, size_t len, const char *origin)
{
	static uint8_t in[GEN_FRAME_MAX + META_MAX];
	const struct gate *ins = &inst[cur.inst];
	struct outcome *o = &last;
	static struct model_result m;
	struct model_env env = {
		.cfg = &cur.cfg,
		.ring = &cur.ring[cur.sel & 1],
		.ipv6_enabled = ins->ipv6_enabled,
		.meta_room = META_MAX - cur.meta_len,
		.tail_room = 1024,
		.stack_owns = stack_owns,
		.addr_local = addr_local,
		.listening = listening,
		.udp_bound = udp_bound,
		.recent = recent,
	};
	uint64_t now[SGATE_STAT_MAX], t0, t1, tsv;
	uint32_t retval = 0, size_out = 0, meta_out = 0;
	int attempt, i, err;
	bool same;

	for (i = 0; i < (int)cur.meta_len; i++)
		in[i] = (uint8_t)(0xc0 + i);
	memcpy(in + cur.meta_len, frame, len);

	for (attempt = 0;; attempt++) {
		struct gate_xdp_out run;

		t0 = kernel_coarse_ns();
		err = gate_run_xdp(ins, in, cur.meta_len, (uint32_t)len, o->out,
				   sizeof(o->out), &run);
		t1 = kernel_coarse_ns();
		frames_run++;
		env.now_ns = t0;
		if (len < 14) {
			/* BPF_PROG_RUN refuses frames shorter than Ethernet. */
			frames_refused++;
			model_xdp(frame, len, &env, &m);
			if (err != -EINVAL || m.verdict != XDP_PASS ||
			    (m.stat != SGATE_STAT_PASS_NOT_IP &&
			     m.stat != SGATE_STAT_PASS_UNCONFIGURED)) {
				mismatches++;
				fprintf(stderr, "MISMATCH: %zu-byte frame: run %d, model %s\n",
					len, err, stat_str(m.stat));
				return false;
			}
			return true;
		}
		if (err)
			fail_msg("BPF_PROG_RUN: %s (%s)", strerror(-err), origin);
		retval = (uint32_t)run.verdict;
		size_out = run.size_out;
		meta_out = run.meta_len;
		read_stats(cur.inst, now);
		o->stat = -1;
		for (i = 0; i < SGATE_STAT_MAX; i++) {
			uint64_t d = now[i] - stats_prev[cur.inst][i];

			if (d)
				o->stat = o->stat == -1 && d == 1 ? i : -2;
		}
		memcpy(stats_prev[cur.inst], now, sizeof(now));
		/* An epoch boundary between the two clock reads: run it again. */
		if (cur.cfg.epoch_ns && t0 / cur.cfg.epoch_ns != t1 / cur.cfg.epoch_ns &&
		    attempt < 5) {
			retries++;
			continue;
		}
		break;
	}
	o->verdict = (int)retval;
	o->meta_len = meta_out;
	o->out_len = meta_out <= size_out ? size_out - meta_out : 0;
	o->frame_out = o->out + meta_out;

	model_xdp(frame, len, &env, &m);
	same = outcome_matches(o, &m);
	/*
	 * Our TSval counts the clock >> 20, and the program read the clock
	 * somewhere between t0 and t1: several ticks apart when the run was
	 * preempted, so every value of it in between is a candidate.
	 */
	for (tsv = (t0 >> 20) + 1; !same && tsv <= (t1 >> 20); tsv++) {
		env.now_ns = tsv << 20;
		model_xdp(frame, len, &env, &m);
		same = outcome_matches(o, &m);
	}

	if (o->verdict >= 0 && o->verdict < 4)
		verdict_hits[o->verdict]++;
	if (o->stat >= 0)
		stat_hits[o->stat]++;
	if (!same) {
		mismatches++;
		report("program and model disagree", frame, len, o, &m, origin);
	}
	check_invariants(frame, len, o, &m, &env, t0, origin);
	return same;
}

/* ---- setup ---------------------------------------------------------- */

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);

	if (!v || !*v)
		return def;
	return strchr(v, 'e') || strchr(v, 'E') ? (uint64_t)strtod(v, NULL) :
						  strtoull(v, NULL, 0);
}

/* The slot of the gate's recent map that changes when frame passes. */
static int slot_stamped_by(const struct gate *g, const uint8_t *frame,
			   size_t len)
{
	static uint32_t before[1 << 16];
	static uint8_t out[GEN_FRAME_MAX + 64];
	int fd = bpf_map__fd(g->skel->maps.sgate_recent);
	struct gate_xdp_out run;
	uint32_t k, v;

	for (k = 0; k < (1 << 16); k++)
		if (bpf_map_lookup_elem(fd, &k, &before[k]))
			return -1;
	if (gate_run_xdp(g, frame, 0, (uint32_t)len, out, sizeof(out), &run))
		return -1;
	for (k = 0; k < (1 << 16); k++)
		if (!bpf_map_lookup_elem(fd, &k, &v) && v != before[k])
			return (int)k;
	return -1;
}

/*
 * Pass an ACK of each connection the stack owns through each gate: its
 * 4-tuple's slot in the recent map is the one that changes.
 */
static int learn_recent_slots(void)
{
	static uint8_t frame[GEN_FRAME_MAX];
	struct gen_spec s;
	struct context c;
	int which, k;

	for (k = 0; k < OWNED_TUPLES; k++) {
		struct model_tuple *t = &owned[k];
		bool back = k & 1;

		memset(t, 0, sizeof(*t));
		t->ipv6 = k >= 2;
		if (t->ipv6) {
			t->saddr[15] = t->daddr[15] = 1;
		} else {
			t->saddr[0] = t->daddr[0] = 127;
			t->saddr[3] = t->daddr[3] = 1;
		}
		t->sport[0] = (back ? GEN_EST_SERVER_PORT : GEN_EST_CLIENT_PORT) >> 8;
		t->sport[1] = (back ? GEN_EST_SERVER_PORT : GEN_EST_CLIENT_PORT) & 0xff;
		t->dport[0] = (back ? GEN_EST_CLIENT_PORT : GEN_EST_SERVER_PORT) >> 8;
		t->dport[1] = (back ? GEN_EST_CLIENT_PORT : GEN_EST_SERVER_PORT) & 0xff;
	}
	for (which = 0; which < 2; which++) {
		base_context(&c);
		c.inst = which;
		apply_context(&c);
		for (k = 0; k < OWNED_TUPLES; k++) {
			const struct model_tuple *t = &owned[k];

			gen_default(&s, t->ipv6);
			memcpy(s.p.saddr, t->saddr, 16);
			memcpy(s.p.daddr, t->daddr, 16);
			s.p.sport = (uint16_t)(t->sport[0] << 8 | t->sport[1]);
			s.p.dport = (uint16_t)(t->dport[0] << 8 | t->dport[1]);
			s.p.flags = 0x10;
			owned_slot[which][k] = slot_stamped_by(&inst[which], frame,
							       gen_build(&s, frame, NULL));
		}
	}
	return 0;
}

static int setup(void **state)
{
	int err;

	(void)state;
	if (sodium_init() < 0 || netns_setup())
		return -1;
	err = gate_load(&inst[CONTEXT_IPV6], true);
	if (!err)
		err = gate_load(&inst[CONTEXT_NO_IPV6], false);
	if (err) {
		fprintf(stderr, "cannot load build/sgate.bpf.o: %s\n", strerror(-err));
		return -1;
	}
	if (getenv("SGATE_FUZZ_SAVE"))
		save_dir = getenv("SGATE_FUZZ_SAVE");
	return learn_recent_slots();
}

static int teardown(void **state)
{
	(void)state;
	gate_unload(&inst[0]);
	gate_unload(&inst[1]);
	return 0;
}

/* ---- the tests ------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every case ever found, before anything else. */
static void test_regressions(void **state)
{
	const char *dir = getenv("SGATE_FUZZ_REGRESS");
	char *names[4096], path[1024];
	static uint8_t frame[GEN_FRAME_MAX];
	uint64_t before = mismatches + invariant_failures;
	struct dirent *d;
	struct context c;
	size_t n = 0, i, len = 0;
	DIR *dp;

	(void)state;
	dp = opendir(dir ? dir : "tests/fuzz/regress");
	if (!dp)
		skip();
	while ((d = readdir(dp)) && n < 4096)
		if (strstr(d->d_name, ".case"))
			names[n++] = strdup(d->d_name);
	closedir(dp);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/fuzz/regress",
			 names[i]);
		if (read_case(path, &c, frame, &len))
			fail_msg("cannot read %s", path);
		apply_context(&c);
		run_frame(frame, len, names[i]);
		free(names[i]);
	}
	printf("regressions: %zu cases replayed, %llu disagreements\n", n,
	       (unsigned long long)(mismatches + invariant_failures - before));
	assert_int_equal(mismatches + invariant_failures, before);
}

/* The seed corpus: each seed whole and cut at every byte, then mutated. */
static void test_seeds(void **state)
{
	static uint8_t frame[GEN_FRAME_MAX], work[GEN_FRAME_MAX];
	struct rng g = { 0x5eed5eedULL };
	uint64_t before = mismatches + invariant_failures, n0 = frames_run;
	struct pkt_layout lay;
	struct gen_spec s;
	struct gen_target t;
	struct context c;
	char origin[128];
	size_t k, len, cut;
	int variant, j;

	(void)state;
	for (variant = 0; variant < 12; variant++) {
		if (variant == 0)
			base_context(&c);
		else
			random_context(&g, &c);
		apply_context(&c);
		for (k = 0; k < gen_nseeds; k++) {
			t = target_of(&c);
			gen_seeds[k].make(&s, &t);
			len = gen_build(&s, frame, &lay);
			snprintf(origin, sizeof(origin), "seed %s, context %d",
				 gen_seeds[k].name, variant);
			run_frame(frame, len, origin);
			if (variant < 2) {
				for (cut = 0; cut < len; cut++) {
					snprintf(origin, sizeof(origin),
						 "seed %s cut at %zu, context %d",
						 gen_seeds[k].name, cut, variant);
					run_frame(frame, cut, origin);
				}
			}
			for (j = 0; j < 20; j++) {
				size_t wl = len;

				memcpy(work, frame, len);
				gen_mutate(&g, work, &wl, &lay);
				snprintf(origin, sizeof(origin),
					 "seed %s mutation %d, context %d",
					 gen_seeds[k].name, j, variant);
				run_frame(work, wl, origin);
			}
		}
	}
	printf("seeds: %zu seeds, %llu frames (every cut of each under 2 contexts), %llu disagreements\n",
	       gen_nseeds, (unsigned long long)(frames_run - n0),
	       (unsigned long long)(mismatches + invariant_failures - before));
	assert_int_equal(mismatches + invariant_failures, before);
}

static void print_coverage(void)
{
	int i;

	printf("coverage (frames per XDP counter):\n");
	for (i = 0; i < SGATE_STAT_MAX; i++)
		if (i < SGATE_STAT_TC_PASS || i >= SGATE_STAT_DTLS_HVR_SENT)
			printf("  %-22s %llu\n", sgate_stat_name(i),
			       (unsigned long long)stat_hits[i]);
	printf("verdicts: drop %llu, pass %llu, tx %llu\n",
	       (unsigned long long)verdict_hits[XDP_DROP],
	       (unsigned long long)verdict_hits[XDP_PASS],
	       (unsigned long long)verdict_hits[XDP_TX]);
}

/* Random frames: generated, mutated, and final ACKs to the program's SYN-ACKs. */
static void test_random(void **state)
{
	static uint8_t frame[GEN_FRAME_MAX], synack[GEN_FRAME_MAX];
	uint64_t want = env_u64("SGATE_FUZZ_FRAMES", 1000000);
	uint64_t seed = env_u64("SGATE_FUZZ_SEED", 0x5eed);
	uint64_t before = mismatches + invariant_failures, i, n0 = frames_run;
	struct rng g = { seed };
	struct pkt_layout lay;
	struct gen_spec s;
	struct gen_target t;
	struct context c;
	size_t len, synack_len = 0;
	char origin[96];
	double t_start = mono_s(), dt;
	static const int reachable[] = {
		SGATE_STAT_PASS_NOT_IP, SGATE_STAT_PASS_NOT_TCP,
		SGATE_STAT_PASS_NOT_PROTECTED, SGATE_STAT_PASS_FRAGMENT,
		SGATE_STAT_PASS_NOT_LOCAL, SGATE_STAT_PASS_NO_LISTENER,
		SGATE_STAT_PASS_OTHER_FLAGS, SGATE_STAT_PASS_UNCONFIGURED,
		SGATE_STAT_PASS_ESTABLISHED, SGATE_STAT_SYN_ANSWERED,
		SGATE_STAT_COOKIE_VALID, SGATE_STAT_COOKIE_BAD_MAC,
		SGATE_STAT_COOKIE_STALE, SGATE_STAT_DROP_MALFORMED,
		SGATE_STAT_DROP_UNJUDGED,
		SGATE_STAT_DROP_FRAGMENT, SGATE_STAT_DROP_BOGUS_SOURCE,
		SGATE_STAT_DROP_NO_KEY, SGATE_STAT_COOKIE_VALID_NO_META,
		SGATE_STAT_DTLS_HVR_SENT, SGATE_STAT_DTLS_HVR_BAD_COOKIE,
		SGATE_STAT_DTLS_COOKIE_VALID, SGATE_STAT_DTLS_PASS_EPOCH,
		SGATE_STAT_DTLS_PASS_OTHER, SGATE_STAT_DTLS_DROP_FRAGMENT,
		SGATE_STAT_DTLS_DROP_V13_ONLY, SGATE_STAT_DTLS_DROP_MALFORMED,
	};

	(void)state;
	memset(stat_hits, 0, sizeof(stat_hits));
	memset(verdict_hits, 0, sizeof(verdict_hits));
	for (i = 0; i < want; i++) {
		unsigned roll;

		if (i % 1000 == 0) {
			random_context(&g, &c);
			apply_context(&c);
			t = target_of(&c);
			synack_len = 0;
		} else if (i % 64 == 0) {
			t = target_of(&c);	/* the epoch may have moved */
		}
		roll = rng_below(&g, 100);
		if (roll < 10 && synack_len &&
		    gen_ack_for_synack(synack, synack_len, &g, &s)) {
			len = gen_build(&s, frame, &lay);
			if (rng_chance(&g, 20))
				gen_mutate(&g, frame, &len, &lay);
			snprintf(origin, sizeof(origin), "seed %#llx frame %llu (final ACK)",
				 (unsigned long long)seed, (unsigned long long)i);
		} else if (roll < 35) {
			gen_dtls_random(&g, &t, &s);
			len = gen_build(&s, frame, &lay);
			if (roll < 20)
				gen_mutate(&g, frame, &len, &lay);
			snprintf(origin, sizeof(origin), "seed %#llx frame %llu (DTLS)",
				 (unsigned long long)seed, (unsigned long long)i);
		} else {
			gen_random(&g, &t, &s);
			len = gen_build(&s, frame, &lay);
			if (roll < 50)
				gen_mutate(&g, frame, &len, &lay);
			snprintf(origin, sizeof(origin), "seed %#llx frame %llu",
				 (unsigned long long)seed, (unsigned long long)i);
		}
		run_frame(frame, len, origin);
		if (last.verdict == XDP_TX && last.out_len <= sizeof(synack) &&
		    (last.stat == SGATE_STAT_SYN_ANSWERED ||
		     last.stat == SGATE_STAT_SYN_ANSWERED_NO_MSS)) {
			memcpy(synack, last.frame_out, last.out_len);
			synack_len = last.out_len;
		}
		if (mismatches + invariant_failures - before > 1000)
			break;
	}
	dt = mono_s() - t_start;
	printf("random: %llu frames in %.1f s (%.0f frames/s), seed %#llx, "
	       "%llu retried at an epoch boundary, %llu disagreements, "
	       "%llu invariant failures\n",
	       (unsigned long long)(frames_run - n0), dt,
	       (double)(frames_run - n0) / dt, (unsigned long long)seed,
	       (unsigned long long)retries, (unsigned long long)mismatches,
	       (unsigned long long)invariant_failures);
	print_coverage();
	assert_int_equal(mismatches + invariant_failures, before);
	if (want >= 100000)
		for (i = 0; i < sizeof(reachable) / sizeof(reachable[0]); i++)
			if (!stat_hits[reachable[i]])
				fail_msg("no frame reached %s", sgate_stat_name(reachable[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regressions),
		cmocka_unit_test(test_seeds),
		cmocka_unit_test(test_random),
	};

	if (geteuid() != 0) {
		printf("SKIP: the differential fuzzer needs root (BPF_PROG_RUN, a netns)\n");
		return 77;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	return cmocka_run_group_tests_name("xdp differential fuzz", tests,
					   setup, teardown);
}
