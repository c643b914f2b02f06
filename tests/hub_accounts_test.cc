// Head office's staff accounts (hub/accounts.h) on a real hub file, and
// `outpost-hub users` through the command line: what an admin and a
// signing-in agent depend on, and the refusals with their reasons.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "hub/accounts.h"
#include "hub/hub.h"
#include "sync/keys.h"
#include "sync/testing.h"
#include "tests/hub_cli_run.h"
#include "tests/hub_db.h"

namespace outpost::hub {
namespace {

constexpr char kNow[] = "2026-11-23T01:00:00Z";
constexpr int64_t kMinute = 60'000;

class StaffAccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(ParseUtcMs(kNow).value());
    hub_ = Hub::Create(HubDb(), hub_keys_, clock_).value();
    accounts_ = std::make_unique<StaffAccounts>(hub_->storage().staff(), clock_);
    ASSERT_TRUE(
        accounts_->AddUser("li.na", "李娜", "call_centre", "correct horse 1", "admin").ok());
  }

  // Where the hub lives (tests/hub_file.h: a file, or a database on PostgreSQL).
  std::string HubDb() { return testing::HubLocation(dir_.File("hub.db")); }
  // How many sessions and failures the hub holds, read behind the hub's back.
  int64_t Count(const std::string& sql) {
    const std::string count = testing::HubQueryValue(HubDb(), sql);
    EXPECT_FALSE(count.empty()) << sql;
    return count.empty() ? -1 : std::stoll(count);
  }

  testing::TempDir dir_;
  SecretKeys hub_keys_ = SecretKeys::Generate("HUB");
  FixedClock clock_{0};
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<StaffAccounts> accounts_;
};

TEST_F(StaffAccountsTest, PasswordIsKeptOnlyAsArgon2idAndSessionsOnlyAsHashes) {
  auto session = accounts_->SignIn("li.na", "correct horse 1");
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_EQ(session->token.size(), 64u);
  EXPECT_EQ(session->who.role, Role::kCallCentre);
  EXPECT_EQ(session->who.display_name, "李娜");
  EXPECT_EQ(session->who.expires_at, "2026-11-23T09:00:00.000Z");  // 8 hours

  const std::string hash =
      testing::HubQueryValue(HubDb(), "SELECT password_hash FROM staff_users WHERE name = 'li.na'");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("correct horse"), std::string::npos);
  // The stored token in hex, as each backend writes bytes as hex.
  const std::string token_hex =
      testing::HubOnPostgres() ? "encode(token_hash, 'hex')" : "lower(hex(token_hash))";
  const std::string stored =
      testing::HubQueryValue(HubDb(), "SELECT " + token_hex + " FROM staff_sessions");
  ASSERT_EQ(stored.size(), 64u);
  EXPECT_NE(stored, session->token);  // only its hash
  EXPECT_EQ(testing::HubQueryValue(HubDb(), "SELECT csrf_token FROM staff_sessions"),
            session->who.csrf_token);

  auto who = accounts_->Authenticate(session->token);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->name, "li.na");
}

TEST_F(StaffAccountsTest, WrongNameAndWrongPasswordGetTheSameAnswer) {
  auto wrong_password = accounts_->SignIn("li.na", "correct horse 2");
  auto wrong_name = accounts_->SignIn("wang.wu", "correct horse 1");
  ASSERT_FALSE(wrong_password.ok());
  ASSERT_FALSE(wrong_name.ok());
  EXPECT_EQ(wrong_password.status().message(), "wrong name or password");
  EXPECT_EQ(wrong_name.status().message(), "wrong name or password");
  auto audit = accounts_->Audit(10).value();
  ASSERT_GE(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "login.refused");
  EXPECT_EQ(audit[0].detail, "no such account");
  EXPECT_EQ(audit[1].detail, "wrong password");
}

TEST_F(StaffAccountsTest, FiveFailuresPauseTheNameEvenForTheRightPassword) {
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(kMinute);
    EXPECT_EQ(accounts_->SignIn("li.na", "guess " + std::to_string(i) + "xxxxx").status().message(),
              "wrong name or password");
  }
  // Twenty more tries, the right password among them: refused unchecked.
  for (int i = 0; i < 20; ++i) {
    auto r = accounts_->SignIn("li.na", i == 10 ? "correct horse 1" : "guess again xx");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(),
              "too many failed sign-ins for 'li.na': try again after 2026-11-23T01:16:00.000Z");
  }
  EXPECT_EQ(Count("SELECT count(*) FROM staff_login_failures"), 5);  // the lock adds none
  // Another name is not paused by li.na's failures.
  ASSERT_TRUE(accounts_->AddUser("zhao", "赵", "viewer", "another secret", "admin").ok());
  EXPECT_TRUE(accounts_->SignIn("zhao", "another secret").ok());
  // Fifteen minutes after the first failure in the window, the right password works.
  clock_.Set(ParseUtcMs("2026-11-23T01:16:00Z").value());
  EXPECT_TRUE(accounts_->SignIn("li.na", "correct horse 1").ok());
  EXPECT_EQ(Count("SELECT count(*) FROM staff_login_failures WHERE name = 'li.na'"), 0);
}

TEST_F(StaffAccountsTest, SessionsEndAtExpiryIdleSignOutPasswordChangeAndDisable) {
  auto idle = accounts_->SignIn("li.na", "correct horse 1").value();
  clock_.Advance(29 * kMinute);
  EXPECT_TRUE(accounts_->Authenticate(idle.token).ok());  // moves the idle time on
  clock_.Advance(29 * kMinute);
  EXPECT_TRUE(accounts_->Authenticate(idle.token).ok());
  clock_.Advance(30 * kMinute);
  EXPECT_EQ(accounts_->Authenticate(idle.token).status().message(),
            "the session expired after being idle: sign in again");

  auto busy = accounts_->SignIn("li.na", "correct horse 1").value();
  for (int i = 0; i < 16; ++i) {  // 7 h 44 min
    clock_.Advance(29 * kMinute);
    ASSERT_TRUE(accounts_->Authenticate(busy.token).ok()) << i;
  }
  clock_.Advance(29 * kMinute);  // 8 h 13 min after signing in
  EXPECT_EQ(accounts_->Authenticate(busy.token).status().message(),
            "the session expired: sign in again");

  auto out = accounts_->SignIn("li.na", "correct horse 1").value();
  ASSERT_TRUE(accounts_->SignOut(out.token).ok());
  EXPECT_TRUE(accounts_->SignOut(out.token).ok());  // twice is no error
  EXPECT_EQ(accounts_->Authenticate(out.token).status().message(),
            "the session has ended (signed out): sign in again");

  auto before_change = accounts_->SignIn("li.na", "correct horse 1").value();
  ASSERT_TRUE(accounts_->SetPassword("li.na", "battery staple 9", "admin").ok());
  EXPECT_EQ(accounts_->Authenticate(before_change.token).status().message(),
            "the session has ended (password changed): sign in again");
  EXPECT_FALSE(accounts_->SignIn("li.na", "correct horse 1").ok());

  auto before_disable = accounts_->SignIn("li.na", "battery staple 9").value();
  ASSERT_TRUE(accounts_->Disable("li.na", "left the company", "admin").ok());
  EXPECT_EQ(accounts_->Authenticate(before_disable.token).status().message(),
            "the session has ended (account disabled): sign in again");
  EXPECT_EQ(accounts_->SignIn("li.na", "battery staple 9").status().message(),
            "wrong name or password");
  EXPECT_EQ(accounts_->Audit(1).value()[0].detail, "account disabled");
  EXPECT_EQ(accounts_->Authenticate("not-a-token").status().message(), "not signed in");
}

TEST_F(StaffAccountsTest, RolesAreCheckedAndTheCsrfTokenMustMatch) {
  ASSERT_TRUE(accounts_->AddUser("viewer1", "V", "viewer", "just looking 1", "admin").ok());
  auto viewer = accounts_->SignIn("viewer1", "just looking 1").value().who;
  auto agent = accounts_->SignIn("li.na", "correct horse 1").value().who;
  EXPECT_EQ(StaffAccounts::Require(viewer, Permission::kBook).message(),
            "role viewer may not book, cancel or move");
  EXPECT_TRUE(StaffAccounts::Require(agent, Permission::kBook).ok());
  EXPECT_EQ(StaffAccounts::Require(agent, Permission::kResolveIdentity).message(),
            "role call_centre may not merge or separate customers");
  EXPECT_FALSE(RoleMay(Role::kViewer, Permission::kSeePersonalData));
  EXPECT_TRUE(RoleMay(Role::kAdmin, Permission::kManageAccounts));
  EXPECT_FALSE(RoleMay(Role::kDataTeam, Permission::kManageAccounts));

  EXPECT_TRUE(StaffAccounts::CheckCsrf(agent, agent.csrf_token).ok());
  EXPECT_EQ(StaffAccounts::CheckCsrf(agent, viewer.csrf_token).message(),
            "the form's security token is missing or wrong: reload the page");
  EXPECT_FALSE(StaffAccounts::CheckCsrf(agent, "").ok());
  // A role change ends the sessions opened with the old role.
  auto session = accounts_->SignIn("viewer1", "just looking 1").value();
  ASSERT_TRUE(accounts_->SetRole("viewer1", "data_team", "admin").ok());
  EXPECT_FALSE(accounts_->Authenticate(session.token).ok());
  EXPECT_EQ(accounts_->SignIn("viewer1", "just looking 1").value().who.role, Role::kDataTeam);
}

TEST_F(StaffAccountsTest, BadInputIsRefusedByNameWithNothingWritten) {
  const int64_t users = Count("SELECT count(*) FROM staff_users");
  const int64_t audit = Count("SELECT count(*) FROM staff_audit");
  auto expect = [&](const Status& st, const std::string& field, const std::string& message) {
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(st.field(), field) << st.ToString();
    EXPECT_EQ(st.message(), message);
  };
  expect(accounts_->AddUser("Li Na", "x", "viewer", "long enough 1", "admin"), "name",
         "name: 'Li Na' is not 2 to 32 of a-z, 0-9, '.', '_' or '-'");
  expect(accounts_->AddUser("wang", "x", "boss", "long enough 1", "admin"), "role",
         "role: 'boss' is not one of viewer, call_centre, data_team, admin");
  expect(accounts_->AddUser("wang", "x", "viewer", "short", "admin"), "password",
         "password: must be 10 to 256 characters (got 5)");
  expect(accounts_->AddUser("wang", "x", "viewer", "wang12345678", "admin"), "password",
         "password: must not contain the account's name 'wang'");
  expect(accounts_->AddUser("wang", "a\nb", "viewer", "long enough 1", "admin"), "display-name",
         "display-name: 'a\nb' must be 1 to 128 bytes of text without control characters");
  expect(accounts_->Disable("li.na", "", "admin"), "reason",
         "reason: required: say why the account is disabled");
  expect(accounts_->SetPassword("nobody", "long enough 1", "admin"), "name",
         "name: no account 'nobody'");
  auto taken = accounts_->AddUser("li.na", "x", "viewer", "long enough 1", "admin");
  EXPECT_EQ(taken.code(), StatusCode::kConflict);
  EXPECT_EQ(taken.message(), "name: account 'li.na' exists already");
  EXPECT_EQ(Count("SELECT count(*) FROM staff_users"), users);
  EXPECT_EQ(Count("SELECT count(*) FROM staff_audit"), audit);
}

TEST_F(StaffAccountsTest, TheAuditCannotBeRewritten) {
  Status edit = testing::TamperHub(HubDb(), "UPDATE staff_audit SET actor = 'someone else'");
  EXPECT_NE(edit.message().find("staff_audit is append-only"), std::string::npos)
      << edit.ToString();
  Status erase = testing::TamperHub(HubDb(), "DELETE FROM staff_audit");
  EXPECT_NE(erase.message().find("staff_audit is append-only"), std::string::npos);
}

// `outpost-hub users` as an admin runs it.
class UsersCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WriteKeyFiles(hub_keys_, dir_.path(), false).ok());
    setenv("OUTPOST_NOW", kNow, 1);
    ASSERT_EQ(Cli({"init"}).exit_code, 0);
  }
  void TearDown() override { unsetenv("OUTPOST_NOW"); }
  testing::CliResult Cli(const std::vector<std::string>& args) {
    return testing::RunHubCliWith(testing::HubLocation(dir_.File("hub.db")), dir_.File("HUB.key"),
                                  args);
  }
  std::string PasswordFile(const std::string& password, mode_t mode) {
    const std::string path = dir_.File("pw" + std::to_string(files_++));
    std::ofstream(path) << password << "\n";
    chmod(path.c_str(), mode);
    return path;
  }

  testing::TempDir dir_;
  SecretKeys hub_keys_ = SecretKeys::Generate("HUB");
  int files_ = 0;
};

TEST_F(UsersCliTest, AddListDisableAndAudit) {
  auto add = Cli({"users", "add", "li.na", "--role", "call_centre", "--display-name", "李娜",
                  "--password-file", PasswordFile("correct horse 1", 0600), "--staff", "it"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.out, "账号已添加/account added: li.na (call_centre)\n");

  auto list = Cli({"--json", "users", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto shown = nlohmann::json::parse(list.out);
  ASSERT_EQ(shown["users"].size(), 1u);
  EXPECT_EQ(shown["users"][0]["role"], "call_centre");
  EXPECT_EQ(shown["users"][0]["display_name"], "李娜");
  EXPECT_EQ(shown["users"][0]["created_by"], "it");
  EXPECT_EQ(list.out.find("argon2"), std::string::npos);  // never the hash

  auto disable = Cli({"users", "disable", "li.na", "--reason", "left", "--staff", "it"});
  ASSERT_EQ(disable.exit_code, 0) << disable.err;
  auto text = Cli({"users", "list"});
  EXPECT_NE(text.out.find("已停用/disabled 2026-11-23T01:00:00.000Z by it: left"),
            std::string::npos)
      << text.out;

  auto audit = Cli({"--json", "users", "audit"});
  const auto rows = nlohmann::json::parse(audit.out)["audit"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["action"], "user.disable");
  EXPECT_EQ(rows[0]["actor"], "it");
  EXPECT_EQ(rows[1]["action"], "user.add");
}

TEST_F(UsersCliTest, APasswordOthersCanReadOrOnTheCommandLineIsRefused) {
  auto readable = Cli({"users", "add", "li.na", "--role", "viewer", "--password-file",
                       PasswordFile("correct horse 1", 0644), "--staff", "it"});
  EXPECT_EQ(readable.exit_code, 2);
  EXPECT_NE(readable.err.find("can be read by other users of this machine; chmod 600 it"),
            std::string::npos)
      << readable.err;
  auto none = Cli({"users", "add", "li.na", "--role", "viewer", "--staff", "it"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("password: give --password-file F or --password-stdin"),
            std::string::npos)
      << none.err;
  auto bad_role = Cli({"users", "add", "li.na", "--role", "boss", "--password-file",
                       PasswordFile("correct horse 1", 0600), "--staff", "it"});
  EXPECT_EQ(bad_role.exit_code, 1);
  EXPECT_NE(bad_role.err.find("role: 'boss' is not one of"), std::string::npos) << bad_role.err;
  EXPECT_EQ(nlohmann::json::parse(Cli({"--json", "users", "list"}).out)["users"].size(), 0u);
}

}  // namespace
}  // namespace outpost::hub
