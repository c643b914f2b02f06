// The contract every hub storage backend keeps (hub/storage/hub_storage.h),
// run against each backend through the one door the hub opens them by
// (storage::OpenHubStorage): a backend is a way to make a fresh location.
// SQLite's is a file in a temporary folder; PostgreSQL's a fresh database of
// the test run's cluster (tests/pg/pg_cluster.h; OUTPOST_TEST_PG_URL, set by
// ctest's pg_cluster fixture), and the suite runs unchanged on it.
//
// What is stated here is what Hub relies on: an ingest's unit of work lands
// whole or not at all; cursors move as told; a change held once is held once
// (what a replay or an equivocation is compared with) and read back as
// audit asks; merged entities persist as written; the hub's log chains and is signed; the outbox
// numbers per store and is read in order; the security log keeps its order; the allow-list refuses
// a denied key for good; nothing is signed without the hub's keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hub/storage/hub_storage.h"
#include "sync/changelog.h"
#include "sync/hub_log.h"
#include "sync/keys.h"
#include "sync/model/booking.h"
#include "sync/model/customer.h"
#include "sync/testing.h"
#include "tests/pg/pg_cluster.h"

namespace outpost {
namespace {

using hub::storage::BatchToArchive;
using hub::storage::EntityFields;
using hub::storage::EntityRow;
using hub::storage::HubStorage;
using hub::storage::IngestUnit;
using hub::storage::KeyDenial;
using hub::storage::OpenHubStorage;
using hub::storage::OpenOptions;
using hub::storage::SecurityEvent;
using hub::storage::StoreCursor;

struct Backend {
  std::string name;
  // A location where no hub is yet, for a test's whole run in `dir`.
  std::function<std::string(const testing::TempDir& dir)> fresh_location;
  // Locations that hold no hub and that opening must not make one in.
  std::function<std::vector<std::string>(const testing::TempDir& dir)> no_hub_locations;
};

// A fresh, empty database of the test run's PostgreSQL cluster (tests/pg/),
// named after the running test.
std::string FreshPgLocation() {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  Result<std::string> url = testing::FreshPgDatabase(test ? test->name() : "conformance");
  if (!url.ok()) {
    ADD_FAILURE() << url.status().ToString();
    return "postgresql:///no_test_cluster";
  }
  return *url;
}

const Backend kBackends[] = {
    {"SQLite", [](const testing::TempDir& dir) { return dir.File("hub.db"); },
     [](const testing::TempDir& dir) {
       return std::vector<std::string>{dir.File("hub.db.missing")};
     }},
    {"PostgreSQL", [](const testing::TempDir&) { return FreshPgLocation(); },
     [](const testing::TempDir&) {
       // An empty database (no hub schema) and a database the server lacks.
       return std::vector<std::string>{
           FreshPgLocation(),
           testing::PgDatabaseUrl(testing::TestPgAdminUrl(), "no_such_outpost_hub")};
     }},
};

class HubStorageConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    location_ = GetParam().fresh_location(dir_);
    auto opened = OpenHubStorage(location_, {.create = true, .signer = &hub_keys_});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    storage_ = std::move(opened.value());
  }

  // Another handle on the same hub, as a second process (or the tools) opens it.
  std::unique_ptr<HubStorage> OpenAgain(const SecretKeys* signer) {
    auto opened = OpenHubStorage(location_, {.signer = signer});
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened.value()) : nullptr;
  }

  void Allow(const SecretKeys& store) {
    auto denied = storage_->keys().AllowKey(store.pub, "2026-11-23T01:00:00.000Z");
    ASSERT_TRUE(denied.ok()) << denied.status().ToString();
    ASSERT_FALSE(denied->has_value());
  }

  // `site`'s change `seq`, chained to `prev`.
  static ChangeEntry Change(const std::string& site, int64_t seq, const Hash256& prev,
                            const std::string& entity_id, const std::string& fields) {
    ChangeEntry c;
    c.seq = seq;
    c.site_id = site;
    c.hlc = static_cast<Hlc>(1000 + seq);
    c.entity = "booking";
    c.entity_id = entity_id;
    c.op = seq == 1 ? "insert" : "update";
    c.fields_json = fields;
    c.staff = "SA";
    c.recorded_at = "2026-11-23T01:00:0" + std::to_string(seq % 10) + ".000Z";
    c.schema_version = 2;
    c.prev_hash = prev;
    c.hash = ChainHash(c);
    return c;
  }

  // Writes one batch of `changes` the way Hub applies it, committing or not;
  // with `ahead` false, without reading the cursor and Prefetch first (every
  // row then written and read at once, on either backend).
  Status ApplyBatch(const std::vector<ChangeEntry>& changes, bool commit,
                    const std::string& envelope = "sealed envelope bytes", bool ahead = true) {
    const std::string& site = changes.front().site_id;
    ASSIGN_OR_RETURN(std::unique_ptr<IngestUnit> unit, storage_->BeginIngest());
    if (ahead) {
      RETURN_IF_ERROR(unit->ReadCursor(site).status());
      RETURN_IF_ERROR(unit->Prefetch(changes));
    }
    for (const auto& c : changes) {
      RETURN_IF_ERROR(unit->StoreChange(c));
      ASSIGN_OR_RETURN(bool fresh, unit->InsertEntity({c.entity, c.entity_id, site, c.fields_json,
                                                       "{}", c.hlc, c.hlc}));
      if (!fresh) {
        RETURN_IF_ERROR(unit->WriteMergedEntity(
            {c.entity, c.entity_id, site, c.fields_json, "{\"status\":1}", c.hlc, 0}));
      }
    }
    RETURN_IF_ERROR(
        unit->ArchiveBatch({site, changes.front().seq, changes.back().seq,
                            "2026-11-23T01:00:00.000Z", envelope, EnvelopeHash(envelope)})
            .status());
    RETURN_IF_ERROR(unit->MoveCursor(site, changes.back().seq, changes.back().hash,
                                     "2026-11-23T01:00:00.000Z"));
    RETURN_IF_ERROR(unit->NoteBatchContact(site, "2026-11-23T01:00:00.000Z", 0));
    return commit ? unit->Commit() : Status::Ok();
  }

  StoreCursor CursorOf(const std::string& site) {
    auto cursor = storage_->cursors().Read(site);
    EXPECT_TRUE(cursor.ok() && cursor->has_value()) << site;
    return cursor.ok() && cursor->has_value() ? **cursor : StoreCursor{};
  }

  std::vector<EntityFields> Entities() {
    std::vector<EntityFields> out;
    EXPECT_TRUE(storage_->reads()
                    .ForEachEntity([&](const EntityFields& e) {
                      out.push_back(e);
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  testing::TempDir dir_;
  std::string location_;
  SecretKeys hub_keys_ = SecretKeys::Generate("HUB");
  SecretKeys s1_ = SecretKeys::Generate("S1");
  SecretKeys s2_ = SecretKeys::Generate("S2");
  std::unique_ptr<HubStorage> storage_;
};

TEST_P(HubStorageConformance, CreatesOnlyWhereNoHubIsAndOpensOnlyAnExistingOne) {
  EXPECT_EQ(OpenHubStorage(location_, {.create = true, .signer = &hub_keys_}).status().code(),
            StatusCode::kConflict);
  for (const std::string& elsewhere : GetParam().no_hub_locations(dir_)) {
    EXPECT_EQ(OpenHubStorage(elsewhere, {}).status().code(), StatusCode::kNotFound) << elsewhere;
    // ... and opening it did not make one.
    EXPECT_EQ(OpenHubStorage(elsewhere, {}).status().code(), StatusCode::kNotFound) << elsewhere;
  }
  EXPECT_GT(storage_->SchemaVersion().value(), 0);
}

TEST_P(HubStorageConformance, AllowsStoresAndRefusesADeniedKeyForGood) {
  Allow(s2_);
  Allow(s1_);
  EXPECT_EQ(storage_->keys().AllowedSites().value(), (std::vector<std::string>{"S1", "S2"}));
  PublicKeys keys = storage_->keys().StoreKeys("S1").value();
  EXPECT_EQ(keys.sign_pk, s1_.pub.sign_pk);
  EXPECT_EQ(keys.kx_pk, s1_.pub.kx_pk);
  EXPECT_EQ(storage_->keys().StoreKeys("S9").status().code(), StatusCode::kNotFound);
  const StoreCursor fresh = CursorOf("S1");  // a new store's cursor, at the start
  EXPECT_EQ(fresh.last_seq, 0);
  EXPECT_EQ(fresh.last_hash, Hash256{});

  EXPECT_FALSE(storage_->keys().LiveKeyDenial("S1").value().has_value());
  auto denied = storage_->keys().DenyLiveKey("S1", "2026-11-23T02:00:00.000Z", "HQ Chen", "stolen");
  ASSERT_TRUE(denied.ok()) << denied.status().ToString();
  EXPECT_FALSE(denied->has_value());
  const KeyDenial denial = storage_->keys().LiveKeyDenial("S1").value().value();
  EXPECT_EQ(denial.key_id, s1_.pub.KeyId());
  EXPECT_EQ(denial.denied_at, "2026-11-23T02:00:00.000Z");
  EXPECT_EQ(denial.denied_by, "HQ Chen");
  EXPECT_EQ(denial.reason, "stolen");
  EXPECT_FALSE(storage_->keys().LiveKeyDenial("S2").value().has_value());

  // Denied again: the first denial stands and is returned.
  auto again = storage_->keys().DenyLiveKey("S1", "2026-11-23T03:00:00.000Z", "HQ Li", "again");
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->denied_by, "HQ Chen");
  EXPECT_EQ(storage_->keys().LiveKeyDenial("S1").value()->denied_at, "2026-11-23T02:00:00.000Z");
  // The denied key never comes back.
  auto readmit = storage_->keys().AllowKey(s1_.pub, "2026-11-23T04:00:00.000Z");
  ASSERT_TRUE(readmit.ok() && readmit->has_value());
  EXPECT_EQ((*readmit)->denied_by, "HQ Chen");
  EXPECT_TRUE(storage_->keys().LiveKeyDenial("S1").value().has_value());
  EXPECT_EQ(storage_->keys().DenyLiveKey("S9", "now", "x", "y").status().code(),
            StatusCode::kNotFound);

  // A new key readmits the store; its cursor stays where it was.
  ASSERT_TRUE(
      ApplyBatch({Change("S1", 1, Hash256{}, "b1", R"({"status":"requested"})")}, true).ok());
  SecretKeys rotated = SecretKeys::Generate("S1");
  Allow(rotated);
  EXPECT_FALSE(storage_->keys().LiveKeyDenial("S1").value().has_value());
  EXPECT_EQ(storage_->keys().StoreKeys("S1").value().sign_pk, rotated.pub.sign_pk);
  EXPECT_EQ(CursorOf("S1").last_seq, 1);
}

TEST_P(HubStorageConformance, AnIngestUnitLandsWholeOnCommitAndNotAtAllWithout) {
  Allow(s1_);
  const ChangeEntry c1 = Change("S1", 1, Hash256{}, "b1", R"({"status":"requested"})");
  const ChangeEntry c2 = Change("S1", 2, c1.hash, "b1", R"({"status":"confirmed"})");

  ASSERT_TRUE(ApplyBatch({c1, c2}, /*commit=*/false).ok());
  EXPECT_EQ(CursorOf("S1").last_seq, 0);
  EXPECT_TRUE(storage_->reads().Changes("S1", 1, 10).value().empty());
  EXPECT_TRUE(Entities().empty());
  EXPECT_FALSE(storage_->reads().NewestHead().value().has_value());
  EXPECT_TRUE(storage_->reads().HubLog(0, 10).value().empty());

  ASSERT_TRUE(ApplyBatch({c1, c2}, /*commit=*/true).ok());
  const StoreCursor cursor = CursorOf("S1");
  EXPECT_EQ(cursor.last_seq, 2);
  EXPECT_EQ(cursor.last_hash, c2.hash);
  EXPECT_EQ(cursor.last_batch_at, "2026-11-23T01:00:00.000Z");
  EXPECT_EQ(cursor.last_contact, "2026-11-23T01:00:00.000Z");
  const std::vector<ChangeEntry> held = storage_->reads().Changes("S1", 1, 10).value();
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].hash, c1.hash);
  EXPECT_EQ(held[1].hash, c2.hash);
  EXPECT_EQ(held[1].fields_json, c2.fields_json);
  EXPECT_EQ(held[1].recorded_at, c2.recorded_at);
  EXPECT_EQ(ChainHash(held[1]), c2.hash);  // kept exactly as the store wrote it
  ASSERT_EQ(Entities().size(), 1u);
  EXPECT_EQ(Entities()[0].fields_json, c2.fields_json);
  ASSERT_EQ(storage_->reads().HubLog(0, 10).value().size(), 1u);
}

TEST_P(HubStorageConformance, AChangeIsHeldOnceAndComparedByItsHash) {
  Allow(s1_);
  const ChangeEntry c1 = Change("S1", 1, Hash256{}, "b1", R"({"status":"requested"})");
  ASSERT_TRUE(ApplyBatch({c1}, true).ok());

  auto unit = storage_->BeginIngest().value();
  // What a replayed or equivocating batch is compared with.
  EXPECT_EQ(unit->ChangeHash("S1", 1).value(), std::optional<Hash256>(c1.hash));
  EXPECT_EQ(unit->ChangeHash("S1", 2).value(), std::nullopt);
  EXPECT_EQ(unit->ChangeHash("S2", 1).value(), std::nullopt);
  // The same seq twice is refused, not overwritten.
  ChangeEntry other = Change("S1", 1, Hash256{}, "b1", R"({"status":"cancelled"})");
  EXPECT_EQ(unit->StoreChange(other).code(), StatusCode::kConflict);
  // A second insert of an entity writes nothing.
  EXPECT_FALSE(unit->InsertEntity({"booking", "b1", "S1", "{}", "{}", 1, 1}).value());
  EXPECT_EQ(unit->ReadEntity("booking", "b1").value()->fields_json, c1.fields_json);
  unit.reset();
  EXPECT_EQ(storage_->reads().Changes("S1", 1, 1).value().front().fields_json, c1.fields_json);
}

// A batch applied with and without Prefetch lands alike: the same changes,
// the same merged entities, the same hub log (the row-at-a-time path stays
// for a unit used without it).
TEST_P(HubStorageConformance, ABatchLandsAlikeWithAndWithoutPrefetch) {
  Allow(s1_);
  const ChangeEntry c1 = Change("S1", 1, Hash256{}, "b1", R"({"status":"requested"})");
  const ChangeEntry c2 = Change("S1", 2, c1.hash, "b1", R"({"status":"confirmed"})");
  const ChangeEntry c3 = Change("S1", 3, c2.hash, "b2", R"({"status":"requested"})");
  const ChangeEntry c4 = Change("S1", 4, c3.hash, "b2", R"({"status":"arrived"})");
  ASSERT_TRUE(ApplyBatch({c1, c2}, true, "first", /*ahead=*/false).ok());
  ASSERT_TRUE(ApplyBatch({c3, c4}, true, "second", /*ahead=*/true).ok());
  const std::vector<ChangeEntry> held = storage_->reads().Changes("S1", 1, 4).value();
  ASSERT_EQ(held.size(), 4u);
  for (size_t i = 0; i < held.size(); ++i) EXPECT_EQ(ChainHash(held[i]), held[i].hash) << i;
  std::map<std::string, std::string> fields;
  for (const EntityFields& e : Entities()) fields[e.entity_id] = e.fields_json;
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields["b1"], c2.fields_json);  // merged over its insert, in one batch
  EXPECT_EQ(fields["b2"], c4.fields_json);
  EXPECT_EQ(storage_->reads().HubLog(0, 10).value().size(), 2u);
  EXPECT_EQ(CursorOf("S1").last_seq, 4);
}

// A backend may write a batch's changes together (PostgreSQL, after
// Prefetch): a change the hub holds already above the store's cursor (which
// ingest never writes) is still refused, at the latest by Commit, and nothing
// of the batch lands.
TEST_P(HubStorageConformance, AChangeHeldAlreadyAboveTheCursorRefusesTheWholeBatch) {
  Allow(s1_);
  const ChangeEntry c1 = Change("S1", 1, Hash256{}, "b1", R"({"status":"requested"})");
  ASSERT_TRUE(ApplyBatch({c1}, true).ok());
  const ChangeEntry c2 = Change("S1", 2, c1.hash, "b1", R"({"status":"confirmed"})");
  const ChangeEntry c3 = Change("S1", 3, c2.hash, "b2", R"({"status":"requested"})");
  {
    auto unit = storage_->BeginIngest().value();
    ASSERT_TRUE(unit->StoreChange(c3).ok());  // held, with the cursor left at 1
    ASSERT_TRUE(unit->Commit().ok());
  }
  const Status refused = ApplyBatch({c2, c3}, true);
  EXPECT_EQ(refused.code(), StatusCode::kConflict) << refused.ToString();
  EXPECT_NE(refused.message().find("changes"), std::string::npos) << refused.ToString();
  EXPECT_EQ(CursorOf("S1").last_seq, 1);
  ASSERT_EQ(Entities().size(), 1u);
  EXPECT_EQ(Entities()[0].fields_json, c1.fields_json);
  EXPECT_EQ(storage_->reads().HubLog(0, 10).value().size(), 1u);
  EXPECT_EQ(storage_->reads().Changes("S1", 2, 2).value().size(), 0u);
}

// Two hub processes on one database (here two storages): background work is
// claimed by one; the other is told so at once (it does not wait) and takes
// the work over when the first gives it up. Kinds are claimed apart.
TEST_P(HubStorageConformance, BackgroundWorkIsClaimedByOneProcessAtATime) {
  std::unique_ptr<HubStorage> other = OpenAgain(&hub_keys_);
  auto first = storage_->TryClaimWork("profiles");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_NE(first.value(), nullptr);
  EXPECT_TRUE(first.value()->StillHeld().value());
  auto second = other->TryClaimWork("profiles");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second.value(), nullptr) << "two processes would both keep the profiles";
  auto another_kind = other->TryClaimWork("outbox");
  ASSERT_TRUE(another_kind.ok()) << another_kind.status().ToString();
  EXPECT_NE(another_kind.value(), nullptr);
  first.value().reset();  // the first process stops keeping them
  auto taken_over = other->TryClaimWork("profiles");
  ASSERT_TRUE(taken_over.ok()) << taken_over.status().ToString();
  ASSERT_NE(taken_over.value(), nullptr);
  EXPECT_TRUE(taken_over.value()->StillHeld().value());
  EXPECT_EQ(storage_->TryClaimWork("profiles").value(), nullptr);
}

TEST_P(HubStorageConformance, MergedEntitiesPersistAsWrittenWithTheirOwnerAndBase) {
  Allow(s1_);
  Allow(s2_);
  {
    auto unit = storage_->BeginIngest().value();
    ASSERT_TRUE(
        unit->InsertEntity({"customer", "c1", "S1", R"({"name":"A"})", "{}", 100, 100}).value());
    ASSERT_TRUE(
        unit->InsertEntity({"booking", "b2", "S2", R"({"ref":"X"})", "{}", 200, 200}).value());
    ASSERT_TRUE(unit->InsertEntity({"booking", "b1", "S1", R"({})", "{}", 300, 300}).value());
    // A merge: fields and stamps replaced, the clock only rises, owner and base stay.
    ASSERT_TRUE(unit->WriteMergedEntity(
                        {"customer", "c1", "S2", R"({"name":"B"})", R"({"name":150})", 50, 7})
                    .ok());
    ASSERT_TRUE(unit->Commit().ok());
  }
  auto unit = storage_->BeginIngest().value();
  const EntityRow c1 = unit->ReadEntity("customer", "c1").value().value();
  EXPECT_EQ(c1.owner_site, "S1");
  EXPECT_EQ(c1.fields_json, R"({"name":"B"})");
  EXPECT_EQ(c1.field_hlcs_json, R"({"name":150})");
  EXPECT_EQ(c1.last_hlc, 100u);
  EXPECT_EQ(c1.base_hlc, 100u);
  EXPECT_FALSE(unit->ReadEntity("customer", "c9").value().has_value());
  // Written whole when absent.
  ASSERT_TRUE(
      unit->WriteMergedEntity({"vehicle", "v1", "S1", R"({"plate":"P"})", "{}", 400, 400}).ok());
  ASSERT_TRUE(unit->Commit().ok());
  unit.reset();

  std::vector<std::string> order;
  for (const auto& e : Entities()) order.push_back(e.entity + " " + e.entity_id);
  EXPECT_EQ(order,
            (std::vector<std::string>{"booking b1", "booking b2", "customer c1", "vehicle v1"}));
  std::vector<std::string> of_s2;
  ASSERT_TRUE(storage_->reads()
                  .ForEachEntityOf("S2",
                                   [&](const EntityFields& e) {
                                     of_s2.push_back(e.entity_id);
                                     return Status::Ok();
                                   })
                  .ok());
  EXPECT_EQ(of_s2, std::vector<std::string>{"b2"});
}

TEST_P(HubStorageConformance, TheHubsLogChainsEveryArchivedBatchAndIsSigned) {
  Allow(s1_);
  Allow(s2_);
  const ChangeEntry a1 = Change("S1", 1, Hash256{}, "b1", R"({"status":"requested"})");
  const ChangeEntry b1 = Change("S2", 1, Hash256{}, "b2", R"({"status":"requested"})");
  const ChangeEntry a2 = Change("S1", 2, a1.hash, "b1", R"({"status":"confirmed"})");
  ASSERT_TRUE(ApplyBatch({a1}, true, "envelope one").ok());
  ASSERT_TRUE(ApplyBatch({b1}, false, "rolled back").ok());
  ASSERT_TRUE(ApplyBatch({b1}, true, "envelope two").ok());
  ASSERT_TRUE(ApplyBatch({a2}, true, "envelope three").ok());

  const std::vector<HubLogEntry> log = storage_->reads().HubLog(0, 10).value();
  ASSERT_EQ(log.size(), 3u);
  Hash256 head{};
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].index, static_cast<int64_t>(i + 1));
    head = NextHubHead(head, log[i]);
  }
  EXPECT_EQ(log[1].site_id, "S2");
  EXPECT_EQ(log[2].first_seq, 2);
  EXPECT_EQ(log[2].envelope_hash, EnvelopeHash("envelope three"));
  const SignedHead newest = storage_->reads().NewestHead().value().value();
  EXPECT_EQ(newest.index, 3);
  EXPECT_EQ(newest.head, head);
  EXPECT_TRUE(HubHeadSignatureOk(hub_keys_.pub, newest));
  EXPECT_EQ(storage_->reads().HubLog(1, 1).value().front().index, 2);
}

TEST_P(HubStorageConformance, AuditReadsTheChangesItWantsInTheOrderTheyHappened) {
  Allow(s1_);
  Allow(s2_);
  const ChangeEntry a1 = Change("S1", 1, Hash256{}, "b1", R"({"customer_id":"c1"})");
  const ChangeEntry a2 = Change("S1", 2, a1.hash, "b1", R"({"status":"confirmed"})");
  const ChangeEntry b1 = Change("S2", 1, Hash256{}, "b2", R"({"customer_id":"c2"})");
  ASSERT_TRUE(ApplyBatch({a1, a2}, true).ok());
  ASSERT_TRUE(ApplyBatch({b1}, true).ok());
  auto sites_seqs = [&](const hub::storage::ChangeFilter& filter) {
    std::vector<std::string> out;
    const std::vector<ChangeEntry> changes = storage_->reads().ChangesMatching(filter).value();
    out.reserve(changes.size());
    for (const auto& c : changes) {
      out.push_back(c.site_id + "/" + std::to_string(c.seq));
    }
    return out;
  };
  // By clock, then store: S1/1 and S2/1 share a clock.
  EXPECT_EQ(sites_seqs({}), (std::vector<std::string>{"S1/1", "S2/1", "S1/2"}));
  EXPECT_EQ(sites_seqs({.entities = {"booking"}, .entity_id = "b1"}),
            (std::vector<std::string>{"S1/1", "S1/2"}));
  EXPECT_EQ(sites_seqs({.entities = {"case", "vehicle"}}), std::vector<std::string>{});
  EXPECT_EQ(sites_seqs({.op = "insert", .fields_contain = "\"customer_id\":\"c2\""}),
            std::vector<std::string>{"S2/1"});
  EXPECT_EQ(sites_seqs({.recorded_from = a2.recorded_at}), std::vector<std::string>{"S1/2"});
  EXPECT_EQ(sites_seqs({.recorded_before = a2.recorded_at}),
            (std::vector<std::string>{"S1/1", "S2/1"}));
}

TEST_P(HubStorageConformance, CursorsMoveAsToldAndContactIsKeptInStretches) {
  Allow(s1_);
  EXPECT_FALSE(storage_->cursors().Read("S9").value().has_value());
  EXPECT_FALSE(CursorOf("S1").clock_skew_ms.has_value());  // before any hello said its clock
  EXPECT_EQ(storage_->cursors().NoteHello("S1", "2026-11-23T01:00:00.000Z", -125'000).value(), 0);
  EXPECT_EQ(CursorOf("S1").last_contact, "2026-11-23T01:00:00.000Z");
  EXPECT_EQ(CursorOf("S1").clock_skew_ms, -125'000);
  EXPECT_EQ(storage_->cursors().List().value().at(0).clock_skew_ms, -125'000);
  EXPECT_EQ(storage_->reads().StoreOverviews().value().at(0).cursor.clock_skew_ms, -125'000);
  // A hello that does not say its clock (a store from before the field): unknown again.
  EXPECT_EQ(storage_->cursors().NoteHello("S1", "2026-11-23T01:00:00.000Z", std::nullopt).value(),
            0);
  EXPECT_FALSE(CursorOf("S1").clock_skew_ms.has_value());
  EXPECT_EQ(storage_->cursors().NoteHello("S1", "2026-11-23T01:00:00.000Z", 4'000).value(), 0);
  EXPECT_EQ(CursorOf("S1").clock_skew_ms, 4'000);
  ASSERT_TRUE(storage_->cursors().NoteReportedSeq("S1", 7).ok());
  ASSERT_TRUE(storage_->cursors().NoteReportedSeq("S1", 3).ok());  // never backwards
  EXPECT_EQ(CursorOf("S1").reported_seq, 7);
  {
    auto unit = storage_->BeginIngest().value();
    ASSERT_TRUE(unit->NoteBatchContact("S1", "2026-11-23T01:00:05.000Z", 2).ok());
    ASSERT_TRUE(unit->NoteBatchContact("S1", "2026-11-23T01:00:06.000Z", 3).ok());
    ASSERT_TRUE(unit->Commit().ok());
  }
  EXPECT_EQ(CursorOf("S1").resent_changes, 5);
  EXPECT_EQ(CursorOf("S1").last_contact, "2026-11-23T01:00:06.000Z");

  // Stretches: extended while the newest reaches the cut-off, else a new one.
  auto& cursors = storage_->cursors();
  ASSERT_TRUE(
      cursors.NoteContact("S1", "2026-11-23T01:00:00.000Z", "2026-11-23T00:59:55.000Z").ok());
  ASSERT_TRUE(
      cursors.NoteContact("S1", "2026-11-23T01:00:04.000Z", "2026-11-23T00:59:59.000Z").ok());
  ASSERT_TRUE(
      cursors.NoteContact("S1", "2026-11-23T01:01:00.000Z", "2026-11-23T01:00:55.000Z").ok());
  const auto stretches = cursors.Stretches("S1").value();
  ASSERT_EQ(stretches.size(), 2u);
  EXPECT_EQ(stretches[0].from, "2026-11-23T01:00:00.000Z");
  EXPECT_EQ(stretches[0].to, "2026-11-23T01:00:04.000Z");
  EXPECT_EQ(stretches[1].from, "2026-11-23T01:01:00.000Z");
  EXPECT_EQ(cursors.List().value().size(), 1u);
}

TEST_P(HubStorageConformance, TheOutboxNumbersEachStoresRequestsAndReadsThemInOrder) {
  Allow(s1_);
  Allow(s2_);
  auto& outbox = storage_->outbox();
  EXPECT_EQ(outbox.Append("S9", "{}", "2026-11-23T01:00:00.000Z", "CC").status().code(),
            StatusCode::kNotFound);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(outbox
                  .Append("S1", "{\"n\":" + std::to_string(i) + "}", "2026-11-23T01:00:00.000Z",
                          "CC Wang")
                  .value(),
              i);
  }
  EXPECT_EQ(outbox.Append("S2", "{\"n\":1}", "2026-11-23T01:00:00.000Z", "CC Wang").value(), 1);
  const auto after1 = outbox.After("S1", 1, 100).value();
  ASSERT_EQ(after1.size(), 2u);
  EXPECT_EQ(after1[0].seq, 2);
  EXPECT_EQ(after1[0].request_json, "{\"n\":2}");
  EXPECT_EQ(after1[1].seq, 3);
  EXPECT_EQ(outbox.After("S1", 0, 1).value().size(), 1u);
  EXPECT_TRUE(outbox.After("S1", 3, 100).value().empty());

  ASSERT_TRUE(outbox.MarkApplied("S1", 2).ok());
  EXPECT_EQ(CursorOf("S1").applied_push_seq, 2);
  ASSERT_TRUE(outbox.MarkApplied("S1", 1).ok());  // never backwards
  EXPECT_EQ(CursorOf("S1").applied_push_seq, 2);
  ASSERT_TRUE(outbox.MarkApplied("S1", 9).ok());  // never beyond what was queued
  EXPECT_EQ(CursorOf("S1").applied_push_seq, 3);
  EXPECT_EQ(CursorOf("S2").applied_push_seq, 0);
}

TEST_P(HubStorageConformance, TheSecurityLogKeepsEveryEventInOrder) {
  auto& log = storage_->security_log();
  ASSERT_TRUE(log.Append({"2026-11-23T01:00:00.000Z", "S1", "refused", "unknown key"}).ok());
  ASSERT_TRUE(log.Append({"2026-11-23T01:00:01.000Z", std::nullopt, "refused", "unreadable"}).ok());
  ASSERT_TRUE(log.Append({"2026-11-23T01:00:02.000Z", "S2", "alarm", "equivocation"}).ok());
  const std::vector<SecurityEvent> events = OpenAgain(nullptr)->security_log().List().value();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].site_id, std::optional<std::string>("S1"));
  EXPECT_EQ(events[1].site_id, std::nullopt);
  EXPECT_EQ(events[1].reason, "unreadable");
  EXPECT_EQ(events[2].kind, "alarm");
  EXPECT_EQ(events[2].at, "2026-11-23T01:00:02.000Z");
}

TEST_P(HubStorageConformance, WithoutTheHubsKeysNothingIsSignedAndNothingWritten) {
  Allow(s1_);
  std::unique_ptr<HubStorage> reader = OpenAgain(nullptr);
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->keys().AllowKey(s2_.pub, "now").status().code(), StatusCode::kRefused);
  EXPECT_EQ(reader->security_log().Append({"now", "S1", "refused", "x"}).code(),
            StatusCode::kRefused);
  EXPECT_EQ(reader->outbox().Append("S1", "{}", "now", "CC").status().code(), StatusCode::kRefused);
  auto unit = reader->BeginIngest().value();
  EXPECT_EQ(unit->ArchiveBatch({"S1", 1, 1, "now", "e", EnvelopeHash("e")}).status().code(),
            StatusCode::kRefused);
  unit.reset();
  EXPECT_EQ(reader->keys().AllowedSites().value(), std::vector<std::string>{"S1"});
  EXPECT_TRUE(storage_->outbox().After("S1", 0, 10).value().empty());
}

TEST_P(HubStorageConformance, AReadScopeSeesOneMomentAndTheOpenerThreadReadsTheAllowList) {
  Allow(s1_);
  auto keys = storage_->OpenKeyReader().value();
  EXPECT_EQ(keys->StoreKeys("S1").value().sign_pk, s1_.pub.sign_pk);
  EXPECT_EQ(keys->StoreKeys("S2").status().code(), StatusCode::kNotFound);
  {
    auto scope = storage_->BeginRead().value();
    EXPECT_EQ(storage_->keys().AllowedSites().value().size(), 1u);
    std::unique_ptr<HubStorage> writer = OpenAgain(&hub_keys_);
    ASSERT_TRUE(writer);
    ASSERT_FALSE(writer->keys().AllowKey(s2_.pub, "now").value().has_value());
    EXPECT_EQ(storage_->keys().AllowedSites().value().size(), 1u);  // still the same moment
  }
  EXPECT_EQ(storage_->keys().AllowedSites().value().size(), 2u);
  // The opener's reader sees each committed write: a deny takes effect at once.
  ASSERT_FALSE(
      storage_->keys().DenyLiveKey("S2", "2026-11-23T02:00:00.000Z", "HQ", "lost").value());
  EXPECT_EQ(keys->LiveKeyDenial("S2").value()->reason, "lost");
}

// ---- head office's outreach (hub/storage/campaign_store.h) ----

// `site`'s change `seq` of any entity, chained to `prev`, at `business_time`.
ChangeEntry EntityChange(const std::string& site, int64_t seq, const Hash256& prev,
                         const std::string& entity, const std::string& entity_id,
                         const std::string& op, const nlohmann::json& fields,
                         const std::string& business_time = "") {
  ChangeEntry c;
  c.seq = seq;
  c.site_id = site;
  c.hlc = static_cast<Hlc>(1000 + seq);
  c.entity = entity;
  c.entity_id = entity_id;
  c.op = op;
  c.fields_json = fields.dump();
  c.staff = "SA";
  if (!business_time.empty()) c.business_time = business_time;
  c.recorded_at = "2026-11-23T01:00:0" + std::to_string(seq % 10) + ".000Z";
  c.schema_version = 2;
  c.prev_hash = prev;
  c.hash = ChainHash(c);
  return c;
}

nlohmann::json BookingFields(const std::string& customer, const std::string& vehicle,
                             const std::string& date, BookingStatus status) {
  model::Booking b;
  b.ref = "261124-1";
  b.store_id = "S1";
  b.customer_id = customer;
  b.vehicle_id = vehicle;
  b.service = "maintenance";
  b.slot_date = date;
  b.slot_time = "10:00";
  b.status = status;
  b.staff = "SA";
  b.requested_at = b.created_at = b.updated_at = "2026-05-01T01:00:00.000Z";
  return model::BookingInsertFields(b);
}

// S1: a customer with one vehicle read at 10,000 and 12,500 km, a visit
// completed on 2026-05-02 and one booked for 2026-12-01; a marketing call.
std::vector<ChangeEntry> OneCustomersHistory() {
  model::Customer c;
  c.store_id = "S1";
  c.name = "Wang Wei";
  c.phones = {"+8613800138000"};
  c.created_at = "2026-05-01T01:00:00.000Z";
  c.created_by = "SA";
  model::Vehicle v;
  v.customer_id = "c1";
  v.plate = "沪A12345";
  v.mileage_km = 10000;
  // The fixture writes an update's fields whole: the reading with the rest.
  model::Vehicle later = v;
  later.mileage_km = 12500;
  const nlohmann::json message = {{"store_id", "S1"},     {"customer_id", "c1"},
                                  {"step", "invitation"}, {"purpose", "marketing"},
                                  {"channel", "call"},    {"idempotency_key", "k"},
                                  {"status", "done"},     {"due_at", "2026-11-20T02:00:00.000Z"}};
  std::vector<ChangeEntry> changes;
  auto add = [&](const std::string& entity, const std::string& id, const std::string& op,
                 const nlohmann::json& fields, const std::string& at) {
    const Hash256 prev = changes.empty() ? Hash256{} : changes.back().hash;
    changes.push_back(EntityChange("S1", static_cast<int64_t>(changes.size()) + 1, prev, entity, id,
                                   op, fields, at));
  };
  add("customer", "c1", "insert", model::CustomerInsertFields(c), "");
  add("vehicle", "v1", "insert", model::VehicleInsertFields(v), "2026-05-02T02:00:00.000Z");
  add("booking", "b1", "insert", BookingFields("c1", "v1", "2026-05-02", BookingStatus::kCompleted),
      "");
  add("booking", "b2", "insert", BookingFields("c1", "v1", "2026-12-01", BookingStatus::kConfirmed),
      "");
  add("vehicle", "v1", "update", model::VehicleInsertFields(later), "2026-08-01T02:00:00.000Z");
  add("message", "M-1", "insert", message, "");
  return changes;
}

TEST_P(HubStorageConformance, ASettingLandsWholeWithTheRequestsItQueues) {
  Allow(s1_);
  Allow(s2_);
  auto& campaigns = storage_->campaigns();
  EXPECT_FALSE(campaigns.Setting("holidays").value().has_value());
  const hub::storage::HubSetting set{R"({"holidays":[]})", "2026-11-23T01:00:00.000Z", "HQ Li"};
  auto queued = campaigns.PutSetting(
      "holidays", set, {{"S1", "{\"kind\":\"holidays\"}"}, {"S2", "{\"kind\":\"holidays\"}"}});
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  ASSERT_EQ(queued->size(), 2u);
  EXPECT_EQ((*queued)[1].site, "S2");
  EXPECT_EQ((*queued)[1].seq, 1);
  EXPECT_EQ(campaigns.Setting("holidays").value()->value, set.value);
  EXPECT_EQ(campaigns.Setting("holidays").value()->set_by, "HQ Li");

  // A store not on the allow-list: nothing is written, neither setting nor request.
  hub::storage::HubSetting other = set;
  other.value = "{}";
  EXPECT_EQ(campaigns.PutSetting("holidays", other, {{"S1", "{}"}, {"S9", "{}"}}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(campaigns.Setting("holidays").value()->value, set.value);
  EXPECT_EQ(storage_->outbox().After("S1", 0, 10).value().size(), 1u);
  // Without the hub's keys nothing is queued.
  EXPECT_EQ(OpenAgain(nullptr)->campaigns().PutSetting("holidays", other, {}).status().code(),
            StatusCode::kRefused);
}

TEST_P(HubStorageConformance, ServiceDueReadsVisitsReadingsContactsAndBookingsAsLogged) {
  Allow(s1_);
  ASSERT_TRUE(ApplyBatch(OneCustomersHistory(), true).ok());
  ASSERT_TRUE(storage_->identity().IndexChanges().ok());
  auto& campaigns = storage_->campaigns();

  std::vector<hub::storage::CompletedVisit> visits;
  ASSERT_TRUE(campaigns
                  .ForEachCompletedVisit([&](const hub::storage::CompletedVisit& v) {
                    visits.push_back(v);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(visits.size(), 1u);  // the confirmed booking has not happened
  EXPECT_EQ(visits[0].booking_id, "b1");
  EXPECT_EQ(visits[0].site, "S1");
  EXPECT_EQ(visits[0].unified_id, "c1");  // not linked yet: the record stands for the person
  EXPECT_EQ(visits[0].vehicle_id, "v1");
  EXPECT_EQ(visits[0].plate, "沪A12345");
  EXPECT_EQ(visits[0].slot_date, "2026-05-02");

  const auto readings = campaigns.MileageReadingsOf("v1").value();
  ASSERT_EQ(readings.size(), 2u);
  EXPECT_EQ(readings[0].km, 10000);
  EXPECT_EQ(readings[0].at, "2026-05-02T02:00:00.000Z");  // the business time, not recorded_at
  EXPECT_EQ(readings[1].km, 12500);
  EXPECT_TRUE(campaigns.MileageReadingsOf("v2").value().empty());
  std::vector<int64_t> streamed;
  ASSERT_TRUE(campaigns
                  .ForEachMileageReading([&](const hub::storage::MileageRow& r) {
                    streamed.push_back(r.km);
                    return Status::Ok();
                  })
                  .ok());
  std::sort(streamed.begin(), streamed.end());  // in no particular order
  EXPECT_EQ(streamed, (std::vector<int64_t>{10000, 12500}));

  const auto contacts = campaigns.MarketingContactsSince("2026-10-01").value();
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0].customer_id, "c1");
  EXPECT_TRUE(campaigns.MarketingContactsSince("2026-11-21").value().empty());

  const auto holders = campaigns.PhoneHolders("+8613800138000").value();
  ASSERT_EQ(holders.size(), 1u);
  EXPECT_EQ(holders[0].customer_id, "c1");
  EXPECT_EQ(holders[0].site, "S1");
  const auto upcoming = campaigns.UpcomingBookings({"c1", "c9"}, "2026-11-23").value();
  ASSERT_EQ(upcoming.size(), 1u);
  EXPECT_EQ(upcoming[0].booking_id, "b2");
  EXPECT_TRUE(campaigns.UpcomingBookings({"c1"}, "2026-12-02").value().empty());
  EXPECT_EQ(campaigns.Booking("b1").value()->status, "completed");
  EXPECT_TRUE(campaigns.MessageFields("M-1").value().has_value());
  EXPECT_FALSE(campaigns.MessageFields("M-2").value().has_value());
}

// A booking's first cancel is when it was cancelled, even when a later
// change of the same booking arrives in the same batch (the month report's
// "cancelled 24 h ahead" reads it: docs/KPI.md).
TEST_P(HubStorageConformance, ABookingsFirstCancelIsKeptThroughLaterChangesInOneBatch) {
  Allow(s1_);
  // A new hub's first indexing is a backfill over every change: done here, so
  // the batch below is indexed as ingest leaves it, from its own changes.
  ASSERT_TRUE(storage_->identity().IndexChanges().ok());
  std::vector<ChangeEntry> changes;
  auto add = [&](const std::string& entity, const std::string& id, const std::string& op,
                 const nlohmann::json& fields) {
    const Hash256 prev = changes.empty() ? Hash256{} : changes.back().hash;
    changes.push_back(
        EntityChange("S1", static_cast<int64_t>(changes.size()) + 1, prev, entity, id, op, fields));
  };
  model::Customer c;
  c.store_id = "S1";
  c.name = "Li Na";
  c.phones = {"+8613800138001"};
  c.created_at = "2026-11-01T01:00:00.000Z";
  c.created_by = "SA";
  add("customer", "c1", "insert", model::CustomerInsertFields(c));
  nlohmann::json booking = BookingFields("c1", "", "2026-11-25", BookingStatus::kConfirmed);
  booking.erase("vehicle_id");
  add("booking", "b3", "insert", booking);
  booking["status"] = "cancelled";
  booking["updated_at"] = "2026-11-18T01:00:00.000Z";  // 7 days ahead of its slot
  add("booking", "b3", "update", booking);
  booking["updated_at"] = "2026-11-24T23:00:00.000Z";  // a later change, still cancelled
  add("booking", "b3", "update", booking);
  ASSERT_TRUE(ApplyBatch(changes, true).ok());
  ASSERT_TRUE(storage_->identity().IndexChanges().ok());
  std::vector<hub::storage::MonthBookingRow> rows;
  ASSERT_TRUE(storage_->reads()
                  .ForEachMonthBooking("S1", "2026-11-01", "2026-11-30",
                                       [&](const hub::storage::MonthBookingRow& r) {
                                         rows.push_back(r);
                                         return Status::Ok();
                                       })
                  .ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, "cancelled");
  EXPECT_EQ(rows[0].cancelled_at.value_or("none"), "2026-11-18T01:00:00.000Z");
}

// Segments move as days pass: the hub marks customers' profiles for
// rebuilding without any change of theirs (hub/hub.h RefreshSegments).
TEST_P(HubStorageConformance, ProfilesMarkedDirtyAreListedOnceUntilCleared) {
  auto& identity = storage_->identity();
  ASSERT_TRUE(identity.ClearDirtyProfiles().ok());
  ASSERT_TRUE(identity.MarkProfilesDirty({"u-2", "u-1", "u-2"}).ok());
  std::vector<std::string> dirty = identity.DirtyProfiles().value();
  std::sort(dirty.begin(), dirty.end());
  EXPECT_EQ(dirty, (std::vector<std::string>{"u-1", "u-2"}));
  ASSERT_TRUE(identity.ClearDirtyProfiles().ok());
  EXPECT_TRUE(identity.DirtyProfiles().value().empty());
}

// Two processes resolving at once (the daemon's upkeep and `customers
// resolve`) compute from the same links; only the first plan lands, and the
// second is told so rather than minting the same ids again (hub/identity.cc).
TEST_P(HubStorageConformance, ALinkPlanFromAStaleSnapshotIsNotWritten) {
  std::unique_ptr<HubStorage> other = OpenAgain(&hub_keys_);
  ASSERT_NE(other, nullptr);
  auto first = storage_->identity().LoadLinkInput();
  auto second = other->identity().LoadLinkInput();
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first->generation, second->generation);
  hub::LinkPlan plan;
  plan.minted.push_back({hub::MintUnifiedId("C-1"), "C-1", "2026-11-23T01:00:00.000Z", {}});
  const hub::storage::ResolveMark mark{1, 0};
  auto wrote = storage_->identity().WriteLinkPlan(plan, first->generation, mark,
                                                  "2026-11-23T01:00:00.000Z", &hub_keys_);
  ASSERT_TRUE(wrote.ok()) << wrote.status().ToString();
  EXPECT_TRUE(wrote.value());
  auto stale = other->identity().WriteLinkPlan(plan, second->generation, mark,
                                               "2026-11-23T01:00:01.000Z", &hub_keys_);
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();  // not a constraint failure
  EXPECT_FALSE(stale.value());
  auto again = other->identity().LoadLinkInput();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->generation, first->generation + 1);
  ASSERT_EQ(again->input.unified.size(), 1U);
  EXPECT_EQ(again->input.unified[0].created_at, "2026-11-23T01:00:00.000Z");  // the first's
  EXPECT_EQ(other->identity().ResolvedMark().value(), std::optional(mark));
}

TEST_P(HubStorageConformance, AnInvitationAndAReplyAreRecordedOnceWithTheirRequests) {
  Allow(s1_);
  auto& campaigns = storage_->campaigns();
  const hub::storage::InvitationRow row{
      "u1|v1|2027-05-20", "u1", "v1", "2027-05-20", "S1", 0, "2026-11-23T01:00:00.000Z", "HQ"};
  EXPECT_EQ(campaigns.AssignInvitation(row, "{\"kind\":\"invite\"}").value(),
            std::optional<int64_t>(1));
  EXPECT_EQ(campaigns.AssignInvitation(row, "{\"kind\":\"invite\"}").value(), std::nullopt);
  hub::storage::InvitationRow elsewhere = row;
  elsewhere.invitation_key = "u2|v2|2027-05-20";
  elsewhere.site = "S9";
  EXPECT_EQ(campaigns.AssignInvitation(elsewhere, "{}").status().code(), StatusCode::kNotFound);
  const auto invitations = campaigns.Invitations().value();
  ASSERT_EQ(invitations.size(), 1u);
  EXPECT_EQ(invitations[0].request_seq, 1);
  EXPECT_EQ(storage_->outbox().After("S1", 0, 10).value().size(), 1u);

  hub::storage::ReplyRow reply{"g-1",
                               "+8613800138000",
                               "TD",
                               "opt_out",
                               "2026-11-23T01:00:00.000Z",
                               "",
                               "2026-11-23T01:00:01.000Z",
                               "opt-out queued",
                               {}};
  EXPECT_TRUE(campaigns.RecordReply(reply, {{"S1", "{\"kind\":\"opt-out\"}"}}).value());
  ASSERT_EQ(reply.requests.size(), 1u);
  EXPECT_EQ(reply.requests[0].seq, 2);
  hub::storage::ReplyRow again = reply;
  EXPECT_FALSE(campaigns.RecordReply(again, {{"S1", "{}"}}).value());
  EXPECT_EQ(storage_->outbox().After("S1", 0, 10).value().size(), 2u);
  const auto replies = campaigns.Replies().value();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].kind, "opt_out");
  ASSERT_EQ(replies[0].requests.size(), 1u);
  EXPECT_EQ(replies[0].requests[0].site, "S1");
}

// Two senders (two `outpost-hub notify` processes on one database) read the
// same due message: the first to claim it has it, the second is told so and
// writes nothing, so it goes out once.
TEST_P(HubStorageConformance, ADueMessageIsClaimedByOneSenderOnly) {
  Allow(s1_);
  const hub::storage::InvitationRow row{
      "u1|v1|2027-05-20", "u1", "v1", "2027-05-20", "S1", 0, "2026-11-23T01:00:00.000Z", "HQ"};
  const hub::storage::HubMessageRow planned{
      "M-9",     row.invitation_key,         "S1",
      "planned", "2026-11-23T01:00:00.000Z", "{\"status\":\"planned\"}",
      ""};
  ASSERT_TRUE(storage_->campaigns().PlanHeadOfficeMessage(row, planned).value());
  auto other = OpenAgain(&hub_keys_);
  ASSERT_NE(other, nullptr);
  const auto seen_here = storage_->campaigns().HeadOfficeMessagesDue("2026-11-23T02:00:00.000Z");
  const auto seen_there = other->campaigns().HeadOfficeMessagesDue("2026-11-23T02:00:00.000Z");
  ASSERT_EQ(seen_here.value().size(), 1u);
  ASSERT_EQ(seen_there.value().size(), 1u);

  hub::storage::HubMessageRow mine = seen_here.value()[0];
  mine.status = "sending";
  mine.fields = "{\"status\":\"sending\",\"by\":\"here\"}";
  hub::storage::HubMessageRow theirs = seen_there.value()[0];
  theirs.status = "sending";
  theirs.fields = "{\"status\":\"sending\",\"by\":\"there\"}";
  const std::string at = "2026-11-23T02:00:00.000Z";
  EXPECT_TRUE(storage_->campaigns()
                  .UpdateHeadOfficeMessage(mine, std::nullopt, "", at, seen_here.value()[0].fields)
                  .value());
  EXPECT_FALSE(
      other->campaigns()
          .UpdateHeadOfficeMessage(theirs, std::nullopt, "", at, seen_there.value()[0].fields)
          .value());
  EXPECT_EQ(storage_->campaigns().HeadOfficeMessage("M-9").value()->fields, mine.fields);
}

TEST_P(HubStorageConformance, StaffAccountsLandWithTheirAuditAndSessionsEndAsTold) {
  auto& staff = storage_->staff();
  using hub::storage::StaffAuditRow;
  const hub::storage::StaffUserRow li{"li.na",
                                      "李娜",
                                      "call_centre",
                                      "$argon2id$x",
                                      "2026-11-23T01:00:00.000Z",
                                      "2026-11-23T01:00:00.000Z",
                                      "IT",
                                      {},
                                      {},
                                      {}};
  const StaffAuditRow added{0, "2026-11-23T01:00:00.000Z", "IT", "user.add", "li.na", "role"};
  ASSERT_TRUE(staff.AddUser(li, added).ok());
  EXPECT_EQ(staff.AddUser(li, added).code(), StatusCode::kConflict);
  EXPECT_EQ(staff.User("li.na").value()->display_name, "李娜");
  EXPECT_FALSE(staff.User("nobody").value().has_value());

  hub::storage::StaffSessionRow session;
  session.token_hash.fill(7);
  session.name = "li.na";
  session.csrf_token = "c";
  session.created_at = session.last_seen_at = "2026-11-23T01:01:00.000Z";
  session.expires_at = "2026-11-23T09:01:00.000Z";
  ASSERT_TRUE(staff
                  .RecordLoginFailure("li.na", "2026-11-23T00:00:00.000Z",
                                      {0, "2026-11-23T01:00:30.000Z", "li.na", "login.refused",
                                       "li.na", "wrong password"})
                  .ok());
  EXPECT_EQ(staff.LoginFailuresSince("li.na", "2026-11-23T01:00:00.000Z").value().size(), 1u);
  ASSERT_TRUE(staff
                  .StartSession(session, {0, "2026-11-23T01:01:00.000Z", "li.na", "login", "li.na",
                                          "signed in"})
                  .ok());
  EXPECT_TRUE(staff.LoginFailuresSince("li.na", "").value().empty());  // cleared by the sign-in
  ASSERT_TRUE(staff.TouchSession(session.token_hash, "2026-11-23T01:05:00.000Z").ok());
  ASSERT_TRUE(staff.TouchSession(session.token_hash, "2026-11-23T01:04:00.000Z").ok());
  EXPECT_EQ(staff.Session(session.token_hash).value()->last_seen_at, "2026-11-23T01:05:00.000Z");

  // A password change ends the sessions in the same write.
  hub::storage::StaffUserRow changed = li;
  changed.password_hash = "$argon2id$y";
  ASSERT_TRUE(staff
                  .UpdateUser(changed, std::string("password changed"),
                              {0, "2026-11-23T02:00:00.000Z", "IT", "user.passwd", "li.na", ""})
                  .ok());
  auto ended = staff.Session(session.token_hash).value();
  EXPECT_EQ(ended->ended_why, "password changed");
  EXPECT_EQ(ended->ended_at, "2026-11-23T02:00:00.000Z");
  EXPECT_FALSE(staff.EndSession(session.token_hash, "signed out", added).value());
  hub::storage::StaffUserRow ghost = li;
  ghost.name = "ghost";
  EXPECT_EQ(staff.UpdateUser(ghost, std::nullopt, added).code(), StatusCode::kNotFound);

  auto audit = staff.Audit(10).value();  // newest first
  ASSERT_EQ(audit.size(), 4u);
  EXPECT_EQ(audit[0].action, "user.passwd");
  EXPECT_EQ(audit[3].action, "user.add");
  EXPECT_LT(audit[3].seq, audit[0].seq);
}

INSTANTIATE_TEST_SUITE_P(Backends, HubStorageConformance, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param.name;
                         });

// One hub's writes made on SQLite and on PostgreSQL leave the same record log
// (the same records noted in the same order with the same hashes), the same
// content hash for every head-office record and the same hub log: what lets a
// hub moved from SQLite to PostgreSQL be proven by its digests.

// Every record log entry, every record's hash and the hub log, as text.
std::vector<std::string> Digests(HubStorage& storage) {
  std::vector<std::string> out;
  auto& verify = storage.verify_reads();
  EXPECT_TRUE(verify
                  .ForEachRecordLogEntry([&](const hub::storage::RecordLogEntry& e) {
                    // A new SQLite hub opens its log with an entry for the rows
                    // held before the record log began (none): its seq and heads
                    // are one on from PostgreSQL's, which never held such rows.
                    if (e.record == "record_log") return Status::Ok();
                    out.push_back("log " + e.record + " " + e.key + " " + HashHex(e.content_hash));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(verify
                  .ForEachRecord([&](const std::string& record, const std::string& key,
                                     const Hash256& content) {
                    out.push_back("record " + record + " " + key + " " + HashHex(content));
                    return Status::Ok();
                  })
                  .ok());
  for (const HubLogEntry& e : storage.reads().HubLog(0, 100).value()) {
    out.push_back("batch " + std::to_string(e.index) + " " + e.site_id + " " +
                  std::to_string(e.first_seq) + "-" + std::to_string(e.last_seq) + " " +
                  HashHex(e.envelope_hash));
  }
  const auto newest = storage.reads().NewestHead().value();
  if (newest) {
    out.push_back("head " + std::to_string(newest->index) + " " + HashHex(newest->head) + " " +
                  BytesHex(newest->signature.data(), newest->signature.size()));
  }
  return out;
}

// The same writes, in the same order, at the same times.
void WriteTheSameHistory(HubStorage& storage, const SecretKeys& s1, const SecretKeys& s2) {
  const std::string at = "2026-11-23T01:00:00.000Z";
  ASSERT_TRUE(storage.keys().AllowKey(s1.pub, at).ok());
  ASSERT_TRUE(storage.keys().AllowKey(s2.pub, at).ok());
  ASSERT_TRUE(storage.keys().DenyLiveKey("S2", at, "HQ Chen", "stolen").ok());
  ASSERT_TRUE(storage.security_log().Append({at, "S1", "refused", "unknown key"}).ok());
  ASSERT_TRUE(storage.security_log().Append({at, std::nullopt, "alarm", "unreadable"}).ok());
  for (int i = 1; i <= 11; ++i) {  // S1/10 and S1/11 sort before S1/2 by name
    ASSERT_TRUE(storage.outbox().Append("S1", "{\"n\":" + std::to_string(i) + "}", at, "CC").ok());
  }
  for (const std::string envelope : {"envelope one", "rolled back", "envelope two"}) {
    auto unit = storage.BeginIngest().value();
    ASSERT_TRUE(unit->ArchiveBatch({"S1", 1, 1, at, envelope, EnvelopeHash(envelope)}).ok());
    if (envelope != "rolled back") {
      ASSERT_TRUE(unit->Commit().ok());
    }
  }
}

TEST(HubStorageDigests, OneHistoryLeavesTheSameDigestsOnSQLiteAndPostgreSQL) {
  testing::TempDir dir;
  const SecretKeys hub_keys = SecretKeys::Generate("HUB");
  const SecretKeys s1 = SecretKeys::Generate("S1");
  const SecretKeys s2 = SecretKeys::Generate("S2");
  std::vector<std::vector<std::string>> digests;
  for (const Backend& backend : kBackends) {
    auto storage =
        OpenHubStorage(backend.fresh_location(dir), {.create = true, .signer = &hub_keys});
    ASSERT_TRUE(storage.ok()) << backend.name << ": " << storage.status().ToString();
    WriteTheSameHistory(**storage, s1, s2);
    digests.push_back(Digests(**storage));
  }
  ASSERT_EQ(digests.size(), 2u);
  EXPECT_GT(digests[0].size(), 20u);
  EXPECT_EQ(digests[0], digests[1]);
}

}  // namespace
}  // namespace outpost
