// Unit tests of the command line (cli.h): strict numbers, port lists, the
// options of each command, and the --help texts.
#include "agent_test.h"

#include "cli.h"
#include "exit_status.h"

using namespace sgate;
using namespace sgate::test;

namespace {

Invocation parse(std::initializer_list<const char *> words)
{
	std::vector<std::string_view> args(words.begin(), words.end());
	return parse_command_line(args);
}

void expect_usage(std::initializer_list<const char *> words)
{
	std::string line;
	for (const char *w : words)
		line += std::string(w) + " ";
	expect_failure(
	        Exit::usage, [&] { parse(words); }, line.c_str());
}

/* --- numbers ---------------------------------------------------------- */

void test_parse_decimal(void **)
{
	assert_true(parse_decimal("0") == 0u);
	assert_true(parse_decimal("65535") == 65535u);
	assert_true(parse_decimal("999999999999999999") == 999999999999999999ull);
	for (const char *bad :
	     {"", "+1", "-1", " 5", "5 ", "1e3", "0x10", "12a", "1.5", "1234567890123456789"})
		assert_false(parse_decimal(bad).has_value());
}

void test_parse_number_in(void **)
{
	assert_int_equal(parse_number_in("536", 536, 9000, "--mss"), 536);
	assert_int_equal(parse_number_in("9000", 536, 9000, "--mss"), 9000);
	expect_failure(
	        Exit::usage, [] { parse_number_in("535", 536, 9000, "--mss"); }, "535");
	expect_failure(
	        Exit::usage, [] { parse_number_in("9001", 536, 9000, "--mss"); }, "9001");
	expect_failure(
	        Exit::usage, [] { parse_number_in("x", 536, 9000, "--mss"); }, "x");
}

/* --- port lists ------------------------------------------------------- */

void test_port_list_bitmap_layout(void **)
{
	PortBitmap ports = parse_port_list("80");
	// Port p is bit p % 32 of word p / 32, as the BPF side reads it.
	assert_int_equal(ports[2], 1u << 16);
	for (unsigned w = 0; w < ports.size(); w++)
		if (w != 2)
			assert_int_equal(ports[w], 0);

	ports = parse_port_list("1,31,32,65535");
	assert_int_equal(ports[0], (1u << 1) | (1u << 31));
	assert_int_equal(ports[1], 1u);
	assert_int_equal(ports[2047], 1u << 31);
	assert_int_equal(count_ports(ports), 4);
}

void test_port_list_ranges(void **)
{
	PortBitmap ports = parse_port_list("80,443,1000-1010");
	assert_int_equal(count_ports(ports), 13);
	assert_true(port_is_set(ports, 80));
	assert_true(port_is_set(ports, 443));
	assert_true(port_is_set(ports, 1000));
	assert_true(port_is_set(ports, 1010));
	assert_false(port_is_set(ports, 999));
	assert_false(port_is_set(ports, 1011));
	assert_false(port_is_set(ports, 81));

	assert_int_equal(count_ports(parse_port_list("1-65535")), 65535);
	assert_false(port_is_set(parse_port_list("1-65535"), 0));
	assert_int_equal(count_ports(parse_port_list("5-5")), 1);
	// Overlaps and repeats are harmless: it is a set.
	assert_int_equal(count_ports(parse_port_list("80,80,79-81")), 3);
}

void test_port_list_malformed(void **)
{
	for (const char *bad : {"",      ",",    "80,",     ",80", "80,,443", "0",   "65536",
	                        "70000", "8x",   "80-",     "-80", "90-80",   " 80", "80 ",
	                        "1-2-3", "0-10", "1-65536", "+80", "80;443",  "http"})
		expect_failure(
		        Exit::usage, [bad] { parse_port_list(bad); }, bad);
}

void test_port_list_format(void **)
{
	assert_string_equal(format_port_list(parse_port_list("443,80,1000-1010")).c_str(),
	                    "80,443,1000-1010");
	assert_string_equal(format_port_list(parse_port_list("80,81,82")).c_str(), "80-82");
	assert_string_equal(format_port_list(parse_port_list("1-65535")).c_str(), "1-65535");
	assert_string_equal(format_port_list(parse_port_list("65535,1")).c_str(), "1,65535");
	assert_string_equal(format_port_list(PortBitmap{}).c_str(), "none");
}

/* --- command line ------------------------------------------------------ */

void test_cli_attach(void **)
{
	Invocation inv = parse({"attach", "eth0", "--ports", "80,443", "--xdp-mode", "generic",
	                        "--mss=1400", "--key-period", "30"});
	assert_int_equal(static_cast<int>(inv.command), static_cast<int>(Command::attach));
	assert_string_equal(inv.device->c_str(), "eth0");
	assert_int_equal(count_ports(inv.ports), 2);
	assert_int_equal(static_cast<int>(inv.xdp_mode), static_cast<int>(XdpMode::generic));
	assert_int_equal(*inv.mss, 1400);
	assert_int_equal(*inv.key_period, 30);
	assert_false(inv.help);

	// Defaults; the device may come after the options.
	inv = parse({"attach", "--ports", "80", "eth1"});
	assert_string_equal(inv.device->c_str(), "eth1");
	assert_int_equal(static_cast<int>(inv.xdp_mode), static_cast<int>(XdpMode::automatic));
	assert_false(inv.mss.has_value());
	// No --key-period: module mode then keeps the module's epoch length.
	assert_false(inv.key_period.has_value());
	assert_false(inv.pin_root.has_value());

	// After "--", a name that looks like an option is a device.
	inv = parse({"attach", "--ports", "80", "--", "-odd"});
	assert_string_equal(inv.device->c_str(), "-odd");
}

void test_cli_xdp_mode(void **)
{
	// auto is the default, and may be asked for by name.
	assert_int_equal(static_cast<int>(parse({"attach", "eth0", "--ports", "80"}).xdp_mode),
	                 static_cast<int>(XdpMode::automatic));
	const struct {
		const char *word;
		XdpMode mode;
	} modes[] = {{"auto", XdpMode::automatic},
	             {"native", XdpMode::native},
	             {"generic", XdpMode::generic}};
	for (const auto &m : modes) {
		Invocation inv = parse({"attach", "eth0", "--ports", "80", "--xdp-mode", m.word});
		assert_int_equal(static_cast<int>(inv.xdp_mode), static_cast<int>(m.mode));
		assert_string_equal(xdp_mode_name(m.mode), m.word);
	}
	expect_usage({"attach", "eth0", "--ports", "80", "--xdp-mode", "Auto"});
	expect_usage({"attach", "eth0", "--ports", "80", "--xdp-mode", ""});
}

void test_cli_run(void **)
{
	Invocation inv = parse({"run"});
	assert_int_equal(static_cast<int>(inv.command), static_cast<int>(Command::run));
	assert_false(inv.config_path.has_value());
	assert_false(inv.check_config);
	inv = parse({"run", "--config", "/tmp/x.conf", "--check-config"});
	assert_string_equal(inv.config_path->c_str(), "/tmp/x.conf");
	assert_true(inv.check_config);
	inv = parse({"--pin-root", "/tmp/p", "run", "--config=/tmp/y.conf"});
	assert_string_equal(inv.config_path->c_str(), "/tmp/y.conf");
	assert_string_equal(inv.pin_root->c_str(), "/tmp/p");
	assert_true(parse({"run", "--help"}).help);
	assert_non_null(std::strstr(help_text(Command::run).c_str(), "SIGHUP"));

	expect_usage({"run", "eth0"});               // no device: the config names them
	expect_usage({"run", "--config"});           // no value
	expect_usage({"run", "--config", ""});       // empty
	expect_usage({"run", "--check-config=yes"}); // takes no value
	expect_usage({"run", "--ports", "80"});      // an attach option
	expect_usage({"attach", "eth0", "--ports", "80", "--config", "x"}); // a run option
}

void test_cli_stats_prometheus(void **)
{
	Invocation inv = parse({"stats", "eth0", "--prometheus"});
	assert_true(inv.prometheus);
	assert_false(parse({"stats"}).prometheus);
	expect_usage({"stats", "--prometheus", "--json"});
	expect_usage({"stats", "--prometheus", "--watch", "1"});
	expect_usage({"keys", "--prometheus"});
}

void test_cli_attach_dtls_ports(void **)
{
	Invocation inv = parse({"attach", "eth0", "--dtls-ports", "4433,5684"});
	assert_int_equal(count_ports(inv.dtls_ports), 2);
	assert_true(port_is_set(inv.dtls_ports, 4433));
	assert_int_equal(count_ports(inv.ports), 0);

	inv = parse({"attach", "eth0", "--ports", "443", "--dtls-ports=4433"});
	assert_true(port_is_set(inv.ports, 443));
	assert_true(port_is_set(inv.dtls_ports, 4433));
	assert_false(port_is_set(inv.dtls_ports, 443));

	expect_usage({"attach", "eth0", "--dtls-ports", ""});
	expect_usage({"attach", "eth0", "--dtls-ports", "70000"});
	expect_usage({"attach", "eth0", "--dtls-ports", "4433", "--dtls-ports", "4434"});
	expect_usage({"stats", "--dtls-ports", "4433"});
}

void test_cli_attach_errors(void **)
{
	expect_usage({"attach", "eth0"});                 // no --ports
	expect_usage({"attach", "--ports", "80"});        // no device
	expect_usage({"attach", "eth0", "--ports"});      // no value
	expect_usage({"attach", "eth0", "--ports", ""});  // empty list
	expect_usage({"attach", "eth0", "--ports", "0"}); // out of range
	expect_usage({"attach", "eth0", "eth1", "--ports", "80"});
	expect_usage({"attach", "eth0", "--ports", "80", "--ports", "81"});
	expect_usage({"attach", "eth0", "--ports", "80", "--bogus"});
	expect_usage({"attach", "eth0", "--ports", "80", "--json"}); // a stats option
	expect_usage({"attach", "eth0", "--ports", "80", "--xdp-mode", "offload"});
	expect_usage({"attach", "eth0", "--ports", "80", "--mss", "535"});
	expect_usage({"attach", "eth0", "--ports", "80", "--mss", "9001"});
	expect_usage({"attach", "eth0", "--ports", "80", "--mss", "-1"});
	expect_usage({"attach", "eth0", "--ports", "80", "--key-period", "1"});
	expect_usage({"attach", "eth0", "--ports", "80", "--key-period", "3601"});
	expect_usage({"attach", "eth0", "--ports", "80", "--key-period", "1m"});
	expect_usage({"attach", "../etc", "--ports", "80"});
	expect_usage({"attach", "a/b", "--ports", "80"});
	expect_usage({"attach", "0123456789abcdef", "--ports", "80"}); // 16 chars
	expect_usage({"attach", "..", "--ports", "80"});
}

void test_cli_other_commands(void **)
{
	Invocation inv = parse({"detach", "eth0"});
	assert_int_equal(static_cast<int>(inv.command), static_cast<int>(Command::detach));
	expect_usage({"detach"});
	expect_usage({"detach", "eth0", "--ports", "80"});

	inv = parse({"status"});
	assert_int_equal(static_cast<int>(inv.command), static_cast<int>(Command::status));
	expect_usage({"status", "eth0"});

	inv = parse({"rotate"});
	assert_false(inv.device.has_value());
	inv = parse({"rotate", "eth0"});
	assert_string_equal(inv.device->c_str(), "eth0");

	inv = parse({"stats"});
	assert_false(inv.json);
	assert_false(inv.watch_seconds.has_value());
	inv = parse({"stats", "eth0", "--json", "--watch", "2"});
	assert_true(inv.json);
	assert_int_equal(*inv.watch_seconds, 2);
	expect_usage({"stats", "--watch", "0"});
	expect_usage({"stats", "--watch"});
	expect_usage({"stats", "--json=yes"});

	inv = parse({"keys"});
	assert_int_equal(static_cast<int>(inv.command), static_cast<int>(Command::keys));
	assert_false(inv.device.has_value());
	assert_false(inv.json);
	inv = parse({"keys", "eth0", "--json"});
	assert_string_equal(inv.device->c_str(), "eth0");
	assert_true(inv.json);
	expect_usage({"keys", "--watch", "1"}); // a stats option
	expect_usage({"keys", "eth0", "eth1"});
	expect_usage({"keys", "--json=yes"});
	inv = parse({"status", "--json"});
	assert_int_equal(static_cast<int>(inv.command), static_cast<int>(Command::status));
	assert_true(inv.json);
	expect_usage({"status", "--json=1"});
	expect_usage({"status", "--watch", "1"}); // a stats option
}

void test_cli_global(void **)
{
	Invocation inv = parse({"--pin-root", "/tmp/x", "status"});
	assert_string_equal(inv.pin_root->c_str(), "/tmp/x");
	inv = parse({"status", "--pin-root=/tmp/y"});
	assert_string_equal(inv.pin_root->c_str(), "/tmp/y");
	expect_usage({"--pin-root", "", "status"});
	expect_usage({"--pin-root"});

	inv = parse({"--version"});
	assert_true(inv.version);
	inv = parse({"--help"});
	assert_true(inv.help);
	assert_int_equal(static_cast<int>(inv.command), static_cast<int>(Command::none));

	// --help wins over everything else, and names the command's help.
	inv = parse({"attach", "--ports", "garbage", "--help"});
	assert_true(inv.help);
	assert_int_equal(static_cast<int>(inv.command), static_cast<int>(Command::attach));
	inv = parse({"stats", "-h"});
	assert_int_equal(static_cast<int>(inv.command), static_cast<int>(Command::stats));

	expect_usage({});
	expect_usage({"frobnicate"});
	expect_usage({"--bogus", "status"});
	expect_usage({"--version", "--version"});
}

void test_help_texts(void **)
{
	for (Command c : {Command::none, Command::attach, Command::detach, Command::status,
	                  Command::rotate, Command::stats, Command::keys}) {
		const std::string text = help_text(c);
		assert_non_null(std::strstr(text.c_str(), "Usage: sgate"));
		assert_non_null(std::strstr(text.c_str(), "Exit status:"));
		assert_non_null(std::strstr(text.c_str(), "9  sgate does not guard"));
		assert_non_null(std::strstr(text.c_str(), "10  a gate in module key mode"));
		if (c != Command::none)
			assert_non_null(std::strstr(text.c_str(), "Example:"));
	}
}

void test_help_module_mode(void **)
{
	// --key-period's namespace-wide effect in module mode is spelled out.
	const std::string attach = help_text(Command::attach);
	assert_non_null(std::strstr(attach.c_str(), "renumbers"));
	assert_non_null(std::strstr(attach.c_str(), "must start\n                      again"));
	assert_non_null(std::strstr(help_text(Command::none).c_str(), "keys [DEV]"));
	assert_non_null(std::strstr(help_text(Command::rotate).c_str(), "not per\ndevice"));
}

} // namespace

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse_decimal),
	        cmocka_unit_test(test_parse_number_in),
	        cmocka_unit_test(test_port_list_bitmap_layout),
	        cmocka_unit_test(test_port_list_ranges),
	        cmocka_unit_test(test_port_list_malformed),
	        cmocka_unit_test(test_port_list_format),
	        cmocka_unit_test(test_cli_attach),
	        cmocka_unit_test(test_cli_xdp_mode),

	        cmocka_unit_test(test_cli_attach_dtls_ports),
	        cmocka_unit_test(test_cli_attach_errors),
	        cmocka_unit_test(test_cli_run),
	        cmocka_unit_test(test_cli_stats_prometheus),
	        cmocka_unit_test(test_cli_other_commands),
	        cmocka_unit_test(test_cli_global),
	        cmocka_unit_test(test_help_texts),
	        cmocka_unit_test(test_help_module_mode),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
