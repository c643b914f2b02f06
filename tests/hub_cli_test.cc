// Head office's program (RunHubCli, in process) and the hub library beneath
// it: creating the hub database only on `init`, case refs that two stores
// share, and denying a store's key. Real stores, their real sync steps and
// sealed envelopes (tests/hub_and_stores.h).
#include "hub/hub_cli.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "sync/keys.h"
#include "tests/hub_and_stores.h"
#include "tests/hub_cli_run.h"

namespace outpost {
namespace {

using nlohmann::json;

using testing::CliResult;

class HubCliTest : public testing::HubAndStores {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WriteKeyFiles(hub_keys_, dir_.path(), false).ok());
    setenv("OUTPOST_NOW", "2026-11-23T01:00:00Z", 1);  // the program's clock is the fixture's
  }
  void TearDown() override { unsetenv("OUTPOST_NOW"); }

  // outpost-hub --db DB --key HUB.key ARGS...
  CliResult Cli(const std::vector<std::string>& args, const std::string& db = "hub.db") {
    return testing::RunHubCliWith(testing::HubLocation(dir_.File(db)), dir_.File("HUB.key"), args);
  }

  int64_t Count(const std::string& sql) { return std::stoll(testing::HubQueryValue(HubDb(), sql)); }
};

TEST_F(HubCliTest, EveryCommandButInitRefusesAMissingDatabaseAndSaysHowToCreateOne) {
  // A mistyped file is refused before any storage is opened, whichever
  // backend the test's hubs are on (an empty PostgreSQL database is refused by
  // its storage: TheLibraryOpensOnlyAnExistingHubAndCreatesOnlyANewOne).
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"stores"}, {"allow", dir_.File("S1.pub")}, {"conflicts", "list"}, {"digest"}}) {
    CliResult r =
        testing::RunHubCliWith(dir_.File("hub.bd"), dir_.File("HUB.key"), args);  // a typo
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_NE(r.err.find("outpost-hub: no database at " + dir_.File("hub.bd") +
                         "; create one with: outpost-hub --db " + dir_.File("hub.bd") + " --key " +
                         dir_.File("HUB.key") + " init"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_.File("hub.bd"))) << "created by " << args[0];
  }

  testing::ScopedUmask umask_022(022);
  CliResult made = Cli({"init"}, "new-hub.db");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_NE(made.out.find("created hub database"), std::string::npos) << made.out;
  if (!testing::HubOnPostgres()) {
    EXPECT_EQ(testing::FileMode(dir_.File("new-hub.db")), 0600);
  }
  EXPECT_EQ(Cli({"stores", "--json"}, "new-hub.db").exit_code, 0);

  CliResult again = Cli({"init"}, "new-hub.db");  // never over an existing hub
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("exists; init only creates a new one"), std::string::npos) << again.err;
}

TEST_F(HubCliTest, AMistypedCommandOrFlagGetsOneLineAndExitCodeOne) {
  CliResult command = Cli({"bord"});
  EXPECT_EQ(command.exit_code, 1);
  EXPECT_EQ(command.err, "outpost-hub: unknown command 'bord'; did you mean 'board'?\n");
  CliResult far = Cli({"xylophone"});  // far from every command: the choices
  EXPECT_EQ(far.exit_code, 1);
  EXPECT_EQ(
      far.err,
      "outpost-hub: unknown command 'xylophone' (try: allow, board, book, campaigns, cancel,"
      " config, conflicts, customers, deny, digest, holidays, init, migrate-db, notify, replies,"
      " report, requests, reschedule, segments, serve, stores, tasks, users, web)\n");
  CliResult nested = Cli({"customers", "fnd", "x"});
  EXPECT_EQ(nested.exit_code, 1);
  EXPECT_EQ(nested.err,
            "outpost-hub: unknown command 'fnd' for 'customers'; did you mean 'find'?\n");
  CliResult flag = Cli({"board", "--store", "S1", "--date", "today", "--xyz"});
  EXPECT_EQ(flag.exit_code, 1);
  EXPECT_EQ(flag.err, "outpost-hub: unknown option '--xyz' for 'board'\n");
  CliResult missing = Cli({"board", "--store", "S1"});  // other usage errors keep their wording
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "outpost-hub: usage: --date is required (try --help)\n");
  CliResult help = Cli({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("customers"), std::string::npos) << help.out;
}

TEST_F(HubCliTest, TheLibraryOpensOnlyAnExistingHubAndCreatesOnlyANewOne) {
  const std::string nope = testing::HubLocation(dir_.File("nope.db"));  // an empty database
  auto missing = hub::Hub::Open(nope, hub_keys_, clock_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("no such hub database"), std::string::npos)
      << missing.status().message();
  EXPECT_FALSE(std::filesystem::exists(dir_.File("nope.db")));
  const std::string made = testing::HubLocation(dir_.File("h.db"));
  ASSERT_TRUE(hub::Hub::Create(made, hub_keys_, clock_).ok());
  EXPECT_EQ(hub::Hub::Create(made, hub_keys_, clock_).status().code(), StatusCode::kConflict);
  EXPECT_TRUE(hub::Hub::Open(made, hub_keys_, clock_).ok());
}

TEST_F(HubCliTest, ACaseRefAtTwoStoresIsShownWithItsStoreAndResolvedOnlyWithOne) {
  OpenSites({"S1", "S2"});
  OverfillSlot("S1");
  OverfillSlot("S2");
  for (int i = 0; i < 3; ++i) {
    Round("S1");
    Round("S2");
  }
  const std::string ref = stores_["S1"]->Cases(true).value().at(0).ref;
  ASSERT_EQ(stores_["S2"]->Cases(true).value().at(0).ref, ref);  // counted per store

  CliResult listed = Cli({"conflicts", "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const json cases = json::parse(listed.out)["cases"];
  std::set<std::string> shown;
  for (const auto& c : cases) {
    EXPECT_EQ(c["ref"], ref);
    shown.insert(c["store_id"].get<std::string>() + " " + c["ref"].get<std::string>());
  }
  EXPECT_EQ(shown, (std::set<std::string>{"S1 " + ref, "S2 " + ref}));
  CliResult text = Cli({"conflicts", "list"});
  EXPECT_NE(text.out.find("S1  " + ref + "  open"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("S2  " + ref + "  open"), std::string::npos) << text.out;
  CliResult shown_one = Cli({"conflicts", "show", ref, "--store", "S2"});
  EXPECT_NE(shown_one.out.find("conflicts resolve " + ref + " --store S2"), std::string::npos)
      << shown_one.out;

  // Without --store the hub does not guess: both stores are named, nothing is queued.
  CliResult guessed = Cli({"conflicts", "resolve", ref, "--staff", "CC Li", "--note", "called"});
  EXPECT_EQ(guessed.exit_code, 1);
  EXPECT_NE(guessed.err.find("'" + ref +
                             "' is a case at S1 and S2; say which with --store S1 or"
                             " --store S2"),
            std::string::npos)
      << guessed.err;
  EXPECT_EQ(Count("SELECT count(*) FROM hub_outbox"), 0);

  CliResult resolved =
      Cli({"conflicts", "resolve", ref, "--store", "S2", "--staff", "CC Li", "--note", "called"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  EXPECT_NE(resolved.out.find("for S2"), std::string::npos) << resolved.out;
  EXPECT_EQ(Count("SELECT count(*) FROM hub_outbox WHERE site_id = 'S2'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM hub_outbox WHERE site_id = 'S1'"), 0);
}

TEST_F(HubCliTest, ADeniedStoreIsRefusedAtOnceWithItsReasonLoggedAndANewKeyReadmitsIt) {
  OpenSites({"S1"});
  Visit("S1", "王伟", "13800138000");
  Round("S1");
  const int64_t applied = Count("SELECT count(*) FROM changes");
  ASSERT_GT(applied, 0);

  CliResult denied = Cli({"deny", "S1", "--staff", "HQ Chen", "--reason", "laptop stolen"});
  ASSERT_EQ(denied.exit_code, 0) << denied.err;
  EXPECT_NE(denied.out.find("denied S1"), std::string::npos) << denied.out;
  const std::string key_id = keys_.at("S1").pub.KeyId();
  auto denial = hub_->storage().keys().LiveKeyDenial("S1").value();
  ASSERT_TRUE(denial.has_value());
  EXPECT_EQ(denial->key_id, key_id);
  EXPECT_EQ(denial->denied_by, "HQ Chen");
  EXPECT_EQ(denial->reason, "laptop stolen");
  EXPECT_EQ(denial->denied_at, "2026-11-23T01:00:00.000Z");

  // The store's next batch: refused, with who, when and why in the security log.
  Visit("S1", "李娜", "13900139000");
  auto message = clients_["S1"]->NextMessage();
  ASSERT_TRUE(message.ok());
  auto refused = hub_->Handle(message.value());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kRefused);
  const auto event = hub_->SecurityLog().value().back();
  EXPECT_EQ(event.kind, "refused");
  EXPECT_EQ(event.site_id, "S1");
  EXPECT_NE(event.reason.find("store 'S1' is denied: key " + key_id +
                              " was shut out by HQ Chen"
                              " at 2026-11-23T01:00:00.000Z (laptop stolen)"),
            std::string::npos)
      << event.reason;
  EXPECT_EQ(Count("SELECT count(*) FROM changes"), applied);  // its log stays, nothing added

  CliResult listed = Cli({"stores", "--json"});
  ASSERT_EQ(listed.exit_code, 0);
  const json store = json::parse(listed.out).at(0);
  EXPECT_EQ(store["state"], "denied");
  EXPECT_EQ(store["denied"]["by"], "HQ Chen");
  EXPECT_EQ(store["denied"]["reason"], "laptop stolen");
  EXPECT_NE(Cli({"stores"}).out.find("S1  denied since 2026-11-23T01:00:00.000Z by HQ Chen"),
            std::string::npos);
  CliResult twice = Cli({"deny", "S1", "--staff", "HQ Chen", "--reason", "again"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("is denied"), std::string::npos) << twice.err;
  CliResult unknown = Cli({"deny", "S9", "--staff", "HQ Chen", "--reason", "typo"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("store: 'S9' is not on the hub's allow-list"), std::string::npos);

  // The denied key never comes back; a new one readmits the store.
  Status same = hub_->AllowStore(keys_.at("S1").pub);
  EXPECT_EQ(same.code(), StatusCode::kRefused);
  EXPECT_NE(same.message().find("was denied by HQ Chen"), std::string::npos) << same.message();
  keys_.erase("S1");
  keys_.emplace("S1", SecretKeys::Generate("S1"));
  ASSERT_TRUE(hub_->AllowStore(keys_.at("S1").pub).ok());
  clients_["S1"] = edge::SyncClient::CreateWithoutTransport(dir_.File("S1.db"), keys_.at("S1"),
                                                            hub_keys_.pub, clock_)
                       .value();
  for (int i = 0; i < 3; ++i) Round("S1");
  EXPECT_GT(Count("SELECT count(*) FROM changes"), applied);
  EXPECT_EQ(StoresAtHub().at(0).denied_at, std::nullopt);
}

}  // namespace
}  // namespace outpost
