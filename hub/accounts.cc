#include "hub/accounts.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "sync/i18n/messages.h"
#include "sync/normalize.h"

namespace outpost::hub {
namespace {

using storage::StaffAuditRow;
using storage::StaffSessionRow;
using storage::StaffUserRow;

constexpr char kWrongNameOrPassword[] = "wrong name or password";

std::string Quote(const std::string& s) { return "'" + s + "'"; }

void InitSodium() {
  if (sodium_init() < 0) std::abort();  // no CSPRNG: no tokens can be made
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.pop_back();
  return hex;
}

std::array<uint8_t, 32> TokenHash(const std::string& token) {
  std::array<uint8_t, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return out;
}

Result<std::string> HashPassword(const std::string& password) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::IoError("password hashing ran out of memory");
  }
  return std::string(out.data());
}

bool PasswordMatches(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// A hash no password of a real account matches, verified for unknown names
// so that a wrong name takes as long as a wrong password.
const std::string& DecoyHash() {
  static const std::string decoy = [] {
    Result<std::string> hash = HashPassword(RandomHex(16));
    return hash.ok() ? hash.value() : std::string();
  }();
  return decoy;
}

Status CheckName(const std::string& name) {
  const bool ok =
      name.size() >= 2 && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
  if (ok) return Status::Ok();
  return Status::InvalidInput("name: " + Quote(name) +
                              " is not 2 to 32 of a-z, 0-9, '.', '_' or '-'")
      .WithShown(
          i18n::Format("name: {0} is not 2 to 32 of a-z, 0-9, '.', '_' or '-'", {Quote(name)}))
      .WithField("name");
}

Status CheckDisplayName(const std::string& display_name) {
  const bool controls = std::any_of(display_name.begin(), display_name.end(),
                                    [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (display_name.empty() || display_name.size() > 128 || controls || !IsValidUtf8(display_name)) {
    return Status::InvalidInput("display-name: " + Quote(display_name) +
                                " must be 1 to 128 bytes of text without control characters")
        .WithShown(i18n::Format("display-name: {0} must be 1 to 128 bytes of text without control"
                                " characters",
                                {Quote(display_name)}))
        .WithField("display-name");
  }
  return Status::Ok();
}

Result<Role> RoleFrom(const std::string& text) {
  if (auto role = ParseRole(text)) return *role;
  return Status::InvalidInput("role: " + Quote(text) +
                              " is not one of viewer, call_centre, data_team, admin")
      .WithShown(i18n::Format("role: {0} is not one of viewer, call_centre, data_team, admin",
                              {Quote(text)}))
      .WithField("role");
}

StaffUser Shown(const StaffUserRow& row) {
  StaffUser u;
  u.name = row.name;
  u.display_name = row.display_name;
  u.role = ParseRole(row.role).value_or(Role::kViewer);
  u.created_at = row.created_at;
  u.created_by = row.created_by;
  u.password_set_at = row.password_set_at;
  u.disabled_at = row.disabled_at;
  u.disabled_by = row.disabled_by;
  u.disabled_reason = row.disabled_reason;
  return u;
}

}  // namespace

std::optional<Role> ParseRole(std::string_view text) {
  for (size_t i = 0; i < std::size(kRoleNames); ++i) {
    if (text == kRoleNames[i]) return static_cast<Role>(i);
  }
  return std::nullopt;
}

const char* RoleName(Role role) { return kRoleNames[static_cast<size_t>(role)]; }

bool RoleMay(Role role, Permission permission) {
  switch (permission) {
    case Permission::kView:
      return true;
    case Permission::kSeePersonalData:
    case Permission::kBook:
    case Permission::kWorkQueue:
      return role != Role::kViewer;
    case Permission::kResolveIdentity:
    case Permission::kResolveCases:
    case Permission::kVerify:
      return role == Role::kDataTeam || role == Role::kAdmin;
    case Permission::kManageAccounts:
      return role == Role::kAdmin;
  }
  return false;
}

const char* PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kView:
      return "view";
    case Permission::kSeePersonalData:
      return "see personal data";
    case Permission::kBook:
      return "book, cancel or move";
    case Permission::kWorkQueue:
      return "work the call-centre queue";
    case Permission::kResolveIdentity:
      return "merge or separate customers";
    case Permission::kResolveCases:
      return "resolve cases";
    case Permission::kVerify:
      return "run verify";
    case Permission::kManageAccounts:
      return "manage accounts";
  }
  return "?";
}

StaffAccounts::StaffAccounts(storage::StaffStore& store, const Clock& clock, AccountRules rules)
    : store_(store), clock_(clock), rules_(rules) {
  InitSodium();
}

StaffAuditRow StaffAccounts::AuditRow(const std::string& actor, const std::string& action,
                                      const std::string& subject, const std::string& detail) const {
  return {0, FormatUtcMs(clock_.NowMs()), actor, action, subject, detail};
}

Status StaffAccounts::CheckPassword(const std::string& name, const std::string& password) const {
  if (password.size() < rules_.min_password || password.size() > 256) {
    return Status::InvalidInput("password: must be " + std::to_string(rules_.min_password) +
                                " to 256 characters (got " + std::to_string(password.size()) + ")")
        .WithShown(
            i18n::Format("password: must be {0} to 256 characters (got {1})",
                         {std::to_string(rules_.min_password), std::to_string(password.size())}))
        .WithField("password");
  }
  if (password.find(name) != std::string::npos) {
    return Status::InvalidInput("password: must not contain the account's name " + Quote(name))
        .WithShown(i18n::Format("password: must not contain the account's name {0}", {Quote(name)}))
        .WithField("password");
  }
  return Status::Ok();
}

Result<StaffUserRow> StaffAccounts::Existing(const std::string& name) {
  ASSIGN_OR_RETURN(std::optional<StaffUserRow> row, store_.User(name));
  if (!row) {
    return Status::NotFound("name: no account " + Quote(name))
        .WithShown(i18n::Format("name: no account {0}", {Quote(name)}))
        .WithField("name");
  }
  return *row;
}

Status StaffAccounts::AddUser(const std::string& name, const std::string& display_name,
                              const std::string& role, const std::string& password,
                              const std::string& by) {
  RETURN_IF_ERROR(CheckName(name));
  RETURN_IF_ERROR(CheckDisplayName(display_name));
  ASSIGN_OR_RETURN(Role parsed, RoleFrom(role));
  RETURN_IF_ERROR(CheckPassword(name, password));
  ASSIGN_OR_RETURN(std::optional<StaffUserRow> taken, store_.User(name));
  if (taken) {
    return Status::Conflict("name: account " + Quote(name) + " exists already")
        .WithShown(i18n::Format("name: account {0} exists already", {Quote(name)}));
  }
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  const std::string now = FormatUtcMs(clock_.NowMs());
  StaffUserRow row{name, display_name, RoleName(parsed), hash, now, now, by, {}, {}, {}};
  return store_.AddUser(row,
                        AuditRow(by, "user.add", name, std::string("role ") + RoleName(parsed)));
}

Status StaffAccounts::SetPassword(const std::string& name, const std::string& password,
                                  const std::string& by) {
  ASSIGN_OR_RETURN(StaffUserRow row, Existing(name));
  RETURN_IF_ERROR(CheckPassword(name, password));
  ASSIGN_OR_RETURN(row.password_hash, HashPassword(password));
  row.password_set_at = FormatUtcMs(clock_.NowMs());
  return store_.UpdateUser(row, std::string("password changed"),
                           AuditRow(by, "user.passwd", name, "password changed; sessions ended"));
}

Status StaffAccounts::SetRole(const std::string& name, const std::string& role,
                              const std::string& by) {
  ASSIGN_OR_RETURN(StaffUserRow row, Existing(name));
  ASSIGN_OR_RETURN(Role parsed, RoleFrom(role));
  const std::string detail = row.role + " -> " + RoleName(parsed);
  row.role = RoleName(parsed);
  // A session carries the role it was opened with: end them, the next sign-in has the new one.
  return store_.UpdateUser(row, std::string("role changed"),
                           AuditRow(by, "user.role", name, detail));
}

Status StaffAccounts::Disable(const std::string& name, const std::string& reason,
                              const std::string& by) {
  if (reason.empty()) {
    return Status::InvalidInput("reason: required: say why the account is disabled")
        .WithField("reason");
  }
  ASSIGN_OR_RETURN(StaffUserRow row, Existing(name));
  if (row.disabled_at) {
    return Status::Conflict("name: account " + Quote(name) + " was disabled already at " +
                            *row.disabled_at + " by " + row.disabled_by.value_or("?"))
        .WithShown(i18n::Format("name: account {0} was disabled already at {1} by {2}",
                                {Quote(name), *row.disabled_at, row.disabled_by.value_or("?")}));
  }
  row.disabled_at = FormatUtcMs(clock_.NowMs());
  row.disabled_by = by;
  row.disabled_reason = reason;
  return store_.UpdateUser(row, std::string("account disabled"),
                           AuditRow(by, "user.disable", name, reason));
}

Status StaffAccounts::Enable(const std::string& name, const std::string& by) {
  ASSIGN_OR_RETURN(StaffUserRow row, Existing(name));
  if (!row.disabled_at) {
    return Status::Conflict("name: account " + Quote(name) + " is not disabled")
        .WithShown(i18n::Format("name: account {0} is not disabled", {Quote(name)}));
  }
  row.disabled_at.reset();
  row.disabled_by.reset();
  row.disabled_reason.reset();
  return store_.UpdateUser(row, std::nullopt, AuditRow(by, "user.enable", name, "enabled"));
}

Result<std::vector<StaffUser>> StaffAccounts::Users() {
  ASSIGN_OR_RETURN(std::vector<StaffUserRow> rows, store_.Users());
  std::vector<StaffUser> out;
  out.reserve(rows.size());
  for (const StaffUserRow& row : rows) out.push_back(Shown(row));
  return out;
}

Result<std::vector<storage::StaffAuditRow>> StaffAccounts::Audit(int64_t limit) {
  return store_.Audit(limit);
}

Result<NewSession> StaffAccounts::SignIn(const std::string& name, const std::string& password) {
  const int64_t now = clock_.NowMs();
  // Names are kept lower case and checked like AddUser's; anything else is
  // audited under a bounded form so a flood of junk names stays readable.
  const std::string subject = CheckName(name).ok() ? name : "(invalid name)";
  // A failure counts while less than the window old: the pause ends exactly
  // a window after the first failure it counts.
  ASSIGN_OR_RETURN(
      std::vector<std::string> failures,
      store_.LoginFailuresSince(subject, FormatUtcMs(now - rules_.failure_window_ms + 1)));
  if (static_cast<int>(failures.size()) >= rules_.max_failures) {
    ASSIGN_OR_RETURN(int64_t first, ParseUtcMs(failures[failures.size() - rules_.max_failures]));
    const std::string after = FormatUtcMs(first + rules_.failure_window_ms);
    RETURN_IF_ERROR(store_.AppendAudit(
        AuditRow(subject, "login.locked", subject, "refused unchecked until " + after)));
    return Status::Refused("too many failed sign-ins for " + Quote(subject) + ": try again after " +
                           after)
        .WithShown(i18n::Format("too many failed sign-ins for {0}: try again after {1}",
                                {Quote(subject), after}));
  }
  ASSIGN_OR_RETURN(std::optional<StaffUserRow> row, store_.User(subject));
  const bool matches = PasswordMatches(row ? row->password_hash : DecoyHash(), password);
  if (!row || !matches) {
    RETURN_IF_ERROR(store_.RecordLoginFailure(
        subject, FormatUtcMs(now - rules_.failure_window_ms),
        AuditRow(subject, "login.refused", subject, row ? "wrong password" : "no such account")));
    return Status::Refused(kWrongNameOrPassword);
  }
  if (row->disabled_at) {
    RETURN_IF_ERROR(
        store_.AppendAudit(AuditRow(subject, "login.refused", subject, "account disabled")));
    return Status::Refused(kWrongNameOrPassword);
  }
  NewSession session;
  session.token = RandomHex(32);
  session.who = {row->name, row->display_name, ParseRole(row->role).value_or(Role::kViewer),
                 RandomHex(32), FormatUtcMs(now + rules_.session_ms)};
  StaffSessionRow stored;
  stored.token_hash = TokenHash(session.token);
  stored.name = row->name;
  stored.csrf_token = session.who.csrf_token;
  stored.created_at = FormatUtcMs(now);
  stored.expires_at = session.who.expires_at;
  stored.last_seen_at = stored.created_at;
  RETURN_IF_ERROR(
      store_.StartSession(stored, AuditRow(row->name, "login", row->name, "signed in")));
  return session;
}

Result<SignedIn> StaffAccounts::Authenticate(const std::string& token) {
  const auto hash = TokenHash(token);
  ASSIGN_OR_RETURN(std::optional<StaffSessionRow> session, store_.Session(hash));
  if (!session) return Status::Refused("not signed in");
  if (session->ended_at) {
    return Status::Refused("the session has ended (" + session->ended_why.value_or("signed out") +
                           "): sign in again")
        .WithShown(i18n::Format("the session has ended ({0}): sign in again",
                                {i18n::Tr(session->ended_why.value_or("signed out"))}));
  }
  const int64_t now = clock_.NowMs();
  ASSIGN_OR_RETURN(int64_t expires, ParseUtcMs(session->expires_at));
  ASSIGN_OR_RETURN(int64_t last_seen, ParseUtcMs(session->last_seen_at));
  if (now >= expires) return Status::Refused("the session expired: sign in again");
  if (now - last_seen >= rules_.idle_ms) {
    return Status::Refused("the session expired after being idle: sign in again");
  }
  ASSIGN_OR_RETURN(StaffUserRow row, Existing(session->name));
  if (row.disabled_at) return Status::Refused("the account is disabled");
  RETURN_IF_ERROR(store_.TouchSession(hash, FormatUtcMs(now)));
  return SignedIn{row.name, row.display_name, ParseRole(row.role).value_or(Role::kViewer),
                  session->csrf_token, session->expires_at};
}

Status StaffAccounts::SignOut(const std::string& token) {
  const auto hash = TokenHash(token);
  ASSIGN_OR_RETURN(std::optional<StaffSessionRow> session, store_.Session(hash));
  if (!session) return Status::Ok();
  ASSIGN_OR_RETURN(bool ended, store_.EndSession(
                                   hash, "signed out",
                                   AuditRow(session->name, "logout", session->name, "signed out")));
  (void)ended;  // already ended: signing out twice is no error
  return Status::Ok();
}

Status StaffAccounts::CheckCsrf(const SignedIn& who, std::string_view presented) {
  if (presented.size() != who.csrf_token.size() ||
      sodium_memcmp(presented.data(), who.csrf_token.data(), presented.size()) != 0) {
    return Status::Refused("the form's security token is missing or wrong: reload the page");
  }
  return Status::Ok();
}

Status StaffAccounts::Require(const SignedIn& who, Permission permission) {
  if (RoleMay(who.role, permission)) return Status::Ok();
  return Status::Refused(std::string("role ") + RoleName(who.role) + " may not " +
                         PermissionName(permission))
      .WithShown(
          i18n::Format("role {0} may not {1}", {RoleName(who.role), PermissionName(permission)}));
}

Status StaffAccounts::Record(const SignedIn& who, const std::string& action,
                             const std::string& subject, const std::string& detail) {
  return store_.AppendAudit(AuditRow(who.name, action, subject, detail));
}

}  // namespace outpost::hub
