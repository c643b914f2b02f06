// outpost-test-gateway: a real SMS/WeChat relay for tests, speaking the
// gateway protocol of docs/OUTREACH.md ("Delivery: the gateway protocol").
// It checks each message's signature, delivers each idempotency key at most
// once (a repeat gets the first receipt and "duplicate": true), logs every
// delivery as a JSON line, counts everything for GET /stats, injects faults on
// request (POST /control) and posts signed inbound replies to --reply-to.
//
// Listens on 127.0.0.1 only; /control is unauthenticated on purpose (a test
// drives it). One mutex guards all state; handlers sleep only outside it.
#include <fcntl.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "sync/clock.h"
#include "sync/delivery/webhook.h"
#include "sync/mutex.h"

namespace {

using nlohmann::json;
using outpost::Status;
namespace delivery = outpost::delivery;

constexpr const char* kProgram = "outpost-test-gateway";

struct Options {
  int port = 0;
  std::string secret_file;
  std::string log_file;
  std::string reply_to;
};

// What POST /control asked for; each counter is used up by the requests it affects.
struct Faults {
  int fail_next = 0;
  int fail_status = 503;
  int timeout_next = 0;
  int64_t hold_ms = 3000;
  bool deliver_after_timeout = true;
  int64_t slow_ms = 0;
  bool duplicate_receipts = false;
};

struct KeyStats {
  int requests = 0;
  int delivered = 0;
  int duplicates = 0;
  std::string receipt_id;
};

struct Totals {
  int requests = 0;  // requests with a good signature and a well-formed body
  int delivered = 0;
  int duplicates = 0;
  int bad_signature = 0;
  int rejected = 0;  // signed, but not a well-formed message
  int injected_failures = 0;
  int injected_timeouts = 0;
  int receipts = 0;  // receipt lines written to the log
  int replies_posted = 0;
};

void Answer(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// The message in a signed body, or the reason it is not one.
Status ParseMessage(const std::string& body, delivery::OutboundMessage& message,
                    std::string& sent_at) {
  const json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) return Status::InvalidInput("body is not a JSON object");
  for (const char* field :
       {"message_id", "idempotency_key", "store_id", "channel", "to", "text", "sent_at"}) {
    if (!parsed.contains(field) || !parsed[field].is_string()) {
      return Status::InvalidInput(std::string(field) + ": missing or not a string")
          .WithField(field);
    }
  }
  message = {parsed["message_id"], parsed["idempotency_key"],
             parsed["store_id"],   parsed["channel"],
             parsed["to"],         parsed["text"]};
  sent_at = parsed["sent_at"];
  return delivery::ValidateOutboundMessage(message);
}

class Gateway {
 public:
  Gateway(std::string secret, std::FILE* log, std::string reply_to)
      : secret_(std::move(secret)), log_(log), reply_to_(std::move(reply_to)) {}

  void HandleMessage(const httplib::Request& req, httplib::Response& res);
  void HandleControl(const httplib::Request& req, httplib::Response& res);
  void HandleStats(httplib::Response& res);

 private:
  // Records the delivery of `m` under `key`; called with mu_ held.
  void DeliverLocked(KeyStats& key, const delivery::OutboundMessage& m, const std::string& sent_at)
      REQUIRES(mu_);
  void WriteLogLocked(const json& line) REQUIRES(mu_);
  Status ApplyControlLocked(const json& control) REQUIRES(mu_);
  void PostReply(const json& reply, httplib::Response& res);

  const std::string secret_;
  std::FILE* const log_;
  const std::string reply_to_;
  outpost::Mutex mu_;
  Faults faults_ GUARDED_BY(mu_);
  std::map<std::string, KeyStats> keys_ GUARDED_BY(mu_);
  Totals totals_ GUARDED_BY(mu_);
  int next_receipt_ GUARDED_BY(mu_) = 1;
  int next_inbound_ GUARDED_BY(mu_) = 1;
};

void Gateway::WriteLogLocked(const json& line) {
  if (!log_) return;
  const std::string text = line.dump() + "\n";
  std::fwrite(text.data(), 1, text.size(), log_);
  std::fflush(log_);  // a test reads the log while the gateway runs
}

void Gateway::DeliverLocked(KeyStats& key, const delivery::OutboundMessage& m,
                            const std::string& sent_at) {
  char receipt[32];
  std::snprintf(receipt, sizeof receipt, "rcpt-%06d", next_receipt_++);
  key.receipt_id = receipt;
  ++key.delivered;
  ++totals_.delivered;
  WriteLogLocked({{"event", "delivered"},
                  {"receipt_id", key.receipt_id},
                  {"message_id", m.message_id},
                  {"idempotency_key", m.idempotency_key},
                  {"store_id", m.store_id},
                  {"channel", m.channel},
                  {"to", m.to},
                  {"text", m.text},
                  {"sent_at", sent_at}});
  // A relay that reports a delivery twice: the receipt line is written twice.
  const int copies = faults_.duplicate_receipts ? 2 : 1;
  for (int i = 0; i < copies; ++i) {
    WriteLogLocked({{"event", "receipt"},
                    {"receipt_id", key.receipt_id},
                    {"idempotency_key", m.idempotency_key},
                    {"repeat", i > 0}});
    ++totals_.receipts;
  }
}

void Gateway::HandleMessage(const httplib::Request& req, httplib::Response& res) {
  const Status signature =
      delivery::VerifySignature(secret_, req.body, req.get_header_value("X-Outpost-Signature"));
  if (!signature.ok()) {
    outpost::MutexLock lock(&mu_);
    ++totals_.bad_signature;
    Answer(res, 401, {{"error", "bad signature: " + signature.message()}});
    return;
  }
  delivery::OutboundMessage message;
  std::string sent_at;
  Status parsed = ParseMessage(req.body, message, sent_at);
  const std::string header_key = req.get_header_value("Idempotency-Key");
  if (parsed.ok() && header_key != message.idempotency_key) {
    parsed = Status::InvalidInput("Idempotency-Key header '" + header_key +
                                  "' is not the body's idempotency_key");
  }
  if (!parsed.ok()) {
    outpost::MutexLock lock(&mu_);
    ++totals_.rejected;
    Answer(res, 400, {{"error", parsed.message()}});
    return;
  }
  int64_t wait_ms = 0;
  int status = 200;
  json answer;
  {
    outpost::MutexLock lock(&mu_);
    KeyStats& key = keys_[message.idempotency_key];
    ++key.requests;
    ++totals_.requests;
    wait_ms = faults_.slow_ms;
    if (faults_.fail_next > 0) {
      --faults_.fail_next;
      ++totals_.injected_failures;
      status = faults_.fail_status;
      answer = {{"error", "injected failure"}};
    } else if (key.delivered > 0) {
      ++key.duplicates;
      ++totals_.duplicates;
      answer = {{"receipt_id", key.receipt_id}, {"duplicate", true}};
    } else if (faults_.timeout_next > 0) {
      // The message goes out at once (or never); only the answer is held past
      // the client's timeout: the case where a client cannot know it was sent.
      --faults_.timeout_next;
      ++totals_.injected_timeouts;
      wait_ms += faults_.hold_ms;
      if (faults_.deliver_after_timeout) {
        DeliverLocked(key, message, sent_at);
        answer = {{"receipt_id", key.receipt_id}, {"duplicate", false}};
      } else {
        status = 503;
        answer = {{"error", "held past the client's timeout; not delivered"}};
      }
    } else {
      DeliverLocked(key, message, sent_at);
      answer = {{"receipt_id", key.receipt_id}, {"duplicate", false}};
    }
  }
  if (wait_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  Answer(res, status, answer);
}

// Reads a whole number >= 0 at `name` into `out` when present.
Status ReadCount(const json& control, const char* name, int64_t max, int64_t& out) {
  if (!control.contains(name)) return Status::Ok();
  const json& value = control[name];
  if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > max) {
    return Status::InvalidInput(std::string(name) + ": " + value.dump() +
                                " is not a whole number from 0 to " + std::to_string(max))
        .WithField(name);
  }
  out = value.get<int64_t>();
  return Status::Ok();
}

Status ReadFlag(const json& control, const char* name, bool& out) {
  if (!control.contains(name)) return Status::Ok();
  if (!control[name].is_boolean()) {
    return Status::InvalidInput(std::string(name) + ": " + control[name].dump() +
                                " is not true or false")
        .WithField(name);
  }
  out = control[name].get<bool>();
  return Status::Ok();
}

Status Gateway::ApplyControlLocked(const json& control) {
  for (const auto& [name, value] : control.items()) {
    static const char* const kKnown[] = {"fail_next",
                                         "status",
                                         "timeout_next",
                                         "hold_ms",
                                         "deliver_after_timeout",
                                         "slow_ms",
                                         "duplicate_receipts",
                                         "reset",
                                         "reply"};
    bool known = false;
    for (const char* k : kKnown) known |= name == k;
    if (!known) return Status::InvalidInput("unknown control '" + name + "'").WithField(name);
  }
  Faults next = faults_;
  bool reset = false;
  RETURN_IF_ERROR(ReadFlag(control, "reset", reset));
  if (reset) next = Faults();
  int64_t fail_next = next.fail_next, status = next.fail_status, timeout_next = next.timeout_next;
  RETURN_IF_ERROR(ReadCount(control, "fail_next", 1000000, fail_next));
  RETURN_IF_ERROR(ReadCount(control, "status", 599, status));
  if (status < 100) return Status::InvalidInput("status: below 100").WithField("status");
  RETURN_IF_ERROR(ReadCount(control, "timeout_next", 1000000, timeout_next));
  RETURN_IF_ERROR(ReadCount(control, "hold_ms", 600000, next.hold_ms));
  RETURN_IF_ERROR(ReadCount(control, "slow_ms", 600000, next.slow_ms));
  RETURN_IF_ERROR(ReadFlag(control, "deliver_after_timeout", next.deliver_after_timeout));
  RETURN_IF_ERROR(ReadFlag(control, "duplicate_receipts", next.duplicate_receipts));
  next.fail_next = static_cast<int>(fail_next);
  next.fail_status = static_cast<int>(status);
  next.timeout_next = static_cast<int>(timeout_next);
  faults_ = next;  // all or nothing: a bad field changes no fault
  return Status::Ok();
}

void Gateway::PostReply(const json& reply, httplib::Response& res) {
  if (reply_to_.empty()) {
    Answer(res, 400, {{"error", "reply: the gateway was started without --reply-to URL"}});
    return;
  }
  if (!reply.is_object() || !reply.contains("from") || !reply["from"].is_string() ||
      !reply.contains("text") || !reply["text"].is_string()) {
    Answer(res, 400, {{"error", "reply: needs \"from\" and \"text\" strings"}});
    return;
  }
  nlohmann::ordered_json body;
  body["from"] = reply["from"];
  body["text"] = reply["text"];
  body["received_at"] =
      reply.value("received_at", outpost::FormatUtcMs(outpost::SystemClock().NowMs()));
  {
    outpost::MutexLock lock(&mu_);
    body["gateway_message_id"] = "in-" + std::to_string(next_inbound_++);
  }
  if (reply.contains("in_reply_to")) body["in_reply_to"] = reply["in_reply_to"];
  const std::string bytes = body.dump();
  // reply_to_ is "http://host:port/path": the client takes the origin, Post the path.
  const size_t path_at = reply_to_.find('/', reply_to_.find("://") + 3);
  const std::string origin = reply_to_.substr(0, path_at);
  const std::string path = path_at == std::string::npos ? "/" : reply_to_.substr(path_at);
  httplib::Client client(origin);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  httplib::Headers headers = {{"X-Outpost-Signature", delivery::SignBody(secret_, bytes)}};
  auto posted = client.Post(path.c_str(), headers, bytes, "application/json");
  if (!posted) {
    Answer(res, 502,
           {{"error",
             "reply: no answer from " + reply_to_ + ": " + httplib::to_string(posted.error())}});
    return;
  }
  {
    outpost::MutexLock lock(&mu_);
    ++totals_.replies_posted;
  }
  Answer(res, 200,
         {{"ok", true},
          {"status", posted->status},
          {"answer", posted->body},
          {"posted", json::parse(bytes)}});
}

void Gateway::HandleControl(const httplib::Request& req, httplib::Response& res) {
  const json control = json::parse(req.body, nullptr, false);
  if (!control.is_object()) {
    Answer(res, 400, {{"error", "control: body is not a JSON object"}});
    return;
  }
  {
    outpost::MutexLock lock(&mu_);
    const Status applied = ApplyControlLocked(control);
    if (!applied.ok()) {
      Answer(res, 400, {{"error", "control: " + applied.message()}});
      return;
    }
  }
  if (control.contains("reply")) {
    PostReply(control["reply"], res);
    return;
  }
  Answer(res, 200, {{"ok", true}});
}

void Gateway::HandleStats(httplib::Response& res) {
  outpost::MutexLock lock(&mu_);
  json keys = json::object();
  for (const auto& [key, s] : keys_) {
    keys[key] = {{"requests", s.requests},
                 {"delivered", s.delivered},
                 {"duplicates", s.duplicates},
                 {"receipt_id", s.receipt_id}};
  }
  const Totals& t = totals_;
  Answer(res, 200,
         {{"keys", keys},
          {"totals",
           {{"requests", t.requests},
            {"delivered", t.delivered},
            {"duplicates", t.duplicates},
            {"bad_signature", t.bad_signature},
            {"rejected", t.rejected},
            {"injected_failures", t.injected_failures},
            {"injected_timeouts", t.injected_timeouts},
            {"receipts", t.receipts},
            {"replies_posted", t.replies_posted}}}});
}

// Flags: --port N (0: the OS picks), --secret-file F, --log F, --reply-to URL.
Status ParseOptions(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return Status::InvalidInput("usage: " + flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--port") {
      char* end = nullptr;
      const long port = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || port < 0 || port > 65535) {
        return Status::InvalidInput("--port: '" + value + "' is not a port from 0 to 65535");
      }
      options.port = static_cast<int>(port);
    } else if (flag == "--secret-file") {
      options.secret_file = value;
    } else if (flag == "--log") {
      options.log_file = value;
    } else if (flag == "--reply-to") {
      if (value.rfind("http://", 0) != 0) {
        return Status::InvalidInput("--reply-to: '" + value + "' does not start with http://");
      }
      options.reply_to = value;
    } else {
      return Status::InvalidInput("unknown option '" + flag + "'");
    }
  }
  if (options.secret_file.empty())
    return Status::InvalidInput("usage: --secret-file F is required");
  return Status::Ok();
}

int Fail(const Status& status) {
  std::fprintf(stderr, "%s: %s\n", kProgram, status.message().c_str());
  return outpost::ExitCodeFor(status);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  const Status parsed = ParseOptions(argc, argv, options);
  if (!parsed.ok()) return Fail(parsed);
  outpost::Result<std::string> secret = delivery::LoadGatewaySecret(options.secret_file);
  if (!secret.ok()) return Fail(secret.status());
  std::FILE* log = nullptr;
  if (!options.log_file.empty()) {
    // The log holds phone numbers and texts: owner-only, like every such file.
    const int fd = open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0 || !(log = fdopen(fd, "a"))) {
      return Fail(Status::IoError("--log: cannot open '" + options.log_file + "'"));
    }
  }
  Gateway gateway(std::move(secret).value(), log, options.reply_to);
  httplib::Server server;
  server.set_keep_alive_max_count(100000);
  // Headers and body go out in two writes: without this, Nagle and the
  // client's delayed ACK hold each answer 40 ms.
  server.set_tcp_nodelay(true);
  server.Post("/messages", [&](const httplib::Request& req, httplib::Response& res) {
    gateway.HandleMessage(req, res);
  });
  server.Post("/control", [&](const httplib::Request& req, httplib::Response& res) {
    gateway.HandleControl(req, res);
  });
  server.Get("/stats",
             [&](const httplib::Request&, httplib::Response& res) { gateway.HandleStats(res); });
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port("127.0.0.1");
  } else if (!server.bind_to_port("127.0.0.1", port)) {
    port = -1;
  }
  if (port <= 0) {
    return Fail(Status::IoError("cannot listen on 127.0.0.1:" + std::to_string(options.port)));
  }
  std::printf("listening %d\n", port);
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 3;
}
