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

// The log format before assignment existed: an unassigned booking's insert is
// these bytes exactly, so its entry hashes as it always did, and an old
// entry reads back with nothing assigned.
TEST(BookingModelTest, AnUnassignedInsertIsExactlyTheOldLogFormat) {
  const std::string old_format =
      R"({"channel":"call-centre","created_at":"2026-11-23T01:00:00.000Z",)"
      R"("customer_id":"c-1","discount_eligible":true,"form_id":"F-7","hub_request_seq":4,)"
      R"("notes":"","priority_reception":false,"ref":"261124-3",)"
      R"("requested_at":"2026-11-23T01:00:00.000Z","rescheduled_from":null,)"
      R"("service":"maintenance","slot_date":"2026-11-24","slot_time":"10:00",)"
      R"("staff":"SA Zhang","status":"requested","store_id":"S1",)"
      R"("updated_at":"2026-11-23T01:00:00.000Z","vehicle_id":null})";
  EXPECT_EQ(BookingInsertFields(Sample()).dump(), old_format);
  auto old = ParseBooking("b", json::parse(old_format));
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_FALSE(old->advisor || old->bay || old->team);
  // Shown to the desk as unassigned: null, not absent.
  EXPECT_TRUE(BookingJson(old.value())["advisor"].is_null());
  // An update that assigns nothing writes none of the three either.
  BookingUpdate cancel;
  cancel.status = BookingStatus::kCancelled;
  EXPECT_EQ(BookingUpdateFields(cancel).dump(), R"({"status":"cancelled"})");
}

TEST(BookingModelTest, AnAssignmentTravelsInTheInsertAndInAnUpdate) {
  Booking made = Sample();
  made.advisor = "SA Wang";
  made.team = "A组";
  const json fields = BookingInsertFields(made);
  EXPECT_EQ(fields["advisor"], "SA Wang");
  EXPECT_EQ(fields["team"], "A组");
  EXPECT_FALSE(fields.contains("bay"));  // unset: absent, never null
  auto back = ParseBooking(made.id, fields);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(BookingJson(back.value()), BookingJson(made));

  // Reassigned: only what changed is logged; the fold reads as applied.
  BookingUpdate u;
  u.advisor = "SA Li";
  u.bay = "3";
  u.updated_at = "2026-11-23T02:00:00.000Z";
  const json update = BookingUpdateFields(u);
  EXPECT_EQ(update,
            json({{"advisor", "SA Li"}, {"bay", "3"}, {"updated_at", u.updated_at.value()}}));
  auto parsed = ParseBookingUpdate(update);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(BookingUpdateFields(parsed.value()), update);
  json state = fields;
  state.update(update);
  ApplyBookingUpdate(parsed.value(), made);
  auto folded = ParseBooking(made.id, state);
  ASSERT_TRUE(folded.ok()) << folded.status().ToString();
  EXPECT_EQ(BookingJson(folded.value()), BookingJson(made));
  EXPECT_EQ(folded->advisor, "SA Li");
  EXPECT_EQ(folded->bay, "3");
  EXPECT_EQ(folded->team, "A组");
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
                                                         {"needs_reschedule", 1},
                                                         {"advisor", 1},
                                                         {"bay", false},
                                                         {"team", json::array()},
                                                         {"amount_fen", -1},
                                                         {"amount_fen", "680"}};
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
  auto bad_advisor = ParseBookingUpdate({{"advisor", 7}});
  ASSERT_FALSE(bad_advisor.ok());
  EXPECT_NE(bad_advisor.status().message().find("booking: advisor:"), std::string::npos);
}

// A completion's worth (issue 17): logged with the completion, folded in,
// and absent from everything before.
TEST(BookingModelTest, AnAmountTravelsInTheCompletingUpdate) {
  BookingUpdate u;
  u.status = BookingStatus::kCompleted;
  u.amount_fen = 68050;
  const json fields = BookingUpdateFields(u);
  EXPECT_EQ(fields["amount_fen"], 68050);
  auto back = ParseBookingUpdate(fields);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->amount_fen, 68050);
  EXPECT_FALSE(BookingUpdateFields(BookingUpdate{}).contains("amount_fen"));
}

TEST(BookingModelTest, AmountsInYuanAreFen) {
  const std::vector<std::pair<std::string, int64_t>> good = {
      {"680", 68000}, {"680.5", 68050}, {"680.50", 68050},          {"0", 0},
      {"0.01", 1},    {"00012", 1200},  {"10000000", kMaxAmountFen}};
  for (const auto& [text, fen] : good) {
    auto parsed = ParseAmountYuan(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed.value(), fen) << text;
  }
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"-5", "amount: '-5' is negative"},
      {"abc", "amount: 'abc' is not an amount in yuan"},
      {"", "amount: '' is not an amount in yuan"},
      {"680.", "amount: '680.' is not an amount in yuan"},
      {"1e3", "amount: '1e3' is not an amount in yuan"},
      {"680.505", "amount: '680.505' has more than two decimals"},
      {"10000000.01", "amount: '10000000.01' is more than 10000000 yuan"},
      {"99999999999999999999", "amount: '99999999999999999999' is more than 10000000 yuan"}};
  for (const auto& [text, message] : bad) {
    auto parsed = ParseAmountYuan(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().message().rfind(message, 0), 0u) << parsed.status().message();
  }
  EXPECT_EQ(FormatYuan(68050), "680.50");
  EXPECT_EQ(FormatYuan(5), "0.05");
  EXPECT_FALSE(CheckAmountFen(-1).ok());
  EXPECT_FALSE(CheckAmountFen(kMaxAmountFen + 1).ok());
  EXPECT_TRUE(CheckAmountFen(kMaxAmountFen).ok());
}

}  // namespace
}  // namespace outpost::model
