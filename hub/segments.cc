#include "hub/segments.h"

#include <map>
#include <nlohmann/json.hpp>

#include "sync/i18n/messages.h"

namespace outpost::hub {

using nlohmann::json;

Result<SegmentRulesInForce> ReadSegmentRules(storage::CampaignStore& store) {
  SegmentRulesInForce out;
  ASSIGN_OR_RETURN(std::optional<storage::HubSetting> set, store.Setting(kSegmentRulesSetting));
  if (!set) return out;
  // Written by SetSegmentRules after validation: one that no longer parses is
  // a damaged database, said as such.
  auto rules = segments::ParseSegmentRules(json::parse(set->value, nullptr, false));
  if (!rules.ok()) {
    return Status::Corruption("hub setting " + std::string(kSegmentRulesSetting) + ": " +
                              rules.status().message())
        .WithShown(i18n::Format("hub setting {0}: {1}",
                                {std::string(kSegmentRulesSetting), rules.status().shown()}));
  }
  out.rules = rules.value();
  out.is_default = false;
  out.set_at = set->set_at;
  out.set_by = set->set_by;
  return out;
}

Status SetSegmentRules(storage::CampaignStore& store, const Clock& clock, const std::string& text,
                       const std::string& staff) {
  if (staff.empty()) {
    return Status::InvalidInput("staff: say who is changing it (--staff)");
  }
  const json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return Status::InvalidInput("segment rules: not JSON");
  ASSIGN_OR_RETURN(segments::SegmentRules rules, segments::ParseSegmentRules(parsed));
  const std::string value = segments::SegmentRulesJson(rules).dump();
  return store.PutSetting(kSegmentRulesSetting, {value, FormatUtcMs(clock.NowMs()), staff}, {})
      .status();
}

Result<LocalDate> HeadOfficeToday(const Clock& clock) {
  ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Load("Asia/Shanghai"));
  return zone.UtcToLocal(clock.NowMs()).date;
}

std::vector<segments::SegmentVisit> SegmentVisitsOf(const UnifiedView& view) {
  std::vector<segments::SegmentVisit> visits;
  for (const json& b : view.bookings) {
    if (b.value("status", "") != "completed") continue;
    // "YYYY-MM-DD HH:MM": the store's day is the first ten characters.
    auto date = LocalDate::Parse(b.value("slot", "").substr(0, 10));
    if (!date.ok()) continue;  // a slot no store writes: not a visit to count
    std::optional<int64_t> fen;
    if (b.contains("amount_fen") && b["amount_fen"].is_number_integer()) {
      fen = b["amount_fen"].get<int64_t>();
    }
    visits.push_back({date.value(), fen});
  }
  return visits;
}

model::ProfileSegment ProfileSegmentOf(const segments::Segment& s) {
  return {s.value_tier,    s.frequency_tier,  s.lifecycle,
          s.recency_score, s.frequency_score, s.monetary_score};
}

Result<std::vector<CustomerSegment>> ComputeAllSegments(storage::CampaignStore& store,
                                                        const segments::SegmentRules& rules,
                                                        const LocalDate& today) {
  std::map<std::string, std::vector<segments::SegmentVisit>> visits;  // by unified id
  RETURN_IF_ERROR(store.ForEachCompletedVisit([&](const storage::CompletedVisit& v) -> Status {
    auto date = LocalDate::Parse(v.slot_date);
    if (date.ok()) visits[v.unified_id].push_back({date.value(), v.amount_fen});
    return Status::Ok();
  }));
  std::vector<CustomerSegment> out;
  out.reserve(visits.size());
  for (const auto& [unified, of] : visits) {
    if (auto s = segments::ComputeSegment(rules, of, today)) out.push_back({unified, *s});
  }
  return out;
}

}  // namespace outpost::hub
