#include "sync/model/profile.h"

#include <gtest/gtest.h>

#include "sync/model/profile_golden.h"
#include "sync/model/testing.h"

namespace outpost::model {
namespace {

using nlohmann::json;

// The profile hub/profiles_test.cc builds from its sample view, as S1 gets it.
Profile Sample() {
  Profile p;
  p.unified_id = "u-1";
  p.here = {"c-1"};
  p.records = {{"S1", "c-1", "王伟", std::nullopt}, {"S2", "c-2", "王伟", "M-9"}};
  p.stores = 2;
  ChannelConsent channels;
  channels[static_cast<int>(ContactChannel::kSms)] = {
      ContactChoice::kOptedOut, "2026-11-23T01:00:00.000Z", "S2", "SA Li", {}};
  channels[static_cast<int>(ContactChannel::kWeChat)] = {
      ContactChoice::kOptedIn, "2026-11-22T08:00:00.000Z", "S1", "SA Zhang", {}};
  p.consent = {false, true, channels};
  p.vehicles = {{"S1", "沪A12345", std::nullopt, 42000},
                {"S2", std::nullopt, "LSVAB4187E2100001", std::nullopt}};
  p.bookings = {{"S1", "261124-3", "2026-11-30 10:00", "confirmed", "maintenance", "phone"},
                {"S2", "261124-3", "2026-11-20 09:30", "completed", "maintenance", "phone"},
                {"S1", "261124-3", "2026-11-01 11:00", "no-show", "maintenance", "phone"}};
  p.bookings_total = 3;
  p.visits = {1, "2026-11-20 09:30", "S2"};
  return p;
}

TEST(ProfileModelTest, WritesTheBytesTheHubWroteBeforeTheCodec) {
  EXPECT_EQ(ProfileJson(Sample()).dump(), kProfileGoldenAtS1);
}

TEST(ProfileModelTest, RoundTrip) {
  const json written = ProfileJson(Sample());
  auto back = ParseProfile(written);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ProfileJson(back.value()), written);
  EXPECT_EQ(back->records[1].member_id, "M-9");
  EXPECT_EQ(back->vehicles[0].mileage_km, 42000);
  EXPECT_EQ(back->consent.channels->at(static_cast<int>(ContactChannel::kCall)).choice,
            ContactChoice::kNotAsked);
  EXPECT_EQ(back->visits.last_store, "S2");
  // As text, the way the store keeps it.
  auto from_text = ParseProfile(written.dump());
  ASSERT_TRUE(from_text.ok()) << from_text.status().ToString();
  EXPECT_EQ(ProfileJson(from_text.value()).dump(), written.dump());
  // No visit: last and last_store are null.
  Profile none = Sample();
  none.visits = {};
  EXPECT_TRUE(ProfileJson(none)["visits"]["last"].is_null());
  EXPECT_EQ(ProfileJson(ParseProfile(ProfileJson(none)).value()), ProfileJson(none));
}

// A hub from before per-channel consent wrote no "channels": the profile
// reads, and writes back as it was.
TEST(ProfileModelTest, AProfileFromAnOlderHubReadsAndWritesBackUnchanged) {
  json old = ProfileJson(Sample());
  old["consent"].erase("channels");
  auto back = ParseProfile(old);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_FALSE(back->consent.channels);
  EXPECT_EQ(ProfileJson(back.value()).dump(), old.dump());
}

// The segment (issue 17) is one more key, written only when computed: the
// profile without it keeps its bytes (above), with it the golden below.
TEST(ProfileModelTest, ASegmentIsOneMoreKeyAndReadsBack) {
  Profile p = Sample();
  p.segment = ProfileSegment{"new", "low", "new", 5, 1, 2};
  const json written = ProfileJson(p);
  EXPECT_EQ(written.dump(), kProfileGoldenWithSegmentAtS1);
  auto back = ParseProfile(std::string(kProfileGoldenWithSegmentAtS1));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->segment, p.segment);
  EXPECT_EQ(ProfileJson(back.value()).dump(), kProfileGoldenWithSegmentAtS1);
  // The profile of an older hub has none, and writes back without it.
  auto old = ParseProfile(std::string(kProfileGoldenAtS1));
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_FALSE(old->segment);
  EXPECT_EQ(ProfileJson(old.value()).dump(), kProfileGoldenAtS1);
}

TEST(ProfileModelTest, EachBadSegmentFieldIsNamed) {
  Profile p = Sample();
  p.segment = ProfileSegment{"vip", "high", "mature", 5, 5, 5};
  const json good = ProfileJson(p);
  ASSERT_TRUE(ParseProfile(good).ok());
  json bad = good;
  bad["segment"] = "vip";
  ExpectNamed(ParseProfile(bad).status(), "profile: segment:");
  bad = good;
  bad["segment"]["value_tier"] = 1;
  ExpectNamed(ParseProfile(bad).status(), "profile: segment.value_tier:");
  bad = good;
  bad["segment"]["recency_score"] = 7;
  ExpectNamed(ParseProfile(bad).status(), "profile: segment.recency_score: 7 is not 1-5");
  bad = good;
  bad["segment"].erase("monetary_score");
  ExpectNamed(ParseProfile(bad).status(), "profile: segment.monetary_score:");
}

TEST(ProfileModelTest, EachBadFieldIsNamed) {
  const json good = ProfileJson(Sample());
  ASSERT_TRUE(ParseProfile(good).ok());
  const std::vector<std::pair<json::json_pointer, json>> cases = {
      {json::json_pointer("/unified_id"), 1},
      {json::json_pointer("/here"), "c-1"},
      {json::json_pointer("/here/0"), 7},
      {json::json_pointer("/records"), nullptr},
      {json::json_pointer("/records/1"), "c-2"},
      {json::json_pointer("/records/1/member_id"), 9},
      {json::json_pointer("/stores"), "2"},
      {json::json_pointer("/consent"), true},
      {json::json_pointer("/consent/do_not_disturb"), "no"},
      {json::json_pointer("/consent/channels"), "sms"},
      {json::json_pointer("/consent/channels/wechat/choice"), "maybe"},
      {json::json_pointer("/vehicles/0/mileage_km"), "42000"},
      {json::json_pointer("/bookings/2/slot"), nullptr},
      {json::json_pointer("/bookings_total"), 3.5},
      {json::json_pointer("/visits/last"), false},
  };
  const std::vector<std::string> named = {
      "profile: unified_id:",
      "profile: here:",
      "profile: here[0]:",
      "profile: records:",
      "profile: records[1]:",
      "profile: records[1].member_id:",
      "profile: stores:",
      "profile: consent:",
      "profile: consent.do_not_disturb:",
      "profile: consent.channels:",
      "profile: consent.channels.wechat.choice:",
      "profile: vehicles[0].mileage_km:",
      "profile: bookings[2].slot:",
      "profile: bookings_total:",
      "profile: visits.last:",
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    json bad = good;
    bad[cases[i].first] = cases[i].second;
    ExpectNamed(ParseProfile(bad).status(), named[i]);
  }
  json no_call = good;
  no_call["consent"]["channels"].erase("call");
  ExpectNamed(ParseProfile(no_call).status(), "profile: consent.channels.call: missing");
  ExpectNamed(ParseProfile(std::string("{not json")).status(), "profile: fields:");
}

}  // namespace
}  // namespace outpost::model
