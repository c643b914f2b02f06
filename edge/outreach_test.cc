// The store's outreach (edge/store_outreach.cc) on a real store file with a
// fixed clock: what is planned when, what a cancel, a move, an opt-out and a
// late booking do to it, and that the messages' rows are the log's (replay,
// verify). The relay itself is tested in tests/notify_test.cc.
#include <gtest/gtest.h>

#include "edge/replay.h"
#include "edge/store.h"
#include "sync/changelog.h"
#include "sync/testing.h"
#include "tests/store_file.h"

namespace outpost::edge {
namespace {

// Monday 2026-11-23, 09:00 in Shanghai.
constexpr const char* kMondayNine = "2026-11-23T01:00:00Z";

class OutreachTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.store_id = "SH-PUDONG";
    settings_.name = "浦东服务中心";
    auto store = Store::Create(dir_.File("store.db"), settings_, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  Booking Book(const std::string& phone, const std::string& date, const std::string& time) {
    BookingRequest r;
    r.customer = phone;
    r.create_customer = NewCustomer{"王伟", {phone}};
    r.date = date;
    r.time = time;
    r.staff = "SA Zhang";
    auto b = store_->Book(r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? *b : Booking{};
  }

  // The messages of a booking by step.
  std::map<std::string, model::Message> StepsOf(const Booking& b) {
    std::map<std::string, model::Message> out;
    for (int d = 0; d < 5; ++d) {
      const auto day = store_->MessagesOn(LocalDate{2026, 11, 23}.AddDays(d)).value();
      for (const auto& m : day) {
        if (m.booking_id == b.id) out[m.step] = m;
      }
    }
    return out;
  }

  void At(const char* utc) { clock_.Set(ParseUtcMs(utc).value()); }

  testing::TempDir dir_;
  FixedClock clock_{ParseUtcMs(kMondayNine).value()};
  StoreSettings settings_;
  std::unique_ptr<Store> store_;
};

// Cal.com #10749: not every step at booking time. A booking three days ahead
// gets its confirmation now and each reminder only when its window comes.
TEST_F(OutreachTest, StepsArePlannedWhenTheirWindowsComeNotAllAtBooking) {
  const Booking b = Book("13800138001", "2026-11-26", "10:00");
  ASSERT_TRUE(store_->PlanOutreach().ok());
  auto steps = StepsOf(b);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps.begin()->first, "confirmation");
  At("2026-11-24T02:00:00Z");  // Tuesday 10:00: the 24-48 h window opens within a day
  ASSERT_TRUE(store_->PlanOutreach().ok());
  steps = StepsOf(b);
  ASSERT_TRUE(steps.count("reminder_24_48h"));
  EXPECT_EQ(steps["reminder_24_48h"].due_at, "2026-11-24T02:00:00.000Z");     // 48 h before
  EXPECT_EQ(steps["reminder_24_48h"].not_after, "2026-11-25T02:00:00.000Z");  // 24 h before
  // Planning again plans nothing more (OpenEMR #11477).
  auto again = store_->PlanOutreach();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->planned, 0);
}

// Cal.com #6905: a moved booking's pending steps are cancelled with the reason
// and planned again for the new time, under new keys.
TEST_F(OutreachTest, AMoveCancelsThePendingStepsAndPlansTheNewTime) {
  const Booking b = Book("13800138001", "2026-11-24", "16:00");
  At("2026-11-24T01:00:00Z");
  ASSERT_TRUE(store_->PlanOutreach().ok());
  const std::string old_key = StepsOf(b)["reminder_2_4h"].idempotency_key;
  ASSERT_FALSE(old_key.empty());
  auto moved = store_->Reschedule(b.ref, "2026-11-24", "15:00", "asked", "SA Li");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  auto report = store_->PlanOutreach();
  ASSERT_TRUE(report.ok());
  EXPECT_GE(report->cancelled, 1);
  const auto old_steps = StepsOf(b);
  EXPECT_EQ(old_steps.at("reminder_2_4h").status, model::MessageStatus::kCancelled);
  EXPECT_EQ(old_steps.at("reminder_2_4h").reason, "booking moved (now " + moved->id + ")");
  const auto new_steps = StepsOf(*moved);
  ASSERT_TRUE(new_steps.count("reminder_2_4h"));
  EXPECT_NE(new_steps.at("reminder_2_4h").idempotency_key, old_key);
}

// A late booking skips the steps whose windows had passed, saying why, and
// the one cleared to go at once is the confirmation (never all of them).
TEST_F(OutreachTest, ALateBookingSkipsWhatItIsTooLateFor) {
  At("2026-11-24T07:00:00Z");  // Tuesday 15:00
  const Booking b = Book("13800138001", "2026-11-24", "16:00");
  ASSERT_TRUE(store_->PlanOutreach().ok());
  const auto steps = StepsOf(b);
  EXPECT_EQ(steps.at("confirmation").status, model::MessageStatus::kPlanned);
  for (const char* late : {"reminder_24_48h", "reminder_2_4h", "sa_call_2h"}) {
    ASSERT_TRUE(steps.count(late)) << late;
    EXPECT_EQ(steps.at(late).status, model::MessageStatus::kSkipped) << late;
    EXPECT_NE(steps.at(late).reason.find("booked too late"), std::string::npos)
        << steps.at(late).reason;
  }
  auto due = store_->MessagesDue().value();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].step, "confirmation");
}

// SuiteCRM #822: an hour off after a time-zone change. A Europe/Berlin store's
// 2 h call on the Monday after the clocks went back is 2 real hours before.
TEST(OutreachZoneTest, ABerlinStoresStepsAreInRealHoursAcrossTheChange) {
  testing::TempDir dir;
  FixedClock clock(ParseUtcMs("2026-10-24T08:00:00Z").value());  // Saturday 10:00 CEST
  StoreSettings s;
  s.store_id = "BER-MITTE";
  s.name = "Mitte";
  s.time_zone = "Europe/Berlin";
  s.phone_region = "DE";
  auto store = Store::Create(dir.File("store.db"), s, clock).value();
  BookingRequest r;
  r.customer = "+49 30 1234567";
  r.create_customer = NewCustomer{"Anna", {r.customer}};
  r.date = "2026-10-26";  // Monday, after the change to CET (UTC+1)
  r.time = "10:00";
  r.staff = "SA";
  auto b = store->Book(r);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  clock.Set(ParseUtcMs("2026-10-26T06:00:00Z").value());  // Monday 07:00 CET
  ASSERT_TRUE(store->PlanOutreach().ok());
  bool found = false;
  const auto monday = store->MessagesOn(LocalDate{2026, 10, 26}).value();
  for (const auto& m : monday) {
    if (m.step != "sa_call_2h") continue;
    found = true;
    EXPECT_EQ(m.due_at, "2026-10-26T07:00:00.000Z");  // 08:00 CET, 2 h before 10:00 CET
  }
  EXPECT_TRUE(found);
}

// The messages table is the log's: a fresh store replaying the log holds the
// same rows, verify finds nothing, and a status changed behind the system's
// back is named with its field.
TEST_F(OutreachTest, MessagesAreReplayedAndVerifiedLikeEveryLoggedKind) {
  const Booking b = Book("13800138001", "2026-11-24", "16:00");
  ASSERT_TRUE(store_->PlanOutreach().ok());
  auto ticket = store_->BeginSend(StepsOf(b).at("confirmation").id);
  ASSERT_TRUE(ticket.ok() && *ticket) << ticket.status().ToString();
  EXPECT_EQ((*ticket)->to, "+8613800138001");
  SendResult sent;
  sent.kind = SendResult::Kind::kAccepted;
  sent.receipt_id = "R-1";
  ASSERT_TRUE(store_->FinishSend((*ticket)->message.id, sent).ok());

  auto copy = Store::Create(dir_.File("copy.db"), settings_, clock_);
  ASSERT_TRUE(copy.ok());
  auto file = testing::OpenStoreFile(dir_.File("copy.db"));
  const auto log = ReadChanges(*testing::OpenStoreFile(dir_.File("store.db")), 1, 10000).value();
  for (const auto& e : log) {
    const Status st = ReplayChange(*file, e);
    ASSERT_TRUE(st.ok()) << e.seq << " " << e.entity << ": " << st.ToString();
  }
  auto original = store_->MessagesOn(LocalDate{2026, 11, 23}).value();
  auto replayed = (*copy)->MessagesOn(LocalDate{2026, 11, 23}).value();
  ASSERT_EQ(original.size(), replayed.size());
  for (size_t i = 0; i < original.size(); ++i) {
    EXPECT_EQ(model::MessageJson(replayed[i]), model::MessageJson(original[i]));
  }
  EXPECT_TRUE(CheckStoreState(*file)->differences.empty());

  auto db = testing::OpenStoreFile(dir_.File("store.db"));
  ASSERT_TRUE(db->Exec("UPDATE messages SET status = 'planned' WHERE receipt_id = 'R-1'").ok());
  auto check = CheckStoreState(*db);
  ASSERT_TRUE(check.ok());
  ASSERT_EQ(check->differences.size(), 1u);
  EXPECT_EQ(check->differences[0].entity, "message");
  EXPECT_EQ(check->differences[0].field, "status");
  EXPECT_EQ(check->differences[0].log_value, "sent");
}

}  // namespace
}  // namespace outpost::edge
