#include "sync/sqlite.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "sync/testing.h"

namespace outpost {
namespace {

constexpr schema::SqlMigration kV1[] = {{1, "t", "CREATE TABLE t (x INTEGER NOT NULL);"}};
constexpr schema::SqlMigration kV2[] = {{1, "t", "CREATE TABLE t (x INTEGER NOT NULL);"},
                                        {2, "u", "CREATE TABLE u (y TEXT);"}};

TEST(SqliteTest, MigratesForwardAndRefusesAFileNewerThanTheProgram) {
  testing::TempDir dir;
  {
    auto db = Db::Open(dir.File("a.db"), {}).value();
    ASSERT_TRUE(db->Migrate(kV2).ok());
    EXPECT_EQ(db->SchemaVersion().value(), 2);
  }
  auto db = Db::Open(dir.File("a.db"), {}).value();
  Status st = db->Migrate(kV1);
  EXPECT_EQ(st.code(), StatusCode::kRefused);
  EXPECT_NE(st.message().find("newer"), std::string::npos);
}

TEST(SqliteTest, ANewDatabaseAndItsWalAndShmAreOwnerOnlyUnderUmask022) {
  testing::TempDir dir;
  testing::ScopedUmask umask_022(022);
  const std::string path = dir.File("store.db");
  auto db = Db::Open(path, {}).value();
  ASSERT_TRUE(db->Migrate(kV1).ok());
  ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());  // the WAL holds it while open
  EXPECT_EQ(testing::FileMode(path), 0600);
  EXPECT_EQ(testing::FileMode(path + "-wal"), 0600);
  EXPECT_EQ(testing::FileMode(path + "-shm"), 0600);
}

TEST(SqliteTest, AnExistingDatabaseKeepsItsMode) {
  testing::TempDir dir;
  const std::string path = dir.File("shared.db");
  { auto db = Db::Open(path, {}).value(); }
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  auto db = Db::Open(path, {}).value();
  EXPECT_EQ(testing::FileMode(path), 0640);  // the operator's choice stands
}

TEST(SqliteTest, UncommittedTransactionRollsBack) {
  testing::TempDir dir;
  auto db = Db::Open(dir.File("a.db"), {}).value();
  ASSERT_TRUE(db->Migrate(kV1).ok());
  {
    auto tx = Transaction::Begin(*db).value();
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());
  }
  auto st = db->Prepare("SELECT count(*) FROM t").value();
  ASSERT_TRUE(st.Step().value());
  EXPECT_EQ(st.Int(0), 0);
}

TEST(SqliteTest, DurabilitySettingsAreOn) {
  testing::TempDir dir;
  auto db = Db::Open(dir.File("a.db"), {}).value();
  auto mode = db->Prepare("PRAGMA journal_mode").value();
  ASSERT_TRUE(mode.Step().value());
  EXPECT_EQ(mode.Text(0), "wal");
  auto sync = db->Prepare("PRAGMA synchronous").value();
  ASSERT_TRUE(sync.Step().value());
  EXPECT_EQ(sync.Int(0), 2);  // FULL
  auto fk = db->Prepare("PRAGMA foreign_keys").value();
  ASSERT_TRUE(fk.Step().value());
  EXPECT_EQ(fk.Int(0), 1);
}

TEST(SqliteTest, AFileThatIsNotADatabaseIsCorruption) {
  testing::TempDir dir;
  std::ofstream(dir.File("junk.db")) << "this is not an SQLite file, just some text padding it out";
  auto db = Db::Open(dir.File("junk.db"), {});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kCorruption);
}

TEST(SqliteTest, ConstraintViolationIsConflict) {
  testing::TempDir dir;
  auto db = Db::Open(dir.File("a.db"), {}).value();
  ASSERT_TRUE(db->Migrate(kV1).ok());
  auto st = db->Prepare("INSERT INTO t VALUES (NULL)").value();
  EXPECT_EQ(st.Run().code(), StatusCode::kConflict);
}

}  // namespace
}  // namespace outpost
