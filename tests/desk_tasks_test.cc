// Follow-up tasks as staff use them (docs/FOLLOWUP.md): the real outpost-edge
// binary on a temporary store, its clock pinned (OUTPOST_NOW).
#include <gtest/gtest.h>

#include "tests/desk_harness.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

class DeskTasksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult init = desk_.Desk({"init", "--store-id", "SH-PUDONG", "--name", "浦东服务中心",
                                     "--slots", "10:00,15:00", "--capacity", "2"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
  json Book(const std::string& phone, const std::string& name, const std::string& plate,
            const std::string& slot) {
    json b = desk_.Json({"book", "--phone", phone, "--name", name, "--plate", plate, "--date",
                         "today", "--slot", slot});
    EXPECT_FALSE(b.contains("error")) << b.dump();
    return b;
  }
  json AllTasks() { return desk_.Json({"tasks", "--all"}); }
  DeskHarness desk_;  // Monday 2026-11-23, 09:00 Shanghai
};

TEST_F(DeskTasksTest, ACompletedVisitIsCalledBackAndTheCallRecordedAsTheManualSays) {
  const json b = Book("13800138000", "王伟", "京A12345", "10:00");
  desk_.SetNow("2026-11-23T02:05:00Z");  // 10:05
  for (const char* step : {"check-in", "start", "complete"}) {
    ProcessResult r = desk_.Desk({step, b["ref"]});
    ASSERT_EQ(r.exit_code, 0) << step << ": " << r.err;
  }
  // Called from tomorrow: nothing today, one task in all.
  EXPECT_EQ(desk_.Json({"tasks"}), json::array());
  json all = AllTasks();
  ASSERT_EQ(all.size(), 1u) << all.dump();
  EXPECT_EQ(all[0]["kind"], "after_service");
  EXPECT_EQ(all[0]["due_from"], "2026-11-24");
  EXPECT_EQ(all[0]["due_by"], "2026-11-26");
  EXPECT_EQ(all[0]["booking_ref"], b["ref"]);
  const std::string task = all[0]["short_id"];

  // Tuesday 10:30: on the list and among the calls, after the 2 h calls.
  desk_.SetNow("2026-11-24T02:30:00Z");
  ProcessResult listed = desk_.Desk({"tasks"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("回访任务 follow-up tasks 2026-11-24 (1)"), std::string::npos)
      << listed.out;
  EXPECT_NE(listed.out.find(task + "  售后回访 after_service  王伟 138 0013 8000  " +
                            b["ref"].get<std::string>() +
                            "  待办 open  应回访 due "
                            "2026-11-24..2026-11-26  负责 owner SA Zhang"),
            std::string::npos)
      << listed.out;
  ProcessResult calls = desk_.Desk({"calls"});
  ASSERT_EQ(calls.exit_code, 0) << calls.err;
  EXPECT_NE(calls.out.find("回访 follow-up calls (1)\n  " + task), std::string::npos) << calls.out;
  // 12:30: the store's quiet hours hold the call until 14:00, as for every call.
  desk_.SetNow("2026-11-24T04:30:00Z");
  calls = desk_.Desk({"calls"});
  EXPECT_NE(calls.out.find("可拨自 call from 2026-11-24 14:00 (quiet hours 12:00-14:00)"),
            std::string::npos)
      << calls.out;

  // Bad input: one line naming field, value and reason; exit 1; nothing written.
  ProcessResult items =
      desk_.Desk({"tasks", "attempt", task, "--result", "reached", "--items", "price"});
  EXPECT_EQ(items.exit_code, 1);
  EXPECT_EQ(items.err,
            "outpost-edge: invalid input: items: 'price' given, but items are only for a "
            "dissatisfied customer"
            " (satisfied no)\n");
  ProcessResult unknown = desk_.Desk({"tasks", "attempt", task, "--result", "reached",
                                      "--satisfied", "no", "--items", "price,smell"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("items: 'smell' is not one of attitude, repair_quality"),
            std::string::npos)
      << unknown.err;
  EXPECT_EQ(AllTasks()[0]["attempts"], json::array());

  // A wrong number keeps the task open and marks the phone doubtful.
  ProcessResult wrong = desk_.Desk({"tasks", "attempt", task, "--result", "wrong_number"});
  ASSERT_EQ(wrong.exit_code, 0) << wrong.err;
  ProcessResult shown = desk_.Desk({"customer", "show", "13800138000"});
  EXPECT_NE(shown.out.find("号码存疑 doubtful phone: 138 0013 8000"), std::string::npos)
      << shown.out;
  EXPECT_EQ(desk_.Json({"customer", "show", "13800138000"})["doubtful_phones"],
            json({"+8613800138000"}));

  // Reached: the questionnaire's answers, and the task is done.
  json done = desk_.Json({"tasks", "attempt", task, "--result", "reached", "--fault-fixed", "yes",
                          "--satisfied", "no", "--items", "price,waiting_time", "--next-km",
                          "45000", "--note", "等太久"});
  ASSERT_FALSE(done.contains("error")) << done.dump();
  EXPECT_EQ(done["status"], "done");
  EXPECT_EQ(done["outcome"], "reached");
  ASSERT_EQ(done["attempts"].size(), 2u);
  EXPECT_EQ(done["attempts"][1]["items"], json({"price", "waiting_time"}));
  EXPECT_EQ(done["attempts"][1]["next_service_km"], 45000);
  ProcessResult closed = desk_.Desk({"tasks", "attempt", task, "--result", "busy"});
  EXPECT_EQ(closed.exit_code, 2);
  EXPECT_EQ(closed.err, "outpost-edge: conflict: task: " + task +
                            " is done (reached); a closed task takes no more calls\n");
}

TEST_F(DeskTasksTest, ANoShowIsChasedThreeDaysThenReturnedAndTasksAreAddedByHand) {
  const json b = Book("13900139000", "李娜", "京B22222", "10:00");
  desk_.SetNow("2026-11-23T03:00:00Z");  // 11:00
  ASSERT_EQ(desk_.Desk({"no-show", b["ref"]}).exit_code, 0);
  json open = desk_.Json({"tasks"});
  ASSERT_EQ(open.size(), 1u) << open.dump();
  EXPECT_EQ(open[0]["kind"], "no_show");
  EXPECT_EQ(open[0]["due_by"], "2026-11-25");
  EXPECT_EQ(open[0]["called_today"], false);
  const std::string task = open[0]["short_id"];
  ASSERT_EQ(desk_.Desk({"tasks", "attempt", task, "--result", "no_answer"}).exit_code, 0);
  // Called today: not on today's call list again.
  EXPECT_NE(desk_.Desk({"calls"}).out.find("回访 follow-up calls (0)"), std::string::npos);

  // Thursday: not rebooked in its 3 days, so head office's.
  desk_.SetNow("2026-11-26T01:00:00Z");
  ProcessResult swept = desk_.Desk({"tasks", "sweep"});
  ASSERT_EQ(swept.exit_code, 0) << swept.err;
  EXPECT_NE(swept.out.find("转总部 returned to head office  " + task +
                           "  not rebooked by 2026-11-25: returned to head office with 1 call(s)"),
            std::string::npos)
      << swept.out;
  json all = AllTasks();
  EXPECT_EQ(all[0]["status"], "returned");
  EXPECT_EQ(all[0]["owner"], "head_office");

  // By hand: a care call, and a kind that is none.
  json added = desk_.Json(
      {"tasks", "add", "--kind", "care_birthday", "--customer", "13900139000", "--due", "+2"});
  ASSERT_FALSE(added.contains("error")) << added.dump();
  EXPECT_EQ(added["due_from"], "2026-11-26");
  EXPECT_EQ(added["due_by"], "2026-11-28");
  EXPECT_EQ(added["owner"], "SA Zhang");
  ProcessResult bad = desk_.Desk({"tasks", "add", "--kind", "gossip", "--customer", "13900139000"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("kind: 'gossip' is not one of after_service"), std::string::npos)
      << bad.err;
  EXPECT_EQ(AllTasks().size(), 2u);
}

}  // namespace
}  // namespace outpost::testing
