// The libpq wrapper (hub/storage/postgres/pg.h) against a real server: each
// test takes a fresh database of the test run's cluster (tests/pg/pg_cluster.h).
#include "hub/storage/postgres/pg.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/pg/pg_cluster.h"

namespace outpost::hub::storage::postgres {
namespace {

std::unique_ptr<PgConnection> Fresh(const std::string& hint, std::string* url_out = nullptr) {
  Result<std::string> url = testing::FreshPgDatabase(hint);
  EXPECT_TRUE(url.ok()) << url.status().ToString();
  if (!url.ok()) return nullptr;
  if (url_out) *url_out = *url;
  auto db = PgConnection::Connect(*url);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

TEST(PgTest, PlaceholdersOutsideQuotedText) {
  auto db = Fresh("pg_placeholders");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (\"q?\" TEXT, n BIGINT)").ok());
  auto put = db->Prepare("INSERT INTO t (\"q?\", n) VALUES ('it''s ?' || ?, ?)");
  ASSERT_TRUE(put.ok());
  put->Bind(1, "x").Bind(2, int64_t{1} << 40);
  ASSERT_TRUE(put->Run().ok());
  auto get = db->Prepare("SELECT \"q?\", n + 1, n > ? FROM t");
  ASSERT_TRUE(get.ok());
  get->Bind(1, int64_t{0});
  auto row = get->Step();
  ASSERT_TRUE(row.ok() && *row) << row.status().ToString();
  EXPECT_EQ(get->Text(0), "it's ?x");
  EXPECT_EQ(get->Int(1), (int64_t{1} << 40) + 1);  // bigint arithmetic
  EXPECT_EQ(get->Int(2), 1);                       // a boolean reads as 1
}

TEST(PgTest, ByteaRoundTripsEveryByte) {
  auto db = Fresh("pg_bytea");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE b (id BIGINT, v BYTEA)").ok());
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  auto put = db->Prepare("INSERT INTO b VALUES (?, ?), (?, NULL)");
  ASSERT_TRUE(put.ok());
  put->Bind(1, int64_t{1}).BindBlob(2, bytes.data(), bytes.size()).Bind(3, int64_t{2});
  ASSERT_TRUE(put->Run().ok());
  auto get = db->Prepare("SELECT v, octet_length(v) FROM b ORDER BY id");
  ASSERT_TRUE(get.ok());
  ASSERT_TRUE(*get->Step());
  EXPECT_EQ(get->Blob(0), bytes);
  EXPECT_EQ(get->Int(1), 256);
  ASSERT_TRUE(*get->Step());
  EXPECT_TRUE(get->IsNull(0));
  EXPECT_EQ(get->Blob(0), "");
  EXPECT_EQ(get->OptionalText(0), std::nullopt);
  EXPECT_FALSE(*get->Step());
}

// A batch's rows go in by COPY (PgCopyRows): whatever a store typed must come
// back byte for byte, and a row breaking a key must refuse the whole copy.
TEST(PgTest, CopyInRoundTripsEveryValueAndRefusesAsAnInsertWould) {
  auto db = Fresh("pg_copy_in");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE c (id BIGINT PRIMARY KEY, t TEXT, b BYTEA)").ok());
  const std::string awkward = "tab\there, line\nbreak, cr\r, back\\slash \\N 周一 \"q\" {a,b}";
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  PgCopyRows rows;
  rows.Add(int64_t{1}).Add(awkward).AddBytes(bytes.data(), bytes.size()).EndRow();
  rows.Add(int64_t{-2}).Add(std::optional<std::string>()).AddNull().EndRow();
  rows.Add(int64_t{3}).Add("").AddBytes(bytes.data(), 0).EndRow();
  EXPECT_EQ(rows.rows(), 3u);
  ASSERT_TRUE(db->CopyIn("c (id, t, b)", rows).ok());
  auto get = db->Prepare("SELECT id, t, b FROM c ORDER BY id");
  ASSERT_TRUE(get.ok());
  ASSERT_TRUE(*get->Step());
  EXPECT_EQ(get->Int(0), -2);
  EXPECT_TRUE(get->IsNull(1));
  EXPECT_TRUE(get->IsNull(2));
  ASSERT_TRUE(*get->Step());
  EXPECT_EQ(get->Text(1), awkward);
  EXPECT_EQ(get->Blob(2), bytes);
  ASSERT_TRUE(*get->Step());
  EXPECT_FALSE(get->IsNull(1));  // an empty text is not NULL
  EXPECT_EQ(get->Text(1), "");
  EXPECT_EQ(get->Blob(2), "");

  // A key held already: Conflict naming the key, and not one of the rows kept.
  PgCopyRows again;
  again.Add(int64_t{4}).Add("new").AddNull().EndRow();
  again.Add(int64_t{1}).Add("twice").AddNull().EndRow();
  Status refused = db->CopyIn("c (id, t, b)", again);
  EXPECT_EQ(refused.code(), StatusCode::kConflict) << refused.ToString();
  EXPECT_NE(refused.message().find("c_pkey"), std::string::npos) << refused.ToString();
  // A NUL cannot travel in text: refused before anything is sent.
  PgCopyRows nul;
  nul.Add(int64_t{5}).Add(std::string("a\0b", 3)).AddNull().EndRow();
  EXPECT_TRUE(nul.holds_nul());
  Status no_nul = db->CopyIn("c (id, t, b)", nul);
  EXPECT_FALSE(no_nul.ok());
  EXPECT_NE(no_nul.message().find("NUL"), std::string::npos) << no_nul.ToString();
  // The connection serves the next statement: four rows were never there.
  auto count = db->Prepare("SELECT count(*) FROM c");
  ASSERT_TRUE(count.ok() && *count->Step());
  EXPECT_EQ(count->Int(0), 3);
}

TEST(PgTest, ResetKeepsTheBindings) {
  auto db = Fresh("pg_reset");
  ASSERT_TRUE(db);
  auto st = db->Prepare("SELECT ? + ?, ?");
  ASSERT_TRUE(st.ok());
  st->Bind(1, int64_t{1}).Bind(2, int64_t{2}).Bind(3, std::optional<std::string>());
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(st->Int(0), 3);
  EXPECT_TRUE(st->IsNull(2));
  st->Reset();
  st->Bind(2, int64_t{5});
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(st->Int(0), 6);
}

TEST(PgTest, RowsChangedCountsTheRowsWritten) {
  auto db = Fresh("pg_rows_changed");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (n BIGINT)").ok());
  auto put = db->Prepare("INSERT INTO t SELECT generate_series(1, ?)");
  ASSERT_TRUE(put.ok());
  put->Bind(1, int64_t{5});
  ASSERT_TRUE(put->Run().ok());
  EXPECT_EQ(put->RowsChanged(), 5);
  auto update = db->Prepare("UPDATE t SET n = n + 1 WHERE n > ?");
  ASSERT_TRUE(update.ok());
  update->Bind(1, int64_t{2});
  ASSERT_TRUE(update->Run().ok());
  EXPECT_EQ(update->RowsChanged(), 3);
  auto select = db->Prepare("SELECT n FROM t");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(select->Run().ok());
  EXPECT_EQ(select->RowsChanged(), 0);  // a read writes nothing
}

TEST(PgTest, ForEachRowPagesThroughACursor) {
  auto db = Fresh("pg_for_each_row");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE t AS SELECT generate_series(1, 10)::bigint AS n").ok());
  auto tx = PgTransaction::BeginRead(*db);
  ASSERT_TRUE(tx.ok());
  std::vector<int64_t> seen;
  Status st = db->ForEachRow(
      "SELECT n FROM t WHERE n >= ? ORDER BY n", [](PgStatement& s) { s.Bind(1, int64_t{2}); },
      [&](const PgRow& row) {
        seen.push_back(row.Int(0));
        return Status::Ok();
      },
      3);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(seen, (std::vector<int64_t>{2, 3, 4, 5, 6, 7, 8, 9, 10}));
  // A visit's error stops the walk and is returned; the transaction goes on.
  int visited = 0;
  st = db->ForEachRow(
      "SELECT n FROM t ORDER BY n", nullptr,
      [&](const PgRow&) { return ++visited == 4 ? Status::Refused("enough") : Status::Ok(); }, 3);
  EXPECT_EQ(st.code(), StatusCode::kRefused);
  EXPECT_EQ(visited, 4);
  auto again = db->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(again.ok());
  auto row = again->Step();
  ASSERT_TRUE(row.ok() && *row) << row.status().ToString();
  EXPECT_EQ(again->Int(0), 10);
  tx->reset();
  // Outside a transaction the walk has one of its own, and ends it.
  seen.clear();
  st = db->ForEachRow(
      "SELECT n FROM t ORDER BY n DESC LIMIT 2", nullptr,
      [&](const PgRow& row) {
        seen.push_back(row.Int(0));
        return Status::Ok();
      },
      0);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(seen, (std::vector<int64_t>{10, 9}));
  EXPECT_TRUE(PgTransaction::Begin(*db).ok());  // none is left open
}

TEST(PgTest, ErrorsAreClassifiedForTheCaller) {
  auto db = Fresh("pg_errors");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT CHECK (n > 0))").ok());
  ASSERT_TRUE(db->Exec("INSERT INTO t VALUES ('a', 1)").ok());
  EXPECT_EQ(db->Exec("INSERT INTO t VALUES ('a', 2)").code(), StatusCode::kConflict);
  EXPECT_EQ(db->Exec("INSERT INTO t VALUES ('b', 0)").code(), StatusCode::kConflict);
  EXPECT_EQ(db->Exec("SELECT no_such_column FROM t").code(), StatusCode::kIoError);
  // A failed statement aborts the transaction: its COMMIT keeps nothing and says so.
  auto tx = PgTransaction::Begin(*db);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(db->Exec("INSERT INTO t VALUES ('c', 3)").ok());
  EXPECT_FALSE(db->Exec("INSERT INTO t VALUES ('a', 3)").ok());
  EXPECT_FALSE((*tx)->Commit().ok());
  // One transaction at a time on a connection, as SQLite has it.
  auto outer = PgTransaction::BeginRead(*db);
  ASSERT_TRUE(outer.ok());
  EXPECT_FALSE(PgTransaction::Begin(*db).ok());
  outer->reset();
  auto count = db->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok() && *count->Step());
  EXPECT_EQ(count->Int(0), 1);
  // A server that takes no writes (a standby answers so) is named as one,
  // with what it said; an IoError, so a daemon waits for it to be promoted.
  ASSERT_TRUE(db->Exec("SET default_transaction_read_only = on").ok());
  const Status refused = db->Exec("INSERT INTO t VALUES ('d', 4)");
  EXPECT_EQ(refused.code(), StatusCode::kIoError);
  EXPECT_NE(refused.message().find("takes no writes: it is a standby (read-only); run this on its"
                                   " primary"),
            std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("cannot execute INSERT in a read-only transaction"),
            std::string::npos)
      << refused.message();
}

TEST(PgTest, RunAtomicallyUndoesOnlyTheFailedStatement) {
  auto db = Fresh("pg_run_atomically");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (k TEXT PRIMARY KEY)").ok());
  auto tx = PgTransaction::Begin(*db);
  ASSERT_TRUE(tx.ok());
  auto put = db->Prepare("INSERT INTO t VALUES (?)");
  ASSERT_TRUE(put.ok());
  put->Bind(1, "a");
  ASSERT_TRUE(put->RunAtomically().ok());
  put->Reset();
  EXPECT_EQ(put->RunAtomically().code(), StatusCode::kConflict);
  put->Reset();
  put->Bind(1, "b");
  ASSERT_TRUE(put->RunAtomically().ok());  // the transaction went on
  ASSERT_TRUE((*tx)->Commit().ok());
  auto count = db->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok() && *count->Step());
  EXPECT_EQ(count->Int(0), 2);
}

TEST(PgTest, APreparedStatementIsPreparedAfreshWhenItsTableChanged) {
  auto db = Fresh("pg_prepared");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (a BIGINT); INSERT INTO t VALUES (1)").ok());
  auto columns = [&]() -> Result<int> {
    ASSIGN_OR_RETURN(PgStatement st, db->Prepare("SELECT * FROM t WHERE a = ?"));
    st.Bind(1, int64_t{1});
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no row");
    return st.Text(1) == "b" ? 2 : 1;  // column 1 is there once the table has it
  };
  ASSERT_EQ(*columns(), 1);
  ASSERT_EQ(*columns(), 1);  // the second run reuses the server's prepared statement
  ASSERT_TRUE(db->Exec("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'b'").ok());
  // The server may refuse the old plan once ("cached plan must not change
  // result type"); the statement is then prepared afresh.
  Result<int> after = columns();
  if (!after.ok()) after = columns();
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(*after, 2);
}

TEST(PgTest, AWriteTransactionWaitsForAnother) {
  std::string url;
  auto first = Fresh("pg_writer_lock", &url);
  ASSERT_TRUE(first);
  auto second = PgConnection::Connect(url);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(first->Exec("CREATE TABLE t (n BIGINT)").ok());
  auto tx = PgTransaction::Begin(*first);
  ASSERT_TRUE(tx.ok());
  std::atomic<bool> committed{false};
  std::atomic<bool> began_after_commit{false};
  int64_t seen = -1;
  std::thread other([&] {
    auto tx2 = PgTransaction::Begin(**second);
    if (!tx2.ok()) return;
    began_after_commit = committed.load();
    auto count = (*second)->Prepare("SELECT count(*) FROM t");
    if (count.ok() && count->Step().ok()) seen = count->Int(0);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(first->Exec("INSERT INTO t VALUES (1)").ok());
  committed = true;
  ASSERT_TRUE((*tx)->Commit().ok());
  other.join();
  EXPECT_TRUE(began_after_commit);
  EXPECT_EQ(seen, 1);  // it sees what the writer before it committed
}

TEST(PgTest, MigrateAppliesTheHubSchemaOnce) {
  auto db = Fresh("pg_migrate");
  ASSERT_TRUE(db);
  EXPECT_EQ(*db->SchemaVersion(), 0);
  ASSERT_TRUE(db->Migrate(schema::HubPgMigrations()).ok());
  const int newest = schema::HubPgMigrations().back().version;
  EXPECT_EQ(*db->SchemaVersion(), newest);
  ASSERT_TRUE(db->Migrate(schema::HubPgMigrations()).ok());
  EXPECT_EQ(*db->SchemaVersion(), newest);
  auto rows = db->Prepare("SELECT count(*) FROM schema_version");
  ASSERT_TRUE(rows.ok() && *rows->Step());
  EXPECT_EQ(rows->Int(0), 1);
  // A program that knows fewer migrations refuses the newer database.
  EXPECT_EQ(db->Migrate({}).code(), StatusCode::kRefused);
}

// Resolution's watermark counts one for every customer or vehicle row
// written, however many rows a statement writes and whichever way ingest
// writes them (COPY, INSERT ... ON CONFLICT DO UPDATE, DELETE): hub_pg 0003
// counts per statement what 0001 counted per row.
TEST(PgTest, TheIdentityInputClockCountsEveryCustomerAndVehicleRowOnce) {
  auto db = Fresh("pg_identity_clock");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Migrate(schema::HubPgMigrations()).ok());
  auto writes = [&]() -> int64_t {
    auto st = db->Prepare("SELECT writes FROM identity_input_clock");
    return st.ok() && *st->Step() ? st->Int(0) : -1;
  };
  const int64_t before = writes();
  PgCopyRows rows;
  for (const char* id : {"C-1", "C-2", "C-3"}) {
    rows.Add("customer").Add(id).Add("S1").Add("{}").Add("{}").Add(int64_t{1}).EndRow();
  }
  rows.Add("booking").Add("B-1").Add("S1").Add("{}").Add("{}").Add(int64_t{1}).EndRow();
  ASSERT_TRUE(
      db->CopyIn("entities (entity, entity_id, owner_site, fields, field_hlcs, last_hlc)", rows)
          .ok());
  EXPECT_EQ(writes(), before + 3);  // the booking is no identity input
  ASSERT_TRUE(
      db->Exec("INSERT INTO entities (entity, entity_id, owner_site, fields, field_hlcs,"
               " last_hlc) VALUES ('customer', 'C-1', 'S1', '{}', '{}', 2),"
               " ('customer', 'C-2', 'S1', '{}', '{}', 2),"
               " ('vehicle', 'V-1', 'S1', '{}', '{}', 2),"
               " ('booking', 'B-1', 'S1', '{}', '{}', 2)"
               " ON CONFLICT (entity, entity_id) DO UPDATE SET last_hlc = excluded.last_hlc")
          .ok());
  EXPECT_EQ(writes(), before + 6);  // two updated, one inserted
  ASSERT_TRUE(db->Exec("UPDATE entities SET base_hlc = 1 WHERE entity = 'booking'").ok());
  EXPECT_EQ(writes(), before + 6);
  ASSERT_TRUE(db->Exec("DELETE FROM entities WHERE entity_id IN ('C-3', 'B-1')").ok());
  EXPECT_EQ(writes(), before + 7);
}

TEST(PgTest, UrlsNeverShowThePassword) {
  EXPECT_TRUE(IsPostgresUrl("postgresql:///hub"));
  EXPECT_TRUE(IsPostgresUrl("postgres://h/hub"));
  EXPECT_FALSE(IsPostgresUrl("/var/lib/outpost/hub.db"));
  EXPECT_EQ(RedactedUrl("postgresql://hub:s3cret@db.example/hub"),
            "postgresql://hub:***@db.example/hub");
  EXPECT_EQ(RedactedUrl("postgresql:///hub?host=/run&password=s3cret&user=hub"),
            "postgresql:///hub?host=/run&password=***&user=hub");
  auto db = PgConnection::Connect("postgresql://hub:s3cret@/nowhere?host=/nonexistent/socket");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kIoError);
  EXPECT_EQ(db.status().message().find("s3cret"), std::string::npos) << db.status().message();
}

}  // namespace
}  // namespace outpost::hub::storage::postgres
