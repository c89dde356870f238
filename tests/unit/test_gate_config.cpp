// Unit tests of what a gate advertises (gate_config.h): MSS, SYN-ACK window,
// window scale, features and the config map's value.
#include "agent_test.h"

#include "gate_config.h"

using namespace sgate;
using namespace sgate::test;

namespace {

/* --- what a gate advertises ------------------------------------------- */

void test_mss(void **)
{
	MssPair m = mss_for(1500, std::nullopt);
	assert_int_equal(m.v4, 1460);
	assert_int_equal(m.v6, 1440);

	m = mss_for(9000, std::nullopt);
	assert_int_equal(m.v4, 8960);
	assert_int_equal(m.v6, 8940);

	// --mss caps both, but never below the families' minimums.
	m = mss_for(1500, 1400);
	assert_int_equal(m.v4, 1400);
	assert_int_equal(m.v6, 1400);
	m = mss_for(1500, 1000);
	assert_int_equal(m.v4, 1000);
	assert_int_equal(m.v6, 1220);
	m = mss_for(1500, 9000); // a cap above the MTU changes nothing
	assert_int_equal(m.v4, 1460);
	assert_int_equal(m.v6, 1440);
	m = mss_for(68, std::nullopt); // tiny MTU
	assert_int_equal(m.v4, 536);
	assert_int_equal(m.v6, 1220);
	m = mss_for(65536, std::nullopt); // loopback
	assert_int_equal(m.v4, 65496);
	assert_int_equal(m.v6, 65476);
}

void test_syn_window(void **)
{
	// 44 * 1460 = 64240, as Linux's own SYN-ACK says; 45 * 1440 = 64800.
	assert_int_equal(syn_window_for({1460, 1440}), 64240);
	// 122 * 536 = 65392, 53 * 1220 = 64660: the smaller wins.
	assert_int_equal(syn_window_for({536, 1220}), 64660);
	assert_int_equal(syn_window_for({8960, 8940}), 62580); // min(7*8960, 7*8940)
	assert_int_equal(syn_window_for({65495, 65475}), 65475);
}

void test_rcv_wscale(void **)
{
	HostTcpSettings host;
	host.window_scaling = true;

	host.tcp_rmem_max = 6291456; // Linux's default tcp_rmem[2]
	host.core_rmem_max = 212992;
	assert_int_equal(rcv_wscale_for(host), 7);

	host.tcp_rmem_max = 131072;
	host.core_rmem_max = 33554432; // the larger of the two counts
	assert_int_equal(rcv_wscale_for(host), 10);

	host.tcp_rmem_max = 65535;
	host.core_rmem_max = 0;
	assert_int_equal(rcv_wscale_for(host), 0);
	host.tcp_rmem_max = 65536;
	assert_int_equal(rcv_wscale_for(host), 1);
	host.tcp_rmem_max = 131071;
	assert_int_equal(rcv_wscale_for(host), 1);
	host.tcp_rmem_max = 131072;
	assert_int_equal(rcv_wscale_for(host), 2);
	host.tcp_rmem_max = 1ull << 40; // capped at 14 (RFC 7323)
	assert_int_equal(rcv_wscale_for(host), 14);

	host.window_scaling = false;
	assert_int_equal(rcv_wscale_for(host), 0);
}

void test_features(void **)
{
	HostTcpSettings host;
	host.sack = host.timestamps = host.window_scaling = host.ecn = true;
	assert_int_equal(features_for(host),
	                 SGATE_FEAT_SACK | SGATE_FEAT_TS | SGATE_FEAT_WSCALE | SGATE_FEAT_ECN);
	host.sack = false;
	host.ecn = false;
	assert_int_equal(features_for(host), SGATE_FEAT_TS | SGATE_FEAT_WSCALE);
	host.timestamps = host.window_scaling = false;
	assert_int_equal(features_for(host), 0);
}

void test_make_gate_config(void **)
{
	GateParams params;
	params.ports = parse_port_list("80,443");
	params.mtu = 1500;
	params.key_period_seconds = 30;
	params.host.tcp_rmem_max = 6291456;
	params.host.ecn = true;

	const sgate_config c = make_gate_config(params);
	assert_int_equal(c.abi_version, SGATE_ABI_VERSION);
	assert_int_equal(c.mss_v4, 1460);
	assert_int_equal(c.mss_v6, 1440);
	assert_int_equal(c.syn_window, 64240);
	assert_int_equal(c.rcv_wscale, 7);
	assert_int_equal(c.features,
	                 SGATE_FEAT_SACK | SGATE_FEAT_TS | SGATE_FEAT_WSCALE | SGATE_FEAT_ECN);
	assert_true(c.epoch_ns == 30ull * 1000000000ull);
	assert_int_equal(c.ports[80 >> 5], 1u << (80 & 31));
	assert_int_equal(c.ports[443 >> 5], 1u << (443 & 31));
	assert_int_equal(c.pad[0], 0);
	// No DTLS port: UDP is not the gate's to judge.
	assert_int_equal(c.dtls_enabled, 0);
	for (__u32 word : c.dtls_ports)
		assert_int_equal(word, 0);
}

void test_make_gate_config_dtls(void **)
{
	GateParams params;
	params.dtls_ports = parse_port_list("4433,5684");

	const sgate_config c = make_gate_config(params);
	assert_int_equal(c.dtls_enabled, 1);
	assert_int_equal(c.dtls_ports[4433 >> 5], 1u << (4433 & 31));
	assert_int_equal(c.dtls_ports[5684 >> 5], 1u << (5684 & 31));
	for (__u32 word : c.ports)
		assert_int_equal(word, 0);
}

} // namespace

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_mss),
	        cmocka_unit_test(test_syn_window),
	        cmocka_unit_test(test_rcv_wscale),
	        cmocka_unit_test(test_features),
	        cmocka_unit_test(test_make_gate_config),
	        cmocka_unit_test(test_make_gate_config_dtls),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
