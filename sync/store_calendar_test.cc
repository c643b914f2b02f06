#include "sync/store_calendar.h"

#include <gtest/gtest.h>

#include "sync/clock.h"
#include "sync/i18n/messages.h"

namespace outpost {
namespace {

class StoreCalendarTest : public ::testing::Test {
 protected:
  StoreCalendarTest() {
    settings_.store_id = "S1";
    settings_.name = "One";
    settings_.open_days = "123456";  // closed on Sundays
  }
  Result<int> Check(const std::string& date, const std::string& time, int64_t now_ms,
                    const std::optional<std::string>& closed = std::nullopt) {
    return CheckBookable(settings_, zone_, closed, LocalDate::Parse(date).value(),
                         LocalTime::Parse(time).value(), Channel::kCallCentre, now_ms);
  }
  StoreSettings settings_;
  TimeZone zone_ = TimeZone::Load("Asia/Shanghai").value();
  int64_t monday_nine_ = ParseUtcMs("2026-11-23T01:00:00Z").value();  // 09:00 in Shanghai
};

TEST_F(StoreCalendarTest, TravelsThroughTheLogUnchanged) {
  StoreCalendar calendar{settings_, {{"2026-12-01", "stocktaking"}}};
  calendar.settings.slots = {{"09:00", 3}, {"13:30", 1}};
  auto back = ParseStoreCalendar(StoreCalendarFields(calendar));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(StoreCalendarFields(back.value()), StoreCalendarFields(calendar));
  EXPECT_EQ(back->closed.at("2026-12-01"), "stocktaking");
  EXPECT_EQ(back->settings.slots[0].capacity, 3);
}

TEST_F(StoreCalendarTest, ABadFieldIsNamed) {
  nlohmann::json fields = StoreCalendarFields({settings_, {}});
  fields["slots"][0]["time"] = "25:00";
  auto bad = ParseStoreCalendar(fields);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "store settings: slots: '25:00' is not HH:MM");
  fields = StoreCalendarFields({settings_, {}});
  fields["discount_percent"] = 101;
  EXPECT_EQ(ParseStoreCalendar(fields).status().message(),
            "store settings: discount_percent: 101 is outside 0..100");
}

TEST_F(StoreCalendarTest, ChecksGridPastOpenDaysClosedDatesAndNotice) {
  EXPECT_EQ(Check("2026-11-24", "10:00", monday_nine_).value(), 2);
  EXPECT_EQ(Check("2026-11-24", "12:30", monday_nine_).status().message(),
            "slot: '12:30' is not in the grid (08:30, 10:00, 11:00, 14:00, 15:00, 16:00)");
  EXPECT_EQ(Check("2026-11-22", "10:00", monday_nine_).status().message(),
            "date: '2026-11-22' is in the past (today is 2026-11-23)");
  EXPECT_EQ(Check("2026-11-29", "10:00", monday_nine_).status().message(),
            "store is closed on Sundays (2026-11-29)");
  EXPECT_EQ(Check("2026-12-01", "10:00", monday_nine_, "stocktaking").status().message(),
            "store is closed on 2026-12-01: stocktaking");
  EXPECT_EQ(Check("2026-11-23", "08:30", monday_nine_).status().message(),
            "slot 2026-11-23 08:30 has already started");
}

// Each refusal names the field it is about, for a paper form to point at its column.
TEST_F(StoreCalendarTest, RefusalsNameTheirField) {
  EXPECT_EQ(Check("2026-11-24", "12:30", monday_nine_).status().field(), "slot");
  EXPECT_EQ(Check("2026-11-22", "10:00", monday_nine_).status().field(), "date");
  EXPECT_EQ(Check("2026-11-29", "10:00", monday_nine_).status().field(), "date");
  EXPECT_EQ(Check("2026-12-01", "10:00", monday_nine_, "stocktaking").status().field(), "date");
  EXPECT_EQ(Check("2026-11-23", "08:30", monday_nine_).status().field(), "slot");
  EXPECT_EQ(ParseDeskDate("2026-11-31", LocalDate::Parse("2026-11-30").value()).status().field(),
            "date");
}

TEST_F(StoreCalendarTest, RelativeDatesCountFromTheStoresToday) {
  const LocalDate today = LocalDate::Parse("2026-11-30").value();
  EXPECT_EQ(ParseDeskDate("tomorrow", today).value().ToString(), "2026-12-01");
  EXPECT_EQ(ParseDeskDate("+3", today).value().ToString(), "2026-12-03");
  EXPECT_EQ(ParseDeskDate("2026-11-31", today).status().message(),
            "date: '2026-11-31' is not a date (YYYY-MM-DD, today, tomorrow or +N)");
}

// Under a Chinese locale staff read the refusal in Chinese (shown()); the
// message a store records or sends to head office stays English.
TEST_F(StoreCalendarTest, RefusalsReadInChineseWhileTheRecordedMessageStaysEnglish) {
  i18n::SetLanguage(i18n::Language::kChineseSimplified);
  const Status past = Check("2026-11-22", "10:00", monday_nine_).status();
  const Status sunday = Check("2026-11-29", "10:00", monday_nine_).status();
  const Status started = Check("2026-11-23", "08:30", monday_nine_).status();
  const Status closed = Check("2026-12-01", "10:00", monday_nine_, "盘点").status();
  const Status not_a_date =
      ParseDeskDate("2026-11-31", LocalDate::Parse("2026-11-30").value()).status();
  i18n::SetLanguage(i18n::Language::kEnglish);
  EXPECT_EQ(past.shown(), "date：'2026-11-22' 已经过去（今天是 2026-11-23）");
  EXPECT_EQ(past.message(), "date: '2026-11-22' is in the past (today is 2026-11-23)");
  EXPECT_EQ(sunday.shown(), "门店每周日不营业（2026-11-29）");
  EXPECT_EQ(started.shown(), "时段 2026-11-23 08:30 已经开始");
  EXPECT_EQ(started.message(), "slot 2026-11-23 08:30 has already started");
  EXPECT_EQ(closed.shown(), "门店 2026-12-01 不营业：盘点");
  EXPECT_EQ(not_a_date.shown(),
            "date：'2026-11-31' 不是日期（可写 YYYY-MM-DD、today、tomorrow 或 +N）");
  i18n::SetLanguage(i18n::Language::kChineseSimplified);
  EXPECT_EQ(started.ShownString(), "拒绝：时段 2026-11-23 08:30 已经开始");
  i18n::SetLanguage(i18n::Language::kEnglish);
  EXPECT_EQ(started.ShownString(), "refused: 时段 2026-11-23 08:30 已经开始");
  // Made in English, a status reads the same for everyone.
  EXPECT_EQ(Check("2026-11-23", "08:30", monday_nine_).status().ShownString(),
            "refused: slot 2026-11-23 08:30 has already started");
}

}  // namespace
}  // namespace outpost
