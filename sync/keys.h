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
  // A move copies the bytes (they are arrays); the source is still wiped when
  // it is destroyed, so moving never leaves a secret behind unwiped.
  SecretKeys(SecretKeys&& other) = default;
  SecretKeys& operator=(SecretKeys&& other) = default;
  ~SecretKeys();

  static SecretKeys Generate(const std::string& site_id);

  PublicKeys pub;
  std::array<uint8_t, 64> sign_sk{};
  std::array<uint8_t, 32> kx_sk{};
};

// Where WriteKeyFiles put a site's keys.
struct KeyFiles {
  std::string secret;  // DIR/SITE.key, 0600
  std::string pub;     // DIR/SITE.pub, 0644
  // With a rotation, the pair it replaced: DIR/SITE.key.old (0600) and
  // DIR/SITE.pub.old. Empty when there was none.
  std::string old_secret, old_pub;
};

// Writes DIR/SITE.key and DIR/SITE.pub. Existing keys are refused (Conflict)
// unless `rotate`; then they are replaced crash-safely:
//   1. the current pair is kept as SITE.key.old (0600) and SITE.pub.old, the
//      public half derived from the secret, so the kept pair always matches;
//   2. the new pair is written to part files, fsynced, and renamed into place,
//      SITE.pub first and SITE.key last, each rename made durable by fsyncing
//      the directory.
// At every instant SITE.key is a whole key, the old one or the new one, and
// the hub still allows the old one: the operator keeps the .old pair until the
// hub has allowed the new one. A rotation while a .old pair is still kept is
// refused (Conflict): it would throw away the pair the hub may still allow.
Result<KeyFiles> WriteKeyFiles(const SecretKeys& keys, const std::string& dir, bool rotate);
Result<SecretKeys> LoadSecretKeys(const std::string& path);
Result<PublicKeys> LoadPublicKeys(const std::string& path);
std::string PublicKeyText(const PublicKeys& keys);

}  // namespace outpost
