// Checks shared by the outbound and inbound halves of the relay protocol:
// addresses (E.164 phones, WeChat ids), UTF-8 text, and a printable excerpt of
// bytes from a peer for an error message. Internal to outpost_delivery.
// Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace outpost::delivery {

// "+" then 8 to 15 digits, the first not 0.
bool IsE164(std::string_view text);
// 1 to 64 of ASCII letters, digits, '_' and '-', the first a letter.
bool IsWeChatId(std::string_view text);
// Well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool IsUtf8(std::string_view text);
// At most `max_bytes` of `bytes` for an error message, control bytes shown as
// '?', cut on a UTF-8 boundary, "..." appended when cut.
std::string Excerpt(std::string_view bytes, size_t max_bytes);
// `text` in single quotes, as an excerpt of at most 80 bytes.
std::string Quoted(std::string_view text);

}  // namespace outpost::delivery
