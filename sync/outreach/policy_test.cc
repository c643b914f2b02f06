#include "sync/outreach/policy.h"

#include <gtest/gtest.h>

#include "sync/clock.h"

namespace outpost::outreach {
namespace {

using Kind = ContactDecision::Kind;

int64_t Utc(const char* text) { return ParseUtcMs(text).value(); }

class PolicyTest : public ::testing::Test {
 protected:
  PolicyTest() {
    // Opted in to SMS and calls; WeChat never asked.
    opted_in_.consent[static_cast<size_t>(ContactChannel::kSms)].choice = ContactChoice::kOptedIn;
    opted_in_.consent[static_cast<size_t>(ContactChannel::kCall)].choice = ContactChoice::kOptedIn;
  }
  // "2026-11-24 12:30" in the store's zone.
  int64_t Local(const std::string& text, const TimeZone* zone = nullptr) const {
    const TimeZone& z = zone ? *zone : shanghai_;
    return z.LocalToUtcMs(LocalDate::Parse(text.substr(0, 10)).value(),
                          LocalTime::Parse(text.substr(11)).value());
  }
  std::string Shown(int64_t utc_ms, const TimeZone* zone = nullptr) const {
    const LocalDateTime local = (zone ? *zone : shanghai_).UtcToLocal(utc_ms);
    return local.date.ToString() + " " + local.time.ToString();
  }
  ContactDecision Ask(ContactChannel channel, Purpose purpose, const std::string& when,
                      std::optional<int64_t> not_after = std::nullopt) const {
    return Decide(policy_, shanghai_, DefaultHolidayCalendar(), opted_in_,
                  {channel, purpose, Local(when), not_after});
  }

  ContactPolicy policy_;
  TimeZone shanghai_ = TimeZone::Load("Asia/Shanghai").value();
  TimeZone berlin_ = TimeZone::Load("Europe/Berlin").value();
  ContactSubject opted_in_;
};

TEST_F(PolicyTest, AnAllowedContactGoesAtOnceWithNoReason) {
  auto call = Ask(ContactChannel::kCall, Purpose::kTransactional, "2026-11-24 10:15");
  ASSERT_EQ(call.kind, Kind::kSend) << call.reason;
  EXPECT_EQ(call.at_ms, Local("2026-11-24 10:15"));
  EXPECT_FALSE(call.delayed);
  EXPECT_EQ(call.reason, "");
}

TEST_F(PolicyTest, ACallAtLunchWaitsForTwoOClockOrTheAfternoonWindowForMarketing) {
  auto reminder = Ask(ContactChannel::kCall, Purpose::kTransactional, "2026-11-24 12:30");
  ASSERT_EQ(reminder.kind, Kind::kSend) << reminder.reason;
  EXPECT_EQ(Shown(reminder.at_ms), "2026-11-24 14:00");
  EXPECT_TRUE(reminder.delayed);
  EXPECT_EQ(reminder.reason, "quiet hours 12:00-14:00");

  auto invitation = Ask(ContactChannel::kCall, Purpose::kMarketing, "2026-11-24 12:30");
  ASSERT_EQ(invitation.kind, Kind::kSend) << invitation.reason;
  EXPECT_EQ(Shown(invitation.at_ms), "2026-11-24 14:30");
  EXPECT_EQ(invitation.reason,
            "quiet hours 12:00-14:00; outside the preferred call windows 10:00-11:30, "
            "14:30-17:00");
}

TEST_F(PolicyTest, CallsAvoidTheEveningsAndNight) {
  auto dinner = Ask(ContactChannel::kCall, Purpose::kTransactional, "2026-11-24 18:45");
  EXPECT_EQ(Shown(dinner.at_ms), "2026-11-24 20:00");
  EXPECT_EQ(dinner.reason, "quiet hours 18:00-20:00");
  auto early = Ask(ContactChannel::kCall, Purpose::kTransactional, "2026-11-24 08:10");
  EXPECT_EQ(Shown(early.at_ms), "2026-11-24 09:00");
  auto late = Ask(ContactChannel::kCall, Purpose::kTransactional, "2026-11-24 21:00");
  EXPECT_EQ(Shown(late.at_ms), "2026-11-25 09:00");
  EXPECT_EQ(late.reason, "quiet hours 21:00-09:00");
  // A marketing call late in the afternoon goes into tomorrow's first window.
  auto evening = Ask(ContactChannel::kCall, Purpose::kMarketing, "2026-11-24 17:30");
  EXPECT_EQ(Shown(evening.at_ms), "2026-11-25 10:00");
}

TEST_F(PolicyTest, AMessageAtTenInTheEveningGoesAtNineNextMorning) {
  auto sms = Ask(ContactChannel::kSms, Purpose::kTransactional, "2026-11-24 22:00");
  ASSERT_EQ(sms.kind, Kind::kSend) << sms.reason;
  EXPECT_EQ(Shown(sms.at_ms), "2026-11-25 09:00");
  EXPECT_EQ(sms.reason, "quiet hours 21:00-09:00");
  // Messages have no lunch or dinner quiet hours.
  auto lunch = Ask(ContactChannel::kSms, Purpose::kTransactional, "2026-11-24 12:30");
  EXPECT_FALSE(lunch.delayed);
}

TEST_F(PolicyTest, QuietHoursHoldInBerlinThroughBothDstChanges) {
  // 29 March 2026: clocks go from 02:00 CET to 03:00 CEST. 09:00 is 07:00 UTC.
  auto spring = Decide(policy_, berlin_, DefaultHolidayCalendar(), opted_in_,
                       {ContactChannel::kSms, Purpose::kTransactional,
                        Utc("2026-03-28T21:00:00Z") /* 22:00 CET */, std::nullopt});
  ASSERT_EQ(spring.kind, Kind::kSend);
  EXPECT_EQ(spring.at_ms, Utc("2026-03-29T07:00:00Z"));
  EXPECT_EQ(Shown(spring.at_ms, &berlin_), "2026-03-29 09:00");
  // 25 October 2026: from 03:00 CEST back to 02:00 CET. 09:00 is 08:00 UTC.
  auto autumn = Decide(policy_, berlin_, DefaultHolidayCalendar(), opted_in_,
                       {ContactChannel::kCall, Purpose::kTransactional,
                        Utc("2026-10-24T20:00:00Z") /* 22:00 CEST */, std::nullopt});
  ASSERT_EQ(autumn.kind, Kind::kSend);
  EXPECT_EQ(autumn.at_ms, Utc("2026-10-25T08:00:00Z"));
  // And lunch that day is 12:00-14:00 CET = 11:00-13:00 UTC.
  auto lunch = Decide(policy_, berlin_, DefaultHolidayCalendar(), opted_in_,
                      {ContactChannel::kCall, Purpose::kTransactional,
                       Utc("2026-10-26T11:30:00Z") /* 12:30 CET */, std::nullopt});
  EXPECT_EQ(lunch.at_ms, Utc("2026-10-26T13:00:00Z"));
}

TEST_F(PolicyTest, QuietHoursEndingInTheSkippedHourNeverEndEarly) {
  // A store silent 00:00-02:30; on 29 March Berlin skips 02:00-03:00, so
  // 02:30 never happens that night: the message waits until 03:00 or later,
  // never goes at 01:xx CET.
  policy_.quiet_hours = {{QuietScope::kMessages, {{0, 0}, {2, 30}}}};
  auto sms = Decide(policy_, berlin_, DefaultHolidayCalendar(), opted_in_,
                    {ContactChannel::kSms, Purpose::kTransactional,
                     Utc("2026-03-28T23:30:00Z") /* 00:30 CET */, std::nullopt});
  ASSERT_EQ(sms.kind, Kind::kSend);
  EXPECT_GE(sms.at_ms, Utc("2026-03-29T01:00:00Z"));  // 03:00 CEST
  EXPECT_LE(sms.at_ms, Utc("2026-03-29T01:30:00Z"));
  EXPECT_EQ(sms.reason, "quiet hours 00:00-02:30");
}

TEST_F(PolicyTest, MarketingWaitsOutTheNationalDayWindow) {
  auto sms = Ask(ContactChannel::kSms, Purpose::kMarketing, "2026-09-30 10:00");
  ASSERT_EQ(sms.kind, Kind::kSend) << sms.reason;
  // 30 Sep is the eve, 1-7 Oct the holiday, 8 Oct the day after.
  EXPECT_EQ(Shown(sms.at_ms), "2026-10-09 09:00");
  EXPECT_EQ(sms.reason,
            "public holiday 国庆节 (2026-10-01): no marketing on a holiday or the day before or "
            "after; quiet hours 21:00-09:00");
  // A reminder about the customer's own booking is not marketing.
  auto reminder = Ask(ContactChannel::kSms, Purpose::kTransactional, "2026-10-02 10:00");
  EXPECT_FALSE(reminder.delayed);
}

TEST_F(PolicyTest, MarketingNeedsAnOptInOnThatChannel) {
  auto wechat = Ask(ContactChannel::kWeChat, Purpose::kMarketing, "2026-11-24 10:00");
  EXPECT_EQ(wechat.kind, Kind::kDrop);
  EXPECT_EQ(wechat.reason, "no opt-in for WeChat");
  auto reminder = Ask(ContactChannel::kWeChat, Purpose::kTransactional, "2026-11-24 10:00");
  EXPECT_EQ(reminder.kind, Kind::kSend);
}

TEST_F(PolicyTest, AnOptOutOrDoNotDisturbStopsEvenReminders) {
  ContactSubject subject = opted_in_;
  subject.consent[static_cast<size_t>(ContactChannel::kSms)].choice = ContactChoice::kOptedOut;
  const ContactAsk sms{ContactChannel::kSms, Purpose::kTransactional, Local("2026-11-24 10:00")};
  auto out = Decide(policy_, shanghai_, DefaultHolidayCalendar(), subject, sms);
  EXPECT_EQ(out.kind, Kind::kDrop);
  EXPECT_EQ(out.reason, "opted out of SMS");

  subject = opted_in_;
  subject.do_not_disturb = true;
  out = Decide(policy_, shanghai_, DefaultHolidayCalendar(), subject, sms);
  EXPECT_EQ(out.kind, Kind::kDrop);
  EXPECT_EQ(out.reason, "do not disturb");
}

TEST_F(PolicyTest, TheSubjectOfACustomerRecordCarriesItsConsent) {
  model::Customer customer;
  customer.consent[static_cast<size_t>(ContactChannel::kWeChat)].choice = ContactChoice::kOptedIn;
  const ContactSubject subject = SubjectOf(customer, {Local("2026-11-01 10:00")});
  auto out = Decide(policy_, shanghai_, DefaultHolidayCalendar(), subject,
                    {ContactChannel::kWeChat, Purpose::kMarketing, Local("2026-11-24 10:00")});
  EXPECT_EQ(out.kind, Kind::kSend) << out.reason;
  customer.do_not_disturb = true;
  out = Decide(policy_, shanghai_, DefaultHolidayCalendar(), SubjectOf(customer),
               {ContactChannel::kWeChat, Purpose::kMarketing, Local("2026-11-24 10:00")});
  EXPECT_EQ(out.reason, "do not disturb");
}

TEST_F(PolicyTest, TwoMarketingContactsIn30DaysThenDroppedUntilThe31stDay) {
  ContactSubject subject = opted_in_;
  subject.marketing_contacts_ms = {Local("2026-11-02 10:00"), Local("2026-11-02 10:00")};
  const auto ask = [&](const char* when) {
    return Decide(policy_, shanghai_, DefaultHolidayCalendar(), subject,
                  {ContactChannel::kSms, Purpose::kMarketing, Local(when)});
  };
  auto day30 = ask("2026-12-01 10:00");
  EXPECT_EQ(day30.kind, Kind::kDrop);
  EXPECT_EQ(day30.reason, "marketing cap: 2 in 30 days");
  auto day31 = ask("2026-12-02 10:00");
  EXPECT_EQ(day31.kind, Kind::kSend) << day31.reason;
  // Transactional contact is never capped.
  auto reminder =
      Decide(policy_, shanghai_, DefaultHolidayCalendar(), subject,
             {ContactChannel::kSms, Purpose::kTransactional, Local("2026-11-20 10:00")});
  EXPECT_EQ(reminder.kind, Kind::kSend);
  // One contact known: a second is allowed.
  subject.marketing_contacts_ms.pop_back();
  EXPECT_EQ(ask("2026-11-20 10:00").kind, Kind::kSend);
}

TEST_F(PolicyTest, NeverAtOrAfterTheBookingStarts) {
  // Asked at 22:00 for a booking at 08:30 tomorrow: 09:00 is too late.
  auto sms = Ask(ContactChannel::kSms, Purpose::kTransactional, "2026-11-24 22:00",
                 Local("2026-11-25 08:30"));
  EXPECT_EQ(sms.kind, Kind::kDrop);
  EXPECT_EQ(sms.reason,
            "next allowed time (2026-11-25 09:00) is after the booking starts (2026-11-25 08:30)");
  // The 2 h call asked at lunch for a 13:30 booking cannot wait until 14:00.
  auto call = Ask(ContactChannel::kCall, Purpose::kTransactional, "2026-11-24 12:30",
                  Local("2026-11-24 13:30"));
  EXPECT_EQ(call.kind, Kind::kDrop);
  auto started = Ask(ContactChannel::kSms, Purpose::kTransactional, "2026-11-24 10:00",
                     Local("2026-11-24 10:00"));
  EXPECT_EQ(started.reason, "too late: at or after the booking starts");
}

TEST_F(PolicyTest, APolicyThatNeverAllowsAContactDropsItWithTheReason) {
  // The only preferred window lies inside lunch's quiet hours.
  policy_.preferred_call_windows = {{{12, 0}, {13, 0}}};
  auto call = Ask(ContactChannel::kCall, Purpose::kMarketing, "2026-11-24 10:00");
  EXPECT_EQ(call.kind, Kind::kDrop);
  EXPECT_EQ(call.reason, "no allowed time within 60 days");
}

TEST_F(PolicyTest, APolicyWithoutLunchQuietHoursCallsAtLunch) {
  policy_.quiet_hours.erase(policy_.quiet_hours.begin());
  auto call = Ask(ContactChannel::kCall, Purpose::kTransactional, "2026-11-24 12:30");
  EXPECT_FALSE(call.delayed);
}

TEST_F(PolicyTest, EveryMessageCarriesTheOptOutExactlyOnce) {
  EXPECT_EQ(WithOptOut(policy_, "您的预约已确认"), "您的预约已确认 回复TD退订");
  EXPECT_EQ(WithOptOut(policy_, WithOptOut(policy_, "您的预约已确认")),
            "您的预约已确认 回复TD退订");
  EXPECT_EQ(WithOptOut(policy_, "回复TD退订 您的预约已确认 回复TD退订"),
            "您的预约已确认 回复TD退订");
  EXPECT_EQ(WithOptOut(policy_, "到店 回复TD退订 请准时"), "到店 请准时 回复TD退订");
  EXPECT_EQ(WithOptOut(policy_, ""), "回复TD退订");
}

TEST_F(PolicyTest, ThePolicyTravelsAsJson) {
  policy_.marketing_cap = 3;
  policy_.opt_out_text = "Reply STOP";
  auto back = ParseContactPolicy(ContactPolicyJson(policy_));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ContactPolicyJson(*back), ContactPolicyJson(policy_));
  EXPECT_EQ(back->quiet_hours.size(), 4U);
  EXPECT_EQ(back->quiet_hours[3].applies_to, QuietScope::kMessages);
}

TEST_F(PolicyTest, ABadPolicyIsRefusedNamingTheField) {
  const auto refused = [](const nlohmann::json& json) { return ParseContactPolicy(json).status(); };
  nlohmann::json good = ContactPolicyJson(policy_);

  nlohmann::json bad = good;
  bad["quiet_hours"][1]["start"] = "25:00";
  Status st = refused(bad);
  EXPECT_EQ(st.field(), "quiet_hours[1].start");
  EXPECT_EQ(st.message(),
            "contact policy: quiet_hours[1].start: '25:00' is not a time of day (HH:MM)");

  bad = good;
  bad["quiet_hours"][0]["applies_to"] = "emails";
  EXPECT_EQ(refused(bad).field(), "quiet_hours[0].applies_to");

  bad = good;
  bad["quiet_hours"][0]["end"] = "12:00";
  EXPECT_EQ(refused(bad).message(), "contact policy: quiet_hours[0].end: '12:00' equals the start");

  bad = good;
  bad["preferred_call_windows"][0] = {{"start", "17:00"}, {"end", "10:00"}};
  EXPECT_EQ(refused(bad).field(), "preferred_call_windows[0].end");

  bad = good;
  bad["marketing_cap"]["count"] = -1;
  EXPECT_EQ(refused(bad).message(), "contact policy: marketing_cap.count: -1 is negative");

  bad = good;
  bad["marketing_cap"]["days"] = 18446744073709551615ULL;
  EXPECT_EQ(refused(bad).message(),
            "contact policy: marketing_cap.days: 18446744073709551615 is above 366");

  bad = good;
  bad.erase("opt_out_text");
  EXPECT_EQ(refused(bad).field(), "opt_out_text");
}

}  // namespace
}  // namespace outpost::outreach
