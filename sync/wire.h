// Messages between stores and the hub, and their Cap'n Proto encoding
// (schema/outpost.capnp).
//
// DecodeMessage takes bytes from a peer: it reads them under explicit limits
// (size, traversal, nesting), catches every exception of the generated code in
// this one function, and turns any malformed input into a Corruption status.
// Nothing above it sees an exception. Stateless; thread-safe.
#pragma once

#include <cstdint>
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
};

struct WirePush {
  int64_t seq = 0;
  std::string request_json;
};

struct WireAck {
  std::string site_id;
  int64_t acked_seq = 0;
  Hlc hub_hlc = 0;
  std::string status = "ok";
  std::vector<WirePush> pushes;
};

struct WireHello {
  std::string site_id;
  int schema_version = 0;
  int64_t last_seq = 0;
  int64_t applied_push_seq = 0;
};

using WireMessage = std::variant<WireBatch, WireAck, WireHello>;

// The largest message a peer may send: 64 MiB.
constexpr size_t kMaxMessageBytes = 64u << 20;

std::string EncodeMessage(const WireMessage& message);
Result<WireMessage> DecodeMessage(std::string_view bytes);

}  // namespace outpost
