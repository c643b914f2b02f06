// The hub daemon's loop, shared by `outpost-hub serve` and the benchmarks that
// time it (catch-up, reconnect): reads the ROUTER socket, opens messages on a
// second thread (OpenAhead), applies them in arrival order (Hub::Handle), and
// sends each store its sealed answer. Connections are admitted through ZAP
// only with an allow-listed store's key. Used by one thread.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "hub/hub.h"
#include "hub/open_ahead.h"
#include "sync/transport.h"

namespace outpost::hub {

class Server {
 public:
  static Result<std::unique_ptr<Server>> Bind(Hub& hub, const std::string& endpoint);
  // One turn: takes a message from the socket (waiting up to 200 ms only while
  // nothing is being opened) and answers the oldest opened one. Refusals and
  // errors are written to `err` with their reasons, never keys or payloads.
  void Turn(std::ostream& err);

 private:
  Server(Hub& hub, std::unique_ptr<HubEndpoint> endpoint, std::unique_ptr<OpenAhead> ahead)
      : hub_(hub), endpoint_(std::move(endpoint)), ahead_(std::move(ahead)) {}

  Hub& hub_;
  std::unique_ptr<HubEndpoint> endpoint_;
  std::unique_ptr<OpenAhead> ahead_;
};

}  // namespace outpost::hub
