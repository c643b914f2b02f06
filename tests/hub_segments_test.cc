// Customer segments at head office (issue 17 item 6, docs/FOLLOWUP.md
// "Segments") over real stores' synced logs, through the real outpost-hub
// command line: one person's completed visits at two stores combine into one
// unified customer's RFM, tiers and lifecycle; the thresholds are a hub
// setting, refused naming the field when bad; the segment reaches the stores
// inside the unified profiles and the waitlist takes its value tier.
#include <gtest/gtest.h>

#include <fstream>

#include "edge/profiles.h"
#include "edge/waitlist.h"
#include "tests/hub_cli_fixture.h"

namespace outpost {
namespace {

using nlohmann::json;
using testing::CliResult;

using testing::kHubCliNow;

class HubSegmentsTest : public testing::HubCliAndStores {
 protected:
  std::string Visit(const std::string& site, const std::string& name, const std::string& phone,
                    const std::string& date, std::optional<int64_t> fen) {
    edge::BookingRequest r;
    r.customer = phone;
    edge::NewCustomer c{name, {phone}};
    c.allow_shared_phone = true;
    r.create_customer = c;
    return CompletedVisit(site, r, date, fen);
  }

  // Wang: S1 in May (680.50 yuan), S2 in August (1,200) and November (500).
  // Li: one visit at S1 in May, no amount recorded.
  void Visits() {
    wang_s1_ = Visit("S1", "Wang Wei", "13800138000", "2026-05-06", 68050);
    wang_s2_ = Visit("S2", "Wang Wei", "13800138000", "2026-08-05", 120000);
    Visit("S2", "Wang Wei", "13800138000", "2026-11-20", 50000);
    li_ = Visit("S1", "Li Na", "13900139000", "2026-05-20", std::nullopt);
    At(kHubCliNow);
    Round("S1");
    Round("S2");
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = dir_.File(name);
    std::ofstream(path) << text;
    return path;
  }

  std::string wang_s1_, wang_s2_, li_;
};

// The two stores' visits are one customer's: 3 visits, 2,380.50 yuan, last
// 3 days ago (head office's today is 2026-11-23).
TEST_F(HubSegmentsTest, VisitsAtTwoStoresCombineForOneUnifiedCustomer) {
  Visits();
  const json wang = CliJson({"segments", "show", "--customer", wang_s1_});
  ASSERT_TRUE(wang["segment"].get<bool>()) << wang.dump();
  EXPECT_EQ(wang["as_of"], "2026-11-23");
  EXPECT_EQ(wang["records"].size(), 2u);
  EXPECT_EQ(wang["rfm"]["recency_days"], 3);
  EXPECT_EQ(wang["rfm"]["frequency"], 3);
  EXPECT_EQ(wang["rfm"]["monetary_fen"], 238050);
  EXPECT_EQ(wang["rfm"]["recency_score"], 5);
  EXPECT_EQ(wang["rfm"]["frequency_score"], 2);  // 2 <= 3 < 4
  EXPECT_EQ(wang["rfm"]["monetary_score"], 3);   // 2,000 <= 2,380 < 5,000
  EXPECT_EQ(wang["frequency_tier"], "low");      // fewer than 4 a year
  EXPECT_EQ(wang["value_tier"], "regular");
  EXPECT_EQ(wang["lifecycle"], "growing");  // 2 in the recent half, 1 in the earlier
  EXPECT_EQ(wang["first_visit"], "2026-05-06");
  // The other store's record names the same customer.
  EXPECT_EQ(CliJson({"segments", "show", "--customer", wang_s2_})["unified_id"],
            wang["unified_id"]);

  const json li = CliJson({"segments", "show", "--customer", li_});
  EXPECT_EQ(li["value_tier"], "new");
  EXPECT_EQ(li["rfm"]["monetary_fen"], 0);

  const json all = CliJson({"segments", "list"});
  EXPECT_EQ(all["customers"], 2);
  const json regular = CliJson({"segments", "list", "--tier", "regular"});
  ASSERT_EQ(regular["segments"].size(), 1u);
  EXPECT_EQ(regular["segments"][0]["unified_id"], wang["unified_id"]);
  EXPECT_EQ(CliJson({"segments", "list", "--stage", "lost"})["segments"].size(), 0u);
  CliResult text = Cli({"segments", "show", "--customer", wang_s1_});
  EXPECT_NE(text.out.find("价值等级/value tier: regular"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("消费/spent 2380.50 元/yuan"), std::string::npos) << text.out;
  // The service-due list shows each person's value tier (VIPs first within a date).
  const json due = CliJson({"campaigns", "due", "--date", "2027-05-10"});
  bool listed = false;
  for (const json& inv : due["due"]) {
    if (inv["unified_id"] != wang["unified_id"]) continue;
    listed = true;
    EXPECT_EQ(inv["value_tier"], "regular");  // 2 visits, 1,700 yuan in the year to 2027-05-10
  }
  EXPECT_TRUE(listed) << due.dump();
  CliResult bad_tier = Cli({"segments", "list", "--tier", "gold"});
  EXPECT_NE(bad_tier.exit_code, 0);
  EXPECT_NE(bad_tier.err.find("tier: 'gold' is not one of vip, regular, new"), std::string::npos)
      << bad_tier.err;
}

TEST_F(HubSegmentsTest, BadRulesAreRefusedNamingTheFieldAndNothingIsWritten) {
  const std::string bad = WriteFile("bad.json", R"({"mid_min_visits": 12})");
  CliResult refused = Cli({"segments", "rules", "set", "--file", bad, "--staff", "HQ"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("mid_min_visits: 12 must be below high_min_visits (12)"),
            std::string::npos)
      << refused.err;
  const std::string typo = WriteFile("typo.json", R"({"lost_afer_days": 400})");
  refused = Cli({"segments", "rules", "set", "--file", typo, "--staff", "HQ"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("lost_afer_days: is not a segment threshold"), std::string::npos)
      << refused.err;
  EXPECT_EQ(CliJson({"segments", "rules", "show"})["source"], "default");

  const std::string good = WriteFile("good.json", R"({"mid_min_visits": 3})");
  CliResult set = Cli({"segments", "rules", "set", "--file", good, "--staff", "HQ"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  const json shown = CliJson({"segments", "rules", "show"});
  EXPECT_EQ(shown["mid_min_visits"], 3);
  EXPECT_EQ(shown["high_min_visits"], 12);
  EXPECT_EQ(shown["source"]["set_by"], "HQ");
  Visits();
  EXPECT_EQ(CliJson({"segments", "show", "--customer", wang_s1_})["frequency_tier"], "mid");
}

// Two people due for a service on the same day: the VIP is listed first
// whatever their unified ids (the invitation key breaks ties after the tier).
TEST_F(HubSegmentsTest, TheServiceDueListPutsVipsFirstWithinADueDate) {
  Visit("S1", "Li Na", "13900139000", "2026-05-20", std::nullopt);  // one visit: new
  Visit("S2", "Zhou Xun", "13500135000", "2026-05-20", 1200000);    // 12,000 yuan: vip
  At(kHubCliNow);
  Round("S1");
  Round("S2");
  const json due = CliJson({"campaigns", "due", "--date", "2026-11-23"});
  std::vector<std::string> tiers;
  for (const json& inv : due["due"]) {
    if (inv["due_date"] == "2026-11-20") tiers.push_back(inv["value_tier"]);
  }
  EXPECT_EQ(tiers, (std::vector<std::string>{"vip", "new"})) << due.dump();
  CliResult text = Cli({"campaigns", "due", "--date", "2026-11-23"});
  EXPECT_NE(text.out.find("Zhou Xun [vip]"), std::string::npos) << text.out;
}

// The segment travels in the profiles; the waitlist takes its value tier.
TEST_F(HubSegmentsTest, TheProfileCarriesTheSegmentAndTheWaitlistTakesTheTier) {
  const std::string rules = WriteFile("vip.json", R"({"vip_min_yuan": 2000})");
  ASSERT_EQ(Cli({"segments", "rules", "set", "--file", rules, "--staff", "HQ"}).exit_code, 0);
  Visits();
  ASSERT_TRUE(hub_->MakeIdentity().Resolve(false).ok());  // as serve's upkeep does
  ASSERT_TRUE(hub_->RefreshProfiles().ok());
  Round("S1");
  auto held = stores_["S1"]->CustomerProfile(wang_s1_);
  ASSERT_TRUE(held.ok() && held.value()) << held.status().ToString();
  ASSERT_TRUE(held.value()->profile.segment);
  const model::ProfileSegment& seg = *held.value()->profile.segment;
  EXPECT_EQ(seg.value_tier, "vip");
  EXPECT_EQ(seg.frequency_tier, "low");
  EXPECT_EQ(seg.lifecycle, "growing");
  EXPECT_EQ(seg.recency_score, 5);
  EXPECT_EQ(seg.monetary_score, 3);

  edge::WaitlistRequest wait;
  wait.customer = wang_s1_;
  wait.date_from = "tomorrow";
  wait.date_to = "+2";
  wait.staff = "SA";
  auto entry = stores_["S1"]->AddToWaitlist(wait);
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_EQ(entry->tier, "vip");
  EXPECT_EQ(entry->tier_from, "segment");
  // Li's profile says "new"; staff's word wins over it.
  wait.customer = li_;
  wait.tier = "regular";
  entry = stores_["S1"]->AddToWaitlist(wait);
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_EQ(entry->tier, "regular");
  EXPECT_EQ(entry->tier_from, "given");
}

}  // namespace
}  // namespace outpost
