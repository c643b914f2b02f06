// Globally unique ids minted offline.
//
// Every customer, vehicle and booking id is a time-ordered (version 7, RFC
// 9562) UUID: the minting clock's milliseconds, then 74 bits from libsodium's
// CSPRNG, so two stores minting ids with no contact never collide and the hub
// can merge rows by id. Time first keeps the hub's tables, keyed by id, growing
// at one end: random (version 4) ids, which older stores minted and which stay
// valid, scatter every insert across the whole table (docs/PERFORMANCE.md).
// Staff see and type the last 8 digits (ShortId), the random part: ids minted
// in the same minute share their first 8. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace outpost {

// "019ab2c4-7d1e-7f3a-a3c5-6d2b8e1f0a94", lowercase.
std::string NewId();
// The same, as minted at `unix_ms` (a store replaying its clock; benchmarks).
std::string NewIdAt(int64_t unix_ms);
// The last 8 hex digits: how an id is shown to staff.
std::string ShortId(std::string_view id);
// An SQL condition on `column` matching a typed id bound as ?1: its start (a
// whole id, or its first digits) or, for up to 12 characters, its end (a
// ShortId as shown).
std::string IdMatchSql(const std::string& column);
bool LooksLikeId(std::string_view text);

// A site (store or hub) id: 1-32 ASCII letters, digits, '-' or '_'. It names
// key files and appears in every change, so it is kept plain.
bool IsValidSiteId(std::string_view id);

}  // namespace outpost
