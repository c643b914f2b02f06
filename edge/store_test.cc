#include "edge/store.h"

#include <gtest/gtest.h>

#include "edge/replay.h"
#include "sync/changelog.h"
#include "sync/ids.h"
#include "sync/testing.h"
#include "tests/store_file.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

// Monday 2026-11-23, 09:00 in Shanghai.
constexpr const char* kMondayNine = "2026-11-23T01:00:00Z";

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreSettings settings;
    settings.store_id = "SH-PUDONG";
    settings.name = "浦东服务中心";
    settings.open_days = "123456";  // closed on Sundays
    auto store = Store::Create(dir_.File("store.db"), settings, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  BookingRequest Request(const std::string& phone, const std::string& name, const std::string& date,
                         const std::string& time) {
    BookingRequest r;
    r.customer = phone;
    r.create_customer = NewCustomer{name, {phone}};
    r.date = date;
    r.time = time;
    r.staff = "SA Zhang";
    return r;
  }

  // The test's own connection to the store's file (tests/store_file.h).
  std::unique_ptr<Db> StoreFile() { return testing::OpenStoreFile(dir_.File("store.db")); }

  int64_t Count(const std::string& table) {
    auto db = StoreFile();
    auto st = db->Prepare("SELECT count(*) FROM " + table).value();
    EXPECT_TRUE(st.Step().value());
    return st.Int(0);
  }

  testing::TempDir dir_;
  FixedClock clock_{ParseUtcMs(kMondayNine).value()};
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, BooksWithANewCustomerAndRecordsHistory) {
  auto r = Request("138 0013 8000", "王伟", "2026-11-24", "08:30");
  r.vehicle.plate = "京A·12345";
  auto b = store_->Book(r);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->ref, "261124-1");
  EXPECT_EQ(b->status, BookingStatus::kRequested);
  EXPECT_EQ(b->customer_name, "王伟");
  EXPECT_EQ(b->customer_phones, std::vector<std::string>{"+8613800138000"});
  EXPECT_EQ(b->plate, "京A12345");
  EXPECT_TRUE(b->priority_reception);  // a day ahead
  EXPECT_TRUE(b->discount_eligible);   // booked the day before, 08:30 < 10:00
  auto history = store_->History(b->id).value();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].action, "book");
  EXPECT_EQ(history[0].staff, "SA Zhang");
  EXPECT_FALSE(history[0].from_status.has_value());
  EXPECT_EQ(history[0].to_status, "requested");

  // The same customer found by any spelling of the phone or the plate.
  EXPECT_EQ(store_->ResolveCustomer("+86-138-0013-8000")->id, b->customer_id);
  EXPECT_EQ(store_->ResolveCustomer("京a12345")->id, b->customer_id);
  EXPECT_EQ(store_->ResolveCustomer(b->customer_id.substr(0, 13))->id, b->customer_id);
  EXPECT_EQ(store_->ResolveCustomer(ShortId(b->customer_id))->id, b->customer_id);  // as shown
}

TEST_F(StoreTest, SecondBookingOnTheSameDayGetsTheNextRef) {
  ASSERT_TRUE(store_->Book(Request("13800138000", "A", "2026-11-24", "10:00")).ok());
  auto b = store_->Book(Request("13900139000", "B", "2026-11-24", "14:00"));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->ref, "261124-2");
  EXPECT_EQ(store_->GetBooking("261124-2")->id, b->id);
}

TEST_F(StoreTest, AFullSlotRefusesTheThirdBookingAndWritesNothing) {
  ASSERT_TRUE(store_->Book(Request("13800138000", "A", "2026-11-24", "10:00")).ok());
  ASSERT_TRUE(store_->Book(Request("13900139000", "B", "2026-11-24", "10:00")).ok());
  const int64_t customers = Count("customers");
  auto third = store_->Book(Request("13700137000", "C", "2026-11-24", "10:00"));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), StatusCode::kRefused);
  EXPECT_EQ(third.status().message(), "slot 2026-11-24 10:00 is full (2 of 2 places taken)");
  EXPECT_EQ(Count("customers"), customers);  // the new customer was rolled back too
  EXPECT_EQ(Count("bookings"), 2);
}

TEST_F(StoreTest, ACancelledBookingFreesItsPlace) {
  auto a = store_->Book(Request("13800138000", "A", "2026-11-24", "10:00")).value();
  ASSERT_TRUE(store_->Book(Request("13900139000", "B", "2026-11-24", "10:00")).ok());
  ASSERT_TRUE(store_->Cancel(a.ref, "customer travelling", "SA Zhang").ok());
  EXPECT_TRUE(store_->Book(Request("13700137000", "C", "2026-11-24", "10:00")).ok());
  auto board = store_->DayBoard("2026-11-24").value();
  auto slot = std::find_if(board.slots.begin(), board.slots.end(),
                           [](const BoardSlot& s) { return s.time == "10:00"; });
  EXPECT_EQ(slot->bookings.size(), 2u);
  EXPECT_EQ(slot->free, 0);
  ASSERT_EQ(board.released.size(), 1u);
  EXPECT_EQ(board.released[0].cancel_reason, "customer travelling");
}

TEST_F(StoreTest, OneVehicleCannotHoldTwoPlacesInOneSlot) {
  auto r = Request("13800138000", "A", "2026-11-24", "10:00");
  r.vehicle.plate = "京A12345";
  ASSERT_TRUE(store_->Book(r).ok());
  BookingRequest again;
  again.customer = "13800138000";
  again.vehicle.plate = "京A·12345";
  again.date = "2026-11-24";
  again.time = "10:00";
  again.staff = "SA Li";
  auto dup = store_->Book(again);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kRefused);
  EXPECT_NE(dup.status().message().find("already has booking 261124-1"), std::string::npos);
}

TEST_F(StoreTest, RefusesSlotsOutsideTheGridTheCalendarOrTheNotice) {
  auto unknown = store_->Book(Request("13800138000", "A", "2026-11-24", "09:00"));
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(unknown.status().message().find("'09:00' is not in the grid"), std::string::npos);

  auto past = store_->Book(Request("13800138000", "A", "2026-11-20", "10:00"));
  EXPECT_EQ(past.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(past.status().message().find("in the past"), std::string::npos);

  auto sunday = store_->Book(Request("13800138000", "A", "2026-11-29", "10:00"));
  EXPECT_EQ(sunday.status().code(), StatusCode::kRefused);
  EXPECT_NE(sunday.status().message().find("closed on Sundays"), std::string::npos);

  ASSERT_TRUE(store_->AddClosedDate("2026-11-25", "staff training", "SA Li").ok());
  auto closed = store_->Book(Request("13800138000", "A", "2026-11-25", "10:00"));
  EXPECT_EQ(closed.status().message(), "store is closed on 2026-11-25: staff training");

  auto started = store_->Book(Request("13800138000", "A", "today", "08:30"));
  EXPECT_NE(started.status().message().find("already started"), std::string::npos);

  clock_.Set(ParseUtcMs("2026-11-23T01:45:00Z").value());  // 09:45 local
  auto short_notice = store_->Book(Request("13800138000", "A", "today", "10:00"));
  EXPECT_NE(short_notice.status().message().find("minutes' notice"), std::string::npos);
  auto walk_in = Request("13800138000", "A", "today", "10:00");
  walk_in.channel = "walk-in";
  auto ok = store_->Book(walk_in);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_FALSE(ok->priority_reception);  // 15 minutes ahead
  EXPECT_FALSE(ok->discount_eligible);   // same day
  EXPECT_EQ(Count("bookings"), 1);
}

TEST_F(StoreTest, BadInputIsRefusedNamingFieldAndValueAndWritesNothing) {
  BookingRequest unknown = Request("13800138000", "A", "2026-11-24", "10:00");
  unknown.create_customer.reset();
  auto not_found = store_->Book(unknown);
  EXPECT_EQ(not_found.status().code(), StatusCode::kNotFound);
  EXPECT_NE(not_found.status().message().find("matches no customer"), std::string::npos);
  BookingRequest r = Request("13800138000", "A", "2026-11-24", "10:00");
  r.create_customer->phones = {"12345"};
  auto created_bad = store_->Book(r);
  EXPECT_EQ(created_bad.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(created_bad.status().message(),
            "phone: '12345' is not a valid phone number (region CN)");

  r = Request("13800138000", "A", "2026-11-24", "10:00");
  r.vehicle.vin = "LFV2A21K0K3000001";
  EXPECT_NE(store_->Book(r).status().message().find("vin: 'LFV2A21K0K3000001' fails the check"),
            std::string::npos);
  r = Request("13800138000", "A\xff", "2026-11-24", "10:00");
  EXPECT_EQ(store_->Book(r).status().message(), "name: 'A\\xff' is not valid UTF-8");
  r = Request("13800138000", "A", "2026/11/24", "10:00");
  EXPECT_NE(store_->Book(r).status().message().find("date: '2026/11/24'"), std::string::npos);
  r = Request("13800138000", "A", "2026-11-24", "10:00");
  r.channel = "fax";
  EXPECT_EQ(store_->Book(r).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(Count("customers"), 0);
  EXPECT_EQ(Count("vehicles"), 0);
  EXPECT_EQ(Count("bookings"), 0);
  EXPECT_EQ(Count("booking_history"), 0);
}

TEST_F(StoreTest, WholeLifecycleWithArrivalPerks) {
  auto b = store_->Book(Request("13800138000", "A", "2026-11-24", "08:30")).value();
  ASSERT_TRUE(store_->Confirm(b.ref, "SA Zhang").ok());
  // Check-in is for the day of the booking only.
  auto early = store_->CheckIn(b.ref, "SA Zhang");
  EXPECT_EQ(early.status().code(), StatusCode::kRefused);
  clock_.Set(ParseUtcMs("2026-11-24T00:10:00Z").value());  // 08:10 local, Tuesday
  auto in = store_->CheckIn(b.ref, "SA Zhang");
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->discount_applied, true);
  EXPECT_EQ(in->arrival_perk, "breakfast");
  ASSERT_TRUE(store_->StartService(b.ref, "Tech Wu").ok());
  auto done = store_->Complete(b.ref, "SA Zhang");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, BookingStatus::kCompleted);
  auto illegal = store_->Cancel(b.ref, "changed mind", "SA Zhang");
  EXPECT_EQ(illegal.status().message(), "cannot go from 'completed' to 'cancelled'");
  auto history = store_->History(b.id).value();
  ASSERT_EQ(history.size(), 5u);
  EXPECT_EQ(history[2].action, "check-in");
  EXPECT_EQ(history[2].from_status, "confirmed");
  EXPECT_EQ(history[3].staff, "Tech Wu");
  // A completed booking still holds its place in the slot it was served in.
  EXPECT_EQ(store_->DayBoard("2026-11-24")->slots[0].free, 1);
}

TEST_F(StoreTest, CancelNeedsAReasonAndNoShowWaitsForTheSlot) {
  auto b = store_->Book(Request("13800138000", "A", "2026-11-24", "10:00")).value();
  auto no_reason = store_->Cancel(b.ref, "  ", "SA Zhang");
  EXPECT_EQ(no_reason.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(no_reason.status().message().find("reason"), std::string::npos);
  EXPECT_EQ(store_->NoShow(b.ref, "SA Zhang").status().code(), StatusCode::kRefused);
  clock_.Set(ParseUtcMs("2026-11-24T02:30:00Z").value());  // 10:30 local
  auto no_show = store_->NoShow(b.ref, "SA Zhang");
  ASSERT_TRUE(no_show.ok());
  EXPECT_EQ(no_show->status, BookingStatus::kNoShow);
}

TEST_F(StoreTest, RescheduleLinksBothBookingsAndMovesThePlace) {
  auto old = store_->Book(Request("13800138000", "A", "2026-11-24", "10:00")).value();
  auto moved = store_->Reschedule(old.ref, "2026-11-26", "15:00", "customer asked", "SA Li");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->ref, "261126-1");
  EXPECT_EQ(moved->rescheduled_from, old.id);
  EXPECT_EQ(moved->status, BookingStatus::kRequested);
  auto now_old = store_->GetBooking(old.ref).value();
  EXPECT_EQ(now_old.status, BookingStatus::kRescheduled);
  EXPECT_EQ(now_old.rescheduled_to, moved->id);
  EXPECT_EQ(store_->DayBoard("2026-11-24")->slots[1].free, 2);
  EXPECT_EQ(store_->DayBoard("2026-11-26")->slots[4].free, 1);
  // A rescheduled booking cannot be rescheduled again; the new one can.
  EXPECT_EQ(store_->Reschedule(old.ref, "2026-11-27", "10:00", "", "SA Li").status().code(),
            StatusCode::kRefused);
}

TEST_F(StoreTest, RescheduleIntoAFullSlotChangesNothing) {
  auto a = store_->Book(Request("13800138000", "A", "2026-11-24", "10:00")).value();
  ASSERT_TRUE(store_->Book(Request("13900139000", "B", "2026-11-24", "11:00")).ok());
  ASSERT_TRUE(store_->Book(Request("13700137000", "C", "2026-11-24", "11:00")).ok());
  auto moved = store_->Reschedule(a.ref, "2026-11-24", "11:00", "", "SA Li");
  EXPECT_EQ(moved.status().code(), StatusCode::kRefused);
  EXPECT_EQ(store_->GetBooking(a.ref)->status, BookingStatus::kRequested);
  EXPECT_EQ(Count("bookings"), 3);
}

TEST_F(StoreTest, CustomersAreNotDuplicatedSilently) {
  NewCustomer c{"李娜", {"13800138000"}, "vip-001"};
  ASSERT_TRUE(store_->AddCustomer(c, {"沪A12345", "", 12000}, "SA Li").ok());
  NewCustomer same_phone{"Li Na", {"+86 138 0013 8000"}};
  auto dup = store_->AddCustomer(same_phone, {}, "SA Li");
  EXPECT_EQ(dup.status().code(), StatusCode::kConflict);
  EXPECT_NE(dup.status().message().find("already belongs to 李娜"), std::string::npos);
  same_phone.allow_shared_phone = true;
  EXPECT_TRUE(store_->AddCustomer(same_phone, {}, "SA Li").ok());
  // Now the phone names two people: resolving it asks for the id instead of guessing.
  auto ambiguous = store_->ResolveCustomer("13800138000");
  EXPECT_EQ(ambiguous.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(ambiguous.status().message().find("matches 2 customers"), std::string::npos);

  NewCustomer same_member{"Other", {"13900139000"}, "VIP001"};
  EXPECT_EQ(store_->AddCustomer(same_member, {}, "SA Li").status().code(), StatusCode::kConflict);
  NewCustomer other{"Other", {"13900139000"}};
  auto plate_taken = store_->AddCustomer(other, {"沪A·12345", "", std::nullopt}, "SA Li");
  EXPECT_EQ(plate_taken.status().code(), StatusCode::kConflict);
  EXPECT_EQ(Count("customers"), 2);
}

TEST_F(StoreTest, ConsentChangesAndAddedPhonesAreKept) {
  ASSERT_TRUE(store_->AddCustomer({"A", {"13800138000"}, "", true}, {}, "SA").ok());
  ASSERT_TRUE(store_->AddCustomer({"B", {"13900139000"}}, {}, "SA").ok());
  CustomerUpdate update;
  update.do_not_disturb = true;
  update.add_phones = {"010-12345678"};
  auto c = store_->UpdateCustomer("13800138000", update, "SA");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->do_not_disturb);
  EXPECT_TRUE(c->contact_opt_in);  // untouched
  EXPECT_EQ(c->phones.size(), 2u);
  EXPECT_EQ(store_->ResolveCustomer("010 1234 5678")->id, c->id);
  CustomerUpdate steal;
  steal.add_phones = {"13900139000"};
  EXPECT_EQ(store_->UpdateCustomer("13800138000", steal, "SA").status().code(),
            StatusCode::kConflict);
  CustomerUpdate bad;
  bad.contact_opt_in = false;
  bad.add_phones = {"12345"};
  EXPECT_EQ(store_->UpdateCustomer("13800138000", bad, "SA").status().code(),
            StatusCode::kInvalidInput);
  EXPECT_TRUE(store_->ResolveCustomer("13800138000")->contact_opt_in);  // nothing written
}

// The customer's logged changes, oldest first.
std::vector<ChangeEntry> CustomerChanges(Db& db, const std::string& id) {
  std::vector<ChangeEntry> out;
  std::vector<ChangeEntry> all = ReadChanges(db, 1, 1000).value();
  for (auto& e : all) {
    if (e.entity == "customer" && e.entity_id == id) out.push_back(std::move(e));
  }
  return out;
}

TEST_F(StoreTest, AnOptOutIsLoggedEvenWhenTheCustomerNeverOptedIn) {
  auto c = store_->AddCustomer({"A", {"13800138000"}}, {}, "SA Zhang");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  for (const auto& channel : c->consent) EXPECT_EQ(channel.choice, ContactChoice::kNotAsked);
  // Nothing asked, nothing logged: the creation states no consent.
  auto log = CustomerChanges(*StoreFile(), c->id);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].fields_json.find("consent_"), std::string::npos) << log[0].fields_json;
  EXPECT_EQ(log[0].fields_json.find("contact_opt_in"), std::string::npos) << log[0].fields_json;

  // "Don't contact me": restates what the store holds, and is logged all the same.
  CustomerUpdate opt_out;
  opt_out.contact_opt_in = false;
  auto updated = store_->UpdateCustomer("13800138000", opt_out, "SA Zhang");
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  log = CustomerChanges(*StoreFile(), c->id);
  ASSERT_EQ(log.size(), 2u);
  const json fields = json::parse(log[1].fields_json);
  for (ContactChannel ch : kContactChannels) {
    auto said = ParseConsentStatement(fields[ConsentField(ch)]);
    ASSERT_TRUE(said) << log[1].fields_json;
    EXPECT_EQ(said->choice, ContactChoice::kOptedOut);
    EXPECT_EQ(said->staff, "SA Zhang");
    EXPECT_EQ(said->site, "SH-PUDONG");
    EXPECT_EQ(said->at, "2026-11-23T01:00:00.000Z");
    EXPECT_EQ(updated->consent[static_cast<int>(ch)].choice, ContactChoice::kOptedOut);
  }
  // Said again later: another statement, another entry, a newer clock.
  clock_.Advance(60'000);
  ASSERT_TRUE(store_->UpdateCustomer("13800138000", opt_out, "SA Li").ok());
  log = CustomerChanges(*StoreFile(), c->id);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_GT(log[2].hlc, log[1].hlc);
  EXPECT_NE(log[2].fields_json.find("SA Li"), std::string::npos);
  // One channel only; and a restated do-not-disturb is a statement too.
  CustomerUpdate sms_in;
  sms_in.contact_opt_in = true;
  sms_in.consent_channels = {ContactChannel::kSms};
  sms_in.do_not_disturb = false;
  auto now = store_->UpdateCustomer("13800138000", sms_in, "SA Li");
  ASSERT_TRUE(now.ok());
  log = CustomerChanges(*StoreFile(), c->id);
  ASSERT_EQ(log.size(), 4u);
  EXPECT_NE(log[3].fields_json.find("consent_sms"), std::string::npos);
  EXPECT_EQ(log[3].fields_json.find("consent_call"), std::string::npos);
  EXPECT_NE(log[3].fields_json.find(R"("do_not_disturb":false)"), std::string::npos);
  EXPECT_EQ(now->consent[static_cast<int>(ContactChannel::kSms)].choice, ContactChoice::kOptedIn);
  EXPECT_EQ(now->consent[static_cast<int>(ContactChannel::kCall)].choice, ContactChoice::kOptedOut);
  // The tables are the log's fold: verify finds nothing to report.
  auto check = CheckStoreState(*StoreFile());
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  for (const auto& d : check->differences) {
    ADD_FAILURE() << d.field << ": table " << d.table_value.dump() << ", log "
                  << d.log_value.dump();
  }
  // A store rebuilt from its log holds the same statements.
  StoreSettings settings = store_->settings();
  auto rebuilt = Store::Create(dir_.File("rebuilt.db"), settings, clock_).value();
  std::vector<ChangeEntry> entries = ReadChanges(*StoreFile(), 1, 1000).value();
  auto rebuilt_file = testing::OpenStoreFile(dir_.File("rebuilt.db"));
  for (const auto& e : entries) ASSERT_TRUE(ReplayChange(*rebuilt_file, e).ok()) << e.seq;
  auto again = rebuilt->ResolveCustomer(c->id);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  for (ContactChannel ch : kContactChannels) {
    const auto& was = now->consent[static_cast<int>(ch)];
    const auto& is = again->consent[static_cast<int>(ch)];
    EXPECT_EQ(is.choice, was.choice) << ContactChannelName(ch);
    EXPECT_EQ(is.staff, was.staff) << ContactChannelName(ch);
    EXPECT_EQ(is.at, was.at) << ContactChannelName(ch);
  }
}

TEST_F(StoreTest, TheOldAllChannelFieldInTheLogStillReads) {
  auto c = store_->AddCustomer({"A", {"13800138000"}}, {}, "SA");
  ASSERT_TRUE(c.ok());
  // An opt-in an older desk logged (contact_opt_in, before per-channel consent).
  ChangeEntry old;
  old.site_id = "SH-PUDONG";
  old.entity = "customer";
  old.entity_id = c->id;
  old.op = "update";
  old.fields_json = R"({"contact_opt_in":true,"updated_at":"2026-11-23T01:00:00.000Z"})";
  old.staff = "SA Old";
  old.recorded_at = kMondayNine;
  old.schema_version = 9;
  auto db = StoreFile();
  ASSERT_TRUE(AppendChange(*db, old, clock_.NowMs()).ok());
  ASSERT_TRUE(db->Exec("UPDATE customers SET contact_opt_in = 1").ok());
  auto read = store_->ResolveCustomer("13800138000");
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->contact_opt_in);
  for (const auto& channel : read->consent) {
    EXPECT_EQ(channel.choice, ContactChoice::kOptedIn);
    EXPECT_EQ(channel.staff, "SA Old");
  }
  // A newer statement on one channel; the others keep the old one.
  CustomerUpdate call_out;
  call_out.contact_opt_in = false;
  call_out.consent_channels = {ContactChannel::kCall};
  auto now = store_->UpdateCustomer(c->id, call_out, "SA");
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->consent[static_cast<int>(ContactChannel::kCall)].choice, ContactChoice::kOptedOut);
  EXPECT_EQ(now->consent[static_cast<int>(ContactChannel::kSms)].choice, ContactChoice::kOptedIn);
}

TEST_F(StoreTest, EveryChangeIsLoggedInOrderAndChained) {
  auto r = Request("13800138000", "A", "2026-11-24", "08:30");
  r.vehicle.plate = "京A12345";
  auto b = store_->Book(r).value();
  ASSERT_TRUE(store_->Confirm(b.ref, "SA Li").ok());
  // Refused and invalid requests leave no trace in the log.
  EXPECT_FALSE(store_->Book(Request("13900139000", "B", "2026-11-24", "09:00")).ok());
  EXPECT_FALSE(store_->Complete(b.ref, "SA Li").ok());
  ASSERT_TRUE(store_->Cancel(b.ref, "ill", "SA Li").ok());

  auto db = StoreFile();
  auto log = ReadChanges(*db, 1, 100).value();
  ASSERT_EQ(log.size(), 5u);
  EXPECT_TRUE(VerifyChain(log, std::nullopt).ok());
  const std::vector<std::pair<std::string, std::string>> expected = {{"customer", "insert"},
                                                                     {"vehicle", "insert"},
                                                                     {"booking", "insert"},
                                                                     {"booking", "update"},
                                                                     {"booking", "update"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(log[i].entity, expected[i].first) << i;
    EXPECT_EQ(log[i].op, expected[i].second) << i;
    EXPECT_EQ(log[i].site_id, "SH-PUDONG");
  }
  EXPECT_EQ(log[2].entity_id, b.id);
  EXPECT_EQ(log[2].business_time, b.requested_at);
  EXPECT_NE(log[3].fields_json.find(R"("status":"confirmed")"), std::string::npos);
  EXPECT_EQ(log[3].staff, "SA Li");
  EXPECT_NE(log[4].fields_json.find(R"("cancel_reason":"ill")"), std::string::npos);
  EXPECT_EQ(log[4].schema_version, schema::EdgeMigrations().back().version);
}

TEST_F(StoreTest, FindsByNameIgnoringCaseAndWidth) {
  ASSERT_TRUE(store_->AddCustomer({"Li Na", {"13800138000"}}, {}, "SA").ok());
  ASSERT_TRUE(store_->AddCustomer({"王伟", {"13900139000"}}, {}, "SA").ok());
  EXPECT_EQ(store_->FindCustomers("LINA")->size(), 1u);
  EXPECT_EQ(store_->FindCustomers("ｌｉ")->size(), 1u);
  EXPECT_EQ(store_->FindCustomers("王")->front().name, "王伟");
  EXPECT_EQ(store_->FindCustomers("139-0013-9000")->front().name, "王伟");
  EXPECT_TRUE(store_->FindCustomers("Zhao")->empty());
}

TEST_F(StoreTest, MileageNeverGoesBackwards) {
  ASSERT_TRUE(store_->AddCustomer({"A", {"13800138000"}}, {"京A12345", "", 20000}, "SA").ok());
  auto lower = store_->AddVehicle("13800138000", {"京A12345", "", 15000}, "SA");
  EXPECT_EQ(lower.status().code(), StatusCode::kInvalidInput);
  auto higher = store_->AddVehicle("13800138000", {"京A12345", "LSVAU218XN2183294", 25000}, "SA");
  ASSERT_TRUE(higher.ok()) << higher.status().ToString();
  EXPECT_EQ(higher->mileage_km, 25000);
  EXPECT_EQ(higher->vin, "LSVAU218XN2183294");
}

TEST_F(StoreTest, ReopensWithSettingsAndRefusesASecondInit) {
  store_.reset();
  auto again = Store::Create(dir_.File("store.db"), StoreSettings{"X", "Y"}, clock_);
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  auto reopened = Store::Open(dir_.File("store.db"), clock_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened.value()->settings().store_id, "SH-PUDONG");
  EXPECT_EQ(reopened.value()->settings().slots.size(), 6u);
  EXPECT_EQ(Store::Open(dir_.File("missing.db"), clock_).status().code(), StatusCode::kNotFound);
}

TEST(StoreSettingsTest, InvalidSettingsAreRefusedBeforeAnythingIsWritten) {
  testing::TempDir dir;
  FixedClock clock(0);
  StoreSettings s{"SH 1", "Store"};
  EXPECT_EQ(Store::Create(dir.File("a.db"), s, clock).status().code(), StatusCode::kInvalidInput);
  s.store_id = "SH1";
  s.time_zone = "Asia/Atlantis";
  EXPECT_EQ(Store::Create(dir.File("a.db"), s, clock).status().code(), StatusCode::kInvalidInput);
  s.time_zone = "Asia/Shanghai";
  s.slots = {{"10:00", 2}, {"10:00", 3}};
  EXPECT_EQ(Store::Create(dir.File("a.db"), s, clock).status().code(), StatusCode::kInvalidInput);
  EXPECT_FALSE(std::filesystem::exists(dir.File("a.db")));
}

}  // namespace
}  // namespace outpost::edge
