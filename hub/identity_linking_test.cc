// The pure linking step of identity resolution: records, evidence and rules
// in, clusters, candidates and stable ids out. No database.
#include "hub/identity_linking.h"

#include <gtest/gtest.h>

#include <map>

namespace outpost::hub {
namespace {

LinkRecord Rec(const std::string& id, const std::string& name, std::vector<std::string> phones = {},
               std::optional<std::string> member = {}, const std::string& site = "S1") {
  return {id, site, name, std::move(member), std::move(phones)};
}

LinkVehicle Car(const std::string& id, const std::string& owner, std::optional<std::string> plate,
                std::optional<std::string> vin = {}) {
  return {id, owner, std::move(plate), std::move(vin)};
}

IdentityRule Rule(int64_t id, const std::string& kind, const std::string& a,
                  std::optional<std::string> b = {}) {
  return {id, kind, a, std::move(b), "lin", "checked", "2026-01-01T00:00:00.000Z"};
}

// Applies `plan` to `input` as the store does: ids minted, redirects, links.
void Apply(const LinkPlan& plan, LinkInput& input) {
  for (const auto& row : plan.minted) input.unified.push_back(row);
  for (const auto& [id, target] : plan.redirects) {
    for (auto& row : input.unified) {
      if (row.unified_id == id) row.merged_into = target;
    }
  }
  for (const auto& link : plan.links) input.links[link.record_id] = link.unified_id;
}

// The unified id of each record after applying `plan` to `input`.
std::map<std::string, std::string> Resolve(LinkInput& input) {
  Apply(LinkRecords(input), input);
  return {input.links.begin(), input.links.end()};
}

TEST(IdentityLinkingTest, MemberIdAndVinLinkWhateverTheNames) {
  LinkInput in;
  in.records = {Rec("c1", "Wang Wei", {}, "VIP1"), Rec("c2", "W. Wei", {}, "VIP1", "S2"),
                Rec("c3", "Li Na"), Rec("c4", "Li N.")};
  in.vehicles = {Car("v1", "c3", std::nullopt, "LVSHCAMB1CE054249"),
                 Car("v2", "c4", std::nullopt, "LVSHCAMB1CE054249")};
  auto links = Resolve(in);
  EXPECT_EQ(links["c1"], links["c2"]);
  EXPECT_EQ(links["c3"], links["c4"]);
  EXPECT_NE(links["c1"], links["c3"]);
  LinkPlan again = LinkRecords(in);
  EXPECT_EQ(again.unified, 2);
  EXPECT_EQ(again.across_stores, 1);
}

TEST(IdentityLinkingTest, PhoneOrPlateLinksOnlyWhenNamesAgreeOrOneIsBlank) {
  LinkInput in;
  in.records = {Rec("c1", "Zhang San", {"+8613800000001"}),
                Rec("c2", "zhang san", {"+8613800000001"}, {}, "S2"),
                Rec("c3", "", {"+8613800000002"}),
                Rec("c4", "Zhao Liu", {"+8613800000002"}),
                Rec("c5", "Qian Qi"),
                Rec("c6", "")};
  in.vehicles = {Car("v1", "c5", "京A12345"), Car("v2", "c6", "京A12345")};
  auto links = Resolve(in);
  EXPECT_EQ(links["c1"], links["c2"]);  // SearchKey: case does not matter
  EXPECT_EQ(links["c3"], links["c4"]);  // one blank
  EXPECT_EQ(links["c5"], links["c6"]);  // a plate, one blank
  EXPECT_NE(links["c1"], links["c3"]);
  EXPECT_TRUE(LinkRecords(in).candidates.empty());
}

TEST(IdentityLinkingTest, ANameAloneNeverLinks) {
  LinkInput in;
  in.records = {Rec("c1", "Chen Jie", {"+8613800000001"}),
                Rec("c2", "Chen Jie", {"+8613800000002"})};
  auto links = Resolve(in);
  EXPECT_NE(links["c1"], links["c2"]);
  LinkPlan plan = LinkRecords(in);
  EXPECT_EQ(plan.unified, 2);
  EXPECT_TRUE(plan.candidates.empty());
}

TEST(IdentityLinkingTest, AFamilyPhoneIsACandidateAndKeepApartIsRespected) {
  LinkInput in;
  in.records = {Rec("c1", "Sun Li", {"+8613800000009"}), Rec("c2", "Sun Mei", {"+8613800000009"})};
  auto links = Resolve(in);
  EXPECT_NE(links["c1"], links["c2"]);
  LinkPlan plan = LinkRecords(in);
  ASSERT_EQ(plan.candidates.size(), 1u);
  EXPECT_EQ(plan.candidates[0].key_kind, "phone");
  EXPECT_EQ(plan.candidates[0].key_value, "+8613800000009");
  EXPECT_EQ(std::set<std::string>({plan.candidates[0].record_a, plan.candidates[0].record_b}),
            std::set<std::string>({"c1", "c2"}));

  in.kept_apart.emplace("c1", "c2");
  plan = LinkRecords(in);
  EXPECT_TRUE(plan.candidates.empty());
  EXPECT_TRUE(plan.links.empty());
}

TEST(IdentityLinkingTest, ASharedNumberOfAFleetSaysNothing) {
  LinkInput in;
  for (size_t i = 0; i <= kMaxWeakGroup; ++i) {
    in.records.push_back(Rec("c" + std::to_string(100 + i), i % 2 ? "Fleet" : "", {"+8610000000"}));
  }
  LinkPlan plan = LinkRecords(in);
  EXPECT_EQ(plan.unified, static_cast<int64_t>(kMaxWeakGroup + 1));
  EXPECT_TRUE(plan.candidates.empty());
}

TEST(IdentityLinkingTest, APersonMergesAndUnmerges) {
  LinkInput in;
  in.records = {Rec("c1", "Zhou Yu", {"+8613800000003"}), Rec("c2", "Zhou Y.", {"+8613800000004"}),
                Rec("c3", "Wu Di", {}, "VIP9"), Rec("c4", "Wu Di", {}, "VIP9")};
  auto before = Resolve(in);
  EXPECT_NE(before["c1"], before["c2"]);

  in.rules.push_back(Rule(1, "merge", "c1", "c2"));
  auto merged = Resolve(in);
  EXPECT_EQ(merged["c1"], merged["c2"]);

  // An unmerge keeps c4 out of automatic links and undoes nothing else.
  in.rules.push_back(Rule(2, "split", "c4"));
  auto split = Resolve(in);
  EXPECT_NE(split["c3"], split["c4"]);
  EXPECT_EQ(split["c1"], split["c2"]);

  // An unmerge of a merged record undoes its merges; a later merge lifts it.
  in.rules.push_back(Rule(3, "split", "c2"));
  auto unmerged = Resolve(in);
  EXPECT_NE(unmerged["c1"], unmerged["c2"]);
  in.rules.push_back(Rule(4, "merge", "c4", "c3"));
  auto remerged = Resolve(in);
  EXPECT_EQ(remerged["c3"], remerged["c4"]);
}

TEST(IdentityLinkingTest, TheOlderIdWinsAndTheOtherRedirects) {
  LinkInput in;
  in.now = "2026-01-01T00:00:00.000Z";
  in.records = {Rec("c1", "Ma Li", {}, "VIP5"), Rec("c2", "Ma Li", {}, "VIP6")};
  auto first = Resolve(in);
  const std::string u1 = first["c1"], u2 = first["c2"];
  ASSERT_NE(u1, u2);
  EXPECT_EQ(u1, MintUnifiedId("c1"));
  EXPECT_EQ(u1.size(), 17u);

  // c2's id made first: when the two join it is kept, whatever the record order.
  for (auto& row : in.unified) {
    if (row.unified_id == u1) row.created_at = "2026-02-01T00:00:00.000Z";
  }
  in.now = "2026-03-01T00:00:00.000Z";
  in.records[0].member_id = "VIP6";
  LinkPlan plan = LinkRecords(in);
  EXPECT_TRUE(plan.minted.empty());
  ASSERT_EQ(plan.redirects.size(), 1u);
  EXPECT_EQ(plan.redirects[0].first, u1);
  EXPECT_EQ(plan.redirects[0].second, u2);
  ASSERT_EQ(plan.links.size(), 1u);
  EXPECT_EQ(plan.links[0].record_id, "c1");
  EXPECT_EQ(plan.links[0].unified_id, u2);
  EXPECT_EQ(plan.dirty, std::set<std::string>({u1, u2}));

  // Split again: c1 takes its own id back, live once more.
  Apply(plan, in);
  in.records[0].member_id = "VIP5";
  plan = LinkRecords(in);
  ASSERT_EQ(plan.redirects.size(), 1u);
  EXPECT_EQ(plan.redirects[0].first, u1);
  EXPECT_EQ(plan.redirects[0].second, std::nullopt);
  Apply(plan, in);
  EXPECT_EQ(in.links["c1"], u1);
  EXPECT_EQ(in.links["c2"], u2);
}

TEST(IdentityLinkingTest, RunningTwiceChangesNothingWhateverTheInputOrder) {
  LinkInput in;
  in.now = "2026-01-01T00:00:00.000Z";
  in.records = {Rec("c5", "Zheng He", {"+8613800000007"}), Rec("c1", "He Jing", {"+8613800000007"}),
                Rec("c3", "", {"+8613800000008"}), Rec("c2", "Lu Xun", {"+8613800000008"}),
                Rec("c4", "Lu Xun", {}, "VIP2", "S3")};
  in.vehicles = {Car("v2", "c4", "沪B00001"), Car("v1", "c2", "沪B00001")};
  in.rules = {Rule(2, "merge", "c5", "c4"), Rule(1, "split", "c3")};
  LinkPlan first = LinkRecords(in);
  EXPECT_FALSE(first.minted.empty());
  EXPECT_FALSE(first.links.empty());

  LinkInput reordered = in;
  std::reverse(reordered.records.begin(), reordered.records.end());
  std::reverse(reordered.vehicles.begin(), reordered.vehicles.end());
  std::reverse(reordered.rules.begin(), reordered.rules.end());
  LinkPlan same = LinkRecords(reordered);
  EXPECT_EQ(same.minted.size(), first.minted.size());
  EXPECT_EQ(same.keys, first.keys);
  EXPECT_EQ(same.dirty, first.dirty);
  for (size_t i = 0; i < first.links.size() && i < same.links.size(); ++i) {
    EXPECT_EQ(same.links[i].record_id, first.links[i].record_id);
    EXPECT_EQ(same.links[i].unified_id, first.links[i].unified_id);
  }

  Apply(first, in);
  LinkPlan again = LinkRecords(in);
  EXPECT_TRUE(again.minted.empty());
  EXPECT_TRUE(again.redirects.empty());
  EXPECT_TRUE(again.links.empty());
  EXPECT_TRUE(again.dirty.empty());
  EXPECT_EQ(again.keys, first.keys);
  EXPECT_EQ(again.unified, first.unified);
}

}  // namespace
}  // namespace outpost::hub
