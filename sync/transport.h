// ZeroMQ transport between stores and the hub, CURVE-encrypted on the wire.
//
// HubEndpoint: a ROUTER socket, CURVE server with the hub's X25519 key. Store
// connections are authenticated through ZAP: a client whose CURVE key is not an
// allow-listed store's is refused before any message arrives. The ZAP socket
// and the ROUTER are polled by the one thread that calls Receive() (sockets are
// never shared between threads).
//
// StoreEndpoint: a DEALER socket, CURVE client with the hub's public key
// pinned; heartbeats detect a dead peer, and reconnects back off from 100 ms to
// 5 s. Requests and replies are independent messages: a late or duplicated
// reply is harmless because acks only ever move the cursor forward. A socket
// monitor (zmq_socket_monitor) on the DEALER, read by the same thread in
// Send, Receive and Link, tells why no connection is up (Link()).
//
// Each endpoint is used by one thread.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sync/keys.h"
#include "sync/status.h"

namespace outpost {

struct Request {
  std::string routing_id;  // which connection it came from
  std::string payload;
};

class HubEndpoint {
 public:
  // Whether the client key may connect; an error when that could not be
  // checked (the hub's database away): the handshake is then answered with
  // ZAP's 500 (the handler failed), which the client tells from a refusal
  // and after which StoreEndpoint::Send connects again by itself.
  using AllowFn = std::function<Result<bool>(const std::array<uint8_t, 32>& client_key)>;
  static Result<std::unique_ptr<HubEndpoint>> Bind(const std::string& endpoint,
                                                   const SecretKeys& hub, AllowFn allow);
  ~HubEndpoint();
  // One request, or nullopt after timeout_ms; answers ZAP requests meanwhile.
  Result<std::optional<Request>> Receive(int timeout_ms);
  Status Reply(const Request& to, const std::string& payload);
  // A handshake not let through: refused (400), or not checked (500).
  struct ZapRefusal {
    std::string reason;
    bool unchecked = false;  // the allow-list could not be read: no refusal of the client
  };
  // Handshakes not let through since the last call (for the hub's log).
  std::vector<ZapRefusal> TakeRefusals();

 private:
  struct Impl;
  explicit HubEndpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// What a StoreEndpoint knows of its connection to the hub, from ZeroMQ's
// monitor events (as ZeroMQ 4.3 reports them to a CURVE client):
enum class LinkState {
  kConnecting,        // nothing known yet
  kConnected,         // HANDSHAKE_SUCCEEDED: the CURVE handshake completed
  kLost,              // DISCONNECTED after a completed handshake; reconnecting
  kNothingListening,  // CONNECT_RETRIED after an attempt that never CONNECTED
  kKeyRefused,        // HANDSHAKE_FAILED_AUTH: the hub's ZAP refused our key (status 400);
                      // Send asks again, at most once a minute
  kHubCannotCheck,    // HANDSHAKE_FAILED_AUTH with status 500: the hub could not check our
                      // key (its database away); no refusal: Send connects again, backing off
  kHandshakeBroken,   // HANDSHAKE_FAILED_NO_DETAIL or _PROTOCOL: the hub broke off the
                      // handshake, which is what a hub sees when we pin another key
};

struct LinkReport {
  LinkState state = LinkState::kConnecting;
  std::string text;  // one line for people, naming the endpoint where it helps
};

class StoreEndpoint {
 public:
  static Result<std::unique_ptr<StoreEndpoint>> Connect(const std::string& endpoint,
                                                        const SecretKeys& store,
                                                        const PublicKeys& hub);
  ~StoreEndpoint();
  Status Send(const std::string& payload);
  Result<std::optional<std::string>> Receive(int timeout_ms);
  // The connection as the monitor events so far tell it.
  LinkReport Link();

 private:
  struct Impl;
  explicit StoreEndpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace outpost
