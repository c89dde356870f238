/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames for the differential fuzzer: a structured builder that can get
 * every field wrong on purpose, a seeded random generator over it and a
 * mutator that breaks frames byte by byte (gen.c), and the seed corpus that
 * names every branch of Documentation/datapath.md (seeds.c).
 */
#ifndef SGATE_FUZZ_GEN_H
#define SGATE_FUZZ_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sgate/abi.h"
#include "../lib/rng.h"

enum {
	GEN_FRAME_MAX = 2048,
	GEN_MAX_EXT = 6,
	/* The fuzzer's fixed established connection (its own netns). */
	GEN_EST_SERVER_PORT = 7777,
	GEN_EST_CLIENT_PORT = 7778,
};

struct gen_ext {
	uint8_t type;		/* 0, 43, 60, 44, or anything */
	uint8_t hdrlen;		/* the length byte (8-octet units beyond 8) */
	uint16_t fragword;	/* fragment header: offset << 3 | M */
};

/* A frame, field by field; pkt_build-style but every field overridable. */
struct gen_spec {
	uint8_t dmac[6], smac[6];
	int vlans;			/* 0..3 */
	uint16_t tpid[3];		/* 0x8100 or 0x88a8 (or anything) */
	uint16_t ethertype;		/* 0x0800, 0x86dd, or anything */
	int ipv6;			/* which L3 header to write */
	/* IPv4 */
	uint8_t ver_ihl;		/* 0: 0x45 + options */
	uint8_t ipopts[40];
	size_t ipoptlen;		/* multiple of 4 */
	uint16_t frag;
	uint8_t proto;			/* IPv4 protocol, or IPv6 final next header */
	int totlen_delta;		/* added to the right IP length */
	/* IPv6 */
	uint32_t ver_tc_flow;		/* 0: 0x60000000 */
	struct gen_ext ext[GEN_MAX_EXT];
	int next_ext;
	uint8_t saddr[16], daddr[16];
	/* TCP */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	int doff_words;			/* 0: from optlen; 16 writes 0 */
	uint8_t opts[40];
	size_t optlen;			/* padded to 4 by the builder */
	size_t paylen;
	size_t trailer;			/* bytes after the IP datagram */
};

/* What the builder put where, for targeted mutations. */
struct gen_layout {
	size_t l3off, l4off, ip_end;
};

/* The gate's settings the generator aims at. */
struct gen_target {
	const struct sgate_config *cfg;
	const struct sgate_keyring *ring;
	uint64_t now_epoch;
	bool epoch_valid;		/* epoch_ns != 0 */
};

void gen_default(struct gen_spec *s, int ipv6);
size_t gen_build(const struct gen_spec *s, uint8_t *buf, struct gen_layout *lay);

/* A random frame aimed at the target: mostly nearly right, often wrong. */
void gen_random(struct rng *r, const struct gen_target *t,
		struct gen_spec *s);
/* Break a built frame: 1..3 random mutations. */
void gen_mutate(struct rng *r, uint8_t *buf, size_t *len,
		const struct gen_layout *lay);

/* A valid final ACK for s's flow, its cookie made for epoch (codec). */
void gen_make_valid_ack(struct gen_spec *s, const struct gen_target *t,
			uint64_t epoch, uint32_t optbits, bool with_ts);
/* The final ACK answering a SYN-ACK the program sent (its frame bytes). */
bool gen_ack_for_synack(const uint8_t *synack, size_t len, struct rng *r,
			struct gen_spec *s);

/* TCP options of real stacks' SYNs, and the timestamps of a final ACK. */
extern const uint8_t gen_linux_opts[20], gen_windows_opts[12];
extern const uint8_t gen_macos_opts[24], gen_ack_ts_opts[12];
void gen_set_opts(struct gen_spec *s, const uint8_t *o, size_t n);

/* The seed corpus (seeds.c): every branch of the gate, by name. */
struct gen_seed {
	const char *name;
	void (*make)(struct gen_spec *s, const struct gen_target *t);
};
extern const struct gen_seed gen_seeds[];
extern const size_t gen_nseeds;

#endif
