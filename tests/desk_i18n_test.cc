// The desk under a Chinese locale: its refusals, confirmations and headings
// read in Chinese, the values in them (refs, dates, phones, flags) as typed.
// Under any other locale the same commands print the English the other desk
// tests assert.
#include <gtest/gtest.h>

#include "tests/desk_harness.h"

namespace outpost::testing {
namespace {

class DeskI18nTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult init = desk_.Desk(
        {"init", "--store-id", "SH-PUDONG", "--name", "浦东服务中心", "--open-days", "123456"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
  ProcessResult Chinese(const std::vector<std::string>& args) const {
    std::vector<std::string> env = desk_.Env();
    env.push_back("LANG=zh_CN.UTF-8");
    return RunProgram(desk_.Argv(args), env);
  }
  DeskHarness desk_;  // Monday 2026-11-23, 09:00 Shanghai
};

TEST_F(DeskI18nTest, RefusalsReadInChinese) {
  std::vector<std::string> no_staff = {"OUTPOST_DB=" + desk_.db(),
                                       "OUTPOST_NOW=2026-11-23T01:00:00Z", "LANG=zh_CN.UTF-8"};
  ProcessResult staff = RunProgram(
      desk_.Argv({"book", "--phone", "13800138000", "--date", "tomorrow", "--slot", "10:00"}),
      no_staff);
  EXPECT_EQ(staff.exit_code, 1);
  EXPECT_EQ(staff.err,
            "outpost-edge：输入有误：staff：请用 --staff 姓名 或 OUTPOST_STAFF 说明当班人员\n");

  // Each refusal: its exit code and its one line, the values in it as typed.
  struct Refusal {
    std::vector<std::string> args;
    int exit_code;
    std::string err;
  };
  const std::vector<Refusal> refusals = {
      {{"book", "--date", "tomorrow", "--slot", "10:00"},
       1,
       "outpost-edge：输入有误：customer：请提供 --customer 或 --phone\n"},
      {{"check-in", "9999"},
       1,
       "outpost-edge：未找到：booking：今天（2026-11-23）没有预约号、电话或车牌为 '9999' 的预约\n"},
      {{"customer", "update", "13800138000", "--opt-in", "--opt-out"},
       1,
       "outpost-edge：输入有误：consent：--opt-in 与 --opt-out 在同一命令中互相矛盾；请只给一个\n"},
      {{"init", "--store-id", "SH-X", "--name", "X", "--open-days", "88"},
       1,
       "outpost-edge：输入有误：open days：'88' 须列出 ISO 星期 1-7，每个最多一次（1 = 星期一）\n"},
      {{"init", "--store-id", "SH-X", "--name", "X"},
       2,
       "outpost-edge：冲突：门店数据库 '" + desk_.db() + "' 已存在；未作任何改动\n"},
  };
  for (const Refusal& r : refusals) {
    ProcessResult got = Chinese(r.args);
    EXPECT_EQ(got.exit_code, r.exit_code) << r.args[0];
    EXPECT_EQ(got.err, r.err);
  }
  // Nothing was written: the refusals booked nothing.
  EXPECT_EQ(desk_.Json({"board", "--date", "tomorrow"})["slots"][0]["free"], 2);
}

// The store's rules compose their refusals from values (the slot, the dates,
// what was typed): in Chinese the same values in a Chinese sentence, and under
// no locale the English, byte for byte as stored and logged.
TEST_F(DeskI18nTest, ComposedRefusalsOfTheStoreRulesReadInChineseWithTheirValues) {
  for (const char* phone : {"13800138001", "13800138002"}) {
    ASSERT_EQ(desk_
                  .Desk({"book", "--phone", phone, "--name", "王伟", "--date", "tomorrow", "--slot",
                         "10:00"})
                  .exit_code,
              0);
  }
  const std::vector<std::string> third = {"book",   "--phone",  "13800138003", "--name", "李娜",
                                          "--date", "tomorrow", "--slot",      "10:00"};
  ProcessResult full = Chinese(third);
  EXPECT_EQ(full.exit_code, 2);
  EXPECT_EQ(full.err, "outpost-edge：拒绝：时段 2026-11-24 10:00 已满（已占 2/2 个名额）\n");
  ProcessResult full_english = desk_.Desk(third);
  EXPECT_EQ(full_english.exit_code, 2);
  EXPECT_EQ(full_english.err,
            "outpost-edge: refused: slot 2026-11-24 10:00 is full (2 of 2 places taken)\n");

  ProcessResult backwards =
      Chinese({"waitlist", "add", "--customer", "13800138001", "--from", "+3", "--to", "tomorrow"});
  EXPECT_EQ(backwards.exit_code, 1);
  EXPECT_EQ(backwards.err,
            "outpost-edge：输入有误：date_to：'2026-11-24' 早于 date_from '2026-11-26'\n");
  ProcessResult nobody =
      Chinese({"waitlist", "add", "--customer", "13999999999", "--from", "tomorrow", "--to", "+2"});
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_EQ(nobody.err,
            "outpost-edge：未找到：customer：没有客户匹配 '13999999999'；请先添加客户\n");
  ProcessResult no_case = Chinese({"conflicts", "show", "C-404"});
  EXPECT_EQ(no_case.exit_code, 1);
  EXPECT_EQ(no_case.err, "outpost-edge：未找到：case：没有冲突案件 'C-404'\n");

  // Nothing was written: two bookings, no waitlist entry.
  EXPECT_EQ(desk_.Json({"board", "--date", "tomorrow"})["slots"][1]["free"], 0);
  EXPECT_EQ(desk_.Json({"waitlist", "list", "--all"}).size(), 0u);
}

TEST_F(DeskI18nTest, ConfirmationsAndHeadingsReadInChinese) {
  ProcessResult booked =
      Chinese({"book", "--phone", "138 0013 8000", "--name", "王伟", "--plate", "京A·12345",
               "--date", "tomorrow", "--slot", "08:30", "--channel", "wechat"});
  ASSERT_EQ(booked.exit_code, 0) << booked.err;
  // The card's lines but the last (the booking's id, new each run).
  EXPECT_EQ(booked.out.substr(0, booked.out.find("  id ")),
            "已预约 261124-1  2026-11-24 08:30  待确认\n"
            "  王伟  138 0013 8000  京A·12345  maintenance  渠道 wechat\n"
            "  权益：优先接待 + 洗车; 10:00 前到店工时费优惠 10%\n");
  ProcessResult confirmed = Chinese({"confirm", "261124-1"});
  EXPECT_EQ(confirmed.out.substr(0, confirmed.out.find('\n')),
            "已确认 261124-1  2026-11-24 08:30  已确认");

  ProcessResult board = Chinese({"board", "--date", "2026-11-24"});
  EXPECT_EQ(board.exit_code, 0);
  EXPECT_EQ(board.out.substr(0, board.out.find('\n')),
            "SH-PUDONG 浦东服务中心 - 2026-11-24 预约看板");
  EXPECT_NE(board.out.find("08:30  空 1 / 共 2\n"), std::string::npos) << board.out;

  ProcessResult status = Chinese({"status"});
  EXPECT_EQ(status.out, "SH-PUDONG: 从未同步, 4 条变更待上传\n");

  ProcessResult nobody = Chinese({"customer", "find", "13900139000"});
  EXPECT_EQ(nobody.out, "没有符合 '13900139000' 的客户\n");
  // The same under no locale: English, as the other desk tests assert.
  EXPECT_EQ(desk_.Desk({"customer", "find", "13900139000"}).out,
            "no customer matches '13900139000'\n");
}

}  // namespace
}  // namespace outpost::testing
