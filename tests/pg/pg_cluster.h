// The PostgreSQL cluster a test run uses, and fresh databases on it.
//
// ctest starts one throwaway cluster per build folder (the pg_cluster fixture
// of tests/pg/CMakeLists.txt, ops/pg-cluster.sh) and hands its admin URL to
// every test that needs it in OUTPOST_TEST_PG_URL. A test takes a database of
// its own from FreshPgDatabase, so tests run in parallel and in any order
// without seeing each other's rows. A test that needs PostgreSQL and finds no
// cluster fails (with a message saying how to start one): CI never skips it.
//
// Run by hand: `ops/pg-cluster.sh start /tmp/my-pg` prints the admin URL;
// OUTPOST_TEST_PG_URL=<that URL> ./the_test_binary.
//
// Plain functions over libpq, one connection per call; thread-safe (the
// database name counter is atomic). Tests only, never linked into a program.
#pragma once

#include <string>

#include "sync/status.h"

namespace outpost::testing {

// OUTPOST_TEST_PG_URL, or "" when it is unset.
std::string TestPgAdminUrl();

// `url` (a postgresql:// URL or a "key=value" connection string) naming
// `database` instead of the one it names (or none).
std::string PgDatabaseUrl(const std::string& url, const std::string& database);

// `url` with any password replaced by "***": what a test's message may show.
std::string RedactedPgUrl(const std::string& url);

// Creates an empty database (TEMPLATE template0, the cluster's UTF8 and
// C.UTF-8 collation) named after `hint`, this process's id and a counter,
// lower-cased ("conformance_ingest_4242_3"), on the cluster at `admin_url`;
// returns its URL. A name some earlier run left on a long-lived cluster is
// skipped, never reused.
Result<std::string> FreshPgDatabaseOn(const std::string& admin_url, const std::string& hint);
// The same on the test run's cluster (TestPgAdminUrl()); fails, saying how to
// start one, when OUTPOST_TEST_PG_URL is unset.
Result<std::string> FreshPgDatabase(const std::string& hint);

// Runs `sql` (one or more statements, no parameters) on the database at `url`.
Status PgExecute(const std::string& url, const std::string& sql);
// The first column of the first row `sql` returns on the database at `url`
// ("" for NULL); NotFound when it returns no row.
Result<std::string> PgQueryValue(const std::string& url, const std::string& sql);

}  // namespace outpost::testing
