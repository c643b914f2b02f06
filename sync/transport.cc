#include "sync/transport.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <vector>
#include <zmq.hpp>

#include "sync/i18n/messages.h"

namespace outpost {
namespace {

std::string Binary(const std::array<uint8_t, 32>& key) {
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

Status ZmqStatus(const zmq::error_t& e, const std::string& what) {
  // `what` names the socket operation ("connect tcp://..."); e.what() is ZeroMQ's.
  const std::string shown = i18n::Format("{0}: {1}", {what, e.what()});
  if (e.num() == EAGAIN || e.num() == EINTR) {
    return Status::RetryLater(what + ": " + e.what()).WithShown(shown);
  }
  return Status::IoError(what + ": " + e.what()).WithShown(shown);
}

}  // namespace

struct HubEndpoint::Impl {
  zmq::context_t context{1};
  zmq::socket_t zap{context, zmq::socket_type::rep};
  zmq::socket_t router{context, zmq::socket_type::router};
  AllowFn allow;
  std::vector<ZapRefusal> refusals;

  // RFC 27 (ZAP): version, request id, domain, address, identity, mechanism, key.
  void AnswerZap() {
    std::vector<zmq::message_t> frames;
    while (true) {
      zmq::message_t frame;
      if (!zap.recv(frame, zmq::recv_flags::dontwait)) break;
      const bool more = frame.more();
      frames.push_back(std::move(frame));
      if (!more) break;
    }
    if (frames.size() < 6) return;
    std::string status = "400", text = "refused";
    const std::string mechanism = frames[5].to_string();
    if (mechanism == "CURVE" && frames.size() >= 7 && frames[6].size() == 32) {
      std::array<uint8_t, 32> key;
      std::memcpy(key.data(), frames[6].data(), key.size());
      const Result<bool> allowed = allow(key);
      if (!allowed.ok()) {
        // RFC 27's 500, "internal error": the handler failed, not the key. Not
        // 300 (CurveZMQ closes the connection silently on it): the client then
        // sees a broken handshake, which it cannot tell from a wrong hub key.
        status = "500";
        text = "the allow-list could not be read";
        refusals.push_back({"transport: a client key from " + frames[3].to_string() +
                                " could not be checked: " + allowed.status().ToString(),
                            true});
      } else if (allowed.value()) {
        status = "200";
        text = "OK";
      } else {
        refusals.push_back({"transport: a client key not on the allow-list tried to connect from " +
                                frames[3].to_string(),
                            false});
      }
    } else {
      refusals.push_back({"transport: a connection without CURVE was refused", false});
    }
    zap.send(zmq::str_buffer("1.0"), zmq::send_flags::sndmore);
    zap.send(frames[1], zmq::send_flags::sndmore);
    zap.send(zmq::buffer(status), zmq::send_flags::sndmore);
    zap.send(zmq::buffer(text), zmq::send_flags::sndmore);
    zap.send(zmq::str_buffer(""), zmq::send_flags::sndmore);
    zap.send(zmq::str_buffer(""), zmq::send_flags::none);
  }
};

HubEndpoint::HubEndpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HubEndpoint::~HubEndpoint() = default;

Result<std::unique_ptr<HubEndpoint>> HubEndpoint::Bind(const std::string& endpoint,
                                                       const SecretKeys& hub, AllowFn allow) {
  auto impl = std::make_unique<Impl>();
  impl->allow = std::move(allow);
  try {
    impl->zap.bind("inproc://zeromq.zap.01");  // must exist before any CURVE handshake
    impl->router.set(zmq::sockopt::linger, 0);
    impl->router.set(zmq::sockopt::curve_server, 1);
    impl->router.set(zmq::sockopt::curve_secretkey, Binary(hub.kx_sk));
    impl->router.set(zmq::sockopt::zap_domain, "outpost");
    impl->router.set(zmq::sockopt::heartbeat_ivl, 1000);
    impl->router.set(zmq::sockopt::heartbeat_timeout, 5000);
    impl->router.set(zmq::sockopt::maxmsgsize, int64_t{80} << 20);
    impl->router.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return ZmqStatus(e, "binding " + endpoint);
  }
  return std::unique_ptr<HubEndpoint>(new HubEndpoint(std::move(impl)));
}

Result<std::optional<Request>> HubEndpoint::Receive(int timeout_ms) {
  try {
    zmq::pollitem_t items[] = {{impl_->zap.handle(), 0, ZMQ_POLLIN, 0},
                               {impl_->router.handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 2, std::chrono::milliseconds(timeout_ms));
    if (items[0].revents & ZMQ_POLLIN) impl_->AnswerZap();
    if (!(items[1].revents & ZMQ_POLLIN)) return std::optional<Request>();
    zmq::message_t id, payload;
    if (!impl_->router.recv(id, zmq::recv_flags::dontwait)) return std::optional<Request>();
    if (!id.more()) return std::optional<Request>();
    (void)impl_->router.recv(payload, zmq::recv_flags::none);
    // Drop any further frames of a malformed multipart message.
    while (payload.more()) {
      zmq::message_t extra;
      (void)impl_->router.recv(extra, zmq::recv_flags::none);
      if (!extra.more()) break;
    }
    return std::optional<Request>(Request{id.to_string(), payload.to_string()});
  } catch (const zmq::error_t& e) {
    return ZmqStatus(e, "receiving");
  }
}

Status HubEndpoint::Reply(const Request& to, const std::string& payload) {
  try {
    impl_->router.send(zmq::buffer(to.routing_id), zmq::send_flags::sndmore);
    impl_->router.send(zmq::buffer(payload), zmq::send_flags::dontwait);
    return Status::Ok();
  } catch (const zmq::error_t& e) {
    return ZmqStatus(e, "replying");
  }
}

std::vector<HubEndpoint::ZapRefusal> HubEndpoint::TakeRefusals() {
  std::vector<ZapRefusal> out;
  out.swap(impl_->refusals);
  return out;
}

struct StoreEndpoint::Impl {
  zmq::context_t context{1};
  zmq::socket_t dealer{context, zmq::socket_type::dealer};
  // The DEALER's monitor events arrive here (inproc PAIR); declared after the
  // DEALER so it is closed first.
  zmq::socket_t monitor{context, zmq::socket_type::pair};
  std::string endpoint;
  LinkState state = LinkState::kConnecting;
  uint32_t zap_status = 0;         // of the last HANDSHAKE_FAILED_AUTH
  bool attempt_connected = false;  // the current TCP attempt got as far as CONNECTED
  // After a ZAP refusal (400) or failure (500) ZeroMQ drops the connection for
  // good (an ERROR in the handshake ends the session): we connect again
  // ourselves, backing off from reconnect_ivl. A failing hub is asked again at
  // most every 5 s, as ZeroMQ's own reconnect would; a refusing one at most
  // once a minute, so a key allowed later connects without a restart and a
  // refused store does not fill the hub's log.
  bool redial_pending = false;
  std::chrono::steady_clock::time_point redial_at;
  std::chrono::milliseconds redial_backoff{kRedialFirst};
  static constexpr std::chrono::milliseconds kRedialFirst{100};
  static constexpr std::chrono::milliseconds kRedialMaxFailing{5000};
  static constexpr std::chrono::milliseconds kRedialMaxRefused{60000};

  // Reads every event waiting; never blocks. Each event is two frames: 16-bit
  // event id and 32-bit value (host order), then the endpoint.
  void DrainMonitor() {
    while (true) {
      zmq::message_t event;
      if (!monitor.recv(event, zmq::recv_flags::dontwait)) return;
      while (event.more()) {
        zmq::message_t rest;
        if (!monitor.recv(rest, zmq::recv_flags::dontwait) || !rest.more()) break;
      }
      if (event.size() < 6) continue;
      uint16_t id = 0;
      uint32_t value = 0;
      std::memcpy(&id, event.data(), sizeof id);
      std::memcpy(&value, static_cast<const char*>(event.data()) + 2, sizeof value);
      Apply(id, value);
    }
  }

  // Observed with ZeroMQ 4.3.4 (sync/transport_test.cc): a dead port gives
  // CONNECT_DELAYED, CLOSED, CONNECT_RETRIED over and over; a refused key
  // CONNECTED, HANDSHAKE_FAILED_AUTH (400), DISCONNECTED; a wrong hub key
  // CONNECTED, HANDSHAKE_FAILED_NO_DETAIL (the hub closed the connection: it
  // could not open our HELLO), DISCONNECTED, CONNECT_RETRIED.
  void Apply(uint16_t id, uint32_t value) {
    switch (id) {
      case ZMQ_EVENT_CONNECT_DELAYED:
        attempt_connected = false;
        break;
      case ZMQ_EVENT_CONNECTED:
        attempt_connected = true;
        if (state == LinkState::kNothingListening) state = LinkState::kConnecting;
        break;
      case ZMQ_EVENT_CONNECT_RETRIED:
        if (!attempt_connected) state = LinkState::kNothingListening;
        attempt_connected = false;
        break;
      case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        state = LinkState::kConnected;
        redial_backoff = kRedialFirst;
        break;
      case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        state = value == 500 ? LinkState::kHubCannotCheck : LinkState::kKeyRefused;
        zap_status = value;
        if (!redial_pending) {
          redial_pending = true;
          redial_at = std::chrono::steady_clock::now() + redial_backoff;
          redial_backoff =
              std::min(redial_backoff * 2,
                       state == LinkState::kHubCannotCheck ? kRedialMaxFailing : kRedialMaxRefused);
        }
        break;
      case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
      case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        state = LinkState::kHandshakeBroken;
        break;
      case ZMQ_EVENT_DISCONNECTED:
        if (state == LinkState::kConnected) state = LinkState::kLost;
        break;
      default:
        break;
    }
  }

  // Connects again once a redial is due (see redial_pending).
  void RedialIfDue() {
    if (!redial_pending || std::chrono::steady_clock::now() < redial_at) return;
    redial_pending = false;
    try {
      dealer.disconnect(endpoint);
    } catch (const zmq::error_t&) {
      // ENOENT: ZeroMQ has already forgotten the ended session's endpoint.
    }
    dealer.connect(endpoint);
  }

  // Worded by what the events show, no more.
  std::string Describe() const {
    switch (state) {
      case LinkState::kConnecting:
        return "no connection to " + endpoint + " yet";
      case LinkState::kConnected:
        return "connected to " + endpoint;
      case LinkState::kLost:
        return "connection to " + endpoint + " lost; reconnecting";
      case LinkState::kNothingListening:
        return "nothing listening at " + endpoint + " (or the network does not reach it)";
      case LinkState::kKeyRefused:
        if (zap_status == 400) {
          return "hub refused this store's key (not on the allow-list, or denied)";
        }
        return "hub refused the handshake (ZAP status " + std::to_string(zap_status) + ")";
      case LinkState::kHubCannotCheck:
        return "hub at " + endpoint +
               " could not check this store's key (its own failure, e.g. head office's "
               "database); trying again";
      case LinkState::kHandshakeBroken:
        return "hub at " + endpoint +
               " broke off the encrypted handshake: its key is not the one this store pins "
               "(wrong --hub-key?), or it is not an Outpost hub";
    }
    return "";
  }
};

StoreEndpoint::StoreEndpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StoreEndpoint::~StoreEndpoint() = default;

Result<std::unique_ptr<StoreEndpoint>> StoreEndpoint::Connect(const std::string& endpoint,
                                                              const SecretKeys& store,
                                                              const PublicKeys& hub) {
  auto impl = std::make_unique<Impl>();
  impl->endpoint = endpoint;
  try {
    // The monitor is attached before connecting: events before that are lost.
    constexpr const char* kMonitor = "inproc://outpost-store-link-monitor";
    if (zmq_socket_monitor(impl->dealer.handle(), kMonitor, ZMQ_EVENT_ALL) != 0) {
      throw zmq::error_t();
    }
    impl->monitor.set(zmq::sockopt::linger, 0);
    impl->monitor.connect(kMonitor);
    impl->dealer.set(zmq::sockopt::linger, 0);
    impl->dealer.set(zmq::sockopt::curve_serverkey, Binary(hub.kx_pk));
    impl->dealer.set(zmq::sockopt::curve_publickey, Binary(store.pub.kx_pk));
    impl->dealer.set(zmq::sockopt::curve_secretkey, Binary(store.kx_sk));
    impl->dealer.set(zmq::sockopt::heartbeat_ivl, 1000);
    impl->dealer.set(zmq::sockopt::heartbeat_timeout, 5000);
    impl->dealer.set(zmq::sockopt::reconnect_ivl, 100);
    impl->dealer.set(zmq::sockopt::reconnect_ivl_max, 5000);
    impl->dealer.set(zmq::sockopt::maxmsgsize, int64_t{80} << 20);
    // Queue nothing while disconnected: a send then fails and the caller retries later.
    impl->dealer.set(zmq::sockopt::immediate, 1);
    impl->dealer.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return ZmqStatus(e, "connecting to " + endpoint);
  }
  return std::unique_ptr<StoreEndpoint>(new StoreEndpoint(std::move(impl)));
}

Status StoreEndpoint::Send(const std::string& payload) {
  try {
    impl_->DrainMonitor();
    impl_->RedialIfDue();
    if (!impl_->dealer.send(zmq::buffer(payload), zmq::send_flags::dontwait)) {
      return Status::RetryLater("hub not connected");
    }
    return Status::Ok();
  } catch (const zmq::error_t& e) {
    return ZmqStatus(e, "sending");
  }
}

Result<std::optional<std::string>> StoreEndpoint::Receive(int timeout_ms) {
  try {
    impl_->DrainMonitor();
    zmq::pollitem_t items[] = {{impl_->dealer.handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 1, std::chrono::milliseconds(timeout_ms));
    if (!(items[0].revents & ZMQ_POLLIN)) return std::optional<std::string>();
    zmq::message_t reply;
    if (!impl_->dealer.recv(reply, zmq::recv_flags::dontwait)) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(reply.to_string());
  } catch (const zmq::error_t& e) {
    return ZmqStatus(e, "receiving");
  }
}

LinkReport StoreEndpoint::Link() {
  try {
    impl_->DrainMonitor();
  } catch (const zmq::error_t&) {
    // The monitor is advice: what was read so far still stands.
  }
  return LinkReport{impl_->state, impl_->Describe()};
}

}  // namespace outpost
