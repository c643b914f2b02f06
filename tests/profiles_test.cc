// Unified profiles distributed to the stores: three real stores, a real hub,
// the store's real sync steps (SyncClient without its socket) and sealed
// envelopes both ways.
#include "edge/profiles.h"

#include <gtest/gtest.h>

#include "hub/identity.h"
#include "hub/storage/sqlite/identity_store.h"
#include "tests/hub_and_stores.h"
#include "tests/store_file.h"

namespace outpost {
namespace {

using nlohmann::json;

class ProfilesTest : public testing::HubAndStores {
 protected:
  void SetUp() override { OpenSites({"S1", "S2", "S3"}); }

  void SyncAll(int rounds = 2) {
    for (int i = 0; i < rounds; ++i) {
      for (const char* s : {"S1", "S2", "S3"}) Round(s);
    }
  }
  // What the hub's daemon does every few seconds.
  hub::RefreshStats Upkeep() {
    hub::Identity identity = hub_->MakeIdentity();
    EXPECT_TRUE(identity.Resolve(false).ok());
    auto stats = hub_->RefreshProfiles();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? stats.value() : hub::RefreshStats{};
  }
  json ProfileAt(const std::string& site, const std::string& customer) {
    auto p = stores_[site]->CustomerProfile(customer);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!p.ok() || !p.value()) return nullptr;
    return p.value()->profile;
  }
  // The test's own connection to a store's file (tests/store_file.h).
  std::unique_ptr<Db> StoreFile(const std::string& site) {
    return testing::OpenStoreFile(dir_.File(site + ".db"));
  }
  int64_t Count(const std::string& site, const std::string& sql) {
    auto db = StoreFile(site);
    auto st = db->Prepare(sql).value();
    EXPECT_TRUE(st.Step().value());
    return st.Int(0);
  }
};

TEST_F(ProfilesTest, EachStoreReceivesItsOwnCustomersWithTheirHistoryElsewhere) {
  const std::string at_s1 = Visit("S1", "王伟", "13800138000", {.time = "10:00"});
  const std::string at_s2 = Visit("S2", "王伟", "13800138000", {.time = "11:00"});
  const std::string at_s3 = Visit("S3", "李娜", "13900139000");
  SyncAll();
  EXPECT_EQ(Upkeep().sent, 3);  // S1 and S2 one version of 王伟 each, S3 one of 李娜
  SyncAll(1);

  json p = ProfileAt("S1", at_s1);
  ASSERT_TRUE(p.is_object()) << "S1 holds no profile of its customer";
  EXPECT_EQ(p["here"], json::array({at_s1}));
  EXPECT_EQ(p["stores"], 2);
  bool s2_record = false, s2_booking = false;
  for (const auto& r : p["records"]) s2_record |= r["record_id"] == at_s2 && r["store_id"] == "S2";
  for (const auto& b : p["bookings"]) {
    s2_booking |= b["store_id"] == "S2" && b["slot"] == "2026-11-24 11:00";
  }
  EXPECT_TRUE(s2_record) << p.dump();
  EXPECT_TRUE(s2_booking) << p.dump();
  EXPECT_EQ(ProfileAt("S2", at_s2)["unified_id"], p["unified_id"]);

  // Only the store's own customers, and no phones from anywhere.
  EXPECT_EQ(Count("S1", "SELECT count(*) FROM unified_profiles"), 1);
  EXPECT_EQ(Count("S3", "SELECT count(*) FROM unified_profiles"), 1);
  EXPECT_EQ(Count("S3", "SELECT count(*) FROM unified_profiles WHERE profile LIKE '%王伟%'"), 0);
  EXPECT_NE(ProfileAt("S3", at_s3)["unified_id"], p["unified_id"]);
  EXPECT_EQ(Count("S1", "SELECT count(*) FROM unified_profiles WHERE profile LIKE '%13800138000%'"),
            0);

  // Nothing changed: no new versions; a repeated answer changes nothing.
  EXPECT_EQ(Upkeep().sent, 0);
  const int64_t held = edge::HeldProfileSeq(*StoreFile("S1")).value();
  const std::string answer = Round("S1");
  EXPECT_TRUE(clients_["S1"]->HandleReply(answer).value());
  EXPECT_EQ(edge::HeldProfileSeq(*StoreFile("S1")).value(), held);
}

TEST_F(ProfilesTest, DoNotContactAnywhereReachesEveryStoreAndAnUnmergeWithdraws) {
  const std::string at_s1 = Visit("S1", "王伟", "13800138000", {.time = "10:00"});
  const std::string at_s2 = Visit("S2", "王伟", "13800138000", {.time = "11:00"});
  SyncAll();
  Upkeep();
  SyncAll(1);
  ASSERT_FALSE(ProfileAt("S1", at_s1)["consent"]["do_not_disturb"].get<bool>());

  edge::CustomerUpdate dnd;
  dnd.do_not_disturb = true;
  ASSERT_TRUE(stores_["S2"]->UpdateCustomer(at_s2, dnd, "SA").ok());
  SyncAll(1);
  EXPECT_GE(Upkeep().sent, 2);
  SyncAll(1);
  EXPECT_TRUE(ProfileAt("S1", at_s1)["consent"]["do_not_disturb"].get<bool>());

  // A wrong link undone: S1's profile no longer speaks of S2's record.
  const std::string unified = ProfileAt("S1", at_s1)["unified_id"];
  hub::Identity identity = hub_->MakeIdentity();
  ASSERT_TRUE(identity.Unmerge(at_s2, "HQ Li", "two people, one family phone").ok());
  Upkeep();
  SyncAll(1);
  json p1 = ProfileAt("S1", at_s1);
  json p2 = ProfileAt("S2", at_s2);
  ASSERT_TRUE(p1.is_object() && p2.is_object());
  EXPECT_NE(p1["unified_id"], p2["unified_id"]);
  EXPECT_EQ(p1["stores"], 1);
  for (const auto& r : p1["records"]) EXPECT_NE(r["record_id"], at_s2);
  for (const auto& b : p1["bookings"]) EXPECT_NE(b["store_id"], "S2");
  // S2 holds one profile: the old one was withdrawn there, not left behind.
  EXPECT_EQ(Count("S2", "SELECT count(*) FROM unified_profiles"), 1);
  EXPECT_EQ(
      Count("S2", "SELECT count(*) FROM unified_profiles WHERE unified_id = '" + unified + "'") +
          Count("S2",
                "SELECT count(*) FROM customer_unified WHERE"
                " unified_id = '" +
                    unified + "'"),
      p2["unified_id"] == unified ? 2 : 0);
}

// The merged statement of `channel` in a profile's consent.
std::string ChoiceIn(const json& profile, const char* channel) {
  return profile["consent"]["channels"][channel]["choice"].get<std::string>();
}

TEST_F(ProfilesTest, AnOptOutBeatsAnOlderOptInThatArrivesLateAtEveryStore) {
  // One person, a customer at three stores, never asked about contact.
  const std::string at_s1 = Visit("S1", "王伟", "13800138000", {.time = "10:00"});
  const std::string at_s2 = Visit("S2", "王伟", "13800138000", {.time = "11:00"});
  const std::string at_s3 = Visit("S3", "王伟", "13800138000", {.time = "14:00"});
  SyncAll();
  Upkeep();
  SyncAll(1);
  ASSERT_EQ(ChoiceIn(ProfileAt("S1", at_s1), "sms"), "not-asked");

  // 09:01 at S2, cut off from head office: the customer opts in.
  clock_.Advance(60'000);
  edge::CustomerUpdate opt_in;
  opt_in.contact_opt_in = true;
  ASSERT_TRUE(stores_["S2"]->UpdateCustomer(at_s2, opt_in, "SA Li").ok());
  // 09:02 at S1, where they never opted in: "do not contact me". It restates
  // S1's own value, and is logged all the same.
  clock_.Advance(60'000);
  edge::CustomerUpdate opt_out;
  opt_out.contact_opt_in = false;
  ASSERT_TRUE(stores_["S1"]->UpdateCustomer(at_s1, opt_out, "SA Zhang").ok());
  // The opt-out reaches the hub first; S2's older opt-in arrives after it.
  clock_.Advance(60'000);
  Round("S1");
  Round("S3");
  Upkeep();
  clock_.Advance(60'000);
  SyncAll();
  Upkeep();
  SyncAll(1);

  hub::Identity identity = hub_->MakeIdentity();
  const hub::UnifiedView view = identity.Show(at_s2).value();
  ASSERT_EQ(view.records.size(), 3u);
  for (ContactChannel c : kContactChannels) {
    EXPECT_EQ(view.consent.Of(c).choice, ContactChoice::kOptedOut) << ContactChannelName(c);
    EXPECT_EQ(view.consent.Of(c).site, "S1");
    EXPECT_EQ(view.consent.Of(c).staff, "SA Zhang");
    EXPECT_FALSE(view.consent.MayContact(c));
  }
  EXPECT_FALSE(view.consent.contact_opt_in);
  const std::vector<std::pair<std::string, std::string>> records = {
      {"S1", at_s1}, {"S2", at_s2}, {"S3", at_s3}};
  for (const auto& [site, record] : records) {
    json p = ProfileAt(site, record);
    ASSERT_TRUE(p.is_object()) << site;
    for (const char* c : {"sms", "wechat", "call"}) {
      EXPECT_EQ(ChoiceIn(p, c), "opted-out") << site << " " << c << ": " << p["consent"].dump();
    }
    EXPECT_FALSE(p["consent"]["contact_opt_in"].get<bool>()) << site;
  }
  // S2's own record still says what was said there: the profile is the chain's answer.
  EXPECT_TRUE(stores_["S2"]->ResolveCustomer(at_s2)->contact_opt_in);

  // Later, at S3: yes to WeChat only. Each channel merges on its own.
  clock_.Advance(60'000);
  edge::CustomerUpdate wechat_in;
  wechat_in.contact_opt_in = true;
  wechat_in.consent_channels = {ContactChannel::kWeChat};
  ASSERT_TRUE(stores_["S3"]->UpdateCustomer(at_s3, wechat_in, "SA Wu").ok());
  SyncAll(1);
  Upkeep();
  SyncAll(1);
  json p1 = ProfileAt("S1", at_s1);
  EXPECT_EQ(ChoiceIn(p1, "wechat"), "opted-in") << p1["consent"].dump();
  EXPECT_EQ(p1["consent"]["channels"]["wechat"]["site"], "S3");
  EXPECT_EQ(ChoiceIn(p1, "sms"), "opted-out");
  EXPECT_EQ(ChoiceIn(p1, "call"), "opted-out");
  EXPECT_TRUE(p1["consent"]["contact_opt_in"].get<bool>());
}

TEST_F(ProfilesTest, AStoreCatchingUpDrainsItsProfilesOverRounds) {
  const int n = hub::Hub::kProfilesPerAnswer + 30;
  for (int i = 0; i < n; ++i) {
    edge::NewCustomer c{"客户" + std::to_string(i), {"1370000" + std::to_string(1000 + i)}};
    ASSERT_TRUE(stores_["S1"]->AddCustomer(c, {}, "SA").ok());
  }
  Round("S1");
  Upkeep();
  Round("S1");
  EXPECT_EQ(Count("S1", "SELECT count(*) FROM unified_profiles"), hub::Hub::kProfilesPerAnswer);
  Round("S1");
  EXPECT_EQ(Count("S1", "SELECT count(*) FROM unified_profiles"), n);
  EXPECT_EQ(Count("S1", "SELECT count(*) FROM customer_unified"), n);

  // A store restored from an older copy lost its profiles: the hub sends them all again.
  ASSERT_TRUE(StoreFile("S1")
                  ->Exec("DELETE FROM unified_profiles; DELETE FROM"
                         " customer_unified; UPDATE sync_state SET profile_seq = 0")
                  .ok());
  for (int i = 0; i < 3; ++i) Round("S1");
  EXPECT_EQ(Count("S1", "SELECT count(*) FROM unified_profiles"), n);

  // The hub restored from an older copy: it numbers from where it was, below
  // what the store holds, so it numbers again above the store's mark.
  ASSERT_TRUE(testing::TamperHub(HubDb(),
                                 "DELETE FROM store_profiles WHERE site_id = 'S1'; UPDATE"
                                 " store_cursors SET profile_seq = 0, applied_profile_seq = 0")
                  .ok());
  const std::string late = Visit("S1", "新客", "13600136000");
  Round("S1");
  Upkeep();
  for (int i = 0; i < 2; ++i) Round("S1");
  EXPECT_TRUE(ProfileAt("S1", late).is_object()) << "a profile numbered below the store's mark";
}

}  // namespace
}  // namespace outpost
