// The store's own service-due invitations as staff use them: the real
// outpost-edge binary on a temporary store, its clock pinned (OUTPOST_NOW).
#include <gtest/gtest.h>

#include "tests/desk_harness.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

TEST(DeskInvitationsTest, ServicedSixMonthsAgoListedPlannedOnceCalledAndBooked) {
  DeskHarness desk("2026-05-20T01:00:00Z");  // Wednesday 09:00 Shanghai
  ProcessResult init = desk.Desk({"init", "--store-id", "SH-PUDONG", "--name", "浦东服务中心"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  ProcessResult added =
      desk.Desk({"customer", "add", "--name", "王伟", "--phone", "138 0013 8000", "--opt-in",
                 "--channel", "call", "--plate", "沪A12345", "--mileage", "10000"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  json b = desk.Json({"book", "--phone", "138 0013 8000", "--plate", "沪A12345", "--date",
                      "2026-05-21", "--slot", "10:00"});
  ASSERT_FALSE(b.contains("error")) << b.dump();
  const std::string ref = b["ref"];
  desk.SetNow("2026-05-21T03:00:00Z");
  for (const char* step : {"check-in", "start", "complete"}) {
    ProcessResult r = desk.Desk({step, ref});
    ASSERT_EQ(r.exit_code, 0) << step << ": " << r.err;
  }

  desk.SetNow("2026-11-05T01:00:00Z");
  EXPECT_TRUE(desk.Json({"invitations"}).empty());  // due 2026-11-21: invited from 11-06
  desk.SetNow("2026-11-06T01:00:00Z");
  json list = desk.Json({"invitations"});
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["due_date"], "2026-11-21");
  EXPECT_EQ(list[0]["invite_date"], "2026-11-06");
  EXPECT_EQ(list[0]["due_by"], "time");
  EXPECT_EQ(list[0]["readings"], 1);
  EXPECT_EQ(list[0]["state"], "plan");
  ProcessResult text = desk.Desk({"invitations"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("服务到期邀约 service-due invitations 2026-11-06 (1)"), std::string::npos)
      << text.out;

  ProcessResult planned = desk.Desk({"invitations", "plan"});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  EXPECT_NE(planned.out.find("已安排 planned 1, 跳过 skipped 0"), std::string::npos) << planned.out;
  ProcessResult again = desk.Desk({"invitations", "plan"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("已安排 planned 0, 跳过 skipped 1"), std::string::npos) << again.out;

  json calls = desk.Json({"calls"});
  std::string call;
  for (const auto& m : calls) {
    if (m["step"] == "invitation") call = m["id"];
  }
  ASSERT_FALSE(call.empty()) << calls.dump();
  ProcessResult wrong = desk.Desk({"calls", "done", call, "--outcome", "maybe"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("outcome"), std::string::npos) << wrong.err;
  ProcessResult booked = desk.Desk({"calls", "done", call, "--outcome", "booked"});
  ASSERT_EQ(booked.exit_code, 0) << booked.err;
  EXPECT_NE(booked.out.find("outcome: booked"), std::string::npos) << booked.out;
}

}  // namespace
}  // namespace outpost::testing
