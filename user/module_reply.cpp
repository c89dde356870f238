// The parsers of module.h: sgate.ko's replies, one message at a time, into
// plain structs.  No socket here, so the unit tests link this file alone.
#include "module.h"

#include <array>
#include <cstring>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "exit_status.h"

namespace sgate {

namespace {

// libnl checks each attribute named here for its type's size, so a short
// one is refused rather than read past its end.
struct ReplyPolicy {
	nla_policy top[SGATE_A_MAX + 1]{};
	nla_policy key[SGATE_A_MAX + 1]{};
	ReplyPolicy()
	{
		for (int a : {SGATE_A_EPOCH, SGATE_A_SERIAL, SGATE_A_ROTATIONS,
		              SGATE_A_TIMER_ROTATIONS, SGATE_A_INSTALLS, SGATE_A_COOKIES_MADE,
		              SGATE_A_COOKIES_CHECKED, SGATE_A_COOKIES_VALID})
			top[a].type = NLA_U64;
		top[SGATE_A_ROTATE_SECONDS].type = NLA_U32;
		top[SGATE_A_EPOCH_SECONDS].type = NLA_U32;
		top[SGATE_A_KEYS].type = NLA_NESTED;
		for (int a : {SGATE_A_KEY_ID, SGATE_A_KEY_FIRST_EPOCH, SGATE_A_KEY_AGE_MS})
			key[a].type = NLA_U64;
		key[SGATE_A_KEY_STATE].type = NLA_U8;
		key[SGATE_A_KEY_ORIGIN].type = NLA_U8;
	}
};

const ReplyPolicy kPolicy;

using Attrs = std::array<nlattr *, SGATE_A_MAX + 1>;

Failure malformed(const char *what)
{
	return Failure(Exit::failure,
	               std::string("sgate.ko sent a reply this sgate cannot read (") + what +
	                       "): are the module and the agent from the same sgate version?");
}

void parse_top(nlmsghdr *reply, Attrs &tb)
{
	if (genlmsg_parse(reply, 0, tb.data(), SGATE_A_MAX, kPolicy.top) < 0)
		throw malformed("bad attributes");
}

nlattr *need(nlattr *attr, const char *name)
{
	if (!attr)
		throw malformed(name);
	return attr;
}

std::uint64_t u64_of(Attrs &tb, int type, const char *name)
{
	return nla_get_u64(need(tb[type], name));
}

ModuleKey parse_key(nlattr *entry)
{
	Attrs tb{};
	if (nla_parse_nested(tb.data(), SGATE_A_MAX, entry, kPolicy.key) < 0)
		throw malformed("bad key entry");
	ModuleKey key;
	key.id = u64_of(tb, SGATE_A_KEY_ID, "no key id");
	key.first_epoch = u64_of(tb, SGATE_A_KEY_FIRST_EPOCH, "no first epoch");
	key.age_ms = u64_of(tb, SGATE_A_KEY_AGE_MS, "no key age");
	key.state = nla_get_u8(need(tb[SGATE_A_KEY_STATE], "no key state"));
	key.origin = nla_get_u8(need(tb[SGATE_A_KEY_ORIGIN], "no key origin"));
	return key;
}

} // namespace

ModuleSettings parse_settings_reply(nlmsghdr *reply)
{
	Attrs tb{};
	parse_top(reply, tb);
	ModuleSettings s;
	s.rotate_seconds = nla_get_u32(need(tb[SGATE_A_ROTATE_SECONDS], "no rotate period"));
	s.epoch_seconds = nla_get_u32(need(tb[SGATE_A_EPOCH_SECONDS], "no epoch length"));
	if (s.epoch_seconds == 0)
		throw malformed("epoch length 0");
	return s;
}

ModuleStats parse_stats_reply(nlmsghdr *reply)
{
	Attrs tb{};
	parse_top(reply, tb);
	ModuleStats s;
	s.epoch = u64_of(tb, SGATE_A_EPOCH, "no epoch");
	s.serial = u64_of(tb, SGATE_A_SERIAL, "no serial");
	s.rotations = u64_of(tb, SGATE_A_ROTATIONS, "no rotations");
	s.timer_rotations = u64_of(tb, SGATE_A_TIMER_ROTATIONS, "no timer rotations");
	s.installs = u64_of(tb, SGATE_A_INSTALLS, "no installs");
	s.cookies_made = u64_of(tb, SGATE_A_COOKIES_MADE, "no cookies made");
	s.cookies_checked = u64_of(tb, SGATE_A_COOKIES_CHECKED, "no cookies checked");
	s.cookies_valid = u64_of(tb, SGATE_A_COOKIES_VALID, "no cookies valid");
	return s;
}

std::vector<ModuleKey> parse_keys_reply(nlmsghdr *reply)
{
	Attrs tb{};
	parse_top(reply, tb);
	std::vector<ModuleKey> keys;
	nlattr *entry;
	int rem;
	nla_for_each_nested(entry, need(tb[SGATE_A_KEYS], "no key list"), rem)
	{
		if (nla_type(entry) == SGATE_A_KEY_ENTRY)
			keys.push_back(parse_key(entry));
	}
	return keys;
}

// The TLVs follow the echoed request, or only its header when the kernel
// capped the echo (NETLINK_CAP_ACK); NLM_F_ACK_TLVS says there are any.
std::string extack_message(const nlmsghdr *error)
{
	if (error->nlmsg_type != NLMSG_ERROR || !(error->nlmsg_flags & NLM_F_ACK_TLVS))
		return "";
	if (error->nlmsg_len < NLMSG_HDRLEN + sizeof(nlmsgerr))
		return "";
	const auto *err = static_cast<const nlmsgerr *>(NLMSG_DATA(error));
	std::size_t offset = sizeof(nlmsgerr);
	if (!(error->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < NLMSG_HDRLEN)
			return "";
		offset += err->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	offset = NLMSG_HDRLEN + NLMSG_ALIGN(offset);
	if (error->nlmsg_len <= offset)
		return "";

	nlattr *tb[NLMSGERR_ATTR_MAX + 1]{};
	auto *head = reinterpret_cast<nlattr *>(
	        const_cast<char *>(reinterpret_cast<const char *>(error)) + offset);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, head, static_cast<int>(error->nlmsg_len - offset),
	              nullptr) < 0 ||
	    !tb[NLMSGERR_ATTR_MSG])
		return "";
	// Up to the NUL the kernel puts there, never past the attribute.
	const char *text = static_cast<const char *>(nla_data(tb[NLMSGERR_ATTR_MSG]));
	return std::string(text,
	                   strnlen(text, static_cast<std::size_t>(nla_len(tb[NLMSGERR_ATTR_MSG]))));
}

const char *key_state_name(unsigned state)
{
	switch (state) {
	case SGATE_KEY_PENDING:
		return "pending";
	case SGATE_KEY_CURRENT:
		return "current";
	case SGATE_KEY_PREVIOUS:
		return "previous";
	case SGATE_KEY_RETIRING:
		return "retiring";
	}
	return "unknown";
}

const char *key_origin_name(unsigned origin)
{
	switch (origin) {
	case SGATE_KEY_RANDOM:
		return "random";
	case SGATE_KEY_INSTALLED:
		return "installed";
	}
	return "unknown";
}

} // namespace sgate
