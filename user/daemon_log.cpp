#include "daemon_log.h"

#include <cstdio>
#include <cstdlib>
#include <sys/stat.h>
#include <sys/uio.h>
// The call site would always be this file: leave CODE_FILE= and the like out.
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include <unistd.h>
#include <vector>

namespace sgate {

bool stderr_is_journal()
{
	const char *stream = std::getenv("JOURNAL_STREAM");
	if (!stream)
		return false;
	unsigned long long device = 0, inode = 0;
	if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2)
		return false;
	struct stat st {};
	if (fstat(STDERR_FILENO, &st))
		return false;
	return st.st_dev == device && st.st_ino == inode;
}

void log_event(LogLevel level, const std::string &message, std::initializer_list<LogField> fields)
{
	static const bool to_journal = stderr_is_journal();
	if (!to_journal) {
		std::fprintf(stderr, "sgate: %s\n", message.c_str());
		return;
	}
	std::vector<std::string> lines = {
	        "MESSAGE=" + message,
	        "PRIORITY=" + std::to_string(static_cast<int>(level)),
	        "SYSLOG_IDENTIFIER=sgate",
	};
	for (const auto &[name, value] : fields)
		lines.push_back(std::string(name) + "=" + value);
	std::vector<iovec> iov;
	for (std::string &line : lines)
		iov.push_back({line.data(), line.size()});
	if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) < 0)
		std::fprintf(stderr, "sgate: %s\n", message.c_str());
}

} // namespace sgate
