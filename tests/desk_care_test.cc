// Care calls and purchases as staff use them (docs/FOLLOWUP.md "Care calls and
// purchases"): the real outpost-edge binary on a temporary store, its clock
// pinned (OUTPOST_NOW): the date flags, customer show, the sweep, purchase,
// and each refusal's one line naming field, value and reason.
#include <gtest/gtest.h>

#include "tests/desk_harness.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

class DeskCareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult init = desk_.Desk({"init", "--store-id", "SH-PUDONG", "--name", "浦东服务中心"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
  DeskHarness desk_;  // Monday 2026-11-23, 09:00 Shanghai
};

TEST_F(DeskCareTest, DatesAreTakenShownAndSweptIntoCareCalls) {
  json added =
      desk_.Json({"customer", "add", "--name", "王伟", "--phone", "13800138000", "--opt-in",
                  "--channel", "call", "--birthday", "11-25", "--plate", "京A12345",
                  "--inspection-due", "2026-12-20", "--insurance-due", "2027-06-01"});
  ASSERT_FALSE(added.contains("error")) << added.dump();
  EXPECT_EQ(added["birthday"], "11-25");
  EXPECT_EQ(added["vehicles"][0]["inspection_due"], "2026-12-20");
  EXPECT_EQ(added["vehicles"][0]["insurance_due"], "2027-06-01");
  ProcessResult shown = desk_.Desk({"customer", "show", "13800138000"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("生日 birthday 11-25"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("年检 inspection due 2026-12-20  续保 insurance due 2027-06-01"),
            std::string::npos)
      << shown.out;

  json swept = desk_.Json({"tasks", "sweep"});
  ASSERT_EQ(swept["care"].size(), 2u) << swept.dump();
  EXPECT_EQ(swept["care"][0]["kind"], "care_birthday");
  EXPECT_EQ(swept["care"][1]["kind"], "care_inspection");
  EXPECT_EQ(desk_.Json({"tasks", "sweep"})["care"], json::array()) << "once per occasion";
  ProcessResult listed = desk_.Desk({"tasks"});
  EXPECT_NE(listed.out.find("生日关怀 care_birthday  王伟"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("年检提醒 care_inspection  王伟"), std::string::npos) << listed.out;

  // A corrected birthday: the old occasion's call cancelled, the new one made.
  ProcessResult updated = desk_.Desk({"customer", "update", "13800138000", "--birthday", "11-24"});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  swept = desk_.Json({"tasks", "sweep"});
  ASSERT_EQ(swept["cancelled"].size(), 1u) << swept.dump();
  EXPECT_EQ(swept["cancelled"][0]["reason"], "birthday changed to 11-24 (was 2026-11-25)");
  EXPECT_EQ(swept["care"][0]["due_by"], "2026-11-24");
}

TEST_F(DeskCareTest, BadDatesAreOneLineNamingFieldValueAndReason) {
  ProcessResult bad = desk_.Desk(
      {"customer", "add", "--name", "李娜", "--phone", "13800138001", "--birthday", "2001-02-29"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err,
            "outpost-edge: invalid input: birthday: '2001-02-29' is not a date (MM-DD, or "
            "YYYY-MM-DD)\n");
  ProcessResult vehicle = desk_.Desk({"customer", "add", "--name", "李娜", "--phone", "13800138001",
                                      "--plate", "京A22222", "--insurance-due", "2027-02-30"});
  EXPECT_EQ(vehicle.exit_code, 1);
  EXPECT_EQ(vehicle.err,
            "outpost-edge: invalid input: insurance_due: '2027-02-30' is not a date "
            "(YYYY-MM-DD)\n");
  EXPECT_EQ(desk_.Json({"customer", "find", "13800138001"}), json::array()) << "nothing written";
}

TEST_F(DeskCareTest, APurchaseMakesItsTwoCallsOnceAndRefusalsNameTheField) {
  ASSERT_EQ(desk_.Desk({"customer", "add", "--name", "赵强", "--phone", "13800138002"}).exit_code,
            0);
  json bought = desk_.Json({"purchase", "--customer", "13800138002", "--vin", "LFV2A21K6K3000001",
                            "--on", "2026-11-22", "--staff", "SA Wang"});
  ASSERT_FALSE(bought.contains("error")) << bought.dump();
  EXPECT_EQ(bought["purchased_on"], "2026-11-22");
  EXPECT_EQ(bought["after_purchase"]["due_from"], "2026-11-23");
  EXPECT_EQ(bought["after_purchase"]["due_by"], "2026-11-25");
  EXPECT_EQ(bought["after_purchase"]["owner"], "SA Wang");
  EXPECT_EQ(bought["run_in"]["due_from"], "2026-12-10");
  EXPECT_EQ(bought["run_in"]["due_by"], "2026-12-13");
  ProcessResult shown = desk_.Desk({"customer", "show", "13800138002"});
  EXPECT_NE(shown.out.find("购车 bought here 2026-11-22"), std::string::npos) << shown.out;
  ProcessResult listed = desk_.Desk({"tasks"});
  EXPECT_NE(listed.out.find("新车回访 after_purchase  赵强"), std::string::npos) << listed.out;

  ProcessResult again = desk_.Desk({"purchase", "--customer", "13800138002", "--vin",
                                    "LFV2A21K6K3000001", "--staff", "SA Wang"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("vehicle: VIN LFV2A21K6K3000001 was bought on 2026-11-22 already"),
            std::string::npos)
      << again.err;
  ProcessResult later =
      desk_.Desk({"purchase", "--customer", "13800138002", "--plate", "京A33333", "--on", "+2"});
  EXPECT_EQ(later.exit_code, 1);
  EXPECT_EQ(later.err,
            "outpost-edge: invalid input: on: 2026-11-25 is after today (2026-11-23): a purchase "
            "is recorded once made\n");
  ProcessResult none = desk_.Desk({"purchase", "--customer", "13800138002"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err,
            "outpost-edge: invalid input: vehicle: give the plate or VIN of the vehicle bought\n");
  EXPECT_EQ(desk_.Json({"tasks", "--all"}).size(), 2u) << "nothing written by the refusals";
}

}  // namespace
}  // namespace outpost::testing
