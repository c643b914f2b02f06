// IngestUnit: one batch's ingest as a unit of work. Everything a batch writes
// (the store's changes, the merged entities, the verbatim envelope with its
// entry in the hub's signed log, the cursor, the resent count and the time of
// contact) is written through one unit and lands together on Commit(), or not
// at all: a unit destroyed without Commit() leaves the hub as it was.
//
// The unit holds the hub's write lock from Begin to Commit (a check made
// inside it cannot be invalidated by another writer). It knows no merge rule:
// Hub decides what to write (hub/hub.cc, sync/merge.h); the unit keeps it.
// Thread-compatible: one unit at a time per HubStorage, on its thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "hub/storage/cursors.h"
#include "sync/changelog.h"
#include "sync/status.h"
#include "sync/wire.h"

namespace outpost::hub::storage {

// An entity as head office holds it: the merge of every change to it.
struct EntityRow {
  std::string entity;  // "customer", "booking", ...
  std::string entity_id;
  std::string owner_site;       // the store that created it; only it may change it
  std::string fields_json;      // a JSON object: the fields' current values
  std::string field_hlcs_json;  // a JSON object: field -> the stamp of its value ("{}": all base)
  uint64_t last_hlc = 0;        // the newest change applied
  uint64_t base_hlc = 0;        // the creating change's clock
};

// A batch the hub applied, for the archive and the hub's log (sync/hub_log.h).
struct BatchToArchive {
  std::string site;
  int64_t first_seq = 0;  // the changes it applied (resent ones excluded)
  int64_t last_seq = 0;
  std::string received_at;
  std::string_view envelope;  // verbatim, as it came from the network
  Hash256 envelope_hash{};
};

class IngestUnit {
 public:
  virtual ~IngestUnit() = default;  // rolls back unless committed

  virtual Result<std::optional<StoreCursor>> ReadCursor(const std::string& site) = 0;
  // The hash of the change the hub holds at (site, seq), if it holds one.
  virtual Result<std::optional<Hash256>> ChangeHash(const std::string& site, int64_t seq) = 0;
  // The changes about to be stored and applied, in order, before the first
  // StoreChange of them: a backend across a network reads the entities they
  // touch in one go here and writes the batch together later in the unit
  // (PostgreSQL: round trips per batch, not per change). Reads and refusals
  // through the unit are the same either way. SQLite, in process, ignores it.
  virtual Status Prefetch(std::span<const ChangeEntry> /*changes*/) { return Status::Ok(); }
  // Keeps a change exactly as the store wrote it. Conflict when the hub holds
  // one at that (site, seq) already.
  virtual Status StoreChange(const ChangeEntry& change) = 0;
  // Writes a new entity; false (and nothing written) when one with its
  // (entity, entity_id) exists.
  virtual Result<bool> InsertEntity(const EntityRow& row) = 0;
  virtual Result<std::optional<EntityRow>> ReadEntity(const std::string& entity,
                                                      const std::string& entity_id) = 0;
  // Writes an entity's merged fields and their stamps (inserting it if
  // absent); its last_hlc becomes the newer of the stored and `row`'s, its
  // owner and base stay.
  virtual Status WriteMergedEntity(const EntityRow& row) = 0;
  // Archives the batch verbatim as the next entry of the hub's log: its
  // index (never reused), and the head after it, signed with the hub's keys.
  virtual Result<SignedHead> ArchiveBatch(const BatchToArchive& batch) = 0;
  // Moves `site`'s cursor to (seq, hash), a batch applied at `at`.
  virtual Status MoveCursor(const std::string& site, int64_t seq, const Hash256& hash,
                            const std::string& at) = 0;
  // `site` was heard from at `at`, and sent `resent` changes already applied.
  virtual Status NoteBatchContact(const std::string& site, const std::string& at,
                                  int64_t resent) = 0;
  virtual Status Commit() = 0;
};

}  // namespace outpost::hub::storage
