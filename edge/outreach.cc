#include "edge/outreach.h"

#include <nlohmann/json.hpp>

#include "edge/field_rows.h"
#include "sync/i18n/messages.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

// Every column but the id, named as the codec names the field (the table's invariant).
constexpr FieldColumn kColumns[] = {{"store_id"},        {"customer_id"},
                                    {"booking_id"},      {"step"},
                                    {"purpose"},         {"channel"},
                                    {"idempotency_key"}, {"due_at"},
                                    {"not_after"},       {"text"},
                                    {"planned_at"},      {"status"},
                                    {"reason"},          {"attempts", FieldColumn::Kind::kInt},
                                    {"next_attempt_at"}, {"receipt_id"},
                                    {"sent_at"},         {"outcome"},
                                    {"updated_at"}};

const std::string& SelectSql() {
  static const std::string sql = "SELECT " + FieldColumnList(kColumns) + " FROM messages";
  return sql;
}

// The row read back through the codec, so a damaged row is named, never used.
Result<model::Message> RowMessage(const Statement& st) {
  auto m = model::ParseMessage(st.Text(0), FieldsOfRow(st, kColumns));
  if (!m.ok()) {
    return Status::Corruption("messages row " + st.Text(0) + ": " + m.status().message())
        .WithShown(i18n::Format("messages row {0}: {1}", {st.Text(0), m.status().shown()}));
  }
  return m;
}

Result<std::vector<model::Message>> Collect(Statement& st) { return ReadRows(st, &RowMessage); }

// Writes the row as `m` now is (insert or replace), every field in its column.
Status WriteRow(Db& db, const model::Message& m) {
  static const std::string sql = ReplaceRowSql("messages", kColumns);
  ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
  BindFieldRow(st, m.id, model::MessageJson(m), kColumns);
  return st.Run();
}

}  // namespace

Result<std::optional<model::Message>> FindMessage(Db& db, const std::string& id) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(SelectSql() + " WHERE id = ?"));
  st.Bind(1, id);
  ASSIGN_OR_RETURN(auto found, Collect(st));
  if (found.empty()) return std::optional<model::Message>();
  return std::optional<model::Message>(std::move(found.front()));
}

Result<model::Message> ResolveMessage(Db& db, const std::string& id_or_suffix) {
  if (id_or_suffix.size() < 4) {
    return Status::InvalidInput("message: '" + id_or_suffix +
                                "' is too short; type at least its last 4 characters")
        .WithShown(i18n::Format("message: '{0}' is too short; type at least its last 4 characters",
                                {id_or_suffix}))
        .WithField("message");
  }
  ASSIGN_OR_RETURN(Statement st, db.Prepare(SelectSql() + " WHERE id = ?1 OR id LIKE '%' || ?1"));
  st.Bind(1, id_or_suffix);
  ASSIGN_OR_RETURN(auto found, Collect(st));
  if (found.empty()) {
    return Status::NotFound("message: no message '" + id_or_suffix + "'")
        .WithShown(i18n::Format("message: no message '{0}'", {id_or_suffix}))
        .WithField("message");
  }
  if (found.size() > 1) {
    return Status::InvalidInput("message: '" + id_or_suffix + "' matches " +
                                std::to_string(found.size()) + " messages; type more of its id")
        .WithShown(i18n::Format("message: '{0}' matches {1} messages; type more of its id",
                                {id_or_suffix, std::to_string(found.size())}))
        .WithField("message");
  }
  return std::move(found.front());
}

Status InsertMessage(Db& db, ChangeWriter& log, const model::Message& message,
                     const std::string& staff) {
  ASSIGN_OR_RETURN(auto existing, FindMessage(db, message.id));
  if (existing) {
    return Status::Conflict("message " + message.id + " is planned already")
        .WithShown(i18n::Format("message {0} is planned already", {message.id}));
  }
  RETURN_IF_ERROR(WriteRow(db, message));
  return log.Record("message", message.id, "insert", model::MessageInsertFields(message).dump(),
                    staff);
}

Status UpdateMessage(Db& db, ChangeWriter& log, model::Message& message,
                     const model::MessageUpdate& update, const std::string& staff) {
  model::ApplyMessageUpdate(update, message);
  RETURN_IF_ERROR(WriteRow(db, message));
  return log.Record("message", message.id, "update", model::MessageUpdateFields(update).dump(),
                    staff);
}

Status PutMessageFromLog(Db& db, const model::Message& message) { return WriteRow(db, message); }

Result<std::vector<model::Message>> DueMessages(Db& db, const std::string& now) {
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare(SelectSql() + " WHERE status IN ('planned', 'delayed', 'sending', 'retrying')"
                               " AND due_at <= ?1 AND (next_attempt_at IS NULL OR"
                               " next_attempt_at <= ?1) ORDER BY due_at, id"));
  st.Bind(1, now);
  return Collect(st);
}

Result<std::vector<model::Message>> PendingMessagesOfBooking(Db& db,
                                                             const std::string& booking_id) {
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare(SelectSql() + " WHERE booking_id = ? AND status IN ('planned', 'delayed',"
                               " 'sending', 'retrying') ORDER BY due_at, id"));
  st.Bind(1, booking_id);
  return Collect(st);
}

Result<std::vector<model::Message>> MessagesDueBetween(Db& db, const std::string& from,
                                                       const std::string& to) {
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare(SelectSql() + " WHERE due_at >= ? AND due_at < ? ORDER BY due_at, id"));
  st.Bind(1, from).Bind(2, to);
  return Collect(st);
}

Result<std::vector<std::string>> MarketingSentSince(Db& db, const std::string& customer_id,
                                                    const std::string& since) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT sent_at FROM messages WHERE customer_id = ?"
                                            " AND status IN ('sent', 'done')"
                                            " AND purpose = 'marketing' AND sent_at >= ?"));
  st.Bind(1, customer_id).Bind(2, since);
  return st.TextColumn();
}

Result<std::vector<model::Message>> MarketingContactsBetween(Db& db, const std::string& from,
                                                             const std::string& to) {
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare(SelectSql() + " WHERE purpose = 'marketing' AND status IN ('sent', 'done')"
                               " AND COALESCE(sent_at, updated_at) >= ?"
                               " AND COALESCE(sent_at, updated_at) < ? ORDER BY id"));
  st.Bind(1, from).Bind(2, to);
  return Collect(st);
}

Result<std::optional<std::string>> ReadOutreachSettings(Db& db, const std::string& store_id) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT fields FROM outreach_settings WHERE store_id = ?"));
  st.Bind(1, store_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.Text(0));
}

Status WriteOutreachSettings(Db& db, const std::string& store_id, const std::string& fields_json) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("INSERT OR REPLACE INTO outreach_settings"
                                            " (store_id, fields) VALUES (?, ?)"));
  st.Bind(1, store_id).Bind(2, fields_json);
  return st.Run();
}

}  // namespace outpost::edge
