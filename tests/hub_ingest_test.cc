// The hub ingesting sealed batches built from a real store's change log.
#include <gtest/gtest.h>

#include "edge/store.h"
#include "hub/hub.h"
#include "hub/open_ahead.h"
#include "hub/queries/stores.h"
#include "sync/changelog.h"
#include "sync/envelope.h"
#include "sync/testing.h"
#include "tests/hub_db.h"

namespace outpost {
namespace {

class HubIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    edge::StoreSettings settings;
    settings.store_id = "S1";
    settings.name = "Store one";
    store_ = edge::Store::Create(dir_.File("s1.db"), settings, clock_).value();
    hub_ = hub::Hub::Create(testing::HubLocation(dir_.File("hub.db")), hub_keys_, clock_).value();
    ASSERT_TRUE(hub_->AllowStore(s1_keys_.pub).ok());
  }

  void Book(const std::string& phone, const std::string& time) {
    edge::BookingRequest r;
    r.customer = phone;
    r.create_customer = edge::NewCustomer{"C" + phone, {phone}};
    r.date = "2026-11-24";
    r.time = time;
    r.staff = "SA";
    ASSERT_TRUE(store_->Book(r).ok());
  }

  std::vector<ChangeEntry> Log(int64_t from = 1) {
    auto db = Db::Open(dir_.File("s1.db"), {}).value();
    return ReadChanges(*db, from, 10'000).value();
  }

  std::string Seal(const std::vector<ChangeEntry>& changes, const SecretKeys& keys,
                   const std::string& site = "S1", int schema_version = 2) {
    WireBatch batch{site, schema_version, changes};
    return SealEnvelope(EncodeMessage(batch), keys, hub_keys_.pub, Direction::kStoreToHub, site);
  }

  // Seq 1 of `site`'s log, written by hand as a forger would.
  ChangeEntry Handmade(const std::string& site, const std::string& entity_id, const std::string& op,
                       const std::string& fields) {
    ChangeEntry c;
    c.seq = 1;
    c.site_id = site;
    c.hlc = MakeHlc(ParseUtcMs("2026-11-23T02:00:00Z").value(), 0);
    c.entity = "booking";
    c.entity_id = entity_id;
    c.op = op;
    c.fields_json = fields;
    c.staff = "x";
    c.recorded_at = "2026-11-23T02:00:00.000Z";
    c.schema_version = 2;
    c.hash = ChainHash(c);
    return c;
  }

  // Rows in `table` of the hub's database, on the test's own connection.
  int64_t Count(const std::string& table) {
    return testing::HubRowCount(testing::HubLocation(dir_.File("hub.db")), table);
  }

  testing::TempDir dir_;
  FixedClock clock_{ParseUtcMs("2026-11-23T01:00:00Z").value()};
  SecretKeys hub_keys_ = SecretKeys::Generate("HUB");
  SecretKeys s1_keys_ = SecretKeys::Generate("S1");
  std::unique_ptr<edge::Store> store_;
  std::unique_ptr<hub::Hub> hub_;
};

TEST_F(HubIngestTest, AppliesAcknowledgesAndIgnoresAReplay) {
  Book("13800138000", "10:00");
  Book("13900139000", "11:00");
  auto log = Log();
  ASSERT_EQ(log.size(), 4u);  // two customers, two bookings
  std::string sealed = Seal(log, s1_keys_);
  auto ack = hub_->Ingest(sealed);
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(ack->acked_seq, 4);
  EXPECT_EQ(ack->status, "ok");
  EXPECT_EQ(Count("entities"), 4);
  EXPECT_EQ(Count("batch_archive"), 1);
  EXPECT_EQ(hub::queries::ListStores(hub::queries::HubReader(*hub_))->front().last_seq, 4);
  const std::string digest = hub_->StateDigest().value();

  auto again = hub_->Ingest(sealed);  // delivered twice: same effect as once
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->acked_seq, 4);
  EXPECT_EQ(Count("changes"), 4);
  EXPECT_EQ(Count("batch_archive"), 1);
  EXPECT_EQ(hub_->StateDigest().value(), digest);

  // The reply is sealed for the store alone.
  auto reply = hub_->SealReply(ack.value()).value();
  auto opened = OpenEnvelope(reply, s1_keys_, hub_keys_.pub, Direction::kHubToStore);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(std::get<WireAck>(DecodeMessage(opened.value()).value()).acked_seq, 4);
}

TEST_F(HubIngestTest, AHelloTellsTheHubHowMuchIsStillOnItsWay) {
  Book("13800138000", "10:00");
  ASSERT_TRUE(hub_->Ingest(Seal(Log(), s1_keys_)).ok());
  std::string hello = SealEnvelope(EncodeMessage(WireHello{"S1", 4, 10, 0}), s1_keys_,
                                   hub_keys_.pub, Direction::kStoreToHub, "S1");
  auto ack = hub_->Ingest(hello);
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->acked_seq, 2);  // the store learns where the hub stands
  EXPECT_EQ(hub::queries::ListStores(hub::queries::HubReader(*hub_))->front().pending(), 8);
}

TEST_F(HubIngestTest, ResumesFromTheCursorAndReportsAGap) {
  Book("13800138000", "10:00");
  Book("13900139000", "11:00");
  auto log = Log();
  std::vector<ChangeEntry> first(log.begin(), log.begin() + 2), rest(log.begin() + 2, log.end());
  // The second half first: a gap, acknowledged at the cursor so the store resends.
  auto gap = hub_->Ingest(Seal(rest, s1_keys_));
  ASSERT_TRUE(gap.ok());
  EXPECT_EQ(gap->acked_seq, 0);
  EXPECT_EQ(gap->status.rfind("gap: expected seq 1", 0), 0u) << gap->status;
  EXPECT_EQ(hub_->Ingest(Seal(first, s1_keys_))->acked_seq, 2);
  // Overlapping resend (1..4): the known part is checked, the new part applied.
  EXPECT_EQ(hub_->Ingest(Seal(log, s1_keys_))->acked_seq, 4);
  EXPECT_EQ(Count("changes"), 4);
}

TEST_F(HubIngestTest, UnknownStoresAndForgedSignaturesAreRefusedAndLogged) {
  Book("13800138000", "10:00");
  SecretKeys stranger = SecretKeys::Generate("S9");
  auto unknown = hub_->Ingest(Seal(Log(), stranger, "S9"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown store 'S9'"), std::string::npos);
  SecretKeys impostor = SecretKeys::Generate("S1");
  auto forged = hub_->Ingest(Seal(Log(), impostor));
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(Count("changes"), 0);
  auto events = hub_->SecurityLog().value();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, "refused");
  EXPECT_NE(events[1].reason.find("not the allow-listed key"), std::string::npos);
  // No key material in the log.
  for (const auto& e : events) EXPECT_EQ(e.reason.find("secret"), std::string::npos);
}

TEST_F(HubIngestTest, EquivocationRaisesAnAlarmAndChangesNothing) {
  Book("13800138000", "10:00");
  auto log = Log();
  ASSERT_TRUE(hub_->Ingest(Seal(log, s1_keys_)).ok());
  const std::string digest = hub_->StateDigest().value();
  auto other = log;
  other[1].fields_json = R"({"service":"something else"})";
  other[1].hash = ChainHash(other[1]);  // a self-consistent but different seq 2
  auto r = hub_->Ingest(Seal({other[1]}, s1_keys_));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("equivocation"), std::string::npos);
  EXPECT_EQ(hub_->SecurityLog()->back().kind, "alarm");
  EXPECT_EQ(hub_->StateDigest().value(), digest);
}

TEST_F(HubIngestTest, AChangeWithSeqZeroIsRefusedAsMalformedNotAnAlarm) {
  Book("13800138000", "10:00");
  ASSERT_TRUE(hub_->Ingest(Seal(Log(), s1_keys_)).ok());
  const std::string digest = hub_->StateDigest().value();
  // Self-consistent (its hash covers seq 0) and signed by the store's own key.
  ChangeEntry zero = Log()[0];
  zero.seq = 0;
  zero.hash = ChainHash(zero);
  auto r = hub_->Ingest(Seal({zero}, s1_keys_));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("seq 0 is not a sequence number"), std::string::npos)
      << r.status().message();
  auto events = hub_->SecurityLog().value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "refused");  // malformed, not an equivocation alarm
  EXPECT_EQ(events[0].site_id, "S1");
  EXPECT_NE(events[0].reason.find("seq 0 is not a sequence number"), std::string::npos);
  EXPECT_EQ(hub_->StateDigest().value(), digest);
  EXPECT_EQ(Count("changes"), 2);
}

TEST_F(HubIngestTest, AStoreCannotWriteAnotherStoresRows) {
  Book("13800138000", "10:00");
  ASSERT_TRUE(hub_->Ingest(Seal(Log(), s1_keys_)).ok());
  SecretKeys s2 = SecretKeys::Generate("S2");
  ASSERT_TRUE(hub_->AllowStore(s2.pub).ok());
  // S1's booking
  ChangeEntry attack = Handmade("S2", Log()[1].entity_id, "update", R"({"status":"cancelled"})");
  auto r = hub_->Ingest(Seal({attack}, s2, "S2"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("which belongs to 'S1'"), std::string::npos);
  EXPECT_EQ(Count("changes"), 2);
  EXPECT_NE(hub_->SecurityLog()->back().reason.find("belongs to 'S1'"), std::string::npos);
  auto stores = hub::queries::ListStores(hub::queries::HubReader(*hub_)).value();
  EXPECT_EQ(stores[1].last_seq, 0);  // S2 applied nothing
}

TEST_F(HubIngestTest, AStoreCannotInsertOverAnotherStoresId) {
  Book("13800138000", "10:00");
  ASSERT_TRUE(hub_->Ingest(Seal(Log(), s1_keys_)).ok());
  const std::string digest = hub_->StateDigest().value();
  SecretKeys s2 = SecretKeys::Generate("S2");
  ASSERT_TRUE(hub_->AllowStore(s2.pub).ok());
  ChangeEntry attack = Log()[1];  // S1's booking insert, replayed by S2 as its own
  attack.site_id = "S2";
  attack.seq = 1;
  attack.prev_hash = Hash256{};
  attack.fields_json = R"({"store_id":"S2","status":"cancelled"})";
  attack.hash = ChainHash(attack);
  auto r = hub_->Ingest(Seal({attack}, s2, "S2"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("which belongs to 'S1'"), std::string::npos);
  EXPECT_EQ(hub_->StateDigest().value(), digest);
}

TEST_F(HubIngestTest, ABrokenChainIsRefusedWhole) {
  Book("13800138000", "10:00");
  Book("13900139000", "11:00");
  auto log = Log();
  log[2].staff = "edited behind the system's back";  // hash no longer matches
  auto r = hub_->Ingest(Seal(log, s1_keys_));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("seq 3"), std::string::npos);
  EXPECT_EQ(Count("changes"), 0);  // not even the good first two
}

TEST_F(HubIngestTest, AResentChangeAlteredUnderItsOldHashIsRefused) {
  Book("13800138000", "10:00");
  auto log = Log();
  ASSERT_TRUE(hub_->Ingest(Seal(log, s1_keys_)).ok());
  const std::string digest = hub_->StateDigest().value();
  log[1].fields_json = R"({"store_id":"S1","status":"cancelled"})";  // hash left as it was
  auto r = hub_->Ingest(Seal(log, s1_keys_));
  ASSERT_FALSE(r.ok());  // not taken for a harmless replay
  EXPECT_NE(r.status().message().find("seq 2: hash does not match its contents"), std::string::npos)
      << r.status().ToString();
  EXPECT_NE(hub_->SecurityLog()->back().reason.find("seq 2"), std::string::npos);
  EXPECT_EQ(hub_->StateDigest().value(), digest);
}

TEST_F(HubIngestTest, FieldsNamingAKeyTwiceAreRefused) {
  // Readers of the consolidated rows take the first of two equal keys; the
  // owner check would have taken the last: such a change is refused whole.
  SecretKeys s2 = SecretKeys::Generate("S2");
  ASSERT_TRUE(hub_->AllowStore(s2.pub).ok());
  ChangeEntry forged = Handmade("S2", "0b5e2c4a-1111-4222-8333-444455556666", "insert",
                                R"({"store_id":"S1","ref":"X1","store_id":"S2"})");
  auto r = hub_->Ingest(Seal({forged}, s2, "S2"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("fields name 'store_id' twice"), std::string::npos)
      << r.status().ToString();
  EXPECT_EQ(Count("entities"), 0);
  EXPECT_EQ(Count("changes"), 0);
  EXPECT_NE(hub_->SecurityLog()->back().reason.find("twice"), std::string::npos);
  forged.fields_json = R"({"store_id":"S2","ref":"X1"})";  // the same change, well formed
  forged.hash = ChainHash(forged);
  ASSERT_TRUE(hub_->Ingest(Seal({forged}, s2, "S2")).ok());
  EXPECT_EQ(Count("entities"), 1);
}

TEST_F(HubIngestTest, MessagesOpenedAheadOnAnotherThreadAreAppliedInArrivalOrder) {
  Book("13800138000", "10:00");
  Book("13900139000", "11:00");
  auto log = Log();
  std::vector<ChangeEntry> first(log.begin(), log.begin() + 2), rest(log.begin() + 2, log.end());
  SecretKeys impostor = SecretKeys::Generate("S1");
  auto ahead = hub::OpenAhead::Start(hub_->storage(), hub_keys_).value();
  ahead->Push({"a", Seal(first, s1_keys_)});
  ahead->Push({"b", Seal(rest, impostor)});  // forged: refused, nothing applied
  ahead->Push({"c", Seal(rest, s1_keys_)});
  std::vector<std::string> outcomes;
  while (ahead->pending() > 0) {
    auto opened = ahead->Pop(10'000);
    ASSERT_TRUE(opened.has_value());
    auto answer = hub_->Handle(opened->second, opened->first.payload);
    outcomes.push_back(
        opened->first.routing_id + ":" +
        (answer.ok() ? std::to_string(std::get<WireAck>(answer.value()).acked_seq) : "refused"));
  }
  // The second half applies only because the first was applied before it.
  EXPECT_EQ(outcomes, (std::vector<std::string>{"a:2", "b:refused", "c:4"}));
  EXPECT_EQ(Count("changes"), 4);
  EXPECT_NE(hub_->SecurityLog()->back().reason.find("not the allow-listed key"), std::string::npos);
}

TEST_F(HubIngestTest, AStoreOnANewerSchemaIsHeldNotMisread) {
  Book("13800138000", "10:00");
  auto r = hub_->Ingest(Seal(Log(), s1_keys_, "S1", 99));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->acked_seq, 0);
  EXPECT_EQ(r->status.rfind("held: store schema 99", 0), 0u) << r->status;
  EXPECT_EQ(Count("changes"), 0);
}

}  // namespace
}  // namespace outpost
