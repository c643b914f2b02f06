// The hub's read layer (hub/queries/) against a real hub database: real
// stores, their real sync steps and sealed envelopes (tests/hub_and_stores.h).
#include <gtest/gtest.h>

#include "hub/queries/audit_subjects.h"
#include "hub/queries/board.h"
#include "hub/queries/cases.h"
#include "hub/queries/customers.h"
#include "hub/queries/recovery.h"
#include "hub/queries/requests.h"
#include "hub/queries/stores.h"
#include "tests/hub_and_stores.h"

namespace outpost {
namespace {

using hub::queries::HubReader;

class HubQueriesTest : public testing::HubAndStores {
 protected:
  void SyncAll() {
    for (int i = 0; i < 3; ++i) {
      for (const auto& [site, client] : clients_) Round(site);
    }
  }
  HubReader Reader() { return HubReader(*hub_); }
};

TEST_F(HubQueriesTest, StoresAreOnlineOfflineOrDeniedWithTheirLogAndRequests) {
  OpenSites({"S1", "S2"});
  Visit("S1", "Wang Wei", "13800138000");
  for (int i = 0; i < 3; ++i) Round("S1");  // S2 never calls
  auto stores = hub::queries::ListStores(Reader()).value();
  ASSERT_EQ(stores.size(), 2u);
  EXPECT_EQ(stores[0].site_id, "S1");
  EXPECT_EQ(stores[0].reachability, hub::queries::StoreReachability::kOnline);
  EXPECT_GT(stores[0].last_seq, 0);
  EXPECT_EQ(stores[0].pending(), 0);
  EXPECT_EQ(stores[0].last_hash.size(), 64u);
  EXPECT_EQ(stores[1].reachability, hub::queries::StoreReachability::kOffline);
  EXPECT_EQ(stores[1].last_contact, std::nullopt);

  clock_.Advance(hub::kOnlineWindowMs + 1);  // S1 falls silent
  ASSERT_TRUE(hub_->DenyStore("S2", "HQ Chen", "laptop stolen").ok());
  stores = hub::queries::ListStores(Reader()).value();
  EXPECT_EQ(stores[0].reachability, hub::queries::StoreReachability::kOffline);
  EXPECT_STREQ(hub::queries::ReachabilityName(stores[1].reachability), "denied");
  EXPECT_EQ(stores[1].denied_by, "HQ Chen");
  EXPECT_EQ(stores[1].denied_reason, "laptop stolen");
}

TEST_F(HubQueriesTest, RequestsSayWhatTheStoreMadeOfThemAndTheBoardShowsTheDay) {
  OpenSites({"S1"});
  for (int i = 0; i < 3; ++i) Round("S1");  // the store's calendar reaches the hub
  const nlohmann::json asked = {
      {"phone", "13800138000"}, {"name", "Li Na"}, {"date", "2026-11-24"}, {"slot", "11:00"}};
  ASSERT_TRUE(hub_->QueueBooking("S1", asked, "CC Li").ok());
  auto waiting = hub::queries::ListRequests(Reader(), "S1").value();
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].state, "waiting");
  EXPECT_EQ(waiting[0].kind, "book");
  for (int i = 0; i < 3; ++i) Round("S1");
  auto answered = hub::queries::ListRequests(Reader(), "S1").value();
  EXPECT_EQ(answered[0].state, "booked");
  EXPECT_EQ(answered[0].outcome.rfind("booking ", 0), 0u) << answered[0].outcome;
  EXPECT_TRUE(hub::queries::ListRequests(Reader(), "S9").value().empty());

  auto board = hub::queries::ReadBoard(Reader(), "S1", "2026-11-24").value();
  EXPECT_EQ(board.date, "2026-11-24");
  EXPECT_TRUE(board.as_of.has_value());
  int taken = 0;
  for (const auto& slot : board.slots) {
    taken += slot.taken;
    for (const auto& b : slot.bookings) {
      EXPECT_EQ(slot.time, "11:00");
      EXPECT_EQ(b.customer, "Li Na");
      EXPECT_EQ(b.channel, "call-centre");
    }
  }
  EXPECT_EQ(taken, 1);
  EXPECT_EQ(hub::queries::ReadBoard(Reader(), "S9", "2026-11-24").status().code(),
            StatusCode::kNotFound);
}

TEST_F(HubQueriesTest, CasesAreListedFoundByRefAndCarryWhomToCall) {
  OpenSites({"S1"});
  OverfillSlot("S1");
  SyncAll();
  auto open = hub::queries::ListCases(Reader(), "", /*include_resolved=*/false).value();
  ASSERT_EQ(open.size(), 1u);
  const hub::queries::HubCase& c = open[0];
  EXPECT_EQ(c.store_id, "S1");
  EXPECT_EQ(c.status, "open");
  EXPECT_FALSE(c.contacts.empty());
  EXPECT_EQ(c.fields["ref"], c.ref);  // the synced record whole, with its store
  EXPECT_EQ(c.fields["store_id"], "S1");
  EXPECT_EQ(hub::queries::FindCases(Reader(), c.ref, "S1").value().size(), 1u);
  EXPECT_EQ(hub::queries::FindCases(Reader(), c.id, "").value().at(0).ref, c.ref);
  EXPECT_EQ(hub::queries::FindCases(Reader(), c.ref, "S2").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(hub::queries::ListCases(Reader(), "S2", true).value().empty());
}

TEST_F(HubQueriesTest, CustomersAreFoundAcrossStoresAndPossibleDuplicatesListed) {
  OpenSites({"S1", "S2"});
  const std::string record = Visit("S1", "Wang Wei", "13800138000");
  Visit("S2", "Wang Wei", "13800138000");
  Visit("S1", "Li Na", "13900139000", {.time = "11:00"});
  Visit("S2", "Zhao Lei", "13900139000", {.time = "11:00"});
  SyncAll();
  auto found = hub::queries::FindCustomers(Reader(), "13800138000").value();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].records.size(), 2u);
  auto shown = hub::queries::ShowCustomer(Reader(), record).value();
  EXPECT_EQ(shown.unified_id, found[0].unified_id);
  EXPECT_FALSE(shown.evidence.empty());
  auto duplicates = hub::queries::ListPossibleDuplicates(Reader()).value();
  ASSERT_EQ(duplicates.size(), 1u);
  EXPECT_EQ(duplicates[0].ref.rfind("D-", 0), 0u);
  EXPECT_EQ(duplicates[0].evidence.kind, "phone");
}

TEST_F(HubQueriesTest, TheRecoveryReadingsComeFromAHubDatabaseOpenedWithoutItsKeys) {
  OpenSites({"S1", "S2"});
  OverfillSlot("S1");
  for (int i = 0; i < 3; ++i) Round("S1");
  clock_.Advance(hub::kOnlineWindowMs + 1);
  for (int i = 0; i < 3; ++i) Round("S2");  // S1 is silent from here, S2 first calls
  auto copy = hub::storage::OpenHubStorage(HubDb(), {.migrate = false}).value();
  auto stores = hub::queries::ReadRecovery(HubReader(*copy, clock_), "2026-11-01").value();
  ASSERT_EQ(stores.size(), 2u);
  const auto& s1 = stores[0];
  EXPECT_EQ(s1.site, "S1");
  EXPECT_FALSE(s1.online);
  ASSERT_FALSE(s1.offline_windows.empty());
  EXPECT_EQ(s1.offline_windows.back().to, std::nullopt);  // still offline
  EXPECT_EQ(s1.conflicts_opened, 1);
  EXPECT_EQ(s1.conflicts_resolved, 0);
  ASSERT_EQ(s1.open_cases.size(), 1u);
  EXPECT_FALSE(s1.open_cases[0].contacts.empty());
  EXPECT_TRUE(s1.paper_imports.empty());
  EXPECT_TRUE(s1.requests_not_taken.empty());
  EXPECT_TRUE(stores[1].online);
  EXPECT_TRUE(stores[1].offline_windows.empty());
}

TEST_F(HubQueriesTest, AuditSubjectsAreBookingsByRefAndEveryLinkedRecordOfACustomer) {
  OpenSites({"S1", "S2"});
  const std::string at_s1 = Visit("S1", "Wang Wei", "13800138000");
  const std::string at_s2 = Visit("S2", "Wang Wei", "13800138000");
  SyncAll();
  const std::string ref = stores_["S1"]->CustomerBookings(at_s1).value().at(0).ref;
  auto both = hub::queries::FindBookings(Reader(), ref, "").value();
  EXPECT_EQ(both.size(), 2u);  // refs are counted per store
  auto one = hub::queries::FindBookings(Reader(), ref, "S2").value();
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].store_id, "S2");
  EXPECT_EQ(hub::queries::FindBookings(Reader(), one[0].id.substr(0, 13), "").value().size(), 1u);
  const std::vector<std::string> linked = {std::min(at_s1, at_s2), std::max(at_s1, at_s2)};
  EXPECT_EQ(hub::queries::CustomerRecords(Reader(), "13800138000").value(), linked);
  ASSERT_TRUE(hub_->MakeIdentity().Resolve(false).ok());  // links follow resolution
  EXPECT_EQ(hub::queries::CustomerRecords(Reader(), at_s1).value(), linked);
  EXPECT_TRUE(hub::queries::CustomerRecords(Reader(), "13700000000").value().empty());
}

}  // namespace
}  // namespace outpost
