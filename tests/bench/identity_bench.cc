// Identity resolution over a chain's customer base, at the hub.
//
// Builds a hub database with N customer records from S stores (and a vehicle
// for most of them) as ingest leaves them, then measures in one run:
//   read     the floor: reading every record's name, member id, phones and
//            every vehicle's plate and VIN (the same queries resolution makes)
//   backfill the typed rows of every entity, as a hub upgraded to them fills
//            them once (hub/storage/identity_store.h IndexChanges)
//   resolve  Identity::Resolve(force): keys, union-find with the name rules,
//            stable ids, links, candidates and the key index, one transaction
//   again    Resolve with nothing changed (the watermark check)
// and the peak resident memory of the process.
// People visit more than one store: 30% of records are a person already seen
// elsewhere (same phone, name written the same or in another script), some
// share a member id or a plate; 1% are families sharing a phone.
//
//   identity_bench [--records N] [--stores S] [--dir DIR]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "hub/hub.h"
#include "hub/identity.h"
#include "hub/storage/sqlite/identity_store.h"
#include "sync/testing.h"
#include "tests/bench/bench_hub.h"
#include "tests/hub_file.h"

namespace {

using namespace outpost;

using bench::TimeS;

}  // namespace

int main(int argc, char** argv) {
  int64_t records = 1'000'000;
  int stores = 500;
  std::string dir_arg;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--records")) records = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--stores")) stores = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) dir_arg = argv[i + 1];
  }
  testing::TempDir tmp;
  const std::string dir = dir_arg.empty() ? tmp.path() : dir_arg;
  FixedClock clock(ParseUtcMs("2026-11-23T01:00:00Z").value());
  auto hub = hub::Hub::Create(dir + "/hub.db", SecretKeys::Generate("HUB"), clock).value();
  // The records are written straight into the hub's file, on a connection of its own.
  auto file = testing::OpenHubFileToTamper(dir + "/hub.db");
  Db& db = *file;
  for (int s = 0; s < stores; ++s) {
    if (!hub->AllowStore(SecretKeys::Generate("S" + std::to_string(s)).pub).ok()) std::abort();
  }

  // The records as ingest writes them (entities rows), built directly.
  const double build_s = TimeS([&] { bench::FillCustomerRecords(db, records, stores, 0); });

  int64_t read_rows = 0;
  const double read_s = TimeS([&] {
    auto st = db.Prepare(
                    "SELECT entity_id, owner_site, json_extract(fields, '$.name'),"
                    " json_extract(fields, '$.member_id'), json_extract(fields, '$.phones')"
                    " FROM entities WHERE entity = 'customer' ORDER BY entity_id")
                  .value();
    while (st.Step().value()) {
      read_rows += static_cast<int64_t>(st.Text(0).size() > 0);
    }
    auto v = db.Prepare(
                   "SELECT json_extract(fields, '$.customer_id'), json_extract(fields,"
                   " '$.plate'), json_extract(fields, '$.vin') FROM entities"
                   " WHERE entity = 'vehicle'")
                 .value();
    while (v.Step().value()) ++read_rows;
  });

  hub::Identity identity = hub->MakeIdentity();
  // A hub upgraded to the typed rows (migration 11) fills them from every
  // entity on its first IndexChanges: timed apart, so that Resolve below
  // measures resolution alone, as before.
  const double backfill_s = TimeS([&] {
    if (!identity.IndexChanges().ok()) std::abort();
  });
  hub::ResolveStats stats;
  const double resolve_s = TimeS([&] {
    auto r = identity.Resolve(true);
    if (!r.ok()) {
      std::fprintf(stderr, "resolve failed: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    stats = r.value();
  });
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  const double again_s = TimeS([&] {
    if (identity.Resolve(false).value().ran) std::abort();
  });

  // The first profiles for every store (each unified customer, per store holding a record).
  hub::RefreshStats profiles;
  const double profiles_s = TimeS([&] {
    auto r = hub->RefreshProfiles();
    if (!r.ok()) {
      std::fprintf(stderr, "profiles failed: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    profiles = r.value();
  });
  struct rusage after_profiles {};
  getrusage(RUSAGE_SELF, &after_profiles);

  std::printf("identity resolution: %lld records from %d stores (built in %.1f s)\n",
              static_cast<long long>(records), stores, build_s);
  std::printf("  read the same rows (floor)   : %6.2f s (%lld rows)\n", read_s,
              static_cast<long long>(read_rows));
  std::printf("  typed rows, upgrade backfill : %6.2f s\n", backfill_s);
  std::printf("  Resolve(force)               : %6.2f s  target < 60 s  (%.1fx the read)\n",
              resolve_s, resolve_s / read_s);
  std::printf("  Resolve, nothing changed     : %6.3f s\n", again_s);
  std::printf(
      "  first profiles for stores    : %6.2f s (%lld customers, %lld profiles;"
      " peak RSS then %.0f MiB)\n",
      profiles_s, static_cast<long long>(profiles.customers), static_cast<long long>(profiles.sent),
      after_profiles.ru_maxrss / 1024.0);
  std::printf("  peak RSS                     : %6.0f MiB  target < 2048 MiB\n",
              usage.ru_maxrss / 1024.0);
  std::printf("  -> %lld unified customers, %lld at more than one store, %lld possible matches\n",
              static_cast<long long>(stats.unified), static_cast<long long>(stats.across_stores),
              static_cast<long long>(stats.candidates));
  return 0;
}
