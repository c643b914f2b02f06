// Digests of entity state over buckets of ids: how a store and the hub compare
// a million rows by exchanging 256 digests, then fetch only the buckets that
// differ.
//
// An entity's state is its fields as the merge rules fold them from its
// change-log entries (sync/merge.h), in a canonical text: keys sorted, set
// fields sorted. A bucket's digest is order-independent (the lane-wise sum of
// each row's BLAKE2b-256), so either side can feed rows in any order.
// Thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sync/wire.h"

namespace outpost {

constexpr int kStateBuckets = 256;

// The bucket of an id: its first two hex digits (ids are random UUIDs).
int StateBucket(std::string_view entity_id);

// Sorted keys (nlohmann's objects are ordered), set fields' arrays sorted.
std::string CanonicalState(const nlohmann::json& fields);

class StateDigester {
 public:
  StateDigester();
  void Add(std::string_view entity, std::string_view entity_id, std::string_view canonical);
  // Every bucket, empty ones included, by bucket number.
  std::vector<BucketDigest> Finish() const;

 private:
  std::vector<std::array<uint64_t, 4>> sums_;
  std::vector<int64_t> counts_;
};

}  // namespace outpost
