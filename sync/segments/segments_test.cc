#include "sync/segments/segments.h"

#include <gtest/gtest.h>

#include <vector>

namespace outpost::segments {
namespace {

using nlohmann::json;

const LocalDate kToday = LocalDate::Parse("2026-11-29").value();

// Visits `days_ago` before kToday, each worth `yuan`.
std::vector<SegmentVisit> VisitsAgo(const std::vector<int>& days_ago, int64_t yuan = 0) {
  std::vector<SegmentVisit> out;
  out.reserve(days_ago.size());
  for (int d : days_ago) out.push_back({kToday.AddDays(-d), yuan * 100});
  return out;
}

// `count` visits `step` days apart, the last `last_ago` days ago.
std::vector<int> Every(int step, int count, int last_ago = 0) {
  std::vector<int> out;
  out.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) out.push_back(last_ago + i * step);
  return out;
}

Segment Of(const std::vector<SegmentVisit>& visits, const SegmentRules& rules = {}) {
  auto s = ComputeSegment(rules, visits, kToday);
  EXPECT_TRUE(s.has_value());
  return s.value_or(Segment{});
}

TEST(SegmentsTest, NoVisitsNoSegment) { EXPECT_FALSE(ComputeSegment({}, {}, kToday).has_value()); }

// Monthly is 12 visits in the last 365 days: high; one fewer is mid.
TEST(SegmentsTest, ExactlyMonthlyIsHighAndOneLessIsMid) {
  const Segment monthly = Of(VisitsAgo(Every(30, 12)));  // 0, 30, ..., 330 days ago
  EXPECT_EQ(monthly.frequency, 12);
  EXPECT_EQ(monthly.frequency_tier, "high");
  EXPECT_EQ(monthly.frequency_score, 5);
  EXPECT_EQ(monthly.value_tier, "vip");  // vip_min_visits 12
  const Segment eleven = Of(VisitsAgo(Every(30, 11)));
  EXPECT_EQ(eleven.frequency_tier, "mid");
  EXPECT_EQ(eleven.frequency_score, 4);
  EXPECT_EQ(eleven.value_tier, "regular");
}

// Once a quarter (4 a year) is mid; 3 a year is low, as is twice a year.
// Three a quarter is 12 a year: high.
TEST(SegmentsTest, QuarterBoundaries) {
  EXPECT_EQ(Of(VisitsAgo(Every(91, 4))).frequency_tier, "mid");
  EXPECT_EQ(Of(VisitsAgo(Every(120, 3))).frequency_tier, "low");
  EXPECT_EQ(Of(VisitsAgo(Every(182, 2))).frequency_tier, "low");
  EXPECT_EQ(Of(VisitsAgo(Every(30, 12))).frequency_tier, "high");
}

// The window is today and the 364 days before it.
TEST(SegmentsTest, AVisit365DaysAgoIsOutsideTheWindow) {
  const Segment s = Of(VisitsAgo({0, 364, 365}, 100));
  EXPECT_EQ(s.frequency, 2);
  EXPECT_EQ(s.monetary_fen, 20000);
  EXPECT_EQ(s.visits_total, 3);
  EXPECT_EQ(s.first_visit, kToday.AddDays(-365));
  EXPECT_EQ(s.last_visit, kToday);
}

// Lost: the last visit more than 365 days ago; exactly 365 is declining.
TEST(SegmentsTest, LostThreshold) {
  const Segment at = Of(VisitsAgo({365, 500}));
  EXPECT_EQ(at.recency_days, 365);
  EXPECT_EQ(at.lifecycle, "declining");
  EXPECT_EQ(at.recency_score, 2);
  const Segment past = Of(VisitsAgo({366, 500}));
  EXPECT_EQ(past.lifecycle, "lost");
  EXPECT_EQ(past.recency_score, 1);
  EXPECT_EQ(past.frequency, 0);
  EXPECT_EQ(past.frequency_tier, "low");
}

TEST(SegmentsTest, RecencyScoresAtTheirCutoffs) {
  const std::vector<std::pair<int, int>> expected = {{0, 5},   {30, 5},  {31, 4},  {90, 4},
                                                     {91, 3},  {180, 3}, {181, 2}, {365, 2},
                                                     {366, 1}, {1000, 1}};
  for (const auto& [ago, score] : expected) {
    EXPECT_EQ(Of(VisitsAgo({ago})).recency_score, score) << ago << " days ago";
  }
}

// Monetary counts whole yuan reached; a visit without an amount counts 0.
TEST(SegmentsTest, MonetaryScoresAndVip) {
  std::vector<SegmentVisit> visits = {{kToday, 49999}, {kToday.AddDays(-10), std::nullopt}};
  EXPECT_EQ(Of(visits).monetary_score, 1);
  visits[0].amount_fen = 50000;
  EXPECT_EQ(Of(visits).monetary_score, 2);
  visits[0].amount_fen = 999999;  // 9,999.99 yuan
  EXPECT_EQ(Of(visits).monetary_score, 4);
  EXPECT_EQ(Of(visits).value_tier, "regular");
  visits[0].amount_fen = 1000000;
  EXPECT_EQ(Of(visits).monetary_score, 5);
  EXPECT_EQ(Of(visits).value_tier, "vip");
}

TEST(SegmentsTest, ValueTierNewIsOneVisitEver) {
  EXPECT_EQ(Of(VisitsAgo({40}, 300)).value_tier, "new");
  EXPECT_EQ(Of(VisitsAgo({40, 400}, 300)).value_tier, "regular");
  EXPECT_EQ(Of(VisitsAgo({40}, 12000)).value_tier, "vip");
}

TEST(SegmentsTest, LifecycleStages) {
  // First visit 90 days ago: new; 91: not any more (one visit, recent half).
  EXPECT_EQ(Of(VisitsAgo({90})).lifecycle, "new");
  EXPECT_EQ(Of(VisitsAgo({91})).lifecycle, "growing");
  // A customer of two years, visits evenly spread: mature.
  EXPECT_EQ(Of(VisitsAgo({10, 100, 200, 300, 400, 500, 600, 700})).lifecycle, "mature");
  // Fewer visits in the recent half (days 0-181) than the earlier (182-364).
  EXPECT_EQ(Of(VisitsAgo({100, 200, 300, 400, 700})).lifecycle, "declining");
  // More in the recent half: growing, even for an old customer.
  EXPECT_EQ(Of(VisitsAgo({10, 60, 120, 300, 700})).lifecycle, "growing");
  // The last visit more than 180 days ago: declining.
  EXPECT_EQ(Of(VisitsAgo({181, 700})).lifecycle, "declining");
}

TEST(SegmentsTest, ThresholdsAreConfigurable) {
  SegmentRules rules;
  rules.high_min_visits = 6;
  rules.lost_after_days = 200;
  EXPECT_EQ(Of(VisitsAgo(Every(60, 6)), rules).frequency_tier, "high");
  EXPECT_EQ(Of(VisitsAgo({201, 400}), rules).lifecycle, "lost");
}

TEST(SegmentRulesTest, DefaultsRoundTripAndKeysLeftOutKeepTheirDefault) {
  const json written = SegmentRulesJson(SegmentRules{});
  auto back = ParseSegmentRules(written);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(SegmentRulesJson(back.value()), written);
  auto partial = ParseSegmentRules(json{{"lost_after_days", 400}});
  ASSERT_TRUE(partial.ok()) << partial.status().ToString();
  EXPECT_EQ(partial->lost_after_days, 400);
  EXPECT_EQ(partial->high_min_visits, 12);
}

TEST(SegmentRulesTest, EachBadValueIsNamed) {
  const std::vector<std::pair<json, std::string>> cases = {
      {json::array(), "segment rules: fields:"},
      {{{"lost_afer_days", 30}}, "segment rules: lost_afer_days: is not a segment threshold"},
      {{{"window_days", "365"}}, "segment rules: window_days:"},
      {{{"window_days", 5}}, "segment rules: window_days: 5 is outside 28..3660"},
      {{{"recency_days", {30, 20, 180, 365}}}, "segment rules: recency_days: must increase"},
      {{{"monetary_yuan", {1, 2, 3}}}, "segment rules: monetary_yuan: not a list of 4"},
      {{{"mid_min_visits", 12}},
       "segment rules: mid_min_visits: 12 must be below high_min_visits (12)"},
      {{{"declining_after_days", 400}},
       "segment rules: declining_after_days: 400 must be below lost_after_days (365)"},
      {{{"vip_min_yuan", -1}}, "segment rules: vip_min_yuan: -1 is outside"},
  };
  for (const auto& [rules, named] : cases) {
    auto parsed = ParseSegmentRules(rules);
    ASSERT_FALSE(parsed.ok()) << rules.dump();
    EXPECT_NE(parsed.status().message().find(named), std::string::npos)
        << parsed.status().message() << " should name " << named;
  }
}

}  // namespace
}  // namespace outpost::segments
