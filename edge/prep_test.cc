// Assignment and the preparation list (edge/prep.h, edge/store_prep.cc): an
// assignment is a logged update that replays and verifies like any other
// booking change, refusals name their field and write nothing, and the day's
// list holds every arrival to prepare for, in slot order, phones masked.
#include "edge/prep.h"

#include <gtest/gtest.h>

#include "edge/replay.h"
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

class PrepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.store_id = "SH-PUDONG";
    settings_.name = "浦东服务中心";
    auto store = Store::Create(dir_.File("store.db"), settings_, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  BookingRequest Request(const std::string& phone, const std::string& name,
                         const std::string& plate, const std::string& time) {
    BookingRequest r;
    r.customer = phone;
    r.create_customer = NewCustomer{name, {phone}};
    r.vehicle.plate = plate;
    r.date = "2026-11-24";
    r.time = time;
    r.staff = "SA Zhang";
    return r;
  }

  Booking Book(const BookingRequest& r) {
    auto b = store_->Book(r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? b.value() : Booking{};
  }

  std::vector<ChangeEntry> Log(const std::string& file = "store.db") {
    return ReadChanges(*testing::OpenStoreFile(dir_.File(file)), 1, 10000).value();
  }

  testing::TempDir dir_;
  FixedClock clock_{ParseUtcMs(kMondayNine).value()};
  StoreSettings settings_;
  std::unique_ptr<Store> store_;
};

TEST_F(PrepTest, BookedWithAnAdvisorAndReassignedEachChangeLogged) {
  BookingRequest r = Request("13800138001", "王伟", "京A10001", "10:00");
  r.advisor = "  SA Wang ";
  r.team = "A组";
  const Booking made = Book(r);
  EXPECT_EQ(made.advisor, "SA Wang");  // cleaned like other desk text
  EXPECT_EQ(made.team, "A组");
  EXPECT_FALSE(made.bay.has_value());

  clock_.Advance(60'000);
  Assignment a;
  a.bay = "3";
  a.advisor = "SA Li";
  auto assigned = store_->Assign(made.ref, a, "SA Zhang");
  ASSERT_TRUE(assigned.ok()) << assigned.status().ToString();
  EXPECT_EQ(assigned->advisor, "SA Li");
  EXPECT_EQ(assigned->bay, "3");
  EXPECT_EQ(assigned->team, "A组");  // not given: kept
  EXPECT_EQ(assigned->status, BookingStatus::kRequested);

  // The insert carries what was set, never a null; the update only what changed.
  const std::vector<ChangeEntry> log = Log();
  const ChangeEntry& insert = log[log.size() - 2];
  const json inserted = json::parse(insert.fields_json);
  EXPECT_EQ(inserted["advisor"], "SA Wang");
  EXPECT_EQ(inserted["team"], "A组");
  EXPECT_FALSE(inserted.contains("bay"));
  const ChangeEntry& update = log.back();
  EXPECT_EQ(update.entity, "booking");
  EXPECT_EQ(update.op, "update");
  EXPECT_EQ(update.staff, "SA Zhang");
  EXPECT_EQ(json::parse(update.fields_json),
            json({{"advisor", "SA Li"}, {"bay", "3"}, {"updated_at", assigned->updated_at}}));

  // The desk's history says who changed what from what.
  auto history = store_->History(made.id).value();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].action, "assign");
  EXPECT_EQ(history[1].staff, "SA Zhang");
  EXPECT_EQ(json::parse(history[1].changes_json),
            json({{"advisor", {"SA Wang", "SA Li"}}, {"bay", {nullptr, "3"}}}));
}

TEST_F(PrepTest, AssignmentsReplayIntoTheSameStoreAndVerifyClean) {
  BookingRequest r = Request("13800138001", "王伟", "京A10001", "10:00");
  r.advisor = "SA Wang";
  const Booking a = Book(r);
  const Booking b = Book(Request("13800138002", "李娜", "京A10002", "10:00"));  // never assigned
  const Booking c = Book(Request("13800138003", "张强", "京A10003", "11:00"));
  Assignment team;
  team.team = "B组";
  ASSERT_TRUE(store_->Assign(a.ref, team, "SA Li").ok());
  Assignment all{"SA Chen", "5", "A组"};
  ASSERT_TRUE(store_->Assign(c.ref, all, "SA Li").ok());
  // Moved: the new booking keeps who prepares it.
  auto moved = store_->Reschedule(c.ref, "2026-11-25", "14:00", "asked", "SA Li");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->advisor, "SA Chen");
  EXPECT_EQ(moved->bay, "5");

  // The store as made verifies clean: every column as the fold of its log.
  auto mine = CheckStoreState(*testing::OpenStoreFile(dir_.File("store.db")));
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  for (const auto& d : mine->differences) ADD_FAILURE() << d.entity << " " << d.field;

  // Rebuilt from its log: the same rows, the same digests.
  auto rebuilt = Store::Create(dir_.File("rebuilt.db"), settings_, clock_);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  auto file = testing::OpenStoreFile(dir_.File("rebuilt.db"));
  for (const auto& e : Log()) {
    const Status st = ReplayChange(*file, e);
    ASSERT_TRUE(st.ok()) << e.seq << " " << e.entity << ": " << st.ToString();
  }
  auto theirs = CheckStoreState(*file);
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  for (const auto& d : theirs->differences) {
    ADD_FAILURE() << d.entity << " " << d.field << ": table " << d.table_value.dump() << ", log "
                  << d.log_value.dump();
  }
  ASSERT_EQ(theirs->digests.size(), mine->digests.size());
  for (size_t i = 0; i < mine->digests.size(); ++i) {
    EXPECT_EQ(theirs->digests[i].digest, mine->digests[i].digest) << "bucket " << i;
  }
  for (const std::string& ref : {a.ref, b.ref, c.ref, moved->ref}) {
    auto original = store_->GetBooking(ref);
    auto copy = rebuilt.value()->GetBooking(ref);
    ASSERT_TRUE(copy.ok()) << ref;
    EXPECT_EQ(model::BookingJson(*copy), model::BookingJson(*original)) << ref;
  }
  auto copied = rebuilt.value()->GetBooking(a.ref).value();
  EXPECT_EQ(copied.advisor, "SA Wang");
  EXPECT_EQ(copied.team, "B组");
  EXPECT_FALSE(rebuilt.value()->GetBooking(b.ref)->advisor.has_value());
}

TEST_F(PrepTest, AnAssignmentTypedIntoTheFileByHandShowsInVerify) {
  const Booking b = Book(Request("13800138001", "王伟", "京A10001", "10:00"));
  auto file = testing::OpenStoreFile(dir_.File("store.db"));
  ASSERT_TRUE(file->Exec("UPDATE bookings SET bay = '9'").ok());
  auto check = CheckStoreState(*file);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  ASSERT_EQ(check->differences.size(), 1u);
  EXPECT_EQ(check->differences[0].entity_id, b.id);
  EXPECT_EQ(check->differences[0].field, "bay");
}

// Each refusal names its field, and nothing is written: no log entry, no
// history row, the booking as it was.
TEST_F(PrepTest, RefusalsNameTheFieldAndWriteNothing) {
  BookingRequest r = Request("13800138001", "王伟", "京A10001", "10:00");
  r.advisor = "SA Wang";
  const Booking made = Book(r);
  const Booking gone = Book(Request("13800138002", "李娜", "京A10002", "11:00"));
  ASSERT_TRUE(store_->Cancel(gone.ref, "changed plans", "SA Li").ok());
  const size_t entries = Log().size();

  struct Case {
    std::string booking;
    Assignment assignment;
    StatusCode code;
    std::string field;
    std::string message;
  };
  const std::vector<Case> cases = {
      {gone.ref,
       {"SA Li", {}, {}},
       StatusCode::kRefused,
       "status",
       "booking " + gone.ref + " is cancelled: a final booking is not assigned"},
      {made.ref,
       {},
       StatusCode::kInvalidInput,
       "advisor",
       "assign: nothing to change; give --advisor, --bay or --team"},
      {made.ref,
       {"SA Wang", {}, {}},
       StatusCode::kInvalidInput,
       "advisor",
       "advisor: booking " + made.ref + " already has advisor 'SA Wang'; nothing to change"},
      {made.ref,
       {{}, "  ", {}},
       StatusCode::kInvalidInput,
       "bay",
       "bay: empty; give who or what to assign (an assignment is replaced, not cleared)"},
      {made.ref, {{}, std::string(21, '7'), {}}, StatusCode::kInvalidInput, "bay", ""},
      {made.ref, {{}, {}, "A\x01组"}, StatusCode::kInvalidInput, "team", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field + " " + c.message);
    auto out = store_->Assign(c.booking, c.assignment, "SA Zhang");
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), c.code);
    EXPECT_EQ(out.status().field(), c.field);
    if (!c.message.empty()) {
      EXPECT_EQ(out.status().message(), c.message);
    }
  }
  // Staff must be named, as for every change.
  Assignment bay;
  bay.bay = "3";
  EXPECT_EQ(store_->Assign(made.ref, bay, " ").status().field(), "staff");
  // A booking for a new bay at book time is held to the same limit.
  BookingRequest too_long = Request("13800138003", "张强", "京A10003", "14:00");
  too_long.team = std::string(61, 'x');
  auto refused = store_->Book(too_long);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "team");

  EXPECT_EQ(Log().size(), entries);
  EXPECT_EQ(store_->History(made.id)->size(), 1u);
  const Booking still = store_->GetBooking(made.ref).value();
  EXPECT_EQ(model::BookingJson(still), model::BookingJson(made));
}

TEST_F(PrepTest, ThePreparationListHoldsTheDaysArrivalsInSlotOrder) {
  BookingRequest late = Request("13800138001", "王伟", "京A10001", "14:00");
  late.vehicle.vin = "LFV2A21K6K3000001";
  late.vehicle.mileage_km = 35000;
  late.notes = "机油滤芯 oil filter\n刹车片 brake pads";
  late.advisor = "SA Wang";
  late.bay = "3";
  late.team = "A组";
  const Booking a = Book(late);
  const Booking b = Book(Request("13800138002", "李娜", "京A10002", "08:30"));
  BookingRequest same_slot = Request("13800138003", "张强", "京A10003", "08:30");
  same_slot.advisor = "SA Wang";
  const Booking c = Book(same_slot);
  const Booking gone = Book(Request("13800138004", "赵敏", "京A10004", "10:00"));
  ASSERT_TRUE(store_->Cancel(gone.ref, "changed plans", "SA Li").ok());
  BookingRequest other_day = Request("13800138005", "孙悦", "京A10005", "10:00");
  other_day.date = "2026-11-25";
  Book(other_day);
  // The vehicle's mileage as last recorded, not as first booked.
  ASSERT_TRUE(store_->AddVehicle("13800138001", {"京A10001", "", 36200}, "SA Zhang").ok());

  auto list = store_->Preparation("tomorrow");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->date, "2026-11-24");
  EXPECT_EQ(list->store_id, "SH-PUDONG");
  EXPECT_TRUE(list->open);
  ASSERT_EQ(list->entries.size(), 3u);  // the cancelled one and the other day's are not
  EXPECT_EQ(list->entries[0].ref, b.ref);
  EXPECT_EQ(list->entries[1].ref, c.ref);
  EXPECT_EQ(list->entries[2].ref, a.ref);
  const PrepEntry& e = list->entries[2];
  EXPECT_EQ(e.slot_time, "14:00");
  EXPECT_EQ(e.customer_name, "王伟");
  EXPECT_EQ(e.phone_last4, "8001");
  EXPECT_EQ(e.plate, "京A10001");
  EXPECT_EQ(e.vin, "LFV2A21K6K3000001");
  EXPECT_EQ(e.mileage_km, 36200);
  EXPECT_EQ(e.notes, "机油滤芯 oil filter\n刹车片 brake pads");
  EXPECT_EQ(e.advisor, "SA Wang");
  EXPECT_EQ(e.bay, "3");
  EXPECT_EQ(e.team, "A组");
  EXPECT_EQ(e.channel, Channel::kPhone);
  EXPECT_TRUE(e.priority_reception);
  EXPECT_FALSE(list->entries[0].advisor.has_value());
  EXPECT_FALSE(list->entries[0].vin.has_value());
  // Counts per advisor, by name, the unassigned last.
  EXPECT_EQ(list->unassigned, 1);
  ASSERT_EQ(list->per_advisor.size(), 2u);
  EXPECT_EQ(list->per_advisor[0].advisor, "SA Wang");
  EXPECT_EQ(list->per_advisor[0].bookings, 2);
  EXPECT_FALSE(list->per_advisor[1].advisor.has_value());
  EXPECT_EQ(list->per_advisor[1].bookings, 1);
  EXPECT_EQ(list->to_move, 0);

  // A day with nothing booked is an empty list, not an error; a bad date is named.
  auto empty = store_->Preparation("2026-11-26");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->entries.empty());
  EXPECT_TRUE(empty->per_advisor.empty());
  auto bad = store_->Preparation("2026-13-01");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
}

// A promised booking into a full slot takes a place from someone: the one
// told to move is not on the list (it holds no place) but is counted, so the
// supervisor knows the list may still grow.
TEST_F(PrepTest, ABookingThatLostItsPlaceIsCountedNotListed) {
  Book(Request("13800138001", "王伟", "京A10001", "10:00"));
  Book(Request("13800138002", "李娜", "京A10002", "10:00"));
  BookingRequest promised = Request("13800138003", "张强", "京A10003", "10:00");
  promised.channel = "call-centre";
  promised.promised = true;
  promised.requested_at = kMondayNine;
  promised.source = "test";
  auto out = store_->BookPromised(promised);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->cases.size(), 1u);
  auto list = store_->Preparation("2026-11-24");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->entries.size(), 2u);
  EXPECT_EQ(list->to_move, 1);
  EXPECT_EQ(list->unassigned, 2);
}

TEST(PrepTextTest, PhonesAreMaskedToTheirLastFourDigits) {
  EXPECT_EQ(PhoneLast4("+8613800138000"), "8000");
  EXPECT_EQ(PhoneLast4("+49301234"), "1234");
  EXPECT_EQ(PhoneLast4("123"), "123");
  EXPECT_EQ(PhoneLast4(""), "");
}

TEST(PrepTextTest, WideCharactersTakeTwoColumnsAndLinesWrapToTheWidth) {
  EXPECT_EQ(DisplayColumns("SA Wang"), 7);
  EXPECT_EQ(DisplayColumns("王伟"), 4);
  EXPECT_EQ(DisplayColumns("A组（一）"), 9);
  // Words stay whole where there are spaces; Chinese breaks between characters.
  EXPECT_EQ(WrapToColumns("oil filter and brake pads", 10),
            (std::vector<std::string>{"oil filter", "and brake", "pads"}));
  EXPECT_EQ(WrapToColumns("机油滤芯刹车片", 6),
            (std::vector<std::string>{"机油滤", "芯刹车", "片"}));
  EXPECT_EQ(WrapToColumns("a\n\nb", 10), (std::vector<std::string>{"a", "", "b"}));
  for (const std::string& line :
       WrapToColumns(std::string(30, 'x') + " 王伟王伟王伟王伟王伟", 11)) {
    EXPECT_LE(DisplayColumns(line), 11) << line;
  }
}

}  // namespace
}  // namespace outpost::edge
