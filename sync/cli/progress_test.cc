#include "sync/cli/progress.h"

#include <gtest/gtest.h>

#include <sstream>

#include "sync/i18n/messages.h"

namespace outpost::cli {
namespace {

TEST(ProgressTextTest, TheUnitReadsInChineseUnderAChineseLocale) {
  i18n::SetLanguage(i18n::Language::kChineseSimplified);
  const std::string forms = ProgressText(1860, 4320, "forms");
  const std::string mib = ProgressText(3, 12, "MiB");
  i18n::SetLanguage(i18n::Language::kEnglish);
  EXPECT_EQ(forms, "[####      ] 43% 1,860/4,320 张表单");
  EXPECT_EQ(mib, "[##        ] 25% 3/12 MiB");
}

TEST(ProgressTextTest, BarPercentAndCounts) {
  EXPECT_EQ(ProgressText(1860, 4320, "forms"), "[####      ] 43% 1,860/4,320 forms");
  EXPECT_EQ(ProgressText(0, 4320, "forms"), "[          ] 0% 0/4,320 forms");
  EXPECT_EQ(ProgressText(4320, 4320, "forms"), "[##########] 100% 4,320/4,320 forms");
  EXPECT_EQ(ProgressText(0, 0, "pages"), "[          ] 0% 0/0 pages");
  EXPECT_EQ(ProgressText(1234567, 2000000, "pages", 4), "[##  ] 61% 1,234,567/2,000,000 pages");
  EXPECT_EQ(ProgressText(7, 5, "rows", 5), "[#####] 100% 7/5 rows");  // never past full
}

TEST(ProgressTest, SilentWhenDisabled) {
  std::ostringstream err;
  {
    Progress progress(err, /*enabled=*/false, "forms");
    EXPECT_FALSE(progress.Callback());
    for (int i = 0; i <= 10; ++i) progress.Update(i, 10);
  }
  EXPECT_EQ(err.str(), "");
  EXPECT_FALSE(ProgressWanted(/*json=*/true));
}

TEST(ProgressTest, QuickWorkDrawsNothing) {
  std::ostringstream err;
  {
    Progress progress(err, /*enabled=*/true, "forms");  // well under two seconds
    for (int i = 0; i <= 10; ++i) progress.Update(i, 10);
  }
  EXPECT_EQ(err.str(), "");
}

}  // namespace
}  // namespace outpost::cli
