// SyncClient: sends a store's change log to the hub and records where it stands.
//
// Runs in its own process (`outpost-edge sync`), never in the desk's: the desk
// writes bookings and their log entries locally and never waits on the network.
// Each round sends the changes after the hub's last acknowledgement (or a hello
// when there are none), waits for the Ack, and moves `sync_state` forward only
// on an Ack, which the hub sends after its durable commit. Delivery is at least
// once; the hub's apply is idempotent. A crash of either side resumes from the
// last acknowledged seq. Thread-compatible.
//
// The protocol steps are usable without a transport (NextMessage, HandleReply,
// RecordNoAnswer): RunOnce is them around one StoreEndpoint exchange, and a
// caller that carries the bytes itself (tests/convergence_sim_test.cc) drives
// the same steps through its own network.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "edge/store.h"
#include "sync/clock.h"
#include "sync/keys.h"
#include "sync/log.h"
#include "sync/metrics.h"
#include "sync/sqlite.h"
#include "sync/transport.h"
#include "sync/wire.h"

namespace outpost::edge {

struct SyncStatus {
  int64_t last_seq = 0;       // newest change in the local log
  int64_t hub_acked_seq = 0;  // newest change the hub has committed
  std::optional<std::string> last_contact;
  std::optional<std::string> offline_since;
  std::optional<std::string> last_status;
  std::string log_head;         // hex hash of the newest log entry: equal heads, equal logs
  bool hub_reads_zstd = false;  // the hub's last answer said it opens compressed batches
  int64_t waiting() const { return last_seq - hub_acked_seq; }
};

Result<SyncStatus> ReadSyncStatus(Db& db);

// The store sync process's metrics (docs/MONITORING.md), defined on `metrics`
// before its server starts; SyncClient::Run keeps them.
void DefineSyncMetrics(Metrics& metrics);

// Who watches a running SyncClient; each may be absent.
struct SyncObservers {
  // Each change of state, once: online, offline since T (with the reason),
  // refused by the hub (with its reason), caught up. Never a line per round.
  const Logger* log = nullptr;
  Metrics* metrics = nullptr;            // DefineSyncMetrics's families, set each round
  std::function<void()> each_turn = {};  // called every turn and pause step (the watchdog)
  // Catching up (changes were waiting when a round began): after each round,
  // before its log line, the changes the hub acknowledged since the catch-up
  // began and the changes it had to take (the waiting ones and any written
  // since); `ended` when nothing waits or the hub did not answer. For a
  // progress bar; the rounds read the log's state only when it is set.
  std::function<void(int64_t done, int64_t total, bool ended)> catch_up = {};
};

class SyncClient {
 public:
  // `reply_timeout_ms`: how long a request waits for the hub's answer before it
  // counts as unanswered (a slow link wants more than a LAN). `endpoints`: one
  // hub endpoint, or several separated by commas (hub processes on one
  // database): after kUnansweredBeforeFailover unanswered rounds in a row the
  // next round goes to the next one.
  static Result<std::unique_ptr<SyncClient>> Create(const std::string& db_path,
                                                    const std::string& endpoints,
                                                    const SecretKeys& keys, const PublicKeys& hub,
                                                    const Clock& clock,
                                                    int reply_timeout_ms = 2000);
  // The same client with no transport: RunOnce and Run refuse; the caller
  // moves the messages of NextMessage and HandleReply itself.
  static Result<std::unique_ptr<SyncClient>> CreateWithoutTransport(const std::string& db_path,
                                                                    SecretKeys keys, PublicKeys hub,
                                                                    const Clock& clock);
  // One exchange with the hub. Ok when the hub answered.
  Status RunOnce();

  // Batches sent before the first is acknowledged: the hub opens the next
  // while it applies one (hub/open_ahead.h). Safe because the hub applies a
  // store's messages in order and acknowledges each with its cursor: if one is
  // refused or lost, the next is answered "gap" and the round resends from the
  // cursor.
  static constexpr int kBatchesInFlight = 2;

  // Changes per batch (default 5,000, about 2.5 MB on the wire): a slow link
  // may want fewer.
  void SetBatchSize(int64_t changes) { batch_changes_ = std::max<int64_t>(1, changes); }

  // The sealed message to send now: the changes after the hub's last
  // acknowledgement (at most one batch), or a hello when there are none; both
  // say how far this store has answered head office's requests.
  Result<std::string> NextMessage();
  // The messages of one round: NextMessage's, and while more changes wait,
  // the batches after it, up to kBatchesInFlight.
  Result<std::vector<std::string>> NextMessages();
  // One sealed message from the network. An Ack from our hub for this store
  // moves sync_state to the hub's cursor (forward or back) and applies its
  // pushes exactly once each: true. Anything else (another sender, damaged,
  // not an Ack) is ignored: false. An error only when the store cannot write.
  Result<bool> HandleReply(std::string_view sealed);
  // Records a round the hub did not answer (`why` becomes the last status).
  Status RecordNoAnswer(const std::string& why);
  // Rounds until `stop`, backing off 100 ms -> 5 s while the hub does not answer,
  // telling `observers` where it stands.
  void Run(const std::atomic<bool>& stop, const SyncObservers& observers = {});
  // Batches sent since the client was made (a resend counts again).
  int64_t batches_sent() const { return batches_sent_; }
  // Unanswered rounds in a row on one endpoint before the next is tried. Safe
  // at any moment: the hub's cursor, not the store's, says where a round
  // resumes, so any hub process on the same database answers it correctly.
  static constexpr int kUnansweredBeforeFailover = 2;
  // The endpoint the next round goes to.
  const std::string& hub_endpoint() const { return hub_endpoint_; }
  // Switches to the next endpoint made since the client was made.
  int64_t failovers() const { return failovers_; }

 private:
  SyncClient(std::unique_ptr<Db> db, std::unique_ptr<Store> store,
             std::unique_ptr<StoreEndpoint> endpoint, SecretKeys keys, PublicKeys hub,
             std::string site, const Clock& clock)
      : db_(std::move(db)),
        store_(std::move(store)),
        endpoint_(std::move(endpoint)),
        keys_(std::move(keys)),
        hub_(std::move(hub)),
        site_(std::move(site)),
        clock_(clock) {}
  // `hub_reads_zstd`: what the hub's answer said of compressed batches.
  Status Record(std::optional<int64_t> acked, const std::string& status, bool answered,
                std::optional<bool> hub_reads_zstd = std::nullopt);
  Result<std::vector<std::string>> NextMessages(int batches);
  // Counts an unanswered round; after kUnansweredBeforeFailover in a row, with
  // another endpoint to try, connects to it for the next round.
  Status NoteUnansweredRound();
  // Applies head office's requests through Store::Book, exactly once each.
  Status ApplyPushes(const std::vector<WirePush>& pushes);
  // Where the store stands with the hub, as Run logs it.
  enum class LinkPhase { kStarting, kOnline, kOffline, kRefused };
  // Logs a change of phase (or of the refusal's reason) after a round; `st` its result.
  void LogRound(const Status& st, const Result<SyncStatus>& state, const Logger& log);
  void KeepMetrics(const Status& st, const Result<SyncStatus>& state, Metrics& metrics) const;

  std::unique_ptr<Db> db_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<StoreEndpoint> endpoint_;
  SecretKeys keys_;
  PublicKeys hub_;
  std::string site_;
  const Clock& clock_;
  int reply_timeout_ms_ = 2000;
  std::vector<std::string> endpoints_;  // as given, in the order tried
  size_t current_ = 0;                  // endpoints_[current_] is endpoint_'s
  std::string hub_endpoint_;            // endpoints_[current_], for the log
  std::string logged_endpoint_;         // the endpoint the last log line named
  int unanswered_rounds_ = 0;           // in a row, on the current endpoint
  int64_t failovers_ = 0;
  int64_t batch_changes_ = 5000;
  int64_t reported_ = 0;  // newest answered request the hub has been told about
  bool profiles_in_last_answer_ = false;
  bool last_messages_are_batches_ = false;  // NextMessages's last answer: batches, not a hello
  int64_t batches_sent_ = 0;
  LinkPhase phase_ = LinkPhase::kStarting;
  std::string refusal_;           // kRefused: the reason logged
  bool caught_up_logged_ = true;  // "caught up" logged since the last "online"
};

}  // namespace outpost::edge
