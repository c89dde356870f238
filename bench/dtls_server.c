// SPDX-License-Identifier: GPL-2.0
/*
 * OpenSSL's own answer to a ClientHello flood, for the benchmarks: a UDP
 * socket and DTLSv1_listen() with cookie callbacks, as a DTLS server without
 * the gate answers ClientHellos with HelloVerifyRequests.
 *
 *   dtls_server ADDRESS PORT
 *
 * Prints "listening start_cpu_ms=S" once set up, answers until SIGTERM or
 * SIGINT, then prints "listen_calls=N cookie_generated=G cpu_ms=C": G is the
 * HelloVerifyRequests OpenSSL made a cookie for, S and C this process's CPU
 * time (user and system) at those two moments.  A ClientHello with a valid cookie ends a DTLSv1_listen() call, and
 * the listen starts over (no handshake follows: only the answer is
 * measured).  The cookie is HMAC-SHA256 of the peer's address and port
 * under a random secret, the usual recipe (OpenSSL's s_server does the
 * same).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

enum { COOKIE_LEN = 16, RCVBUF = 8 << 20 };

static unsigned char secret[32];
static unsigned long generated;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* HMAC-SHA256 of the peer's address and port, the first COOKIE_LEN bytes. */
static int peer_mac(SSL *ssl, unsigned char *out)
{
	unsigned char in[sizeof(struct in6_addr) + 2];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = sizeof(mac);
	BIO_ADDR *peer = BIO_ADDR_new();
	size_t alen = sizeof(in) - 2;
	unsigned short port;

	if (!peer || BIO_dgram_get_peer(SSL_get_rbio(ssl), peer) <= 0 ||
	    !BIO_ADDR_rawaddress(peer, in, &alen)) {
		BIO_ADDR_free(peer);
		return -1;
	}
	port = BIO_ADDR_rawport(peer);
	memcpy(in + alen, &port, 2);
	BIO_ADDR_free(peer);
	if (!HMAC(EVP_sha256(), secret, sizeof(secret), in, alen + 2, mac,
		  &maclen))
		return -1;
	memcpy(out, mac, COOKIE_LEN);
	return 0;
}

static int generate_cookie(SSL *ssl, unsigned char *cookie,
			   unsigned int *len)
{
	if (peer_mac(ssl, cookie))
		return 0;
	*len = COOKIE_LEN;
	generated++;
	return 1;
}

static int verify_cookie(SSL *ssl, const unsigned char *cookie,
			 unsigned int len)
{
	unsigned char want[COOKIE_LEN];

	return len == COOKIE_LEN && !peer_mac(ssl, want) &&
	       CRYPTO_memcmp(cookie, want, COOKIE_LEN) == 0;
}

/* This process's CPU time so far, user and system, in ms. */
static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int bind_to(const char *address, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	/* Wakes the listen loop now and then to see whether it is to stop. */
	struct timeval tv = { .tv_usec = 200000 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rcvbuf = RCVBUF;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/*
	 * Room for the ClientHellos that arrive while another task has the
	 * CPU, as a busy server would be configured; the default holds a few
	 * dozen of these page-sized buffers.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	a.sin_port = htons(port);
	if (inet_pton(AF_INET, address, &a.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long calls = 0;
	BIO_ADDR *peer;
	SSL_CTX *ctx;
	BIO *bio;
	SSL *ssl;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: dtls_server ADDRESS PORT\n");
		return 2;
	}
	/* No SA_RESTART: the blocking read returns, the loop sees stop. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fd = bind_to(argv[1], atoi(argv[2]));
	if (fd < 0) {
		perror("dtls_server: cannot bind");
		return 1;
	}
	ctx = SSL_CTX_new(DTLS_server_method());
	if (!ctx || RAND_bytes(secret, sizeof(secret)) != 1) {
		fprintf(stderr, "dtls_server: cannot set up OpenSSL\n");
		ERR_print_errors_fp(stderr);
		return 1;
	}
	SSL_CTX_set_cookie_generate_cb(ctx, generate_cookie);
	SSL_CTX_set_cookie_verify_cb(ctx, verify_cookie);
	bio = BIO_new_dgram(fd, BIO_NOCLOSE);
	ssl = SSL_new(ctx);
	peer = BIO_ADDR_new();
	if (!bio || !ssl || !peer)
		return 1;
	SSL_set_bio(ssl, bio, bio);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("listening start_cpu_ms=%.1f\n", cpu_ms());
	while (!stop) {
		/*
		 * On a blocking socket one call answers ClientHellos until one
		 * carries a valid cookie or a read times out (SO_RCVTIMEO).
		 */
		if (DTLSv1_listen(ssl, peer) > 0 && SSL_clear(ssl) != 1)
			return 1;
		calls++;
	}
	printf("listen_calls=%lu cookie_generated=%lu cpu_ms=%.1f\n", calls,
	       generated, cpu_ms());
	return 0;
}
