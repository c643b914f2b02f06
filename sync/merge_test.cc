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
  for (const auto& c : changes)
    EXPECT_TRUE(MergeFields(state, stamps, c.fields, c.stamp, base).ok());
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
  auto lost = MergeFields(state, stamps, {{"status", "cancelled"}}, {400, "B"}, {100, "A"}).value();
  EXPECT_EQ(state["status"], "completed");
  EXPECT_EQ(lost, std::vector<std::string>{"status"});
  // Fields never written since creation carry the base stamp (old integer form too).
  json s2 = {{"status", "requested"}}, st2 = {{"notes", 900}};
  ASSERT_TRUE(MergeFields(s2, st2, {{"status", "confirmed"}}, {150, "A"}, {100, "A"}).ok());
  EXPECT_EQ(s2["status"], "confirmed");
}

// A damaged stamp is refused, naming the field, and nothing merges: read as 0
// it would lose every merge from then on, silently.
TEST(MergeTest, AnUnparsableStampIsRefusedNamingTheField) {
  for (const json& bad : {json("x:A"), json(":A"), json("12x:A"), json(""), json(true)}) {
    json state = {{"status", "completed"}, {"notes", "n"}};
    json stamps = {{"status", bad}};
    const json before = state;
    auto merged = MergeFields(state, stamps, {{"notes", "m"}, {"status", "cancelled"}}, {400, "B"},
                              {100, "A"});
    ASSERT_FALSE(merged.ok()) << bad;
    EXPECT_EQ(merged.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(merged.status().message().rfind("status: ", 0), 0u) << merged.status().message();
    EXPECT_EQ(state, before) << "a refused merge changed the state";
  }
  EXPECT_FALSE(ParseStamp("18446744073709551616:A").ok());  // past 64 bits
  auto good = ParseStamp("500:A");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->hlc, 500u);
  EXPECT_EQ(good->site, "A");
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

// A per-channel statement event, as the hub reads one consent field.
ConsentEvent Said(ContactChannel channel, ContactChoice choice, const Stamp& stamp) {
  ConsentEvent e;
  e.stamp = stamp;
  e.channel = channel;
  e.statement = {choice, "2026-11-23T02:00:00.000Z", stamp.site, "SA " + stamp.site, {}};
  return e;
}

// Every order of `events` gives the same consent as the first.
void ExpectOrderFree(std::vector<ConsentEvent> events) {
  auto by_stamp = [](const ConsentEvent& a, const ConsentEvent& b) {
    return a.stamp < b.stamp || (a.stamp == b.stamp && a.channel < b.channel);
  };
  std::sort(events.begin(), events.end(), by_stamp);
  const Consent first = MergeConsent(events);
  do {
    const Consent c = MergeConsent(events);
    EXPECT_EQ(c.do_not_disturb, first.do_not_disturb);
    for (ContactChannel ch : kContactChannels) {
      EXPECT_EQ(c.Of(ch).choice, first.Of(ch).choice) << ContactChannelName(ch);
      EXPECT_EQ(c.Of(ch).stamp, first.Of(ch).stamp) << ContactChannelName(ch);
    }
  } while (std::next_permutation(events.begin(), events.end(), by_stamp));
}

TEST(MergeConsentTest, ARestatedOptOutNewerThanAnOlderOptInWins) {
  // Store A: an opt-in (old all-channel field, hlc 150) that arrives last.
  // Store B: the customer, never opted in there, says "no" (hlc 200): the
  // desk logs it although it restates B's own value.
  std::vector<ConsentEvent> events = {
      {{150, "A"}, false, std::nullopt, true, std::nullopt, {}},
      {{120, "B"}, true, false, false, std::nullopt, {}},  // B's record, created with defaults
  };
  for (ContactChannel ch : kContactChannels) {
    events.push_back(Said(ch, ContactChoice::kOptedOut, {200, "B"}));
  }
  ExpectOrderFree(events);
  const Consent c = MergeConsent(events);
  for (ContactChannel ch : kContactChannels) {
    EXPECT_EQ(c.Of(ch).choice, ContactChoice::kOptedOut) << ContactChannelName(ch);
    EXPECT_EQ(c.Of(ch).site, "B");
    EXPECT_EQ(c.Of(ch).staff, "SA B");
    EXPECT_FALSE(c.MayContact(ch));
  }
  EXPECT_FALSE(c.contact_opt_in);
  // The opt-out restated once more, later, is still the newest statement.
  events.push_back(Said(ContactChannel::kSms, ContactChoice::kOptedOut, {300, "B"}));
  EXPECT_EQ(MergeConsent(events).Of(ContactChannel::kSms).stamp, (Stamp{300, "B"}));
}

TEST(MergeConsentTest, ACreatedDefaultNeverOverridesAStatement) {
  // An opt-in at A (hlc 100), then records created later with the defaults:
  // an old-style one (contact_opt_in false) and a new one (no consent field).
  std::vector<ConsentEvent> events = {
      Said(ContactChannel::kWeChat, ContactChoice::kOptedIn, {100, "A"}),
      {{300, "C"}, true, false, false, std::nullopt, {}},
  };
  ExpectOrderFree(events);
  Consent c = MergeConsent(events);
  EXPECT_EQ(c.Of(ContactChannel::kWeChat).choice, ContactChoice::kOptedIn);
  EXPECT_TRUE(c.MayContact(ContactChannel::kWeChat));
  EXPECT_EQ(c.Of(ContactChannel::kSms).choice, ContactChoice::kNotAsked);  // nobody asked
  EXPECT_TRUE(c.contact_opt_in);
  // An old record created with the opt-in flag did state it, on all three.
  events.push_back({{90, "D"}, true, false, true, std::nullopt, {}});
  c = MergeConsent(events);
  EXPECT_EQ(c.Of(ContactChannel::kSms).choice, ContactChoice::kOptedIn);
  EXPECT_EQ(c.Of(ContactChannel::kSms).stamp, (Stamp{90, "D"}));
  EXPECT_EQ(c.Of(ContactChannel::kWeChat).stamp, (Stamp{100, "A"}));  // newer than D's
}

TEST(MergeConsentTest, EachChannelMergesOnItsOwn) {
  std::vector<ConsentEvent> events = {
      {{100, "A"}, false, std::nullopt, true, std::nullopt, {}},  // old: opted in on all three
      Said(ContactChannel::kSms, ContactChoice::kOptedOut, {300, "B"}),
      Said(ContactChannel::kWeChat, ContactChoice::kOptedIn, {200, "C"}),
      Said(ContactChannel::kWeChat, ContactChoice::kOptedOut, {150, "B"}),
  };
  ExpectOrderFree(events);
  const Consent c = MergeConsent(events);
  EXPECT_EQ(c.Of(ContactChannel::kSms).choice, ContactChoice::kOptedOut);
  EXPECT_EQ(c.Of(ContactChannel::kWeChat).choice, ContactChoice::kOptedIn);
  EXPECT_EQ(c.Of(ContactChannel::kWeChat).site, "C");
  EXPECT_EQ(c.Of(ContactChannel::kCall).choice, ContactChoice::kOptedIn);  // only A spoke of calls
  EXPECT_EQ(c.Of(ContactChannel::kCall).stamp, (Stamp{100, "A"}));
  EXPECT_FALSE(c.MayContact(ContactChannel::kSms));
  EXPECT_TRUE(c.MayContact(ContactChannel::kCall));
}

TEST(MergeConsentTest, DoNotDisturbOutranksAnyOptInEvenANewerOne) {
  std::vector<ConsentEvent> events = {{{100, "A"}, false, true, std::nullopt, std::nullopt, {}}};
  for (ContactChannel ch : kContactChannels) {
    events.push_back(Said(ch, ContactChoice::kOptedIn, {300, "B"}));
  }
  ExpectOrderFree(events);
  const Consent c = MergeConsent(events);
  EXPECT_TRUE(c.do_not_disturb);
  EXPECT_FALSE(c.contact_opt_in);
  for (ContactChannel ch : kContactChannels) {
    EXPECT_EQ(c.Of(ch).choice, ContactChoice::kOptedIn);  // as said ...
    EXPECT_FALSE(c.MayContact(ch));                       // ... and still not to be contacted
  }
}

TEST(MergeConsentTest, StatementsReadBackAsLoggedAndShowWhoWhenWhere) {
  const ConsentStatement s{
      ContactChoice::kOptedOut, "2026-11-23T02:00:00.000Z", "S1", "SA Zhang", {}};
  const json logged = ConsentStatementJson(s);
  EXPECT_EQ(logged["choice"], "opted-out");
  auto back = ParseConsentStatement(logged);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->choice, ContactChoice::kOptedOut);
  EXPECT_EQ(back->staff, "SA Zhang");
  // Anything but an explicit choice is no statement (never read as an opt-in).
  EXPECT_FALSE(ParseConsentStatement({{"choice", "yes"}}));
  EXPECT_FALSE(ParseConsentStatement(json("opted-in")));
  EXPECT_EQ(ConsentText(ContactChannel::kSms, s, "2026-11-23"),
            "SMS opted out (2026-11-23 SA Zhang at S1)");
  EXPECT_EQ(ConsentText(ContactChannel::kCall, {}, ""), "phone call not asked");
  EXPECT_EQ(ParseContactChannel("wechat"), ContactChannel::kWeChat);
  EXPECT_FALSE(ParseContactChannel("email"));
}

}  // namespace
}  // namespace outpost
