// Replay (edge/replay.h): a store's log applied to an empty store gives the
// same rows through the tables' owners, and a logged change its codec refuses
// is named, never half-applied.
#include "edge/replay.h"

#include <gtest/gtest.h>

#include <set>

#include "edge/store.h"
#include "sync/changelog.h"
#include "sync/model/booking.h"
#include "sync/testing.h"
#include "tests/store_file.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

// Monday 2026-11-23, 09:00 in Shanghai.
constexpr const char* kMondayNine = "2026-11-23T01:00:00Z";

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.store_id = "SH-PUDONG";
    settings_.name = "浦东服务中心";
    auto store = Store::Create(dir_.File("store.db"), settings_, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  BookingRequest Request(const std::string& phone, const std::string& name,
                         const std::string& plate) {
    BookingRequest r;
    r.customer = phone;
    r.create_customer = NewCustomer{name, {phone}};
    r.vehicle.plate = plate;
    r.date = "2026-11-24";
    r.time = "10:00";
    r.staff = "SA Zhang";
    return r;
  }

  // A day with every kind of logged booking and case change: made, confirmed,
  // cancelled, moved, flagged to move by an over-full slot, a case opened on
  // it and closed by keeping the booking.
  void DayOfWork() {
    auto a = store_->Book(Request("13800138001", "甲", "京A10001"));
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_TRUE(store_->Confirm(a->ref, "SA Li").ok());
    auto b = store_->Book(Request("13800138002", "乙", "京A10002"));
    ASSERT_TRUE(b.ok());
    cancelled_ = b->ref;
    BookingRequest late = Request("13800138003", "丙", "京A10003");
    late.channel = "call-centre";
    late.promised = true;
    late.requested_at = kMondayNine;
    late.source = "test";
    auto promised = store_->BookPromised(late);
    ASSERT_TRUE(promised.ok()) << promised.status().ToString();
    ASSERT_EQ(promised->cases.size(), 1u);
    refs_ = {a->ref, b->ref, promised->booking.ref};
    ASSERT_TRUE(store_->ResolveCase(promised->cases[0], "squeezed in", true, "SA Zhang").ok());
    auto c = store_->Book(Request("13800138004", "丁", "京A10004"));
    ASSERT_FALSE(c.ok());  // the slot is full
    BookingRequest moving = Request("13800138004", "丁", "京A10004");
    moving.time = "11:00";
    auto d = store_->Book(moving);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    auto moved = store_->Reschedule(d->ref, "2026-11-25", "14:00", "asked", "SA Li");
    ASSERT_TRUE(moved.ok()) << moved.status().ToString();
    refs_.push_back(d->ref);
    refs_.push_back(moved->ref);
    ASSERT_TRUE(store_->Cancel(b->ref, "changed plans", "SA Li").ok());
  }

  std::vector<ChangeEntry> Log() {
    return ReadChanges(*testing::OpenStoreFile(dir_.File("store.db")), 1, 10000).value();
  }

  // An empty store at `name` and its file, to replay into.
  std::unique_ptr<Store> EmptyStore(const std::string& name) {
    auto store = Store::Create(dir_.File(name), settings_, clock_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(store).value();
  }

  testing::TempDir dir_;
  FixedClock clock_{ParseUtcMs(kMondayNine).value()};
  StoreSettings settings_;
  std::unique_ptr<Store> store_;
  std::vector<std::string> refs_;  // every booking DayOfWork made
  std::string cancelled_;          // the one it cancelled
};

// What a completed visit was worth (issue 17, amount_fen) is logged with the
// completion: the replayed row holds it, and verify finds the table as the log says.
TEST_F(ReplayTest, AVisitsAmountReplays) {
  BookingRequest r = Request("13800138009", "戊", "京A10009");
  r.date = "2026-11-23";  // today: checked in, served and completed
  auto b = store_->Book(r);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE(store_->CheckIn(b->ref, "SA").ok());
  ASSERT_TRUE(store_->StartService(b->ref, "SA").ok());
  EXPECT_FALSE(store_->Complete(b->ref, "SA", -1).ok());
  auto done = store_->Complete(b->ref, "SA", 68050);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->amount_fen, 68050);
  auto rebuilt = EmptyStore("rebuilt.db");
  auto file = testing::OpenStoreFile(dir_.File("rebuilt.db"));
  for (const auto& e : Log()) ASSERT_TRUE(ReplayChange(*file, e).ok()) << e.seq;
  EXPECT_TRUE(CheckStoreState(*file).value().differences.empty());
  EXPECT_TRUE(
      CheckStoreState(*testing::OpenStoreFile(dir_.File("store.db"))).value().differences.empty());
  EXPECT_EQ(rebuilt->GetBooking(b->ref)->amount_fen, 68050);
}

TEST_F(ReplayTest, TheLogReplayedGivesTheSameBookingsCasesAndHistory) {
  DayOfWork();
  auto rebuilt = EmptyStore("rebuilt.db");
  auto file = testing::OpenStoreFile(dir_.File("rebuilt.db"));
  for (const auto& e : Log()) {
    const Status st = ReplayChange(*file, e);
    ASSERT_TRUE(st.ok()) << e.seq << " " << e.entity << ": " << st.ToString();
  }
  // Every logged field is held as the log says, and the state digests equal.
  auto mine = CheckStoreState(*testing::OpenStoreFile(dir_.File("store.db"))).value();
  auto theirs = CheckStoreState(*file).value();
  for (const auto& d : theirs.differences) {
    ADD_FAILURE() << d.entity << " " << d.field << ": table " << d.table_value.dump() << ", log "
                  << d.log_value.dump();
  }
  EXPECT_TRUE(theirs.unlogged.empty());
  ASSERT_EQ(theirs.digests.size(), mine.digests.size());
  for (size_t i = 0; i < mine.digests.size(); ++i) {
    EXPECT_EQ(theirs.digests[i].digest, mine.digests[i].digest) << "bucket " << i;
  }
  // Each booking as the desk shows it, column for column.
  ASSERT_EQ(refs_.size(), 5u);
  for (const auto& ref : refs_) {
    auto original = store_->GetBooking(ref);
    auto copy = rebuilt->GetBooking(ref);
    ASSERT_TRUE(copy.ok()) << ref;
    EXPECT_EQ(model::BookingJson(*copy), model::BookingJson(*original));
  }
  // The case, closed as staff closed it; opened by whoever made the change.
  auto cases = rebuilt->Cases(false).value();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].status, "resolved");
  EXPECT_EQ(cases[0].resolution, "squeezed in");
  EXPECT_EQ(cases[0].resolved_by, "SA Zhang");
  EXPECT_EQ(cases[0].opened_by, store_->Cases(false).value()[0].opened_by);
  EXPECT_EQ(cases[0].contacts.size(), store_->Cases(false).value()[0].contacts.size());
  // The cancelled booking's history: old -> new per logged field, who and why.
  const Booking cancelled = store_->GetBooking(cancelled_).value();
  ASSERT_EQ(cancelled.status, BookingStatus::kCancelled);
  auto history = rebuilt->History(cancelled.id).value();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].action, "book (replayed)");
  EXPECT_FALSE(history[0].from_status.has_value());
  EXPECT_EQ(history[1].action, "update (replayed)");
  EXPECT_EQ(history[1].staff, "SA Li");
  EXPECT_EQ(history[1].from_status, "requested");
  EXPECT_EQ(history[1].to_status, "cancelled");
  const json changes = json::parse(history[1].changes_json);
  EXPECT_EQ(changes["status"], json({"requested", "cancelled"}));
  EXPECT_EQ(changes["cancel_reason"], json({nullptr, "changed plans"}));
  EXPECT_FALSE(changes.contains("updated_at"));
}

TEST_F(ReplayTest, ALoggedBookingItsCodecRefusesIsNamedWithItsFieldAndSeq) {
  DayOfWork();
  EmptyStore("rebuilt.db");
  auto file = testing::OpenStoreFile(dir_.File("rebuilt.db"));
  for (const auto& entry : Log()) {
    ChangeEntry e = entry;
    if (e.entity == "booking" && e.op == "insert") {
      // A slot date in the wrong form, the entry's hash made to fit: only the
      // codec can tell.
      json fields = json::parse(e.fields_json);
      fields["slot_date"] = "2026/11/24";
      e.fields_json = fields.dump();
      e.hash = ChainHash(e);
      ASSERT_TRUE(file->Exec("BEGIN").ok());
      const Status st = ReplayChange(*file, e);
      ASSERT_TRUE(file->Exec("ROLLBACK").ok());
      EXPECT_EQ(st.code(), StatusCode::kCorruption);
      EXPECT_EQ(st.message(), "replaying booking " + e.entity_id + " (seq " +
                                  std::to_string(e.seq) +
                                  "): booking: slot_date: '2026/11/24' is not a date YYYY-MM-DD");
      auto rows = file->Prepare("SELECT count(*) FROM bookings").value();
      ASSERT_TRUE(rows.Step().value());
      EXPECT_EQ(rows.Int(0), 0);
      return;
    }
    ASSERT_TRUE(ReplayChange(*file, e).ok()) << e.seq;
  }
  FAIL() << "no booking in the log";
}

TEST_F(ReplayTest, AnUpdateOfABookingOrCaseNeverCreatedIsRefused) {
  DayOfWork();
  for (const char* entity : {"booking", "case"}) {
    SCOPED_TRACE(entity);
    const std::string name = std::string(entity) + ".db";
    EmptyStore(name);
    auto file = testing::OpenStoreFile(dir_.File(name));
    std::string skipped;  // the id whose insert was left out
    bool refused = false;
    for (const auto& entry : Log()) {
      ChangeEntry e = entry;
      if (e.entity == entity && e.op == "insert" && skipped.empty()) {
        skipped = e.entity_id;
        continue;
      }
      if (!skipped.empty()) {
        // Renumbered to follow on from what was replayed, the chain made to fit.
        e.seq -= 1;
        auto head = file->Prepare("SELECT hash FROM change_log ORDER BY seq DESC LIMIT 1").value();
        ASSERT_TRUE(head.Step().value());
        std::copy_n(head.Blob(0).data(), e.prev_hash.size(), e.prev_hash.begin());
        e.hash = ChainHash(e);
      }
      const Status st = ReplayChange(*file, e);
      if (e.entity == entity && e.entity_id == skipped) {
        EXPECT_EQ(st.code(), StatusCode::kCorruption);
        EXPECT_EQ(st.message(), "replaying seq " + std::to_string(e.seq) + ": " + entity + " " +
                                    skipped + " was never created");
        refused = true;
        break;
      }
      ASSERT_TRUE(st.ok()) << e.seq << " " << st.ToString();
    }
    EXPECT_TRUE(refused) << "no update of " << skipped << " in the log";
  }
}

TEST_F(ReplayTest, RepairPutsEachKindsRowBackAsTheLogSaysWithoutLoggingIt) {
  DayOfWork();
  const Booking b = store_->GetBooking(cancelled_).value();
  const std::string case_id = store_->Cases(false).value()[0].id;
  auto file = testing::OpenStoreFile(dir_.File("store.db"));
  // Changed behind the store's back with sqlite3: one column of each kind.
  ASSERT_TRUE(file->Exec("UPDATE bookings SET slot_time = '08:30', arrived_at = 'x' WHERE id = '" +
                         b.id + "'")
                  .ok());
  ASSERT_TRUE(file->Exec("UPDATE customers SET name = 'Nobody', contact_opt_in = 1 WHERE id = '" +
                         b.customer_id + "'")
                  .ok());
  ASSERT_TRUE(
      file->Exec("UPDATE vehicles SET mileage_km = 7 WHERE id = '" + *b.vehicle_id + "'").ok());
  ASSERT_TRUE(
      file->Exec("UPDATE conflict_cases SET resolution = 'forged' WHERE id = '" + case_id + "'")
          .ok());
  const size_t logged = Log().size();
  auto check = CheckStoreState(*file).value();
  std::set<std::string> named;
  for (const auto& d : check.differences) named.insert(d.table + "." + d.field);
  EXPECT_EQ(named, (std::set<std::string>{"bookings.slot_time", "bookings.arrived_at",
                                          "customers.name", "customers.contact_opt_in",
                                          "vehicles.mileage_km", "conflict_cases.resolution"}));
  ASSERT_TRUE(file->Exec("BEGIN").ok());
  for (const auto& d : check.differences) {
    const Status st = RepairFieldFromLog(*file, d, clock_.NowMs());
    EXPECT_TRUE(st.ok()) << d.table << "." << d.field << ": " << st.ToString();
  }
  ASSERT_TRUE(file->Exec("COMMIT").ok());
  EXPECT_TRUE(CheckStoreState(*file).value().differences.empty());
  EXPECT_EQ(Log().size(), logged);  // the tables went back to the log: nothing new to log
  EXPECT_EQ(store_->GetBooking(b.ref)->slot_time, "10:00");
  EXPECT_EQ(store_->ResolveCustomer(b.customer_id)->name, "乙");
  EXPECT_EQ(store_->GetCase(store_->Cases(false).value()[0].ref)->resolution, "squeezed in");
}

TEST_F(ReplayTest, TheOldAllChannelConsentFieldReplaysIntoItsColumn) {
  auto c = store_->AddCustomer({"A", {"13800138000"}}, {}, "SA");
  ASSERT_TRUE(c.ok());
  // An opt-in an older desk logged (contact_opt_in, before per-channel
  // consent), after the customer's insert.
  ChangeEntry old = Log().back();
  ASSERT_EQ(old.entity_id, c->id);
  old.op = "update";
  old.fields_json = R"({"contact_opt_in":true,"updated_at":"2026-11-23T01:00:00.000Z"})";
  old.staff = "SA Old";
  old.schema_version = 9;
  ASSERT_TRUE(
      AppendChange(*testing::OpenStoreFile(dir_.File("store.db")), old, clock_.NowMs()).ok());
  auto rebuilt = EmptyStore("rebuilt.db");
  auto file = testing::OpenStoreFile(dir_.File("rebuilt.db"));
  for (const auto& e : Log()) ASSERT_TRUE(ReplayChange(*file, e).ok()) << e.seq;
  for (const auto& d : CheckStoreState(*file).value().differences) {
    ADD_FAILURE() << d.table << "." << d.field << ": " << d.table_value.dump();
  }
  auto again = rebuilt->ResolveCustomer(c->id);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->contact_opt_in);
  EXPECT_EQ(again->consent[0].staff, "SA Old");
}

}  // namespace
}  // namespace outpost::edge
