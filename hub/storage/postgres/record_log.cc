#include "hub/storage/postgres/record_log.h"

#include <cstring>
#include <optional>

#include "sync/i18n/messages.h"

namespace outpost::hub::storage::postgres {
namespace {

// Each table's columns in the order of the SQLite schema's `SELECT *` (the
// order the hashes were made in), with the bytea ones marked.
constexpr RecordColumn kOutboxColumns[] = {{"site_id", false},
                                           {"seq", false},
                                           {"request", false},
                                           {"created_at", false},
                                           {"created_by", false}};
constexpr RecordColumn kRuleColumns[] = {{"id", false},       {"kind", false},  {"record_a", false},
                                         {"record_b", false}, {"staff", false}, {"note", false},
                                         {"at", false}};
constexpr RecordColumn kDismissalColumns[] = {
    {"record_a", false}, {"record_b", false}, {"staff", false}, {"note", false}, {"at", false}};
constexpr RecordColumn kLinkColumns[] = {
    {"record_id", false}, {"site_id", false}, {"unified_id", false}, {"linked_at", false}};
constexpr RecordColumn kSecurityColumns[] = {
    {"id", false}, {"at", false}, {"site_id", false}, {"kind", false}, {"reason", false}};
constexpr RecordColumn kKeyHistoryColumns[] = {
    {"site_id", false},  {"key_id", false},    {"sign_pk", true},    {"kx_pk", true},
    {"added_at", false}, {"denied_at", false}, {"denied_by", false}, {"denied_reason", false}};

// Key parts are bound as text (they are the parts of a record's name):
// integer columns cast them.
constexpr RecordKind kRecordKinds[] = {
    {"hub_outbox", "site_id || '/' || seq", "site_id = ? AND seq = ?::bigint", kOutboxColumns},
    {"identity_rules", "id", "id = ?::bigint", kRuleColumns},
    {"identity_dismissals", "record_a || '/' || record_b", "record_a = ? AND record_b = ?",
     kDismissalColumns},
    {"identity_links", "record_id", "record_id = ?", kLinkColumns},
    {"security_log", "id", "id = ?::bigint", kSecurityColumns},
    {"store_key_history", "site_id || '/' || key_id", "site_id = ? AND key_id = ?",
     kKeyHistoryColumns},
};

const RecordKind* FindKind(const std::string& table) {
  for (const auto& k : kRecordKinds) {
    if (table == k.table) return &k;
  }
  return nullptr;
}

}  // namespace

std::span<const RecordKind> RecordKinds() { return kRecordKinds; }

std::string RecordColumnList(const RecordKind& kind) {
  std::string list;
  for (const RecordColumn& column : kind.columns) {
    if (!list.empty()) list += ", ";
    list += column.name;
  }
  return list;
}

Hash256 RowContentHash(const PgStatement& row, int first_column, const RecordKind& kind) {
  std::vector<std::optional<std::string>> columns;
  columns.reserve(kind.columns.size());
  int c = first_column;
  for (const RecordColumn& column : kind.columns) {
    if (row.IsNull(c)) {
      columns.emplace_back(std::nullopt);
    } else {
      columns.emplace_back(column.bytes ? row.Blob(c) : row.Text(c));
    }
    ++c;
  }
  return RecordContentHash(columns);
}

Result<RecordLog> RecordLog::Open(PgConnection& db) {
  RecordLog log(db);
  ASSIGN_OR_RETURN(PgStatement newest, db.Prepare("SELECT seq, head FROM record_log ORDER BY seq"
                                                  " DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool row, newest.Step());
  if (row) {
    log.seq_ = newest.Int(0);
    const std::string head = newest.Blob(1);
    if (head.size() == log.head_.size()) std::memcpy(log.head_.data(), head.data(), head.size());
  }
  return log;
}

Status RecordLog::Note(const std::string& table, const std::vector<std::string>& key_parts) {
  const RecordKind* kind = FindKind(table);
  if (!kind)
    return Status::InvalidInput("record log: '" + table + "' is not a head-office record")
        .WithShown(i18n::Format("record log: '{0}' is not a head-office record", {table}));
  ASSIGN_OR_RETURN(PgStatement row, db_->Prepare("SELECT " + RecordColumnList(*kind) + " FROM " +
                                                 kind->table + " WHERE " + kind->lookup_sql));
  for (size_t i = 0; i < key_parts.size(); ++i) row.Bind(static_cast<int>(i + 1), key_parts[i]);
  ASSIGN_OR_RETURN(bool found, row.Step());
  return Append(table, RecordKey(key_parts), found ? RowContentHash(row, 0, *kind) : Hash256{});
}

Status RecordLog::Append(const std::string& table, const std::string& key, const Hash256& content) {
  const int64_t seq = seq_ + 1;
  const Hash256 head = NextRecordHead(head_, seq, table, key, content);
  ASSIGN_OR_RETURN(PgStatement put, db_->Prepare("INSERT INTO record_log (seq, record, record_key,"
                                                 " content_hash, head) VALUES (?, ?, ?, ?, ?)"));
  put.Bind(1, seq).Bind(2, table).Bind(3, key).BindBlob(4, content).BindBlob(5, head);
  RETURN_IF_ERROR(put.Run());
  seq_ = seq;
  head_ = head;
  unsigned_ = true;
  return Status::Ok();
}

Status RecordLog::Seal(const SecretKeys& hub) {
  if (!unsigned_) return Status::Ok();
  const std::array<uint8_t, 64> signature = SignRecordHead(hub, seq_, head_);
  ASSIGN_OR_RETURN(PgStatement put, db_->Prepare("UPDATE record_log SET head_signature = ?"
                                                 " WHERE seq = ?"));
  put.BindBlob(1, signature).Bind(2, seq_);
  RETURN_IF_ERROR(put.Run());
  unsigned_ = false;
  return Status::Ok();
}

Status ForEachRecord(PgConnection& db,
                     const std::function<Status(const std::string& record, const std::string& key,
                                                const Hash256& content)>& visit) {
  for (const auto& kind : kRecordKinds) {
    ASSIGN_OR_RETURN(PgStatement rows,
                     db.Prepare(std::string("SELECT ") + kind.key_sql + ", " +
                                RecordColumnList(kind) + " FROM " + kind.table + " ORDER BY 1"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      RETURN_IF_ERROR(visit(kind.table, rows.Text(0), RowContentHash(rows, 1, kind)));
    }
  }
  return Status::Ok();
}

}  // namespace outpost::hub::storage::postgres
