#include "sync/merge.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace outpost {
namespace {

using nlohmann::json;

struct Change {
  json fields;
  Stamp stamp;
};

json Fold(const std::vector<Change>& changes, const Stamp& base) {
  json state = json::object(), stamps = json::object();
  for (const auto& c : changes) MergeFields(state, stamps, c.fields, c.stamp, base);
  return state;
}

TEST(MergeTest, AnyOrderAndAnyRepetitionGiveTheSameState) {
  const Stamp base{100, "A"};
  std::vector<Change> changes = {
      {{{"status", "confirmed"}, {"phones", {"+8613800138000"}}}, {200, "A"}},
      {{{"status", "cancelled"}, {"notes", "x"}}, {300, "B"}},
      {{{"status", "checked-in"}}, {300, "A"}},  // same clock as B: the site breaks the tie
      {{{"phones_added", {"+8613900139000"}}, {"notes", "y"}}, {250, "C"}},
      {{{"_deleted", false}}, {120, "A"}},
  };
  const json expected = Fold(changes, base);
  EXPECT_EQ(expected["status"], "cancelled");  // (300, "B") > (300, "A")
  EXPECT_EQ(expected["notes"], "x");
  EXPECT_EQ(expected["phones"], json({"+8613800138000", "+8613900139000"}));
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<Change> shuffled = changes;
    // Duplicates too: delivery is at least once.
    for (int d = 0; d < 3; ++d) shuffled.push_back(changes[rng() % changes.size()]);
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    ASSERT_EQ(Fold(shuffled, base), expected) << "round " << round;
  }
}

TEST(MergeTest, AnOlderWriteLosesAndSaysSo) {
  json state = {{"status", "completed"}}, stamps = {{"status", "500:A"}};
  auto lost = MergeFields(state, stamps, {{"status", "cancelled"}}, {400, "B"}, {100, "A"});
  EXPECT_EQ(state["status"], "completed");
  EXPECT_EQ(lost, std::vector<std::string>{"status"});
  // Fields never written since creation carry the base stamp (old integer form too).
  json s2 = {{"status", "requested"}}, st2 = {{"notes", 900}};
  MergeFields(s2, st2, {{"status", "confirmed"}}, {150, "A"}, {100, "A"});
  EXPECT_EQ(s2["status"], "confirmed");
}

TEST(MergeConsentTest, DoNotContactAnywhereIsNeverUndoneByAnOlderOptInOrANewRecord) {
  // Store B: the customer asks not to be contacted (explicit, hlc 200).
  // Store C: a new record created later with the defaults (hlc 300).
  // Store A: an opt-in given earlier (hlc 150), arriving last.
  std::vector<ConsentEvent> events = {
      {{200, "B"}, false, true, std::nullopt},
      {{300, "C"}, true, false, false},
      {{150, "A"}, false, std::nullopt, true},
  };
  for (int i = 0; i < 6; ++i) {
    std::next_permutation(events.begin(), events.end(),
                          [](const auto& a, const auto& b) { return a.stamp < b.stamp; });
    Consent c = MergeConsent(events);
    EXPECT_TRUE(c.do_not_disturb);
    EXPECT_FALSE(c.contact_opt_in);
    EXPECT_EQ(c.decided, (Stamp{200, "B"}));
  }
  // A newer explicit decision does lift it.
  events.push_back({{400, "A"}, false, false, true});
  Consent lifted = MergeConsent(events);
  EXPECT_FALSE(lifted.do_not_disturb);
  EXPECT_TRUE(lifted.contact_opt_in);
}

}  // namespace
}  // namespace outpost
