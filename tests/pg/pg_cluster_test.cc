// The test run's PostgreSQL cluster and the fresh databases tests take on it
// (tests/pg/pg_cluster.h): run under the pg_cluster fixture, as every test
// that needs PostgreSQL is.
#include "tests/pg/pg_cluster.h"

#include <gtest/gtest.h>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): setenv, unsetenv

#include <optional>
#include <string>

namespace outpost::testing {
namespace {

TEST(PgClusterTest, TheRunHasACluster) {
  ASSERT_FALSE(TestPgAdminUrl().empty())
      << "OUTPOST_TEST_PG_URL is not set: ctest's pg_cluster fixture sets it";
  auto version = PgQueryValue(TestPgAdminUrl(), "SHOW server_version_num");
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_GE(std::stoi(*version), 150000);
  auto collation = PgQueryValue(TestPgAdminUrl(), "SHOW lc_collate");
  ASSERT_TRUE(collation.ok()) << collation.status().ToString();
  EXPECT_EQ(*collation, "C.UTF-8");
}

TEST(PgClusterTest, TwoFreshDatabasesAreEmptyAndApart) {
  auto first = FreshPgDatabase("PgCluster Test");
  auto second = FreshPgDatabase("PgCluster Test");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_NE(*first, *second);

  auto first_name = PgQueryValue(*first, "SELECT current_database()");
  auto second_name = PgQueryValue(*second, "SELECT current_database()");
  ASSERT_TRUE(first_name.ok()) << first_name.status().ToString();
  ASSERT_TRUE(second_name.ok()) << second_name.status().ToString();
  EXPECT_NE(*first_name, *second_name);
  EXPECT_TRUE(first_name->starts_with("pgcluster_test_")) << *first_name;

  const std::string tables =
      "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
      "'information_schema')";
  EXPECT_EQ(PgQueryValue(*first, tables).value(), "0");
  EXPECT_EQ(PgQueryValue(*second, tables).value(), "0");
  EXPECT_EQ(PgQueryValue(*first, "SHOW server_encoding").value(), "UTF8");

  // A table made in one is not in the other.
  ASSERT_TRUE(PgExecute(*first, "CREATE TABLE t (x BIGINT); INSERT INTO t VALUES (1)").ok());
  EXPECT_EQ(PgQueryValue(*first, tables).value(), "1");
  EXPECT_EQ(PgQueryValue(*second, tables).value(), "0");
}

TEST(PgClusterTest, ABadAdminUrlFailsNamingIt) {
  auto made = FreshPgDatabaseOn("postgresql:///postgres?host=/nonexistent-outpost-pg&user=postgres",
                                "bad url");
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), StatusCode::kIoError);
  EXPECT_NE(made.status().message().find("/nonexistent-outpost-pg"), std::string::npos)
      << made.status().message();

  // The password never shows.
  auto with_password = FreshPgDatabaseOn(
      "postgresql://hub:s3cret@/postgres?host=/nonexistent-outpost-pg", "bad url");
  ASSERT_FALSE(with_password.ok());
  EXPECT_EQ(with_password.status().message().find("s3cret"), std::string::npos)
      << with_password.status().message();
  EXPECT_NE(with_password.status().message().find("hub:***@"), std::string::npos)
      << with_password.status().message();
}

TEST(PgClusterTest, NoClusterFailsSayingHowToStartOne) {
  std::optional<std::string> saved;
  if (const char* url = getenv("OUTPOST_TEST_PG_URL")) saved = url;
  unsetenv("OUTPOST_TEST_PG_URL");
  auto made = FreshPgDatabase("no cluster");
  if (saved) setenv("OUTPOST_TEST_PG_URL", saved->c_str(), 1);
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.status().message().find("ops/pg-cluster.sh start"), std::string::npos)
      << made.status().message();
}

TEST(PgClusterTest, DatabaseUrlsNameTheDatabase) {
  EXPECT_EQ(PgDatabaseUrl("postgresql:///postgres?host=/tmp/x&port=5432&user=postgres", "d1"),
            "postgresql:///d1?host=/tmp/x&port=5432&user=postgres");
  EXPECT_EQ(PgDatabaseUrl("postgresql://hub@db.example:5433/hub", "d1"),
            "postgresql://hub@db.example:5433/d1");
  EXPECT_EQ(PgDatabaseUrl("postgres://db.example", "d1"), "postgres://db.example/d1");
  EXPECT_EQ(PgDatabaseUrl("postgresql://?host=/tmp/x", "d1"), "postgresql:///d1?host=/tmp/x");
  EXPECT_EQ(PgDatabaseUrl("host=/tmp/x user=postgres", "d1"),
            "host=/tmp/x user=postgres dbname=d1");
  EXPECT_EQ(RedactedPgUrl("postgresql://hub:pw@db/hub?sslmode=require"),
            "postgresql://hub:***@db/hub?sslmode=require");
  EXPECT_EQ(RedactedPgUrl("postgresql:///hub?host=/x&password=pw&user=hub"),
            "postgresql:///hub?host=/x&password=***&user=hub");
  EXPECT_EQ(RedactedPgUrl("host=/x password=pw user=hub"), "host=/x password=*** user=hub");
}

}  // namespace
}  // namespace outpost::testing
