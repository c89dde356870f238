// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest of sgate.ko's generic netlink family, in TAP.  Built on libmnl,
 * which lets a test write the malformed and oversized attributes that a
 * higher-level library refuses to build.
 *
 *   nl_test            every operation as root, and the refusals
 *   nl_test --unpriv   run as a user without CAP_NET_ADMIN: changes refused,
 *                      reads allowed
 *   nl_test --userns   run as root of a user namespace that owns the network
 *                      namespace (unshare -U -r -n): rotation allowed, key
 *                      install and settings refused
 *   nl_test --timer    the rotation timer turns keys over with no agent
 *   nl_test --fuzz N   N random messages to the family: each must get the
 *                      error the policy and the handlers give it (counted by
 *                      class); the console is checked for oopses
 */
#include <errno.h>
#include <stdarg.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "sgate/abi.h"
#include "sgate/genl.h"

enum { NL_BUF = 16384 };

static struct mnl_socket *nl;
static uint16_t family;
static unsigned int seq, tests, failures;

static void tap(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!ok)
		failures++;
	printf("%s %u - ", ok ? "ok" : "not ok", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* A reply: its error (0 or -errno), extack message, and attributes. */
struct reply {
	int err;
	char extack[256];
	uint8_t buf[NL_BUF];
	size_t len;
	struct nlattr *tb[SGATE_A_MAX + 1];
};

static struct nlmsghdr *start(char *buf, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = SGATE_GENL_VERSION;
	return nlh;
}

static int attr_cb(const struct nlattr *a, void *data)
{
	struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type >= 0 && type <= SGATE_A_MAX)
		tb[type] = (struct nlattr *)a;
	return MNL_CB_OK;
}

/* Send nlh, read until the ACK; keep the data message and the error. */
static void transact(struct nlmsghdr *nlh, struct reply *r)
{
	char buf[NL_BUF];
	int n;

	memset(r, 0, sizeof(*r));
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r->err = -errno;
		return;
	}
	for (;;) {
		struct nlmsghdr *m;

		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			r->err = -errno;
			return;
		}
		for (m = (struct nlmsghdr *)buf; mnl_nlmsg_ok(m, n);
		     m = mnl_nlmsg_next(m, &n)) {
			if (m->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = mnl_nlmsg_get_payload(m);
				struct nlattr *attr;

				r->err = e->error;
				if (m->nlmsg_flags & NLM_F_ACK_TLVS) {
					size_t off = sizeof(*e) +
						(m->nlmsg_flags & NLM_F_CAPPED ?
						 0 : e->msg.nlmsg_len - sizeof(e->msg));
					mnl_attr_for_each_payload((struct nlattr *)((char *)e + off),
								  m->nlmsg_len - sizeof(*m) - off) {
						if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
							snprintf(r->extack, sizeof(r->extack),
								 "%s", mnl_attr_get_str(attr));
					}
				}
				return;
			}
			if (m->nlmsg_type >= NLMSG_MIN_TYPE && !r->len) {
				memcpy(r->buf, m, m->nlmsg_len);
				r->len = m->nlmsg_len;
				mnl_attr_parse((struct nlmsghdr *)r->buf,
					       sizeof(struct genlmsghdr), attr_cb,
					       r->tb);
			}
		}
	}
}

static int resolve_family(void)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};
	struct reply r;

	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SGATE_GENL_NAME);
	transact(nlh, &r);
	if (r.err || !r.len)
		return -1;
	mnl_attr_parse((struct nlmsghdr *)r.buf, sizeof(struct genlmsghdr),
		       attr_cb, tb);
	if (!tb[CTRL_ATTR_FAMILY_ID])
		return -1;
	family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return 0;
}

static void simple(uint8_t cmd, struct reply *r)
{
	char buf[NL_BUF];

	transact(start(buf, family, cmd), r);
}

static uint64_t stat_of(int attr)
{
	struct reply r;

	simple(SGATE_CMD_STATS_GET, &r);
	return r.tb[attr] ? mnl_attr_get_u64(r.tb[attr]) : ~0ULL;
}

/* Is any run of the 16 key bytes anywhere in a reply? */
static bool reply_has(const struct reply *r, const uint8_t *key)
{
	size_t i;

	for (i = 0; i + SGATE_KEY_BYTES <= r->len; i++)
		if (!memcmp(r->buf + i, key, SGATE_KEY_BYTES))
			return true;
	return false;
}

static void install(const void *key, size_t len, struct reply *r)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, family, SGATE_CMD_KEY_INSTALL);

	mnl_attr_put(nlh, SGATE_A_KEY, len, key);
	transact(nlh, r);
}

static void settings(int attr, uint32_t v, struct reply *r)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, family, SGATE_CMD_SETTINGS_SET);

	mnl_attr_put_u32(nlh, attr, v);
	transact(nlh, r);
}

static void test_admin(void)
{
	static const uint8_t key[SGATE_KEY_BYTES] = {
		0x5e, 0xc2, 0xe7, 0x1d, 0xab, 0x01, 0x77, 0x42,
		0x99, 0x13, 0xc0, 0xff, 0xee, 0x5a, 0x17, 0x0d,
	};
	static const uint8_t zero[SGATE_KEY_BYTES];
	char big[4000], buf[NL_BUF];
	struct nlmsghdr *nlh;
	struct reply r;
	uint64_t serial = stat_of(SGATE_A_SERIAL), rot;
	struct nlattr *e;
	int entries = 0;

	rot = stat_of(SGATE_A_ROTATIONS);
	simple(SGATE_CMD_ROTATE, &r);
	tap(!r.err && stat_of(SGATE_A_SERIAL) == serial + 1 &&
	    stat_of(SGATE_A_ROTATIONS) == rot + 1,
	    "rotate: serial %llu -> %llu (err %d)", (unsigned long long)serial,
	    (unsigned long long)stat_of(SGATE_A_SERIAL), r.err);

	install(key, sizeof(key), &r);
	tap(!r.err, "install a 16-byte key (err %d)", r.err);
	/* The policy core answers a wrong exact length with -ERANGE. */
	install(key, 15, &r);
	tap(r.err == -ERANGE && *r.extack,
	    "install a 15-byte key refused (err %d: %s)", r.err, r.extack);
	install(key, 17, &r);
	tap(r.err == -ERANGE, "install a 17-byte key refused (err %d: %s)", r.err, r.extack);
	memset(big, 0x41, sizeof(big));
	install(big, sizeof(big), &r);
	tap(r.err == -ERANGE, "install a 4000-byte attribute refused (err %d)", r.err);
	install(zero, sizeof(zero), &r);
	tap(r.err == -EINVAL && strstr(r.extack, "zero"),
	    "install an all-zero key refused with a reason (err %d: %s)", r.err, r.extack);
	simple(SGATE_CMD_KEY_INSTALL, &r);
	tap(r.err == -EINVAL, "install without a key refused (err %d)", r.err);

	nlh = start(buf, family, SGATE_CMD_ROTATE);
	mnl_attr_put_u32(nlh, SGATE_A_MAX + 7, 1);
	transact(nlh, &r);
	tap(r.err == -EINVAL, "unknown attribute refused (err %d)", r.err);
	nlh = start(buf, family, SGATE_CMD_ROTATE);
	mnl_attr_put_u64(nlh, SGATE_A_SERIAL, 1);
	transact(nlh, &r);
	tap(r.err == -EINVAL, "reply-only attribute in a request refused (err %d)", r.err);
	nlh = start(buf, family, SGATE_CMD_SETTINGS_SET);
	mnl_attr_put_u16(nlh, SGATE_A_ROTATE_SECONDS, 5);
	transact(nlh, &r);
	tap(r.err == -EINVAL, "u16 where a u32 belongs refused (err %d)", r.err);
	nlh = start(buf, family, __SGATE_CMD_MAX + 3);
	transact(nlh, &r);
	tap(r.err == -EOPNOTSUPP, "unknown command refused (err %d)", r.err);

	settings(SGATE_A_ROTATE_SECONDS, 1, &r);
	tap(r.err == -ERANGE, "rotation period of 1 s refused (err %d: %s)", r.err, r.extack);
	settings(SGATE_A_ROTATE_SECONDS, SGATE_MAX_ROTATE_SECONDS + 1, &r);
	tap(r.err == -ERANGE || r.err == -EINVAL, "rotation period too long refused (err %d)", r.err);
	settings(SGATE_A_EPOCH_SECONDS, 1, &r);
	tap(r.err == -ERANGE || r.err == -EINVAL, "epoch of 1 s refused (err %d)", r.err);
	simple(SGATE_CMD_SETTINGS_SET, &r);
	tap(r.err == -EINVAL, "settings with nothing to set refused (err %d: %s)", r.err, r.extack);
	settings(SGATE_A_ROTATE_SECONDS, 0, &r);
	simple(SGATE_CMD_SETTINGS_GET, &r);
	tap(!r.err && r.tb[SGATE_A_ROTATE_SECONDS] &&
	    mnl_attr_get_u32(r.tb[SGATE_A_ROTATE_SECONDS]) == 0 &&
	    r.tb[SGATE_A_EPOCH_SECONDS],
	    "settings: timer off, epoch length reported (err %d)", r.err);

	simple(SGATE_CMD_KEYS_GET, &r);
	if (r.tb[SGATE_A_KEYS])
		mnl_attr_for_each_nested(e, r.tb[SGATE_A_KEYS])
			entries++;
	tap(!r.err && entries >= 2 && entries <= 3,
	    "keys: %d entries with ids, epochs, ages, states", entries);
	tap(!reply_has(&r, key), "key listing carries no key bytes");
	simple(SGATE_CMD_STATS_GET, &r);
	tap(!r.err && !reply_has(&r, key) && r.tb[SGATE_A_EPOCH] &&
	    r.tb[SGATE_A_COOKIES_MADE],
	    "stats: epoch and counters, no key bytes");
	simple(SGATE_CMD_SETTINGS_GET, &r);
	tap(!r.err && !reply_has(&r, key), "settings carry no key bytes");
}

static void test_unpriv(void)
{
	static const uint8_t key[SGATE_KEY_BYTES] = { 1, 2, 3 };
	struct reply r;

	simple(SGATE_CMD_ROTATE, &r);
	tap(r.err == -EPERM, "rotate without CAP_NET_ADMIN refused (err %d)", r.err);
	install(key, sizeof(key), &r);
	tap(r.err == -EPERM, "install without CAP_NET_ADMIN refused (err %d)", r.err);
	settings(SGATE_A_ROTATE_SECONDS, 10, &r);
	tap(r.err == -EPERM, "settings without CAP_NET_ADMIN refused (err %d)", r.err);
	simple(SGATE_CMD_KEYS_GET, &r);
	tap(!r.err, "key listing allowed (ids and ages only) (err %d)", r.err);
}

/*
 * Root of a container's user namespace has CAP_NET_ADMIN over the network
 * namespace it owns, but not over the host: it must not choose the key of a
 * gate the host attached in that namespace.
 */
static void test_userns(void)
{
	static const uint8_t key[SGATE_KEY_BYTES] = { 1, 2, 3 };
	struct reply r;

	install(key, sizeof(key), &r);
	tap(r.err == -EPERM, "install by a user namespace's root refused (err %d)",
	    r.err);
	settings(SGATE_A_EPOCH_SECONDS, 10, &r);
	tap(r.err == -EPERM,
	    "epoch length change by a user namespace's root refused (err %d)",
	    r.err);
	settings(SGATE_A_ROTATE_SECONDS, 10, &r);
	tap(r.err == -EPERM,
	    "timer change by a user namespace's root refused (err %d)", r.err);
	simple(SGATE_CMD_ROTATE, &r);
	tap(!r.err, "rotation to a random key by a user namespace's root allowed (err %d)",
	    r.err);
	simple(SGATE_CMD_KEYS_GET, &r);
	tap(!r.err, "key listing allowed (err %d)", r.err);
}

static void test_timer(void)
{
	struct reply r;
	uint64_t serial = stat_of(SGATE_A_SERIAL), timer;

	timer = stat_of(SGATE_A_TIMER_ROTATIONS);
	settings(SGATE_A_ROTATE_SECONDS, 2, &r);
	tap(!r.err, "timer set to 2 s (err %d)", r.err);
	sleep(7);
	tap(stat_of(SGATE_A_TIMER_ROTATIONS) >= timer + 2 &&
	    stat_of(SGATE_A_SERIAL) >= serial + 2,
	    "timer rotated with no agent: %llu rotations, serial %llu -> %llu",
	    (unsigned long long)(stat_of(SGATE_A_TIMER_ROTATIONS) - timer),
	    (unsigned long long)serial, (unsigned long long)stat_of(SGATE_A_SERIAL));
	settings(SGATE_A_ROTATE_SECONDS, 0, &r);
	timer = stat_of(SGATE_A_TIMER_ROTATIONS);
	sleep(3);
	tap(stat_of(SGATE_A_TIMER_ROTATIONS) == timer, "timer off: no more rotations");
}

/*
 * Who the caller is to the module: CAP_NET_ADMIN in the initial user
 * namespace (host admin), or over the network namespace (netns admin).  A
 * caller with the capability outside the initial user namespace is taken to
 * own its network namespace, as after unshare --user --map-root-user --net.
 */
struct caller {
	bool host_admin;
	bool netns_admin;
};

static bool has_cap_net_admin(void)
{
	unsigned long long eff = 0;
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "CapEff: %llx", &eff) == 1;
	fclose(f);
	return found && (eff >> CAP_NET_ADMIN) & 1;
}

static bool in_initial_userns(void)
{
	unsigned long inside, outside, count;
	FILE *f = fopen("/proc/self/uid_map", "r");
	int n;

	if (!f)
		return true;	/* no user namespaces in this kernel */
	n = fscanf(f, "%lu %lu %lu", &inside, &outside, &count);
	fclose(f);
	return n == 3 && inside == 0 && outside == 0 && count == 4294967295UL;
}

static struct caller who_calls(void)
{
	struct caller c;

	c.netns_admin = has_cap_net_admin();
	c.host_admin = c.netns_admin && in_initial_userns();
	return c;
}

/*
 * What strict validation against sgate_policy (kmod/netlink.c) answers for
 * one attribute: no policy entry (unknown, out of range, or reply-only) is
 * -EINVAL; a u32 of the wrong size is -EINVAL; a u32 out of its range, or a
 * key of the wrong exact length, is -ERANGE.
 */
static int policy_error(const struct nlattr *a)
{
	uint16_t len = mnl_attr_get_payload_len(a);
	uint32_t v;

	if (a->nla_type & ~NLA_TYPE_MASK)
		return -EINVAL;	/* NLA_F_NESTED on an attribute that nests nothing */
	switch (mnl_attr_get_type(a)) {
	case SGATE_A_KEY:
		return len == SGATE_KEY_BYTES ? 0 : -ERANGE;
	case SGATE_A_ROTATE_SECONDS:
		if (len != sizeof(uint32_t))
			return -EINVAL;
		return mnl_attr_get_u32(a) <= SGATE_MAX_ROTATE_SECONDS ? 0 : -ERANGE;
	case SGATE_A_EPOCH_SECONDS:
		if (len != sizeof(uint32_t))
			return -EINVAL;
		v = mnl_attr_get_u32(a);
		return v >= SGATE_MIN_EPOCH_SECONDS && v <= SGATE_MAX_EPOCH_SECONDS ?
			       0 : -ERANGE;
	default:
		return -EINVAL;
	}
}

/* What the handler answers once the attributes passed (the last one wins). */
static int handler_error(uint8_t cmd, struct nlattr *const *tb)
{
	static const uint8_t zero[SGATE_KEY_BYTES];

	switch (cmd) {
	case SGATE_CMD_KEY_INSTALL:
		if (!tb[SGATE_A_KEY] ||
		    !memcmp(mnl_attr_get_payload(tb[SGATE_A_KEY]), zero, sizeof(zero)))
			return -EINVAL;
		return 0;
	case SGATE_CMD_SETTINGS_SET:
		if (!tb[SGATE_A_ROTATE_SECONDS] && !tb[SGATE_A_EPOCH_SECONDS])
			return -EINVAL;
		if (tb[SGATE_A_ROTATE_SECONDS]) {
			uint32_t v = mnl_attr_get_u32(tb[SGATE_A_ROTATE_SECONDS]);

			if (v && v < SGATE_MIN_ROTATE_SECONDS)
				return -ERANGE;
		}
		return 0;
	default:
		return 0;
	}
}

/*
 * The error a request must get, in the order generic netlink checks: the
 * command exists, the caller may use it, each attribute in turn against the
 * policy, then the handler.
 */
static int expected_error(struct nlmsghdr *nlh, const struct caller *c)
{
	uint8_t cmd = ((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd;
	struct nlattr *tb[SGATE_A_MAX + 1] = {};
	struct nlattr *a;
	int err;

	switch (cmd) {
	case SGATE_CMD_ROTATE:
		if (!c->netns_admin)
			return -EPERM;
		break;
	case SGATE_CMD_KEY_INSTALL:
	case SGATE_CMD_SETTINGS_SET:
		if (!c->host_admin)
			return -EPERM;
		break;
	case SGATE_CMD_KEYS_GET:
	case SGATE_CMD_STATS_GET:
	case SGATE_CMD_SETTINGS_GET:
		break;
	default:
		return -EOPNOTSUPP;
	}
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		err = policy_error(a);
		if (err)
			return err;
		tb[mnl_attr_get_type(a)] = a;
	}
	return handler_error(cmd, tb);
}

static const struct {
	int err;
	const char *name;
} error_classes[] = {
	{ 0, "success" },
	{ -EINVAL, "EINVAL" },
	{ -ERANGE, "ERANGE" },
	{ -EOPNOTSUPP, "EOPNOTSUPP" },
	{ -EPERM, "EPERM" },
};
enum { N_CLASSES = sizeof(error_classes) / sizeof(error_classes[0]) };

/* The index of err in error_classes, or N_CLASSES for any other error. */
static int error_class(int err)
{
	int i;

	for (i = 0; i < N_CLASSES; i++)
		if (error_classes[i].err == err)
			break;
	return i;
}

static void print_mismatch(const struct nlmsghdr *nlh, int expected,
			   const struct reply *r)
{
	const uint8_t *p = (const uint8_t *)nlh;
	uint32_t i;

	printf("# expected %d, got %d (%s):", expected, r->err, r->extack);
	for (i = 0; i < nlh->nlmsg_len; i++)
		printf("%s%02x", i % 4 ? "" : " ", p[i]);
	printf("\n");
}

/*
 * Random commands and attributes.  Every message must get an answer, and
 * the answer the policy and the handlers give it: counted by error class so
 * that a whole class going missing shows, and each mismatch printed.
 */
static void test_fuzz(long n)
{
	long expected[N_CLASSES + 1] = {}, received[N_CLASSES + 1] = {};
	const struct caller c = who_calls();
	char buf[NL_BUF];
	uint64_t x = 0x5eed5eedULL;
	long i, answered = 0, mismatches = 0;
	struct reply r;
	int k;

	printf("# caller: host admin %d, netns admin %d\n", c.host_admin,
	       c.netns_admin);
	for (i = 0; i < n; i++) {
		struct nlmsghdr *nlh;
		int nattr, want;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		nlh = start(buf, family, (uint8_t)(x % (SGATE_CMD_MAX + 3)));
		/* Rotations and settings change the ring: keep them rare. */
		if (((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd ==
		    SGATE_CMD_SETTINGS_SET && (x >> 8) % 64)
			((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd =
				SGATE_CMD_STATS_GET;
		nattr = (int)((x >> 16) % 4);
		for (k = 0; k < nattr; k++) {
			uint8_t val[64];
			size_t len;
			int j;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			len = (x >> 24) % sizeof(val);
			for (j = 0; j < (int)len; j++)
				val[j] = (uint8_t)(x >> (j % 56));
			mnl_attr_put(nlh, (uint16_t)((x >> 40) % (SGATE_A_MAX + 4)),
				     len, val);
		}
		want = expected_error(nlh, &c);
		transact(nlh, &r);
		if (r.err != -ENOBUFS)
			answered++;
		expected[error_class(want)]++;
		received[error_class(r.err)]++;
		if (r.err != want && mismatches++ < 5)
			print_mismatch(nlh, want, &r);
	}
	tap(answered == n, "%ld random messages, %ld answered", n, answered);
	for (k = 0; k <= N_CLASSES; k++)
		tap(expected[k] == received[k], "%s: %ld expected, %ld received",
		    k < N_CLASSES ? error_classes[k].name : "any other error",
		    expected[k], received[k]);
	tap(!mismatches, "each message got the error its policy gives (%ld mismatches)",
	    mismatches);
}

int main(int argc, char **argv)
{
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		printf("Bail out! cannot open a generic netlink socket\n");
		return 1;
	}
	{
		int one = 1;

		mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
		mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	}
	if (resolve_family()) {
		printf("Bail out! family \"%s\" not found: is sgate.ko loaded?\n",
		       SGATE_GENL_NAME);
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "--unpriv"))
		test_unpriv();
	else if (argc > 1 && !strcmp(argv[1], "--userns"))
		test_userns();
	else if (argc > 1 && !strcmp(argv[1], "--timer"))
		test_timer();
	else if (argc > 2 && !strcmp(argv[1], "--fuzz"))
		test_fuzz(atol(argv[2]));
	else
		test_admin();
	printf("1..%u\n", tests);
	mnl_socket_close(nl);
	return failures ? 1 : 0;
}
