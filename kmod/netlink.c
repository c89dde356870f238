// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "sgate" (sgate/genl.h).  Every operation acts on
 * the caller's network namespace.  Who may do what:
 *  - read (keys' ids and ages, counters, settings): anyone;
 *  - rotate to a fresh random key: CAP_NET_ADMIN over the namespace, which a
 *    container's own root has; it cannot choose or learn the key;
 *  - install a key, change the epoch or timer: CAP_NET_ADMIN in the initial
 *    user namespace.  A key someone knows can forge cookies for every gate of
 *    the namespace, and the host may have attached one to a container's
 *    namespace: its root must not be able to choose the key.
 * Requests are validated strictly: an attribute the policy does not name, or
 * of the wrong size or range, is refused.
 */
#include <linux/timekeeping.h>
#include <net/genetlink.h>

#include "sgate.h"
#include "sgate/keyring.h"

static const struct netlink_range_validation sgate_rotate_range = {
	.max = SGATE_MAX_ROTATE_SECONDS,
};

static const struct nla_policy sgate_policy[SGATE_A_MAX + 1] = {
	[SGATE_A_KEY] = NLA_POLICY_EXACT_LEN(SGATE_KEY_BYTES),
	[SGATE_A_ROTATE_SECONDS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &sgate_rotate_range),
	[SGATE_A_EPOCH_SECONDS] = NLA_POLICY_RANGE(NLA_U32,
						   SGATE_MIN_EPOCH_SECONDS,
						   SGATE_MAX_EPOCH_SECONDS),
};

static struct genl_family sgate_family;

static struct sgate_net *sgate_info_net(const struct genl_info *info)
{
	return sgate_pernet(genl_info_net(info));
}

static int sgate_nl_rotate(struct sk_buff *skb, struct genl_info *info)
{
	struct sgate_net *sn = sgate_info_net(info);
	int err = sgate_ring_add(sn, NULL, SGATE_KEY_RANDOM);

	if (!err) {
		mutex_lock(&sn->lock);
		sn->rotations++;
		mutex_unlock(&sn->lock);
	}
	return err;
}

static int sgate_nl_key_install(struct sk_buff *skb, struct genl_info *info)
{
	static const u8 zero[SGATE_KEY_BYTES];
	struct sgate_net *sn = sgate_info_net(info);
	const u8 *key;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, SGATE_A_KEY))
		return -EINVAL;
	key = nla_data(info->attrs[SGATE_A_KEY]);
	if (!memcmp(key, zero, sizeof(zero))) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SGATE_A_KEY],
				    "an all-zero key is not a secret");
		return -EINVAL;
	}
	err = sgate_ring_add(sn, key, SGATE_KEY_INSTALLED);
	if (!err) {
		mutex_lock(&sn->lock);
		sn->installs++;
		mutex_unlock(&sn->lock);
	}
	return err;
}

static int sgate_put_keys(struct sk_buff *msg, const struct sgate_ring *ring,
			  u64 now)
{
	u64 epoch = sgate_ring_epoch(ring, now);
	struct nlattr *keys, *entry;
	int i;

	keys = nla_nest_start(msg, SGATE_A_KEYS);
	if (!keys)
		return -EMSGSIZE;
	for (i = 0; i < SGATE_KEYRING_MASTERS; i++) {
		if (!sgate_master_in_use(&ring->kr.m[i]))
			continue;
		entry = nla_nest_start(msg, SGATE_A_KEY_ENTRY);
		if (!entry ||
		    nla_put_u64_64bit(msg, SGATE_A_KEY_ID, ring->id[i],
				      SGATE_A_PAD) ||
		    nla_put_u64_64bit(msg, SGATE_A_KEY_FIRST_EPOCH,
				      ring->kr.m[i].first_epoch, SGATE_A_PAD) ||
		    nla_put_u64_64bit(msg, SGATE_A_KEY_AGE_MS,
				      div_u64(now - ring->born_ns[i],
					      NSEC_PER_MSEC),
				      SGATE_A_PAD) ||
		    nla_put_u8(msg, SGATE_A_KEY_STATE,
			       sgate_keyring_key_state(&ring->kr, i, epoch)) ||
		    nla_put_u8(msg, SGATE_A_KEY_ORIGIN, ring->origin[i]))
			return -EMSGSIZE;
		nla_nest_end(msg, entry);
	}
	nla_nest_end(msg, keys);
	return 0;
}

static int sgate_put_stats(struct sk_buff *msg, struct sgate_net *sn,
			   const struct sgate_ring *ring, u64 now)
{
	u64 made = 0, checked = 0, valid = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct sgate_pcpu_stats *s = per_cpu_ptr(sn->stats, cpu);

		made += READ_ONCE(s->made);
		checked += READ_ONCE(s->checked);
		valid += READ_ONCE(s->valid);
	}
	if (nla_put_u64_64bit(msg, SGATE_A_EPOCH, sgate_ring_epoch(ring, now),
			      SGATE_A_PAD) ||
	    nla_put_u64_64bit(msg, SGATE_A_SERIAL, ring->kr.serial,
			      SGATE_A_PAD) ||
	    nla_put_u64_64bit(msg, SGATE_A_ROTATIONS, sn->rotations,
			      SGATE_A_PAD) ||
	    nla_put_u64_64bit(msg, SGATE_A_TIMER_ROTATIONS,
			      sn->timer_rotations, SGATE_A_PAD) ||
	    nla_put_u64_64bit(msg, SGATE_A_INSTALLS, sn->installs,
			      SGATE_A_PAD) ||
	    nla_put_u64_64bit(msg, SGATE_A_COOKIES_MADE, made, SGATE_A_PAD) ||
	    nla_put_u64_64bit(msg, SGATE_A_COOKIES_CHECKED, checked,
			      SGATE_A_PAD) ||
	    nla_put_u64_64bit(msg, SGATE_A_COOKIES_VALID, valid, SGATE_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int sgate_put_settings(struct sk_buff *msg, struct sgate_net *sn,
			      const struct sgate_ring *ring)
{
	if (nla_put_u32(msg, SGATE_A_ROTATE_SECONDS, sn->rotate_seconds) ||
	    nla_put_u32(msg, SGATE_A_EPOCH_SECONDS,
			div_u64(ring->epoch_ns, NSEC_PER_SEC)))
		return -EMSGSIZE;
	return 0;
}

/* One reply for the GET commands; sn->lock keeps the ring and counters still. */
static int sgate_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sgate_net *sn = sgate_info_net(info);
	u8 cmd = info->genlhdr->cmd;
	const struct sgate_ring *ring;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &sgate_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto free;
	}
	mutex_lock(&sn->lock);
	ring = rcu_dereference_protected(sn->ring, lockdep_is_held(&sn->lock));
	if (cmd == SGATE_CMD_KEYS_GET)
		err = sgate_put_keys(msg, ring, ktime_get_coarse_ns());
	else if (cmd == SGATE_CMD_STATS_GET)
		err = sgate_put_stats(msg, sn, ring, ktime_get_coarse_ns());
	else
		err = sgate_put_settings(msg, sn, ring);
	mutex_unlock(&sn->lock);
	if (err)
		goto free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
free:
	nlmsg_free(msg);
	return err;
}

static int sgate_nl_settings_set(struct sk_buff *skb, struct genl_info *info)
{
	struct sgate_net *sn = sgate_info_net(info);
	struct nlattr *rot = info->attrs[SGATE_A_ROTATE_SECONDS];
	struct nlattr *epoch = info->attrs[SGATE_A_EPOCH_SECONDS];
	int err;

	if (!rot && !epoch) {
		NL_SET_ERR_MSG(info->extack, "nothing to set");
		return -EINVAL;
	}
	if (rot && nla_get_u32(rot) && nla_get_u32(rot) < SGATE_MIN_ROTATE_SECONDS) {
		NL_SET_ERR_MSG_ATTR(info->extack, rot,
				    "rotation period too short (0 turns the timer off)");
		return -ERANGE;
	}
	if (epoch) {
		err = sgate_ring_set_epoch_seconds(sn, nla_get_u32(epoch));
		if (err)
			return err;
	}
	if (rot)
		sgate_ring_set_rotate_seconds(sn, nla_get_u32(rot));
	return 0;
}

static const struct genl_small_ops sgate_ops[] = {
	{
		.cmd = SGATE_CMD_ROTATE,
		.doit = sgate_nl_rotate,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SGATE_CMD_KEY_INSTALL,
		.doit = sgate_nl_key_install,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SGATE_CMD_KEYS_GET,
		.doit = sgate_nl_get,
	},
	{
		.cmd = SGATE_CMD_STATS_GET,
		.doit = sgate_nl_get,
	},
	{
		.cmd = SGATE_CMD_SETTINGS_GET,
		.doit = sgate_nl_get,
	},
	{
		.cmd = SGATE_CMD_SETTINGS_SET,
		.doit = sgate_nl_settings_set,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family sgate_family __ro_after_init = {
	.name = SGATE_GENL_NAME,
	.version = SGATE_GENL_VERSION,
	.maxattr = SGATE_A_MAX,
	.policy = sgate_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = sgate_ops,
	.n_small_ops = ARRAY_SIZE(sgate_ops),
	/* Strict validation for every operation. */
	.resv_start_op = SGATE_CMD_MAX + 1,
};

int __init sgate_genl_init(void)
{
	return genl_register_family(&sgate_family);
}

void sgate_genl_exit(void)
{
	genl_unregister_family(&sgate_family);
}
