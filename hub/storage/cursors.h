// StoreCursors: per store, how far head office has applied its change log
// (the cursor: seq and hash), when it was last heard from and sent a batch,
// what it says it holds, how far it applied head office's requests, and the
// stretches of time it was in contact.
//
// The cursor itself moves only inside an ingest (hub/storage/ingest.h); the
// notes here are each written on their own, outside any ingest, as a store's
// message arrives. Thread-compatible: on the thread that owns the HubStorage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sync/changelog.h"
#include "sync/status.h"

namespace outpost::hub::storage {

struct StoreCursor {
  std::string site;
  int64_t last_seq = 0;  // the store's log applied up to here
  Hash256 last_hash{};   // the hash of that change; zeros before the first
  std::optional<std::string> last_contact;
  std::optional<std::string> last_batch_at;
  int64_t applied_push_seq = 0;  // head office's requests the store applied
  int64_t reported_seq = 0;      // the newest change the store said it has
  int64_t resent_changes = 0;    // changes it sent again that were applied already
  // The store's clock less head office's at its last hello, in ms (positive:
  // the store's clock is ahead); unset before a hello that said its clock.
  std::optional<int64_t> clock_skew_ms;
};

// A stretch of contact: messages no more than a few seconds apart.
struct ContactStretch {
  std::string from;
  std::string to;
};

class StoreCursors {
 public:
  virtual ~StoreCursors() = default;
  // The store's cursor; nullopt for a store that has none (not allow-listed).
  virtual Result<std::optional<StoreCursor>> Read(const std::string& site) = 0;
  // Every cursor, by store id.
  virtual Result<std::vector<StoreCursor>> List() = 0;
  // A hello from `site` at `at`: its last contact, and its clock skew
  // (nullopt: the hello did not say its clock, and the skew becomes unknown).
  // Returns the cursor's seq (0 when it has no cursor).
  virtual Result<int64_t> NoteHello(const std::string& site, const std::string& at,
                                    std::optional<int64_t> clock_skew_ms) = 0;
  // A message from `site` at `at`: extends its newest stretch of contact to
  // `at` when that stretch reached `extend_from` or later, else starts one.
  virtual Status NoteContact(const std::string& site, const std::string& at,
                             const std::string& extend_from) = 0;
  // The newest change `site` says it has; the mark only moves forward.
  virtual Status NoteReportedSeq(const std::string& site, int64_t seq) = 0;
  // `site`'s stretches of contact, oldest first.
  virtual Result<std::vector<ContactStretch>> Stretches(const std::string& site) = 0;
};

}  // namespace outpost::hub::storage
