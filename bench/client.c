// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmarks' legitimate client: open loop, a steady rate of fresh
 * connections whatever happens to earlier ones.
 *
 *   client ADDR PORT RATE SECONDS TIMEOUT_MS
 *
 * Every 1/RATE s for SECONDS: a new TCP connection to ADDR:PORT sends a few
 * bytes, reads the echo and closes.  A connection succeeds if all of that is
 * done within TIMEOUT_MS of its start (so a SYN lost once, retransmitted
 * after the kernel's 1 s, can still succeed, slowly).  Prints one line:
 *
 *   attempts=N ok=N fail_connect=N fail_echo=N p50_us=.. p90_us=.. p99_us=..
 *
 * with the percentiles of connect latency (connect() to established) over
 * the connections whose handshake completed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { MAX_CONNS = 8192, MAX_EVENTS = 64 };

static const char msg[] = "sgate bench says hello";

struct conn {
	int fd;
	int state;		/* 0 free, 1 connecting, 2 awaiting echo */
	long start_us;
	size_t got;
};

static struct conn conns[MAX_CONNS];
static long lat[MAX_CONNS * 8];

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

static long pct(long n, int p)
{
	long i;

	if (!n)
		return -1;
	i = (n * p + 99) / 100 - 1;	/* nearest rank */
	return lat[i < 0 ? 0 : i];
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	long attempts = 0, ok = 0, fail_conn = 0, fail_echo = 0, nlat = 0;
	long t0, end, next, gap_us, timeout_us, now;
	struct epoll_event evs[MAX_EVENTS];
	int ep, live = 0, i;
	double rate;

	if (argc != 6 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) {
		fprintf(stderr, "usage: client ADDR PORT RATE SECONDS TIMEOUT_MS\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	a.sin_port = htons((uint16_t)atoi(argv[2]));
	rate = atof(argv[3]);
	timeout_us = atol(argv[5]) * 1000;
	if (rate <= 0 || atof(argv[4]) <= 0 || timeout_us <= 0) {
		fprintf(stderr, "client: bad arguments\n");
		return 2;
	}
	gap_us = (long)(1e6 / rate);
	ep = epoll_create1(0);
	if (ep < 0) {
		perror("client: epoll");
		return 1;
	}
	t0 = now_us();
	end = t0 + (long)(atof(argv[4]) * 1e6);
	next = t0;

	while ((now = now_us()) < end || live) {
		long wait_us = 1000000;
		int n;

		/* Start every connection that is due. */
		while (now < end && next <= now) {
			struct epoll_event ev = { .events = EPOLLOUT };
			struct conn *c = NULL;
			int fd;

			next += gap_us;
			attempts++;
			for (i = 0; i < MAX_CONNS; i++)
				if (!conns[i].state) {
					c = &conns[i];
					break;
				}
			fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			if (!c || fd < 0) {
				fail_conn++;
				if (fd >= 0)
					close(fd);
				continue;
			}
			c->fd = fd;
			c->state = 1;
			c->start_us = now;
			c->got = 0;
			ev.data.ptr = c;
			if ((connect(fd, (struct sockaddr *)&a, sizeof(a)) &&
			     errno != EINPROGRESS) ||
			    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
				close(fd);
				c->state = 0;
				fail_conn++;
				continue;
			}
			live++;
		}
		/* Time out what is overdue; find the next deadline. */
		for (i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &conns[i];
			long left;

			if (!c->state)
				continue;
			left = c->start_us + timeout_us - now;
			if (left <= 0) {
				if (c->state == 1)
					fail_conn++;
				else
					fail_echo++;
				close(c->fd);
				c->state = 0;
				live--;
			} else if (left < wait_us) {
				wait_us = left;
			}
		}
		if (now < end && next - now < wait_us)
			wait_us = next - now;
		if (wait_us < 0)
			wait_us = 0;
		n = epoll_wait(ep, evs, MAX_EVENTS, (int)((wait_us + 999) / 1000));
		now = now_us();
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			int err = 0;
			socklen_t len = sizeof(err);

			if (c->state == 1) {
				struct epoll_event ev = { .events = EPOLLIN,
							  .data.ptr = c };

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err || write(c->fd, msg, sizeof(msg)) !=
						   (ssize_t)sizeof(msg) ||
				    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev)) {
					fail_conn++;
					goto done;
				}
				if (nlat < (long)(sizeof(lat) / sizeof(lat[0])))
					lat[nlat++] = now - c->start_us;
				c->state = 2;
				shutdown(c->fd, SHUT_WR);
				continue;
			}
			{
				char buf[sizeof(msg)];
				ssize_t r = read(c->fd, buf, sizeof(buf) - c->got);

				if (r < 0 && errno == EAGAIN)
					continue;
				if (r > 0 && !memcmp(buf, msg + c->got, (size_t)r)) {
					c->got += (size_t)r;
					if (c->got < sizeof(msg))
						continue;
					ok++;
				} else {
					fail_echo++;
				}
			}
done:
			close(c->fd);
			c->state = 0;
			live--;
		}
	}
	qsort(lat, (size_t)nlat, sizeof(long), cmp_long);
	printf("attempts=%ld ok=%ld fail_connect=%ld fail_echo=%ld p50_us=%ld p90_us=%ld p99_us=%ld\n",
	       attempts, ok, fail_conn, fail_echo, pct(nlat, 50), pct(nlat, 90),
	       pct(nlat, 99));
	return 0;
}
