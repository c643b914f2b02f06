// Head office's call-centre queue (docs/FOLLOWUP.md, "Head office's queue"):
// what the stores handed to head office (their follow-up tasks owned by
// head_office: no-shows not rebooked within 3 days, complaints past their
// deadline) and head office's own service-due invitation calls for stores
// that are offline (hub/service_due.h HeadOfficeCalls), as of a day.
// Typed results for a HubReader; thread-compatible like HubReader.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hub/queries/reader.h"
#include "hub/service_due.h"
#include "sync/civil_time.h"
#include "sync/model/task.h"
#include "sync/status.h"

namespace outpost::hub::queries {

// One task a store handed over, with whom it is about as head office knows them.
struct QueuedTask {
  model::Task task;
  std::string site;           // the store it came from
  std::string customer_name;  // the record's, as synced
  std::string phone_masked;   // the record's first phone, masked (sync/normalize.h)
  // Head office's own calls on it queued for the store and not yet applied
  // there (request seq, the call): so an agent does not call twice.
  std::vector<std::pair<int64_t, model::TaskAttempt>> pending;
};

struct CallCentreQueue {
  std::string date;                     // YYYY-MM-DD, head office's day
  std::vector<QueuedTask> tasks;        // the stores' hand-overs, soonest due first
  std::vector<Invitation> invitations;  // head office's own calls on `date`
};

// The queue on `date`. Runs identity resolution first (names, invitations).
Result<CallCentreQueue> CallCentreQueueOn(const HubReader& reader, const LocalDate& date);

}  // namespace outpost::hub::queries
