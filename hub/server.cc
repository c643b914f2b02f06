#include "hub/server.h"

namespace outpost::hub {
namespace {

// The store an answer is for.
std::string SiteOf(const WireMessage& answer) {
  if (const auto* ack = std::get_if<WireAck>(&answer)) return ack->site_id;
  if (const auto* found = std::get_if<WireLookupReply>(&answer)) return found->site_id;
  if (const auto* reply = std::get_if<WireLogReply>(&answer)) return reply->site_id;
  return "";
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Bind(Hub& hub, const std::string& endpoint) {
  // Any allow-listed key passes the handshake, a denied one included: its
  // messages then reach OpenMessage, which refuses each and logs who denied
  // it and why in the security log (a refused handshake would log nothing).
  auto allowed = [&hub](const std::array<uint8_t, 32>& key) {
    auto sites = hub.AllowedSites();
    if (!sites.ok()) return false;
    for (const auto& site : sites.value()) {
      auto keys = hub.StoreKeys(site);
      if (keys.ok() && keys->kx_pk == key) return true;
    }
    return false;
  };
  ASSIGN_OR_RETURN(auto socket, HubEndpoint::Bind(endpoint, hub.keys(), allowed));
  ASSIGN_OR_RETURN(auto ahead, OpenAhead::Start(hub.storage(), hub.keys()));
  return std::unique_ptr<Server>(new Server(hub, std::move(socket), std::move(ahead)));
}

void Server::Turn(std::ostream& err) {
  auto request = endpoint_->Receive(ahead_->pending() > 0 ? 0 : 200);
  for (const auto& refusal : endpoint_->TakeRefusals()) {
    err << "outpost-hub: refused connection: " << refusal << "\n";
  }
  bool received = false;
  if (!request.ok()) {
    // An interrupted poll (our own stop signal) is not worth a log line.
    if (request.status().code() != StatusCode::kRetryLater) {
      err << "outpost-hub: " << request.status().ToString() << "\n";
    }
  } else if (request.value()) {
    ahead_->Push(std::move(*request.value()));
    received = true;
  }
  // After a message the socket is read again at once: the next message's
  // opening then overlaps this one's apply.
  auto opened = ahead_->Pop(received ? 0 : 20);
  if (!opened) return;
  auto answer = hub_.Handle(opened->second, opened->first.payload);
  if (!answer.ok()) {
    // Logged with its reason; the store gets no answer.
    err << "outpost-hub: refused: " << answer.status().ToString() << "\n";
    return;
  }
  auto reply = hub_.SealReply(answer.value(), SiteOf(answer.value()));
  if (reply.ok()) (void)endpoint_->Reply(opened->first, reply.value());
}

}  // namespace outpost::hub
