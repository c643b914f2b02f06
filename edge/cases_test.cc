// Promised bookings (call centre, paper) into full slots and duplicates: kept,
// settled deterministically, and turned into conflict cases for staff.
#include <gtest/gtest.h>

#include "edge/store.h"
#include "sync/changelog.h"
#include "sync/testing.h"
#include "tests/store_file.h"

namespace outpost::edge {
namespace {

// Monday 2026-11-23, 09:00 in Shanghai.
constexpr const char* kMondayNine = "2026-11-23T01:00:00Z";

class CasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreSettings settings;
    settings.store_id = "SH-PUDONG";
    settings.name = "浦东服务中心";
    auto store = Store::Create(dir_.File("store.db"), settings, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  BookingRequest Request(const std::string& phone, const std::string& name,
                         const std::string& plate, const std::string& channel = "phone") {
    BookingRequest r;
    r.customer = phone;
    r.create_customer = NewCustomer{name, {phone}};
    r.vehicle.plate = plate;
    r.date = "2026-11-24";
    r.time = "10:00";
    r.staff = "SA Zhang";
    r.channel = channel;
    return r;
  }
  BookingRequest Promised(const std::string& phone, const std::string& name,
                          const std::string& plate, const std::string& asked_at,
                          const std::string& channel = "paper") {
    BookingRequest r = Request(phone, name, plate, channel);
    r.promised = true;
    r.requested_at = asked_at;
    r.source = "test";
    return r;
  }

  testing::TempDir dir_;
  FixedClock clock_{ParseUtcMs(kMondayNine).value()};
  std::unique_ptr<Store> store_;
};

TEST_F(CasesTest, AnEarlierPromiseTakesThePlaceAndTheLaterBookingIsFlaggedWithACase) {
  // The desk fills the 10:00 slot (two places) at 09:00.
  auto a = store_->Book(Request("13800138001", "甲", "京A10001"));
  clock_.Advance(60'000);  // 09:01
  auto b = store_->Book(Request("13800138002", "乙", "京A10002"));
  ASSERT_TRUE(a.ok() && b.ok());
  // A paper form written at 08:00, while the computer was down, promised the slot earlier.
  auto paper =
      store_->BookPromised(Promised("13800138003", "丙", "京A10003", "2026-11-23T00:00:00Z"));
  ASSERT_TRUE(paper.ok()) << paper.status().ToString();
  EXPECT_FALSE(paper->duplicate);
  EXPECT_FALSE(paper->booking.needs_reschedule);  // asked first: keeps the place
  ASSERT_EQ(paper->cases.size(), 1u);

  auto c = store_->GetCase(paper->cases[0]);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kind, "over-capacity");
  EXPECT_EQ(c->status, "open");
  EXPECT_EQ(c->booking_ids.size(), 3u);
  ASSERT_EQ(c->contacts.size(), 1u);  // the desk booking made last loses the place
  EXPECT_EQ(c->contacts[0].booking_ref, b->ref);
  EXPECT_EQ(c->contacts[0].phone, "+8613800138002");

  auto board = store_->DayBoard("2026-11-24");
  ASSERT_TRUE(board.ok());
  const auto& slot = board->slots[1];
  ASSERT_EQ(slot.time, "10:00");
  EXPECT_EQ(slot.bookings.size(), 2u);
  EXPECT_EQ(slot.free, 0);
  ASSERT_EQ(board->needs_reschedule.size(), 1u);
  EXPECT_EQ(board->needs_reschedule[0].ref, b->ref);

  // Nothing is lost: the flagged booking is there with its history.
  auto history = store_->History(b->id);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->back().action, "needs-reschedule");
  // And the desk still refuses a fourth booking: the slot is full.
  EXPECT_EQ(store_->Book(Request("13800138004", "丁", "京A10004")).status().code(),
            StatusCode::kRefused);
}

TEST_F(CasesTest, TwoExtraBookingsAreCountedAndBothNamedToMove) {
  // The desk fills the 10:00 slot (two places); two paper forms written later
  // than both arrive one after the other: four bookings for two places.
  auto a = store_->Book(Request("13800138001", "甲", "京A10001"));
  clock_.Advance(60'000);  // a minute apart: the summary lists them in booking order
  auto b = store_->Book(Request("13800138002", "乙", "京A10002"));
  ASSERT_TRUE(a.ok() && b.ok());
  clock_.Advance(3'540'000);  // 10:00: the forms were written at 09:30 and 09:40
  auto late1 =
      store_->BookPromised(Promised("13800138003", "丙", "京A10003", "2026-11-23T01:30:00Z"));
  auto late2 =
      store_->BookPromised(Promised("13800138004", "丁", "京A10004", "2026-11-23T01:40:00Z"));
  ASSERT_TRUE(late1.ok() && late2.ok());
  EXPECT_TRUE(late1->booking.needs_reschedule);
  EXPECT_TRUE(late2->booking.needs_reschedule);
  ASSERT_EQ(late2->cases, late1->cases);  // one case per over-full slot

  auto c = store_->GetCase(late2->cases[0]);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->summary.find("has 4 bookings for 2 places"), std::string::npos) << c->summary;
  EXPECT_NE(c->summary.find("kept " + a->ref + ", " + b->ref), std::string::npos) << c->summary;
  EXPECT_NE(c->summary.find("to reschedule " + late1->booking.ref + ", " + late2->booking.ref),
            std::string::npos)
      << c->summary;
  EXPECT_EQ(c->booking_ids.size(), 4u);
  ASSERT_EQ(c->contacts.size(), 2u);  // both customers to call
  EXPECT_EQ(c->contacts[0].booking_ref, late1->booking.ref);
  EXPECT_EQ(c->contacts[1].booking_ref, late2->booking.ref);
}

TEST_F(CasesTest, CaseClosesOnlyOnceTheFlaggedBookingIsMovedOrKept) {
  ASSERT_TRUE(store_->Book(Request("13800138001", "甲", "京A10001")).ok());
  ASSERT_TRUE(store_->Book(Request("13800138002", "乙", "京A10002")).ok());
  // Promised later than both: the call-centre booking itself needs rescheduling.
  auto late = store_->BookPromised(
      Promised("13800138003", "丙", "京A10003", "2026-11-23T00:59:00Z", "call-centre"));
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  ASSERT_EQ(late->cases.size(), 1u);
  const std::string ref = late->cases[0];
  // 09:00 desk bookings were made after 08:59: the call centre asked first.
  EXPECT_FALSE(late->booking.needs_reschedule);

  auto refused = store_->ResolveCase(ref, "called", false, "SA Zhang");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kRefused);
  EXPECT_NE(refused.status().message().find("still needs rescheduling"), std::string::npos);

  auto board = store_->DayBoard("2026-11-24").value();
  ASSERT_EQ(board.needs_reschedule.size(), 1u);
  auto moved = store_->Reschedule(board.needs_reschedule[0].ref, "2026-11-24", "11:00",
                                  "called the customer", "SA Zhang");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_FALSE(moved->needs_reschedule);
  auto done = store_->ResolveCase(ref, "moved to 11:00 by phone", false, "SA Zhang");
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->status, "resolved");
  EXPECT_EQ(store_->Cases(true).value().size(), 0u);
  EXPECT_EQ(store_->Cases(false).value().size(), 1u);
  // Resolving twice is refused with who closed it.
  EXPECT_EQ(store_->ResolveCase(ref, "again", false, "SA Li").status().code(),
            StatusCode::kRefused);
}

TEST_F(CasesTest, KeepGivesTheFlaggedBookingAPlaceOverCapacity) {
  ASSERT_TRUE(store_->Book(Request("13800138001", "甲", "京A10001")).ok());
  ASSERT_TRUE(store_->Book(Request("13800138002", "乙", "京A10002")).ok());
  auto late = store_->BookPromised(
      Promised("13800138003", "丙", "京A10003", "2026-11-23T01:00:00Z", "call-centre"));
  ASSERT_TRUE(late.ok());
  // Same business time as the desk bookings: the tie breaks on the id, but
  // exactly one of the three loses its place.
  auto board = store_->DayBoard("2026-11-24").value();
  ASSERT_EQ(board.needs_reschedule.size(), 1u);
  auto kept = store_->ResolveCase(late->cases[0], "squeezed in: short job", true, "SA Zhang");
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  board = store_->DayBoard("2026-11-24").value();
  EXPECT_EQ(board.needs_reschedule.size(), 0u);
  EXPECT_EQ(board.slots[1].bookings.size(), 3u);
}

TEST_F(CasesTest, TheSameVisitTwiceIsNotDoubledAndByAnotherChannelOpensACase) {
  auto desk = store_->Book(Request("13800138001", "甲", "京A10001"));
  ASSERT_TRUE(desk.ok());
  auto again =
      store_->BookPromised(Promised("13800138001", "甲", "京A·10001", "2026-11-23T00:30:00Z"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->booking.id, desk->id);
  ASSERT_EQ(again->cases.size(), 1u);
  EXPECT_EQ(store_->GetCase(again->cases[0])->kind, "duplicate-booking");
  EXPECT_EQ(store_->DayBoard("2026-11-24")->slots[1].bookings.size(), 1u);

  // Same vehicle, same day, another slot, another channel: both kept, one case.
  auto r = Promised("13800138001", "甲", "京A10001", "2026-11-23T00:40:00Z", "call-centre");
  r.time = "14:00";
  auto second = store_->BookPromised(r);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->duplicate);
  ASSERT_EQ(second->cases.size(), 1u);
  auto c = store_->GetCase(second->cases[0]).value();
  EXPECT_EQ(c.kind, "duplicate-booking");
  EXPECT_EQ(c.booking_ids.size(), 2u);
}

TEST_F(CasesTest, APromisedBookingIsJudgedAsOfWhenItWasAsked) {
  // Written on paper at 08:00 for 08:30 the same day, entered at 09:00: the
  // slot has passed but the booking is real and is recorded as asked.
  BookingRequest r = Promised("13800138001", "甲", "京A10001", "2026-11-23T00:00:00Z");
  r.date = "2026-11-23";
  r.time = "08:30";
  auto ok = store_->BookPromised(r);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->booking.requested_at, "2026-11-23T00:00:00.000Z");
  EXPECT_EQ(ok->booking.created_at, "2026-11-23T01:00:00.000Z");
  // A business time in the future is refused.
  r.requested_at = "2026-11-24T00:00:00Z";
  r.vehicle.plate = "京A10009";
  EXPECT_EQ(store_->BookPromised(r).status().code(), StatusCode::kInvalidInput);
}

TEST_F(CasesTest, CasesAndFlagsAreInTheChangeLog) {
  ASSERT_TRUE(store_->Book(Request("13800138001", "甲", "京A10001")).ok());
  ASSERT_TRUE(store_->Book(Request("13800138002", "乙", "京A10002")).ok());
  ASSERT_TRUE(
      store_->BookPromised(Promised("13800138003", "丙", "京A10003", "2026-11-23T00:00:00Z")).ok());
  auto db = testing::OpenStoreFile(dir_.File("store.db"));
  auto changes = ReadChanges(*db, 1, 1000).value();
  int cases = 0, flags = 0;
  for (const auto& c : changes) {
    if (c.entity == "case") ++cases;
    if (c.entity == "booking" && c.fields_json.find("needs_reschedule") != std::string::npos) {
      ++flags;
    }
  }
  EXPECT_EQ(cases, 1);
  EXPECT_EQ(flags, 1);
  EXPECT_TRUE(VerifyChain(changes, Hash256{}).ok());
}

// Head office's booking: answered once, recorded with its booking by
// BookForHeadOffice; the other entry points refuse a head office request.
TEST_F(CasesTest, AHeadOfficeRequestIsBookedOnceAndAnsweredWithItsBooking) {
  BookingRequest r =
      Promised("13800138001", "甲", "京A10001", "2026-11-23T00:30:00Z", "call-centre");
  r.hub_request_seq = 7;
  auto first = store_->BookForHeadOffice(r);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(store_->LastHubRequest().value(), 7);
  auto db = testing::OpenStoreFile(dir_.File("store.db"));
  const auto logged = ReadChanges(*db, 1, 1000).value();
  // The booking's own change carries the request to head office.
  EXPECT_NE(logged.back().fields_json.find(R"("hub_request_seq":7)"), std::string::npos);
  // Delivered again: the same booking, nothing new booked or logged.
  auto again = store_->BookForHeadOffice(r);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->booking.id, first->booking.id);
  EXPECT_EQ(ReadChanges(*db, 1, 1000).value().size(), logged.size());
  // The same visit asked for again under another request: already booked,
  // and that answer is logged itself (no booking change carries it).
  r.hub_request_seq = 8;
  auto twice = store_->BookForHeadOffice(r);
  ASSERT_TRUE(twice.ok()) << twice.status().ToString();
  EXPECT_TRUE(twice->duplicate);
  EXPECT_EQ(twice->booking.id, first->booking.id);
  const auto now = ReadChanges(*db, 1, 1000).value();
  ASSERT_EQ(now.size(), logged.size() + 1);
  EXPECT_EQ(now.back().entity, "request");
  EXPECT_NE(now.back().fields_json.find("already booked (" + first->booking.ref + ")"),
            std::string::npos)
      << now.back().fields_json;
  // A request refused earlier stays refused, with its reason.
  ASSERT_TRUE(store_->RecordHubRequestRefused(9, "slot: closed that day").ok());
  r.hub_request_seq = 9;
  auto refused = store_->BookForHeadOffice(r);
  EXPECT_EQ(refused.status().code(), StatusCode::kRefused);
  EXPECT_EQ(refused.status().message(),
            "head office request 9 was refused earlier: slot: closed that day");
}

TEST_F(CasesTest, BookAndBookPromisedRefuseAHeadOfficeRequestAndWriteNothing) {
  BookingRequest r =
      Promised("13800138001", "甲", "京A10001", "2026-11-23T00:30:00Z", "call-centre");
  r.hub_request_seq = 7;
  auto db = testing::OpenStoreFile(dir_.File("store.db"));
  const size_t logged = ReadChanges(*db, 1, 1000).value().size();
  for (const Status& st : {store_->BookPromised(r).status(), store_->Book(r).status()}) {
    EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
    EXPECT_EQ(st.field(), "hub_request_seq");
    EXPECT_EQ(st.message(),
              "hub_request_seq: head office request 7 is booked by BookForHeadOffice, which"
              " records its answer");
  }
  EXPECT_EQ(ReadChanges(*db, 1, 1000).value().size(), logged);
  EXPECT_EQ(store_->LastHubRequest().value(), 0);
}

TEST_F(CasesTest, APaperFormIsRecordedByTheImportInTheBookingsTransaction) {
  BookingRequest r = Promised("13800138001", "甲", "京A10001", "2026-11-23T00:30:00Z");
  r.form_id = "F261124-001";
  r.import_batch = "batch-1";
  // Rolled back (a dry run): neither the booking nor the form is kept.
  ASSERT_TRUE(store_
                  ->InTransaction(false,
                                  [&]() -> Status {
                                    auto out = store_->BookPromisedInTransaction(r);
                                    if (!out.ok()) return out.status();
                                    return store_->RecordPaperForm(r, *out);
                                  })
                  .ok());
  EXPECT_FALSE(store_->PaperFormImported("F261124-001").value().has_value());
  // Committed: the form names its batch and the booking it became.
  std::string ref;
  ASSERT_TRUE(store_
                  ->InTransaction(true,
                                  [&]() -> Status {
                                    auto out = store_->BookPromisedInTransaction(r);
                                    if (!out.ok()) return out.status();
                                    ref = out->booking.ref;
                                    return store_->RecordPaperForm(r, *out);
                                  })
                  .ok());
  auto form = store_->PaperFormImported("F261124-001").value();
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->first, "batch-1");
  EXPECT_EQ(form->second, ref);
  // A request without a form has nothing to record.
  BookingRequest no_form = Promised("13800138002", "乙", "京A10002", "2026-11-23T00:31:00Z");
  auto out = store_->BookPromised(no_form);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(store_->RecordPaperForm(no_form, *out).code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace outpost::edge
