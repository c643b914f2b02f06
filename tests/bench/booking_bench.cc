// Durable booking creation at the desk, beside the raw SQLite rate.
//
// Measures, in one run and on one filesystem:
//   raw    one 7-column INSERT per transaction, WAL, synchronous=FULL (the fsync floor)
//   book   Store::Book: a new customer + phone + booking + history, all rule checks,
//          one IMMEDIATE transaction, synchronous=FULL
// Rounds alternate raw and book so machine noise hits both; medians are reported.
//
//   booking_bench [--bookings N] [--rounds R] [--dir DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "edge/store.h"
#include "sync/sqlite.h"
#include "sync/testing.h"

namespace {

using outpost::Db;
using Micros = std::vector<double>;

double Percentile(Micros v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <typename F>
double TimeUs(F&& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
}

Micros RawInserts(const std::string& path, int n) {
  auto db = Db::Open(path, {}).value();
  if (!db->Exec("CREATE TABLE t (id TEXT PRIMARY KEY, a TEXT, b TEXT, c TEXT, d INTEGER,"
                " e INTEGER, f TEXT)")
           .ok()) {
    std::abort();
  }
  Micros lat;
  for (int i = 0; i < n; ++i) {
    lat.push_back(TimeUs([&] {
      auto tx = outpost::Transaction::Begin(*db).value();
      auto st = db->Prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)").value();
      st.Bind(1, "id-" + std::to_string(i))
          .Bind(2, "customer")
          .Bind(3, "2026-11-24")
          .Bind(4, "10:00")
          .Bind(5, int64_t{i})
          .Bind(6, int64_t{1})
          .Bind(7, "maintenance");
      if (!st.Run().ok() || !tx->Commit().ok()) std::abort();
    }));
  }
  return lat;
}

Micros Bookings(const std::string& path, int n, const outpost::Clock& clock) {
  outpost::edge::StoreSettings settings;
  settings.store_id = "BENCH";
  settings.name = "Bench";
  // A big service centre: ten places per slot, 60 a day; bookings fill the days ahead.
  for (auto& s : settings.slots) s.capacity = 10;
  auto store = outpost::edge::Store::Create(path, settings, clock).value();
  const std::vector<std::string> slots = {"08:30", "10:00", "11:00", "14:00", "15:00", "16:00"};
  Micros lat;
  for (int i = 0; i < n; ++i) {
    outpost::edge::BookingRequest r;
    r.customer = "139" + std::to_string(10'000'000 + i);
    r.create_customer = outpost::edge::NewCustomer{"Customer " + std::to_string(i), {r.customer}};
    r.date = "+" + std::to_string(1 + i / 60);
    r.time = slots[i % slots.size()];
    r.staff = "bench";
    bool ok = true;
    lat.push_back(TimeUs([&] { ok = store->Book(r).ok(); }));
    if (!ok) {
      std::fprintf(stderr, "booking %d failed: %s\n", i,
                   store->Book(r).status().ToString().c_str());
      std::abort();
    }
  }
  return lat;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 2000, rounds = 3;
  std::string dir_arg;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--bookings")) n = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) dir_arg = argv[i + 1];
  }
  outpost::testing::TempDir temp;
  const std::string dir = dir_arg.empty() ? temp.path() : dir_arg;
  outpost::SystemClock clock;
  std::vector<double> raw_rate, raw_p50, raw_p99, book_rate, book_p50, book_p99;
  for (int round = 0; round < rounds; ++round) {
    const std::string tag = std::to_string(round);
    Micros raw = RawInserts(dir + "/raw" + tag + ".db", n);
    Micros book = Bookings(dir + "/store" + tag + ".db", n, clock);
    auto rate = [](const Micros& v) {
      double total = 0;
      for (double x : v) total += x;
      return static_cast<double>(v.size()) / (total / 1e6);
    };
    raw_rate.push_back(rate(raw));
    raw_p50.push_back(Percentile(raw, 0.50));
    raw_p99.push_back(Percentile(raw, 0.99));
    book_rate.push_back(rate(book));
    book_p50.push_back(Percentile(book, 0.50));
    book_p99.push_back(Percentile(book, 0.99));
    std::printf(
        "round %d: raw %.0f tx/s p50 %.0f us p99 %.0f us | book %.0f/s p50 %.0f us"
        " p99 %.0f us\n",
        round, raw_rate.back(), raw_p50.back(), raw_p99.back(), book_rate.back(), book_p50.back(),
        book_p99.back());
  }
  std::printf("\nmedian of %d rounds, %d operations each, in %s\n", rounds, n, dir.c_str());
  std::printf("| measure | raw SQLite 1 row/tx, FULL | durable booking | booking / raw |\n");
  std::printf("| --- | --- | --- | --- |\n");
  std::printf("| per second | %.0f | %.0f | %.2f |\n", Median(raw_rate), Median(book_rate),
              Median(book_rate) / Median(raw_rate));
  std::printf("| p50 latency | %.2f ms | %.2f ms | %.2f |\n", Median(raw_p50) / 1000,
              Median(book_p50) / 1000, Median(book_p50) / Median(raw_p50));
  std::printf("| p99 latency | %.2f ms | %.2f ms | %.2f |\n", Median(raw_p99) / 1000,
              Median(book_p99) / 1000, Median(book_p99) / Median(raw_p99));
  return 0;
}
