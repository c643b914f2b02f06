#include "sync/cli/nearest.h"

#include <gtest/gtest.h>

namespace outpost::cli {
namespace {

TEST(DamerauLevenshteinTest, CountsEachKindOfSlipOnce) {
  EXPECT_EQ(DamerauLevenshtein("confirm", "confirm"), 0);
  EXPECT_EQ(DamerauLevenshtein("confim", "confirm"), 1);    // a letter left out
  EXPECT_EQ(DamerauLevenshtein("confirrm", "confirm"), 1);  // one too many
  EXPECT_EQ(DamerauLevenshtein("cinfirm", "confirm"), 1);   // one wrong
  EXPECT_EQ(DamerauLevenshtein("cnofirm", "confirm"), 1);   // two swapped
  EXPECT_EQ(DamerauLevenshtein("", "due"), 3);
  EXPECT_EQ(DamerauLevenshtein("board", "book"), 3);
}

TEST(NearestNamesTest, NamesTheClosestWhenItIsASlip) {
  const std::vector<std::string> commands = {"board", "book", "cancel", "confirm", "conflicts"};
  EXPECT_EQ(NearestNames("confim", commands), std::vector<std::string>{"confirm"});
  EXPECT_EQ(NearestNames("confirm", commands), std::vector<std::string>{});  // no slip
  EXPECT_EQ(NearestNames("bord", commands), std::vector<std::string>{"board"});
  EXPECT_EQ(NearestNames("boo", commands), std::vector<std::string>{"book"});
  // Far from every name: no guess.
  EXPECT_TRUE(NearestNames("xyz", commands).empty());
  EXPECT_TRUE(NearestNames("everything", commands).empty());
  // Equally near: the longer common start, then letters left out, win; true ties are all named.
  EXPECT_EQ(NearestNames("boak", commands), std::vector<std::string>{"book"});
  EXPECT_EQ(NearestNames("confim", {"config", "confirm"}), std::vector<std::string>{"confirm"});
  EXPECT_EQ(NearestNames("conflcts", {"conflicts", "confirm"}),
            std::vector<std::string>{"conflicts"});
  EXPECT_EQ(NearestNames("bat", {"cat", "hat", "rat", "mat"}).size(), 0u);  // four: no guess
  EXPECT_EQ(NearestNames("xat", {"cat", "hat"}), (std::vector<std::string>{"cat", "hat"}));
  EXPECT_EQ(NearestNames("--stor", {"--store", "--staff", "--json"}),
            std::vector<std::string>{"--store"});
}

TEST(NearestNamesTest, QuotesTheChoices) {
  EXPECT_EQ(QuotedChoice({"a"}), "'a'");
  EXPECT_EQ(QuotedChoice({"a", "b"}), "'a' or 'b'");
  EXPECT_EQ(QuotedChoice({"a", "b", "c"}), "'a', 'b' or 'c'");
}

}  // namespace
}  // namespace outpost::cli
