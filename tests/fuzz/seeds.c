// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's seed corpus: one named frame for every branch of the gate's
 * parser and handlers (Documentation/datapath.md), from real stacks' SYNs
 * to every way a header can lie.  Each runs whole, cut at every byte and
 * mutated (fuzz_xdp.c, test_seeds); a new branch gets a seed here.
 */
#include <string.h>

#include "gen.h"

#define SEED(name) static void seed_##name(struct gen_spec *s, const struct gen_target *t)
#define UNUSED_T (void)t

SEED(syn_linux_v4) { UNUSED_T; gen_default(s, 0); gen_set_opts(s, gen_linux_opts, 20); }
SEED(syn_linux_v6) { UNUSED_T; gen_default(s, 1); gen_set_opts(s, gen_linux_opts, 20); }
SEED(syn_windows) { UNUSED_T; gen_default(s, 0); gen_set_opts(s, gen_windows_opts, 12); }
SEED(syn_macos_v6) { UNUSED_T; gen_default(s, 1); gen_set_opts(s, gen_macos_opts, 24); }
SEED(syn_no_options) { UNUSED_T; gen_default(s, 0); }
SEED(syn_no_options_v6) { UNUSED_T; gen_default(s, 1); }
SEED(syn_ecn) { UNUSED_T; gen_default(s, 0); gen_set_opts(s, gen_linux_opts, 20); s->p.flags = 0xc2; }
SEED(syn_ece_only) { UNUSED_T; gen_default(s, 0); gen_set_opts(s, gen_windows_opts, 12); s->p.flags = 0x42; }
SEED(syn_urg_psh) { UNUSED_T; gen_default(s, 1); gen_set_opts(s, gen_windows_opts, 12); s->p.flags = 0x2a; }
SEED(syn_fin) { UNUSED_T; gen_default(s, 0); s->p.flags = 0x03; }
SEED(syn_rst) { UNUSED_T; gen_default(s, 1); s->p.flags = 0x06; }
SEED(syn_payload) { UNUSED_T; gen_default(s, 0); gen_set_opts(s, gen_linux_opts, 20); s->p.paylen = 100; }
SEED(syn_payload_v6) { UNUSED_T; gen_default(s, 1); s->p.paylen = 33; }
SEED(synack) { UNUSED_T; gen_default(s, 0); gen_set_opts(s, gen_linux_opts, 20); s->p.flags = 0x12; }
SEED(syn_padded_frame) { UNUSED_T; gen_default(s, 0); s->p.trailer = 6; }
SEED(ihl_4) { UNUSED_T; gen_default(s, 0); s->p.ver_ihl = 0x44; }
SEED(ihl_0) { UNUSED_T; gen_default(s, 0); s->p.ver_ihl = 0x40; }
SEED(ihl_15_beyond_frame) { UNUSED_T; gen_default(s, 0); s->p.ver_ihl = 0x4f; }
SEED(ihl_15_options) {
	UNUSED_T;
	gen_default(s, 0);
	gen_set_opts(s, gen_linux_opts, 20);
	s->ipoptlen = 40;
	memset(s->ipopts, 1, 40);
	s->ipopts[39] = 0;
}
SEED(ip_version_6_in_v4) { UNUSED_T; gen_default(s, 0); s->p.ver_ihl = 0x65; }
SEED(ip_version_4_in_v6) { UNUSED_T; gen_default(s, 1); s->p.ver_tc_flow = 0x40000000; }
SEED(ip_options_rr) {
	static const uint8_t rr[8] = { 7, 7, 4, 0, 0, 0, 0, 0 };
	UNUSED_T;
	gen_default(s, 0);
	gen_set_opts(s, gen_windows_opts, 12);
	memcpy(s->ipopts, rr, 8);
	s->ipoptlen = 8;
}
SEED(ip_options_router_alert) {
	static const uint8_t ra[4] = { 0x94, 4, 0, 0 };
	UNUSED_T;
	gen_default(s, 0);
	memcpy(s->ipopts, ra, 4);
	s->ipoptlen = 4;
}
SEED(totlen_short_of_frame) { UNUSED_T; gen_default(s, 0); gen_set_opts(s, gen_linux_opts, 20); s->p.totlen_delta = -8; }
SEED(totlen_below_ihl) { UNUSED_T; gen_default(s, 0); s->p.totlen_delta = -30; }
SEED(totlen_zero) { UNUSED_T; gen_default(s, 0); s->p.totlen_delta = -40; }
SEED(totlen_beyond_frame) { UNUSED_T; gen_default(s, 0); s->p.totlen_delta = 1; }
SEED(totlen_max) { UNUSED_T; gen_default(s, 0); s->p.totlen_delta = 30000; }
SEED(plen_short) { UNUSED_T; gen_default(s, 1); gen_set_opts(s, gen_linux_opts, 20); s->p.totlen_delta = -4; }
SEED(plen_beyond_frame) { UNUSED_T; gen_default(s, 1); s->p.totlen_delta = 2; }
SEED(plen_zero) { UNUSED_T; gen_default(s, 1); s->p.totlen_delta = -20; }
SEED(frag_first_v4) { UNUSED_T; gen_default(s, 0); s->p.frag = 0x2000; }
SEED(frag_later_v4) { UNUSED_T; gen_default(s, 0); s->p.frag = 0x0010; }
SEED(frag_later_mf_v4) { UNUSED_T; gen_default(s, 0); s->p.frag = 0x2001; }
SEED(frag_df_evil_v4) { UNUSED_T; gen_default(s, 0); s->p.frag = 0xc000; }
SEED(frag_later_udp_v4) { UNUSED_T; gen_default(s, 0); s->p.frag = 0x0100; s->p.proto = 17; }
SEED(frag_first_unprotected) { UNUSED_T; gen_default(s, 0); s->p.frag = 0x2000; s->p.dport = 8081; }
SEED(v6_hbh) {
	UNUSED_T;
	gen_default(s, 1);
	gen_set_opts(s, gen_linux_opts, 20);
	s->next_ext = 1;
	s->ext[0] = (struct gen_ext){ .type = 0 };
}
SEED(v6_hbh_dst_rt) {
	UNUSED_T;
	gen_default(s, 1);
	s->next_ext = 3;
	s->ext[0] = (struct gen_ext){ .type = 0, .hdrlen = 1 };
	s->ext[1] = (struct gen_ext){ .type = 60 };
	s->ext[2] = (struct gen_ext){ .type = 43, .hdrlen = 2 };
}
SEED(v6_four_ext) {
	UNUSED_T;
	gen_default(s, 1);
	gen_set_opts(s, gen_windows_opts, 12);
	s->next_ext = 4;
	s->ext[0] = (struct gen_ext){ .type = 0 };
	s->ext[1] = (struct gen_ext){ .type = 60 };
	s->ext[2] = (struct gen_ext){ .type = 43 };
	s->ext[3] = (struct gen_ext){ .type = 44 };
}
SEED(v6_five_ext) {
	UNUSED_T;
	gen_default(s, 1);
	s->next_ext = 5;
	s->ext[0] = (struct gen_ext){ .type = 0 };
	s->ext[1] = (struct gen_ext){ .type = 60 };
	s->ext[2] = (struct gen_ext){ .type = 43 };
	s->ext[3] = (struct gen_ext){ .type = 60 };
	s->ext[4] = (struct gen_ext){ .type = 60 };
}
SEED(v6_frag_first) {
	UNUSED_T;
	gen_default(s, 1);
	s->next_ext = 1;
	s->ext[0] = (struct gen_ext){ .type = 44, .fragword = 1 };
}
SEED(v6_frag_later) {
	UNUSED_T;
	gen_default(s, 1);
	s->next_ext = 2;
	s->ext[0] = (struct gen_ext){ .type = 0 };
	s->ext[1] = (struct gen_ext){ .type = 44, .fragword = 0x100 };
}
SEED(v6_frag_atomic) {
	UNUSED_T;
	gen_default(s, 1);
	gen_set_opts(s, gen_linux_opts, 20);
	s->next_ext = 1;
	s->ext[0] = (struct gen_ext){ .type = 44, .fragword = 0x6 };
}
SEED(v6_ah) {
	UNUSED_T;
	gen_default(s, 1);
	s->next_ext = 1;
	s->ext[0] = (struct gen_ext){ .type = 51, .hdrlen = 4 };
}
SEED(v6_esp) {
	UNUSED_T;
	gen_default(s, 1);
	s->next_ext = 1;
	s->ext[0] = (struct gen_ext){ .type = 50 };
}
SEED(v6_no_next) { UNUSED_T; gen_default(s, 1); s->p.proto = 59; }
SEED(v6_ext_big) {
	/* Destination options of 256 bytes: TCP starts beyond byte 255. */
	UNUSED_T;
	gen_default(s, 1);
	gen_set_opts(s, gen_linux_opts, 20);
	s->next_ext = 1;
	s->ext[0] = (struct gen_ext){ .type = 60, .hdrlen = 31 };
}
SEED(v6_ext_big_ack) {
	UNUSED_T;
	gen_default(s, 1);
	s->p.flags = 0x10;
	s->p.ack = 0x12345678;
	s->next_ext = 2;
	s->ext[0] = (struct gen_ext){ .type = 0, .hdrlen = 20 };
	s->ext[1] = (struct gen_ext){ .type = 60, .hdrlen = 10 };
}
SEED(v6_ext_just_fits) {
	/* TCP at byte 254: still parsed by every reading. */
	UNUSED_T;
	gen_default(s, 1);
	s->next_ext = 1;
	s->ext[0] = (struct gen_ext){ .type = 60, .hdrlen = 24 };
}
SEED(doff_0) { UNUSED_T; gen_default(s, 0); s->p.doff_words = 16; }
SEED(doff_4) { UNUSED_T; gen_default(s, 0); s->p.doff_words = 4; }
SEED(doff_15_beyond) { UNUSED_T; gen_default(s, 0); gen_set_opts(s, gen_windows_opts, 12); s->p.doff_words = 15; }
SEED(doff_beyond_ip_payload) { UNUSED_T; gen_default(s, 0); s->p.doff_words = 10; s->p.trailer = 40; }
SEED(opt_len_0) {
	static const uint8_t o[8] = { 4, 2, 2, 0, 1, 1, 1, 1 };
	UNUSED_T;
	gen_default(s, 0);
	gen_set_opts(s, o, 8);
}
SEED(opt_len_1) {
	static const uint8_t o[8] = { 2, 4, 5, 0xb4, 3, 1, 1, 1 };
	UNUSED_T;
	gen_default(s, 0);
	gen_set_opts(s, o, 8);
}
SEED(opt_overrun) {
	static const uint8_t o[8] = { 4, 2, 8, 10, 1, 2, 3, 4 };
	UNUSED_T;
	gen_default(s, 1);
	gen_set_opts(s, o, 8);
}
SEED(opt_last_byte_kind) {
	static const uint8_t o[4] = { 1, 1, 1, 2 };
	UNUSED_T;
	gen_default(s, 0);
	gen_set_opts(s, o, 4);
}
SEED(opt_unknown) {
	static const uint8_t o[16] = { 30, 6, 0, 0, 0, 0, 34, 2, 254, 4, 0xf9, 0x89, 2, 4, 5, 0xb4 };
	UNUSED_T;
	gen_default(s, 0);
	gen_set_opts(s, o, 16);
}
SEED(opt_repeated) {
	static const uint8_t o[24] = { 2, 4, 0x05, 0xb4, 3, 3, 2, 2, 4, 0x02, 0x18,
				       3, 3, 14, 4, 2, 4, 2, 1, 1, 3, 3, 9, 0 };
	UNUSED_T;
	gen_default(s, 0);
	gen_set_opts(s, o, 24);
}
SEED(opt_ts_repeated) {
	static const uint8_t o[20] = { 8, 10, 0, 0, 0, 1, 0, 0, 0, 0,
				       8, 10, 0, 0, 0, 2, 0, 0, 0, 0 };
	UNUSED_T;
	gen_default(s, 1);
	gen_set_opts(s, o, 20);
}
SEED(opt_ws_huge) {
	static const uint8_t o[4] = { 1, 3, 3, 255 };
	UNUSED_T;
	gen_default(s, 0);
	gen_set_opts(s, o, 4);
}
SEED(opt_wrong_lengths) {
	static const uint8_t o[20] = { 2, 3, 5, 3, 2, 5, 1, 1, 1, 4, 3, 0, 8, 8,
				       1, 1, 1, 1, 1, 1 };
	UNUSED_T;
	gen_default(s, 0);
	gen_set_opts(s, o, 20);
}
SEED(opt_eol_first) {
	static const uint8_t o[8] = { 0, 2, 4, 5, 0xb4, 4, 2, 0 };
	UNUSED_T;
	gen_default(s, 0);
	gen_set_opts(s, o, 8);
}
SEED(opt_all_nops) {
	UNUSED_T;
	gen_default(s, 0);
	memset(s->opts, 1, 40);
	s->optlen = 40;
}
SEED(opt_mss_zero) {
	static const uint8_t o[4] = { 2, 4, 0, 0 };
	UNUSED_T;
	gen_default(s, 1);
	gen_set_opts(s, o, 4);
}
SEED(opt_mss_tiny) {
	static const uint8_t o[4] = { 2, 4, 0, 100 };
	UNUSED_T;
	gen_default(s, 0);
	gen_set_opts(s, o, 4);
}
SEED(vlan_1) { UNUSED_T; gen_default(s, 0); gen_set_opts(s, gen_linux_opts, 20); s->p.vlans = 1; }
SEED(vlan_2_qinq) {
	UNUSED_T;
	gen_default(s, 1);
	gen_set_opts(s, gen_windows_opts, 12);
	s->p.vlans = 2;
	s->p.tpid[0] = 0x88a8;
}
SEED(vlan_3) { UNUSED_T; gen_default(s, 0); s->p.vlans = 3; }
SEED(ethertype_arp) { UNUSED_T; gen_default(s, 0); s->p.ethertype = 0x0806; }
SEED(ethertype_lldp) { UNUSED_T; gen_default(s, 0); s->p.ethertype = 0x88cc; }
SEED(ethertype_zero) { UNUSED_T; gen_default(s, 1); s->p.ethertype = 0; }
SEED(ethertype_mpls) { UNUSED_T; gen_default(s, 0); s->p.ethertype = 0x8847; }
SEED(vlan_then_arp) { UNUSED_T; gen_default(s, 0); s->p.vlans = 1; s->p.ethertype = 0x0806; }
SEED(src_mac_multicast) { UNUSED_T; gen_default(s, 0); s->p.smac[0] = 0x01; }
SEED(src_mac_broadcast) { UNUSED_T; gen_default(s, 1); memset(s->p.smac, 0xff, 6); }
SEED(src_v4_zero_net) { UNUSED_T; gen_default(s, 0); memcpy(s->p.saddr, (uint8_t[]){ 0, 1, 2, 3 }, 4); }
SEED(src_v4_loopback) { UNUSED_T; gen_default(s, 0); memcpy(s->p.saddr, (uint8_t[]){ 127, 0, 0, 1 }, 4); }
SEED(src_v4_multicast) { UNUSED_T; gen_default(s, 0); memcpy(s->p.saddr, (uint8_t[]){ 224, 0, 0, 5 }, 4); }
SEED(src_v4_class_e) { UNUSED_T; gen_default(s, 0); memcpy(s->p.saddr, (uint8_t[]){ 240, 1, 1, 1 }, 4); }
SEED(src_v4_broadcast) { UNUSED_T; gen_default(s, 0); memset(s->p.saddr, 0xff, 4); }
SEED(src_v4_edge_ok) { UNUSED_T; gen_default(s, 0); memcpy(s->p.saddr, (uint8_t[]){ 223, 255, 255, 255 }, 4); }
SEED(src_v4_land) { UNUSED_T; gen_default(s, 0); memcpy(s->p.saddr, s->p.daddr, 4); }
SEED(src_v6_multicast) { UNUSED_T; gen_default(s, 1); s->p.saddr[0] = 0xff; s->p.saddr[1] = 2; }
SEED(src_v6_unspecified) { UNUSED_T; gen_default(s, 1); memset(s->p.saddr, 0, 16); }
SEED(src_v6_loopback) { UNUSED_T; gen_default(s, 1); memset(s->p.saddr, 0, 16); s->p.saddr[15] = 1; }
SEED(src_v6_land) { UNUSED_T; gen_default(s, 1); memcpy(s->p.saddr, s->p.daddr, 16); }
SEED(src_v6_mapped_loopback) {
	UNUSED_T;
	gen_default(s, 1);
	memset(s->p.saddr, 0, 16);
	s->p.saddr[10] = s->p.saddr[11] = 0xff;
	s->p.saddr[12] = 127;
	s->p.saddr[15] = 1;
}
SEED(udp_v4) { UNUSED_T; gen_default(s, 0); s->p.proto = 17; }
SEED(icmp_v6) { UNUSED_T; gen_default(s, 1); s->p.proto = 58; }
SEED(port_unprotected) { UNUSED_T; gen_default(s, 0); s->p.dport = 8081; }
SEED(port_zero) { UNUSED_T; gen_default(s, 1); s->p.dport = 0; }
SEED(port_65535) { UNUSED_T; gen_default(s, 0); s->p.dport = 65535; }
SEED(rst) { UNUSED_T; gen_default(s, 0); s->p.flags = 0x04; }
SEED(fin) { UNUSED_T; gen_default(s, 1); s->p.flags = 0x01; }
SEED(null_flags) { UNUSED_T; gen_default(s, 0); s->p.flags = 0; }
SEED(xmas) { UNUSED_T; gen_default(s, 0); s->p.flags = 0x29; }
SEED(ack_forged) { UNUSED_T; gen_default(s, 0); s->p.flags = 0x10; s->p.ack = 0xdeadbeef; }
SEED(ack_forged_v6_ts) {
	UNUSED_T;
	gen_default(s, 1);
	s->p.flags = 0x10;
	s->p.ack = 0x80000001;
	gen_set_opts(s, gen_ack_ts_opts, 12);
}
SEED(ack_valid) {
	gen_default(s, 0);
	if (t->epoch_valid)
		gen_make_valid_ack(s, t, t->now_epoch, 0x3a, false);
}
SEED(ack_valid_ts_v6) {
	gen_default(s, 1);
	if (t->epoch_valid)
		gen_make_valid_ack(s, t, t->now_epoch, 0x2b, true);
}
SEED(ack_valid_previous_epoch) {
	gen_default(s, 0);
	if (t->epoch_valid)
		gen_make_valid_ack(s, t, t->now_epoch - 1, 0x3f, true);
}
SEED(ack_expired) {
	gen_default(s, 1);
	if (t->epoch_valid)
		gen_make_valid_ack(s, t, t->now_epoch - 2, 0x00, false);
}
SEED(ack_valid_ts_missing) {
	gen_default(s, 0);
	if (t->epoch_valid)
		gen_make_valid_ack(s, t, t->now_epoch, 0x10, true);
	s->optlen = 0;
}
SEED(ack_valid_with_vlan_and_data) {
	gen_default(s, 0);
	s->p.vlans = 2;
	if (t->epoch_valid)
		gen_make_valid_ack(s, t, t->now_epoch, 0x01, true);
	s->p.flags = 0x18;
	s->p.paylen = 20;
}
SEED(ack_valid_v6_ext) {
	gen_default(s, 1);
	s->next_ext = 2;
	s->ext[0] = (struct gen_ext){ .type = 0 };
	s->ext[1] = (struct gen_ext){ .type = 44 };
	if (t->epoch_valid)
		gen_make_valid_ack(s, t, t->now_epoch, 0x20, false);
}
SEED(rst_ack) { UNUSED_T; gen_default(s, 0); s->p.flags = 0x14; }
SEED(fin_ack) { UNUSED_T; gen_default(s, 1); s->p.flags = 0x11; }
SEED(ack_established_v4) {
	UNUSED_T;
	gen_default(s, 0);
	memcpy(s->p.saddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	memcpy(s->p.daddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	s->p.sport = GEN_EST_CLIENT_PORT;
	s->p.dport = GEN_EST_SERVER_PORT;
	s->p.flags = 0x18;
	s->p.paylen = 5;
}
SEED(ack_established_v6) {
	UNUSED_T;
	gen_default(s, 1);
	memset(s->p.saddr, 0, 16);
	memset(s->p.daddr, 0, 16);
	s->p.saddr[15] = s->p.daddr[15] = 1;
	s->p.sport = GEN_EST_CLIENT_PORT;
	s->p.dport = GEN_EST_SERVER_PORT;
	s->p.flags = 0x10;
}
SEED(ack_to_listener) {
	UNUSED_T;
	gen_default(s, 0);
	memcpy(s->p.saddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	memcpy(s->p.daddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	s->p.sport = 12345;
	s->p.dport = GEN_EST_SERVER_PORT;
	s->p.flags = 0x10;
}
SEED(synack_to_established_client) {
	UNUSED_T;
	gen_default(s, 0);
	memcpy(s->p.saddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	memcpy(s->p.daddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	s->p.sport = GEN_EST_SERVER_PORT;
	s->p.dport = GEN_EST_CLIENT_PORT;
	s->p.flags = 0x12;
}
SEED(syn_to_listener_loopback) {
	UNUSED_T;
	gen_default(s, 0);
	memcpy(s->p.saddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	memcpy(s->p.daddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	s->p.dport = GEN_EST_SERVER_PORT;
}

/*
 * An IPv6 chain of n extension headers before TCP, cycling through every
 * kind the gate walks (AH among them): past eight the gate cannot judge.
 */
static void v6_chain(struct gen_spec *s, int n)
{
	static const uint8_t kinds[] = { 0, 60, 43, 51, 60, 44, 60, 51 };
	int k;

	gen_default(s, 1);
	gen_set_opts(s, gen_linux_opts, 20);
	s->next_ext = n;
	for (k = 0; k < n; k++)
		s->ext[k] = (struct gen_ext){ .type = k ? kinds[k % 8] : 0,
					      .hdrlen = kinds[k % 8] == 51 ? 4 : 0 };
}

SEED(v6_ext_8) { UNUSED_T; v6_chain(s, 8); }
SEED(v6_ext_9) { UNUSED_T; v6_chain(s, 9); }
SEED(v6_ext_12) { UNUSED_T; v6_chain(s, 12); }
SEED(v6_ext_9_ack) { UNUSED_T; v6_chain(s, 9); s->p.flags = 0x10; s->optlen = 0; }
SEED(v6_ext_9_other_mac) { UNUSED_T; v6_chain(s, 9); s->p.dmac[5] = 0x42; }
SEED(v6_ext_9_multicast) { UNUSED_T; v6_chain(s, 9); s->p.daddr[0] = 0xff; }
SEED(v6_ext_9_unprotected) { UNUSED_T; v6_chain(s, 9); s->p.dport = 8081; }
SEED(v6_ah_ack) {
	UNUSED_T;
	gen_default(s, 1);
	s->p.flags = 0x10;
	s->next_ext = 2;
	s->ext[0] = (struct gen_ext){ .type = 51, .hdrlen = 4 };
	s->ext[1] = (struct gen_ext){ .type = 60, .hdrlen = 1 };
}
/* First fragments with 0..19 bytes of TCP: the ports may be cut off. */
SEED(frag_first_v4_tcp0) { UNUSED_T; gen_default(s, 0); s->p.frag = 0x2000; s->tcp_keep = 0; }
SEED(frag_first_v4_tcp3) { UNUSED_T; gen_default(s, 0); s->p.frag = 0x2000; s->tcp_keep = 3; }
SEED(frag_first_v4_tcp4) { UNUSED_T; gen_default(s, 0); s->p.frag = 0x2000; s->tcp_keep = 4; }
SEED(frag_first_v4_tcp8) {
	UNUSED_T;
	gen_default(s, 0);
	s->p.frag = 0x2000;
	s->p.dport = 8081;
	s->tcp_keep = 8;
}
SEED(frag_first_v4_tcp19) { UNUSED_T; gen_default(s, 0); s->p.frag = 0x2000; s->tcp_keep = 19; }
SEED(frag_first_v4_tcp2_other_mac) {
	UNUSED_T;
	gen_default(s, 0);
	s->p.frag = 0x2000;
	s->tcp_keep = 2;
	s->p.dmac[0] = 0x0a;
}
SEED(frag_first_v6_tcp2) {
	UNUSED_T;
	gen_default(s, 1);
	s->next_ext = 1;
	s->ext[0] = (struct gen_ext){ .type = 44, .fragword = 1 };
	s->tcp_keep = 2;
}
SEED(frag_first_v6_tcp19) {
	UNUSED_T;
	gen_default(s, 1);
	s->next_ext = 1;
	s->ext[0] = (struct gen_ext){ .type = 44, .fragword = 1 };
	s->tcp_keep = 19;
}
SEED(tcp_cut_v4_3) { UNUSED_T; gen_default(s, 0); s->tcp_keep = 3; }
SEED(tcp_cut_v6_10) { UNUSED_T; gen_default(s, 1); s->tcp_keep = 10; }
SEED(vlan_3_other_mac) { UNUSED_T; gen_default(s, 0); s->p.vlans = 3; s->p.dmac[5] = 0x42; }
SEED(vlan_3_v6) { UNUSED_T; gen_default(s, 1); s->p.vlans = 3; s->p.tpid[2] = 0x88a8; }
SEED(dmac_other) { UNUSED_T; gen_default(s, 0); gen_set_opts(s, gen_linux_opts, 20); s->p.dmac[5] = 0x42; }
SEED(dmac_broadcast) { UNUSED_T; gen_default(s, 1); memset(s->p.dmac, 0xff, 6); }
SEED(dst_v4_multicast) { UNUSED_T; gen_default(s, 0); memcpy(s->p.daddr, (uint8_t[]){ 224, 0, 0, 1 }, 4); }
SEED(dst_v4_broadcast) { UNUSED_T; gen_default(s, 0); memset(s->p.daddr, 0xff, 4); }
SEED(dst_v6_multicast) { UNUSED_T; gen_default(s, 1); s->p.daddr[0] = 0xff; s->p.daddr[1] = 2; }
SEED(ack_forged_no_listener) {
	UNUSED_T;
	gen_default(s, 0);
	s->p.flags = 0x10;
	s->p.dport = 65535;
}
SEED(syn_listener_unprotected) { UNUSED_T; gen_default(s, 1); s->p.dport = 8443; }
SEED(iplen_zero_v4) { UNUSED_T; gen_default(s, 0); s->iplen_zero = true; }
SEED(iplen_zero_v6) { UNUSED_T; gen_default(s, 1); s->iplen_zero = true; }
SEED(iplen_zero_v6_ext) {
	UNUSED_T;
	gen_default(s, 1);
	s->next_ext = 2;
	s->ext[0] = (struct gen_ext){ .type = 0 };
	s->ext[1] = (struct gen_ext){ .type = 60 };
	s->iplen_zero = true;
}

/* ---- DTLS: a ClientHello to a protected, bound UDP port ------------- */

/* A DTLS seed: the default ClientHello, changed by @how, to s. */
#define DTLS_SEED(name, ipv6, how)						\
	SEED(name)								\
	{									\
		struct gen_hello h;						\
										\
		gen_dtls_default(s, &h, ipv6);					\
		how;								\
		gen_dtls_set(s, &h, t);						\
	}

DTLS_SEED(dtls_hello_v4, 0, (void)0)
DTLS_SEED(dtls_hello_v6, 1, (void)0)
DTLS_SEED(dtls_hello_v10, 0, h.client_version = 0xfeff)
DTLS_SEED(dtls_hello_sid32, 1, (h.sid_len = 32, memset(h.sid, 0x5a, 32)))
DTLS_SEED(dtls_cookie_valid_v4, 0, h.cookie_how = GEN_COOKIE_VALID)
DTLS_SEED(dtls_cookie_valid_v6_sid, 1,
	  (h.cookie_how = GEN_COOKIE_VALID, h.sid_len = 7, memset(h.sid, 1, 7)))
DTLS_SEED(dtls_cookie_previous_epoch, 0, h.cookie_how = GEN_COOKIE_PREVIOUS)
DTLS_SEED(dtls_cookie_stale, 1, h.cookie_how = GEN_COOKIE_STALE)
DTLS_SEED(dtls_cookie_flipped, 0, h.cookie_how = GEN_COOKIE_FLIPPED)
DTLS_SEED(dtls_cookie_valid_13_only, 0,
	  (h.cookie_how = GEN_COOKIE_VALID, gen_dtls_tail(&h, GEN_TAIL_13_ONLY)))
DTLS_SEED(dtls_cookie_short, 0,
	  (h.cookie_how = GEN_COOKIE_BYTES, h.cookie_len = 8, h.cookie[0] = 2))
DTLS_SEED(dtls_cookie_32, 1,
	  (h.cookie_how = GEN_COOKIE_BYTES, h.cookie_len = 32))
DTLS_SEED(dtls_cookie_past_message, 0,
	  (h.cookie_how = GEN_COOKIE_BYTES, h.cookie_len = 250))
DTLS_SEED(dtls_13_only, 0, gen_dtls_tail(&h, GEN_TAIL_13_ONLY))
DTLS_SEED(dtls_13_only_v6, 1, gen_dtls_tail(&h, GEN_TAIL_13_ONLY))
DTLS_SEED(dtls_no_extensions, 0, gen_dtls_tail(&h, GEN_TAIL_NONE))
DTLS_SEED(dtls_13_after_32_extensions, 1, gen_dtls_tail(&h, GEN_TAIL_MANY))
DTLS_SEED(dtls_fragment_offset, 0, h.frag_offset = 1)
DTLS_SEED(dtls_fragment_short, 1, h.frag_len_delta = -1)
DTLS_SEED(dtls_record_epoch_1, 0, h.record_epoch = 1)
DTLS_SEED(dtls_alert, 0, h.content_type = 21)
DTLS_SEED(dtls_application_data_v6, 1, h.content_type = 23)
DTLS_SEED(dtls_client_key_exchange, 0, h.handshake_type = 16)
DTLS_SEED(dtls_version_tls12, 0, h.client_version = 0x0303)
DTLS_SEED(dtls_version_13_legacy, 1, h.client_version = 0xfefc)
DTLS_SEED(dtls_sid_33, 0, h.sid_len = 33)
DTLS_SEED(dtls_message_past_record, 0, h.msg_len_delta = 1)
DTLS_SEED(dtls_message_too_short, 0, (h.msg_len_delta = -200, h.frag_len_delta = 0))
DTLS_SEED(dtls_record_past_datagram, 1, h.record_len_delta = 1)
DTLS_SEED(dtls_record_too_short, 0, h.record_len_delta = -200)
DTLS_SEED(dtls_record_header_only, 0, h.keep = 13)
DTLS_SEED(dtls_handshake_header_cut, 1, h.keep = 20)
DTLS_SEED(dtls_udp_length_long, 0, s->ulen_delta = 1)
DTLS_SEED(dtls_udp_length_short, 1, s->ulen_delta = -1)
DTLS_SEED(dtls_udp_length_below_record, 0, s->ulen_delta = -200)
DTLS_SEED(dtls_udp_checksum_wrong, 0, s->udp_csum_bad = true)
DTLS_SEED(dtls_udp_header_cut, 0, (h.keep = 1, s->tcp_keep = 5))
DTLS_SEED(dtls_ip_length_long, 1, s->p.totlen_delta = 3)
DTLS_SEED(dtls_ip_first_fragment, 0, s->p.frag = 0x2000)
DTLS_SEED(dtls_ip_first_fragment_cut, 0, (s->p.frag = 0x2000, s->tcp_keep = 6))
DTLS_SEED(dtls_ip_later_fragment, 0, s->p.frag = 0x2001)
DTLS_SEED(dtls_v6_fragment_header, 1,
	  (s->next_ext = 1, s->ext[0].type = 44, s->ext[0].fragword = 1))
DTLS_SEED(dtls_v6_dest_options, 1, (s->next_ext = 1, s->ext[0].type = 60))
DTLS_SEED(dtls_vlan, 0, s->p.vlans = 1)
DTLS_SEED(dtls_port_unbound, 0, s->p.dport = 4434)
DTLS_SEED(dtls_port_unprotected, 1, s->p.dport = 53)
DTLS_SEED(dtls_source_port_0, 0, s->p.sport = 0)
DTLS_SEED(dtls_source_loopback, 0, s->p.saddr[0] = 127)
DTLS_SEED(dtls_source_mac_multicast, 1, s->p.smac[0] |= 1)
DTLS_SEED(dtls_dest_multicast, 0, s->p.daddr[0] = 239)
DTLS_SEED(dtls_dest_other_mac, 1, s->p.dmac[5] ^= 1)

#define S(name) { #name, seed_##name }
const struct gen_seed gen_seeds[] = {
	S(syn_linux_v4), S(syn_linux_v6), S(syn_windows), S(syn_macos_v6),
	S(syn_no_options), S(syn_no_options_v6), S(syn_ecn), S(syn_ece_only),
	S(syn_urg_psh), S(syn_fin), S(syn_rst), S(syn_payload),
	S(syn_payload_v6), S(synack), S(syn_padded_frame),
	S(ihl_4), S(ihl_0), S(ihl_15_beyond_frame), S(ihl_15_options),
	S(ip_version_6_in_v4), S(ip_version_4_in_v6), S(ip_options_rr),
	S(ip_options_router_alert),
	S(totlen_short_of_frame), S(totlen_below_ihl), S(totlen_zero),
	S(totlen_beyond_frame), S(totlen_max), S(plen_short),
	S(plen_beyond_frame), S(plen_zero),
	S(frag_first_v4), S(frag_later_v4), S(frag_later_mf_v4),
	S(frag_df_evil_v4), S(frag_later_udp_v4), S(frag_first_unprotected),
	S(v6_hbh), S(v6_hbh_dst_rt), S(v6_four_ext), S(v6_five_ext),
	S(v6_frag_first), S(v6_frag_later), S(v6_frag_atomic), S(v6_ah),
	S(v6_esp), S(v6_no_next), S(v6_ext_big), S(v6_ext_big_ack),
	S(v6_ext_just_fits),
	S(doff_0), S(doff_4), S(doff_15_beyond), S(doff_beyond_ip_payload),
	S(opt_len_0), S(opt_len_1), S(opt_overrun), S(opt_last_byte_kind),
	S(opt_unknown), S(opt_repeated), S(opt_ts_repeated), S(opt_ws_huge),
	S(opt_wrong_lengths), S(opt_eol_first), S(opt_all_nops),
	S(opt_mss_zero), S(opt_mss_tiny),
	S(vlan_1), S(vlan_2_qinq), S(vlan_3), S(ethertype_arp),
	S(ethertype_lldp), S(ethertype_zero), S(ethertype_mpls),
	S(vlan_then_arp),
	S(src_mac_multicast), S(src_mac_broadcast), S(src_v4_zero_net),
	S(src_v4_loopback), S(src_v4_multicast), S(src_v4_class_e),
	S(src_v4_broadcast), S(src_v4_edge_ok), S(src_v4_land),
	S(src_v6_multicast), S(src_v6_unspecified), S(src_v6_loopback),
	S(src_v6_land), S(src_v6_mapped_loopback),
	S(udp_v4), S(icmp_v6), S(port_unprotected), S(port_zero),
	S(port_65535), S(rst), S(fin), S(null_flags), S(xmas),
	S(ack_forged), S(ack_forged_v6_ts), S(ack_valid), S(ack_valid_ts_v6),
	S(ack_valid_previous_epoch), S(ack_expired), S(ack_valid_ts_missing),
	S(ack_valid_with_vlan_and_data), S(ack_valid_v6_ext), S(rst_ack),
	S(fin_ack), S(ack_established_v4), S(ack_established_v6),
	S(ack_to_listener), S(synack_to_established_client),
	S(syn_to_listener_loopback),
	S(v6_ext_8), S(v6_ext_9), S(v6_ext_12), S(v6_ext_9_ack),
	S(v6_ext_9_other_mac), S(v6_ext_9_multicast), S(v6_ext_9_unprotected),
	S(v6_ah_ack),
	S(frag_first_v4_tcp0), S(frag_first_v4_tcp3), S(frag_first_v4_tcp4),
	S(frag_first_v4_tcp8), S(frag_first_v4_tcp19),
	S(frag_first_v4_tcp2_other_mac), S(frag_first_v6_tcp2),
	S(frag_first_v6_tcp19), S(tcp_cut_v4_3), S(tcp_cut_v6_10),
	S(vlan_3_other_mac), S(vlan_3_v6), S(dmac_other), S(dmac_broadcast),
	S(dst_v4_multicast), S(dst_v4_broadcast), S(dst_v6_multicast),
	S(ack_forged_no_listener), S(syn_listener_unprotected),
	S(iplen_zero_v4), S(iplen_zero_v6), S(iplen_zero_v6_ext),
	S(dtls_hello_v4), S(dtls_hello_v6), S(dtls_hello_v10),
	S(dtls_hello_sid32), S(dtls_cookie_valid_v4),
	S(dtls_cookie_valid_v6_sid), S(dtls_cookie_previous_epoch),
	S(dtls_cookie_stale), S(dtls_cookie_flipped),
	S(dtls_cookie_valid_13_only), S(dtls_cookie_short), S(dtls_cookie_32),
	S(dtls_cookie_past_message), S(dtls_13_only), S(dtls_13_only_v6),
	S(dtls_no_extensions), S(dtls_13_after_32_extensions),
	S(dtls_fragment_offset), S(dtls_fragment_short), S(dtls_record_epoch_1),
	S(dtls_alert), S(dtls_application_data_v6), S(dtls_client_key_exchange),
	S(dtls_version_tls12), S(dtls_version_13_legacy), S(dtls_sid_33),
	S(dtls_message_past_record), S(dtls_message_too_short),
	S(dtls_record_past_datagram), S(dtls_record_too_short),
	S(dtls_record_header_only), S(dtls_handshake_header_cut),
	S(dtls_udp_length_long), S(dtls_udp_length_short),
	S(dtls_udp_length_below_record), S(dtls_udp_checksum_wrong),
	S(dtls_udp_header_cut), S(dtls_ip_length_long), S(dtls_ip_first_fragment),
	S(dtls_ip_first_fragment_cut), S(dtls_ip_later_fragment),
	S(dtls_v6_fragment_header), S(dtls_v6_dest_options), S(dtls_vlan),
	S(dtls_port_unbound), S(dtls_port_unprotected), S(dtls_source_port_0),
	S(dtls_source_loopback), S(dtls_source_mac_multicast),
	S(dtls_dest_multicast), S(dtls_dest_other_mac),
};
const size_t gen_nseeds = sizeof(gen_seeds) / sizeof(gen_seeds[0]);
