#include "sync/outreach/reminders.h"

#include <gtest/gtest.h>

#include "sync/clock.h"

namespace outpost::outreach {
namespace {

int64_t Utc(const char* text) { return ParseUtcMs(text).value(); }
LocalDate D(const char* text) { return LocalDate::Parse(text).value(); }
LocalTime T(const char* text) { return LocalTime::Parse(text).value(); }

class RemindersTest : public ::testing::Test {
 protected:
  std::string Shown(int64_t utc_ms, const TimeZone& zone) const {
    const LocalDateTime local = zone.UtcToLocal(utc_ms);
    return local.date.ToString() + " " + local.time.ToString();
  }
  const PlannedStep& Find(const std::vector<PlannedStep>& plan, const std::string& step) {
    for (const PlannedStep& p : plan) {
      if (p.step == step) return p;
    }
    ADD_FAILURE() << "no step " << step;
    return plan.front();
  }
  ContactDecision SendNow(const PlannedStep& p, const TimeZone& zone) {
    ContactSubject anyone;  // never asked: transactional contact is allowed
    return Decide(
        ContactPolicy{}, zone, DefaultHolidayCalendar(), anyone,
        {p.channel, p.purpose, p.due_ms, p.latest_ms, "the window of " + p.step + " closes"});
  }

  TimeZone shanghai_ = TimeZone::Load("Asia/Shanghai").value();
  TimeZone berlin_ = TimeZone::Load("Europe/Berlin").value();
  std::vector<ReminderStep> steps_ = DefaultReminderSteps();
};

TEST_F(RemindersTest, ABookingMadeDaysAheadGetsEveryStepInItsWindow) {
  // Slot Wednesday 2026-11-25 10:00 in Shanghai, booked the Friday before.
  const int64_t booked = Utc("2026-11-20T02:00:00Z");
  auto plan = PlanBookingSteps("S1", "B7", D("2026-11-25"), T("10:00"), booked, steps_, shanghai_);
  ASSERT_EQ(plan.size(), 5U);
  for (const PlannedStep& p : plan) EXPECT_FALSE(p.skipped) << p.step << ": " << p.skip_reason;
  EXPECT_EQ(plan[0].step, "confirmation");
  EXPECT_EQ(plan[0].due_ms, booked);
  EXPECT_EQ(Shown(plan[0].latest_ms, shanghai_), "2026-11-25 10:00");
  EXPECT_EQ(Shown(Find(plan, "reminder_24_48h").due_ms, shanghai_), "2026-11-23 10:00");
  EXPECT_EQ(Shown(Find(plan, "reminder_24_48h").latest_ms, shanghai_), "2026-11-24 10:00");
  EXPECT_EQ(Shown(Find(plan, "reminder_2_4h").due_ms, shanghai_), "2026-11-25 06:00");
  EXPECT_EQ(Shown(Find(plan, "reminder_30min").due_ms, shanghai_), "2026-11-25 09:30");
  EXPECT_EQ(Find(plan, "reminder_30min").channel, ContactChannel::kSms);
  const PlannedStep& call = Find(plan, "sa_call_2h");
  EXPECT_EQ(Shown(call.due_ms, shanghai_), "2026-11-25 08:00");
  EXPECT_TRUE(call.staff_task);
  EXPECT_FALSE(plan[0].staff_task);
  EXPECT_EQ(Find(plan, "reminder_2_4h").idempotency_key,
            "S1/B7/reminder_2_4h/2026-11-25T02:00:00.000Z");
}

TEST_F(RemindersTest, TwentyFourHoursBeforeIsTwentyFourRealHoursAcrossBerlinsDstChanges) {
  const int64_t booked = Utc("2026-03-01T09:00:00Z");
  // Monday 30 March 10:00 CEST = 08:00 UTC; the clocks went forward on the 29th.
  auto spring = PlanBookingSteps("B1", "K1", D("2026-03-30"), T("10:00"), booked, steps_, berlin_);
  const PlannedStep& day_before = Find(spring, "reminder_24_48h");
  EXPECT_EQ(day_before.latest_ms, Utc("2026-03-29T08:00:00Z"));
  EXPECT_EQ(day_before.due_ms, Utc("2026-03-28T08:00:00Z"));
  EXPECT_EQ(Shown(day_before.due_ms, berlin_), "2026-03-28 09:00");  // still CET then
  EXPECT_EQ(Shown(day_before.latest_ms, berlin_), "2026-03-29 10:00");

  // Monday 26 October 10:00 CET = 09:00 UTC; the clocks went back on the 25th.
  auto autumn = PlanBookingSteps("B1", "K2", D("2026-10-26"), T("10:00"), booked, steps_, berlin_);
  const PlannedStep& before = Find(autumn, "reminder_24_48h");
  EXPECT_EQ(before.latest_ms, Utc("2026-10-25T09:00:00Z"));
  EXPECT_EQ(Shown(before.due_ms, berlin_), "2026-10-24 11:00");  // still CEST then
}

TEST_F(RemindersTest, QuietHoursOnTheDstSundayAreTheStoresHours) {
  // Sunday 25 October 12:00 CET. The 2-4 h reminder opens at 08:00 CET
  // (07:00 UTC), in quiet hours; it goes at 09:00 CET = 08:00 UTC, not 07:00.
  const int64_t booked = Utc("2026-10-01T09:00:00Z");
  auto plan = PlanBookingSteps("B1", "K3", D("2026-10-25"), T("12:00"), booked, steps_, berlin_);
  const PlannedStep& reminder = Find(plan, "reminder_2_4h");
  EXPECT_EQ(reminder.due_ms, Utc("2026-10-25T07:00:00Z"));
  auto decision = SendNow(reminder, berlin_);
  ASSERT_TRUE(decision.send()) << decision.reason;
  EXPECT_EQ(decision.at_ms, Utc("2026-10-25T08:00:00Z"));
  EXPECT_EQ(decision.reason, "quiet hours 21:00-09:00");

  // Sunday 29 March 10:00 CEST: the 2-4 h window closes at 08:00, before
  // quiet hours end, so that reminder is dropped with the reason.
  auto early = PlanBookingSteps("B1", "K4", D("2026-03-29"), T("10:00"), booked, steps_, berlin_);
  auto dropped = SendNow(Find(early, "reminder_2_4h"), berlin_);
  EXPECT_FALSE(dropped.send());
  EXPECT_EQ(dropped.reason,
            "next allowed time (2026-03-29 09:00) is after the window of reminder_2_4h closes "
            "(2026-03-29 08:00)");
}

TEST_F(RemindersTest, ALateBookingSkipsPastStepsInsteadOfFiringThemAll) {
  // Booked at 07:00 for 10:00 the same morning.
  const int64_t booked = Utc("2026-11-24T23:00:00Z");
  auto plan = PlanBookingSteps("S1", "B8", D("2026-11-25"), T("10:00"), booked, steps_, shanghai_);
  EXPECT_FALSE(Find(plan, "confirmation").skipped);
  const PlannedStep& day_before = Find(plan, "reminder_24_48h");
  EXPECT_TRUE(day_before.skipped);
  EXPECT_EQ(day_before.skip_reason,
            "booked too late for reminder_24_48h: its window closed before the booking was made");
  const PlannedStep& hours = Find(plan, "reminder_2_4h");
  EXPECT_TRUE(hours.skipped);
  EXPECT_EQ(hours.skip_reason.rfind("booked too late for reminder_2_4h: its window was open", 0),
            0U);
  EXPECT_FALSE(Find(plan, "reminder_30min").skipped);
  EXPECT_FALSE(Find(plan, "sa_call_2h").skipped);
  int at_booking = 0;
  for (const PlannedStep& p : plan) at_booking += !p.skipped && p.due_ms == booked ? 1 : 0;
  EXPECT_EQ(at_booking, 1);
}

TEST_F(RemindersTest, WithoutAConfirmationOnlyTheOpenStepNearestTheVisitGoesAtBooking) {
  const std::vector<ReminderStep> steps = {
      {"early", ContactChannel::kSms, Purpose::kTransactional, false, 600, 60},
      {"late", ContactChannel::kSms, Purpose::kTransactional, false, 300, 30}};
  const int64_t booked = Utc("2026-11-25T22:00:00Z");  // 06:00, four hours ahead
  auto plan = PlanBookingSteps("S1", "B9", D("2026-11-26"), T("10:00"), booked, steps, shanghai_);
  EXPECT_TRUE(plan[0].skipped);
  EXPECT_EQ(plan[0].skip_reason,
            "booked too late for early: its window was open at booking, and late goes then");
  EXPECT_FALSE(plan[1].skipped);
  EXPECT_EQ(plan[1].due_ms, booked);
}

TEST_F(RemindersTest, ABookingMadeAfterItsStartPlansNothing) {
  const int64_t booked = Utc("2026-11-25T02:30:00Z");  // 10:30 for a 10:00 slot
  auto plan = PlanBookingSteps("S1", "B10", D("2026-11-25"), T("10:00"), booked, steps_, shanghai_);
  for (const PlannedStep& p : plan) EXPECT_TRUE(p.skipped) << p.step;
  EXPECT_EQ(plan[0].skip_reason,
            "booked too late for confirmation: its window closed before the booking was made");
}

TEST_F(RemindersTest, AMovedBookingGetsNewKeysAndTheSameSlotTheSameKeys) {
  const int64_t booked = Utc("2026-11-20T02:00:00Z");
  auto before =
      PlanBookingSteps("S1", "B7", D("2026-11-25"), T("10:00"), booked, steps_, shanghai_);
  auto again =
      PlanBookingSteps("S1", "B7", D("2026-11-25"), T("10:00"), booked + 5000, steps_, shanghai_);
  auto moved = PlanBookingSteps("S1", "B7", D("2026-11-25"), T("14:00"), booked, steps_, shanghai_);
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i].idempotency_key, again[i].idempotency_key);
    EXPECT_NE(before[i].idempotency_key, moved[i].idempotency_key);
  }
  EXPECT_EQ(moved[1].idempotency_key,
            StepKey("S1", "B7", "reminder_24_48h", Utc("2026-11-25T06:00:00Z")));
}

TEST_F(RemindersTest, AnOptOutBetweenPlanningAndSendingStopsTheStep) {
  auto plan = PlanBookingSteps("S1", "B11", D("2026-11-25"), T("10:00"),
                               Utc("2026-11-20T02:00:00Z"), steps_, shanghai_);
  const PlannedStep& reminder = Find(plan, "reminder_24_48h");
  ContactSubject subject;
  const ContactAsk ask{reminder.channel, reminder.purpose, reminder.due_ms, reminder.latest_ms};
  EXPECT_TRUE(Decide(ContactPolicy{}, shanghai_, DefaultHolidayCalendar(), subject, ask).send());
  // Another store records "TD" before the reminder is due; the sender decides
  // again with what it knows then.
  subject.consent[static_cast<size_t>(ContactChannel::kSms)].choice = ContactChoice::kOptedOut;
  auto again = Decide(ContactPolicy{}, shanghai_, DefaultHolidayCalendar(), subject, ask);
  EXPECT_FALSE(again.send());
  EXPECT_EQ(again.reason, "opted out of SMS");
}

TEST_F(RemindersTest, StepsTravelAsJson) {
  auto back = ParseReminderSteps(ReminderStepsJson(steps_));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ReminderStepsJson(*back), ReminderStepsJson(steps_));
  EXPECT_TRUE((*back)[0].at_booking);
  EXPECT_EQ((*back)[4].channel, ContactChannel::kCall);
}

TEST_F(RemindersTest, ABadStepIsRefusedNamingTheStepAndField) {
  const nlohmann::json good = ReminderStepsJson(steps_);
  const auto refused = [](const nlohmann::json& json) { return ParseReminderSteps(json).status(); };

  nlohmann::json bad = good;
  bad["steps"][1]["earliest_minutes_before"] = -5;
  Status st = refused(bad);
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(st.field(), "steps[1].earliest_minutes_before");
  EXPECT_EQ(st.message(),
            "reminder steps: steps[1].earliest_minutes_before: -5 is negative (step "
            "'reminder_24_48h')");

  bad = good;
  bad["steps"][2]["earliest_minutes_before"] = 60;  // opens after it closes (120)
  st = refused(bad);
  EXPECT_EQ(st.field(), "steps[2].earliest_minutes_before");
  EXPECT_NE(st.message().find("60 is less than latest_minutes_before 120"), std::string::npos);

  bad = good;
  bad["steps"][3]["name"] = "reminder_2_4h";
  EXPECT_EQ(refused(bad).message(), "reminder steps: steps[3].name: 'reminder_2_4h' is used twice");

  bad = good;
  bad["steps"][4]["channel"] = "fax";
  EXPECT_EQ(refused(bad).field(), "steps[4].channel");

  bad = good;
  bad["steps"][0]["latest_minutes_before"] = 10;
  EXPECT_EQ(refused(bad).field(), "steps[0].latest_minutes_before");
}

}  // namespace
}  // namespace outpost::outreach
