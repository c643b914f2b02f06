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
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  if (opener_.joinable()) opener_.join();
}

void OpenAhead::Push(Request request) {
  {
    std::lock_guard lock(mu_);
    to_open_.push_back(std::move(request));
  }
  changed_.notify_all();
}

std::optional<std::pair<Request, OpenedMessage>> OpenAhead::Pop(int timeout_ms) {
  std::unique_lock lock(mu_);
  if (!changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                         [this] { return !opened_.empty(); })) {
    return std::nullopt;
  }
  auto next = std::move(opened_.front());
  opened_.pop_front();
  lock.unlock();
  changed_.notify_all();  // room to open the next one
  return next;
}

size_t OpenAhead::pending() const {
  std::lock_guard lock(mu_);
  return to_open_.size() + opened_.size() + (opening_ ? 1 : 0);
}

void OpenAhead::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock,
                  [this] { return stop_ || (!to_open_.empty() && opened_.size() < kOpenedAhead); });
    if (stop_) return;
    Request request = std::move(to_open_.front());
    to_open_.pop_front();
    opening_ = true;
    lock.unlock();
    OpenedMessage opened = OpenMessage(*keys_reader_, keys_, request.payload);
    lock.lock();
    opening_ = false;
    opened_.emplace_back(std::move(request), std::move(opened));
    changed_.notify_all();
  }
}

}  // namespace outpost::hub
