// Crafted wire bytes for tests and the fuzz corpus (tests/fuzz/make_corpus.cc).
// Not linked into programs.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <kj/io.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "schema/outpost.capnp.h"

namespace outpost::testing {

// The packed bytes of `builder`'s message with a segment table that declares
// a second segment of `unsent_words` words which never follows. Everything a
// decoder needs is in segment 0: only reading the rest finds it missing.
// Empty if the message is not in one segment.
inline std::string PackedWithUnsentSegment(capnp::MessageBuilder& builder,
                                           uint32_t unsent_words = 64) {
  auto segments = builder.getSegmentsForOutput();
  if (segments.size() != 1) return std::string();
  const auto first = segments[0];
  // Segment count minus one, the two sizes in words, padding to a whole word
  // (little-endian, as x86 and ARM store it).
  const uint32_t table[4] = {1, static_cast<uint32_t>(first.size()), unsent_words, 0};
  std::string flat(sizeof table, '\0');
  std::memcpy(flat.data(), table, sizeof table);
  flat.append(reinterpret_cast<const char*>(first.begin()), first.size() * sizeof(capnp::word));
  kj::VectorOutputStream out;
  capnp::_::PackedOutputStream packed(out);
  packed.write(flat.data(), flat.size());
  auto bytes = out.getArray();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

// A Hello from `site_id` that declares a segment of `unsent_words` it never
// sends (with 0, a complete message whose second segment is empty).
inline std::string HelloWithUnsentSegment(const std::string& site_id, uint32_t unsent_words = 64) {
  capnp::MallocMessageBuilder builder(static_cast<capnp::uint>(site_id.size() / 8 + 64));
  auto hello = builder.initRoot<wire::Message>().initHello();
  hello.setSiteId(site_id);
  hello.setSchemaVersion(3);
  hello.setLastSeq(7);
  return PackedWithUnsentSegment(builder, unsent_words);
}

// An Envelope for `site_id` that declares a segment it never sends.
inline std::string EnvelopeWithUnsentSegment(const std::string& site_id) {
  capnp::MallocMessageBuilder builder(static_cast<capnp::uint>(site_id.size() / 8 + 64));
  auto envelope = builder.initRoot<wire::Envelope>();
  envelope.setSiteId(site_id);
  envelope.setKeyId("0123456789abcdef");
  const std::string nonce(24, 'n');
  envelope.setNonce(
      kj::ArrayPtr<const kj::byte>(reinterpret_cast<const kj::byte*>(nonce.data()), nonce.size()));
  return PackedWithUnsentSegment(builder);
}

}  // namespace outpost::testing
