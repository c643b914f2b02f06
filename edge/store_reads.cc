// Store's reads for the command lines (the marked block of edge/store.h): the
// sync state, refused head-office requests, held profiles and the hub link,
// all on the store's own connection.
#include "edge/hub_requests.h"
#include "edge/profiles.h"
#include "edge/store.h"
#include "edge/sync_client.h"

namespace outpost::edge {

Result<SyncStatus> Store::SyncState() { return ReadSyncStatus(*db_); }

Result<int64_t> Store::RefusedHubRequests() { return CountRefusedRequests(*db_); }

Result<std::optional<HeldProfile>> Store::CustomerProfile(const std::string& customer_id) {
  return ProfileOfCustomer(*db_, customer_id);
}

Result<std::optional<HubLink>> Store::SavedHubLink() { return RememberedHubLink(*db_); }

Status Store::SaveHubLink(const HubLink& link) { return RememberHubLink(*db_, link); }

}  // namespace outpost::edge
