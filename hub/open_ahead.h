// OpenAhead: the hub's ingest on two cores. A thread of its own does the half
// of each store message that needs no database writes (OpenMessage: key,
// signature, decryption, decoding, hashes, JSON) while the daemon's thread
// applies the message before it (Hub::Handle). Messages come out in the order
// they went in, so a store's batches are applied in its order and the hub's
// log is appended in arrival order. At most `kOpenedAhead` opened messages
// wait to be applied: a burst of stores cannot make the hub hold more.
// Thread-safe: Push, Pop and pending may be called from any thread (the
// daemon calls them from its one); the queues are shared with the opener
// under mu_, checked by the threadsafety build (sync/thread_annotations.h).
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "hub/hub.h"
#include "hub/storage/hub_storage.h"
#include "sync/mutex.h"
#include "sync/thread_annotations.h"
#include "sync/transport.h"

namespace outpost::hub {

class OpenAhead {
 public:
  static constexpr size_t kOpenedAhead = 4;

  // `storage`: the hub's, whose allow-list the opener reads through a
  // KeyReader of its own (HubStorage::OpenKeyReader).
  static Result<std::unique_ptr<OpenAhead>> Start(storage::HubStorage& storage,
                                                  const SecretKeys& hub_keys);
  ~OpenAhead();  // stops the opener; what it had not handed out is dropped
  OpenAhead(const OpenAhead&) = delete;
  OpenAhead& operator=(const OpenAhead&) = delete;

  void Push(Request request) EXCLUDES(mu_);
  // The oldest pushed message, opened; nullopt if it is not ready within timeout_ms.
  std::optional<std::pair<Request, OpenedMessage>> Pop(int timeout_ms) EXCLUDES(mu_);
  // Pushed and not yet popped.
  size_t pending() const EXCLUDES(mu_);

 private:
  OpenAhead(std::unique_ptr<storage::KeyReader> keys_reader, SecretKeys keys)
      : keys_reader_(std::move(keys_reader)), keys_(std::move(keys)) {}
  void Run() EXCLUDES(mu_);

  std::unique_ptr<storage::KeyReader> keys_reader_;  // the opener thread's own
  SecretKeys keys_;
  mutable Mutex mu_;
  CondVar changed_;
  std::deque<Request> to_open_ GUARDED_BY(mu_);
  std::deque<std::pair<Request, OpenedMessage>> opened_ GUARDED_BY(mu_);
  bool opening_ GUARDED_BY(mu_) = false;
  bool stop_ GUARDED_BY(mu_) = false;
  std::thread opener_;
};

}  // namespace outpost::hub
