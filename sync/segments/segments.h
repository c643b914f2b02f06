// Customer segments (docs/FOLLOWUP.md, "Segments"): RFM scores, the frequency
// tier, the value tier and the lifecycle stage of one customer, computed from
// the customer's completed visits (at any store) as of a given day, under
// thresholds head office configures (SegmentRules, kept as the hub setting
// "segment_rules").
//
// Days count in the stores' calendar dates: a visit on `today` is 0 days ago.
// "The window" is the last `window_days` days, today included (a visit
// window_days or more days ago is outside it). A visit dated after `today`
// (a store's clock ahead) counts as today's.
//
// Value and tier names are part of what stores receive in the profiles
// (sync/model/profile.h ProfileSegment); the value tiers are the waitlist's
// (sync/model/waitlist.h kWaitlistTiers): "vip", "regular", "new".
//
// Values and pure functions, no SQL, no I/O; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>

#include "sync/civil_time.h"
#include "sync/status.h"

namespace outpost::segments {

// Every threshold, with its default (the table in docs/FOLLOWUP.md).
struct SegmentRules {
  int64_t window_days = 365;  // frequency and monetary count visits in it
  // RFM scores 1-5. Recency: 5 when the last visit is at most [0] days ago,
  // 4 at most [1], 3 at most [2], 2 at most [3], else 1.
  std::array<int64_t, 4> recency_days = {30, 90, 180, 365};
  // Frequency and monetary: 1 plus how many of the four cutoffs the value
  // reaches (visits in the window; yuan spent in the window).
  std::array<int64_t, 4> frequency_visits = {2, 4, 6, 12};
  std::array<int64_t, 4> monetary_yuan = {500, 2000, 5000, 10000};
  // Frequency tier by visits in the window: "high" at least high_min_visits
  // (monthly), "mid" at least mid_min_visits (once a quarter), else "low".
  int64_t high_min_visits = 12;
  int64_t mid_min_visits = 4;
  // Value tier: "vip" when the window's spend reaches vip_min_yuan or its
  // visits vip_min_visits; else "new" with at most new_max_visits visits
  // ever; else "regular".
  int64_t vip_min_yuan = 10000;
  int64_t vip_min_visits = 12;
  int64_t new_max_visits = 1;
  // Lifecycle, the first that holds: "lost" when the last visit is more than
  // lost_after_days ago; "new" when the first is at most new_within_days ago;
  // "declining" when the last is more than declining_after_days ago, or the
  // window's recent half has fewer visits than its earlier half; "growing"
  // when the first visit is at most growing_within_days ago, or the recent
  // half has more visits than the earlier; else "mature".
  int64_t new_within_days = 90;
  int64_t growing_within_days = 365;
  int64_t declining_after_days = 180;
  int64_t lost_after_days = 365;
};

// Every key always, amounts in yuan: what `segments rules show` prints and
// the hub setting's value.
nlohmann::json SegmentRulesJson(const SegmentRules& rules);
// A rules object; keys left out keep their default. A bad value, an unknown
// key or thresholds out of order are refused naming the field ("segment
// rules: mid_min_visits: 12 must be below high_min_visits (12)").
Result<SegmentRules> ParseSegmentRules(const nlohmann::json& json);

// One completed visit of the customer.
struct SegmentVisit {
  LocalDate date;                     // the store's day of the visit
  std::optional<int64_t> amount_fen;  // what it was worth; none: counts as 0
};

struct Segment {
  int64_t recency_days = 0;                                        // since the last visit
  int64_t frequency = 0;                                           // visits in the window
  int64_t monetary_fen = 0;                                        // their amounts, summed
  int recency_score = 1, frequency_score = 1, monetary_score = 1;  // 1-5
  std::string frequency_tier;                                      // "high", "mid", "low"
  std::string value_tier;                                          // "vip", "regular", "new"
  std::string lifecycle;     // "new", "growing", "mature", "declining", "lost"
  int64_t visits_total = 0;  // ever
  LocalDate first_visit, last_visit;
};

inline constexpr const char* kFrequencyTiers[] = {"high", "mid", "low"};
inline constexpr const char* kValueTiers[] = {"vip", "regular", "new"};
inline constexpr const char* kLifecycleStages[] = {"new", "growing", "mature", "declining", "lost"};

// The segment of a customer with these visits (any order) as of `today`;
// nullopt when there are none (no segment: the customer never visited).
std::optional<Segment> ComputeSegment(const SegmentRules& rules,
                                      std::span<const SegmentVisit> visits, LocalDate today);

}  // namespace outpost::segments
