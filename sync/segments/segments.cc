#include "sync/segments/segments.h"

#include <algorithm>
#include <set>

#include "sync/model/fields.h"

namespace outpost::segments {
namespace {

using nlohmann::json;

constexpr const char* kKind = "segment rules";
// No threshold is above ten years of days or ten million yuan.
constexpr int64_t kMaxDays = 3660;
constexpr int64_t kMaxYuan = 10'000'000;
constexpr int64_t kMaxVisits = 100'000;

const char* const kScalarKeys[] = {"window_days",     "high_min_visits",     "mid_min_visits",
                                   "vip_min_yuan",    "vip_min_visits",      "new_max_visits",
                                   "new_within_days", "growing_within_days", "declining_after_days",
                                   "lost_after_days"};
const char* const kCutoffKeys[] = {"recency_days", "frequency_visits", "monetary_yuan"};

Status ReadScalar(const model::FieldReader& in, const char* key, int64_t low, int64_t high,
                  int64_t& out) {
  if (!in.Has(key)) return Status::Ok();  // the default stays
  ASSIGN_OR_RETURN(int64_t value, in.Int(key));
  if (value < low || value > high) {
    return in.Bad(key, std::to_string(value) + " is outside " + std::to_string(low) + ".." +
                           std::to_string(high));
  }
  out = value;
  return Status::Ok();
}

// Four whole numbers, strictly increasing, within low..high.
Status ReadCutoffs(const model::FieldReader& in, const json& fields, const char* key, int64_t low,
                   int64_t high, std::array<int64_t, 4>& out) {
  if (!in.Has(key)) return Status::Ok();
  const json& list = fields[key];
  if (!list.is_array() || list.size() != out.size()) {
    return in.Bad(key, "not a list of 4 whole numbers");
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (!list[i].is_number_integer()) return in.Bad(key, "not a list of 4 whole numbers");
    const int64_t value = list[i].get<int64_t>();
    if (value < low || value > high) {
      return in.Bad(key, std::to_string(value) + " is outside " + std::to_string(low) + ".." +
                             std::to_string(high));
    }
    if (i > 0 && value <= out[i - 1]) {
      return in.Bad(key, "must increase (" + std::to_string(value) + " after " +
                             std::to_string(out[i - 1]) + ")");
    }
    out[i] = value;
  }
  return Status::Ok();
}

// `lower` must be below `upper` (both named in the refusal).
Status Below(const model::FieldReader& in, const char* lower_key, int64_t lower,
             const char* upper_key, int64_t upper) {
  if (lower < upper) return Status::Ok();
  return in.Bad(lower_key, std::to_string(lower) + " must be below " + upper_key + " (" +
                               std::to_string(upper) + ")");
}

// 1 plus how many cutoffs `value` reaches.
int ScoreUp(int64_t value, const std::array<int64_t, 4>& cutoffs) {
  int score = 1;
  for (int64_t cutoff : cutoffs) score += value >= cutoff ? 1 : 0;
  return score;
}

}  // namespace

json SegmentRulesJson(const SegmentRules& r) {
  return {{"window_days", r.window_days},
          {"recency_days", r.recency_days},
          {"frequency_visits", r.frequency_visits},
          {"monetary_yuan", r.monetary_yuan},
          {"high_min_visits", r.high_min_visits},
          {"mid_min_visits", r.mid_min_visits},
          {"vip_min_yuan", r.vip_min_yuan},
          {"vip_min_visits", r.vip_min_visits},
          {"new_max_visits", r.new_max_visits},
          {"new_within_days", r.new_within_days},
          {"growing_within_days", r.growing_within_days},
          {"declining_after_days", r.declining_after_days},
          {"lost_after_days", r.lost_after_days}};
}

Result<SegmentRules> ParseSegmentRules(const json& fields) {
  const model::FieldReader in(kKind, fields);
  RETURN_IF_ERROR(in.CheckObject());
  std::set<std::string> known(std::begin(kScalarKeys), std::end(kScalarKeys));
  known.insert(std::begin(kCutoffKeys), std::end(kCutoffKeys));
  for (const auto& [key, value] : fields.items()) {
    if (!known.contains(key)) return in.Bad(key, "is not a segment threshold");
  }
  SegmentRules r;
  RETURN_IF_ERROR(ReadScalar(in, "window_days", 28, kMaxDays, r.window_days));
  RETURN_IF_ERROR(ReadCutoffs(in, fields, "recency_days", 0, kMaxDays, r.recency_days));
  RETURN_IF_ERROR(ReadCutoffs(in, fields, "frequency_visits", 1, kMaxVisits, r.frequency_visits));
  RETURN_IF_ERROR(ReadCutoffs(in, fields, "monetary_yuan", 0, kMaxYuan, r.monetary_yuan));
  RETURN_IF_ERROR(ReadScalar(in, "high_min_visits", 1, kMaxVisits, r.high_min_visits));
  RETURN_IF_ERROR(ReadScalar(in, "mid_min_visits", 1, kMaxVisits, r.mid_min_visits));
  RETURN_IF_ERROR(ReadScalar(in, "vip_min_yuan", 0, kMaxYuan, r.vip_min_yuan));
  RETURN_IF_ERROR(ReadScalar(in, "vip_min_visits", 1, kMaxVisits, r.vip_min_visits));
  RETURN_IF_ERROR(ReadScalar(in, "new_max_visits", 0, kMaxVisits, r.new_max_visits));
  RETURN_IF_ERROR(ReadScalar(in, "new_within_days", 0, kMaxDays, r.new_within_days));
  RETURN_IF_ERROR(ReadScalar(in, "growing_within_days", 0, kMaxDays, r.growing_within_days));
  RETURN_IF_ERROR(ReadScalar(in, "declining_after_days", 0, kMaxDays, r.declining_after_days));
  RETURN_IF_ERROR(ReadScalar(in, "lost_after_days", 0, kMaxDays, r.lost_after_days));
  RETURN_IF_ERROR(
      Below(in, "mid_min_visits", r.mid_min_visits, "high_min_visits", r.high_min_visits));
  RETURN_IF_ERROR(Below(in, "new_within_days", r.new_within_days, "growing_within_days",
                        r.growing_within_days));
  RETURN_IF_ERROR(Below(in, "declining_after_days", r.declining_after_days, "lost_after_days",
                        r.lost_after_days));
  return r;
}

std::optional<Segment> ComputeSegment(const SegmentRules& rules,
                                      std::span<const SegmentVisit> visits, LocalDate today) {
  if (visits.empty()) return std::nullopt;
  Segment s;
  s.first_visit = s.last_visit = visits.front().date;
  // The window's two halves: days ago [0, half) is recent, [half, window) earlier.
  const int64_t half = rules.window_days / 2;
  int64_t recent = 0, earlier = 0;
  for (const SegmentVisit& v : visits) {
    s.first_visit = std::min(s.first_visit, v.date);
    s.last_visit = std::max(s.last_visit, v.date);
    ++s.visits_total;
    const int64_t ago = std::max<int64_t>(0, today.ToDays() - v.date.ToDays());
    if (ago >= rules.window_days) continue;
    ++s.frequency;
    s.monetary_fen += v.amount_fen.value_or(0);
    ++(ago < half ? recent : earlier);
  }
  s.recency_days = std::max<int64_t>(0, today.ToDays() - s.last_visit.ToDays());
  const int64_t first_ago = std::max<int64_t>(0, today.ToDays() - s.first_visit.ToDays());

  s.recency_score = 5;
  for (int64_t cutoff : rules.recency_days) s.recency_score -= s.recency_days > cutoff ? 1 : 0;
  s.frequency_score = ScoreUp(s.frequency, rules.frequency_visits);
  // Whole yuan reached: 499.99 yuan does not reach a 500 cutoff.
  s.monetary_score = ScoreUp(s.monetary_fen / 100, rules.monetary_yuan);

  s.frequency_tier = s.frequency >= rules.high_min_visits  ? "high"
                     : s.frequency >= rules.mid_min_visits ? "mid"
                                                           : "low";
  if (s.monetary_fen >= rules.vip_min_yuan * 100 || s.frequency >= rules.vip_min_visits) {
    s.value_tier = "vip";
  } else if (s.visits_total <= rules.new_max_visits) {
    s.value_tier = "new";
  } else {
    s.value_tier = "regular";
  }

  if (s.recency_days > rules.lost_after_days) {
    s.lifecycle = "lost";
  } else if (first_ago <= rules.new_within_days) {
    s.lifecycle = "new";
  } else if (s.recency_days > rules.declining_after_days || recent < earlier) {
    s.lifecycle = "declining";
  } else if (first_ago <= rules.growing_within_days || recent > earlier) {
    s.lifecycle = "growing";
  } else {
    s.lifecycle = "mature";
  }
  return s;
}

}  // namespace outpost::segments
