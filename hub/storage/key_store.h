// KeyStore: the hub's allow-list, as head office keeps it: each store's live
// keys, the history of every key it ever allowed for a store, and who shut a
// key out, when and why (Hub::AllowStore, Hub::DenyStore).
//
// Every write is one transaction of its own, recorded in the record log
// (hub/storage/record_log.h) and signed with the hub's keys. Thread-compatible:
// used on the thread that owns the HubStorage it came from; the daemon's
// opener thread reads the allow-list through a KeyReader of its own
// (HubStorage::OpenKeyReader).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/keys.h"
#include "sync/status.h"

namespace outpost::hub::storage {

// A key shut out: which one, by whom, when and why.
struct KeyDenial {
  std::string key_id;
  std::string denied_at;
  std::string denied_by;
  std::string reason;
};

// What reading a store's message needs of the allow-list.
class KeyReader {
 public:
  virtual ~KeyReader() = default;
  // The store's live keys; NotFound for a store not on the allow-list.
  virtual Result<PublicKeys> StoreKeys(const std::string& site) = 0;
  // The denial of the store's live key, if it is denied (nullopt too for a
  // store not on the allow-list).
  virtual Result<std::optional<KeyDenial>> LiveKeyDenial(const std::string& site) = 0;
};

class KeyStore : public KeyReader {
 public:
  // The allow-listed stores' ids, sorted.
  virtual Result<std::vector<std::string>> AllowedSites() = 0;
  // Puts `keys` on the allow-list as the store's live keys at `at` (a new
  // store, or a rotation: the store's cursor and log stay), gives a new store
  // its cursor at seq 0, and adds the key to the store's key history. When
  // this very key was denied before, nothing is written and that denial is
  // returned.
  virtual Result<std::optional<KeyDenial>> AllowKey(const PublicKeys& keys,
                                                    const std::string& at) = 0;
  // Denies the store's live key at `at`. NotFound for a store not on the
  // allow-list. When the live key is denied already, nothing is written and
  // the earlier denial is returned.
  virtual Result<std::optional<KeyDenial>> DenyLiveKey(const std::string& site,
                                                       const std::string& at,
                                                       const std::string& staff,
                                                       const std::string& reason) = 0;
};

}  // namespace outpost::hub::storage
