/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The generic netlink family "sgate": how the agent (and the selftests)
 * speak to sgate.ko.  Operations act on the caller's network namespace.
 * No operation ever returns key bytes.  "netns admin": CAP_NET_ADMIN over the
 * caller's network namespace; "host admin": CAP_NET_ADMIN in the initial user
 * namespace (kmod/netlink.c says why).
 */
#ifndef SGATE_GENL_H
#define SGATE_GENL_H

#include "keyring.h"

#define SGATE_GENL_NAME		"sgate"
#define SGATE_GENL_VERSION	1

enum sgate_genl_cmd {
	SGATE_CMD_UNSPEC,
	SGATE_CMD_ROTATE,	/* netns admin: a fresh random key, next epoch on */
	SGATE_CMD_KEY_INSTALL,	/* host admin: SGATE_A_KEY, from the next epoch */
	SGATE_CMD_KEYS_GET,	/* SGATE_A_KEYS: id, first epoch, age, state */
	SGATE_CMD_STATS_GET,	/* counters, epoch, serial */
	SGATE_CMD_SETTINGS_GET,
	SGATE_CMD_SETTINGS_SET,	/* host admin: SGATE_A_ROTATE_SECONDS, _EPOCH_SECONDS */
	__SGATE_CMD_MAX,
};
#define SGATE_CMD_MAX (__SGATE_CMD_MAX - 1)

enum sgate_genl_attr {
	SGATE_A_UNSPEC,
	SGATE_A_PAD,
	SGATE_A_KEY,		/* binary, exactly SGATE_KEY_BYTES; in only */
	SGATE_A_KEYS,		/* nest of SGATE_A_KEY_ENTRY */
	SGATE_A_KEY_ENTRY,	/* nest of SGATE_A_KEY_* below */
	SGATE_A_KEY_ID,		/* u64: serial number of the key, never reused */
	SGATE_A_KEY_FIRST_EPOCH,/* u64: first epoch it signs */
	SGATE_A_KEY_AGE_MS,	/* u64: since it was made or installed */
	SGATE_A_KEY_STATE,	/* u8: enum sgate_key_state (keyring.h) */
	SGATE_A_KEY_ORIGIN,	/* u8: enum sgate_key_origin */
	SGATE_A_EPOCH,		/* u64: the current epoch */
	SGATE_A_SERIAL,		/* u64: bumped by every change of the ring */
	SGATE_A_ROTATE_SECONDS,	/* u32: timer period, 0 = no timer */
	SGATE_A_EPOCH_SECONDS,	/* u32: epoch length */
	SGATE_A_ROTATIONS,	/* u64: rotations by request */
	SGATE_A_TIMER_ROTATIONS,/* u64: rotations by the timer */
	SGATE_A_INSTALLS,	/* u64 */
	SGATE_A_COOKIES_MADE,	/* u64: by the kfuncs */
	SGATE_A_COOKIES_CHECKED,/* u64 */
	SGATE_A_COOKIES_VALID,	/* u64 */
	__SGATE_A_MAX,
};
#define SGATE_A_MAX (__SGATE_A_MAX - 1)

enum sgate_key_origin {
	SGATE_KEY_RANDOM,	/* get_random_bytes() */
	SGATE_KEY_INSTALLED,	/* SGATE_CMD_KEY_INSTALL, e.g. a fleet key */
};

enum {
	SGATE_KEY_BYTES = 16,
	SGATE_MIN_ROTATE_SECONDS = 2,
	SGATE_MAX_ROTATE_SECONDS = 7 * 24 * 3600,
	SGATE_DEFAULT_ROTATE_SECONDS = 3600,
};

#endif /* SGATE_GENL_H */
