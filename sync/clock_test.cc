#include "sync/clock.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "sync/civil_time.h"

namespace outpost {
namespace {

TEST(ClockTest, FormatsAndParsesUtc) {
  EXPECT_EQ(FormatUtcMs(0), "1970-01-01T00:00:00.000Z");
  const int64_t t = 1795446145123;  // 2026-11-23T15:02:25.123Z
  EXPECT_EQ(FormatUtcMs(t), "2026-11-23T15:02:25.123Z");
  EXPECT_EQ(ParseUtcMs("2026-11-23T15:02:25.123Z").value(), t);
  EXPECT_EQ(ParseUtcMs("2026-11-23T23:02:25.123+08:00").value(), t);
  EXPECT_EQ(ParseUtcMs("2026-11-23T15:02:25Z").value(), t - 123);
}

TEST(ClockTest, RefusesMalformedTimestamps) {
  EXPECT_FALSE(ParseUtcMs("2026-11-23 15:02:25Z").ok());
  EXPECT_FALSE(ParseUtcMs("2026-11-23T15:02:25").ok());
  EXPECT_FALSE(ParseUtcMs("2026-02-30T15:02:25Z").ok());
  EXPECT_FALSE(ParseUtcMs("2026-11-23T25:00:00Z").ok());
  EXPECT_FALSE(ParseUtcMs("2026-11-23T15:02:25Zjunk").ok());
}

TEST(CivilTimeTest, DatesAreStrictAndRealCalendarDays) {
  EXPECT_TRUE(LocalDate::Parse("2028-02-29").ok());
  EXPECT_FALSE(LocalDate::Parse("2026-02-29").ok());
  EXPECT_FALSE(LocalDate::Parse("2026-13-01").ok());
  EXPECT_FALSE(LocalDate::Parse("2026/11/24").ok());
  EXPECT_FALSE(LocalDate::Parse("26-11-24").ok());
  auto d = LocalDate::Parse("2026-11-24").value();
  EXPECT_EQ(d.IsoWeekday(), 2);  // Tuesday
  EXPECT_EQ(d.AddDays(7).ToString(), "2026-12-01");
  EXPECT_EQ(LocalDate::FromDays(d.ToDays()), d);
  EXPECT_FALSE(LocalTime::Parse("24:00").ok());
  EXPECT_FALSE(LocalTime::Parse("9:30").ok());
  EXPECT_EQ(LocalTime::Parse("08:30").value().MinutesOfDay(), 510);
}

TEST(CivilTimeTest, ConvertsStoreLocalTimeThroughTheZone) {
  auto shanghai = TimeZone::Load("Asia/Shanghai").value();
  auto date = LocalDate::Parse("2026-11-24").value();
  int64_t utc = shanghai.LocalToUtcMs(date, {10, 0});
  EXPECT_EQ(FormatUtcMs(utc), "2026-11-24T02:00:00.000Z");
  auto back = shanghai.UtcToLocal(utc);
  EXPECT_EQ(back.date, date);
  EXPECT_EQ(back.time, (LocalTime{10, 0}));

  // A zone with summer time: Berlin is UTC+2 in July, UTC+1 in November.
  auto berlin = TimeZone::Load("Europe/Berlin").value();
  EXPECT_EQ(FormatUtcMs(berlin.LocalToUtcMs(LocalDate::Parse("2026-07-01").value(), {10, 0})),
            "2026-07-01T08:00:00.000Z");
  EXPECT_EQ(FormatUtcMs(berlin.LocalToUtcMs(date, {10, 0})), "2026-11-24T09:00:00.000Z");
}

TEST(CivilTimeTest, RefusesUnknownZone) {
  auto tz = TimeZone::Load("Mars/Olympus");
  ASSERT_FALSE(tz.ok());
  EXPECT_EQ(tz.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(tz.status().message().find("Mars/Olympus"), std::string::npos);
}

// The environment a program's clock comes from (OUTPOST_NOW, OUTPOST_NOW_AT).
class ClockFromEnvironmentTest : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv("OUTPOST_NOW");
    unsetenv("OUTPOST_NOW_AT");
  }
};

TEST_F(ClockFromEnvironmentTest, PinnedStandsStillAndAnchoredTicksFromTheInstant) {
  setenv("OUTPOST_NOW", "2026-11-23T01:00:00Z", 1);
  auto fixed = ClockFromEnvironment().value();
  EXPECT_EQ(FormatUtcMs(fixed->NowMs()), "2026-11-23T01:00:00.000Z");
  // Anchored a minute ago on the system clock: the clock has run that minute.
  const int64_t minute_ago = SystemClock().NowMs() - 60'000;
  setenv("OUTPOST_NOW_AT", std::to_string(minute_ago).c_str(), 1);
  auto ticking = ClockFromEnvironment().value();
  const int64_t ran = ticking->NowMs() - ParseUtcMs("2026-11-23T01:00:00Z").value();
  EXPECT_GE(ran, 60'000);
  EXPECT_LT(ran, 70'000);
}

TEST_F(ClockFromEnvironmentTest, AnUnreadableValueIsRefusedNamingTheVariable) {
  setenv("OUTPOST_NOW", "monday", 1);
  auto bad = ClockFromEnvironment();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("OUTPOST_NOW: timestamp 'monday'"), std::string::npos)
      << bad.status().message();
  setenv("OUTPOST_NOW", "2026-11-23T01:00:00Z", 1);
  setenv("OUTPOST_NOW_AT", "12abc", 1);
  auto bad_at = ClockFromEnvironment();
  ASSERT_FALSE(bad_at.ok());
  EXPECT_NE(bad_at.status().message().find("OUTPOST_NOW_AT: '12abc'"), std::string::npos)
      << bad_at.status().message();
}

TEST_F(ClockFromEnvironmentTest, UnsetIsTheSystemClock) {
  auto clock = ClockFromEnvironment().value();
  EXPECT_LE(std::abs(clock->NowMs() - SystemClock().NowMs()), 1000);
}

}  // namespace
}  // namespace outpost
