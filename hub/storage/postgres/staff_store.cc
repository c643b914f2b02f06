// Head office's staff accounts on PostgreSQL, twins of hub/storage/sqlite/staff_store.cc.
#include "hub/storage/postgres/parts.h"

namespace outpost::hub::storage::postgres {

Result<std::optional<StaffUserRow>> PgStaffStore::User(const std::string& /*name*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<StaffUserRow>> PgStaffStore::Users() {
  return Status::Refused("not yet on PostgreSQL");
}

Status PgStaffStore::AddUser(const StaffUserRow& /*user*/, const StaffAuditRow& /*audit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Status PgStaffStore::UpdateUser(const StaffUserRow& /*user*/,
                                const std::optional<std::string>& /*end_sessions*/,
                                const StaffAuditRow& /*audit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Status PgStaffStore::StartSession(const StaffSessionRow& /*session*/,
                                  const StaffAuditRow& /*audit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<StaffSessionRow>> PgStaffStore::Session(
    const std::array<uint8_t, 32>& /*token_hash*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Status PgStaffStore::TouchSession(const std::array<uint8_t, 32>& /*token_hash*/,
                                  const std::string& /*at*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<bool> PgStaffStore::EndSession(const std::array<uint8_t, 32>& /*token_hash*/,
                                      const std::string& /*why*/, const StaffAuditRow& /*audit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Status PgStaffStore::RecordLoginFailure(const std::string& /*name*/,
                                        const std::string& /*forget_before*/,
                                        const StaffAuditRow& /*audit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<std::string>> PgStaffStore::LoginFailuresSince(const std::string& /*name*/,
                                                                  const std::string& /*since*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Status PgStaffStore::AppendAudit(const StaffAuditRow& /*audit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<StaffAuditRow>> PgStaffStore::Audit(int64_t /*limit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

}  // namespace outpost::hub::storage::postgres
