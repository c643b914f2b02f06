#include "hub/queries/recovery.h"

#include <algorithm>

#include "hub/hub.h"

namespace outpost::hub::queries {
namespace {

// Offline windows: the gaps between stretches of contact since `since`, and
// the tail when the store has not been heard from since `online_after`.
Result<std::vector<OfflineWindow>> ReadOfflineWindows(Db& db, const std::string& site,
                                                      const std::string& since,
                                                      const std::string& online_after) {
  std::vector<OfflineWindow> windows;
  ASSIGN_OR_RETURN(Statement contacts, db.Prepare("SELECT from_at, to_at FROM store_contacts"
                                                  " WHERE site_id = ? ORDER BY from_at"));
  contacts.Bind(1, site);
  std::string prev_to;
  while (true) {
    ASSIGN_OR_RETURN(bool c, contacts.Step());
    if (!c) break;
    const std::string from_at = contacts.Text(0), to_at = contacts.Text(1);
    if (!prev_to.empty() && from_at > since) windows.push_back({std::max(prev_to, since), from_at});
    prev_to = to_at;
  }
  if (!prev_to.empty() && prev_to < online_after) {
    windows.push_back({std::max(prev_to, since), std::nullopt});
  }
  for (auto& win : windows) {
    ASSIGN_OR_RETURN(Statement count, db.Prepare("SELECT count(*) FROM changes WHERE site_id = ?"
                                                 " AND recorded_at >= ? AND recorded_at < ?"));
    count.Bind(1, site).Bind(2, win.from).Bind(3, win.to.value_or("9999"));
    ASSIGN_OR_RETURN(bool c, count.Step());
    win.changes_made = c ? count.Int(0) : 0;
  }
  return windows;
}

Result<std::vector<PaperImport>> ReadPaperImports(Db& db, const std::string& site,
                                                  const std::string& since) {
  ASSIGN_OR_RETURN(Statement paper,
                   db.Prepare("SELECT coalesce(json_extract(fields, '$.import_batch'), '?'),"
                              " count(*), min(recorded_at), group_concat(json_extract(fields,"
                              " '$.form_id'), ' ') FROM changes WHERE site_id = ? AND entity ="
                              " 'booking' AND op = 'insert' AND json_extract(fields, '$.channel')"
                              " = 'paper' AND recorded_at >= ? GROUP BY 1 ORDER BY 3"));
  paper.Bind(1, site).Bind(2, since);
  std::vector<PaperImport> imports;
  while (true) {
    ASSIGN_OR_RETURN(bool p, paper.Step());
    if (!p) break;
    imports.push_back({paper.Text(0), paper.Int(1), paper.Text(2), paper.Text(3)});
  }
  return imports;
}

// Conflict cases opened and resolved since, and the ones open now.
Status ReadCases(const HubReader& hub, const std::string& since, StoreRecovery& s) {
  ASSIGN_OR_RETURN(Statement cases,
                   hub.db().Prepare("SELECT sum(op = 'insert'), sum(op = 'update' AND"
                                    " json_extract(fields, '$.status') = 'resolved') FROM changes"
                                    " WHERE site_id = ? AND entity = 'case' AND recorded_at >= ?"));
  cases.Bind(1, s.site).Bind(2, since);
  ASSIGN_OR_RETURN(bool row, cases.Step());
  s.conflicts_opened = row && !cases.IsNull(0) ? cases.Int(0) : 0;
  s.conflicts_resolved = row && !cases.IsNull(1) ? cases.Int(1) : 0;
  ASSIGN_OR_RETURN(s.open_cases, ListCases(hub, s.site, /*include_resolved=*/false));
  std::stable_sort(s.open_cases.begin(), s.open_cases.end(),
                   [](const HubCase& a, const HubCase& b) { return a.ref < b.ref; });
  return Status::Ok();
}

}  // namespace

Result<std::vector<StoreRecovery>> ReadRecovery(const HubReader& hub, const std::string& since) {
  Db& db = hub.db();
  ASSIGN_OR_RETURN(Statement stores, db.Prepare("SELECT c.site_id, c.last_seq, c.reported_seq,"
                                                " c.last_contact, c.last_batch_at FROM"
                                                " store_cursors c ORDER BY c.site_id"));
  // UTC text sorts as time: heard from at or after this is online, as `stores` says.
  const std::string online_after = FormatUtcMs(hub.clock().NowMs() - kOnlineWindowMs);
  std::vector<StoreRecovery> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stores.Step());
    if (!row) break;
    StoreRecovery s;
    s.site = stores.Text(0);
    s.applied_seq = stores.Int(1);
    s.pending = std::max<int64_t>(0, stores.Int(2) - stores.Int(1));
    s.last_contact = stores.OptionalText(3);
    s.last_batch_at = stores.OptionalText(4);
    s.online = s.last_contact && *s.last_contact >= online_after;
    ASSIGN_OR_RETURN(s.offline_windows, ReadOfflineWindows(db, s.site, since, online_after));
    for (const auto& w : s.offline_windows) s.changes_made_offline += w.changes_made;
    ASSIGN_OR_RETURN(s.paper_imports, ReadPaperImports(db, s.site, since));
    RETURN_IF_ERROR(ReadCases(hub, since, s));
    ASSIGN_OR_RETURN(std::vector<RequestOutcome> requests, ListRequests(hub, s.site));
    for (auto& r : requests) {
      if (r.requested_at < since || (r.state != "refused" && r.state != "overruled")) continue;
      s.requests_not_taken.push_back(std::move(r));
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace outpost::hub::queries
