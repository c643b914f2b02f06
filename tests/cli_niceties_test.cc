// The command lines as people expect them (issue 19 item 5), through the real
// programs: --version, the nearest name to a mistyped one, read-only databases
// on a read-only mount, tables aligned by display width, the progress bar on a
// terminal and nowhere else, the bash completion and the man pages.
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "schema/migrations.h"
#include "tests/desk_harness.h"

namespace outpost::testing {
namespace {

int Newest(std::span<const schema::SqlMigration> migrations) {
  int newest = 0;
  for (const auto& m : migrations) newest = std::max(newest, m.version);
  return newest;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Terminal columns of UTF-8 text as a reader counts them: a CJK ideograph
// (lead byte 0xE3-0xE9) two, any other character one. Independent of ICU, so
// the test does not check the code with itself.
int Columns(const std::string& text) {
  int columns = 0;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    columns += lead >= 0xE3 && lead <= 0xE9 ? 2 : 1;
    i += length;
  }
  return columns;
}

class CliNicetiesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult init = desk_.Desk(
        {"init", "--store-id", "SH-PUDONG", "--name", "浦东服务中心", "--open-days", "123456"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
  ProcessResult Book(const std::string& phone, const std::string& name, const std::string& slot) {
    return desk_.Desk(
        {"book", "--phone", phone, "--name", name, "--date", "tomorrow", "--slot", slot});
  }
  TempDir dir_;
  DeskHarness desk_;  // Monday 2026-11-23, 09:00 Shanghai
};

TEST_F(CliNicetiesTest, VersionNamesProgramAndSchemas) {
  const std::string edge = std::to_string(Newest(schema::EdgeMigrations()));
  const std::string hub = std::to_string(Newest(schema::HubMigrations()));
  const std::regex version(R"(\d+\.\d+\.\d+)");
  struct Case {
    const char* bin;
    std::string expected;  // with VERSION for the version
  };
  for (const Case& c :
       {Case{OUTPOST_EDGE_BIN, "outpost-edge VERSION (schema: edge " + edge + ")\n"},
        Case{OUTPOST_HUB_BIN, "outpost-hub VERSION (schema: hub " + hub + ")\n"},
        Case{OUTPOST_BIN, "outpost VERSION (schema: edge " + edge + ", hub " + hub + ")\n"}}) {
    ProcessResult r = RunProgram({c.bin, "--version"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(std::regex_replace(r.out, version, "VERSION"), c.expected) << r.out;
    EXPECT_EQ(r.err, "");
  }
  EXPECT_EQ(RunProgram({OUTPOST_EDGE_BIN, "--version"}).out,
            "outpost-edge " OUTPOST_PROJECT_VERSION " (schema: edge " + edge + ")\n");
}

TEST_F(CliNicetiesTest, AMistypedNameGetsTheNearest) {
  ProcessResult command = desk_.Desk({"confim", "261124-1"});
  EXPECT_EQ(command.exit_code, 1);
  EXPECT_EQ(command.err, "outpost-edge: unknown command 'confim'; did you mean 'confirm'?\n");
  ProcessResult swapped = desk_.Desk({"customer", "fnid", "王"});
  EXPECT_EQ(swapped.err,
            "outpost-edge: unknown command 'fnid' for 'customer'; did you mean 'find'?\n");
  ProcessResult option = desk_.Desk({"board", "--dat", "tomorrow"});
  EXPECT_EQ(option.exit_code, 1);
  EXPECT_EQ(option.err,
            "outpost-edge: unknown option '--dat' for 'board'; did you mean '--date'?\n");
  ProcessResult nested = RunProgram({OUTPOST_HUB_BIN, "campaigns", "duo"});
  EXPECT_EQ(nested.exit_code, 1);
  EXPECT_EQ(nested.err,
            "outpost-hub: unknown command 'duo' for 'campaigns'; did you mean 'due'?\n");
  ProcessResult hub_option = RunProgram({OUTPOST_HUB_BIN, "board", "--stor", "S1"});
  EXPECT_EQ(hub_option.err,
            "outpost-hub: unknown option '--stor' for 'board'; did you mean '--store'?\n");
  // Nothing near: the choices, as before.
  ProcessResult far = desk_.Desk({"xylophone"});
  EXPECT_EQ(far.exit_code, 1);
  EXPECT_EQ(far.err.substr(0, far.err.find(" (try: ")),
            "outpost-edge: unknown command 'xylophone'");
}

// Under a Chinese locale the same refusals read in Chinese, and an English
// locale (or none) keeps them English; the values in them stay as typed.
TEST_F(CliNicetiesTest, UnderAChineseLocaleTheMessagesAreChinese) {
  std::vector<std::string> chinese = desk_.Env();
  chinese.push_back("LANG=zh_CN.UTF-8");
  ProcessResult command = RunProgram(desk_.Argv({"confim", "261124-1"}), chinese);
  EXPECT_EQ(command.exit_code, 1);
  EXPECT_EQ(command.err, "outpost-edge：没有命令 'confim'；是否想输入 'confirm'？\n");
  ProcessResult option = RunProgram(desk_.Argv({"board", "--dat", "tomorrow"}), chinese);
  EXPECT_EQ(option.err, "outpost-edge：'board' 没有选项 '--dat'；是否想输入 '--date'？\n");
  ProcessResult missing =
      RunProgram({OUTPOST_HUB_BIN, "--db", dir_.File("nope.db"), "stores"}, {"LANGUAGE=zh_CN"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "outpost-hub：" + dir_.File("nope.db") +
                             " 没有数据库；新建请运行：outpost-hub --db " + dir_.File("nope.db") +
                             " --key HUB.key init\n");
  // LANGUAGE comes first: a Chinese LANG under an English LANGUAGE is English.
  std::vector<std::string> english = chinese;
  english.push_back("LANGUAGE=en_GB");
  EXPECT_EQ(RunProgram(desk_.Argv({"confim", "261124-1"}), english).err,
            "outpost-edge: unknown command 'confim'; did you mean 'confirm'?\n");
}

// A read-only mount binds root too (file modes do not): the store's directory
// bound read-only onto itself in a private mount namespace (unshare -m), the
// program run inside it.
class ReadOnlyMount {
 public:
  explicit ReadOnlyMount(std::string dir) : dir_(std::move(dir)) {}
  ProcessResult Run(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    std::vector<std::string> wrapped = {
        "/usr/bin/unshare",
        "-m",
        "sh",
        "-c",
        "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" && exec \"$@\"",
        dir_};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return RunProgram(wrapped, env);
  }
  // Whether this machine lets the test make one (root, or a user namespace).
  bool Available() {
    ProcessResult r =
        Run({"sh", "-c", "touch \"$0/probe\" 2>/dev/null && echo writable || echo ro", dir_}, {});
    return r.exit_code == 0 && r.out == "ro\n";
  }

 private:
  std::string dir_;
};

TEST_F(CliNicetiesTest, ReadOnlyDatabaseServesReadsAndRefusesWritesInOneSentence) {
  ASSERT_EQ(Book("138 0013 8000", "王伟", "08:30").exit_code, 0);
  const std::string dir = std::filesystem::path(desk_.db()).parent_path().string();
  ReadOnlyMount mount(dir);
  if (!mount.Available()) GTEST_SKIP() << "no read-only mount here (unshare -m + mount need root)";
  const std::string before = ReadAll(desk_.db());

  for (const std::vector<std::string>& read : std::vector<std::vector<std::string>>{
           {"board", "--date", "tomorrow"}, {"status"}, {"customer", "find", "王伟"}}) {
    ProcessResult r = mount.Run(desk_.Argv(read), desk_.Env());
    EXPECT_EQ(r.exit_code, 0) << read[0] << ": " << r.err;
    EXPECT_EQ(r.err, "") << read[0];
  }
  ProcessResult board = mount.Run(desk_.Argv({"board", "--date", "tomorrow"}), desk_.Env());
  EXPECT_NE(board.out.find("王伟"), std::string::npos) << board.out;

  ProcessResult write = mount.Run(desk_.Argv({"book", "--phone", "139 0013 9000", "--name", "李娜",
                                              "--date", "tomorrow", "--slot", "10:00"}),
                                  desk_.Env());
  EXPECT_EQ(write.exit_code, 2);
  EXPECT_EQ(write.err, "outpost-edge: refused: the database " +
                           std::filesystem::canonical(desk_.db()).string() +
                           " is read-only (its file mode or a read-only mount): this command"
                           " would change it; run it where the file is writable\n");
  EXPECT_EQ(ReadAll(desk_.db()), before);
  EXPECT_FALSE(std::filesystem::exists(desk_.db() + "-wal"));
}

// A file whose mode forbids this user to write (chmod 0444), in a directory
// the user may write: reads work and leave no -shm or -wal behind that would
// stop the owner writing. Root ignores modes, so the desk runs as nobody
// (setpriv).
TEST_F(CliNicetiesTest, ReadOnlyFileModeServesReadsAndRefusesWrites) {
  ASSERT_EQ(Book("138 0013 8000", "王伟", "08:30").exit_code, 0);
  if (geteuid() != 0 || !std::filesystem::exists("/usr/bin/setpriv")) {
    GTEST_SKIP() << "needs root to run the desk as another user (setpriv)";
  }
  const std::filesystem::path dir = std::filesystem::path(desk_.db()).parent_path();
  using std::filesystem::perms;
  std::filesystem::permissions(dir, perms::all);  // 0777: the -shm can be made
  std::filesystem::permissions(desk_.db(),
                               perms::owner_read | perms::group_read | perms::others_read);  // 0444
  auto as_nobody = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                     "--clear-groups", "--"};
    for (const auto& a : desk_.Argv(args)) argv.push_back(a);
    return RunProgram(argv, desk_.Env());
  };
  ProcessResult board = as_nobody({"board", "--date", "tomorrow"});
  if (board.exit_code != 0 && board.err.find("Permission denied") != std::string::npos) {
    GTEST_SKIP() << "nobody cannot reach the binary here: " << board.err;
  }
  EXPECT_EQ(board.exit_code, 0) << board.err;
  EXPECT_NE(board.out.find("王伟"), std::string::npos) << board.out;
  ProcessResult write = as_nobody({"cancel", "261124-1", "--reason", "test"});
  EXPECT_EQ(write.exit_code, 2);
  EXPECT_NE(write.err.find(" is read-only (its file mode or a read-only mount)"), std::string::npos)
      << write.err;
  EXPECT_FALSE(std::filesystem::exists(desk_.db() + "-shm"));
  EXPECT_FALSE(std::filesystem::exists(desk_.db() + "-wal"));
  EXPECT_EQ(desk_.Json({"booking", "show", "261124-1"})["status"], "requested");
}

TEST_F(CliNicetiesTest, ReadOnlyHubDatabaseListsStores) {
  ASSERT_EQ(RunProgram({OUTPOST_BIN, "keygen", "--site", "HUB", "--dir", dir_.path()}).exit_code,
            0);
  const std::string db = dir_.File("hub.db"), key = dir_.File("HUB.key");
  ProcessResult init = RunProgram({OUTPOST_HUB_BIN, "--db", db, "--key", key, "init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  ReadOnlyMount mount(dir_.path());
  if (!mount.Available()) GTEST_SKIP() << "no read-only mount here (unshare -m + mount need root)";
  ProcessResult stores = mount.Run({OUTPOST_HUB_BIN, "--db", db, "--key", key, "stores"}, {});
  EXPECT_EQ(stores.exit_code, 0) << stores.err;
  EXPECT_EQ(stores.err, "");
}

// The phone column starts at the same display column after 王伟 as after an
// ASCII name.
TEST_F(CliNicetiesTest, BoardColumnsLineUpByDisplayWidth) {
  ASSERT_EQ(Book("138 0013 8000", "王伟", "08:30").exit_code, 0);
  ASSERT_EQ(Book("139 0013 9000", "Alexander Li", "08:30").exit_code, 0);
  ProcessResult board = desk_.Desk({"board", "--date", "tomorrow"});
  ASSERT_EQ(board.exit_code, 0) << board.err;
  std::vector<int> phone_columns;
  std::istringstream lines(board.out);
  for (std::string line; std::getline(lines, line);) {
    const size_t phone = line.find(" 0013 ");  // "138 0013 8000", "139 0013 9000"
    if (line.find("261124-") != std::string::npos && phone != std::string::npos) {
      phone_columns.push_back(Columns(line.substr(0, phone - 3)));
    }
  }
  ASSERT_EQ(phone_columns.size(), 2u) << board.out;
  EXPECT_EQ(phone_columns[0], phone_columns[1]) << board.out;
}

// Output of `argv` run on a pseudo-terminal (stdout and stderr both), until it exits.
std::string RunOnTerminal(const std::vector<std::string>& argv,
                          const std::vector<std::string>& env) {
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid == 0) {
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(master, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  return out;
}

TEST_F(CliNicetiesTest, ProgressOnATerminalOnly) {
  const std::string csv = dir_.File("forms.csv");
  std::ofstream(csv, std::ios::binary)
      << "表单号 form_id,预约日期 date,时段 time,客户姓名 name,电话 phone\n"
         "F261124-01,2026-11-24,10:00,王伟,138 0013 8000\n"
         "F261124-02,2026-11-24,10:00,李娜,139 0013 9000\n"
         "F261124-03,2026-11-24,11:00,赵六,137 0013 7000\n";
  std::vector<std::string> env = desk_.Env();
  env.push_back("OUTPOST_PROGRESS_AFTER_MS=0");  // draw at once: the import is quick
  // Piped: not a byte of a bar.
  ProcessResult piped = RunProgram(desk_.Argv({"paper", "import", csv}), env);
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err, "");
  // On a terminal: the bar, then the line blanked before the report.
  const std::string terminal = RunOnTerminal(desk_.Argv({"paper", "import", csv}), env);
  EXPECT_NE(terminal.find("\r[##########] 100% 3/3 forms"), std::string::npos) << terminal;
  EXPECT_NE(terminal.find("\r\x1b[K"), std::string::npos) << terminal;
  // --json on a terminal: none.
  const std::string json = RunOnTerminal(desk_.Argv({"paper", "import", csv, "--json"}), env);
  EXPECT_EQ(json.find("forms\r"), std::string::npos);
  EXPECT_EQ(json.find("[#"), std::string::npos) << json;
}

// Whether `text` holds a full bar of `unit` drawn in place ("\r[##########]
// 100% 6/6 changes"), whatever the count.
bool HasFullBar(const std::string& text, const std::string& unit) {
  return std::regex_search(text, std::regex("\r\\[##########\\] 100% ([0-9,]+)/\\1 " + unit));
}

// The other long work with a bar: a store catching up with the hub (the sync
// process), verify over the hub's archive, identity resolution at the hub.
// Each on a terminal only: not a byte of it piped or with --json.
TEST_F(CliNicetiesTest, CatchUpVerifyAndResolutionShowABarOnATerminalOnly) {
  for (const char* site : {"HUB", "SH-PUDONG"}) {
    ASSERT_EQ(RunProgram({OUTPOST_BIN, "keygen", "--site", site, "--dir", dir_.path()}).exit_code,
              0);
  }
  const std::string hub_db = dir_.File("hub.db");
  auto hub_argv = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {OUTPOST_HUB_BIN, "--db", hub_db, "--key",
                                     dir_.File("HUB.key")};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  };
  std::vector<std::string> env = desk_.Env();
  env.push_back("OUTPOST_PROGRESS_AFTER_MS=0");  // draw at once: the work is quick
  ASSERT_EQ(RunProgram(hub_argv({"init"}), env).exit_code, 0);
  ProcessResult allowed = RunProgram(hub_argv({"allow", dir_.File("SH-PUDONG.pub")}), env);
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  const std::string endpoint = FreeTcpEndpoint();
  auto hub = std::make_unique<Process>(hub_argv({"serve", "--bind", endpoint}), env);
  const std::vector<std::string> sync = SyncCommandArgs(
      endpoint, dir_.File("HUB.pub"), dir_.File("SH-PUDONG.key"), {"--seconds", "2"});
  auto with_json = [](std::vector<std::string> argv) {
    argv.insert(argv.begin() + 1, "--json");
    return argv;
  };

  // Catch-up: each run finds changes waiting.
  ASSERT_EQ(Book("138 0013 8000", "王伟", "10:00").exit_code, 0);
  const std::string caught_up = RunOnTerminal(desk_.Argv(sync), env);
  EXPECT_TRUE(HasFullBar(caught_up, "changes")) << caught_up;
  EXPECT_NE(caught_up.find("\r\x1b[K"), std::string::npos) << caught_up;
  ASSERT_EQ(Book("139 0013 9000", "李娜", "10:00").exit_code, 0);
  ProcessResult piped = RunProgram(desk_.Argv(sync), env);
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_NE(piped.err.find("caught up"), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find("[#"), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find('\r'), std::string::npos) << piped.err;
  ASSERT_EQ(Book("137 0013 7000", "赵六", "11:00").exit_code, 0);
  const std::string json_sync = RunOnTerminal(with_json(desk_.Argv(sync)), env);
  EXPECT_NE(json_sync.find("caught up"), std::string::npos) << json_sync;
  EXPECT_EQ(json_sync.find("[#"), std::string::npos) << json_sync;
  hub->Kill(SIGTERM);
  hub->Wait();

  // Verify over the hub's archived batches.
  const std::vector<std::string> verify = {OUTPOST_BIN, "verify",    "--db",
                                           hub_db,      "--hub-key", dir_.File("HUB.pub")};
  const std::string verified = RunOnTerminal(verify, env);
  EXPECT_TRUE(HasFullBar(verified, "changes")) << verified;
  ProcessResult verify_piped = RunProgram(verify, env);
  EXPECT_EQ(verify_piped.exit_code, 0) << verify_piped.out << verify_piped.err;
  EXPECT_EQ(verify_piped.err, "");
  std::vector<std::string> verify_json = verify;
  verify_json.push_back("--json");
  EXPECT_EQ(RunOnTerminal(verify_json, env).find("[#"), std::string::npos);

  // Identity resolution at the hub, in its steps.
  const std::vector<std::string> resolve = hub_argv({"customers", "resolve", "--force"});
  const std::string resolved = RunOnTerminal(resolve, env);
  EXPECT_NE(resolved.find("\r[##########] 100% 4/4 steps"), std::string::npos) << resolved;
  ProcessResult resolve_piped = RunProgram(resolve, env);
  EXPECT_EQ(resolve_piped.exit_code, 0) << resolve_piped.err;
  EXPECT_EQ(resolve_piped.err, "");
  const std::string resolve_json = RunOnTerminal(with_json(resolve), env);
  EXPECT_EQ(resolve_json.find("[#"), std::string::npos) << resolve_json;
}

TEST_F(CliNicetiesTest, BashCompletionOffersCommandsAndOptions) {
  const std::string script = dir_.File("outpost-edge.bash");
  std::ofstream(script) << RunProgram({OUTPOST_EDGE_BIN, "completion", "bash"}).out;
  ProcessResult syntax = RunProgram({"/bin/bash", "-n", script});
  EXPECT_EQ(syntax.exit_code, 0) << syntax.err;
  auto complete = [&](const std::string& words, int cword) {
    return RunProgram({"/bin/bash", "-c",
                       "source \"$0\"; COMP_WORDS=(" + words + "); COMP_CWORD=" +
                           std::to_string(cword) + "; _outpost_edge; echo \"${COMPREPLY[*]}\"",
                       script})
        .out;
  };
  EXPECT_EQ(complete("outpost-edge con", 1), "config confirm conflicts\n");
  EXPECT_EQ(complete("outpost-edge customer f", 2), "find\n");
  EXPECT_EQ(complete("outpost-edge --db x.db customer f", 4), "find\n");
  EXPECT_EQ(complete("outpost-edge board --da", 2), "--date\n");
  // The generated file of the build is the same script.
  EXPECT_EQ(ReadAll(OUTPOST_BUILD_DIR "/completion/outpost-edge"), ReadAll(script));
}

TEST_F(CliNicetiesTest, ManPagesRenderWithoutWarnings) {
  if (!std::filesystem::exists("/usr/bin/groff")) GTEST_SKIP() << "no groff";
  for (const char* program : {"outpost-edge", "outpost-hub", "outpost"}) {
    const std::string page = std::string(OUTPOST_BUILD_DIR "/man/") + program + ".1";
    ASSERT_TRUE(std::filesystem::exists(page)) << page;
    // -Tutf8 as man renders for a terminal: the descriptions' Chinese has glyphs there.
    ProcessResult groff = RunProgram({"/usr/bin/groff", "-ww", "-z", "-man", "-Tutf8", page});
    EXPECT_EQ(groff.exit_code, 0) << page;
    EXPECT_EQ(groff.err, "") << page;
  }
  const std::string edge = ReadAll(OUTPOST_BUILD_DIR "/man/outpost-edge.1");
  EXPECT_NE(edge.find(".SS \"outpost\\-edge customer find\""), std::string::npos);
  EXPECT_NE(edge.find("\\fB\\-\\-version\\fR"), std::string::npos);
}

}  // namespace
}  // namespace outpost::testing
