#include "tools/recovery.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "edge/change_writer.h"
#include "edge/hub_link.h"
#include "edge/hub_requests.h"
#include "edge/replay.h"
#include "edge/settings.h"
#include "edge/store.h"
#include "edge/tamper_checks.h"
#include "hub/storage/hub_storage.h"
#include "hub/verify.h"
#include "schema/migrations.h"
#include "sync/changelog.h"
#include "sync/cli/progress.h"
#include "sync/clock.h"
#include "sync/hub_log.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/keys.h"
#include "sync/sqlite.h"
#include "sync/state_digest.h"

namespace outpost::recovery {
namespace {

using nlohmann::json;

constexpr int64_t kPage = 5000;  // changes per request or replay transaction

Result<std::unique_ptr<Db>> OpenExisting(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return Status::NotFound("'" + path + "' does not exist")
        .WithShown(i18n::Format("'{0}' does not exist", {path}));
  }
  Db::Options options;
  options.create_if_missing = false;
  return Db::Open(path, options);
}

Result<std::string> StoreSite(Db& db) {
  ASSIGN_OR_RETURN(std::optional<std::string> site, edge::StoreIdOf(db));
  if (!site) {
    return Status::NotFound("'" + db.path() + "' is not an initialised store")
        .WithShown(i18n::Format("'{0}' is not an initialised store", {db.path()}));
  }
  return std::move(*site);
}

Result<std::optional<ChangeEntry>> LocalChange(Db& db, int64_t seq) {
  ASSIGN_OR_RETURN(auto one, ReadChanges(db, seq, 1));
  if (one.empty() || one.front().seq != seq) return std::optional<ChangeEntry>();
  return std::optional<ChangeEntry>(one.front());
}

std::string Describe(const ChangeEntry& e) {
  return e.op + " " + e.entity + " " + ShortId(e.entity_id) + " " + e.fields_json + " by " +
         e.staff + " at " + e.recorded_at;
}

// ---- store checks ----

Status CheckLocalChain(Db& db, Check& check, int64_t& last_seq) {
  check.name = "change log";
  std::optional<Hash256> prev = Hash256{};
  int64_t next = 1, count = 0;
  while (true) {
    ASSIGN_OR_RETURN(auto page, ReadChanges(db, next, 20'000));
    if (page.empty()) break;
    Status chain = VerifyChain(page, prev);
    if (page.front().seq != next) {
      chain =
          Status::Corruption("change log: seq " + std::to_string(next) +
                             " is missing (the next held is " + std::to_string(page.front().seq) +
                             ")")
              .WithShown(i18n::Format("change log: seq {0} is missing (the next held is {1})",
                                      {std::to_string(next), std::to_string(page.front().seq)}));
    }
    if (!chain.ok()) {
      check.ok = false;
      check.findings.push_back(chain.message());
      break;
    }
    count += static_cast<int64_t>(page.size());
    prev = page.back().hash;
    next = page.back().seq + 1;
  }
  last_seq = next - 1;
  check.detail = std::to_string(count) + " changes" +
                 (check.ok ? ", hash chain intact" : "; the chain is broken");
  check.detail_shown =
      check.ok ? i18n::Format("{0} changes, hash chain intact", {std::to_string(count)})
               : i18n::Format("{0} changes; the chain is broken", {std::to_string(count)});
  return Status::Ok();
}

std::string ValueText(const json& v) {
  return v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump();
}

// Each difference between the tables and the log, as a finding.
std::vector<std::string> TableFindings(const edge::StoreStateCheck& state) {
  std::vector<std::string> findings;
  for (const auto& d : state.differences) {
    findings.push_back(d.table + " " + d.entity_id + " (" + d.entity + ") " + d.field +
                       ": the database holds " + ValueText(d.table_value) +
                       ", the change log says " + ValueText(d.log_value));
  }
  for (const auto& u : state.unlogged) {
    findings.push_back(u.table + " " + u.id +
                       ": no change-log entry created this row (written behind the"
                       " system's back)");
  }
  return findings;
}

Status CheckTables(Db& db, const Clock& clock, bool repair, Check& check,
                   std::vector<BucketDigest>& digests) {
  check.name = "tables";
  ASSIGN_OR_RETURN(edge::StoreStateCheck state, edge::CheckStoreState(db));
  check.findings = TableFindings(state);
  check.ok = check.findings.empty();
  check.detail =
      std::to_string(state.entities) + " entities" +
      (check.ok ? " match the change log"
                : ": " + std::to_string(check.findings.size()) + " differ from the change log");
  check.detail_shown =
      check.ok
          ? i18n::Format("{0} entities match the change log", {std::to_string(state.entities)})
          : i18n::Format("{0} entities: {1} differ from the change log",
                         {std::to_string(state.entities), std::to_string(check.findings.size())});
  if (repair && !state.differences.empty()) {
    ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db));
    int fixed = 0;
    for (const auto& d : state.differences) {
      Status st = edge::RepairFieldFromLog(db, d, clock.NowMs());
      if (st.ok()) {
        ++fixed;
        check.repairs.push_back(d.table + " " + d.entity_id + " " + d.field + " set back to " +
                                ValueText(d.log_value) + " from the change log");
      }
    }
    RETURN_IF_ERROR(tx->Commit());
    if (fixed > 0) {
      // What is left after the repair decides the check.
      ASSIGN_OR_RETURN(state, edge::CheckStoreState(db));
      check.findings = TableFindings(state);
      check.ok = check.findings.empty();
      if (check.ok) {
        check.detail =
            std::to_string(state.entities) + " entities match the change log after repair";
        check.detail_shown = i18n::Format("{0} entities match the change log after repair",
                                          {std::to_string(state.entities)});
      }
    }
  }
  digests = state.digests;
  return Status::Ok();
}

// PRAGMA integrity_check before anything else, naming what SQLite says. An
// index that lost or gained rows is rebuilt from its table by --repair
// (REINDEX: the tables are the truth for an index); other damage needs the
// file restored from a backup.
Status CheckIntegrity(Db& db, bool repair, Check& check) {
  check.name = "integrity";
  ASSIGN_OR_RETURN(std::vector<std::string> damage, db.IntegrityProblems());
  const bool indexes_only = std::all_of(damage.begin(), damage.end(), [](const std::string& line) {
    return line.find(" index ") != std::string::npos;
  });
  if (repair && !damage.empty() && indexes_only) {
    RETURN_IF_ERROR(db.RebuildIndexes());
    check.repairs.push_back(
        "REINDEX rebuilt every index from its table (" + damage.front() +
        (damage.size() > 1 ? ", and " + std::to_string(damage.size() - 1) + " more" : "") + ")");
    ASSIGN_OR_RETURN(damage, db.IntegrityProblems());
  }
  for (const auto& line : damage) check.findings.push_back("integrity_check: " + line);
  check.ok = damage.empty();
  check.detail = check.ok ? "PRAGMA integrity_check: ok"
                          : "the file is damaged" +
                                std::string(indexes_only ? " (indexes only: --repair rebuilds them)"
                                                         : "; restore it from a backup");
  check.detail_shown = check.ok ? i18n::Tr("PRAGMA integrity_check: ok")
                       : indexes_only
                           ? i18n::Tr("the file is damaged (indexes only: --repair rebuilds them)")
                           : i18n::Tr("the file is damaged; restore it from a backup");
  return Status::Ok();
}

// booking_history (what `booking show` prints) against the history the log implies.
Status CheckHistory(Db& db, bool repair, Check& check) {
  check.name = "booking history";
  ASSIGN_OR_RETURN(edge::BookingHistoryCheck history, edge::CheckBookingHistory(db));
  if (repair && !history.findings.empty()) {
    ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db));
    RETURN_IF_ERROR(edge::RepairBookingHistory(db, history.differing, history.table_missing));
    RETURN_IF_ERROR(tx->Commit());
    check.repairs.push_back(
        history.table_missing
            ? "booking_history recreated and every booking's history rebuilt from the change log"
            : "the history of " + std::to_string(history.differing.size()) +
                  " booking(s) rebuilt from the change log (" + *history.differing.begin() +
                  (history.differing.size() > 1 ? ", ..." : "") + ")");
    ASSIGN_OR_RETURN(history, edge::CheckBookingHistory(db));
  }
  check.findings = history.findings;
  check.ok = history.findings.empty();
  check.detail = check.ok
                     ? std::to_string(history.rows) + " rows, one per booking change in the log"
                     : std::to_string(history.findings.size()) +
                           " rows differ from what the change log implies";
  check.detail_shown = check.ok ? i18n::Format("{0} rows, one per booking change in the log",
                                               {std::to_string(history.rows)})
                                : i18n::Format("{0} rows differ from what the change log implies",
                                               {std::to_string(history.findings.size())});
  return Status::Ok();
}

// The triggers that keep change_log and booking_history append-only.
Status CheckGuards(Db& db, bool repair, Check& check) {
  check.name = "append-only guards";
  ASSIGN_OR_RETURN(std::vector<std::string> missing, edge::MissingAppendOnlyGuards(db));
  if (repair && !missing.empty()) {
    ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db));
    RETURN_IF_ERROR(edge::RestoreAppendOnlyGuards(db));
    RETURN_IF_ERROR(tx->Commit());
    for (const auto& name : missing) check.repairs.push_back("trigger " + name + " recreated");
    ASSIGN_OR_RETURN(missing, edge::MissingAppendOnlyGuards(db));
  }
  for (const auto& name : missing) {
    check.findings.push_back("trigger " + name +
                             " is missing or altered: its table can be"
                             " changed in place without a trace");
  }
  check.ok = missing.empty();
  check.detail = check.ok ? "change_log and booking_history refuse UPDATE and DELETE"
                          : "the append-only triggers are not all there";
  check.detail_shown = check.ok
                           ? i18n::Tr("change_log and booking_history refuse UPDATE and DELETE")
                           : i18n::Tr("the append-only triggers are not all there");
  return Status::Ok();
}

// (done, total) of long work, for a progress bar (sync/cli/progress.h); may be empty.
using ProgressFn = std::function<void(int64_t, int64_t)>;

// Fetches the hub's copy of this store's changes from..to and replays them here.
Status Refetch(Db& db, edge::HubQuery& hub, int64_t from, int64_t to, Check& check,
               const ProgressFn& progress = {}) {
  int64_t next = from;
  while (next <= to) {
    WireLogRequest req;
    ASSIGN_OR_RETURN(std::string site, StoreSite(db));
    req.site_id = site;
    req.from_seq = next;
    req.to_seq = std::min(to, next + kPage - 1);
    ASSIGN_OR_RETURN(WireLogReply reply, hub.Ask(req));
    if (reply.changes.empty()) {
      return Status::Corruption("the hub sent no changes for seq " + std::to_string(next))
          .WithShown(i18n::Format("the hub sent no changes for seq {0}", {std::to_string(next)}));
    }
    ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db));
    for (const auto& c : reply.changes) RETURN_IF_ERROR(edge::ReplayChange(db, c));
    RETURN_IF_ERROR(edge::ResetCountersAfterReplay(db));
    RETURN_IF_ERROR(edge::SetHubAckedSeq(db, reply.changes.back().seq, /*allow_back=*/false));
    RETURN_IF_ERROR(tx->Commit());
    check.repairs.push_back("re-fetched seq " + std::to_string(reply.changes.front().seq) + "-" +
                            std::to_string(reply.changes.back().seq) +
                            " from the hub and replayed them here");
    next = reply.changes.back().seq + 1;
    if (progress) progress(next - from, to - from + 1);
  }
  return Status::Ok();
}

// The store's log against the hub's copy of it. Sets `comparable` when both
// hold the same log up to the hub's cursor (so states can be compared).
Status CheckHubLog(Db& db, edge::HubQuery& hub, const std::string& site, bool repair,
                   int64_t& last_seq, Check& check, std::set<std::string>& pending,
                   bool& comparable) {
  check.name = "hub copy";
  comparable = false;
  WireLogRequest req;
  req.site_id = site;
  ASSIGN_OR_RETURN(WireLogReply top, hub.Ask(req));
  const int64_t hub_last = top.last_seq;
  const int64_t common = std::min(hub_last, last_seq);
  auto hub_hash_at = [&](int64_t seq) -> Result<std::optional<ChangeEntry>> {
    WireLogRequest one;
    one.site_id = site;
    one.from_seq = one.to_seq = seq;
    ASSIGN_OR_RETURN(WireLogReply r, hub.Ask(one));
    if (r.changes.empty()) return std::optional<ChangeEntry>();
    return std::optional<ChangeEntry>(r.changes.front());
  };
  auto same_at = [&](int64_t seq) -> Result<bool> {
    ASSIGN_OR_RETURN(auto mine, LocalChange(db, seq));
    if (!mine) return false;
    if (seq == hub_last) return mine->hash == top.last_hash;
    ASSIGN_OR_RETURN(auto theirs, hub_hash_at(seq));
    return theirs && theirs->hash == mine->hash;
  };
  if (common > 0) {
    ASSIGN_OR_RETURN(bool same, same_at(common));
    if (!same) {
      // Bisect for the first seq where the two logs part (log2(n) questions).
      int64_t lo = 0, hi = common;
      while (hi - lo > 1) {
        const int64_t mid = lo + (hi - lo) / 2;
        ASSIGN_OR_RETURN(bool agree, same_at(mid));
        (agree ? lo : hi) = mid;
      }
      ASSIGN_OR_RETURN(auto mine, LocalChange(db, hi));
      ASSIGN_OR_RETURN(auto theirs, hub_hash_at(hi));
      check.ok = false;
      check.detail = "the store's log and the hub's copy part at seq " + std::to_string(hi);
      check.detail_shown =
          i18n::Format("the store's log and the hub's copy part at seq {0}", {std::to_string(hi)});
      check.findings.push_back("seq " + std::to_string(hi) +
                               " here: " + (mine ? Describe(*mine) : std::string("(none)")));
      check.findings.push_back("seq " + std::to_string(hi) + " at the hub: " +
                               (theirs ? Describe(*theirs) : std::string("(none)")));
      return Status::Ok();
    }
  }
  ASSIGN_OR_RETURN(const int64_t acked, edge::HubAckedSeq(db));

  if (hub_last > last_seq) {
    // The hub holds changes this store lost (restored from an older backup).
    if (repair) {
      RETURN_IF_ERROR(Refetch(db, hub, last_seq + 1, hub_last, check));
      last_seq = hub_last;
      comparable = true;
      check.detail = "seq 1-" + std::to_string(hub_last) + " equal to the hub's after repair";
      check.detail_shown =
          i18n::Format("seq 1-{0} equal to the hub's after repair", {std::to_string(hub_last)});
      return Status::Ok();
    }
    check.ok = false;
    check.detail = "the hub holds seq " + std::to_string(last_seq + 1) + "-" +
                   std::to_string(hub_last) + ", which this store has lost";
    check.detail_shown = i18n::Format("the hub holds seq {0}-{1}, which this store has lost",
                                      {std::to_string(last_seq + 1), std::to_string(hub_last)});
    check.findings.push_back(check.detail +
                             " (restored from an older backup?); --repair"
                             " fetches them from the hub");
    return Status::Ok();
  }
  if (acked > hub_last) {
    // The hub lost changes it had acknowledged (the hub restored from a backup).
    if (repair) {
      RETURN_IF_ERROR(edge::SetHubAckedSeq(db, hub_last, /*allow_back=*/true));
      check.repairs.push_back("seq " + std::to_string(hub_last + 1) + "-" + std::to_string(acked) +
                              " will be sent again on the next sync round");
    } else {
      check.ok = false;
      check.findings.push_back("the hub acknowledged seq " + std::to_string(acked) +
                               " but now holds only up to seq " + std::to_string(hub_last) +
                               " (restored from an older backup?); --repair re-sends the rest");
    }
  }
  if (last_seq > hub_last) {
    ASSIGN_OR_RETURN(auto waiting, ReadChanges(db, hub_last + 1, last_seq - hub_last));
    for (const auto& c : waiting) pending.insert(c.entity + " " + c.entity_id);
  }
  comparable = true;
  check.detail = "seq 1-" + std::to_string(common) + " equal, head " +
                 HashHex(top.last_hash).substr(0, 16) +
                 (last_seq > hub_last
                      ? "; " + std::to_string(last_seq - hub_last) + " changes not yet at the hub"
                      : "");
  check.detail_shown =
      i18n::Format("seq 1-{0} equal, head {1}",
                   {std::to_string(common), HashHex(top.last_hash).substr(0, 16)}) +
      (last_seq > hub_last
           ? i18n::Format("; {0} changes not yet at the hub", {std::to_string(last_seq - hub_last)})
           : "");
  return Status::Ok();
}

std::map<std::string, std::string> RowsByKey(const std::vector<StateRow>& rows) {
  std::map<std::string, std::string> out;
  for (const auto& r : rows) out[r.entity + " " + r.entity_id] = r.fields_json;
  return out;
}

Status CheckState(Db& db, edge::HubQuery& hub, const std::string& site,
                  const std::vector<BucketDigest>& mine, const std::set<std::string>& pending,
                  Check& check) {
  check.name = "state vs hub";
  WireLogRequest req;
  req.site_id = site;
  req.state_digests = true;
  ASSIGN_OR_RETURN(WireLogReply theirs, hub.Ask(req));
  std::vector<int> differing;
  int64_t rows = 0;
  for (int b = 0; b < kStateBuckets; ++b) {
    rows += mine[b].count;
    const bool same = b < static_cast<int>(theirs.state_digests.size()) &&
                      theirs.state_digests[b].digest == mine[b].digest &&
                      theirs.state_digests[b].count == mine[b].count;
    if (!same) differing.push_back(b);
  }
  if (differing.empty()) {
    check.detail = std::to_string(rows) + " rows in " + std::to_string(kStateBuckets) +
                   " buckets, every digest equal to the hub's";
    check.detail_shown = i18n::Format("{0} rows in {1} buckets, every digest equal to the hub's",
                                      {std::to_string(rows), std::to_string(kStateBuckets)});
    return Status::Ok();
  }
  // Only the differing buckets travel, row by row.
  std::map<std::string, std::string> local;
  RETURN_IF_ERROR(edge::CheckStoreState(
                      db, differing,
                      [&](const std::string& entity, const std::string& id,
                          const std::string& canonical) { local[entity + " " + id] = canonical; })
                      .status());
  req.state_digests = false;
  req.state_buckets = differing;
  ASSIGN_OR_RETURN(WireLogReply rows_reply, hub.Ask(req));
  const auto remote = RowsByKey(rows_reply.state_rows);
  std::set<std::string> keys;
  for (const auto& [k, v] : local) keys.insert(k);
  for (const auto& [k, v] : remote) keys.insert(k);
  int64_t waiting = 0;
  for (const auto& key : keys) {
    if (pending.count(key)) {
      ++waiting;
      continue;
    }
    auto l = local.find(key);
    auto r = remote.find(key);
    if (l == local.end()) {
      check.findings.push_back(key + ": at the hub (" + r->second + ") but not in this store");
    } else if (r == remote.end()) {
      check.findings.push_back(key + ": in this store (" + l->second + ") but not at the hub");
    } else if (l->second != r->second) {
      const json a = json::parse(l->second, nullptr, false),
                 b = json::parse(r->second, nullptr, false);
      std::string fields;
      if (a.is_object() && b.is_object()) {
        std::set<std::string> names;
        for (auto it = a.begin(); it != a.end(); ++it) names.insert(it.key());
        for (auto it = b.begin(); it != b.end(); ++it) names.insert(it.key());
        for (const auto& n : names) {
          const json av = a.contains(n) ? a[n] : json(nullptr);
          const json bv = b.contains(n) ? b[n] : json(nullptr);
          if (av != bv) {
            fields += (fields.empty() ? "" : "; ") + n + ": store " + ValueText(av) + ", hub " +
                      ValueText(bv);
          }
        }
      }
      check.findings.push_back(key + ": " +
                               (fields.empty() ? l->second + " vs " + r->second : fields));
    }
  }
  check.ok = check.findings.empty();
  check.detail =
      std::to_string(differing.size()) + " of " + std::to_string(kStateBuckets) +
      " buckets differ" +
      (waiting ? " (" + std::to_string(waiting) + " rows with changes not yet synced)" : "") +
      (check.ok ? "; every differing row is waiting to sync" : "");
  check.detail_shown =
      i18n::Format("{0} of {1} buckets differ",
                   {std::to_string(differing.size()), std::to_string(kStateBuckets)}) +
      (waiting ? i18n::Format(" ({0} rows with changes not yet synced)", {std::to_string(waiting)})
               : "") +
      (check.ok ? i18n::Tr("; every differing row is waiting to sync") : "");
  return Status::Ok();
}

// The hub's log extends every head this store kept: the hub only appended.
Status CheckHubHeads(Db& db, const Clock& clock, edge::HubQuery& hub, const std::string& site,
                     Check& check) {
  check.name = "hub heads";
  ASSIGN_OR_RETURN(auto kept, edge::KeptHubHeads(db));
  for (const auto& k : kept) {
    if (!HubHeadSignatureOk(hub.hub(), k.head)) {
      check.ok = false;
      check.findings.push_back("kept head " + std::to_string(k.head.index) +
                               " is not signed by the pinned hub key");
    }
  }
  ASSIGN_OR_RETURN(const SignedHead anchor, edge::VerifiedHubHead(db));
  std::map<int64_t, Hash256> wanted;
  for (const auto& k : kept) {
    if (k.head.index > anchor.index) wanted[k.head.index] = k.head.head;
  }
  WireLogRequest req;
  req.site_id = site;
  req.hub_log_after = anchor.index;
  req.hub_log_limit = 50'000;
  Hash256 head = anchor.head;
  int64_t at = anchor.index, entries = 0;
  std::optional<SignedHead> current;
  while (true) {
    ASSIGN_OR_RETURN(WireLogReply page, hub.Ask(req));
    current = page.hub_head;
    for (const auto& e : page.hub_log) {
      if (e.index <= at) {
        return Status::Corruption("hub log: entry " + std::to_string(e.index) + " out of order")
            .WithShown(i18n::Format("hub log: entry {0} out of order", {std::to_string(e.index)}));
      }
      head = NextHubHead(head, e);
      at = e.index;
      ++entries;
      auto w = wanted.find(at);
      if (w != wanted.end()) {
        if (w->second != head) {
          check.ok = false;
          check.findings.push_back("the hub signed head " + std::to_string(at) +
                                   " earlier, but its log now gives another: the hub rewrote"
                                   " its history at or before batch " +
                                   std::to_string(at));
        }
        wanted.erase(w);
      }
    }
    if (page.hub_log.empty() || (current && at >= current->index)) break;
    req.hub_log_after = at;
  }
  for (const auto& [index, h] : wanted) {
    check.ok = false;
    check.findings.push_back("the hub signed head " + std::to_string(index) +
                             " earlier, but its log now ends at " + std::to_string(at) +
                             ": the hub lost or removed accepted batches");
  }
  if (current && at == current->index && head != current->head) {
    check.ok = false;
    check.findings.push_back("the hub's current head does not follow from its log entries");
  }
  if (check.ok && current) {
    RETURN_IF_ERROR(edge::SetVerifiedHubHead(db, at, head));
    RETURN_IF_ERROR(edge::KeepHubHead(db, hub.hub(), *current, clock.NowMs()));
  }
  check.detail = std::to_string(kept.size()) + " kept heads, " + std::to_string(entries) +
                 " hub log entries checked since index " + std::to_string(anchor.index) +
                 (check.ok ? "; the hub only appended" : "");
  check.detail_shown = i18n::Format("{0} kept heads, {1} hub log entries checked since index {2}",
                                    {std::to_string(kept.size()), std::to_string(entries),
                                     std::to_string(anchor.index)}) +
                       (check.ok ? i18n::Tr("; the hub only appended") : "");
  return Status::Ok();
}

Result<VerifyResult> VerifyStore(const Clock& clock, const std::string& path,
                                 const std::string& endpoint, const std::string& keys_path,
                                 const std::string& hub_key_path, bool repair, int timeout_ms,
                                 const ProgressFn& progress = {}) {
  ASSIGN_OR_RETURN(auto db, OpenExisting(path));
  VerifyResult result;
  // Each check reported as it ends: five on the file alone, eight with the hub.
  const int64_t total = endpoint.empty() ? 5 : 8;
  auto checked = [&](Check check) {
    result.checks.push_back(std::move(check));
    if (progress) progress(static_cast<int64_t>(result.checks.size()), total);
  };
  result.subject = "store (" + path + ")";
  Check integrity;
  RETURN_IF_ERROR(CheckIntegrity(*db, repair, integrity));
  checked(integrity);
  if (!integrity.ok) return result;  // nothing else is read from a damaged file
  RETURN_IF_ERROR(db->Migrate(schema::EdgeMigrations()));
  ASSIGN_OR_RETURN(std::string site, StoreSite(*db));
  result.subject = "store " + site + " (" + path + ")";
  Check chain;
  int64_t last_seq = 0;
  RETURN_IF_ERROR(CheckLocalChain(*db, chain, last_seq));
  checked(chain);
  Check tables;
  std::vector<BucketDigest> digests;
  RETURN_IF_ERROR(CheckTables(*db, clock, repair, tables, digests));
  checked(tables);
  Check history;  // before the guards: a dropped table is recreated with its triggers
  RETURN_IF_ERROR(CheckHistory(*db, repair, history));
  checked(history);
  Check guards;
  RETURN_IF_ERROR(CheckGuards(*db, repair, guards));
  checked(guards);
  if (endpoint.empty()) return result;

  ASSIGN_OR_RETURN(SecretKeys keys, LoadSecretKeys(keys_path));
  ASSIGN_OR_RETURN(PublicKeys hub_pub, LoadPublicKeys(hub_key_path));
  if (keys.pub.site_id != site) {
    return Status::InvalidInput("keys are for '" + keys.pub.site_id + "' but this store is '" +
                                site + "'")
        .WithShown(
            i18n::Format("keys are for '{0}' but this store is '{1}'", {keys.pub.site_id, site}));
  }
  ASSIGN_OR_RETURN(auto hub, edge::HubQuery::Connect(endpoint, keys, hub_pub, timeout_ms));
  Check log;
  std::set<std::string> pending;
  bool comparable = false;
  RETURN_IF_ERROR(
      CheckHubLog(*db, *hub, site, repair && chain.ok, last_seq, log, pending, comparable));
  const bool refetched = !log.repairs.empty();
  checked(log);
  Check state;
  if (comparable && chain.ok) {
    if (refetched) {
      ASSIGN_OR_RETURN(auto again, edge::CheckStoreState(*db));
      digests = again.digests;
    }
    RETURN_IF_ERROR(CheckState(*db, *hub, site, digests, pending, state));
  } else {
    state.name = "state vs hub";
    state.ok = true;
    state.detail = "not compared: the logs must agree first";
    state.detail_shown = i18n::Tr("not compared: the logs must agree first");
  }
  checked(state);
  Check heads;
  RETURN_IF_ERROR(CheckHubHeads(*db, clock, *hub, site, heads));
  checked(heads);
  return result;
}

Result<VerifyResult> VerifyHubDb(const std::string& path, const std::string& hub_key_path,
                                 const std::string& hub_secret_path,
                                 const ProgressFn& progress = {}) {
  // Migrated forward, and only read: opened without the hub's keys, which
  // would let opening sign what an older hub left unsigned.
  ASSIGN_OR_RETURN(auto storage, hub::storage::OpenHubStorage(path, {}));
  std::optional<SecretKeys> secret;
  PublicKeys pub;
  if (!hub_secret_path.empty()) {
    ASSIGN_OR_RETURN(secret, LoadSecretKeys(hub_secret_path));
    pub = secret->pub;
  } else if (!hub_key_path.empty()) {
    ASSIGN_OR_RETURN(pub, LoadPublicKeys(hub_key_path));
  } else {
    return Status::InvalidInput(
        "--hub-key HUB.pub (or --hub-secret HUB.key): the hub's key"
        " checks the signatures of its log heads");
  }
  ASSIGN_OR_RETURN(hub::HubVerifyReport report,
                   hub::VerifyHub(*storage, pub, secret ? &*secret : nullptr, progress));
  VerifyResult result;
  result.subject = "hub (" + hub::storage::ShownLocation(path) + ")";
  Check logs{"store logs", true,
             std::to_string(report.stores) + " stores, " + std::to_string(report.changes) +
                 " changes chained"};
  Check archive{"archive", true,
                std::to_string(report.batches) + " batches, signatures and hub log chain" +
                    (secret ? "; " + std::to_string(report.batches_opened) +
                                  " opened and compared change by change"
                            : " (give --hub-secret to compare their contents)")};
  Check entities{"entities", true,
                 std::to_string(report.entities) + " entities equal to the merge of their changes"};
  Check integrity{"integrity", true, "PRAGMA integrity_check: ok"};
  Check keys{"keys", true, "every store's live key is the newest of its key history"};
  Check records{"head-office records", true,
                "outbox, identity rules and links, security log and key history equal to the"
                " record log, its heads signed by the hub"};
  logs.detail_shown = i18n::Format("{0} stores, {1} changes chained",
                                   {std::to_string(report.stores), std::to_string(report.changes)});
  archive.detail_shown =
      i18n::Format("{0} batches, signatures and hub log chain", {std::to_string(report.batches)}) +
      (secret ? i18n::Format("; {0} opened and compared change by change",
                             {std::to_string(report.batches_opened)})
              : i18n::Tr(" (give --hub-secret to compare their contents)"));
  entities.detail_shown = i18n::Format("{0} entities equal to the merge of their changes",
                                       {std::to_string(report.entities)});
  integrity.detail_shown = i18n::Tr("PRAGMA integrity_check: ok");
  if (hub::storage::IsDatabaseUrl(path)) {
    // PostgreSQL checks its own pages as it reads them (and their checksums
    // where the cluster has them); there is no file here to check.
    integrity.detail = "PostgreSQL: pages checked by the server as it reads them";
    integrity.detail_shown = i18n::Tr("PostgreSQL: pages checked by the server as it reads them");
  }
  keys.detail_shown = i18n::Tr("every store's live key is the newest of its key history");
  records.detail_shown = i18n::Tr(
      "outbox, identity rules and links, security log and key history equal to the record log, "
      "its heads signed by the hub");
  for (const auto& f : report.findings) {
    Check& c = f.check == "integrity"                   ? integrity
               : f.check == "keys"                      ? keys
               : f.check == "records"                   ? records
               : f.where.rfind("batch_archive", 0) == 0 ? archive
               : f.where.rfind("entities", 0) == 0      ? entities
                                                        : logs;
    c.ok = false;
    c.findings.push_back(f.where + ": " + f.what);
  }
  if (!integrity.ok) {
    integrity.detail = "the file is damaged; nothing else was read (restore it from a backup)";
    integrity.detail_shown =
        i18n::Tr("the file is damaged; nothing else was read (restore it from a backup)");
    result.checks = {integrity};
    return result;
  }
  if (report.head) {
    archive.detail += "; head " + std::to_string(report.head->index) + " " +
                      HashHex(report.head->head).substr(0, 16);
    archive.detail_shown += i18n::Format(
        "; head {0} {1}",
        {std::to_string(report.head->index), HashHex(report.head->head).substr(0, 16)});
  }
  result.checks = {integrity, logs, archive, keys, records, entities};
  return result;
}

// ---- rebuild and replay ----

Result<int64_t> ReplayAll(Db& db, const std::vector<ChangeEntry>& changes) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db));
  for (const auto& c : changes) RETURN_IF_ERROR(edge::ReplayChange(db, c));
  RETURN_IF_ERROR(edge::ResetCountersAfterReplay(db));
  RETURN_IF_ERROR(tx->Commit());
  return static_cast<int64_t>(changes.size());
}

}  // namespace

bool VerifyResult::consistent() const {
  return std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.ok; });
}

json VerifyResult::ToJson() const {
  json checks_json = json::array();
  for (const auto& c : checks) {
    checks_json.push_back({{"name", c.name},
                           {"ok", c.ok},
                           {"detail", c.detail},
                           {"findings", c.findings},
                           {"repairs", c.repairs}});
  }
  return {{"subject", subject}, {"consistent", consistent()}, {"checks", checks_json}};
}

namespace {

// A check's name in the reader's language (--json keeps the English name).
std::string ShownCheckName(const std::string& name) {
  if (name == "change log") return i18n::Tr("change log");
  if (name == "tables") return i18n::Tr("tables");
  if (name == "integrity") return i18n::Tr("integrity");
  if (name == "booking history") return i18n::Tr("booking history");
  if (name == "append-only guards") return i18n::Tr("append-only guards");
  if (name == "hub copy") return i18n::Tr("hub copy");
  if (name == "state vs hub") return i18n::Tr("state vs hub");
  if (name == "hub heads") return i18n::Tr("hub heads");
  if (name == "store logs") return i18n::Tr("store logs");
  if (name == "archive") return i18n::Tr("archive");
  if (name == "entities") return i18n::Tr("entities");
  if (name == "keys") return i18n::Tr("keys");
  if (name == "head-office records") return i18n::Tr("head-office records");
  return name;
}

}  // namespace

void VerifyResult::Print(std::ostream& out) const {
  // The headings, verdicts and labels in the reader's language; a check's
  // name, detail and findings as the checks wrote them (also in --json).
  out << i18n::Format("verify {0}", {subject}) << "\n";
  for (const auto& c : checks) {
    out << "  " << (c.ok ? i18n::Tr("ok      ") : i18n::Tr("FAILED  ")) << ShownCheckName(c.name)
        << ": " << (c.detail_shown.empty() ? c.detail : c.detail_shown) << "\n";
    for (const auto& f : c.findings) out << "          - " << f << "\n";
    for (const auto& r : c.repairs) {
      out << "          " << i18n::Format("repaired: {0}", {r}) << "\n";
    }
  }
  const bool repaired =
      std::any_of(checks.begin(), checks.end(), [](const Check& c) { return !c.repairs.empty(); });
  out << (!consistent() ? i18n::Tr("NOT consistent")
          : repaired    ? i18n::Tr("consistent after repair")
                        : i18n::Tr("consistent"))
      << "\n";
}

Commands::Commands(CLI::App& app) {
  verify_ = app.add_subcommand("verify",
                               "check a store or hub database: hash chains, tables"
                               " against the log, the hub's copy, signed hub heads");
  verify_->add_option("--db", db_, "the store or hub database")->required();
  verify_->add_option("--hub", hub_, "store: the hub's endpoint, to compare with its copy");
  verify_->add_option("--keys", keys_, "store: this store's secret key file (SITE.key)");
  verify_->add_option("--hub-key", hub_key_, "the hub's public key file (HUB.pub)");
  verify_->add_option("--hub-secret", hub_secret_,
                      "hub: the hub's secret key file, to open and compare archived batches");
  verify_->add_option("--timeout-ms", timeout_ms_, "how long to wait for each hub answer");
  verify_->add_flag("--repair", repair_,
                    "set tables back from the log, re-fetch changes the"
                    " store lost, re-send changes the hub lost");
  verify_->add_flag("--json", json_, "print the result as JSON");

  rebuild_ = app.add_subcommand("rebuild",
                                "rebuild a lost store's database from the hub's"
                                " copy of its log (after outpost-edge init)");
  rebuild_->add_option("--db", db_, "the new store database (initialised, empty log)")->required();
  rebuild_->add_option("--hub", hub_, "the hub's endpoint")->required();
  rebuild_->add_option("--keys", keys_, "this store's secret key file (SITE.key)")->required();
  rebuild_->add_option("--hub-key", hub_key_, "the hub's public key file (HUB.pub)")->required();
  rebuild_->add_option("--timeout-ms", timeout_ms_, "how long to wait for each hub answer");

  replay_ = app.add_subcommand("replay",
                               "point-in-time: a new store database holding a store's"
                               " state as of a seq or a time, replayed from its log");
  replay_->add_option("--from", from_, "the store database whose log is replayed")->required();
  replay_->add_option("--to", to_, "the new database (must not exist)")->required();
  replay_->add_option("--until-seq", until_seq_, "replay up to and including this seq");
  replay_->add_option("--until", until_,
                      "replay changes recorded up to this UTC time"
                      " (2026-11-24T10:30:00Z)");
}

bool Commands::parsed() const {
  return verify_->parsed() || rebuild_->parsed() || replay_->parsed();
}

int Commands::Run(const Clock& clock, std::ostream& out, std::ostream& err) {
  clock_ = &clock;
  if (verify_->parsed()) return RunVerify(out, err);
  if (rebuild_->parsed()) return RunRebuild(out, err);
  return RunReplay(out, err);
}

int Commands::RunVerify(std::ostream& out, std::ostream& err) {
  auto fail = [&](const Status& st) {
    err << "outpost verify: " << st.ShownString() << "\n";
    return st.code() == StatusCode::kInvalidInput || st.code() == StatusCode::kNotFound ? 1 : 3;
  };
  Result<VerifyResult> result =
      Status::InvalidInput("'" + db_ + "' is neither a store nor a hub database")
          .WithShown(i18n::Format("'{0}' is neither a store nor a hub database", {db_}));
  if (hub::storage::IsDatabaseUrl(db_)) {  // only a hub lives on a database server
    cli::Progress progress(err, cli::ProgressWanted(json_), "changes");
    result = VerifyHubDb(db_, hub_key_, hub_secret_, progress.Callback());
  } else {
    auto db = OpenExisting(db_);
    if (!db.ok()) return fail(db.status());
    auto is_store = db.value()->HasTable("store_config");
    auto is_hub = db.value()->HasTable("batch_archive");
    if (!is_store.ok() || !is_hub.ok())
      return fail(is_store.ok() ? is_hub.status() : is_store.status());
    db.value().reset();
    if (is_store.value()) {
      if (!hub_.empty() && (keys_.empty() || hub_key_.empty())) {
        return fail(Status::InvalidInput("--hub needs --keys SITE.key and --hub-key HUB.pub"));
      }
      cli::Progress progress(err, cli::ProgressWanted(json_), "checks");
      result = VerifyStore(*clock_, db_, hub_, keys_, hub_key_, repair_, timeout_ms_,
                           progress.Callback());
    } else if (is_hub.value()) {
      cli::Progress progress(err, cli::ProgressWanted(json_), "changes");
      result = VerifyHubDb(db_, hub_key_, hub_secret_, progress.Callback());
    }
  }
  if (!result.ok()) return fail(result.status());
  if (json_) {
    out << result->ToJson().dump(2) << "\n";
  } else {
    result->Print(out);
  }
  return result->consistent() ? 0 : 1;
}

int Commands::RunRebuild(std::ostream& out, std::ostream& err) {
  auto fail = [&](const Status& st) {
    err << "outpost rebuild: " << st.ShownString() << "\n";
    return st.code() == StatusCode::kInvalidInput || st.code() == StatusCode::kNotFound ||
                   st.code() == StatusCode::kRefused
               ? 1
               : 3;
  };
  // The rebuild proper; the database is closed again before it is verified.
  auto rebuild = [&]() -> Status {
    ASSIGN_OR_RETURN(auto db, OpenExisting(db_));
    RETURN_IF_ERROR(db->Migrate(schema::EdgeMigrations()));
    ASSIGN_OR_RETURN(std::string site, StoreSite(*db));
    ASSIGN_OR_RETURN(SecretKeys keys, LoadSecretKeys(keys_));
    ASSIGN_OR_RETURN(PublicKeys hub_pub, LoadPublicKeys(hub_key_));
    if (keys.pub.site_id != site) {
      return Status::InvalidInput("keys are for '" + keys.pub.site_id + "' but this store is '" +
                                  site + "'")
          .WithShown(
              i18n::Format("keys are for '{0}' but this store is '{1}'", {keys.pub.site_id, site}));
    }
    ASSIGN_OR_RETURN(auto have, ReadChanges(*db, 1, 1));
    ASSIGN_OR_RETURN(auto hub, edge::HubQuery::Connect(hub_, keys, hub_pub, timeout_ms_));
    WireLogRequest top_req;
    top_req.site_id = site;
    ASSIGN_OR_RETURN(WireLogReply top, hub->Ask(top_req));
    ASSIGN_OR_RETURN(const int64_t local_last, edge::ChangeWriter::LastSeq(*db));
    if (!have.empty() && local_last >= top.last_seq) {
      return Status::Refused("'" + db_ + "' already holds " + std::to_string(local_last) +
                             " changes; rebuild fills a new store (run outpost verify instead)")
          .WithShown(i18n::Format("'{0}' already holds {1} changes; rebuild fills a new store "
                                  "(run outpost verify instead)",
                                  {db_, std::to_string(local_last)}));
    }
    out << i18n::Format("rebuilding {0} from the hub: seq {1}-{2}",
                        {site, std::to_string(local_last + 1), std::to_string(top.last_seq)})
        << "\n";
    Check fetched;
    cli::Progress progress(err, cli::ProgressWanted(json_), "changes");
    RETURN_IF_ERROR(Refetch(*db, *hub, local_last + 1, top.last_seq, fetched, progress.Callback()));
    progress.Finish();
    // Head office requests answered before the computer died: recorded as
    // answered, so none is applied twice.
    RETURN_IF_ERROR(edge::MarkRequestsAnsweredBeforeRebuild(*db, top.applied_push_seq,
                                                            FormatUtcMs(clock_->NowMs())));
    out << i18n::Format(
               "replayed {0} changes; head office requests up to {1} marked answered",
               {std::to_string(top.last_seq - local_last), std::to_string(top.applied_push_seq)})
        << "\n";
    return Status::Ok();
  };
  auto run = [&]() -> Status {
    RETURN_IF_ERROR(rebuild());
    ASSIGN_OR_RETURN(VerifyResult check,
                     VerifyStore(*clock_, db_, hub_, keys_, hub_key_, false, timeout_ms_));
    check.Print(out);
    if (!check.consistent()) return Status::Corruption("the rebuilt store does not match the hub");
    return Status::Ok();
  };
  Status st = run();
  if (!st.ok()) return fail(st);
  return 0;
}

int Commands::RunReplay(std::ostream& out, std::ostream& err) {
  auto fail = [&](const Status& st) {
    err << "outpost replay: " << st.ShownString() << "\n";
    return st.code() == StatusCode::kInvalidInput || st.code() == StatusCode::kNotFound ||
                   st.code() == StatusCode::kRefused
               ? 1
               : 3;
  };
  auto run = [&]() -> Status {
    if ((until_seq_ > 0) == !until_.empty()) {
      return Status::InvalidInput("give one of --until-seq N or --until TIME");
    }
    std::optional<int64_t> until_ms;
    if (!until_.empty()) {
      auto parsed = ParseUtcMs(until_);
      if (!parsed.ok()) {
        return Status::InvalidInput("--until: '" + until_ +
                                    "' is not a UTC time like"
                                    " 2026-11-24T10:30:00.000Z")
            .WithShown(i18n::Format(
                "--until: '{0}' is not a UTC time like 2026-11-24T10:30:00.000Z", {until_}));
      }
      until_ms = parsed.value();
    }
    if (std::filesystem::exists(to_)) {
      return Status::Refused("'" + to_ + "' exists; replay writes a new database")
          .WithShown(i18n::Format("'{0}' exists; replay writes a new database", {to_}));
    }
    FixedClock clock(clock_->NowMs());
    ASSIGN_OR_RETURN(auto source, edge::Store::Open(from_, clock));
    edge::StoreSettings settings = source->settings();
    ASSIGN_OR_RETURN(auto closed, source->ClosedDates());
    source.reset();
    ASSIGN_OR_RETURN(auto src, OpenExisting(from_));
    // Build beside the target and rename at the end: never a half-replayed file.
    const std::string tmp = to_ + ".replaying";
    std::filesystem::remove(tmp);
    {
      ASSIGN_OR_RETURN(auto created, edge::Store::Create(tmp, settings, clock));
      RETURN_IF_ERROR(created->RestoreClosedDates(closed));
    }
    ASSIGN_OR_RETURN(auto dst, OpenExisting(tmp));
    int64_t next = 1, replayed = 0;
    std::string last_at;
    while (true) {
      ASSIGN_OR_RETURN(auto page, ReadChanges(*src, next, kPage));
      std::vector<ChangeEntry> take;
      bool done = page.empty();
      for (auto& c : page) {
        if (until_seq_ > 0 && c.seq > until_seq_) {
          done = true;
          break;
        }
        if (until_ms) {
          auto at = ParseUtcMs(c.recorded_at);
          if (!at.ok() || at.value() > *until_ms) {
            done = true;
            break;
          }
        }
        last_at = c.recorded_at;
        take.push_back(std::move(c));
      }
      if (!take.empty()) {
        ASSIGN_OR_RETURN(int64_t n, ReplayAll(*dst, take));
        replayed += n;
        next = take.back().seq + 1;
      }
      if (done || take.size() < page.size() || page.size() < static_cast<size_t>(kPage)) break;
    }
    ASSIGN_OR_RETURN(edge::StoreStateCheck check, edge::CheckStoreState(*dst));
    if (!check.differences.empty() || !check.unlogged.empty()) {
      return Status::Corruption("the replayed tables do not match the replayed log");
    }
    dst.reset();
    std::filesystem::rename(tmp, to_);
    std::filesystem::remove(tmp + "-wal");
    std::filesystem::remove(tmp + "-shm");
    const std::string seqs = std::to_string(next - 1), count = std::to_string(replayed);
    out << (last_at.empty()
                ? i18n::Format("replayed seq 1-{0} ({1} changes) into {2}", {seqs, count, to_})
                : i18n::Format("replayed seq 1-{0} ({1} changes, the last recorded {2}) into {3}",
                               {seqs, count, last_at, to_}))
        << "\n"
        << i18n::Tr(
               "this is a copy for inspection and recovery of rows: do not run it as a live "
               "store (its log would reuse seqs the hub holds)")
        << "\n";
    return Status::Ok();
  };
  Status st = run();
  if (!st.ok()) return fail(st);
  return 0;
}

}  // namespace outpost::recovery
