// What `sgate run` logs.  Under systemd, whose journal reads the daemon's
// stderr, each event goes to the journal with its fields (SGATE_DEVICE=
// and the like) and its priority; elsewhere it is one plain line on stderr.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

namespace sgate {

// syslog(3)'s priorities, which the journal's PRIORITY= field takes.
enum class LogLevel { error = 3, warning = 4, notice = 5, info = 6 };

// A structured field: its name in the journal (upper case, e.g.
// "SGATE_DEVICE") and its value.
using LogField = std::pair<const char *, std::string>;

void log_event(LogLevel level, const std::string &message,
               std::initializer_list<LogField> fields = {});

// True when stderr is the journal's stream ($JOURNAL_STREAM names its
// device and inode), as under systemd with the default StandardError=.
bool stderr_is_journal();

} // namespace sgate
