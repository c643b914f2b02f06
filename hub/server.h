// The hub daemon's loop, shared by `outpost-hub serve` and the benchmarks that
// time it (catch-up, reconnect): reads the ROUTER socket, opens messages on a
// second thread (OpenAhead), applies them in arrival order (Hub::Handle), and
// sends each store its sealed answer. Connections are admitted through ZAP
// only with an allow-listed store's key. Used by one thread.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "hub/hub.h"
#include "hub/open_ahead.h"
#include "sync/log.h"
#include "sync/metrics.h"
#include "sync/transport.h"

namespace outpost::hub {

// The hub daemon's metrics (docs/MONITORING.md), defined before its server starts.
void DefineServeMetrics(Metrics& metrics);

// Who watches a Server; each may be absent (the benchmarks watch nothing).
struct ServerObservers {
  // Store connections, batches applied, refusals with their reasons; never keys or payloads.
  const Logger* log = nullptr;
  Metrics* metrics = nullptr;  // DefineServeMetrics's families
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> Bind(Hub& hub, const std::string& endpoint,
                                              ServerObservers observers = {});
  // One turn: takes a message from the socket (waiting up to 200 ms only while
  // nothing is being opened) and answers the oldest opened one.
  void Turn();

 private:
  Server(Hub& hub, std::unique_ptr<HubEndpoint> endpoint, std::unique_ptr<OpenAhead> ahead,
         ServerObservers observers)
      : hub_(hub),
        endpoint_(std::move(endpoint)),
        ahead_(std::move(ahead)),
        observers_(observers) {}
  // Logs and counts one answered message: a store's first since the daemon
  // started, a batch applied.
  void Observe(const OpenedMessage& opened, const WireMessage& answer, double seconds);
  // Logs and counts one refusal under its reason.
  void Refused(const std::string& reason, const std::string& site, const std::string& why);
  // Logs and counts a message or handshake left unanswered because the hub's
  // database failed (IsHubFailure): no refusal, the store tries again.
  void Unanswered(const std::string& site, const Status& why);

  Hub& hub_;
  std::unique_ptr<HubEndpoint> endpoint_;
  std::unique_ptr<OpenAhead> ahead_;
  ServerObservers observers_;
  std::map<std::string, int64_t> acked_;  // per store: the cursor of its last answer here
};

}  // namespace outpost::hub
