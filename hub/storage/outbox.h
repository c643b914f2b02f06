// Outbox: head office's requests to each store (call-centre bookings, cancels,
// moves, case resolutions), numbered gaplessly per store from 1, and how far
// each store has applied them. The requests ride on the hub's answers to the
// store (Hub::Ingest); the store reports the newest it applied.
//
// Append is one transaction of its own, recorded in the record log
// (hub/storage/record_log.h): a request travels on the hub's signed answer,
// so a forged one is named by verify. Thread-compatible: on the thread that
// owns the HubStorage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sync/status.h"

namespace outpost::hub::storage {

struct OutboxEntry {
  int64_t seq = 0;
  std::string request_json;  // the request as queued (sync/model/request.h)
};

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Appends `request_json` to `site`'s requests with the next seq, and
  // returns it. NotFound for a store not on the allow-list.
  virtual Result<int64_t> Append(const std::string& site, const std::string& request_json,
                                 const std::string& created_at, const std::string& created_by) = 0;
  // `site`'s requests after `after_seq`, oldest first, at most `limit`.
  virtual Result<std::vector<OutboxEntry>> After(const std::string& site, int64_t after_seq,
                                                 int limit) = 0;
  // Records that `site` applied its requests up to `seq`: the mark only moves
  // forward, and never beyond the newest request queued for it.
  virtual Status MarkApplied(const std::string& site, int64_t seq) = 0;
};

}  // namespace outpost::hub::storage
