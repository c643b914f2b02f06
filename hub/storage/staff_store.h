// StaffStore: head office's staff accounts for the web console (docs/WEB.md,
// "Accounts and roles"): who may sign in and with which role, their sessions,
// failed sign-ins (for the rate limit) and the audit of every account change
// and sign-in. Passwords reach it only as Argon2id strings and sessions only
// as the hash of their token: the rules (hashing, expiry, the rate limit) are
// hub/accounts.h's, this keeps rows.
//
// Every write is one transaction with its audit row: an account change is
// never kept without who made it. No SQL here. Thread-compatible: on the
// thread that owns the HubStorage.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sync/status.h"

namespace outpost::hub::storage {

struct StaffUserRow {
  std::string name;
  std::string display_name;
  std::string role;           // viewer, call_centre, data_team, admin
  std::string password_hash;  // "$argon2id$...", never shown
  std::string password_set_at;
  std::string created_at;
  std::string created_by;
  std::optional<std::string> disabled_at;
  std::optional<std::string> disabled_by;
  std::optional<std::string> disabled_reason;
};

struct StaffSessionRow {
  std::array<uint8_t, 32> token_hash{};
  std::string name;
  std::string csrf_token;
  std::string created_at;
  std::string expires_at;
  std::string last_seen_at;
  std::optional<std::string> ended_at;
  std::optional<std::string> ended_why;
};

// One audit line: who did what to whom, when, in words.
struct StaffAuditRow {
  int64_t seq = 0;
  std::string at;
  std::string actor;
  std::string action;
  std::string subject;
  std::string detail;
};

class StaffStore {
 public:
  virtual ~StaffStore() = default;

  virtual Result<std::optional<StaffUserRow>> User(const std::string& name) = 0;
  // Every account, by name.
  virtual Result<std::vector<StaffUserRow>> Users() = 0;
  // Adds the account with its audit row; Conflict when the name is taken.
  virtual Status AddUser(const StaffUserRow& user, const StaffAuditRow& audit) = 0;
  // Replaces the account's role, display name, password and disabled fields
  // with `user`'s, ends its open sessions when `end_sessions` says why, and
  // writes the audit row, in one transaction. NotFound for an unknown name.
  virtual Status UpdateUser(const StaffUserRow& user,
                            const std::optional<std::string>& end_sessions,
                            const StaffAuditRow& audit) = 0;

  // A sign-in: the session and its audit row; old failures of the name are cleared.
  virtual Status StartSession(const StaffSessionRow& session, const StaffAuditRow& audit) = 0;
  virtual Result<std::optional<StaffSessionRow>> Session(
      const std::array<uint8_t, 32>& token_hash) = 0;
  // Moves a live session's last_seen_at forward (the idle timeout).
  virtual Status TouchSession(const std::array<uint8_t, 32>& token_hash, const std::string& at) = 0;
  // Ends the session (signed out) with its audit row; false when it was not open.
  virtual Result<bool> EndSession(const std::array<uint8_t, 32>& token_hash, const std::string& why,
                                  const StaffAuditRow& audit) = 0;

  // Records a failed sign-in of `name` and its audit row; forgets failures
  // older than `forget_before`.
  virtual Status RecordLoginFailure(const std::string& name, const std::string& forget_before,
                                    const StaffAuditRow& audit) = 0;
  // The times of `name`'s failed sign-ins at or after `since`, oldest first.
  virtual Result<std::vector<std::string>> LoginFailuresSince(const std::string& name,
                                                              const std::string& since) = 0;

  // Appends one audit row on its own (a write made through the console).
  virtual Status AppendAudit(const StaffAuditRow& audit) = 0;
  // The newest `limit` audit rows, newest first.
  virtual Result<std::vector<StaffAuditRow>> Audit(int64_t limit) = 0;
};

}  // namespace outpost::hub::storage
