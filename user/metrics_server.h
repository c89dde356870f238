// sgate run's Prometheus endpoint: GET /metrics on metrics_listen, served
// by cpp-httplib on a thread of its own; each scrape reads the gates anew.
#pragma once

#include <memory>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace sgate {

class MetricsServer {
public:
	// Binds at once, so a busy or bad address fails the caller (with a
	// message naming it), not the thread.
	MetricsServer(const std::string &listen, const std::string &pin_root);
	~MetricsServer();
	MetricsServer(const MetricsServer &) = delete;
	MetricsServer &operator=(const MetricsServer &) = delete;

	const std::string &listen() const { return listen_; }

private:
	std::string listen_;
	std::unique_ptr<httplib::Server> server_;
	std::thread thread_;
};

} // namespace sgate
