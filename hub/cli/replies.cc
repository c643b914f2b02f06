// outpost-hub replies --bind HOST:PORT --secret-file F: head office's endpoint
// for the customers' replies the relay forwards (POST /replies, signed with
// X-Outpost-Signature over the body: sync/delivery/webhook.h VerifySignature),
// a process of its own; and `replies list`: what came in and what was done.
//
// Answers: 200 {"status": "recorded"|"duplicate", "kind", "outcome"}; 401 a
// missing or wrong signature; 413 a body over delivery::kMaxInboundBodyBytes;
// 400 a body that is not a reply (the field named); 500 the hub failed (the
// relay retries). One request at a time reaches the hub.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>

#include "hub/campaigns.h"
#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"
#include "hub/queries/campaigns.h"
#include "sync/delivery/webhook.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::cli {
namespace {

using nlohmann::json;

void Answer(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

struct ReplyEndpoint {
  Hub& hub;
  std::string secret;
  std::mutex mu;  // the hub is used on one thread at a time

  void Handle(const httplib::Request& req, httplib::Response& res) {
    if (req.body.size() > delivery::kMaxInboundBodyBytes) {
      Answer(res, 413,
             {{"error", "body: " + std::to_string(req.body.size()) + " bytes, over " +
                            std::to_string(delivery::kMaxInboundBodyBytes)}});
      return;
    }
    const Status signed_ok =
        delivery::VerifySignature(secret, req.body, req.get_header_value("X-Outpost-Signature"));
    if (!signed_ok.ok()) {
      Answer(res, 401, {{"error", signed_ok.message()}});
      return;
    }
    auto reply = delivery::ParseInboundReply(req.body);
    if (!reply.ok()) {
      Answer(res, 400, {{"error", reply.status().message()}});
      return;
    }
    std::lock_guard<std::mutex> lock(mu);
    auto handled = HandleInboundReply(hub, reply.value());
    if (!handled.ok()) {
      std::cerr << "outpost-hub replies: " << handled.status().ToString() << "\n";
      Answer(res, 500, {{"error", "head office could not record the reply; retry"}});
      return;
    }
    Answer(res, 200,
           {{"status", handled->duplicate ? "duplicate" : "recorded"},
            {"kind", handled->row.kind},
            {"outcome", handled->row.outcome}});
  }
};

}  // namespace

RepliesCommand::RepliesCommand(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  replies_ = app.add_subcommand(
      "replies", "serve the endpoint the relay forwards customers' replies to (POST /replies)");
  replies_->add_option("--bind", bind_, "HOST:PORT (port 0: any free port)");
  replies_->add_option("--secret-file", secret_file_, "the relay's shared secret (mode 0600)");
  list_ = replies_->add_subcommand("list", "the replies received and what head office did");
}

bool RepliesCommand::parsed() const { return replies_->parsed(); }

int RepliesCommand::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  if (list_->parsed()) return RunList(hub, out, err);
  if (bind_.empty()) return Fail(Status::InvalidInput("--bind: required (HOST:PORT)"), err);
  if (secret_file_.empty()) {
    return Fail(Status::InvalidInput("--secret-file: required (the relay's shared secret)"), err);
  }
  auto bind = ParseBind(bind_);
  if (!bind.ok()) return Fail(bind.status(), err);
  auto secret = delivery::LoadGatewaySecret(secret_file_);
  if (!secret.ok()) return Fail(secret.status(), err);
  ReplyEndpoint endpoint{hub, secret.value(), {}};
  httplib::Server server;
  server.set_payload_max_length(delivery::kMaxInboundBodyBytes);
  server.Post("/replies", [&](const httplib::Request& req, httplib::Response& res) {
    endpoint.Handle(req, res);
  });
  const auto& [host, port] = bind.value();
  const int bound =
      port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return Fail(Status::IoError("--bind: cannot listen on " + bind_)
                    .WithShown(i18n::Format("--bind: cannot listen on {0}", {bind_})),
                err);
  }
  out << "outpost-hub replies: listening on http://" << host << ":" << bound << "/replies"
      << std::endl;
  if (!server.listen_after_bind()) {
    return Fail(Status::IoError("replies: the server stopped"), err);
  }
  return 0;
}

int RepliesCommand::RunList(Hub& hub, std::ostream& out, std::ostream& err) {
  auto replies = queries::ListReplies(queries::HubReader(hub));
  if (!replies.ok()) return Fail(replies.status(), err);
  if (flags_.json) {
    json arr = json::array();
    for (const auto& r : replies.value()) {
      json requests = json::array();
      for (const auto& q : r.requests)
        requests.push_back({{"store_id", q.site}, {"request_seq", q.seq}});
      arr.push_back({{"gateway_message_id", r.gateway_message_id},
                     {"from", r.sender},
                     {"text", r.text},
                     {"kind", r.kind},
                     {"received_at", r.received_at},
                     {"in_reply_to", r.in_reply_to},
                     {"recorded_at", r.recorded_at},
                     {"outcome", r.outcome},
                     {"requests", requests}});
    }
    out << arr.dump(2) << "\n";
    return 0;
  }
  out << "客户回复/replies: " << replies->size() << "\n";
  for (const auto& r : replies.value()) {
    out << "  " << r.received_at << "  " << r.sender << "  \"" << r.text << "\"  " << r.kind
        << "  -> " << r.outcome << "\n";
  }
  return 0;
}

}  // namespace outpost::hub::cli
