// Hub ingest, end to end minus the socket: verify signature, decrypt, decode,
// check the chain, merge, commit, beside the raw SQLite batched insert of the
// same rows (1,000 per transaction, same durability settings) in the same run.
// Driven as the daemon drives it (hub/open_ahead.h: the next message is opened
// on a second thread while one is applied), with each store keeping as many
// batches in flight as its sync client does (edge::SyncClient::kBatchesInFlight:
// the next goes out when one is acknowledged). A third figure is the raw insert
// of every row the hub itself writes (the change, the entity, the archived
// envelope): the floor of this design on this disk, for reading the others.
// Two workloads: every change creates a booking ("insert": stored as written),
// and half the changes update bookings created earlier ("merge": read, merged
// field by field by clock, written back).
//
//   ingest_bench [--changes N] [--batch B] [--workload insert|merge|both] [--ids v8|v7|v4]
//                [--wire zstd|plain]
// --ids: v8 as stores mint ids (store, then time: sync/ids.h); v7 (time only)
// and v4 (random) as older stores minted them. --wire: batches compressed as
// stores send them to a hub that reads them (sync/envelope.h), or as before.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "edge/sync_client.h"
#include "hub/hub.h"
#include "hub/open_ahead.h"
#include "sync/envelope.h"
#include "sync/testing.h"
#include "tests/bench/synthetic_log.h"

namespace {

using namespace outpost;

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  int total = 100'000, batch = 1000;
  std::string workload = "both", ids = "v8", wire = "zstd";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--changes")) total = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--batch")) batch = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--workload")) workload = argv[i + 1];
    if (!std::strcmp(argv[i], "--ids")) ids = argv[i + 1];
    if (!std::strcmp(argv[i], "--wire")) wire = argv[i + 1];
  }
  if (ids != "v8" && ids != "v7" && ids != "v4") {
    std::fprintf(stderr, "ingest_bench: --ids is v8, v7 or v4, not '%s'\n", ids.c_str());
    return 2;
  }
  if (wire != "zstd" && wire != "plain") {
    std::fprintf(stderr, "ingest_bench: --wire is zstd or plain, not '%s'\n", wire.c_str());
    return 2;
  }
  const Compression compression = wire == "zstd" ? Compression::kZstd : Compression::kNone;
  std::vector<std::pair<std::string, double>> workloads;
  if (workload != "merge") workloads.emplace_back("insert", 0.0);
  if (workload != "insert") workloads.emplace_back("merge", 0.5);
  testing::TempDir dir;
  SystemClock clock;
  SecretKeys hub_keys = SecretKeys::Generate("HUB");
  std::printf(
      "| workload | stores | changes | hub ingest changes/s | raw batched insert rows/s |"
      " ingest / raw | raw, all the hub's rows changes/s | ingest / that |"
      " wire bytes per change |\n"
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  for (const auto& [name, updates] : workloads)
    for (int stores : {1, 10, 100}) {
      const int per_store = total / stores;
      std::vector<SecretKeys> keys;
      std::vector<std::vector<ChangeEntry>> logs;
      for (int s = 0; s < stores; ++s) {
        keys.push_back(SecretKeys::Generate("S" + std::to_string(s)));
        logs.push_back(bench::MakeLog(keys.back().pub.site_id, per_store, updates,
                                      ids == "v4"   ? bench::IdKind::kRandom
                                      : ids == "v7" ? bench::IdKind::kTimeOnly
                                                    : bench::IdKind::kStoreThenTime));
      }
      // Sealed by the stores beforehand: the hub's work is what is timed.
      std::vector<std::string> envelopes;
      size_t wire_bytes = 0, value_bytes = 0;
      for (int off = 0; off < per_store; off += batch) {
        for (int s = 0; s < stores; ++s) {
          WireBatch b{keys[s].pub.site_id, 3, {}};
          for (int i = off; i < std::min(per_store, off + batch); ++i) {
            b.changes.push_back(logs[s][i]);
            value_bytes += logs[s][i].fields_json.size();
          }
          envelopes.push_back(SealEnvelope(EncodeMessage(b), keys[s], hub_keys.pub,
                                           Direction::kStoreToHub, keys[s].pub.site_id,
                                           compression));
          wire_bytes += envelopes.back().size();
        }
      }
      const std::string tag = name + std::to_string(stores);
      auto hub = hub::Hub::Create(dir.File("hub" + tag + ".db"), hub_keys, clock).value();
      for (const auto& k : keys) (void)hub->AllowStore(k.pub);
      auto ahead = hub::OpenAhead::Start(hub->storage(), hub_keys).value();
      // envelopes[k] is store k % stores's batch k / stores.
      std::vector<size_t> next(stores);
      auto send = [&](int s) {
        const size_t k = next[s] * stores + s;
        if (k >= envelopes.size()) return;
        ahead->Push(Request{std::to_string(s), envelopes[k]});
        ++next[s];
      };
      auto t0 = std::chrono::steady_clock::now();
      for (int s = 0; s < stores; ++s) {
        for (int k = 0; k < edge::SyncClient::kBatchesInFlight; ++k) send(s);
      }
      while (ahead->pending() > 0) {
        auto opened = ahead->Pop(60'000);
        if (!opened) return 1;
        auto answer = hub->Handle(opened->second, opened->first.payload);
        const auto* ack = answer.ok() ? std::get_if<WireAck>(&answer.value()) : nullptr;
        if (!ack || ack->status != "ok") {
          std::fprintf(stderr, "ingest failed: %s\n",
                       ack ? ack->status.c_str() : answer.status().ToString().c_str());
          return 1;
        }
        send(std::stoi(opened->first.routing_id));  // acknowledged: that store sends its next
      }
      const double ingest_s = Seconds(t0);
      const int64_t changes = int64_t{per_store} * stores;

      // Raw: the same rows into a table of the same shape, 1,000 per transaction,
      // in the order the hub receives them (a batch of one store, then the next).
      std::vector<std::pair<int, int>> arrival;
      for (int off = 0; off < per_store; off += batch) {
        for (int s = 0; s < stores; ++s) {
          for (int i = off; i < std::min(per_store, off + batch); ++i) arrival.emplace_back(s, i);
        }
      }
      auto raw = Db::Open(dir.File("raw" + tag + ".db"), {}).value();
      (void)raw->Exec(
          "CREATE TABLE changes (site_id TEXT, seq INTEGER, hlc INTEGER, entity TEXT,"
          " entity_id TEXT, op TEXT, fields TEXT, staff TEXT, business_time TEXT,"
          " recorded_at TEXT, schema_version INTEGER, prev_hash BLOB, hash BLOB,"
          " PRIMARY KEY (site_id, seq)) WITHOUT ROWID");
      t0 = std::chrono::steady_clock::now();
      int64_t written = 0;
      auto tx = Transaction::Begin(*raw).value();
      for (const auto& [s, i] : arrival) {
        if (!InsertChangeRow(*raw, "changes", logs[s][i]).ok()) return 1;
        if (++written % 1000 == 0) {
          if (!tx->Commit().ok()) return 1;
          tx = Transaction::Begin(*raw).value();
        }
      }
      if (!tx->Commit().ok()) return 1;
      const double raw_s = Seconds(t0);

      // The same, plus an entity row per change and the archived envelopes (one
      // per batch, as received): what the hub writes, with no work around it.
      auto all = Db::Open(dir.File("all" + tag + ".db"), {}).value();
      (void)all->Exec(
          "CREATE TABLE changes (site_id TEXT, seq INTEGER, hlc INTEGER, entity TEXT,"
          " entity_id TEXT, op TEXT, fields TEXT, staff TEXT, business_time TEXT,"
          " recorded_at TEXT, schema_version INTEGER, prev_hash BLOB, hash BLOB,"
          " PRIMARY KEY (site_id, seq)) WITHOUT ROWID;"
          " CREATE TABLE entities (entity TEXT, entity_id TEXT, owner_site TEXT,"
          " fields TEXT, field_hlcs TEXT, last_hlc INTEGER, base_hlc INTEGER,"
          " PRIMARY KEY (entity, entity_id)) WITHOUT ROWID;"
          " CREATE TABLE batch_archive (id INTEGER PRIMARY KEY, envelope BLOB)");
      t0 = std::chrono::steady_clock::now();
      written = 0;
      size_t archived = 0;
      tx = Transaction::Begin(*all).value();
      for (const auto& [s, i] : arrival) {
        const ChangeEntry& c = logs[s][i];
        if (!InsertChangeRow(*all, "changes", c).ok()) return 1;
        auto entity =
            all->Prepare("INSERT OR REPLACE INTO entities VALUES (?, ?, ?, ?, '{}', ?, ?)").value();
        entity.Bind(1, c.entity)
            .Bind(2, c.entity_id)
            .Bind(3, c.site_id)
            .Bind(4, c.fields_json)
            .Bind(5, static_cast<int64_t>(c.hlc))
            .Bind(6, static_cast<int64_t>(c.hlc));
        if (!entity.Run().ok()) return 1;
        ++written;
        if (written % batch == 0 && archived < envelopes.size()) {  // a batch's envelope
          auto put = all->Prepare("INSERT INTO batch_archive (envelope) VALUES (?)").value();
          put.BindBlob(1, envelopes[archived].data(), envelopes[archived].size());
          if (!put.Run().ok()) return 1;
          ++archived;
        }
        if (written % 1000 == 0) {
          if (!tx->Commit().ok()) return 1;
          tx = Transaction::Begin(*all).value();
        }
      }
      if (!tx->Commit().ok()) return 1;
      const double all_s = Seconds(t0);
      std::printf("| %s | %d | %lld | %.0f | %.0f | %.2f | %.0f | %.2f | %.0f (values %.0f) |\n",
                  name.c_str(), stores, static_cast<long long>(changes), changes / ingest_s,
                  changes / raw_s, raw_s / ingest_s, changes / all_s, all_s / ingest_s,
                  static_cast<double>(wire_bytes) / changes,
                  static_cast<double>(value_bytes) / changes);
    }
  return 0;
}
