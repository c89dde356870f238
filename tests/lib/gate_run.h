/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gate under BPF_PROG_RUN, for the packet tests, the fuzzer, the
 * forgery test and bench/pktcost: load build/sgate.bpf.o (or wire up a
 * test build of it), fill its maps, run frames through its XDP program and
 * read its counters.
 *
 * A test for the TC program (sgate_tc) runs tc_fd the same way, with a
 * struct __sk_buff as ctx_in; it belongs in tests/pkt/ beside the XDP tests.
 *
 * Every program that loads the gate calls gate_netns_enter() first: the
 * gate looks sockets up (bpf_skc_lookup_tcp), and under BPF_PROG_RUN it
 * looks in the caller's network namespace, where a socket of the host could
 * otherwise match a test's flow and change the verdict.
 */
#ifndef SGATE_TEST_GATE_RUN_H
#define SGATE_TEST_GATE_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "sgate/abi.h"

struct bpf_object;
struct sgate_bpf;

struct gate {
	struct sgate_bpf *skel;		/* set by gate_load, NULL if wired */
	bool ipv6_enabled;
	int xdp_fd, tc_fd;
	int cfg_fd, keys_fd, sel_fd, stats_fd;
};

/* A network namespace of the caller's own, its loopback up; 0 or -errno. */
int gate_netns_enter(void);

/*
 * The gate answers only where the stack would, so a test flow's port needs
 * a listener: one on 0.0.0.0:port and one on [::]:port, in the caller's
 * namespace, for as long as the process lives.  0 or -errno.
 */
int gate_listen(uint16_t port);

/* build/sgate.bpf.o, map-mode keys, IPv6 as asked; 0 or -errno. */
int gate_load(struct gate *g, bool ipv6_enabled);
/* A gate object loaded by the caller (a test build): find its fds. */
int gate_wire(struct gate *g, struct bpf_object *obj);
void gate_unload(struct gate *g);
/*
 * Run the loaded gate's XDP program @prog ("sgate_xdp", the default,
 * "sgate_xdp_skb" or "sgate_xdp_slot") from now on: same maps, same
 * counters.  0, or -ENOENT for a wired gate or an unknown name.
 */
int gate_pick_xdp(struct gate *g, const char *prog);

int gate_set_config(const struct gate *g, const struct sgate_config *cfg);
int gate_set_ring(const struct gate *g, uint32_t slot,
		  const struct sgate_keyring *ring);
int gate_set_key_sel(const struct gate *g, uint32_t sel);

/* Every counter, summed over the CPUs; 0 or -errno. */
int gate_read_stats(const struct gate *g, uint64_t sum[SGATE_STAT_MAX]);

struct gate_xdp_out {
	int verdict;
	uint32_t size_out;	/* bytes written to out: metadata, then frame */
	uint32_t meta_len;	/* of which metadata */
};

/*
 * in holds meta_len bytes of metadata, then len bytes of frame; out
 * receives what the program left, metadata first.  0 or -errno.
 */
int gate_run_xdp(const struct gate *g, const uint8_t *in, uint32_t meta_len,
		 uint32_t len, uint8_t *out, uint32_t out_size,
		 struct gate_xdp_out *r);

/*
 * The TC program on a frame (no metadata: BPF_PROG_RUN gives a TC program
 * none); *verdict gets its return value (TCX_NEXT -1, TCX_DROP 2).
 */
int gate_run_tc(const struct gate *g, const uint8_t *frame, uint32_t len,
		int *verdict);

/*
 * gate_run_xdp() for a multi-buffer frame: the kernel puts the first
 * @linear bytes of the frame in the linear part and the rest in fragments
 * (Linux >= 6.18 for a linear part shorter than a page); no metadata.
 * -EINVAL where the kernel cannot build it.
 */
int gate_run_xdp_linear(const struct gate *g, const uint8_t *in, uint32_t len,
			uint32_t linear, uint8_t *out, uint32_t out_size,
			struct gate_xdp_out *r);

/* The epoch the gate is in now, by its clock (0 if unconfigured). */
uint64_t gate_epoch_now(uint64_t epoch_ns);

#endif
