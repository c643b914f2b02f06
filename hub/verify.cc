#include "hub/verify.h"

#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "hub/storage/sqlite/record_log.h"
#include "sync/changelog.h"
#include "sync/envelope.h"
#include "sync/hub_log.h"
#include "sync/merge.h"
#include "sync/state_digest.h"

namespace outpost::hub {
namespace {

using namespace storage;
using namespace storage::sqlite;

using nlohmann::json;

template <size_t N>
std::array<uint8_t, N> ToArray(const std::string& blob) {
  std::array<uint8_t, N> a{};
  if (blob.size() == N) std::memcpy(a.data(), blob.data(), N);
  return a;
}

// Each store's log at the hub: chained, gapless, ending at its cursor.
Status CheckStoreLogs(Db& db, HubVerifyReport& report) {
  ASSIGN_OR_RETURN(Statement cursors, db.Prepare("SELECT site_id, last_seq, last_hash FROM"
                                                 " store_cursors ORDER BY site_id"));
  std::vector<std::tuple<std::string, int64_t, Hash256>> sites;
  while (true) {
    ASSIGN_OR_RETURN(bool row, cursors.Step());
    if (!row) break;
    sites.emplace_back(cursors.Text(0), cursors.Int(1), ToArray<32>(cursors.Blob(2)));
  }
  report.stores = static_cast<int64_t>(sites.size());
  ASSIGN_OR_RETURN(Statement page, db.Prepare(std::string("SELECT ") + kChangeColumns +
                                              " FROM changes WHERE site_id = ? AND seq >= ?"
                                              " ORDER BY seq LIMIT 20000"));
  for (const auto& [site, last_seq, last_hash] : sites) {
    int64_t next = 1;
    std::optional<Hash256> prev = Hash256{};
    bool broken = false;
    while (!broken) {
      page.Reset();
      page.Bind(1, site).Bind(2, next);
      std::vector<ChangeEntry> entries;
      while (true) {
        ASSIGN_OR_RETURN(bool row, page.Step());
        if (!row) break;
        entries.push_back(ReadChangeRow(page));
      }
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
    page.Reset();
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

Result<std::map<std::pair<std::string, std::string>, PublicKeys>> KeyHistory(Db& db) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT site_id, key_id, sign_pk, kx_pk FROM"
                                            " store_key_history"));
  std::map<std::pair<std::string, std::string>, PublicKeys> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    PublicKeys k;
    k.site_id = st.Text(0);
    k.sign_pk = ToArray<32>(st.Blob(2));
    k.kx_pk = ToArray<32>(st.Blob(3));
    out[{st.Text(0), st.Text(1)}] = k;
  }
  return out;
}

// Every change the hub applied came in a batch it archived: each store's
// batches must reach its cursor. The newest batch removed (alone, or with the
// newest change rewritten to match) leaves the cursor beyond the archive.
Status CheckArchiveReachesCursors(Db& db, const std::map<std::string, int64_t>& covered,
                                  HubVerifyReport& report) {
  ASSIGN_OR_RETURN(Statement cursors, db.Prepare("SELECT site_id, last_seq FROM store_cursors"
                                                 " ORDER BY site_id"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, cursors.Step());
    if (!row) break;
    const std::string site = cursors.Text(0);
    const int64_t last_seq = cursors.Int(1);
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

// The archive: signatures, the hub log chain, coverage; with the secret key,
// every archived change against the changes table.
Status CheckArchive(Db& db, const PublicKeys& hub_public, const SecretKeys* hub_secret,
                    HubVerifyReport& report) {
  ASSIGN_OR_RETURN(auto keys, KeyHistory(db));
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT id, site_id, first_seq, last_seq, envelope,"
                                            " envelope_hash, head, head_signature"
                                            " FROM batch_archive ORDER BY id"));
  ASSIGN_OR_RETURN(Statement change_hash, db.Prepare("SELECT hash FROM changes WHERE site_id = ?"
                                                     " AND seq = ?"));
  Hash256 head{};
  std::map<std::string, int64_t> covered;  // site -> last seq covered by batches so far
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ++report.batches;
    const int64_t id = st.Int(0);
    const std::string site = st.Text(1);
    const int64_t first = st.Int(2), last = st.Int(3);
    const std::string envelope = st.Blob(4);
    const std::string where = "batch_archive row " + std::to_string(id) + " (" + site + " seq " +
                              std::to_string(first) + "-" + std::to_string(last) + ")";
    const Hash256 envelope_hash = EnvelopeHash(envelope);
    if (ToArray<32>(st.Blob(5)) != envelope_hash) {
      report.findings.push_back({where,
                                 "the envelope was altered: its hash is not the one"
                                 " the hub's log recorded"});
    }
    head = NextHubHead(head, HubLogEntry{id, site, first, last, ToArray<32>(st.Blob(5))});
    SignedHead stored{id, ToArray<32>(st.Blob(6)), ToArray<64>(st.Blob(7))};
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

    auto header = PeekEnvelope(envelope);
    if (!header.ok()) {
      report.findings.push_back({where, header.status().message()});
      continue;
    }
    auto key = keys.find({header->site_id, header->key_id});
    if (header->site_id != site || key == keys.end()) {
      report.findings.push_back({where, "signed with key " + header->key_id +
                                            ", which the hub never allowed for " + site});
      continue;
    }
    Status signature = VerifyEnvelopeSignature(envelope, key->second);
    if (!signature.ok()) {
      report.findings.push_back({where, "not signed by " + site + ": " + signature.message()});
      continue;
    }
    if (!hub_secret) continue;
    auto opened = OpenEnvelope(envelope, *hub_secret, key->second, Direction::kStoreToHub);
    auto message =
        opened.ok() ? DecodeMessage(opened.value()) : Result<WireMessage>(opened.status());
    const auto* batch = message.ok() ? std::get_if<WireBatch>(&message.value()) : nullptr;
    if (!batch) {
      report.findings.push_back({where, "cannot be opened with the hub's key"});
      continue;
    }
    ++report.batches_opened;
    for (const auto& c : batch->changes) {
      if (c.seq < first || c.seq > last) continue;  // resent ones, applied earlier
      change_hash.Reset();
      change_hash.Bind(1, site).Bind(2, c.seq);
      ASSIGN_OR_RETURN(bool held, change_hash.Step());
      if (!held) {
        report.findings.push_back({"changes " + site + " seq " + std::to_string(c.seq),
                                   "missing, though " + where + " carries it"});
      } else if (ToArray<32>(change_hash.Blob(0)) != c.hash) {
        report.findings.push_back({"changes " + site + " seq " + std::to_string(c.seq),
                                   "differs from the change the store signed in " + where});
      }
    }
    change_hash.Reset();
  }
  return CheckArchiveReachesCursors(db, covered, report);
}

// Each store's live key (stores) is the newest key of its history, and its id
// is the hash of the key: a key swapped in behind the allow-list's back shows.
Status CheckLiveKeys(Db& db, HubVerifyReport& report) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT s.site_id, s.key_id, s.sign_pk, s.kx_pk, h.key_id,"
                              " h.sign_pk, h.kx_pk FROM stores s LEFT JOIN store_key_history h"
                              " ON h.site_id = s.site_id AND h.added_at = (SELECT max(added_at)"
                              " FROM store_key_history WHERE site_id = s.site_id)"
                              " ORDER BY s.site_id"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    const std::string where = "stores " + st.Text(0);
    PublicKeys live;
    live.sign_pk = ToArray<32>(st.Blob(2));
    if (st.IsNull(4)) {
      report.findings.push_back(
          {where, "no key history: the hub never allowed a key for it", "keys"});
    } else if (st.Text(1) != st.Text(4) || st.Blob(2) != st.Blob(5) || st.Blob(3) != st.Blob(6)) {
      report.findings.push_back({where,
                                 "the live key (id " + st.Text(1) +
                                     ") is not the newest key of its history (" + st.Text(4) +
                                     "): swapped behind the allow-list's back",
                                 "keys"});
    } else if (live.KeyId() != st.Text(1)) {
      report.findings.push_back(
          {where,
           "the live key's id " + st.Text(1) + " is not the id of its key (" + live.KeyId() + ")",
           "keys"});
    }
  }
  return Status::Ok();
}

// The record log's chain, then every head-office record against its newest entry.
Status CheckRecordLog(Db& db, const PublicKeys& hub_public, HubVerifyReport& report) {
  auto finding = [&](const std::string& where, const std::string& what) {
    report.findings.push_back({where, what, "records"});
  };
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT seq, record, record_key, content_hash, head,"
                                            " head_signature FROM record_log ORDER BY seq"));
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, Hash256>> newest;
  Hash256 head{};
  int64_t seq = 0;
  bool last_signed = true;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    const std::string where = "record_log seq " + std::to_string(st.Int(0));
    if (st.Int(0) != seq + 1) finding(where, "expected seq " + std::to_string(seq + 1));
    seq = st.Int(0);
    const std::string table = st.Text(1), key = st.Text(2);
    const Hash256 content = ToArray<32>(st.Blob(3));
    if (table == kAdoptedRecord && seq != 1) {
      finding(where, "the log starts again here: the entries before it were removed");
    }
    head = NextRecordHead(head, seq, table, key, content);
    const Hash256 stored = ToArray<32>(st.Blob(4));
    if (stored != head) {
      finding(where,
              "its head does not follow from the entries before it (the log was"
              " rewritten)");
      head = stored;  // each break once, then on from what is stored
    }
    last_signed = !st.IsNull(5);
    if (last_signed && !RecordHeadSignatureOk(hub_public, {seq, stored, ToArray<64>(st.Blob(5))})) {
      finding(where, "its head is not signed by this hub's key (a forged entry)");
    }
    newest[{table, key}] = {seq, content};
  }
  if (!last_signed) {
    finding("record_log seq " + std::to_string(seq),
            "the newest entry is not signed by the hub (appended behind its back)");
  }
  for (const auto& kind : RecordKinds()) {
    ASSIGN_OR_RETURN(Statement rows, db.Prepare(std::string("SELECT ") + kind.key_sql +
                                                ", * FROM " + kind.table + " ORDER BY 1"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      const std::string where = std::string(kind.table) + " " + rows.Text(0);
      const auto it = newest.find({kind.table, rows.Text(0)});
      if (it == newest.end()) {
        finding(where, "the hub never recorded this row: forged behind its back");
        continue;
      }
      if (it->second.second != RowContentHash(rows, 1)) {
        finding(where, "differs from what the hub recorded at record_log seq " +
                           std::to_string(it->second.first) + ": edited behind its back");
      }
      newest.erase(it);
    }
  }
  for (const auto& [name, entry] : newest) {
    if (name.first == kAdoptedRecord || entry.second == Hash256{}) continue;
    finding(name.first + " " + name.second,
            "missing, though the hub recorded it at record_log"
            " seq " +
                std::to_string(entry.first) + ": deleted behind its back");
  }
  return Status::Ok();
}

// Consolidated entities against the merge of their changes: both sides in
// (entity, id) order, walked together (a merge join: one pass each).
Status CheckEntities(Db& db, HubVerifyReport& report) {
  ASSIGN_OR_RETURN(Statement changes,
                   db.Prepare("SELECT entity, entity_id, fields, hlc, site_id FROM changes"
                              " ORDER BY entity, entity_id, hlc, site_id"));
  ASSIGN_OR_RETURN(Statement held, db.Prepare("SELECT entity, entity_id, fields FROM entities"
                                              " ORDER BY entity, entity_id"));
  using Key = std::pair<std::string, std::string>;
  std::optional<Key> held_key;
  auto next_held = [&]() -> Status {
    ASSIGN_OR_RETURN(bool row, held.Step());
    held_key = row ? std::optional<Key>(Key{held.Text(0), held.Text(1)}) : std::nullopt;
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
    const std::string fields = held.Text(2);
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
    ASSIGN_OR_RETURN(bool row, changes.Step());
    Key key;
    if (row) key = {changes.Text(0), changes.Text(1)};
    if (!pending.empty() && (!row || key != current)) {
      RETURN_IF_ERROR(finish());
      pending.clear();
    }
    if (!row) break;
    if (pending.empty()) current = key;
    pending.push_back(
        {changes.Text(2), Stamp{static_cast<uint64_t>(changes.Int(3)), changes.Text(4)}});
  }
  return skip_orphans_before(std::nullopt);
}

}  // namespace

Result<HubVerifyReport> VerifyHub(Db& db, const PublicKeys& hub_public,
                                  const SecretKeys* hub_secret) {
  HubVerifyReport report;
  // The entity check sorts every change: in memory, not in temp files.
  RETURN_IF_ERROR(db.Exec("PRAGMA temp_store = MEMORY"));
  ASSIGN_OR_RETURN(auto tx, Transaction::BeginRead(db));  // one consistent view
  auto timed = [&](const char* name, const std::function<Status()>& check) -> Status {
    const auto t0 = std::chrono::steady_clock::now();
    Status st = check();
    report.timings.emplace_back(
        name, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return st;
  };
  // A damaged file first: what SQLite says is wrong, and nothing read beyond it.
  ASSIGN_OR_RETURN(std::vector<std::string> damage, db.IntegrityProblems());
  for (const auto& line : damage) report.findings.push_back({"integrity_check", line, "integrity"});
  if (!damage.empty()) return report;
  RETURN_IF_ERROR(timed("store logs", [&] { return CheckStoreLogs(db, report); }));
  RETURN_IF_ERROR(timed("keys", [&] { return CheckLiveKeys(db, report); }));
  RETURN_IF_ERROR(timed("records", [&] { return CheckRecordLog(db, hub_public, report); }));
  RETURN_IF_ERROR(
      timed("archive", [&] { return CheckArchive(db, hub_public, hub_secret, report); }));
  RETURN_IF_ERROR(timed("entities", [&] { return CheckEntities(db, report); }));
  return report;
}

}  // namespace outpost::hub
