// The hub's record log: head office's own records made tamper-evident. This
// header is the log's format (the chain, the signatures, which records it
// covers); where the log is kept is the storage backend's
// (hub/storage/sqlite/record_log.h).
//
// Rows that travel to stores (hub_outbox) or decide identity and trust
// (identity_rules, identity_dismissals, identity_links, security_log,
// store_key_history) are written by head office itself, so no store signed
// them. Every write of such a row appends an entry to the record log: the
// record (its table), the row's key and a hash of the row's content, chained
//
//   head(i) = BLAKE2b-256("outpost-hub-record-v1" || head(i-1) || u64 seq ||
//                         lp(table) || lp(key) || content_hash)
//
// and the newest head of each write signed with the hub's Ed25519 key over
// "outpost-hub-record-head-v1" || u64 seq || head (a domain of its own, so a
// record head can never pass as a head of the batch log, sync/hub_log.h).
// A row's content hash is over its columns in order, each as 0 (null) or 1
// and its length-prefixed bytes, after "outpost-hub-record-row-v1".
// Verify (hub/verify.h) recomputes the chain and compares each row with its
// newest entry: a row edited, deleted or inserted behind the hub's back is
// named, and a forged entry cannot be signed without the hub's secret key.
//
// Limit: someone who deletes the newest rows together with their entries
// leaves a shorter chain that still verifies (there is no later signed head to
// contradict it); the batch log has the stores' kept heads for that, this log
// has none yet (docs/RECOVERY.md).
//
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sync/keys.h"
#include "sync/status.h"
#include "sync/wire.h"

namespace outpost::hub::storage {

// The head-office records the log covers, by the name entries give them.
std::span<const char* const> RecordNames();

// The hash of a row's content: its columns in order (nullopt: null).
Hash256 RecordContentHash(std::span<const std::optional<std::string>> columns);
Hash256 NextRecordHead(const Hash256& prev, int64_t seq, const std::string& table,
                       const std::string& key, const Hash256& content_hash);
std::array<uint8_t, 64> SignRecordHead(const SecretKeys& hub, int64_t seq, const Hash256& head);
bool RecordHeadSignatureOk(const PublicKeys& hub, const SignedHead& head);
// A row's key as entries name it: its parts joined with '/' ("S1/3").
std::string RecordKey(const std::vector<std::string>& parts);

// The entry written first when the log starts on a database that already held
// records (a hub upgraded to it): every row then present was recorded after it.
inline constexpr char kAdoptedRecord[] = "record_log";

}  // namespace outpost::hub::storage
