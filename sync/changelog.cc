#include "sync/changelog.h"

#include <sodium.h>

#include <cstring>

#include "sync/i18n/messages.h"

namespace outpost {
namespace {

void PutU64(std::string& out, uint64_t v) {
  char be[8];
  for (int i = 0; i < 8; ++i) be[i] = static_cast<char>((v >> (8 * (7 - i))) & 0xff);
  out.append(be, sizeof be);
}

void PutBytes(std::string& out, std::string_view bytes) {
  PutU64(out, bytes.size());
  out.append(bytes);
}

Hash256 BlobHash(const Statement& st, int column) {
  Hash256 h{};
  std::string blob = st.Blob(column);
  if (blob.size() == h.size()) std::memcpy(h.data(), blob.data(), h.size());
  return h;
}

}  // namespace

ChangeEntry ReadChangeRow(const Statement& st) {
  ChangeEntry e;
  e.seq = st.Int(0);
  e.site_id = st.Text(1);
  e.hlc = static_cast<Hlc>(st.Int(2));
  e.entity = st.Text(3);
  e.entity_id = st.Text(4);
  e.op = st.Text(5);
  e.fields_json = st.Text(6);
  e.staff = st.Text(7);
  e.business_time = st.OptionalText(8);
  e.recorded_at = st.Text(9);
  e.schema_version = static_cast<int>(st.Int(10));
  e.prev_hash = BlobHash(st, 11);
  e.hash = BlobHash(st, 12);
  return e;
}

const char* const kChangeColumns =
    "seq, site_id, hlc, entity, entity_id, op, fields, staff, business_time, recorded_at,"
    " schema_version, prev_hash, hash";

Hash256 ChainHash(const ChangeEntry& e) {
  // Canonical bytes: "outpost-change-v1", then each field as a big-endian u64,
  // or as a u64 length followed by its bytes; business_time absent is length
  // 2^64-1. See docs/PROTOCOL.md.
  std::string bytes;
  // One allocation: the fixed parts are 17 + 32 + 12 * 8 bytes.
  bytes.reserve(160 + e.site_id.size() + e.entity.size() + e.entity_id.size() + e.op.size() +
                e.fields_json.size() + e.staff.size() + e.business_time.value_or("").size() +
                e.recorded_at.size());
  bytes.append("outpost-change-v1");
  bytes.append(reinterpret_cast<const char*>(e.prev_hash.data()), e.prev_hash.size());
  PutU64(bytes, static_cast<uint64_t>(e.seq));
  PutBytes(bytes, e.site_id);
  PutU64(bytes, e.hlc);
  PutBytes(bytes, e.entity);
  PutBytes(bytes, e.entity_id);
  PutBytes(bytes, e.op);
  PutBytes(bytes, e.fields_json);
  PutBytes(bytes, e.staff);
  if (e.business_time) {
    PutBytes(bytes, *e.business_time);
  } else {
    PutU64(bytes, ~uint64_t{0});
  }
  PutBytes(bytes, e.recorded_at);
  PutU64(bytes, static_cast<uint64_t>(e.schema_version));
  Hash256 out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return out;
}

Status VerifyChain(std::span<const ChangeEntry> entries, const std::optional<Hash256>& prev) {
  std::optional<Hash256> expected_prev = prev;
  int64_t expected_seq = entries.empty() ? 0 : entries.front().seq;
  for (const auto& e : entries) {
    auto where = [&e] { return "change log of " + e.site_id + ", seq " + std::to_string(e.seq); };
    auto where_shown = [&e] {
      return i18n::Format("change log of {0}, seq {1}", {e.site_id, std::to_string(e.seq)});
    };
    if (e.seq != expected_seq) {
      return Status::Corruption(where() + ": expected seq " + std::to_string(expected_seq) +
                                " (a gap or reordering)")
          .WithShown(i18n::Format("{0}: expected seq {1} (a gap or reordering)",
                                  {where_shown(), std::to_string(expected_seq)}));
    }
    if (e.seq == 1 && e.prev_hash != Hash256{}) {
      return Status::Corruption(where() + ": the first entry must link to nothing")
          .WithShown(i18n::Format("{0}: the first entry must link to nothing", {where_shown()}));
    }
    if (expected_prev && e.prev_hash != *expected_prev) {
      return Status::Corruption(where() + ": does not link to the entry before it")
          .WithShown(i18n::Format("{0}: does not link to the entry before it", {where_shown()}));
    }
    if (ChainHash(e) != e.hash) {
      return Status::Corruption(where() + ": hash does not match its contents (altered)")
          .WithShown(
              i18n::Format("{0}: hash does not match its contents (altered)", {where_shown()}));
    }
    expected_prev = e.hash;
    ++expected_seq;
  }
  return Status::Ok();
}

Result<ChangeEntry> AppendChange(Db& db, ChangeEntry e, int64_t wall_ms) {
  ASSIGN_OR_RETURN(Statement last,
                   db.Prepare("SELECT seq, hlc, hash FROM change_log ORDER BY seq DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool has_last, last.Step());
  Hlc last_hlc = 0;
  e.seq = 1;
  e.prev_hash = Hash256{};
  if (has_last) {
    e.seq = last.Int(0) + 1;
    last_hlc = static_cast<Hlc>(last.Int(1));
    e.prev_hash = BlobHash(last, 2);
  }
  e.hlc = HlcNext(last_hlc, wall_ms);
  e.hash = ChainHash(e);
  RETURN_IF_ERROR(InsertChangeRow(db, "change_log", e));
  return e;
}

Status InsertChangeRow(Db& db, const std::string& table, const ChangeEntry& e) {
  ASSIGN_OR_RETURN(Statement ins, db.Prepare("INSERT INTO " + table + " (" + kChangeColumns +
                                             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ins.Bind(1, e.seq)
      .Bind(2, e.site_id)
      .Bind(3, static_cast<int64_t>(e.hlc))
      .Bind(4, e.entity)
      .Bind(5, e.entity_id)
      .Bind(6, e.op)
      .Bind(7, e.fields_json)
      .Bind(8, e.staff)
      .Bind(9, e.business_time)
      .Bind(10, e.recorded_at)
      .Bind(11, int64_t{e.schema_version})
      .BindBlob(12, e.prev_hash)
      .BindBlob(13, e.hash);
  return ins.Run();
}

Result<std::vector<ChangeEntry>> SelectChanges(Db& db, const std::string& table,
                                               const ChangeFilter& filter) {
  std::string where;
  std::vector<std::string> args;
  auto add = [&](const std::string& condition) {
    where += (where.empty() ? " WHERE " : " AND ") + condition;
  };
  if (!filter.entities.empty()) {
    std::string marks;
    for (const auto& entity : filter.entities) {
      marks += marks.empty() ? "?" : ", ?";
      args.push_back(entity);
    }
    add("entity IN (" + marks + ")");
  }
  const std::pair<const std::optional<std::string>*, const char*> parts[] = {
      {&filter.entity_id, "entity_id = ?"},
      {&filter.op, "op = ?"},
      {&filter.fields_contain, "instr(fields, ?) > 0"},
      {&filter.recorded_from, "recorded_at >= ?"},
      {&filter.recorded_before, "recorded_at < ?"},
  };
  for (const auto& [value, condition] : parts) {
    if (!*value) continue;
    add(condition);
    args.push_back(**value);
  }
  ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kChangeColumns + " FROM " +
                                            table + where + " ORDER BY hlc, site_id"));
  for (size_t i = 0; i < args.size(); ++i) st.Bind(static_cast<int>(i + 1), args[i]);
  return ReadChangeRows(st);
}

Result<std::vector<ChangeEntry>> ReadChanges(Db& db, int64_t from_seq, int64_t limit) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kChangeColumns +
                                            " FROM change_log WHERE seq >= ? ORDER BY seq"
                                            " LIMIT ?"));
  st.Bind(1, from_seq).Bind(2, limit);
  return ReadChangeRows(st);
}

Result<std::vector<ChangeEntry>> ReadChangeRows(Statement& st) {
  std::vector<ChangeEntry> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadChangeRow(st));
  }
  return out;
}

std::string HashHex(const Hash256& hash) { return BytesHex(hash.data(), hash.size()); }

std::string BytesHex(const uint8_t* bytes, size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

}  // namespace outpost
