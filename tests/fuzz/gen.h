/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames for the differential fuzzer: specs for the tests' one frame
 * builder (tests/lib/packet.c) with any field wrong on purpose, a seeded
 * random generator over them and a mutator that breaks frames byte by byte
 * (gen.c), and the seed corpus that names every branch of
 * Documentation/datapath.md (seeds.c).
 */
#ifndef SGATE_FUZZ_GEN_H
#define SGATE_FUZZ_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sgate/abi.h"
#include "../lib/packet.h"
#include "../lib/rng.h"

enum {
	GEN_FRAME_MAX = 2048,
	GEN_MAX_EXT = 12,
	/* The fuzzer's fixed established connection (its own netns). */
	GEN_EST_SERVER_PORT = 7777,
	GEN_EST_CLIENT_PORT = 7778,
	/* Ports the fuzzer listens on, on any address (gen_listen_ports). */
	GEN_NLISTEN = 3,
};

extern const uint16_t gen_listen_ports[GEN_NLISTEN];
/* Does the fuzzer listen on this port on any address? */
bool gen_listening(unsigned port);

struct gen_ext {
	uint8_t type;		/* 0, 43, 60, 44, or anything */
	uint8_t hdrlen;		/* the length byte (8-octet units beyond 8) */
	uint16_t fragword;	/* fragment header: offset << 3 | M */
};

/*
 * A frame for tests/lib/packet.c's builder, and room for what the fuzzer
 * changes in place: TCP and IPv4 option bytes, and IPv6 extension headers
 * as a list (gen_build writes them, then points p's opts, ipopts and ext
 * at them).
 */
struct gen_spec {
	struct pkt_spec p;
	uint8_t opts[40];
	size_t optlen;			/* padded to 4 by the builder */
	uint8_t ipopts[40];
	size_t ipoptlen;		/* multiple of 4 */
	struct gen_ext ext[GEN_MAX_EXT];
	int next_ext;
	/*
	 * Applied after building, IP lengths made to agree: keep only this
	 * many TCP bytes (-1: all), and/or write an IP length of 0.
	 */
	int tcp_keep;
	bool iplen_zero;
};

/* The gate's settings the generator aims at. */
struct gen_target {
	const struct sgate_config *cfg;
	const struct sgate_keyring *ring;
	uint64_t now_epoch;
	bool epoch_valid;		/* epoch_ns != 0 */
};

void gen_default(struct gen_spec *s, int ipv6);
/* At most GEN_FRAME_MAX bytes of the frame; lay may be NULL. */
size_t gen_build(const struct gen_spec *s, uint8_t *buf, struct pkt_layout *lay);

/* A random frame aimed at the target: mostly nearly right, often wrong. */
void gen_random(struct rng *r, const struct gen_target *t,
		struct gen_spec *s);
/* Break a built frame: 1..3 random mutations. */
void gen_mutate(struct rng *r, uint8_t *buf, size_t *len,
		const struct pkt_layout *lay);

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
