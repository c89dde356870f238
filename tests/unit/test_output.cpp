// Unit tests of what sgate prints (output.h): the counters of `stats`, the
// key listing of `keys` and the report of `status`, byte for byte.
#include "agent_test.h"

#include "keys.h"
#include "module.h"
#include "output.h"

using namespace sgate;
using namespace sgate::test;

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

void test_stats_json(void **)
{
	GateCounters a, b;
	a.device = "eth0";
	a.now[SGATE_STAT_SYN_ANSWERED] = 5;
	b.device = "we\"ird";
	const std::string json = stats_json({a, b});

	assert_int_equal(json.find("{\"eth0\": {\"pass_not_ip\": 0, "), 0);
	assert_true(json.find("\"syn_answered\": 5") != std::string::npos);
	assert_true(json.find("\"we\\\"ird\": {") != std::string::npos);
	// Every counter, zero or not, for every device.
	for (int i = 0; i < SGATE_STAT_MAX; i++) {
		const std::string key = std::string("\"") + sgate_stat_name(i) + "\": ";
		const auto first = json.find(key);
		assert_true(first != std::string::npos);
		assert_true(json.find(key, first + 1) != std::string::npos);
	}
	assert_string_equal(json.substr(json.size() - 3).c_str(), "}}\n");
	assert_string_equal(json_string("a\\b\n").c_str(), "\"a\\\\b\\u000a\"");
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
	const std::string j = keys_json(sample_listing());
	assert_int_equal(j.find("{\"eth0\": {\"key_mode\": \"map\", \"epoch\": 101, \"serial\": 3, "
	                        "\"keys\": [{\"id\": 0, \"first_epoch\": 102, \"age_ms\": null, "
	                        "\"state\": \"pending\", \"origin\": \"random\"}, "),
	                 0);
	// Each module-mode gate carries the namespace's ring.
	const std::string module_keys = "\"key_mode\": \"module\", \"epoch\": 5000, \"serial\": 9, "
	                                "\"keys\": [{\"id\": 12, \"first_epoch\": 5001, "
	                                "\"age_ms\": 1500, \"state\": \"pending\", "
	                                "\"origin\": \"installed\"}]}";
	assert_non_null(std::strstr(j.c_str(), ("\"eth1\": {" + module_keys).c_str()));
	assert_non_null(std::strstr(j.c_str(), ("\"eth2\": {" + module_keys).c_str()));
	assert_string_equal(j.substr(j.size() - 4).c_str(), "]}}\n");
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

	const std::string json = stats_json({map, module});
	assert_int_equal(count_of(json, "\"module\": "), 1);
	assert_non_null(std::strstr(
	        json.c_str(),
	        "\"tc_err_other\": 0, \"module\": {\"epoch\": 77, \"serial\": 4, \"rotations\": 2, "
	        "\"timer_rotations\": 1, \"installs\": 0, \"cookies_made\": 1000, "
	        "\"cookies_checked\": 10, \"cookies_valid\": 9}}}\n"));

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

} // namespace

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sum_per_cpu), cmocka_unit_test(test_stats_json),
	        cmocka_unit_test(test_stats_table), cmocka_unit_test(test_rows_from_ring),
	        cmocka_unit_test(test_format_age),  cmocka_unit_test(test_keys_table),
	        cmocka_unit_test(test_keys_json),   cmocka_unit_test(test_stats_module),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
