// Globally unique ids minted offline.
//
// Every customer, vehicle and booking id is a random (version 4) UUID drawn
// from libsodium's CSPRNG: two stores minting ids with no contact never collide
// (122 random bits), so the hub can merge rows by id. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace outpost {

// "0f8e4c2a-9b1d-4e7f-a3c5-6d2b8e1f0a94", lowercase.
std::string NewId();
bool LooksLikeId(std::string_view text);

// A site (store or hub) id: 1-32 ASCII letters, digits, '-' or '_'. It names
// key files and appears in every change, so it is kept plain.
bool IsValidSiteId(std::string_view id);

}  // namespace outpost
