#include "module.h"

#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <string>
#include <sys/socket.h>

#include "exit_status.h"

namespace sgate {

namespace {

// One request in flight: what the callbacks learned, for request() to act on
// once libnl has returned (no exception may cross libnl's C frames).
struct Exchange {
	const std::function<void(nlmsghdr *)> *on_reply = nullptr;
	bool done = false;
	int error = 0; // the kernel's negative errno
	std::string extack;
	std::exception_ptr failure;
	int replies = 0;
};

int on_valid(nl_msg *msg, void *arg)
{
	auto *x = static_cast<Exchange *>(arg);
	if (!*x->on_reply || x->failure)
		return NL_OK; // no reply expected, or already failed: read on to the ACK
	try {
		x->replies++;
		(*x->on_reply)(nlmsg_hdr(msg));
	} catch (...) {
		// Kept for later: reading on to the ACK keeps the socket in step.
		x->failure = std::current_exception();
	}
	return NL_OK;
}

int on_ack(nl_msg *, void *arg)
{
	static_cast<Exchange *>(arg)->done = true;
	return NL_STOP;
}

int on_error(sockaddr_nl *, nlmsgerr *err, void *arg)
{
	auto *x = static_cast<Exchange *>(arg);
	// libnl hands over nlmsg_data() of the NLMSG_ERROR message; its header,
	// with the length that bounds the TLVs, sits just before it.
	const auto *header = reinterpret_cast<const nlmsghdr *>(
	        reinterpret_cast<const char *>(err) - NLMSG_HDRLEN);
	x->error = err->error;
	x->extack = extack_message(header);
	x->done = true;
	return NL_STOP;
}

Failure not_loaded(int err)
{
	return Failure(Exit::no_module,
	               std::string("module key mode needs sgate.ko, but its generic netlink "
	                           "family \"") +
	                       SGATE_GENL_NAME + "\" is not registered (" + nl_geterror(err) +
	                       "): load the module with 'insmod kmod/sgate.ko' (build it "
	                       "first with 'make -C kmod')");
}

// libnl 3.7 has no call for extended ACKs (nl_socket_set_ext_ack() came
// later), so the option is set on its socket directly.  A kernel without it
// only loses the detail, so a refusal here is no error.
void ask_for_extended_acks(nl_sock *sock)
{
	const int one = 1, fd = nl_socket_get_fd(sock);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
	// The echo of our request would only push the message text further out.
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
}

} // namespace

ModuleClient::ModuleClient()
{
	sock_ = nl_socket_alloc();
	if (!sock_)
		throw Failure(Exit::failure, "cannot allocate a netlink socket: out of memory");
	int err = genl_connect(sock_);
	if (err < 0) {
		nl_socket_free(sock_);
		throw Failure(Exit::failure, std::string("cannot open a generic netlink socket: ") +
		                                     nl_geterror(err));
	}
	ask_for_extended_acks(sock_);
	family_ = genl_ctrl_resolve(sock_, SGATE_GENL_NAME);
	if (family_ < 0) {
		nl_socket_free(sock_);
		throw not_loaded(family_);
	}
}

ModuleClient::~ModuleClient()
{
	nl_socket_free(sock_);
}

int ModuleClient::request(std::uint8_t cmd, const char *what,
                          const std::function<void(nl_msg *)> &fill,
                          const std::function<void(nlmsghdr *)> &on_reply)
{
	std::unique_ptr<nl_msg, void (*)(nl_msg *)> msg(nlmsg_alloc(), nlmsg_free);
	if (!msg || !genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0, 0, cmd,
	                         SGATE_GENL_VERSION))
		throw Failure(Exit::failure, std::string("cannot build the request to ") + what);
	if (fill)
		fill(msg.get());
	std::unique_ptr<nl_cb, void (*)(nl_cb *)> cb(nl_cb_alloc(NL_CB_DEFAULT), nl_cb_put);
	if (!cb)
		throw Failure(Exit::failure, "cannot allocate netlink callbacks: out of memory");
	Exchange x;
	x.on_reply = &on_reply;
	nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &x);
	nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &x);
	nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &x);

	int err = nl_send_auto(sock_, msg.get());
	if (err < 0)
		throw Failure(Exit::failure, std::string("cannot send the request to ") + what +
		                                     " to sgate.ko: " + nl_geterror(err));
	while (!x.done) {
		err = nl_recvmsgs(sock_, cb.get());
		if (err < 0 && !x.error)
			throw Failure(Exit::failure, std::string("no answer from sgate.ko to ") +
			                                     what + ": " + nl_geterror(err));
	}
	if (x.failure)
		std::rethrow_exception(x.failure);
	if (x.error)
		throw Failure(Exit::failure,
		              std::string("sgate.ko refused to ") + what + ": " +
		                      errno_text(x.error) +
		                      (x.extack.empty() ? "" : " (" + x.extack + ")"));
	return x.replies;
}

// A GET answered with a bare ACK would leave its result at the defaults.
void ModuleClient::get(std::uint8_t cmd, const char *what,
                       const std::function<void(nlmsghdr *)> &on_reply)
{
	if (request(cmd, what, nullptr, on_reply) != 1)
		throw Failure(Exit::failure, std::string("sgate.ko did not answer as expected when "
		                                         "asked to ") +
		                                     what +
		                                     ": are the module and the agent from the same "
		                                     "sgate version?");
}

ModuleSettings ModuleClient::settings()
{
	ModuleSettings out;
	get(SGATE_CMD_SETTINGS_GET, "report its settings",
	    [&](nlmsghdr *reply) { out = parse_settings_reply(reply); });
	return out;
}

ModuleStats ModuleClient::stats()
{
	ModuleStats out;
	get(SGATE_CMD_STATS_GET, "report its counters",
	    [&](nlmsghdr *reply) { out = parse_stats_reply(reply); });
	return out;
}

std::vector<ModuleKey> ModuleClient::keys()
{
	std::vector<ModuleKey> out;
	get(SGATE_CMD_KEYS_GET, "list its keys",
	    [&](nlmsghdr *reply) { out = parse_keys_reply(reply); });
	return out;
}

void ModuleClient::rotate()
{
	request(SGATE_CMD_ROTATE, "rotate its key", nullptr, nullptr);
}

void ModuleClient::set_epoch_seconds(unsigned seconds)
{
	request(
	        SGATE_CMD_SETTINGS_SET, "set its epoch length",
	        [&](nl_msg *msg) {
		        if (nla_put_u32(msg, SGATE_A_EPOCH_SECONDS, seconds) < 0)
			        throw Failure(Exit::failure,
			                      "cannot build the epoch length request");
	        },
	        nullptr);
}

} // namespace sgate
