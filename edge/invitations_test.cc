// The store's own service-due invitations (edge/invitations.h,
// edge/store_invitations.cc): computed from the store's data alone, with the
// same key and message as head office's "invite", planned once; and an
// invitation's outcomes at the desk.
#include "edge/invitations.h"

#include <gtest/gtest.h>

#include "edge/store.h"
#include "sync/testing.h"

namespace outpost::edge {
namespace {

// Wednesday 2026-05-20, 09:00 in Shanghai: the day before the service.
constexpr const char* kBeforeService = "2026-05-20T01:00:00Z";

class InvitationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.store_id = "SH-PUDONG";
    settings_.name = "浦东服务中心";
    auto store = Store::Create(dir_.File("store.db"), settings_, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  // 09:00 on `day` in Shanghai.
  void At(const std::string& day, int hour = 9) {
    clock_.Set(store_->time_zone().LocalToUtcMs(LocalDate::Parse(day).value(), LocalTime{hour, 0}));
  }

  // A customer booked for 2026-05-21 (made the day before) with the car
  // `plate` at `km` (none: no reading), opted in to calls unless `opt_in` is false.
  BookingRequest Request(const std::string& phone, const std::string& plate,
                         std::optional<int64_t> km, bool opt_in = true,
                         const std::string& time = "10:00") {
    BookingRequest r;
    r.customer = phone;
    r.create_customer = NewCustomer{"王伟" + phone.substr(9), {phone}};
    r.create_customer->contact_opt_in = opt_in;
    if (opt_in) r.create_customer->consent_channels = {ContactChannel::kCall};
    r.vehicle.plate = plate;
    r.vehicle.mileage_km = km;
    r.service = "保养";
    r.date = "2026-05-21";
    r.time = time;
    r.staff = "SA Zhang";
    return r;
  }

  // Books it and serves it on 2026-05-21; the clock ends there.
  Booking Served(const BookingRequest& r) {
    At("2026-05-20");
    auto b = store_->Book(r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    if (!b.ok()) return {};
    At("2026-05-21", 11);
    EXPECT_TRUE(store_->CheckIn(b->id, "SA Zhang").ok());
    EXPECT_TRUE(store_->StartService(b->id, "SA Zhang").ok());
    auto done = store_->Complete(b->id, "SA Zhang");
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    return done.ok() ? *done : Booking{};
  }

  std::vector<DueInvitation> Due(const std::string& day) {
    auto list = store_->DueInvitations(LocalDate::Parse(day).value());
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? *list : std::vector<DueInvitation>{};
  }

  // Head office's invitation of the car of `b` due 2026-11-21 (six months).
  static model::HeadOfficeRequest Invite(const Booking& b) {
    model::HeadOfficeRequest invite;
    invite.kind = "invite";
    invite.customer_id = b.customer_id;
    invite.vehicle_id = b.vehicle_id.value_or("");
    invite.date = "2026-11-21";
    invite.invite_date = "2026-11-06";
    invite.service = "maintenance";
    invite.due_by = "time";
    invite.channel = "call";
    invite.reason = "6 months since the last service";
    invite.staff = "HQ Chen";
    return invite;
  }

  int InvitationsOn(const std::string& day) {
    auto list = store_->MessagesOn(LocalDate::Parse(day).value());
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    int n = 0;
    for (const auto& m : *list) n += m.step == "invitation" ? 1 : 0;
    return n;
  }

  testing::TempDir dir_;
  FixedClock clock_{ParseUtcMs(kBeforeService).value()};
  StoreSettings settings_;
  std::unique_ptr<Store> store_;
};

TEST_F(InvitationsTest, ServicedSixMonthsAgoInvitedFifteenDaysBeforeDueWithNoReading) {
  const Booking b = Served(Request("13800138001", "沪A10001", std::nullopt));
  At("2026-11-05");
  EXPECT_TRUE(Due("2026-11-05").empty());  // the invite date is tomorrow
  At("2026-11-06");
  const auto due = Due("2026-11-06");
  ASSERT_EQ(due.size(), 1u);
  const DueInvitation& d = due[0];
  EXPECT_EQ(d.customer_id, b.customer_id);
  EXPECT_EQ(d.vehicle_id, b.vehicle_id);
  EXPECT_EQ(d.last_service, "2026-05-21");
  EXPECT_EQ(d.service_kind, "maintenance");
  EXPECT_EQ(d.due.due_date.ToString(), "2026-11-21");
  EXPECT_EQ(d.due.invite_date.ToString(), "2026-11-06");
  EXPECT_EQ(d.due.due_by, "time");
  EXPECT_EQ(d.readings, 0);
  EXPECT_FALSE(d.projected_km.has_value());
  EXPECT_EQ(d.channel, ContactChannel::kCall);
  EXPECT_EQ(d.state, "plan");
  EXPECT_EQ(d.key, "SH-PUDONG/invitation/" + b.customer_id + "/" + *b.vehicle_id + "/2026-11-21");
  ASSERT_TRUE(d.send_at_ms.has_value());
  // Calls wait for the preferred window: 10:00 that morning.
  EXPECT_EQ(*d.send_at_ms, store_->time_zone().LocalToUtcMs(LocalDate::Parse("2026-11-06").value(),
                                                            LocalTime{10, 0}));
}

TEST_F(InvitationsTest, OneReadingIsTimeOnly) {
  Served(Request("13800138002", "沪A10002", 10'000));
  At("2026-11-06");
  const auto due = Due("2026-11-06");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].readings, 1);
  EXPECT_EQ(due[0].due.due_by, "time");
  EXPECT_FALSE(due[0].due.km_per_day.has_value());
  EXPECT_FALSE(due[0].projected_km.has_value());
  EXPECT_EQ(due[0].due.due_date.ToString(), "2026-11-21");
}

TEST_F(InvitationsTest, ThreeReadingsProjectTheKilometres) {
  const Booking b = Served(Request("13800138003", "沪A10003", 10'000));
  // Two more readings, a month apart: about 2,000 km a month.
  At("2026-06-20");
  ASSERT_TRUE(store_->AddVehicle(b.customer_id, {"沪A10003", "", 12'000}, "SA Zhang").ok());
  At("2026-07-20");
  ASSERT_TRUE(store_->AddVehicle(b.customer_id, {"沪A10003", "", 14'000}, "SA Zhang").ok());
  At("2026-07-21");
  EXPECT_TRUE(Due("2026-07-10").empty());
  const auto due = Due("2026-07-31");
  ASSERT_EQ(due.size(), 1u);
  const DueInvitation& d = due[0];
  EXPECT_EQ(d.readings, 3);
  EXPECT_EQ(d.due.due_by, "km");
  ASSERT_TRUE(d.due.km_per_day.has_value());
  EXPECT_NEAR(*d.due.km_per_day, 4000.0 / 61, 0.5);
  EXPECT_LT(d.due.due_date, LocalDate::Parse("2026-11-21").value());
  EXPECT_EQ(d.due.invite_date, d.due.due_date.AddDays(-15));
  ASSERT_TRUE(d.projected_km.has_value());
  ASSERT_TRUE(d.due.due_at_km.has_value());
  EXPECT_NEAR(static_cast<double>(*d.projected_km), static_cast<double>(*d.due.due_at_km), 70);
}

TEST_F(InvitationsTest, AnUpcomingBookingIsNotInvited) {
  Served(Request("13800138004", "沪A10004", std::nullopt));
  At("2026-11-06");
  BookingRequest again;
  again.customer = "13800138004";
  again.vehicle.plate = "沪A10004";
  again.service = "保养";
  again.date = "2026-11-12";
  again.time = "10:00";
  again.staff = "SA Zhang";
  ASSERT_TRUE(store_->Book(again).ok());
  const auto due = Due("2026-11-06");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].state, "booked");
  EXPECT_EQ(due[0].reason, "already booked");
  auto run = store_->PlanDueInvitations(LocalDate::Parse("2026-11-06").value(), "SA Zhang");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->planned.empty());
  EXPECT_EQ(run->skipped.size(), 1u);
  EXPECT_EQ(InvitationsOn("2026-11-06"), 0);
}

TEST_F(InvitationsTest, NoOptInForTheChannelIsListedWithTheDropReasonAndNotPlanned) {
  Served(Request("13800138005", "沪A10005", std::nullopt, /*opt_in=*/false));
  At("2026-11-06");
  const auto due = Due("2026-11-06");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].state, "dropped");
  EXPECT_NE(due[0].reason.find("no opt-in"), std::string::npos) << due[0].reason;
  auto run = store_->PlanDueInvitations(LocalDate::Parse("2026-11-06").value(), "SA Zhang");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->planned.empty());
  ASSERT_EQ(run->skipped.size(), 1u);
  EXPECT_EQ(run->skipped[0].state, "dropped");
  EXPECT_EQ(InvitationsOn("2026-11-06"), 0);
}

TEST_F(InvitationsTest, PlannedOnceThenHeadOfficesInviteForTheSameCarPlansNothing) {
  const Booking b = Served(Request("13800138006", "沪A10006", std::nullopt));
  At("2026-11-06");
  const LocalDate day = LocalDate::Parse("2026-11-06").value();
  auto first = store_->PlanDueInvitations(day, "SA Zhang");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->planned.size(), 1u);
  const std::string id = first->planned[0].message_id;
  auto second = store_->PlanDueInvitations(day, "SA Zhang");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->planned.empty());
  ASSERT_EQ(second->skipped.size(), 1u);
  EXPECT_EQ(second->skipped[0].state, "planned");
  EXPECT_EQ(InvitationsOn("2026-11-06"), 1);

  ASSERT_TRUE(store_->ApplyHeadOfficeOutreach(41, Invite(b)).ok());
  EXPECT_EQ(InvitationsOn("2026-11-06"), 1);
  const auto due = Due("2026-11-06");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].state, "planned");
  EXPECT_EQ(due[0].message_id, id);

  // The call's answer: an invitation's outcome.
  auto booked = store_->RecordCallOutcome(id, "booked", "SA Zhang");
  ASSERT_TRUE(booked.ok()) << booked.status().ToString();
  ASSERT_TRUE(booked->outcome.has_value());
  EXPECT_EQ(*booked->outcome, "booked");
}

TEST_F(InvitationsTest, HeadOfficesInviteFirstThenTheStoresListSaysPlanned) {
  const Booking b = Served(Request("13800138007", "沪A10007", std::nullopt));
  At("2026-11-06");
  ASSERT_TRUE(store_->ApplyHeadOfficeOutreach(42, Invite(b)).ok());
  auto run = store_->PlanDueInvitations(LocalDate::Parse("2026-11-06").value(), "SA Zhang");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->planned.empty());
  ASSERT_EQ(run->skipped.size(), 1u);
  EXPECT_EQ(run->skipped[0].state, "planned");
  EXPECT_EQ(InvitationsOn("2026-11-06"), 1);
}

TEST_F(InvitationsTest, InvitationOutcomesAreRefusedForAReminderCall) {
  At("2026-11-06");
  BookingRequest r = Request("13800138008", "沪A10008", std::nullopt);
  r.date = "2026-11-07";
  r.time = "16:00";
  ASSERT_TRUE(store_->Book(r).ok());
  At("2026-11-07", 13);  // the 2 h call's window is near: it is planned
  ASSERT_TRUE(store_->PlanOutreach().ok());
  auto list = store_->MessagesOn(LocalDate::Parse("2026-11-07").value());
  ASSERT_TRUE(list.ok());
  std::string call;
  for (const auto& m : *list) {
    if (m.channel == "call") call = m.id;
  }
  ASSERT_FALSE(call.empty());
  auto refused = store_->RecordCallOutcome(call, "booked", "SA Zhang");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "outcome");
  EXPECT_NE(refused.status().message().find("invitation"), std::string::npos);
  auto unknown = store_->RecordCallOutcome(call, "maybe", "SA Zhang");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().field(), "outcome");
  EXPECT_TRUE(store_->RecordCallOutcome(call, "reached", "SA Zhang").ok());
}

TEST_F(InvitationsTest, ASalonVisitWithoutAVehicleIsInvitedPerCustomerByWeChat) {
  BookingRequest r = Request("13800138009", "", std::nullopt, /*opt_in=*/false);
  r.create_customer->contact_opt_in = true;
  r.create_customer->consent_channels = {ContactChannel::kWeChat};
  r.service = "面部护理";
  const Booking b = Served(r);
  At("2026-06-11");
  const auto due = Due("2026-06-11");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].service_kind, "beauty_care");
  EXPECT_FALSE(due[0].vehicle_id.has_value());
  EXPECT_EQ(due[0].due.due_date.ToString(), "2026-06-18");  // 28 days after the visit
  EXPECT_EQ(due[0].channel, ContactChannel::kWeChat);       // day 21
  EXPECT_EQ(due[0].key, "SH-PUDONG/invitation/" + b.customer_id + "/-/2026-06-18");
  EXPECT_EQ(due[0].state, "plan") << due[0].reason;
  auto run = store_->PlanDueInvitations(LocalDate::Parse("2026-06-11").value(), "SA Zhang");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->planned.size(), 1u);
  auto list = store_->MessagesOn(LocalDate::Parse("2026-06-11").value());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].channel, "wechat");
  EXPECT_NE((*list)[0].text.find("回复TD退订"), std::string::npos) << (*list)[0].text;
}

TEST(ServiceKindOfTest, TextsMapToRules) {
  EXPECT_EQ(ServiceKindOf("保养"), "maintenance");
  EXPECT_EQ(ServiceKindOf("oil change"), "maintenance");
  EXPECT_EQ(ServiceKindOf("beauty_care"), "beauty_care");
  EXPECT_EQ(ServiceKindOf("面部护理"), "beauty_care");
  EXPECT_EQ(ServiceKindOf("Facial"), "beauty_care");
}

}  // namespace
}  // namespace outpost::edge
