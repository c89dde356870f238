// Unit tests of the Prometheus exposition (metrics.h).
#include <sstream> // before cmocka, whose fail() macro it would meet

#include "agent_test.h"

#include "metrics.h"

using namespace sgate;

namespace {

GateMetrics sample_gate()
{
	GateMetrics g;
	g.device = "eth0";
	g.netns_cookie = 4096;
	g.key_mode = KeyMode::map;
	g.counters[SGATE_STAT_SYN_ANSWERED] = 10;
	g.counters[SGATE_STAT_SYN_ANSWERED_NO_MSS] = 2;
	g.counters[SGATE_STAT_COOKIE_VALID] = 7;
	g.counters[SGATE_STAT_COOKIE_VALID_NO_META] = 1;
	g.counters[SGATE_STAT_TC_VERIFIED_HANDOFF] = 1;
	g.counters[SGATE_STAT_COOKIE_BAD_MAC] = 3;
	g.counters[SGATE_STAT_TC_COOKIE_STALE] = 4;
	g.counters[SGATE_STAT_TC_HANDOFF] = 8;
	g.protected_ports = 3;
	g.key_period_seconds = 60;
	g.key_epoch = 1234;
	g.key_age_seconds = 12.5;
	g.keyring_serial = 9;
	return g;
}

bool has_line(const std::string &text, const std::string &line)
{
	std::istringstream in(text);
	for (std::string l; std::getline(in, l);)
		if (l == line)
			return true;
	return false;
}

void expect_line(const std::string &text, const std::string &line)
{
	if (!has_line(text, line))
		fail_msg("missing line: %s\nin:\n%s", line.c_str(), text.c_str());
}

const char kLabels[] = "device=\"eth0\",netns=\"4096\",key_mode=\"map\"";

void test_named_counters(void **)
{
	const std::string text = prometheus_text({sample_gate()});
	const std::string l = kLabels;
	expect_line(text, "# TYPE sgate_syn_acks_sent_total counter");
	expect_line(text, "sgate_syn_acks_sent_total{" + l + "} 12");
	expect_line(text, "sgate_cookies_verified_total{" + l + ",hook=\"xdp\"} 8");
	expect_line(text, "sgate_cookies_verified_total{" + l + ",hook=\"tc\"} 1");
	expect_line(text,
	            "sgate_cookies_rejected_total{" + l + ",hook=\"xdp\",reason=\"bad_mac\"} 3");
	expect_line(text, "sgate_cookies_rejected_total{" + l + ",hook=\"tc\",reason=\"stale\"} 4");
	expect_line(text,
	            "sgate_cookies_rejected_total{" + l + ",hook=\"tc\",reason=\"no_key\"} 0");
	expect_line(text, "# TYPE sgate_key_epoch gauge");
	expect_line(text, "sgate_key_epoch{" + l + "} 1234");
	expect_line(text, "sgate_key_age_seconds{" + l + "} 12.500");
	expect_line(text, "sgate_keyring_serial{" + l + "} 9");
	expect_line(text, "sgate_key_period_seconds{" + l + "} 60");
	expect_line(text, "sgate_protected_ports{" + l + "} 3");
}

void test_every_counter(void **)
{
	const std::string text = prometheus_text({sample_gate()});
	for (int stat = 0; stat < SGATE_STAT_MAX; stat++) {
		const std::string hook = is_tc_counter(stat) ? "tc" : "xdp";
		const std::string value = std::to_string(sample_gate().counters[stat]);
		expect_line(text, std::string("sgate_packets_total{") + kLabels + ",hook=\"" +
		                          hook + "\",decision=\"" + sgate_stat_name(stat) + "\"} " +
		                          value);
	}
}

void test_two_gates_one_family_block(void **)
{
	GateMetrics second = sample_gate();
	second.device = "eth1";
	second.key_mode = KeyMode::module;
	second.key_age_seconds.reset(); // unknown: no sample
	const std::string text = prometheus_text({sample_gate(), second});
	expect_line(text, "sgate_syn_acks_sent_total{device=\"eth1\",netns=\"4096\","
	                  "key_mode=\"module\"} 12");
	// Each family's HELP and TYPE come once, its samples together.
	std::size_t first = text.find("# TYPE sgate_syn_acks_sent_total");
	assert_true(first != std::string::npos);
	assert_true(text.find("# TYPE sgate_syn_acks_sent_total", first + 1) == std::string::npos);
	assert_false(has_line(text, "sgate_key_age_seconds{device=\"eth1\",netns=\"4096\","
	                            "key_mode=\"module\"} 0.000"));
	assert_true(text.find("sgate_key_age_seconds{device=\"eth1\"") == std::string::npos);
}

void test_label_escaping(void **)
{
	assert_string_equal(prometheus_label_value("a\"b\\c\nd").c_str(), "a\\\"b\\\\c\\nd");
}

} // namespace

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_named_counters),
	        cmocka_unit_test(test_every_counter),
	        cmocka_unit_test(test_two_gates_one_family_block),
	        cmocka_unit_test(test_label_escaping),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
