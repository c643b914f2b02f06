// The store's month-end statistics at the desk (docs/KPI.md): the real
// outpost-edge binary on a temporary store, its clock pinned (OUTPOST_NOW),
// `report month` in text, JSON and CSV, figures counted by hand.
#include <gtest/gtest.h>

#include "tests/desk_harness.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

TEST(DeskReportTest, AMonthsFiguresInTextJsonAndCsvFromTheStoresOwnData) {
  DeskHarness desk;  // Monday 2026-11-23, 09:00 Shanghai
  ProcessResult init = desk.Desk({"init", "--store-id", "SH-PUDONG", "--name", "浦东服务中心",
                                  "--slots", "10:00,15:00", "--capacity", "2"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto book = [&desk](const char* phone, const char* date, const char* slot, const char* channel) {
    json b = desk.Json({"book", "--phone", phone, "--name", "王伟", "--date", date, "--slot", slot,
                        "--channel", channel});
    EXPECT_FALSE(b.contains("error")) << b.dump();
    return b["ref"].get<std::string>();
  };
  const std::string a = book("13800138001", "today", "10:00", "phone");
  const std::string b = book("13800138002", "today", "15:00", "wechat");
  const std::string c = book("13800138003", "2026-11-25", "10:00", "phone");
  desk.SetNow("2026-11-23T02:05:00Z");  // 10:05: a served
  for (const char* step : {"check-in", "start", "complete"}) {
    ProcessResult r = desk.Desk({step, a});
    ASSERT_EQ(r.exit_code, 0) << step << ": " << r.err;
  }
  desk.SetNow("2026-11-23T02:30:00Z");  // 10:30: b 4.5 h ahead (late), c 47.5 h (early)
  for (const std::string& ref : {b, c}) {
    ProcessResult r = desk.Desk({"cancel", ref, "--reason", "plans changed"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  desk.SetNow("2026-11-24T02:30:00Z");  // Tuesday: a's follow-up, dissatisfied with the price
  json tasks = desk.Json({"tasks", "--all"});
  ASSERT_EQ(tasks.size(), 1u) << tasks.dump();
  ProcessResult call = desk.Desk({"tasks", "attempt", tasks[0]["short_id"].get<std::string>(),
                                  "--result", "reached", "--satisfied", "no", "--items", "price"});
  ASSERT_EQ(call.exit_code, 0) << call.err;

  desk.SetNow("2026-12-01T01:00:00Z");
  json j = desk.Json({"report", "month", "2026-11"});
  EXPECT_EQ(j["store_id"], "SH-PUDONG");
  EXPECT_EQ(j["made"], 3);
  EXPECT_EQ(j["made_by_channel"], (json{{"phone", 2}, {"wechat", 1}}));
  auto ratio = [&j](const char* key) {
    return std::make_pair(j[key]["num"].get<int64_t>(), j[key]["den"].get<int64_t>());
  };
  EXPECT_EQ(ratio("rescheduled"), std::make_pair(int64_t{0}, int64_t{3}));
  EXPECT_EQ(ratio("cancelled"), std::make_pair(int64_t{2}, int64_t{3}));
  EXPECT_EQ(ratio("cancelled_early"), std::make_pair(int64_t{1}, int64_t{2}));
  EXPECT_EQ(ratio("arrival"), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(ratio("completed"), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(ratio("no_show"), std::make_pair(int64_t{0}, int64_t{1}));
  EXPECT_EQ(ratio("success"), std::make_pair(int64_t{0}, int64_t{0}));
  EXPECT_TRUE(j["success"]["percent"].is_null());
  EXPECT_EQ(ratio("connect"), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(ratio("accuracy"), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(ratio("satisfaction"), std::make_pair(int64_t{0}, int64_t{1}));
  EXPECT_EQ(j["dissatisfied_by_item"]["price"]["num"], 1);
  EXPECT_EQ(j["dissatisfied_by_item"]["price"]["den"], 1);
  EXPECT_EQ(j["dissatisfied_by_item"]["parts"]["num"], 0);
  // The dissatisfied answer opened a complaint (due 1 December: not overdue yet).
  EXPECT_EQ(j["complaints"]["opened"], 1);
  EXPECT_EQ(j["complaints"]["overdue"], 0);

  ProcessResult text = desk.Desk({"report", "month", "2026-11"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* line : {"月报 month report 2026-11  SH-PUDONG\n", "预约数 bookings made: 3\n",
                           "取消率 cancellations: 2/3  66.7%\n",
                           "提前24小时取消 cancelled >= 24 h ahead: 1/2  50.0%\n",
                           "到店率 arrival rate: 1/1  100.0%\n",
                           "邀约成功率 booking success (proactive contacts): 0/0  —\n",
                           "满意率 satisfaction: 0/1  0.0%\n", "价格 price: 1/1  100.0%\n"}) {
    EXPECT_NE(text.out.find(line), std::string::npos) << line << "\n" << text.out;
  }
  ProcessResult csv = desk.Desk({"report", "month", "2026-11", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find("\ncancelled_early,1,2,50.0\n"), std::string::npos) << csv.out;
  EXPECT_NE(csv.out.find("\nsuccess,0,0,\n"), std::string::npos) << csv.out;

  // October holds nothing: every rate 0/0.
  json october = desk.Json({"report", "month", "2026-10"});
  EXPECT_EQ(october["made"], 0);
  EXPECT_TRUE(october["arrival"]["percent"].is_null());

  ProcessResult bad = desk.Desk({"report", "month", "2026-13"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "outpost-edge: invalid input: month: '2026-13' is not a month YYYY-MM\n");
}

}  // namespace
}  // namespace outpost::testing
