// What a store keeps of, and asks of, the hub beyond its own sync.
//
// KeepHubHead: every answer from the hub carries the signed head of the hub's
// log (sync/hub_log.h). The store checks the signature and keeps the newest
// head, plus one head per ten minutes for good, so `outpost verify` can later
// prove the hub's log still extends every head it ever showed this store.
//
// HubQuery: one request, one answer over the store's own CURVE link (a log
// request: the hub's copy of this store's log, the state digests of its
// entities, the hub's log entries), used by verify and rebuild; and a walk-in look-up (the desk's
// `customer lookup`). Thread-compatible.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sync/keys.h"
#include "sync/sqlite.h"
#include "sync/status.h"
#include "sync/transport.h"
#include "sync/wire.h"

namespace outpost::edge {

// Refuses (and keeps nothing) when the signature is not the pinned hub's.
Status KeepHubHead(Db& db, const PublicKeys& hub, const SignedHead& head, int64_t now_ms);

struct KeptHead {
  SignedHead head;
  std::string received_at;
};
// Every kept head and the newest, by index.
Result<std::vector<KeptHead>> KeptHubHeads(Db& db);

// How far the hub has acknowledged this store's log (sync_state), 0 when unknown.
Result<int64_t> HubAckedSeq(Db& db);
// Moves the acknowledged seq to `seq`: only forward (changes re-fetched from
// the hub) unless `allow_back` (the hub lost changes it had acknowledged, so
// the next sync round sends them again).
Status SetHubAckedSeq(Db& db, int64_t seq, bool allow_back);

// The hub head up to which verify has checked the hub's log (index 0: none yet).
Result<SignedHead> VerifiedHubHead(Db& db);
Status SetVerifiedHubHead(Db& db, int64_t index, const Hash256& head);

// The hub endpoints a store was given, in the order it tries them:
// "tcp://a:7700,tcp://b:7700" (several hub processes on one database, any of
// which serves any store). InvalidInput naming the list for an empty entry.
Result<std::vector<std::string>> SplitHubEndpoints(const std::string& list);

class HubQuery {
 public:
  // `endpoints`: one, or several separated by commas (SplitHubEndpoints); a
  // question one does not answer within its share of `timeout_ms` goes to the next.
  static Result<std::unique_ptr<HubQuery>> Connect(const std::string& endpoints, SecretKeys keys,
                                                   PublicKeys hub, int timeout_ms = 10'000);
  // RetryLater when the hub does not answer within the timeout.
  Result<WireLogReply> Ask(const WireLogRequest& request);
  // A walk-in's phone: the profiles of the customers it belongs to (desk).
  Result<WireLookupReply> Lookup(const std::string& phone, const std::string& staff);
  const PublicKeys& hub() const { return hub_; }

 private:
  // Sends `message` and returns the hub's first answer of the expected kind,
  // trying each endpoint in turn.
  Result<WireMessage> Exchange(const WireMessage& message, size_t expected_kind);
  // The same on the current endpoint, waiting at most `timeout_ms`.
  Result<WireMessage> ExchangeOnce(const std::string& sealed, size_t expected_kind, int timeout_ms);
  HubQuery(std::vector<std::string> endpoints, SecretKeys keys, PublicKeys hub, int timeout)
      : endpoints_(std::move(endpoints)),
        keys_(std::move(keys)),
        hub_(std::move(hub)),
        timeout_ms_(timeout) {}
  std::vector<std::string> endpoints_;
  std::unique_ptr<StoreEndpoint> endpoint_;
  SecretKeys keys_;
  PublicKeys hub_;
  int timeout_ms_;
};

}  // namespace outpost::edge
