#include "sync/model/booking.h"

#include <gtest/gtest.h>

namespace outpost::model {
namespace {

using nlohmann::json;

Booking Sample() {
  Booking b;
  b.id = "0190a1b2-0000-8000-8000-000000000001";
  b.ref = "261124-3";
  b.store_id = "S1";
  b.customer_id = "c-1";
  b.service = "maintenance";
  b.slot_date = "2026-11-24";
  b.slot_time = "10:00";
  b.channel = Channel::kCallCentre;
  b.staff = "SA Zhang";
  b.requested_at = b.created_at = b.updated_at = "2026-11-23T01:00:00.000Z";
  b.discount_eligible = true;
  b.form_id = "F-7";
  b.hub_request_seq = 4;
  return b;
}

TEST(BookingModelTest, AnInsertReadsBackAsTheBookingMade) {
  const Booking made = Sample();
  const json fields = BookingInsertFields(made);
  // The log format: nullable fields always written, the later ones never.
  EXPECT_TRUE(fields["vehicle_id"].is_null());
  EXPECT_TRUE(fields["rescheduled_from"].is_null());
  EXPECT_FALSE(fields.contains("import_batch"));
  EXPECT_FALSE(fields.contains("arrived_at"));
  EXPECT_FALSE(fields.contains("id"));
  EXPECT_EQ(fields["hub_request_seq"], 4);
  auto back = ParseBooking(made.id, fields);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(BookingJson(back.value()), BookingJson(made));
  EXPECT_EQ(back->hub_request_seq, 4);
}

TEST(BookingModelTest, AnUpdateCarriesOnlyWhatChanged) {
  BookingUpdate u;
  u.status = BookingStatus::kCheckedIn;
  u.arrived_at = "2026-11-24T02:00:00.000Z";
  u.discount_applied = false;
  const json fields = BookingUpdateFields(u);
  EXPECT_EQ(fields, json({{"status", "checked-in"},
                          {"arrived_at", "2026-11-24T02:00:00.000Z"},
                          {"discount_applied", false}}));
  auto back = ParseBookingUpdate(fields);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(BookingUpdateFields(back.value()), fields);

  // Folded by key, as the hub and replay do, the state reads as the update applied.
  Booking b = Sample();
  json state = BookingInsertFields(b);
  state.update(fields);
  ApplyBookingUpdate(back.value(), b);
  auto folded = ParseBooking(b.id, state);
  ASSERT_TRUE(folded.ok()) << folded.status().ToString();
  EXPECT_EQ(BookingJson(folded.value()), BookingJson(b));
  EXPECT_EQ(folded->status, BookingStatus::kCheckedIn);
}

TEST(BookingModelTest, EachBadFieldIsNamed) {
  const json good = BookingInsertFields(Sample());
  const std::vector<std::pair<std::string, json>> bad = {{"ref", 7},
                                                         {"store_id", nullptr},
                                                         {"customer_id", json::array()},
                                                         {"vehicle_id", 3},
                                                         {"service", false},
                                                         {"slot_date", "2026-11-31"},
                                                         {"slot_time", "25:00"},
                                                         {"channel", "pigeon"},
                                                         {"status", "lost"},
                                                         {"notes", 1},
                                                         {"staff", nullptr},
                                                         {"requested_at", 1},
                                                         {"created_at", nullptr},
                                                         {"updated_at", 2},
                                                         {"priority_reception", "yes"},
                                                         {"discount_eligible", nullptr},
                                                         {"rescheduled_from", 1},
                                                         {"form_id", 2},
                                                         {"import_batch", true},
                                                         {"hub_request_seq", "4"},
                                                         {"arrived_at", 5},
                                                         {"discount_applied", "no"},
                                                         {"needs_reschedule", 1}};
  for (const auto& [field, value] : bad) {
    json fields = good;
    fields[field] = value;
    auto parsed = ParseBooking("b", fields);
    ASSERT_FALSE(parsed.ok()) << field;
    EXPECT_NE(parsed.status().message().find("booking: " + field + ":"), std::string::npos)
        << parsed.status().message();
  }
  auto not_object = ParseBooking("b", json::array());
  ASSERT_FALSE(not_object.ok());
  EXPECT_NE(not_object.status().message().find("booking: fields:"), std::string::npos);
  auto bad_update = ParseBookingUpdate({{"status", "gone"}});
  ASSERT_FALSE(bad_update.ok());
  EXPECT_NE(bad_update.status().message().find("booking: status:"), std::string::npos);
}

}  // namespace
}  // namespace outpost::model
