// Customer segments as the read layer gives them to the command lines
// (docs/FOLLOWUP.md, "Segments"): the thresholds in force, one customer's
// segment, and the list of every customer's, filtered by value tier and
// lifecycle stage. The computation is sync/segments/segments.h over the
// completed visits at every store (hub/segments.h); these are its typed
// results for a HubReader, as of head office's today (the reader's clock).
// Thread-compatible like HubReader.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/queries/reader.h"
#include "hub/segments.h"
#include "sync/status.h"

namespace outpost::hub::queries {

using hub::CustomerSegment;
using hub::SegmentRulesInForce;

Result<SegmentRulesInForce> ReadSegmentRules(const HubReader& reader);

struct CustomerSegmentView {
  std::string unified_id;
  std::string as_of;                         // YYYY-MM-DD, head office's today
  std::vector<StoreRecord> records;          // at every store
  std::optional<segments::Segment> segment;  // none: no completed visit anywhere
};
// One customer by unified id or any of its records' ids (identity resolution
// runs first); NotFound when none.
Result<CustomerSegmentView> SegmentOfCustomer(const HubReader& reader, const std::string& query);

struct SegmentFilter {
  std::string value_tier;  // empty: any; else one of segments::kValueTiers
  std::string lifecycle;   // empty: any; else one of segments::kLifecycleStages
};
struct SegmentList {
  std::string as_of;
  int64_t customers = 0;              // with a segment, before the filter
  std::vector<CustomerSegment> rows;  // by value tier (vip first), then unified id
};
// Every customer with a completed visit that the filter keeps. A tier or
// stage that is no such name is refused naming the flag's field.
Result<SegmentList> ListSegments(const HubReader& reader, const SegmentFilter& filter);

}  // namespace outpost::hub::queries
