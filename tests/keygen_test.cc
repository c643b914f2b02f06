// outpost keygen as an operator runs it.
#include <gtest/gtest.h>
#include <sys/stat.h>

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

TEST(KeygenTest, RefusesToOverwriteUnlessRotating) {
  TempDir dir;
  ASSERT_EQ(RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path()}).exit_code, 0);
  const std::string before = LoadPublicKeys(dir.File("S1.pub"))->KeyId();
  ProcessResult again = RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("never overwritten"), std::string::npos);
  EXPECT_EQ(LoadPublicKeys(dir.File("S1.pub"))->KeyId(), before);
  ASSERT_EQ(RunProgram({OUTPOST_BIN, "keygen", "--site", "S1", "--dir", dir.path(), "--force"}).exit_code,
            0);
  EXPECT_NE(LoadPublicKeys(dir.File("S1.pub"))->KeyId(), before);
  EXPECT_EQ(RunProgram({OUTPOST_BIN, "keygen", "--site", "bad id", "--dir", dir.path()}).exit_code, 1);
}

}  // namespace
}  // namespace outpost::testing
