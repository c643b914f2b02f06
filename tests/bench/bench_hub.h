// What the hub benchmarks share: their size flags, and a fresh hub whose file
// they fill with rows written straight into it (as ingest would leave them).
// Header only, for the benchmarks (never tests); thread-compatible.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "hub/hub.h"
#include "sync/keys.h"
#include "sync/testing.h"
#include "tests/bench/timing.h"
#include "tests/hub_file.h"

namespace outpost::bench {

// --<count_flag> N (what the benchmark counts), --stores S, --dir DIR.
struct HubBenchFlags {
  int64_t count = 0;
  int stores = 500;
  std::string dir;  // empty: a temporary folder
};
inline HubBenchFlags ParseHubBenchFlags(int argc, char** argv, const char* count_flag,
                                        int64_t count) {
  HubBenchFlags flags;
  flags.count = count;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], count_flag)) flags.count = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--stores")) flags.stores = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) flags.dir = argv[i + 1];
  }
  return flags;
}

// A new hub on Monday 2026-11-23 09:00 in Shanghai, and its file on a
// connection of its own.
struct BenchHub {
  testing::TempDir tmp;
  std::string dir;
  FixedClock clock{ParseUtcMs("2026-11-23T01:00:00Z").value()};
  std::unique_ptr<hub::Hub> hub;
  std::unique_ptr<Db> file;

  bool reused = false;

  // With `reuse`, a hub already built in the folder (a file `built` beside
  // it: a build cut short is made again) is opened with its keys; a new one's
  // keys are written beside it for the next run.
  explicit BenchHub(const std::string& dir_flag, bool reuse = false)
      : dir(dir_flag.empty() ? tmp.path() : dir_flag) {
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/hub.db";
    reused = reuse && std::filesystem::exists(dir + "/built");
    if (reused) {
      hub = hub::Hub::Open(path, LoadSecretKeys(dir + "/HUB.key").value(), clock).value();
    } else {
      for (const char* f : {"/hub.db", "/hub.db-wal", "/hub.db-shm", "/HUB.key", "/HUB.pub"}) {
        if (reuse) std::filesystem::remove(dir + f);  // a build cut short
      }
      SecretKeys keys = SecretKeys::Generate("HUB");
      if (reuse && !WriteKeyFiles(keys, dir, false).ok()) std::abort();
      hub = hub::Hub::Create(path, std::move(keys), clock).value();
    }
    file = testing::OpenHubFileToTamper(path);
  }
  // Marks the folder's hub as complete, for a later run with `reuse`.
  void MarkBuilt() const {
    std::FILE* f = std::fopen((dir + "/built").c_str(), "w");
    if (f == nullptr || std::fclose(f) != 0) std::abort();
  }
  // Runs `build` on the file, then checkpoints its log into the database (as
  // a running hub's file is); the seconds it took.
  template <typename F>
  double Fill(F&& build) {
    return TimeS([&] {
      build(*file);
      if (!file->Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok()) std::abort();
    });
  }
};

// A chain's customer records as ingest writes them (entities rows, and the
// customer_children rows Identity::IndexChanges files behind ingest), built
// directly in one transaction; the same rows for the same arguments. People
// visit more than one store: 30% of records are a person already seen
// elsewhere (same phone "+86139" + 8 digits of the person, name "客户<person>"
// or, for a third of those, "Name<person>" in another script), a fifth of
// people have a member id, 1% are relatives on the same phone ("亲属<person>");
// 80% of records have a vehicle (plate "京" + a letter + 5 digits of the
// person). Each record also has `bookings` completed bookings at its store.
inline void FillCustomerRecords(Db& db, int64_t records, int stores, int bookings) {
  std::mt19937_64 rng(20261123);
  auto tx = Transaction::Begin(db).value();
  auto put = db.Prepare(
                   "INSERT INTO entities (entity, entity_id, owner_site, fields, field_hlcs,"
                   " last_hlc, base_hlc) VALUES (?, ?, ?, ?, '{}', ?, ?)")
                 .value();
  auto child = db.Prepare(
                     "INSERT INTO customer_children (entity, entity_id, customer_id)"
                     " VALUES (?, ?, ?)")
                   .value();
  auto add = [&](const char* entity, const char* id, const std::string& site, const char* fields,
                 int64_t i, const char* customer) {
    put.Reset();
    put.Bind(1, entity).Bind(2, id).Bind(3, site).Bind(4, fields).Bind(5, i).Bind(6, i);
    if (!put.Run().ok()) std::abort();
    if (customer == nullptr) return;
    child.Reset();
    child.Bind(1, entity).Bind(2, id).Bind(3, customer);
    if (!child.Run().ok()) std::abort();
  };
  int64_t person = 0;
  char buf[512];
  for (int64_t i = 0; i < records; ++i) {
    // 70% a new person; otherwise someone seen before.
    const bool repeat = i > 0 && rng() % 10 < 3;
    const int64_t who = repeat ? static_cast<int64_t>(rng() % person) : person++;
    const std::string site = "S" + std::to_string(rng() % stores);
    char id[64];
    std::snprintf(id, sizeof id, "%08llx-%04x-4000-8000-%012llx",
                  static_cast<unsigned long long>(i), static_cast<unsigned>(rng() & 0xffff),
                  static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
    const bool other_script = repeat && rng() % 3 == 0;  // "Wang Wei" for 王伟: not linked by name
    const bool family = rng() % 100 == 0;                // a relative on the same phone
    std::snprintf(buf, sizeof buf,
                  "{\"store_id\":\"%s\",\"name\":\"%s%lld\",\"member_id\":%s,"
                  "\"contact_opt_in\":false,\"do_not_disturb\":false,\"phones\":[\"+86139%08lld\"],"
                  "\"created_at\":\"2026-11-23T01:00:00.000Z\",\"created_by\":\"SA\"}",
                  site.c_str(),
                  family         ? "亲属"
                  : other_script ? "Name"
                                 : "客户",
                  static_cast<long long>(who),
                  who % 5 == 0 ? ("\"M" + std::to_string(who) + "\"").c_str() : "null",
                  static_cast<long long>(who));
    add("customer", id, site, buf, i, nullptr);
    if (rng() % 10 < 8) {  // most have a car on file
      char vid[64];
      std::snprintf(vid, sizeof vid, "v%07llx-%04x-4000-8000-%012llx",
                    static_cast<unsigned long long>(i), static_cast<unsigned>(rng() & 0xffff),
                    static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
      std::snprintf(buf, sizeof buf,
                    "{\"customer_id\":\"%s\",\"plate\":\"京%c%05lld\",\"vin\":null,"
                    "\"mileage_km\":null}",
                    id, static_cast<char>('A' + (who / 100000) % 26),
                    static_cast<long long>(who % 100000));
      add("vehicle", vid, site, buf, i, id);
    }
    for (int b = 0; b < bookings; ++b) {
      char bid[64];
      std::snprintf(bid, sizeof bid, "b%07llx-%04x-4000-8000-%012d",
                    static_cast<unsigned long long>(i), b, b);
      std::snprintf(buf, sizeof buf,
                    "{\"ref\":\"R%lld-%d\",\"store_id\":\"%s\",\"customer_id\":\"%s\","
                    "\"service\":\"maintenance\",\"slot_date\":\"2026-%02d-%02d\","
                    "\"slot_time\":\"10:00\",\"channel\":\"phone\",\"status\":\"completed\"}",
                    static_cast<long long>(i), b, site.c_str(), id, 1 + b % 11,
                    1 + static_cast<int>(i % 28));
      add("booking", bid, site, buf, i, id);
    }
  }
  if (!tx->Commit().ok()) std::abort();
}

}  // namespace outpost::bench
