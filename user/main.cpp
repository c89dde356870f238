// sgate: attach, inspect and detach the stateless SYN-cookie gate.
#include <cstdio>
#include <exception>
#include <string_view>
#include <vector>

#include "cli.h"
#include "commands.h"
#include "exit_status.h"
#include "libbpf_quiet.h"

namespace {

void run(const sgate::Invocation &inv)
{
	using sgate::Command;
	switch (inv.command) {
	case Command::attach:
		return sgate::run_attach(inv);
	case Command::detach:
		return sgate::run_detach(inv);
	case Command::status:
		return sgate::run_status(inv);
	case Command::rotate:
		return sgate::run_rotate(inv);
	case Command::stats:
		return sgate::run_stats(inv);
	case Command::keys:
		return sgate::run_keys(inv);
	case Command::run:
		return sgate::run_service(inv);
	case Command::none:
		break;
	}
}

} // namespace

int main(int argc, char **argv)
{
	const std::vector<std::string_view> args(argv + 1, argv + argc);
	try {
		const sgate::Invocation inv = sgate::parse_command_line(args);
		if (inv.help) {
			std::fputs(sgate::help_text(inv.command).c_str(), stdout);
			return static_cast<int>(sgate::Exit::ok);
		}
		if (inv.version) {
			std::fputs(sgate::version_text().c_str(), stdout);
			return static_cast<int>(sgate::Exit::ok);
		}
		sgate::setup_libbpf_logging();
		run(inv);
		return static_cast<int>(sgate::Exit::ok);
	} catch (const sgate::Failure &f) {
		std::fprintf(stderr, "sgate: %s\n", f.what());
		return static_cast<int>(f.status());
	} catch (const std::exception &e) {
		std::fprintf(stderr, "sgate: %s\n", e.what());
		return static_cast<int>(sgate::Exit::failure);
	}
}
