// The waitlist as staff use it: the real outpost-edge binary on a temporary
// store, its clock pinned (OUTPOST_NOW).
#include <gtest/gtest.h>

#include "tests/desk_harness.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

class DeskWaitlistTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult init = desk_.Desk({"init", "--store-id", "SH-PUDONG", "--name", "浦东服务中心",
                                     "--slots", "10:00,15:00", "--capacity", "1"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
  json Book(const std::string& phone, const std::string& name, const std::string& slot) {
    json b = desk_.Json(
        {"book", "--phone", phone, "--name", name, "--date", "tomorrow", "--slot", slot});
    EXPECT_FALSE(b.contains("error")) << b.dump();
    return b;
  }
  DeskHarness desk_;  // Monday 2026-11-23, 09:00 Shanghai
};

TEST_F(DeskWaitlistTest, AddCancelABookingOfferAccept) {
  json taken = Book("13000000010", "满十点", "10:00");
  Book("13000000015", "满三点", "15:00");
  ASSERT_EQ(desk_
                .Desk({"customer", "add", "--name", "王伟", "--phone", "138 0013 8000", "--plate",
                       "京A·12345"})
                .exit_code,
            0);
  json added = desk_.Json({"waitlist", "add", "--customer", "13800138000", "--from", "tomorrow",
                           "--to", "+3", "--times", "morning", "--tier", "vip"});
  ASSERT_FALSE(added.contains("error")) << added.dump();
  EXPECT_EQ(added["status"], "waiting");
  EXPECT_EQ(added["date_from"], "2026-11-24");
  EXPECT_EQ(added["date_to"], "2026-11-26");
  EXPECT_EQ(added["preferred_times"], json::array({"10:00"}));
  EXPECT_EQ(added["plate"], "京A12345");  // their only vehicle
  const std::string entry = added["short_id"];

  // Before any offer run, the list shows the customer waiting, first in line.
  ProcessResult listed = desk_.Desk({"waitlist", "list"});
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.out.find(entry + "  等候 waiting  贵宾 vip  王伟"), std::string::npos)
      << listed.out;

  // The 10:00 booking is cancelled; the offer run offers it, held for 60 minutes.
  ASSERT_EQ(desk_.Desk({"cancel", taken["ref"], "--reason", "customer ill"}).exit_code, 0);
  ProcessResult offered = desk_.Desk({"waitlist", "offer", "--hold-minutes", "60"});
  ASSERT_EQ(offered.exit_code, 0) << offered.err;
  EXPECT_NE(offered.out.find("已通知 offered  " + entry + "  王伟"), std::string::npos)
      << offered.out;
  EXPECT_NE(offered.out.find("offered 2026-11-24 10:00, held until 2026-11-23 10:00"),
            std::string::npos)
      << offered.out;

  json accepted = desk_.Json({"waitlist", "accept", entry});
  ASSERT_FALSE(accepted.contains("error")) << accepted.dump();
  EXPECT_EQ(accepted["status"], "booked");
  const std::string ref = accepted["booking_ref"];
  json booking = desk_.Json({"booking", "show", ref});
  EXPECT_EQ(booking["slot_time"], "10:00") << booking.dump();
  EXPECT_EQ(booking["customer"]["name"], "王伟");
  EXPECT_EQ(booking["staff"], "SA Zhang");

  // Booked: off the open list, still in --all.
  EXPECT_EQ(desk_.Json({"waitlist", "list"}).size(), 0u);
  EXPECT_EQ(desk_.Json({"waitlist", "list", "--all"}).size(), 1u);
}

TEST_F(DeskWaitlistTest, BadInputAndRefusalsSayWhyWithTheirExitCodes) {
  ASSERT_EQ(desk_.Desk({"customer", "add", "--name", "王伟", "--phone", "13800138000"}).exit_code,
            0);
  ProcessResult backwards = desk_.Desk(
      {"waitlist", "add", "--customer", "13800138000", "--from", "+3", "--to", "tomorrow"});
  EXPECT_EQ(backwards.exit_code, 1);
  EXPECT_EQ(backwards.err,
            "outpost-edge: invalid input: date_to: '2026-11-24' is before date_from"
            " '2026-11-26'\n");
  ProcessResult off_grid = desk_.Desk({"waitlist", "add", "--customer", "13800138000", "--from",
                                       "tomorrow", "--to", "+2", "--times", "10:00,12:00"});
  EXPECT_EQ(off_grid.exit_code, 1);
  EXPECT_EQ(off_grid.err,
            "outpost-edge: invalid input: preferred_times: '12:00' is not a slot of the grid"
            " (10:00, 15:00), morning or afternoon\n");
  ProcessResult nobody = desk_.Desk(
      {"waitlist", "add", "--customer", "13999999999", "--from", "tomorrow", "--to", "+2"});
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_EQ(nobody.err,
            "outpost-edge: not found: customer: '13999999999' matches no customer; add them"
            " first\n");
  EXPECT_EQ(desk_.Json({"waitlist", "list", "--all"}).size(), 0u) << "nothing written";

  json added = desk_.Json(
      {"waitlist", "add", "--customer", "13800138000", "--from", "tomorrow", "--to", "+2"});
  ProcessResult no_offer = desk_.Desk({"waitlist", "accept", added["short_id"]});
  EXPECT_EQ(no_offer.exit_code, 2);
  EXPECT_NE(no_offer.err.find("is waiting: there is no offer to accept"), std::string::npos)
      << no_offer.err;
  ProcessResult bad_hold = desk_.Desk({"waitlist", "offer", "--hold-minutes", "0"});
  EXPECT_EQ(bad_hold.exit_code, 1);
  EXPECT_EQ(bad_hold.err, "outpost-edge: invalid input: hold_minutes: 0 must be 1 to 1440\n");
  json cancelled =
      desk_.Json({"waitlist", "cancel", added["short_id"], "--reason", "found another garage"});
  EXPECT_EQ(cancelled["status"], "cancelled");
  EXPECT_EQ(cancelled["reason"], "found another garage");
}

}  // namespace
}  // namespace outpost::testing
