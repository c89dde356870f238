// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmarks' flood generator and packet counters (bench/flood.bpf.c).
 *
 *   flood hop-setup DEV RXCPU PINFILE
 *       Make the CPU map through which frames reach RXCPU (bench/flood.bpf.c)
 *       and pin it at PINFILE; the program run there sends them out of DEV,
 *       the client side's veth, into the server's.
 *
 *   flood legit-attach DEV CPUMAP_PIN RXCPU SMAC DMAC
 *       On DEV, the veth the legitimate client's namespace sends into, put
 *       its IPv4 frames into that CPU map, with SMAC and DMAC (the client
 *       side's and the server's veth): they share the flood's queue.
 *
 *   flood gen DEV DSTMAC SRCNET DST PORT syn|ack|hello RATE PACKETS SECONDS RXCPU CPUMAP_PIN HOLDDEV
 *       Send spoofed SYNs (or ACKs with random cookies, or DTLS
 *       ClientHellos without cookie to a UDP PORT) from random
 *       addresses in SRCNET/16 to DST:PORT, RATE per second (0: as fast as
 *       it goes), until PACKETS are sent or SECONDS have passed, whichever
 *       comes first.  The frames are made by an XDP program run with
 *       BPF_F_TEST_XDP_LIVE_FRAMES on this CPU and go through the CPU map to
 *       RXCPU, then out of DEV.  HOLDDEV is an idle veth the program is
 *       attached to meanwhile (see below).  Prints "sent=N seconds=S pps=R
 *       gen_cpu_ms=G rx_cpu_ms=X": G the generator's CPU time, X what the
 *       receiving CPU spent on everything the frames caused there.
 *
 *   flood count-attach DEV PINFILE [DROPNET|reflect]
 *       Attach the counting XDP program to DEV (replacing any XDP program
 *       there) and pin its counters at PINFILE.  Frames to DROPNET/16 are
 *       counted and dropped, everything else passes; with "reflect" every
 *       TCP frame goes back out with addresses and ports swapped.
 *
 *   flood count-read PINFILE
 *       Print the counters: "syn=.. synack=.. ack=.. rst=.. tcp_other=..
 *       not_tcp=.. dropped=.. udp=..".
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "flood.skel.h"
#include "../tests/lib/dtls_hello.h"
#include "../tests/lib/percpu.h"

enum { SYN_FRAME = 74, ACK_FRAME = 66, HELLO_MAX = 256,
       HELLO_FRAME = 42 + HELLO_MAX, CHUNK_MAX = 1 << 16, C_MAX = 8 };

static const char *const class_name[C_MAX] = {
	"syn", "synack", "ack", "rst", "tcp_other", "not_tcp", "dropped", "udp",
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_mac(const char *s, __u8 *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -1;
}

/* Through a socket: sysfs may show another network namespace. */
static int mac_of(const char *dev, __u8 *mac)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), err;

	if (fd < 0)
		return -1;
	strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
	err = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (err)
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* The first task whose comm is exactly @want; its schedstat run time in ns. */
static long long task_runtime_ns(const char *want)
{
	char path[300], comm[64];
	long long ns = -1;
	struct dirent *d;
	DIR *dir = opendir("/proc");

	while (dir && (d = readdir(dir))) {
		FILE *f;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f) ||
		    strcspn(comm, "\n") != strlen(want) ||
		    strncmp(comm, want, strlen(want))) {
			fclose(f);
			continue;
		}
		fclose(f);
		snprintf(path, sizeof(path), "/proc/%s/schedstat", d->d_name);
		f = fopen(path, "r");
		if (f && fscanf(f, "%lld", &ns) != 1)
			ns = -1;
		if (f)
			fclose(f);
		break;
	}
	if (dir)
		closedir(dir);
	return ns;
}

/*
 * Everything the receiving CPU does for the flood runs in two tasks: the CPU
 * map's kthread (the hop, and the softirqs it triggers: the server's veth
 * receive, its XDP program or stack, the client veth's receive of the
 * replies) and, when those softirqs run long, that CPU's ksoftirqd.
 */
static long long rx_runtime_ns(struct flood_bpf *skel, __u32 cpu)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char name[64];
	long long a, b;

	if (bpf_obj_get_info_by_fd(bpf_map__fd(skel->maps.cpus), &info, &len))
		return -1;
	snprintf(name, sizeof(name), "cpumap/%u/map:%u", cpu, info.id);
	a = task_runtime_ns(name);
	snprintf(name, sizeof(name), "ksoftirqd/%u", cpu);
	b = task_runtime_ns(name);
	return a < 0 || b < 0 ? -1 : a + b;
}

/* The skeleton, opened, with the pinned CPU map in place of its own. */
static struct flood_bpf *open_with_cpumap(const char *pin)
{
	struct flood_bpf *skel = flood_bpf__open();
	int fd;

	if (!skel)
		return NULL;
	fd = bpf_obj_get(pin);
	if (fd < 0 || bpf_map__reuse_fd(skel->maps.cpus, fd)) {
		fprintf(stderr, "flood: CPU map %s: %s\n", pin, strerror(errno));
		flood_bpf__destroy(skel);
		return NULL;
	}
	close(fd);
	return skel;
}

static int hop_setup(int argc, char **argv)
{
	struct bpf_cpumap_val v = { .qsize = 8192 };
	struct flood_bpf *skel;
	int ifindex, err;
	__u32 cpu;

	if (argc != 5) {
		fprintf(stderr, "usage: flood hop-setup DEV RXCPU PINFILE\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[2]);
	cpu = (__u32)atoi(argv[3]);
	skel = flood_bpf__open();
	if (!ifindex || !skel)
		return 1;
	skel->rodata->hop_ifindex = (__u32)ifindex;
	skel->rodata->hop_cpu = cpu;
	err = flood_bpf__load(skel);
	if (err) {
		fprintf(stderr, "flood hop-setup: load: %s\n", strerror(-err));
		return 1;
	}
	v.bpf_prog.fd = bpf_program__fd(skel->progs.hop);
	if (bpf_map__update_elem(skel->maps.cpus, &cpu, sizeof(cpu), &v,
				 sizeof(v), 0) ||
	    bpf_map__pin(skel->maps.cpus, argv[4])) {
		fprintf(stderr, "flood hop-setup: %s\n", strerror(errno));
		flood_bpf__destroy(skel);
		return 1;
	}
	/* The pin keeps the map, the map its entry, the entry the hop. */
	flood_bpf__destroy(skel);
	return 0;
}

static int legit_attach(int argc, char **argv)
{
	struct flood_bpf *skel;
	__u8 smac[6], dmac[6];
	int ifindex, err;

	if (argc != 7 || parse_mac(argv[5], smac) || parse_mac(argv[6], dmac)) {
		fprintf(stderr, "usage: flood legit-attach DEV CPUMAP_PIN RXCPU SMAC DMAC\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[2]);
	skel = open_with_cpumap(argv[3]);
	if (!ifindex || !skel)
		return 1;
	skel->rodata->hop_cpu = (__u32)atoi(argv[4]);
	memcpy((void *)skel->rodata->hop_smac, smac, 6);
	memcpy((void *)skel->rodata->hop_dmac, dmac, 6);
	err = flood_bpf__load(skel);
	if (!err) {
		bpf_xdp_detach(ifindex, 0, NULL);
		err = bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.to_hop),
				     XDP_FLAGS_DRV_MODE, NULL);
	}
	if (err)
		fprintf(stderr, "flood legit-attach: %s\n", strerror(-err));
	flood_bpf__destroy(skel);
	return err ? 1 : 0;
}

static int gen(int argc, char **argv)
{
	const char *dev = argv[2];
	struct flood_bpf *skel;
	struct in_addr src, dst;
	__u8 dmac[6], smac[6], frame[HELLO_FRAME] = {};
	double rate, limit, t0, t;
	long packets, sent = 0;
	int ifindex, hold, fd, syn, hello, err;
	__u32 size;
	long long rx0;

	if (argc != 14) {
		fprintf(stderr, "usage: flood gen DEV DSTMAC SRCNET DST PORT syn|ack|hello RATE PACKETS SECONDS RXCPU CPUMAP_PIN HOLDDEV\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(dev);
	hold = (int)if_nametoindex(argv[13]);
	syn = !strcmp(argv[7], "syn");
	hello = !strcmp(argv[7], "hello");
	size = hello ? HELLO_FRAME : syn ? SYN_FRAME : ACK_FRAME;
	rate = atof(argv[8]);
	packets = atol(argv[9]);
	limit = atof(argv[10]);
	if (!ifindex || !hold || parse_mac(argv[3], dmac) ||
	    inet_pton(AF_INET, argv[4], &src) != 1 ||
	    inet_pton(AF_INET, argv[5], &dst) != 1 ||
	    (!syn && !hello && strcmp(argv[7], "ack")) || packets <= 0 ||
	    limit <= 0) {
		fprintf(stderr, "flood gen: bad arguments\n");
		return 2;
	}
	if (mac_of(dev, smac))
		memset(smac, 0x02, sizeof(smac));

	skel = open_with_cpumap(argv[12]);
	if (!skel)
		return 1;
	memcpy((void *)skel->rodata->gen_dmac, dmac, 6);
	memcpy((void *)skel->rodata->gen_smac, smac, 6);
	skel->rodata->gen_src_net = ntohl(src.s_addr) & 0xffff0000;
	skel->rodata->gen_dst = ntohl(dst.s_addr);
	skel->rodata->gen_dport = (__u16)atoi(argv[6]);
	skel->rodata->hop_cpu = (__u32)atoi(argv[11]);
	if (hello) {
		/* A DTLS 1.2 ClientHello without cookie (dtls_hello.h). */
		uint8_t pl[HELLO_FRAME_MAX];
		struct hello h;
		size_t n;

		hello_default(&h, 0);
		n = hello_payload(&h, pl);
		if (n > HELLO_MAX)
			return 1;
		memcpy(skel->bss->hello_pl, pl, n);
		skel->rodata->hello_len = (__u32)n;
	}
	err = flood_bpf__load(skel);
	if (err) {
		fprintf(stderr, "flood gen: load: %s\n", strerror(-err));
		return 1;
	}
	fd = bpf_program__fd(hello ? skel->progs.gen_hello :
			     syn ? skel->progs.gen_syn : skel->progs.gen_ack);
	/*
	 * A live-frames run adds its program to the XDP dispatcher and takes
	 * it out again, each time rebuilding the dispatcher and waiting for
	 * RCU: about 12 ms a call here.  Attached to an idle device for the
	 * whole flood, the program stays in the dispatcher and each call is
	 * cheap, so the frames come steadily, in small paced chunks.
	 */
	if (bpf_xdp_attach(hold, fd, XDP_FLAGS_DRV_MODE, NULL)) {
		fprintf(stderr, "flood gen: attach to %s: %s\n", argv[13],
			strerror(errno));
		flood_bpf__destroy(skel);
		return 1;
	}

	rx0 = rx_runtime_ns(skel, skel->rodata->hop_cpu);
	t0 = now_s();
	for (;;) {
		struct xdp_md ctx = { .data_end = size,
				      .ingress_ifindex = (__u32)ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
			    .data_size_in = size,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
		long due, chunk;

		t = now_s() - t0;
		if (sent >= packets || t >= limit)
			break;
		if (rate > 0) {
			due = (long)(rate * t) + 1;
			if (due > packets)
				due = packets;
			chunk = due - sent;
			/*
			 * At most a call a millisecond: each call registers
			 * a page pool whose id stays taken until its frames
			 * come back, and there are only 65534 ids.
			 */
			if (chunk <= 0 || (sent && chunk < rate / 1000)) {
				struct timespec ts = { 0, 1000000 };

				nanosleep(&ts, NULL);
				continue;
			}
		} else {
			chunk = packets - sent;
		}
		if (chunk > CHUNK_MAX)
			chunk = CHUNK_MAX;
		opts.repeat = (__u32)chunk;
		err = bpf_prog_test_run_opts(fd, &opts);
		if (err) {
			fprintf(stderr, "flood gen: BPF_PROG_RUN: %s\n",
				strerror(errno));
			flood_bpf__destroy(skel);
			return 1;
		}
		sent += chunk;
	}
	t = now_s() - t0;
	{
		struct timespec drain = { 0, 50000000 };
		struct rusage ru;

		nanosleep(&drain, NULL);	/* let the receiving CPU finish */
		getrusage(RUSAGE_SELF, &ru);
		printf("sent=%ld seconds=%.3f pps=%.0f gen_cpu_ms=%.0f rx_cpu_ms=%.1f\n",
		       sent, t, sent / t,
		       (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3,
		       (rx_runtime_ns(skel, skel->rodata->hop_cpu) - rx0) / 1e6);
	}
	bpf_xdp_detach(hold, XDP_FLAGS_DRV_MODE, NULL);
	flood_bpf__destroy(skel);
	return 0;
}

static int count_attach(int argc, char **argv)
{
	struct flood_bpf *skel;
	struct in_addr net = {};
	int ifindex, err;

	int reflect = argc == 5 && !strcmp(argv[4], "reflect");

	if (argc < 4 || argc > 5 ||
	    (argc == 5 && !reflect && inet_pton(AF_INET, argv[4], &net) != 1)) {
		fprintf(stderr, "usage: flood count-attach DEV PINFILE [DROPNET|reflect]\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, "flood: no device %s\n", argv[2]);
		return 1;
	}
	skel = flood_bpf__open();
	if (!skel)
		return 1;
	skel->rodata->count_drop_net = ntohl(net.s_addr) & 0xffff0000;
	skel->rodata->count_reflect = reflect;
	err = flood_bpf__load(skel);
	if (err) {
		fprintf(stderr, "flood: load: %s\n", strerror(-err));
		return 1;
	}
	bpf_xdp_detach(ifindex, 0, NULL);
	err = bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.count),
			     XDP_FLAGS_DRV_MODE, NULL);
	if (!err)
		err = bpf_map__pin(skel->maps.counts, argv[3]);
	if (err) {
		fprintf(stderr, "flood: attach/pin on %s: %s\n", argv[2],
			strerror(-err));
		flood_bpf__destroy(skel);
		return 1;
	}
	/* The device keeps the program, the pin keeps the counters. */
	flood_bpf__destroy(skel);
	return 0;
}

static int count_read(int argc, char **argv)
{
	uint64_t sum[1];
	int fd, c;

	if (argc != 3) {
		fprintf(stderr, "usage: flood count-read PINFILE\n");
		return 2;
	}
	fd = bpf_obj_get(argv[2]);
	if (fd < 0) {
		fprintf(stderr, "flood: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	for (c = 0; c < C_MAX; c++) {
		if (percpu_sum(fd, (__u32)c, sum, 1))
			return 1;
		printf("%s%s=%llu", c ? " " : "", class_name[c],
		       (unsigned long long)sum[0]);
	}
	printf("\n");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "gen"))
		return gen(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "count-attach"))
		return count_attach(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "count-read"))
		return count_read(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "hop-setup"))
		return hop_setup(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "legit-attach"))
		return legit_attach(argc, argv);
	fprintf(stderr, "usage: flood gen|count-attach|count-read|hop-setup|legit-attach ...\n");
	return 2;
}
