// Verify, tamper evidence, signed hub heads, repair, rebuild and point-in-time
// replay, with the real programs: a hub serving on 127.0.0.1, a store's desk
// and sync process, and `outpost` run as an operator would.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "edge/replay.h"
#include "sync/changelog.h"
#include "sync/keys.h"
#include "sync/sqlite.h"
#include "tests/desk_harness.h"
#include "tests/store_file.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

class RecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    endpoint_ = FreeTcpEndpoint();
    ASSERT_TRUE(WriteKeyFiles(SecretKeys::Generate("HUB"), dir_.path(), false).ok());
    ASSERT_TRUE(WriteKeyFiles(SecretKeys::Generate("S1"), dir_.path(), false).ok());
    ASSERT_EQ(Init(desk_).exit_code, 0);
    ASSERT_EQ(Hub({"init"}).exit_code, 0);
    ASSERT_EQ(Hub({"allow", dir_.File("S1.pub")}).exit_code, 0);
    hub_ = StartHub();
    // "Tomorrow" as the store reckons it, in its own zone, on the test's clock.
    tomorrow_ = desk_.Json({"board", "--date", "tomorrow"}).value("date", "");
    ASSERT_FALSE(tomorrow_.empty());
  }
  ProcessResult Init(const DeskHarness& desk) {
    return desk.Desk({"init", "--store-id", "S1", "--name", "One", "--capacity", "2"});
  }
  ProcessResult Hub(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {OUTPOST_HUB_BIN, "--db", dir_.File("hub.db"), "--key",
                                     dir_.File("HUB.key")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(argv, clock_.Env());
  }
  // The hub on the test's clock, or standing still at `pinned_now`.
  std::unique_ptr<Process> StartHub(const std::string& pinned_now = "") {
    return std::make_unique<Process>(
        std::vector<std::string>{OUTPOST_HUB_BIN, "--db", dir_.File("hub.db"), "--key",
                                 dir_.File("HUB.key"), "serve", "--bind", endpoint_},
        pinned_now.empty() ? clock_.Env() : std::vector<std::string>{"OUTPOST_NOW=" + pinned_now});
  }
  void StopHub() {
    hub_->Kill(SIGTERM);
    hub_->Wait();
  }
  ProcessResult Tool(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {OUTPOST_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(argv, clock_.Env());
  }
  // Sync rounds until the store has nothing waiting (the hub answered each).
  void Sync(const DeskHarness& desk) {
    for (int round = 0; round < 50; ++round) {
      ProcessResult r = desk.Desk({"sync", "--once", "--hub", endpoint_, "--hub-key",
                                   dir_.File("HUB.pub"), "--key", dir_.File("S1.key")});
      json s = desk.Json({"status"});
      if (r.exit_code == 0 && s["waiting"] == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "sync did not drain";
  }
  ProcessResult VerifyStore(const DeskHarness& desk, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"verify",
                                     "--db",
                                     desk.db(),
                                     "--hub",
                                     endpoint_,
                                     "--keys",
                                     dir_.File("S1.key"),
                                     "--hub-key",
                                     dir_.File("HUB.pub")};
    args.insert(args.end(), extra.begin(), extra.end());
    return Tool(args);
  }
  ProcessResult VerifyHub() {
    return Tool({"verify", "--db", dir_.File("hub.db"), "--hub-secret", dir_.File("HUB.key")});
  }
  std::string Book(const std::string& phone, const std::string& name, const std::string& slot,
                   const std::string& date = "tomorrow") {
    json b = desk_.Json({"book", "--phone", phone, "--name", name, "--date", date, "--slot", slot,
                         "--plate", "沪A" + phone.substr(phone.size() - 5)});
    EXPECT_FALSE(b.contains("error")) << b.dump();
    return b.value("ref", "");
  }
  // A day's real work: bookings, a customer update, check-in, cancel,
  // reschedule, and a call-centre booking into a full slot (a conflict case).
  void DayOfWork() {
    const std::string a = Book("13900001001", "Wang", "10:00", "today");
    Book("13900001002", "Li", "11:00");
    const std::string c = Book("13900001003", "Zhao", "11:00");
    const std::string d = Book("13900001004", "Sun", "14:00");
    ASSERT_EQ(
        desk_.Desk({"customer", "update", "13900001002", "--add-phone", "13900002002", "--dnd"})
            .exit_code,
        0);
    ProcessResult in = desk_.Desk({"check-in", a});
    ASSERT_EQ(in.exit_code, 0) << in.err;
    ASSERT_EQ(desk_.Desk({"cancel", c, "--reason", "customer called"}).exit_code, 0);
    ASSERT_EQ(desk_.Desk({"reschedule", d, "--date", "tomorrow", "--slot", "15:00"}).exit_code, 0);
    Book("13900001005", "Qian", "11:00");
    // The call centre promises the full 11:00 slot to two more customers.
    ProcessResult cc = Hub({"book", "--store", "S1", "--phone", "13900001006", "--name", "Zhou",
                            "--date", tomorrow_, "--slot", "11:00", "--staff", "CC Liu"});
    ASSERT_EQ(cc.exit_code, 0) << cc.err;
    Sync(desk_);
    Sync(desk_);  // the push arrives on an ack; the booking it makes goes up next round
  }
  std::string Head(const std::string& db_path, const std::string& table, int64_t seq = 0) {
    auto db = Db::Open(db_path, {}).value();
    const std::string where = seq ? " WHERE seq = " + std::to_string(seq) : "";
    auto st =
        db->Prepare("SELECT hash FROM " + table + where + " ORDER BY seq DESC LIMIT 1").value();
    return st.Step().value() ? HashHex(Hash256{}) + st.Blob(0) : "";
  }
  std::vector<BucketDigest> Digests(const std::string& db_path) {
    auto db = Db::Open(db_path, {}).value();
    auto check = edge::CheckStoreState(*db).value();
    EXPECT_TRUE(check.differences.empty());
    return check.digests;
  }

  TempDir dir_;
  SharedClock clock_;  // Monday 09:00 in Shanghai, ticking: sync and heads are timed
  DeskHarness desk_{clock_};
  std::string endpoint_;
  std::unique_ptr<Process> hub_;
  std::string tomorrow_;
};

TEST_F(RecoveryTest, AfterRealWorkStoreAndHubVerifyConsistent) {
  DayOfWork();
  ProcessResult store = VerifyStore(desk_, {"--json"});
  ASSERT_EQ(store.exit_code, 0) << store.out << store.err;
  json r = json::parse(store.out);
  EXPECT_TRUE(r["consistent"]);
  ASSERT_EQ(r["checks"].size(), 8u);
  for (const auto& c : r["checks"]) EXPECT_TRUE(c["ok"]) << c.dump();
  EXPECT_EQ(r["checks"][0]["name"], "integrity");
  EXPECT_NE(r["checks"][6]["detail"].get<std::string>().find("every digest equal"),
            std::string::npos);
  EXPECT_NE(r["checks"][7]["detail"].get<std::string>().find("the hub only appended"),
            std::string::npos);
  ProcessResult hub = VerifyHub();
  EXPECT_EQ(hub.exit_code, 0) << hub.out << hub.err;
  EXPECT_NE(hub.out.find("opened and compared change by change"), std::string::npos) << hub.out;
  // The over-full slot became a case, and the case verified like any row.
  EXPECT_NE(desk_.Desk({"conflicts", "list"}).out.find("over-capacity"), std::string::npos);
}

// Follow-up tasks (docs/FOLLOWUP.md) are logged like every change: after a
// completion, a no-show and their calls, store and hub hold the same state.
TEST_F(RecoveryTest, FollowUpTasksVerifyEqualAtStoreAndHub) {
  const std::string served = Book("13900001011", "Feng", "10:00", "today");
  const std::string missed = Book("13900001012", "Chu", "10:00", "today");
  for (const char* step : {"check-in", "start", "complete"}) {
    ProcessResult r = desk_.Desk({step, served});
    ASSERT_EQ(r.exit_code, 0) << step << ": " << r.err;
  }
  desk_.SetNow("2026-11-23T02:30:00Z");  // 10:30: the 10:00 customer never came
  ASSERT_EQ(desk_.Desk({"no-show", missed}).exit_code, 0);
  const json all = desk_.Json({"tasks", "--all"});
  ASSERT_EQ(all.size(), 2u) << all.dump();
  for (const auto& t : all) {
    ProcessResult call =
        desk_.Desk({"tasks", "attempt", t["short_id"], "--result", "wrong_number"});
    ASSERT_EQ(call.exit_code, 0) << call.err;
  }
  Sync(desk_);
  ProcessResult store = VerifyStore(desk_, {"--json"});
  ASSERT_EQ(store.exit_code, 0) << store.out << store.err;
  EXPECT_TRUE(json::parse(store.out)["consistent"]) << store.out;
  EXPECT_EQ(VerifyHub().exit_code, 0);
}

TEST_F(RecoveryTest, RowChangedBehindTheStoresBackIsNamedAndRepaired) {
  DayOfWork();
  const std::string ref = Book("13900001007", "Feng", "16:00");
  Sync(desk_);
  {
    auto db = testing::OpenStoreFile(desk_.db());
    ASSERT_TRUE(db->Exec("UPDATE bookings SET slot_time = '08:30' WHERE ref = '" + ref + "'").ok());
  }
  std::string id;
  {
    auto db = testing::OpenStoreFile(desk_.db());
    auto st = db->Prepare("SELECT id FROM bookings WHERE ref = ?").value();
    st.Bind(1, ref);
    ASSERT_TRUE(st.Step().value());
    id = st.Text(0);
  }

  ProcessResult r = VerifyStore(desk_);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("bookings " + id +
                       " (booking) slot_time: the database holds '08:30', the"
                       " change log says '16:00'"),
            std::string::npos)
      << r.out;
  // The hub's copy disagrees too, and verify shows both versions.
  EXPECT_NE(r.out.find("booking " + id + ": slot_time: store '08:30', hub '16:00'"),
            std::string::npos)
      << r.out;
  ProcessResult fix = VerifyStore(desk_, {"--repair"});
  EXPECT_NE(fix.out.find("slot_time set back to '16:00'"), std::string::npos) << fix.out;
  EXPECT_EQ(VerifyStore(desk_).exit_code, 0);
  EXPECT_NE(desk_.Desk({"booking", "show", ref}).out.find("16:00"), std::string::npos);
}

TEST_F(RecoveryTest, TamperingAtTheHubIsNamedWithItsPlace) {
  DayOfWork();
  StopHub();
  ASSERT_EQ(VerifyHub().exit_code, 0);
  const std::string copy = dir_.File("hub-copy.db");
  std::filesystem::copy_file(dir_.File("hub.db"), copy);
  auto tamper = [&](const std::string& sql) {
    std::filesystem::remove(dir_.File("hub.db"));
    std::filesystem::copy_file(copy, dir_.File("hub.db"));
    auto db = Db::Open(dir_.File("hub.db"), {}).value();
    ASSERT_TRUE(db->Exec(sql).ok()) << sql;
  };
  // One byte of an archived envelope.
  tamper(
      "UPDATE batch_archive SET envelope = substr(envelope, 1, 40) ||"
      " (CASE WHEN substr(envelope, 41, 1) = x'00' THEN x'01' ELSE x'00' END) ||"
      " substr(envelope, 42) WHERE id = 1");
  ProcessResult r = VerifyHub();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("batch_archive row 1 (S1 seq 1-"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the envelope was altered"), std::string::npos) << r.out;

  // A received change edited in place.
  tamper("UPDATE changes SET fields = replace(fields, 'Wang', 'Wong') WHERE seq = 1");
  r = VerifyHub();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("change log of S1, seq 1: hash does not match its contents"),
            std::string::npos)
      << r.out;

  // The last change replaced with its hash recomputed: the chain holds, but it
  // no longer is what the store signed.
  {
    tamper("SELECT 1");
    auto db = Db::Open(dir_.File("hub.db"), {}).value();
    auto st = db->Prepare("SELECT max(seq) FROM changes").value();
    ASSERT_TRUE(st.Step().value());
    const int64_t last = st.Int(0);
    st.Reset();
    auto read = db->Prepare(std::string("SELECT ") + kChangeColumns + " FROM changes WHERE seq = ?")
                    .value();
    read.Bind(1, last);
    ASSERT_TRUE(read.Step().value());
    ChangeEntry e = ReadChangeRow(read);
    read.Reset();
    e.fields_json = R"({"status":"cancelled"})";
    e.staff = "nobody";
    e.hash = ChainHash(e);
    auto up =
        db->Prepare("UPDATE changes SET fields = ?, staff = ?, hash = ? WHERE seq = ?").value();
    up.Bind(1, e.fields_json).Bind(2, e.staff).BindBlob(3, e.hash).Bind(4, last);
    ASSERT_TRUE(up.Run().ok());
  }
  r = VerifyHub();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("differs from the change the store signed in batch_archive row"),
            std::string::npos)
      << r.out;

  // A consolidated row edited in place.
  tamper("UPDATE entities SET fields = replace(fields, 'Li', 'Lee') WHERE entity = 'customer'");
  r = VerifyHub();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("differs from the merge of its changes"), std::string::npos) << r.out;
}

// Tampering with sqlite3 at the store: each is named with its place, and
// `verify --repair` sets back what the log determines and exits 0.
class StoreTamperingTest : public RecoveryTest {
 protected:
  void Tamper(const std::string& sql) {
    auto db = testing::OpenStoreFile(desk_.db());
    ASSERT_TRUE(db->Exec(sql).ok()) << sql;
  }
  // Verify names each of `expected`, then --repair leaves the store consistent.
  void ExpectNamedAndRepaired(const std::vector<std::string>& expected) {
    ProcessResult r = VerifyStore(desk_);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    for (const auto& text : expected)
      EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
    ProcessResult fix = VerifyStore(desk_, {"--repair"});
    EXPECT_EQ(fix.exit_code, 0) << fix.out << fix.err;
    EXPECT_NE(fix.out.find("consistent after repair"), std::string::npos) << fix.out;
    ProcessResult again = VerifyStore(desk_);
    EXPECT_EQ(again.exit_code, 0) << again.out;
  }
  std::string BookingId(const std::string& ref) {
    auto db = testing::OpenStoreFile(desk_.db());
    auto st = db->Prepare("SELECT id FROM bookings WHERE ref = ?").value();
    st.Bind(1, ref);
    return st.Step().value() ? st.Text(0) : "";
  }
};

TEST_F(StoreTamperingTest, CalendarEditsAreNamedAndSetBack) {
  DayOfWork();
  Tamper("UPDATE slots SET capacity = 99");
  ExpectNamedAndRepaired({"slots S1 (store) slots: the database holds"});
  Tamper("UPDATE store_config SET discount_percent = 100");
  ExpectNamedAndRepaired({"store_config S1 (store) discount_percent: the database holds 100"});
  Tamper("INSERT INTO closed_dates (day, reason) VALUES ('" + tomorrow_ + "', 'closed by whom?')");
  ExpectNamedAndRepaired({"closed_dates S1 (store) closed: the database holds {\"" + tomorrow_});
  auto db = testing::OpenStoreFile(desk_.db());
  auto st = db->Prepare("SELECT count(*) FROM closed_dates").value();
  ASSERT_TRUE(st.Step().value());
  EXPECT_EQ(st.Int(0), 0);
}

TEST_F(StoreTamperingTest, DroppedAppendOnlyTriggersAreNamedAndRecreated) {
  DayOfWork();
  Tamper("DROP TRIGGER change_log_no_update; DROP TRIGGER change_log_no_delete");
  ExpectNamedAndRepaired({"trigger change_log_no_update is missing or altered",
                          "trigger change_log_no_delete is missing or altered"});
  auto db = testing::OpenStoreFile(desk_.db());
  EXPECT_FALSE(db->Exec("DELETE FROM change_log WHERE seq = 1").ok());  // append-only again
}

TEST_F(StoreTamperingTest, BookingHistoryEditedOrDeletedIsNamedAndRebuilt) {
  DayOfWork();
  const std::string ref = Book("13900001007", "Feng", "16:00");
  ASSERT_EQ(desk_.Desk({"cancel", ref, "--reason", "car sold"}).exit_code, 0);
  const std::string id = BookingId(ref);
  Tamper(
      "DROP TRIGGER booking_history_no_update; DROP TRIGGER booking_history_no_delete;"
      "UPDATE booking_history SET staff = 'nobody', to_status = 'checked_in' WHERE seq ="
      " (SELECT min(seq) FROM booking_history WHERE booking_id = '" +
      id +
      "');"
      "DELETE FROM booking_history WHERE seq = (SELECT max(seq) FROM booking_history"
      " WHERE booking_id = '" +
      id + "')");
  ExpectNamedAndRepaired({"booking_history of booking " + id + ", row",
                          "staff holds 'nobody', the log says 'SA Zhang'",
                          "to_status holds 'checked_in', the log says 'requested'",
                          "booking_history of booking " + id + ": no row for change-log seq",
                          "(cancelled by SA Zhang at ",
                          "trigger booking_history_no_delete is missing or altered"});
  ProcessResult show = desk_.Desk({"booking", "show", ref});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("cancelled"), std::string::npos) << show.out;
}

TEST_F(StoreTamperingTest, DroppedBookingHistoryIsNamedAndRecreated) {
  DayOfWork();
  const std::string ref = Book("13900001007", "Feng", "16:00");
  Tamper("DROP TABLE booking_history");
  EXPECT_NE(desk_.Desk({"booking", "show", ref}).exit_code, 0);  // the desk fails without it
  ExpectNamedAndRepaired({"booking_history: the table is missing (dropped)",
                          "trigger booking_history_no_update is missing or altered"});
  ProcessResult show = desk_.Desk({"booking", "show", ref});
  EXPECT_EQ(show.exit_code, 0) << show.err;
}

TEST_F(StoreTamperingTest, AnIndexMissingARowIsNamedAndRebuilt) {
  DayOfWork();
  // The index stops being kept (a partial index of no rows) while the booking
  // is written again under a new rowid, then is declared whole again: it
  // misses that row, as a torn write can leave it.
  Tamper(
      "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = 'CREATE INDEX bookings_slot"
      " ON bookings(slot_date, slot_time) WHERE 0' WHERE name = 'bookings_slot'");
  // The oldest booking, so its new rowid differs from the old one.
  Tamper(
      "PRAGMA foreign_keys = OFF; CREATE TEMP TABLE moved AS SELECT * FROM bookings WHERE rowid"
      " = (SELECT min(rowid) FROM bookings); DELETE FROM bookings WHERE id = (SELECT id FROM"
      " moved); INSERT INTO bookings"
      " SELECT * FROM moved; PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql ="
      " 'CREATE INDEX bookings_slot ON bookings(slot_date, slot_time)' WHERE name ="
      " 'bookings_slot'");
  ExpectNamedAndRepaired({"integrity_check: ", "bookings_slot"});
  EXPECT_NE(VerifyStore(desk_).out.find("PRAGMA integrity_check: ok"), std::string::npos);
}

// Tampering with sqlite3 at head office: named with its place, never repaired.
class HubTamperingTest : public RecoveryTest {
 protected:
  void SetUp() override {
    RecoveryTest::SetUp();
    ASSERT_TRUE(WriteKeyFiles(SecretKeys::Generate("S2"), dir_.path(), false).ok());
    ASSERT_EQ(Hub({"allow", dir_.File("S2.pub")}).exit_code, 0);
  }
  // A day of work, the identity links resolved, and one security alarm (a
  // store whose key was denied tries to sync); then the hub stops.
  void DayWithRecords() {
    DayOfWork();
    ProcessResult resolved = Hub({"customers", "resolve"});  // beside the daemon's own
    ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
    ASSERT_EQ(Hub({"deny", "S2", "--staff", "IT Wu", "--reason", "laptop stolen"}).exit_code, 0);
    DeskHarness s2(clock_);
    ASSERT_EQ(s2.Desk({"init", "--store-id", "S2", "--name", "Two"}).exit_code, 0);
    s2.Desk({"sync", "--once", "--hub", endpoint_, "--hub-key", dir_.File("HUB.pub"), "--key",
             dir_.File("S2.key")});
    StopHub();
    ProcessResult clean = VerifyHub();
    ASSERT_EQ(clean.exit_code, 0) << clean.out << clean.err;
    std::filesystem::copy_file(dir_.File("hub.db"), dir_.File("hub-copy.db"));
  }
  // The hub as it was after the day, tampered with by `sql`; verify's output.
  std::string TamperedVerify(const std::string& sql) {
    std::filesystem::remove(dir_.File("hub.db"));
    std::filesystem::copy_file(dir_.File("hub-copy.db"), dir_.File("hub.db"));
    {
      auto db = Db::Open(dir_.File("hub.db"), {}).value();
      EXPECT_TRUE(db->Exec(sql).ok()) << sql;
    }
    ProcessResult r = VerifyHub();
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    ProcessResult with_public = Tool(
        {"verify", "--db", dir_.File("hub.db"), "--hub-key", dir_.File("HUB.pub"), "--repair"});
    EXPECT_EQ(with_public.exit_code, 1) << with_public.out;  // named, not repaired
    return r.out;
  }
};

TEST_F(HubTamperingTest, TheNewestArchivedBatchRemovedIsNamed) {
  DayWithRecords();
  std::string out = TamperedVerify(
      "DELETE FROM batch_archive WHERE id = (SELECT max(id) FROM"
      " batch_archive)");
  EXPECT_NE(out.find("batch_archive S1: the archived batches cover seq 1-"), std::string::npos)
      << out;
  EXPECT_NE(out.find("were removed from the archive"), std::string::npos) << out;
  // With the newest change rewritten and rehashed to go with it (and the cursor's hash).
  out = TamperedVerify(
      "DELETE FROM batch_archive WHERE id = (SELECT max(id) FROM batch_archive);"
      "UPDATE changes SET staff = 'nobody' WHERE seq = (SELECT max(seq) FROM changes)");
  EXPECT_NE(out.find("batch_archive S1: the archived batches cover seq 1-"), std::string::npos)
      << out;
}

TEST_F(HubTamperingTest, AStoresLiveKeySwappedForAnothersIsNamed) {
  DayWithRecords();
  const std::string out = TamperedVerify(
      "UPDATE stores SET sign_pk = (SELECT sign_pk FROM stores WHERE site_id = 'S2'),"
      " kx_pk = (SELECT kx_pk FROM stores WHERE site_id = 'S2') WHERE site_id = 'S1'");
  EXPECT_NE(out.find("stores S1: the live key (id "), std::string::npos) << out;
  EXPECT_NE(out.find("is not the newest key of its history"), std::string::npos) << out;
}

TEST_F(HubTamperingTest, HeadOfficeRecordsDeletedForgedOrRewrittenAreNamed) {
  DayWithRecords();
  std::string out = TamperedVerify("DELETE FROM security_log WHERE kind = 'refused'");
  EXPECT_NE(out.find("security_log 1: missing, though the hub recorded it at record_log seq"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("deleted behind its back"), std::string::npos) << out;
  out = TamperedVerify(
      "INSERT INTO hub_outbox (site_id, seq, request, created_at, created_by) VALUES ('S1',"
      " 2, '{\"kind\":\"cancel\",\"booking_ref\":\"x\",\"staff\":\"CC Liu\"}',"
      " '2026-11-23T01:00:00.000Z', 'CC Liu')");
  EXPECT_NE(out.find("hub_outbox S1/2: the hub never recorded this row: forged behind its back"),
            std::string::npos)
      << out;
  out = TamperedVerify(
      "UPDATE identity_links SET unified_id = (SELECT u.unified_id FROM"
      " unified_customers u WHERE u.unified_id != identity_links.unified_id"
      " LIMIT 1) WHERE record_id = (SELECT min(record_id) FROM identity_links)");
  EXPECT_NE(out.find("differs from what the hub recorded at record_log seq"), std::string::npos)
      << out;
  EXPECT_NE(out.find("identity_links "), std::string::npos) << out;
  // A forged entry appended to cover a forged row cannot carry the hub's signature.
  out = TamperedVerify(
      "INSERT INTO hub_outbox (site_id, seq, request, created_at, created_by) VALUES ('S1',"
      " 2, '{}', 'x', 'y'); INSERT INTO record_log (seq, record, record_key, content_hash, head)"
      " SELECT max(seq) + 1, 'hub_outbox', 'S1/2', zeroblob(32), zeroblob(32) FROM record_log");
  EXPECT_NE(out.find("its head does not follow from the entries before it"), std::string::npos)
      << out;
  EXPECT_NE(out.find("the newest entry is not signed by the hub"), std::string::npos) << out;
}

// Seqs below count the store's calendar: logged when sync first starts (after
// the first booking's three changes), it travels like any other change.
TEST_F(RecoveryTest, AHubThatLostAcceptedBatchesIsCaughtByTheHeadsStoresKept) {
  Book("13900001001", "Wang", "10:00");
  Sync(desk_);
  StopHub();
  std::filesystem::copy_file(dir_.File("hub.db"), dir_.File("hub-old.db"));
  hub_ = StartHub();
  Book("13900001002", "Li", "10:00");
  Sync(desk_);  // the store now holds a head covering the second batch
  StopHub();
  // Head office restores yesterday's copy of its database.
  std::filesystem::remove(dir_.File("hub.db"));
  std::filesystem::remove(dir_.File("hub.db-wal"));
  std::filesystem::remove(dir_.File("hub.db-shm"));
  std::filesystem::copy_file(dir_.File("hub-old.db"), dir_.File("hub.db"));
  hub_ = StartHub();

  ProcessResult r = VerifyStore(desk_);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("the hub lost or removed accepted batches"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the hub acknowledged seq 7 but now holds only up to seq 4"),
            std::string::npos)
      << r.out;
}

TEST_F(RecoveryTest, StoreRestoredFromAnOlderCopyRefetchesWhatTheHubHolds) {
  Book("13900001001", "Wang", "10:00");
  Sync(desk_);
  std::filesystem::copy_file(desk_.db(), dir_.File("store-old.db"));
  Book("13900001002", "Li", "10:00");
  Book("13900001003", "Zhao", "11:00");
  Sync(desk_);
  const std::string head = Head(desk_.db(), "change_log");
  // The store's disk fails; last week's copy comes back.
  std::filesystem::remove(desk_.db());
  std::filesystem::copy_file(dir_.File("store-old.db"), desk_.db());

  ProcessResult r = VerifyStore(desk_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("the hub holds seq 5-10, which this store has lost"), std::string::npos)
      << r.out;
  ProcessResult fix = VerifyStore(desk_, {"--repair"});
  EXPECT_EQ(fix.exit_code, 0) << fix.out << fix.err;
  EXPECT_NE(fix.out.find("re-fetched seq 5-10 from the hub"), std::string::npos) << fix.out;
  EXPECT_EQ(Head(desk_.db(), "change_log"), head);
  // And the store carries on: its next changes are seq 11-13, which the hub accepts.
  Book("13900001004", "Sun", "14:00");
  Sync(desk_);
  json stores = json::parse(Hub({"stores", "--json"}).out);
  EXPECT_EQ(stores[0]["last_seq"], 13);
  ProcessResult again = VerifyStore(desk_);
  EXPECT_EQ(again.exit_code, 0) << again.out;
  auto hub_db = Db::Open(dir_.File("hub.db"), {}).value();
  auto alarms = hub_db->Prepare("SELECT count(*) FROM security_log WHERE kind = 'alarm'").value();
  ASSERT_TRUE(alarms.Step().value());
  EXPECT_EQ(alarms.Int(0), 0);  // no equivocation alarm: the store reused no seq
}

TEST_F(RecoveryTest, ALostStoreIsRebuiltFromTheHubEqualByDigest) {
  DayOfWork();
  const auto original = Digests(desk_.db());
  const std::string head = Head(desk_.db(), "change_log");
  const std::string board = desk_.Desk({"board", "--date", "tomorrow"}).out;

  DeskHarness replacement(clock_);  // the new computer
  ASSERT_EQ(Init(replacement).exit_code, 0);
  ProcessResult r = Tool({"rebuild", "--db", replacement.db(), "--hub", endpoint_, "--keys",
                          dir_.File("S1.key"), "--hub-key", dir_.File("HUB.pub")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("consistent"), std::string::npos) << r.out;
  EXPECT_EQ(Head(replacement.db(), "change_log"), head);
  const auto rebuilt = Digests(replacement.db());
  ASSERT_EQ(rebuilt.size(), original.size());
  for (size_t b = 0; b < rebuilt.size(); ++b) {
    EXPECT_EQ(rebuilt[b].digest, original[b].digest) << "bucket " << b;
    EXPECT_EQ(rebuilt[b].count, original[b].count) << "bucket " << b;
  }
  EXPECT_EQ(replacement.Desk({"board", "--date", "tomorrow"}).out, board);
  // The rebuilt store books on: a new desk ref, and the hub takes its next seq.
  json b = replacement.Json({"book", "--phone", "13900001009", "--name", "Chen", "--date",
                             "tomorrow", "--slot", "16:00"});
  ASSERT_FALSE(b.contains("error")) << b.dump();
  Sync(replacement);
  EXPECT_EQ(VerifyStore(replacement).exit_code, 0);
  // A second rebuild into a store that already holds the log is refused.
  ProcessResult twice = Tool({"rebuild", "--db", replacement.db(), "--hub", endpoint_, "--keys",
                              dir_.File("S1.key"), "--hub-key", dir_.File("HUB.pub")});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("already holds"), std::string::npos) << twice.err;
}

TEST_F(RecoveryTest, ReplayGivesTheStoreAsOfASeq) {
  Book("13900001001", "Wang", "10:00");
  Book("13900001002", "Li", "10:00");
  Book("13900001003", "Zhao", "11:00");
  // Each booking of a new customer with a plate is three changes: customer, vehicle, booking.
  const std::string at6 = Head(desk_.db(), "change_log", 6);
  const std::string out = dir_.File("as-of-6.db");
  ProcessResult r = Tool({"replay", "--from", desk_.db(), "--to", out, "--until-seq", "6"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Head(out, "change_log"), at6);
  {
    auto db = Db::Open(out, {}).value();
    auto st = db->Prepare("SELECT count(*) FROM bookings").value();
    ASSERT_TRUE(st.Step().value());
    EXPECT_EQ(st.Int(0), 2);  // Wang's and Li's, not Zhao's
  }
  ProcessResult verified = Tool({"verify", "--db", out});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.out.find("change log: 6 changes, hash chain intact"), std::string::npos)
      << verified.out;
  // Under a Chinese locale the checks and refusals read in Chinese, the values as they are.
  std::vector<std::string> zh = clock_.Env();
  zh.push_back("LANG=zh_CN.UTF-8");
  ProcessResult chinese = RunProgram({OUTPOST_BIN, "verify", "--db", out}, zh);
  EXPECT_EQ(chinese.exit_code, 0) << chinese.err;
  EXPECT_NE(chinese.out.find("变更日志: 6 条变更，哈希链完好"), std::string::npos) << chinese.out;
  ProcessResult exists_zh = RunProgram(
      {OUTPOST_BIN, "replay", "--from", desk_.db(), "--to", out, "--until-seq", "2"}, zh);
  EXPECT_NE(exists_zh.err.find("'" + out + "' 已存在；replay 只写入新数据库"), std::string::npos)
      << exists_zh.err;
  // Refusals: an existing target, no point in time, both.
  ProcessResult exists = Tool({"replay", "--from", desk_.db(), "--to", out, "--until-seq", "2"});
  EXPECT_EQ(exists.exit_code, 1);
  EXPECT_NE(exists.err.find("exists; replay writes a new database"), std::string::npos)
      << exists.err;
  ProcessResult no_point = Tool({"replay", "--from", desk_.db(), "--to", dir_.File("x.db")});
  EXPECT_EQ(no_point.exit_code, 1);
  EXPECT_NE(no_point.err.find("give one of --until-seq N or --until TIME"), std::string::npos)
      << no_point.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("x.db")));
}

TEST_F(RecoveryTest, AuditShowsWhoChangedWhatWhereAndWhen) {
  DayOfWork();
  const std::string ref = Book("13900001008", "Zhu", "16:00");
  ASSERT_EQ(desk_.Desk({"cancel", ref, "--reason", "car sold"}).exit_code, 0);
  Sync(desk_);
  // At the store, from its own log.
  ProcessResult store = Tool({"audit", "booking", ref, "--db", desk_.db()});
  ASSERT_EQ(store.exit_code, 0) << store.err;
  EXPECT_NE(store.out.find("2 changes"), std::string::npos) << store.out;
  EXPECT_NE(store.out.find("status: requested -> cancelled"), std::string::npos) << store.out;
  EXPECT_NE(store.out.find("cancel_reason: - -> car sold"), std::string::npos) << store.out;
  EXPECT_NE(store.out.find("SA Zhang  (phone)"), std::string::npos) << store.out;
  // At the hub, the same history from its copy (a desk ref needs its store there).
  json hub = json::parse(
      Tool({"audit", "booking", ref, "--db", dir_.File("hub.db"), "--store", "S1", "--json"}).out);
  ASSERT_EQ(hub["entries"].size(), 2u) << hub.dump();
  EXPECT_EQ(hub["entries"][1]["changes"]["status"], json::array({"requested", "cancelled"}));
  EXPECT_EQ(hub["entries"][1]["site"], "S1");
  EXPECT_EQ(hub["entries"][0]["op"], "insert");
  // A customer: records, vehicles, bookings, and the phone added later; phones
  // masked unless asked for.
  ProcessResult customer = Tool({"audit", "customer", "13900001002", "--db", dir_.File("hub.db")});
  ASSERT_EQ(customer.exit_code, 0) << customer.err;
  EXPECT_NE(customer.out.find("insert vehicle"), std::string::npos) << customer.out;
  EXPECT_NE(customer.out.find("do_not_disturb: false -> true"), std::string::npos) << customer.out;
  EXPECT_NE(customer.out.find("***2002"), std::string::npos) << customer.out;
  EXPECT_EQ(customer.out.find("13900002002"), std::string::npos) << customer.out;
  EXPECT_NE(Tool({"audit", "customer", "13900001002", "--db", dir_.File("hub.db"), "--full-phones"})
                .out.find("+8613900002002"),
            std::string::npos);
  // A call-centre booking carries its channel and its business time.
  ProcessResult cc = Tool({"audit", "customer", "13900001006", "--db", desk_.db()});
  EXPECT_NE(cc.out.find("(call-centre)"), std::string::npos) << cc.out;
  EXPECT_NE(cc.out.find("call centre: CC Liu"), std::string::npos) << cc.out;
  // Unknown subjects are errors naming what was asked.
  ProcessResult none = Tool({"audit", "booking", "991231-9", "--db", desk_.db()});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("'991231-9' matches no booking"), std::string::npos) << none.err;
}

TEST_F(RecoveryTest, AuditExportListsEveryFieldChangeInTheRange) {
  DayOfWork();
  Sync(desk_);
  const std::string csv_path = dir_.File("audit.csv");
  testing::ScopedUmask umask_022(022);  // the export holds personal data: 0600 whatever the umask
  ProcessResult r = Tool({"audit", "export", "--db", dir_.File("hub.db"), "--from", "24h", "--to",
                          "2999-01-01", "--out", csv_path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::FileMode(csv_path), 0600);
  std::ifstream in(csv_path);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header,
            "recorded_at,business_time,site,seq,staff,channel,entity,entity_id,op,field,old,new\r");
  std::string line;
  int rows = 0;
  bool cancel_row = false, phone_masked = false;
  while (std::getline(in, line)) {
    ++rows;
    if (line.find(",update,status,requested,cancelled") != std::string::npos) cancel_row = true;
    if (line.find("***2002") != std::string::npos) phone_masked = true;
    EXPECT_EQ(line.find("+8613900002002"), std::string::npos) << line;
  }
  EXPECT_GT(rows, 50);
  EXPECT_TRUE(cancel_row);
  EXPECT_TRUE(phone_masked);
  // The same range as JSON; a range before any change is empty; a bad time is refused.
  json all = json::parse(Tool({"audit", "export", "--db", desk_.db(), "--from", "24h", "--to",
                               "2999-01-01", "--format", "json"})
                             .out);
  EXPECT_GT(all["entries"].size(), 10u);
  json none = json::parse(Tool({"audit", "export", "--db", desk_.db(), "--from", "2020-01-01",
                                "--to", "2020-01-02", "--format", "json"})
                              .out);
  EXPECT_TRUE(none["entries"].empty());
  ProcessResult bad = Tool(
      {"audit", "export", "--db", desk_.db(), "--from", "yesterday-ish", "--to", "2999-01-01"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("'yesterday-ish' is not a UTC time"), std::string::npos) << bad.err;
}

TEST_F(RecoveryTest, RecoveryReportTellsTheStoryOfAnOutage) {
  // The hub's clock is pinned so the outage is two hours long without waiting.
  StopHub();
  constexpr int64_t kHour = 3'600'000;
  hub_ = StartHub(clock_.Now(-kHour));
  desk_.SetNow(clock_.Now(-2 * kHour));
  Book("13900001001", "Wang", "10:00", tomorrow_);
  Sync(desk_);
  StopHub();
  // Offline for two hours: the desk books on (three changes: customer, vehicle,
  // booking), while the call centre promises the same full slot to another.
  desk_.SetNow(clock_.Now());
  Book("13900001002", "Li", "10:00", tomorrow_);
  desk_.SetNow(clock_.Now(kHour + 60'000));
  hub_ = StartHub(clock_.Now(kHour));
  ASSERT_EQ(Hub({"book", "--store", "S1", "--phone", "13900001003", "--name", "Zhao", "--date",
                 tomorrow_, "--slot", "10:00", "--staff", "CC Liu"})
                .exit_code,
            0);
  Sync(desk_);
  Sync(desk_);
  StopHub();

  ProcessResult text = Tool({"recovery-report", "--db", dir_.File("hub.db"), "--since", "48h",
                             "--hub-secret", dir_.File("HUB.key")});
  ASSERT_EQ(text.exit_code, 0) << text.out << text.err;
  EXPECT_NE(text.out.find("offline "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("3 changes made meanwhile"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("over-capacity"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Verify: consistent"), std::string::npos) << text.out;
  json r = json::parse(
      Tool({"recovery-report", "--db", dir_.File("hub.db"), "--since", "48h", "--format", "json"})
          .out);
  ASSERT_EQ(r["stores"].size(), 1u);
  EXPECT_EQ(r["stores"][0]["changes_made_offline"], 3);
  EXPECT_EQ(r["stores"][0]["conflicts_opened"], 1);
  ASSERT_EQ(r["customers_to_contact"].size(), 1u);
  EXPECT_EQ(r["customers_to_contact"][0]["phone"], "***1003");
  EXPECT_TRUE(r["verify"].is_null());  // no key given: not run, and said so
  // Times as the store's clock reads them, its zone named: Shanghai is UTC+8.
  const json& store_part = r["stores"][0];
  EXPECT_EQ(store_part["time_zone"], "Asia/Shanghai");
  EXPECT_EQ(store_part["time_zone_assumed"], false);
  ASSERT_FALSE(store_part["offline_windows"].empty());
  const json& window = store_part["offline_windows"][0];
  const int64_t from_ms = ParseUtcMs(window["from"].get<std::string>()).value();
  const std::string from_shanghai = FormatUtcMs(from_ms + 8 * kHour);  // "...T10:00:00.000Z"
  const std::string from_local = from_shanghai.substr(0, 10) + " " + from_shanghai.substr(11, 5);
  EXPECT_EQ(window["from_local"], from_local);
  EXPECT_NE(text.out.find("times Asia/Shanghai"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  offline " + from_local + " -> "), std::string::npos) << text.out;
  // Whoever calls the customers asks for the whole numbers.
  json full = json::parse(Tool({"recovery-report", "--db", dir_.File("hub.db"), "--since", "48h",
                                "--format", "json", "--full-phones"})
                              .out);
  ASSERT_EQ(full["customers_to_contact"].size(), 1u);
  EXPECT_EQ(full["customers_to_contact"][0]["phone"], "+8613900001003");
  ProcessResult full_text =
      Tool({"recovery-report", "--db", dir_.File("hub.db"), "--since", "48h", "--full-phones"});
  EXPECT_NE(full_text.out.find("Zhao +8613900001003"), std::string::npos) << full_text.out;
  EXPECT_EQ(text.out.find("+8613900001003"), std::string::npos) << text.out;
  const std::string html_path = dir_.File("report.html");
  testing::ScopedUmask umask_022(022);  // customers to call: 0600 whatever the umask
  ASSERT_EQ(Tool({"recovery-report", "--db", dir_.File("hub.db"), "--since", "48h", "--format",
                  "html", "--out", html_path})
                .exit_code,
            0);
  EXPECT_EQ(testing::FileMode(html_path), 0600);
  std::ifstream html(html_path);
  std::stringstream body;
  body << html.rdbuf();
  EXPECT_NE(body.str().find("<h2>Customers to contact</h2>"), std::string::npos);
  EXPECT_NE(body.str().find("***1003"), std::string::npos);
  // From a store's database: refused, naming why.
  ProcessResult store = Tool({"recovery-report", "--db", desk_.db(), "--since", "48h"});
  EXPECT_EQ(store.exit_code, 1);
  EXPECT_NE(store.err.find("is a store database"), std::string::npos) << store.err;
}

}  // namespace
}  // namespace outpost::testing
