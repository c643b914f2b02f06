// Recovery query: what the recovery report (`outpost recovery-report`,
// docs/RECOVERY.md) says of each store after an outage, from the hub's copy of
// every store's log: how far it is applied, its offline windows since a time
// and the changes it made in them, the paper bookings imported, the conflict
// cases opened, resolved and still open (with whom to call), and the
// call-centre requests it did not take as asked.
//
// Thread-compatible (hub/queries/reader.h). Read-only: runs on a copy too.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/queries/cases.h"
#include "hub/queries/reader.h"
#include "hub/queries/requests.h"
#include "sync/status.h"

namespace outpost::hub::queries {

// A gap between two stretches of contact, clipped to start at `since`.
struct OfflineWindow {
  std::string from;
  std::optional<std::string> to;  // unset: still offline
  int64_t changes_made = 0;       // the store's changes recorded in the window
};

// Paper bookings that arrived in one import (`outpost-edge paper import`).
struct PaperImport {
  std::string import;  // the import batch, "?" when the booking did not name one
  int64_t bookings = 0;
  std::string imported_at;  // the first of them
  std::string forms;        // the forms' ids, space-separated
};

struct StoreRecovery {
  std::string site;
  int64_t applied_seq = 0;
  int64_t pending = 0;  // changes the store reported and the hub has not applied yet
  std::optional<std::string> last_contact;
  std::optional<std::string> last_batch_at;
  bool online = false;  // heard from within kOnlineWindowMs (as `stores` judges)
  std::vector<OfflineWindow> offline_windows;
  int64_t changes_made_offline = 0;        // the sum over offline_windows
  std::vector<PaperImport> paper_imports;  // since, in import order
  int64_t conflicts_opened = 0;            // since
  int64_t conflicts_resolved = 0;          // since
  std::vector<HubCase> open_cases;         // open now, by ref
  // Queued since and not taken as asked: refused by the store's rules or
  // overruled by what happened there.
  std::vector<RequestOutcome> requests_not_taken;
};

// Every store with a cursor at the hub, by store id; `since` is UTC text.
Result<std::vector<StoreRecovery>> ReadRecovery(const HubReader& hub, const std::string& since);

}  // namespace outpost::hub::queries
