// The daemons as an operator monitors them (docs/MONITORING.md): a hub and a
// store's sync process as real processes with their metrics on 127.0.0.1, read
// by real HTTP GETs through an outage of the hub; their log lines (text and
// JSON); and systemd's notifications on a datagram socket the test binds.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <sstream>
#include <thread>

#include "sync/keys.h"
#include "sync/private_file.h"
#include "tests/desk_harness.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

// GET http://127.0.0.1:port/path: {status, body}; status 0 when nothing answered.
std::pair<int, std::string> Get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1);
  auto res = client.Get(path);
  if (!res) return {0, ""};
  return {res->status, res->body};
}

// The value of the sample named exactly `series` ("name" or `name{label="v"}`), or -1.
double Sample(const std::string& metrics, const std::string& series) {
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// Polls `done` every 100 ms for at most `seconds`.
bool Eventually(int seconds, const std::function<bool()>& done) {
  for (int i = 0; i < seconds * 10; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

class MonitoringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    endpoint_ = FreeTcpEndpoint();
    ASSERT_TRUE(WriteKeyFiles(SecretKeys::Generate("HUB"), dir_.path(), false).ok());
    ASSERT_TRUE(WriteKeyFiles(SecretKeys::Generate("S1"), dir_.path(), false).ok());
    ASSERT_EQ(
        desk_.Desk({"init", "--store-id", "S1", "--name", "One", "--capacity", "50"}).exit_code, 0);
    ASSERT_EQ(RunProgram(HubArgv({"init"}), clock_.Env()).exit_code, 0);
    ASSERT_EQ(RunProgram(HubArgv({"allow", dir_.File("S1.pub")}), clock_.Env()).exit_code, 0);
  }
  std::vector<std::string> HubArgv(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {OUTPOST_HUB_BIN, "--db", dir_.File("hub.db"), "--key",
                                     dir_.File("HUB.key")};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  std::vector<std::string> SyncArgs(const std::vector<std::string>& more = {}) {
    return SyncCommandArgs(endpoint_, dir_.File("HUB.pub"), dir_.File("S1.key"), more);
  }
  void Book(int i) {
    ProcessResult r = desk_.Desk({"book", "--phone", "1390000" + std::to_string(1000 + i), "--name",
                                  "C" + std::to_string(i), "--date", "tomorrow", "--slot",
                                  i % 2 ? "10:00" : "14:00"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  SharedClock clock_;
  DeskHarness desk_{clock_};
  TempDir dir_;
  std::string endpoint_;
};

TEST_F(MonitoringTest, MetricsAndStateChangesThroughAHubOutage) {
  const int hub_port = FreeTcpPort();
  const int store_port = FreeTcpPort();
  const std::string hub_metrics = "127.0.0.1:" + std::to_string(hub_port);
  auto start_hub = [&] {
    return std::make_unique<Process>(
        HubArgv({"serve", "--bind", endpoint_, "--metrics", hub_metrics}), clock_.Env());
  };
  auto hub = start_hub();
  Process sync(desk_.Argv(SyncArgs({"--metrics", "127.0.0.1:" + std::to_string(store_port)})),
               desk_.Env());
  Book(0);
  std::string seen;
  ASSERT_TRUE(Eventually(10, [&] {
    seen = Get(hub_port, "/metrics").second;
    return Sample(seen, "outpost_hub_changes_applied_total") >= 2;  // a customer and a booking
  })) << seen;
  EXPECT_GE(Sample(seen, "outpost_hub_batches_applied_total"), 1) << seen;
  EXPECT_NE(seen.find("# TYPE outpost_hub_ingest_seconds histogram"), std::string::npos);
  EXPECT_GE(Sample(seen, "outpost_hub_ingest_seconds_count"), 1) << seen;
  ASSERT_TRUE(Eventually(5, [&] {
    seen = Get(hub_port, "/metrics").second;
    return Sample(seen, "outpost_hub_store_last_contact_age_seconds{store=\"S1\"}") >= 0;
  })) << seen;
  EXPECT_EQ(Sample(seen, "outpost_hub_store_changes_behind{store=\"S1\"}"), 0) << seen;
  EXPECT_EQ(Sample(seen, "outpost_hub_store_pending_requests{store=\"S1\"}"), 0) << seen;
  EXPECT_EQ(Get(hub_port, "/health"), std::make_pair(200, std::string("ok\n")));
  ASSERT_TRUE(Eventually(5, [&] {
    seen = Get(store_port, "/metrics").second;
    return Sample(seen, "outpost_sync_online") == 1 &&
           Sample(seen, "outpost_sync_changes_waiting") == 0;
  })) << seen;
  EXPECT_GE(Sample(seen, "outpost_sync_batches_sent_total"), 1) << seen;
  EXPECT_GE(Sample(seen, "outpost_sync_last_contact_age_seconds"), 0) << seen;
  // A store key head office never allowed: refused at the handshake, counted under its reason.
  TempDir other;
  ASSERT_TRUE(WriteKeyFiles(SecretKeys::Generate("S1"), other.path(), false).ok());
  ProcessResult stranger =
      desk_.Desk({"sync", "--hub", endpoint_, "--hub-key", dir_.File("HUB.pub"), "--key",
                  other.File("S1.key"), "--once", "--reply-timeout-ms", "500"});
  EXPECT_NE(stranger.exit_code, 0);
  ASSERT_TRUE(Eventually(5, [&] {
    seen = Get(hub_port, "/metrics").second;
    return Sample(seen, "outpost_hub_refusals_total{reason=\"connection\"}") >= 1;
  })) << seen;

  hub->Kill(SIGTERM);
  ProcessResult hub_run = hub->Wait();
  EXPECT_EQ(hub_run.exit_code, 0) << hub_run.err;
  EXPECT_NE(hub_run.err.find(" INFO serve: store connected store=S1\n"), std::string::npos)
      << hub_run.err;
  EXPECT_NE(hub_run.err.find(" INFO serve: batch applied store=S1 changes="), std::string::npos)
      << hub_run.err;
  EXPECT_NE(hub_run.err.find(" WARN serve: refused store=? reason=connection detail="),
            std::string::npos)
      << hub_run.err;
  Book(1);
  ASSERT_TRUE(Eventually(10, [&] {
    seen = Get(store_port, "/metrics").second;
    return Sample(seen, "outpost_sync_online") == 0 &&
           Sample(seen, "outpost_sync_changes_waiting") > 0;
  })) << seen;
  EXPECT_EQ(Get(store_port, "/health").first, 200);  // the hub's outage is not the loop's

  hub = start_hub();
  ASSERT_TRUE(Eventually(15, [&] {
    seen = Get(store_port, "/metrics").second;
    return Sample(seen, "outpost_sync_online") == 1 &&
           Sample(seen, "outpost_sync_changes_waiting") == 0;
  })) << seen;
  // Stopped while it waits for the frozen hub's answer: the signal cuts the
  // wait short (EINTR), which is our stop and not news of the link.
  hub->Kill(SIGSTOP);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  sync.Kill(SIGTERM);
  ProcessResult sync_run = sync.Wait();
  hub->Kill(SIGCONT);
  hub->Kill(SIGTERM);
  hub->Wait();
  EXPECT_EQ(sync_run.exit_code, 0) << sync_run.err;
  const std::string& log = sync_run.err;
  // Each change of state once: online, caught up, offline since (with the
  // reason), online and caught up again; never a line per round.
  EXPECT_EQ(Count(log, " INFO sync: online hub=" + endpoint_), 2u) << log;
  EXPECT_EQ(Count(log, " INFO sync: caught up waiting=0\n"), 2u) << log;
  EXPECT_EQ(Count(log, " WARN sync: offline since 2026-11-23T"), 1u) << log;
  EXPECT_NE(log.find("reason=\"connection "), std::string::npos) << log;
  EXPECT_LT(log.find(" WARN sync: offline since"), log.rfind(" INFO sync: online"));
  EXPECT_NE(log.find(" INFO sync: stopped\n"), std::string::npos) << log;
}

TEST_F(MonitoringTest, JsonLogLinesParseAndBadSettingsAreRefused) {
  // Nothing listens at the hub's endpoint: the process logs that it is offline.
  ProcessResult run =
      RunProgram(desk_.Argv({"--log-format", "json", "sync", "--hub", endpoint_, "--hub-key",
                             dir_.File("HUB.pub"), "--key", dir_.File("S1.key"), "--seconds", "1"}),
                 desk_.Env());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(run.err);
  int offline = 0, total = 0;
  for (std::string line; std::getline(lines, line);) {
    json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(parsed.is_object()) << line;
    ++total;
    EXPECT_EQ(parsed["time"].get<std::string>().rfind("2026-11-23T01:00:", 0), 0u) << line;
    EXPECT_EQ(parsed["component"], "sync") << line;
    if (parsed["msg"].get<std::string>().rfind("offline since ", 0) == 0) {
      ++offline;
      EXPECT_EQ(parsed["level"], "warn") << line;
      EXPECT_EQ(parsed["hub"], endpoint_) << line;
      EXPECT_EQ(parsed["reason"], "connection refused") << line;
      EXPECT_TRUE(parsed["waiting"].is_number()) << line;
    }
  }
  EXPECT_EQ(offline, 1) << run.err;
  EXPECT_GE(total, 3) << run.err;  // started, offline since, stopped

  ProcessResult bad = desk_.Desk({"--log-format", "xml", "sync", "--hub", endpoint_, "--hub-key",
                                  dir_.File("HUB.pub"), "--key", dir_.File("S1.key"), "--once"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--log-format: 'xml' is not a log format (text or json"),
            std::string::npos)
      << bad.err;
  ProcessResult open = desk_.Desk(SyncArgs({"--metrics", "0.0.0.0:9100", "--seconds", "1"}));
  EXPECT_NE(open.exit_code, 0);
  EXPECT_NE(open.err.find("--metrics: '0.0.0.0' is not a loopback address"), std::string::npos)
      << open.err;
}

// A unix datagram socket standing in for systemd's NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval wait{0, 100'000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  }
  ~NotifySocket() {
    close(fd_);
    unlink(path_.c_str());
  }
  bool bound() const { return bound_; }
  // Reads datagrams for at most `seconds` until one holds `line`; all read so far in `seen`.
  bool WaitFor(const std::string& line, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      char buffer[4096];
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      const std::string datagram(buffer, static_cast<size_t>(n));
      seen += datagram + "|";
      if (("\n" + datagram + "\n").find("\n" + line + "\n") != std::string::npos) return true;
    }
    return false;
  }
  std::string seen;

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

TEST_F(MonitoringTest, EveryDaemonTellsSystemdReadyWatchdogAndStopping) {
  const std::string web_bind = "127.0.0.1:" + std::to_string(FreeTcpPort());
  // The senders need a relay only to send: nothing is due, none is reached.
  const std::string secret = dir_.File("relay.secret");
  ASSERT_TRUE(WritePrivateFile(secret, "0123456789abcdef0123456789abcdef\n").ok());
  const std::vector<std::string> relay = {"--gateway", "http://127.0.0.1:9/messages",
                                          "--secret-file", secret};
  auto with = [](std::vector<std::string> argv, const std::vector<std::string>& more) {
    argv.insert(argv.end(), more.begin(), more.end());
    return argv;
  };
  const std::vector<std::pair<std::string, std::vector<std::string>>> daemons = {
      {"outpost-hub serve", HubArgv({"serve", "--bind", endpoint_})},
      {"outpost-hub web", HubArgv({"web", "--bind", web_bind})},
      {"outpost-hub notify", with(HubArgv({"notify"}), relay)},
      {"outpost-edge sync", desk_.Argv(SyncArgs())},
      {"outpost-edge notify", with(desk_.Argv({"notify"}), relay)},
  };
  for (const auto& [name, argv] : daemons) {
    NotifySocket socket(dir_.File("notify.sock"));
    ASSERT_TRUE(socket.bound()) << name;
    std::vector<std::string> env = desk_.Env();
    env.push_back("NOTIFY_SOCKET=" + dir_.File("notify.sock"));
    env.push_back("WATCHDOG_USEC=200000");  // a ping at least every 100 ms
    Process daemon(argv, env);
    EXPECT_TRUE(socket.WaitFor("READY=1", 10)) << name << ": " << socket.seen;
    EXPECT_TRUE(socket.WaitFor("WATCHDOG=1", 3)) << name << ": " << socket.seen;
    daemon.Kill(SIGTERM);
    EXPECT_TRUE(socket.WaitFor("STOPPING=1", 5)) << name << ": " << socket.seen;
    ProcessResult ended = daemon.Wait();
    EXPECT_EQ(ended.exit_code, 0) << name << ": " << ended.err;
  }
}

}  // namespace
}  // namespace outpost::testing
