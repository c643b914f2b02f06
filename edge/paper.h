// Paper fallback: the printable day sheet staff use when the store's computer
// is down, and the import of the transcribed forms afterwards.
//
// The blank form and the import file have the same fields in the same order
// (PaperColumns()), so a transcriber copies box by box. Import validates every
// row, matches or creates customers, and books each valid row as a promised
// booking (channel "paper", the time written on the form as business time) in
// ONE transaction: all valid rows or none. Invalid rows are reported with row,
// column, value and reason, and written to a reject file to fix and re-import.
// A form id is imported once, however often its file is. By default an import
// is a dry run: it does everything, reports, and rolls back.
// Functions here take the Store they work on; not thread-safe beyond that.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "edge/store.h"
#include "sync/status.h"

namespace outpost::edge {

struct PaperColumn {
  const char* key;  // the column's name in the import file (also accepted: zh, en)
  const char* zh;
  const char* en;
  bool required;  // the column must be present in the file (its value may be checked later)
};
// In the order printed on the form.
const std::vector<PaperColumn>& PaperColumns();
// The header line of the import file, bilingual ("表单号 form_id,...").
std::string PaperTemplateCsv();

struct PrintOptions {
  std::string date;          // the sheet's day, as at the desk ("2026-11-24", "tomorrow")
  int blank_forms = 12;      // pre-numbered blank forms after the grid
  bool full_phones = false;  // print whole phone numbers (default: last four digits)
  std::string staff;         // who printed it (recorded with the form numbers)
};
struct PrintedSheet {
  std::string date;
  std::string html;
  std::string first_form;  // "F261124-01"
  std::string last_form;
};
// Reserves the form numbers and renders the day sheet (HTML, A4, prints in
// black and white). Each print gets fresh numbers.
Result<PrintedSheet> PrintDaySheet(Store& store, const PrintOptions& options);

struct ImportOptions {
  std::string path;           // CSV or TSV, UTF-8 (with or without BOM) or GB18030
  bool commit = false;        // false: dry run, nothing is written
  std::string operator_name;  // who imports (the desk's --staff)
  std::string rejects_path;   // empty: PATH.rejects.csv next to the file
  // Called after each row with (rows done, rows in the file); may be empty.
  std::function<void(int64_t, int64_t)> on_progress;
};

struct PaperReject {
  int row = 0;   // the file's record number, 1 = first after the header
  int line = 0;  // physical line where the record starts
  std::string column;
  std::string value;
  std::string reason;        // English: the rejects file, --json, the HTML report
  std::string reason_shown;  // the same in the desk's language, for the terminal
};

struct PaperImported {
  int row = 0;
  std::string form_id;
  std::string booking_ref;
  std::string customer;
  std::string slot;  // "2026-11-24 10:00"
  bool new_customer = false;
  bool needs_reschedule = false;
  std::string note;  // e.g. how the customer was matched
};

struct PaperDuplicate {
  int row = 0;
  std::string form_id;
  std::string existing_ref;
  std::string why;
};

struct PaperCase {
  std::string ref;
  std::string kind;
  std::string summary;
};

struct ImportReport {
  std::string batch_id;
  std::string file;
  std::string encoding;
  std::string digest;  // BLAKE2b-256 hex of the file
  bool committed = false;
  int rows = 0;
  std::vector<PaperImported> imported;
  std::vector<PaperDuplicate> duplicates;        // already in the system: not doubled
  std::vector<PaperDuplicate> already_imported;  // form id imported before: skipped
  std::vector<PaperReject> rejected;
  std::vector<PaperCase> conflicts;
  std::vector<CaseContact> contacts;
  std::vector<std::string> notes;  // file-level remarks (ignored columns, earlier import)
  std::string rejects_file;        // where the rejected rows were written, if any
};

// Errors for the whole file (unreadable, no header, a required column
// missing) are returned as a Status; row problems go into the report.
Result<ImportReport> ImportPaper(Store& store, const ImportOptions& options);

nlohmann::json ReportJson(const ImportReport& report);
std::string ReportText(const ImportReport& report);
std::string ReportHtml(const ImportReport& report, const std::string& store_name);

}  // namespace outpost::edge
