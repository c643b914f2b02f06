// outpost-hub users add | passwd | role | disable | enable | list | audit: head
// office's staff accounts for the web console (docs/WEB.md, "Accounts and
// roles"), over hub/accounts.h. A password is read from a file (0600, its
// first line) or from standard input, never from the command line, where
// other users of the machine could read it. Labels zh-CN first.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "hub/accounts.h"
#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::cli {
namespace {

using nlohmann::json;

json UserJson(const StaffUser& u) {
  return {{"name", u.name},
          {"display_name", u.display_name},
          {"role", RoleName(u.role)},
          {"created_at", u.created_at},
          {"created_by", u.created_by},
          {"password_set_at", u.password_set_at},
          {"disabled_at", u.disabled_at ? json(*u.disabled_at) : json(nullptr)},
          {"disabled_by", u.disabled_by ? json(*u.disabled_by) : json(nullptr)},
          {"disabled_reason", u.disabled_reason ? json(*u.disabled_reason) : json(nullptr)}};
}

// The first line of `path` (a file others cannot read), or of standard input.
Result<std::string> ReadPassword(const std::string& path, bool from_stdin) {
  std::string line;
  if (from_stdin) {
    std::getline(std::cin, line);
  } else {
    std::error_code ec;
    const auto perms = std::filesystem::status(path, ec).permissions();
    if (ec)
      return Status::NotFound("--password-file: cannot read '" + path + "'")
          .WithShown(i18n::Format("--password-file: cannot read '{0}'", {path}));
    using std::filesystem::perms;
    if ((perms & (perms::group_all | perms::others_all)) != perms::none) {
      return Status::Refused("--password-file: '" + path +
                             "' can be read by other users of this machine; chmod 600 it")
          .WithShown(i18n::Format("--password-file: '{0}' can be read by other users of"
                                  " this machine; chmod 600 it",
                                  {path}))
          .WithField("--password-file");
    }
    std::ifstream in(path);
    if (!in)
      return Status::NotFound("--password-file: cannot read '" + path + "'")
          .WithShown(i18n::Format("--password-file: cannot read '{0}'", {path}));
    std::getline(in, line);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

UserCommands::UserCommands(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  users_ = app.add_subcommand("users", "staff accounts of the web console");
  users_->require_subcommand(1);
  auto password_options = [this](CLI::App* cmd) {
    auto* file = cmd->add_option("--password-file", password_file_,
                                 "a file (mode 600) whose first line is the password");
    auto* in = cmd->add_flag("--password-stdin", password_stdin_,
                             "read the password's line from standard input");
    file->excludes(in);
  };
  add_ = users_->add_subcommand("add", "add an account");
  add_->add_option("name", name_, "sign-in name: a-z, 0-9, '.', '_', '-'")->required();
  add_->add_option("--role", role_, "viewer, call_centre, data_team or admin")->required();
  add_->add_option("--display-name", display_name_, "the name pages show (default: the name)");
  password_options(add_);
  passwd_ = users_->add_subcommand("passwd", "set an account's password (ends its sessions)");
  passwd_->add_option("name", name_)->required();
  password_options(passwd_);
  role_cmd_ = users_->add_subcommand("role", "change an account's role (ends its sessions)");
  role_cmd_->add_option("name", name_)->required();
  role_cmd_->add_option("--role", role_, "viewer, call_centre, data_team or admin")->required();
  disable_ = users_->add_subcommand("disable", "stop an account signing in (ends its sessions)");
  disable_->add_option("name", name_)->required();
  disable_->add_option("--reason", reason_, "why, for the audit")->required();
  enable_ = users_->add_subcommand("enable", "let a disabled account sign in again");
  enable_->add_option("name", name_)->required();
  for (CLI::App* cmd : {add_, passwd_, role_cmd_, disable_, enable_}) {
    cmd->add_option("--staff", staff_, "who does it, for the audit")->required();
  }
  list_ = users_->add_subcommand("list", "every account and its role");
  audit_ = users_->add_subcommand("audit", "the newest account changes and sign-ins");
  audit_->add_option("--limit", limit_, "how many (default 50)");
}

bool UserCommands::parsed() const { return users_->parsed(); }

int UserCommands::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  StaffAccounts accounts(hub.storage().staff(), hub.clock());
  if (list_->parsed()) return RunList(accounts, out, err);
  if (audit_->parsed()) return RunAudit(accounts, out, err);
  Status done;
  std::string said;
  if (add_->parsed() || passwd_->parsed()) {
    if (password_file_.empty() && !password_stdin_) {
      return Fail(Status::InvalidInput("password: give --password-file F or --password-stdin")
                      .WithField("password"),
                  err);
    }
    auto password = ReadPassword(password_file_, password_stdin_);
    if (!password.ok()) return Fail(password.status(), err);
    if (add_->parsed()) {
      done = accounts.AddUser(name_, display_name_.empty() ? name_ : display_name_, role_,
                              password.value(), staff_);
      said = "账号已添加/account added: " + name_ + " (" + role_ + ")";
    } else {
      done = accounts.SetPassword(name_, password.value(), staff_);
      said = "密码已更改/password changed: " + name_ + "; its sessions ended";
    }
  } else if (role_cmd_->parsed()) {
    done = accounts.SetRole(name_, role_, staff_);
    said = "角色已更改/role changed: " + name_ + " is " + role_ + "; its sessions ended";
  } else if (disable_->parsed()) {
    done = accounts.Disable(name_, reason_, staff_);
    said = "账号已停用/account disabled: " + name_ + "; its sessions ended";
  } else {
    done = accounts.Enable(name_, staff_);
    said = "账号已启用/account enabled: " + name_;
  }
  if (!done.ok()) return Fail(done, err);
  out << said << "\n";
  return 0;
}

int UserCommands::RunList(StaffAccounts& accounts, std::ostream& out, std::ostream& err) {
  auto users = accounts.Users();
  if (!users.ok()) return Fail(users.status(), err);
  if (flags_.json) {
    json rows = json::array();
    for (const StaffUser& u : users.value()) rows.push_back(UserJson(u));
    out << json{{"users", rows}}.dump(2) << "\n";
    return 0;
  }
  out << "员工账号/staff accounts: " << users->size() << "\n";
  for (const StaffUser& u : users.value()) {
    out << "  " << u.name << "  " << u.display_name << "  " << RoleName(u.role);
    if (u.disabled_at) {
      out << "  已停用/disabled " << *u.disabled_at << " by " << u.disabled_by.value_or("?") << ": "
          << u.disabled_reason.value_or("");
    }
    out << "\n";
  }
  return 0;
}

int UserCommands::RunAudit(StaffAccounts& accounts, std::ostream& out, std::ostream& err) {
  if (limit_ < 1) {
    return Fail(
        Status::InvalidInput("--limit: " + std::to_string(limit_) + " is not 1 or more")
            .WithShown(i18n::Format("--limit: {0} is not 1 or more", {std::to_string(limit_)}))
            .WithField("--limit"),
        err);
  }
  auto rows = accounts.Audit(limit_);
  if (!rows.ok()) return Fail(rows.status(), err);
  if (flags_.json) {
    json list = json::array();
    for (const auto& r : rows.value()) {
      list.push_back({{"seq", r.seq},
                      {"at", r.at},
                      {"actor", r.actor},
                      {"action", r.action},
                      {"subject", r.subject},
                      {"detail", r.detail}});
    }
    out << json{{"audit", list}}.dump(2) << "\n";
    return 0;
  }
  out << "账号审计/account audit (newest first)\n";
  for (const auto& r : rows.value()) {
    out << "  " << r.at << "  " << r.actor << "  " << r.action << "  " << r.subject << "  "
        << r.detail << "\n";
  }
  return 0;
}

}  // namespace outpost::hub::cli
