#include "sync/model/waitlist.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "sync/clock.h"
#include "sync/model/testing.h"

namespace outpost::model {
namespace {

using nlohmann::json;

WaitlistEntry Sample() {
  WaitlistEntry e;
  e.id = "w-1";
  e.store_id = "S1";
  e.customer_id = "c-1";
  e.vehicle_id = "v-1";
  e.service = "maintenance";
  e.date_from = "2026-11-24";
  e.date_to = "2026-11-27";
  e.preferred_times = {"08:30", "10:00"};
  e.tier = "vip";
  e.auto_book = true;
  e.created_at = "2026-11-23T01:00:00.000Z";
  e.staff = "SA Zhang";
  e.status = "waiting";
  e.updated_at = e.created_at;
  return e;
}

TEST(WaitlistModelTest, RoundTripAndUpdates) {
  const json fields = WaitlistInsertFields(Sample());
  EXPECT_EQ(fields.size(), 19u) << "an insert writes every key";
  EXPECT_TRUE(fields["offer_date"].is_null());
  auto back = ParseWaitlistEntry("w-1", fields);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(WaitlistInsertFields(back.value()), fields);
  EXPECT_EQ(WaitlistJson(back.value())["id"], "w-1");

  WaitlistUpdate offer;
  offer.status = "offered";
  offer.offer_date = "2026-11-24";
  offer.offer_time = "10:00";
  offer.offered_at = "2026-11-23T02:00:00.000Z";
  offer.hold_until = "2026-11-23T04:00:00.000Z";
  offer.reason = "a place freed";
  offer.updated_at = "2026-11-23T02:00:00.000Z";
  const json update = WaitlistUpdateFields(offer);
  EXPECT_EQ(update.size(), 7u);
  EXPECT_EQ(WaitlistUpdateFields(ParseWaitlistUpdate(update).value()), update);

  // The fold of insert and update (what the hub and replay hold) reads as the entry.
  json folded = fields;
  folded.update(update);
  auto entry = ParseWaitlistEntry("w-1", folded);
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  WaitlistEntry applied = Sample();
  ApplyWaitlistUpdate(offer, applied);
  EXPECT_EQ(WaitlistInsertFields(entry.value()), WaitlistInsertFields(applied));
  EXPECT_EQ(entry->hold_until, "2026-11-23T04:00:00.000Z");
}

TEST(WaitlistModelTest, OfferOrderIsTierThenWaitingTime) {
  EXPECT_EQ(WaitlistTierRank("vip"), 0);
  EXPECT_EQ(WaitlistTierRank("regular"), 1);
  EXPECT_EQ(WaitlistTierRank("new"), 2);
  EXPECT_EQ(WaitlistTierRank("gold"), -1);
  WaitlistEntry early_regular = Sample(), late_vip = Sample(), late_regular = Sample();
  early_regular.id = "a";
  early_regular.tier = "regular";
  early_regular.created_at = "2026-11-20T01:00:00.000Z";
  late_vip.id = "b";
  late_vip.created_at = "2026-11-22T01:00:00.000Z";
  late_regular.id = "c";
  late_regular.tier = "regular";
  late_regular.created_at = "2026-11-21T01:00:00.000Z";
  std::vector<WaitlistEntry> line = {late_regular, early_regular, late_vip};
  std::sort(line.begin(), line.end(), WaitlistOrder);
  EXPECT_EQ(line[0].id, "b");  // the tier first
  EXPECT_EQ(line[1].id, "a");  // then whoever waited longer
  EXPECT_EQ(line[2].id, "c");
}

TEST(WaitlistModelTest, AHoldRunsOutAtItsInstantWhateverItsTextForm) {
  WaitlistEntry e = Sample();
  e.status = "offered";
  e.hold_until = "2026-11-23T03:00:00Z";  // no fraction: compared as an instant, not as text
  const int64_t until = ParseUtcMs("2026-11-23T03:00:00.000Z").value();
  EXPECT_FALSE(HoldRanOut(e, until - 1));
  EXPECT_TRUE(HoldRanOut(e, until));
  e.status = "waiting";
  EXPECT_FALSE(HoldRanOut(e, until)) << "only an offer is held";
}

TEST(WaitlistModelTest, EachBadFieldIsNamed) {
  const json good = WaitlistInsertFields(Sample());
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
           {"store_id", nullptr},
           {"customer_id", 1},
           {"vehicle_id", 2},
           {"service", nullptr},
           {"date_from", "2026-13-01"},
           {"date_to", "next week"},
           {"preferred_times", "08:30"},
           {"preferred_times", json::array({"25:00"})},
           {"tier", "gold"},
           {"auto_book", "yes"},
           {"created_at", "yesterday"},
           {"created_at", nullptr},
           {"staff", 3},
           {"status", "pending"},
           {"status", nullptr},
           {"offer_date", "24/11"},
           {"offer_time", "10"},
           {"offered_at", "2026-11-23"},
           {"hold_until", "soon"},
           {"booking_id", 4},
           {"reason", 5},
           {"updated_at", "0"},
       }) {
    json bad = good;
    bad[field] = value;
    ExpectNamed(ParseWaitlistEntry("w-1", bad).status(), "waitlist: " + field + ":");
  }
  ExpectNamed(ParseWaitlistEntry("w-1", json::array()).status(), "waitlist: fields:");
  // Bad timestamps in an update are refused too, never read as 0.
  ExpectNamed(ParseWaitlistUpdate({{"hold_until", "tomorrow"}}).status(), "waitlist: hold_until:");
  ExpectNamed(ParseWaitlistUpdate({{"status", "maybe"}}).status(), "waitlist: status:");
}

TEST(WaitlistModelTest, TheStatusMustHaveWhatItPromises) {
  json backwards = WaitlistInsertFields(Sample());
  backwards["date_to"] = "2026-11-20";
  ExpectNamed(ParseWaitlistEntry("w-1", backwards).status(), "waitlist: date_to:");
  json offered = WaitlistInsertFields(Sample());
  offered["status"] = "offered";
  offered["offer_date"] = "2026-11-24";
  offered["offer_time"] = "10:00";
  offered["offered_at"] = "2026-11-23T02:00:00.000Z";
  ExpectNamed(ParseWaitlistEntry("w-1", offered).status(), "waitlist: hold_until:");
  json booked = WaitlistInsertFields(Sample());
  booked["status"] = "booked";
  ExpectNamed(ParseWaitlistEntry("w-1", booked).status(), "waitlist: booking_id:");
}

}  // namespace
}  // namespace outpost::model
