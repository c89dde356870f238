// Unit tests of what sgate prints (output.h): the counters of `stats`, the
// key listing of `keys` and the report of `status`, byte for byte.
// Before cmocka.h, whose fail() macro would break the standard library's.
#include <nlohmann/json.hpp>

#include "agent_test.h"

#include <algorithm>

#include "cli.h"
#include "keys.h"
#include "module.h"
#include "output.h"

using namespace sgate;
using namespace sgate::test;
using Json = nlohmann::ordered_json;

namespace {

/* --- counters ----------------------------------------------------------- */

void test_sum_per_cpu(void **)
{
	const std::size_t stride = (sizeof(sgate_stats) + 7) / 8;
	std::vector<std::uint64_t> values(3 * stride);
	for (unsigned cpu = 0; cpu < 3; cpu++) {
		values[cpu * stride + SGATE_STAT_SYN_ANSWERED] = cpu + 1;
		values[cpu * stride + SGATE_STAT_TC_HANDOFF] = 10 * (cpu + 1);
	}
	const Counters sum = sum_per_cpu(values, 3);
	assert_int_equal(sum[SGATE_STAT_SYN_ANSWERED], 6);
	assert_int_equal(sum[SGATE_STAT_TC_HANDOFF], 60);
	assert_int_equal(sum[SGATE_STAT_COOKIE_VALID], 0);
	// A short buffer is never overrun.
	assert_int_equal(sum_per_cpu(values, 4)[SGATE_STAT_SYN_ANSWERED], 6);
}

// Each JSON output parses back, one object on one line, every counter by
// name in the order of sgate/abi.h, for every device.
void test_stats_json(void **)
{
	GateCounters a, b;
	a.device = "eth0";
	a.now[SGATE_STAT_SYN_ANSWERED] = 5;
	b.device = "we\"ird\n";
	const std::string text = stats_json({a, b});

	assert_int_equal(std::count(text.begin(), text.end(), '\n'), 1);
	const Json j = Json::parse(text);
	assert_int_equal(j.size(), 2);
	assert_int_equal(j["eth0"]["syn_answered"].get<int>(), 5);
	assert_true(j.contains("we\"ird\n"));
	for (const char *device : {"eth0", "we\"ird\n"}) {
		const Json &counters = j[device];
		assert_int_equal(counters.size(), SGATE_STAT_MAX);
		int i = 0;
		for (const auto &[name, value] : counters.items()) {
			assert_string_equal(name.c_str(), sgate_stat_name(i++));
			assert_true(value.is_number_unsigned());
		}
	}
}

// The line of @table that names @counter, without its newline.
std::string line_of(const std::string &table, const std::string &counter)
{
	const auto at = table.find("  " + counter + " ");
	if (at == std::string::npos)
		return "";
	return table.substr(at, table.find('\n', at) - at);
}

bool ends_with(const std::string &text, const std::string &tail)
{
	return text.size() >= tail.size() &&
	       text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

void test_stats_table(void **)
{
	GateCounters g;
	g.device = "eth0";
	g.now[SGATE_STAT_SYN_ANSWERED] = 7;
	g.now[SGATE_STAT_TC_HANDOFF] = 3;
	std::string table = stats_table({g});
	assert_true(table.find("syn_answered") != std::string::npos);
	assert_true(table.find("tc_handoff") != std::string::npos);
	assert_true(table.find("cookie_valid") == std::string::npos); // zero: left out
	assert_true(table.find("per second") == std::string::npos);
	assert_true(ends_with(line_of(table, "syn_answered"), " 7"));
	assert_true(ends_with(line_of(table, "total (xdp)"), " 7"));
	assert_true(ends_with(line_of(table, "total (tc)"), " 3"));

	g.before[SGATE_STAT_SYN_ANSWERED] = 1;
	g.seconds = 2;
	table = stats_table({g});
	assert_true(table.find("per second") != std::string::npos);
	assert_true(ends_with(line_of(table, "syn_answered"), " 7            3.0")); // (7 - 1) / 2
	assert_true(ends_with(line_of(table, "tc_handoff"), " 3            1.5"));
}

// The DTLS counters are XDP's, although they follow TC's in the list.
void test_stats_table_dtls(void **)
{
	GateCounters g;
	g.device = "eth0";
	g.now[SGATE_STAT_DTLS_HVR_SENT] = 5;
	g.now[SGATE_STAT_DTLS_COOKIE_VALID] = 2;
	g.now[SGATE_STAT_TC_PASS] = 2;
	const std::string table = stats_table({g});
	assert_true(ends_with(line_of(table, "dtls_hvr_sent"), " 5"));
	assert_true(ends_with(line_of(table, "total (xdp)"), " 7"));
	assert_true(ends_with(line_of(table, "total (tc)"), " 2"));
}

/* --- key listings -------------------------------------------------------- */

void test_rows_from_ring(void **)
{
	sgate_keyring r1, r2, r3;
	initial_keyring(key_of(1), r1);
	rotate_keyring(r1, key_of(2), 100, r2); // 2 from 101
	rotate_keyring(r2, key_of(3), 101, r3); // 3 from 102

	std::vector<KeyRow> rows = rows_from_ring(r3, 101);
	assert_int_equal(rows.size(), 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_true(rows[i].id == i);
		assert_false(rows[i].age_ms.has_value());
		assert_int_equal(rows[i].origin, SGATE_KEY_RANDOM);
	}
	assert_true(rows[0].first_epoch == 102);
	assert_int_equal(rows[0].state, SGATE_KEY_PENDING);
	assert_int_equal(rows[1].state, SGATE_KEY_CURRENT);
	assert_int_equal(rows[2].state, SGATE_KEY_PREVIOUS); // signs epoch 100

	// Two epochs on: key 3 signs now and signed the last epoch too.
	rows = rows_from_ring(r3, 103);
	assert_int_equal(rows[0].state, SGATE_KEY_CURRENT);
	assert_int_equal(rows[1].state, SGATE_KEY_RETIRING);
	assert_int_equal(rows[2].state, SGATE_KEY_RETIRING);

	// Unused masters are not listed; epoch 0 has no previous epoch.
	rows = rows_from_ring(r1, 0);
	assert_int_equal(rows.size(), 1);
	assert_int_equal(rows[0].state, SGATE_KEY_CURRENT);
	assert_int_equal(rows_from_ring(empty_keyring(), 5).size(), 0);
	wipe(r1);
	wipe(r2);
	wipe(r3);
}

void test_format_age(void **)
{
	assert_string_equal(format_age(0).c_str(), "0.0 s");
	assert_string_equal(format_age(4200).c_str(), "4.2 s");
	assert_string_equal(format_age(200000).c_str(), "3 min 20 s");
	assert_string_equal(format_age(7500000).c_str(), "2 h 5 min");
	assert_string_equal(format_age(273600000).c_str(), "3 d 4 h");
}

std::vector<GateKeys> sample_listing()
{
	GateKeys map;
	map.device = "eth0";
	map.epoch = 101;
	map.serial = 3;
	map.keys = {{0, 102, std::nullopt, SGATE_KEY_PENDING, SGATE_KEY_RANDOM},
	            {1, 101, std::nullopt, SGATE_KEY_CURRENT, SGATE_KEY_RANDOM}};
	GateKeys module;
	module.mode = KeyMode::module;
	module.epoch = 5000;
	module.serial = 9;
	module.keys = rows_from_module({{12, 5001, 1500, SGATE_KEY_PENDING, SGATE_KEY_INSTALLED}});
	GateKeys a = module, b = module;
	a.device = "eth1";
	b.device = "eth2";
	return {map, a, b};
}

std::size_t count_of(const std::string &text, const std::string &what)
{
	std::size_t n = 0;
	for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
		n++;
	return n;
}

void test_keys_table(void **)
{
	const std::string t = keys_table(sample_listing());
	assert_int_equal(
	        t.find("eth0 (key mode map: keys in the gate's BPF map; epoch 101, serial 3)\n"),
	        0);
	// The module's ring is one for the namespace: listed once, naming both gates.
	assert_int_equal(count_of(t, "sgate.ko, for this whole network namespace (key mode "
	                             "module, used by eth1, eth2; epoch 5000, serial 9)\n"),
	                 1);
	assert_int_equal(count_of(t, "  12 "), 1);
	assert_non_null(std::strstr(t.c_str(), "  0      102                  -              "
	                                       "pending   random\n"));
	assert_non_null(std::strstr(t.c_str(), "  12     5001                 1.5 s          "
	                                       "pending   installed\n"));
}

void test_keys_json(void **)
{
	const Json j = Json::parse(keys_json(sample_listing()));
	assert_string_equal(j["eth0"]["key_mode"].get<std::string>().c_str(), "map");
	assert_int_equal(j["eth0"]["epoch"].get<int>(), 101);
	assert_int_equal(j["eth0"]["serial"].get<int>(), 3);
	const Json &first = j["eth0"]["keys"][0];
	assert_int_equal(first["id"].get<int>(), 0);
	assert_int_equal(first["first_epoch"].get<int>(), 102);
	assert_true(first["age_ms"].is_null());
	assert_string_equal(first["state"].get<std::string>().c_str(), "pending");
	assert_string_equal(first["origin"].get<std::string>().c_str(), "random");
	// Each module-mode gate carries the namespace's ring.
	for (const char *device : {"eth1", "eth2"}) {
		const Json &g = j[device];
		assert_string_equal(g["key_mode"].get<std::string>().c_str(), "module");
		assert_int_equal(g["epoch"].get<int>(), 5000);
		assert_int_equal(g["keys"].size(), 1);
		assert_int_equal(g["keys"][0]["age_ms"].get<int>(), 1500);
		assert_string_equal(g["keys"][0]["origin"].get<std::string>().c_str(), "installed");
	}
}

void test_stats_module(void **)
{
	GateCounters map, module;
	map.device = "eth0";
	module.device = "eth1";
	ModuleStats m;
	m.epoch = 77;
	m.serial = 4;
	m.rotations = 2;
	m.timer_rotations = 1;
	m.cookies_made = 1000;
	m.cookies_checked = 10;
	m.cookies_valid = 9;
	module.module = m;

	const Json json = Json::parse(stats_json({map, module}));
	assert_false(json["eth0"].contains("module"));
	assert_true(json["eth1"]["module"] ==
	            Json::parse(R"({"epoch": 77, "serial": 4, "rotations": 2, "timer_rotations": 1,
	                            "installs": 0, "cookies_made": 1000, "cookies_checked": 10,
	                            "cookies_valid": 9})"));

	std::string table = stats_table({map, module});
	assert_int_equal(count_of(table, "sgate.ko, for this whole network namespace (used by "
	                                 "eth1; epoch 77, serial 4)\n"),
	                 1);
	assert_true(ends_with(line_of(table, "cookies_made"), " 1000"));
	assert_true(ends_with(line_of(table, "installs"), " 0")); // all, zero or not
	assert_int_equal(stats_table({map}).find("sgate.ko"), std::string::npos);

	// With --watch: rates of the module's counters too.
	module.seconds = 2;
	module.module_before.cookies_made = 800;
	table = stats_table({module});
	assert_true(ends_with(line_of(table, "cookies_made"), " 1000          100.0"));
}

/* --- status ------------------------------------------------------------ */

sgate_config status_config(const char *ports, __u16 mss_v4, __u16 mss_v6, __u16 window, __u8 wscale,
                           __u32 features, unsigned epoch_seconds)
{
	sgate_config cfg{};
	const PortBitmap bitmap = parse_port_list(ports);
	std::copy(bitmap.begin(), bitmap.end(), cfg.ports);
	cfg.mss_v4 = mss_v4;
	cfg.mss_v6 = mss_v6;
	cfg.syn_window = window;
	cfg.rcv_wscale = wscale;
	cfg.features = features;
	cfg.epoch_ns = epoch_seconds * 1000000000ULL;
	return cfg;
}

GateStatus map_gate()
{
	GateStatus g;
	g.device = "eth0";
	g.config =
	        status_config("80,443", 1460, 1440, 65160, 7, SGATE_FEAT_SACK | SGATE_FEAT_TS, 60);
	g.ifindex = 2;
	g.ifname = "eth0";
	g.xdp.prog_id = 11;
	g.xdp.name = "sgate_xdp";
	g.xdp.mode = "native";
	g.xdp.dispatcher = true;
	g.xdp.run_prio = 60;
	g.xdp.before = {{7, "xdpfilt_alw_all", 10}};
	g.tc = {true, 14, 13, 2};
	g.key_mode = KeyMode::map;
	g.now_ns = 6045500000000ULL; // epoch 100 of 60 s, 14.5 s before the next
	RingStatus ring;
	ring.serial = 3;
	ring.slot = 1;
	ring.masters = {{0, 101}, {1, 100}};
	g.ring = ring;
	return g;
}

GateStatus module_gate()
{
	GateStatus g;
	g.device = "eth1";
	g.config = status_config("443", 536, 1220, 64320, 0, 0, 60);
	g.ifindex = 3;
	g.ifname = "wan0";
	g.xdp.prog_id = 21;
	g.xdp.name = "sgate_xdp_skb";
	g.xdp.mode = "generic";   // alone: this kernel runs no dispatcher
	g.tc = {true, 24, 23, 0}; // detached behind sgate's back
	g.key_mode = KeyMode::module;
	g.now_ns = 150500000000ULL; // epoch 5 of 30 s, 29.5 s before the next
	g.keys_in_map = {1};
	g.keys_map_checked = true;
	ModuleView m;
	m.settings.epoch_seconds = 30;
	m.settings.rotate_seconds = 0;
	m.stats.epoch = 5000;
	m.stats.serial = 9;
	m.keys = {{12, 5001, 1500, SGATE_KEY_PENDING, SGATE_KEY_INSTALLED}};
	g.module = m;
	return g;
}

void test_status_map_gate(void **)
{
	StatusReport report;
	report.gates = {map_gate()};
	assert_string_equal(status_text(report).c_str(),
	                    "eth0\n"
	                    "  ifindex:      2\n"
	                    "  xdp:          native, prog id 11 (sgate_xdp), libxdp dispatcher, "
	                    "run priority 60\n"
	                    "  xdp before:   xdpfilt_alw_all (prog id 7, run priority 10)\n"
	                    "  tc ingress:   tcx, prog id 13, link id 14\n"
	                    "  ports:        80,443\n"
	                    "  mss:          v4 1460, v6 1440\n"
	                    "  syn window:   65160, window scale 7\n"
	                    "  features:     sack timestamps\n"
	                    "  key period:   60 s\n"
	                    "  key mode:     map (keys in a BPF map)\n"
	                    "  keyring:      serial 3, slot 1\n"
	                    "  epoch:        100 (next in 14.5 s)\n"
	                    "  master 0:     from epoch 101 (pending, in 14.5 s)\n"
	                    "  master 1:     from epoch 100\n");
}

void test_status_module_gate(void **)
{
	StatusReport report;
	report.gates = {module_gate()};
	assert_string_equal(
	        status_text(report).c_str(),
	        "eth1\n"
	        "  ifindex:      3 (now named wan0)\n"
	        "  xdp:          generic, prog id 21 (sgate_xdp_skb), alone in the hook (no libxdp "
	        "dispatcher)\n"
	        "  tc ingress:   DETACHED: link id 24 (prog id 23) holds no device\n"
	        "  BROKEN:       without its TC half, the TCP stack resets every "
	        "connection the gate verifies; 'sgate detach eth1', then attach again\n"
	        "  ports:        443\n"
	        "  mss:          v4 536, v6 1220\n"
	        "  syn window:   64320, window scale 0\n"
	        "  features:     none\n"
	        "  key mode:     module (keys in sgate.ko, never in a map)\n"
	        "  WARNING:      slot 1 of the keys map holds a key, which module "
	        "mode never writes there: detach and attach again\n"
	        "  key period:   30 s (sgate.ko's epoch length), changed since "
	        "attach (then 60 s)\n"
	        "  module ring:  serial 9, one for this whole network namespace\n"
	        "  epoch:        5000 (next in 29.5 s)\n"
	        "  rotation:     sgate.ko's timer is off: only 'sgate rotate'\n"
	        "  key 12        from epoch 5001, pending, installed, age 1.5 s\n");

	// The module's timer on, its epoch length as at attach, no key in the map.
	GateStatus g = module_gate();
	g.module->settings.rotate_seconds = 3600;
	g.module->settings.epoch_seconds = 60;
	g.keys_in_map.clear();
	report.gates = {g};
	const std::string text = status_text(report);
	assert_non_null(std::strstr(text.c_str(), "  key period:   60 s (sgate.ko's epoch length)\n"
	                                          "  module ring:  serial 9,"));
	assert_non_null(
	        std::strstr(text.c_str(), "  rotation:     every 3600 s by sgate.ko's timer\n"));
	assert_null(std::strstr(text.c_str(), "WARNING"));
}

// A gate read only in part shows what was read, then why it stopped.
void test_status_damaged(void **)
{
	StatusReport report;
	GateStatus g;
	g.device = "eth2";
	g.damaged = "cannot open /x/eth2/config: No such file or directory";
	report.gates = {g};
	assert_string_equal(status_text(report).c_str(),
	                    "eth2\n"
	                    "  damaged:      cannot open /x/eth2/config: No such file or "
	                    "directory\n");

	// Device gone, and the key mode unreadable with it.
	g = map_gate();
	g.ifindex = 0;
	g.key_mode.reset();
	g.ring.reset();
	g.damaged = "cannot open the XDP program of eth0: No such file or directory";
	report.gates = {g};
	assert_string_equal(status_text(report).c_str(),
	                    "eth0\n"
	                    "  device gone:  its programs went with it; 'sgate detach eth0' "
	                    "removes the pins\n"
	                    "  ports:        80,443\n"
	                    "  mss:          v4 1460, v6 1440\n"
	                    "  syn window:   65160, window scale 7\n"
	                    "  features:     sack timestamps\n"
	                    "  damaged:      cannot open the XDP program of eth0: No such file "
	                    "or directory\n");

	// Map mode, the ring unreadable: the key period, then the cause.
	g = map_gate();
	g.ring.reset();
	g.damaged = "cannot read the keyring of eth0: Bad address";
	report.gates = {g};
	std::string text = status_text(report);
	assert_true(ends_with(text,
	                      "  key period:   60 s\n"
	                      "  damaged:      cannot read the keyring of eth0: Bad address\n"));

	// Module mode, the keys map unreadable after slot 0.
	g = module_gate();
	g.keys_in_map.clear();
	g.keys_map_checked = false;
	g.damaged = "cannot read the keyring of eth1: Bad address";
	report.gates = {g};
	text = status_text(report);
	assert_true(ends_with(text,
	                      "  key mode:     module (keys in sgate.ko, never in a map)\n"
	                      "  damaged:      cannot read the keyring of eth1: Bad address\n"));

	// sgate.ko not answering is no damage to the gate.
	g = module_gate();
	g.module = ModuleView{};
	g.module->error = "module key mode needs sgate.ko";
	report.gates = {g};
	text = status_text(report);
	assert_true(ends_with(text, "again\n  module:       unavailable: module key mode needs "
	                            "sgate.ko\n"));
}

// A gate missing a half says which, and what to do; status exits non-zero.
void test_status_broken_halves(void **)
{
	StatusReport report;
	assert_false(gate_broken(map_gate()));
	assert_true(gate_broken(module_gate()));

	GateStatus g = map_gate();
	g.xdp = XdpHookStatus{};
	report.gates = {g};
	std::string text = status_text(report);
	assert_non_null(std::strstr(
	        text.c_str(), "  ifindex:      2\n"
	                      "  xdp:          MISSING: the gate's program does not run in the XDP "
	                      "hook of eth0\n"
	                      "  tc ingress:   tcx, prog id 13, link id 14\n"
	                      "  BROKEN:       without its XDP half, SYNs reach the TCP stack "
	                      "unguarded; 'sgate detach eth0', then attach again\n"
	                      "  ports:"));
	assert_true(gate_broken(g));

	g = map_gate();
	g.xdp = XdpHookStatus{};
	g.tc.ifindex = 0;
	g.ifindex = 2; // not named by the TC link, but status found it
	report.gates = {g};
	text = status_text(report);
	assert_non_null(std::strstr(text.c_str(), "  tc ingress:   DETACHED: link id 14 (prog id "
	                                          "13) holds no device\n"));
	assert_non_null(std::strstr(text.c_str(), "  BROKEN:       neither half of the gate is "
	                                          "attached; 'sgate detach eth0', then attach "
	                                          "again\n"));
	assert_true(gate_broken(g));

	g = map_gate();
	g.ifindex = 0;
	assert_true(gate_broken(g)); // device gone
	g = map_gate();
	g.damaged = "cannot read the keyring of eth0: Bad address";
	assert_true(gate_broken(g));
}

// The programs beside the gate in libxdp's dispatcher, in run order: those
// before it and those after it.
void test_status_xdp_neighbours(void **)
{
	StatusReport report;
	GateStatus g = map_gate();
	g.xdp.before = {{7, "xdpfilt_alw_all", 10}, {8, "blocklist", 50}};
	g.xdp.after = {{9, "xdp_lb", 70}};
	report.gates = {g};
	assert_non_null(std::strstr(status_text(report).c_str(),
	                            "  xdp:          native, prog id 11 (sgate_xdp), libxdp "
	                            "dispatcher, run priority 60\n"
	                            "  xdp before:   xdpfilt_alw_all (prog id 7, run priority 10)\n"
	                            "  xdp before:   blocklist (prog id 8, run priority 50)\n"
	                            "  xdp after:    xdp_lb (prog id 9, run priority 70)\n"
	                            "  tc ingress:   tcx, prog id 13, link id 14\n"));
	assert_false(gate_broken(g));
}

// The TC half on VLAN devices: covered ones by link, one made after attach
// named with the fix, one gone since not at all; none of it breaks the gate.
void test_status_vlan_hooks(void **)
{
	StatusReport report;
	GateStatus g = map_gate();
	g.vlan_tc = {
	        {"eth0.10", 5, {true, 31, 13, 5}}, {"", 0, {true, 32, 13, 0}}, {"eth0.20", 6, {}}};
	report.gates = {g};
	const std::string text = status_text(report);
	assert_non_null(std::strstr(
	        text.c_str(), "  tc ingress:   tcx, prog id 13, link id 14\n"
	                      "  tc on vlan:   eth0.10: tcx, prog id 13, link id 31\n"
	                      "  tc on vlan:   eth0.20: NOT COVERED: made after attach, so QinQ "
	                      "handshakes through it fail; 'sgate detach eth0', then attach "
	                      "again\n"
	                      "  ports:"));
	assert_false(gate_broken(g));
}

// status --json: the same facts as the text, one line, broken gates flagged.
void test_status_json(void **)
{
	StatusReport report;
	report.pin_root = "/sys/fs/bpf/sgate";
	report.netns_cookie = 4096;
	GateStatus map = map_gate();
	map.handoff = "XDP metadata";
	map.vlan_tc = {{"eth0.10", 5, {true, 31, 13, 5}}};
	report.gates = {map, module_gate()};
	const std::string text = status_json(report);
	assert_int_equal(std::count(text.begin(), text.end(), '\n'), 1);
	const Json j = Json::parse(text);
	assert_int_equal(j["netns_cookie"].get<int>(), 4096);
	assert_string_equal(j["pin_root"].get<std::string>().c_str(), "/sys/fs/bpf/sgate");
	assert_int_equal(j["gates"].size(), 2);

	const Json &m = j["gates"][0];
	assert_string_equal(m["device"].get<std::string>().c_str(), "eth0");
	assert_false(m["broken"].get<bool>());
	assert_true(m["damaged"].is_null());
	assert_true(m["xdp"] ==
	            Json::parse(R"({"attached": true, "prog_id": 11, "name": "sgate_xdp",
	                                        "mode": "native", "dispatcher": true, "run_prio": 60,
	                                        "before": [{"name": "xdpfilt_alw_all", "prog_id": 7,
	                                                    "run_prio": 10}],
	                                        "after": []})"));
	assert_true(m["tc"]["attached"].get<bool>());
	assert_string_equal(m["tc_on_vlans"][0]["device"].get<std::string>().c_str(), "eth0.10");
	assert_string_equal(m["handoff"].get<std::string>().c_str(), "XDP metadata");
	assert_string_equal(m["config"]["ports"].get<std::string>().c_str(), "80,443");
	assert_true(m["config"]["features"] == Json::parse(R"(["sack", "timestamps"])"));
	assert_int_equal(m["config"]["key_period_s"].get<int>(), 60);
	assert_string_equal(m["key_mode"].get<std::string>().c_str(), "map");
	assert_int_equal(m["epoch"].get<int>(), 100);
	assert_int_equal(m["ring"]["serial"].get<int>(), 3);
	assert_int_equal(m["ring"]["masters"][1]["first_epoch"].get<int>(), 100);

	const Json &mod = j["gates"][1];
	assert_true(mod["broken"].get<bool>()); // its TC link is detached
	assert_false(mod["tc"]["attached"].get<bool>());
	assert_string_equal(mod["key_mode"].get<std::string>().c_str(), "module");
	assert_true(mod["keys_in_map"] == Json::parse("[1]"));
	assert_int_equal(mod["module"]["stats"]["serial"].get<int>(), 9);
	assert_string_equal(mod["module"]["keys"][0]["state"].get<std::string>().c_str(),
	                    "pending");

	report.gates.clear();
	assert_true(Json::parse(status_json(report))["gates"] == Json::array());
}

void test_status_report(void **)
{
	StatusReport report;
	report.netns_cookie = 4026531840;
	report.pin_root = "/sys/fs/bpf/sgate";
	assert_string_equal(status_text(report).c_str(),
	                    "no gates in this network namespace (netns cookie 4026531840, pin "
	                    "root /sys/fs/bpf/sgate)\n");

	// Gates one after the other, a blank line between them.
	report.gates = {map_gate(), module_gate()};
	StatusReport one = report;
	one.gates.resize(1);
	StatusReport other = report;
	other.gates.erase(other.gates.begin());
	assert_string_equal(status_text(report).c_str(),
	                    (status_text(one) + "\n" + status_text(other)).c_str());
}

} // namespace

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sum_per_cpu),
	        cmocka_unit_test(test_stats_json),
	        cmocka_unit_test(test_stats_table),
	        cmocka_unit_test(test_stats_table_dtls),
	        cmocka_unit_test(test_rows_from_ring),
	        cmocka_unit_test(test_format_age),
	        cmocka_unit_test(test_keys_table),
	        cmocka_unit_test(test_keys_json),
	        cmocka_unit_test(test_stats_module),
	        cmocka_unit_test(test_status_map_gate),
	        cmocka_unit_test(test_status_module_gate),
	        cmocka_unit_test(test_status_damaged),
	        cmocka_unit_test(test_status_report),
	        cmocka_unit_test(test_status_broken_halves),
	        cmocka_unit_test(test_status_xdp_neighbours),
	        cmocka_unit_test(test_status_vlan_hooks),
	        cmocka_unit_test(test_status_json),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
