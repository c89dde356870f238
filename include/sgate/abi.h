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
	SGATE_ABI_VERSION = 1,
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
	__u64 epoch_ns;		/* epoch length; 0 = not configured */
	__u32 ports[SGATE_PORT_WORDS];	/* bitmap of protected TCP ports */
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

/* Data written by XDP in front of a verified final ACK, read by TC. */
struct sgate_meta {
	__u32 magic;
	__u32 tsval;		/* the ACK's TSval, TSecr */
	__u32 tsecr;
	__u16 mss;
	__u8 snd_wscale;
	__u8 flags;		/* enum sgate_meta_flag */
	__u16 l3off;		/* where XDP found the IP and TCP headers */
	__u16 l4off;
};

enum sgate_meta_flag {
	SGATE_META_WSCALE = 1 << 0,
	SGATE_META_SACK = 1 << 1,
	SGATE_META_TS = 1 << 2,
	SGATE_META_ECN = 1 << 3,
	SGATE_META_IPV6 = 1 << 4,
};

/*
 * Per-CPU array map "sgate_stats", one entry of SGATE_STAT_MAX counters.
 * Every packet the programs see is counted exactly once per program under the
 * decision taken (XDP_*, TC_*).  Names are in sgate_stat_name().
 */
enum sgate_stat {
	/* XDP: passed without a look at the cookie. */
	SGATE_STAT_PASS_NOT_IP,
	SGATE_STAT_PASS_NOT_TCP,
	SGATE_STAT_PASS_NOT_PROTECTED,
	SGATE_STAT_PASS_FRAGMENT,	/* non-first fragment: no ports to see */
	SGATE_STAT_PASS_TRUNCATED,	/* too short to see the ports */
	SGATE_STAT_PASS_OTHER_FLAGS,	/* no SYN, no ACK (e.g. a bare RST) */
	SGATE_STAT_PASS_ESTABLISHED,	/* ACK for a socket the stack has */
	/* XDP: SYN answered. */
	SGATE_STAT_SYN_ANSWERED,
	SGATE_STAT_SYN_ANSWERED_NO_MSS,	/* no room to add MSS: left out */
	/* XDP: final ACK. */
	SGATE_STAT_COOKIE_VALID,
	SGATE_STAT_COOKIE_BAD_MAC,
	SGATE_STAT_COOKIE_STALE,
	/* XDP: dropped for the packet's shape. */
	SGATE_STAT_DROP_MALFORMED,	/* bad lengths, offsets or flag mix */
	SGATE_STAT_DROP_FRAGMENT,	/* first fragment to a protected port */
	SGATE_STAT_DROP_BOGUS_SOURCE,	/* multicast, broadcast, land, ... */
	SGATE_STAT_DROP_NO_ROOM,	/* reply would not fit */
	SGATE_STAT_DROP_NO_KEY,		/* ring has no key for this epoch */
	SGATE_STAT_DROP_NO_META,	/* driver gave no metadata room */
	/* TC ingress. */
	SGATE_STAT_TC_PASS,		/* no sgate metadata: not ours */
	SGATE_STAT_TC_HANDOFF,		/* request socket assigned */
	SGATE_STAT_TC_NO_LISTENER,	/* passed on: the stack will RST */
	SGATE_STAT_TC_ERR_EINVAL,	/* kernel refused the attributes */
	SGATE_STAT_TC_ERR_ENOMEM,
	SGATE_STAT_TC_ERR_OTHER,
	SGATE_STAT_MAX,
};

struct sgate_stats {
	__u64 count[SGATE_STAT_MAX];
};

static inline const char *sgate_stat_name(int i)
{
	switch (i) {
	case SGATE_STAT_PASS_NOT_IP: return "pass_not_ip";
	case SGATE_STAT_PASS_NOT_TCP: return "pass_not_tcp";
	case SGATE_STAT_PASS_NOT_PROTECTED: return "pass_not_protected";
	case SGATE_STAT_PASS_FRAGMENT: return "pass_fragment";
	case SGATE_STAT_PASS_TRUNCATED: return "pass_truncated";
	case SGATE_STAT_PASS_OTHER_FLAGS: return "pass_other_flags";
	case SGATE_STAT_PASS_ESTABLISHED: return "pass_established";
	case SGATE_STAT_SYN_ANSWERED: return "syn_answered";
	case SGATE_STAT_SYN_ANSWERED_NO_MSS: return "syn_answered_no_mss";
	case SGATE_STAT_COOKIE_VALID: return "cookie_valid";
	case SGATE_STAT_COOKIE_BAD_MAC: return "cookie_bad_mac";
	case SGATE_STAT_COOKIE_STALE: return "cookie_stale";
	case SGATE_STAT_DROP_MALFORMED: return "drop_malformed";
	case SGATE_STAT_DROP_FRAGMENT: return "drop_fragment";
	case SGATE_STAT_DROP_BOGUS_SOURCE: return "drop_bogus_source";
	case SGATE_STAT_DROP_NO_ROOM: return "drop_no_room";
	case SGATE_STAT_DROP_NO_KEY: return "drop_no_key";
	case SGATE_STAT_DROP_NO_META: return "drop_no_meta";
	case SGATE_STAT_TC_PASS: return "tc_pass";
	case SGATE_STAT_TC_HANDOFF: return "tc_handoff";
	case SGATE_STAT_TC_NO_LISTENER: return "tc_no_listener";
	case SGATE_STAT_TC_ERR_EINVAL: return "tc_err_einval";
	case SGATE_STAT_TC_ERR_ENOMEM: return "tc_err_enomem";
	case SGATE_STAT_TC_ERR_OTHER: return "tc_err_other";
	default: return "unknown";
	}
}

#endif /* SGATE_ABI_H */
