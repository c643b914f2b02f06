#include "sync/log.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

namespace outpost {
namespace {

constexpr int64_t kAt = 1'796'020'801'123;  // 2026-11-30T06:40:01.123Z

TEST(LogTest, TextLineHasTimeLevelComponentMessageAndFields) {
  const std::vector<LogField> fields = {{"hub", "tcp://127.0.0.1:7700"}, {"waiting", 0}};
  EXPECT_EQ(FormatLogLine(LogFormat::kText, kAt, LogLevel::kInfo, "sync", "online", fields),
            "2026-11-30T06:40:01.123Z INFO sync: online hub=tcp://127.0.0.1:7700 waiting=0\n");
}

TEST(LogTest, TextValuesWithSpacesAreQuotedAndMessagesStayOnOneLine) {
  const std::vector<LogField> fields = {{"reason", "connection refused"}, {"empty", ""}};
  EXPECT_EQ(FormatLogLine(LogFormat::kText, kAt, LogLevel::kWarn, "sync", "off\nline", fields),
            "2026-11-30T06:40:01.123Z WARN sync: off line reason=\"connection refused\""
            " empty=\"\"\n");
}

TEST(LogTest, JournalLinesCarryTheSyslogPriority) {
  EXPECT_EQ(FormatLogLine(LogFormat::kJournal, kAt, LogLevel::kError, "serve", "x", {}),
            "<3>2026-11-30T06:40:01.123Z ERROR serve: x\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kJournal, kAt, LogLevel::kInfo, "serve", "x", {}).substr(0, 3),
            "<6>");
  EXPECT_EQ(FormatLogLine(LogFormat::kJournal, kAt, LogLevel::kWarn, "serve", "x", {}).substr(0, 3),
            "<4>");
}

TEST(LogTest, JsonLineParsesWithEveryField) {
  const std::vector<LogField> fields = {{"store", "S1"}, {"changes", 12}, {"why", "a \"b\""}};
  const std::string line =
      FormatLogLine(LogFormat::kJson, kAt, LogLevel::kInfo, "serve", "batch applied", fields);
  ASSERT_EQ(line.back(), '\n');
  const auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["time"], "2026-11-30T06:40:01.123Z");
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["component"], "serve");
  EXPECT_EQ(parsed["msg"], "batch applied");
  EXPECT_EQ(parsed["store"], "S1");
  EXPECT_EQ(parsed["changes"], 12);
  EXPECT_EQ(parsed["why"], "a \"b\"");
}

TEST(LogTest, FormatFromFlagThenEnvironmentAndUnknownRefused) {
  unsetenv("JOURNAL_STREAM");
  unsetenv("OUTPOST_LOG_FORMAT");
  EXPECT_EQ(ResolveLogFormat("").value(), LogFormat::kText);
  EXPECT_EQ(ResolveLogFormat("json").value(), LogFormat::kJson);
  setenv("OUTPOST_LOG_FORMAT", "json", 1);
  EXPECT_EQ(ResolveLogFormat("").value(), LogFormat::kJson);
  EXPECT_EQ(ResolveLogFormat("text").value(), LogFormat::kText);
  setenv("JOURNAL_STREAM", "8:12345", 1);
  EXPECT_EQ(ResolveLogFormat("text").value(), LogFormat::kJournal);
  auto bad = ResolveLogFormat("xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "--log-format: 'xml' is not a log format (text or json; env OUTPOST_LOG_FORMAT)");
  unsetenv("JOURNAL_STREAM");
  unsetenv("OUTPOST_LOG_FORMAT");
}

TEST(LogTest, SinkDropsLinesBelowItsLevel) {
  std::ostringstream out;
  FixedClock clock(kAt);
  LogSink sink(out, clock, LogFormat::kText);
  Logger log(sink, "notify");
  log.Debug("hidden");
  log.Info("sent", {{"messages", 2}});
  EXPECT_EQ(out.str(), "2026-11-30T06:40:01.123Z INFO notify: sent messages=2\n");
}

}  // namespace
}  // namespace outpost
