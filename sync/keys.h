// Per-site keys: an Ed25519 signing key and an X25519 key-exchange key.
//
// A store signs what it sends with its signing key and derives the batch
// encryption key with libsodium's key exchange (crypto_kx) against the hub's
// public key. Secret keys live in a file only the owner can read (0600; a
// looser file is refused, as ssh does), are wiped from memory when dropped, and
// are never printed or logged: only the public key id is shown.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "sync/status.h"

namespace outpost {

struct PublicKeys {
  std::string site_id;
  std::array<uint8_t, 32> sign_pk{};
  std::array<uint8_t, 32> kx_pk{};
  // 16 hex characters naming the signing key: shown to people, put in envelopes.
  std::string KeyId() const;
};

class SecretKeys {
 public:
  SecretKeys() = default;
  SecretKeys(const SecretKeys& other) = default;
  SecretKeys& operator=(const SecretKeys& other) = default;
  ~SecretKeys();

  static SecretKeys Generate(const std::string& site_id);

  PublicKeys pub;
  std::array<uint8_t, 64> sign_sk{};
  std::array<uint8_t, 32> kx_sk{};
};

// Writes DIR/SITE.key (secret, 0600, never overwritten unless `overwrite`) and
// DIR/SITE.pub (public). Returns the two paths, secret first.
Result<std::pair<std::string, std::string>> WriteKeyFiles(const SecretKeys& keys,
                                                         const std::string& dir, bool overwrite);
Result<SecretKeys> LoadSecretKeys(const std::string& path);
Result<PublicKeys> LoadPublicKeys(const std::string& path);
std::string PublicKeyText(const PublicKeys& keys);

}  // namespace outpost
