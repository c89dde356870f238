/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the BPF programs and the agent share: map values, counters and the
 * XDP-to-TC metadata.  Changing anything here changes the pinned-map ABI:
 * bump SGATE_ABI_VERSION.
 */
#ifndef SGATE_ABI_H
#define SGATE_ABI_H

#include "types.h"
#include "cookie.h"

enum {
	SGATE_ABI_VERSION = 4,
	SGATE_PORT_WORDS = 65536 / 32,
	/* Meta written by XDP for a verified final ACK; TC trusts nothing else. */
	SGATE_META_MAGIC = 0x53474d31,	/* "SGM1" */
	SGATE_DEFAULT_EPOCH_SECONDS = 60,
	SGATE_MIN_EPOCH_SECONDS = 2,
	SGATE_MAX_EPOCH_SECONDS = 3600,
	/* The largest MSS a gate may advertise: a 9000-byte jumbo MTU's. */
	SGATE_CONFIG_MSS_MAX = 9000,
};

/* Array map "sgate_config", one entry, written by the agent. */
struct sgate_config {
	__u32 abi_version;
	__u32 features;		/* enum sgate_feature */
	__u16 mss_v4;		/* MSS we advertise, and the cap on the client's */
	__u16 mss_v6;
	__u16 syn_window;	/* window in our SYN-ACK (never scaled) */
	__u8 rcv_wscale;	/* our window scale, as the stack would pick it */
	__u8 pad[1];
	/*
	 * The device's MAC address: a frame sent to another one (promiscuous
	 * mode, a bridge or macvlan port) is not for this host's stack.
	 */
	__u8 mac[6];
	__u8 pad2[2];
	__u64 epoch_ns;		/* epoch length; 0 = not configured */
	__u32 ports[SGATE_PORT_WORDS];	/* bitmap of protected TCP ports */
	/*
	 * Protected DTLS ports (UDP), the same bitmap layout; dtls_enabled is
	 * set when any bit is, so UDP costs nothing more while none is.
	 */
	__u32 dtls_enabled;
	__u32 dtls_ports[SGATE_PORT_WORDS];
};

/*
 * Array map "sgate_keys", two entries, and "sgate_key_sel", one __u32 naming
 * the live entry.  The agent writes the idle entry whole, then flips the
 * selector with a single 32-bit store, so a program never sees half a ring.
 */
enum { SGATE_KEYRING_SLOTS = 2 };

/*
 * Module mode: what the gate hands sgate.ko's kfuncs.  The module picks the
 * key and the epoch; key bytes never leave it.
 */
struct sgate_mac_req {
	struct sgate_flow flow;
	__u32 client_isn;
	__u32 cookie;		/* check only */
	__u32 optbits;		/* make only: from sgate_cookie_encode_opts() */
	__u32 ts_ok;
};

/*
 * Data written by XDP in front of a verified final ACK, read by TC.  Offsets
 * are relative to the IP header: the stack may strip VLAN tags between XDP
 * and TC, so where the IP header starts is found again at TC.
 */
struct sgate_meta {
	__u32 magic;
	__u32 tsval;		/* the ACK's TSval, TSecr */
	__u32 tsecr;
	__u16 mss;
	__u8 snd_wscale;
	__u8 flags;		/* enum sgate_meta_flag */
	__u16 l4_from_l3;	/* the TCP header's offset from the IP header's */
	__u16 pad;
};

enum sgate_meta_flag {
	SGATE_META_WSCALE = 1 << 0,
	SGATE_META_SACK = 1 << 1,
	SGATE_META_TS = 1 << 2,
	SGATE_META_ECN = 1 << 3,
	SGATE_META_IPV6 = 1 << 4,
	/*
	 * Set by the TC program that acted on the metadata, so that the same
	 * program on a VLAN device above (the frame crosses one TC hook per
	 * tag the stack strips) lets the frame by.
	 */
	SGATE_META_CONSUMED = 1 << 5,
};

/*
 * Per-CPU array map "sgate_stats", one entry of SGATE_STAT_MAX counters.
 * Every frame a program sees is counted exactly once by that program, under
 * the decision taken; Documentation/datapath.md gives each decision's rule.
 * Not counted: nothing.  (A lookup of the config or counter map, an array
 * of one entry, cannot fail once the programs are loaded.)
 */
#define SGATE_STATS(X)							\
	/* XDP: not the gate's to judge, passed untouched. */		\
	X(PASS_NOT_IP, "pass_not_ip")					\
	X(PASS_NOT_TCP, "pass_not_tcp")					\
	X(PASS_NOT_PROTECTED, "pass_not_protected")			\
	X(PASS_FRAGMENT, "pass_fragment")				\
	X(PASS_NOT_LOCAL, "pass_not_local")				\
	X(PASS_NO_LISTENER, "pass_no_listener")				\
	X(PASS_OTHER_FLAGS, "pass_other_flags")				\
	X(PASS_ESTABLISHED, "pass_established")				\
	X(PASS_UNCONFIGURED, "pass_unconfigured")			\
	/* XDP: SYN answered. */					\
	X(SYN_ANSWERED, "syn_answered")					\
	X(SYN_ANSWERED_NO_MSS, "syn_answered_no_mss")			\
	/* XDP: final ACK. */						\
	X(COOKIE_VALID, "cookie_valid")					\
	X(COOKIE_BAD_MAC, "cookie_bad_mac")				\
	X(COOKIE_STALE, "cookie_stale")					\
	X(COOKIE_VALID_NO_META, "cookie_valid_no_meta")			\
	/* XDP: dropped. */						\
	X(DROP_MALFORMED, "drop_malformed")				\
	X(DROP_UNJUDGED, "drop_unjudged")				\
	X(DROP_FRAGMENT, "drop_fragment")				\
	X(DROP_BOGUS_SOURCE, "drop_bogus_source")			\
	X(DROP_NO_ROOM, "drop_no_room")					\
	X(DROP_NO_KEY, "drop_no_key")					\
	X(DROP_INTERNAL, "drop_internal")				\
	X(DROP_SPLIT_HEADERS, "drop_split_headers")			\
	/* TC ingress. */						\
	X(TC_PASS, "tc_pass")						\
	X(TC_VLAN_DEFER, "tc_vlan_defer")				\
	X(TC_HANDOFF, "tc_handoff")					\
	/* TC, where the driver gave XDP no metadata room (tc_verify.h). */ \
	X(TC_VERIFIED_HANDOFF, "tc_verified_handoff")			\
	X(TC_COOKIE_BAD_MAC, "tc_cookie_bad_mac")			\
	X(TC_COOKIE_STALE, "tc_cookie_stale")				\
	X(TC_DROP_NO_KEY, "tc_drop_no_key")				\
	X(TC_NO_LISTENER, "tc_no_listener")				\
	X(TC_ERR_EINVAL, "tc_err_einval")				\
	X(TC_ERR_ENOMEM, "tc_err_enomem")				\
	X(TC_ERR_OTHER, "tc_err_other")					\
	/* XDP: DTLS to a protected UDP port (bpf/dtls.h). */		\
	X(DTLS_HVR_SENT, "dtls_hvr_sent")				\
	X(DTLS_HVR_BAD_COOKIE, "dtls_hvr_bad_cookie")			\
	X(DTLS_COOKIE_VALID, "dtls_cookie_valid")			\
	X(DTLS_PASS_EPOCH, "dtls_pass_epoch")				\
	X(DTLS_PASS_OTHER, "dtls_pass_other")				\
	X(DTLS_DROP_FRAGMENT, "dtls_drop_fragment")			\
	X(DTLS_DROP_V13_ONLY, "dtls_drop_v13_only")			\
	X(DTLS_DROP_MALFORMED, "dtls_drop_malformed")

#define SGATE_STAT_ENUM(id, name) SGATE_STAT_##id,
enum sgate_stat {
	SGATE_STATS(SGATE_STAT_ENUM)
	SGATE_STAT_MAX,
};
#undef SGATE_STAT_ENUM

struct sgate_stats {
	__u64 count[SGATE_STAT_MAX];
};

static inline const char *sgate_stat_name(int i)
{
#define SGATE_STAT_CASE(id, name) case SGATE_STAT_##id: return name;
	switch (i) {
	SGATE_STATS(SGATE_STAT_CASE)
	default: return "unknown";
	}
#undef SGATE_STAT_CASE
}

#endif /* SGATE_ABI_H */
