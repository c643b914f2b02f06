#include "sync/outreach/holidays.h"

#include <gtest/gtest.h>

namespace outpost::outreach {
namespace {

LocalDate D(const char* text) { return LocalDate::Parse(text).value(); }

TEST(HolidayCalendarTest, ShipsChinas2026ScheduleAsTheStateCouncilAnnouncedIt) {
  const HolidayCalendar& cn = DefaultHolidayCalendar();
  EXPECT_EQ(cn.HolidayOn(D("2026-10-01")), "国庆节");
  EXPECT_EQ(cn.HolidayOn(D("2026-10-07")), "国庆节");
  EXPECT_EQ(cn.HolidayOn(D("2026-02-15")), "春节");
  EXPECT_EQ(cn.HolidayOn(D("2026-02-23")), "春节");
  EXPECT_EQ(cn.HolidayOn(D("2026-05-05")), "劳动节");
  EXPECT_EQ(cn.HolidayOn(D("2026-10-08")), std::nullopt);
  int in_2026 = 0;
  for (const auto& [date, name] : cn.holidays) in_2026 += date.year == 2026 ? 1 : 0;
  EXPECT_EQ(in_2026, 3 + 9 + 3 + 5 + 3 + 3 + 7);
  for (const char* workday :
       {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}) {
    EXPECT_EQ(cn.workdays.count(D(workday)), 1U) << workday;
  }
}

TEST(HolidayCalendarTest, Marks2027ProvisionalUntilTheNoticeIsPublished) {
  const HolidayCalendar& cn = DefaultHolidayCalendar();
  ASSERT_EQ(cn.notes.count("2027"), 1U);
  EXPECT_EQ(cn.notes.at("2027").rfind("provisional: replace when the State Council notice", 0), 0U);
  EXPECT_EQ(cn.notes.at("2026").rfind("official", 0), 0U);
  EXPECT_EQ(cn.HolidayOn(D("2027-02-05")), "春节");  // 除夕
  EXPECT_EQ(cn.HolidayOn(D("2027-10-01")), "国庆节");
  EXPECT_EQ(cn.HolidayOn(D("2027-09-15")), "中秋节");
}

TEST(HolidayCalendarTest, NearMeansTheHolidayOrTheDayBeforeOrAfter) {
  const HolidayCalendar& cn = DefaultHolidayCalendar();
  EXPECT_TRUE(cn.NearHoliday(D("2026-09-30")));   // the eve of 国庆节
  EXPECT_TRUE(cn.NearHoliday(D("2026-10-04")));   // inside it
  EXPECT_TRUE(cn.NearHoliday(D("2026-10-08")));   // the day after
  EXPECT_FALSE(cn.NearHoliday(D("2026-10-09")));  // an ordinary Friday
  EXPECT_FALSE(cn.NearHoliday(D("2026-09-29")));
  EXPECT_FALSE(cn.NearHoliday(D("2026-10-10")));  // a make-up working day
  auto near = cn.HolidayNear(D("2026-09-30"));
  ASSERT_TRUE(near.has_value());
  EXPECT_EQ(near->first, D("2026-10-01"));
  EXPECT_EQ(near->second, "国庆节");
}

TEST(HolidayCalendarTest, TravelsAsJsonUnchanged) {
  const HolidayCalendar& cn = DefaultHolidayCalendar();
  auto back = ParseHolidayCalendar(HolidayCalendarJson(cn));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(HolidayCalendarJson(*back), HolidayCalendarJson(cn));
  EXPECT_EQ(back->notes, cn.notes);
}

TEST(HolidayCalendarTest, ABadDateIsRefusedNamingItsPositionAndValue) {
  nlohmann::json file = {{"holidays",
                          {{{"date", "2026-10-01"}, {"name", "国庆节"}},
                           {{"date", "2026-13-01"}, {"name", "国庆节"}}}},
                         {"workdays", {"2026-09-20"}}};
  auto bad = ParseHolidayCalendar(file);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(bad.status().field(), "holidays[1].date");
  EXPECT_EQ(bad.status().message(),
            "holiday calendar: holidays[1].date: '2026-13-01' is not a date (YYYY-MM-DD)");

  file["holidays"][1]["date"] = "2026-10-02";
  file["workdays"] = {"2026-09-20", "2026/10/10"};
  bad = ParseHolidayCalendar(file);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "workdays[1]");
  EXPECT_NE(bad.status().message().find("'2026/10/10'"), std::string::npos);
}

TEST(HolidayCalendarTest, ADayCannotBeBothAHolidayAndAWorkday) {
  nlohmann::json file = {{"holidays", {{{"date", "2026-10-01"}, {"name", "国庆节"}}}},
                         {"workdays", {"2026-10-01"}}};
  auto bad = ParseHolidayCalendar(file);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "workdays[0]");
  EXPECT_NE(bad.status().message().find("also listed as a holiday"), std::string::npos);
}

TEST(HolidayCalendarTest, AMissingNameOrListOrBrokenFileIsNamed) {
  auto no_name = ParseHolidayCalendar({{"holidays", {{{"date", "2026-10-01"}}}}});
  ASSERT_FALSE(no_name.ok());
  EXPECT_EQ(no_name.status().field(), "holidays[0].name");

  auto no_list = ParseHolidayCalendar(nlohmann::json::object());
  ASSERT_FALSE(no_list.ok());
  EXPECT_EQ(no_list.status().field(), "holidays");

  auto broken = ParseHolidayCalendarText("{\"holidays\": [");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().message(), "holiday calendar: not valid JSON");
}

}  // namespace
}  // namespace outpost::outreach
