#include "hub/queries/recovery.h"

#include <algorithm>

#include "hub/hub.h"

namespace outpost::hub::queries {
namespace {

// Offline windows: the gaps between stretches of contact since `since`, and
// the tail when the store has not been heard from since `online_after`.
Result<std::vector<OfflineWindow>> ReadOfflineWindows(const HubReader& hub, const std::string& site,
                                                      const std::string& since,
                                                      const std::string& online_after) {
  std::vector<OfflineWindow> windows;
  ASSIGN_OR_RETURN(std::vector<storage::ContactStretch> stretches,
                   hub.storage().cursors().Stretches(site));
  std::string prev_to;
  for (const auto& stretch : stretches) {
    if (!prev_to.empty() && stretch.from > since) {
      windows.push_back({std::max(prev_to, since), stretch.from});
    }
    prev_to = stretch.to;
  }
  if (!prev_to.empty() && prev_to < online_after) {
    windows.push_back({std::max(prev_to, since), std::nullopt});
  }
  for (auto& win : windows) {
    ASSIGN_OR_RETURN(win.changes_made,
                     hub.reads().CountChangesRecorded(site, win.from, win.to.value_or("9999")));
  }
  return windows;
}

Result<std::vector<PaperImport>> ReadPaperImports(const HubReader& hub, const std::string& site,
                                                  const std::string& since) {
  ASSIGN_OR_RETURN(std::vector<storage::PaperImportRow> rows,
                   hub.reads().PaperImports(site, since));
  std::vector<PaperImport> imports;
  imports.reserve(rows.size());
  for (auto& row : rows) {
    imports.push_back(
        {std::move(row.import), row.bookings, std::move(row.imported_at), std::move(row.forms)});
  }
  return imports;
}

// Conflict cases opened and resolved since, and the ones open now.
Status ReadCases(const HubReader& hub, const std::string& since, StoreRecovery& s) {
  ASSIGN_OR_RETURN(storage::CaseActivity activity, hub.reads().CaseActivitySince(s.site, since));
  s.conflicts_opened = activity.opened;
  s.conflicts_resolved = activity.resolved;
  ASSIGN_OR_RETURN(s.open_cases, ListCases(hub, s.site, /*include_resolved=*/false));
  std::stable_sort(s.open_cases.begin(), s.open_cases.end(),
                   [](const HubCase& a, const HubCase& b) { return a.ref < b.ref; });
  return Status::Ok();
}

}  // namespace

Result<std::vector<StoreRecovery>> ReadRecovery(const HubReader& hub, const std::string& since) {
  ASSIGN_OR_RETURN(std::vector<storage::StoreCursor> cursors, hub.storage().cursors().List());
  // UTC text sorts as time: heard from at or after this is online, as `stores` says.
  const std::string online_after = FormatUtcMs(hub.clock().NowMs() - kOnlineWindowMs);
  std::vector<StoreRecovery> out;
  for (auto& cursor : cursors) {
    // Initialised, not assigned: GCC 12 at -O3 warns (wrongly) that an
    // optional<string> member assigned after default construction may be
    // uninitialized.
    StoreRecovery s{.site = cursor.site,
                    .applied_seq = cursor.last_seq,
                    .pending = std::max<int64_t>(0, cursor.reported_seq - cursor.last_seq),
                    .last_contact = cursor.last_contact,
                    .last_batch_at = cursor.last_batch_at};
    s.online = s.last_contact && *s.last_contact >= online_after;
    ASSIGN_OR_RETURN(s.offline_windows, ReadOfflineWindows(hub, s.site, since, online_after));
    for (const auto& w : s.offline_windows) s.changes_made_offline += w.changes_made;
    ASSIGN_OR_RETURN(s.paper_imports, ReadPaperImports(hub, s.site, since));
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
