// What a store keeps of head office's unified customer view (hub/profiles.h).
//
// KeepProfiles applies the profiles riding on the hub's acks: a newer seq
// replaces the store's copy, an empty one withdraws it, an older or repeated
// one changes nothing; the profile's "here" list says which of this store's
// customer records it belongs to. ProfileOfCustomer is what the desk shows
// while offline. The hub link is remembered by `sync` so the desk can ask the
// hub about walk-ins. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/model/profile.h"
#include "sync/sqlite.h"
#include "sync/status.h"
#include "sync/wire.h"

namespace outpost::edge {

Status KeepProfiles(Db& db, const std::vector<WireProfile>& profiles, int64_t now_ms);
// The newest profile version held (0: none).
Result<int64_t> HeldProfileSeq(Db& db);

struct HeldProfile {
  std::string unified_id;
  model::Profile profile;
  std::string received_at;
};
// A held profile that does not read as one (sync/model/profile.h) is
// Corruption, naming the field.
Result<std::optional<HeldProfile>> ProfileOfCustomer(Db& db, const std::string& customer_id);

struct HubLink {
  std::string endpoint;
  std::string hub_key_file;
  std::string key_file;
};
Status RememberHubLink(Db& db, const HubLink& link);
Result<std::optional<HubLink>> RememberedHubLink(Db& db);

}  // namespace outpost::edge
