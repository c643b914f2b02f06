#include "edge/outreach.h"

#include <nlohmann/json.hpp>

namespace outpost::edge {
namespace {

using nlohmann::json;

// The columns every query reads: the folded fields and the id.
constexpr const char* kSelect = "SELECT id, fields FROM messages";

Result<model::Message> RowMessage(const Statement& st) {
  const json fields = json::parse(st.Text(1), nullptr, /*allow_exceptions=*/false);
  auto m = model::ParseMessage(st.Text(0), fields);
  if (!m.ok())
    return Status::Corruption("messages row " + st.Text(0) + ": " + m.status().message());
  return m;
}

Result<std::vector<model::Message>> Collect(Statement& st) {
  std::vector<model::Message> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(model::Message m, RowMessage(st));
    out.push_back(std::move(m));
  }
  return out;
}

// Writes the row as `m` now is (insert or replace): the copies of its fields
// the queries use, and the folded fields themselves.
Status WriteRow(Db& db, const model::Message& m) {
  json fields = model::MessageInsertFields(m);
  model::MessageUpdate rest;
  rest.next_attempt_at = m.next_attempt_at;
  rest.receipt_id = m.receipt_id;
  rest.sent_at = m.sent_at;
  rest.outcome = m.outcome;
  rest.updated_at = m.updated_at;
  fields.update(model::MessageUpdateFields(rest));
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("INSERT OR REPLACE INTO messages (id, booking_id, customer_id,"
                              " channel, status, due_at, next_attempt_at, fields)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, m.id).Bind(2, m.booking_id).Bind(3, m.customer_id).Bind(4, m.channel);
  st.Bind(5, model::MessageStatusName(m.status)).Bind(6, m.due_at).Bind(7, m.next_attempt_at);
  st.Bind(8, fields.dump());
  return st.Run();
}

}  // namespace

Result<std::optional<model::Message>> FindMessage(Db& db, const std::string& id) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string(kSelect) + " WHERE id = ?"));
  st.Bind(1, id);
  ASSIGN_OR_RETURN(auto found, Collect(st));
  if (found.empty()) return std::optional<model::Message>();
  return std::optional<model::Message>(std::move(found.front()));
}

Result<model::Message> ResolveMessage(Db& db, const std::string& id_or_suffix) {
  if (id_or_suffix.size() < 4) {
    return Status::InvalidInput("message: '" + id_or_suffix +
                                "' is too short; type at least its last 4 characters")
        .WithField("message");
  }
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare(std::string(kSelect) + " WHERE id = ?1 OR id LIKE '%' || ?1"));
  st.Bind(1, id_or_suffix);
  ASSIGN_OR_RETURN(auto found, Collect(st));
  if (found.empty()) {
    return Status::NotFound("message: no message '" + id_or_suffix + "'").WithField("message");
  }
  if (found.size() > 1) {
    return Status::InvalidInput("message: '" + id_or_suffix + "' matches " +
                                std::to_string(found.size()) + " messages; type more of its id")
        .WithField("message");
  }
  return std::move(found.front());
}

Status InsertMessage(Db& db, ChangeWriter& log, const model::Message& message,
                     const std::string& staff) {
  ASSIGN_OR_RETURN(auto existing, FindMessage(db, message.id));
  if (existing) return Status::Conflict("message " + message.id + " is planned already");
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
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare(std::string(kSelect) +
                              " WHERE status IN ('planned', 'delayed', 'sending', 'retrying')"
                              " AND due_at <= ?1 AND (next_attempt_at IS NULL OR"
                              " next_attempt_at <= ?1) ORDER BY due_at, id"));
  st.Bind(1, now);
  return Collect(st);
}

Result<std::vector<model::Message>> PendingMessagesOfBooking(Db& db,
                                                             const std::string& booking_id) {
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare(std::string(kSelect) + " WHERE booking_id = ? AND status IN ('planned', 'delayed',"
                                        " 'sending', 'retrying') ORDER BY due_at, id"));
  st.Bind(1, booking_id);
  return Collect(st);
}

Result<std::vector<model::Message>> MessagesDueBetween(Db& db, const std::string& from,
                                                       const std::string& to) {
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare(std::string(kSelect) + " WHERE due_at >= ? AND due_at < ? ORDER BY due_at, id"));
  st.Bind(1, from).Bind(2, to);
  return Collect(st);
}

Result<std::vector<std::string>> MarketingSentSince(Db& db, const std::string& customer_id,
                                                    const std::string& since) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT json_extract(fields, '$.sent_at') FROM messages"
                                            " WHERE customer_id = ? AND status IN ('sent', 'done')"
                                            " AND json_extract(fields, '$.purpose') = 'marketing'"
                                            " AND json_extract(fields, '$.sent_at') >= ?"));
  st.Bind(1, customer_id).Bind(2, since);
  return st.TextColumn();
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
