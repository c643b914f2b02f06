// What the hub benchmarks share: their size flags, and a fresh hub whose file
// they fill with rows written straight into it (as ingest would leave them).
// Header only, for the benchmarks (never tests); thread-compatible.
#pragma once

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "hub/hub.h"
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

  explicit BenchHub(const std::string& dir_flag) : dir(dir_flag.empty() ? tmp.path() : dir_flag) {
    hub = hub::Hub::Create(dir + "/hub.db", SecretKeys::Generate("HUB"), clock).value();
    file = testing::OpenHubFileToTamper(dir + "/hub.db");
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

}  // namespace outpost::bench
