// Delivery to the local relay (outpost-test-gateway, a real process on
// 127.0.0.1) beside the raw HTTP round trip to it, in the same run,
// alternating, R rounds of N messages each:
//   raw       libcurl POSTs of bodies built and signed before the clock starts,
//             one reused handle: the floor set by HTTP, loopback and the gateway
//             (signature check, dedupe, receipt)
//   delivery  WebhookClient::Send as a sender calls it: validate the message,
//             build the JSON body, HMAC-SHA256 it, POST, parse and classify the answer
// Every message has its own idempotency key and must come back accepted (not a
// duplicate). Prints medians of messages/s and per-message p50/p99, and the ratio.
//
//   delivery_bench [--messages N] [--rounds R]
#include <curl/curl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "sync/clock.h"
#include "sync/delivery/webhook.h"
#include "sync/testing.h"
#include "tests/gateway/gateway_harness.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace delivery = outpost::delivery;

const std::string kSecret = "3b9f0e7a51c24d86a0e9f7b3c1d25e48";

struct Round {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "delivery_bench: %s\n", why.c_str());
  std::exit(1);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

Round Summarise(std::vector<double> latencies_ms, double seconds) {
  std::sort(latencies_ms.begin(), latencies_ms.end());
  Round r;
  r.per_second = static_cast<double>(latencies_ms.size()) / seconds;
  r.p50_ms = latencies_ms[latencies_ms.size() / 2];
  r.p99_ms = latencies_ms[latencies_ms.size() * 99 / 100];
  return r;
}

delivery::OutboundMessage Message(const std::string& prefix, int i) {
  const std::string n = std::to_string(i);
  return {prefix + "-msg-" + n,
          prefix + "-key-" + n,
          "S1",
          "sms",
          "+86138" + std::string(8 - std::min<size_t>(8, n.size()), '0') + n,
          "明天10:00保养预约提醒。回复1取消，回复TD退订"};
}

size_t Discard(char*, size_t size, size_t count, void* answer) {
  static_cast<std::string*>(answer)->append("x");
  return size * count;
}

Round RawRound(const std::string& url, const std::string& prefix, int messages) {
  struct Prepared {
    std::string body;
    curl_slist* headers = nullptr;
  };
  std::vector<Prepared> prepared(static_cast<size_t>(messages));
  for (int i = 0; i < messages; ++i) {
    const delivery::OutboundMessage m = Message(prefix, i);
    Prepared& p = prepared[static_cast<size_t>(i)];
    p.body = delivery::MessageBody(m, 1795000000000);
    for (const std::string& h :
         {std::string("Content-Type: application/json"), "Idempotency-Key: " + m.idempotency_key,
          "X-Outpost-Signature: " + delivery::SignBody(kSecret, p.body), std::string("Expect:")}) {
      p.headers = curl_slist_append(p.headers, h.c_str());
    }
  }
  CURL* curl = curl_easy_init();
  std::string answer;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  std::vector<double> latencies;
  latencies.reserve(prepared.size());
  const auto start = Clock::now();
  for (Prepared& p : prepared) {
    const auto t0 = Clock::now();
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, p.headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, p.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(p.body.size()));
    long status = 0;
    if (curl_easy_perform(curl) != CURLE_OK ||
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200) {
      Die("raw POST failed (HTTP " + std::to_string(status) + ")");
    }
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  curl_easy_cleanup(curl);
  for (Prepared& p : prepared) curl_slist_free_all(p.headers);
  return Summarise(std::move(latencies), seconds);
}

Round DeliveryRound(delivery::WebhookClient& client, const std::string& prefix, int messages) {
  std::vector<double> latencies;
  latencies.reserve(static_cast<size_t>(messages));
  const auto start = Clock::now();
  for (int i = 0; i < messages; ++i) {
    const delivery::OutboundMessage m = Message(prefix, i);
    const auto t0 = Clock::now();
    const delivery::DeliveryResult result = client.Send(m);
    if (result.kind != delivery::DeliveryKind::kAccepted || result.duplicate) {
      Die("message " + std::to_string(i) + " not accepted once: " + result.detail);
    }
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return Summarise(std::move(latencies), seconds);
}

}  // namespace

int main(int argc, char** argv) {
  int messages = 5000;
  int rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--messages") == 0) messages = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
  }
  if (messages < 100 || rounds < 1)
    Die("usage: delivery_bench [--messages N>=100] [--rounds R>=1]");
  outpost::testing::TempDir dir;
  const std::string secret_file = dir.File("gateway.secret");
  std::ofstream(secret_file) << kSecret;
  chmod(secret_file.c_str(), 0600);
  std::string error;
  auto gateway =
      outpost::testing::TestGateway::Start(OUTPOST_TEST_GATEWAY_BIN, secret_file, {}, &error);
  if (!gateway) Die("the gateway did not start: " + error);

  delivery::GatewayConfig config;
  config.url = gateway->MessagesUrl();
  config.secret = kSecret;
  outpost::SystemClock clock;
  auto client = delivery::WebhookClient::Create(config, clock);
  if (!client.ok()) Die(client.status().message());

  std::vector<double> raw_rate, raw_p50, raw_p99, rate, p50, p99;
  for (int r = 0; r < rounds; ++r) {
    const Round raw = RawRound(config.url, "raw" + std::to_string(r), messages);
    const Round sent = DeliveryRound(**client, "out" + std::to_string(r), messages);
    raw_rate.push_back(raw.per_second);
    raw_p50.push_back(raw.p50_ms);
    raw_p99.push_back(raw.p99_ms);
    rate.push_back(sent.per_second);
    p50.push_back(sent.p50_ms);
    p99.push_back(sent.p99_ms);
    std::printf("round %d: raw %.0f/s, delivery %.0f/s\n", r + 1, raw.per_second, sent.per_second);
  }
  const auto stats = gateway->Stats();
  const int expected = 2 * messages * rounds;
  if (stats["totals"]["delivered"] != expected || stats["totals"]["duplicates"] != 0) {
    Die("the gateway counted " + stats["totals"].dump() + ", expected " + std::to_string(expected) +
        " delivered once each");
  }
  std::printf("\n%d messages x %d rounds, medians; every message delivered once\n", messages,
              rounds);
  std::printf("| measure | raw signed POST | WebhookClient::Send | send / raw |\n");
  std::printf("| --- | --- | --- | --- |\n");
  std::printf("| per second | %.0f | %.0f | %.2f |\n", Median(raw_rate), Median(rate),
              Median(rate) / Median(raw_rate));
  std::printf("| p50 latency | %.3f ms | %.3f ms | %.2f |\n", Median(raw_p50), Median(p50),
              Median(p50) / Median(raw_p50));
  std::printf("| p99 latency | %.3f ms | %.3f ms | %.2f |\n", Median(raw_p99), Median(p99),
              Median(p99) / Median(raw_p99));
  return 0;
}
