#include "sync/hub_log.h"

#include <sodium.h>

#include "sync/i18n/messages.h"

namespace outpost {
namespace {

void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string SignedBytes(int64_t index, const Hash256& head) {
  std::string bytes = "outpost-hub-head-v1";
  PutU64(bytes, static_cast<uint64_t>(index));
  bytes.append(reinterpret_cast<const char*>(head.data()), head.size());
  return bytes;
}

}  // namespace

Hash256 NextHubHead(const Hash256& prev, const HubLogEntry& e) {
  std::string bytes = "outpost-hub-log-v1";
  bytes.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  PutU64(bytes, static_cast<uint64_t>(e.index));
  PutU64(bytes, e.site_id.size());
  bytes.append(e.site_id);
  PutU64(bytes, static_cast<uint64_t>(e.first_seq));
  PutU64(bytes, static_cast<uint64_t>(e.last_seq));
  bytes.append(reinterpret_cast<const char*>(e.envelope_hash.data()), e.envelope_hash.size());
  Hash256 out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return out;
}

Hash256 EnvelopeHash(std::string_view envelope) {
  Hash256 out;
  crypto_generichash(out.data(), out.size(),
                     reinterpret_cast<const unsigned char*>(envelope.data()), envelope.size(),
                     nullptr, 0);
  return out;
}

SignedHead SignHubHead(const SecretKeys& hub, int64_t index, const Hash256& head) {
  SignedHead s;
  s.index = index;
  s.head = head;
  const std::string bytes = SignedBytes(index, head);
  crypto_sign_detached(s.signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                       hub.sign_sk.data());
  return s;
}

bool HubHeadSignatureOk(const PublicKeys& hub, const SignedHead& head) {
  const std::string bytes = SignedBytes(head.index, head.head);
  return crypto_sign_verify_detached(head.signature.data(),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     bytes.size(), hub.sign_pk.data()) == 0;
}

Result<Hash256> ExtendHubLog(const SignedHead& start, std::span<const HubLogEntry> entries) {
  Hash256 head = start.head;
  int64_t last = start.index;
  for (const auto& e : entries) {
    if (e.index <= last) {
      return Status::Corruption("hub log: entry " + std::to_string(e.index) + " comes after " +
                                std::to_string(last) + " (reordered or repeated)")
          .WithShown(i18n::Format("hub log: entry {0} comes after {1} (reordered or repeated)",
                                  {std::to_string(e.index), std::to_string(last)}));
    }
    head = NextHubHead(head, e);
    last = e.index;
  }
  return head;
}

}  // namespace outpost
