// Head office's staff accounts and sign-in for the web console (issue 18;
// docs/WEB.md, "Accounts and roles"): the operations `outpost-hub users`
// and the console's sign-in page both call, over hub/storage/staff_store.h.
//
// Invariants:
//  - a password is kept only as a libsodium Argon2id string; it is never
//    logged, printed or compared in plain;
//  - a session token (32 random bytes, hex) is given once, to the browser; the
//    hub keeps its BLAKE2b-256 only, so a copy of the database signs nobody in;
//  - a session ends at its absolute expiry, after an idle time, at sign-out,
//    and when its account's password changes or the account is disabled;
//  - after `max_failures` failed sign-ins of a name within `failure_window_ms`
//    that name is refused without checking the password until the window
//    passes; "wrong name or password" never says which of the two was wrong;
//  - every account change, sign-in, refusal and sign-out is audited with who
//    did it, in the same transaction as the change.
// Thread-compatible: on the thread that owns the HubStorage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/storage/staff_store.h"
#include "sync/clock.h"
#include "sync/status.h"

namespace outpost::hub {

// The console's roles, least to most.
//   viewer       reads every page, personal data masked
//   call_centre  + books, cancels and moves at stores, works the queue, sees phones
//   data_team    + resolves duplicates (merge, unmerge, keep apart) and cases, sees phones
//   admin        everything, and manages accounts
enum class Role { kViewer, kCallCentre, kDataTeam, kAdmin };
inline constexpr const char* kRoleNames[] = {"viewer", "call_centre", "data_team", "admin"};

// What an action needs; checked on the server for every request.
enum class Permission {
  kView,             // every page
  kSeePersonalData,  // full phones and names instead of masked ones
  kBook,             // book, cancel, move through head office's requests
  kWorkQueue,        // record calls on the call-centre queue
  kResolveIdentity,  // merge, unmerge, keep apart
  kResolveCases,     // close a store's case
  kVerify,           // run verify over the hub's file (seconds at scale: not for everyone)
  kManageAccounts,   // users add, passwd, role, disable
};

std::optional<Role> ParseRole(std::string_view text);
const char* RoleName(Role role);
bool RoleMay(Role role, Permission permission);
const char* PermissionName(Permission permission);

struct AccountRules {
  int64_t session_ms = 8LL * 3600 * 1000;        // a working day, then sign in again
  int64_t idle_ms = 30LL * 60 * 1000;            // unused this long: ended
  int max_failures = 5;                          // failed sign-ins of a name ...
  int64_t failure_window_ms = 15LL * 60 * 1000;  // ... within this, then a pause of it
  size_t min_password = 10;
};

// An account as it may be shown: never its password hash.
struct StaffUser {
  std::string name;
  std::string display_name;
  Role role = Role::kViewer;
  std::string created_at;
  std::string created_by;
  std::string password_set_at;
  std::optional<std::string> disabled_at;
  std::optional<std::string> disabled_by;
  std::optional<std::string> disabled_reason;
};

// Who a live session belongs to.
struct SignedIn {
  std::string name;
  std::string display_name;
  Role role = Role::kViewer;
  std::string csrf_token;  // every write of the session must carry it
  std::string expires_at;  // UTC text: the absolute end
};

struct NewSession {
  std::string token;  // for the cookie; shown nowhere else
  SignedIn who;
};

class StaffAccounts {
 public:
  StaffAccounts(storage::StaffStore& store, const Clock& clock, AccountRules rules = {});

  // Each write is refused (InvalidInput naming the field, value and why, or
  // NotFound / Conflict) with nothing written, or lands with its audit row.
  // `by` is who does it (the command line's --staff, the console's account).
  Status AddUser(const std::string& name, const std::string& display_name, const std::string& role,
                 const std::string& password, const std::string& by);
  // A new password ends every session of the account.
  Status SetPassword(const std::string& name, const std::string& password, const std::string& by);
  Status SetRole(const std::string& name, const std::string& role, const std::string& by);
  // Disabling ends every session of the account; `reason` is required.
  Status Disable(const std::string& name, const std::string& reason, const std::string& by);
  Status Enable(const std::string& name, const std::string& by);
  Result<std::vector<StaffUser>> Users();
  Result<std::vector<storage::StaffAuditRow>> Audit(int64_t limit);

  // Refused "wrong name or password" for an unknown name, a wrong password
  // or a disabled account (the last audited as such); Refused naming the
  // time to try again after too many failures.
  Result<NewSession> SignIn(const std::string& name, const std::string& password);
  // The session's owner; Refused saying why for an unknown, expired, idle,
  // ended or disabled one. Moves the idle timeout forward.
  Result<SignedIn> Authenticate(const std::string& token);
  // Ends the session; Ok for one already ended (signing out twice is no error).
  Status SignOut(const std::string& token);

  // Refused unless `presented` is the session's token (constant-time).
  static Status CheckCsrf(const SignedIn& who, std::string_view presented);
  // Refused naming the role and what it may not do.
  static Status Require(const SignedIn& who, Permission permission);
  // Audits one write made through the console by `who`.
  Status Record(const SignedIn& who, const std::string& action, const std::string& subject,
                const std::string& detail);

 private:
  Result<storage::StaffUserRow> Existing(const std::string& name);
  storage::StaffAuditRow AuditRow(const std::string& actor, const std::string& action,
                                  const std::string& subject, const std::string& detail) const;
  Status CheckPassword(const std::string& name, const std::string& password) const;

  storage::StaffStore& store_;
  const Clock& clock_;
  AccountRules rules_;
};

}  // namespace outpost::hub
