#include "hub/server.h"

#include <chrono>

namespace outpost::hub {
namespace {

// The store an answer is for.
std::string SiteOf(const WireMessage& answer) {
  if (const auto* ack = std::get_if<WireAck>(&answer)) return ack->site_id;
  if (const auto* found = std::get_if<WireLookupReply>(&answer)) return found->site_id;
  if (const auto* reply = std::get_if<WireLogReply>(&answer)) return reply->site_id;
  return "";
}

// A refusal's reason as a metric label: a few fixed words, never free text.
std::string ReasonLabel(const Status& status) {
  if (status.message().find(" is denied: ") != std::string::npos) return "denied";
  switch (status.code()) {
    case StatusCode::kCorruption:
      return "corrupt";
    case StatusCode::kNotFound:
      return "unknown_store";
    case StatusCode::kInvalidInput:
      return "invalid";
    case StatusCode::kRefused:
      return "refused";
    default:
      return "error";
  }
}

}  // namespace

void DefineServeMetrics(Metrics& metrics) {
  metrics.DefineCounter("outpost_hub_batches_applied_total",
                        "batches of store changes applied and acknowledged");
  metrics.DefineCounter("outpost_hub_changes_applied_total",
                        "store changes newly applied (a resent change counts once)");
  metrics.DefineCounter("outpost_hub_refusals_total", "messages and connections refused", "reason");
  metrics.DefineCounter("outpost_hub_unanswered_total",
                        "store messages left unanswered because the hub's database failed (the"
                        " store sends them again)");
  metrics.DefineGauge("outpost_hub_store_last_contact_age_seconds",
                      "seconds since the store last reached the hub", "store");
  metrics.DefineGauge("outpost_hub_store_changes_behind",
                      "changes the store said it has that the hub has not applied", "store");
  metrics.DefineGauge("outpost_hub_store_pending_requests",
                      "call-centre requests queued for the store it has not answered", "store");
  metrics.DefineHistogram("outpost_hub_ingest_seconds", "time to apply one batch",
                          {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10});
}

Result<std::unique_ptr<Server>> Server::Bind(Hub& hub, const std::string& endpoint,
                                             ServerObservers observers) {
  // Any allow-listed key passes the handshake, a denied one included: its
  // messages then reach OpenMessage, which refuses each and logs who denied
  // it and why in the security log (a refused handshake would log nothing).
  // A key that cannot be checked (the database away) is no refusal: the
  // handshake is answered "try again" and nothing is logged as refused.
  auto allowed = [&hub](const std::array<uint8_t, 32>& key) -> Result<bool> {
    ASSIGN_OR_RETURN(std::vector<std::string> sites, hub.AllowedSites());
    for (const auto& site : sites) {
      auto keys = hub.StoreKeys(site);
      if (!keys.ok() && keys.status().code() != StatusCode::kNotFound) return keys.status();
      if (keys.ok() && keys->kx_pk == key) return true;
    }
    return false;
  };
  ASSIGN_OR_RETURN(auto socket, HubEndpoint::Bind(endpoint, hub.keys(), allowed));
  ASSIGN_OR_RETURN(auto ahead, OpenAhead::Start(hub.storage(), hub.keys()));
  return std::unique_ptr<Server>(new Server(hub, std::move(socket), std::move(ahead), observers));
}

void Server::Refused(const std::string& reason, const std::string& site, const std::string& why) {
  if (observers_.metrics) observers_.metrics->Add("outpost_hub_refusals_total", 1, reason);
  if (observers_.log) {
    observers_.log->Warn(
        "refused", {{"store", site.empty() ? "?" : site}, {"reason", reason}, {"detail", why}});
  }
}

void Server::Unanswered(const std::string& site, const Status& why) {
  // Not the store's fault: it keeps its message (or connection) and tries again.
  if (observers_.metrics) observers_.metrics->Add("outpost_hub_unanswered_total", 1);
  if (observers_.log) {
    observers_.log->Error("not answered: the hub's database failed",
                          {{"store", site.empty() ? "?" : site}, {"error", why.ToString()}});
  }
}

void Server::Observe(const OpenedMessage& opened, const WireMessage& answer, double seconds) {
  const auto* ack = std::get_if<WireAck>(&answer);
  const std::string site = SiteOf(answer);
  auto known = acked_.find(site);
  if (known == acked_.end() && observers_.log && !site.empty()) {
    observers_.log->Info("store connected", {{"store", site}});
  }
  if (observers_.metrics && !site.empty()) {
    observers_.metrics->SetSince("outpost_hub_store_last_contact_age_seconds", hub_.clock().NowMs(),
                                 site);
  }
  if (!ack) return;
  const auto* batch = std::get_if<WireBatch>(&opened.message);
  // Newly applied: the changes of the batch past the cursor this daemon last
  // answered the store with (a resend moves nothing) and up to the new one.
  int64_t applied = 0;
  if (batch && ack->status == "ok") {
    const int64_t before = known == acked_.end() ? 0 : known->second;
    for (const ChangeEntry& change : batch->changes) {
      if (change.seq > before && change.seq <= ack->acked_seq) ++applied;
    }
  }
  acked_[site] = ack->acked_seq;
  if (!batch || ack->status != "ok") return;
  if (observers_.metrics) {
    observers_.metrics->Add("outpost_hub_batches_applied_total", 1);
    observers_.metrics->Add("outpost_hub_changes_applied_total", static_cast<double>(applied));
    observers_.metrics->Observe("outpost_hub_ingest_seconds", seconds);
  }
  if (observers_.log && applied > 0) {
    observers_.log->Info("batch applied", {{"store", site},
                                           {"changes", applied},
                                           {"acked", ack->acked_seq},
                                           {"ms", static_cast<int64_t>(seconds * 1000)}});
  }
}

void Server::Turn() {
  auto request = endpoint_->Receive(ahead_->pending() > 0 ? 0 : 200);
  for (const auto& refusal : endpoint_->TakeRefusals()) {
    if (refusal.unchecked) {
      Unanswered("", Status::IoError(refusal.reason));
    } else {
      Refused("connection", "", refusal.reason);
    }
  }
  bool received = false;
  if (!request.ok()) {
    // An interrupted poll (our own stop signal) is not worth a log line.
    if (request.status().code() != StatusCode::kRetryLater && observers_.log) {
      observers_.log->Error("receive", {{"error", request.status().ToString()}});
    }
  } else if (request.value()) {
    ahead_->Push(std::move(*request.value()));
    received = true;
  }
  // After a message the socket is read again at once: the next message's
  // opening then overlaps this one's apply.
  auto opened = ahead_->Pop(received ? 0 : 20);
  if (!opened) return;
  const auto started = std::chrono::steady_clock::now();
  auto answer = hub_.Handle(opened->second, opened->first.payload);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  if (!answer.ok() && IsHubFailure(answer.status())) {
    Unanswered(opened->second.site, answer.status());
    return;
  }
  if (!answer.ok()) {
    // Logged with its reason; the store gets no answer.
    Refused(ReasonLabel(answer.status()), opened->second.site, answer.status().ToString());
    return;
  }
  Observe(opened->second, answer.value(), took.count());
  auto reply = hub_.SealReply(answer.value(), SiteOf(answer.value()));
  if (reply.ok()) (void)endpoint_->Reply(opened->first, reply.value());
}

}  // namespace outpost::hub
