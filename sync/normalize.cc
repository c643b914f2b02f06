#include "sync/normalize.h"

#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <array>
#include <unordered_map>

#include "sync/i18n/messages.h"

namespace outpost {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

// Quoted back to the user in error messages: printable, bounded, never raw bytes.
std::string Quote(std::string_view raw) {
  std::string out = "'";
  const bool utf8 = IsValidUtf8(raw);
  size_t shown = 0;
  for (unsigned char c : raw) {
    if (++shown > 64) {
      out += "...";
      break;
    }
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "'";
}

// "phone: '12345' is not a valid ...": the English reason, and the same
// reason in the process's language (i18n) for the person who typed it.
Status Invalid(std::string_view field, std::string_view raw, std::string_view reason,
               std::string_view shown_reason) {
  return Status::InvalidInput(std::string(field) + ": " + Quote(raw) + " " + std::string(reason))
      .WithShown(i18n::Format("{0}: {1} {2}", {field, Quote(raw), shown_reason}));
}

std::string ToUtf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// NFKC folds full-width letters and digits to ASCII and the ideographic space
// to a space; it leaves CJK characters as they are.
Result<icu::UnicodeString> Nfkc(std::string_view field, std::string_view raw) {
  if (!IsValidUtf8(raw))
    return Invalid(field, raw, "is not valid UTF-8", i18n::Tr("is not valid UTF-8"));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return Status::IoError("ICU NFKC data unavailable");
  icu::UnicodeString out = nfkc->normalize(
      icu::UnicodeString::fromUTF8(icu::StringPiece(raw.data(), static_cast<int32_t>(raw.size()))),
      status);
  if (U_FAILURE(status))
    return Invalid(field, raw, "could not be normalised", i18n::Tr("could not be normalised"));
  return out;
}

// Keeps only what `keep` accepts after NFKC and upper-casing, skipping separators.
Result<std::string> CompactUpper(std::string_view field, std::string_view raw) {
  ASSIGN_OR_RETURN(icu::UnicodeString s, Nfkc(field, raw));
  s.toUpper(icu::Locale::getRoot());
  icu::UnicodeString compact;
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c) || c == '-' || c == '.' || c == 0x00B7 /*·*/ || c == 0x2022 /*•*/ ||
        c == 0x30FB /*・*/ || c == 0x2027 /*‧*/) {
      continue;
    }
    compact.append(c);
  }
  return ToUtf8(compact);
}

}  // namespace

static Result<std::string> NormalizePhoneUncached(std::string_view raw,
                                                  std::string_view default_region);

bool IsValidUtf8(std::string_view bytes) {
  int32_t i = 0;
  const auto* s = reinterpret_cast<const uint8_t*>(bytes.data());
  const auto n = static_cast<int32_t>(bytes.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) return false;
  }
  return true;
}

namespace {

// A line break as people's editors and spreadsheets write one; CR LF is one.
bool IsLineBreak(UChar32 c) {
  return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x85 || c == 0x2028 ||
         c == 0x2029;
}

// CleanText, and with `keep_line_breaks` CleanMultilineText.
Result<std::string> Clean(std::string_view field, std::string_view raw, size_t max_chars,
                          bool required, bool keep_line_breaks) {
  if (!IsValidUtf8(raw))
    return Invalid(field, raw, "is not valid UTF-8", i18n::Tr("is not valid UTF-8"));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return Status::IoError("ICU NFC data unavailable");
  icu::UnicodeString s = nfc->normalize(
      icu::UnicodeString::fromUTF8(icu::StringPiece(raw.data(), static_cast<int32_t>(raw.size()))),
      status);
  if (U_FAILURE(status))
    return Invalid(field, raw, "could not be normalised", i18n::Tr("could not be normalised"));
  icu::UnicodeString out;
  // Whitespace is written only before the next visible character: none at
  // the start or the end, none at the end of a line or the start of the next.
  bool pending_space = false;
  int pending_breaks = 0;
  int32_t chars = 0;
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (keep_line_breaks && IsLineBreak(c)) {
      if (c == '\r' && i < s.length() && s.char32At(i) == '\n') ++i;
      if (!out.isEmpty()) ++pending_breaks;
      pending_space = false;
      continue;
    }
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.isEmpty() && pending_breaks == 0;
      continue;
    }
    if (u_iscntrl(c) || u_charType(c) == U_FORMAT_CHAR) {
      return Invalid(field, raw, "contains a control character",
                     i18n::Tr("contains a control character"));
    }
    for (; pending_breaks > 0; --pending_breaks, ++chars) out.append(UChar32{'\n'});
    if (pending_space) {
      out.append(UChar32{' '});
      ++chars;
      pending_space = false;
    }
    out.append(c);
    ++chars;
  }
  if (required && out.isEmpty())
    return Invalid(field, raw, "must not be empty", i18n::Tr("must not be empty"));
  if (static_cast<size_t>(chars) > max_chars) {
    return Invalid(field, raw, "is longer than " + std::to_string(max_chars) + " characters",
                   i18n::Format("is longer than {0} characters", {std::to_string(max_chars)}));
  }
  return ToUtf8(out);
}

}  // namespace

Result<std::string> CleanText(std::string_view field, std::string_view raw, size_t max_chars,
                              bool required) {
  return Clean(field, raw, max_chars, required, /*keep_line_breaks=*/false);
}

Result<std::string> CleanMultilineText(std::string_view field, std::string_view raw,
                                       size_t max_chars, bool required) {
  return Clean(field, raw, max_chars, required, /*keep_line_breaks=*/true);
}

std::string SearchKey(std::string_view clean_text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(clean_text.data(), static_cast<int32_t>(clean_text.size())));
  if (U_SUCCESS(status)) s = fold->normalize(s, status);
  icu::UnicodeString out;
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (!u_isUWhiteSpace(c)) out.append(c);
  }
  return ToUtf8(out);
}

Result<std::string> NormalizePhone(std::string_view raw, std::string_view default_region) {
  // libphonenumber's regex validation is the dearest step of a booking, and the
  // same number is usually normalised twice in one request (looked up, then
  // written). The function is pure, so a small per-thread memo is safe; the
  // language is in the key because a refusal's shown() is in it.
  thread_local std::unordered_map<std::string, Result<std::string>> memo;
  const std::string prefix =
      std::string(i18n::CurrentLanguage() == i18n::Language::kEnglish ? "en\n" : "zh\n") +
      std::string(default_region) + '\n';
  std::string key = prefix + std::string(raw);
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  Result<std::string> result = NormalizePhoneUncached(raw, default_region);
  if (memo.size() >= 256) memo.clear();
  memo.emplace(std::move(key), result);
  // The canonical form normalises to itself: callers often pass it back in
  // (match, then insert), and need not pay for a second parse.
  if (result.ok()) memo.emplace(prefix + result.value(), result);
  return result;
}

static Result<std::string> NormalizePhoneUncached(std::string_view raw,
                                                  std::string_view default_region) {
  constexpr std::string_view kField = "phone";
  ASSIGN_OR_RETURN(icu::UnicodeString folded, Nfkc(kField, raw));
  std::string text = ToUtf8(folded);
  // libphonenumber would read letters as a vanity number (1-800-FLOWERS);
  // at a desk a letter in a phone number is a typo.
  for (char c : text) {
    if (!(c >= '0' && c <= '9') && c != '+' && c != ' ' && c != '-' && c != '(' && c != ')' &&
        c != '.') {
      return Invalid(kField, raw, "contains characters that are not part of a phone number",
                     i18n::Tr("contains characters that are not part of a phone number"));
    }
  }
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util->Parse(text, std::string(default_region), &number) !=
          PhoneNumberUtil::NO_PARSING_ERROR ||
      !util->IsValidNumber(number)) {
    return Invalid(kField, raw,
                   "is not a valid phone number (region " + std::string(default_region) + ")",
                   i18n::Format("is not a valid phone number (region {0})", {default_region}));
  }
  std::string e164;
  util->Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

std::string FormatPhoneForDisplay(const std::string& e164) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util->Parse(e164, "CN", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return e164;
  std::string out;
  util->Format(
      number,
      number.country_code() == 86 ? PhoneNumberUtil::NATIONAL : PhoneNumberUtil::INTERNATIONAL,
      &out);
  return out;
}

Result<std::string> NormalizeVin(std::string_view raw) {
  constexpr std::string_view kField = "vin";
  ASSIGN_OR_RETURN(std::string vin, CompactUpper(kField, raw));
  if (vin.size() != 17)
    return Invalid(kField, raw, "must have 17 characters", i18n::Tr("must have 17 characters"));
  // ISO 3779 transliteration; I, O and Q are never used in a VIN.
  static constexpr std::array<int, 26> kLetterValue = {1, 2,  3, 4,  5, 6, 7, 8, -1, 1, 2, 3, 4,
                                                       5, -1, 7, -1, 9, 2, 3, 4, 5,  6, 7, 8, 9};
  static constexpr std::array<int, 17> kWeight = {8, 7, 6, 5, 4, 3, 2, 10, 0,
                                                  9, 8, 7, 6, 5, 4, 3, 2};
  int sum = 0;
  for (size_t i = 0; i < vin.size(); ++i) {
    char c = vin[i];
    int value;
    if (c >= '0' && c <= '9') {
      value = c - '0';
    } else if (c >= 'A' && c <= 'Z' && kLetterValue[c - 'A'] >= 0) {
      value = kLetterValue[c - 'A'];
    } else {
      return Invalid(kField, raw,
                     "has an invalid character at position " + std::to_string(i + 1) +
                         " (only 0-9 and A-Z without I, O, Q)",
                     i18n::Format("has an invalid character at position {0} (only 0-9 and A-Z "
                                  "without I, O, Q)",
                                  {std::to_string(i + 1)}));
    }
    sum += value * kWeight[i];
  }
  int check = sum % 11;
  char expected = check == 10 ? 'X' : static_cast<char>('0' + check);
  if (vin[8] != expected) {
    return Invalid(kField, raw,
                   std::string("fails the check digit (position 9 should be '") + expected + "')",
                   i18n::Format("fails the check digit (position 9 should be '{0}')",
                                {std::string(1, expected)}));
  }
  return vin;
}

Result<std::string> NormalizePlate(std::string_view raw) {
  constexpr std::string_view kField = "plate";
  ASSIGN_OR_RETURN(std::string compact, CompactUpper(kField, raw));
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(compact);
  // Province (or embassy / consulate) abbreviations that open a mainland plate.
  static const icu::UnicodeString kProvinces = icu::UnicodeString::fromUTF8(
      "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领");
  static const icu::UnicodeString kSuffixes = icu::UnicodeString::fromUTF8("挂学警港澳领试超");
  const int32_t n = s.countChar32();
  if (n < 7 || n > 8) {
    return Invalid(kField, raw, "is not a mainland plate (e.g. 京A·12345 or 粤B·D12345)",
                   i18n::Tr("is not a mainland plate (e.g. 京A·12345 or 粤B·D12345)"));
  }
  if (kProvinces.indexOf(s.char32At(0)) < 0) {
    return Invalid(kField, raw, "does not start with a province abbreviation such as 京 or 粤",
                   i18n::Tr("does not start with a province abbreviation such as 京 or 粤"));
  }
  int32_t offset = s.moveIndex32(0, 1);
  UChar32 authority = s.char32At(offset);
  if (authority < 'A' || authority > 'Z') {
    return Invalid(kField, raw, "must have a letter after the province (e.g. 京A)",
                   i18n::Tr("must have a letter after the province (e.g. 京A)"));
  }
  for (int32_t k = 2; k < n; ++k) {
    offset = s.moveIndex32(0, k);
    UChar32 c = s.char32At(offset);
    bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
    if (alnum && c != 'I' && c != 'O') continue;
    if (k == n - 1 && kSuffixes.indexOf(c) >= 0) continue;
    return Invalid(
        kField, raw, "has an invalid character at position " + std::to_string(k + 1),
        i18n::Format("has an invalid character at position {0}", {std::to_string(k + 1)}));
  }
  return compact;
}

std::string PhoneDigitsFragment(std::string_view raw) {
  auto folded = Nfkc("phone", raw);
  if (!folded.ok()) return {};
  std::string digits;
  for (char c : ToUtf8(folded.value())) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '+') {
      return {};
    }
  }
  return digits.size() >= 4 ? digits : std::string();
}

std::string PlateFragment(std::string_view raw) {
  auto compact = CompactUpper("plate", raw);
  if (!compact.ok()) return {};
  static const icu::UnicodeString kPlateHan = icu::UnicodeString::fromUTF8(
      "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领挂学警港澳试超");
  const icu::UnicodeString s = icu::UnicodeString::fromUTF8(compact.value());
  if (s.countChar32() < 2) return {};
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
    if (!alnum && kPlateHan.indexOf(c) < 0) return {};
  }
  return compact.value();
}

std::string FormatPlateForDisplay(const std::string& plate) {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(plate);
  if (s.countChar32() < 3) return plate;
  int32_t split = s.moveIndex32(0, 2);
  return ToUtf8(icu::UnicodeString(s, 0, split) + icu::UnicodeString::fromUTF8("·") +
                icu::UnicodeString(s, split));
}

Result<std::string> NormalizeMemberId(std::string_view raw) {
  constexpr std::string_view kField = "member id";
  ASSIGN_OR_RETURN(std::string id, CompactUpper(kField, std::string(raw)));
  // CompactUpper drops '-' separators; member ids are compared without them.
  if (id.size() < 3 || id.size() > 32)
    return Invalid(kField, raw, "must have 3 to 32 characters",
                   i18n::Tr("must have 3 to 32 characters"));
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) {
      return Invalid(kField, raw, "may hold only letters and digits",
                     i18n::Tr("may hold only letters and digits"));
    }
  }
  return id;
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string MaskedPhone(const std::string& phone) {
  return phone.size() > 4 ? "***" + phone.substr(phone.size() - 4) : phone;
}

}  // namespace outpost
