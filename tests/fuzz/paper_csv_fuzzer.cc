// Fuzz target: a CSV/TSV file typed in from paper booking forms, as the import
// reads it: DecodeText, DetectDelimiter, Parse, then the date and time of every
// field. Built two ways: with clang's libFuzzer (ops/fuzz.sh) to search, and
// with replay_main.cc to replay the corpus as an ordinary test in every ctest
// run. Any crash, sanitizer report or broken invariant below is a bug.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sync/csv.h"
#include "sync/handwritten.h"

namespace {

void Check(bool invariant) {
  if (!invariant) __builtin_trap();
}

bool IsUtf8(std::string_view s) {
  // DecodeText takes valid UTF-8 as it is, less a leading byte order mark.
  auto again = outpost::csv::DecodeText(s, nullptr);
  return again.ok() &&
         (again.value() == s || (s.starts_with("\xEF\xBB\xBF") && again.value() == s.substr(3)));
}

// A date or time the lenient readers accept is a real one, and they read back
// what they print.
void CheckDateAndTime(const std::string& field) {
  auto date = outpost::ParseWrittenDate(field);
  if (date.ok()) {
    const outpost::LocalDate d = date.value();
    Check(d.year >= 2000 && d.year <= 2099 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
          d.day <= 31);
    Check(outpost::LocalDate::FromDays(d.ToDays()) == d);
    auto again = outpost::ParseWrittenDate(d.ToString());
    Check(again.ok() && again.value() == d);
  }
  auto time = outpost::ParseWrittenTime(field);
  if (time.ok()) {
    const outpost::LocalTime t = time.value();
    Check(t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59);
    auto again = outpost::ParseWrittenTime(t.ToString());
    Check(again.ok() && again.value() == t);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto decoded = outpost::csv::DecodeText(bytes, nullptr);
  if (decoded.ok()) Check(IsUtf8(decoded.value()));
  // Parse must cope with any bytes, so undecodable input is parsed as it is.
  const std::string text = decoded.ok() ? std::move(decoded).value() : std::string(bytes);

  const char delimiter = outpost::csv::DetectDelimiter(text);
  Check(delimiter == ',' || delimiter == ';' || delimiter == '\t');
  auto records = outpost::csv::Parse(text, delimiter);
  if (!records.ok()) return 0;

  // Every record reads back from what FormatRecord writes, alone and all together.
  std::string written;
  int last_line = 0;
  for (const outpost::csv::Record& record : records.value()) {
    Check(record.line > last_line && !record.fields.empty());
    Check(record.fields.size() <= outpost::csv::kMaxFields);
    last_line = record.line;
    const std::string line = outpost::csv::FormatRecord(record.fields, delimiter);
    auto again = outpost::csv::Parse(line, delimiter);
    Check(again.ok() && again->size() == 1 && again->front().fields == record.fields);
    written += line;
    for (const std::string& field : record.fields) {
      Check(field.size() <= outpost::csv::kMaxFieldBytes);
      CheckDateAndTime(field);
    }
  }
  auto all = outpost::csv::Parse(written, delimiter);
  Check(all.ok() && all->size() == records->size());
  for (size_t i = 0; i < records->size(); ++i) {
    Check((*all)[i].fields == (*records)[i].fields);
  }
  return 0;
}
