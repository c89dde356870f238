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
	/* UDP ports the fuzzer binds on any address (gen_dtls_ports). */
	GEN_NDTLS = 2,
	/* The UDP payload of a generated datagram. */
	GEN_DGRAM_MAX = 1400,
};

extern const uint16_t gen_listen_ports[GEN_NLISTEN];
extern const uint16_t gen_dtls_ports[GEN_NDTLS];
/* Does the fuzzer have a UDP socket bound to this port on any address? */
bool gen_udp_bound(unsigned port);
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
	/*
	 * A UDP datagram instead of the TCP segment: its payload, a delta for
	 * the UDP length field and whether to break the checksum.
	 */
	bool udp;
	uint8_t dgram[GEN_DGRAM_MAX];
	size_t dgram_len;
	int ulen_delta;
	bool udp_csum_bad;
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

/* How a generated ClientHello's cookie is made (gen_dtls.c). */
enum gen_cookie {
	GEN_COOKIE_NONE,
	GEN_COOKIE_VALID,	/* the codec's, at the current epoch */
	GEN_COOKIE_PREVIOUS,	/* the codec's, at the epoch before */
	GEN_COOKIE_STALE,	/* the codec's, two epochs back */
	GEN_COOKIE_FLIPPED,	/* the current one with one bit flipped */
	GEN_COOKIE_BYTES,	/* cookie[] as given */
};

/*
 * A DTLS ClientHello in one record, its fields as they go on the wire;
 * gen_dtls_default() makes a valid DTLS 1.2 one.
 */
struct gen_hello {
	uint8_t content_type, handshake_type;
	uint16_t record_version, record_epoch;
	uint64_t record_seq;
	int record_len_delta, msg_len_delta;
	uint32_t frag_offset;
	int frag_len_delta;
	uint16_t client_version;
	uint8_t random[32];
	uint8_t sid_len;			/* may lie beyond sid[] */
	uint8_t sid[32];
	enum gen_cookie cookie_how;
	uint8_t cookie_len;			/* GEN_COOKIE_BYTES */
	uint8_t cookie[255];
	uint8_t ext[512];			/* cipher_suites on, as bytes */
	size_t ext_len;
	size_t keep;				/* bytes of the record kept; 0: all */
};

void gen_dtls_default(struct gen_spec *s, struct gen_hello *h, int ipv6);
/* Serialize h into s's datagram, its cookie made for s's flow. */
void gen_dtls_set(struct gen_spec *s, const struct gen_hello *h,
		  const struct gen_target *t);
/* The rest of a ClientHello after its cookie, by kind. */
enum gen_tail { GEN_TAIL_12, GEN_TAIL_13_ONLY, GEN_TAIL_NONE, GEN_TAIL_MANY };
void gen_dtls_tail(struct gen_hello *h, enum gen_tail kind);
/* A random datagram to a DTLS port: mostly ClientHellos, often broken. */
void gen_dtls_random(struct rng *r, const struct gen_target *t,
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
