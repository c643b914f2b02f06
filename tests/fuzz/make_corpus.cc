// Writes the seed corpus for decoder_fuzzer: valid messages of each kind, a
// sealed envelope, and damaged variants. Run by hand when the protocol changes:
//   build/debug/tests/fuzz/make_decoder_corpus tests/fuzz/corpus/decoder
#include <fstream>
#include <string>

#include "sync/envelope.h"
#include "sync/testing_wire.h"
#include "sync/wire.h"

int main(int argc, char** argv) {
  if (argc != 2) return 1;
  const std::string dir = argv[1];
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
  };
  outpost::WireBatch batch{"S1", 3, {}};
  for (int i = 1; i <= 3; ++i) {
    outpost::ChangeEntry e;
    e.seq = i;
    e.site_id = "S1";
    e.hlc = outpost::MakeHlc(1'795'000'000'000 + i, 0);
    e.entity = "booking";
    e.entity_id = "0f8e4c2a-9b1d-4e7f-a3c5-6d2b8e1f0a9" + std::to_string(i);
    e.op = i == 1 ? "insert" : "update";
    e.fields_json = R"({"status":"confirmed","service":"保养"})";
    e.staff = "SA Zhang";
    if (i == 2) e.business_time = "2026-11-23T01:00:00.000Z";
    e.recorded_at = "2026-11-23T01:00:01.000Z";
    e.schema_version = 3;
    e.hash = outpost::ChainHash(e);
    batch.changes.push_back(e);
  }
  const std::string b = outpost::EncodeMessage(batch);
  write("batch", b);
  write("batch-truncated", b.substr(0, b.size() / 2));
  write("ack", outpost::EncodeMessage(outpost::WireAck{"S1", 42, 7, "ok"}));
  write("hello", outpost::EncodeMessage(outpost::WireHello{"S1", 3, 99}));
  write("empty-batch", outpost::EncodeMessage(outpost::WireBatch{"S1", 3, {}}));
  auto store = outpost::SecretKeys::Generate("S1");
  auto hub = outpost::SecretKeys::Generate("HUB");
  const std::string sealed =
      outpost::SealEnvelope(b, store, hub.pub, outpost::Direction::kStoreToHub, "S1");
  write("envelope", sealed);
  std::string flipped = sealed;
  flipped[flipped.size() / 2] ^= 0x40;
  write("envelope-flipped", flipped);
  write("empty", "");
  // Segment tables declaring a segment that never follows (found by ops/fuzz.sh).
  write("hello-unsent-segment", outpost::testing::HelloWithUnsentSegment("S1"));
  write("envelope-unsent-segment", outpost::testing::EnvelopeWithUnsentSegment("S1"));
  return 0;
}
