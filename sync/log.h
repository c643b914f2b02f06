// Logger: the daemons' structured log lines (docs/MONITORING.md).
//
// A line has a time (UTC, RFC 3339 with milliseconds, from the program's
// Clock, so OUTPOST_NOW pins it in tests), a level, a component ("sync",
// "serve", "notify", "web", "metrics"), a message and key=value fields:
//
//   text     2026-11-30T06:40:01.123Z INFO sync: online hub=tcp://127.0.0.1:7700 waiting=0
//   journal  <6>2026-11-30T06:40:01.123Z INFO sync: online ...   (JOURNAL_STREAM set:
//            journald takes the <N> syslog priority as the line's level)
//   json {"time":"...","level":"info","component":"sync","msg":"online","hub":"...","waiting":0}
//
// One LogSink per process, made in the command's Run (no global): it owns the
// stream's lock, so lines from several threads (the metrics server's, the web
// console's) never interleave. Loggers are cheap views of a sink with a
// component name. LogSink and Logger are thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "sync/clock.h"
#include "sync/mutex.h"
#include "sync/status.h"

namespace outpost {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kText, kJson, kJournal };

// The format a daemon logs in: `flag` (--log-format) if given, else
// OUTPOST_LOG_FORMAT, else text; "text" becomes journal when JOURNAL_STREAM is
// set (systemd connected stderr to journald). Anything else is refused naming
// the value.
Result<LogFormat> ResolveLogFormat(std::string_view flag);

// One key=value of a line; numbers stay numbers in JSON.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), text(v) {}
  LogField(std::string_view k, const char* v) : key(k), text(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), text(v) {}
  LogField(std::string_view k, int64_t v) : key(k), number(v), is_number(true) {}
  LogField(std::string_view k, int v) : key(k), number(v), is_number(true) {}
  std::string key;
  std::string text;
  int64_t number = 0;
  bool is_number = false;
};

// One line (with its newline) as `format` writes it. Pure: the tests' oracle.
std::string FormatLogLine(LogFormat format, int64_t now_ms, LogLevel level,
                          std::string_view component, std::string_view message,
                          std::span<const LogField> fields);

class LogSink {
 public:
  // `out` outlives the sink. Lines below `min_level` are dropped.
  LogSink(std::ostream& out, const Clock& clock, LogFormat format,
          LogLevel min_level = LogLevel::kInfo)
      : out_(out), clock_(clock), format_(format), min_level_(min_level) {}
  void Write(LogLevel level, std::string_view component, std::string_view message,
             std::span<const LogField> fields) EXCLUDES(mu_);
  LogFormat format() const { return format_; }

 private:
  Mutex mu_;
  std::ostream& out_ GUARDED_BY(mu_);
  const Clock& clock_;
  const LogFormat format_;
  const LogLevel min_level_;
};

class Logger {
 public:
  Logger(LogSink& sink, std::string component) : sink_(sink), component_(std::move(component)) {}
  void Debug(std::string_view message, std::initializer_list<LogField> fields = {}) const {
    sink_.Write(LogLevel::kDebug, component_, message, fields);
  }
  void Info(std::string_view message, std::initializer_list<LogField> fields = {}) const {
    sink_.Write(LogLevel::kInfo, component_, message, fields);
  }
  void Warn(std::string_view message, std::initializer_list<LogField> fields = {}) const {
    sink_.Write(LogLevel::kWarn, component_, message, fields);
  }
  void Error(std::string_view message, std::initializer_list<LogField> fields = {}) const {
    sink_.Write(LogLevel::kError, component_, message, fields);
  }
  LogSink& sink() const { return sink_; }

 private:
  LogSink& sink_;
  std::string component_;
};

}  // namespace outpost
