// Head office's month report over the chain (hub/queries/report.h, issue 17
// item 7: "the chain's month in under 2 s, within 3x of a plain GROUP BY").
//
// Builds a hub database with N bookings at S stores (all allow-listed, no
// calendar synced: head office's zone) over the 24 months to November 2026,
// the typed rows ingest keeps (0011 and 0015's columns: when asked for,
// status, arrival, first cancel, made by a reschedule), then measures in one
// run, median of 5 each:
//   raw    the floor: SELECT site, channel, status, count(*) FROM hub_bookings
//          WHERE slot_date BETWEEN the month's days GROUP BY site, channel, status
//   chain  queries::MonthReportAtHub for November 2026, every store and the
//          chain: the month's rows read, each instant turned into its store's
//          local day, ComputeMonthReport per store and for the chain
//
// With --pg-port P, the same hub is then copied to PostgreSQL (a throwaway
// cluster on port P, ops/pg-cluster.sh, discarded at the end; `outpost-hub
// migrate-db`'s code, hub::MigrateHub) and both measured there too: the raw
// GROUP BY (its groups summed by the server) and MonthReportAtHub on a hub
// whose --db is that database.
//
//   month_report_bench [--bookings N] [--stores S] [--dir DIR] [--pg-port P]
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "hub/queries/report.h"
#include "tests/bench/bench_hub.h"
#include "tests/bench/bench_pg.h"
#include "tests/pg/pg_cluster.h"

namespace {

using namespace outpost;

void Build(Db& db, int64_t bookings, int stores) {
  std::mt19937_64 rng(20261130);
  auto tx = Transaction::Begin(db).value();
  auto put = db.Prepare(
                   "INSERT INTO hub_bookings (booking_id, site, ref, customer_id, service,"
                   " slot_date, slot_time, status, channel, created_at, updated_at, arrived_at,"
                   " needs_reschedule, requested_at, moved_here, cancelled_at) VALUES (?, ?,"
                   " 'r', ?, 'maintenance', ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)")
                 .value();
  static const char* kChannels[] = {"phone", "wechat", "walk-in", "online", "call-centre"};
  static const char* kTimes[] = {"08:30", "10:00", "11:00", "14:00", "15:00", "16:00"};
  char id[64];
  const LocalDate first{2024, 12, 1};
  for (int64_t i = 0; i < bookings; ++i) {
    std::snprintf(id, sizeof id, "B-%012lld", static_cast<long long>(i));
    const LocalDate slot = first.AddDays(static_cast<int>(rng() % 730));  // to 2026-11-30
    const LocalDate asked = slot.AddDays(-static_cast<int>(rng() % 21));
    const std::string requested = asked.AddDays(-1).ToString() + "T23:30:00.000Z";
    const int roll = static_cast<int>(rng() % 100);
    const char* status = roll < 60   ? "completed"
                         : roll < 72 ? "no-show"
                         : roll < 84 ? "cancelled"
                         : roll < 90 ? "rescheduled"
                                     : "checked-in";
    const bool arrived = roll < 60 || roll >= 90;
    put.Reset();
    put.Bind(1, std::string(id))
        .Bind(2, "S" + std::to_string(i % stores))
        .Bind(3, "C-" + std::to_string(i / 3))
        .Bind(4, slot.ToString())
        .Bind(5, std::string(kTimes[rng() % 6]))
        .Bind(6, std::string(status))
        .Bind(7, std::string(kChannels[rng() % 5]))
        .Bind(8, requested)
        .Bind(9, requested);
    if (arrived) {
      put.Bind(10, slot.ToString() + "T02:00:00.000Z");
    } else {
      put.BindNull(10);
    }
    put.Bind(11, requested).Bind(12, static_cast<int64_t>(rng() % 20 == 0));
    if (roll >= 72 && roll < 84) {
      put.Bind(13, slot.AddDays(-static_cast<int>(rng() % 3)).ToString() + "T01:00:00.000Z");
    } else {
      put.BindNull(13);
    }
    if (!put.Run().ok()) std::abort();
  }
  if (!tx->Commit().ok()) std::abort();
  if (!db.Exec("ANALYZE").ok()) std::abort();
}

int64_t RawGroupBy(Db& db) {
  auto st = db.Prepare(
                  "SELECT site, channel, status, count(*) FROM hub_bookings WHERE slot_date"
                  " BETWEEN '2026-11-01' AND '2026-11-30' GROUP BY site, channel, status")
                .value();
  int64_t rows = 0;
  while (st.Step().value()) rows += st.Int(3);
  return rows;
}

template <typename F>
double MedianOf5(F&& run) {
  std::vector<double> times;
  times.reserve(5);
  for (int i = 0; i < 5; ++i) times.push_back(bench::TimeS(run));
  std::sort(times.begin(), times.end());
  return times[2];
}

// The same floor on PostgreSQL: the server groups, then sums the groups'
// counts so one value comes back.
int64_t RawGroupByPg(const std::string& url) {
  auto total = testing::PgQueryValue(
      url,
      "SELECT sum(n) FROM (SELECT site, channel, status, count(*) AS n FROM hub_bookings"
      " WHERE slot_date BETWEEN '2026-11-01' AND '2026-11-30' GROUP BY site, channel, status) g");
  if (!total.ok()) {
    std::fprintf(stderr, "%s\n", total.status().ToString().c_str());
    std::abort();
  }
  return std::atoll(total->c_str());
}

kpi::MonthReport ChainReport(hub::Hub& at) {
  auto reports = hub::queries::MonthReportAtHub(hub::queries::HubReader(at), "2026-11", "");
  if (!reports.ok()) {
    std::fprintf(stderr, "%s\n", reports.status().ToString().c_str());
    std::abort();
  }
  return *reports->chain;
}

// The SQLite hub in `bench_hub` copied to a PostgreSQL cluster of its own on
// `port`, and the month measured there beside its floor.
void MeasureOnPostgres(bench::BenchHub& bench_hub, int port, double sqlite_chain_s) {
  bench::PgCopyOfHub copy(bench_hub, port, "month_report");
  const std::string& url = copy.url();
  hub::Hub* pg = &copy.hub();
  const double migrate_s = copy.migrate_s();
  int64_t raw_rows = 0;
  const double raw_s = MedianOf5([&] { raw_rows = RawGroupByPg(url); });
  kpi::MonthReport chain;
  const double chain_s = MedianOf5([&] { chain = ChainReport(*pg); });
  std::printf("PostgreSQL (copied by migrate-db in %.1f s):\n", migrate_s);
  std::printf("raw    (the same GROUP BY, %lld rows): %.3f s median of 5\n",
              static_cast<long long>(raw_rows), raw_s);
  std::printf(
      "chain  (MonthReportAtHub 2026-11; made %lld, arrival %lld/%lld): %.3f s median of 5\n",
      static_cast<long long>(chain.made), static_cast<long long>(chain.arrival.num),
      static_cast<long long>(chain.arrival.den), chain_s);
  std::printf("ratio chain/raw %.2fx; PostgreSQL/SQLite %.2fx (target: chain < 2 s, within 3x)\n",
              raw_s > 0 ? chain_s / raw_s : 0.0,
              sqlite_chain_s > 0 ? chain_s / sqlite_chain_s : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  const bench::HubBenchFlags flags =
      bench::ParseHubBenchFlags(argc, argv, "--bookings", 10'000'000);
  bench::BenchHub bench_hub(flags.dir);
  auto& hub = bench_hub.hub;
  for (int s = 0; s < flags.stores; ++s) {
    if (!hub->AllowStore(SecretKeys::Generate("S" + std::to_string(s)).pub).ok()) std::abort();
  }
  const double build_s = bench_hub.Fill([&](Db& db) { Build(db, flags.count, flags.stores); });
  std::printf("month_report_bench: %lld bookings, %d stores, 24 months; built in %.1f s\n",
              static_cast<long long>(flags.count), flags.stores, build_s);

  int64_t raw_rows = 0;
  const double raw_s = MedianOf5([&] { raw_rows = RawGroupBy(*bench_hub.file); });
  kpi::MonthReport chain;
  const double chain_s = MedianOf5([&] { chain = ChainReport(*hub); });
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "raw    (GROUP BY site, channel, status over the month's slots, %lld rows): %.3f s"
      " median of 5\n",
      static_cast<long long>(raw_rows), raw_s);
  std::printf(
      "chain  (MonthReportAtHub 2026-11, %d stores and the chain; made %lld, arrival"
      " %lld/%lld): %.3f s median of 5\n",
      flags.stores, static_cast<long long>(chain.made), static_cast<long long>(chain.arrival.num),
      static_cast<long long>(chain.arrival.den), chain_s);
  std::printf("ratio chain/raw %.2fx; peak RSS %.0f MiB (target: chain < 2 s, within 3x)\n",
              raw_s > 0 ? chain_s / raw_s : 0.0, static_cast<double>(usage.ru_maxrss) / 1024.0);
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--pg-port") {
      std::fflush(stdout);
      MeasureOnPostgres(bench_hub, std::atoi(argv[i + 1]), chain_s);
    }
  }
  return 0;
}
