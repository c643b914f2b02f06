#include "sync/state_digest.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "sync/merge.h"

namespace outpost {

int StateBucket(std::string_view id) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (id.size() >= 2 && hex(id[0]) >= 0 && hex(id[1]) >= 0) return hex(id[0]) * 16 + hex(id[1]);
  // Not a UUID (should not happen): still a stable bucket.
  unsigned char h[1];
  crypto_generichash(h, 1, reinterpret_cast<const unsigned char*>(id.data()), id.size(), nullptr,
                     0);
  return h[0];
}

std::string CanonicalState(const nlohmann::json& fields) {
  if (!fields.is_object()) return fields.dump();
  nlohmann::json out = fields;
  for (auto it = out.begin(); it != out.end(); ++it) {
    if ((IsSetField(it.key()) || it.key() == "phones_removed") && it.value().is_array()) {
      std::sort(it.value().begin(), it.value().end());
    }
  }
  return out.dump();
}

StateDigester::StateDigester() : sums_(kStateBuckets, {0, 0, 0, 0}), counts_(kStateBuckets, 0) {}

void StateDigester::Add(std::string_view entity, std::string_view id, std::string_view canonical) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  for (std::string_view part : {entity, id, canonical}) {
    const uint64_t len = part.size();
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(&len), sizeof len);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  }
  unsigned char h[32];
  crypto_generichash_final(&st, h, sizeof h);
  const int b = StateBucket(id);
  for (size_t lane = 0; lane < 4; ++lane) {
    uint64_t v;
    std::memcpy(&v, h + 8 * lane, 8);
    sums_[b][lane] += v;
  }
  ++counts_[b];
}

std::vector<BucketDigest> StateDigester::Finish() const {
  std::vector<BucketDigest> out(kStateBuckets);
  for (int b = 0; b < kStateBuckets; ++b) {
    out[b].bucket = b;
    out[b].count = counts_[b];
    for (size_t lane = 0; lane < 4; ++lane) {
      std::memcpy(out[b].digest.data() + 8 * lane, &sums_[b][lane], 8);
    }
  }
  return out;
}

}  // namespace outpost
