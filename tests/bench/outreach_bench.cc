// Outreach throughput, each beside a raw baseline measured in the same run
// (docs/PERFORMANCE.md, "Outreach"):
//   plan:     a chain-day's reminders for N bookings (default 100,000): every
//             step of every booking planned (sync/outreach PlanBookingSteps) and
//             cleared by the contact policy (Decide), against the raw work of
//             turning each booking's slot into its UTC instant;
//   deliver:  M messages (default 5,000) through the signed webhook client to the
//             real local relay (outpost-test-gateway), against the same number of
//             plain unsigned POSTs of the same bodies with libcurl on one handle.
//
//   outreach_bench [--bookings N] [--messages M] [--rounds 3]
#include <curl/curl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <vector>

#include "sync/delivery/webhook.h"
#include "sync/outreach/policy.h"
#include "sync/outreach/reminders.h"
#include "sync/testing.h"
#include "tests/gateway/gateway_harness.h"

using namespace outpost;
using Steady = std::chrono::steady_clock;

namespace {

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Slot {
  LocalDate date;
  LocalTime time;
};

std::vector<Slot> ChainDay(int bookings) {
  const LocalTime times[] = {{8, 30}, {10, 0}, {11, 0}, {14, 0}, {15, 0}, {16, 0}};
  std::vector<Slot> out;
  out.reserve(bookings);
  for (int i = 0; i < bookings; ++i) out.push_back({LocalDate{2026, 11, 25}, times[i % 6]});
  return out;
}

int64_t RawInstants(const std::vector<Slot>& day, const TimeZone& zone) {
  int64_t sum = 0;
  for (const Slot& s : day) sum += zone.LocalToUtcMs(s.date, s.time);
  return sum;
}

int64_t PlanAndClear(const std::vector<Slot>& day, const TimeZone& zone) {
  const auto steps = outreach::DefaultReminderSteps();
  const outreach::ContactPolicy policy;
  const auto& holidays = outreach::DefaultHolidayCalendar();
  outreach::ContactSubject subject;
  const int64_t booked_ms = zone.LocalToUtcMs(LocalDate{2026, 11, 20}, LocalTime{9, 0});
  int64_t sent = 0;
  for (size_t i = 0; i < day.size(); ++i) {
    const auto planned =
        outreach::PlanBookingSteps("S" + std::to_string(i % 1000), "B" + std::to_string(i),
                                   day[i].date, day[i].time, booked_ms, steps, zone);
    for (const auto& p : planned) {
      if (p.skipped || p.staff_task) continue;
      outreach::ContactAsk ask{p.channel, p.purpose, p.due_ms, p.latest_ms};
      sent += outreach::Decide(policy, zone, holidays, subject, ask).send() ? 1 : 0;
    }
  }
  return sent;
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

void RawPosts(const std::string& url, const std::vector<std::string>& bodies) {
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  for (const auto& body : bodies) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_perform(curl);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
}

}  // namespace

int main(int argc, char** argv) {
  int bookings = 100'000, messages = 5'000, rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--bookings")) bookings = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--messages")) messages = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
  }
  const TimeZone zone = TimeZone::Load("Asia/Shanghai").value();
  const auto day = ChainDay(bookings);
  std::vector<double> raw, plan;
  int64_t guard = 0;
  for (int r = 0; r < rounds; ++r) {
    auto t = Steady::now();
    guard += RawInstants(day, zone);
    raw.push_back(Seconds(t));
    t = Steady::now();
    guard += PlanAndClear(day, zone);
    plan.push_back(Seconds(t));
  }
  std::printf("plan %d bookings: %.3f s (raw slot instants %.3f s; ratio %.1fx)  [%lld]\n",
              bookings, Median(plan), Median(raw), Median(plan) / Median(raw),
              static_cast<long long>(guard % 7));

  testing::TempDir dir;
  const std::string secret_file = dir.File("relay.secret");
  std::ofstream(secret_file) << "0123456789abcdef0123456789abcdef\n";
  ::chmod(secret_file.c_str(), 0600);
  std::string error;
  auto gateway = testing::TestGateway::Start(OUTPOST_GATEWAY_BIN, secret_file, {}, &error);
  if (!gateway) {
    std::cerr << "gateway: " << error << "\n";
    return 1;
  }
  SystemClock clock;
  delivery::GatewayConfig config;
  config.url = gateway->MessagesUrl();
  config.secret = delivery::LoadGatewaySecret(secret_file).value();
  auto client = delivery::WebhookClient::Create(config, clock).value();
  std::vector<double> signed_s, raw_s;
  for (int r = 0; r < rounds; ++r) {
    std::vector<std::string> bodies;
    auto t = Steady::now();
    for (int i = 0; i < messages; ++i) {
      delivery::OutboundMessage m{"M-" + std::to_string(r) + "-" + std::to_string(i),
                                  "bench/" + std::to_string(r) + "/" + std::to_string(i),
                                  "S1",
                                  "sms",
                                  "+86138" + std::to_string(10'000'000 + i),
                                  "【浦东】温馨提示：您预约了明天10:00的保养。回复TD退订"};
      if (client->Send(m).kind != delivery::DeliveryKind::kAccepted) return 1;
    }
    signed_s.push_back(Seconds(t));
    for (int i = 0; i < messages; ++i) {
      bodies.push_back(R"({"message_id":"raw-)" + std::to_string(r) + "-" + std::to_string(i) +
                       R"(","text":"【浦东】温馨提示：您预约了明天10:00的保养。回复TD退订"})");
    }
    t = Steady::now();
    RawPosts("http://127.0.0.1:" + std::to_string(gateway->port()) + "/raw", bodies);
    raw_s.push_back(Seconds(t));
  }
  const double signed_rate = messages / Median(signed_s);
  const double raw_rate = messages / Median(raw_s);
  std::printf("deliver %d messages: %.0f acknowledged/s (raw unsigned POSTs %.0f/s; ratio %.2f)\n",
              messages, signed_rate, raw_rate, signed_rate / raw_rate);
  return 0;
}
