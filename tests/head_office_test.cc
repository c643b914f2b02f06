// Head office (the call centre) cancelling and moving a store's bookings:
// a real store, a real hub, the store's real sync steps and sealed envelopes.
// What physically happened at the store wins (docs/CONFLICTS.md).
#include <gtest/gtest.h>

#include "edge/replay.h"
#include "sync/changelog.h"
#include "tests/hub_and_stores.h"
#include "tests/store_file.h"

namespace outpost {
namespace {

using nlohmann::json;

class HeadOfficeTest : public testing::HubAndStores {
 protected:
  void SetUp() override {
    OpenSites({"S1"});
    store_ = stores_["S1"].get();
  }

  edge::Booking Book(const std::string& phone, const std::string& name, const std::string& time,
                     const std::string& date = "2026-11-23") {
    edge::BookingRequest r;
    r.customer = phone;
    r.create_customer = edge::NewCustomer{name, {phone}};
    r.date = date;
    r.time = time;
    r.staff = "SA Zhang";
    auto b = store_->Book(r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.value();
  }
  std::string Round() { return HubAndStores::Round("S1"); }
  void Sync() {
    for (int i = 0; i < 3; ++i) Round();
  }
  int64_t Queue(const std::string& kind, const std::string& booking,
                json details = json::object()) {
    details["reason"] = details.value("reason", "customer called");
    auto seq = hub_->QueueBookingChange("S1", kind, booking, details, "CC Li");
    EXPECT_TRUE(seq.ok()) << seq.status().ToString();
    return seq.ok() ? seq.value() : -1;
  }
  // The test's own connection to S1's file (tests/store_file.h).
  std::unique_ptr<Db> StoreFile() { return testing::OpenStoreFile(dir_.File("S1.db")); }
  json RequestRow(int64_t seq) {
    auto db = StoreFile();
    auto st = db->Prepare(
                    "SELECT kind, outcome, coalesce(booking_id, ''),"
                    " coalesce(reason, ''), coalesce(case_ref, '') FROM"
                    " hub_requests WHERE seq = ?")
                  .value();
    st.Bind(1, seq);
    if (!st.Step().value()) return nullptr;
    return {{"kind", st.Text(0)},
            {"outcome", st.Text(1)},
            {"booking_id", st.Text(2)},
            {"reason", st.Text(3)},
            {"case", st.Text(4)}};
  }
  std::string HubStatus(const std::string& booking_id) {
    const json fields = HubEntityFields("booking", booking_id);
    return fields.is_object() ? fields.value("status", "") : "";
  }

  // The change log explains every table row (verify), and a store rebuilt
  // from the log alone knows the same answers to head office's requests.
  void ExpectLogExplainsStore() {
    auto store_file = StoreFile();
    auto check = edge::CheckStoreState(*store_file);
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    EXPECT_TRUE(check->differences.empty()) << check->differences[0].field;
    EXPECT_TRUE(check->unlogged.empty());
    edge::StoreSettings settings;
    settings.store_id = "S1";
    settings.name = "Store One";
    auto rebuilt = edge::Store::Create(dir_.File("rebuilt.db"), settings, clock_).value();
    auto rebuilt_file = testing::OpenStoreFile(dir_.File("rebuilt.db"));
    auto entries = ReadChanges(*store_file, 1, 100'000).value();
    for (const auto& e : entries) ASSERT_TRUE(edge::ReplayChange(*rebuilt_file, e).ok());
    // (A refused request changes nothing, so the log holds no trace of it:
    // rebuild marks such requests answered from the hub's cursor.)
    const char* sql =
        "SELECT group_concat(seq || kind || outcome || coalesce(booking_id, '') ||"
        " coalesce(case_ref, ''), ';') FROM (SELECT * FROM hub_requests WHERE"
        " outcome != 'refused' ORDER BY seq)";
    auto a = store_file->Prepare(sql).value();
    auto b = rebuilt_file->Prepare(sql).value();
    ASSERT_TRUE(a.Step().value() && b.Step().value());
    EXPECT_EQ(a.OptionalText(0).value_or(""), b.OptionalText(0).value_or(""));
  }

  edge::Store* store_ = nullptr;
};

TEST_F(HeadOfficeTest, ACancelFromTheCallCentreIsAppliedOnceAndReachesTheHub) {
  const edge::Booking b = Book("13800138000", "王伟", "14:00", "2026-11-24");
  Sync();
  const int64_t seq = Queue("cancel", b.ref, {{"reason", "car sold"}});
  const std::string answer = Round();
  EXPECT_TRUE(clients_["S1"]->HandleReply(answer).value());  // delivered twice: applied once
  const edge::Booking now = store_->GetBooking(b.id).value();
  EXPECT_EQ(now.status, BookingStatus::kCancelled);
  EXPECT_EQ(now.cancel_reason.value_or(""), "car sold");
  EXPECT_EQ(RequestRow(seq)["outcome"], "applied");
  EXPECT_EQ(RequestRow(seq)["booking_id"], b.id);
  auto history = store_->History(b.id).value();
  EXPECT_EQ(history.back().staff, "call centre: CC Li");
  EXPECT_TRUE(store_->Cases(true).value().empty());
  Sync();
  EXPECT_EQ(HubStatus(b.id), "cancelled");
  ExpectLogExplainsStore();
}

TEST_F(HeadOfficeTest, ACustomerWhoCheckedInIsNotCancelledByTheCallCentre) {
  const edge::Booking b = Book("13800138000", "王伟", "10:00");
  Sync();
  // At the store the customer walks in (not yet synced); meanwhile the call
  // centre, on an old message, cancels.
  ASSERT_TRUE(store_->CheckIn(b.ref, "SA Zhang").ok());
  const int64_t seq = Queue("cancel", b.ref);
  const std::string answer = Round();
  EXPECT_TRUE(clients_["S1"]->HandleReply(answer).value());
  EXPECT_EQ(store_->GetBooking(b.id).value().status, BookingStatus::kCheckedIn);
  const json row = RequestRow(seq);
  EXPECT_EQ(row["outcome"], "overruled");
  EXPECT_NE(row["reason"].get<std::string>().find("checked-in"), std::string::npos) << row.dump();
  auto cases = store_->Cases(true).value();
  ASSERT_EQ(cases.size(), 1u) << "one case, however often the request arrives";
  EXPECT_EQ(cases[0].kind, "contradicting-status");
  EXPECT_EQ(cases[0].ref, row["case"]);
  EXPECT_EQ(cases[0].source, "call-centre request " + std::to_string(seq));
  ASSERT_EQ(cases[0].contacts.size(), 1u);
  EXPECT_EQ(cases[0].contacts[0].name, "王伟");
  EXPECT_NE(cases[0].contacts[0].why.find("they came in"), std::string::npos);
  // The hub learns both: the booking is checked in, and the case says why the
  // cancel was not applied.
  Sync();
  EXPECT_EQ(HubStatus(b.id), "checked-in");
  const json hub_case = HubEntityFields("case");
  ASSERT_TRUE(hub_case.is_object());
  EXPECT_EQ(hub_case.value("kind", ""), "contradicting-status");
  EXPECT_EQ(hub_case.value("hub_request_seq", int64_t{-1}), seq);
  ExpectLogExplainsStore();
}

TEST_F(HeadOfficeTest, AMoveIntoAFullSlotIsKeptAndTheSlotSettledWithACase) {
  // Two places at 14:00 tomorrow, both taken; a third customer at 10:00.
  Book("13800138001", "甲", "14:00", "2026-11-24");
  Book("13800138002", "乙", "14:00", "2026-11-24");
  const edge::Booking third = Book("13800138003", "丙", "10:00", "2026-11-24");
  Sync();
  const int64_t seq = Queue("reschedule", third.ref, {{"date", "2026-11-24"}, {"slot", "14:00"}});
  Round();
  const json row = RequestRow(seq);
  ASSERT_EQ(row["outcome"], "applied") << row.dump();
  EXPECT_EQ(store_->GetBooking(third.id).value().status, BookingStatus::kRescheduled);
  const edge::Booking moved = store_->GetBooking(row["booking_id"].get<std::string>()).value();
  EXPECT_EQ(moved.slot_time, "14:00");
  auto cases = store_->Cases(true).value();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].kind, "over-capacity");
  EXPECT_EQ(cases[0].source, "call-centre request " + std::to_string(seq));
  // Every booking kept; exactly one of the three waits for a new slot.
  int flagged = 0;
  const edge::Board board = store_->DayBoard("2026-11-24").value();
  for (const auto& b : board.needs_reschedule) {
    flagged += b.slot_time == "14:00";
  }
  EXPECT_EQ(flagged, 1);
  ExpectLogExplainsStore();
}

TEST_F(HeadOfficeTest, HeadOfficeClosesACaseItHandledUnlessABookingStillNeedsASlot) {
  // A contradicting-status case the call centre then sorts out on the phone.
  const edge::Booking b = Book("13800138000", "王伟", "10:00");
  Sync();
  ASSERT_TRUE(store_->CheckIn(b.ref, "SA Zhang").ok());
  Queue("cancel", b.ref);
  Sync();
  auto cases = store_->Cases(true).value();
  ASSERT_EQ(cases.size(), 1u);
  auto queued = hub_->QueueCaseResolution(cases[0].ref, "", "called him: he did come", "CC Li");
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  EXPECT_EQ(queued->first, "S1");
  Round();
  const edge::ConflictCase closed = store_->GetCase(cases[0].ref).value();
  EXPECT_EQ(closed.status, "resolved");
  EXPECT_EQ(closed.resolved_by.value_or(""), "call centre: CC Li");
  EXPECT_EQ(closed.resolution.value_or(""), "called him: he did come");
  EXPECT_EQ(RequestRow(queued->second)["outcome"], "applied");
  Sync();
  // Head office reads what the store made of each: the cancel overruled by
  // the check-in, the case closed as asked.
  auto asked = RequestsAtHub("S1");
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[0].state, "overruled");
  EXPECT_EQ(asked[0].outcome, "overruled by the store: case " + cases[0].ref);
  EXPECT_EQ(asked[1].state, "applied");
  EXPECT_EQ(asked[1].outcome, "case " + cases[0].ref + " resolved");
  EXPECT_EQ(hub_->QueueCaseResolution(cases[0].ref, "", "again", "CC Li").status().code(),
            StatusCode::kRefused);  // head office sees it resolved

  // An over-full slot's case is closed only once nobody waits for a new slot.
  Book("13800138001", "甲", "14:00", "2026-11-24");
  Book("13800138002", "乙", "14:00", "2026-11-24");
  const edge::Booking third = Book("13800138003", "丙", "10:00", "2026-11-24");
  Sync();
  Queue("reschedule", third.ref, {{"date", "2026-11-24"}, {"slot", "14:00"}});
  Sync();
  auto full = store_->Cases(true).value();
  ASSERT_EQ(full.size(), 1u);
  auto early = hub_->QueueCaseResolution(full[0].ref, "S1", "told everyone", "CC Li");
  ASSERT_TRUE(early.ok());
  Round();
  EXPECT_EQ(store_->GetCase(full[0].ref)->status, "open");
  EXPECT_EQ(RequestRow(early->second)["outcome"], "refused");
  EXPECT_EQ(RequestRow(early->second)["kind"], "resolve-case");
  EXPECT_NE(RequestRow(early->second)["reason"].get<std::string>().find("needs rescheduling"),
            std::string::npos);
  Sync();
  const hub::queries::RequestOutcome refused = RequestsAtHub("S1").back();
  EXPECT_EQ(refused.state, "refused");
  EXPECT_NE(refused.outcome.find("refused at the store: "), std::string::npos) << refused.outcome;
  EXPECT_NE(refused.outcome.find("needs rescheduling"), std::string::npos) << refused.outcome;
  ExpectLogExplainsStore();
}

TEST_F(HeadOfficeTest, AMoveOfABookingTheStoreAlreadyMovedIsOverruled) {
  const edge::Booking b = Book("13800138000", "王伟", "10:00", "2026-11-24");
  Sync();
  ASSERT_TRUE(
      store_->Reschedule(b.ref, "2026-11-25", "11:00", "customer phoned the store", "SA Zhang")
          .ok());
  const int64_t seq = Queue("reschedule", b.ref, {{"date", "2026-11-24"}, {"slot", "15:00"}});
  Round();
  EXPECT_EQ(RequestRow(seq)["outcome"], "overruled");
  auto cases = store_->Cases(true).value();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_NE(cases[0].contacts[0].why.find("ask which booking they want"), std::string::npos);
  // Nothing was booked at 15:00.
  const edge::Board board = store_->DayBoard("2026-11-24").value();
  for (const auto& slot : board.slots) {
    if (slot.time == "15:00") {
      EXPECT_TRUE(slot.bookings.empty());
    }
  }
}

TEST_F(HeadOfficeTest, HeadOfficeCanOnlyAskAboutBookingsItKnows) {
  auto unknown = hub_->QueueBookingChange("S1", "cancel", "261124-9", {{"reason", "x"}}, "CC Li");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  const edge::Booking b = Book("13800138000", "王伟", "10:00", "2026-11-24");
  Sync();
  auto no_slot =
      hub_->QueueBookingChange("S1", "reschedule", b.ref, {{"date", "2026-11-25"}}, "CC Li");
  EXPECT_EQ(no_slot.status().code(), StatusCode::kInvalidInput);
  auto no_staff = hub_->QueueBookingChange("S1", "cancel", b.ref, {{"reason", "x"}}, "");
  EXPECT_EQ(no_staff.status().code(), StatusCode::kInvalidInput);
}

// The call centre checks a promise with the store's own rules before making
// it: against the calendar the store last synced (sync/store_calendar.h).
TEST_F(HeadOfficeTest, ARequestIsCheckedWithTheStoresRulesBeforeItIsQueued) {
  auto queue = [&](const std::string& phone, const std::string& date, const std::string& slot) {
    return hub_->QueueBooking(
        "S1", {{"phone", phone}, {"name", "王伟"}, {"date", date}, {"slot", slot}}, "CC Li");
  };
  auto outbox = [&] { return HubCount("hub_outbox"); };
  // Before the store has synced its calendar, a relative date cannot be resolved.
  auto early = queue("13800138000", "tomorrow", "10:00");
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.status().message().find("date: 'tomorrow' is relative, and head office does"
                                          " not know S1's time zone yet"),
            std::string::npos)
      << early.status().message();
  ASSERT_TRUE(store_->AddClosedDate("2026-12-01", "stocktaking", "SA Zhang").ok());
  Sync();

  struct Refusal {
    std::string phone, date, slot, says;
    StatusCode code;
  };
  const Refusal refusals[] = {
      {"1380013800", "2026-11-24", "10:00", "phone: '1380013800'", StatusCode::kInvalidInput},
      {"13800138000", "2026-11-31", "10:00", "date: '2026-11-31'", StatusCode::kInvalidInput},
      {"13800138000", "2026-11-24", "12:30",
       "S1 cannot take it: slot: '12:30' is not in the grid (08:30, 10:00, 11:00, 14:00, 15:00,"
       " 16:00)",
       StatusCode::kInvalidInput},
      {"13800138000", "2026-12-01", "10:00",
       "S1 cannot take it: store is closed on 2026-12-01: stocktaking", StatusCode::kRefused},
      {"13800138000", "2026-11-22", "10:00",
       "S1 cannot take it: date: '2026-11-22' is in the past (today is 2026-11-23)",
       StatusCode::kInvalidInput},
      {"13800138000", "today", "08:30",
       "S1 cannot take it: slot 2026-11-23 08:30 has already started", StatusCode::kRefused},
  };
  for (const auto& r : refusals) {
    auto refused = queue(r.phone, r.date, r.slot);
    ASSERT_FALSE(refused.ok()) << r.date << " " << r.slot;
    EXPECT_EQ(refused.status().code(), r.code) << refused.status().ToString();
    EXPECT_NE(refused.status().message().find(r.says), std::string::npos)
        << refused.status().message();
  }
  EXPECT_EQ(outbox(), 0) << "a refused request was queued";

  // Promised on Sunday for "tomorrow": Monday, fixed when promised, however
  // late the store hears of it. Delivered on Tuesday, it is not Wednesday's.
  clock_.Set(ParseUtcMs("2026-11-29T02:00:00Z").value());  // Sunday 10:00 in Shanghai
  auto sunday = queue("138 0013 8000", "tomorrow", "10:00");
  ASSERT_TRUE(sunday.ok()) << sunday.status().ToString();
  EXPECT_EQ(sunday->request.date, "2026-11-30");
  EXPECT_EQ(sunday->request.phone, "+8613800138000");
  EXPECT_TRUE(sunday->checked_with_store_rules);
  clock_.Set(ParseUtcMs("2026-12-01T02:00:00Z").value());  // Tuesday
  Sync();
  json row = RequestRow(sunday->seq);
  ASSERT_EQ(row["outcome"], "booked") << row.dump();  // as promised, judged as of the call
  auto store_file = StoreFile();
  auto date = store_file->Prepare("SELECT slot_date FROM bookings WHERE id = ?").value();
  date.Bind(1, row["booking_id"].get<std::string>());
  ASSERT_TRUE(date.Step().value());
  EXPECT_EQ(date.Text(0), "2026-11-30");
  auto wednesday = store_->DayBoard("2026-12-02");
  ASSERT_TRUE(wednesday.ok());
  for (const auto& slot : wednesday->slots) EXPECT_TRUE(slot.bookings.empty()) << slot.time;
}

// The call centre books the same visit twice: the store books it once and its
// answer to the second request, "already booked (ref)", reaches head office.
TEST_F(HeadOfficeTest, ARepeatOfABookedRequestIsAnsweredAlreadyBooked) {
  Sync();
  const json request = {
      {"phone", "13800138000"}, {"name", "王伟"}, {"date", "2026-11-24"}, {"slot", "10:00"}};
  auto first = hub_->QueueBooking("S1", request, "CC Li");
  auto second = hub_->QueueBooking("S1", request, "CC Wang");
  ASSERT_TRUE(first.ok() && second.ok());
  Sync();
  json a = RequestRow(first->seq), b = RequestRow(second->seq);
  EXPECT_EQ(a["outcome"], "booked");
  EXPECT_EQ(b["outcome"], "booked");
  EXPECT_EQ(b["booking_id"], a["booking_id"]);  // one booking
  auto store_file = StoreFile();
  auto ref = store_file->Prepare("SELECT ref FROM bookings WHERE id = ?").value();
  ref.Bind(1, a["booking_id"].get<std::string>());
  ASSERT_TRUE(ref.Step().value());
  const json answer = HubEntityFields("request", "S1:" + std::to_string(second->seq));
  ASSERT_TRUE(answer.is_object()) << "the store's answer did not reach head office";
  EXPECT_EQ(answer.value("outcome", ""), "booked");
  EXPECT_EQ(answer.value("reason", ""), "already booked (" + ref.Text(0) + ")");
  ExpectLogExplainsStore();
}

}  // namespace
}  // namespace outpost
