// HubReader: the hub's storage the read layer (hub/queries/) reads, with the
// clock that says what "now" and "today" are, and the hub's keys when the
// caller holds them.
//
// Every query in hub/queries/ takes a HubReader and returns typed results (no
// JSON is built here: the command lines, the operator tools and the coming web
// console format them). The rows come from the storage's typed reads
// (hub/storage/reads.h): no query holds SQL. A reader is made from a running
// Hub (outpost-hub's command line) or from a hub's storage opened without the
// hub's secret key (the operator tools, on the hub's file or a copy of it).
//
// Thread-compatible: a reader borrows a storage and a clock it does not own;
// both must outlive it, and it is used on the thread that owns the storage.
#pragma once

#include "hub/identity.h"
#include "hub/storage/hub_storage.h"
#include "sync/clock.h"
#include "sync/keys.h"

namespace outpost::hub {
class Hub;
}

namespace outpost::hub::queries {

class HubReader {
 public:
  // The hub's own storage, clock and keys (the keys sign what identity
  // resolution writes before a customer query: hub/identity.h).
  explicit HubReader(Hub& hub);
  // A hub's storage opened directly (no keys: what resolution would write
  // waits for the hub's next signed write).
  HubReader(storage::HubStorage& storage, const Clock& clock) : storage_(storage), clock_(clock) {}

  storage::HubStorage& storage() const { return storage_; }
  storage::HubReads& reads() const { return storage_.reads(); }
  const Clock& clock() const { return clock_; }
  const SecretKeys* signer() const { return signer_; }  // nullptr without the hub's keys
  // Identity resolution on this storage, signing with the reader's keys.
  Identity MakeIdentity() const;

 private:
  storage::HubStorage& storage_;
  const Clock& clock_;
  const SecretKeys* signer_ = nullptr;
};

}  // namespace outpost::hub::queries
