/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * For a DTLS server built on OpenSSL behind an sgate gate: the cookie
 * callbacks DTLSv1_listen() uses.  Where a gate guards the server's port
 * (its pinned config, read-only, lists the port among its DTLS ports), the
 * server checks and issues cookies exactly as the gate does: the gate's codec
 * (include/sgate/dtls.h) under the gate's key ring, read from its pinned
 * maps.  A gate in module key mode keeps its keys in sgate.ko: the server
 * then accepts a cookie of the gate's form, as the gate passes only
 * ClientHellos whose cookie the module found valid.  Where no gate guards
 * the port, or its pins cannot be read, it fails closed: it issues and
 * checks its own cookies under a key of its own.
 * Documentation/dtls.md, "The server side", shows the lines a server adds.
 *
 * One struct per listening socket, used from one thread.
 */
#ifndef SGATE_DTLS_SERVER_H
#define SGATE_DTLS_SERVER_H

#include <openssl/ssl.h>

struct sgate_dtls_server;

/*
 * For the UDP socket @fd, bound to the address and port clients send to (a
 * wildcard address cannot be bound into a cookie: the callbacks then accept
 * no cookie).  @pin_root: NULL for sgate's default.  NULL on failure, with
 * errno set.
 */
struct sgate_dtls_server *sgate_dtls_server_new(int fd, const char *pin_root);
void sgate_dtls_server_free(struct sgate_dtls_server *srv);

/* Install the cookie callbacks on @ctx; 0, or -1 if OpenSSL refused. */
int sgate_dtls_server_use(struct sgate_dtls_server *srv, SSL_CTX *ctx);

/*
 * Watch @bio, the socket's datagram BIO, so the callbacks see the
 * ClientHello's random, version and session id (OpenSSL hands them only the
 * cookie).  Call for each BIO given to an SSL that listens.
 */
void sgate_dtls_server_watch(struct sgate_dtls_server *srv, BIO *bio);

/*
 * 1 if the last callback used a gate's keys or, in module key mode, its
 * verdict; 0 if the server's own keys.
 */
int sgate_dtls_server_gated(const struct sgate_dtls_server *srv);

/*
 * Datagrams the watched BIOs read, and of them those that begin with a
 * ClientHello, for the server's own accounting.
 */
unsigned long sgate_dtls_server_datagrams(const struct sgate_dtls_server *srv);
unsigned long sgate_dtls_server_hellos(const struct sgate_dtls_server *srv);

#endif
