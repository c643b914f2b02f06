#include "sync/cli/table.h"

#include <gtest/gtest.h>

namespace outpost::cli {
namespace {

TEST(DisplayWidthTest, WideCharactersTakeTwoColumns) {
  EXPECT_EQ(DisplayWidth("Wang Wei"), 8);
  EXPECT_EQ(DisplayWidth("王伟"), 4);
  EXPECT_EQ(DisplayWidth("京A·12345"), 9);  // the middle dot is narrow
  EXPECT_EQ(DisplayWidth("Ａ"), 2);         // fullwidth
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1);  // e + combining acute
  EXPECT_EQ(DisplayWidth("\xFF"), 1);       // not UTF-8: one column per byte
  EXPECT_EQ(PadToWidth("王伟", 6), "王伟  ");
  EXPECT_EQ(PadToWidth("toolong", 3), "toolong");
}

// The column after a Chinese name starts at the same display column as after an ASCII one.
TEST(TableTest, ColumnsLineUpByDisplayWidth) {
  Table table;
  table.AddRow({"S1", "王伟", "138 0013 8000"});
  table.AddRow({"S22", "Wang Wei", "139 0000 0000"});
  table.AddRow({"S3", "李"});
  const auto lines = table.Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "S1   王伟      138 0013 8000");
  EXPECT_EQ(lines[1], "S22  Wang Wei  139 0000 0000");
  EXPECT_EQ(lines[2], "S3   李");
  const auto phone_column = [](const std::string& line) {
    return DisplayWidth(line.substr(0, line.find("13")));
  };
  EXPECT_EQ(phone_column(lines[0]), phone_column(lines[1]));
}

}  // namespace
}  // namespace outpost::cli
