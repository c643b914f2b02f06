#include "hub/queries/segments.h"

#include <algorithm>
#include <iterator>

#include "sync/i18n/messages.h"

namespace outpost::hub::queries {
namespace {

template <size_t N>
Status CheckName(const char* field, const std::string& value, const char* const (&names)[N]) {
  if (value.empty() || std::find(std::begin(names), std::end(names), value) != std::end(names)) {
    return Status::Ok();
  }
  std::string choices;
  for (const char* n : names) choices += std::string(choices.empty() ? "" : ", ") + n;
  return Status::InvalidInput(std::string(field) + ": '" + value + "' is not one of " + choices)
      .WithShown(
          i18n::Format("{0}: '{1}' is not one of {2}", {std::string(field), value, choices}));
}

int TierRank(const std::string& tier) {
  for (size_t i = 0; i < std::size(segments::kValueTiers); ++i) {
    if (tier == segments::kValueTiers[i]) return static_cast<int>(i);
  }
  return static_cast<int>(std::size(segments::kValueTiers));
}

}  // namespace

Result<SegmentRulesInForce> ReadSegmentRules(const HubReader& reader) {
  return hub::ReadSegmentRules(reader.storage().campaigns());
}

Result<CustomerSegmentView> SegmentOfCustomer(const HubReader& reader, const std::string& query) {
  ASSIGN_OR_RETURN(SegmentRulesInForce rules, ReadSegmentRules(reader));
  ASSIGN_OR_RETURN(LocalDate today, HeadOfficeToday(reader.clock()));
  Identity identity = reader.MakeIdentity();
  ASSIGN_OR_RETURN(UnifiedView view, identity.Show(query));
  CustomerSegmentView out;
  out.unified_id = view.unified_id;
  out.as_of = today.ToString();
  out.records = view.records;
  out.segment = segments::ComputeSegment(rules.rules, SegmentVisitsOf(view), today);
  return out;
}

Result<SegmentList> ListSegments(const HubReader& reader, const SegmentFilter& filter) {
  RETURN_IF_ERROR(CheckName("tier", filter.value_tier, segments::kValueTiers));
  RETURN_IF_ERROR(CheckName("stage", filter.lifecycle, segments::kLifecycleStages));
  ASSIGN_OR_RETURN(SegmentRulesInForce rules, ReadSegmentRules(reader));
  ASSIGN_OR_RETURN(LocalDate today, HeadOfficeToday(reader.clock()));
  Identity identity = reader.MakeIdentity();
  RETURN_IF_ERROR(identity.Resolve(false).status());  // the links the visits are grouped by
  ASSIGN_OR_RETURN(std::vector<CustomerSegment> all,
                   ComputeAllSegments(reader.storage().campaigns(), rules.rules, today));
  SegmentList list;
  list.as_of = today.ToString();
  list.customers = static_cast<int64_t>(all.size());
  for (auto& row : all) {
    if (!filter.value_tier.empty() && row.segment.value_tier != filter.value_tier) continue;
    if (!filter.lifecycle.empty() && row.segment.lifecycle != filter.lifecycle) continue;
    list.rows.push_back(std::move(row));
  }
  std::stable_sort(list.rows.begin(), list.rows.end(), [](const auto& a, const auto& b) {
    return TierRank(a.segment.value_tier) < TierRank(b.segment.value_tier);
  });
  return list;
}

}  // namespace outpost::hub::queries
