#include "sync/i18n/messages.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace outpost::i18n {
namespace {

// The process's language is global: each test sets it and puts English back.
class MessagesTest : public ::testing::Test {
 protected:
  void TearDown() override { SetLanguage(Language::kEnglish); }
};

TEST_F(MessagesTest, EnglishIsTheTextAtTheCallSiteWithItsArgumentsInPlace) {
  SetLanguage(Language::kEnglish);
  EXPECT_EQ(Format("{0}: unknown command '{1}'", {"outpost-edge", "confim"}),
            "outpost-edge: unknown command 'confim'");
  EXPECT_EQ(Tr("a message the catalog lacks"), "a message the catalog lacks");
}

TEST_F(MessagesTest, ChineseComesFromTheCatalogAndItsArgumentsMayMove) {
  SetLanguage(Language::kChineseSimplified);
  // The translation puts {2} before {1}.
  EXPECT_EQ(Format("{0}: unknown command '{1}' for '{2}'", {"outpost-hub", "duo", "campaigns"}),
            "outpost-hub：'campaigns' 下没有命令 'duo'");
  EXPECT_EQ(Tr(" or "), " 或 ");
  // Missing from the catalog: English rather than nothing.
  EXPECT_EQ(Tr("a message the catalog lacks"), "a message the catalog lacks");
}

TEST_F(MessagesTest, PlaceholdersOutOfRangeOrMalformedStayAsWritten) {
  SetLanguage(Language::kEnglish);
  EXPECT_EQ(Format("{0} {1} {x} {} {12345}", {"a"}), "a {1} {x} {} {12345}");
}

TEST_F(MessagesTest, TheFirstLocaleVariableSetDecides) {
  const char* names[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
  for (const char* name : names) unsetenv(name);
  EXPECT_EQ(LanguageFromEnvironment(), Language::kEnglish);
  setenv("LANG", "zh_CN.UTF-8", 1);
  EXPECT_EQ(LanguageFromEnvironment(), Language::kChineseSimplified);
  setenv("LC_ALL", "en_US.UTF-8", 1);  // LC_ALL before LANG
  EXPECT_EQ(LanguageFromEnvironment(), Language::kEnglish);
  setenv("LANGUAGE", "zh_CN:en", 1);  // LANGUAGE before all
  EXPECT_EQ(LanguageFromEnvironment(), Language::kChineseSimplified);
  setenv("LANGUAGE", "", 1);  // empty counts as unset
  EXPECT_EQ(LanguageFromEnvironment(), Language::kEnglish);
  for (const char* name : names) unsetenv(name);
}

}  // namespace
}  // namespace outpost::i18n
