#include "sync/ids.h"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace outpost {

std::string NewId(std::string_view site) {
  return NewIdAt(site, std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
}

std::string NewIdAt(std::string_view site, int64_t unix_ms) {
  static const bool sodium_ready = sodium_init() >= 0;
  if (!sodium_ready) std::abort();  // no CSPRNG: minting ids would be unsafe
  unsigned char b[16];
  crypto_generichash(b, 4, reinterpret_cast<const unsigned char*>(site.data()), site.size(),
                     nullptr, 0);
  randombytes_buf(b + 10, 6);
  const auto ms = static_cast<uint64_t>(unix_ms) & 0xffff'ffff'ffffULL;
  // The 48 bits of milliseconds in order around the version (byte 6, high
  // nibble) and variant (byte 8, top two bits), so ids compare as their time.
  b[4] = static_cast<unsigned char>(ms >> 40);
  b[5] = static_cast<unsigned char>(ms >> 32);
  b[6] = static_cast<unsigned char>(0x80 | ((ms >> 28) & 0x0f));  // version 8
  b[7] = static_cast<unsigned char>(ms >> 20);
  b[8] = static_cast<unsigned char>(0x80 | ((ms >> 14) & 0x3f));  // RFC 9562 variant
  b[9] = static_cast<unsigned char>(ms >> 6);
  b[10] = static_cast<unsigned char>(((ms & 0x3f) << 2) | (b[10] & 0x03));
  return FormatUuid(b);
}

std::string FormatUuid(const unsigned char (&b)[16]) {
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

std::string ShortId(std::string_view id) {
  return std::string(id.size() > 8 ? id.substr(id.size() - 8) : id);
}

std::string IdMatchSql(const std::string& column) {
  return "(" + column + " >= ?1 AND " + column + " < ?1 || 'g' OR (length(?1) <= 12 AND " + column +
         " LIKE '%' || ?1))";
}

bool LooksLikeId(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool IsValidSiteId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace outpost
