// An assignment (edge/prep.h) reaching head office: the booking's insert and
// its "assign" update are merged by key like any booking change, and the
// hub's codec still reads the booking (its typed row stays), so stores that
// assign and a hub that folds keep one view of the booking.
#include <gtest/gtest.h>

#include "edge/prep.h"
#include "sync/model/booking.h"
#include "tests/hub_and_stores.h"

namespace outpost {
namespace {

using nlohmann::json;

class TypedAssignmentTest : public testing::HubAndStores {
 protected:
  void SetUp() override { OpenSites({"S1"}); }
  json MergedAtHub(const std::string& id) {
    const std::string fields = testing::HubQueryValue(
        HubDb(), "SELECT fields FROM entities WHERE entity_id = " + testing::SqlLiteral(id));
    EXPECT_FALSE(fields.empty()) << id;
    return json::parse(fields, nullptr, false);
  }
  // The hub's typed rows, as its refresh behind ingest leaves them.
  int64_t TypedRows(const std::string& id) {
    EXPECT_TRUE(hub_->RefreshProfiles().ok());
    return std::stoll(testing::HubQueryValue(
        HubDb(),
        "SELECT count(*) FROM hub_bookings WHERE booking_id = " + testing::SqlLiteral(id)));
  }
};

TEST_F(TypedAssignmentTest, AnAssignedBookingAndItsReassignmentReachTheHub) {
  edge::BookingRequest r;
  r.customer = "13800138000";
  r.create_customer = edge::NewCustomer{"王伟", {"13800138000"}};
  r.date = "2026-11-24";
  r.time = "10:00";
  r.staff = "SA";
  r.advisor = "SA Wang";
  auto b = stores_["S1"]->Book(r);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  Round("S1");
  json merged = MergedAtHub(b->id);
  EXPECT_EQ(merged["advisor"], "SA Wang");
  EXPECT_FALSE(merged.contains("bay"));
  EXPECT_EQ(TypedRows(b->id), 1);

  edge::Assignment a;
  a.advisor = "SA Li";
  a.bay = "3";
  ASSERT_TRUE(stores_["S1"]->Assign(b->ref, a, "SA").ok());
  Round("S1");
  merged = MergedAtHub(b->id);
  auto at_hub = model::ParseBooking(b->id, merged);
  ASSERT_TRUE(at_hub.ok()) << at_hub.status().ToString();
  EXPECT_EQ(at_hub->advisor, "SA Li");
  EXPECT_EQ(at_hub->bay, "3");
  EXPECT_FALSE(at_hub->team.has_value());
  EXPECT_EQ(model::BookingJson(at_hub.value()),
            model::BookingJson(stores_["S1"]->GetBooking(b->ref).value()));
  EXPECT_EQ(TypedRows(b->id), 1);
}

}  // namespace
}  // namespace outpost
