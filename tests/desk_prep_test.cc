// Assignment and the preparation list as staff use them: the real
// outpost-edge binary on a temporary store, its clock pinned (OUTPOST_NOW).
#include <gtest/gtest.h>

#include <sstream>

#include "tests/desk_harness.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

// Columns a line takes when printed: CJK ideographs, their punctuation and
// full-width forms take two (all this list prints), anything else one.
int PrintedColumns(const std::string& line) {
  int columns = 0;
  for (size_t i = 0; i < line.size();) {
    const auto lead = static_cast<unsigned char>(line[i]);
    if (lead < 0x80) {
      ++columns;
      ++i;
      continue;
    }
    const size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    const auto second = i + 1 < line.size() ? static_cast<unsigned char>(line[i + 1]) : 0;
    const bool wide = (lead >= 0xE3 && lead <= 0xE9) || (lead == 0xEF && second >= 0xBC);
    columns += wide ? 2 : 1;
    i += n;
  }
  return columns;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class DeskPrepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult init = desk_.Desk({"init", "--store-id", "SH-PUDONG", "--name", "浦东服务中心"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
  int HistoryLength(const std::string& ref) {
    return static_cast<int>(desk_.Json({"booking", "show", ref})["history"].size());
  }
  DeskHarness desk_;  // Monday 2026-11-23, 09:00 Shanghai
};

TEST_F(DeskPrepTest, BookWithAnAdvisorAssignAndTheListForTomorrow) {
  json a = desk_.Json({"book",
                       "--phone",
                       "138 0013 8000",
                       "--name",
                       "王伟",
                       "--plate",
                       "京A·12345",
                       "--vin",
                       "LFV2A21K6K3000001",
                       "--mileage",
                       "35000",
                       "--date",
                       "tomorrow",
                       "--slot",
                       "10:00",
                       "--notes",
                       std::string("机油滤芯 oil filter, 刹车片 brake pads; the customer waits in"
                                   " the lounge and asks that the rear left tyre be checked too"),
                       "--advisor",
                       "SA Wang",
                       "--bay",
                       "3",
                       "--team",
                       "A组"});
  ASSERT_FALSE(a.contains("error")) << a.dump();
  EXPECT_EQ(a["advisor"], "SA Wang");
  EXPECT_EQ(a["bay"], "3");
  EXPECT_EQ(a["team"], "A组");
  json b = desk_.Json({"book", "--phone", "139 0013 9000", "--name", "李娜", "--date", "tomorrow",
                       "--slot", "08:30", "--channel", "wechat"});
  ASSERT_FALSE(b.contains("error")) << b.dump();
  EXPECT_TRUE(b["advisor"].is_null());  // shown unassigned, not left out
  const std::string ref_a = a["ref"], ref_b = b["ref"];

  // Assigned later: the board line and booking show say so.
  ProcessResult assigned = desk_.Desk({"assign", ref_b, "--team", "B组", "--bay", "1"});
  ASSERT_EQ(assigned.exit_code, 0) << assigned.err;
  EXPECT_NE(assigned.out.find("assigned " + ref_b), std::string::npos) << assigned.out;
  EXPECT_NE(assigned.out.find("bay 1, team B组"), std::string::npos) << assigned.out;
  ProcessResult board = desk_.Desk({"board", "--date", "tomorrow"});
  EXPECT_NE(board.out.find("advisor SA Wang, bay 3, team A组"), std::string::npos) << board.out;
  ProcessResult show = desk_.Desk({"booking", "show", ref_b});
  EXPECT_NE(show.out.find("SA Zhang  assign  requested -> requested  bay - -> 1, team - -> B组"),
            std::string::npos)
      << show.out;
  json shown = desk_.Json({"booking", "show", ref_b});
  EXPECT_EQ(shown["team"], "B组");
  EXPECT_EQ(shown["bay"], "1");
  ASSERT_EQ(shown["history"].size(), 2u);
  EXPECT_EQ(shown["history"][1]["action"], "assign");
  EXPECT_EQ(shown["history"][1]["changes"]["team"], json({nullptr, "B组"}));

  // The list as printed: slot order, masked phones, vehicle, parts note, the
  // unassigned flagged, counts per advisor; every line within 80 columns.
  ProcessResult text = desk_.Desk({"prep"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const std::string& out = text.out;
  EXPECT_NE(out.find("到店准备清单 Preparation list  2026-11-24 周二 Tue"), std::string::npos)
      << out;
  EXPECT_NE(out.find("2 个预约 bookings   未分配 SA unassigned: 1"), std::string::npos) << out;
  const size_t first = out.find("08:30  " + ref_b + "  李娜  电话 Phone ****9000");
  const size_t second = out.find("10:00  " + ref_a + "  王伟  电话 Phone ****8000");
  ASSERT_NE(first, std::string::npos) << out;
  ASSERT_NE(second, std::string::npos) << out;
  EXPECT_LT(first, second);
  EXPECT_EQ(out.find("13800138000"), std::string::npos);  // no full phone, in any form
  EXPECT_EQ(out.find("138 0013 8000"), std::string::npos);
  EXPECT_NE(out.find("车辆 Vehicle: 京A·12345  VIN LFV2A21K6K3000001  35000 km"), std::string::npos)
      << out;
  EXPECT_NE(out.find("顾问 SA: 未分配 SA unassigned   工位 Bay: 1   班组 Team: B组"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("顾问 SA: SA Wang   工位 Bay: 3   班组 Team: A组"), std::string::npos) << out;
  EXPECT_NE(out.find("备件/备注 Parts/notes: 机油滤芯 oil filter"), std::string::npos) << out;
  EXPECT_NE(out.find("渠道 Channel: wechat"), std::string::npos) << out;
  EXPECT_NE(out.find("优先接待 priority"), std::string::npos) << out;
  EXPECT_NE(out.find("各顾问 Per advisor:"), std::string::npos) << out;
  for (const std::string& line : Lines(out)) {
    EXPECT_LE(PrintedColumns(line), 80) << line;
  }
  const std::vector<std::string> lines = Lines(out);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[lines.size() - 2], "  SA Wang" + std::string(33, ' ') + "1");
  EXPECT_EQ(lines.back(), "  未分配 SA unassigned" + std::string(20, ' ') + "1");

  // The same as JSON.
  json list = desk_.Json({"prep", "--date", "2026-11-24"});
  ASSERT_FALSE(list.contains("error")) << list.dump();
  EXPECT_EQ(list["date"], "2026-11-24");
  ASSERT_EQ(list["bookings"].size(), 2u);
  const json& early = list["bookings"][0];
  const json& late = list["bookings"][1];
  EXPECT_EQ(early["ref"], ref_b);
  EXPECT_EQ(early["customer"], json({{"name", "李娜"}, {"phone_last4", "9000"}}));
  EXPECT_TRUE(early["unassigned"]);
  EXPECT_TRUE(early["advisor"].is_null());
  EXPECT_EQ(early["channel"], "wechat");
  EXPECT_EQ(late["ref"], ref_a);
  EXPECT_EQ(late["slot_time"], "10:00");
  EXPECT_EQ(late["vehicle"],
            json({{"plate", "京A12345"}, {"vin", "LFV2A21K6K3000001"}, {"mileage_km", 35000}}));
  EXPECT_EQ(late["advisor"], "SA Wang");
  EXPECT_EQ(late["bay"], "3");
  EXPECT_EQ(late["team"], "A组");
  EXPECT_FALSE(late["unassigned"]);
  EXPECT_TRUE(late["priority_reception"]);
  EXPECT_EQ(list["per_advisor"], json::array({{{"advisor", "SA Wang"}, {"bookings", 1}},
                                              {{"advisor", nullptr}, {"bookings", 1}}}));
  EXPECT_EQ(list["unassigned"], 1);
  EXPECT_EQ(list.dump().find("13800138000"), std::string::npos);
}

TEST_F(DeskPrepTest, AssignRefusalsNameTheFieldExitNonZeroAndWriteNothing) {
  json a = desk_.Json({"book", "--phone", "138 0013 8000", "--name", "王伟", "--date", "tomorrow",
                       "--slot", "10:00", "--advisor", "SA Wang"});
  ASSERT_FALSE(a.contains("error")) << a.dump();
  json c = desk_.Json({"book", "--phone", "139 0013 9000", "--name", "李娜", "--date", "tomorrow",
                       "--slot", "11:00"});
  ASSERT_FALSE(c.contains("error")) << c.dump();
  const std::string ref = a["ref"], cancelled = c["ref"];
  ASSERT_EQ(desk_.Desk({"cancel", cancelled, "--reason", "changed plans"}).exit_code, 0);

  struct Refusal {
    std::vector<std::string> args;
    int exit_code;
    std::string error;
  };
  const std::vector<Refusal> refusals = {
      {{"assign", ref},
       1,
       "outpost-edge: invalid input: assign: nothing to change; give --advisor, --bay or --team\n"},
      {{"assign", ref, "--advisor", "SA Wang"},
       1,
       "outpost-edge: invalid input: advisor: booking " + ref +
           " already has advisor 'SA Wang'; nothing to change\n"},
      {{"assign", ref, "--bay", ""},
       1,
       "outpost-edge: invalid input: bay: empty; give who or what to assign (an assignment is"
       " replaced, not cleared)\n"},
      {{"assign", cancelled, "--advisor", "SA Li"},
       2,
       "outpost-edge: refused: booking " + cancelled +
           " is cancelled: a final booking is not assigned\n"},
      {{"assign", "261124-9", "--advisor", "SA Li"}, 1, ""},
  };
  for (const Refusal& r : refusals) {
    ProcessResult out = desk_.Desk(r.args);
    EXPECT_EQ(out.exit_code, r.exit_code) << r.args[1] << " " << out.err;
    if (!r.error.empty()) {
      EXPECT_EQ(out.err, r.error);
    }
    EXPECT_TRUE(out.out.empty()) << out.out;
  }
  ProcessResult too_long = desk_.Desk({"assign", ref, "--team", std::string(61, 'x')});
  EXPECT_EQ(too_long.exit_code, 1);
  EXPECT_NE(too_long.err.find("team"), std::string::npos) << too_long.err;
  ProcessResult bad_book =
      desk_.Desk({"book", "--phone", "137 0013 7000", "--name", "张强", "--date", "tomorrow",
                  "--slot", "14:00", "--bay", std::string(21, '9')});
  EXPECT_EQ(bad_book.exit_code, 1);
  EXPECT_NE(bad_book.err.find("bay"), std::string::npos) << bad_book.err;
  // Nothing written: the bookings' histories as they were, no third booking.
  EXPECT_EQ(HistoryLength(ref), 1);
  EXPECT_EQ(HistoryLength(cancelled), 2);
  EXPECT_EQ(desk_.Json({"prep"})["bookings"].size(), 1u);
  // A bad date for the list is named.
  ProcessResult bad_date = desk_.Desk({"prep", "--date", "2026-02-30"});
  EXPECT_EQ(bad_date.exit_code, 1);
  EXPECT_NE(bad_date.err.find("date"), std::string::npos) << bad_date.err;
}

}  // namespace
}  // namespace outpost::testing
