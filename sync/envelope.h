// Envelopes: every message between a store and the hub, signed by its sender
// and encrypted to its recipient, on top of CURVE on the socket.
//
//   session keys  libsodium crypto_kx: the store is the client, the hub the server
//   encryption    XChaCha20-Poly1305 (IETF), random 24-byte nonce, header as AD
//   signature     Ed25519 by the sender over header, nonce and ciphertext
//   compression   optionally zstd before encryption (a store's batches, once
//                 the hub said it reads them); said in the signed header
// The recipient checks the signature with the sender's allow-listed public key
// before it decrypts anything, and decompresses only a frame that declares a
// size within kMaxMessageBytes. Byte layout: docs/PROTOCOL.md. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sync/keys.h"
#include "sync/status.h"

namespace outpost {

enum class Direction : uint8_t { kStoreToHub = 0, kHubToStore = 1 };
enum class Compression : uint8_t { kNone = 0, kZstd = 1 };

struct EnvelopeHeader {
  std::string site_id;  // the store this envelope is from (to the hub) or for (from the hub)
  std::string key_id;   // the sender's signing key id
  Direction direction = Direction::kStoreToHub;
  Compression compression = Compression::kNone;
};

// `store_site` names the store end of the conversation, whichever side sends.
// kZstd only for a recipient known to read it (WireAck::reads_zstd).
std::string SealEnvelope(std::string_view message, const SecretKeys& sender,
                         const PublicKeys& recipient, Direction direction,
                         const std::string& store_site,
                         Compression compression = Compression::kNone);

// Reads the unauthenticated header, to find whose keys to check it with.
Result<EnvelopeHeader> PeekEnvelope(std::string_view bytes);

// Verifies only the sender's signature (no secret key needed): how an auditor
// checks an archived envelope came from the store it names.
Status VerifyEnvelopeSignature(std::string_view bytes, const PublicKeys& sender);

// Verifies the signature with `sender` and decrypts with `own`. Corruption
// names what failed (bad signature, wrong key, cannot decrypt, malformed).
Result<std::string> OpenEnvelope(std::string_view bytes, const SecretKeys& own,
                                 const PublicKeys& sender, Direction expected);

}  // namespace outpost
