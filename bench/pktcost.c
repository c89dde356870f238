// SPDX-License-Identifier: GPL-2.0
/*
 * Per-packet cost of sgate's XDP paths and of reference programs, with
 * BPF_PROG_RUN (bench/pkt.bpf.c explains the harness).
 *
 *   pktcost [ROUNDS]
 *
 * Each path gets a repeat count N for which one batch takes about 20 ms of
 * this thread's CPU time.  Then ROUNDS rounds (default 15), each running
 * every path once with N and once with 2N repeats, in an order rotated every
 * round.  Prints one line per batch:
 *
 *   batch round=R path=P n=N ns_n=T1 ns_2n=T2
 *
 * with T1, T2 the thread CPU time of the two batches in ns (the time the
 * thread was not running, e.g. preempted by other work, is not counted).
 * The report (bench/report.py) takes the medians.  Before measuring, every
 * path is run once and its verdict and counters checked; a path that does not
 * do what it is meant to is reported as "check path=P ok=0 why=...".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "sgate/abi.h"
#include "pkt.skel.h"
#include "../tests/lib/dtls_hello.h"
#include "../tests/lib/gate_run.h"
#include "../tests/lib/packet.h"

enum { MSS4 = 1460, MSS6 = 1440, WSCALE = 7, SYN_WINDOW = 64240,
       TARGET_NS = 20000000, MAX_PATHS = 24 };

static const uint8_t linux_opts[20] = {
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x01, 0x02, 0x03, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};

struct path {
	const char *name;
	int prog_fd;		/* tail-call target, or the program itself */
	int direct;		/* run prog_fd directly, not through wrap */
	uint8_t frame[PKT_MAX];
	size_t len;
	int verdict;		/* expected */
	int stat;		/* sgate counter that must move, or -1 */
	uint32_t n;
	int skip;
};

static struct gate gate;
static struct pkt_bpf *pk;
static struct path paths[MAX_PATHS];
static int npaths;

static long long thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static uint64_t gate_counter(int stat)
{
	uint64_t sum[SGATE_STAT_MAX];

	return gate_read_stats(&gate, sum) ? 0 : sum[stat];
}

/* Run a path's program on its frame, repeat times; returns CPU ns or -1. */
static long long run(struct path *p, uint32_t repeat, int *verdict,
		     uint8_t *out, uint32_t *outlen)
{
	uint8_t scratch[PKT_MAX + 64];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = p->frame,
		    .data_size_in = (uint32_t)p->len, .repeat = repeat,
		    .data_out = out ? out : scratch,
		    .data_size_out = out ? *outlen : sizeof(scratch));
	int fd = p->direct ? p->prog_fd : bpf_program__fd(pk->progs.wrap);
	long long t0, t1;
	uint32_t zero = 0;

	if (!p->direct) {
		memcpy(pk->bss->tmpl, p->frame, p->len);
		pk->bss->tmpl_len = (uint32_t)p->len;
		if (bpf_map__update_elem(pk->maps.target, &zero, sizeof(zero),
					 &p->prog_fd, sizeof(int), 0))
			return -1;
	}
	t0 = thread_ns();
	if (bpf_prog_test_run_opts(fd, &opts))
		return -1;
	t1 = thread_ns();
	if (verdict)
		*verdict = (int)opts.retval;
	if (outlen)
		*outlen = opts.data_size_out;
	return t1 - t0;
}

static struct path *add_frame(const char *name, int fd, int direct,
			      const uint8_t *frame, size_t len, int verdict,
			      int stat)
{
	const char *only = getenv("PKTCOST_ONLY");
	struct path *p = &paths[npaths++];

	/* PKTCOST_ONLY=a,b: just those paths (and the two floors wrap needs). */
	if (only && strcmp(name, "drop") && strcmp(name, "wrap_drop") &&
	    strcmp(name, "sgate_syn")) {
		const char *at = strstr(only, name);
		size_t n = strlen(name);

		if (!at || (at != only && at[-1] != ',') ||
		    (at[n] && at[n] != ','))
			p->skip = 1;
	}

	p->name = name;
	p->prog_fd = fd;
	p->direct = direct;
	memcpy(p->frame, frame, len);
	p->len = len;
	p->verdict = verdict;
	p->stat = stat;
	return p;
}

static struct path *add(const char *name, int fd, int direct,
			const struct pkt_spec *s, int verdict, int stat)
{
	uint8_t frame[PKT_MAX];

	return add_frame(name, fd, direct, frame, pkt_build(s, frame), verdict,
			 stat);
}

/* A DTLS server's socket, so that the gate answers for its port. */
static int bind_udp(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	return fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ? -1 : 0;
}

static int setup_gate(uint16_t extra_port)
{
	struct sgate_config cfg = {};
	struct sgate_keyring ring = {};
	int i;

	cfg.abi_version = SGATE_ABI_VERSION;
	cfg.mss_v4 = MSS4;
	cfg.mss_v6 = MSS6;
	cfg.rcv_wscale = WSCALE;
	cfg.syn_window = SYN_WINDOW;
	cfg.epoch_ns = 60ULL * 1000000000ULL;
	cfg.features = SGATE_FEAT_SACK | SGATE_FEAT_TS | SGATE_FEAT_WSCALE |
		       SGATE_FEAT_ECN;
	cfg.ports[80 / 32] |= 1U << (80 % 32);
	cfg.ports[extra_port / 32] |= 1U << (extra_port % 32);
	cfg.dtls_enabled = 1;
	cfg.dtls_ports[HELLO_DPORT / 32] |= 1U << (HELLO_DPORT % 32);
	/* The gate answers only for this host: its MAC, a listener. */
	memcpy(cfg.mac, pkt_server_mac, sizeof(cfg.mac));
	if (gate_listen(80) || bind_udp(HELLO_DPORT))
		return -1;
	for (i = 0; i < 16; i++)
		((uint8_t *)ring.m[0].key.k)[i] = (uint8_t)(0x5a ^ i * 7);
	ring.m[1].first_epoch = ~0ULL;
	ring.m[2].first_epoch = ~0ULL;
	ring.serial = 1;
	return gate_set_ring(&gate, 0, &ring) || gate_set_key_sel(&gate, 0) ||
	       gate_set_config(&gate, &cfg);
}

/* A loopback TCP connection, so an ACK can belong to an established flow. */
static int loopback_pair(uint16_t *lport, uint16_t *cport, int fds[3])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || bind(fds[0], (struct sockaddr *)&a, sizeof(a)) ||
	    listen(fds[0], 1) ||
	    getsockname(fds[0], (struct sockaddr *)&a, &alen))
		return -1;
	*lport = ntohs(a.sin_port);
	fds[1] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[1] < 0 || connect(fds[1], (struct sockaddr *)&a, sizeof(a)))
		return -1;
	fds[2] = accept(fds[0], NULL, NULL);
	alen = sizeof(a);
	if (fds[2] < 0 || getsockname(fds[1], (struct sockaddr *)&a, &alen))
		return -1;
	*cport = ntohs(a.sin_port);
	return 0;
}

/*
 * A DTLS ClientHello without cookie (answered with a HelloVerifyRequest),
 * then the same ClientHello carrying the cookie of that answer (passed to
 * the server).
 */
static int build_dtls_paths(void)
{
	uint8_t frame[HELLO_FRAME_MAX], out[HELLO_FRAME_MAX + 64];
	/* Ethernet, IPv4, UDP, record, handshake header, server_version */
	size_t at = 14 + 20 + 8 + 13 + 12 + 2;
	uint32_t outlen = sizeof(out);
	struct hello h;
	size_t len;
	int verdict;
	struct path *p;

	hello_default(&h, 0);
	len = hello_frame(&h, frame);
	if (len > PKT_MAX)
		return -1;
	p = add_frame("sgate_hello", gate.xdp_fd, 0, frame, len, XDP_TX,
		      SGATE_STAT_DTLS_HVR_SENT);
	if (run(p, 1, &verdict, out, &outlen) < 0 || verdict != XDP_TX ||
	    outlen < at + 1 + out[at])
		return -1;
	h.cookie_len = out[at];
	memcpy(h.cookie, out + at + 1, h.cookie_len);
	len = hello_frame(&h, frame);
	if (len > PKT_MAX)
		return -1;
	add_frame("sgate_hello_cookie", gate.xdp_fd, 0, frame, len, XDP_PASS,
		  SGATE_STAT_DTLS_COOKIE_VALID);
	return 0;
}

static int build_paths(int fds[3])
{
	int gfd = gate.xdp_fd;
	uint8_t out[PKT_MAX + 64], tsopt[12] = { 1, 1, 8, 10 };
	uint16_t lport, cport;
	uint32_t outlen = sizeof(out), cookie, tsval = 0;
	struct pkt_spec syn, s;
	int verdict;
	struct path *p;

	if (loopback_pair(&lport, &cport, fds) || setup_gate(lport))
		return -1;

	pkt_default(&syn, 0);
	syn.flags = TF_SYN;
	syn.seq = 0x11223344;
	syn.window = 64240;
	syn.opts = linux_opts;
	syn.optlen = sizeof(linux_opts);

	add("drop", bpf_program__fd(pk->progs.t_drop), 1, &syn, XDP_DROP, -1);
	add("wrap_drop", bpf_program__fd(pk->progs.t_drop), 0, &syn, XDP_DROP, -1);
	add("tx_mac", bpf_program__fd(pk->progs.t_txmac), 0, &syn, XDP_TX, -1);
	add("tx_floor", bpf_program__fd(pk->progs.t_txfloor), 0, &syn, XDP_TX, -1);
	add("t_clock", bpf_program__fd(pk->progs.t_clock), 0, &syn, XDP_DROP, -1);
	add("t_mac", bpf_program__fd(pk->progs.t_mac), 0, &syn, XDP_DROP, -1);
	add("kc_walk", bpf_program__fd(pk->progs.kc_walk), 0, &syn, XDP_TX, -1);
	add("kc_fast", bpf_program__fd(pk->progs.kc_fast), 0, &syn, XDP_TX, -1);
	add("sgate_syn", gfd, 0, &syn, XDP_TX, SGATE_STAT_SYN_ANSWERED);

	/*
	 * The final ACK answering sgate's own SYN-ACK, on a flow of its own:
	 * a verified ACK marks its 4-tuple as one the stack may hold, and a
	 * SYN on such a 4-tuple pays for a socket lookup (bpf/recent.h), which
	 * a flood's new sources never do.  sgate_syn_recent measures that.
	 */
	s = syn;
	s.sport = 40001;
	p = add("sgate_syn_recent", gfd, 0, &s, XDP_TX, SGATE_STAT_SYN_ANSWERED);
	if (run(p, 1, &verdict, out, &outlen) < 0 || verdict != XDP_TX ||
	    outlen < 74)
		return -1;
	cookie = get32(out + 34 + 4);
	if (out[34 + 12] >> 4 == 10)
		tsval = get32(out + 34 + 20 + 8);	/* MSS, SACK, TS */
	s.flags = TF_ACK;
	s.seq = syn.seq + 1;
	s.ack = cookie + 1;
	put32(tsopt + 4, 0x01020305);
	put32(tsopt + 8, tsval);
	s.opts = tsopt;
	s.optlen = sizeof(tsopt);
	add("sgate_ack_valid", gfd, 0, &s, XDP_PASS, SGATE_STAT_COOKIE_VALID);
	s.ack = cookie + 1 + 0x00123456;
	add("sgate_ack_forged", gfd, 0, &s, XDP_DROP,
	    SGATE_STAT_COOKIE_BAD_MAC);

	/* A segment of the established loopback flow. */
	pkt_default(&s, 0);
	memcpy(s.saddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	memcpy(s.daddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	s.sport = cport;
	s.dport = lport;
	s.flags = TF_ACK | TF_PSH;
	s.seq = 1000;
	s.ack = 12345;
	s.paylen = 10;
	add("sgate_established", gfd, 0, &s, XDP_PASS,
	    SGATE_STAT_PASS_ESTABLISHED);

	s = syn;
	s.dport = 22;
	add("sgate_unprotected", gfd, 0, &s, XDP_PASS,
	    SGATE_STAT_PASS_NOT_PROTECTED);

	s = syn;
	s.opts = NULL;
	s.optlen = 0;
	add("sgate_syn_noopt", gfd, 0, &s, XDP_TX, SGATE_STAT_SYN_ANSWERED);

	pkt_default(&s, 1);
	s.flags = TF_SYN;
	s.seq = 0x11223344;
	s.window = 64240;
	s.opts = linux_opts;
	s.optlen = sizeof(linux_opts);
	add("sgate_syn_v6", gfd, 0, &s, XDP_TX, SGATE_STAT_SYN_ANSWERED);
	return build_dtls_paths();
}

/* One run through the harness must take the intended path. */
static int check(struct path *p)
{
	uint64_t before = p->stat >= 0 ? gate_counter(p->stat) : 0;
	int verdict = -1;
	long long t = run(p, 3, &verdict, NULL, NULL);

	if (t < 0) {
		printf("check path=%s ok=0 why=prog_run:%s\n", p->name,
		       strerror(errno));
		return -1;
	}
	if (verdict != p->verdict) {
		printf("check path=%s ok=0 why=verdict_%d_not_%d\n", p->name,
		       verdict, p->verdict);
		return -1;
	}
	if (p->stat >= 0 && gate_counter(p->stat) != before + 3) {
		printf("check path=%s ok=0 why=counter_%s\n", p->name,
		       sgate_stat_name(p->stat));
		return -1;
	}
	printf("check path=%s ok=1 frame=%zu verdict=%d\n", p->name, p->len,
	       verdict);
	return 0;
}

static int calibrate(struct path *p)
{
	uint32_t n = 1024;
	long long t;

	for (;;) {
		t = run(p, n, NULL, NULL, NULL);
		if (t < 0)
			return -1;
		if (t >= TARGET_NS / 2 || n >= (1U << 30))
			break;
		n *= 2;
	}
	/* Aim at the target from the last estimate. */
	p->n = (uint32_t)((double)n * TARGET_NS / (double)t);
	if (p->n < 1024)
		p->n = 1024;
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 15, fds[3] = { -1, -1, -1 };

	if (rounds < 1)
		rounds = 15;
	int r, i, bad = 0, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The only sockets the gate's lookups can find are loopback_pair's. */
	err = gate_netns_enter();
	if (err) {
		fprintf(stderr, "pktcost: cannot enter a network namespace of its own: %s\n",
			strerror(-err));
		return 1;
	}
	pk = pkt_bpf__open();
	if (gate_load(&gate, true) || !pk || pkt_bpf__load(pk)) {
		fprintf(stderr, "pktcost: cannot load the BPF objects: %s\n",
			strerror(errno));
		return 1;
	}
	if (build_paths(fds)) {
		fprintf(stderr, "pktcost: cannot set up the paths\n");
		return 1;
	}
	for (i = 0; i < npaths; i++)
		if (!paths[i].skip)
			bad |= check(&paths[i]);
	if (bad && !getenv("PKTCOST_NOCHECK"))
		return 1;
	if (argc > 3 && !strcmp(argv[1], "profile")) {
		/* pktcost profile PATH SECONDS: one path, for perf. */
		for (i = 0; i < npaths; i++) {
			double end = (double)time(NULL) + atof(argv[3]);

			if (strcmp(paths[i].name, argv[2]))
				continue;
			while ((double)time(NULL) < end)
				run(&paths[i], 1000000, NULL, NULL, NULL);
			return 0;
		}
		return 1;
	}
	for (i = 0; i < npaths; i++) {
		if (paths[i].skip)
			continue;
		if (calibrate(&paths[i]))
			return 1;
		printf("calibrated path=%s n=%u\n", paths[i].name, paths[i].n);
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < npaths; i++) {
			struct path *p = &paths[(i + r) % npaths];
			long long t1, t2;

			if (p->skip)
				continue;
			t1 = run(p, p->n, NULL, NULL, NULL);
			t2 = run(p, 2 * p->n, NULL, NULL, NULL);

			if (t1 < 0 || t2 < 0)
				return 1;
			printf("batch round=%d path=%s n=%u ns_n=%lld ns_2n=%lld\n",
			       r, p->name, p->n, t1, t2);
		}
	}
	for (i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	pkt_bpf__destroy(pk);
	gate_unload(&gate);
	return 0;
}
