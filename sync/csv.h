// Reading and writing CSV/TSV text: the spreadsheets into which staff type the
// bookings written on paper while a store's computer was down.
//
// Reading is two steps. DecodeText turns the bytes of a file into UTF-8 (the
// spreadsheets of Chinese Windows save GB18030 unless told "CSV UTF-8"), then
// Parse splits the text into records: RFC 4180 plus what spreadsheets actually
// emit (CRLF, LF or lone CR line ends, a last line without a line end, blank
// lines). Every refusal is InvalidInput naming the byte offset or the line.
// FormatRecord writes one record back (reject files, exports); Parse reads what
// it writes back to the same fields. NeutraliseFormula keeps a spreadsheet from
// running a field as a formula; every writer of such files uses it.
//
// Limits, refused with InvalidInput: input over 64 MiB, a field over 64 KiB, a
// record of more than 256 fields. Stateless functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sync/status.h"

namespace outpost::csv {

inline constexpr size_t kMaxInputBytes = size_t{64} << 20;
inline constexpr size_t kMaxFieldBytes = size_t{64} << 10;
inline constexpr size_t kMaxFields = 256;

enum class Encoding { kUtf8, kUtf8Bom, kGb18030 };

// "UTF-8", "UTF-8 with BOM", "GB18030".
std::string_view EncodingName(Encoding encoding);

// The bytes of a file as UTF-8, and the encoding they were in (`detected` may be
// null). A UTF-8 byte order mark is stripped and the rest must be valid UTF-8;
// valid UTF-8 is taken as it is (pure ASCII counts as UTF-8); anything else is
// decoded as GB18030, strictly: an invalid sequence is refused naming its byte
// offset. Also refused, naming the offset: UTF-16 (a FF FE or FE FF byte order
// mark), and text that is mostly UTF-8 with a few broken sequences (a damaged
// UTF-8 file, which GB18030 would silently turn into other characters). Empty
// input gives an empty string (kUtf8). The result is always valid UTF-8.
Result<std::string> DecodeText(std::string_view bytes, Encoding* detected);

struct Record {
  int line = 0;  // 1-based physical line on which the record starts
  std::vector<std::string> fields;
};

// The delimiter of a file, from its first record (blank lines skipped, quoted
// fields respected): '\t' if it has a tab, else whichever of ',' and ';' it has
// more of; ',' on a tie or when it has neither.
char DetectDelimiter(std::string_view utf8);

// Splits text into records. Fields may be quoted ("..." with "" for a quote),
// and a quoted field may hold delimiters and line ends. Kept as they are: the
// whitespace around an unquoted field (the caller trims), a quote inside an
// unquoted field (` 5" wheel` stays as written, as spreadsheets do), and text
// after a closing quote (`"ab"c` reads as `abc`). Lines that are empty or hold
// only spaces and tabs (other than the delimiter) are skipped; a line of
// delimiters only is a record of empty fields. The delimiter must not be '"',
// CR or LF. Refused with InvalidInput: an unterminated quoted field ("line N:
// unterminated quoted field", N where the field starts) and the limits above.
Result<std::vector<Record>> Parse(std::string_view utf8, char delimiter);

// One record as a line ending in "\r\n". A field is quoted (with "" for a quote)
// when it holds the delimiter, a quote, CR or LF, begins or ends with a space or
// a tab, or is the only field of the record and empty (so that the line is not
// blank). The delimiter must not be '"', CR or LF.
std::string FormatRecord(const std::vector<std::string>& fields, char delimiter = ',');

// A field for a file people open in a spreadsheet (exports, rejected rows): a
// field beginning with = + - @, a tab or CR would be run as a formula
// (=HYPERLINK(...) sends whoever clicks it anywhere, =cmd|... runs programs),
// so it gets a leading ' and the spreadsheet shows it as text. Every other
// field is returned as it is; neutralising twice changes nothing more.
std::string NeutraliseFormula(std::string field);

// The field as it was before NeutraliseFormula: a leading ' followed by one of
// the characters above is dropped, so a rejects file fixed in a spreadsheet
// imports its "+86 ..." phones again. Anything else is returned as it is.
std::string_view WithoutFormulaGuard(std::string_view field);

}  // namespace outpost::csv
