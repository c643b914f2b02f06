// outpost keygen as an operator runs it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sync/keys.h"
#include "sync/testing.h"
#include "tests/process.h"

namespace outpost::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::stringstream s;
  s << std::ifstream(path).rdbuf();
  return s.str();
}

TEST(KeygenTest, WritesPrivateKeyFilesAndNeverPrintsTheSecret) {
  TempDir dir;
  ProcessResult r = RunProgram({OUTPOST_BIN, "keygen", "--site", "SH-PUDONG", "--dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string secret_path = dir.File("SH-PUDONG.key");
  struct stat info;
  ASSERT_EQ(stat(secret_path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto keys = LoadSecretKeys(secret_path);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_NE(r.out.find("key id " + keys->pub.KeyId()), std::string::npos) << r.out;
  // No line of the secret file appears in what the tool printed.
  std::istringstream secret(Slurp(secret_path));
  for (std::string line; std::getline(secret, line);) {
    if (line.rfind("sign-secret ", 0) == 0 || line.rfind("kx-secret ", 0) == 0) {
      EXPECT_EQ(r.out.find(line.substr(line.find(' ') + 1)), std::string::npos);
      EXPECT_EQ(r.err.find(line.substr(line.find(' ') + 1)), std::string::npos);
    }
  }
}

TEST(OutpostToolTest, AMistypedCommandOrFlagGetsOneLineAndExitCodeOne) {
  ProcessResult command = RunProgram({OUTPOST_BIN, "keygn", "--site", "S1"});
  EXPECT_EQ(command.exit_code, 1);
  EXPECT_EQ(command.err, "outpost: unknown command 'keygn'; did you mean 'keygen'?\n");
  ProcessResult missing = RunProgram({OUTPOST_BIN, "keygen"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "outpost: usage: --site is required (try --help)\n");
  ProcessResult far = RunProgram({OUTPOST_BIN, "xylophone"});
  EXPECT_EQ(far.err.substr(0, far.err.find(" (try: ")), "outpost: unknown command 'xylophone'");
  EXPECT_NE(far.err.find(", keygen, "), std::string::npos) << far.err;
  EXPECT_EQ(std::count(far.err.begin(), far.err.end(), '\n'), 1) << far.err;
  TempDir dir;
  ProcessResult flag =
      RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path(), "--froce"});
  EXPECT_EQ(flag.exit_code, 1);
  EXPECT_EQ(flag.err, "outpost: unknown option '--froce' for 'keygen'; did you mean '--force'?\n");
  EXPECT_FALSE(std::filesystem::exists(dir.File("S1.key")));
  ProcessResult help = RunProgram({OUTPOST_BIN, "--help"});
  EXPECT_EQ(help.exit_code, 0);
}

TEST(KeygenTest, RefusesToOverwriteUnlessRotating) {
  TempDir dir;
  ASSERT_EQ(RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path()}).exit_code, 0);
  const std::string before = LoadPublicKeys(dir.File("S1.pub"))->KeyId();
  ProcessResult again = RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("never overwritten"), std::string::npos);
  EXPECT_EQ(LoadPublicKeys(dir.File("S1.pub"))->KeyId(), before);
  ASSERT_EQ(
      RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path(), "--force"}).exit_code,
      0);
  EXPECT_NE(LoadPublicKeys(dir.File("S1.pub"))->KeyId(), before);
  EXPECT_EQ(RunProgram({OUTPOST_BIN, "keygen", "--site", "bad id", "--dir", dir.path()}).exit_code,
            1);
}

int Mode(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 ? static_cast<int>(info.st_mode & 0777) : -1;
}

TEST(KeygenTest, RotationKeepsTheOldPairUntilTheHubAllowsTheNewOne) {
  ScopedUmask umask_022(022);
  TempDir dir;
  ASSERT_EQ(RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path()}).exit_code, 0);
  const std::string old_id = LoadSecretKeys(dir.File("S1.key"))->pub.KeyId();
  // A part file a crashed rotation left behind, readable by all: never kept as it is.
  std::ofstream(dir.File("S1.key.part")) << "half a key";
  chmod(dir.File("S1.key.part").c_str(), 0644);

  ProcessResult rotated =
      RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path(), "--force"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  // The new pair: a new key, whole and matching, the secret owner-only.
  auto secret = LoadSecretKeys(dir.File("S1.key"));
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  EXPECT_NE(secret->pub.KeyId(), old_id);
  EXPECT_EQ(LoadPublicKeys(dir.File("S1.pub"))->KeyId(), secret->pub.KeyId());
  EXPECT_EQ(Mode(dir.File("S1.key")), 0600);
  EXPECT_EQ(Mode(dir.File("S1.pub")), 0644);
  // The old pair, kept: the hub allows only it until told otherwise.
  auto old_secret = LoadSecretKeys(dir.File("S1.key.old"));
  ASSERT_TRUE(old_secret.ok()) << old_secret.status().ToString();
  EXPECT_EQ(old_secret->pub.KeyId(), old_id);
  EXPECT_EQ(LoadPublicKeys(dir.File("S1.pub.old"))->KeyId(), old_id);
  EXPECT_EQ(Mode(dir.File("S1.key.old")), 0600);
  EXPECT_FALSE(std::filesystem::exists(dir.File("S1.key.part")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("S1.pub.part")));
  EXPECT_NE(rotated.out.find("kept the old pair as " + dir.File("S1.key.old")), std::string::npos)
      << rotated.out;
  EXPECT_NE(rotated.out.find("have it allow " + dir.File("S1.pub") + " (outpost-hub allow)"),
            std::string::npos)
      << rotated.out;
  EXPECT_NE(rotated.out.find("key id " + secret->pub.KeyId()), std::string::npos);

  // Rotating again while the old pair is kept would lose the key the hub allows.
  ProcessResult again =
      RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path(), "--force"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("still keeps the pair an earlier rotation replaced"), std::string::npos)
      << again.err;
  EXPECT_EQ(LoadSecretKeys(dir.File("S1.key"))->pub.KeyId(), secret->pub.KeyId());
  EXPECT_EQ(LoadSecretKeys(dir.File("S1.key.old"))->pub.KeyId(), old_id);
  // Once the hub has the new key and the .old files are gone, rotation works again.
  std::filesystem::remove(dir.File("S1.key.old"));
  std::filesystem::remove(dir.File("S1.pub.old"));
  ASSERT_EQ(
      RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path(), "--force"}).exit_code,
      0);
  EXPECT_EQ(LoadSecretKeys(dir.File("S1.key.old"))->pub.KeyId(), secret->pub.KeyId());
}

// Under a Chinese locale the operator reads keygen's lines and refusals in
// Chinese; paths, key ids, flags and commands stay as they are.
TEST(KeygenTest, SpeaksChineseUnderAChineseLocale) {
  TempDir dir;
  const std::vector<std::string> zh = {"LANG=zh_CN.UTF-8"};
  ProcessResult made = RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path()}, zh);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string key_id = LoadPublicKeys(dir.File("S1.pub"))->KeyId();
  EXPECT_EQ(made.out, "已写入 " + dir.File("S1.key") + "（私钥，权限 0600）和 " +
                          dir.File("S1.pub") + "\n密钥编号 " + key_id + "\n");
  ProcessResult again =
      RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path()}, zh);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_EQ(again.err, "outpost: 冲突：'" + dir.File("S1.key") +
                           "' 已存在；密钥绝不会被悄悄覆盖（用 --force 轮换密钥）\n");
  ProcessResult bad =
      RunProgram({OUTPOST_BIN, "keygen", "--site", "bad id", "--dir", dir.path()}, zh);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "outpost: 输入有误：site：'bad id' 须为 1-32 个字母、数字、'-' 或 '_'\n");
}

}  // namespace
}  // namespace outpost::testing
