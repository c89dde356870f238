// SPDX-License-Identifier: GPL-2.0
/*
 * Crafted frames onto a device, for the end-to-end tests and the demo.
 * Every run is bounded in packets and in seconds.
 *
 *   rawsend DEV DSTMAC SRC DST PORT MODE COUNT [SECONDS]
 *
 * MODE
 *   synflood   SYNs with Linux options from random sources in SRC's /16
 *              (their SYN-ACKs die at the sender's stack: not its addresses)
 *   forgedack  ACKs with random sequence and acknowledgement numbers,
 *              from SRC with random source ports
 *   syn54      one 54-byte SYN with no options from SRC; waits for the
 *              SYN-ACK and checks it (checksums, flags, ack number)
 *   handshake  one SYN with Linux options from SRC, then, COUNT ms after
 *              the SYN-ACK came, the final ACK (echoing its timestamp):
 *              a handshake whose ACK is held back, e.g. across a rotation.
 *              The sender's own stack answers the SYN-ACK with a RST the
 *              server ignores (no socket there yet).  Then 4 bytes of data
 *              as a probe: the server acknowledges them only if the final
 *              ACK made a connection.
 *
 * Prints "sent=N seconds=S" (and for syn54 "synack ok optlen=L"); handshake
 * prints "times syn=T synack=T ack=T" (CLOCK_MONOTONIC_COARSE ns, the
 * gate's clock: before the SYN, at the SYN-ACK, before the final ACK) and
 * "result=established" (the probe was acknowledged), "result=rst" (the
 * server reset it) or "result=silent" (no answer in 600 ms).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/packet.h"
#include "../lib/rng.h"

static const uint8_t linux_opts[20] = {
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0, 0, 0, 1,
	0, 0, 0, 0, 0x01, 0x03, 0x03, 0x07,
};

static struct rng rng = { 0x9e3779b97f4a7c15ULL };

static uint32_t rnd(void)
{
	return (uint32_t)rng_u64(&rng);
}

static int parse_mac(const char *s, uint8_t *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -1;
}

/* Wait for the SYN-ACK answering s; copy its TCP header to th_out. */
static int synack_for(int fd, const struct pkt_spec *s, uint8_t *th_out,
		      size_t *optlen)
{
	uint8_t buf[2048];
	double deadline = mono_s() + 3;

	while (mono_s() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		const uint8_t *ip = buf + 14, *th = buf + 34;
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 54 || get16(buf + 12) != 0x0800 || ip[9] != 6 ||
		    memcmp(ip + 12, s->daddr, 4) || get16(th) != s->dport ||
		    get16(th + 2) != s->sport)
			continue;
		if (th[13] != (TF_SYN | TF_ACK) || get32(th + 8) != s->seq + 1 ||
		    !ipv4_csum_ok(ip) ||
		    !tcp_csum_ok(ip, 0, (size_t)n - 34)) {
			printf("synack bad flags=%#x ack=%#x\n", th[13],
			       get32(th + 8));
			return 1;
		}
		*optlen = (size_t)(th[12] >> 4) * 4 - 20;
		memcpy(th_out, th, 20 + *optlen);
		printf("synack ok optlen=%zu\n", *optlen);
		return 0;
	}
	printf("synack none\n");
	return 1;
}

/* The TSval in a SYN-ACK's options, or 0. */
static uint32_t synack_tsval(const uint8_t *th, size_t optlen)
{
	size_t i = 0;

	while (i + 1 < optlen) {
		if (th[20 + i] == 1) {
			i++;
			continue;
		}
		if (th[20 + i] == 8 && i + 10 <= optlen)
			return get32(th + 20 + i + 2);
		if (th[20 + i + 1] < 2)
			break;
		i += th[20 + i + 1];
	}
	return 0;
}

/* What the server says to the probe s describes: established, rst, silent. */
static const char *probe_answer(int fd, const struct pkt_spec *s)
{
	uint8_t buf[2048];
	double deadline = mono_s() + 0.6;

	while (mono_s() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		const uint8_t *ip = buf + 14, *th = buf + 34;
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 54 || get16(buf + 12) != 0x0800 || ip[9] != 6 ||
		    memcmp(ip + 12, s->daddr, 4) || memcmp(ip + 16, s->saddr, 4) ||
		    get16(th) != s->dport || get16(th + 2) != s->sport)
			continue;
		if (th[13] & TF_RST)
			return "rst";
		if ((th[13] & TF_ACK) && get32(th + 8) == s->seq + (uint32_t)s->paylen)
			return "established";
	}
	return "silent";
}

static int handshake(int fd, struct pkt_spec *s, long delay_ms)
{
	static uint8_t ts_opts[12] = { 1, 1, 8, 10 };
	uint8_t frame[PKT_MAX], th[60];
	unsigned long long t_syn, t_synack, t_ack;
	size_t len, optlen;

	s->opts = linux_opts;
	s->optlen = sizeof(linux_opts);
	len = pkt_build(s, frame);
	t_syn = (unsigned long long)coarse_ns();
	if (send(fd, frame, len, 0) != (ssize_t)len || synack_for(fd, s, th, &optlen))
		return 1;
	t_synack = (unsigned long long)coarse_ns();
	usleep((useconds_t)delay_ms * 1000);
	s->flags = TF_ACK;
	s->ack = get32(th + 4) + 1;
	s->seq += 1;
	put32(ts_opts + 4, 2);
	put32(ts_opts + 8, synack_tsval(th, optlen));
	s->opts = ts_opts;
	s->optlen = sizeof(ts_opts);
	len = pkt_build(s, frame);
	t_ack = (unsigned long long)coarse_ns();
	if (send(fd, frame, len, 0) != (ssize_t)len) {
		perror("rawsend: send");
		return 1;
	}
	printf("ack sent after=%ldms\n", delay_ms);

	/*
	 * The probe: data on the connection the final ACK should have made.
	 * First drop what queued up while the ACK was held back: a full
	 * receive buffer would drop the answer.
	 */
	while (recv(fd, frame, sizeof(frame), MSG_DONTWAIT) > 0)
		;
	put32(ts_opts + 4, 3);
	s->flags = TF_ACK | TF_PSH;
	s->paylen = 4;
	len = pkt_build(s, frame);
	if (send(fd, frame, len, 0) != (ssize_t)len) {
		perror("rawsend: send");
		return 1;
	}
	printf("times syn=%llu synack=%llu ack=%llu\nresult=%s\n", t_syn, t_synack,
	       t_ack, probe_answer(fd, s));
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	uint8_t frame[PKT_MAX], dmac[6];
	struct pkt_spec s;
	struct ifreq ifr = {};
	double t0, limit;
	long count, sent = 0;
	const char *mode;
	int fd, one = 1;
	size_t len;

	if (argc < 8) {
		fprintf(stderr, "usage: rawsend DEV DSTMAC SRC DST PORT synflood|forgedack|syn54|handshake COUNT [SECONDS]\n");
		return 2;
	}
	mode = argv[6];
	count = atol(argv[7]);
	limit = argc > 8 ? atof(argv[8]) : 10;
	pkt_default(&s, 0);
	if (parse_mac(argv[2], dmac) || inet_pton(AF_INET, argv[3], s.saddr) != 1 ||
	    inet_pton(AF_INET, argv[4], s.daddr) != 1) {
		fprintf(stderr, "rawsend: bad MAC or address\n");
		return 2;
	}
	memcpy(s.dmac, dmac, 6);
	s.dport = (uint16_t)atoi(argv[5]);

	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0) {
		perror("rawsend: socket");
		return 1;
	}
	strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) || ioctl(fd, SIOCGIFINDEX, &ifr)) {
		perror("rawsend: device");
		return 1;
	}
	sll.sll_ifindex = ifr.ifr_ifindex;
	sll.sll_protocol = htons(ETH_P_ALL);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("rawsend: bind");
		return 1;
	}
	ioctl(fd, SIOCGIFHWADDR, &ifr);
	memcpy(s.smac, ifr.ifr_hwaddr.sa_data, 6);
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));

	if (!strcmp(mode, "syn54")) {
		s.sport = (uint16_t)(20000 + (getpid() % 20000));
		s.seq = rnd();
		len = pkt_build(&s, frame);
		if (send(fd, frame, len, 0) != (ssize_t)len) {
			perror("rawsend: send");
			return 1;
		}
		printf("sent=1 seconds=0\n");
		{
			uint8_t th[60];
			size_t optlen;

			return synack_for(fd, &s, th, &optlen);
		}
	}
	if (!strcmp(mode, "handshake")) {
		s.sport = (uint16_t)(20000 + (getpid() % 20000));
		s.seq = rnd() ^ (uint32_t)getpid();
		return handshake(fd, &s, count);
	}

	t0 = mono_s();
	while (sent < count && mono_s() - t0 < limit) {
		if (!strcmp(mode, "synflood")) {
			s.saddr[2] = (uint8_t)(rnd() % 254 + 1);
			s.saddr[3] = (uint8_t)(rnd() % 254 + 1);
			s.opts = linux_opts;
			s.optlen = sizeof(linux_opts);
			s.flags = TF_SYN;
		} else if (!strcmp(mode, "forgedack")) {
			s.flags = TF_ACK;
			s.ack = rnd();
		} else {
			fprintf(stderr, "rawsend: unknown mode %s\n", mode);
			return 2;
		}
		s.sport = (uint16_t)(1024 + rnd() % 60000);
		s.seq = rnd();
		len = pkt_build(&s, frame);
		if (send(fd, frame, len, 0) == (ssize_t)len)
			sent++;
		else if (errno != ENOBUFS && errno != EAGAIN) {
			perror("rawsend: send");
			return 1;
		}
	}
	printf("sent=%ld seconds=%.2f\n", sent, mono_s() - t0);
	return 0;
}
