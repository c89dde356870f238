// Unit tests of sgate.ko's replies as the agent parses them (module.h): each
// reply is built here with libnl as the module builds it; no socket, no
// module.
#include "agent_test.h"

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "exit_status.h"
#include "module.h"

using namespace sgate;
using namespace sgate::test;

namespace {

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

} // namespace

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_key_state_names),
	        cmocka_unit_test(test_parse_settings_reply),
	        cmocka_unit_test(test_parse_stats_reply),
	        cmocka_unit_test(test_parse_keys_reply),
	        cmocka_unit_test(test_extack_message),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
