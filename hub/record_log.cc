#include "hub/record_log.h"

#include <sodium.h>

#include <cstring>

namespace outpost::hub {
namespace {

constexpr RecordKind kRecordKinds[] = {
    {"hub_outbox", "site_id || '/' || seq", "site_id = ?1 AND seq = ?2"},
    {"identity_rules", "id", "id = ?1"},
    {"identity_dismissals", "record_a || '/' || record_b", "record_a = ?1 AND record_b = ?2"},
    {"identity_links", "record_id", "record_id = ?1"},
    {"security_log", "id", "id = ?1"},
    {"store_key_history", "site_id || '/' || key_id", "site_id = ?1 AND key_id = ?2"},
};

void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutString(std::string& out, const std::string& s) {
  PutU64(out, s.size());
  out.append(s);
}

Hash256 Blake2b(const std::string& bytes) {
  Hash256 out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return out;
}

std::string SignedBytes(int64_t seq, const Hash256& head) {
  std::string bytes = "outpost-hub-record-head-v1";
  PutU64(bytes, static_cast<uint64_t>(seq));
  bytes.append(reinterpret_cast<const char*>(head.data()), head.size());
  return bytes;
}

const RecordKind* FindKind(const std::string& table) {
  for (const auto& k : kRecordKinds) {
    if (table == k.table) return &k;
  }
  return nullptr;
}

std::string JoinKey(const std::vector<std::string>& parts) {
  std::string key;
  for (const auto& p : parts) key += (key.empty() ? "" : "/") + p;
  return key;
}

}  // namespace

std::span<const RecordKind> RecordKinds() { return kRecordKinds; }

Hash256 RecordContentHash(const Statement& row, int first_column) {
  std::string bytes = "outpost-hub-record-row-v1";
  for (int c = first_column; c < row.ColumnCount(); ++c) {
    if (row.IsNull(c)) {
      bytes.push_back(0);
      continue;
    }
    bytes.push_back(1);
    PutString(bytes, row.Blob(c));
  }
  return Blake2b(bytes);
}

Hash256 NextRecordHead(const Hash256& prev, int64_t seq, const std::string& table,
                       const std::string& key, const Hash256& content_hash) {
  std::string bytes = "outpost-hub-record-v1";
  bytes.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  PutU64(bytes, static_cast<uint64_t>(seq));
  PutString(bytes, table);
  PutString(bytes, key);
  bytes.append(reinterpret_cast<const char*>(content_hash.data()), content_hash.size());
  return Blake2b(bytes);
}

bool RecordHeadSignatureOk(const PublicKeys& hub, const SignedHead& head) {
  const std::string bytes = SignedBytes(head.index, head.head);
  return crypto_sign_verify_detached(head.signature.data(),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     bytes.size(), hub.sign_pk.data()) == 0;
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
  if (!kind) return Status::InvalidInput("record log: '" + table + "' is not a head-office record");
  ASSIGN_OR_RETURN(Statement row, db_->Prepare(std::string("SELECT * FROM ") + kind->table +
                                               " WHERE " + kind->lookup_sql));
  for (size_t i = 0; i < key_parts.size(); ++i) row.Bind(static_cast<int>(i + 1), key_parts[i]);
  ASSIGN_OR_RETURN(bool found, row.Step());
  return Append(table, JoinKey(key_parts), found ? RecordContentHash(row, 0) : Hash256{});
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
  const std::string bytes = SignedBytes(seq_, head_);
  std::array<uint8_t, 64> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                       hub.sign_sk.data());
  ASSIGN_OR_RETURN(Statement put, db_->Prepare("UPDATE record_log SET head_signature = ?"
                                               " WHERE seq = ?"));
  put.BindBlob(1, signature).Bind(2, seq_);
  RETURN_IF_ERROR(put.Run());
  unsigned_ = false;
  return Status::Ok();
}

Status AdoptUnloggedRecords(Db& db, const SecretKeys& hub) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db));
  ASSIGN_OR_RETURN(RecordLog log, RecordLog::Open(db));
  if (log.seq_ > 0) return Status::Ok();
  RETURN_IF_ERROR(log.Append(kAdoptedRecord, "rows held before the record log began", Hash256{}));
  for (const auto& kind : kRecordKinds) {
    ASSIGN_OR_RETURN(Statement rows, db.Prepare(std::string("SELECT ") + kind.key_sql +
                                                ", * FROM " + kind.table + " ORDER BY 1"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      RETURN_IF_ERROR(log.Append(kind.table, rows.Text(0), RecordContentHash(rows, 1)));
    }
  }
  RETURN_IF_ERROR(log.Seal(hub));
  return tx->Commit();
}

}  // namespace outpost::hub
