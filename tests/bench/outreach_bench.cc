// Planning a chain-day's reminders (docs/PERFORMANCE.md, "Outreach"): every
// step of N bookings (default 100,000) planned (sync/outreach PlanBookingSteps)
// and each message cleared by the contact policy (Decide), beside the raw work
// measured in the same run: turning each booking's slot into its UTC instant.
// Delivery is measured by delivery_bench.
//
//   outreach_bench [--bookings N] [--rounds 3]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "sync/outreach/policy.h"
#include "sync/outreach/reminders.h"

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

}  // namespace

int main(int argc, char** argv) {
  int bookings = 100'000, rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--bookings")) bookings = std::atoi(argv[i + 1]);
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

  return 0;
}
