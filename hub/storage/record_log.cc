#include "hub/storage/record_log.h"

#include <sodium.h>

namespace outpost::hub::storage {
namespace {

constexpr const char* kRecordNames[] = {
    "hub_outbox",     "identity_rules", "identity_dismissals",
    "identity_links", "security_log",   "store_key_history",
};

void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutString(std::string& out, const std::string& s) {
  PutU64(out, s.size());
  out.append(s);
}

Hash256 Blake2b(const std::string& bytes) {
  Hash256 out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return out;
}

std::string SignedBytes(int64_t seq, const Hash256& head) {
  std::string bytes = "outpost-hub-record-head-v1";
  PutU64(bytes, static_cast<uint64_t>(seq));
  bytes.append(reinterpret_cast<const char*>(head.data()), head.size());
  return bytes;
}

}  // namespace

std::span<const char* const> RecordNames() { return kRecordNames; }

Hash256 RecordContentHash(std::span<const std::optional<std::string>> columns) {
  std::string bytes = "outpost-hub-record-row-v1";
  for (const auto& column : columns) {
    if (!column) {
      bytes.push_back(0);
      continue;
    }
    bytes.push_back(1);
    PutString(bytes, *column);
  }
  return Blake2b(bytes);
}

Hash256 NextRecordHead(const Hash256& prev, int64_t seq, const std::string& table,
                       const std::string& key, const Hash256& content_hash) {
  std::string bytes = "outpost-hub-record-v1";
  bytes.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  PutU64(bytes, static_cast<uint64_t>(seq));
  PutString(bytes, table);
  PutString(bytes, key);
  bytes.append(reinterpret_cast<const char*>(content_hash.data()), content_hash.size());
  return Blake2b(bytes);
}

std::array<uint8_t, 64> SignRecordHead(const SecretKeys& hub, int64_t seq, const Hash256& head) {
  const std::string bytes = SignedBytes(seq, head);
  std::array<uint8_t, 64> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                       hub.sign_sk.data());
  return signature;
}

bool RecordHeadSignatureOk(const PublicKeys& hub, const SignedHead& head) {
  const std::string bytes = SignedBytes(head.index, head.head);
  return crypto_sign_verify_detached(head.signature.data(),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     bytes.size(), hub.sign_pk.data()) == 0;
}

std::string RecordKey(const std::vector<std::string>& parts) {
  std::string key;
  for (const auto& p : parts) key += (key.empty() ? "" : "/") + p;
  return key;
}

}  // namespace outpost::hub::storage
