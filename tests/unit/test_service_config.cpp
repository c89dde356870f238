// Unit tests of sgate run's config file (service_config.h): what a valid
// file gives, and that every error names its line and column.
#include "agent_test.h"

#include <cstdio>
#include <unistd.h>

#include "service_config.h"

using namespace sgate;

namespace {

ServiceConfig parse(const char *text)
{
	return parse_service_config(text, "test.conf");
}

// Fails the test unless @text is refused at @line:@column with a message
// containing @words.
void expect_error(const char *text, unsigned line, unsigned column, const char *words)
{
	try {
		parse(text);
	} catch (const ConfigError &e) {
		const std::string where =
		        "test.conf:" + std::to_string(line) + ":" + std::to_string(column) + ": ";
		if (e.line() != line || e.column() != column ||
		    std::string(e.what()).rfind(where, 0) != 0)
			fail_msg("expected an error at %u:%u, got: %s", line, column, e.what());
		if (std::string(e.what()).find(words) == std::string::npos)
			fail_msg("expected \"%s\" in: %s", words, e.what());
		assert_int_equal(static_cast<int>(e.status()), static_cast<int>(Exit::usage));
		return;
	}
	fail_msg("no error for:\n%s", text);
}

void test_full_config(void **)
{
	const ServiceConfig c = parse(R"(# every key
key_mode = "map"
key_period = 30
xdp_mode = "generic"
xdp_hook = "alone"
metrics_listen = "127.0.0.1:9753"
detach_on_stop = true

[device.eth0]
ports = [80, 443, "8000-8002"]
mss = 1400

[device."eth0.100"]
ports = "22"
xdp_mode = "native"
xdp_hook = "shared"
)");
	assert_int_equal(static_cast<int>(c.key_mode), static_cast<int>(KeyModeChoice::map));
	assert_int_equal(*c.key_period, 30);
	assert_string_equal(c.metrics_listen->c_str(), "127.0.0.1:9753");
	assert_true(c.detach_on_stop);
	assert_int_equal(c.devices.size(), 2);
	assert_string_equal(c.devices[0].name.c_str(), "eth0");
	assert_string_equal(format_port_list(c.devices[0].ports).c_str(), "80,443,8000-8002");
	// The top-level xdp_mode is each device's default.
	assert_int_equal(static_cast<int>(c.devices[0].xdp_mode),
	                 static_cast<int>(XdpMode::generic));
	assert_int_equal(static_cast<int>(c.devices[0].xdp_hook), static_cast<int>(XdpHook::alone));
	assert_int_equal(*c.devices[0].mss, 1400);
	assert_int_equal(c.devices[0].line, 9);
	assert_string_equal(c.devices[1].name.c_str(), "eth0.100");
	assert_string_equal(format_port_list(c.devices[1].ports).c_str(), "22");
	assert_int_equal(static_cast<int>(c.devices[1].xdp_mode),
	                 static_cast<int>(XdpMode::native));
	assert_int_equal(static_cast<int>(c.devices[1].xdp_hook),
	                 static_cast<int>(XdpHook::shared));
	assert_false(c.devices[1].mss.has_value());
}

void test_defaults(void **)
{
	const ServiceConfig c = parse("[device.eth0]\nports = [80]\n");
	assert_int_equal(static_cast<int>(c.key_mode), static_cast<int>(KeyModeChoice::automatic));
	assert_false(c.key_period.has_value());
	assert_false(c.metrics_listen.has_value());
	assert_false(c.detach_on_stop); // the gates outlive the daemon
	assert_int_equal(static_cast<int>(c.devices[0].xdp_mode),
	                 static_cast<int>(XdpMode::automatic)); // as sgate attach
	assert_int_equal(static_cast<int>(c.devices[0].xdp_hook),
	                 static_cast<int>(XdpHook::shared));
	assert_int_equal(static_cast<int>(parse("xdp_mode = \"native\"\n[device.a]\nports = [1]\n")
	                                          .devices[0]
	                                          .xdp_mode),
	                 static_cast<int>(XdpMode::native));

	// No device at all is valid: the daemon then guards nothing yet.
	assert_true(parse("").devices.empty());
	// An empty metrics_listen turns the endpoint off.
	assert_false(parse("metrics_listen = \"\"\n").metrics_listen.has_value());
}

void test_syntax_errors(void **)
{
	// toml++'s own messages, at the place it stopped.
	expect_error("key_period = 30\nports = [80,\n", 2, 14, "end-of-file");
	expect_error("key_mode = \"map\nkey_period = 1\n", 1, 16, "");
	expect_error("[device.eth0]\nports = [80]\n[device.eth0]\nports = [81]\n", 3, 1,
	             "cannot redefine");
}

void test_semantic_errors(void **)
{
	expect_error("key_period = 30\nkey_perod = 30\n", 2, 1, "unknown key 'key_perod'");
	expect_error("key_period = 0\n", 1, 14, "out of range");
	expect_error("key_period = \"30\"\n", 1, 14, "whole number");
	expect_error("key_mode = \"kernel\"\n", 1, 12, "\"auto\", \"map\" or \"module\"");
	expect_error("xdp_mode = \"fast\"\n", 1, 12, "\"auto\", \"native\" or \"generic\"");
	expect_error("xdp_hook = \"exclusive\"\n", 1, 12, "\"shared\" or \"alone\"");
	expect_error("detach_on_stop = \"yes\"\n", 1, 18, "true or false");
	expect_error("metrics_listen = \"9753\"\n", 1, 18, "HOST:PORT");
	expect_error("metrics_listen = \"localhost:0\"\n", 1, 18, "HOST:PORT");
}

void test_device_errors(void **)
{
	// The offending key or value, not the table, is named.
	expect_error("[device.eth0]\nports = [80, 70000]\n", 2, 14, "out of range");
	expect_error("[device.eth0]\nports = \"80,,443\"\n", 2, 9, "empty item");
	expect_error("[device.eth0]\nports = \"443-80\"\n", 2, 9, "backwards");
	expect_error("[device.eth0]\nports = [80, \"x\"]\n", 2, 14, "malformed port");
	expect_error("[device.eth0]\nports = []\n", 2, 9, "ports is empty");
	expect_error("[device.eth0]\nports = 80\n", 2, 9, "ports must be a list");
	expect_error("[device.eth0]\nports = [80]\nmss = 100\n", 3, 7, "out of range");
	expect_error("[device.eth0]\nports = [80]\nprots = [81]\n", 3, 1,
	             "unknown key 'prots' in [device.eth0]");
	// A device without ports is named at its table.
	expect_error("\n[device.eth0]\nmss = 1400\n", 2, 9, "needs ports");
	expect_error("[device.\"a/b\"]\nports = [80]\n", 1, 9, "not a valid network device");
	expect_error("device = 1\n", 1, 10, "must hold tables");
}

void test_listen_address(void **)
{
	auto a = parse_listen_address("127.0.0.1:9753");
	assert_true(a.has_value());
	assert_string_equal(a->host.c_str(), "127.0.0.1");
	assert_int_equal(a->port, 9753);
	a = parse_listen_address("[::1]:80");
	assert_string_equal(a->host.c_str(), "::1");
	assert_int_equal(a->port, 80);
	assert_false(parse_listen_address("::1:80").has_value());
	assert_false(parse_listen_address(":80").has_value());
	assert_false(parse_listen_address("host:").has_value());
	assert_false(parse_listen_address("host:65536").has_value());
	assert_false(parse_listen_address("[]:80").has_value());
}

void test_load_file(void **)
{
	char path[] = "/tmp/sgate-config-test.XXXXXX";
	const int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char text[] = "[device.lo]\nports = [8080]\n";
	assert_int_equal(write(fd, text, sizeof text - 1), sizeof text - 1);
	close(fd);
	assert_string_equal(load_service_config(path).devices[0].name.c_str(), "lo");
	unlink(path);
	try {
		load_service_config(path);
		fail_msg("a missing file was read");
	} catch (const ConfigError &e) {
		assert_non_null(std::strstr(e.what(), "cannot read the config"));
		assert_non_null(std::strstr(e.what(), path));
	}
}

} // namespace

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_full_config),   cmocka_unit_test(test_defaults),
	        cmocka_unit_test(test_syntax_errors), cmocka_unit_test(test_semantic_errors),
	        cmocka_unit_test(test_device_errors), cmocka_unit_test(test_listen_address),
	        cmocka_unit_test(test_load_file),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
