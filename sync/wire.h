// Messages between stores and the hub, and their Cap'n Proto encoding
// (schema/outpost.capnp).
//
// DecodeMessage takes bytes from a peer: it reads them under explicit limits
// (size, traversal, nesting), whole before decoding any of it, catches every
// exception of the generated code (sync/packed_message.h), and turns any
// malformed input into a Corruption status.
// Nothing above it sees an exception. Stateless; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sync/changelog.h"
#include "sync/status.h"

namespace outpost {

struct WireBatch {
  std::string site_id;
  int schema_version = 0;
  std::vector<ChangeEntry> changes;
  int64_t applied_push_seq = 0;
  int64_t applied_profile_seq = 0;
};

struct WirePush {
  int64_t seq = 0;
  std::string request_json;
};

// A unified profile for a store (hub/profiles.h); empty json: withdrawn.
struct WireProfile {
  int64_t seq = 0;
  std::string unified_id;
  std::string profile_json;
};

// The head of the hub's log, signed by the hub (sync/hub_log.h).
struct SignedHead {
  int64_t index = 0;
  Hash256 head{};
  std::array<uint8_t, 64> signature{};
};

struct WireAck {
  std::string site_id;
  int64_t acked_seq = 0;
  Hlc hub_hlc = 0;
  std::string status = "ok";
  std::vector<WirePush> pushes;
  std::optional<SignedHead> hub_head;
  std::vector<WireProfile> profiles;
  // The hub opens zstd-compressed envelopes (sync/envelope.h); older hubs
  // leave it false and stores keep sending theirs uncompressed.
  bool reads_zstd = false;
};

// One accepted batch in the hub's log.
struct HubLogEntry {
  int64_t index = 0;
  std::string site_id;
  int64_t first_seq = 0;
  int64_t last_seq = 0;
  Hash256 envelope_hash{};
};

// A store asking the hub about its own data (verify, rebuild).
struct WireLogRequest {
  std::string site_id;
  int64_t from_seq = 0;  // the store's changes from_seq..to_seq as held at the hub
  int64_t to_seq = 0;    // 0: none
  bool state_digests = false;
  std::vector<int> state_buckets;
  int64_t hub_log_after = 0;
  int hub_log_limit = 0;  // 0: none
};

struct BucketDigest {
  int bucket = 0;
  int64_t count = 0;
  Hash256 digest{};
};

struct StateRow {
  std::string entity;
  std::string entity_id;
  std::string fields_json;
};

struct WireLogReply {
  std::string site_id;
  int64_t last_seq = 0;
  Hash256 last_hash{};
  int64_t applied_push_seq = 0;
  std::vector<ChangeEntry> changes;
  std::vector<BucketDigest> state_digests;
  std::vector<StateRow> state_rows;
  std::vector<HubLogEntry> hub_log;
  std::optional<SignedHead> hub_head;
  std::string status = "ok";
};

struct WireHello {
  std::string site_id;
  int schema_version = 0;
  int64_t last_seq = 0;
  int64_t applied_push_seq = 0;
  int64_t applied_profile_seq = 0;
  // The store's clock when it sent the hello (UTC ms); 0: not said (a store
  // from before the field), so head office records no skew.
  int64_t sent_at_ms = 0;
};

// A walk-in's phone asked of the hub, and its answer.
struct WireLookup {
  std::string site_id;
  std::string phone;
  std::string staff;
};

struct WireLookupReply {
  std::string site_id;
  std::string status = "ok";
  std::vector<WireProfile> profiles;
};

using WireMessage = std::variant<WireBatch, WireAck, WireHello, WireLogRequest, WireLogReply,
                                 WireLookup, WireLookupReply>;

// The largest message a peer may send: 64 MiB.
constexpr size_t kMaxMessageBytes = 64u << 20;

std::string EncodeMessage(const WireMessage& message);
Result<WireMessage> DecodeMessage(std::string_view bytes);

}  // namespace outpost
