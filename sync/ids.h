// Globally unique ids minted offline.
//
// Every customer, vehicle, booking and case id is a UUID of version 8 (RFC
// 9562, custom layout) that sorts by the store that minted it, then by time:
//   32 bits  site tag: the first 4 bytes of BLAKE2b(site id)
//   48 bits  the minting clock's milliseconds (version and variant bits between)
//   42 bits  from libsodium's CSPRNG
// Two stores never collide (different tags, or the same tag and 42 random bits
// in the same millisecond), so the hub can merge rows by id. The order keeps
// every table keyed by id growing at one end per store: a store's batch at the
// hub lands on that store's last pages however many stores send at once. Time
// alone (version 7) interleaved the stores of a busy day on every page, and
// random (version 4) ids scatter inserts across the whole table
// (docs/PERFORMANCE.md); ids of both kinds, minted by older stores, stay
// valid. Staff see and type the last 8 digits (ShortId), all random: a
// store's ids share their first 8 (and nearer in time, more).
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace outpost {

// "5c1f09a2-019a-8b2c-87d1-e3a5c6d2b8e1", lowercase, minted for `site` now.
std::string NewId(std::string_view site);
// The same, as minted at `unix_ms` (a store's own clock; benchmarks).
std::string NewIdAt(std::string_view site, int64_t unix_ms);
// 16 bytes as a UUID's 36 characters, lowercase.
std::string FormatUuid(const unsigned char (&bytes)[16]);
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
