// SPDX-License-Identifier: GPL-2.0
/*
 * A DTLS echo server built on OpenSSL and lib/dtls: the server a DTLS
 * service behind the gate would be (tests/e2e/test_dtls.sh).
 *
 *   dtls_echo ADDRESS PORT CERT KEY
 *
 * Serves one client at a time on one socket: DTLSv1_listen() with the
 * cookie callbacks of lib/dtls, the handshake, then every record echoed
 * until the client closes or is silent for 5 s.  Prints one line per
 * client: how many ClientHellos the listen loop read up to the client's
 * valid one (1 when the gate answered every other), and whether the gate's
 * keys checked it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "sgate_dtls.h"

static int bind_to(const char *address, int port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 5 };
	int ipv6 = strchr(address, ':') != NULL, one = 1, fd;

	fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	a4.sin_port = htons(port);
	a6.sin6_port = htons(port);
	if ((ipv6 ? inet_pton(AF_INET6, address, &a6.sin6_addr) :
		    inet_pton(AF_INET, address, &a4.sin_addr)) != 1 ||
	    bind(fd, ipv6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
		 ipv6 ? sizeof(a6) : sizeof(a4))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void serve(SSL *ssl)
{
	char buf[2048];
	int n, rc = SSL_accept(ssl);

	if (rc <= 0) {
		fprintf(stderr, "dtls_echo: handshake failed (SSL error %d)\n",
			SSL_get_error(ssl, rc));
		ERR_print_errors_fp(stderr);
		return;
	}
	while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0)
		if (SSL_write(ssl, buf, n) <= 0)
			break;
	SSL_shutdown(ssl);
}

int main(int argc, char **argv)
{
	struct sgate_dtls_server *srv;
	unsigned long before;
	SSL_CTX *ctx;
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: dtls_echo ADDRESS PORT CERT KEY\n");
		return 2;
	}
	fd = bind_to(argv[1], atoi(argv[2]));
	if (fd < 0) {
		perror("dtls_echo: cannot bind");
		return 1;
	}
	srv = sgate_dtls_server_new(fd, getenv("SGATE_PIN_ROOT"));
	ctx = SSL_CTX_new(DTLS_server_method());
	if (!srv || !ctx || sgate_dtls_server_use(srv, ctx) ||
	    SSL_CTX_use_certificate_file(ctx, argv[3], SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, argv[4], SSL_FILETYPE_PEM) != 1) {
		fprintf(stderr, "dtls_echo: cannot set up OpenSSL\n");
		ERR_print_errors_fp(stderr);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("listening\n");
	for (;;) {
		BIO *bio = BIO_new_dgram(fd, BIO_NOCLOSE);
		BIO_ADDR *peer = BIO_ADDR_new();
		SSL *ssl = SSL_new(ctx);
		char *host = NULL;
		int rc;

		if (!bio || !peer || !ssl)
			return 1;
		sgate_dtls_server_watch(srv, bio);
		SSL_set_bio(ssl, bio, bio);
		before = sgate_dtls_server_hellos(srv);
		do
			rc = DTLSv1_listen(ssl, peer);
		while (rc == 0);
		if (rc > 0) {
			host = BIO_ADDR_hostname_string(peer, 1);
			printf("client %s after %lu ClientHellos, gate keys %s\n",
			       host ? host : "?",
			       sgate_dtls_server_hellos(srv) - before,
			       sgate_dtls_server_gated(srv) ? "yes" : "no");
			OPENSSL_free(host);
			/* DTLSv1_listen() set the peer: replies go there. */
			serve(ssl);
		}
		SSL_free(ssl);
		BIO_ADDR_free(peer);
	}
}
