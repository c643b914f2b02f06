// Fuzz target: bytes from a peer, as the hub and the stores decode them.
// Built two ways: with clang's libFuzzer (ops/fuzz.sh) to search, and with
// replay_main.cc to replay the corpus as an ordinary test in every ctest run.
// Any crash, sanitizer report or broken invariant below is a bug.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sync/envelope.h"
#include "sync/wire.h"

namespace {

const outpost::SecretKeys& HubKeys() {
  static const outpost::SecretKeys keys = outpost::SecretKeys::Generate("HUB");
  return keys;
}
const outpost::SecretKeys& StoreKeys() {
  static const outpost::SecretKeys keys = outpost::SecretKeys::Generate("S1");
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto message = outpost::DecodeMessage(bytes);
  if (message.ok()) {
    // Whatever decodes must re-encode to something that decodes to the same encoding.
    const std::string once = outpost::EncodeMessage(message.value());
    auto again = outpost::DecodeMessage(once);
    if (!again.ok() || outpost::EncodeMessage(again.value()) != once) std::abort();
  }
  // The envelope path: header peek, then full verification against fixed keys.
  (void)outpost::PeekEnvelope(bytes);
  auto opened =
      outpost::OpenEnvelope(bytes, HubKeys(), StoreKeys().pub, outpost::Direction::kStoreToHub);
  if (opened.ok()) std::abort();  // nobody but the test's own store can sign for it
  return 0;
}
