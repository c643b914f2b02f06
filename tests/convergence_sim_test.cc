// The convergence simulation (issue 4, item 8): many real stores and a real
// hub in one process, a simulated network driven by one seeded generator, so a
// seed reproduces a run exactly (FoundationDB's discipline, on our parts).
//
// Real parts: edge::Store on SQLite files, the store's sync steps
// (edge::SyncClient without its ZeroMQ endpoint: NextMessage / HandleReply,
// the same code RunOnce runs), hub::Hub, sealed envelopes both ways. Simulated:
// time (each store's FixedClock is the shared time plus its own skew of up to
// +-3 h), the network (every message may be lost, duplicated, delayed or
// reordered, in both directions), partitions (a store cut off for a while, the
// hub down and restarted), process restarts of a store's sync client. Work at
// the desks and at head office runs concurrently: desk bookings of one shared
// pool of customers into the same slots, customer updates (consent, phones),
// status transitions and reschedules, and call-centre bookings queued at the
// hub that reach stores on acks while the stores book offline.
//
// Each seed also picks the run's shape (4-8 stores, 6-30 customers, 1-3 places
// a slot, 100-200 ticks, how lossy the network is).
// After healing (everything reconnected, no loss, rounds until quiet) it
// asserts: (1) every store's log equals the hub's copy (seq and head hash),
// and every row the store holds has the same values in the hub's entities;
// (2) a fresh hub fed every archived batch shuffled and duplicated reaches the
// same StateDigest, every hub entity equals the merge rules folded over its
// history in any order, and identity resolution links the same records on
// both hubs; (3) every write acknowledged at a desk is at the hub; (4) every
// call-centre request was applied exactly once at its store; (5) no slot holds
// more bookings than places without an open over-capacity case, at the store
// and in the hub's view; (6) the same seed gives the same run; (7) follow-up
// tasks worked at both sites while cut off (the store's calls at its desk,
// head office's as "task-attempt" requests): every call made at either site
// is on its task once, at the store and at the hub, in time order; the
// task's outcome is its earliest completing call's; each task whose two
// sites' answers contradict has exactly one "task-conflict" case (no task
// more than one). See docs/CONFLICTS.md, "Convergence simulation", and
// docs/FOLLOWUP.md, "Head office and the store on one task".
//
// Ids, keys and nonces come from libsodium's CSPRNG; for the length of a run
// it is replaced by a ChaCha20 stream seeded from the run's seed, or no two
// runs could agree on a digest.
//
// Environment: OUTPOST_SIM_SEED=N replays seed N only; OUTPOST_SIM_SOAK_SEEDS=N
// runs the soak test over N more seeds (nightly), from OUTPOST_SIM_SOAK_FIRST
// (default 1000).
#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "edge/store.h"
#include "edge/sync_client.h"
#include "edge/tasks.h"
#include "hub/hub.h"
#include "hub/identity.h"
#include "hub/migrate_db.h"
#include "hub/queries/stores.h"
#include "hub/storage/sqlite/identity_store.h"
#include "hub/task_attempts.h"
#include "sync/changelog.h"
#include "sync/envelope.h"
#include "sync/merge.h"
#include "sync/wire.h"
#include "tests/hub_db.h"
#include "tests/hub_file.h"

namespace outpost {
namespace {

using nlohmann::json;

// ---- deterministic randomness for ids, keys and nonces ----

// libsodium's randombytes, replaced while a run lasts by a ChaCha20 stream
// (randombytes_buf_deterministic) whose 32-byte seed is incremented per call.
class SeededSodium {
 public:
  explicit SeededSodium(uint64_t seed) {
    if (sodium_init() < 0) std::abort();
    seed_.fill(0);
    for (int i = 0; i < 8; ++i) seed_[i] = static_cast<unsigned char>(seed >> (8 * i));
    seed_[31] = 0x5e;  // a domain of its own, apart from the simulation's generator
    sysrandom_ = std::strcmp(randombytes_implementation_name(), "sysrandom") == 0;
    static randombytes_implementation impl = {&Name, &Random, nullptr, nullptr, &Buf, nullptr};
    randombytes_set_implementation(&impl);
  }
  ~SeededSodium() {
    randombytes_set_implementation(sysrandom_ ? &randombytes_sysrandom_implementation
                                              : &randombytes_internal_implementation);
  }
  SeededSodium(const SeededSodium&) = delete;
  SeededSodium& operator=(const SeededSodium&) = delete;

 private:
  static const char* Name() { return "outpost-sim-seeded"; }
  static void Buf(void* const buf, const size_t size) {
    randombytes_buf_deterministic(buf, size, seed_.data());
    sodium_increment(seed_.data(), seed_.size());
  }
  static uint32_t Random() {
    uint32_t v;
    Buf(&v, sizeof v);
    return v;
  }
  static inline std::array<unsigned char, randombytes_SEEDBYTES> seed_{};
  bool sysrandom_ = false;
};

// The run's files: in memory (/dev/shm) where there is one. The simulation is
// about convergence, not power cuts (tests/crash_test.cc is), and every commit
// is fsynced: on a disk the run would wait on the disk for most of its time.
class SimDir {
 public:
  SimDir() {
    std::error_code ec;
    std::string base = std::filesystem::temp_directory_path(ec).string();
    if (std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0) {
      base = "/dev/shm";
    }
    std::string pattern = base + "/outpost-sim-XXXXXX";
    path_ = mkdtemp(pattern.data()) ? pattern : std::string();
  }
  ~SimDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  SimDir(const SimDir&) = delete;
  SimDir& operator=(const SimDir&) = delete;
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

// ---- the shape of a run ----

struct SimConfig {
  int stores = 6;
  int people = 24;   // the shared pool of customers
  int capacity = 2;  // places per slot (six slots a day, three days)
  int ticks = 150;   // chaos phase; one tick is 2 minutes of shared time
  int64_t tick_ms = 120'000;
  int64_t max_skew_ms = int64_t{3} * 3600'000;  // each store's clock: shared time +- up to 3 h
  double desk_op = 0.45;                        // per store and tick: the desk does something
  double call_centre = 0.5;                     // per tick: head office books for a random store
  double loss = 0.15;                           // per message
  double duplicate = 0.1;                       // per message
  int max_delay_ticks = 3;                      // each copy is delayed 0..max ticks (reordering)
  int reply_timeout_ticks = 2;    // a sync round unanswered this long counts as no answer
  double store_cut = 0.01;        // per store and tick: cut off for 5..40 ticks
  double hub_down = 0.008;        // per tick: hub down (and restarted) for 5..30 ticks
  double sync_restart = 0.005;    // per store and tick: the sync process restarts
  double clock_step = 0.004;      // per store and tick: its clock is reset to a new skew
  double resolve = 0.05;          // per tick: the hub runs identity resolution
  double notify_pass = 0.3;       // per store and tick: its notify process makes a pass
  double notify_kill = 0.1;       // per message sent: notify killed before recording the answer
  double task_call = 0.08;        // per store and tick: the desk calls one of its open tasks
  double head_office_call = 0.2;  // per tick: head office calls a store's task it knows
  int heal_ticks = 400;           // at most, to become quiet after healing

  std::string ToString() const {
    return std::to_string(stores) + " stores, " + std::to_string(people) + " customers, " +
           std::to_string(capacity) + " places a slot, " + std::to_string(ticks) + " ticks, loss " +
           std::to_string(static_cast<int>(loss * 100)) + "%, duplicates " +
           std::to_string(static_cast<int>(duplicate * 100)) +
           "%, delay <= " + std::to_string(max_delay_ticks);
  }
};

// Each seed also picks the shape of its run around the defaults (how many
// stores, how long, how lossy the network), so the soak covers more than one
// shape; the same seed always gets the same shape.
SimConfig ConfigFor(uint64_t seed) {
  std::mt19937_64 g(seed ^ 0x9e3779b97f4a7c15ULL);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(g() % (hi - lo + 1)); };
  SimConfig c;
  c.stores = pick(4, 8);
  c.people = pick(6, 30);
  c.capacity = pick(1, 3);
  c.reply_timeout_ticks = pick(1, 3);
  c.ticks = pick(100, 200);
  c.loss = pick(0, 30) / 100.0;
  c.duplicate = pick(0, 20) / 100.0;
  c.max_delay_ticks = pick(0, 4);
  c.store_cut = pick(5, 20) / 1000.0;
  c.desk_op = pick(30, 60) / 100.0;
  c.call_centre = pick(20, 80) / 100.0;
  return c;
}

struct Person {
  std::string name;
  std::string phone;
  std::string second_phone;  // added later by an update
  std::string plate;         // empty: comes without a car
};

// A write the desk acknowledged to staff (the call returned ok): the log
// entries its transaction wrote, and what it must have said.
struct AckedWrite {
  int store = 0;
  std::string what;                                  // for messages
  std::vector<std::pair<int64_t, Hash256>> entries;  // (seq, hash) in the store's log
  std::string entity, entity_id, field;
  json value;  // the field's value in one of the entity's changes at the hub
};

struct SimStats {
  int64_t acked = 0, refused = 0, messages = 0, lost = 0, duplicated = 0, call_centre = 0;
  int64_t cuts = 0, hub_downs = 0, restarts = 0, clock_steps = 0, over_capacity_cases = 0,
          needs_reschedule = 0, over_full_slots = 0;
  int64_t heal_ticks = 0;
  int64_t outreach_sent = 0, outreach_resent = 0, notify_kills = 0;
  int64_t task_calls = 0, task_conflicts = 0;
  std::string ToString() const {
    auto n = [](int64_t v) { return std::to_string(v); };
    return "acked " + n(acked) + ", refused " + n(refused) + ", messages " + n(messages) +
           " (lost " + n(lost) + ", duplicated " + n(duplicated) + "), call-centre " +
           n(call_centre) + ", cuts " + n(cuts) + ", hub down " + n(hub_downs) +
           ", sync restarts " + n(restarts) + ", clock steps " + n(clock_steps) +
           ", over-full slots " + n(over_full_slots) + ", over-capacity cases " +
           n(over_capacity_cases) + ", needs-reschedule " + n(needs_reschedule) +
           ", outreach sent " + n(outreach_sent) + " (asked again after a kill " +
           n(outreach_resent) + ", kills " + n(notify_kills) + "), task calls " + n(task_calls) +
           " (contradicting " + n(task_conflicts) + "), healed in " + n(heal_ticks) + " ticks";
  }
};

struct SimOutcome {
  std::string hub_digest;
  std::vector<std::string> store_heads;
  SimStats stats;
};

const std::vector<std::string>& SlotTimes() {
  static const std::vector<std::string> times = {"08:30", "10:00", "11:00",
                                                 "14:00", "15:00", "16:00"};
  return times;
}
const char* const kDays[] = {"2026-11-24", "2026-11-25", "2026-11-26"};
// 08:00 in Shanghai on the first booking day: the desks open.
constexpr const char* kStart = "2026-11-24T00:00:00Z";

int64_t LogSeq(Db& db) {
  auto st = db.Prepare("SELECT coalesce(max(seq), 0) FROM change_log").value();
  EXPECT_TRUE(st.Step().value());
  return st.Int(0);
}

class Simulation {
 public:
  Simulation(uint64_t seed, SimConfig config) : seed_(seed), config_(config), rng_(seed) {}

  // The whole run; failures are reported through gtest. Returns what a second
  // run of the same seed must reproduce.
  SimOutcome Run() {
    SeededSodium sodium(seed_);
    Setup();
    if (::testing::Test::HasFatalFailure()) return {};
    // At least one outage of the hub in every run, while the desks work on.
    planned_hub_down_ = Uniform(10, config_.ticks / 2);
    for (tick_ = 0; tick_ < config_.ticks; ++tick_) {
      Tick(/*chaos=*/true);
      if (::testing::Test::HasFatalFailure()) return {};
    }
    Heal();
    if (::testing::Test::HasFatalFailure()) return {};
    RefreshHubFile();  // the healed hub, as every check below reads it
    CheckLogsEqual();
    CheckHubMirrorsStores();
    CheckReplayOnFreshHub();
    CheckMergeFold();
    CheckIdentity();
    CheckAckedWrites();
    CheckCallCentreExactlyOnce();
    CheckCapacity();
    CheckNoSecurityEvents();
    CheckOutreach();
    CheckTasksWorkedAtBothSites();
    SimOutcome out;
    out.hub_digest = hub_->StateDigest().value();
    for (auto& s : stores_) out.store_heads.push_back(edge::ReadSyncStatus(*s.read)->log_head);
    out.stats = stats_;
    return out;
  }

 private:
  struct SimStore {
    std::string site;
    int64_t skew_ms = 0;
    std::unique_ptr<FixedClock> clock;
    SecretKeys keys;
    std::unique_ptr<edge::Store> desk;
    std::unique_ptr<edge::SyncClient> sync;
    std::unique_ptr<Db> read;  // the test's own reads of the store's file
    int cut_until = -1;        // cut off from the network until this tick
    int awaiting_since = -1;   // tick the unanswered request was sent; -1: none
  };
  struct Packet {
    int due = 0;
    bool to_hub = false;
    int store = 0;
    std::string bytes;
  };

  // ---- the generator: every choice of the run comes from rng_ ----
  uint64_t Next() { return rng_(); }
  int Uniform(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Next() % i]);
  }

  void Setup() {
    ASSERT_TRUE(dir_.ok()) << "cannot make a directory for the run";
    const int64_t start = ParseUtcMs(kStart).value();
    hub_clock_ = std::make_unique<FixedClock>(start);
    hub_keys_ = SecretKeys::Generate("HUB");
    hub_location_ = testing::HubLocation(dir_.File("hub.db"));
    auto hub = hub::Hub::Create(hub_location_, hub_keys_, *hub_clock_);
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = std::move(hub.value());
    for (int i = 0; i < config_.people; ++i) {  // at most 100
      const std::string n = std::string(i < 10 ? "0" : "") + std::to_string(i);
      people_.push_back(
          {"Customer " + n, "138001380" + n, "139001390" + n, i % 3 == 0 ? "" : "沪A100" + n});
    }
    stores_.resize(config_.stores);
    for (int i = 0; i < config_.stores; ++i) {
      SimStore& s = stores_[i];
      s.site = "S" + std::to_string(i + 1);
      s.skew_ms = static_cast<int64_t>(Uniform(-180, 180)) * 60'000;
      if (i == 0) s.skew_ms = -config_.max_skew_ms;  // the extremes always take part
      if (i == 1) s.skew_ms = config_.max_skew_ms;
      s.clock = std::make_unique<FixedClock>(start + s.skew_ms);
      s.keys = SecretKeys::Generate(s.site);
      edge::StoreSettings settings;
      settings.store_id = s.site;
      settings.name = "Store " + s.site;
      settings.slots.clear();
      for (const auto& t : SlotTimes()) settings.slots.push_back({t, config_.capacity});
      auto desk = edge::Store::Create(StorePath(i), settings, *s.clock);
      ASSERT_TRUE(desk.ok()) << desk.status().ToString();
      s.desk = std::move(desk.value());
      ASSERT_TRUE(hub_->AllowStore(s.keys.pub).ok());
      StartSync(i);
      Db::Options options;
      options.create_if_missing = false;
      s.read = Db::Open(StorePath(i), options).value();
    }
  }

  std::string StorePath(int i) const { return dir_.File(stores_[i].site + ".db"); }

  void StartSync(int i) {
    SimStore& s = stores_[i];
    s.sync.reset();
    auto sync =
        edge::SyncClient::CreateWithoutTransport(StorePath(i), s.keys, hub_keys_.pub, *s.clock);
    ASSERT_TRUE(sync.ok()) << sync.status().ToString();
    s.sync = std::move(sync.value());
    s.awaiting_since = -1;
  }

  bool HubUp() const { return tick_ >= hub_down_until_; }
  bool Cut(int i) const { return tick_ < stores_[i].cut_until; }

  // Every clock moves with the shared time; each store keeps its skew. Within
  // a tick each action moves its own clock on by a little, so no two actions
  // of a store share a timestamp.
  void AdvanceClocks() {
    const int64_t shared = ParseUtcMs(kStart).value() + tick_ * config_.tick_ms;
    hub_clock_->Set(std::max(hub_clock_->NowMs() + 1, shared));
    for (auto& s : stores_) s.clock->Set(std::max(s.clock->NowMs() + 1, shared + s.skew_ms));
  }

  void Tick(bool chaos) {
    AdvanceClocks();
    loss_ = chaos ? config_.loss : 0;
    duplicate_ = chaos ? config_.duplicate : 0;
    max_delay_ = chaos ? config_.max_delay_ticks : 0;
    if (chaos) {
      Faults();
      for (int i = 0; i < config_.stores; ++i) {
        if (Chance(config_.desk_op)) DeskOp(i);
        if (Chance(config_.notify_pass)) NotifyPass(i);
        if (Chance(config_.task_call)) StoreTaskCall(i);
        if (::testing::Test::HasFatalFailure()) return;
      }
      if (HubUp() && Chance(config_.call_centre)) CallCentre();
      if (HubUp() && Chance(config_.head_office_call)) HeadOfficeTaskCall();
      if (HubUp() && Chance(config_.resolve)) {
        // Head office links customers now and then, on whatever has arrived.
        auto stats = hub_->MakeIdentity().Resolve(false);
        ASSERT_TRUE(stats.ok()) << stats.status().ToString();
      }
    }
    for (int i = 0; i < config_.stores; ++i) SyncStep(i);
    Deliver();
  }

  void Faults() {
    for (int i = 0; i < config_.stores; ++i) {
      if (!Cut(i) && Chance(config_.store_cut)) {
        stores_[i].cut_until = tick_ + Uniform(5, 40);
        ++stats_.cuts;
      }
      if (Chance(config_.clock_step)) {
        // The store's clock is set right, or wrong: a step of hours, either way.
        SimStore& s = stores_[i];
        s.skew_ms = static_cast<int64_t>(Uniform(-180, 180)) * 60'000;
        s.clock->Set(ParseUtcMs(kStart).value() + tick_ * config_.tick_ms + s.skew_ms);
        ++stats_.clock_steps;
      }
      if (Chance(config_.sync_restart)) {
        StartSync(i);
        ++stats_.restarts;
      }
    }
    if (HubUp() && (tick_ == planned_hub_down_ || Chance(config_.hub_down))) {
      hub_down_until_ = tick_ + Uniform(5, 30);
      hub_restart_pending_ = true;
      ++stats_.hub_downs;
    }
    if (HubUp() && hub_restart_pending_) RestartHub();
  }

  // The hub's file on the test's own read-only connection, to check what the
  // hub wrote (tests/hub_file.h). With the hub on PostgreSQL (the "pg." run),
  // a copy of it made by `outpost-hub migrate-db`'s code, which proves the
  // copy by every table's digest and the state digest; RefreshHubFile()
  // takes a new one after the hub wrote (on SQLite the connection sees every
  // write as it is made).
  Db& HubFile() {
    if (!hub_file_) RefreshHubFile();
    return *hub_file_;
  }
  void RefreshHubFile() {
    hub_file_.reset();
    std::string file = hub_location_;
    if (testing::HubOnPostgres()) {
      file = dir_.File("hub-copy-" + std::to_string(++hub_copies_) + ".db");
      auto copied = hub::MigrateHub(hub_location_, file, hub_keys_, *hub_clock_);
      EXPECT_TRUE(copied.ok()) << copied.status().ToString();
    }
    hub_file_ = testing::OpenHubFileReadOnly(file);
  }

  // The hub's process comes back: everything it knew is in its file.
  void RestartHub() {
    hub_restart_pending_ = false;
    hub_.reset();
    auto hub = hub::Hub::Open(hub_location_, hub_keys_, *hub_clock_);
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = std::move(hub.value());
  }

  // ---- the desks ----

  // Runs one desk call; when it returns ok (acknowledged to staff) remembers
  // the log entries its transaction wrote and what they must say.
  template <typename Call>
  void Desk(int i, const std::string& what, Call call) {
    SimStore& s = stores_[i];
    s.clock->Advance(Uniform(1, 2000));
    const int64_t before = LogSeq(*s.read);
    AckedWrite w;
    w.store = i;
    w.what = s.site + " " + what;
    const bool ok = call(w);
    if (!ok) {
      ++stats_.refused;
      return;
    }
    ++stats_.acked;
    const int64_t after = LogSeq(*s.read);
    if (after > before) {
      auto entries = ReadChanges(*s.read, before + 1, after - before).value();
      for (const auto& e : entries) w.entries.emplace_back(e.seq, e.hash);
    }
    acked_.push_back(std::move(w));
  }

  // ---- outreach: the store's notify process and an idempotent relay ----

  // One pass of a store's notify process (edge/notify.h) against the
  // simulated relay, which, like the real one, delivers a key once. Each
  // message handed over is checked against what the store knew then.
  void NotifyPass(int i) {
    SimStore& s = stores_[i];
    auto plan = s.desk->PlanOutreach();
    ASSERT_TRUE(plan.ok()) << s.site << ": " << plan.status().ToString();
    auto due = s.desk->MessagesDue();
    ASSERT_TRUE(due.ok()) << due.status().ToString();
    for (const model::Message& m : *due) {
      if (m.channel == "call") continue;
      auto ticket = s.desk->BeginSend(m.id);
      ASSERT_TRUE(ticket.ok()) << s.site << " " << m.id << ": " << ticket.status().ToString();
      if (!*ticket) continue;
      CheckAllowedWhenSent(s, (*ticket)->message);
      int& handed = relay_[(*ticket)->message.idempotency_key];
      ++handed;
      ++(handed == 1 ? stats_.outreach_sent : stats_.outreach_resent);
      if (Chance(config_.notify_kill)) {
        ++stats_.notify_kills;  // the answer never recorded: asked again next pass
        continue;
      }
      edge::SendResult accepted;
      accepted.kind = edge::SendResult::Kind::kAccepted;
      accepted.receipt_id = "R-" + m.id;
      ASSERT_TRUE(s.desk->FinishSend(m.id, accepted).ok());
    }
  }

  // Nobody is contacted against their wish as known at the sending site when
  // it sent: the booking still wanted there, no opt-out of SMS, no
  // do-not-disturb on the store's record.
  void CheckAllowedWhenSent(SimStore& s, const model::Message& m) {
    if (m.booking_id) {
      auto b = s.desk->GetBooking(*m.booking_id);
      ASSERT_TRUE(b.ok()) << b.status().ToString();
      EXPECT_TRUE(b->status == BookingStatus::kRequested || b->status == BookingStatus::kConfirmed)
          << s.site << " sent " << m.step << " for a booking " << BookingStatusName(b->status);
    }
    auto c = s.desk->ResolveCustomer(m.customer_id);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_FALSE(c->do_not_disturb) << s.site << " sent " << m.step << " under do-not-disturb";
    EXPECT_NE(c->consent[static_cast<int>(ContactChannel::kSms)].choice, ContactChoice::kOptedOut)
        << s.site << " sent " << m.step << " by SMS to someone who opted out of SMS";
  }

  // After healing: every message handed to the relay is recorded as sent, or
  // as sending when the run ended before its answer was recorded; no booking
  // got the same step twice; head office holds every message as the store.
  void CheckOutreach() {
    std::set<std::pair<std::string, std::string>> steps;  // (booking, step) delivered
    int64_t messages = 0;
    for (auto& s : stores_) {
      auto st = s.read
                    ->Prepare(
                        "SELECT idempotency_key, booking_id, step, status, reason"
                        " FROM messages")
                    .value();
      while (st.Step().value()) {
        ++messages;
        const bool handed = relay_.count(st.Text(0)) > 0;
        if (!handed) {
          EXPECT_NE(st.Text(3), "sent") << s.site << " " << st.Text(0) << " sent without the relay";
          continue;
        }
        // Stopped after an interrupted attempt (its booking cancelled, an
        // opt-out): recorded as possibly delivered, never as not sent.
        const bool said = st.Text(4).find("may have reached the relay") != std::string::npos;
        EXPECT_TRUE(st.Text(3) == "sent" || st.Text(3) == "sending" || said)
            << s.site << " " << st.Text(0) << " was handed to the relay but is " << st.Text(3)
            << " (" << st.Text(4) << ")";
        if (!st.IsNull(1)) {
          EXPECT_TRUE(steps.insert({st.Text(1), st.Text(2)}).second)
              << s.site << ": booking " << st.Text(1) << " got " << st.Text(2) << " twice";
        }
      }
    }
    EXPECT_GE(messages, static_cast<int64_t>(relay_.size()));
  }

  void DeskOp(int i) {
    SimStore& s = stores_[i];
    const int kind = Uniform(0, 99);
    if (kind < 45) {
      const Person& p = people_[Uniform(0, static_cast<int>(people_.size()) - 1)];
      edge::BookingRequest r;
      r.customer = p.phone;
      r.create_customer = edge::NewCustomer{p.name, {p.phone}};
      if (Chance(0.8)) r.vehicle.plate = p.plate;
      r.date = kDays[Uniform(0, 2)];
      r.time = SlotTimes()[Uniform(0, static_cast<int>(SlotTimes().size()) - 1)];
      static const char* const kChannels[] = {"phone", "walk-in", "wechat", "online"};
      r.channel = kChannels[Uniform(0, 3)];
      r.staff = "SA " + s.site;
      Desk(i, "book " + p.phone + " " + r.date + " " + r.time, [&](AckedWrite& w) {
        auto b = s.desk->Book(r);
        if (!b.ok()) return false;
        w.entity = "booking";
        w.entity_id = b->id;
        w.field = "slot_time";
        w.value = r.time;
        return true;
      });
    } else if (kind < 50) {
      // A paper form written while the store's computer was down, typed in
      // late: already promised, so a full slot or a duplicate makes a case.
      const Person& p = people_[Uniform(0, static_cast<int>(people_.size()) - 1)];
      edge::BookingRequest r;
      r.customer = p.phone;
      r.create_customer = edge::NewCustomer{p.name, {p.phone}};
      r.vehicle.plate = p.plate;
      r.date = kDays[Uniform(0, 2)];
      r.time = SlotTimes()[Uniform(0, 5)];
      r.channel = "paper";
      r.staff = "SA " + s.site;
      r.promised = true;
      r.requested_at = FormatUtcMs(s.clock->NowMs() - int64_t{Uniform(0, 120)} * 60'000);
      r.form_id = s.site + "-form-" + std::to_string(++forms_);
      r.source = "paper form " + *r.form_id;
      Desk(i, "paper " + p.phone + " " + r.date + " " + r.time, [&](AckedWrite& w) {
        auto out = s.desk->BookPromised(r);
        if (!out.ok()) return false;
        if (out->duplicate) return true;  // the visit was booked already: nothing new
        w.entity = "booking";
        w.entity_id = out->booking.id;
        w.field = "form_id";
        w.value = *r.form_id;
        return true;
      });
    } else if (kind < 68) {
      const Person& p = people_[Uniform(0, static_cast<int>(people_.size()) - 1)];
      edge::CustomerUpdate u;
      const int what = Uniform(0, 2);
      std::string field;
      json value;
      ContactChannel channel = ContactChannel::kSms;  // the one checked at the hub
      if (what == 0) {
        u.contact_opt_in = Chance(0.5);
        if (Chance(0.5)) {  // one channel; else all three
          channel = kContactChannels[Uniform(0, kContactChannelCount - 1)];
          u.consent_channels = {channel};
        }
        field = ConsentField(channel);
      } else if (what == 1) {
        u.do_not_disturb = Chance(0.5);
        field = "do_not_disturb";
        value = *u.do_not_disturb;
      } else {
        u.add_phones = {p.second_phone};
        field = "phones_added";
      }
      Desk(i, "update " + p.phone + " " + field, [&](AckedWrite& w) {
        auto before = s.desk->ResolveCustomer(p.phone);
        auto c = s.desk->UpdateCustomer(p.phone, u, "SA " + s.site);
        if (!c.ok()) return false;
        // A consent statement is logged even when it restates the value
        // held; a phone only when it is new.
        std::string added;
        for (const auto& phone : c->phones) {
          if (before.ok() && std::find(before->phones.begin(), before->phones.end(), phone) ==
                                 before->phones.end()) {
            added = phone;
          }
        }
        if (what == 0) value = ConsentStatementJson(c->consent[static_cast<int>(channel)]);
        if (before.ok() && (what != 2 || !added.empty())) {
          w.entity = "customer";
          w.entity_id = c->id;
          w.field = field;
          w.value = what == 2 ? json::array({added}) : value;
        }
        return true;
      });
    } else {
      // A step of the lifecycle on any booking of this store (the desk's own,
      // or one the call centre made).
      auto ids = BookingIds(*s.read);
      if (ids.empty()) return;
      const std::string id = ids[Next() % ids.size()];
      const int step = Uniform(0, 99);
      const std::string staff = "SA " + s.site;
      if (step < 8) {
        const std::string date = kDays[Uniform(0, 2)];
        const std::string time = SlotTimes()[Uniform(0, 5)];
        Desk(i, "reschedule " + id + " to " + date + " " + time, [&](AckedWrite& w) {
          auto b = s.desk->Reschedule(id, date, time, "customer asked", staff);
          if (!b.ok()) return false;
          w.entity = "booking";
          w.entity_id = id;
          w.field = "rescheduled_to";
          w.value = b->id;
          return true;
        });
        return;
      }
      std::string to;
      if (step < 35) {
        to = "confirmed";
      } else if (step < 60) {
        to = "checked-in";
      } else if (step < 78) {
        to = "cancelled";
      } else if (step < 84) {
        to = "no-show";
      } else if (step < 92) {
        to = "in-service";
      } else {
        to = "completed";
      }
      Desk(i, to + " " + id, [&](AckedWrite& w) {
        Result<edge::Booking> b = Status::InvalidInput("no step");
        if (to == "confirmed") b = s.desk->Confirm(id, staff);
        if (to == "checked-in") b = s.desk->CheckIn(id, staff);
        if (to == "cancelled") b = s.desk->Cancel(id, "customer cancelled", staff);
        if (to == "no-show") b = s.desk->NoShow(id, staff);
        if (to == "in-service") b = s.desk->StartService(id, staff);
        if (to == "completed") b = s.desk->Complete(id, staff);
        if (!b.ok()) return false;
        w.entity = "booking";
        w.entity_id = id;
        w.field = "status";
        w.value = to;
        return true;
      });
    }
  }

  static std::vector<std::string> BookingIds(Db& db) {
    auto st = db.Prepare("SELECT id FROM bookings ORDER BY id").value();
    std::vector<std::string> out;
    while (st.Step().value()) out.push_back(st.Text(0));
    return out;
  }

  void CallCentre() {
    const int i = Uniform(0, config_.stores - 1);
    const Person& p = people_[Uniform(0, static_cast<int>(people_.size()) - 1)];
    json request = {{"phone", p.phone},
                    {"name", p.name},
                    {"date", kDays[Uniform(0, 2)]},
                    {"slot", SlotTimes()[Uniform(0, 5)]}};
    if (!p.plate.empty() && Chance(0.7)) request["plate"] = p.plate;
    hub_clock_->Advance(Uniform(1, 2000));
    auto seq = hub_->QueueBooking(stores_[i].site, request, "CC Wang");
    if (!seq.ok()) {
      // Refused at head office by the store's rules (a slot already started by
      // the hub's clock): never queued, so nothing for the store to answer.
      const StatusCode code = seq.status().code();
      ASSERT_TRUE(code == StatusCode::kRefused || code == StatusCode::kInvalidInput)
          << seq.status().ToString();
      return;
    }
    ++stats_.call_centre;
  }

  // ---- follow-up tasks worked at both sites ----

  // A call of one of the answers either site may hear; `no_show` may close
  // with a reason (head office's only: the store's desk records results).
  model::TaskAttempt RandomCall(bool head_office, const std::string& kind) {
    model::TaskAttempt a;
    static const char* const kResults[] = {"reached", "reached", "busy", "no_answer", "refused"};
    a.result = kResults[Uniform(0, 4)];
    if (a.result == "reached") {
      a.satisfied = Chance(0.6);
      if (!*a.satisfied) a.items = {Chance(0.5) ? "price" : "waiting_time"};
      if (head_office && kind == "no_show" && Chance(0.5)) {
        static const char* const kReasons[] = {"forgot", "changed_plans", "went_elsewhere"};
        a.outcome = kReasons[Uniform(0, 2)];
      }
    }
    return a;
  }

  // The store's desk calls one of its open tasks (complaints close by their
  // own rules, so they are left out of the run's calls on either side).
  void StoreTaskCall(int i) {
    SimStore& s = stores_[i];
    auto lines = s.desk->TaskList(s.desk->Today(), /*all=*/true);
    ASSERT_TRUE(lines.ok()) << lines.status().ToString();
    std::vector<model::Task> open;
    for (auto& line : *lines) {
      if (line.task.status == "open" && line.task.kind != "complaint") open.push_back(line.task);
    }
    if (open.empty() || Chance(0.3)) {
      // A task by hand for a customer of this store (visits make too few).
      static const char* const kKinds[] = {"no_show", "manual", "care_birthday"};
      const Person& p = people_[Uniform(0, static_cast<int>(people_.size()) - 1)];
      edge::NewTask n;
      n.kind = kKinds[Uniform(0, 2)];
      n.customer = p.phone;
      n.staff = "SA " + s.site;
      s.clock->Advance(Uniform(1, 2000));
      auto added = s.desk->AddTask(n);
      if (added.ok()) open.push_back(*added);  // a customer not at this store: none
      if (open.empty() || Chance(0.5)) return;
    }
    const model::Task& t = open[Next() % open.size()];
    const model::TaskAttempt want = RandomCall(false, t.kind);
    edge::TaskAttemptInput in;
    in.result = want.result;
    if (want.satisfied) in.satisfied = *want.satisfied ? "yes" : "no";
    in.items = want.items;
    in.staff = "SA " + s.site + " #" + std::to_string(++task_calls_);
    s.clock->Advance(Uniform(1, 2000));
    auto done = s.desk->RecordTaskAttempt(t.id, in);
    ASSERT_TRUE(done.ok()) << s.site << " " << t.id << ": " << done.status().ToString();
    for (const auto& a : done->attempts) {
      if (a.staff == in.staff) calls_.push_back({s.site, t.id, a});
    }
  }

  // Head office calls a task of a store as it last synced it (maybe stale:
  // the store may have closed it meanwhile, cut off).
  void HeadOfficeTaskCall() {
    std::vector<std::pair<std::string, std::string>> known;  // (id, kind), by id
    // Through the hub's storage (either backend), as head office's list reads it.
    ASSERT_TRUE(hub_->storage()
                    .reads()
                    .ForEachEntity([&known](const hub::storage::EntityFields& e) {
                      if (e.entity != "task") return Status::Ok();
                      const json f = json::parse(e.fields_json);
                      const std::string status = f.value("status", "");
                      const std::string kind = f.value("kind", "");
                      if ((status == "open" || status == "returned") && kind != "complaint") {
                        known.emplace_back(e.entity_id, kind);
                      }
                      return Status::Ok();
                    })
                    .ok());
    std::sort(known.begin(), known.end());
    if (known.empty()) return;
    const auto& [id, kind] = known[Next() % known.size()];
    const model::TaskAttempt want = RandomCall(true, kind);
    hub::HeadOfficeCallInput in;
    in.task = id;
    in.result = want.result;
    if (want.satisfied) in.satisfied = *want.satisfied ? "yes" : "no";
    in.items = want.items;
    in.outcome = want.outcome.value_or("");
    in.staff = "CR #" + std::to_string(++task_calls_);
    hub_clock_->Advance(Uniform(1, 2000));
    auto queued = hub::QueueTaskCall(*hub_, in);
    ASSERT_TRUE(queued.ok()) << id << ": " << queued.status().ToString();
    calls_.push_back({queued->site, id, queued->attempt});
  }

  // (7) Every call made at either site is on its task once, in time order, at
  // the store and at the hub; the outcome is the earliest completing call's;
  // each contradiction has exactly one case, and no task more than one.
  void CheckTasksWorkedAtBothSites() {
    std::map<std::string, model::Task> at_hub;
    {
      auto st =
          HubFile().Prepare("SELECT entity_id, fields FROM entities WHERE entity = 'task'").value();
      while (st.Step().value()) {
        at_hub[st.Text(0)] = model::ParseTask(st.Text(0), json::parse(st.Text(1))).value();
      }
    }
    std::map<std::string, model::Task> at_store;
    std::map<std::string, int> cases;  // task id -> its task-conflict cases
    for (auto& s : stores_) {
      for (auto& line : s.desk->TaskList(s.desk->Today(), true).value()) {
        at_store[line.task.id] = line.task;
      }
      for (const auto& c : s.desk->Cases(false).value()) {
        if (c.kind == "task-conflict") ++cases[c.source.substr(std::string("task ").size())];
      }
    }
    for (const auto& call : calls_) {
      const model::Task& t = at_store[call.task_id];
      EXPECT_EQ(std::count(t.attempts.begin(), t.attempts.end(), call.attempt), 1)
          << call.site << " " << call.task_id << ": call by " << call.attempt.staff << " at "
          << call.attempt.at << " is not on the task once";
    }
    int contradictions = 0;
    for (const auto& [id, t] : at_store) {
      EXPECT_EQ(model::TaskJson(at_hub[id]), model::TaskJson(t)) << id << " differs at the hub";
      for (size_t k = 1; k < t.attempts.size(); ++k) {
        EXPECT_FALSE(model::AttemptBefore(t.attempts[k], t.attempts[k - 1]))
            << id << ": calls " << k - 1 << " and " << k << " out of order";
        EXPECT_FALSE(t.attempts[k] == t.attempts[k - 1]) << id << ": call " << k << " twice";
      }
      if (t.kind != "complaint" && t.status != "cancelled") {
        if (const auto first = model::FirstCompleting(t.attempts)) {
          EXPECT_EQ(t.status, "done") << id;
          EXPECT_EQ(t.outcome, model::AttemptOutcome(t.attempts[*first])) << id;
        }
      }
      if (model::FirstContradiction(t.attempts)) {
        ++contradictions;
        EXPECT_EQ(cases[id], 1) << id << ": a contradiction needs exactly one case";
      }
      EXPECT_LE(cases[id], 1) << id << ": more than one case";
    }
    stats_.task_conflicts = contradictions;
    stats_.task_calls = static_cast<int64_t>(calls_.size());
  }

  // ---- sync and the network ----

  // As SyncClient::RunOnce, with this network for a transport: one request at
  // a time; unanswered after the timeout, it counts as no answer and the next
  // round sends again from the last acknowledged seq.
  void SyncStep(int i) {
    SimStore& s = stores_[i];
    if (s.awaiting_since >= 0 && tick_ - s.awaiting_since < config_.reply_timeout_ticks) return;
    if (s.awaiting_since >= 0) {
      ASSERT_TRUE(s.sync->RecordNoAnswer("no answer from hub").ok());
    }
    s.clock->Advance(Uniform(1, 500));
    auto message = s.sync->NextMessage();
    ASSERT_TRUE(message.ok()) << message.status().ToString();
    s.awaiting_since = tick_;
    Send({0, true, i, std::move(message.value())});
  }

  void Send(const Packet& p) {
    ++stats_.messages;
    if (loss_ > 0 && Chance(loss_)) {
      ++stats_.lost;
      return;
    }
    const int copies = duplicate_ > 0 && Chance(duplicate_) ? 2 : 1;
    if (copies == 2) ++stats_.duplicated;
    for (int c = 0; c < copies; ++c) {
      Packet copy = p;
      copy.due = tick_ + (max_delay_ > 0 ? Uniform(0, max_delay_) : 0);
      in_flight_.push_back(std::move(copy));
    }
  }

  // Delivers what is due this tick, in a random order; answers sent with no
  // delay arrive within the same tick.
  void Deliver() {
    for (int round = 0; round < 8; ++round) {
      std::vector<Packet> due;
      std::vector<Packet> later;
      for (auto& p : in_flight_) (p.due <= tick_ ? due : later).push_back(std::move(p));
      in_flight_ = std::move(later);
      if (due.empty()) return;
      Shuffle(due);
      for (auto& p : due) {
        if (Cut(p.store)) continue;  // cut off: lost
        if (p.to_hub) {
          if (!HubUp()) continue;  // nobody listening
          hub_clock_->Advance(Uniform(1, 50));
          auto ack = hub_->Ingest(p.bytes);
          ASSERT_TRUE(ack.ok()) << stores_[p.store].site << ": " << ack.status().ToString();
          auto sealed = hub_->SealReply(ack.value());
          ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
          Send({0, false, p.store, std::move(sealed.value())});
        } else {
          SimStore& s = stores_[p.store];
          s.clock->Advance(Uniform(1, 50));
          auto handled = s.sync->HandleReply(p.bytes);
          ASSERT_TRUE(handled.ok()) << s.site << ": " << handled.status().ToString();
          if (handled.value()) s.awaiting_since = -1;
        }
      }
    }
  }

  // Everything reconnects and the network stops losing: rounds until quiet.
  void Heal() {
    for (auto& s : stores_) s.cut_until = -1;
    hub_down_until_ = -1;
    if (hub_restart_pending_) RestartHub();
    const int start = tick_;
    for (; tick_ < start + config_.heal_ticks; ++tick_) {
      Tick(/*chaos=*/false);
      if (::testing::Test::HasFatalFailure()) return;
      if (Quiet()) {
        stats_.heal_ticks = tick_ - start + 1;
        return;
      }
    }
    FAIL() << "not quiet " << config_.heal_ticks << " ticks after healing";
  }

  bool Quiet() {
    if (!in_flight_.empty()) return false;
    auto at_hub = HubStores();
    for (auto& s : stores_) {
      if (s.awaiting_since >= 0) return false;
      auto status = edge::ReadSyncStatus(*s.read).value();
      const hub::queries::StoreState& h = at_hub[s.site];
      const int64_t answered = s.desk->LastHubRequest().value();
      if (status.waiting() != 0 || h.last_seq != status.last_seq || answered != h.queued_requests ||
          h.applied_requests != h.queued_requests) {
        return false;
      }
    }
    return true;
  }

  // ---- the checks after healing ----

  std::map<std::string, hub::queries::StoreState> HubStores() {
    std::map<std::string, hub::queries::StoreState> out;
    auto stores = hub::queries::ListStores(
        hub::queries::HubReader(*hub_));  // named: a loop over a temporary's value would dangle
    EXPECT_TRUE(stores.ok()) << stores.status().ToString();
    if (stores.ok()) {
      for (auto& h : stores.value()) out[h.site_id] = h;
    }
    return out;
  }

  // (1) Every store's change log is the hub's copy of it.
  void CheckLogsEqual() {
    auto hub_stores = HubStores();
    ASSERT_EQ(hub_stores.size(), stores_.size());
    for (size_t i = 0; i < stores_.size(); ++i) {
      auto status = edge::ReadSyncStatus(*stores_[i].read).value();
      const auto& h = hub_stores[stores_[i].site];
      EXPECT_EQ(h.last_seq, status.last_seq) << h.site_id;
      EXPECT_EQ(h.last_hash, status.log_head) << h.site_id;
      EXPECT_EQ(status.hub_acked_seq, status.last_seq) << h.site_id;
      EXPECT_FALSE(status.offline_since) << h.site_id << " still says offline";
      EXPECT_EQ(h.pending(), 0) << h.site_id << ": the hub still counts changes on their way";
    }
  }

  // (1, continued) The hub's consolidated entities are each store's own rows:
  // every column the store keeps of a customer, vehicle, booking or case has
  // the value the store holds, so no write changed a row without saying so in
  // the log. (A field the log never carries, such as a row's updated_at for a
  // customer, is not compared.)
  void CheckHubMirrorsStores() {
    enum Kind { kText, kBool, kOptionalBool, kInt, kJson };
    struct Column {
      const char* name;
      Kind kind;
    };
    std::map<std::pair<std::string, std::string>, json> at_hub;  // (entity, id) -> fields
    std::map<std::string, int64_t> per_store;  // "site entity" -> count at the hub
    {
      auto st =
          HubFile().Prepare("SELECT entity, entity_id, owner_site, fields FROM entities").value();
      while (st.Step().value()) {
        at_hub[{st.Text(0), st.Text(1)}] = json::parse(st.Text(3));
        ++per_store[st.Text(2) + " " + st.Text(0)];
      }
    }
    int mismatches = 0;
    auto compare = [&](SimStore& s, const char* table, const char* entity,
                       const std::vector<Column>& columns) {
      std::string sql = "SELECT id";
      for (const auto& c : columns) sql += std::string(", ") + c.name;
      auto st = s.read->Prepare(sql + " FROM " + table).value();
      int64_t rows = 0;
      while (st.Step().value()) {
        ++rows;
        auto found = at_hub.find({entity, st.Text(0)});
        if (found == at_hub.end()) {
          ADD_FAILURE() << s.site << " " << entity << " " << st.Text(0) << " is not at the hub";
          continue;
        }
        const json& fields = found->second;
        for (size_t k = 0; k < columns.size(); ++k) {
          const Column& c = columns[k];
          const int col = static_cast<int>(k) + 1;
          json mine;
          if (!st.IsNull(col)) {
            if (c.kind == kText) mine = st.Text(col);
            if (c.kind == kBool || c.kind == kOptionalBool) mine = st.Int(col) != 0;
            if (c.kind == kInt) mine = st.Int(col);
            if (c.kind == kJson) mine = json::parse(st.Text(col));
          }
          json theirs = fields.contains(c.name) ? fields[c.name] : json();
          if (theirs.is_null() && c.kind == kBool) theirs = false;  // a flag never set
          if (mine != theirs && ++mismatches <= 20) {
            ADD_FAILURE() << s.site << " " << entity << " " << st.Text(0) << ": " << c.name
                          << " is " << mine.dump() << " at the store, " << theirs.dump()
                          << " at the hub";
          }
        }
      }
      EXPECT_EQ(rows, per_store[s.site + " " + entity]) << s.site << " " << entity << "s";
    };
    for (auto& s : stores_) {
      compare(s, "customers", "customer",
              {{"store_id", kText},
               {"name", kText},
               {"member_id", kText},
               {"contact_opt_in", kBool},
               {"do_not_disturb", kBool},
               {"consent_sms", kJson},
               {"consent_wechat", kJson},
               {"consent_call", kJson},
               {"created_at", kText}});
      compare(s, "vehicles", "vehicle",
              {{"customer_id", kText}, {"plate", kText}, {"vin", kText}, {"mileage_km", kInt}});
      compare(s, "bookings", "booking",
              {{"ref", kText},
               {"store_id", kText},
               {"customer_id", kText},
               {"vehicle_id", kText},
               {"service", kText},
               {"slot_date", kText},
               {"slot_time", kText},
               {"channel", kText},
               {"status", kText},
               {"requested_at", kText},
               {"created_at", kText},
               {"updated_at", kText},
               {"priority_reception", kBool},
               {"discount_eligible", kBool},
               {"arrived_at", kText},
               {"discount_applied", kOptionalBool},
               {"arrival_perk", kText},
               {"cancel_reason", kText},
               {"rescheduled_from", kText},
               {"rescheduled_to", kText},
               {"needs_reschedule", kBool},
               {"form_id", kText}});
      compare(s, "conflict_cases", "case",
              {{"ref", kText},
               {"store_id", kText},
               {"kind", kText},
               {"slot_date", kText},
               {"slot_time", kText},
               {"booking_ids", kJson},
               {"contacts", kJson},
               {"summary", kText},
               {"status", kText}});
      compare(s, "messages", "message",
              {{"customer_id", kText},
               {"booking_id", kText},
               {"step", kText},
               {"channel", kText},
               {"idempotency_key", kText},
               {"status", kText},
               {"reason", kText},
               {"attempts", kInt},
               {"receipt_id", kText},
               {"sent_at", kText}});
      // A customer's phones: the set the store holds.
      auto st = s.read
                    ->Prepare(
                        "SELECT customer_id, e164 FROM customer_phones"
                        " ORDER BY customer_id, e164")
                    .value();
      std::map<std::string, json> phones;
      while (st.Step().value()) {
        if (!phones.count(st.Text(0))) phones[st.Text(0)] = json::array();
        phones[st.Text(0)].push_back(st.Text(1));
      }
      for (const auto& [id, mine] : phones) {
        auto found = at_hub.find({"customer", id});
        if (found == at_hub.end()) continue;  // reported above
        json theirs = found->second.value("phones", json::array());
        std::sort(theirs.begin(), theirs.end());
        EXPECT_EQ(mine, theirs) << s.site << " customer " << id << ": phones";
      }
    }
    EXPECT_EQ(mismatches, 0) << "columns whose value differs at the hub (first 20 above)";
  }

  // (2) A fresh hub fed every accepted batch in another order, with
  // duplicates, reaches the same state. A batch that arrives before the one it
  // follows is answered with a gap and offered again later, as a store would.
  void CheckReplayOnFreshHub() {
    struct Archived {
      std::string site;
      int64_t last_seq;
      std::string envelope;
    };
    std::vector<Archived> batches;
    {
      auto st = HubFile()
                    .Prepare("SELECT site_id, last_seq, envelope FROM batch_archive ORDER BY id")
                    .value();
      while (st.Step().value()) batches.push_back({st.Text(0), st.Int(1), st.Blob(2)});
    }
    ASSERT_FALSE(batches.empty());
    std::vector<Archived> feed = batches;
    for (const auto& b : batches) {
      if (Chance(0.3)) feed.push_back(b);
    }
    Shuffle(feed);
    replay_clock_ = std::make_unique<FixedClock>(hub_clock_->NowMs());
    auto opened = hub::Hub::Create(dir_.File("hub-replay.db"), hub_keys_, *replay_clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    replay_hub_ = std::move(opened.value());
    hub::Hub& fresh = *replay_hub_;
    for (const auto& s : stores_) ASSERT_TRUE(fresh.AllowStore(s.keys.pub).ok());
    size_t offered = 0;
    const size_t limit = feed.size() * feed.size() + 100;
    while (!feed.empty() && offered < limit) {
      Archived b = std::move(feed.front());
      feed.erase(feed.begin());
      ++offered;
      auto ack = fresh.Ingest(b.envelope);
      ASSERT_TRUE(ack.ok()) << b.site << " batch to " << b.last_seq << ": "
                            << ack.status().ToString();
      if (ack->acked_seq < b.last_seq) {
        // Out of order: offer it again at a random later place.
        feed.insert(feed.begin() + static_cast<long>(Next() % (feed.size() + 1)), std::move(b));
      }
    }
    ASSERT_TRUE(feed.empty()) << feed.size() << " batches never applied on the fresh hub";
    EXPECT_EQ(fresh.StateDigest().value(), hub_->StateDigest().value())
        << "a fresh hub fed the same batches in another order disagrees";
  }

  // (2, continued) Every hub entity is the merge rules folded over its whole
  // history (the hub's `changes`), whatever the order and however often each
  // change is applied.
  void CheckMergeFold() {
    std::map<std::pair<std::string, std::string>, std::vector<std::pair<Stamp, json>>> history;
    {
      auto st = HubFile()
                    .Prepare(
                        "SELECT entity, entity_id, hlc, site_id, fields FROM changes"
                        " ORDER BY site_id, seq")
                    .value();
      while (st.Step().value()) {
        history[{st.Text(0), st.Text(1)}].emplace_back(
            Stamp{static_cast<uint64_t>(st.Int(2)), st.Text(3)}, json::parse(st.Text(4)));
      }
    }
    auto st = HubFile().Prepare("SELECT entity, entity_id, fields FROM entities").value();
    size_t entities = 0;
    while (st.Step().value()) {
      ++entities;
      auto found = history.find({st.Text(0), st.Text(1)});
      if (found == history.end()) {
        ADD_FAILURE() << st.Text(0) << " " << st.Text(1) << " has no history at the hub";
        continue;
      }
      auto changes = found->second;
      for (size_t k = 0, n = changes.size(); k < n; ++k) {
        if (Chance(0.3)) changes.push_back(changes[k]);
      }
      Shuffle(changes);
      json state = json::object(), stamps = json::object();
      for (const auto& [stamp, fields] : changes) {
        ASSERT_TRUE(MergeFields(state, stamps, fields, stamp, Stamp{}).ok());
      }
      EXPECT_EQ(state, json::parse(st.Text(2)))
          << st.Text(0) << " " << st.Text(1) << ": the hub's state is not its history merged";
    }
    EXPECT_EQ(entities, history.size());
  }

  // (3) Every write acknowledged at a desk is at the hub: the very log entries
  // its transaction wrote, and the value it wrote among the entity's changes.
  void CheckAckedWrites() {
    auto hash = HubFile().Prepare("SELECT hash FROM changes WHERE site_id = ? AND seq = ?").value();
    auto fields = HubFile()
                      .Prepare(
                          "SELECT fields FROM changes WHERE site_id = ? AND entity = ? AND"
                          " entity_id = ?")
                      .value();
    for (const auto& w : acked_) {
      const std::string& site = stores_[w.store].site;
      for (const auto& [seq, h] : w.entries) {
        hash.Reset();
        hash.Bind(1, site).Bind(2, seq);
        const bool found = hash.Step().value();
        EXPECT_TRUE(found) << w.what << ": change " << seq << " is not at the hub";
        if (found) {
          EXPECT_EQ(hash.Blob(0), std::string(h.begin(), h.end())) << w.what << ": change " << seq;
        }
      }
      if (w.entity.empty()) continue;
      fields.Reset();
      fields.Bind(1, site).Bind(2, w.entity).Bind(3, w.entity_id);
      bool said = false;
      while (fields.Step().value()) {
        json f = json::parse(fields.Text(0));
        said |= f.contains(w.field) && f[w.field] == w.value;
      }
      EXPECT_TRUE(said) << w.what << ": no change of " << w.entity << " " << w.entity_id
                        << " at the hub has " << w.field << " = " << w.value.dump();
    }
  }

  // (4) Every call-centre request was answered exactly once at its store:
  // booked or refused once each, and no booking made by two of them.
  void CheckCallCentreExactlyOnce() {
    auto hub_stores = HubStores();
    for (size_t i = 0; i < stores_.size(); ++i) {
      Db& db = *stores_[i].read;
      const int64_t queued = hub_stores[stores_[i].site].queued_requests;
      auto st =
          db.Prepare("SELECT seq, outcome, booking_id FROM hub_requests ORDER BY seq").value();
      int64_t expect = 1;
      std::set<std::string> booked;
      while (st.Step().value()) {
        EXPECT_EQ(st.Int(0), expect) << stores_[i].site << ": requests answered out of order";
        expect = st.Int(0) + 1;
        if (st.Text(1) == "booked") booked.insert(st.Text(2));
      }
      // A refusal is the store's rules speaking (the slot has started, too
      // little notice), never the store's clock disagreeing with the hub's.
      auto skewed = db.Prepare(
                          "SELECT seq, reason FROM hub_requests WHERE outcome = 'refused'"
                          " AND reason LIKE '%requested at%'")
                        .value();
      while (skewed.Step().value()) {
        ADD_FAILURE() << stores_[i].site << ": request " << skewed.Int(0)
                      << " refused for clock skew: " << skewed.Text(1);
      }
      EXPECT_EQ(expect - 1, queued) << stores_[i].site << ": requests queued and answered differ";
      // Every call-centre booking (not a reschedule of one) comes from a request.
      auto cc = db.Prepare(
                      "SELECT id FROM bookings WHERE channel = 'call-centre' AND"
                      " rescheduled_from IS NULL")
                    .value();
      std::set<std::string> made;
      while (cc.Step().value()) made.insert(cc.Text(0));
      for (const auto& id : made) {
        EXPECT_TRUE(booked.count(id))
            << stores_[i].site << ": call-centre booking " << id << " answers no request";
      }
      for (const auto& id : booked) {
        EXPECT_TRUE(made.count(id) || IsEarlierBookingOfTheVisit(db, id))
            << stores_[i].site << ": request booked " << id << ", which is not there";
      }
    }
  }

  // A request for a visit already booked answers with that booking instead of
  // making a second: one by another channel (the desk, a paper form), or a
  // call-centre booking moved there by a reschedule.
  static bool IsEarlierBookingOfTheVisit(Db& db, const std::string& id) {
    auto st = db.Prepare(
                    "SELECT 1 FROM bookings WHERE id = ? AND (channel != 'call-centre'"
                    " OR rescheduled_from IS NOT NULL)")
                  .value();
    st.Bind(1, id);
    return st.Step().value();
  }

  // (5) No slot holds more bookings than places without an open over-capacity
  // case for it: at each store, and in the hub's consolidated view, which
  // must see every slot and every open case as the store does.
  void CheckCapacity() {
    using Slots = std::map<std::string, int64_t>;  // "site date time" -> bookings holding a place
    Slots at_stores;
    std::set<std::string> cases_at_stores;
    for (auto& s : stores_) {
      auto st = s.read
                    ->Prepare(
                        "SELECT slot_date, slot_time, count(*) FROM bookings WHERE"
                        " needs_reschedule = 0 AND status IN ('requested', 'confirmed',"
                        " 'checked-in', 'in-service', 'completed')"
                        " GROUP BY slot_date, slot_time")
                    .value();
      while (st.Step().value()) {
        at_stores[s.site + " " + st.Text(0) + " " + st.Text(1)] = st.Int(2);
      }
      auto open = s.read
                      ->Prepare(
                          "SELECT slot_date, slot_time FROM conflict_cases WHERE kind ="
                          " 'over-capacity' AND status = 'open'")
                      .value();
      while (open.Step().value()) {
        cases_at_stores.insert(s.site + " " + open.Text(0) + " " + open.Text(1));
      }
      auto counts = s.read
                        ->Prepare(
                            "SELECT (SELECT count(*) FROM conflict_cases WHERE kind ="
                            " 'over-capacity'), (SELECT count(*) FROM bookings WHERE"
                            " needs_reschedule = 1)")
                        .value();
      EXPECT_TRUE(counts.Step().value());
      stats_.over_capacity_cases += counts.Int(0);
      stats_.needs_reschedule += counts.Int(1);
    }
    Slots at_hub;
    std::set<std::string> cases_at_hub;
    static const std::set<std::string> kHolding = {"requested", "confirmed", "checked-in",
                                                   "in-service", "completed"};
    auto st = HubFile()
                  .Prepare(
                      "SELECT entity, fields FROM entities WHERE entity IN ('booking',"
                      " 'case')")
                  .value();
    while (st.Step().value()) {
      json f = json::parse(st.Text(1));
      const std::string slot =
          f.value("store_id", "") + " " + f.value("slot_date", "") + " " + f.value("slot_time", "");
      if (st.Text(0) == "booking") {
        if (kHolding.count(f.value("status", "")) && !f.value("needs_reschedule", false)) {
          ++at_hub[slot];
        }
      } else if (f.value("kind", "") == "over-capacity" && f.value("status", "") == "open") {
        cases_at_hub.insert(slot);
      }
    }
    EXPECT_EQ(at_hub, at_stores) << "the hub's view of the slots is not the stores'";
    EXPECT_EQ(cases_at_hub, cases_at_stores) << "the hub's open cases are not the stores'";
    auto check = [&](const char* where, const Slots& slots, const std::set<std::string>& cases) {
      for (const auto& [slot, n] : slots) {
        if (n <= config_.capacity) continue;
        EXPECT_TRUE(cases.count(slot))
            << where << ": slot " << slot << " holds " << n << " bookings for " << config_.capacity
            << " places and no open over-capacity case";
      }
    };
    check("store", at_stores, cases_at_stores);
    check("hub", at_hub, cases_at_hub);
    for (const auto& [slot, n] : at_stores) stats_.over_full_slots += n > config_.capacity;
  }

  // Identity resolution, run now and then on whatever had arrived, links the
  // same records as one run over the replayed hub, with the same consent; and
  // it links what it should: each pool person's records (one phone, one name,
  // at several stores) are one unified customer, and no two persons are.
  void CheckIdentity() {
    ASSERT_TRUE(replay_hub_);
    using Clusters = std::set<std::set<std::string>>;
    auto resolve = [](hub::Hub& h, const std::function<Db&()>& file, bool force, Clusters& out) {
      hub::Identity identity = h.MakeIdentity();
      auto stats = identity.Resolve(force);
      ASSERT_TRUE(stats.ok()) << stats.status().ToString();
      std::map<std::string, std::set<std::string>> by_unified;
      auto st = file().Prepare("SELECT record_id, unified_id FROM identity_links").value();
      while (st.Step().value()) by_unified[st.Text(1)].insert(st.Text(0));
      for (auto& [id, records] : by_unified) out.insert(records);
    };
    Clusters live, replayed;
    resolve(
        *hub_,
        [this]() -> Db& {
          RefreshHubFile();  // after the links the resolution just wrote
          return HubFile();
        },
        false, live);
    auto replay_file = testing::OpenHubFileReadOnly(dir_.File("hub-replay.db"));
    resolve(
        *replay_hub_, [&replay_file]() -> Db& { return *replay_file; }, true, replayed);
    EXPECT_EQ(live, replayed) << "identity links depend on the order changes arrived in";

    // Each record's first phone is its pool person's.
    std::map<std::string, std::string> phone_of;
    auto st = HubFile()
                  .Prepare(
                      "SELECT entity_id, fields FROM entities WHERE entity ="
                      " 'customer'")
                  .value();
    while (st.Step().value()) {
      json f = json::parse(st.Text(1));
      phone_of[st.Text(0)] = f.contains("phones") && !f["phones"].empty()
                                 ? f["phones"][0].get<std::string>()
                                 : std::string();
    }
    std::set<std::string> persons;
    size_t records = 0;
    hub::Identity live_identity = hub_->MakeIdentity();
    hub::Identity replay_identity = replay_hub_->MakeIdentity();
    for (const auto& cluster : live) {
      std::set<std::string> phones;
      for (const auto& r : cluster) phones.insert(phone_of[r]);
      records += cluster.size();
      EXPECT_EQ(phones.size(), 1u) << "one unified customer holds records of several persons";
      persons.insert(*phones.begin());
      auto a = live_identity.Show(*cluster.begin());
      auto b = replay_identity.Show(*cluster.begin());
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(a->consent.do_not_disturb, b->consent.do_not_disturb) << *cluster.begin();
      EXPECT_EQ(a->consent.contact_opt_in, b->consent.contact_opt_in) << *cluster.begin();
      for (ContactChannel c : kContactChannels) {
        EXPECT_EQ(a->consent.Of(c).choice, b->consent.Of(c).choice) << *cluster.begin();
        EXPECT_EQ(a->consent.Of(c).stamp, b->consent.Of(c).stamp) << *cluster.begin();
      }
    }
    EXPECT_EQ(persons.size(), live.size()) << "a person's records are split over customers";
    EXPECT_EQ(records, phone_of.size()) << "records left without a unified customer";
  }

  // Nothing in the run was refused or raised an alarm at the hub.
  void CheckNoSecurityEvents() {
    auto events = hub_->SecurityLog().value();
    for (const auto& e : events) {
      ADD_FAILURE() << "hub security log: " << e.kind << " " << e.site_id.value_or("-") << ": "
                    << e.reason;
    }
  }

  const uint64_t seed_;
  const SimConfig config_;
  std::mt19937_64 rng_;
  SimDir dir_;
  int tick_ = 0;
  std::unique_ptr<FixedClock> hub_clock_;
  SecretKeys hub_keys_;
  std::unique_ptr<hub::Hub> hub_;
  std::string hub_location_;      // its file, or its database on PostgreSQL (tests/hub_db.h)
  std::unique_ptr<Db> hub_file_;  // HubFile(): the test's own look at the hub's file
  int hub_copies_ = 0;
  std::unique_ptr<FixedClock> replay_clock_;
  std::unique_ptr<hub::Hub> replay_hub_;  // fed the archived batches in another order
  int hub_down_until_ = -1;
  int planned_hub_down_ = -1;
  bool hub_restart_pending_ = false;
  std::vector<SimStore> stores_;
  std::vector<Person> people_;
  std::vector<Packet> in_flight_;
  double loss_ = 0, duplicate_ = 0;
  int max_delay_ = 0;
  std::vector<AckedWrite> acked_;
  int forms_ = 0;
  // Every follow-up call made at either site (StoreTaskCall, HeadOfficeTaskCall).
  struct TaskCall {
    std::string site, task_id;
    model::TaskAttempt attempt;
  };
  std::vector<TaskCall> calls_;
  int task_calls_ = 0;
  SimStats stats_;
  std::map<std::string, int> relay_;  // idempotency key -> times handed to the relay
};

// ---- seeds ----

std::optional<uint64_t> EnvNumber(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::strtoull(v, nullptr, 10);
}

std::string Replay(uint64_t seed) {
  return "seed " + std::to_string(seed) + " (replay: OUTPOST_SIM_SEED=" + std::to_string(seed) +
         " convergence_sim_tests --gtest_filter=ConvergenceSim.FixedSeeds)";
}

SimOutcome RunSeed(uint64_t seed) {
  SCOPED_TRACE(Replay(seed));
  const auto t0 = std::chrono::steady_clock::now();
  const SimConfig config = ConfigFor(seed);
  SimOutcome out = Simulation(seed, config).Run();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ sim ] seed %llu (%s, hub on %s): %s; %.1f s\n",
              static_cast<unsigned long long>(seed), config.ToString().c_str(),
              testing::HubOnPostgres() ? "PostgreSQL" : "SQLite", out.stats.ToString().c_str(),
              secs);
  if (::testing::Test::HasFailure()) std::printf("[ sim ] FAILED: %s\n", Replay(seed).c_str());
  return out;
}

// The fixed seed budget of ctest (or the one seed OUTPOST_SIM_SEED names).
TEST(ConvergenceSim, FixedSeeds) {
  std::vector<uint64_t> seeds = {1, 2, 3};
  if (auto one = EnvNumber("OUTPOST_SIM_SEED")) seeds = {*one};
  SimStats total;
  for (uint64_t seed : seeds) {
    SimOutcome out = RunSeed(seed);
    if (HasFatalFailure()) return;
    total.over_capacity_cases += out.stats.over_capacity_cases;
    total.lost += out.stats.lost;
    total.duplicated += out.stats.duplicated;
    total.hub_downs += out.stats.hub_downs;
    total.cuts += out.stats.cuts;
  }
  if (seeds.size() > 1) {
    // The budget exercises what it claims to: conflicts and every kind of fault.
    EXPECT_GT(total.over_capacity_cases, 0);
    EXPECT_GT(total.lost, 0);
    EXPECT_GT(total.duplicated, 0);
    EXPECT_GT(total.hub_downs, 0);
    EXPECT_GT(total.cuts, 0);
  }
}

// (6) The same seed twice is the same run: the same hub digest, the same logs.
TEST(ConvergenceSim, SameSeedSameRun) {
  const uint64_t seed = EnvNumber("OUTPOST_SIM_SEED").value_or(7);
  SimOutcome first = RunSeed(seed);
  if (HasFatalFailure()) return;
  SimOutcome second = RunSeed(seed);
  if (HasFatalFailure()) return;
  SCOPED_TRACE(Replay(seed));
  EXPECT_EQ(first.hub_digest, second.hub_digest);
  EXPECT_EQ(first.store_heads, second.store_heads);
  EXPECT_EQ(first.stats.ToString(), second.stats.ToString());
}

// Nightly: OUTPOST_SIM_SOAK_SEEDS=500 runs seeds 1000..1499 (from
// OUTPOST_SIM_SOAK_FIRST, to split a soak over machines or nights).
TEST(ConvergenceSim, Soak) {
  const auto n = EnvNumber("OUTPOST_SIM_SOAK_SEEDS");
  if (!n || *n == 0) GTEST_SKIP() << "set OUTPOST_SIM_SOAK_SEEDS=N to run N more seeds";
  const uint64_t first = EnvNumber("OUTPOST_SIM_SOAK_FIRST").value_or(1000);
  for (uint64_t k = 0; k < *n; ++k) {
    RunSeed(first + k);
    if (HasFailure()) return;  // the seed is printed; replay it alone
  }
}

// ---- found by the simulation ----

// A call-centre request carries head office's clock as its business time. A
// store whose clock was behind the hub's by more than five minutes refused
// every one of them as "requested in the future" (first seen with seed 1):
// a booking promised to a customer, lost to clock skew. The sync client now
// judges a request stamped ahead of the store's clock as of its arrival.
class PushSkewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    hub_ = hub::Hub::Create(dir_.File("hub.db"), hub_keys_, hub_clock_).value();
    ASSERT_TRUE(hub_->AllowStore(keys_.pub).ok());
  }

  // The one request delivered to a store whose clock is `skew_ms` off the hub's.
  edge::Booking Deliver(int64_t skew_ms, const std::string& path) {
    FixedClock clock(hub_clock_.NowMs() + skew_ms);
    edge::StoreSettings settings;
    settings.store_id = "S1";
    settings.name = "Store one";
    auto store = edge::Store::Create(path, settings, clock).value();
    auto sync = edge::SyncClient::CreateWithoutTransport(path, keys_, hub_keys_.pub, clock).value();
    auto ack = hub_->Ingest(sync->NextMessage().value());
    EXPECT_TRUE(ack.ok()) << ack.status().ToString();
    EXPECT_EQ(ack->pushes.size(), 1u);
    EXPECT_TRUE(sync->HandleReply(hub_->SealReply(ack.value()).value()).value());
    EXPECT_EQ(store->LastHubRequest().value(), 1);
    auto db = Db::Open(path, {}).value();
    auto st = db->Prepare(
                    "SELECT outcome, coalesce(reason, ''), coalesce(booking_id, '')"
                    " FROM hub_requests WHERE seq = 1")
                  .value();
    EXPECT_TRUE(st.Step().value());
    EXPECT_EQ(st.Text(0), "booked") << st.Text(1);
    auto booking = store->GetBooking(st.Text(2));
    EXPECT_TRUE(booking.ok()) << booking.status().ToString();
    return booking.ok() ? booking.value() : edge::Booking{};
  }

  SimDir dir_;
  FixedClock hub_clock_{ParseUtcMs("2026-11-24T01:00:00Z").value()};
  SecretKeys hub_keys_ = SecretKeys::Generate("HUB");
  SecretKeys keys_ = SecretKeys::Generate("S1");
  std::unique_ptr<hub::Hub> hub_;
};

TEST_F(PushSkewTest, AStoreWhoseClockIsBehindBooksTheRequestAsOfItsArrival) {
  json request = {
      {"phone", "13800138000"}, {"name", "王伟"}, {"date", "2026-11-25"}, {"slot", "10:00"}};
  ASSERT_EQ(hub_->QueueBooking("S1", request, "CC Wang").value().seq, 1);
  hub_clock_.Advance(60'000);
  const int64_t behind = int64_t{-3} * 3600'000;
  edge::Booking b = Deliver(behind, dir_.File("behind.db"));
  EXPECT_EQ(b.channel, Channel::kCallCentre);
  // Not after its arrival by the store's clock.
  EXPECT_EQ(b.requested_at, FormatUtcMs(hub_clock_.NowMs() + behind));
}

TEST_F(PushSkewTest, AStoreWhoseClockIsAheadKeepsHeadOfficesBusinessTime) {
  json request = {
      {"phone", "13800138000"}, {"name", "王伟"}, {"date", "2026-11-25"}, {"slot", "10:00"}};
  const std::string asked = FormatUtcMs(hub_clock_.NowMs());
  ASSERT_EQ(hub_->QueueBooking("S1", request, "CC Wang").value().seq, 1);
  edge::Booking b = Deliver(int64_t{3} * 3600'000, dir_.File("ahead.db"));
  EXPECT_EQ(b.requested_at, asked);
}

}  // namespace
}  // namespace outpost
