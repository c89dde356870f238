// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmarks' echo server: one thread, epoll, a listen backlog of the
 * caller's choosing (the stateful case needs a small one).
 *
 *   server PORT BACKLOG
 *
 * Accepts on 0.0.0.0:PORT, echoes what each connection sends, closes when
 * the client does.  Prints "listening port=P backlog=B" once ready and runs
 * until killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MAX_EVENTS = 64 };

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct epoll_event ev, evs[MAX_EVENTS];
	int l, ep, one = 1, backlog, port, i, n;
	char buf[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: server PORT BACKLOG\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	port = atoi(argv[1]);
	backlog = atoi(argv[2]);
	a.sin_port = htons((uint16_t)port);
	l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, backlog)) {
		perror("server: listen");
		return 1;
	}
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = l;
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev)) {
		perror("server: epoll");
		return 1;
	}
	printf("listening port=%d backlog=%d\n", port, backlog);
	fflush(stdout);
	for (;;) {
		n = epoll_wait(ep, evs, MAX_EVENTS, -1);
		if (n < 0 && errno != EINTR) {
			perror("server: epoll_wait");
			return 1;
		}
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			ssize_t r;

			if (fd == l) {
				int c;

				while ((c = accept4(l, NULL, NULL,
						    SOCK_NONBLOCK)) >= 0) {
					ev.events = EPOLLIN;
					ev.data.fd = c;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev))
						close(c);
				}
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			if (r > 0) {
				if (write(fd, buf, (size_t)r) == r)
					continue;
			} else if (r < 0 && errno == EAGAIN) {
				continue;
			}
			close(fd);	/* EOF, error or short write */
		}
	}
}
