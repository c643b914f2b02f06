// Verify at head office: everything the hub holds is what the stores signed,
// and the hub's own log is what it signed.
//
// Checked, each finding naming its place (store, seq, archive row, entity):
//   - each store's change log at the hub: consecutive seqs, every hash right,
//     every entry linked to the one before, the end equal to the store's cursor;
//   - the archive: every batch's envelope signed by the store key of its time,
//     its hash and the hub log head after it recomputed and equal to what is
//     stored, each head signed by the hub; batches cover each log without gaps;
//   - with the hub's secret key: every archived batch decrypted and each of its
//     changes equal, hash for hash, to the `changes` row of that seq (so a row
//     edited behind the system's back, even with its chain recomputed, shows);
//   - the archive's batches reach each store's cursor (the newest removed shows);
//   - each store's live key (stores) is the newest of its key history;
//   - head office's own records (hub_outbox, identity rules, dismissals and
//     links, security_log, store_key_history) equal the newest entry of each in
//     the record log, whose chain recomputes and whose heads the hub signed
//     (hub/record_log.h): an edited, deleted or forged row is named;
//   - the consolidated entities equal the merge of their changes.
// First of all PRAGMA integrity_check: a damaged file is named and nothing
// else is read.
// Read-only: one read scope over the hub's storage (hub/storage/verify_reads.h).
// Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hub/storage/hub_storage.h"
#include "sync/keys.h"
#include "sync/status.h"
#include "sync/wire.h"

namespace outpost::hub {

struct Finding {
  std::string where;  // "changes S1 seq 17", "batch_archive row 12", "entities booking 0f8e..."
  std::string what;
  // Which check found it: "integrity", "store logs", "archive", "keys",
  // "records" or "entities"; empty: told by `where`.
  std::string check = "";
};

struct HubVerifyReport {
  int64_t stores = 0;
  int64_t changes = 0;
  int64_t batches = 0;
  int64_t batches_opened = 0;  // decrypted and compared (needs the hub's secret key)
  int64_t entities = 0;
  std::optional<SignedHead> head;
  std::vector<Finding> findings;
  // Seconds each part took: "store logs", "archive", "entities".
  std::vector<std::pair<std::string, double>> timings;
  bool consistent() const { return findings.empty(); }
};

// (done, total) of the archive check, the longest part: the changes the
// archived batches checked so far cover, of the changes held (each store's
// cursor). For a progress bar; may be empty.
using VerifyProgress = std::function<void(int64_t, int64_t)>;

// `hub_public` checks the hub's head signatures; `hub_secret`, when given,
// opens the archived batches.
Result<HubVerifyReport> VerifyHub(storage::HubStorage& storage, const PublicKeys& hub_public,
                                  const SecretKeys* hub_secret,
                                  const VerifyProgress& progress = {});

}  // namespace outpost::hub
