// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "sgate.skel.h"
#include "clock.h"
#include "gate_run.h"
#include "percpu.h"

int gate_netns_enter(void)
{
	struct ifreq ifr = {};
	int fd, err = 0;

	if (unshare(CLONE_NEWNET))
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		err = -errno;
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			err = -errno;
	}
	close(fd);
	return err;
}

static int listen_on(int family, uint16_t port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr *a = family == AF_INET ? (struct sockaddr *)&a4 :
						 (struct sockaddr *)&a6;
	socklen_t alen = family == AF_INET ? sizeof(a4) : sizeof(a6);

	a4.sin_port = htons(port);
	a6.sin6_port = htons(port);
	if (fd < 0)
		return -errno;
	if ((family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    bind(fd, a, alen) || listen(fd, 16)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return 0;	/* the socket stays open until the process ends */
}

int gate_listen(uint16_t port)
{
	return listen_on(AF_INET, port) ?: listen_on(AF_INET6, port);
}

int gate_wire(struct gate *g, struct bpf_object *obj)
{
	struct bpf_program *xdp = bpf_object__find_program_by_name(obj, "sgate_xdp");
	struct bpf_program *tc = bpf_object__find_program_by_name(obj, "sgate_tc");

	if (!xdp || !tc)
		return -ENOENT;
	g->xdp_fd = bpf_program__fd(xdp);
	g->tc_fd = bpf_program__fd(tc);
	g->cfg_fd = bpf_object__find_map_fd_by_name(obj, "sgate_config");
	g->keys_fd = bpf_object__find_map_fd_by_name(obj, "sgate_keys");
	g->sel_fd = bpf_object__find_map_fd_by_name(obj, "sgate_key_sel");
	g->stats_fd = bpf_object__find_map_fd_by_name(obj, "sgate_stats");
	if (g->xdp_fd < 0 || g->tc_fd < 0 || g->cfg_fd < 0 ||
	    g->keys_fd < 0 || g->sel_fd < 0 || g->stats_fd < 0)
		return -ENOENT;
	return 0;
}

int gate_load(struct gate *g, bool ipv6_enabled)
{
	int err;

	memset(g, 0, sizeof(*g));
	g->skel = sgate_bpf__open();
	if (!g->skel)
		return -errno;
	g->skel->rodata->sgate_ipv6_enabled = ipv6_enabled;
	g->skel->rodata->sgate_module_mode = false;
	err = sgate_bpf__load(g->skel);
	if (!err)
		err = gate_wire(g, g->skel->obj);
	if (err) {
		sgate_bpf__destroy(g->skel);
		g->skel = NULL;
		return err;
	}
	g->ipv6_enabled = ipv6_enabled;
	return 0;
}

void gate_unload(struct gate *g)
{
	sgate_bpf__destroy(g->skel);
	g->skel = NULL;
}

int gate_pick_xdp(struct gate *g, const char *prog)
{
	struct bpf_program *xdp;
	int fd;

	if (!g->skel)
		return -ENOENT;
	xdp = bpf_object__find_program_by_name(g->skel->obj, prog);
	fd = xdp ? bpf_program__fd(xdp) : -1;
	if (fd < 0)
		return -ENOENT;
	g->xdp_fd = fd;
	return 0;
}

static int update(int fd, uint32_t key, const void *value)
{
	return bpf_map_update_elem(fd, &key, value, 0) ? -errno : 0;
}

int gate_set_config(const struct gate *g, const struct sgate_config *cfg)
{
	return update(g->cfg_fd, 0, cfg);
}

int gate_set_ring(const struct gate *g, uint32_t slot,
		  const struct sgate_keyring *ring)
{
	return update(g->keys_fd, slot, ring);
}

int gate_set_key_sel(const struct gate *g, uint32_t sel)
{
	return update(g->sel_fd, 0, &sel);
}

int gate_read_stats(const struct gate *g, uint64_t sum[SGATE_STAT_MAX])
{
	return percpu_sum(g->stats_fd, 0, sum, SGATE_STAT_MAX);
}

int gate_run_xdp(const struct gate *g, const uint8_t *in, uint32_t meta_len,
		 uint32_t len, uint8_t *out, uint32_t out_size,
		 struct gate_xdp_out *r)
{
	struct xdp_md ctx_in = { .data = meta_len, .data_end = meta_len + len };
	struct xdp_md ctx_out = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in,
		    .data_size_in = meta_len + len, .data_out = out,
		    .data_size_out = out_size, .ctx_in = &ctx_in,
		    .ctx_size_in = sizeof(ctx_in), .ctx_out = &ctx_out,
		    .ctx_size_out = sizeof(ctx_out));

	if (bpf_prog_test_run_opts(g->xdp_fd, &opts))
		return -errno;
	r->verdict = (int)opts.retval;
	r->size_out = opts.data_size_out;
	/* The kernel returns metadata and frame together, meta first. */
	r->meta_len = ctx_out.data - ctx_out.data_meta;
	return 0;
}

int gate_run_tc(const struct gate *g, const uint8_t *frame, uint32_t len,
		int *verdict)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len);

	if (bpf_prog_test_run_opts(g->tc_fd, &opts))
		return -errno;
	*verdict = (int)opts.retval;
	return 0;
}

int gate_run_xdp_linear(const struct gate *g, const uint8_t *in, uint32_t len,
			uint32_t linear, uint8_t *out, uint32_t out_size,
			struct gate_xdp_out *r)
{
	struct xdp_md ctx_in = { .data = 0, .data_end = linear };
	struct xdp_md ctx_out = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in,
		    .data_size_in = len, .data_out = out,
		    .data_size_out = out_size, .ctx_in = &ctx_in,
		    .ctx_size_in = sizeof(ctx_in), .ctx_out = &ctx_out,
		    .ctx_size_out = sizeof(ctx_out));

	if (bpf_prog_test_run_opts(g->xdp_fd, &opts))
		return -errno;
	r->verdict = (int)opts.retval;
	r->size_out = opts.data_size_out;
	r->meta_len = ctx_out.data - ctx_out.data_meta;
	return 0;
}

uint64_t gate_epoch_now(uint64_t epoch_ns)
{
	return epoch_ns ? coarse_ns() / epoch_ns : 0;
}
