// Where a hub test's hub lives (a SQLite file, or a fresh PostgreSQL database
// when OUTPOST_TEST_HUB_DB=postgresql: ctest's "pg." registrations), and the
// hub's database read or damaged by a test on either backend (counts and
// values both store alike; TamperHub). The SQLite file itself: tests/hub_file.h.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "tests/hub_file.h"
#include "tests/pg/pg_cluster.h"

namespace outpost::testing {

// Whether this run puts the hub tests' hubs on PostgreSQL: ctest's "pg."
// registration of a hub test binary sets OUTPOST_TEST_HUB_DB=postgresql (and
// OUTPOST_TEST_PG_URL, the cluster); otherwise the hub is a SQLite file.
inline bool HubOnPostgres() {
  const char* backend = std::getenv("OUTPOST_TEST_HUB_DB");
  return backend != nullptr && std::string(backend) == "postgresql";
}

// Where the test's hub named `file` (a path in the test's TempDir) lives: the
// file itself on SQLite; on PostgreSQL a fresh database of the test run's
// cluster, the same one for every call with the same path (paths are unique
// per test, TempDir being). A test that cannot get its database fails: a
// "pg." run never falls back to SQLite unseen.
inline std::string HubLocation(const std::string& file) {
  if (!HubOnPostgres()) return file;
  static std::map<std::string, std::string> databases;  // the test binary's one thread
  auto known = databases.find(file);
  if (known != databases.end()) return known->second;
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  auto url = FreshPgDatabase(std::filesystem::path(file).stem().string() + "_" +
                             (test != nullptr ? test->name() : "setup"));
  if (!url.ok()) {
    ADD_FAILURE() << url.status().ToString();
    return "postgresql:///no-test-cluster";
  }
  databases.emplace(file, url.value());
  return url.value();
}

// The first column of the first row `sql` returns on the hub at `location`
// (HubLocation: a SQLite file or a PostgreSQL URL), as text, "" for NULL or no
// row: a count or a value both backends store alike, so a check runs on both.
// Plain SQL both dialects read the same; read only.
inline std::string HubQueryValue(const std::string& location, const std::string& sql) {
  if (HubOnPostgres()) {
    auto value = PgQueryValue(location, sql);
    if (!value.ok() && value.status().code() != StatusCode::kNotFound) {
      ADD_FAILURE() << sql << ": " << value.status().ToString();
    }
    return value.ok() ? value.value() : "";
  }
  auto file = OpenHubFileReadOnly(location);
  auto st = file->Prepare(sql);
  if (!st.ok()) {
    ADD_FAILURE() << sql << ": " << st.status().ToString();
    return "";
  }
  auto row = st->Step();
  return row.ok() && row.value() && !st->IsNull(0) ? st->Text(0) : "";
}
// Rows in `table` of the hub at `location`.
inline int64_t HubRowCount(const std::string& location, const std::string& table) {
  const std::string count = HubQueryValue(location, "SELECT count(*) FROM " + table);
  return count.empty() ? -1 : std::stoll(count);
}

// Runs `sql` (statements both dialects read alike) on the hub at `location`
// behind the hub's back: a hub restored from an older copy, a row damaged.
inline Status TamperHub(const std::string& location, const std::string& sql) {
  if (HubOnPostgres()) return PgExecute(location, sql);
  return OpenHubFileToTamper(location)->Exec(sql);
}

}  // namespace outpost::testing
