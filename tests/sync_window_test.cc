// A store with more than one batch waiting keeps two in flight, so the hub can
// open the next while it applies one: the real store, hub and sync steps with
// sealed envelopes, the network played by the test (one batch is lost).
#include <gtest/gtest.h>

#include "sync/envelope.h"
#include "tests/hub_and_stores.h"

namespace outpost {
namespace {

class SyncWindowTest : public testing::HubAndStores {
 protected:
  void SetUp() override { OpenSites({"S1"}); }

  // `n` bookings for new customers, numbered from `first`.
  void Book(int n, int first = 0) {
    for (int i = first; i < first + n; ++i) {
      edge::BookingRequest r;
      r.customer = "1380013" + std::to_string(8000 + i);
      r.create_customer = edge::NewCustomer{"C" + std::to_string(i), {r.customer}};
      r.date = "+" + std::to_string(1 + i);  // a day each: no slot fills
      r.time = "10:00";
      r.staff = "SA";
      ASSERT_TRUE(stores_["S1"]->Book(r).ok());
    }
  }

  // The seqs a sealed message carries, as the hub reads them (empty: a hello).
  std::pair<int64_t, int64_t> Seqs(const std::string& sealed) {
    auto plain = OpenEnvelope(sealed, hub_keys_, keys_.at("S1").pub, Direction::kStoreToHub);
    const WireMessage message = DecodeMessage(plain.value()).value();
    const auto* batch = std::get_if<WireBatch>(&message);
    if (!batch) return {0, 0};
    return {batch->changes.front().seq, batch->changes.back().seq};
  }

  // Delivers one message to the hub and its answer back: the ack's status.
  std::string Deliver(const std::string& sealed) {
    auto answer = hub_->Handle(sealed);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_TRUE(clients_["S1"]->HandleReply(hub_->SealReply(answer.value(), "S1").value()).value());
    return std::get<WireAck>(answer.value()).status;
  }

  int64_t Acked() { return stores_["S1"]->SyncState().value().hub_acked_seq; }
};

TEST_F(SyncWindowTest, TwoBatchesGoOutAtOnceAndALostOneIsResentNeverSkipped) {
  auto& client = *clients_["S1"];
  client.SetBatchSize(4);
  Book(8);  // 17 changes: the store's calendar (seq 1, logged when sync starts), then a
            // customer and a booking each

  auto round = client.NextMessages().value();
  ASSERT_EQ(round.size(), 2u);
  EXPECT_EQ(Seqs(round[0]), std::make_pair(int64_t{1}, int64_t{4}));
  EXPECT_EQ(Seqs(round[1]), std::make_pair(int64_t{5}, int64_t{8}));
  EXPECT_EQ(Deliver(round[0]), "ok");
  EXPECT_EQ(Deliver(round[1]), "ok");
  EXPECT_EQ(Acked(), 8);

  // The first of the next two is lost: the second is not applied out of order,
  // and the store learns where the hub stands.
  round = client.NextMessages().value();
  ASSERT_EQ(round.size(), 2u);
  EXPECT_EQ(Deliver(round[1]).rfind("gap: expected seq 9", 0), 0u);
  EXPECT_EQ(Acked(), 8);
  EXPECT_EQ(StoresAtHub().front().last_seq, 8);

  // The next round resends from the hub's cursor.
  round = client.NextMessages().value();
  ASSERT_EQ(round.size(), 2u);
  EXPECT_EQ(Seqs(round[0]), std::make_pair(int64_t{9}, int64_t{12}));
  EXPECT_EQ(Deliver(round[0]), "ok");
  EXPECT_EQ(Deliver(round[1]), "ok");
  EXPECT_EQ(Acked(), 16);
  round = client.NextMessages().value();
  ASSERT_EQ(round.size(), 1u);
  EXPECT_EQ(Seqs(round[0]), std::make_pair(int64_t{17}, int64_t{17}));
  EXPECT_EQ(Deliver(round[0]), "ok");
  const auto status = stores_["S1"]->SyncState().value();
  EXPECT_EQ(StoresAtHub().front().last_hash, status.log_head);  // the same log, end to end

  // Nothing waiting: one hello.
  round = client.NextMessages().value();
  ASSERT_EQ(round.size(), 1u);
  EXPECT_EQ(Seqs(round[0]), std::make_pair(int64_t{0}, int64_t{0}));
}

TEST_F(SyncWindowTest, BatchesAreCompressedOnlyOnceTheHubSaysItReadsThem) {
  auto& client = *clients_["S1"];
  auto compression = [](const std::string& sealed) {
    return PeekEnvelope(sealed).value().compression;
  };
  Book(2);
  // A store that has never heard from this hub cannot know it reads them.
  auto round = client.NextMessages().value();
  ASSERT_EQ(round.size(), 1u);
  EXPECT_EQ(compression(round[0]), Compression::kNone);
  EXPECT_EQ(Deliver(round[0]), "ok");
  EXPECT_TRUE(stores_["S1"]->SyncState().value().hub_reads_zstd);

  // It said so: the next batch goes compressed and is applied like any other.
  Book(2, 2);
  round = client.NextMessages().value();
  ASSERT_EQ(round.size(), 1u);
  EXPECT_EQ(compression(round[0]), Compression::kZstd);
  EXPECT_EQ(Seqs(round[0]), std::make_pair(int64_t{6}, int64_t{9}));  // after the calendar
  EXPECT_EQ(Deliver(round[0]), "ok");
  EXPECT_EQ(Acked(), 9);
  // A hello stays uncompressed, whatever hub answers it.
  round = client.NextMessages().value();
  EXPECT_EQ(compression(round[0]), Compression::kNone);

  // An answer from a hub that does not say it (an older hub, restored in its
  // place): the store goes back to uncompressed batches.
  WireMessage answer = hub_->Handle(round[0]).value();
  std::get<WireAck>(answer).reads_zstd = false;
  ASSERT_TRUE(client.HandleReply(hub_->SealReply(answer, "S1").value()).value());
  Book(1, 4);
  round = client.NextMessages().value();
  EXPECT_EQ(compression(round[0]), Compression::kNone);
  EXPECT_EQ(Deliver(round[0]), "ok");
  EXPECT_EQ(Acked(), 11);
}

}  // namespace
}  // namespace outpost
