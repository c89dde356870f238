// sgate stats: the counters of one gate or of all gates here, once or
// redrawn every few seconds with rates until SIGINT or SIGTERM; with sgate.ko's
// counters of this namespace when a gate is in module mode.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <unistd.h>

#include "commands.h"
#include "exit_status.h"
#include "gate.h"
#include "gate_pins.h"
#include "host.h"
#include "keys.h"
#include "metrics.h"
#include "metrics_sample.h"
#include "module.h"
#include "output.h"

namespace sgate {

namespace {

volatile std::sig_atomic_t stop_requested = 0;

void request_stop(int)
{
	stop_requested = 1;
}

// Without SA_RESTART, so the signal also cuts the sleep short.
void stop_on_signals()
{
	struct sigaction sa {};
	sa.sa_handler = request_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, nullptr);
	sigaction(SIGTERM, &sa, nullptr);
}

timespec monotonic_now()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

double seconds_between(const timespec &a, const timespec &b)
{
	return static_cast<double>(b.tv_sec - a.tv_sec) +
	       static_cast<double>(b.tv_nsec - a.tv_nsec) / 1e9;
}

// Returns false if a stop was requested before @deadline.
bool sleep_until(const timespec &deadline)
{
	while (!stop_requested) {
		int err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr);
		if (err == 0)
			return !stop_requested;
		if (err != EINTR)
			return false;
	}
	return false;
}

// The gates to sample, and sgate.ko if any of them is in module mode.
struct Sources {
	std::vector<OpenGate> gates;
	std::unique_ptr<ModuleClient> module;
};

std::vector<GateCounters> sample(const Sources &from)
{
	std::optional<ModuleStats> module;
	if (from.module)
		module = from.module->stats();
	std::vector<GateCounters> out;
	for (const auto &[gate, mode] : from.gates) {
		GateCounters g;
		g.device = gate.device();
		g.now = gate.counters();
		if (mode == KeyMode::module)
			g.module = module;
		out.push_back(g);
	}
	return out;
}

void print_sample(const std::vector<GateCounters> &sample, const Invocation &inv, bool redraw)
{
	if (inv.json) {
		std::fputs(stats_json(sample).c_str(), stdout);
	} else {
		if (redraw)
			std::printf("\033[H\033[J"); // home, clear: a terminal redraw
		if (inv.watch_seconds)
			std::printf("sgate stats every %u s (Ctrl-C stops)\n\n",
			            *inv.watch_seconds);
		std::fputs(stats_table(sample).c_str(), stdout);
		if (inv.watch_seconds && !redraw)
			std::printf("\n");
	}
	std::fflush(stdout);
}

void watch(const Sources &gates, const Invocation &inv)
{
	const bool redraw = !inv.json && isatty(STDOUT_FILENO);
	stop_on_signals();

	timespec taken = monotonic_now(), deadline = taken;
	auto previous = sample(gates);
	print_sample(previous, inv, redraw);
	for (;;) {
		deadline.tv_sec += *inv.watch_seconds;
		if (!sleep_until(deadline))
			return;
		const timespec now_taken = monotonic_now();
		auto current = sample(gates);
		for (std::size_t i = 0; i < current.size(); i++) {
			current[i].before = previous[i].now;
			if (previous[i].module)
				current[i].module_before = *previous[i].module;
			current[i].seconds = seconds_between(taken, now_taken);
		}
		print_sample(current, inv, redraw);
		previous = std::move(current);
		taken = now_taken;
	}
}

} // namespace

void run_stats(const Invocation &inv)
{
	require_root();
	const std::string root = pin_root(inv.pin_root);
	Sources gates;
	gates.gates = open_gates(root, inv.device, "no counters");
	if (inv.prometheus) {
		std::fputs(prometheus_text(sample_gate_metrics(gates.gates)).c_str(), stdout);
		return;
	}
	for (const auto &gate : gates.gates)
		if (gate.mode == KeyMode::module && !gates.module)
			gates.module = std::make_unique<ModuleClient>();

	if (inv.watch_seconds)
		watch(gates, inv);
	else
		print_sample(sample(gates), inv, false);
}

} // namespace sgate
