#include "sync/transport.h"

#include <zmq.hpp>

#include <cstring>
#include <vector>

namespace outpost {
namespace {

std::string Binary(const std::array<uint8_t, 32>& key) {
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

Status ZmqStatus(const zmq::error_t& e, const std::string& what) {
  if (e.num() == EAGAIN || e.num() == EINTR) return Status::RetryLater(what + ": " + e.what());
  return Status::IoError(what + ": " + e.what());
}

}  // namespace

struct HubEndpoint::Impl {
  zmq::context_t context{1};
  zmq::socket_t zap{context, zmq::socket_type::rep};
  zmq::socket_t router{context, zmq::socket_type::router};
  AllowFn allow;
  std::vector<std::string> refusals;

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
      if (allow(key)) {
        status = "200";
        text = "OK";
      } else {
        refusals.push_back("transport: a client key not on the allow-list tried to connect from " +
                           frames[3].to_string());
      }
    } else {
      refusals.push_back("transport: a connection without CURVE was refused");
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

std::vector<std::string> HubEndpoint::TakeRefusals() {
  std::vector<std::string> out;
  out.swap(impl_->refusals);
  return out;
}

struct StoreEndpoint::Impl {
  zmq::context_t context{1};
  zmq::socket_t dealer{context, zmq::socket_type::dealer};
};

StoreEndpoint::StoreEndpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StoreEndpoint::~StoreEndpoint() = default;

Result<std::unique_ptr<StoreEndpoint>> StoreEndpoint::Connect(const std::string& endpoint,
                                                              const SecretKeys& store,
                                                              const PublicKeys& hub) {
  auto impl = std::make_unique<Impl>();
  try {
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

}  // namespace outpost
