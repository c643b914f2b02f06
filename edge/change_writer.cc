#include "edge/change_writer.h"

#include <sqlite3.h>

#include <algorithm>

#include "schema/migrations.h"
#include "sync/i18n/messages.h"

namespace outpost::edge {
namespace {

// The invariant's guard: an entry is only ever written inside the transaction
// that writes its row (sqlite3_get_autocommit is 0 inside BEGIN ... COMMIT).
bool InWriteTransaction(Db& db) { return sqlite3_get_autocommit(db.raw()) == 0; }

}  // namespace

Status ChangeWriter::Record(const std::string& entity, const std::string& id, const std::string& op,
                            const std::string& fields_json, const std::string& staff,
                            const std::optional<std::string>& business_time) {
  // Checked in every build, not only by assert: an entry outside its row's
  // transaction could be kept without the row (or the row without it).
  if (!InWriteTransaction(db_)) {
    return Status::Corruption("change log: a " + entity + " change for " + id +
                              " was about to be written outside its row's transaction")
        .WithShown(i18n::Format("change log: a {0} change for {1} was about to be written outside "
                                "its row's transaction",
                                {entity, id}));
  }
  const int64_t now_ms = clock_.NowMs();
  ChangeEntry e;
  e.site_id = site_id_;
  e.entity = entity;
  e.entity_id = id;
  e.op = op;
  e.fields_json = fields_json;
  e.staff = staff;
  e.business_time = business_time;
  e.recorded_at = FormatUtcMs(now_ms);
  e.schema_version = schema::EdgeMigrations().back().version;
  return AppendChange(db_, std::move(e), now_ms).status();
}

Result<bool> ChangeWriter::HasEntries(const std::string& entity) {
  ASSIGN_OR_RETURN(Statement logged,
                   db_.Prepare("SELECT 1 FROM change_log WHERE entity = ? LIMIT 1"));
  logged.Bind(1, entity);
  ASSIGN_OR_RETURN(bool any, logged.Step());
  logged.Reset();
  return any;
}

Status ChangeWriter::AppendVerbatim(Db& db, const ChangeEntry& e) {
  ASSIGN_OR_RETURN(Statement head, db.Prepare("SELECT seq, hash FROM change_log ORDER BY seq"
                                              " DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool has_head, head.Step());
  const int64_t last_seq = has_head ? head.Int(0) : 0;
  Hash256 last_hash{};
  if (has_head) {
    const std::string blob = head.Blob(1);
    if (blob.size() == last_hash.size()) std::copy(blob.begin(), blob.end(), last_hash.begin());
  }
  head.Reset();
  if (e.seq != last_seq + 1) {
    return Status::Corruption("replay: seq " + std::to_string(e.seq) + " does not follow the" +
                              " local log's last seq " + std::to_string(last_seq))
        .WithShown(i18n::Format("replay: seq {0} does not follow the local log's last seq {1}",
                                {std::to_string(e.seq), std::to_string(last_seq)}));
  }
  const ChangeEntry one[] = {e};
  RETURN_IF_ERROR(VerifyChain(
      one, has_head ? std::optional<Hash256>(last_hash) : std::optional<Hash256>(Hash256{})));
  return InsertChangeRow(db, "change_log", e);
}

Result<int64_t> ChangeWriter::LastSeq(Db& db) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT coalesce(max(seq), 0) FROM change_log"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  const int64_t last = row ? st.Int(0) : 0;
  st.Reset();
  return last;
}

}  // namespace outpost::edge
