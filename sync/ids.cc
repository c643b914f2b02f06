#include "sync/ids.h"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace outpost {

std::string NewId() {
  return NewIdAt(std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count());
}

std::string NewIdAt(int64_t unix_ms) {
  static const bool sodium_ready = sodium_init() >= 0;
  if (!sodium_ready) std::abort();  // no CSPRNG: minting ids would be unsafe
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  const auto ms = static_cast<uint64_t>(unix_ms);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>((ms >> (8 * (5 - i))) & 0xff);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x70);  // version 7
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 9562 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  return out;
}

std::string ShortId(std::string_view id) {
  return std::string(id.size() > 8 ? id.substr(id.size() - 8) : id);
}

std::string IdMatchSql(const std::string& column) {
  return "(" + column + " >= ?1 AND " + column + " < ?1 || 'g' OR (length(?1) <= 12 AND " +
         column + " LIKE '%' || ?1))";
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
