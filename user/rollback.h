// Undo steps for a multi-step change: run newest first unless commit() says
// the change is complete, so a failed attach leaves nothing half-applied.
#pragma once

#include <functional>
#include <utility>
#include <vector>

namespace sgate {

class Rollback {
public:
	Rollback() = default;
	Rollback(const Rollback &) = delete;
	Rollback &operator=(const Rollback &) = delete;
	~Rollback()
	{
		for (auto step = steps_.rbegin(); step != steps_.rend(); ++step) {
			try {
				(*step)();
			} catch (...) {
				// Best effort: undo the remaining steps anyway.
			}
		}
	}

	void add(std::function<void()> undo) { steps_.push_back(std::move(undo)); }
	void commit() { steps_.clear(); }

private:
	std::vector<std::function<void()>> steps_;
};

} // namespace sgate
