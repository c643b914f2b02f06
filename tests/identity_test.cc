// Identity resolution and the unified view at the hub, fed by three real
// stores' change logs through sealed batches.
#include "hub/identity.h"

#include <gtest/gtest.h>

#include "edge/store.h"
#include "hub/hub.h"
#include "hub/storage/sqlite/identity_store.h"
#include "sync/changelog.h"
#include "sync/envelope.h"
#include "sync/testing.h"
#include "tests/hub_and_stores.h"
#include "tests/store_file.h"

namespace outpost {
namespace {

class IdentityTest : public testing::HubAndStores {
 protected:
  void SetUp() override {
    OpenSites({"S1", "S2", "S3"});
    identity_ = std::make_unique<hub::Identity>(hub_->MakeIdentity());
  }

  // Batches ingested directly (no sync client), as far as each store has been sent.
  void Sync(const std::string& site) {
    auto db = testing::OpenStoreFile(dir_.File(site + ".db"));
    const int64_t from = sent_[site] + 1;
    auto changes = ReadChanges(*db, from, 10'000).value();
    if (changes.empty()) return;
    WireBatch batch{site, schema::EdgeMigrations().back().version, changes};
    auto ack = hub_->Ingest(SealEnvelope(EncodeMessage(batch), keys_.at(site), hub_keys_.pub,
                                         Direction::kStoreToHub, site));
    ASSERT_TRUE(ack.ok()) << ack.status().ToString();
    sent_[site] = changes.back().seq;
  }
  void SyncAll() {
    for (const char* s : {"S1", "S2", "S3"}) Sync(s);
  }
  std::string UnifiedOf(const std::string& record) {
    auto v = identity_->Show(record);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? v->unified_id : "";
  }

  std::map<std::string, int64_t> sent_;
  std::unique_ptr<hub::storage::sqlite::SqliteIdentityStore> store_;
  std::unique_ptr<hub::Identity> identity_;
};

TEST_F(IdentityTest, OnePersonAtThreeStoresIsOneCustomerWithEvidence) {
  const std::string a = Visit("S1", "王伟", "13800138000", {.plate = "京A12345"});
  const std::string b = Visit("S2", "王 伟", "+86 138 0013 8000");  // same phone, same name
  // Same plate, other name.
  const std::string c =
      Visit("S3", "Wang Wei", "13900139000", {.plate = "京A·12345", .time = "11:00"});
  const std::string d = Visit("S3", "李娜", "13700137000", {.member_id = "VIP-7"});
  // Member id: strong.
  const std::string e = Visit("S1", "Li Na", "13600136000", {.member_id = "VIP7", .time = "11:00"});
  SyncAll();
  auto stats = identity_->Resolve(false);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_TRUE(stats->ran);
  EXPECT_EQ(stats->records, 5);
  EXPECT_EQ(stats->unified, 3);  // {a, b}, {c} (plate, names differ: a candidate), {d, e}
  EXPECT_EQ(stats->candidates, 1);
  EXPECT_EQ(UnifiedOf(a), UnifiedOf(b));
  EXPECT_NE(UnifiedOf(a), UnifiedOf(c));
  EXPECT_EQ(UnifiedOf(d), UnifiedOf(e));

  auto view = identity_->Show(a).value();
  ASSERT_EQ(view.records.size(), 2u);
  EXPECT_EQ(view.bookings.size(), 2u);  // one at S1, one at S2
  bool by_phone = false;
  for (const auto& ev : view.evidence) by_phone |= ev.kind == "phone" && ev.links;
  EXPECT_TRUE(by_phone);
  ASSERT_EQ(view.candidates.size(), 1u);
  EXPECT_EQ(view.candidates[0].kind, "plate");

  // Running again with nothing new does nothing; ids are stable.
  const std::string before = UnifiedOf(a);
  EXPECT_FALSE(identity_->Resolve(false)->ran);
  auto again = identity_->Resolve(true).value();
  EXPECT_EQ(again.links_changed, 0);
  EXPECT_EQ(UnifiedOf(a), before);

  // Look-ups by phone in any format, plate, member id.
  EXPECT_EQ(identity_->Find("138-0013-8000").value(), std::vector<std::string>{before});
  EXPECT_EQ(identity_->Find("vip7").value().size(), 1u);

  // By name: the start of a name (a surname, a whole name) through the
  // index; the middle of a name only when no name starts with it.
  EXPECT_EQ(identity_->Find("王").value(), std::vector<std::string>{before});
  EXPECT_EQ(identity_->Find("李娜").value(), std::vector<std::string>{UnifiedOf(d)});
  EXPECT_EQ(identity_->Find("Wang").value(), std::vector<std::string>{UnifiedOf(c)});
  EXPECT_EQ(identity_->Find("Na").value(), std::vector<std::string>{UnifiedOf(e)});  // "Li Na"
  EXPECT_TRUE(identity_->Find("赵").value().empty());
}

TEST_F(IdentityTest, MergeAndUnmergeAreAPersonsDecisionsAndLoseNothing) {
  const std::string a = Visit("S1", "王伟", "13800138000", {.plate = "京A12345"});
  const std::string c = Visit("S2", "Wang Wei", "13900139000", {.plate = "京A12345"});
  SyncAll();
  const std::string ua = UnifiedOf(a), uc = UnifiedOf(c);
  ASSERT_NE(ua, uc);
  ASSERT_TRUE(identity_->Merge(a, c, "HQ Chen", "same person, English name at S2").ok());
  EXPECT_EQ(UnifiedOf(a), UnifiedOf(c));
  const std::string merged = UnifiedOf(a);
  EXPECT_TRUE(merged == ua || merged == uc);
  // The absorbed id still finds the customer.
  EXPECT_EQ(identity_->Show(merged == ua ? uc : ua)->unified_id, merged);
  EXPECT_EQ(identity_->Show(a)->bookings.size(), 2u);

  ASSERT_TRUE(identity_->Unmerge(c, "HQ Chen", "wrong: father and son").ok());
  EXPECT_NE(UnifiedOf(a), UnifiedOf(c));
  EXPECT_EQ(identity_->Show(a)->bookings.size(), 1u);
  EXPECT_EQ(identity_->Show(c)->bookings.size(), 1u);
  // Both decisions stay on record as evidence.
  const hub::UnifiedView of_c = identity_->Show(c).value();
  int decisions = 0;
  for (const auto& ev : of_c.evidence)
    decisions += ev.kind.find("by a person") != std::string::npos;
  EXPECT_EQ(decisions, 2);
  // New evidence does not undo the unmerge: still apart after another visit.
  Visit("S2", "Wang Wei", "13900139000", {.time = "11:00"});
  Sync("S2");
  EXPECT_NE(UnifiedOf(a), UnifiedOf(c));
}

TEST_F(IdentityTest, APossibleDuplicateIsResolvedByAPersonOnceAndForAll) {
  const std::string a = Visit("S1", "王伟", "13800138000", {.plate = "京A12345"});
  const std::string c =
      Visit("S3", "Wang Wei", "13900139000", {.plate = "京A·12345", .time = "11:00"});
  SyncAll();
  auto open = identity_->Candidates().value();
  ASSERT_EQ(open.size(), 1u);
  const std::string ref = hub::Identity::CandidateRef(open[0]);
  EXPECT_EQ(ref.size(), 12u);
  EXPECT_EQ(ref, hub::Identity::CandidateRef({open[0].record_b, open[0].record_a, "", "", false}))
      << "the same pair, the same ref, whichever way round";
  EXPECT_EQ(identity_->CandidateByRef(ref)->record_a, open[0].record_a);
  EXPECT_EQ(identity_->CandidateByRef("D-0000000000").status().code(), StatusCode::kNotFound);

  // Two people: never proposed again, even after a full re-resolution.
  EXPECT_EQ(identity_->KeepApart(a, c, "HQ Li", "").code(), StatusCode::kInvalidInput);
  ASSERT_TRUE(identity_->KeepApart(a, c, "HQ Li", "father and son share the car").ok());
  EXPECT_TRUE(identity_->Candidates()->empty());
  ASSERT_TRUE(identity_->Resolve(true).ok());
  EXPECT_TRUE(identity_->Candidates()->empty());
  EXPECT_NE(UnifiedOf(a), UnifiedOf(c));
  // A later merge by a person still wins over the earlier "apart".
  ASSERT_TRUE(identity_->Merge(a, c, "HQ Li", "same person after all: new evidence").ok());
  EXPECT_EQ(UnifiedOf(a), UnifiedOf(c));
}

TEST_F(IdentityTest, DoNotContactGivenAtOneStoreAppliesEverywhere) {
  const std::string a = Visit("S1", "王伟", "13800138000");
  SyncAll();
  clock_.Advance(60'000);
  edge::CustomerUpdate dnd;
  dnd.do_not_disturb = true;
  ASSERT_TRUE(stores_["S1"]->UpdateCustomer(a, dnd, "SA").ok());
  clock_.Advance(60'000);
  // Later the same person is created at another store with the defaults.
  const std::string b = Visit("S2", "王伟", "13800138000");
  SyncAll();
  auto view = identity_->Show(b).value();
  ASSERT_EQ(view.records.size(), 2u);
  EXPECT_TRUE(view.consent.do_not_disturb);
  EXPECT_FALSE(view.consent.contact_opt_in);
}

TEST_F(IdentityTest, AnOldAllChannelOptInReadsOnEveryChannelUntilANewerStatement) {
  const std::string a = Visit("S1", "王伟", "13800138000");
  const std::string b = Visit("S2", "王伟", "13800138000");
  // An opt-in as a desk before per-channel consent logged it.
  clock_.Advance(60'000);
  ChangeEntry old;
  old.site_id = "S1";
  old.entity = "customer";
  old.entity_id = a;
  old.op = "update";
  old.fields_json = R"({"contact_opt_in":true,"updated_at":"2026-11-23T01:01:00.000Z"})";
  old.staff = "SA Old";
  old.recorded_at = "2026-11-23T01:01:00.000Z";
  old.schema_version = 9;
  ASSERT_TRUE(AppendChange(*testing::OpenStoreFile(dir_.File("S1.db")), old, clock_.NowMs()).ok());
  SyncAll();
  auto view = identity_->Show(b).value();
  for (ContactChannel c : kContactChannels) {
    EXPECT_EQ(view.consent.Of(c).choice, ContactChoice::kOptedIn) << ContactChannelName(c);
    EXPECT_EQ(view.consent.Of(c).site, "S1");
    EXPECT_EQ(view.consent.Of(c).at, "2026-11-23T01:01:00.000Z");  // the stamp's wall clock
  }
  // A newer opt-out of calls at S2: calls only.
  clock_.Advance(60'000);
  edge::CustomerUpdate no_calls;
  no_calls.contact_opt_in = false;
  no_calls.consent_channels = {ContactChannel::kCall};
  ASSERT_TRUE(stores_["S2"]->UpdateCustomer(b, no_calls, "SA Li").ok());
  SyncAll();
  view = identity_->Show(a).value();
  EXPECT_EQ(view.consent.Of(ContactChannel::kCall).choice, ContactChoice::kOptedOut);
  EXPECT_EQ(view.consent.Of(ContactChannel::kCall).staff, "SA Li");
  EXPECT_TRUE(view.consent.MayContact(ContactChannel::kSms));
  EXPECT_FALSE(view.consent.MayContact(ContactChannel::kCall));
}

}  // namespace
}  // namespace outpost
