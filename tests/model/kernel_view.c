// SPDX-License-Identifier: GPL-2.0
/*
 * The stack's reading of a frame, without the gate's limits (kernel_view.h).
 */
#include <string.h>

#include "kernel_view.h"

enum {
	ETH_HDR = 14,
	VLAN_TAG = 4,
	IPV4_HDR = 20,
	IPV6_HDR = 40,
	EXT_MIN = 8,		/* every extension header's fixed part */
	PORTS = 4,
	TCP_HDR = 20,
	/* A GRO super-packet's IP length is 0: its payload is the frame's. */
	IP_LEN_MAX = 0xffff,
};

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static bool is_tpid(unsigned ethertype)
{
	return ethertype == 0x8100 || ethertype == 0x88a8;
}

/* Hop-by-hop, routing, fragment, destination options, authentication. */
static bool is_ipv6_ext(unsigned nexthdr)
{
	return nexthdr == 0 || nexthdr == 43 || nexthdr == 44 ||
	       nexthdr == 60 || nexthdr == 51;
}

static size_t ipv6_ext_len(unsigned nexthdr, const uint8_t *ext)
{
	if (nexthdr == 44)
		return 8;
	if (nexthdr == 51)	/* RFC 4302: 4-octet units, minus 2 */
		return ((size_t)ext[1] + 2) * 4;
	return ((size_t)ext[1] + 1) * 8;
}

/* Where the IP payload ends for a length field counted from @from. */
static size_t payload_end(size_t from, unsigned field, size_t len)
{
	if (!field && len - from > IP_LEN_MAX)
		return len;
	return from + field <= len ? from + field : 0;
}

bool kv_multicast_dest(const struct model_tuple *t)
{
	return t->ipv6 ? t->daddr[0] == 0xff : t->daddr[0] >= 224;
}

static void read_ipv4(const uint8_t *f, size_t len, struct kernel_view *kv)
{
	const uint8_t *ip = f + kv->l3off;
	size_t ihl;
	unsigned frag;

	if (kv->l3off + IPV4_HDR > len || ip[0] >> 4 != 4 || (ip[0] & 15) < 5) {
		kv->cls = KV_MALFORMED;
		return;
	}
	memcpy(kv->t.saddr, ip + 12, 4);
	memcpy(kv->t.daddr, ip + 16, 4);
	if (ip[9] != 6 && ip[9] != 17) {
		kv->cls = KV_NOT_TCP;
		return;
	}
	kv->udp = ip[9] == 17;
	frag = be16(ip + 6);
	if (frag & 0x1fff) {
		kv->cls = KV_LATER_FRAGMENT;
		return;
	}
	kv->first_fragment = frag & 0x2000;
	ihl = (size_t)(ip[0] & 15) * 4;
	kv->l4off = kv->l3off + ihl;
	kv->ip_end = payload_end(kv->l3off, be16(ip + 2), len);
	if (kv->ip_end && kv->ip_end < kv->l4off)
		kv->ip_end = 0;		/* shorter than its own header */
	kv->cls = kv->udp ? KV_UDP : KV_TCP;
}

static void read_ipv6(const uint8_t *f, size_t len, struct kernel_view *kv)
{
	const uint8_t *ip = f + kv->l3off;
	size_t off = kv->l3off + IPV6_HDR;
	unsigned next;

	kv->ipv6 = 1;
	kv->t.ipv6 = 1;
	if (kv->l3off + IPV6_HDR > len || ip[0] >> 4 != 6) {
		kv->cls = KV_MALFORMED;
		return;
	}
	memcpy(kv->t.saddr, ip + 8, 16);
	memcpy(kv->t.daddr, ip + 24, 16);
	kv->ip_end = payload_end(off, be16(ip + 4), len);
	for (next = ip[6]; is_ipv6_ext(next);) {
		const uint8_t *ext = f + off;

		kv->ext_headers++;
		if (off + EXT_MIN > len) {
			kv->cls = KV_MALFORMED;
			return;
		}
		if (next == 44) {
			unsigned fo = be16(ext + 2);

			if (fo & 0xfff8) {
				kv->cls = KV_LATER_FRAGMENT;
				return;
			}
			if (fo & 1)
				kv->first_fragment = true;
		}
		off += ipv6_ext_len(next, ext);
		next = ext[0];
	}
	if (next != 6 && next != 17) {
		kv->cls = KV_NOT_TCP;
		return;
	}
	kv->udp = next == 17;
	kv->l4off = off;
	kv->cls = kv->udp ? KV_UDP : KV_TCP;
}

void kernel_view(const uint8_t *f, size_t len, struct kernel_view *kv)
{
	size_t off = ETH_HDR;
	unsigned ethertype;

	memset(kv, 0, sizeof(*kv));
	kv->cls = KV_NOT_IP;
	if (len < ETH_HDR)
		return;
	ethertype = be16(f + 12);
	while (is_tpid(ethertype)) {
		kv->tpids++;
		if (off + VLAN_TAG > len)
			return;
		ethertype = be16(f + off + 2);
		off += VLAN_TAG;
	}
	kv->l3off = off;
	if (ethertype == 0x0800)
		read_ipv4(f, len, kv);
	else if (ethertype == 0x86dd)
		read_ipv6(f, len, kv);
	if (kv->cls != KV_TCP && kv->cls != KV_UDP)
		return;

	kv->ports = kv->l4off + PORTS <= len &&
		    (!kv->ip_end || kv->l4off + PORTS <= kv->ip_end);
	if (!kv->ports)
		return;
	memcpy(kv->t.sport, f + kv->l4off, 2);
	memcpy(kv->t.dport, f + kv->l4off + 2, 2);
	if (kv->udp || !kv->ip_end || kv->l4off + TCP_HDR > kv->ip_end)
		return;
	kv->doff = (size_t)(f[kv->l4off + 12] >> 4) * 4;
	kv->flags = f[kv->l4off + 13];
	kv->tcp_whole = kv->doff >= TCP_HDR && kv->l4off + kv->doff <= kv->ip_end;
}
