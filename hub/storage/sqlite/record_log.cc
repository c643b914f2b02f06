#include "hub/storage/sqlite/record_log.h"

#include <cstring>
#include <optional>

#include "sync/i18n/messages.h"

namespace outpost::hub::storage::sqlite {
namespace {

constexpr RecordKind kRecordKinds[] = {
    {"hub_outbox", "site_id || '/' || seq", "site_id = ?1 AND seq = ?2"},
    {"identity_rules", "id", "id = ?1"},
    {"identity_dismissals", "record_a || '/' || record_b", "record_a = ?1 AND record_b = ?2"},
    {"identity_links", "record_id", "record_id = ?1"},
    {"security_log", "id", "id = ?1"},
    {"store_key_history", "site_id || '/' || key_id", "site_id = ?1 AND key_id = ?2"},
};

const RecordKind* FindKind(const std::string& table) {
  for (const auto& k : kRecordKinds) {
    if (table == k.table) return &k;
  }
  return nullptr;
}

}  // namespace

std::span<const RecordKind> RecordKinds() { return kRecordKinds; }

Hash256 RowContentHash(const Statement& row, int first_column) {
  std::vector<std::optional<std::string>> columns;
  for (int c = first_column; c < row.ColumnCount(); ++c) {
    columns.push_back(row.IsNull(c) ? std::nullopt : std::optional<std::string>(row.Blob(c)));
  }
  return RecordContentHash(columns);
}

Result<RecordLog> RecordLog::Open(Db& db) {
  RecordLog log(db);
  ASSIGN_OR_RETURN(Statement newest, db.Prepare("SELECT seq, head FROM record_log ORDER BY seq"
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
  ASSIGN_OR_RETURN(Statement row, db_->Prepare(std::string("SELECT * FROM ") + kind->table +
                                               " WHERE " + kind->lookup_sql));
  for (size_t i = 0; i < key_parts.size(); ++i) row.Bind(static_cast<int>(i + 1), key_parts[i]);
  ASSIGN_OR_RETURN(bool found, row.Step());
  return Append(table, RecordKey(key_parts), found ? RowContentHash(row, 0) : Hash256{});
}

Status RecordLog::Append(const std::string& table, const std::string& key, const Hash256& content) {
  const int64_t seq = seq_ + 1;
  const Hash256 head = NextRecordHead(head_, seq, table, key, content);
  ASSIGN_OR_RETURN(Statement put, db_->Prepare("INSERT INTO record_log (seq, record, record_key,"
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
  ASSIGN_OR_RETURN(Statement put, db_->Prepare("UPDATE record_log SET head_signature = ?"
                                               " WHERE seq = ?"));
  put.BindBlob(1, signature).Bind(2, seq_);
  RETURN_IF_ERROR(put.Run());
  unsigned_ = false;
  return Status::Ok();
}

Status AdoptUnloggedRecords(Db& db, const SecretKeys& hub) {
  {
    // Looked at before the write lock: a hub adopts once in its life, and on
    // every later open nothing is written, so a read-only file opens too.
    ASSIGN_OR_RETURN(RecordLog seen, RecordLog::Open(db));
    if (seen.seq_ > 0) return Status::Ok();
  }
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db));
  ASSIGN_OR_RETURN(RecordLog log, RecordLog::Open(db));
  if (log.seq_ > 0) return Status::Ok();  // adopted by another process meanwhile
  RETURN_IF_ERROR(log.Append(kAdoptedRecord, "rows held before the record log began", Hash256{}));
  RETURN_IF_ERROR(
      ForEachRecord(db, [&](const std::string& record, const std::string& key,
                            const Hash256& content) { return log.Append(record, key, content); }));
  RETURN_IF_ERROR(log.Seal(hub));
  return tx->Commit();
}

Status ForEachRecord(Db& db,
                     const std::function<Status(const std::string& record, const std::string& key,
                                                const Hash256& content)>& visit) {
  for (const auto& kind : kRecordKinds) {
    ASSIGN_OR_RETURN(Statement rows, db.Prepare(std::string("SELECT ") + kind.key_sql +
                                                ", * FROM " + kind.table + " ORDER BY 1"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      RETURN_IF_ERROR(visit(kind.table, rows.Text(0), RowContentHash(rows, 1)));
    }
  }
  return Status::Ok();
}

}  // namespace outpost::hub::storage::sqlite
