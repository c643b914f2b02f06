// Store and hub as real processes on 127.0.0.1: sync, hub killed and restarted,
// sync process killed mid-flight, and convergence of the two logs.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "sync/keys.h"
#include "sync/sqlite.h"
#include "sync/transport.h"
#include "tests/desk_harness.h"
#include "tests/store_file.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kSlots = {"08:30", "10:00", "11:00", "14:00", "15:00", "16:00"};

class SyncE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    endpoint_ = FreeTcpEndpoint();
    hub_keys_ = SecretKeys::Generate("HUB");
    store_keys_ = SecretKeys::Generate("S1");
    ASSERT_TRUE(WriteKeyFiles(hub_keys_, dir_.path(), false).ok());
    ASSERT_TRUE(WriteKeyFiles(store_keys_, dir_.path(), false).ok());
    ASSERT_EQ(
        desk_.Desk({"init", "--store-id", "S1", "--name", "One", "--capacity", "50"}).exit_code, 0);
    ASSERT_EQ(Hub({"init"}).exit_code, 0);
    ASSERT_EQ(Hub({"allow", dir_.File("S1.pub")}).exit_code, 0);
  }
  ProcessResult Hub(const std::vector<std::string>& args) {
    return RunProgram(HubArgv(args), clock_.Env());
  }
  std::vector<std::string> HubArgv(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {OUTPOST_HUB_BIN, "--db", dir_.File("hub.db"), "--key",
                                     dir_.File("HUB.key")};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  std::unique_ptr<Process> StartHub() {
    return std::make_unique<Process>(HubArgv({"serve", "--bind", endpoint_}), clock_.Env());
  }
  std::unique_ptr<Process> StartSync(const std::vector<std::string>& more = {}) {
    return std::make_unique<Process>(
        desk_.Argv(SyncCommandArgs(endpoint_, dir_.File("HUB.pub"), dir_.File("S1.key"), more)),
        desk_.Env());
  }
  void Book(int i) {
    ProcessResult r = desk_.Desk({"book", "--phone", "1390000" + std::to_string(1000 + i), "--name",
                                  "C" + std::to_string(i), "--date", "tomorrow", "--slot",
                                  kSlots[i % kSlots.size()]});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  json Status() { return desk_.Json({"status"}); }
  int64_t HubSeq() {
    json stores = json::parse(Hub({"stores", "--json"}).out);
    return stores[0]["last_seq"];
  }
  // Polls until the hub has applied everything the store logged.
  bool WaitConverged(int seconds) {
    for (int i = 0; i < seconds * 10; ++i) {
      json s = Status();
      if (s["waiting"] == 0 && HubSeq() == s["last_seq"]) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  // The hub holds the store's log hash for hash, seq for seq.
  void ExpectSameLogs() {
    auto edge = Db::Open(desk_.db(), {}).value();
    auto hub = Db::Open(dir_.File("hub.db"), {}).value();
    auto a = edge->Prepare("SELECT seq, hash FROM change_log ORDER BY seq").value();
    auto b =
        hub->Prepare("SELECT seq, hash FROM changes WHERE site_id = 'S1' ORDER BY seq").value();
    int64_t n = 0;
    while (a.Step().value()) {
      ASSERT_TRUE(b.Step().value()) << "hub is missing seq " << a.Int(0);
      EXPECT_EQ(a.Int(0), b.Int(0));
      EXPECT_EQ(a.Blob(1), b.Blob(1)) << "seq " << a.Int(0);
      ++n;
    }
    EXPECT_FALSE(b.Step().value()) << "hub has changes the store never made";
    EXPECT_GT(n, 0);
    // Each change was archived once: batch ranges never overlap (no duplicate effect).
    auto ranges = hub->Prepare("SELECT first_seq, last_seq FROM batch_archive ORDER BY id").value();
    int64_t next = 1;
    while (ranges.Step().value()) {
      EXPECT_EQ(ranges.Int(0), next);
      next = ranges.Int(1) + 1;
    }
    EXPECT_EQ(next, n + 1);
  }

  SharedClock clock_;  // Monday 09:00 in Shanghai, ticking: sync timestamps matter here
  DeskHarness desk_{clock_};
  TempDir dir_;
  std::string endpoint_;
  SecretKeys hub_keys_, store_keys_;
};

TEST_F(SyncE2eTest, ConvergesThroughAHubCrashAndRestart) {
  auto hub = StartHub();
  auto sync = StartSync();
  for (int i = 0; i < 5; ++i) Book(i);
  ASSERT_TRUE(WaitConverged(15));

  hub->Kill(SIGKILL);
  hub->Wait();
  // The desk does not notice: bookings go on, and status tells the truth.
  for (int i = 5; i < 8; ++i) Book(i);
  json s;
  for (int i = 0; i < 100; ++i) {
    s = Status();
    if (s["state"] == "offline") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(s["state"], "offline") << s.dump();
  EXPECT_EQ(s["waiting"], 6);  // three customers and three bookings
  ProcessResult text = desk_.Desk({"status"});
  EXPECT_NE(text.out.find("offline since"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("6 changes waiting"), std::string::npos) << text.out;

  hub = StartHub();  // no operator action on the store side
  ASSERT_TRUE(WaitConverged(20));
  EXPECT_EQ(Status()["state"], "online");
  ExpectSameLogs();
}

// Two hub processes serve one hub database; the store is given both
// endpoints. Killing the one it talks to (-9, mid-work) costs nothing: after
// two unanswered rounds the store goes to the other, which resumes from the
// cursor in the shared database; and back again when that one is lost.
TEST_F(SyncE2eTest, AStoreGivenTwoHubProcessesFailsOverAndLosesNothing) {
  const std::string second = FreeTcpEndpoint();
  auto first_hub = StartHub();
  auto second_hub = std::make_unique<Process>(HubArgv({"serve", "--bind", second}), clock_.Env());
  auto sync = std::make_unique<Process>(
      desk_.Argv(SyncCommandArgs(endpoint_ + "," + second, dir_.File("HUB.pub"),
                                 dir_.File("S1.key"), {"--reply-timeout-ms", "500"})),
      desk_.Env());
  for (int i = 0; i < 4; ++i) Book(i);
  ASSERT_TRUE(WaitConverged(15));

  first_hub->Kill(SIGKILL);
  first_hub->Wait();
  for (int i = 4; i < 8; ++i) Book(i);
  ASSERT_TRUE(WaitConverged(20)) << "the second hub process never took over";

  first_hub = StartHub();  // back on its old endpoint; now the second is lost
  second_hub->Kill(SIGKILL);
  second_hub->Wait();
  for (int i = 8; i < 12; ++i) Book(i);
  ASSERT_TRUE(WaitConverged(20)) << "the store never went back to the first";
  EXPECT_EQ(Status()["state"], "online");
  ExpectSameLogs();

  sync->Kill(SIGTERM);
  const ProcessResult log = sync->Wait();
  // Each switch is said once, naming both endpoints.
  EXPECT_NE(log.err.find("trying another hub endpoint"), std::string::npos) << log.err;
  EXPECT_NE(log.err.find(second), std::string::npos) << log.err;
}

// Bytes the kernel holds for the hub's unread connections on `endpoint`'s
// port (/proc/net/tcp): what a frozen hub has been sent and not yet read.
int64_t UnreadByHub(const std::string& endpoint) {
  const int port = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // the header
  int64_t unread = 0;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    fields >> slot >> local >> remote >> state >> queues;
    const bool hub_side = std::stoi(local.substr(local.find(':') + 1), nullptr, 16) == port;
    if (hub_side && state == "01") {  // 01: an established connection
      unread += std::stoll(queues.substr(queues.find(':') + 1), nullptr, 16);
    }
  }
  return unread;
}

TEST_F(SyncE2eTest, SyncKilledMidFlightResumesWithoutResendingEverything) {
  auto hub = StartHub();
  auto sync = StartSync();
  std::mt19937 rng(std::random_device{}());
  // Killed with changes surely in flight: the hub is frozen (SIGSTOP), the
  // connected sync process sends a batch (seen as bytes waiting in the frozen
  // hub's socket), so no ack can come back before the kill; thawed, the hub
  // applies it, and the next sync process sends it again. A freeze that lands
  // while the sync process waits for the answer to an idle round holds the
  // batch back until the link's 5 s heartbeat drops the connection: such a
  // freeze is let go and tried again, never counted.
  int64_t in_flight = 0;
  int booked = 0;
  for (int landed = 0, tries = 0; landed < 5; ++tries) {
    ASSERT_LT(tries, 25) << "only " << landed << " of 5 kills landed with a batch in flight";
    ASSERT_TRUE(WaitConverged(15));
    hub->Kill(SIGSTOP);
    const auto frozen = std::chrono::steady_clock::now();
    const int64_t before = UnreadByHub(endpoint_);
    Book(booked++);
    // A customer and a booking weigh over 512 bytes encrypted; an idle hello far less.
    bool sent = false;
    while (!sent && std::chrono::steady_clock::now() < frozen + std::chrono::milliseconds(3500)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      sent = UnreadByHub(endpoint_) > before + 512;
    }
    if (sent) {
      sync->Kill(SIGKILL);
      sync->Wait();
      in_flight += Status()["waiting"].get<int64_t>();
      ++landed;
    }
    for (int i = 0; i < 3; ++i) Book(booked++);
    hub->Kill(SIGCONT);
    if (sent) sync = StartSync();
  }
  // And killed wherever it happens to be.
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 4; ++i) Book(booked++);
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
    sync->Kill(SIGKILL);
    sync->Wait();
    in_flight += Status()["waiting"].get<int64_t>();
    sync = StartSync();
  }
  ASSERT_TRUE(WaitConverged(20));
  ExpectSameLogs();
  // A killed sync process costs a resend of what it had in flight, never the log.
  json stores = json::parse(Hub({"stores", "--json"}).out);
  const int64_t logged = stores[0]["last_seq"], resent = stores[0]["resent_changes"];
  std::cout << "resent " << resent << " of " << logged << " changes; " << in_flight
            << " were unacknowledged at the kills\n";
  EXPECT_GT(resent, 0) << "no kill landed with changes in flight";
  EXPECT_LE(resent, in_flight) << "resent changes that had been acknowledged";
}

TEST_F(SyncE2eTest, HubKilledMidSyncRepeatedlyLosesAndDuplicatesNothing) {
  auto sync = StartSync();
  std::mt19937 rng(std::random_device{}());
  // A kill only proves something if the hub was at work when it landed:
  // count the rounds in which the hub committed batches before being killed.
  auto archived_batches = [&] {
    auto hub_db = Db::Open(dir_.File("hub.db"), {}).value();
    auto st = hub_db->Prepare("SELECT count(*) FROM batch_archive").value();
    return st.Step().value() ? st.Int(0) : 0;
  };
  int rounds_with_commits = 0;
  int64_t batches = 0;
  for (int round = 0; round < 12; ++round) {
    for (int i = 0; i < 4; ++i) Book(round * 6 + i);
    auto hub = StartHub();
    // Wait for this life's first commit (slow machines, sanitizers), then
    // give the sync process more to send and kill the hub at a random point
    // of that work: receiving, applying, committing or replying.
    for (int wait = 0; wait < 100 && archived_batches() <= batches; ++wait) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (int i = 4; i < 6; ++i) Book(round * 6 + i);
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 200));
    hub->Kill(SIGKILL);
    hub->Wait();
    const int64_t now_archived = archived_batches();
    if (now_archived > batches) ++rounds_with_commits;
    batches = now_archived;
  }
  std::cout << rounds_with_commits << " of 12 hub lives committed batches before the kill\n";
  EXPECT_GE(rounds_with_commits, 10) << "too few kills landed on a working hub to prove anything";
  // While it was down the hub heard of changes it had not got: they show as pending.
  Book(200);
  auto hub = StartHub();
  ASSERT_TRUE(WaitConverged(30));
  json stores = json::parse(Hub({"stores", "--json"}).out);
  EXPECT_EQ(stores[0]["pending"], 0);
  ExpectSameLogs();
}

TEST_F(SyncE2eTest, AStoreRollsToANewKeyWithoutLosingItsLog) {
  auto hub = StartHub();
  auto sync = StartSync();
  for (int i = 0; i < 3; ++i) Book(i);
  ASSERT_TRUE(WaitConverged(15));
  sync->Kill(SIGTERM);
  sync->Wait();

  // Keep the old secret aside, roll the store's key, allow the new public key.
  std::filesystem::copy_file(dir_.File("S1.key"), dir_.File("S1.old.key"));
  std::filesystem::permissions(dir_.File("S1.old.key"), std::filesystem::perms::owner_read |
                                                            std::filesystem::perms::owner_write);
  ProcessResult rolled =
      RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir_.path(), "--force"});
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  ASSERT_EQ(Hub({"allow", dir_.File("S1.pub")}).exit_code, 0);

  for (int i = 3; i < 6; ++i) Book(i);
  // The old key no longer gets anything in.
  ProcessResult old_key = RunProgram(
      desk_.Argv({"sync", "--once", "--hub", endpoint_, "--hub-key", dir_.File("HUB.pub"), "--key",
                  dir_.File("S1.old.key"), "--reply-timeout-ms", "500"}),
      desk_.Env());
  EXPECT_NE(old_key.exit_code, 0);
  EXPECT_EQ(Status()["waiting"], 6);
  // The new key carries on from the same log and cursor.
  sync = StartSync();
  ASSERT_TRUE(WaitConverged(15));
  ExpectSameLogs();
}

// A sync process that cannot reach the hub says why, as far as ZeroMQ's
// monitor events tell it (sync/transport.h): in `sync --once`'s error, in
// `status`, and once in the long-running process's log.
TEST_F(SyncE2eTest, ADeadPortARefusedKeyAndAWrongHubKeyAreToldApart) {
  Book(0);
  auto sync_once = [&](const std::string& hub_key, const std::string& key) {
    return RunProgram(
        desk_.Argv({"sync", "--once", "--hub", endpoint_, "--hub-key", hub_key, "--key", key}),
        desk_.Env());
  };
  auto expect_told = [&](const ProcessResult& r, const std::string& why) {
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("hub unreachable: " + why), std::string::npos) << r.err;
    EXPECT_EQ(Status()["last_status"], "hub unreachable: " + why);
    ProcessResult status = desk_.Desk({"status"});
    EXPECT_NE(status.out.find("(hub unreachable: " + why + ")"), std::string::npos) << status.out;
  };

  // No hub at all.
  expect_told(sync_once(dir_.File("HUB.pub"), dir_.File("S1.key")),
              "nothing listening at " + endpoint_ + " (or the network does not reach it)");

  auto hub = StartHub();
  // A key of this store that head office never allowed.
  TempDir other;
  ASSERT_TRUE(WriteKeyFiles(SecretKeys::Generate("S1"), other.path(), false).ok());
  expect_told(sync_once(dir_.File("HUB.pub"), other.File("S1.key")),
              "hub refused this store's key (not on the allow-list, or denied)");
  // The right store key, but another hub's public key pinned.
  ASSERT_TRUE(WriteKeyFiles(SecretKeys::Generate("HUB"), other.path(), false).ok());
  const std::string broken = "hub at " + endpoint_ +
                             " broke off the encrypted handshake: its key is not the one this "
                             "store pins (wrong --hub-key?), or it is not an Outpost hub";
  expect_told(sync_once(other.File("HUB.pub"), dir_.File("S1.key")), broken);

  // The long-running process logs the refusal once, with its reason, not every round.
  ProcessResult running =
      RunProgram(desk_.Argv({"sync", "--hub", endpoint_, "--hub-key", other.File("HUB.pub"),
                             "--key", dir_.File("S1.key"), "--seconds", "2"}),
                 desk_.Env());
  EXPECT_EQ(running.exit_code, 0) << running.err;
  const std::string logged = " ERROR sync: refused by the hub hub=" + endpoint_ +
                             " reason=\"hub unreachable: " + broken + "\"";
  const size_t first = running.err.find(logged);
  ASSERT_NE(first, std::string::npos) << running.err;
  EXPECT_EQ(running.err.find(logged, first + 1), std::string::npos) << running.err;

  // And with the right keys it goes through.
  ProcessResult ok = sync_once(dir_.File("HUB.pub"), dir_.File("S1.key"));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(Status()["last_status"], "ok");
}

// A store set up before head office allowed its key (the usual order at a
// new store): its sync process is refused, says so once, keeps asking (at
// most once a minute), and delivers once the key is allowed, with no restart.
TEST_F(SyncE2eTest, AStoreRefusedUntilItsKeyIsAllowedSyncsWithoutARestart) {
  Book(0);
  Book(1);
  TempDir fresh;
  ASSERT_TRUE(WriteKeyFiles(SecretKeys::Generate("S1"), fresh.path(), false).ok());
  auto hub = StartHub();
  Process sync(desk_.Argv(SyncCommandArgs(endpoint_, dir_.File("HUB.pub"), fresh.File("S1.key"),
                                          {"--reply-timeout-ms", "500"})),
               desk_.Env());
  const std::string refused =
      "hub unreachable: hub refused this store's key (not on the allow-list, or denied)";
  std::string seen;
  for (int i = 0; i < 100 && seen != refused; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const json status = Status();
    seen = status["last_status"].is_string() ? status["last_status"].get<std::string>() : "";
  }
  ASSERT_EQ(seen, refused);
  ASSERT_EQ(Hub({"allow", fresh.File("S1.pub")}).exit_code, 0);
  EXPECT_TRUE(WaitConverged(20)) << "the allowed store never came online";
  EXPECT_EQ(Status()["last_status"], "ok");
  sync.Kill(SIGTERM);
  const ProcessResult run = sync.Wait();
  const size_t first = run.err.find(" ERROR sync: refused by the hub hub=" + endpoint_);
  ASSERT_NE(first, std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(" ERROR sync: refused by the hub", first + 1), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find(" INFO sync: online hub=" + endpoint_, first), std::string::npos)
      << run.err;
}

TEST_F(SyncE2eTest, AStoreWhoseClockRunsAheadSaysSoInItsHelloAndTheHubKeepsTheSkew) {
  constexpr int64_t kAhead = int64_t{3} * 60'000;
  desk_.SetClock(clock_, kAhead);  // the store's clock ticks 3 minutes ahead of head office's
  auto hub = StartHub();
  auto sync = StartSync();
  json stores;
  for (int i = 0; i < 150; ++i) {
    stores = json::parse(Hub({"stores", "--json"}).out);
    if (!stores[0]["clock_skew_ms"].is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(stores[0]["clock_skew_ms"].is_null()) << stores.dump();
  // The store's clock when it sealed the hello less the hub's when it
  // arrived: 3 minutes less the hello's time in transit.
  const int64_t skew = stores[0]["clock_skew_ms"];
  EXPECT_LE(skew, kAhead);
  EXPECT_GE(skew, kAhead - 5'000);
  const ProcessResult text = Hub({"stores"});
  EXPECT_NE(text.out.find(" s ahead"), std::string::npos) << text.out;
  // Back in step: the next hello says so, and the skew follows.
  sync->Kill(SIGKILL);
  sync->Wait();
  desk_.SetClock(clock_, 0);
  sync = StartSync();
  for (int i = 0; i < 150; ++i) {
    stores = json::parse(Hub({"stores", "--json"}).out);
    if (stores[0]["clock_skew_ms"].get<int64_t>() < 5'000) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_LT(stores[0]["clock_skew_ms"].get<int64_t>(), 5'000) << stores.dump();
  EXPECT_NE(Hub({"stores"}).out.find("clock in step"), std::string::npos);
}

TEST_F(SyncE2eTest, CallCentreBookingsReachTheStoreOnceThroughTheDeskRules) {
  const std::string tomorrow = desk_.Json({"board", "--date", "tomorrow"})["date"];
  ASSERT_EQ(Hub({"book", "--store", "S1", "--phone", "138 0013 8000", "--name", "王伟", "--date",
                 tomorrow, "--slot", "11:00", "--service", "tyres", "--staff", "CC Li"})
                .exit_code,
            0);
  // A slot the store's grid does not have: the store's rules refuse it.
  ASSERT_EQ(Hub({"book", "--store", "S1", "--phone", "13900139000", "--name", "李娜", "--date",
                 tomorrow, "--slot", "09:00", "--staff", "CC Li"})
                .exit_code,
            0);
  // Queued while the store is not even connected; unknown stores are refused at once.
  EXPECT_EQ(Hub({"book", "--store", "S9", "--phone", "13900139000", "--date", tomorrow, "--slot",
                 "10:00", "--staff", "CC Li"})
                .exit_code,
            1);
  auto hub = StartHub();
  // The sync process is killed and restarted a few times: each request still lands once.
  for (int i = 0; i < 3; ++i) {
    auto sync = StartSync();
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    sync->Kill(SIGKILL);
    sync->Wait();
  }
  auto sync = StartSync();
  json stores;
  for (int i = 0; i < 150; ++i) {
    stores = json::parse(Hub({"stores", "--json"}).out);
    if (stores[0]["requests_answered"] == 2 && Status()["waiting"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(stores[0]["requests_queued"], 2);
  EXPECT_EQ(stores[0]["requests_answered"], 2);
  // Why the store refused reaches head office (logged with its reason).
  for (int i = 0; i < 150 && stores[0]["requests_refused"] != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stores = json::parse(Hub({"stores", "--json"}).out);
  }
  EXPECT_EQ(stores[0]["requests_refused"], 1) << stores.dump();
  json asked = json::parse(Hub({"requests", "--store", "S1", "--json"}).out);
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[1]["outcome"],
            "refused at the store: invalid input: slot: '09:00' is not in"
            " the grid (08:30, 10:00, 11:00, 14:00, 15:00, 16:00)")
      << asked.dump();
  // Now that head office holds the store's calendar, the same promise is
  // refused while the customer is still on the phone, and nothing is queued.
  ProcessResult again = Hub({"book", "--store", "S1", "--phone", "13900139000", "--name", "李娜",
                             "--date", tomorrow, "--slot", "09:00", "--staff", "CC Li"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("S1 cannot take it: slot: '09:00' is not in the grid"),
            std::string::npos)
      << again.err;
  EXPECT_EQ(json::parse(Hub({"stores", "--json"}).out)[0]["requests_queued"], 2);
  // The recovery report lists what the store did not take as asked, and why.
  ProcessResult report = RunProgram({OUTPOST_BIN, "recovery-report", "--db", dir_.File("hub.db"),
                                     "--since", "48h", "--format", "json"},
                                    clock_.Env());
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const json not_taken = json::parse(report.out)["stores"][0]["requests_not_taken"];
  ASSERT_EQ(not_taken.size(), 1u) << report.out;
  EXPECT_EQ(not_taken[0]["state"], "refused");
  EXPECT_NE(not_taken[0]["outcome"].get<std::string>().find("'09:00' is not in the grid"),
            std::string::npos)
      << not_taken.dump();
  // Head office sees the store's day before promising, saying as of when.
  json day = json::parse(Hub({"board", "--store", "S1", "--date", "tomorrow", "--json"}).out);
  EXPECT_EQ(day["date"], tomorrow);
  EXPECT_NE(day["as_of"], "never (no batch from the store yet)");
  ASSERT_EQ(day["slots"].size(), 6u);
  EXPECT_EQ(day["slots"][2]["time"], "11:00");
  EXPECT_EQ(day["slots"][2]["taken"], 1);
  EXPECT_EQ(day["slots"][2]["bookings"][0]["customer"], "王伟");
  EXPECT_EQ(day["slots"][2]["bookings"][0]["channel"], "call-centre");
  ProcessResult unknown = Hub({"board", "--store", "S9", "--date", "tomorrow"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("S9"), std::string::npos) << unknown.err;

  json slot;
  const json board = desk_.Json({"board", "--date", "tomorrow"});  // named: the loop refers into it
  for (const auto& s : board["slots"]) {
    if (s["time"] == "11:00") slot = s;
  }
  std::string answers;
  {
    auto db = testing::OpenStoreFile(desk_.db());
    auto st = db->Prepare("SELECT seq, outcome, coalesce(reason, '') FROM hub_requests").value();
    while (st.Step().value()) {
      answers += std::to_string(st.Int(0)) + " " + st.Text(1) + " " + st.Text(2) + "\n";
    }
  }
  ASSERT_EQ(slot["bookings"].size(), 1u) << slot.dump() << "\n" << answers;
  EXPECT_EQ(slot["bookings"][0]["channel"], "call-centre");
  EXPECT_EQ(slot["bookings"][0]["customer"]["name"], "王伟");
  EXPECT_EQ(slot["bookings"][0]["service"], "tyres");
  EXPECT_EQ(slot["bookings"][0]["staff"], "call centre: CC Li");
  json status = Status();
  EXPECT_EQ(status["requests_refused"], 1);
  ProcessResult text = desk_.Desk({"status"});
  EXPECT_NE(text.out.find("1 call-centre requests refused here"), std::string::npos) << text.out;
  // The booking made from head office's request travels back in the store's log.
  ASSERT_TRUE(WaitConverged(15));
  ExpectSameLogs();

  // The customer calls again to cancel: the call centre cancels through the
  // hub, the store applies it, and head office sees what became of each request.
  const std::string ref = slot["bookings"][0]["ref"];
  ProcessResult cancelled = Hub({"cancel", "--store", "S1", "--booking", ref, "--reason",
                                 "customer away that week", "--staff", "CC Li"});
  ASSERT_EQ(cancelled.exit_code, 0) << cancelled.err;
  EXPECT_EQ(
      Hub({"cancel", "--store", "S1", "--booking", "261199-9", "--reason", "x", "--staff", "CC Li"})
          .exit_code,
      1);
  json requests;
  for (int i = 0; i < 150; ++i) {
    requests = json::parse(Hub({"requests", "--store", "S1", "--json"}).out);
    if (requests.size() == 3 && requests[2]["outcome"] == "booking " + ref + " cancelled") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(requests.size(), 3u) << requests.dump();
  EXPECT_EQ(requests[0]["outcome"], "booking " + ref + " cancelled") << requests.dump();
  EXPECT_EQ(requests[2]["kind"], "cancel");
  EXPECT_EQ(requests[2]["outcome"], "booking " + ref + " cancelled") << requests.dump();
  EXPECT_EQ(desk_.Json({"booking", "show", ref})["status"], "cancelled");
}

// Sits between the store and the hub and misbehaves: drops, duplicates, holds
// back (so later messages overtake) and delays messages in both directions.
// It speaks CURVE on both sides with the test's own keys: the store pins the
// hub's key, so the proxy presents it; to the hub it presents the store's key.
class FaultyProxy {
 public:
  FaultyProxy(const std::string& listen, const std::string& hub_endpoint, const SecretKeys& hub,
              const SecretKeys& store, uint32_t seed)
      : rng_(seed) {
    front_ =
        HubEndpoint::Bind(listen, hub, [](const std::array<uint8_t, 32>&) { return true; }).value();
    back_ = StoreEndpoint::Connect(hub_endpoint, store, hub.pub).value();
    thread_ = std::thread([this] { Loop(); });
  }
  ~FaultyProxy() {
    stop_ = true;
    thread_.join();
  }
  int dropped() const { return dropped_; }
  int duplicated() const { return duplicated_; }
  int held() const { return held_; }

 private:
  struct Held {
    bool to_hub;
    std::string payload;
    int rounds;  // released after this many loop rounds
  };
  void Forward(bool to_hub, const std::string& payload) {
    if (to_hub) {
      (void)back_->Send(payload);
    } else if (last_request_) {
      (void)front_->Reply(*last_request_, payload);
    }
  }
  // A fixed cycle, so every kind of fault happens again and again in every run:
  // pass, drop, duplicate, hold back (later messages overtake it), pass.
  void Mangle(bool to_hub, const std::string& payload) {
    switch (count_++ % 5) {
      case 1:
        ++dropped_;
        return;
      case 2:
        ++duplicated_;
        Forward(to_hub, payload);
        Forward(to_hub, payload);
        return;
      case 3:
        ++held_;
        held_queue_.push_back({to_hub, payload, static_cast<int>(2 + rng_() % 8)});
        return;
      default:
        Forward(to_hub, payload);
    }
  }
  void Loop() {
    while (!stop_) {
      auto request = front_->Receive(20);
      if (request.ok() && request.value()) {
        last_request_ = *request.value();
        Mangle(true, last_request_->payload);
      }
      auto reply = back_->Receive(5);
      if (reply.ok() && reply.value()) Mangle(false, *reply.value());
      for (auto it = held_queue_.begin(); it != held_queue_.end();) {
        if (--it->rounds <= 0) {
          Forward(it->to_hub, it->payload);
          it = held_queue_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }

  std::mt19937 rng_;
  std::unique_ptr<HubEndpoint> front_;
  std::unique_ptr<StoreEndpoint> back_;
  std::optional<Request> last_request_;
  std::deque<Held> held_queue_;
  int count_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> dropped_{0}, duplicated_{0}, held_{0};
  std::thread thread_;
};

// A walk-in at S1 who is a customer of S2: the desk asks head office by phone
// while online; once S1 books them, S1 holds their unified profile and shows
// their history at S2 with the hub gone.
TEST_F(SyncE2eTest, AWalkInIsKnownFromAnotherStoreOnlineAndStaysKnownOffline) {
  DeskHarness s2(clock_);
  SecretKeys s2_keys = SecretKeys::Generate("S2");
  ASSERT_TRUE(WriteKeyFiles(s2_keys, dir_.path(), false).ok());
  ASSERT_EQ(s2.Desk({"init", "--store-id", "S2", "--name", "Two"}).exit_code, 0);
  ASSERT_EQ(Hub({"allow", dir_.File("S2.pub")}).exit_code, 0);
  ProcessResult booked =
      s2.Desk({"book", "--phone", "137 0013 7000", "--name", "张三", "--plate", "沪A12345",
               "--date", "tomorrow", "--slot", "10:00", "--service", "maintenance"});
  ASSERT_EQ(booked.exit_code, 0) << booked.err;
  ASSERT_EQ(s2.Desk({"customer", "update", "13700137000", "--dnd"}).exit_code, 0);

  auto hub = std::make_unique<Process>(
      HubArgv({"serve", "--bind", endpoint_, "--resolve-every-ms", "200"}), clock_.Env());
  auto sync1 = StartSync();
  auto sync2 =
      std::make_unique<Process>(s2.Argv({"sync", "--hub", endpoint_, "--hub-key",
                                         dir_.File("HUB.pub"), "--key", dir_.File("S2.key")}),
                                s2.Env());

  // Unknown here; head office knows them from S2 (once S2 has synced and the hub resolved).
  json found;
  for (int i = 0; i < 100; ++i) {
    found = desk_.Json({"customer", "lookup", "13700137000"});
    if (found.contains("head_office") && found["head_office"].is_object() &&
        !found["head_office"]["customers"].empty()) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(found.contains("here")) << found.dump();
  EXPECT_TRUE(found["here"].empty());
  ASSERT_EQ(found["head_office"]["customers"].size(), 1u) << found.dump();
  const json known = found["head_office"]["customers"][0];
  EXPECT_EQ(known["records"][0]["store_id"], "S2");
  EXPECT_EQ(known["records"][0]["name"], "张三");
  EXPECT_TRUE(known["consent"]["do_not_disturb"].get<bool>());
  EXPECT_EQ(known["bookings"][0]["store_id"], "S2");
  EXPECT_EQ(known.dump().find("13700137000"), std::string::npos) << "no phones in answers";
  ProcessResult text = desk_.Desk({"customer", "lookup", "137-0013-7000"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("not a customer of this store yet"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("also a customer at S2: 张三"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("DO NOT CONTACT"), std::string::npos) << text.out;
  // A malformed phone is refused at the desk, naming the phone.
  ProcessResult bad = desk_.Desk({"customer", "lookup", "12ab"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("phone"), std::string::npos) << bad.err;

  // The walk-in books at S1; S1 then holds their unified profile.
  ASSERT_EQ(desk_
                .Desk({"book", "--phone", "13700137000", "--name", "张三", "--date", "tomorrow",
                       "--slot", "14:00", "--channel", "walk-in"})
                .exit_code,
            0);
  json shown;
  for (int i = 0; i < 100; ++i) {
    shown = desk_.Json({"customer", "show", "13700137000"});
    if (shown.contains("unified") && shown["unified"].is_object() &&
        shown["unified"]["profile"]["stores"] == 2) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(shown["unified"].is_object()) << shown.dump();
  EXPECT_EQ(shown["unified"]["profile"]["stores"], 2) << shown.dump();

  // Head office gone: the desk still shows the history at S2, and a look-up
  // says plainly that it could not ask.
  hub->Kill(SIGKILL);
  hub->Wait();
  ProcessResult offline = desk_.Desk({"customer", "show", "13700137000"});
  EXPECT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_NE(offline.out.find("also a customer at S2: 张三"), std::string::npos) << offline.out;
  EXPECT_NE(offline.out.find("at S2"), std::string::npos) << offline.out;
  EXPECT_NE(offline.out.find("DO NOT CONTACT"), std::string::npos) << offline.out;
  ProcessResult cut_off = desk_.Desk({"customer", "lookup", "13700137000", "--timeout-ms", "300"});
  EXPECT_EQ(cut_off.exit_code, 3);
  EXPECT_NE(cut_off.err.find("this store's records only"), std::string::npos) << cut_off.err;
  EXPECT_NE(cut_off.out.find("张三"), std::string::npos) << cut_off.out;
  sync1->Kill(SIGTERM);
  sync2->Kill(SIGTERM);
  sync1->Wait();
  sync2->Wait();
}

TEST_F(SyncE2eTest, ConvergesThroughALossyDuplicatingReorderingNetwork) {
  auto hub = StartHub();
  const std::string proxy_endpoint = FreeTcpEndpoint();
  const uint32_t seed = std::random_device{}();
  std::cout << "proxy seed " << seed << "\n";
  FaultyProxy proxy(proxy_endpoint, endpoint_, hub_keys_, store_keys_, seed);
  auto sync = std::make_unique<Process>(
      desk_.Argv({"sync", "--hub", proxy_endpoint, "--hub-key", dir_.File("HUB.pub"), "--key",
                  dir_.File("S1.key"), "--reply-timeout-ms", "300"}),
      desk_.Env());
  for (int round = 0; round < 8; ++round) {
    for (int i = 0; i < 3; ++i) Book(round * 3 + i);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ASSERT_TRUE(WaitConverged(60)) << "dropped " << proxy.dropped() << ", duplicated "
                                 << proxy.duplicated() << ", held " << proxy.held();
  std::cout << "proxy dropped " << proxy.dropped() << ", duplicated " << proxy.duplicated()
            << ", held back " << proxy.held() << " messages\n";
  EXPECT_GE(proxy.dropped(), 3);
  EXPECT_GE(proxy.duplicated(), 3);
  EXPECT_GE(proxy.held(), 3);
  ExpectSameLogs();
}

}  // namespace
}  // namespace outpost::testing
