// Normalisation and validation of what people type at a desk or on paper.
//
// Every function takes raw bytes from a person and returns either the one
// canonical form Outpost stores and matches on, or an InvalidInput status
// naming the field, the value and the reason. Canonical forms:
//   text      valid UTF-8, Unicode NFC, trimmed, inner whitespace runs -> one space
//   phone     E.164 ("+8613800138000"), region default CN, libphonenumber-valid
//   VIN       17 upper-case characters, no I/O/Q, ISO 3779 check digit correct
//   plate     Chinese plate without separators ("京A12345", "粤BD12345")
//   member id upper-case ASCII letters and digits, separators dropped
// Full-width forms (１３８, Ａ) are accepted everywhere. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "sync/status.h"

namespace outpost {

bool IsValidUtf8(std::string_view bytes);

// Free text (names, notes, service). `required` refuses an empty result.
Result<std::string> CleanText(std::string_view field, std::string_view raw, size_t max_chars,
                              bool required);

// Free text of several lines (a booking's notes): as CleanText, but line
// breaks are kept, each as "\n" (CR LF and CR too); spaces at the ends of
// lines and blank lines before the first and after the last line are dropped.
Result<std::string> CleanMultilineText(std::string_view field, std::string_view raw,
                                       size_t max_chars, bool required);

// A key for case- and width-insensitive search: NFKC case-folded, no whitespace.
std::string SearchKey(std::string_view clean_text);

Result<std::string> NormalizePhone(std::string_view raw, std::string_view default_region = "CN");
Result<std::string> NormalizeVin(std::string_view raw);
Result<std::string> NormalizePlate(std::string_view raw);
Result<std::string> NormalizeMemberId(std::string_view raw);

// Part of a phone as staff type it to look a customer up ("8000", the last
// four digits on the paper sheet; "138 0013"): its digits, full-width folded,
// spaces, dashes, dots and brackets dropped. Empty unless the text is only
// digits and separators with at least four digits (fewer match too many).
std::string PhoneDigitsFragment(std::string_view raw);
// Part of a plate as staff type it ("京A", "a123", "京A·12"): compacted and
// upper-cased as NormalizePlate does, so it is a substring of the stored
// plate it names. Empty unless every character may appear in a plate and
// there are at least two of them.
std::string PlateFragment(std::string_view raw);

// Text made safe inside HTML element content and quoted attributes
// (& < > " ' escaped): the one escape of every page and report written as
// HTML (the paper sheet, the month report, the web console).
std::string EscapeHtml(std::string_view text);

// "+8613800138000" -> "138 0013 8000" (national format, for display).
std::string FormatPhoneForDisplay(const std::string& e164);
// A phone as a reader who does not need all of it sees it: its last four
// digits ("***8000"); a text of four characters or fewer as it is.
std::string MaskedPhone(const std::string& phone);
// "京A12345" -> "京A·12345".
std::string FormatPlateForDisplay(const std::string& plate);

}  // namespace outpost
