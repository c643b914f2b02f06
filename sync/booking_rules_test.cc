#include "sync/booking_rules.h"

#include <gtest/gtest.h>

namespace outpost {
namespace {

constexpr int64_t kMinute = 60'000;

SlotMoment Slot(const char* date, int hour, int minute, int64_t start_ms) {
  return {LocalDate::Parse(date).value(), {hour, minute}, start_ms};
}

TEST(NoticeTest, RefusesStartedSlotsAndShortNoticeButNotWalkIns) {
  RuleSettings rules;  // 30 min notice
  const int64_t start = 1'000'000 * kMinute;
  RequestMoment now{start - 20 * kMinute, LocalDate::Parse("2026-11-24").value()};
  auto slot = Slot("2026-11-24", 10, 0, start);
  Status st = CheckNotice(rules, now, slot, Channel::kPhone);
  EXPECT_EQ(st.code(), StatusCode::kRefused);
  EXPECT_EQ(st.message(), "slot 2026-11-24 10:00 needs at least 30 minutes' notice");
  EXPECT_EQ(st.field(), "slot");
  EXPECT_TRUE(CheckNotice(rules, now, slot, Channel::kWalkIn).ok());
  now.utc_ms = start - 30 * kMinute;
  EXPECT_TRUE(CheckNotice(rules, now, slot, Channel::kPhone).ok());
  now.utc_ms = start;
  EXPECT_EQ(CheckNotice(rules, now, slot, Channel::kWalkIn).message(),
            "slot 2026-11-24 10:00 has already started");
}

TEST(PerksTest, FourHoursAheadGivesPriorityReception) {
  RuleSettings rules;
  const int64_t start = 1'000'000 * kMinute;
  auto slot = Slot("2026-11-24", 14, 0, start);
  auto today = LocalDate::Parse("2026-11-24").value();
  EXPECT_TRUE(EvaluatePerks(rules, {start - 240 * kMinute, today}, slot).priority_reception);
  EXPECT_FALSE(EvaluatePerks(rules, {start - 239 * kMinute, today}, slot).priority_reception);
}

TEST(PerksTest, DiscountNeedsAnEarlierDayAndASlotBeforeTheCutoff) {
  RuleSettings rules;  // cut-off 10:00
  const int64_t start = 1'000'000 * kMinute;
  auto day_before = LocalDate::Parse("2026-11-23").value();
  auto same_day = LocalDate::Parse("2026-11-24").value();
  EXPECT_TRUE(
      EvaluatePerks(rules, {0, day_before}, Slot("2026-11-24", 8, 30, start)).discount_eligible);
  EXPECT_FALSE(
      EvaluatePerks(rules, {0, same_day}, Slot("2026-11-24", 8, 30, start)).discount_eligible);
  EXPECT_FALSE(
      EvaluatePerks(rules, {0, day_before}, Slot("2026-11-24", 10, 0, start)).discount_eligible);
}

TEST(ArrivalTest, PerksByArrivalTimeNeverForSameDayBookings) {
  RuleSettings rules;
  EXPECT_EQ(EvaluateArrival(rules, false, false, {9, 19}).perk, "breakfast");
  EXPECT_EQ(EvaluateArrival(rules, false, false, {9, 20}).perk, "snack");
  EXPECT_EQ(EvaluateArrival(rules, false, false, {10, 0}).perk, "");
  EXPECT_EQ(EvaluateArrival(rules, false, false, {15, 30}).perk, "fruit");
  EXPECT_EQ(EvaluateArrival(rules, false, true, {8, 0}).perk, "");
}

TEST(ArrivalTest, DiscountAppliesOnlyWhenEligibleAndBeforeCutoff) {
  RuleSettings rules;
  EXPECT_TRUE(EvaluateArrival(rules, true, false, {9, 59}).discount_applied);
  EXPECT_FALSE(EvaluateArrival(rules, true, false, {10, 0}).discount_applied);
  EXPECT_FALSE(EvaluateArrival(rules, false, false, {8, 0}).discount_applied);
}

}  // namespace
}  // namespace outpost
