// Customer segments at head office (docs/FOLLOWUP.md, "Segments"): the
// thresholds kept as the hub setting "segment_rules" (beside the service
// rules, hub/storage/campaign_store.h), and the segments computed from the
// unified view, the completed visits of a unified customer at every store.
// The computation itself is sync/segments/segments.h; this is where its
// inputs come from and where its results go (profiles, reads, commands).
//
// Thread-compatible, like the storage it reads: on the thread that owns it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/identity.h"
#include "hub/storage/campaign_store.h"
#include "sync/civil_time.h"
#include "sync/clock.h"
#include "sync/model/profile.h"
#include "sync/segments/segments.h"
#include "sync/status.h"

namespace outpost::hub {

inline constexpr char kSegmentRulesSetting[] = "segment_rules";

// The thresholds in force: as set (with who and when), else the defaults.
struct SegmentRulesInForce {
  segments::SegmentRules rules;
  bool is_default = true;
  std::string set_at, set_by;  // empty while default
};
Result<SegmentRulesInForce> ReadSegmentRules(storage::CampaignStore& store);
// Validates `text` (a JSON object, sync/segments/segments.h ParseSegmentRules:
// a bad value refused naming the field, nothing written) and keeps it, every
// threshold written out. Rules stay at head office: stores get the segments.
Status SetSegmentRules(storage::CampaignStore& store, const Clock& clock, const std::string& text,
                       const std::string& staff);

// Head office's day (Asia/Shanghai), the "today" segments are computed as of.
Result<LocalDate> HeadOfficeToday(const Clock& clock);

// The completed visits in a unified view (any store), with their amounts.
std::vector<segments::SegmentVisit> SegmentVisitsOf(const UnifiedView& view);
// What a profile carries of a segment: tiers and scores.
model::ProfileSegment ProfileSegmentOf(const segments::Segment& segment);

struct CustomerSegment {
  std::string unified_id;
  segments::Segment segment;
};
// Every customer with a completed visit, by unified id (one pass over the
// typed bookings; the unified id as the identity links stand, so the caller
// runs resolution first).
Result<std::vector<CustomerSegment>> ComputeAllSegments(storage::CampaignStore& store,
                                                        const segments::SegmentRules& rules,
                                                        const LocalDate& today);

}  // namespace outpost::hub
