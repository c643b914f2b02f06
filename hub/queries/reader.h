// HubReader: the hub database the read layer (hub/queries/) reads, with the
// clock that says what "now" and "today" are, and the hub's keys when the
// caller holds them.
//
// Every query in hub/queries/ takes a HubReader and returns typed results (no
// JSON is built here: the command lines, the operator tools and the coming web
// console format them). A reader is made from a running Hub (outpost-hub's
// command line) or from a hub database opened without the hub's secret key
// (the operator tools, on the hub's file or a copy of it).
//
// Thread-compatible: a reader borrows a connection and a clock it does not
// own; both must outlive it, and it is used on the thread that owns the
// connection.
#pragma once

#include "sync/clock.h"
#include "sync/keys.h"
#include "sync/sqlite.h"

namespace outpost::hub {
class Hub;
}

namespace outpost::hub::queries {

class HubReader {
 public:
  // The hub's own connection, clock and keys (the keys sign what identity
  // resolution writes before a customer query: hub/identity.h).
  explicit HubReader(Hub& hub);
  // A hub database opened directly (no keys: what resolution would write
  // waits for the hub's next signed write).
  HubReader(Db& db, const Clock& clock) : db_(db), clock_(clock) {}

  Db& db() const { return db_; }
  const Clock& clock() const { return clock_; }
  const SecretKeys* signer() const { return signer_; }  // nullptr without the hub's keys

 private:
  Db& db_;
  const Clock& clock_;
  const SecretKeys* signer_ = nullptr;
};

}  // namespace outpost::hub::queries
