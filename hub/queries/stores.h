// Stores query: every store on the hub's allow-list as `outpost-hub stores`
// shows it: online, offline since when, or denied (by whom, when, why); how far
// its log is applied here and what it still owes; the call-centre requests
// queued for it and what it answered.
//
// Thread-compatible (hub/queries/reader.h). Read-only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/queries/reader.h"
#include "sync/status.h"

namespace outpost::hub::queries {

enum class StoreReachability {
  kOnline,   // heard from within kOnlineWindowMs (hub/hub.h)
  kOffline,  // not heard from since (or never)
  kDenied,   // its current key is shut out (Hub::DenyStore), however recently it called
};
// "online", "offline", "denied": the words `stores` prints and its JSON "state".
const char* ReachabilityName(StoreReachability r);

struct StoreState {
  std::string site_id;
  std::string key_id;
  StoreReachability reachability = StoreReachability::kOffline;  // as of the reader's clock
  int64_t last_seq = 0;
  std::optional<std::string> last_contact;
  std::optional<std::string> last_batch_at;
  std::string last_hash;         // hex: the store's log head as applied here
  int64_t queued_requests = 0;   // call-centre requests made for this store
  int64_t applied_requests = 0;  // of which the store has applied (or answered)
  int64_t refused_requests = 0;  // of those, refused by the store's rules (logged with a reason)
  int64_t reported_seq = 0;      // the newest change the store said it has
  int64_t resent_changes = 0;    // changes it sent again that were already applied here
  // The store's clock less head office's at its last hello (ms; positive:
  // ahead); unset until a hello said its clock.
  std::optional<int64_t> clock_skew_ms;
  // Set while the store's current key is denied (Hub::DenyStore).
  std::optional<std::string> denied_at;
  std::string denied_by;
  std::string denied_reason;
  int64_t pending() const { return reported_seq > last_seq ? reported_seq - last_seq : 0; }
};

// Every allow-listed store, by store id.
Result<std::vector<StoreState>> ListStores(const HubReader& hub);

}  // namespace outpost::hub::queries
