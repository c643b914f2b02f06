// Service due over a chain's vehicles at the hub (hub/service_due.h).
//
// Builds a hub database with N vehicles, each with its customer, one to three
// completed visits at one of S stores (the typed rows ingest keeps) and zero,
// one or three odometer readings (vehicle changes carrying mileage_km, and
// their typed rows as IndexChanges leaves them), then
// measures in one run, median of 3 each:
//   raw   the floor: a plain SQL scan of the same rows (every completed
//         visit, every reading), stepping each row and reading its columns
//   due   queries::CountServiceDue: the visits grouped per person and car,
//         the readings gathered, ProjectServiceDue for each car
// and the peak resident memory of the process.
//
//   service_due_bench [--vehicles N] [--stores S] [--dir DIR]
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "hub/hub.h"
#include "hub/service_due.h"
#include "sync/testing.h"
#include "tests/bench/bench_hub.h"
#include "tests/hub_file.h"

namespace {

using namespace outpost;

using bench::MedianOf3;
using bench::TimeS;

void Build(Db& db, int64_t vehicles, int stores) {
  std::mt19937_64 rng(20261123);
  auto tx = Transaction::Begin(db).value();
  auto booking = db.Prepare(
                       "INSERT INTO hub_bookings (booking_id, site, ref, customer_id, vehicle_id,"
                       " service, slot_date, slot_time, status, channel, created_at, updated_at,"
                       " needs_reschedule) VALUES (?, ?, 'r', ?, ?, 'maintenance', ?, '10:00',"
                       " 'completed', 'phone', 't', 't', 0)")
                     .value();
  auto vehicle = db.Prepare(
                       "INSERT INTO hub_vehicles (vehicle_id, site, customer_id, plate)"
                       " VALUES (?, ?, ?, ?)")
                     .value();
  auto change = db.Prepare(
                      "INSERT INTO changes (site_id, seq, hlc, entity, entity_id, op, fields,"
                      " staff, business_time, recorded_at, schema_version, prev_hash, hash)"
                      " VALUES (?, ?, 0, 'vehicle', ?, 'update', ?, 'SA', NULL, ?, 2, x'00',"
                      " x'00')")
                    .value();
  // As IndexChanges types each reading behind ingest.
  auto typed = db.Prepare(
                     "INSERT INTO hub_mileage_readings (vehicle_id, at, site, seq, km)"
                     " VALUES (?, ?, ?, ?, ?)")
                   .value();
  std::vector<int64_t> seq(stores, 0);
  char id[64], cust[64], date[16], fields[64], at[32];
  for (int64_t i = 0; i < vehicles; ++i) {
    const std::string site = "S" + std::to_string(i % stores);
    std::snprintf(id, sizeof id, "V-%012lld", static_cast<long long>(i));
    std::snprintf(cust, sizeof cust, "C-%012lld", static_cast<long long>(i));
    vehicle.Reset();
    vehicle.Bind(1, id).Bind(2, site).Bind(3, cust).Bind(4, std::string("P") + (id + 2));
    if (!vehicle.Run().ok()) std::abort();
    const int visits = 1 + static_cast<int>(rng() % 3);
    for (int v = 0; v < visits; ++v) {
      const int day = static_cast<int>(rng() % 600);  // within 2025-04 .. 2026-11
      const LocalDate d = LocalDate{2025, 4, 1}.AddDays(day);
      std::snprintf(date, sizeof date, "%s", d.ToString().c_str());
      booking.Reset();
      booking.Bind(1, std::string(id) + "-B" + std::to_string(v)).Bind(2, site).Bind(3, cust);
      booking.Bind(4, id).Bind(5, date);
      if (!booking.Run().ok()) std::abort();
    }
    const int readings = std::array<int, 3>{0, 1, 3}[rng() % 3];
    int64_t km = 5000 + static_cast<int64_t>(rng() % 50000);
    for (int r = 0; r < readings; ++r) {
      km += 1000 + static_cast<int64_t>(rng() % 4000);
      const LocalDate d = LocalDate{2025, 6, 1}.AddDays(r * 120 + static_cast<int>(rng() % 60));
      std::snprintf(fields, sizeof fields, "{\"mileage_km\":%lld}", static_cast<long long>(km));
      std::snprintf(at, sizeof at, "%sT02:00:00.000Z", d.ToString().c_str());
      change.Reset();
      change.Bind(1, site).Bind(2, ++seq[i % stores]).Bind(3, id).Bind(4, fields).Bind(5, at);
      if (!change.Run().ok()) std::abort();
      typed.Reset();
      typed.Bind(1, id).Bind(2, at).Bind(3, site).Bind(4, seq[i % stores]).Bind(5, km);
      if (!typed.Run().ok()) std::abort();
    }
  }
  if (!tx->Commit().ok()) std::abort();
}

// The floor: every completed visit and every reading, read once.
int64_t RawScan(Db& db) {
  int64_t rows = 0;
  auto visits = db.Prepare(
                      "SELECT b.booking_id, b.site, b.customer_id, b.vehicle_id, v.plate, v.vin,"
                      " b.service, b.slot_date FROM hub_bookings b LEFT JOIN hub_vehicles v ON"
                      " v.vehicle_id = b.vehicle_id WHERE +b.status = 'completed'")
                    .value();
  while (visits.Step().value()) {
    rows += static_cast<int64_t>(visits.Text(0).size() + visits.Text(7).size() > 0);
  }
  auto readings = db.Prepare("SELECT vehicle_id, at, km FROM hub_mileage_readings").value();
  while (readings.Step().value()) rows += readings.Int(2) > 0;
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::HubBenchFlags flags = bench::ParseHubBenchFlags(argc, argv, "--vehicles", 1'000'000);
  const int64_t vehicles = flags.count;
  const int stores = flags.stores;
  bench::BenchHub bench_hub(flags.dir);
  auto& hub = bench_hub.hub;
  auto& file = bench_hub.file;
  const double build_s = bench_hub.Fill([&](Db& db) { Build(db, vehicles, stores); });
  std::printf("service_due_bench: %lld vehicles, %d stores; built in %.1f s\n",
              static_cast<long long>(vehicles), stores, build_s);

  int64_t raw_rows = 0;
  const double raw_s = MedianOf3([&] { raw_rows = RawScan(*file); });
  const LocalDate today{2026, 11, 23};
  const auto rules = outreach::DefaultServiceRules();
  hub::DueCount count;
  const double due_s = MedianOf3([&] {
    auto counted = hub::CountServiceDue(hub->storage().campaigns(), rules, today);
    if (!counted.ok()) {
      std::fprintf(stderr, "%s\n", counted.status().ToString().c_str());
      std::abort();
    }
    count = counted.value();
  });
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("raw  (SQL scan of the visits and readings, %lld rows): %.2f s median of 3\n",
              static_cast<long long>(raw_rows), raw_s);
  std::printf(
      "due  (CountServiceDue: %lld cars, %lld due on %s, %lld lapsed): %.2f s median of 3\n",
      static_cast<long long>(count.cars), static_cast<long long>(count.due),
      today.ToString().c_str(), static_cast<long long>(count.lapsed), due_s);
  std::printf("peak RSS %.0f MiB (target: due < 10 s, < 1024 MiB)\n",
              static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
