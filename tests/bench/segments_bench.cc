// Customer segments over a chain's customers at the hub (hub/segments.h,
// issue 17: "segments over 1 M customers < 30 s").
//
// Builds a hub database with N customers at S stores, each with one to five
// completed visits over the last two years worth 0 to 3,000 yuan (the typed
// booking rows ingest keeps, amount_fen included; no identity links, so each
// record stands for its person), then measures in one run, median of 3 each:
//   raw       the floor: a plain SQL scan of the completed visits, stepping
//             each row and reading its columns
//   segments  hub::ComputeAllSegments: the visits grouped per person, RFM,
//             tiers and lifecycle computed for each under the default rules
// and the peak resident memory of the process.
//
//   segments_bench [--customers N] [--stores S] [--dir DIR]
#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>

#include "hub/hub.h"
#include "hub/segments.h"
#include "sync/testing.h"
#include "tests/bench/bench_hub.h"
#include "tests/hub_file.h"

namespace {

using namespace outpost;
using bench::MedianOf3;
using bench::TimeS;

void Build(Db& db, int64_t customers, int stores) {
  std::mt19937_64 rng(20261129);
  auto tx = Transaction::Begin(db).value();
  auto booking =
      db.Prepare(
            "INSERT INTO hub_bookings (booking_id, site, ref, customer_id, service, slot_date,"
            " slot_time, status, channel, created_at, updated_at, needs_reschedule, amount_fen)"
            " VALUES (?, ?, 'r', ?, 'maintenance', ?, '10:00', 'completed', 'phone', 't', 't', 0,"
            " ?)")
          .value();
  char cust[64];
  for (int64_t i = 0; i < customers; ++i) {
    const std::string site = "S" + std::to_string(i % stores);
    std::snprintf(cust, sizeof cust, "C-%012lld", static_cast<long long>(i));
    const int visits = 1 + static_cast<int>(rng() % 5);
    for (int v = 0; v < visits; ++v) {
      const LocalDate d = LocalDate{2024, 11, 23}.AddDays(static_cast<int>(rng() % 731));
      booking.Reset();
      booking.Bind(1, std::string(cust) + "-B" + std::to_string(v)).Bind(2, site).Bind(3, cust);
      booking.Bind(4, d.ToString()).Bind(5, static_cast<int64_t>(rng() % 300001));
      if (!booking.Run().ok()) std::abort();
    }
  }
  if (!tx->Commit().ok()) std::abort();
}

// The floor: every completed visit, read once.
int64_t RawScan(Db& db) {
  int64_t rows = 0;
  auto visits = db.Prepare(
                      "SELECT b.customer_id, coalesce(l.unified_id, b.customer_id), b.slot_date,"
                      " b.amount_fen FROM hub_bookings b LEFT JOIN identity_links l ON"
                      " l.record_id = b.customer_id WHERE +b.status = 'completed'")
                    .value();
  while (visits.Step().value()) rows += visits.Text(2).size() > 0 && visits.Int(3) >= 0;
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::HubBenchFlags flags =
      bench::ParseHubBenchFlags(argc, argv, "--customers", 1'000'000);
  const int64_t customers = flags.count;
  const int stores = flags.stores;
  bench::BenchHub bench_hub(flags.dir);
  auto& hub = bench_hub.hub;
  auto& file = bench_hub.file;
  const double build_s = bench_hub.Fill([&](Db& db) { Build(db, customers, stores); });
  std::printf("segments_bench: %lld customers, %d stores; built in %.1f s\n",
              static_cast<long long>(customers), stores, build_s);

  int64_t raw_rows = 0;
  const double raw_s = MedianOf3([&] { raw_rows = RawScan(*file); });
  const LocalDate today{2026, 11, 23};
  std::map<std::string, int64_t> by_tier;
  int64_t computed = 0;
  const double segments_s = MedianOf3([&] {
    auto all = hub::ComputeAllSegments(hub->storage().campaigns(), {}, today);
    if (!all.ok()) {
      std::fprintf(stderr, "%s\n", all.status().ToString().c_str());
      std::abort();
    }
    computed = static_cast<int64_t>(all->size());
    by_tier.clear();
    for (const auto& c : all.value()) ++by_tier[c.segment.value_tier];
  });
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("raw       (SQL scan of the completed visits, %lld rows): %.2f s median of 3\n",
              static_cast<long long>(raw_rows), raw_s);
  std::printf(
      "segments  (ComputeAllSegments: %lld customers; vip %lld, regular %lld, new %lld):"
      " %.2f s median of 3\n",
      static_cast<long long>(computed), static_cast<long long>(by_tier["vip"]),
      static_cast<long long>(by_tier["regular"]), static_cast<long long>(by_tier["new"]),
      segments_s);
  std::printf("peak RSS %.0f MiB (target: segments < 30 s)\n",
              static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
