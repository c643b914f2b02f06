// The waitlist at the store (edge/store.h, edge/waitlist.h), on a fixed clock.
#include "edge/waitlist.h"

#include <gtest/gtest.h>

#include <functional>

#include "edge/replay.h"
#include "edge/store.h"
#include "sync/ids.h"
#include "sync/testing.h"
#include "tests/store_file.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

// Monday 2026-11-23, 09:00 in Shanghai.
constexpr const char* kMondayNine = "2026-11-23T01:00:00Z";
constexpr const char* kTuesday = "2026-11-24";
constexpr int64_t kMinute = int64_t{60} * 1000;

class WaitlistTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreSettings settings;
    settings.store_id = "SH-PUDONG";
    settings.name = "浦东服务中心";
    settings.slots = {{"10:00", 1}, {"15:00", 1}};  // one place each: easy to fill
    auto store = Store::Create(dir_.File("store.db"), settings, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    // Tuesday is full: the waitlist is for the customers who found no place.
    at_ten_ = Book("13000000010", "满十点", "10:00");
    at_three_ = Book("13000000015", "满三点", "15:00");
  }

  Booking Book(const std::string& phone, const std::string& name, const std::string& time) {
    BookingRequest r;
    r.customer = phone;
    r.create_customer = NewCustomer{name, {phone}};
    r.date = kTuesday;
    r.time = time;
    r.staff = "SA Zhang";
    auto b = store_->Book(r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? b.value() : Booking{};
  }

  // A new customer waiting for Tuesday; the clock moves a minute on first,
  // so each waits a little less than the one added before.
  WaitlistEntry Wait(const std::string& phone, const std::string& name, const std::string& tier,
                     std::vector<std::string> times = {}, bool auto_book = false) {
    clock_.Advance(kMinute);
    EXPECT_TRUE(store_->AddCustomer({name, {phone}}, {}, "SA Zhang").ok());
    WaitlistRequest r;
    r.customer = phone;
    r.date_from = r.date_to = kTuesday;
    r.preferred_times = std::move(times);
    r.tier = tier;
    r.auto_book = auto_book;
    r.staff = "SA Zhang";
    auto e = store_->AddToWaitlist(r);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? e.value() : WaitlistEntry{};
  }

  WaitlistRun Offer(int hold_minutes = 120) {
    auto run = store_->OfferFreedPlaces({hold_minutes, "SA Li"});
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? run.value() : WaitlistRun{};
  }

  std::string StatusOf(const WaitlistEntry& e) { return store_->GetWaitlistEntry(e.id)->status; }

  void Free(const Booking& b) {
    ASSERT_TRUE(store_->Cancel(b.ref, "customer ill", "SA Zhang").ok());
  }

  int FreeAt(const std::string& time) {
    const Board board = store_->DayBoard(kTuesday).value();
    for (const auto& s : board.slots) {
      if (s.time == time) return s.free;
    }
    return -1;
  }

  std::unique_ptr<Db> StoreFile() { return testing::OpenStoreFile(dir_.File("store.db")); }

  int64_t Count(const std::string& sql) {
    auto db = StoreFile();
    auto st = db->Prepare(sql).value();
    EXPECT_TRUE(st.Step().value());
    return st.Int(0);
  }

  testing::TempDir dir_;
  FixedClock clock_{ParseUtcMs(kMondayNine).value()};
  std::unique_ptr<Store> store_;
  Booking at_ten_, at_three_;
};

TEST_F(WaitlistTest, FreedPlacesGoByTierThenWaitingTime) {
  auto newcomer = Wait("13100000001", "新客", "new");
  auto regular_first = Wait("13100000002", "老客甲", "regular");
  auto vip_late = Wait("13100000003", "贵宾", "vip");
  auto regular_second = Wait("13100000004", "老客乙", "regular");
  auto line = store_->Waitlist(true).value();
  ASSERT_EQ(line.size(), 4u);
  EXPECT_EQ(line[0].id, vip_late.id);  // the tier first, however late
  EXPECT_EQ(line[1].id, regular_first.id);
  EXPECT_EQ(line[2].id, regular_second.id);
  EXPECT_EQ(line[3].id, newcomer.id);

  EXPECT_TRUE(Offer().actions.empty()) << "nothing freed, nothing offered";
  Free(at_ten_);
  WaitlistRun run = Offer();
  ASSERT_EQ(run.actions.size(), 1u);
  EXPECT_EQ(run.actions[0].kind, "offered");
  EXPECT_EQ(run.actions[0].entry.id, vip_late.id);
  auto held = store_->GetWaitlistEntry(vip_late.id).value();
  EXPECT_EQ(held.status, "offered");
  EXPECT_EQ(held.offer_date, kTuesday);
  EXPECT_EQ(held.offer_time, "10:00");
  // The hold: two hours from now (default), by the fixed clock.
  EXPECT_EQ(held.hold_until, FormatUtcMs(clock_.NowMs() + 120 * kMinute));

  // The next place goes to the next in line: the one holding an offer is passed over.
  Free(at_three_);
  run = Offer();
  ASSERT_EQ(run.actions.size(), 1u);
  EXPECT_EQ(run.actions[0].entry.id, regular_first.id);
  EXPECT_EQ(store_->GetWaitlistEntry(regular_first.id)->offer_time, "15:00");
  EXPECT_EQ(StatusOf(regular_second), "waiting");
  EXPECT_EQ(StatusOf(newcomer), "waiting");
}

TEST_F(WaitlistTest, AHeldPlaceIsNotOfferedTwiceAndAnExpiredHoldGoesToTheNext) {
  auto first = Wait("13100000001", "甲", "regular");
  auto second = Wait("13100000002", "乙", "regular");
  Free(at_ten_);
  ASSERT_EQ(Offer(30).actions.size(), 1u);
  EXPECT_EQ(StatusOf(first), "offered");

  // While the hold lasts, the place stays with the first: no second offer.
  clock_.Advance(29 * kMinute);
  EXPECT_TRUE(Offer(30).actions.empty());
  EXPECT_EQ(StatusOf(second), "waiting");
  EXPECT_EQ(FreeAt("10:00"), 1) << "held, not booked";

  // The hold ran out: too late to accept, and the next run passes the place on.
  clock_.Advance(1 * kMinute);
  auto late = store_->AcceptOffer(first.id, "SA Li");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kRefused);
  EXPECT_EQ(late.status().field(), "hold_until");
  EXPECT_NE(late.status().message().find("ran out at 2026-11-23 09:32"), std::string::npos)
      << late.status().message();
  WaitlistRun run = Offer(30);
  ASSERT_EQ(run.actions.size(), 2u);
  EXPECT_EQ(run.actions[0].kind, "expired");
  EXPECT_EQ(run.actions[0].entry.id, first.id);
  EXPECT_EQ(run.actions[1].kind, "offered");
  EXPECT_EQ(run.actions[1].entry.id, second.id);
  EXPECT_EQ(StatusOf(first), "expired");
  EXPECT_EQ(store_->GetWaitlistEntry(second.id)->offer_time, "10:00");
}

TEST_F(WaitlistTest, AcceptingBooksThroughTheBookingRules) {
  auto e = Wait("13100000001", "王伟", "regular");
  Free(at_ten_);
  ASSERT_EQ(Offer().actions.size(), 1u);
  clock_.Advance(10 * kMinute);
  auto accepted = store_->AcceptOffer(ShortId(e.id), "SA Li");  // as staff type it
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ(accepted->status, "booked");
  ASSERT_TRUE(accepted->booking_id.has_value());
  ASSERT_TRUE(accepted->booking_ref.has_value());
  auto b = store_->GetBooking(*accepted->booking_id).value();
  EXPECT_EQ(b.customer_name, "王伟");
  EXPECT_EQ(b.slot_date, kTuesday);
  EXPECT_EQ(b.slot_time, "10:00");
  EXPECT_EQ(b.staff, "SA Li");
  EXPECT_EQ(b.channel, Channel::kPhone);
  EXPECT_EQ(b.ref, *accepted->booking_ref);
  EXPECT_EQ(FreeAt("10:00"), 0);
  // Every step of the entry is in the log beside its row (insert, offer, booked).
  EXPECT_EQ(Count("SELECT count(*) FROM change_log WHERE entity = 'waitlist' AND entity_id = '" +
                  e.id + "'"),
            3);
  // A booked entry has no offer left to answer.
  auto again = store_->AcceptOffer(e.id, "SA Li");
  EXPECT_EQ(again.status().code(), StatusCode::kRefused);
  EXPECT_EQ(again.status().field(), "status");
}

TEST_F(WaitlistTest, APlaceTakenMeanwhileIsRefusedAndTheEntryKeepsWaiting) {
  auto e = Wait("13100000001", "王伟", "regular");
  Free(at_ten_);
  ASSERT_EQ(Offer().actions.size(), 1u);
  Book("13200000001", "走进来", "10:00");  // a walk-in took the place at the desk
  auto accepted = store_->AcceptOffer(e.id, "SA Li");
  ASSERT_FALSE(accepted.ok());
  EXPECT_EQ(accepted.status().code(), StatusCode::kRefused);
  EXPECT_EQ(accepted.status().field(), "slot");
  EXPECT_NE(accepted.status().message().find("slot 2026-11-24 10:00 is full"), std::string::npos)
      << accepted.status().message();
  auto after = store_->GetWaitlistEntry(e.id).value();
  EXPECT_EQ(after.status, "waiting");
  EXPECT_NE(after.reason.find("could not be booked"), std::string::npos) << after.reason;
  EXPECT_FALSE(after.booking_id.has_value());
  // Still in line: the next freed place is offered to it.
  Free(at_three_);
  WaitlistRun run = Offer();
  ASSERT_EQ(run.actions.size(), 1u);
  EXPECT_EQ(run.actions[0].entry.id, e.id);
  EXPECT_EQ(run.actions[0].entry.offer_time, "15:00");
}

TEST_F(WaitlistTest, ADeclinedPlaceGoesToTheNext) {
  auto first = Wait("13100000001", "甲", "vip");
  auto second = Wait("13100000002", "乙", "regular");
  Free(at_ten_);
  ASSERT_EQ(Offer().actions.size(), 1u);
  auto declined = store_->DeclineOffer(first.id, "has to work", "SA Li");
  ASSERT_TRUE(declined.ok()) << declined.status().ToString();
  EXPECT_EQ(declined->status, "declined");
  EXPECT_EQ(declined->reason, "declined 2026-11-24 10:00: has to work");
  WaitlistRun run = Offer();
  ASSERT_EQ(run.actions.size(), 1u);
  EXPECT_EQ(run.actions[0].entry.id, second.id);
  EXPECT_EQ(run.actions[0].entry.offer_time, "10:00");
  // A declined entry has left the list; a waiting one has no offer to decline.
  EXPECT_EQ(store_->Waitlist(true)->size(), 1u);
  auto nothing = Wait("13100000003", "丙", "new");
  EXPECT_EQ(store_->DeclineOffer(nothing.id, "", "SA Li").status().field(), "status");
}

TEST_F(WaitlistTest, OnlyAnEntryThatAskedIsBookedWithoutAYes) {
  auto ask_me = Wait("13100000001", "先问我", "vip");
  auto book_me = Wait("13100000002", "直接订", "regular", {}, /*auto_book=*/true);
  Free(at_ten_);
  Free(at_three_);
  WaitlistRun run = Offer();
  ASSERT_EQ(run.actions.size(), 2u);
  EXPECT_EQ(run.actions[0].kind, "offered");  // the vip first, and only offered
  EXPECT_EQ(run.actions[0].entry.id, ask_me.id);
  EXPECT_FALSE(store_->GetWaitlistEntry(ask_me.id)->booking_id.has_value());
  EXPECT_EQ(run.actions[1].kind, "booked");
  EXPECT_EQ(run.actions[1].entry.id, book_me.id);
  ASSERT_TRUE(run.actions[1].booking.has_value());
  const Booking& b = *run.actions[1].booking;
  EXPECT_EQ(b.slot_time, "15:00");
  EXPECT_EQ(b.staff, "waitlist");
  EXPECT_EQ(b.channel, Channel::kPhone);
  EXPECT_EQ(StatusOf(book_me), "booked");
  EXPECT_EQ(FreeAt("15:00"), 0);
  EXPECT_EQ(FreeAt("10:00"), 1) << "held for the one who must say yes";
}

TEST_F(WaitlistTest, PreferredTimesAreHonoured) {
  auto mornings = Wait("13100000001", "早上", "vip", {"morning"});
  EXPECT_EQ(mornings.preferred_times, std::vector<std::string>{"10:00"});
  Free(at_three_);
  EXPECT_TRUE(Offer().actions.empty()) << "15:00 is not offered to someone who wants mornings";
  auto anytime = Wait("13100000002", "都行", "new");
  WaitlistRun run = Offer();
  ASSERT_EQ(run.actions.size(), 1u);
  EXPECT_EQ(run.actions[0].entry.id, anytime.id);  // behind in line, but 15:00 suits them
  Free(at_ten_);
  run = Offer();
  ASSERT_EQ(run.actions.size(), 1u);
  EXPECT_EQ(run.actions[0].entry.id, mornings.id);
  EXPECT_EQ(run.actions[0].entry.offer_time, "10:00");
}

TEST_F(WaitlistTest, AMovedBookingFreesItsPlaceForTheWaitlist) {
  auto e = Wait("13100000001", "王伟", "regular", {"10:00"});
  auto moved = store_->Reschedule(at_ten_.ref, "2026-11-25", "10:00", "customer asked", "SA Zhang");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  WaitlistRun run = Offer();
  ASSERT_EQ(run.actions.size(), 1u);
  EXPECT_EQ(run.actions[0].entry.id, e.id);
  EXPECT_EQ(run.actions[0].entry.offer_date, kTuesday);
  EXPECT_EQ(run.actions[0].entry.offer_time, "10:00");
}

TEST_F(WaitlistTest, APlaceThatCanNoLongerBeBookedIsNotOffered) {
  // At 09:45 today's 10:00 is free, but too little notice is left (30 minutes) to book it.
  clock_.Set(ParseUtcMs("2026-11-23T01:45:00Z").value());
  WaitlistRequest r;
  ASSERT_TRUE(store_->AddCustomer({"王伟", {"13100000001"}}, {}, "SA Zhang").ok());
  r.customer = "13100000001";
  r.date_from = "today";
  r.date_to = "today";
  r.staff = "SA Zhang";
  ASSERT_TRUE(store_->AddToWaitlist(r).ok());
  WaitlistRun run = Offer();
  ASSERT_EQ(run.actions.size(), 1u);
  EXPECT_EQ(run.actions[0].entry.offer_time, "15:00") << "10:00 today is too close to offer";
}

TEST_F(WaitlistTest, AHoldEndsWhenThePlaceCouldNoLongerBeBooked) {
  // 09:00 today: today's 10:00 is free; with 30 minutes' notice it can be
  // booked until 09:30, so a two-hour hold ends then.
  ASSERT_TRUE(store_->AddCustomer({"王伟", {"13100000001"}}, {}, "SA Zhang").ok());
  WaitlistRequest r;
  r.customer = "13100000001";
  r.date_from = r.date_to = "today";
  r.preferred_times = {"10:00"};
  r.staff = "SA Zhang";
  ASSERT_TRUE(store_->AddToWaitlist(r).ok());
  WaitlistRun run = Offer(120);
  ASSERT_EQ(run.actions.size(), 1u);
  EXPECT_EQ(run.actions[0].entry.hold_until, "2026-11-23T01:30:00.000Z");
  EXPECT_EQ(run.actions[0].detail, "offered 2026-11-23 10:00, held until 2026-11-23 09:30");
}

TEST_F(WaitlistTest, BadInputIsRefusedNamingTheFieldAndWritesNothing) {
  ASSERT_TRUE(store_->AddCustomer({"王伟", {"13100000001"}}, {}, "SA Zhang").ok());
  const int64_t logged = Count("SELECT count(*) FROM change_log");
  auto request = [] {
    WaitlistRequest r;
    r.customer = "13100000001";
    r.date_from = "2026-11-24";
    r.date_to = "2026-11-26";
    r.staff = "SA Zhang";
    return r;
  };
  struct Case {
    std::function<void(WaitlistRequest&)> change;
    StatusCode code;
    std::string field, message;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.date_to = "2026-11-23"; }, StatusCode::kInvalidInput, "date_to",
       "date_to: '2026-11-23' is before date_from '2026-11-24'"},
      {[](auto& r) { r.date_from = "2026-11-20"; }, StatusCode::kInvalidInput, "date_from",
       "date_from: '2026-11-20' is in the past (today is 2026-11-23)"},
      {[](auto& r) { r.date_from = "24.11."; }, StatusCode::kInvalidInput, "date_from",
       "date_from: '24.11.' is not a date (YYYY-MM-DD, today, tomorrow or +N)"},
      {[](auto& r) {
         r.preferred_times = {"10:00", "12:00"};
       },
       StatusCode::kInvalidInput, "preferred_times",
       "preferred_times: '12:00' is not a slot of the grid (10:00, 15:00), morning or afternoon"},
      {[](auto& r) { r.customer = "13999999999"; }, StatusCode::kNotFound, "customer",
       "customer: '13999999999' matches no customer; add them first"},
      {[](auto& r) { r.tier = "gold"; }, StatusCode::kInvalidInput, "tier",
       "tier: 'gold' is not a tier (vip, regular, new)"},
      {[](auto& r) { r.vehicle = "京A99999"; }, StatusCode::kInvalidInput, "vehicle",
       "vehicle: '京A99999' is not a vehicle of 王伟 (add it first)"},
      {[](auto& r) { r.staff = ""; }, StatusCode::kInvalidInput, "staff", ""},
  };
  for (const auto& c : cases) {
    WaitlistRequest r = request();
    c.change(r);
    auto e = store_->AddToWaitlist(r);
    ASSERT_FALSE(e.ok()) << c.field;
    EXPECT_EQ(e.status().code(), c.code) << c.field;
    EXPECT_EQ(e.status().field(), c.field);
    if (!c.message.empty()) {
      EXPECT_EQ(e.status().message(), c.message);
    }
  }
  auto hold = store_->OfferFreedPlaces({0, "SA Li"});
  EXPECT_EQ(hold.status().field(), "hold_minutes");
  EXPECT_EQ(hold.status().message(), "hold_minutes: 0 must be 1 to 1440");
  EXPECT_EQ(Count("SELECT count(*) FROM waitlist_entries"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM change_log"), logged);

  // One place in line per customer: a second overlapping entry is refused.
  ASSERT_TRUE(store_->AddToWaitlist(request()).ok());
  auto twice = store_->AddToWaitlist(request());
  EXPECT_EQ(twice.status().code(), StatusCode::kRefused);
  EXPECT_EQ(twice.status().field(), "customer");
}

TEST_F(WaitlistTest, TheTablesAgreeWithTheLogAndRepairPutsAnEntryBack) {
  auto a = Wait("13100000001", "甲", "vip");
  auto b = Wait("13100000002", "乙", "regular", {}, /*auto_book=*/true);
  Free(at_ten_);
  Free(at_three_);
  ASSERT_EQ(Offer().actions.size(), 2u);
  const json before_a = model::WaitlistJson(store_->GetWaitlistEntry(a.id).value());

  auto db = StoreFile();
  auto clean = CheckStoreState(*db);
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_TRUE(clean->differences.empty()) << clean->differences.front().field;

  // A tier changed behind the system's back is named, and repair puts the
  // entry back as the log says (replay's own put: edge/replay.cc).
  ASSERT_TRUE(db->Exec("UPDATE waitlist_entries SET tier = 'new' WHERE id = '" + a.id + "'").ok());
  auto tampered = CheckStoreState(*db);
  ASSERT_TRUE(tampered.ok());
  ASSERT_EQ(tampered->differences.size(), 1u);
  const FieldDifference& d = tampered->differences.front();
  EXPECT_EQ(d.entity, "waitlist");
  EXPECT_EQ(d.field, "tier");
  EXPECT_EQ(d.log_value, "vip");
  auto tx = Transaction::Begin(*db).value();
  ASSERT_TRUE(RepairFieldFromLog(*db, d, clock_.NowMs()).ok());
  ASSERT_TRUE(tx->Commit().ok());
  EXPECT_EQ(model::WaitlistJson(FindWaitlistEntry(*db, a.id).value()), before_a);
  EXPECT_TRUE(CheckStoreState(*db)->differences.empty());
}

}  // namespace
}  // namespace outpost::edge
