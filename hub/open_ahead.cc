#include "hub/open_ahead.h"

#include <chrono>

namespace outpost::hub {

Result<std::unique_ptr<OpenAhead>> OpenAhead::Start(storage::HubStorage& storage,
                                                    const SecretKeys& hub_keys) {
  ASSIGN_OR_RETURN(auto keys_reader, storage.OpenKeyReader());
  std::unique_ptr<OpenAhead> ahead(new OpenAhead(std::move(keys_reader), hub_keys));
  ahead->opener_ = std::thread([raw = ahead.get()] { raw->Run(); });
  return ahead;
}

OpenAhead::~OpenAhead() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  changed_.NotifyAll();
  if (opener_.joinable()) opener_.join();
}

void OpenAhead::Push(Request request) {
  {
    MutexLock lock(&mu_);
    to_open_.push_back(std::move(request));
  }
  changed_.NotifyAll();
}

std::optional<std::pair<Request, OpenedMessage>> OpenAhead::Pop(int timeout_ms) {
  MutexLock lock(&mu_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (opened_.empty()) {
    if (!changed_.WaitUntil(&mu_, deadline) && opened_.empty()) return std::nullopt;
  }
  auto next = std::move(opened_.front());
  opened_.pop_front();
  lock.Unlock();
  changed_.NotifyAll();  // room to open the next one
  return next;
}

size_t OpenAhead::pending() const {
  MutexLock lock(&mu_);
  return to_open_.size() + opened_.size() + (opening_ ? 1 : 0);
}

void OpenAhead::Run() {
  MutexLock lock(&mu_);
  while (true) {
    while (!stop_ && (to_open_.empty() || opened_.size() >= kOpenedAhead)) changed_.Wait(&mu_);
    if (stop_) return;
    Request request = std::move(to_open_.front());
    to_open_.pop_front();
    opening_ = true;
    lock.Unlock();  // opening is the slow half: Push and Pop go on meanwhile
    OpenedMessage opened = OpenMessage(*keys_reader_, keys_, request.payload);
    lock.Lock();
    opening_ = false;
    opened_.emplace_back(std::move(request), std::move(opened));
    changed_.NotifyAll();
  }
}

}  // namespace outpost::hub
