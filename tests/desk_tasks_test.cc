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
  // `tasks done ID --outcome` is the same command as `tasks attempt ID --result`.
  ASSERT_EQ(desk_.Desk({"tasks", "done", task, "--outcome", "no_answer"}).exit_code, 0);
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

TEST_F(DeskTasksTest, ADissatisfiedAnswerIsAComplaintTheDeskWarnsOfUntilClosedByTheRules) {
  const json b = Book("13700137000", "张强", "京C33333", "10:00");
  desk_.SetNow("2026-11-23T02:05:00Z");
  for (const char* step : {"check-in", "start", "complete"}) {
    ASSERT_EQ(desk_.Desk({step, b["ref"]}).exit_code, 0) << step;
  }
  desk_.SetNow("2026-11-24T02:30:00Z");  // Tuesday 10:30
  const std::string call = AllTasks()[0]["short_id"];
  ProcessResult answered = desk_.Desk({"tasks", "attempt", call, "--result", "reached",
                                       "--satisfied", "no", "--items", "repair_quality"});
  ASSERT_EQ(answered.exit_code, 0) << answered.err;
  EXPECT_NE(answered.out.find("已立案 complaint opened"), std::string::npos) << answered.out;
  EXPECT_NE(answered.out.find("投诉 complaint: 维修质量 repair_quality  期限 deadline 2026-12-01"),
            std::string::npos)
      << answered.out;
  json listed = desk_.Json({"tasks"});
  ASSERT_EQ(listed.size(), 1u) << listed.dump();
  EXPECT_EQ(listed[0]["kind"], "complaint");
  EXPECT_EQ(listed[0]["complaint"]["items"], json({"repair_quality"}));
  EXPECT_EQ(listed[0]["due_by"], "2026-12-01");
  EXPECT_EQ(listed[0]["overdue"], false);
  const std::string complaint = listed[0]["short_id"];

  // Shown at the desk, and at the next check-in: the warning, zh-CN first.
  const std::string warning = "注意 open complaint: 维修质量 repair_quality since 2026-11-24 (" +
                              complaint + ", owner SA Zhang, deadline 2026-12-01)";
  ProcessResult shown = desk_.Desk({"customer", "show", "13700137000"});
  EXPECT_EQ(shown.out.rfind(warning + "\n", 0), 0u) << shown.out;
  EXPECT_EQ(desk_.Json({"customer", "show", "13700137000"})["open_complaints"].size(), 1u);
  const json again = Book("13700137000", "张强", "京C33333", "15:00");
  desk_.SetNow("2026-11-24T06:55:00Z");
  ProcessResult arrived = desk_.Desk({"check-in", again["ref"]});
  ASSERT_EQ(arrived.exit_code, 0) << arrived.err;
  EXPECT_NE(arrived.out.find("  " + warning + "\n"), std::string::npos) << arrived.out;

  // Refused, each naming field, value and reason; exit 1; nothing written.
  const json before = AllTasks();
  ProcessResult no_resolution = desk_.Desk({"tasks", "close", complaint, "--customer-confirmed"});
  EXPECT_EQ(no_resolution.exit_code, 1);
  EXPECT_EQ(no_resolution.err,
            "outpost-edge: invalid input: resolution: missing: a complaint closes only with its"
            " resolution (--resolution TEXT)\n");
  ProcessResult neither = desk_.Desk({"tasks", "close", complaint, "--resolution", "返修"});
  EXPECT_EQ(neither.exit_code, 1);
  EXPECT_NE(neither.err.find("confirmation: none: a complaint closes only when the customer"),
            std::string::npos)
      << neither.err;
  ProcessResult no_reason = desk_.Desk(
      {"tasks", "close", complaint, "--resolution", "返修", "--override-by", "Supervisor Wu"});
  EXPECT_EQ(no_reason.exit_code, 1);
  EXPECT_NE(no_reason.err.find("reason: missing for the override by 'Supervisor Wu'"),
            std::string::npos)
      << no_reason.err;
  ProcessResult not_complaint =
      desk_.Desk({"tasks", "close", call, "--resolution", "返修", "--customer-confirmed"});
  EXPECT_EQ(not_complaint.exit_code, 1);
  EXPECT_NE(not_complaint.err.find("is a after_service task, not a complaint"), std::string::npos)
      << not_complaint.err;
  EXPECT_EQ(AllTasks(), before);

  // The second follow-up call: the customer confirms; closed, no more warning.
  ProcessResult closed = desk_.Desk(
      {"tasks", "close", complaint, "--resolution", "返修后客户满意", "--customer-confirmed"});
  ASSERT_EQ(closed.exit_code, 0) << closed.err;
  EXPECT_NE(closed.out.find("已结案 closed " + complaint), std::string::npos) << closed.out;
  EXPECT_NE(closed.out.find("客户已确认 confirmed by the customer"), std::string::npos)
      << closed.out;
  EXPECT_EQ(desk_.Desk({"customer", "show", "13700137000"}).out.find("注意 open complaint"),
            std::string::npos);
  ProcessResult twice =
      desk_.Desk({"tasks", "close", complaint, "--resolution", "返修", "--customer-confirmed"});
  EXPECT_EQ(twice.exit_code, 2);
}

}  // namespace
}  // namespace outpost::testing
