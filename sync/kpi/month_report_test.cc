#include "sync/kpi/month_report.h"

#include <gtest/gtest.h>

namespace outpost::kpi {
namespace {

constexpr int64_t kHour = 60LL * 60 * 1000;
// 2026-11-20T02:00:00Z (10:00 in Shanghai), the slot of the two cancellations.
constexpr int64_t kSlot20 = 1'795'140'000'000LL;

BookingFact B(std::string channel, std::string made, std::string slot, std::string status,
              bool arrived = false) {
  BookingFact b;
  b.channel = std::move(channel);
  b.made_on = std::move(made);
  b.slot_date = std::move(slot);
  b.status = std::move(status);
  b.arrived = arrived;
  return b;
}

CallFact C(std::string on, std::string result, std::optional<bool> satisfied = std::nullopt,
           std::vector<std::string> items = {}) {
  return CallFact{std::move(on), "after_service", std::move(result), satisfied, std::move(items)};
}

// The worked example of docs/KPI.md, November 2026.
MonthFacts November() {
  MonthFacts f;
  f.month = "2026-11";
  f.bookings.push_back(B("phone", "2026-11-02", "2026-11-10", "completed", true));
  f.bookings.push_back(B("wechat", "2026-11-03", "2026-11-10", "completed", true));
  f.bookings.push_back(B("walk-in", "2026-11-10", "2026-11-10", "checked-in", true));
  f.bookings.push_back(B("phone", "2026-11-04", "2026-11-12", "no-show"));
  BookingFact early = B("online", "2026-11-05", "2026-11-20", "cancelled");
  early.slot_start_ms = kSlot20;
  early.cancelled_at_ms = kSlot20 - 48 * kHour;
  f.bookings.push_back(early);
  BookingFact late = B("phone", "2026-11-06", "2026-11-20", "cancelled");
  late.slot_start_ms = kSlot20;
  late.cancelled_at_ms = kSlot20 - 2 * kHour;
  f.bookings.push_back(late);
  f.bookings.push_back(B("wechat", "2026-11-07", "2026-11-21", "rescheduled"));
  BookingFact moved = B("wechat", "2026-11-08", "2026-11-24", "completed", true);
  moved.moved_here = true;
  f.bookings.push_back(moved);
  f.bookings.push_back(B("wechat", "2026-10-25", "2026-11-03", "completed", true));
  f.bookings.push_back(B("phone", "2026-11-25", "2026-12-02", "requested"));

  f.contacts = {{"2026-11-05", "booked"},      {"2026-11-06", "booked"}, {"2026-11-07", "declined"},
                {"2026-11-08", "unreachable"}, {"2026-11-09", ""},       {"2026-10-30", "booked"}};

  f.calls = {C("2026-11-11", "reached", true),
             C("2026-11-11", "reached", false, {"price", "waiting_time"}),
             C("2026-11-12", "no_answer"),
             C("2026-11-13", "reached", false, {"price"}),
             C("2026-11-13", "wrong_number"),
             C("2026-11-14", "empty_number"),
             C("2026-11-14", "busy"),
             C("2026-11-15", "reached"),
             C("2026-11-16", "refused"),
             C("2026-10-30", "reached", true)};
  CallFact complaint_call = C("2026-11-14", "reached", true);
  complaint_call.kind = "complaint";  // the complaint loop's: counts in no call figure
  f.calls.push_back(complaint_call);

  f.complaints = {{"2026-11-11", "2026-11-14", "2026-11-18"},
                  {"2026-11-13", std::nullopt, "2026-11-20"},
                  {"2026-11-28", std::nullopt, "2026-12-05"},
                  {"2026-10-25", "2026-11-02", "2026-11-01"}};
  return f;
}

TEST(MonthReport, EveryFigureOfTheWorkedExample) {
  auto report = ComputeMonthReport(November());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const MonthReport& r = *report;
  EXPECT_EQ(r.made, 8);
  EXPECT_EQ(r.made_by_channel, (std::map<std::string, int64_t>{
                                   {"online", 1}, {"phone", 4}, {"walk-in", 1}, {"wechat", 2}}));
  EXPECT_EQ(r.rescheduled, (Ratio{1, 9}));
  EXPECT_EQ(r.cancelled, (Ratio{2, 8}));
  EXPECT_EQ(r.cancelled_early, (Ratio{1, 2}));
  EXPECT_EQ(r.arrival, (Ratio{5, 6}));
  EXPECT_EQ(r.completed, (Ratio{4, 6}));
  EXPECT_EQ(r.no_show, (Ratio{1, 6}));
  EXPECT_EQ(r.success, (Ratio{2, 5}));
  EXPECT_EQ(r.connect, (Ratio{4, 9}));
  EXPECT_EQ(r.accuracy, (Ratio{5, 7}));
  EXPECT_EQ(r.satisfaction, (Ratio{1, 3}));
  EXPECT_EQ(r.dissatisfied_by_item.at("price"), (Ratio{2, 2}));
  EXPECT_EQ(r.dissatisfied_by_item.at("waiting_time"), (Ratio{1, 2}));
  for (const char* item : {"attitude", "repair_quality", "parts", "other"}) {
    EXPECT_EQ(r.dissatisfied_by_item.at(item), (Ratio{0, 2})) << item;
  }
  EXPECT_EQ(r.complaints_opened, 3);
  EXPECT_EQ(r.complaints_closed, 2);
  EXPECT_EQ(r.complaints_overdue, 1);
  EXPECT_EQ(r.close_days, (Ratio{11, 2}));
}

TEST(MonthReport, ExactlyTwentyFourHoursAheadIsEarly) {
  MonthFacts f;
  f.month = "2026-11";
  BookingFact b = B("phone", "2026-11-01", "2026-11-20", "cancelled");
  b.slot_start_ms = kSlot20;
  b.cancelled_at_ms = kSlot20 - 24 * kHour;
  f.bookings.push_back(b);
  b.cancelled_at_ms = kSlot20 - 24 * kHour + 1;
  f.bookings.push_back(b);
  auto r = ComputeMonthReport(f);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->cancelled_early, (Ratio{1, 2}));
}

TEST(MonthReport, AnEmptyMonthIsZeroOverZeroAndPrintsADash) {
  MonthFacts f;
  f.month = "2026-02";
  auto r = ComputeMonthReport(f);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->arrival, (Ratio{0, 0}));
  EXPECT_EQ(PercentText(r->arrival), "—");
  EXPECT_TRUE(MonthReportJson(*r)["arrival"]["percent"].is_null());
  EXPECT_NE(MonthReportText(*r, "S1").find("到店率 arrival rate: 0/0  —"), std::string::npos);
  EXPECT_NE(MonthReportCsv(*r).find("\narrival,0,0,\n"), std::string::npos);
}

TEST(MonthReport, TheMonthsLastDayDecidesOverdue) {
  MonthFacts f;
  f.month = "2026-02";  // 28 days
  f.complaints = {{"2026-02-20", std::nullopt, "2026-02-28"},
                  {"2026-02-20", std::nullopt, "2026-03-01"},
                  {"2026-02-20", "2026-03-02", "2026-02-25"}};
  auto r = ComputeMonthReport(f);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->complaints_opened, 3);
  EXPECT_EQ(r->complaints_closed, 0);
  EXPECT_EQ(r->complaints_overdue, 2);
}

TEST(MonthReport, PrintsFractionsAndPercentages) {
  auto r = ComputeMonthReport(November());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(PercentText(Ratio{5, 6}), "83.3%");
  std::string text = MonthReportText(*r, "SH-PUDONG");
  EXPECT_NE(text.find("到店率 arrival rate: 5/6  83.3%"), std::string::npos) << text;
  EXPECT_NE(text.find("价格 price: 2/2  100.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("逾期 overdue 1"), std::string::npos) << text;
  nlohmann::json j = MonthReportJson(*r);
  EXPECT_EQ(j["connect"]["num"], 4);
  EXPECT_EQ(j["connect"]["den"], 9);
  EXPECT_EQ(j["made_by_channel"]["phone"], 4);
  std::string csv = MonthReportCsv(*r);
  EXPECT_NE(csv.find("accuracy,5,7,71.4\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("channel:phone,4,8,50.0\n"), std::string::npos) << csv;
  EXPECT_EQ(csv.rfind("figure,numerator,denominator,percent\nmade,8,,\n", 0), 0u) << csv;
  EXPECT_NE(csv.find("\ncomplaints_overdue,1,,\ncomplaint_close_days,11,2,550.0\n"),
            std::string::npos)
      << csv;
}

TEST(MonthReport, RefusesAMonthThatIsNone) {
  for (const char* month : {"2026-13", "2026-1", "nov", "2026-11-01"}) {
    MonthFacts f;
    f.month = month;
    auto r = ComputeMonthReport(f);
    ASSERT_FALSE(r.ok()) << month;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
    EXPECT_EQ(r.status().field(), "month");
  }
}

}  // namespace
}  // namespace outpost::kpi
