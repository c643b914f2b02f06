// SecurityLog: every message the hub refused and every alarm it raised, with
// its reason (never key material or payload), oldest first.
//
// Each entry is written in a transaction of its own, recorded in the record
// log (hub/storage/record_log.h), so a deleted alarm is named by verify: a
// refusal is logged after the refused work was rolled back, never inside it.
// Thread-compatible: on the thread that owns the HubStorage.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/status.h"

namespace outpost::hub::storage {

struct SecurityEvent {
  std::string at;
  std::optional<std::string> site_id;
  std::string kind;  // "refused" or "alarm"
  std::string reason;
};

class SecurityLog {
 public:
  virtual ~SecurityLog() = default;
  virtual Status Append(const SecurityEvent& event) = 0;
  virtual Result<std::vector<SecurityEvent>> List() = 0;
};

}  // namespace outpost::hub::storage
