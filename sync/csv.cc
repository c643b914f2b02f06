#include "sync/csv.h"

#include <unicode/ucnv.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <cstdio>
#include <memory>

#include "sync/i18n/messages.h"

namespace outpost::csv {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// "0xC4 0x2C": the n bytes from `offset` (fewer at the end), for a message.
std::string HexBytes(std::string_view bytes, size_t offset, size_t n) {
  std::string out;
  for (size_t i = offset; i < bytes.size() && i < offset + n; ++i) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%s0x%02X", out.empty() ? "" : " ",
                  static_cast<unsigned char>(bytes[i]));
    out += buf;
  }
  return out;
}

struct Utf8Scan {
  size_t first_invalid = std::string_view::npos;  // byte offset
  size_t first_invalid_len = 0;                   // its length in bytes
  size_t invalid = 0;                             // ill-formed sequences
  size_t multibyte = 0;                           // well-formed sequences beyond ASCII
};

// Callers keep bytes under kMaxInputBytes, so int32_t offsets suffice for ICU.
Utf8Scan ScanUtf8(std::string_view bytes) {
  Utf8Scan scan;
  const auto* s = reinterpret_cast<const uint8_t*>(bytes.data());
  const auto length = static_cast<int32_t>(bytes.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      if (scan.invalid++ == 0) {
        scan.first_invalid = static_cast<size_t>(start);
        scan.first_invalid_len = static_cast<size_t>(i - start);
      }
    } else if (c >= 0x80) {
      ++scan.multibyte;
    }
  }
  return scan;
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

Result<std::string> DecodeGb18030(std::string_view bytes) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> cnv(ucnv_open("GB18030", &err));
  if (U_FAILURE(err)) return Status::IoError("text: ICU has no GB18030 converter");
  ucnv_setToUCallBack(cnv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &err);
  if (U_FAILURE(err)) return Status::IoError("text: ICU GB18030 converter could not be set up");

  // Every GB18030 sequence of n bytes decodes to at most n UTF-16 units.
  std::u16string utf16(bytes.size() + 1, u'\0');
  UChar* target = utf16.data();
  const char* source = bytes.data();
  const char* const source_end = bytes.data() + bytes.size();
  ucnv_toUnicode(cnv.get(), &target, utf16.data() + utf16.size(), &source, source_end, nullptr,
                 /*flush=*/true, &err);
  if (U_FAILURE(err)) {
    // `source` stops just past the offending sequence; ICU keeps its bytes.
    char invalid[32];
    int8_t invalid_len = sizeof invalid;
    UErrorCode ignored = U_ZERO_ERROR;
    ucnv_getInvalidChars(cnv.get(), invalid, &invalid_len, &ignored);
    if (U_FAILURE(ignored)) invalid_len = 0;
    const size_t end = static_cast<size_t>(source - bytes.data());
    const size_t offset = end >= static_cast<size_t>(invalid_len) ? end - invalid_len : 0;
    return Status::InvalidInput("text: invalid byte sequence " +
                                HexBytes(bytes, offset, invalid_len > 0 ? invalid_len : 1) +
                                " at byte offset " + std::to_string(offset) +
                                ": neither UTF-8 nor GB18030")
        .WithShown(i18n::Format(
            "text: invalid byte sequence {0} at byte offset {1}: neither UTF-8 nor GB18030",
            {HexBytes(bytes, offset, invalid_len > 0 ? invalid_len : 1), std::to_string(offset)}));
  }
  const auto units = static_cast<int32_t>(target - utf16.data());
  const UChar* begin = utf16.data();
  int32_t skip = (units > 0 && begin[0] == 0xFEFF) ? 1 : 0;  // a GB18030 byte order mark

  std::string out(static_cast<size_t>(units - skip) * 3, '\0');
  int32_t written = 0;
  err = U_ZERO_ERROR;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &written, begin + skip, units - skip,
              &err);
  if (U_FAILURE(err)) return Status::IoError("text: GB18030 text could not be written as UTF-8");
  out.resize(static_cast<size_t>(written));
  return out;
}

bool IsLineEnd(char c) { return c == '\r' || c == '\n'; }

// A character that leaves a line blank: a space or tab that is not the delimiter.
bool IsBlankChar(char c, char delimiter) { return (c == ' ' || c == '\t') && c != delimiter; }

// Walks text record by record. `pos` is a byte offset, `line` the 1-based
// physical line of `pos`.
class Scanner {
 public:
  Scanner(std::string_view text, char delimiter) : in_(text), d_(delimiter) {}

  bool AtEnd() const { return pos_ >= in_.size(); }
  int line() const { return line_; }

  // Skips lines that are empty or blank; true if a record starts at pos_.
  bool SkipBlankLines() {
    while (!AtEnd()) {
      size_t p = pos_;
      while (p < in_.size() && IsBlankChar(in_[p], d_)) ++p;
      if (p < in_.size() && !IsLineEnd(in_[p])) return true;
      pos_ = p;
      ConsumeLineEnd();
    }
    return false;
  }

  // Reads one record starting at pos_ (not at a blank line), through its line end.
  Status ReadRecord(Record& rec) {
    rec.line = line_;
    rec.fields.clear();
    for (;;) {
      if (rec.fields.size() == kMaxFields) {
        return Status::InvalidInput("line " + std::to_string(rec.line) + ": record has more than " +
                                    std::to_string(kMaxFields) + " fields")
            .WithShown(i18n::Format("line {0}: record has more than {1} fields",
                                    {std::to_string(rec.line), std::to_string(kMaxFields)}));
      }
      const int field_line = line_;
      std::string field;
      if (!AtEnd() && in_[pos_] == '"') {
        ++pos_;
        for (;;) {
          const size_t quote = in_.find('"', pos_);
          if (quote == std::string_view::npos) {
            return Status::InvalidInput("line " + std::to_string(field_line) +
                                        ": unterminated quoted field")
                .WithShown(i18n::Format("line {0}: unterminated quoted field",
                                        {std::to_string(field_line)}));
          }
          CountLines(pos_, quote);
          field.append(in_, pos_, quote - pos_);
          pos_ = quote + 1;
          if (!AtEnd() && in_[pos_] == '"') {  // "" inside quotes: one quote
            field += '"';
            ++pos_;
          } else {
            break;
          }
          RETURN_IF_ERROR(CheckField(field, field_line, rec.fields.size()));
        }
      }
      // An unquoted field, or what follows a closing quote: up to the next
      // delimiter or line end, quotes and all.
      size_t end = pos_;
      while (end < in_.size() && in_[end] != d_ && !IsLineEnd(in_[end])) ++end;
      field.append(in_, pos_, end - pos_);
      pos_ = end;
      RETURN_IF_ERROR(CheckField(field, field_line, rec.fields.size()));
      rec.fields.push_back(std::move(field));
      if (AtEnd()) return Status::Ok();
      if (in_[pos_] == d_) {
        ++pos_;
        continue;
      }
      ConsumeLineEnd();
      return Status::Ok();
    }
  }

  // How many delimiters the record at pos_ has; stops quietly at its end or
  // at anything Parse would refuse.
  size_t CountDelimiters() {
    size_t count = 0;
    for (;;) {
      if (!AtEnd() && in_[pos_] == '"') {
        ++pos_;
        for (;;) {
          const size_t quote = in_.find('"', pos_);
          if (quote == std::string_view::npos) return count;
          pos_ = quote + 1;
          if (AtEnd() || in_[pos_] != '"') break;
          ++pos_;
        }
      }
      while (!AtEnd() && in_[pos_] != d_ && !IsLineEnd(in_[pos_])) ++pos_;
      if (AtEnd() || in_[pos_] != d_) return count;
      ++pos_;
      ++count;
    }
  }

 private:
  Status CheckField(const std::string& field, int field_line, size_t index) const {
    if (field.size() <= kMaxFieldBytes) return Status::Ok();
    return Status::InvalidInput("line " + std::to_string(field_line) + ": field " +
                                std::to_string(index + 1) + " is longer than 64 KiB")
        .WithShown(i18n::Format("line {0}: field {1} is longer than 64 KiB",
                                {std::to_string(field_line), std::to_string(index + 1)}));
  }

  // pos_ is at CR, LF or the end: steps over CRLF, CR or LF.
  void ConsumeLineEnd() {
    if (AtEnd()) return;
    if (in_[pos_] == '\r' && pos_ + 1 < in_.size() && in_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  // Line ends inside a quoted field, [from, to): CRLF, CR and LF count once each.
  void CountLines(size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      if (in_[i] == '\n' || (in_[i] == '\r' && (i + 1 >= in_.size() || in_[i + 1] != '\n'))) {
        ++line_;
      }
    }
  }

  std::string_view in_;
  char d_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

std::string_view EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kUtf8:
      return "UTF-8";
    case Encoding::kUtf8Bom:
      return "UTF-8 with BOM";
    case Encoding::kGb18030:
      return "GB18030";
  }
  return "unknown";
}

Result<std::string> DecodeText(std::string_view bytes, Encoding* detected) {
  Encoding ignored;
  if (detected == nullptr) detected = &ignored;
  *detected = Encoding::kUtf8;
  if (bytes.size() > kMaxInputBytes) {
    return Status::InvalidInput("text: " + std::to_string(bytes.size()) +
                                " bytes is more than the limit of 64 MiB")
        .WithShown(i18n::Format("text: {0} bytes is more than the limit of 64 MiB",
                                {std::to_string(bytes.size())}));
  }
  if (bytes.starts_with(kUtf8Bom)) {
    const std::string_view body = bytes.substr(kUtf8Bom.size());
    const Utf8Scan scan = ScanUtf8(body);
    if (scan.invalid > 0) {
      const size_t offset = scan.first_invalid + kUtf8Bom.size();
      return Status::InvalidInput(
                 "text: starts with a UTF-8 byte order mark but has the invalid "
                 "UTF-8 sequence " +
                 HexBytes(bytes, offset, scan.first_invalid_len) + " at byte offset " +
                 std::to_string(offset))
          .WithShown(i18n::Format(
              "text: starts with a UTF-8 byte order mark but has the invalid "
              "UTF-8 sequence {0} at byte offset {1}",
              {HexBytes(bytes, offset, scan.first_invalid_len), std::to_string(offset)}));
    }
    *detected = Encoding::kUtf8Bom;
    return std::string(body);
  }
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return Status::InvalidInput("text: is UTF-16 (byte order mark " + HexBytes(bytes, 0, 2) +
                                " at byte offset 0); save it as \"CSV UTF-8\" or plain CSV")
        .WithShown(i18n::Format("text: is UTF-16 (byte order mark {0} at byte offset 0); save it "
                                "as \"CSV UTF-8\" or plain CSV",
                                {HexBytes(bytes, 0, 2)}));
  }
  const Utf8Scan scan = ScanUtf8(bytes);
  if (scan.invalid == 0) return std::string(bytes);
  // GB18030 Chinese read as UTF-8 is mostly ill-formed; text that is mostly
  // well-formed UTF-8 is a damaged UTF-8 file, and GB18030 would garble it.
  if (scan.multibyte >= 3 * scan.invalid) {
    return Status::InvalidInput(
               "text: invalid UTF-8 sequence " +
               HexBytes(bytes, scan.first_invalid, scan.first_invalid_len) + " at byte offset " +
               std::to_string(scan.first_invalid) + "; with " + std::to_string(scan.invalid) +
               " invalid and " + std::to_string(scan.multibyte) +
               " valid multi-byte sequences the file looks like damaged UTF-8, not GB18030")
        .WithShown(i18n::Format(
            "text: invalid UTF-8 sequence {0} at byte offset {1}; with {2} invalid and {3} valid "
            "multi-byte sequences the file looks like damaged UTF-8, not GB18030",
            {HexBytes(bytes, scan.first_invalid, scan.first_invalid_len),
             std::to_string(scan.first_invalid), std::to_string(scan.invalid),
             std::to_string(scan.multibyte)}));
  }
  ASSIGN_OR_RETURN(std::string utf8, DecodeGb18030(bytes));
  *detected = Encoding::kGb18030;
  return utf8;
}

char DetectDelimiter(std::string_view utf8) {
  auto count = [utf8](char d) -> size_t {
    Scanner scanner(utf8, d);
    return scanner.SkipBlankLines() ? scanner.CountDelimiters() : 0;
  };
  if (count('\t') > 0) return '\t';
  return count(';') > count(',') ? ';' : ',';
}

Result<std::vector<Record>> Parse(std::string_view utf8, char delimiter) {
  if (delimiter == '"' || IsLineEnd(delimiter)) {
    return Status::InvalidInput("csv: a quote, CR or LF cannot be the delimiter");
  }
  if (utf8.size() > kMaxInputBytes) {
    return Status::InvalidInput("csv: the text is " + std::to_string(utf8.size()) +
                                " bytes, more than the limit of 64 MiB")
        .WithShown(i18n::Format("csv: the text is {0} bytes, more than the limit of 64 MiB",
                                {std::to_string(utf8.size())}));
  }
  std::vector<Record> records;
  Scanner scanner(utf8, delimiter);
  while (scanner.SkipBlankLines()) {
    Record rec;
    RETURN_IF_ERROR(scanner.ReadRecord(rec));
    records.push_back(std::move(rec));
  }
  return records;
}

std::string FormatRecord(const std::vector<std::string>& fields, char delimiter) {
  auto space = [](char c) { return c == ' ' || c == '\t'; };
  const char special[] = {delimiter, '"', '\r', '\n'};
  const std::string_view specials(special, sizeof special);
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string& f = fields[i];
    if (i > 0) out += delimiter;
    const bool quote = f.find_first_of(specials) != std::string::npos ||
                       (!f.empty() && (space(f.front()) || space(f.back()))) ||
                       (f.empty() && fields.size() == 1);
    if (!quote) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += "\r\n";
  return out;
}

namespace {

// What a spreadsheet takes as the start of a formula (a leading tab or CR is
// skipped by some before they look at the next character).
bool StartsFormula(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

}  // namespace

std::string NeutraliseFormula(std::string field) {
  if (!field.empty() && StartsFormula(field.front())) field.insert(field.begin(), '\'');
  return field;
}

std::string_view WithoutFormulaGuard(std::string_view field) {
  if (field.size() >= 2 && field[0] == '\'' && StartsFormula(field[1])) field.remove_prefix(1);
  return field;
}

}  // namespace outpost::csv
