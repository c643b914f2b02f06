// Head office's staff accounts on PostgreSQL, twin of hub/storage/sqlite/staff_store.cc
// (the tables: schema/migrations/hub_pg/0001_hub.sql, staff_*). Each write is
// one transaction under the hub's writer lock, as BEGIN IMMEDIATE on SQLite.
#include "hub/storage/postgres/parts.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::storage::postgres {
namespace {

constexpr const char* kUserColumns =
    "name, display_name, role, password_hash, password_set_at, created_at, created_by,"
    " disabled_at, disabled_by, disabled_reason";

StaffUserRow ReadUser(const PgStatement& st) {
  return {st.Text(0), st.Text(1), st.Text(2),         st.Text(3),         st.Text(4),
          st.Text(5), st.Text(6), st.OptionalText(7), st.OptionalText(8), st.OptionalText(9)};
}

StaffSessionRow ReadSession(const PgStatement& st) {
  StaffSessionRow s;
  s.token_hash = ToBytes<32>(st.Blob(0));
  s.name = st.Text(1);
  s.csrf_token = st.Text(2);
  s.created_at = st.Text(3);
  s.expires_at = st.Text(4);
  s.last_seen_at = st.Text(5);
  s.ended_at = st.OptionalText(6);
  s.ended_why = st.OptionalText(7);
  return s;
}

StaffAuditRow ReadAudit(const PgStatement& st) {
  return {st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5)};
}

}  // namespace

Status PgStaffStore::InsertAudit(const StaffAuditRow& audit) {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("INSERT INTO staff_audit (at, actor, action, subject, detail)"
                               " VALUES (?, ?, ?, ?, ?)"));
  st.Bind(1, audit.at)
      .Bind(2, audit.actor)
      .Bind(3, audit.action)
      .Bind(4, audit.subject)
      .Bind(5, audit.detail);
  return st.Run();
}

Result<std::optional<StaffUserRow>> PgStaffStore::User(const std::string& name) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare(std::string("SELECT ") + kUserColumns +
                                               " FROM staff_users WHERE name = ?"));
  st.Bind(1, name);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<StaffUserRow>();
  return std::optional<StaffUserRow>(ReadUser(st));
}

Result<std::vector<StaffUserRow>> PgStaffStore::Users() {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare(std::string("SELECT ") + kUserColumns +
                                               " FROM staff_users ORDER BY name"));
  return Rows<StaffUserRow>(st, ReadUser);
}

Status PgStaffStore::AddUser(const StaffUserRow& user, const StaffAuditRow& audit) {
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(auto existing, User(user.name));
  if (existing)
    return Status::Conflict("user '" + user.name + "' exists already")
        .WithShown(i18n::Format("user '{0}' exists already", {user.name}));
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare(std::string("INSERT INTO staff_users (") + kUserColumns +
                               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, user.name)
      .Bind(2, user.display_name)
      .Bind(3, user.role)
      .Bind(4, user.password_hash)
      .Bind(5, user.password_set_at)
      .Bind(6, user.created_at)
      .Bind(7, user.created_by)
      .Bind(8, user.disabled_at)
      .Bind(9, user.disabled_by)
      .Bind(10, user.disabled_reason);
  RETURN_IF_ERROR(st.Run());
  RETURN_IF_ERROR(InsertAudit(audit));
  return tx->Commit();
}

Status PgStaffStore::UpdateUser(const StaffUserRow& user,
                                const std::optional<std::string>& end_sessions,
                                const StaffAuditRow& audit) {
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("UPDATE staff_users SET display_name = ?, role = ?,"
                               " password_hash = ?, password_set_at = ?, disabled_at = ?,"
                               " disabled_by = ?, disabled_reason = ? WHERE name = ?"));
  st.Bind(1, user.display_name)
      .Bind(2, user.role)
      .Bind(3, user.password_hash)
      .Bind(4, user.password_set_at)
      .Bind(5, user.disabled_at)
      .Bind(6, user.disabled_by)
      .Bind(7, user.disabled_reason)
      .Bind(8, user.name);
  RETURN_IF_ERROR(st.Run());
  if (st.RowsChanged() == 0)
    return Status::NotFound("no user '" + user.name + "'")
        .WithShown(i18n::Format("no user '{0}'", {user.name}));
  if (end_sessions) {
    ASSIGN_OR_RETURN(PgStatement end,
                     db_.Prepare("UPDATE staff_sessions SET ended_at = ?, ended_why = ?"
                                 " WHERE name = ? AND ended_at IS NULL"));
    end.Bind(1, audit.at).Bind(2, *end_sessions).Bind(3, user.name);
    RETURN_IF_ERROR(end.Run());
  }
  RETURN_IF_ERROR(InsertAudit(audit));
  return tx->Commit();
}

Status PgStaffStore::StartSession(const StaffSessionRow& session, const StaffAuditRow& audit) {
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("INSERT INTO staff_sessions (token_hash, name, csrf_token,"
                               " created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)"));
  st.BindBlob(1, session.token_hash)
      .Bind(2, session.name)
      .Bind(3, session.csrf_token)
      .Bind(4, session.created_at)
      .Bind(5, session.expires_at)
      .Bind(6, session.last_seen_at);
  RETURN_IF_ERROR(st.Run());
  ASSIGN_OR_RETURN(PgStatement clear,
                   db_.Prepare("DELETE FROM staff_login_failures WHERE name = ?"));
  clear.Bind(1, session.name);
  RETURN_IF_ERROR(clear.Run());
  RETURN_IF_ERROR(InsertAudit(audit));
  return tx->Commit();
}

Result<std::optional<StaffSessionRow>> PgStaffStore::Session(
    const std::array<uint8_t, 32>& token_hash) {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("SELECT token_hash, name, csrf_token, created_at, expires_at,"
                               " last_seen_at, ended_at, ended_why FROM staff_sessions"
                               " WHERE token_hash = ?"));
  st.BindBlob(1, token_hash);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<StaffSessionRow>();
  return std::optional<StaffSessionRow>(ReadSession(st));
}

Status PgStaffStore::TouchSession(const std::array<uint8_t, 32>& token_hash,
                                  const std::string& at) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("UPDATE staff_sessions SET last_seen_at = ?"
                                               " WHERE token_hash = ? AND ended_at IS NULL"
                                               " AND last_seen_at < ?"));
  st.Bind(1, at).BindBlob(2, token_hash).Bind(3, at);
  return st.Run();
}

Result<bool> PgStaffStore::EndSession(const std::array<uint8_t, 32>& token_hash,
                                      const std::string& why, const StaffAuditRow& audit) {
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("UPDATE staff_sessions SET ended_at = ?, ended_why = ?"
                               " WHERE token_hash = ? AND ended_at IS NULL"));
  st.Bind(1, audit.at).Bind(2, why).BindBlob(3, token_hash);
  RETURN_IF_ERROR(st.Run());
  if (st.RowsChanged() == 0) return false;
  RETURN_IF_ERROR(InsertAudit(audit));
  RETURN_IF_ERROR(tx->Commit());
  return true;
}

Status PgStaffStore::RecordLoginFailure(const std::string& name, const std::string& forget_before,
                                        const StaffAuditRow& audit) {
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(PgStatement forget,
                   db_.Prepare("DELETE FROM staff_login_failures WHERE at < ?"));
  forget.Bind(1, forget_before);
  RETURN_IF_ERROR(forget.Run());
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("INSERT INTO staff_login_failures (name, at) VALUES (?, ?)"));
  st.Bind(1, name).Bind(2, audit.at);
  RETURN_IF_ERROR(st.Run());
  RETURN_IF_ERROR(InsertAudit(audit));
  return tx->Commit();
}

Result<std::vector<std::string>> PgStaffStore::LoginFailuresSince(const std::string& name,
                                                                  const std::string& since) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT at FROM staff_login_failures"
                                               " WHERE name = ? AND at >= ? ORDER BY at"));
  st.Bind(1, name).Bind(2, since);
  return st.TextColumn();
}

Status PgStaffStore::AppendAudit(const StaffAuditRow& audit) { return InsertAudit(audit); }

Result<std::vector<StaffAuditRow>> PgStaffStore::Audit(int64_t limit) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT seq, at, actor, action, subject, detail"
                                               " FROM staff_audit ORDER BY seq DESC LIMIT ?"));
  st.Bind(1, limit);
  return Rows<StaffAuditRow>(st, ReadAudit);
}

}  // namespace outpost::hub::storage::postgres
