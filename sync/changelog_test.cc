#include "sync/changelog.h"

#include <gtest/gtest.h>

#include "schema/migrations.h"
#include "sync/testing.h"

namespace outpost {
namespace {

class ChangeLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = Db::Open(dir_.File("s.db"), {}).value();
    ASSERT_TRUE(db_->Migrate(schema::EdgeMigrations()).ok());
  }
  ChangeEntry Entry(const std::string& id) {
    ChangeEntry e;
    e.site_id = "S1";
    e.entity = "booking";
    e.entity_id = id;
    e.op = "insert";
    e.fields_json = R"({"status":"requested"})";
    e.staff = "SA";
    e.recorded_at = "2026-11-23T01:00:00.000Z";
    e.schema_version = 2;
    return e;
  }
  testing::TempDir dir_;
  std::unique_ptr<Db> db_;
};

TEST_F(ChangeLogTest, AppendsAGaplessChainWithMonotonicClocks) {
  for (int i = 0; i < 5; ++i) {
    // The wall clock stands still: the HLC still moves forward.
    ASSERT_TRUE(AppendChange(*db_, Entry("b" + std::to_string(i)), 1000).ok());
  }
  auto entries = ReadChanges(*db_, 1, 100).value();
  ASSERT_EQ(entries.size(), 5u);
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].seq, static_cast<int64_t>(i + 1));
    if (i > 0) {
      EXPECT_EQ(entries[i].prev_hash, entries[i - 1].hash);
      EXPECT_GT(entries[i].hlc, entries[i - 1].hlc);
    }
  }
  EXPECT_TRUE(VerifyChain(entries, std::nullopt).ok());
  // A tail verifies against the hash of the entry before it.
  std::vector<ChangeEntry> tail(entries.begin() + 2, entries.end());
  EXPECT_TRUE(VerifyChain(tail, entries[1].hash).ok());
  EXPECT_FALSE(VerifyChain(tail, entries[0].hash).ok());
}

TEST_F(ChangeLogTest, AnyAlterationIsNamedBySeq) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(AppendChange(*db_, Entry("b"), 1000 + i).ok());
  auto entries = ReadChanges(*db_, 1, 100).value();

  auto edited = entries;
  edited[2].fields_json = R"({"status":"cancelled"})";
  Status st = VerifyChain(edited, std::nullopt);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(st.message(), "change log of S1, seq 3: hash does not match its contents (altered)");

  auto dropped = entries;
  dropped.erase(dropped.begin() + 1);
  EXPECT_NE(VerifyChain(dropped, std::nullopt).message().find("expected seq 2"), std::string::npos);

  auto rehashed = entries;  // edited and re-hashed, but the next entry still links to the old
  rehashed[1].staff = "intruder";
  rehashed[1].hash = ChainHash(rehashed[1]);
  EXPECT_NE(VerifyChain(rehashed, std::nullopt).message().find("seq 3: does not link"),
            std::string::npos);
}

TEST_F(ChangeLogTest, TheTableRefusesUpdatesAndDeletes) {
  ASSERT_TRUE(AppendChange(*db_, Entry("b"), 1000).ok());
  EXPECT_FALSE(db_->Exec("UPDATE change_log SET staff = 'x'").ok());
  EXPECT_FALSE(db_->Exec("DELETE FROM change_log").ok());
}

}  // namespace
}  // namespace outpost
