// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include "sgate/abi.h"
#include "sgate/dtls.h"
#include "sgate_dtls.h"

#define DEFAULT_PIN_ROOT "/sys/fs/bpf/sgate"
#define MODULE_SYSFS "/sys/module/sgate"

/* Whose judgement a cookie callback uses. */
enum judge {
	JUDGE_OWN,		/* our own key: no gate guards the port */
	JUDGE_GATE_KEYS,	/* the gate's keys, read from its maps */
	JUDGE_GATE_MODULE,	/* the gate's verdict: its keys are in sgate.ko */
};

enum {
	DATAGRAM_MAX = 2048,
	OWN_EPOCH_NS_S = 60,
	RESCAN_NS = 1000000000,	/* look for a gate at most once a second */
	RECORD_HLEN = 13,
	HANDSHAKE_HLEN = 12,
};

struct sgate_dtls_server {
	int fd;
	char pin_root[256];
	struct sgate_flow local;	/* daddr, dport of every flow */
	int local_ok;
	/* The server's own ring, for when no gate guards the port. */
	struct sgate_keyring own;
	/* The gate found at the last scan: its map fds, or -1. */
	int cfg_fd, keys_fd, sel_fd;
	unsigned long long scanned_ns;
	int gated;
	unsigned char last[DATAGRAM_MAX];
	size_t last_len;
	unsigned long datagrams, hellos;
};

static int ex_index = -1;

static unsigned long long coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void close_gate(struct sgate_dtls_server *srv)
{
	if (srv->cfg_fd >= 0)
		close(srv->cfg_fd);
	if (srv->keys_fd >= 0)
		close(srv->keys_fd);
	if (srv->sel_fd >= 0)
		close(srv->sel_fd);
	srv->cfg_fd = srv->keys_fd = srv->sel_fd = -1;
}

static int open_pin(const char *dir, const char *name)
{
	LIBBPF_OPTS(bpf_obj_get_opts, opts, .file_flags = BPF_F_RDONLY);
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_get_opts(path, &opts);
}

/* Does the gate whose config map is @fd guard our port now? */
static int guards(const struct sgate_dtls_server *srv, int fd,
		  struct sgate_config *cfg)
{
	__u32 zero = 0;
	unsigned port = ntohs(srv->local.dport);

	if (bpf_map_lookup_elem(fd, &zero, cfg))
		return 0;
	return cfg->abi_version == SGATE_ABI_VERSION && cfg->dtls_enabled &&
	       cfg->epoch_ns &&
	       (cfg->dtls_ports[port / 32] & (1U << (port % 32)));
}

/* Find the gate of this network namespace that guards our port, if any. */
static void scan(struct sgate_dtls_server *srv)
{
	struct sgate_config cfg;
	__u64 cookie = 0;
	socklen_t len = sizeof(cookie);
	char dir[300], gate[600];
	struct dirent *e;
	DIR *d;

	close_gate(srv);
	if (getsockopt(srv->fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len))
		return;
	snprintf(dir, sizeof(dir), "%s/%llu", srv->pin_root,
		 (unsigned long long)cookie);
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(gate, sizeof(gate), "%s/%s", dir, e->d_name);
		fd = open_pin(gate, "config");
		if (fd < 0)
			continue;
		if (!guards(srv, fd, &cfg)) {
			close(fd);
			continue;
		}
		srv->cfg_fd = fd;
		srv->keys_fd = open_pin(gate, "keys");
		srv->sel_fd = open_pin(gate, "key_sel");
		if (srv->keys_fd < 0 || srv->sel_fd < 0)
			close_gate(srv);
		break;
	}
	closedir(d);
}

/*
 * A gate in module key mode: sgate.ko is loaded and the gate's ring holds
 * no key at all, as attach leaves it in that mode only (a gate in map key
 * mode is pinned with its first key in place).
 */
static int module_gate(const struct sgate_keyring *ring)
{
	int i;

	for (i = 0; i < SGATE_KEYRING_MASTERS; i++)
		if (sgate_master_in_use(&ring->m[i]))
			return 0;
	return access(MODULE_SYSFS, F_OK) == 0;
}

/*
 * Whose judgement the callbacks use now, with the ring and epoch of
 * JUDGE_GATE_KEYS and JUDGE_OWN.  Fails closed: a gate whose keys cannot be
 * read leaves us with our own ring, whose cookies the gate rejects.
 */
static enum judge current_ring(struct sgate_dtls_server *srv,
			       struct sgate_keyring *ring, __u64 *epoch)
{
	unsigned long long now = coarse_ns();
	struct sgate_config cfg;
	__u32 zero = 0, sel;

	if (!srv->scanned_ns || now - srv->scanned_ns >= RESCAN_NS) {
		scan(srv);
		srv->scanned_ns = now;
	}
	srv->gated = 0;
	if (srv->cfg_fd >= 0 && guards(srv, srv->cfg_fd, &cfg) &&
	    !bpf_map_lookup_elem(srv->sel_fd, &zero, &sel)) {
		sel &= SGATE_KEYRING_SLOTS - 1;
		if (!bpf_map_lookup_elem(srv->keys_fd, &sel, ring)) {
			*epoch = now / cfg.epoch_ns;
			srv->gated = 1;
			if (module_gate(ring))
				return JUDGE_GATE_MODULE;
			return JUDGE_GATE_KEYS;
		}
	}
	*ring = srv->own;
	*epoch = now / (OWN_EPOCH_NS_S * 1000000000ULL);
	return JUDGE_OWN;
}

/* The flow and hello of the last datagram, if it is a ClientHello. */
static int last_hello(struct sgate_dtls_server *srv, SSL *ssl,
		      struct sgate_flow *f, struct sgate_dtls_hello *h)
{
	const unsigned char *p = srv->last + RECORD_HLEN + HANDSHAKE_HLEN;
	size_t n = srv->last_len, body = RECORD_HLEN + HANDSHAKE_HLEN;
	BIO_ADDR *peer = BIO_ADDR_new();
	size_t alen = 0;
	int ok = 0;

	if (!srv->local_ok || !peer || n < body + 35 ||
	    srv->last[0] != 22 || srv->last[RECORD_HLEN] != 1)
		goto out;
	if (BIO_dgram_get_peer(SSL_get_rbio(ssl), peer) <= 0)
		goto out;
	*f = srv->local;
	f->sport = BIO_ADDR_rawport(peer);
	if (BIO_ADDR_family(peer) != (f->ipv6 ? AF_INET6 : AF_INET) ||
	    !BIO_ADDR_rawaddress(peer, NULL, &alen) ||
	    alen != (f->ipv6 ? 16u : 4u) ||
	    !BIO_ADDR_rawaddress(peer, f->saddr, &alen))
		goto out;
	memset(h, 0, sizeof(*h));
	memcpy(h->client_version, p, 2);
	memcpy(h->random, p + 2, SGATE_DTLS_RANDOM_LEN);
	h->session_id_len = p[34];
	if (h->session_id_len > SGATE_DTLS_SESSION_ID_MAX ||
	    n < body + 35 + h->session_id_len)
		goto out;
	memcpy(h->session_id, p + 35, h->session_id_len);
	ok = 1;
out:
	BIO_ADDR_free(peer);
	return ok;
}

static struct sgate_dtls_server *server_of(SSL *ssl)
{
	return SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ex_index);
}

static int generate_cookie(SSL *ssl, unsigned char *cookie,
			   unsigned int *len)
{
	struct sgate_dtls_server *srv = server_of(ssl);
	const struct sgate_siphash_key *key;
	struct sgate_dtls_hello h;
	struct sgate_keyring ring;
	struct sgate_flow f;
	__u64 epoch;

	if (!srv || !last_hello(srv, ssl, &f, &h))
		return 0;
	/*
	 * A gate in module key mode answers every ClientHello without its
	 * cookie itself; one that reaches us anyway came another way, and
	 * gets a cookie of our own, which the gate rejects.
	 */
	if (current_ring(srv, &ring, &epoch) == JUDGE_GATE_MODULE) {
		ring = srv->own;
		epoch = coarse_ns() / (OWN_EPOCH_NS_S * 1000000000ULL);
	}
	key = sgate_keyring_key_for(&ring, epoch);
	if (!key)
		return 0;
	sgate_dtls_cookie_make(key, &f, &h, epoch, cookie);
	*len = SGATE_DTLS_COOKIE_LEN;
	return 1;
}

static int verify_cookie(SSL *ssl, const unsigned char *cookie,
			 unsigned int len)
{
	struct sgate_dtls_server *srv = server_of(ssl);
	struct sgate_dtls_hello h;
	struct sgate_keyring ring;
	struct sgate_flow f;
	__u64 epoch;

	if (!srv || !last_hello(srv, ssl, &f, &h))
		return 0;
	/*
	 * The keys of a gate in module key mode never leave sgate.ko, so no
	 * MAC can be checked here.  The gate passes a ClientHello to the port
	 * only once the module has found its cookie valid, so one that came
	 * through it carries a valid cookie; we take its word for it and check
	 * only the cookie's form.  Documentation/dtls.md says what that trusts.
	 */
	if (current_ring(srv, &ring, &epoch) == JUDGE_GATE_MODULE)
		return len == SGATE_DTLS_COOKIE_LEN &&
		       cookie[0] >> 1 == SGATE_DTLS_COOKIE_VERSION;
	return sgate_dtls_cookie_check(&ring, &f, &h, cookie, len, epoch) ==
	       SGATE_COOKIE_VALID;
}

/* Remembers each datagram a watched BIO reads. */
static long watch_cb(BIO *b, int oper, const char *argp, size_t len, int argi,
		     long argl, int ret, size_t *processed)
{
	struct sgate_dtls_server *srv = (void *)BIO_get_callback_arg(b);

	(void)len;
	(void)argi;
	(void)argl;
	if (srv && oper == (BIO_CB_READ | BIO_CB_RETURN) && ret > 0 &&
	    processed && *processed) {
		size_t n = *processed < DATAGRAM_MAX ? *processed :
						       DATAGRAM_MAX;

		memcpy(srv->last, argp, n);
		srv->last_len = n;
		srv->datagrams++;
		if (n > RECORD_HLEN && srv->last[0] == 22 &&
		    srv->last[RECORD_HLEN] == 1)
			srv->hellos++;
	}
	return ret;
}

struct sgate_dtls_server *sgate_dtls_server_new(int fd, const char *pin_root)
{
	struct sgate_dtls_server *srv = calloc(1, sizeof(*srv));
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct sgate_siphash_key key;

	if (!srv)
		return NULL;
	srv->fd = fd;
	srv->cfg_fd = srv->keys_fd = srv->sel_fd = -1;
	snprintf(srv->pin_root, sizeof(srv->pin_root), "%s",
		 pin_root ? pin_root : DEFAULT_PIN_ROOT);
	if (getrandom(&key, sizeof(key), 0) != sizeof(key) ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		free(srv);
		return NULL;
	}
	sgate_keyring_init(&srv->own, &key, 1);
	explicit_bzero(&key, sizeof(key));
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)&ss;

		srv->local.daddr[0] = a->sin_addr.s_addr;
		srv->local.dport = a->sin_port;
		srv->local_ok = a->sin_addr.s_addr != 0;
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)&ss;

		memcpy(srv->local.daddr, &a->sin6_addr, 16);
		srv->local.dport = a->sin6_port;
		srv->local.ipv6 = 1;
		srv->local_ok = !IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr) &&
				!IN6_IS_ADDR_V4MAPPED(&a->sin6_addr);
	}
	if (!srv->local_ok)
		fprintf(stderr,
			"sgate_dtls: the socket is bound to a wildcard address: a cookie binds "
			"the server's address, so no cookie will verify; bind the socket to the "
			"address clients send to\n");
	return srv;
}

void sgate_dtls_server_free(struct sgate_dtls_server *srv)
{
	if (!srv)
		return;
	close_gate(srv);
	explicit_bzero(&srv->own, sizeof(srv->own));
	free(srv);
}

int sgate_dtls_server_use(struct sgate_dtls_server *srv, SSL_CTX *ctx)
{
	if (ex_index < 0)
		ex_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if (ex_index < 0 || !SSL_CTX_set_ex_data(ctx, ex_index, srv))
		return -1;
	SSL_CTX_set_cookie_generate_cb(ctx, generate_cookie);
	SSL_CTX_set_cookie_verify_cb(ctx, verify_cookie);
	return 0;
}

void sgate_dtls_server_watch(struct sgate_dtls_server *srv, BIO *bio)
{
	BIO_set_callback_arg(bio, (char *)srv);
	BIO_set_callback_ex(bio, watch_cb);
}

int sgate_dtls_server_gated(const struct sgate_dtls_server *srv)
{
	return srv->gated;
}

unsigned long sgate_dtls_server_datagrams(const struct sgate_dtls_server *srv)
{
	return srv->datagrams;
}

unsigned long sgate_dtls_server_hellos(const struct sgate_dtls_server *srv)
{
	return srv->hellos;
}
