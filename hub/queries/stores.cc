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
  ASSIGN_OR_RETURN(
      Statement st,
      hub.db().Prepare(
          "SELECT s.site_id, s.key_id, c.last_seq, c.last_contact,"
          " c.last_batch_at, c.last_hash, (SELECT count(*) FROM hub_outbox o"
          " WHERE o.site_id = s.site_id), c.applied_push_seq, c.reported_seq,"
          " c.resent_changes, h.denied_at, h.denied_by, h.denied_reason, (SELECT count(*)"
          " FROM entities r WHERE r.entity = 'request' AND r.owner_site ="
          " s.site_id AND json_extract(r.fields, '$.outcome') = 'refused')"
          " FROM stores s JOIN store_cursors c USING (site_id)"
          " LEFT JOIN store_key_history h ON h.site_id = s.site_id AND"
          " h.key_id = s.key_id ORDER BY s.site_id"));
  const int64_t now_ms = hub.clock().NowMs();
  std::vector<StoreState> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    StoreState s;
    s.site_id = st.Text(0);
    s.key_id = st.Text(1);
    s.last_seq = st.Int(2);
    s.last_contact = st.OptionalText(3);
    s.last_batch_at = st.OptionalText(4);
    const std::string head = st.Blob(5);
    Hash256 hash{};  // zeros until the store's first batch is applied
    if (head.size() == hash.size()) std::copy(head.begin(), head.end(), hash.begin());
    s.last_hash = HashHex(hash);
    s.queued_requests = st.Int(6);
    s.applied_requests = st.Int(7);
    s.reported_seq = st.Int(8);
    s.resent_changes = st.Int(9);
    s.denied_at = st.OptionalText(10);
    s.denied_by = st.Text(11);
    s.denied_reason = st.Text(12);
    s.refused_requests = st.Int(13);
    s.reachability = Judge(s, now_ms);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace outpost::hub::queries
