// The hub's own log: a BLAKE2b hash chain over every batch the hub accepted,
// from any store, in the order it accepted them, and the hub's signature on
// each head.
//
//   head(0) = 32 zero bytes
//   head(i) = BLAKE2b-256("outpost-hub-log-v1" || head(i-1) || u64 index ||
//                         site || u64 first_seq || u64 last_seq || envelope_hash)
//   signature(i) = Ed25519(hub signing key, "outpost-hub-head-v1" || u64 index || head(i))
//
// A store keeps signed heads it is sent. Given the entries after a head it
// holds, anyone can recompute the chain up to a later head: if the hub ever
// changed or removed a batch it had accepted, its later heads could not extend
// the heads the stores kept. docs/AUDIT.md. Pure functions; thread-safe.
#pragma once

#include <span>

#include "sync/keys.h"
#include "sync/wire.h"

namespace outpost {

Hash256 NextHubHead(const Hash256& prev, const HubLogEntry& entry);
Hash256 EnvelopeHash(std::string_view envelope);

SignedHead SignHubHead(const SecretKeys& hub, int64_t index, const Hash256& head);
bool HubHeadSignatureOk(const PublicKeys& hub, const SignedHead& head);

// Recomputes the chain from `start` (a head the caller trusts) over `entries`,
// which must follow it with rising indexes. Returns the head after the last
// entry; corruption names the entry that does not fit.
Result<Hash256> ExtendHubLog(const SignedHead& start, std::span<const HubLogEntry> entries);

}  // namespace outpost
