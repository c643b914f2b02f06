// The hub on PostgreSQL with real processes: stores syncing over ZeroMQ on
// 127.0.0.1 to two `outpost-hub serve` processes on one database, each killed
// -9 in turn while the stores fail over between them; PostgreSQL itself killed
// -9 and restarted mid-ingest; migrate-db from SQLite to PostgreSQL and
// back; and the month report read from a standby, saying how stale it is. What is checked is what
// an auditor would: every change a store was told is safe is at the hub once, hash for hash, and
// the unified state equals a SQLite hub's fed the same stores.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "sync/keys.h"
#include "sync/sqlite.h"
#include "sync/transport.h"
#include "tests/desk_harness.h"
#include "tests/pg/pg_cluster.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kSlots = {"08:30", "10:00", "11:00", "14:00", "15:00", "16:00"};

class HubOnPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = FreshPgDatabase("hub_e2e");
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    pg_url_ = url.value();
    hub_keys_ = SecretKeys::Generate("HUB");
    ASSERT_TRUE(WriteKeyFiles(hub_keys_, dir_.path(), false).ok());
  }

  // Stores S1..Sn, each with its keys, allow-listed at the hub at `db`.
  void OpenStores(int n, const std::string& db) {
    for (int i = 1; i <= n; ++i) {
      const std::string site = "S" + std::to_string(i);
      auto keys = SecretKeys::Generate(site);
      ASSERT_TRUE(WriteKeyFiles(keys, dir_.path(), false).ok());
      desks_.emplace(site, std::make_unique<DeskHarness>(clock_));
      ASSERT_EQ(
          Desk(site, {"init", "--store-id", site, "--name", "Store " + site, "--capacity", "50"})
              .exit_code,
          0);
      ASSERT_EQ(Hub(db, {"allow", dir_.File(site + ".pub")}).exit_code, 0);
    }
  }
  ProcessResult Desk(const std::string& site, const std::vector<std::string>& args) {
    return desks_.at(site)->Desk(args);
  }
  std::vector<std::string> HubArgv(const std::string& db, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {OUTPOST_HUB_BIN, "--db", db, "--key", dir_.File("HUB.key")};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  ProcessResult Hub(const std::string& db, const std::vector<std::string>& args) {
    return RunProgram(HubArgv(db, args), clock_.Env());
  }
  std::unique_ptr<Process> Serve(const std::string& db, const std::string& endpoint) {
    return std::make_unique<Process>(HubArgv(db, {"serve", "--bind", endpoint}), clock_.Env());
  }
  std::unique_ptr<Process> StartSync(const std::string& site, const std::string& endpoints) {
    return std::make_unique<Process>(desks_.at(site)->Argv(SyncCommandArgs(
                                         endpoints, dir_.File("HUB.pub"), dir_.File(site + ".key"),
                                         {"--reply-timeout-ms", "700"})),
                                     desks_.at(site)->Env());
  }
  void Book(const std::string& site, int i) {
    ProcessResult r = Desk(
        site, {"book", "--phone", "1390000" + std::to_string(1000 + i), "--name",
               "C" + std::to_string(i), "--date", "tomorrow", "--slot", kSlots[i % kSlots.size()]});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Polls until the hub at `db` holds every change of every store.
  bool WaitConverged(const std::string& db, int seconds) {
    for (int i = 0; i < seconds * 5; ++i) {
      ProcessResult listed = Hub(db, {"stores", "--json"});
      bool all = listed.exit_code == 0;
      if (all) {
        std::map<std::string, int64_t> hub_seq;
        for (const auto& s : json::parse(listed.out)) hub_seq[s["store_id"]] = s["last_seq"];
        for (const auto& [site, desk] : desks_) {
          json st = desk->Json({"status"});
          all = all && st.contains("waiting") && st["waiting"] == 0 &&
                hub_seq[site] == st["last_seq"];
        }
      }
      if (all) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }
  // The SQLite file `hub_file` holds each store's log hash for hash, each
  // change archived once (batch ranges follow one another without overlap).
  void ExpectEveryStoreLogOnceIn(const std::string& hub_file) {
    auto hub = Db::Open(hub_file, {}).value();
    for (const auto& [site, desk] : desks_) {
      auto edge = Db::Open(desk->db(), {}).value();
      auto a = edge->Prepare("SELECT seq, hash FROM change_log ORDER BY seq").value();
      auto b = hub->Prepare("SELECT seq, hash FROM changes WHERE site_id = ? ORDER BY seq").value();
      b.Bind(1, site);
      int64_t n = 0;
      while (a.Step().value()) {
        ASSERT_TRUE(b.Step().value()) << site << ": the hub is missing seq " << a.Int(0);
        EXPECT_EQ(a.Int(0), b.Int(0)) << site;
        EXPECT_EQ(a.Blob(1), b.Blob(1)) << site << " seq " << a.Int(0);
        ++n;
      }
      EXPECT_FALSE(b.Step().value()) << site << ": the hub has changes the store never made";
      EXPECT_GT(n, 0) << site;
      auto ranges = hub->Prepare(
                           "SELECT first_seq, last_seq FROM batch_archive"
                           " WHERE site_id = ? ORDER BY id")
                        .value();
      ranges.Bind(1, site);
      int64_t next = 1;
      while (ranges.Step().value()) {
        EXPECT_EQ(ranges.Int(0), next) << site << ": a change archived twice or skipped";
        next = ranges.Int(1) + 1;
      }
      EXPECT_EQ(next, n + 1) << site;
    }
  }
  // A SQLite hub fed copies of the stores as they are now (each resends its
  // whole log: the new hub's cursor is 0): its state digest.
  std::string DigestOfASqliteHubFedTheSameStores() {
    const std::string db = dir_.File("sqlite-twin.db");
    EXPECT_EQ(Hub(db, {"init"}).exit_code, 0);
    const std::string endpoint = FreeTcpEndpoint();
    auto serve = Serve(db, endpoint);
    for (const auto& [site, desk] : desks_) {
      EXPECT_EQ(Hub(db, {"allow", dir_.File(site + ".pub")}).exit_code, 0);
      const std::string copy = dir_.File(site + "-copy.db");
      std::filesystem::copy_file(desk->db(), copy);
      std::vector<std::string> env = desk->Env();
      env[0] = "OUTPOST_DB=" + copy;
      // A few rounds: the first learns the hub's cursor, the next resend.
      for (int round = 0; round < 30; ++round) {
        ProcessResult r =
            RunProgram(desk->Argv(SyncCommandArgs(endpoint, dir_.File("HUB.pub"),
                                                  dir_.File(site + ".key"), {"--once"})),
                       env);
        json status =
            json::parse(RunProgram(desk->Argv({"status", "--json"}), env).out, nullptr, false);
        if (r.exit_code == 0 && status.is_object() && status["waiting"] == 0) break;
      }
    }
    serve->Kill(SIGTERM);
    serve->Wait();
    return Hub(db, {"digest"}).out;
  }

  SharedClock clock_;
  TempDir dir_;
  std::string pg_url_;
  SecretKeys hub_keys_;
  std::map<std::string, std::unique_ptr<DeskHarness>> desks_;
};

TEST_F(HubOnPostgresTest, TwoHubProcessesServeStoresThatFailOverWhileEachIsKilledInTurn) {
  ASSERT_EQ(Hub(pg_url_, {"init"}).exit_code, 0);
  OpenStores(3, pg_url_);
  const std::string a = FreeTcpEndpoint();
  const std::string b = FreeTcpEndpoint();
  std::map<std::string, std::unique_ptr<Process>> hubs;
  hubs[a] = Serve(pg_url_, a);
  hubs[b] = Serve(pg_url_, b);
  // S2 starts on the second process, so both apply batches at the same time.
  std::vector<std::unique_ptr<Process>> syncs;
  syncs.push_back(StartSync("S1", a + "," + b));
  syncs.push_back(StartSync("S2", b + "," + a));
  syncs.push_back(StartSync("S3", a + "," + b));
  int booked = 0;
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 3; ++i, ++booked) {
      for (const auto& site : {"S1", "S2", "S3"}) Book(site, booked);
    }
    // -9 in the middle of the stores' work, the two processes in turn; the
    // killed one comes back on its endpoint for the next round.
    const std::string& victim = round % 2 == 0 ? a : b;
    hubs[victim]->Kill(SIGKILL);
    hubs[victim]->Wait();
    for (const auto& site : {"S1", "S2", "S3"}) Book(site, booked);
    ++booked;
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    hubs[victim] = Serve(pg_url_, victim);
  }
  ASSERT_TRUE(WaitConverged(pg_url_, 60)) << "the stores never caught up";
  for (auto& sync : syncs) sync->Kill(SIGTERM);
  for (auto& sync : syncs) sync->Wait();
  for (auto& [endpoint, hub] : hubs) hub->Kill(SIGTERM);
  for (auto& [endpoint, hub] : hubs) hub->Wait();

  // The PostgreSQL hub, copied to a file and proved equal by migrate-db, holds
  // every store's log once; its state is a SQLite hub's fed the same stores.
  const std::string copy = dir_.File("copy.db");
  ProcessResult migrated = Hub(pg_url_, {"migrate-db", "--from", pg_url_, "--to", copy});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  ExpectEveryStoreLogOnceIn(copy);
  const std::string digest = Hub(pg_url_, {"digest"}).out;
  EXPECT_EQ(digest, DigestOfASqliteHubFedTheSameStores());
  EXPECT_EQ(digest.size(), 65u) << digest;
}

TEST_F(HubOnPostgresTest, MigrateDbCopiesAHubToPostgresAndBackAndRefusesToOverwrite) {
  const std::string file = dir_.File("hub.db");
  ASSERT_EQ(Hub(file, {"init"}).exit_code, 0);
  OpenStores(2, file);
  const std::string endpoint = FreeTcpEndpoint();
  {
    auto serve = Serve(file, endpoint);
    for (int i = 0; i < 4; ++i) {
      Book("S1", i);
      Book("S2", 10 + i);
    }
    for (const auto& site : {"S1", "S2"}) {
      ProcessResult r = RunProgram(
          desks_.at(site)->Argv(SyncCommandArgs(endpoint, dir_.File("HUB.pub"),
                                                dir_.File(std::string(site) + ".key"), {"--once"})),
          desks_.at(site)->Env());
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    ASSERT_EQ(Hub(file, {"customers", "resolve"}).exit_code, 0);
    serve->Kill(SIGTERM);
    serve->Wait();
  }
  ProcessResult there = Hub(file, {"--json", "migrate-db", "--from", file, "--to", pg_url_});
  ASSERT_EQ(there.exit_code, 0) << there.err;
  const json report = json::parse(there.out);
  EXPECT_EQ(report["verified"], true);
  EXPECT_GT(report["rows"].get<int64_t>(), 20);
  EXPECT_EQ(Hub(pg_url_, {"digest"}).out, Hub(file, {"digest"}).out);
  // The operator's verify reads the PostgreSQL hub as it reads a file.
  ProcessResult on_server =
      RunProgram({OUTPOST_BIN, "verify", "--db", pg_url_, "--hub-secret", dir_.File("HUB.key")});
  EXPECT_EQ(on_server.exit_code, 0) << on_server.out << on_server.err;
  EXPECT_NE(on_server.out.find("archive: "), std::string::npos) << on_server.out;
  EXPECT_NE(on_server.out.find("consistent"), std::string::npos) << on_server.out;

  // And back: the copy of the copy passes the operator's verify.
  const std::string back = dir_.File("back.db");
  ProcessResult home = Hub(file, {"migrate-db", "--from", pg_url_, "--to", back});
  ASSERT_EQ(home.exit_code, 0) << home.err;
  EXPECT_NE(home.out.find("every table's digest and the state digest"), std::string::npos);
  ProcessResult verified =
      RunProgram({OUTPOST_BIN, "verify", "--db", back, "--hub-secret", dir_.File("HUB.key")});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("consistent"), std::string::npos) << verified.out;

  // Never over a hub: named, refused, nothing written.
  ProcessResult again = Hub(file, {"migrate-db", "--from", file, "--to", pg_url_});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("exists; init only creates a new one"), std::string::npos) << again.err;
  ProcessResult onto_file = Hub(file, {"migrate-db", "--from", pg_url_, "--to", back});
  EXPECT_EQ(onto_file.exit_code, 2);
  EXPECT_NE(onto_file.err.find("exists"), std::string::npos) << onto_file.err;
  EXPECT_EQ(Hub(pg_url_, {"digest"}).out, Hub(file, {"digest"}).out);
}

// PostgreSQL's postmaster and backends killed -9 while stores send, then
// restarted on the same data: nothing a store was told is safe is lost, and
// nothing is applied twice. The cluster is the test's own.
TEST_F(HubOnPostgresTest, PostgresKilledMidIngestLosesNoAcknowledgedChange) {
  const std::string cluster = "/tmp/outpost-pgkill-" + std::to_string(getpid());
  const std::string script = OUTPOST_PG_CLUSTER_SCRIPT;
  ProcessResult started = RunProgram({script, "fresh", cluster, "5433"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const std::string admin = "postgresql:///postgres?host=" + cluster + "&port=5433&user=postgres";
  auto url = FreshPgDatabaseOn(admin, "killed");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  const std::string db = url.value();
  ASSERT_EQ(Hub(db, {"init"}).exit_code, 0);
  OpenStores(3, db);  // S3 first connects while the server is down
  const std::string endpoint = FreeTcpEndpoint();
  auto serve = Serve(db, endpoint);
  auto s1 = StartSync("S1", endpoint);
  auto s2 = StartSync("S2", endpoint);
  std::unique_ptr<Process> s3;
  int booked = 0;
  for (int kill = 0; kill < 3; ++kill) {
    for (int i = 0; i < 4; ++i, ++booked) {
      Book("S1", booked);
      Book("S2", booked);
    }
    std::ifstream pid_file(cluster + "/data/postmaster.pid");
    pid_t postmaster = 0;
    pid_file >> postmaster;
    ASSERT_GT(postmaster, 0);
    // The whole server at once, as a power cut would: postmaster first, then
    // every backend still holding a connection.
    RunProgram({"pkill", "-9", "-P", std::to_string(postmaster)});
    ::kill(postmaster, SIGKILL);
    for (int i = 0; i < 3; ++i, ++booked) {
      Book("S1", booked);
      Book("S2", booked);
    }
    if (kill == 2) {
      // The hub cannot check S3's key now: S3 is told so (not that it was
      // refused, nor that it pins the wrong hub key) and keeps trying.
      Book("S3", booked);
      s3 = StartSync("S3", endpoint);
      std::string seen;
      for (int i = 0; i < 50 && seen.find("could not check") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        json status = desks_.at("S3")->Json({"status"});
        seen = status["last_status"].is_string() ? status["last_status"].get<std::string>() : "";
      }
      EXPECT_EQ(seen, "hub unreachable: hub at " + endpoint +
                          " could not check this store's key (its own failure, e.g. head "
                          "office's database); trying again");
    }
    ProcessResult again = RunProgram({script, "start", cluster, "5433"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
  }
  EXPECT_TRUE(WaitConverged(db, 60)) << "the stores never caught up after the restarts";
  s1->Kill(SIGTERM);
  s2->Kill(SIGTERM);
  s3->Kill(SIGTERM);
  s1->Wait();
  s2->Wait();
  const ProcessResult s3_run = s3->Wait();
  EXPECT_EQ(s3_run.err.find("refused by the hub"), std::string::npos) << s3_run.err;
  serve->Kill(SIGTERM);
  const ProcessResult served = serve->Wait();
  const std::string copy = dir_.File("after-kills.db");
  ProcessResult migrated = Hub(db, {"migrate-db", "--from", db, "--to", copy});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  ExpectEveryStoreLogOnceIn(copy);
  // The outage was the hub's, not the stores': what an auditor reads after it
  // names no store as unknown or refused, and the log says why the stores'
  // messages went unanswered.
  EXPECT_EQ(served.err.find("unknown store"), std::string::npos) << served.err;
  EXPECT_NE(served.err.find("not answered: the hub's database failed"), std::string::npos)
      << served.err;
  auto copied = Db::Open(copy, {}).value();
  auto security_log = copied->Prepare("SELECT kind, reason FROM security_log").value();
  while (security_log.Step().value()) {
    ADD_FAILURE() << "security log: " << security_log.Text(0) << ": " << security_log.Text(1);
  }
  RunProgram({script, "discard", cluster});
}

}  // namespace
}  // namespace outpost::testing

namespace outpost::testing {
namespace {

// Head office's reporting and look-ups read a standby: the month report and a
// customer are the primary's, each says it was read from a standby and
// whether it is caught up, and how far behind it is once its primary is
// gone; the standby refuses to become a hub or take a write, saying why. The
// clusters are the test's own.
TEST_F(HubOnPostgresTest, ReportsAndCustomersReadAStandbyThatSaysHowStaleItIs) {
  const std::string primary = "/tmp/outpost-pgprimary-" + std::to_string(getpid());
  const std::string standby = "/tmp/outpost-pgstandby-" + std::to_string(getpid());
  const std::string script = OUTPOST_PG_CLUSTER_SCRIPT;
  struct Discard {  // both clusters go, however the test ends
    std::string script, standby, primary;
    ~Discard() {
      RunProgram({script, "discard", standby});
      RunProgram({script, "discard", primary});
    }
  } discard{script, standby, primary};
  ASSERT_EQ(RunProgram({script, "fresh", primary, "5434"}).exit_code, 0);
  const std::string admin = "postgresql:///postgres?host=" + primary + "&port=5434&user=postgres";
  auto url = FreshPgDatabaseOn(admin, "reporting");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  const std::string db = url.value();
  ProcessResult made = RunProgram({script, "standby", primary, standby});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string replica = db;
  replica.replace(replica.find(primary), primary.size(), standby);

  ASSERT_EQ(Hub(db, {"init"}).exit_code, 0);
  OpenStores(1, db);
  const std::string endpoint = FreeTcpEndpoint();
  {
    auto serve = Serve(db, endpoint);
    for (int i = 0; i < 3; ++i) Book("S1", i);
    ProcessResult synced =
        RunProgram(desks_.at("S1")->Argv(SyncCommandArgs(endpoint, dir_.File("HUB.pub"),
                                                         dir_.File("S1.key"), {"--once"})),
                   desks_.at("S1")->Env());
    ASSERT_EQ(synced.exit_code, 0) << synced.err;
    serve->Kill(SIGTERM);
    serve->Wait();
  }
  // On the primary the typed rows catch up first; it is no standby.
  ProcessResult on_primary = Hub(db, {"--json", "report", "month", "2026-11"});
  ASSERT_EQ(on_primary.exit_code, 0) << on_primary.err;
  json want = json::parse(on_primary.out);
  EXPECT_TRUE(want["standby"].is_null());
  ASSERT_EQ(want["chain"]["made"], 3) << on_primary.out;

  json got;
  for (int i = 0; i < 100; ++i) {  // replayed within a moment
    ProcessResult read = Hub(replica, {"--json", "report", "month", "2026-11"});
    ASSERT_EQ(read.exit_code, 0) << read.err;
    got = json::parse(read.out);
    if (got["standby"]["caught_up"] == true && got["chain"] == want["chain"]) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(got["chain"], want["chain"]);
  EXPECT_EQ(got["stores"], want["stores"]);
  EXPECT_EQ(got["standby"]["caught_up"], true) << got.dump();
  EXPECT_FALSE(got["standby"]["replayed_at"].get<std::string>().empty());
  // The text says so on its first line (polled: the primary's own background
  // writes may hold the standby a moment behind).
  ProcessResult text;
  const std::string caught_up =
      "读自备库 read from a standby: 已追上主库 caught up with its primary";
  for (int i = 0; i < 100; ++i) {
    text = Hub(replica, {"report", "month", "2026-11"});
    if (text.out.rfind(caught_up, 0) == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(text.out.rfind(caught_up, 0), 0u) << text.out;

  // Customers are found on the standby as the primary last linked them
  // (nothing is resolved there: it takes no writes), and it says so.
  ProcessResult resolved = Hub(db, {"customers", "resolve"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  ProcessResult found_on_primary = Hub(db, {"--json", "customers", "find", "13900001000"});
  ASSERT_EQ(found_on_primary.exit_code, 0) << found_on_primary.err;
  const json matches = json::parse(found_on_primary.out);
  ASSERT_EQ(matches.size(), 1u) << found_on_primary.out;
  const json& customer = matches[0];
  const std::string unified = customer["unified_id"];
  ProcessResult shown_on_primary = Hub(db, {"--json", "customers", "show", unified});
  ASSERT_EQ(shown_on_primary.exit_code, 0) << shown_on_primary.err;
  EXPECT_FALSE(json::parse(shown_on_primary.out).contains("standby")) << shown_on_primary.out;
  json customer_on_standby;
  for (int i = 0; i < 100; ++i) {
    ProcessResult read = Hub(replica, {"--json", "customers", "show", unified});
    if (read.exit_code == 0) {
      customer_on_standby = json::parse(read.out);
      if (customer_on_standby["unified_id"] == customer["unified_id"]) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(customer_on_standby["unified_id"], customer["unified_id"]) << customer_on_standby;
  EXPECT_EQ(customer_on_standby["records"], customer["records"]);
  EXPECT_TRUE(customer_on_standby["standby"].is_object()) << customer_on_standby.dump();
  ProcessResult found = Hub(replica, {"customers", "find", "13900001000"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_EQ(found.out.rfind("读自备库 read from a standby: ", 0), 0u) << found.out;
  EXPECT_NE(found.out.find("customer links as of the primary's last resolution"), std::string::npos)
      << found.out;
  EXPECT_NE(found.out.find(unified), std::string::npos) << found.out;
  // What would write is refused by name: run it on the primary.
  ProcessResult resolve_here = Hub(replica, {"customers", "resolve", "--force"});
  EXPECT_NE(resolve_here.exit_code, 0);
  EXPECT_NE(resolve_here.err.find("takes no writes: it is a standby (read-only); run this on its"
                                  " primary"),
            std::string::npos)
      << resolve_here.err;

  // The web console's statistics pages read the standby when told to, and
  // say so (its sign-in and accounts stay on the primary).
  const std::string password_file = dir_.File("analyst.password");
  {
    std::ofstream(password_file) << "a long enough passphrase\n";
    std::filesystem::permissions(
        password_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  ProcessResult added = Hub(db, {"users", "add", "hq.analyst", "--role", "viewer",
                                 "--password-file", password_file, "--staff", "IT Wang"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  {
    Process web(HubArgv(db, {"web", "--bind", "127.0.0.1:0", "--reports-db", replica}),
                clock_.Env());
    const std::string listening = web.ReadLine(15000);
    const auto colon = listening.rfind(':');
    ASSERT_NE(colon, std::string::npos) << listening;
    const int port = std::stoi(listening.substr(colon + 1));
    httplib::Client client("127.0.0.1", port);
    auto signed_in = client.Post("/login", {{"Origin", "http://127.0.0.1:" + std::to_string(port)}},
                                 "name=hq.analyst&password=a+long+enough+passphrase",
                                 "application/x-www-form-urlencoded");
    ASSERT_TRUE(signed_in);
    ASSERT_EQ(signed_in->status, 303) << signed_in->body;
    const std::string cookie = signed_in->get_header_value("Set-Cookie");
    const httplib::Headers session = {{"Cookie", cookie.substr(0, cookie.find(';'))}};
    auto page = client.Get("/stats?month=2026-11", session);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("data-test=\"standby\""), std::string::npos) << page->body;
    EXPECT_NE(page->body.find("caught up with its primary"), std::string::npos);
    auto full = client.Get("/stats/report?month=2026-11", session);
    ASSERT_TRUE(full);
    EXPECT_NE(full->body.find("读自备库 read from a standby"), std::string::npos);
    web.Kill(SIGTERM);
    web.Wait();
  }

  // A standby takes no writes: it is no place for a new hub, nor for a store.
  ProcessResult init = Hub(replica, {"init"});
  EXPECT_EQ(init.exit_code, 2) << init.err;
  EXPECT_NE(init.err.find("is a standby (read-only): create the hub on its primary"),
            std::string::npos)
      << init.err;
  auto other = SecretKeys::Generate("S9");
  ASSERT_TRUE(WriteKeyFiles(other, dir_.path(), false).ok());
  ProcessResult allow = Hub(replica, {"allow", dir_.File("S9.pub")});
  EXPECT_NE(allow.exit_code, 0);
  EXPECT_NE(allow.err.find("read-only"), std::string::npos) << allow.err;

  // Its primary gone, the standby still answers, and says it is behind.
  ASSERT_EQ(RunProgram({script, "stop", primary}).exit_code, 0);
  for (int i = 0; i < 100; ++i) {
    ProcessResult read = Hub(replica, {"--json", "report", "month", "2026-11"});
    ASSERT_EQ(read.exit_code, 0) << read.err;
    got = json::parse(read.out);
    if (got["standby"]["caught_up"] == false) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(got["standby"]["caught_up"], false) << got.dump();
  // Its lag is the age of the last transaction it replayed, which committed
  // before the primary stopped: more than nothing, and that instant stays its
  // newest.
  EXPECT_GT(got["standby"]["lag_ms"].get<int64_t>(), 0) << got.dump();
  const std::string last_replayed = got["standby"]["replayed_at"];
  EXPECT_FALSE(last_replayed.empty());
  EXPECT_EQ(got["chain"], want["chain"]);
  text = Hub(replica, {"report", "month", "2026-11"});
  EXPECT_NE(text.out.find("落后主库"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("behind its primary by"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("last change replayed " + last_replayed), std::string::npos) << text.out;
}

}  // namespace
}  // namespace outpost::testing
