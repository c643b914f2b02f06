// The relay client (sync/delivery/) against the real test gateway
// (tests/gateway/test_gateway.cc) as a separate process on 127.0.0.1: real
// HTTP, real HMAC, real timeouts. Backoff waits are logical (a FixedClock moved
// to the next attempt's time), so no test depends on the wall clock.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "sync/delivery/inbound.h"
#include "sync/delivery/retry.h"
#include "sync/delivery/webhook.h"
#include "sync/testing.h"
#include "tests/gateway/gateway_harness.h"

namespace outpost::delivery {
namespace {

using nlohmann::json;
using outpost::testing::TempDir;
using outpost::testing::TestGateway;

const std::string kSecret = "6f1d0c2b9a8e7d6c5b4a39281706f5e4";

void WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  std::ofstream(path) << text;
  chmod(path.c_str(), mode);
}

std::vector<json> LogLines(const std::string& path, const std::string& event) {
  std::vector<json> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    json parsed = json::parse(line);
    if (parsed["event"] == event) lines.push_back(parsed);
  }
  return lines;
}

OutboundMessage Message(int i) {
  const std::string n = std::to_string(i);
  return {"msg-" + n,
          "booking-" + n + "/remind-24h/2026-11-24T10:00",
          "S1",
          "sms",
          "+86138" + std::string(8 - n.size(), '0') + n,
          "明天10:00保养预约提醒。回复1取消，回复TD退订"};
}

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("gateway.secret"), kSecret + "\n", 0600);
    std::string error;
    gateway_ = TestGateway::Start(OUTPOST_TEST_GATEWAY_BIN, dir_.File("gateway.secret"),
                                  {"--log", dir_.File("gateway.log")}, &error);
    ASSERT_TRUE(gateway_) << error;
  }

  GatewayConfig Config(int64_t timeout_ms = 5000) const {
    GatewayConfig config;
    config.url = gateway_->MessagesUrl();
    config.secret = kSecret;
    config.timeout_ms = timeout_ms;
    return config;
  }

  std::unique_ptr<WebhookClient> Client(const GatewayConfig& config) {
    Result<std::unique_ptr<WebhookClient>> client = WebhookClient::Create(config, clock_);
    EXPECT_TRUE(client.ok()) << client.status().message();
    return client.ok() ? std::move(client).value() : nullptr;
  }

  // Attempts `m` as a sender would: each retry at the time NextAfter gives
  // (the clock is moved there, not slept on). Returns the final step and counts attempts.
  NextStep SendUntilSettled(WebhookClient& client, const RetryPolicy& policy,
                            const OutboundMessage& m, int* attempts) {
    for (*attempts = 1;; ++*attempts) {
      const DeliveryResult result = client.Send(m);
      NextStep next = NextAfter(policy, m.idempotency_key, *attempts, result, clock_.NowMs());
      if (next.kind != NextKind::kRetryAt) return next;
      EXPECT_GT(next.at_ms, clock_.NowMs());
      clock_.Set(next.at_ms);
    }
  }

  TempDir dir_;
  FixedClock clock_{1795000000000};
  std::unique_ptr<TestGateway> gateway_;
};

TEST_F(DeliveryTest, AcceptedWithAReceiptAndLoggedOnce) {
  auto client = Client(Config());
  const DeliveryResult result = client->Send(Message(1));
  EXPECT_EQ(result.kind, DeliveryKind::kAccepted) << result.detail;
  EXPECT_EQ(result.http_status, 200);
  EXPECT_EQ(result.receipt_id, "rcpt-000001");
  EXPECT_FALSE(result.duplicate);
  EXPECT_EQ(result.detail, "HTTP 200: receipt rcpt-000001");

  const std::vector<json> delivered = LogLines(dir_.File("gateway.log"), "delivered");
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0]["text"], Message(1).text);
  EXPECT_EQ(delivered[0]["to"], "+8613800000001");
  EXPECT_EQ(delivered[0]["sent_at"], FormatUtcMs(clock_.NowMs()));
  EXPECT_EQ(gateway_->Stats()["totals"]["delivered"], 1);
}

TEST_F(DeliveryTest, ABadSignatureIsRefusedAndTheClientSaysSo) {
  GatewayConfig config = Config();
  config.secret = "not the gateway's secret at all";
  auto client = Client(config);
  const DeliveryResult result = client->Send(Message(1));
  EXPECT_EQ(result.kind, DeliveryKind::kPermanent);
  EXPECT_EQ(result.http_status, 401);
  EXPECT_NE(result.detail.find("HTTP 401: "), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find("bad signature"), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find("does not match the body"), std::string::npos) << result.detail;
  EXPECT_EQ(result.detail.find(config.secret), std::string::npos);
  const json stats = gateway_->Stats();
  EXPECT_EQ(stats["totals"]["bad_signature"], 1);
  EXPECT_EQ(stats["totals"]["delivered"], 0);
}

TEST_F(DeliveryTest, Http503ThenSuccessThroughTheRetryStateMachine) {
  ASSERT_EQ(gateway_->Control({{"fail_next", 2}, {"status", 503}})["ok"], true);
  auto client = Client(Config());
  int attempts = 0;
  const RetryPolicy policy{8, 1000, 60000};
  const int64_t start = clock_.NowMs();
  const NextStep end = SendUntilSettled(*client, policy, Message(1), &attempts);
  EXPECT_EQ(end.kind, NextKind::kDone);
  EXPECT_EQ(attempts, 3);
  const std::string key = Message(1).idempotency_key;
  EXPECT_EQ(clock_.NowMs(), start + BackoffMs(policy, key, 1) + BackoffMs(policy, key, 2));
  const json stats = gateway_->Stats()["keys"][key];
  EXPECT_EQ(stats["requests"], 3);
  EXPECT_EQ(stats["delivered"], 1);
}

TEST_F(DeliveryTest, ATimeoutIsRetryWithTheWords) {
  ASSERT_EQ(gateway_->Control(
                {{"timeout_next", 1}, {"hold_ms", 2000}, {"deliver_after_timeout", false}})["ok"],
            true);
  auto client = Client(Config(300));
  const DeliveryResult result = client->Send(Message(1));
  EXPECT_EQ(result.kind, DeliveryKind::kRetry);
  EXPECT_EQ(result.http_status, 0);
  EXPECT_EQ(result.detail, "timeout after 300 ms");
  // Not delivered, so the retry is a first delivery, not a duplicate.
  const DeliveryResult retry = client->Send(Message(1));
  EXPECT_EQ(retry.kind, DeliveryKind::kAccepted) << retry.detail;
  EXPECT_FALSE(retry.duplicate);
  EXPECT_EQ(gateway_->Stats()["keys"][Message(1).idempotency_key]["delivered"], 1);
}

TEST_F(DeliveryTest, ARetryAfterATimeoutThatWasDeliveredIsADuplicateNotASecondDelivery) {
  ASSERT_EQ(gateway_->Control(
                {{"timeout_next", 1}, {"hold_ms", 2000}, {"deliver_after_timeout", true}})["ok"],
            true);
  auto client = Client(Config(300));
  const DeliveryResult first = client->Send(Message(1));
  EXPECT_EQ(first.kind, DeliveryKind::kRetry);
  EXPECT_EQ(first.detail, "timeout after 300 ms");
  const DeliveryResult retry = client->Send(Message(1));
  EXPECT_EQ(retry.kind, DeliveryKind::kAccepted) << retry.detail;
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.receipt_id, "rcpt-000001");
  EXPECT_EQ(retry.detail, "HTTP 200: duplicate, receipt rcpt-000001");
  const json key = gateway_->Stats()["keys"][Message(1).idempotency_key];
  EXPECT_EQ(key["requests"], 2);
  EXPECT_EQ(key["delivered"], 1);
  EXPECT_EQ(key["duplicates"], 1);
  EXPECT_EQ(LogLines(dir_.File("gateway.log"), "delivered").size(), 1u);
}

TEST_F(DeliveryTest, Http400IsPermanentAndDeadLettersAtOnce) {
  ASSERT_EQ(gateway_->Control({{"fail_next", 1}, {"status", 400}})["ok"], true);
  auto client = Client(Config());
  const DeliveryResult result = client->Send(Message(1));
  EXPECT_EQ(result.kind, DeliveryKind::kPermanent);
  EXPECT_EQ(result.http_status, 400);
  EXPECT_EQ(result.detail, R"(HTTP 400: {"error":"injected failure"})");
  const NextStep next = NextAfter(RetryPolicy{}, Message(1).idempotency_key, 1, result, 0);
  EXPECT_EQ(next.kind, NextKind::kDeadLetter);
  EXPECT_EQ(next.reason, R"(permanent: HTTP 400: {"error":"injected failure"})");
}

TEST_F(DeliveryTest, DeadLetterAfterMaxAttemptsWithTheLastReason) {
  ASSERT_EQ(gateway_->Control({{"fail_next", 100}, {"status", 503}})["ok"], true);
  auto client = Client(Config());
  int attempts = 0;
  const NextStep end = SendUntilSettled(*client, RetryPolicy{4, 500, 5000}, Message(1), &attempts);
  EXPECT_EQ(attempts, 4);
  EXPECT_EQ(end.kind, NextKind::kDeadLetter);
  EXPECT_EQ(end.reason,
            R"(gave up after 4 attempts; last: HTTP 503: {"error":"injected failure"})");
  const json stats = gateway_->Stats();
  EXPECT_EQ(stats["totals"]["requests"], 4);
  EXPECT_EQ(stats["totals"]["delivered"], 0);
}

TEST_F(DeliveryTest, HttpStatusesAreClassifiedByWhatTheSenderDoesNext) {
  auto client = Client(Config());
  const std::pair<int, DeliveryKind> cases[] = {
      {429, DeliveryKind::kRetry},     {500, DeliveryKind::kRetry},
      {502, DeliveryKind::kRetry},     {404, DeliveryKind::kPermanent},
      {403, DeliveryKind::kPermanent}, {422, DeliveryKind::kPermanent}};
  int i = 0;
  for (const auto& [status, kind] : cases) {
    ASSERT_EQ(gateway_->Control({{"fail_next", 1}, {"status", status}})["ok"], true);
    const DeliveryResult result = client->Send(Message(++i));
    EXPECT_EQ(result.kind, kind) << status;
    EXPECT_EQ(result.http_status, status);
  }
  // A 200 without a receipt is not taken as delivered: retried under the same key.
  ASSERT_EQ(gateway_->Control({{"fail_next", 1}, {"status", 200}})["ok"], true);
  const DeliveryResult no_receipt = client->Send(Message(++i));
  EXPECT_EQ(no_receipt.kind, DeliveryKind::kRetry);
  EXPECT_EQ(no_receipt.detail,
            R"(HTTP 200 without a usable receipt_id: {"error":"injected failure"})");
}

TEST_F(DeliveryTest, SlowAnswersAreAcceptedWithinTheTimeoutAndRetriedPastIt) {
  ASSERT_EQ(gateway_->Control({{"slow_ms", 100}})["ok"], true);
  auto client = Client(Config(5000));
  const DeliveryResult slow = client->Send(Message(1));
  EXPECT_EQ(slow.kind, DeliveryKind::kAccepted) << slow.detail;

  // Slower than the client waits: the relay still delivers it, the client
  // cannot know, and the retry (once the relay is quick again) is a duplicate.
  ASSERT_EQ(gateway_->Control({{"slow_ms", 1500}})["ok"], true);
  auto impatient = Client(Config(300));
  const DeliveryResult timed_out = impatient->Send(Message(2));
  EXPECT_EQ(timed_out.kind, DeliveryKind::kRetry);
  EXPECT_EQ(timed_out.detail, "timeout after 300 ms");
  ASSERT_EQ(gateway_->Control({{"reset", true}})["ok"], true);
  const DeliveryResult retry = impatient->Send(Message(2));
  EXPECT_EQ(retry.kind, DeliveryKind::kAccepted) << retry.detail;
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(gateway_->Stats()["totals"]["delivered"], 2);
}

TEST_F(DeliveryTest, DuplicateReceiptsAreLoggedTwiceButDeliveredOnce) {
  ASSERT_EQ(gateway_->Control({{"duplicate_receipts", true}})["ok"], true);
  auto client = Client(Config());
  EXPECT_EQ(client->Send(Message(1)).kind, DeliveryKind::kAccepted);
  const std::vector<json> receipts = LogLines(dir_.File("gateway.log"), "receipt");
  ASSERT_EQ(receipts.size(), 2u);
  EXPECT_EQ(receipts[0]["receipt_id"], receipts[1]["receipt_id"]);
  EXPECT_EQ(receipts[1]["repeat"], true);
  EXPECT_EQ(gateway_->Stats()["totals"]["delivered"], 1);
}

TEST_F(DeliveryTest, ABadControlChangesNothingAndNamesTheField) {
  const json answer = gateway_->Control({{"fail_next", 1}, {"status", "busy"}});
  EXPECT_EQ(answer["error"], "control: status: \"busy\" is not a whole number from 0 to 599");
  EXPECT_EQ(gateway_->Control({{"fial_next", 1}})["error"], "control: unknown control 'fial_next'");
  auto client = Client(Config());
  EXPECT_EQ(client->Send(Message(1)).kind, DeliveryKind::kAccepted);
}

TEST_F(DeliveryTest, TwoHundredMessagesAreEachDeliveredOnce) {
  auto client = Client(Config());
  for (int i = 0; i < 200; ++i) {
    const DeliveryResult result = client->Send(Message(i));
    ASSERT_EQ(result.kind, DeliveryKind::kAccepted) << i << ": " << result.detail;
  }
  const json stats = gateway_->Stats();
  EXPECT_EQ(stats["totals"]["delivered"], 200);
  EXPECT_EQ(stats["totals"]["duplicates"], 0);
  ASSERT_EQ(stats["keys"].size(), 200u);
  for (const auto& [key, counts] : stats["keys"].items()) EXPECT_EQ(counts["delivered"], 1) << key;
  EXPECT_EQ(LogLines(dir_.File("gateway.log"), "delivered").size(), 200u);
}

TEST_F(DeliveryTest, AnInboundReplyArrivesSignedAndParses) {
  // Head office's inbound webhook, played by a server in this process.
  httplib::Server inbound;
  std::mutex mu;
  std::vector<InboundReply> replies;
  std::string refusal;
  inbound.Post("/inbound", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    Status signed_ok =
        VerifySignature(kSecret, req.body, req.get_header_value("X-Outpost-Signature"));
    Result<InboundReply> reply = ParseInboundReply(req.body);
    if (!signed_ok.ok() || !reply.ok()) {
      refusal = signed_ok.ok() ? reply.status().message() : signed_ok.message();
      res.status = 400;
      return;
    }
    replies.push_back(*reply);
    res.set_content("{\"ok\":true}", "application/json");
  });
  const int port = inbound.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread serving([&] { inbound.listen_after_bind(); });

  std::string error;
  auto gateway = TestGateway::Start(
      OUTPOST_TEST_GATEWAY_BIN, dir_.File("gateway.secret"),
      {"--reply-to", "http://127.0.0.1:" + std::to_string(port) + "/inbound"}, &error);
  ASSERT_TRUE(gateway) << error;
  const json answer = gateway->Control({{"reply",
                                         {{"from", "+8613800000001"},
                                          {"text", "TD"},
                                          {"received_at", "2026-11-23T15:22:25Z"},
                                          {"in_reply_to", Message(1).idempotency_key}}}});
  inbound.stop();
  serving.join();
  EXPECT_EQ(answer["status"], 200) << answer.dump() << refusal;
  ASSERT_EQ(replies.size(), 1u) << refusal;
  EXPECT_EQ(replies[0].from, "+8613800000001");
  EXPECT_EQ(ClassifyReply(replies[0].text), ReplyKind::kOptOut);
  EXPECT_EQ(replies[0].in_reply_to, Message(1).idempotency_key);
  EXPECT_EQ(replies[0].gateway_message_id, "in-1");
  EXPECT_EQ(replies[0].received_at_ms, *ParseUtcMs("2026-11-23T15:22:25Z"));

  // Without --reply-to the gateway says so.
  EXPECT_EQ(gateway_->Control({{"reply", {{"from", "+8613800000001"}, {"text", "1"}}}})["error"],
            "reply: the gateway was started without --reply-to URL");
}

// --- Bad input: named, non-zero, nothing sent ------------------------------------------

TEST(DeliveryBadInput, AMissingSecretFileIsNamed) {
  TempDir dir;
  Result<std::string> secret = LoadGatewaySecret(dir.File("nope.secret"));
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(secret.status().message(),
            "secret file '" + dir.File("nope.secret") + "' does not exist");

  testing::ProcessResult run = testing::RunProgram(
      {OUTPOST_TEST_GATEWAY_BIN, "--port", "0", "--secret-file", dir.File("nope.secret")});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("does not exist"), std::string::npos) << run.err;
}

TEST(DeliveryBadInput, AGroupOrWorldReadableSecretIsRefusedWithTheFix) {
  TempDir dir;
  const std::string path = dir.File("open.secret");
  WriteFile(path, kSecret, 0644);
  Result<std::string> secret = LoadGatewaySecret(path);
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.status().code(), StatusCode::kRefused);
  EXPECT_EQ(secret.status().field(), "secret_file");
  EXPECT_EQ(secret.status().message(),
            "secret file '" + path +
                "' has mode 644, open to group or others; make it owner-only with: chmod 600 " +
                path);
  EXPECT_EQ(secret.status().message().find(kSecret), std::string::npos);
  chmod(path.c_str(), 0640);
  EXPECT_EQ(LoadGatewaySecret(path).status().code(), StatusCode::kRefused);

  testing::ProcessResult run =
      testing::RunProgram({OUTPOST_TEST_GATEWAY_BIN, "--port", "0", "--secret-file", path});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("chmod 600"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(kSecret), std::string::npos);

  chmod(path.c_str(), 0600);
  ASSERT_TRUE(LoadGatewaySecret(path).ok());
  EXPECT_EQ(*LoadGatewaySecret(path), kSecret);
  WriteFile(path, "short\n", 0600);
  EXPECT_EQ(LoadGatewaySecret(path).status().code(), StatusCode::kInvalidInput);
}

TEST(DeliveryBadInput, AGatewayConfigNamesItsBadKey) {
  TempDir dir;
  const std::string secret_file = dir.File("gateway.secret");
  WriteFile(secret_file, kSecret + "\n", 0600);
  const json good = {{"url", "http://127.0.0.1:8080/messages"},
                     {"secret_file", secret_file},
                     {"timeout_ms", 2000},
                     {"max_attempts", 5}};
  Result<GatewayConfig> config = GatewayConfigFromJson(good);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->secret, kSecret);
  EXPECT_EQ(config->timeout_ms, 2000);
  EXPECT_EQ(config->retry.max_attempts, 5);
  EXPECT_EQ(config->retry.backoff_base_ms, 1000);

  struct Case {
    json edit;
    const char* field;
    std::string message;
  };
  const Case cases[] = {
      {{{"url", "relay:80"}}, "url", "url: 'relay:80' does not start with http:// or https://"},
      {{{"secret_file", dir.File("none")}},
       "secret_file",
       "secret file '" + dir.File("none") + "' does not exist"},
      {{{"timeout_ms", "5s"}}, "timeout_ms", "timeout_ms: \"5s\" is not a whole number"},
      {{{"timeout_ms", -1}}, "timeout_ms", "timeout_ms: -1 is not between 1 and 600000"},
      {{{"max_attempts", 0}}, "max_attempts", "max_attempts: 0 is not between 1 and 1000"},
      {{{"backoff_base_ms", -5}},
       "backoff_base_ms",
       "backoff_base_ms: -5 is not between 0 and 604800000"},
      {{{"retries", 3}}, "retries", "gateway config: unknown key 'retries'"},
  };
  for (const Case& c : cases) {
    json bad = good;
    bad.update(c.edit);
    Result<GatewayConfig> refused = GatewayConfigFromJson(bad);
    ASSERT_FALSE(refused.ok()) << c.edit.dump();
    EXPECT_EQ(refused.status().field(), c.field);
    EXPECT_EQ(refused.status().message(), c.message);
  }
  json no_url = good;
  no_url.erase("url");
  EXPECT_EQ(GatewayConfigFromJson(no_url).status().message(), "url: missing or not a string");
}

TEST(DeliveryBadInput, ABadUrlIsNamed) {
  FixedClock clock(0);
  GatewayConfig config;
  config.secret = kSecret;
  config.url = "htp://relay.example/messages";
  Result<std::unique_ptr<WebhookClient>> client = WebhookClient::Create(config, clock);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().field(), "url");
  EXPECT_EQ(client.status().message(),
            "url: 'htp://relay.example/messages' does not start with http:// or https://");
}

TEST(DeliveryBadInput, NothingListeningIsRetryNamingTheConnection) {
  // A port the kernel just freed: nothing listens there.
  const int port = outpost::testing::FreeTcpPort();
  FixedClock clock(0);
  GatewayConfig config;
  config.secret = kSecret;
  config.url = "http://127.0.0.1:" + std::to_string(port) + "/messages";
  config.timeout_ms = 1000;
  auto client = std::move(WebhookClient::Create(config, clock)).value();
  const DeliveryResult result = client->Send(Message(1));
  EXPECT_EQ(result.kind, DeliveryKind::kRetry);
  EXPECT_EQ(result.http_status, 0);
  EXPECT_NE(result.detail.find("cannot connect"), std::string::npos) << result.detail;
}

TEST(DeliveryBadInput, AGatewayThatNeverAnswersEndsInRetryWithinTheTimeout) {
  // A socket that listens but never accepts or answers: the kernel completes
  // the connection, the request is sent, and no byte ever comes back.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  socklen_t size = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size), 0);

  FixedClock clock(0);
  GatewayConfig config;
  config.secret = kSecret;
  config.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/messages";
  config.timeout_ms = 400;
  auto client = std::move(WebhookClient::Create(config, clock)).value();
  const auto start = std::chrono::steady_clock::now();
  const DeliveryResult result = client->Send(Message(1));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_EQ(result.kind, DeliveryKind::kRetry);
  EXPECT_EQ(result.detail, "timeout after 400 ms");
  // Bounded by the timeout (with room for a loaded machine), never hanging.
  EXPECT_LT(elapsed, std::chrono::milliseconds(400 + 3000));
}

TEST(DeliveryBadInput, AnInvalidMessageIsPermanentAndNeverSent) {
  FixedClock clock(0);
  GatewayConfig config;
  config.secret = kSecret;
  config.url = "http://127.0.0.1:9/messages";  // never reached
  auto client = std::move(WebhookClient::Create(config, clock)).value();
  OutboundMessage m = Message(1);
  m.to = "not-a-phone";
  const DeliveryResult result = client->Send(m);
  EXPECT_EQ(result.kind, DeliveryKind::kPermanent);
  EXPECT_EQ(result.http_status, 0);
  EXPECT_EQ(result.detail,
            "invalid message: to: 'not-a-phone' is not an E.164 phone (+8613812345678)");
}

}  // namespace
}  // namespace outpost::delivery
