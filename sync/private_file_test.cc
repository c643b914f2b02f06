#include "sync/private_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sync/testing.h"

namespace outpost {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PrivateFileTest, WritesOwnerOnlyUnderUmask022) {
  testing::TempDir dir;
  testing::ScopedUmask umask_022(022);
  const std::string path = dir.File("export.csv");
  ASSERT_TRUE(WritePrivateFile(path, "name,phone\r\n王伟,13800138000\r\n").ok());
  EXPECT_EQ(testing::FileMode(path), 0600);
  EXPECT_EQ(Slurp(path), "name,phone\r\n王伟,13800138000\r\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".part"));
}

TEST(PrivateFileTest, ReplacesAWorldReadableFileAndALeftoverPartFile) {
  testing::TempDir dir;
  testing::ScopedUmask umask_022(022);
  const std::string path = dir.File("report.html");
  std::ofstream(path) << "old";
  std::ofstream(path + ".part") << "from a run that died";
  ASSERT_EQ(testing::FileMode(path + ".part"), 0644);
  ASSERT_TRUE(WritePrivateFile(path, "new").ok());
  EXPECT_EQ(testing::FileMode(path), 0600);
  EXPECT_EQ(Slurp(path), "new");
}

TEST(PrivateFileTest, AnUnwritablePlaceIsAnIoErrorNamingThePathAndLeavesNothing) {
  testing::TempDir dir;
  const std::string path = dir.File("no-such-dir/out.csv");
  Status st = WritePrivateFile(path, "x");
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find("no-such-dir/out.csv"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("No such file or directory"), std::string::npos) << st.message();
}

TEST(PrivateFileTest, CreateIfMissingLeavesAnExistingFileAlone) {
  testing::TempDir dir;
  testing::ScopedUmask umask_022(022);
  const std::string fresh = dir.File("fresh.db");
  ASSERT_TRUE(CreatePrivateFileIfMissing(fresh).ok());
  EXPECT_EQ(testing::FileMode(fresh), 0600);
  const std::string kept = dir.File("kept.db");
  std::ofstream(kept) << "data";
  ASSERT_TRUE(CreatePrivateFileIfMissing(kept).ok());
  EXPECT_EQ(testing::FileMode(kept), 0644);
  EXPECT_EQ(Slurp(kept), "data");
}

}  // namespace
}  // namespace outpost
