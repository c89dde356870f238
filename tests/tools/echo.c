// SPDX-License-Identifier: GPL-2.0
/*
 * A real TCP client and server for the end-to-end tests and the demo.
 *
 *   echo server PORT [COUNT]  accept COUNT (default: unlimited) connections
 *                             on [::]:PORT, echo what each sends, and print
 *                             one line of TCP_INFO per connection
 *   echo client ADDR PORT [N] [GAP_MS]
 *                             N times: connect, send, read the echo, close;
 *                             print TCP_INFO of the first connection and a
 *                             summary line "ok=X fail=Y p50_us=.. p99_us=.."
 *
 * TCP_INFO lines: "info side=S opts=O snd_wscale=A rcv_wscale=B
 * snd_mss=C rcv_mss=D" with O a subset of "sack,ts,ws,ecn" (or "none").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void print_info(int fd, const char *side)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	char opts[32] = "";

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len)) {
		printf("info side=%s error=%s\n", side, strerror(errno));
		return;
	}
	if (ti.tcpi_options & TCPI_OPT_SACK)
		strcat(opts, "sack,");
	if (ti.tcpi_options & TCPI_OPT_TIMESTAMPS)
		strcat(opts, "ts,");
	if (ti.tcpi_options & TCPI_OPT_WSCALE)
		strcat(opts, "ws,");
	if (ti.tcpi_options & TCPI_OPT_ECN)
		strcat(opts, "ecn,");
	if (*opts)
		opts[strlen(opts) - 1] = 0;
	else
		strcpy(opts, "none");
	printf("info side=%s opts=%s snd_wscale=%u rcv_wscale=%u snd_mss=%u rcv_mss=%u\n",
	       side, opts, ti.tcpi_snd_wscale, ti.tcpi_rcv_wscale,
	       ti.tcpi_snd_mss, ti.tcpi_rcv_mss);
	fflush(stdout);
}

static int serve(int port, long count)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_port = htons((uint16_t)port) };
	int l = socket(AF_INET6, SOCK_STREAM, 0), one = 1, zero = 0;
	char buf[4096];
	long n;

	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1024)) {
		perror("echo server: listen");
		return 1;
	}
	printf("listening port=%d\n", port);
	fflush(stdout);
	for (n = 0; count < 0 || n < count; n++) {
		int c = accept(l, NULL, NULL);
		ssize_t r;

		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("echo server: accept");
			return 1;
		}
		print_info(c, "server");
		/* One process a connection: a silent peer must not stall the rest. */
		if (fork() == 0) {
			struct timeval tv = { .tv_sec = 30 };

			close(l);
			setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			while ((r = read(c, buf, sizeof(buf))) > 0)
				if (write(c, buf, (size_t)r) != r)
					break;
			_exit(0);
		}
		close(c);
	}
	return 0;
}

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* One connection: connect, send, read the echo; returns connect time. */
static long one_conn(const struct addrinfo *ai, int report)
{
	static const char msg[] = "sgate says hello";
	char buf[sizeof(msg)];
	struct timeval tv = { .tv_sec = 5 };
	long t0 = now_us(), t1;
	size_t got = 0;
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		close(fd);
		return -1;
	}
	t1 = now_us();
	if (report)
		print_info(fd, "client");
	if (write(fd, msg, sizeof(msg)) != (ssize_t)sizeof(msg)) {
		close(fd);
		return -1;
	}
	shutdown(fd, SHUT_WR);
	while (got < sizeof(msg)) {
		ssize_t r = read(fd, buf + got, sizeof(msg) - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != sizeof(msg) || memcmp(buf, msg, sizeof(msg)))
		return -1;
	return t1 - t0;
}

static int client(const char *host, const char *port, long n, long gap_ms)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	long *lat = calloc((size_t)n, sizeof(long)), ok = 0, fail = 0, i;

	if (!lat || getaddrinfo(host, port, &hints, &ai)) {
		fprintf(stderr, "echo client: cannot resolve %s\n", host);
		return 2;
	}
	for (i = 0; i < n; i++) {
		long t = one_conn(ai, i == 0);

		if (t < 0)
			fail++;
		else
			lat[ok++] = t;
		if (gap_ms)
			usleep((useconds_t)gap_ms * 1000);
	}
	qsort(lat, (size_t)ok, sizeof(long), cmp_long);
	printf("summary ok=%ld fail=%ld p50_us=%ld p99_us=%ld\n", ok, fail,
	       ok ? lat[ok / 2] : -1, ok ? lat[(ok * 99) / 100] : -1);
	freeaddrinfo(ai);
	free(lat);
	return fail ? 1 : 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN);	/* no zombies from served connections */
	if (argc >= 3 && !strcmp(argv[1], "server"))
		return serve(atoi(argv[2]), argc > 3 ? atol(argv[3]) : -1);
	if (argc >= 4 && !strcmp(argv[1], "client"))
		return client(argv[2], argv[3], argc > 4 ? atol(argv[4]) : 1,
			      argc > 5 ? atol(argv[5]) : 0);
	fprintf(stderr,
		"usage: echo server PORT [COUNT]\n"
		"       echo client ADDR PORT [N] [GAP_MS]\n");
	return 2;
}
