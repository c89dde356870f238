#include "metrics_server.h"

#include <chrono>
#include <httplib.h>

#include "exit_status.h"
#include "metrics_sample.h"
#include "service_config.h"

namespace sgate {

namespace {

constexpr int kStartWaitMs = 2000;

} // namespace

MetricsServer::MetricsServer(const std::string &listen, const std::string &pin_root)
    : listen_(listen), server_(std::make_unique<httplib::Server>())
{
	const std::optional<ListenAddress> address = parse_listen_address(listen);
	if (!address)
		throw Failure(Exit::usage, "metrics_listen \"" + listen + "\" is not HOST:PORT");
	server_->Get("/metrics", [pin_root](const httplib::Request &, httplib::Response &res) {
		try {
			res.set_content(
			        prometheus_text(sample_gate_metrics(open_healthy_gates(pin_root))),
			        kPrometheusContentType);
		} catch (const std::exception &e) {
			res.status = 500;
			res.set_content(std::string("sgate: cannot read the gates: ") + e.what() +
			                        "\n",
			                "text/plain");
		}
	});
	server_->Get("/", [](const httplib::Request &, httplib::Response &res) {
		res.set_content("sgate: metrics at /metrics\n", "text/plain");
	});
	if (!server_->bind_to_port(address->host, static_cast<int>(address->port)))
		throw Failure(Exit::failure,
		              "cannot listen on " + listen +
		                      " for metrics: the address is in use or not on this "
		                      "host; change metrics_listen in the config");
	thread_ = std::thread([this] { server_->listen_after_bind(); });
	// stop() does nothing to a server not yet listening, and the join in
	// the destructor would then wait forever: a SIGTERM right after start
	// must not hang the daemon.
	for (int i = 0; i < kStartWaitMs && !server_->is_running(); i++)
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

MetricsServer::~MetricsServer()
{
	server_->stop();
	if (thread_.joinable())
		thread_.join();
}

} // namespace sgate
