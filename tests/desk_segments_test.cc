// Issue 17 item 6 at the desk: `complete --amount` records what a visit was
// worth (fen), a bad amount is refused naming the field with nothing written,
// and `waitlist add` without --tier says which tier it took. The real
// outpost-edge binary on a temporary store, its clock pinned (OUTPOST_NOW).
#include <gtest/gtest.h>

#include "edge/profiles.h"
#include "sync/model/profile.h"
#include "tests/desk_harness.h"
#include "tests/store_file.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

class DeskSegmentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult init = desk_.Desk({"init", "--store-id", "SH-PUDONG", "--name", "浦东服务中心",
                                     "--slots", "10:00,15:00", "--capacity", "2"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
  DeskHarness desk_;  // Monday 2026-11-23, 09:00 Shanghai
};

TEST_F(DeskSegmentsTest, CompleteRecordsTheAmountAndRefusesABadOne) {
  json b = desk_.Json(
      {"book", "--phone", "13800138000", "--name", "王伟", "--date", "today", "--slot", "10:00"});
  ASSERT_FALSE(b.contains("error")) << b.dump();
  const std::string ref = b["ref"];
  ASSERT_EQ(desk_.Desk({"check-in", ref}).exit_code, 0);
  ASSERT_EQ(desk_.Desk({"start", ref}).exit_code, 0);

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"-5", "amount: '-5' is negative"},
      {"abc", "amount: 'abc' is not an amount in yuan"},
      {"680.555", "amount: '680.555' has more than two decimals"},
      {"10000000.01", "amount: '10000000.01' is more than 10000000 yuan"}};
  for (const auto& [amount, message] : bad) {
    ProcessResult refused = desk_.Desk({"complete", ref, "--amount", amount});
    EXPECT_NE(refused.exit_code, 0) << amount;
    EXPECT_NE(refused.err.find(message), std::string::npos) << refused.err;
    EXPECT_EQ(refused.out, "");
  }
  // Nothing was written: still in service, no amount.
  json shown = desk_.Json({"booking", "show", ref});
  EXPECT_EQ(shown["status"], "in-service") << shown.dump();
  EXPECT_TRUE(shown["amount_fen"].is_null());

  ProcessResult done = desk_.Desk({"complete", ref, "--amount", "680.5"});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_NE(done.out.find("amount 680.50 yuan"), std::string::npos) << done.out;
  json after = desk_.Json({"booking", "show", ref});
  EXPECT_EQ(after["status"], "completed");
  EXPECT_EQ(after["amount_fen"], 68050);
}

TEST_F(DeskSegmentsTest, WaitlistWithoutTierSaysWhichItUsed) {
  ASSERT_EQ(desk_.Desk({"customer", "add", "--name", "李娜", "--phone", "13900139000"}).exit_code,
            0);
  ProcessResult added = desk_.Desk(
      {"waitlist", "add", "--customer", "13900139000", "--from", "tomorrow", "--to", "+2"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.out.find("等级 tier regular: 默认 default (no segment known"), std::string::npos)
      << added.out;
  ASSERT_EQ(desk_.Desk({"customer", "add", "--name", "张三", "--phone", "13700137000"}).exit_code,
            0);
  json given = desk_.Json({"waitlist", "add", "--customer", "13700137000", "--from", "tomorrow",
                           "--to", "+2", "--tier", "vip"});
  ASSERT_FALSE(given.contains("error")) << given.dump();
  EXPECT_EQ(given["tier"], "vip");
  EXPECT_EQ(given["tier_from"], "given");
}

// Head office's profile of the customer, as a sync would have left it, with
// the segment: the desk shows it, and the waitlist takes its value tier.
TEST_F(DeskSegmentsTest, TheChainsSegmentIsShownAndGivesTheWaitlistItsTier) {
  json added = desk_.Json({"customer", "add", "--name", "王伟", "--phone", "13800138000"});
  ASSERT_FALSE(added.contains("error")) << added.dump();
  const std::string id = added["id"];
  model::Profile p;
  p.unified_id = "u-1";
  p.here = {id};
  p.records = {{"SH-PUDONG", id, "王伟", std::nullopt}, {"SH-XUHUI", "c-9", "王伟", std::nullopt}};
  p.stores = 2;
  p.visits = {3, "2026-11-20 10:00", "SH-XUHUI"};
  p.segment = model::ProfileSegment{"vip", "mid", "mature", 5, 3, 4};
  ASSERT_TRUE(edge::KeepProfiles(*OpenStoreFile(desk_.db()),
                                 {{1, "u-1", model::ProfileJson(p).dump()}},
                                 ParseUtcMs("2026-11-23T00:00:00Z").value())
                  .ok());

  ProcessResult shown = desk_.Desk({"customer", "show", "13800138000"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("分群 segment: 价值 value vip, 频次 frequency mid, 阶段 lifecycle "
                           "mature, RFM R5 F3 M4"),
            std::string::npos)
      << shown.out;
  ProcessResult waiting = desk_.Desk(
      {"waitlist", "add", "--customer", "13800138000", "--from", "tomorrow", "--to", "+2"});
  ASSERT_EQ(waiting.exit_code, 0) << waiting.err;
  EXPECT_NE(waiting.out.find("等级 tier vip: 总部客户分群 from head office's segment"),
            std::string::npos)
      << waiting.out;
  EXPECT_NE(waiting.out.find("贵宾 vip"), std::string::npos) << waiting.out;
}

}  // namespace
}  // namespace outpost::testing
