// Unit tests of the agent's pure logic: command line and port lists, what a
// gate advertises (MSS, window, window scale, features), the key schedule
// of rotations, the counters' output, the choice of key mode, sgate.ko's
// netlink replies (built here with libnl) and the key listings.  No BPF, no
// root, no module.
#include <cerrno>
#include <csetjmp>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
extern "C" {
#include <cmocka.h>
}
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "cli.h"
#include "exit_status.h"
#include "gate_config.h"
#include "help.h"
#include "key_mode.h"
#include "keyring.h"
#include "keys_format.h"
#include "module_reply.h"
#include "numbers.h"
#include "port_list.h"
#include "stats_format.h"

using namespace sgate;

namespace {

// Fails the test unless @body throws Failure with @status.
void expect_failure(Exit status, const std::function<void()> &body, const char *what)
{
	try {
		body();
	} catch (const Failure &f) {
		if (f.status() != status)
			fail_msg("%s: exit %d, expected %d (%s)", what,
			         static_cast<int>(f.status()), static_cast<int>(status), f.what());
		return;
	}
	fail_msg("%s: no failure, expected exit %d", what, static_cast<int>(status));
}

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
	assert_int_equal(static_cast<int>(inv.xdp_mode), static_cast<int>(XdpMode::native));
	assert_false(inv.mss.has_value());
	// No --key-period: module mode then keeps the module's epoch length.
	assert_false(inv.key_period.has_value());
	assert_false(inv.pin_root.has_value());

	// After "--", a name that looks like an option is a device.
	inv = parse({"attach", "--ports", "80", "--", "-odd"});
	assert_string_equal(inv.device->c_str(), "-odd");
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
	expect_usage({"status", "--json"});
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
}

/* --- key schedule ------------------------------------------------------ */

sgate_siphash_key key_of(std::uint64_t n)
{
	return sgate_siphash_key{{n, ~n}};
}

bool same_key(const sgate_siphash_key *a, const sgate_siphash_key *b)
{
	if (!a || !b)
		return a == b;
	return a->k[0] == b->k[0] && a->k[1] == b->k[1];
}

// Is @a master key number @n (see key_of())?
bool is_key(const sgate_siphash_key *a, std::uint64_t n)
{
	const sgate_siphash_key b = key_of(n);
	return a && same_key(a, &b);
}

bool ring_holds(const sgate_keyring &ring, std::uint64_t n)
{
	for (const auto &m : ring.m)
		if (is_key(&m.key, n))
			return true;
	return false;
}

void expect_unused(const sgate_master_key &m)
{
	assert_true(m.first_epoch == kUnusedEpoch);
	assert_true(m.key.k[0] == 0 && m.key.k[1] == 0);
}

void test_initial_and_empty_keyring(void **)
{
	sgate_keyring ring;
	std::memset(&ring, 0xa5, sizeof ring);
	initial_keyring(key_of(1), ring);
	assert_true(is_key(&ring.m[0].key, 1));
	assert_true(ring.m[0].first_epoch == 0);
	expect_unused(ring.m[1]);
	expect_unused(ring.m[2]);
	assert_true(ring.serial == 1);

	// The idle slot's ring has no key for any epoch: a stray flip drops.
	const sgate_keyring empty = empty_keyring();
	for (const auto &m : empty.m)
		expect_unused(m);
	assert_null(sgate_keyring_key_for(&empty, 0));
	assert_null(sgate_keyring_key_for(&empty, kUnusedEpoch - 1));
}

void test_rotation_delay_guard(void **)
{
	const std::uint64_t s = 1000000000ull, period = 60 * s;
	assert_true(rotation_delay_ns(100 * period, period) == 0);
	assert_true(rotation_delay_ns(100 * period + 30 * s, period) == 0);
	// 200 ms or more before the boundary: no wait.
	assert_true(rotation_delay_ns(101 * period - kRotationGuardNs, period) == 0);
	// Less: wait until past it, by more than a coarse clock tick.
	const std::uint64_t near = 101 * period - kRotationGuardNs + 1;
	const std::uint64_t wait = rotation_delay_ns(near, period);
	assert_true(wait > kRotationGuardNs - 1);
	assert_true(epoch_at(near + wait, period) == 101);
	assert_true(rotation_delay_ns(near + wait, period) == 0);
	assert_true(epoch_at(101 * period - 1 + rotation_delay_ns(101 * period - 1, period),
	                     period) == 101);
}

void test_rotate_from_initial(void **)
{
	sgate_keyring old, ring;
	initial_keyring(key_of(1), old);
	rotate_keyring(old, key_of(2), 100, ring);

	// The new master takes over at the next epoch; the current key stays.
	assert_true(is_key(&ring.m[0].key, 2));
	assert_true(ring.m[0].first_epoch == 101);
	assert_true(is_key(&ring.m[1].key, 1));
	assert_true(ring.m[1].first_epoch == 0);
	expect_unused(ring.m[2]);
	assert_true(ring.serial == 2);
	assert_true(is_key(sgate_keyring_key_for(&ring, 100), 1));
	assert_true(is_key(sgate_keyring_key_for(&ring, 99), 1));
	assert_true(is_key(sgate_keyring_key_for(&ring, 101), 2));
}

void test_rotate_replaces_pending(void **)
{
	sgate_keyring r1, r2, r3;
	initial_keyring(key_of(1), r1);
	rotate_keyring(r1, key_of(2), 100, r2);
	rotate_keyring(r2, key_of(3), 100, r3); // again, same epoch

	// Key 2 never signed anything: replaced, and gone from the ring.
	assert_true(is_key(&r3.m[0].key, 3));
	assert_true(r3.m[0].first_epoch == 101);
	assert_true(is_key(&r3.m[1].key, 1));
	expect_unused(r3.m[2]);
	assert_false(ring_holds(r3, 2));
	assert_true(r3.serial == 3);
}

void test_rotate_drops_retired(void **)
{
	sgate_keyring r1, r2, r3, r4;
	initial_keyring(key_of(1), r1);
	rotate_keyring(r1, key_of(2), 100, r2); // 2 from 101
	rotate_keyring(r2, key_of(3), 101, r3); // 3 from 102

	// Epoch 100 (key 1) is still "previous" at 101: all three kept, newest first.
	assert_true(r3.m[0].first_epoch == 102 && is_key(&r3.m[0].key, 3));
	assert_true(r3.m[1].first_epoch == 101 && is_key(&r3.m[1].key, 2));
	assert_true(r3.m[2].first_epoch == 0 && is_key(&r3.m[2].key, 1));

	rotate_keyring(r3, key_of(4), 102, r4); // 4 from 103
	// At 102 the previous epoch is 101 (key 2): key 1 is retired and wiped.
	assert_true(r4.m[0].first_epoch == 103 && is_key(&r4.m[0].key, 4));
	assert_true(r4.m[1].first_epoch == 102 && is_key(&r4.m[1].key, 3));
	assert_true(r4.m[2].first_epoch == 101 && is_key(&r4.m[2].key, 2));
	assert_false(ring_holds(r4, 1));
	assert_true(r4.serial == 4);
}

void test_rotate_after_quiet_epochs(void **)
{
	sgate_keyring r1, r2, r3;
	initial_keyring(key_of(1), r1);
	rotate_keyring(r1, key_of(2), 100, r2); // 2 from 101
	rotate_keyring(r2, key_of(3), 500, r3); // long after

	// Only key 2 governs 499 and 500; key 1 is wiped; one slot unused.
	assert_true(r3.m[0].first_epoch == 501 && is_key(&r3.m[0].key, 3));
	assert_true(r3.m[1].first_epoch == 101 && is_key(&r3.m[1].key, 2));
	expect_unused(r3.m[2]);
	assert_false(ring_holds(r3, 1));
}

void test_rotate_without_current_key(void **)
{
	// A ring with no key for "now" (damaged): nothing was signed, so the
	// new key takes over at once rather than leaving an epoch keyless.
	const sgate_keyring old = empty_keyring();
	sgate_keyring ring;
	rotate_keyring(old, key_of(7), 100, ring);
	assert_true(ring.m[0].first_epoch == 100);
	assert_true(is_key(sgate_keyring_key_for(&ring, 100), 7));
	expect_unused(ring.m[1]);
	expect_unused(ring.m[2]);
	assert_true(ring.serial == 1);
}

void test_rotate_at_epoch_zero(void **)
{
	sgate_keyring r1, r2;
	initial_keyring(key_of(1), r1);
	rotate_keyring(r1, key_of(2), 0, r2);
	assert_true(r2.m[0].first_epoch == 1);
	assert_true(is_key(sgate_keyring_key_for(&r2, 0), 1));
}

// Whatever the timing of rotations: a rotation at epoch E never changes the
// key that checks cookies of epochs E - 1 and E, the new key governs E + 1,
// the ring stays sorted newest first, and no retired key survives.
void test_rotate_invariants_random(void **)
{
	std::mt19937_64 rng(12345);
	sgate_keyring ring, next;
	initial_keyring(key_of(1), ring);
	std::uint64_t epoch = 5, serial = 1;

	for (std::uint64_t n = 2; n < 5000; n++) {
		epoch += rng() % 3; // 0, 1 or 2 epochs between rotations
		rotate_keyring(ring, key_of(n), epoch, next);
		for (std::uint64_t e : {epoch - 1, epoch})
			assert_true(same_key(sgate_keyring_key_for(&next, e),
			                     sgate_keyring_key_for(&ring, e)));
		assert_true(is_key(sgate_keyring_key_for(&next, epoch + 1), n));
		assert_true(next.serial == ++serial);
		for (int i = 1; i < SGATE_KEYRING_MASTERS; i++) {
			if (master_in_use(next.m[i]))
				assert_true(next.m[i].first_epoch < next.m[i - 1].first_epoch);
			else
				expect_unused(next.m[i]);
		}
		// Every kept master still governs epoch - 1 or later.
		for (const auto &m : next.m)
			if (master_in_use(m) && m.first_epoch < epoch - 1)
				assert_true(
				        same_key(sgate_keyring_key_for(&next, epoch - 1), &m.key));
		ring = next;
	}
}

void test_wipe(void **)
{
	sgate_keyring ring;
	initial_keyring(key_of(9), ring);
	wipe(ring);
	const unsigned char *bytes = reinterpret_cast<const unsigned char *>(&ring);
	for (std::size_t i = 0; i < sizeof ring; i++)
		assert_int_equal(bytes[i], 0);
}

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

/* --- key mode ---------------------------------------------------------- */

// A throwaway directory standing in for /sys.
struct FakeSysfs {
	std::string root;
	FakeSysfs()
	{
		char name[] = "/tmp/sgate-sysfs-XXXXXX";
		assert_non_null(mkdtemp(name));
		root = name;
	}
	~FakeSysfs()
	{
		for (const char *dir : {"/kernel/btf/sgate", "/kernel/btf", "/kernel",
		                        "/module/sgate", "/module", ""})
			rmdir((root + dir).c_str());
	}
	void mkdirs(std::initializer_list<const char *> dirs)
	{
		for (const char *dir : dirs)
			assert_int_equal(mkdir((root + dir).c_str(), 0700), 0);
	}
};

void test_key_mode_selection(void **)
{
	FakeSysfs sys;
	assert_int_equal(static_cast<int>(select_key_mode(sys.root)),
	                 static_cast<int>(KeyMode::map));
	sys.mkdirs({"/module"});
	assert_int_equal(static_cast<int>(select_key_mode(sys.root)),
	                 static_cast<int>(KeyMode::map));
	sys.mkdirs({"/module/sgate"});
	assert_int_equal(static_cast<int>(select_key_mode(sys.root)),
	                 static_cast<int>(KeyMode::module));

	// Loaded without BTF: no kfuncs, exit 7 with the fix.
	try {
		require_module_btf(sys.root);
		fail_msg("no failure without /sys/kernel/btf/sgate");
	} catch (const Failure &f) {
		assert_int_equal(static_cast<int>(f.status()),
		                 static_cast<int>(Exit::kernel_unsupported));
		assert_string_equal(f.what(), "sgate.ko is loaded without BTF, so it registered no "
		                              "kfuncs: rebuild it with pahole installed");
	}
	sys.mkdirs({"/kernel", "/kernel/btf", "/kernel/btf/sgate"});
	require_module_btf(sys.root);

	assert_string_equal(key_mode_text(KeyMode::module),
	                    "module (keys in sgate.ko, never in a map)");
	assert_string_equal(key_mode_text(KeyMode::map), "map (keys in a BPF map)");
	assert_string_equal(key_mode_name(KeyMode::module), "module");
	assert_string_equal(key_mode_name(KeyMode::map), "map");
}

void test_key_state_names(void **)
{
	assert_string_equal(key_state_name(SGATE_KEY_PENDING), "pending");
	assert_string_equal(key_state_name(SGATE_KEY_CURRENT), "current");
	assert_string_equal(key_state_name(SGATE_KEY_PREVIOUS), "previous");
	assert_string_equal(key_state_name(SGATE_KEY_RETIRING), "retiring");
	assert_string_equal(key_state_name(4), "unknown");
	assert_string_equal(key_origin_name(SGATE_KEY_RANDOM), "random");
	assert_string_equal(key_origin_name(SGATE_KEY_INSTALLED), "installed");
	assert_string_equal(key_origin_name(200), "unknown");
}

/* --- sgate.ko's replies, built as the module builds them ---------------- */

struct Msg {
	nl_msg *msg = nlmsg_alloc();
	explicit Msg(std::uint8_t cmd)
	{
		assert_non_null(msg);
		assert_non_null(genlmsg_put(msg, 1, 1, 0x20, 0, 0, cmd, SGATE_GENL_VERSION));
	}
	~Msg() { nlmsg_free(msg); }
	nlmsghdr *hdr() { return nlmsg_hdr(msg); }
	// As nla_put_u64_64bit() may: a pad attribute before a u64.
	void u64(int type, std::uint64_t v)
	{
		assert_int_equal(nla_put(msg, SGATE_A_PAD, 0, nullptr), 0);
		assert_int_equal(nla_put_u64(msg, type, v), 0);
	}
};

// Fails the test unless @parse throws Failure mentioning the version skew.
void expect_malformed(const std::function<void()> &parse, const char *what)
{
	try {
		parse();
	} catch (const Failure &f) {
		assert_non_null(std::strstr(f.what(), "same sgate version"));
		return;
	}
	fail_msg("%s: parsed", what);
}

void test_parse_settings_reply(void **)
{
	Msg m(SGATE_CMD_SETTINGS_GET);
	assert_int_equal(nla_put_u32(m.msg, SGATE_A_ROTATE_SECONDS, 3600), 0);
	assert_int_equal(nla_put_u32(m.msg, SGATE_A_EPOCH_SECONDS, 60), 0);
	assert_int_equal(nla_put_u32(m.msg, SGATE_A_MAX + 5, 1), 0); // newer: ignored
	const ModuleSettings s = parse_settings_reply(m.hdr());
	assert_int_equal(s.rotate_seconds, 3600);
	assert_int_equal(s.epoch_seconds, 60);

	Msg missing(SGATE_CMD_SETTINGS_GET);
	assert_int_equal(nla_put_u32(missing.msg, SGATE_A_ROTATE_SECONDS, 0), 0);
	expect_malformed([&] { parse_settings_reply(missing.hdr()); }, "no epoch length");

	Msg zero(SGATE_CMD_SETTINGS_GET);
	assert_int_equal(nla_put_u32(zero.msg, SGATE_A_ROTATE_SECONDS, 0), 0);
	assert_int_equal(nla_put_u32(zero.msg, SGATE_A_EPOCH_SECONDS, 0), 0);
	expect_malformed([&] { parse_settings_reply(zero.hdr()); }, "epoch length 0");

	Msg shorter(SGATE_CMD_SETTINGS_GET);
	assert_int_equal(nla_put_u16(shorter.msg, SGATE_A_EPOCH_SECONDS, 60), 0);
	assert_int_equal(nla_put_u32(shorter.msg, SGATE_A_ROTATE_SECONDS, 0), 0);
	expect_malformed([&] { parse_settings_reply(shorter.hdr()); }, "u16 for a u32");
}

void test_parse_stats_reply(void **)
{
	Msg m(SGATE_CMD_STATS_GET);
	const int types[] = {SGATE_A_EPOCH,           SGATE_A_SERIAL,       SGATE_A_ROTATIONS,
	                     SGATE_A_TIMER_ROTATIONS, SGATE_A_INSTALLS,     SGATE_A_COOKIES_MADE,
	                     SGATE_A_COOKIES_CHECKED, SGATE_A_COOKIES_VALID};
	for (unsigned i = 0; i < 8; i++)
		m.u64(types[i], (1ull << 40) + i);
	const ModuleStats s = parse_stats_reply(m.hdr());
	assert_true(s.epoch == (1ull << 40));
	assert_true(s.serial == (1ull << 40) + 1);
	assert_true(s.rotations == (1ull << 40) + 2);
	assert_true(s.timer_rotations == (1ull << 40) + 3);
	assert_true(s.installs == (1ull << 40) + 4);
	assert_true(s.cookies_made == (1ull << 40) + 5);
	assert_true(s.cookies_checked == (1ull << 40) + 6);
	assert_true(s.cookies_valid == (1ull << 40) + 7);

	// Each counter is required, and a u32 where a u64 belongs is refused.
	for (unsigned skip = 0; skip < 8; skip++) {
		Msg partial(SGATE_CMD_STATS_GET);
		for (unsigned i = 0; i < 8; i++)
			if (i != skip)
				partial.u64(types[i], i);
		expect_malformed([&] { parse_stats_reply(partial.hdr()); }, "missing counter");
	}
	Msg narrow(SGATE_CMD_STATS_GET);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(nla_put_u32(narrow.msg, types[i], 1), 0);
	expect_malformed([&] { parse_stats_reply(narrow.hdr()); }, "u32 counters");
}

void put_key(Msg &m, std::uint64_t id, std::uint64_t first, std::uint64_t age, std::uint8_t state,
             std::uint8_t origin)
{
	nlattr *entry = nla_nest_start(m.msg, SGATE_A_KEY_ENTRY);
	assert_non_null(entry);
	m.u64(SGATE_A_KEY_ID, id);
	m.u64(SGATE_A_KEY_FIRST_EPOCH, first);
	m.u64(SGATE_A_KEY_AGE_MS, age);
	assert_int_equal(nla_put_u8(m.msg, SGATE_A_KEY_STATE, state), 0);
	assert_int_equal(nla_put_u8(m.msg, SGATE_A_KEY_ORIGIN, origin), 0);
	nla_nest_end(m.msg, entry);
}

void test_parse_keys_reply(void **)
{
	Msg m(SGATE_CMD_KEYS_GET);
	nlattr *keys = nla_nest_start(m.msg, SGATE_A_KEYS);
	put_key(m, 7, 1001, 500, SGATE_KEY_PENDING, SGATE_KEY_RANDOM);
	put_key(m, 6, 1000, 61000, SGATE_KEY_CURRENT, SGATE_KEY_INSTALLED);
	put_key(m, 3, 0, 7200000, SGATE_KEY_PREVIOUS, SGATE_KEY_RANDOM);
	nla_nest_end(m.msg, keys);
	const std::vector<ModuleKey> k = parse_keys_reply(m.hdr());
	assert_int_equal(k.size(), 3);
	assert_true(k[0].id == 7 && k[0].first_epoch == 1001 && k[0].age_ms == 500);
	assert_int_equal(k[0].state, SGATE_KEY_PENDING);
	assert_true(k[1].id == 6 && k[1].origin == SGATE_KEY_INSTALLED);
	assert_int_equal(k[1].state, SGATE_KEY_CURRENT);
	assert_true(k[2].id == 3 && k[2].first_epoch == 0 && k[2].age_ms == 7200000);

	// An empty list, as the kernel's nla_nest_end() leaves it (libnl's would
	// drop the empty nest), flagged nested as nla_nest_start() does.
	Msg empty(SGATE_CMD_KEYS_GET);
	assert_int_equal(nla_put(empty.msg, SGATE_A_KEYS | NLA_F_NESTED, 0, nullptr), 0);
	assert_int_equal(parse_keys_reply(empty.hdr()).size(), 0);

	Msg none(SGATE_CMD_KEYS_GET);
	expect_malformed([&] { parse_keys_reply(none.hdr()); }, "no key list");

	Msg no_state(SGATE_CMD_KEYS_GET);
	keys = nla_nest_start(no_state.msg, SGATE_A_KEYS);
	nlattr *entry = nla_nest_start(no_state.msg, SGATE_A_KEY_ENTRY);
	no_state.u64(SGATE_A_KEY_ID, 1);
	no_state.u64(SGATE_A_KEY_FIRST_EPOCH, 1);
	no_state.u64(SGATE_A_KEY_AGE_MS, 1);
	nla_nest_end(no_state.msg, entry);
	nla_nest_end(no_state.msg, keys);
	expect_malformed([&] { parse_keys_reply(no_state.hdr()); }, "entry without state");
}

// An NLMSG_ERROR as the kernel sends it: the echoed request (whole, or its
// header only when capped), then, with NLM_F_ACK_TLVS, the message text.
struct ErrorMsg {
	nl_msg *msg = nlmsg_alloc();
	ErrorMsg(bool capped, bool with_text, const char *text = "nothing to set")
	{
		const int echoed = capped ? 0 : 12; // genl header + one u32 attribute
		int flags = capped ? NLM_F_CAPPED : 0;
		if (with_text)
			flags |= NLM_F_ACK_TLVS;
		nlmsghdr *h = nlmsg_put(msg, 0, 1, NLMSG_ERROR,
		                        static_cast<int>(sizeof(nlmsgerr)) + echoed, flags);
		assert_non_null(h);
		auto *err = static_cast<nlmsgerr *>(nlmsg_data(h));
		err->error = -EINVAL;
		err->msg.nlmsg_len = NLMSG_HDRLEN + echoed;
		err->msg.nlmsg_type = 0x20;
		if (with_text) {
			assert_int_equal(nla_put_string(msg, NLMSGERR_ATTR_MSG, text), 0);
			assert_int_equal(nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20), 0);
		}
	}
	~ErrorMsg() { nlmsg_free(msg); }
};

void test_extack_message(void **)
{
	assert_string_equal(extack_message(nlmsg_hdr(ErrorMsg(true, true).msg)).c_str(),
	                    "nothing to set");
	assert_string_equal(
	        extack_message(nlmsg_hdr(ErrorMsg(false, true, "rotation period too short").msg))
	                .c_str(),
	        "rotation period too short");
	assert_string_equal(extack_message(nlmsg_hdr(ErrorMsg(true, false).msg)).c_str(), "");
	assert_string_equal(extack_message(nlmsg_hdr(ErrorMsg(false, false).msg)).c_str(), "");

	// Not an error message, or one cut short: no text, and no read past it.
	Msg reply(SGATE_CMD_SETTINGS_GET);
	assert_string_equal(extack_message(reply.hdr()).c_str(), "");
	ErrorMsg cut(false, true);
	nlmsg_hdr(cut.msg)->nlmsg_len = NLMSG_HDRLEN + sizeof(nlmsgerr);
	assert_string_equal(extack_message(nlmsg_hdr(cut.msg)).c_str(), "");
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
	        cmocka_unit_test(test_parse_decimal),
	        cmocka_unit_test(test_parse_number_in),
	        cmocka_unit_test(test_port_list_bitmap_layout),
	        cmocka_unit_test(test_port_list_ranges),
	        cmocka_unit_test(test_port_list_malformed),
	        cmocka_unit_test(test_port_list_format),
	        cmocka_unit_test(test_cli_attach),
	        cmocka_unit_test(test_cli_attach_errors),
	        cmocka_unit_test(test_cli_other_commands),
	        cmocka_unit_test(test_cli_global),
	        cmocka_unit_test(test_help_texts),
	        cmocka_unit_test(test_mss),
	        cmocka_unit_test(test_syn_window),
	        cmocka_unit_test(test_rcv_wscale),
	        cmocka_unit_test(test_features),
	        cmocka_unit_test(test_make_gate_config),
	        cmocka_unit_test(test_initial_and_empty_keyring),
	        cmocka_unit_test(test_rotation_delay_guard),
	        cmocka_unit_test(test_rotate_from_initial),
	        cmocka_unit_test(test_rotate_replaces_pending),
	        cmocka_unit_test(test_rotate_drops_retired),
	        cmocka_unit_test(test_rotate_after_quiet_epochs),
	        cmocka_unit_test(test_rotate_without_current_key),
	        cmocka_unit_test(test_rotate_at_epoch_zero),
	        cmocka_unit_test(test_rotate_invariants_random),
	        cmocka_unit_test(test_wipe),
	        cmocka_unit_test(test_sum_per_cpu),
	        cmocka_unit_test(test_stats_json),
	        cmocka_unit_test(test_stats_table),
	        cmocka_unit_test(test_help_module_mode),
	        cmocka_unit_test(test_key_mode_selection),
	        cmocka_unit_test(test_key_state_names),
	        cmocka_unit_test(test_parse_settings_reply),
	        cmocka_unit_test(test_parse_stats_reply),
	        cmocka_unit_test(test_parse_keys_reply),
	        cmocka_unit_test(test_extack_message),
	        cmocka_unit_test(test_rows_from_ring),
	        cmocka_unit_test(test_format_age),
	        cmocka_unit_test(test_keys_table),
	        cmocka_unit_test(test_keys_json),
	        cmocka_unit_test(test_stats_module),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
