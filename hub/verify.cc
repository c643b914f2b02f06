#include "hub/verify.h"

#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "hub/storage/record_log.h"
#include "sync/changelog.h"
#include "sync/envelope.h"
#include "sync/hub_log.h"
#include "sync/merge.h"
#include "sync/state_digest.h"

namespace outpost::hub {
namespace {

using storage::VerifyReads;

using nlohmann::json;

// Each store's log at the hub: chained, gapless, ending at its cursor.
Status CheckStoreLogs(storage::HubStorage& storage, HubVerifyReport& report) {
  ASSIGN_OR_RETURN(std::vector<storage::StoreCursor> cursors, storage.cursors().List());
  report.stores = static_cast<int64_t>(cursors.size());
  VerifyReads& reads = storage.verify_reads();
  for (const auto& cursor : cursors) {
    const std::string& site = cursor.site;
    const int64_t last_seq = cursor.last_seq;
    const Hash256& last_hash = cursor.last_hash;
    int64_t next = 1;
    std::optional<Hash256> prev = Hash256{};
    bool broken = false;
    while (!broken) {
      ASSIGN_OR_RETURN(std::vector<ChangeEntry> entries, reads.ChangesFrom(site, next, 20000));
      if (entries.empty()) break;
      if (entries.front().seq != next) {
        report.findings.push_back(
            {"changes " + site + " seq " + std::to_string(next),
             "missing (the next held is seq " + std::to_string(entries.front().seq) + ")"});
        break;
      }
      Status chain = VerifyChain(entries, prev);
      if (!chain.ok()) {
        report.findings.push_back({"changes " + site, chain.message()});
        broken = true;
        break;
      }
      report.changes += static_cast<int64_t>(entries.size());
      prev = entries.back().hash;
      next = entries.back().seq + 1;
    }
    if (broken) continue;
    if (next - 1 != last_seq || (last_seq > 0 && prev != last_hash)) {
      report.findings.push_back({"store_cursors " + site,
                                 "the cursor says seq " + std::to_string(last_seq) +
                                     " but the log held ends at seq " + std::to_string(next - 1) +
                                     (next - 1 == last_seq ? " with another hash" : "")});
    }
  }
  return Status::Ok();
}

Result<std::map<std::pair<std::string, std::string>, PublicKeys>> KeyHistory(VerifyReads& reads) {
  ASSIGN_OR_RETURN(std::vector<storage::KeyHistoryEntry> history, reads.KeyHistory());
  std::map<std::pair<std::string, std::string>, PublicKeys> out;
  for (auto& entry : history) out[{entry.keys.site_id, entry.key_id}] = std::move(entry.keys);
  return out;
}

// Every change the hub applied came in a batch it archived: each store's
// batches must reach its cursor. The newest batch removed (alone, or with the
// newest change rewritten to match) leaves the cursor beyond the archive.
Status CheckArchiveReachesCursors(storage::HubStorage& storage,
                                  const std::map<std::string, int64_t>& covered,
                                  HubVerifyReport& report) {
  ASSIGN_OR_RETURN(std::vector<storage::StoreCursor> cursors, storage.cursors().List());
  for (const auto& cursor : cursors) {
    const std::string& site = cursor.site;
    const int64_t last_seq = cursor.last_seq;
    const auto it = covered.find(site);
    const int64_t archived = it == covered.end() ? 0 : it->second;
    if (archived != last_seq) {
      report.findings.push_back(
          {"batch_archive " + site,
           "the archived batches cover seq 1-" + std::to_string(archived) +
               " but the store's cursor is at seq " + std::to_string(last_seq) +
               (archived < last_seq ? ": the batches after seq " + std::to_string(archived) +
                                          " were removed from the archive"
                                    : "")});
    }
  }
  return Status::Ok();
}

// One archived batch: its envelope's hash, its head in the chain after `head`
// (moved on), the coverage of its store's log, its signature; with the secret
// key, each of its changes against the changes held.
Status CheckArchivedBatch(VerifyReads& reads, const storage::ArchivedBatch& b,
                          const std::map<std::pair<std::string, std::string>, PublicKeys>& keys,
                          const PublicKeys& hub_public, const SecretKeys* hub_secret, Hash256& head,
                          std::map<std::string, int64_t>& covered, HubVerifyReport& report) {
  ++report.batches;
  const std::string& site = b.site;
  const int64_t first = b.first_seq, last = b.last_seq;
  const std::string where = "batch_archive row " + std::to_string(b.id) + " (" + site + " seq " +
                            std::to_string(first) + "-" + std::to_string(last) + ")";
  if (b.envelope_hash != EnvelopeHash(b.envelope)) {
    report.findings.push_back({where,
                               "the envelope was altered: its hash is not the one"
                               " the hub's log recorded"});
  }
  head = NextHubHead(head, HubLogEntry{b.id, site, first, last, b.envelope_hash});
  const SignedHead& stored = b.head;
  if (stored.head != head) {
    report.findings.push_back({where,
                               "the hub log head stored here does not follow from the"
                               " rows before it (the log was rewritten)"});
    head = stored.head;  // report each break once, then go on from what is stored
  } else if (!HubHeadSignatureOk(hub_public, stored)) {
    report.findings.push_back({where, "the head is not signed by this hub's key"});
  }
  report.head = stored;
  auto covered_it = covered.find(site);
  const int64_t expected_first = covered_it == covered.end() ? 1 : covered_it->second + 1;
  if (first != expected_first) {
    report.findings.push_back(
        {where, "expected a batch starting at seq " + std::to_string(expected_first)});
  }
  covered[site] = last;

  auto header = PeekEnvelope(b.envelope);
  if (!header.ok()) {
    report.findings.push_back({where, header.status().message()});
    return Status::Ok();
  }
  auto key = keys.find({header->site_id, header->key_id});
  if (header->site_id != site || key == keys.end()) {
    report.findings.push_back(
        {where, "signed with key " + header->key_id + ", which the hub never allowed for " + site});
    return Status::Ok();
  }
  Status signature = VerifyEnvelopeSignature(b.envelope, key->second);
  if (!signature.ok()) {
    report.findings.push_back({where, "not signed by " + site + ": " + signature.message()});
    return Status::Ok();
  }
  if (!hub_secret) return Status::Ok();
  auto opened = OpenEnvelope(b.envelope, *hub_secret, key->second, Direction::kStoreToHub);
  auto message = opened.ok() ? DecodeMessage(opened.value()) : Result<WireMessage>(opened.status());
  const auto* batch = message.ok() ? std::get_if<WireBatch>(&message.value()) : nullptr;
  if (!batch) {
    report.findings.push_back({where, "cannot be opened with the hub's key"});
    return Status::Ok();
  }
  ++report.batches_opened;
  for (const auto& c : batch->changes) {
    if (c.seq < first || c.seq > last) continue;  // resent ones, applied earlier
    ASSIGN_OR_RETURN(std::optional<Hash256> held, reads.ChangeHash(site, c.seq));
    if (!held) {
      report.findings.push_back({"changes " + site + " seq " + std::to_string(c.seq),
                                 "missing, though " + where + " carries it"});
    } else if (*held != c.hash) {
      report.findings.push_back({"changes " + site + " seq " + std::to_string(c.seq),
                                 "differs from the change the store signed in " + where});
    }
  }
  return Status::Ok();
}

// The archive: signatures, the hub log chain, coverage; with the secret key,
// every archived change against the changes held.
Status CheckArchive(storage::HubStorage& storage, const PublicKeys& hub_public,
                    const SecretKeys* hub_secret, const VerifyProgress& progress,
                    HubVerifyReport& report) {
  VerifyReads& reads = storage.verify_reads();
  ASSIGN_OR_RETURN(auto keys, KeyHistory(reads));
  int64_t held = 0;  // the changes the batches should cover: every store's cursor
  if (progress) {
    ASSIGN_OR_RETURN(std::vector<storage::StoreCursor> cursors, storage.cursors().List());
    for (const auto& cursor : cursors) held += cursor.last_seq;
  }
  int64_t done = 0;
  Hash256 head{};
  std::map<std::string, int64_t> covered;  // site -> last seq covered by batches so far
  RETURN_IF_ERROR(reads.ForEachArchivedBatch([&](const storage::ArchivedBatch& b) {
    RETURN_IF_ERROR(
        CheckArchivedBatch(reads, b, keys, hub_public, hub_secret, head, covered, report));
    done += b.last_seq - b.first_seq + 1;
    if (progress) progress(done, held);
    return Status::Ok();
  }));
  return CheckArchiveReachesCursors(storage, covered, report);
}

// Each store's live key (stores) is the newest key of its history, and its id
// is the hash of the key: a key swapped in behind the allow-list's back shows.
Status CheckLiveKeys(VerifyReads& reads, HubVerifyReport& report) {
  ASSIGN_OR_RETURN(std::vector<storage::LiveKey> live_keys, reads.LiveKeys());
  for (const auto& live : live_keys) {
    const std::string where = "stores " + live.keys.site_id;
    const auto& newest = live.newest_in_history;
    if (!newest) {
      report.findings.push_back(
          {where, "no key history: the hub never allowed a key for it", "keys"});
    } else if (live.key_id != newest->key_id || live.keys.sign_pk != newest->keys.sign_pk ||
               live.keys.kx_pk != newest->keys.kx_pk) {
      report.findings.push_back({where,
                                 "the live key (id " + live.key_id +
                                     ") is not the newest key of its history (" + newest->key_id +
                                     "): swapped behind the allow-list's back",
                                 "keys"});
    } else if (live.keys.KeyId() != live.key_id) {
      report.findings.push_back({where,
                                 "the live key's id " + live.key_id +
                                     " is not the id of its key (" + live.keys.KeyId() + ")",
                                 "keys"});
    }
  }
  return Status::Ok();
}

// The record log's chain, then every head-office record against its newest entry.
Status CheckRecordLog(VerifyReads& reads, const PublicKeys& hub_public, HubVerifyReport& report) {
  auto finding = [&](const std::string& where, const std::string& what) {
    report.findings.push_back({where, what, "records"});
  };
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, Hash256>> newest;
  Hash256 head{};
  int64_t seq = 0;
  bool last_signed = true;
  RETURN_IF_ERROR(reads.ForEachRecordLogEntry([&](const storage::RecordLogEntry& e) -> Status {
    const std::string where = "record_log seq " + std::to_string(e.seq);
    if (e.seq != seq + 1) finding(where, "expected seq " + std::to_string(seq + 1));
    seq = e.seq;
    if (e.record == storage::kAdoptedRecord && seq != 1) {
      finding(where, "the log starts again here: the entries before it were removed");
    }
    head = storage::NextRecordHead(head, seq, e.record, e.key, e.content_hash);
    if (e.head != head) {
      finding(where,
              "its head does not follow from the entries before it (the log was"
              " rewritten)");
      head = e.head;  // each break once, then on from what is stored
    }
    last_signed = e.signature.has_value();
    if (last_signed && !storage::RecordHeadSignatureOk(hub_public, {seq, e.head, *e.signature})) {
      finding(where, "its head is not signed by this hub's key (a forged entry)");
    }
    newest[{e.record, e.key}] = {seq, e.content_hash};
    return Status::Ok();
  }));
  if (!last_signed) {
    finding("record_log seq " + std::to_string(seq),
            "the newest entry is not signed by the hub (appended behind its back)");
  }
  RETURN_IF_ERROR(reads.ForEachRecord(
      [&](const std::string& record, const std::string& key, const Hash256& content) -> Status {
        const std::string where = record + " " + key;
        const auto it = newest.find({record, key});
        if (it == newest.end()) {
          finding(where, "the hub never recorded this row: forged behind its back");
          return Status::Ok();
        }
        if (it->second.second != content) {
          finding(where, "differs from what the hub recorded at record_log seq " +
                             std::to_string(it->second.first) + ": edited behind its back");
        }
        newest.erase(it);
        return Status::Ok();
      }));
  for (const auto& [name, entry] : newest) {
    if (name.first == storage::kAdoptedRecord || entry.second == Hash256{}) continue;
    finding(name.first + " " + name.second,
            "missing, though the hub recorded it at record_log"
            " seq " +
                std::to_string(entry.first) + ": deleted behind its back");
  }
  return Status::Ok();
}

// Consolidated entities against the merge of their changes: both sides in
// (entity, id) order, walked together (a merge join: one pass each).
Status CheckEntities(VerifyReads& reads, HubVerifyReport& report) {
  ASSIGN_OR_RETURN(auto changes, reads.ChangesByEntity());
  ASSIGN_OR_RETURN(auto held, reads.EntitiesInOrder());
  using Key = std::pair<std::string, std::string>;
  std::optional<Key> held_key;
  std::optional<storage::EntityFields> held_row;
  auto next_held = [&]() -> Status {
    ASSIGN_OR_RETURN(held_row, held->Next());
    held_key =
        held_row ? std::optional<Key>(Key{held_row->entity, held_row->entity_id}) : std::nullopt;
    return Status::Ok();
  };
  RETURN_IF_ERROR(next_held());
  auto where = [](const Key& k) { return "entities " + k.first + " " + k.second; };
  // Entities before `key` that no change created.
  auto skip_orphans_before = [&](const std::optional<Key>& key) -> Status {
    while (held_key && (!key || *held_key < *key)) {
      report.findings.push_back(
          {where(*held_key), "no change created it (written behind the system's back)"});
      RETURN_IF_ERROR(next_held());
    }
    return Status::Ok();
  };
  // One entity's changes, folded only when there is more than one: a lone
  // insert is stored by ingest exactly as the store wrote it, so equal text is
  // equal state (the common case, and no JSON work).
  struct Pending {
    std::string fields;
    Stamp stamp;
  };
  Key current;
  std::vector<Pending> pending;
  auto finish = [&]() -> Status {
    ++report.entities;
    RETURN_IF_ERROR(skip_orphans_before(current));
    if (!held_key || *held_key != current) {
      report.findings.push_back({where(current), "missing, though changes created it"});
      return Status::Ok();
    }
    const std::string fields = held_row->fields_json;
    if (pending.size() == 1 && pending.front().fields == fields) return next_held();
    json state = json::object(), stamps = json::object();
    for (const auto& p : pending) {
      const json f = json::parse(p.fields, nullptr, false);
      if (f.is_object()) {
        RETURN_IF_ERROR(MergeFields(state, stamps, f, p.stamp, pending.front().stamp).status());
      }
    }
    if (CanonicalState(json::parse(fields, nullptr, false)) != CanonicalState(state)) {
      report.findings.push_back({where(current), "differs from the merge of its changes: holds " +
                                                     fields + ", the changes give " +
                                                     state.dump()});
    }
    return next_held();
  };
  while (true) {
    ASSIGN_OR_RETURN(std::optional<storage::EntityChange> row, changes->Next());
    Key key;
    if (row) key = {row->entity, row->entity_id};
    if (!pending.empty() && (!row || key != current)) {
      RETURN_IF_ERROR(finish());
      pending.clear();
    }
    if (!row) break;
    if (pending.empty()) current = key;
    pending.push_back({std::move(row->fields_json), Stamp{row->hlc, std::move(row->site)}});
  }
  return skip_orphans_before(std::nullopt);
}

}  // namespace

Result<HubVerifyReport> VerifyHub(storage::HubStorage& storage, const PublicKeys& hub_public,
                                  const SecretKeys* hub_secret, const VerifyProgress& progress) {
  HubVerifyReport report;
  VerifyReads& reads = storage.verify_reads();
  // One consistent view, ready for the entity check's sort of every change.
  ASSIGN_OR_RETURN(auto scope, storage.BeginFullScan());
  auto timed = [&](const char* name, const std::function<Status()>& check) -> Status {
    const auto t0 = std::chrono::steady_clock::now();
    Status st = check();
    report.timings.emplace_back(
        name, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return st;
  };
  // A damaged file first: what the engine says is wrong, and nothing read beyond it.
  ASSIGN_OR_RETURN(std::vector<std::string> damage, reads.IntegrityProblems());
  for (const auto& line : damage) report.findings.push_back({"integrity_check", line, "integrity"});
  if (!damage.empty()) return report;
  RETURN_IF_ERROR(timed("store logs", [&] { return CheckStoreLogs(storage, report); }));
  RETURN_IF_ERROR(timed("keys", [&] { return CheckLiveKeys(reads, report); }));
  RETURN_IF_ERROR(timed("records", [&] { return CheckRecordLog(reads, hub_public, report); }));
  RETURN_IF_ERROR(timed(
      "archive", [&] { return CheckArchive(storage, hub_public, hub_secret, progress, report); }));
  RETURN_IF_ERROR(timed("entities", [&] { return CheckEntities(reads, report); }));
  return report;
}

}  // namespace outpost::hub
