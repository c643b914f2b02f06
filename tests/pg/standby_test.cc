// A primary and a synchronous standby made by ops/pg-cluster.sh, as
// docs/POSTGRES.md describes them: a commit on the primary reaches the
// standby, the standby refuses writes until it is promoted, and its lag is
// reported. Each test makes (and discards) clusters of its own, in folders
// named after its process id; it needs no fixture.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>

#include "tests/pg/pg_cluster.h"

namespace outpost::testing {
namespace {

struct ScriptRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

ScriptRun RunScript(const std::string& arguments) {
  std::string command = std::string(OUTPOST_PG_CLUSTER_SCRIPT) + " " + arguments + " 2>&1";
  ScriptRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) run.out.append(buffer, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  while (!run.out.empty() && run.out.back() == '\n') run.out.pop_back();
  return run;
}

class PgStandbyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base = "/tmp/outpost-pg-standby-" + std::to_string(getpid());
    primary_dir_ = base + "-primary";
    standby_dir_ = base + "-standby";
    ScriptRun primary = RunScript("fresh " + primary_dir_);
    ASSERT_EQ(primary.exit_code, 0) << primary.out;
    primary_url_ = primary.out;
  }
  void TearDown() override {
    // The standby first: a primary whose synchronous standby is gone stops
    // only because it is stopped immediately, committing nothing more.
    EXPECT_EQ(RunScript("discard " + standby_dir_).exit_code, 0);
    EXPECT_EQ(RunScript("discard " + primary_dir_).exit_code, 0);
  }

  // Waits (up to ten seconds) until `sql` returns `want` on `url`.
  static bool Eventually(const std::string& url, const std::string& sql, const std::string& want) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      auto value = PgQueryValue(url, sql);
      if (value.ok() && *value == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::string primary_dir_;
  std::string standby_dir_;
  std::string primary_url_;
};

TEST_F(PgStandbyTest, ASynchronousStandbyHoldsEveryCommitAndCanBePromoted) {
  ScriptRun standby = RunScript("standby " + primary_dir_ + " " + standby_dir_ + " --sync");
  ASSERT_EQ(standby.exit_code, 0) << standby.out;
  std::string standby_url = standby.out;
  ASSERT_NE(standby_url, primary_url_);

  // The primary waits for this standby: it is the synchronous one.
  EXPECT_EQ(
      PgQueryValue(primary_url_, "SELECT string_agg(sync_state, ',') FROM pg_stat_replication")
          .value(),
      "sync");
  EXPECT_EQ(PgQueryValue(standby_url, "SELECT pg_is_in_recovery()").value(), "t");

  // A commit acknowledged with synchronous_commit = on is flushed on the
  // standby and shows there as soon as it is replayed.
  ASSERT_TRUE(
      PgExecute(primary_url_, "CREATE TABLE visits (id BIGINT PRIMARY KEY, who TEXT NOT NULL)")
          .ok());
  ASSERT_TRUE(PgExecute(primary_url_, "INSERT INTO visits VALUES (1, 'Li Wei')").ok());
  EXPECT_TRUE(Eventually(standby_url, "SELECT who FROM visits WHERE id = 1", "Li Wei"));
  // With remote_apply the acknowledgement waits for the replay itself.
  ASSERT_TRUE(PgExecute(primary_url_,
                        "SET synchronous_commit = remote_apply; "
                        "INSERT INTO visits VALUES (2, 'Wang Fang')")
                  .ok());
  EXPECT_EQ(PgQueryValue(standby_url, "SELECT count(*) FROM visits").value(), "2");

  // A standby is read-only.
  Status refused = PgExecute(standby_url, "INSERT INTO visits VALUES (3, 'Zhang Min')");
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("read-only"), std::string::npos) << refused.message();

  ScriptRun lag = RunScript("lag " + standby_dir_);
  ASSERT_EQ(lag.exit_code, 0) << lag.out;
  EXPECT_TRUE(std::regex_match(lag.out,
                               std::regex(R"(replay_lag_seconds=[0-9.]+ replay_lag_bytes=[0-9]+)")))
      << lag.out;

  ScriptRun promoted = RunScript("promote " + standby_dir_);
  ASSERT_EQ(promoted.exit_code, 0) << promoted.out;
  EXPECT_EQ(promoted.out, standby_url);
  EXPECT_EQ(PgQueryValue(standby_url, "SELECT pg_is_in_recovery()").value(), "f");
  ASSERT_TRUE(PgExecute(standby_url, "INSERT INTO visits VALUES (3, 'Zhang Min')").ok());
  EXPECT_EQ(PgQueryValue(standby_url, "SELECT count(*) FROM visits").value(), "3");

  // A promoted server is no standby: lag and a second promote say so.
  ScriptRun no_lag = RunScript("lag " + standby_dir_);
  EXPECT_NE(no_lag.exit_code, 0);
  EXPECT_NE(no_lag.out.find("is not a standby"), std::string::npos) << no_lag.out;
}

TEST_F(PgStandbyTest, AnAsynchronousStandbyCatchesUp) {
  ScriptRun standby = RunScript("standby " + primary_dir_ + " " + standby_dir_);
  ASSERT_EQ(standby.exit_code, 0) << standby.out;
  EXPECT_EQ(
      PgQueryValue(primary_url_, "SELECT string_agg(sync_state, ',') FROM pg_stat_replication")
          .value(),
      "async");
  ASSERT_TRUE(PgExecute(primary_url_, "CREATE TABLE t (x BIGINT); INSERT INTO t VALUES (7)").ok());
  EXPECT_TRUE(Eventually(standby.out, "SELECT coalesce(sum(x), 0) FROM t", "7"));

  // Asked again, the script finds the standby running and names it.
  ScriptRun again = RunScript("standby " + primary_dir_ + " " + standby_dir_);
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(again.out, standby.out);
}

TEST_F(PgStandbyTest, NoStandbyOfAPrimaryThatIsNotRunning) {
  ScriptRun standby = RunScript("standby " + primary_dir_ + "-absent " + standby_dir_);
  EXPECT_NE(standby.exit_code, 0);
  EXPECT_NE(standby.out.find("no running primary"), std::string::npos) << standby.out;
}

}  // namespace
}  // namespace outpost::testing
