// The configuration files of outpost-edge and outpost-hub (docs/CONFIG.md,
// sync/cli/config_file.h), driven through the real binaries: a file's keys
// reach the global and the subcommand options, a flag and an environment
// variable win over it, every error names file, line, key, value and reason
// with nothing run, config check | show | keys, and a missing database refused
// with the command that creates it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "sync/keys.h"
#include "sync/testing.h"
#include "tests/process.h"

namespace outpost {
namespace {

using testing::ProcessResult;
using testing::RunProgram;

class ConfigTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.File(name)) << text;
    return dir_.File(name);
  }
  // The program with a pinned clock and none of the caller's settings: an
  // empty variable counts as unset.
  static ProcessResult Run(const char* program, const std::vector<std::string>& args,
                           const std::vector<std::string>& env) {
    std::vector<std::string> argv = {program};
    argv.insert(argv.end(), args.begin(), args.end());
    std::map<std::string, std::string> vars = {{"OUTPOST_NOW", "2026-11-23T01:00:00Z"},
                                               {"OUTPOST_DB", ""},
                                               {"OUTPOST_STAFF", ""},
                                               {"OUTPOST_CONFIG", ""}};
    for (const std::string& entry : env) {
      vars[entry.substr(0, entry.find('='))] = entry.substr(entry.find('=') + 1);
    }
    std::vector<std::string> all;
    all.reserve(vars.size());
    for (const auto& [name, value] : vars) all.push_back(name + "=" + value);
    return RunProgram(argv, all);
  }
  static ProcessResult Edge(const std::vector<std::string>& args,
                            const std::vector<std::string>& env = {}) {
    return Run(OUTPOST_EDGE_BIN, args, env);
  }
  static ProcessResult Hub(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {}) {
    return Run(OUTPOST_HUB_BIN, args, env);
  }
  bool Exists(const std::string& name) const { return std::filesystem::exists(dir_.File(name)); }

  testing::TempDir dir_;
};

TEST_F(ConfigTest, TheFileSetsTheDatabaseAndASubcommandsOptions) {
  // store-id and name are required by init: the file gives them.
  const std::string file = Write("edge.toml", "db = \"" + dir_.File("store.db") +
                                                  "\"\n"
                                                  "\n"
                                                  "[init]\n"
                                                  "store-id = \"S9\"\n"
                                                  "name = \"Ninth Street\"\n"
                                                  "min-notice = 90\n");
  ProcessResult made = Edge({"--config", file, "init"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_NE(made.out.find("created store S9 (Ninth Street) in " + dir_.File("store.db")),
            std::string::npos)
      << made.out;
  ProcessResult settings = Edge({"config"}, {"OUTPOST_CONFIG=" + file});
  ASSERT_EQ(settings.exit_code, 0) << settings.err;
  EXPECT_NE(settings.out.find("minimum notice 90 min"), std::string::npos) << settings.out;
}

TEST_F(ConfigTest, AFlagAndTheEnvironmentOverrideTheFile) {
  const std::string file = Write("edge.toml", "db = \"" + dir_.File("file.db") +
                                                  "\"\n[init]\nstore-id = \"S1\"\nname = \"N\"\n");
  ProcessResult by_flag = Edge({"--config", file, "--db", dir_.File("flag.db"), "init"});
  ASSERT_EQ(by_flag.exit_code, 0) << by_flag.err;
  EXPECT_TRUE(Exists("flag.db"));
  ProcessResult by_env = Edge({"--config", file, "init"}, {"OUTPOST_DB=" + dir_.File("env.db")});
  ASSERT_EQ(by_env.exit_code, 0) << by_env.err;
  EXPECT_TRUE(Exists("env.db"));
  EXPECT_FALSE(Exists("file.db"));

  ProcessResult flag_shown =
      Edge({"--config", file, "--db", dir_.File("flag.db"), "config", "show"},
           {"OUTPOST_DB=" + dir_.File("env.db")});
  ASSERT_EQ(flag_shown.exit_code, 0) << flag_shown.err;
  EXPECT_NE(flag_shown.out.find("db = \"" + dir_.File("flag.db") + "\"  # flag\n"),
            std::string::npos)
      << flag_shown.out;
  ProcessResult env_shown =
      Edge({"--config", file, "config", "show"}, {"OUTPOST_DB=" + dir_.File("env.db")});
  EXPECT_NE(env_shown.out.find("db = \"" + dir_.File("env.db") + "\"  # env OUTPOST_DB\n"),
            std::string::npos)
      << env_shown.out;
  ProcessResult file_shown = Edge({"--config", file, "config", "show"});
  EXPECT_NE(file_shown.out.find("db = \"" + dir_.File("file.db") + "\"  # file\n"),
            std::string::npos)
      << file_shown.out;
  EXPECT_NE(file_shown.out.find("staff = \"\"  # default\n"), std::string::npos) << file_shown.out;
  EXPECT_NE(file_shown.out.find("init.store-id = \"S1\"  # file\n"), std::string::npos)
      << file_shown.out;
}

// config show: every global key with where its value came from; a command's
// keys only when something sets them (the rest are in `config keys`). A file
// it cannot use is refused with the same lines as any command.
TEST_F(ConfigTest, ConfigShowListsEveryGlobalKeyAndOnlyTheCommandKeysSet) {
  const std::string file = Write(
      "edge.toml", "db = \"" + dir_.File("store.db") +
                       "\"\n[init]\nstore-id = \"S1\"\n[sync]\nhub = \"tcp://127.0.0.1:7700\"\n");
  ProcessResult shown = Edge({"--config", file, "config", "show"}, {"OUTPOST_STAFF=SA Zhang"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.err, "");
  for (const std::string& line :
       {"db = \"" + dir_.File("store.db") + "\"  # file\n",
        std::string("staff = \"SA Zhang\"  # env OUTPOST_STAFF\n"),
        std::string("json = false  # default\n"), std::string("init.store-id = \"S1\"  # file\n"),
        std::string("sync.hub = \"tcp://127.0.0.1:7700\"  # file\n")}) {
    EXPECT_NE(shown.out.find(line), std::string::npos) << line << shown.out;
  }
  // Nothing sets them: not listed.
  for (const char* unset : {"init.name", "init.min-notice", "sync.hub-key", "sync.once", "book."}) {
    EXPECT_EQ(shown.out.find(unset), std::string::npos) << unset << "\n" << shown.out;
  }

  const std::string bad = Write("bad.toml", "[sync]\nhubb = \"tcp://127.0.0.1:7700\"\n");
  ProcessResult refused = Edge({"--config", bad, "config", "show"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(refused.err, "outpost-edge: " + bad +
                             ":2: sync.hubb = \"tcp://127.0.0.1:7700\": unknown key (did you mean "
                             "'hub'?)\n");
}

TEST_F(ConfigTest, EachErrorNamesFileLineKeyValueAndReasonAndNothingRuns) {
  struct Case {
    std::string text;
    std::string error;  // after "FILE"
  };
  const std::vector<Case> cases = {
      {"[init]\nstore-id = \"S1\"\nnme = \"Nine\"\n",
       ":3: init.nme = \"Nine\": unknown key (did you mean 'name'?)"},
      {"[init]\nstore-id = \"S1\"\nname = \"N\"\nmin-notice = \"soon\"\n",
       ":4: init.min-notice = \"soon\": expected an integer, found a string"},
      {"json = \"yes\"\n", ":1: json = \"yes\": expected true or false, found a string"},
      {"[innit]\nname = \"N\"\n", ":1: innit: unknown section [innit] (did you mean 'init'?)"},
      {"db = \n", ":1: TOML syntax error: "},
      {"[report.month]\nformat = \"pdf\"\n",
       ":2: report.month.format = \"pdf\": --format: pdf not in"},
      // Not keys: --version would make every run print it and exit; the
      // build's hidden commands are not configured.
      {"version = true\n", ":1: version = true: unknown key"},
      {"[manpage]\noutput = \"x.1\"\n", ":1: manpage: unknown section [manpage]"},
  };
  for (const Case& c : cases) {
    const std::string file = Write("bad.toml", c.text);
    ProcessResult r = Edge({"--config", file, "init", "--store-id", "S1", "--name", "N"},
                           {"OUTPOST_DB=" + dir_.File("never.db")});
    EXPECT_EQ(r.exit_code, 1) << c.text;
    EXPECT_EQ(r.err.rfind("outpost-edge: " + file + c.error, 0), 0u) << r.err;
    EXPECT_FALSE(Exists("never.db")) << c.text;
  }
  ProcessResult unreadable =
      Edge({"--config", dir_.File("absent.toml"), "init", "--store-id", "S1", "--name", "N"},
           {"OUTPOST_DB=" + dir_.File("never.db")});
  EXPECT_EQ(unreadable.exit_code, 1);
  EXPECT_EQ(unreadable.err, "outpost-edge: " + dir_.File("absent.toml") +
                                ": cannot read: No such file or directory\n");
  EXPECT_FALSE(Exists("never.db"));

  // A daemon never starts half-configured: serve stops at the file, before the database.
  const std::string hub_file = Write("hub.toml", "[serve]\nbnd = \"tcp://127.0.0.1:1\"\n");
  ProcessResult serve = Hub({"--config", hub_file, "serve"});
  EXPECT_EQ(serve.exit_code, 1);
  EXPECT_EQ(serve.err, "outpost-hub: " + hub_file +
                           ":2: serve.bnd = \"tcp://127.0.0.1:1\": unknown key (did you mean "
                           "'bind'?)\n");
}

TEST_F(ConfigTest, ConfigCheckSaysOkOrListsEveryError) {
  const std::string good = Write("good.toml",
                                 "db = \"/var/lib/outpost/store.db\"\n"
                                 "[sync]\nhub = \"tcp://10.0.0.1:7700\"\n"
                                 "seconds = 60\n");
  ProcessResult ok = Edge({"config", "check", good});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "ok: " + good + " (3 keys)\n");
  ProcessResult ok_by_env = Edge({"config", "check"}, {"OUTPOST_CONFIG=" + good});
  EXPECT_EQ(ok_by_env.out, "ok: " + good + " (3 keys)\n") << ok_by_env.err;

  const std::string bad = Write("bad.toml",
                                "db = 7\n[sync]\nhub = \"tcp://10.0.0.1:7700\"\n"
                                "secondz = 60\n");
  ProcessResult errors = Edge({"config", "check", bad});
  EXPECT_EQ(errors.exit_code, 1);
  EXPECT_EQ(errors.out, "");
  EXPECT_EQ(errors.err, "outpost-edge: " + bad +
                            ":1: db = 7: expected a string, found an integer\n" +
                            "outpost-edge: " + bad +
                            ":4: sync.secondz = 60: unknown key (did you mean " + "'seconds'?)\n");

  const std::string hub_file =
      Write("hub.toml", "db = \"/var/lib/outpost/hub.db\"\n[serve]\nbind = \"tcp://*:7700\"\n");
  ProcessResult hub_ok = Hub({"config", "check", hub_file});
  EXPECT_EQ(hub_ok.out, "ok: " + hub_file + " (2 keys)\n") << hub_ok.err;
}

// Under a Chinese locale `config check` says ok and names each problem in
// Chinese; file, line, key, value and the suggested key stay as written.
TEST_F(ConfigTest, ConfigCheckSpeaksChineseUnderAChineseLocale) {
  const std::vector<std::string> zh = {"LANG=zh_CN.UTF-8"};
  const std::string good = Write("good.toml", "db = \"/var/lib/outpost/store.db\"\n");
  ProcessResult ok = Edge({"config", "check", good}, zh);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "正常：" + good + "（共 1 个键）\n");
  const std::string bad = Write("bad.toml",
                                "db = 7\n[sync]\nhub = \"tcp://10.0.0.1:7700\"\n"
                                "secondz = 60\n[nosuch]\nx = 1\n");
  ProcessResult errors = Edge({"config", "check", bad}, zh);
  EXPECT_EQ(errors.exit_code, 1);
  EXPECT_EQ(errors.err, "outpost-edge：" + bad + ":1: db = 7: 应为字符串，实际为整数\n" +
                            "outpost-edge：" + bad +
                            ":4: sync.secondz = 60: 没有这个键（是否想输入 'seconds'？）\n" +
                            "outpost-edge：" + bad + ":5: nosuch: 没有 [nosuch] 这一节\n");
}

TEST_F(ConfigTest, ConfigShowMasksSecretsAndConfigKeysListsEverySection) {
  const std::string file =
      Write("hub.toml", "db = \"" + dir_.File("hub.db") + "\"\nkey = \"" + dir_.File("HUB.key") +
                            "\"\n[notify]\n"
                            "gateway = \"http://127.0.0.1:9/hook\"\n"
                            "secret-file = \"/srv/relay-secret-path\"\n");
  ProcessResult shown = Hub({"--config", file, "config", "show"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("# config: " + file + " (flag --config)\n"), std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("key = \"" + dir_.File("HUB.key") + "\"  # file\n"), std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("notify.secret-file = \"********\"  # file\n"), std::string::npos)
      << shown.out;
  EXPECT_EQ(shown.out.find("relay-secret-path"), std::string::npos) << shown.out;

  ProcessResult keys = Hub({"config", "keys"});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  EXPECT_NE(keys.out.find("\n[serve]\nbind  (TEXT)"), std::string::npos) << keys.out;
  EXPECT_NE(keys.out.find("\n[notify]\n"), std::string::npos) << keys.out;
  ProcessResult edge_keys = Edge({"config", "keys"});
  EXPECT_NE(edge_keys.out.find("\n[sync]\nhub  (TEXT, required)"), std::string::npos)
      << edge_keys.out;
}

// A hub on PostgreSQL is configured by a URL, which may carry a password:
// config show and config check never print it, whichever form it takes.
TEST_F(ConfigTest, ADatabaseUrlsPasswordIsNeverShown) {
  const std::string file = Write(
      "hub.toml", "db = \"postgresql://hub:s3cr3t-pw@db.example:5432/outpost?sslmode=require\"\n");
  ProcessResult shown = Hub({"--config", file, "config", "show"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("db = \"postgresql://hub:********@db.example:5432/outpost?sslmode="
                           "require\"  # file\n"),
            std::string::npos)
      << shown.out;
  ProcessResult from_flag =
      Hub({"--db", "postgresql:///outpost?host=/run/pg&password=s3cr3t-pw", "config", "show"});
  ASSERT_EQ(from_flag.exit_code, 0) << from_flag.err;
  EXPECT_NE(from_flag.out.find("password=********"), std::string::npos) << from_flag.out;
  for (const ProcessResult& r : {shown, from_flag}) {
    EXPECT_EQ(r.out.find("s3cr3t"), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find("s3cr3t"), std::string::npos) << r.err;
  }
}

TEST_F(ConfigTest, TheHubTakesItsDatabaseAndKeyFromTheFile) {
  ASSERT_TRUE(WriteKeyFiles(SecretKeys::Generate("HUB"), dir_.path(), false).ok());
  const std::string file = Write(
      "hub.toml", "db = \"" + dir_.File("hub.db") + "\"\nkey = \"" + dir_.File("HUB.key") + "\"\n");
  ProcessResult made = Hub({"--config", file, "init"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_TRUE(Exists("hub.db"));
  ProcessResult stores = Hub({"--json", "stores"}, {"OUTPOST_CONFIG=" + file});
  EXPECT_EQ(stores.exit_code, 0) << stores.err;
}

TEST_F(ConfigTest, AMissingDatabaseIsRefusedWithTheCommandThatCreatesIt) {
  const std::string nope = dir_.File("nope.db");
  ProcessResult edge = Edge({"--db", nope, "board"});
  EXPECT_EQ(edge.exit_code, 1);
  EXPECT_EQ(edge.err, "outpost-edge: no database at " + nope +
                          "; create one with: outpost-edge --db " + nope +
                          " init --store-id ID --name NAME\n");
  ProcessResult hub = Hub({"--db", nope, "stores"});
  EXPECT_EQ(hub.exit_code, 1);
  EXPECT_EQ(hub.err, "outpost-hub: no database at " + nope +
                         "; create one with: outpost-hub --db " + nope + " --key HUB.key init\n");
  EXPECT_FALSE(Exists("nope.db"));
}

}  // namespace
}  // namespace outpost
