// VerifyReads: what verify (hub/verify.h) reads of everything the hub holds:
// each store's log in pages, the archive with its envelopes and hub log
// heads, the key history and the live keys beside it, the record log and the
// head-office records as they are now, and the changes and entities in
// (entity, id) order for the merge check. Rows are as stored, so that verify
// can name what was changed behind the hub's back.
//
// Read-only. Run inside one read scope (HubStorage::BeginFullScan) so that
// every check sees the same moment. Thread-compatible: on the thread that
// owns the HubStorage.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hub/storage/reads.h"
#include "sync/changelog.h"
#include "sync/keys.h"
#include "sync/status.h"
#include "sync/wire.h"

namespace outpost::hub::storage {

// Rows one at a time, in the order the read that made it promises.
template <typename Row>
class RowCursor {
 public:
  virtual ~RowCursor() = default;
  // The next row; nullopt after the last.
  virtual Result<std::optional<Row>> Next() = 0;
};

struct ArchivedBatch {
  int64_t id = 0;
  std::string site;
  int64_t first_seq = 0;
  int64_t last_seq = 0;
  std::string envelope;
  Hash256 envelope_hash{};  // as stored beside the envelope
  SignedHead head;          // index = id; as stored
};

struct KeyHistoryEntry {
  std::string key_id;
  PublicKeys keys;  // site_id, sign_pk, kx_pk
};

// A store's live key beside the newest key of its history.
struct LiveKey {
  std::string key_id;
  PublicKeys keys;
  std::optional<KeyHistoryEntry> newest_in_history;  // nullopt: it has no history
};

struct RecordLogEntry {
  int64_t seq = 0;
  std::string record;  // the record's name (hub/storage/record_log.h)
  std::string key;
  Hash256 content_hash{};
  Hash256 head{};
  std::optional<std::array<uint8_t, 64>> signature;  // nullopt: not signed
};

// One change, as the merge check folds it.
struct EntityChange {
  std::string entity;
  std::string entity_id;
  std::string fields_json;
  uint64_t hlc = 0;
  std::string site;
};

class VerifyReads {
 public:
  virtual ~VerifyReads() = default;
  // What the database engine says is damaged, one line each; empty when sound.
  virtual Result<std::vector<std::string>> IntegrityProblems() = 0;
  // `site`'s changes with seq >= `from_seq`, oldest first, at most `limit`.
  virtual Result<std::vector<ChangeEntry>> ChangesFrom(const std::string& site, int64_t from_seq,
                                                       int64_t limit) = 0;
  virtual Result<std::optional<Hash256>> ChangeHash(const std::string& site, int64_t seq) = 0;
  // The archive, by id.
  virtual Status ForEachArchivedBatch(const std::function<Status(const ArchivedBatch&)>& visit) = 0;
  // Every key ever allowed, each with its store.
  virtual Result<std::vector<KeyHistoryEntry>> KeyHistory() = 0;
  // Every allow-listed store's live key, by store id.
  virtual Result<std::vector<LiveKey>> LiveKeys() = 0;
  // The record log, by seq.
  virtual Status ForEachRecordLogEntry(
      const std::function<Status(const RecordLogEntry&)>& visit) = 0;
  // Every head-office record as it is now: its name, key and content hash.
  virtual Status ForEachRecord(
      const std::function<Status(const std::string& record, const std::string& key,
                                 const Hash256& content)>& visit) = 0;
  // Every change by (entity, entity_id, hlc, site); every entity by (entity, entity_id).
  virtual Result<std::unique_ptr<RowCursor<EntityChange>>> ChangesByEntity() = 0;
  virtual Result<std::unique_ptr<RowCursor<EntityFields>>> EntitiesInOrder() = 0;
};

}  // namespace outpost::hub::storage
