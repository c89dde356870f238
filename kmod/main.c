// SPDX-License-Identifier: GPL-2.0
/*
 * sgate.ko: keys for the sgate SYN gate, kept where user space cannot read
 * them, rotated by a timer when no agent does, reachable from the gate's BPF
 * programs as kfuncs and from the agent over generic netlink.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <net/genetlink.h>

#include "sgate.h"

unsigned int sgate_net_id __read_mostly;

unsigned int sgate_epoch_seconds = SGATE_DEFAULT_EPOCH_SECONDS;
module_param_named(epoch_seconds, sgate_epoch_seconds, uint, 0444);
MODULE_PARM_DESC(epoch_seconds,
		 "epoch length for new namespaces; a cookie lives 1-2 epochs (default 60)");

unsigned int sgate_rotate_seconds = SGATE_DEFAULT_ROTATE_SECONDS;
module_param_named(rotate_seconds, sgate_rotate_seconds, uint, 0444);
MODULE_PARM_DESC(rotate_seconds,
		 "timer rotation period for new namespaces, 0 = off (default 3600)");

static int __net_init sgate_net_init(struct net *net)
{
	return sgate_ring_init(sgate_pernet(net));
}

static void __net_exit sgate_net_exit(struct net *net)
{
	sgate_ring_exit(sgate_pernet(net));
}

static struct pernet_operations sgate_net_ops = {
	.init = sgate_net_init,
	.exit = sgate_net_exit,
	.id = &sgate_net_id,
	.size = sizeof(struct sgate_net),
};

static int __init sgate_init(void)
{
	int err;

	if (sgate_epoch_seconds < SGATE_MIN_EPOCH_SECONDS ||
	    sgate_epoch_seconds > SGATE_MAX_EPOCH_SECONDS) {
		pr_err("sgate: epoch_seconds must be %d..%d\n",
		       SGATE_MIN_EPOCH_SECONDS, SGATE_MAX_EPOCH_SECONDS);
		return -EINVAL;
	}
	if (sgate_rotate_seconds &&
	    (sgate_rotate_seconds < SGATE_MIN_ROTATE_SECONDS ||
	     sgate_rotate_seconds > SGATE_MAX_ROTATE_SECONDS)) {
		pr_err("sgate: rotate_seconds must be 0 or %d..%d\n",
		       SGATE_MIN_ROTATE_SECONDS, SGATE_MAX_ROTATE_SECONDS);
		return -EINVAL;
	}

	err = register_pernet_subsys(&sgate_net_ops);
	if (err)
		return err;
	err = sgate_kfunc_init();
	if (err)
		goto err_pernet;
	err = sgate_genl_init();
	if (err)
		goto err_pernet;
	return 0;

err_pernet:
	unregister_pernet_subsys(&sgate_net_ops);
	rcu_barrier();
	return err;
}

static void __exit sgate_exit(void)
{
	sgate_genl_exit();
	unregister_pernet_subsys(&sgate_net_ops);
	/* Rings freed by call_rcu() must be gone before this code is. */
	rcu_barrier();
}

module_init(sgate_init);
module_exit(sgate_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sgate: stateless SYN gate keys, kfuncs and control");
MODULE_ALIAS_GENL_FAMILY(SGATE_GENL_NAME);
