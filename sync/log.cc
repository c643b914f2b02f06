#include "sync/log.h"

#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "sync/i18n/messages.h"

namespace outpost {
namespace {

const char* LevelWord(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "INFO";
}

// syslog priorities (sd-daemon.h): debug 7, info 6, warning 4, err 3.
const char* JournalPrefix(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "<7>";
    case LogLevel::kInfo:
      return "<6>";
    case LogLevel::kWarn:
      return "<4>";
    case LogLevel::kError:
      return "<3>";
  }
  return "<6>";
}

// A value as written in a text line: bare when it is one plain word, else
// quoted with JSON escapes, so a line always splits back into its fields.
std::string TextValue(std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      plain = false;
    }
  }
  if (plain) return std::string(value);
  return nlohmann::json(std::string(value))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A message stays on its line: control characters become spaces.
std::string OneLine(std::string_view message) {
  std::string line(message);
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return line;
}

}  // namespace

Result<LogFormat> ResolveLogFormat(std::string_view flag) {
  std::string chosen(flag);
  if (chosen.empty()) {
    const char* env = std::getenv("OUTPOST_LOG_FORMAT");
    chosen = env ? env : "";
  }
  if (chosen.empty() || chosen == "text") {
    const char* journal = std::getenv("JOURNAL_STREAM");
    return journal && *journal ? LogFormat::kJournal : LogFormat::kText;
  }
  if (chosen == "json") return LogFormat::kJson;
  return Status::InvalidInput("--log-format: '" + chosen +
                              "' is not a log format (text or json; env OUTPOST_LOG_FORMAT)")
      .WithShown(i18n::Format(
          "--log-format: '{0}' is not a log format (text or json; env OUTPOST_LOG_FORMAT)",
          {chosen}));
}

std::string FormatLogLine(LogFormat format, int64_t now_ms, LogLevel level,
                          std::string_view component, std::string_view message,
                          std::span<const LogField> fields) {
  if (format == LogFormat::kJson) {
    std::string level_word = LevelWord(level);
    for (char& c : level_word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    nlohmann::ordered_json line = {{"time", FormatUtcMs(now_ms)},
                                   {"level", level_word},
                                   {"component", std::string(component)},
                                   {"msg", std::string(message)}};
    for (const LogField& field : fields) {
      if (field.is_number) {
        line[field.key] = field.number;
      } else {
        line[field.key] = field.text;
      }
    }
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  std::string line = format == LogFormat::kJournal ? JournalPrefix(level) : "";
  line += FormatUtcMs(now_ms);
  line += ' ';
  line += LevelWord(level);
  line += ' ';
  line += component;
  line += ": ";
  line += OneLine(message);
  for (const LogField& field : fields) {
    line += ' ';
    line += field.key;
    line += '=';
    line += field.is_number ? std::to_string(field.number) : TextValue(field.text);
  }
  return line + "\n";
}

void LogSink::Write(LogLevel level, std::string_view component, std::string_view message,
                    std::span<const LogField> fields) {
  if (level < min_level_) return;
  const std::string line =
      FormatLogLine(format_, clock_.NowMs(), level, component, message, fields);
  MutexLock lock(&mu_);
  out_ << line << std::flush;
}

}  // namespace outpost
