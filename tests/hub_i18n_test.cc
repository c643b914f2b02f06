// Head office's command line in the staff's language (issue 19 item 6): the
// real outpost-hub under a Chinese locale says its confirmations, refusals and
// text output in Chinese, with the values (stores, refs, flags) as typed; the
// same commands without one stay English, byte for byte.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/hub_cli_fixture.h"
#include "tests/process.h"

namespace outpost {
namespace {

using testing::ProcessResult;
using testing::RunProgram;

class HubI18nTest : public testing::HubCliAndStores {
 protected:
  ProcessResult Hub(const std::vector<std::string>& args, bool chinese = true) {
    std::vector<std::string> argv = {OUTPOST_HUB_BIN, "--db", HubDb(), "--key",
                                     dir_.File("HUB.key")};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> env = {std::string("OUTPOST_NOW=") + testing::kHubCliNow};
    if (chinese) env.emplace_back("LANG=zh_CN.UTF-8");
    return RunProgram(argv, env);
  }
};

TEST_F(HubI18nTest, CallCentreRequestsAndRefusalsReadInChinese) {
  ProcessResult slot = Hub({"book", "--store", "S1", "--phone", "13800138000", "--date",
                            "2026-11-25", "--slot", "25:00", "--staff", "Li"});
  EXPECT_NE(slot.exit_code, 0);
  EXPECT_TRUE(slot.err.ends_with("slot：'25:00' 不是 HH:MM 格式的时间\n")) << slot.err;
  ProcessResult english = Hub({"book", "--store", "S1", "--phone", "13800138000", "--date",
                               "2026-11-25", "--slot", "25:00", "--staff", "Li"},
                              false);
  EXPECT_TRUE(english.err.ends_with("slot: '25:00' is not a time (HH:MM)\n")) << english.err;

  ProcessResult booked = Hub({"book", "--store", "S1", "--phone", "13800138000", "--date",
                              "2026-11-25", "--slot", "10:00", "--staff", "Li"});
  EXPECT_EQ(booked.exit_code, 0) << booked.err;
  EXPECT_EQ(booked.out,
            "已提交呼叫中心请求 1（门店 S1）：2026-11-25 10:00；总部尚不知道该门店的规则，"
            "请求到达时由门店决定；门店下次联络时登记预约（outpost-hub requests --store S1 "
            "可查看门店处理结果）\n");

  ProcessResult unknown = Hub(
      {"cancel", "--store", "S1", "--booking", "261125-9", "--reason", "改期", "--staff", "Li"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_TRUE(unknown.err.ends_with("booking：总部未知 S1 有预约 '261125-9'（可能尚未同步）\n"))
      << unknown.err;

  ProcessResult board = Hub({"board", "--store", "S1", "--date", "tomorrow"});
  EXPECT_NE(board.exit_code, 0);
  EXPECT_TRUE(board.err.ends_with("board：总部尚无 S1 的日历（其设置随下次同步传来）\n"))
      << board.err;
  ProcessResult day = Hub({"tasks", "--date", "someday"});
  EXPECT_NE(day.exit_code, 0);
  EXPECT_TRUE(
      day.err.ends_with("--date：'someday' 不是日期（YYYY-MM-DD、today、tomorrow 或 +N）\n"))
      << day.err;
}

TEST_F(HubI18nTest, StoresDenialAndCustomersReadInChinese) {
  ProcessResult denied = Hub({"deny", "S2", "--staff", "Li", "--reason", "laptop stolen"});
  EXPECT_EQ(denied.exit_code, 0) << denied.err;
  EXPECT_EQ(denied.out,
            "已停用门店 S2：从其下一条消息起拒收其密钥（其日志和数据保留）；如需重新接入："
            "outpost keygen --site S2 --force，然后 outpost-hub allow S2.pub\n");
  ProcessResult no_staff = Hub({"deny", "S1", "--staff", "", "--reason", "x"});
  EXPECT_NE(no_staff.exit_code, 0);
  EXPECT_TRUE(no_staff.err.ends_with("staff：请注明停用门店的人员（--staff）\n")) << no_staff.err;

  ProcessResult stores = Hub({"stores"});
  EXPECT_EQ(stores.exit_code, 0) << stores.err;
  EXPECT_NE(stores.out.find("S1  offline（从未联络）  已应用至序号 0，待处理 0  时钟未知\n"),
            std::string::npos)
      << stores.out;
  EXPECT_NE(stores.out.find("由 Li 停用（laptop stolen；密钥 " + keys_.at("S2").pub.KeyId() +
                            " 被拒收）  已应用至序号 0，待处理 0  时钟未知\n"),
            std::string::npos)
      << stores.out;

  ProcessResult nobody = Hub({"customers", "find", "13900000000"});
  EXPECT_EQ(nobody.exit_code, 0) << nobody.err;
  EXPECT_EQ(nobody.out, "没有符合 '13900000000' 的客户\n");
  ProcessResult cases = Hub({"conflicts", "list"});
  EXPECT_EQ(cases.out, "没有未结案件\n");
  EXPECT_EQ(Hub({"conflicts", "list"}, false).out, "no open cases\n");
}

TEST_F(HubI18nTest, AccountAndCustomerRefusalsReadInChinese) {
  const std::string password = dir_.File("pw");
  { std::ofstream(password) << "correct horse battery\n"; }
  std::filesystem::permissions(
      password, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ProcessResult role = Hub(
      {"users", "add", "li.na", "--role", "boss", "--password-file", password, "--staff", "it"});
  EXPECT_NE(role.exit_code, 0);
  EXPECT_TRUE(role.err.ends_with("role：'boss' 不是 viewer、call_centre、data_team、admin 之一\n"))
      << role.err;
  ProcessResult none = Hub({"users", "add", "li.na", "--role", "viewer", "--staff", "it"});
  EXPECT_TRUE(none.err.ends_with("password：请提供 --password-file F 或 --password-stdin\n"))
      << none.err;
  ProcessResult nobody = Hub({"users", "disable", "wang", "--reason", "left", "--staff", "it"});
  EXPECT_TRUE(nobody.err.ends_with("name：没有账号 'wang'\n")) << nobody.err;

  ProcessResult merge =
      Hub({"customers", "merge", "U0000000000000000", "Rzzzzzzz", "--staff", "Li", "--note", ""});
  EXPECT_NE(merge.exit_code, 0);
  EXPECT_TRUE(merge.err.ends_with("note：请注明原因（--note）\n")) << merge.err;
  ProcessResult unknown = Hub({"customers", "show", "Q1234567"});
  EXPECT_TRUE(unknown.err.ends_with("customer：'Q1234567' 既不是统一编号也不是门店档案号\n"))
      << unknown.err;
  ProcessResult month = Hub({"report", "month", "2026-13"});
  EXPECT_TRUE(month.err.ends_with("month：'2026-13' 不是 YYYY-MM 格式的月份\n")) << month.err;
}

// Refusals whose English is composed at the call site (message() stays
// English: it is logged and compared) are shown translated by the printer.
TEST_F(HubI18nTest, ComposedRefusalsReadInChineseAndStayEnglishWithout) {
  ProcessResult stranger = Hub({"deny", "S9", "--staff", "Li", "--reason", "lost"});
  EXPECT_NE(stranger.exit_code, 0);
  EXPECT_NE(stranger.err.find("'S9' 不在总部的允许名单上"), std::string::npos) << stranger.err;
  ProcessResult stranger_en = Hub({"deny", "S9", "--staff", "Li", "--reason", "lost"}, false);
  EXPECT_NE(stranger_en.err.find("'S9' is not on the hub's allow-list"), std::string::npos)
      << stranger_en.err;

  ASSERT_EQ(Hub({"deny", "S2", "--staff", "Li", "--reason", "laptop stolen"}).exit_code, 0);
  const std::string key = keys_.at("S2").pub.KeyId();
  ProcessResult twice = Hub({"deny", "S2", "--staff", "Wang", "--reason", "again"});
  EXPECT_NE(twice.exit_code, 0);
  EXPECT_NE(twice.err.find("门店 'S2' 已被拒绝：密钥 " + key + " 已由 Li 于 "), std::string::npos)
      << twice.err;
  EXPECT_TRUE(twice.err.ends_with("（laptop stolen）；允许一把新密钥即可重新接入\n")) << twice.err;
  ProcessResult twice_en = Hub({"deny", "S2", "--staff", "Wang", "--reason", "again"}, false);
  EXPECT_NE(twice_en.err.find("store 'S2' is denied: key " + key + " was shut out by Li at "),
            std::string::npos)
      << twice_en.err;
  EXPECT_TRUE(twice_en.err.ends_with(" (laptop stolen); allow a new key to readmit it\n"))
      << twice_en.err;

  ProcessResult again = Hub({"init"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("总部数据库 '" + HubDb() + "' 已存在；init 只会创建新数据库"),
            std::string::npos)
      << again.err;
  ProcessResult again_en = Hub({"init"}, false);
  EXPECT_NE(again_en.err.find("hub database '" + HubDb() + "' exists; init only creates a new one"),
            std::string::npos)
      << again_en.err;
}

}  // namespace
}  // namespace outpost
