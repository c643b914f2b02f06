#include "hub/queries/stores.h"

#include <algorithm>

#include "hub/hub.h"
#include "sync/changelog.h"

namespace outpost::hub::queries {

const char* ReachabilityName(StoreReachability r) {
  switch (r) {
    case StoreReachability::kOnline:
      return "online";
    case StoreReachability::kDenied:
      return "denied";
    case StoreReachability::kOffline:
      break;
  }
  return "offline";
}

namespace {

// Denied wins over online: a laptop shut out keeps calling until it is found.
StoreReachability Judge(const StoreState& s, int64_t now_ms) {
  if (s.denied_at) return StoreReachability::kDenied;
  if (!s.last_contact) return StoreReachability::kOffline;
  auto heard = ParseUtcMs(*s.last_contact);
  return heard.ok() && now_ms - heard.value() <= kOnlineWindowMs ? StoreReachability::kOnline
                                                                 : StoreReachability::kOffline;
}

}  // namespace

Result<std::vector<StoreState>> ListStores(const HubReader& hub) {
  ASSIGN_OR_RETURN(std::vector<storage::StoreOverview> rows, hub.reads().StoreOverviews());
  const int64_t now_ms = hub.clock().NowMs();
  std::vector<StoreState> out;
  for (auto& row : rows) {
    StoreState s;
    s.site_id = std::move(row.cursor.site);
    s.key_id = std::move(row.key_id);
    s.last_seq = row.cursor.last_seq;
    s.last_contact = std::move(row.cursor.last_contact);
    s.last_batch_at = std::move(row.cursor.last_batch_at);
    s.last_hash = HashHex(row.cursor.last_hash);  // zeros until the store's first batch is applied
    s.queued_requests = row.queued_requests;
    s.applied_requests = row.cursor.applied_push_seq;
    s.reported_seq = row.cursor.reported_seq;
    s.resent_changes = row.cursor.resent_changes;
    s.clock_skew_ms = row.cursor.clock_skew_ms;
    s.denied_at = std::move(row.denied_at);
    s.denied_by = std::move(row.denied_by);
    s.denied_reason = std::move(row.denied_reason);
    s.refused_requests = row.refused_requests;
    s.reachability = Judge(s, now_ms);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace outpost::hub::queries
