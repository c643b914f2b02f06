// A benchmark's SQLite hub copied to PostgreSQL, so the same rows are
// measured on both backends in one run: a throwaway cluster of its own
// (ops/pg-cluster.sh on a Unix socket in /tmp, discarded when this goes out
// of scope) and the hub copied into a fresh database on it by
// hub::MigrateHub, which is what `outpost-hub migrate-db` runs (and which
// proves the copy by its digests). Any failure aborts the benchmark: a
// figure measured on a half-made copy would mislead.
//
// Header only, for the benchmarks that define OUTPOST_PG_CLUSTER_SCRIPT and
// link outpost_hub_migrate and outpost_test_pg_cluster; thread-compatible.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "hub/hub.h"
#include "hub/migrate_db.h"
#include "tests/bench/bench_hub.h"
#include "tests/pg/pg_cluster.h"

namespace outpost::bench {

class PgCopyOfHub {
 public:
  // Starts the cluster on `port` and copies `from`'s file into a database
  // named after `hint`.
  PgCopyOfHub(const BenchHub& from, int port, const std::string& hint)
      : dir_("/tmp/" + hint + "-bench-" + std::to_string(getpid())) {
    const std::string script = OUTPOST_PG_CLUSTER_SCRIPT;
    discard_ = script + " discard " + dir_ + " >/dev/null";
    if (std::system(
            (script + " fresh " + dir_ + " " + std::to_string(port) + " >/dev/null").c_str()) !=
        0) {
      std::fprintf(stderr, "could not start a PostgreSQL cluster in %s\n", dir_.c_str());
      std::abort();
    }
    const std::string admin =
        "postgresql:///postgres?host=" + dir_ + "&port=" + std::to_string(port) + "&user=postgres";
    url_ = testing::FreshPgDatabaseOn(admin, hint).value();
    migrate_s_ = TimeS([&] {
      auto copied = hub::MigrateHub(from.dir + "/hub.db", url_, from.hub->keys(), from.clock);
      if (!copied.ok()) {
        std::fprintf(stderr, "%s\n", copied.status().ToString().c_str());
        std::abort();
      }
    });
    hub_ = hub::Hub::Open(url_, from.hub->keys(), from.clock).value();
  }
  ~PgCopyOfHub() {
    hub_.reset();  // its connections closed before the cluster stops
    (void)std::system(discard_.c_str());
  }
  PgCopyOfHub(const PgCopyOfHub&) = delete;
  PgCopyOfHub& operator=(const PgCopyOfHub&) = delete;

  // The copy's database URL, a hub open on it, and the copy's seconds.
  const std::string& url() const { return url_; }
  hub::Hub& hub() { return *hub_; }
  double migrate_s() const { return migrate_s_; }

 private:
  std::string dir_;
  std::string discard_;
  std::string url_;
  double migrate_s_ = 0;
  std::unique_ptr<hub::Hub> hub_;
};

}  // namespace outpost::bench
