#include "edge/paper.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <variant>

#include "sync/csv.h"
#include "sync/handwritten.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/normalize.h"
#include "sync/private_file.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

const std::vector<PaperColumn> kColumns = {
    {"form_id", "表单号", "Form No.", true},
    {"date", "预约日期", "Date", true},
    {"time", "时段", "Time", true},
    {"name", "客户姓名", "Customer name", true},
    {"phone", "电话", "Phone", true},
    {"plate", "车牌", "Plate", false},
    {"vin", "车架号", "VIN", false},
    {"member_id", "会员号", "Member ID", false},
    {"service", "服务项目", "Service", false},
    {"notes", "备注", "Notes", false},
    {"written_at", "填写时间", "Written at", false},
    {"staff", "接待人", "Taken by", false},
};

std::string Lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// Lower case, without the separators people put in headers (" ", "_", ".",
// "/", "(", ")", "*"), so "表单号 (Form No.)" compares equal to "表单号formno".
std::string Squash(const std::string& text) {
  std::string s = Lower(FoldFullWidth(text));
  s.erase(std::remove_if(s.begin(), s.end(),
                         [](char ch) {
                           return ch == ' ' || ch == '_' || ch == '.' || ch == '/' || ch == '(' ||
                                  ch == ')' || ch == '*';
                         }),
          s.end());
  return s;
}

// A header cell names a column by its key, its Chinese or English label, or
// both ("表单号 Form No.", "表单号/Form No.", "表单号(Form No.)").
std::optional<size_t> ColumnOf(const std::string& cell) {
  const std::string c = Squash(cell);
  for (size_t i = 0; i < kColumns.size(); ++i) {
    const auto& col = kColumns[i];
    const std::string key = Squash(col.key), zh = Squash(col.zh), en = Squash(col.en);
    if (c == key || c == zh || c == en || c == zh + en || c == en + zh || c == zh + key) return i;
  }
  return std::nullopt;
}

// "F261124-07": F, the sheet's day, a number. Written by hand as f261124-7, Ｆ２６…
Result<std::string> ParseFormId(const std::string& raw) {
  std::string s = FoldFullWidth(raw);
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  const size_t dash = s.find('-');
  bool ok = s.size() >= 9 && s[0] == 'F' && dash == 7 && s.size() - dash - 1 >= 1 &&
            s.size() - dash - 1 <= 3;
  for (size_t i = 1; ok && i < s.size(); ++i) {
    if (i != dash && !std::isdigit(static_cast<unsigned char>(s[i]))) ok = false;
  }
  if (!ok) {
    return Status::InvalidInput("form id '" + raw +
                                "' is not a printed form number like F261124-07")
        .WithShown(
            i18n::Format("form id '{0}' is not a printed form number like F261124-07", {raw}));
  }
  const int number = std::stoi(s.substr(dash + 1));
  if (number < 1) {
    return Status::InvalidInput("form id '" + raw + "' has no form number")
        .WithShown(i18n::Format("form id '{0}' has no form number", {raw}));
  }
  char out[32];
  std::snprintf(out, sizeof out, "F%s-%02d", s.substr(1, 6).c_str(), number);
  return std::string(out);
}

std::string FileDigest(const std::string& bytes) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : h) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

// The form column a refused booking points at: the column of the input field
// the store names (Status::field(), edge/store.h), or "row" when it names none
// or one the form has no column for (channel, customer, mileage); the time
// a form was written (requested_at) is its written_at column. A "vin" refusal is the row's too: the
// form's VIN already passed the desk's check (ReadIdentifiers), so what the booking refuses is the
// plate and VIN together disagreeing with the vehicle on record.
std::string ColumnOfRefusal(const Status& refusal) {
  static const std::map<std::string, std::string> kColumnOfField = {{"slot", "time"},
                                                                    {"date", "date"},
                                                                    {"plate", "plate"},
                                                                    {"vehicle", "plate"},
                                                                    {"name", "name"},
                                                                    {"phone", "phone"},
                                                                    {"member_id", "member_id"},
                                                                    {"service", "service"},
                                                                    {"notes", "notes"},
                                                                    {"staff", "staff"},
                                                                    {"requested_at", "written_at"}};
  const auto it = kColumnOfField.find(refusal.field());
  return it == kColumnOfField.end() ? "row" : it->second;
}

std::string MaskPhone(const std::string& e164, bool full) {
  if (full || e164.size() < 4) return FormatPhoneForDisplay(e164);
  return MaskedPhone(e164);
}

// A form's fields after the form id, checked and in their canonical forms.
struct FormFields {
  LocalDate date;
  LocalTime time;
  std::optional<std::string> phone, plate, vin, member;
  std::string requested_at;  // UTC text of the written time; empty: none written
};

// Why a row is rejected: its column, the value as written, the reason (English,
// as written to the rejects file), and the reason as staff read it: empty for a
// fixed sentence, which the catalog translates.
struct RowProblem {
  std::string column, value, reason, reason_shown;
};

// A row refused for a refusal of the desk's rules, in both languages.
RowProblem ProblemOf(std::string column, std::string value, const Status& refusal) {
  return RowProblem{std::move(column), std::move(value), refusal.message(), refusal.shown()};
}

// `value(key)`: the row's cell for a column, as typed.
using CellFn = std::function<std::string(const char* key)>;

// The identifiers of a form's customer and vehicle, each validated as the desk
// validates it (sync/normalize.h).
std::optional<RowProblem> ReadIdentifiers(const CellFn& value, const Store& store,
                                          FormFields& out) {
  struct Identifier {
    const char* column;
    std::optional<std::string>* into;
    std::function<Result<std::string>(const std::string&)> normalize;
  };
  const Identifier identifiers[] = {
      {"phone", &out.phone,
       [&](const std::string& raw) { return NormalizePhone(raw, store.settings().phone_region); }},
      {"plate", &out.plate, [](const std::string& raw) { return NormalizePlate(raw); }},
      {"vin", &out.vin, [](const std::string& raw) { return NormalizeVin(raw); }},
      {"member_id", &out.member, [](const std::string& raw) { return NormalizeMemberId(raw); }},
  };
  for (const Identifier& id : identifiers) {
    const std::string raw = value(id.column);
    if (raw.empty()) continue;
    auto normalized = id.normalize(raw);
    if (!normalized.ok()) return ProblemOf(id.column, raw, normalized.status());
    *id.into = *normalized;
  }
  if (!out.phone && !out.plate && !out.vin && !out.member) {
    constexpr const char* kNoIdentifier =
        "no phone, plate, VIN or member id: the customer cannot be found or called";
    return RowProblem{"phone", "", kNoIdentifier,
                      i18n::Tr("no phone, plate, VIN or member id: the customer cannot be found "
                               "or called")};
  }
  return std::nullopt;
}

// Reads a row's date, time, identifiers and written time, or says what is wrong.
std::variant<FormFields, RowProblem> ReadFormFields(const CellFn& value, const Store& store) {
  FormFields out;
  auto date = ParseWrittenDate(value("date"));
  if (!date.ok()) return ProblemOf("date", value("date"), date.status());
  out.date = *date;
  auto time = ParseWrittenTime(value("time"));
  if (!time.ok()) return ProblemOf("time", value("time"), time.status());
  out.time = *time;
  if (auto problem = ReadIdentifiers(value, store, out)) return *problem;
  if (const std::string w = value("written_at"); !w.empty()) {
    // "2026-11-24 09:40", "2026年11月24日 9点40": a date, then a time.
    const size_t cut = w.find_last_of(" \t");
    auto wd = ParseWrittenDate(cut == std::string::npos ? w : w.substr(0, cut));
    auto wt = cut == std::string::npos ? Result<LocalTime>(LocalTime{0, 0})
                                       : ParseWrittenTime(w.substr(cut + 1));
    if (!wd.ok() || !wt.ok()) {
      return RowProblem{
          "written_at", w,
          "written at '" + w + "' is not a date and time (write it as YYYY-MM-DD HH:MM, 24-hour)",
          i18n::Format(
              "written at '{0}' is not a date and time (write it as YYYY-MM-DD HH:MM, 24-hour)",
              {w})};
    }
    out.requested_at = FormatUtcMs(store.time_zone().LocalToUtcMs(*wd, *wt));
  }
  return out;
}

// Whose form it is: the first of phone, plate, VIN and member id that finds a
// customer, or else a new customer (whose name is then required). Sets the
// request's customer; `note` says how they were found and a name that differs.
std::optional<RowProblem> ChooseCustomer(Store& store, const FormFields& fields,
                                         const std::string& name, BookingRequest& req,
                                         std::string& note, bool& new_customer) {
  const std::tuple<const char*, const char*, const std::optional<std::string>&> keys[] = {
      {"phone", "phone", fields.phone},
      {"plate", "plate", fields.plate},
      {"VIN", "vin", fields.vin},
      {"member id", "member_id", fields.member}};
  for (const auto& [how, column, key] : keys) {
    if (!key) continue;
    auto found = store.ResolveCustomer(*key);
    if (found.ok()) {
      req.customer = found->id;
      note = std::string("matched by ") + how;
      if (!name.empty() && SearchKey(name) != SearchKey(found->name)) {
        note += "; name on the form '" + name + "', on file '" + found->name + "'";
      }
      return std::nullopt;
    }
    // More than one customer, say: staff must pick, the row waits.
    if (found.status().code() != StatusCode::kNotFound) {
      return ProblemOf(column, *key, found.status());
    }
  }
  if (name.empty()) {
    return RowProblem{"name", "", "new customer: the name is required",
                      i18n::Tr("new customer: the name is required")};
  }
  NewCustomer nc;
  nc.name = name;
  if (fields.phone) nc.phones.push_back(*fields.phone);
  if (fields.member) nc.member_id = *fields.member;
  req.create_customer = nc;  // matched nobody above: created without a second search
  new_customer = true;
  return std::nullopt;
}

// Which file column holds each form field (our column -> file column). A
// column named twice or a required one missing refuses the file; a column
// that is no form field is noted in `notes` and ignored.
Result<std::map<size_t, size_t>> MapHeader(const csv::Record& header,
                                           std::vector<std::string>& notes) {
  std::map<size_t, size_t> column_at;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::optional<size_t> field = ColumnOf(header.fields[i]);
    if (field) {
      if (column_at.count(*field)) {
        return Status::InvalidInput("file: header line " + std::to_string(header.line) +
                                    ": column '" + kColumns[*field].key + "' appears twice")
            .WithShown(i18n::Format("file: header line {0}: column '{1}' appears twice",
                                    {std::to_string(header.line), kColumns[*field].key}));
      }
      column_at[*field] = i;
    } else if (!FoldFullWidth(header.fields[i]).empty()) {
      notes.push_back("column '" + header.fields[i] + "' is not a form field: ignored");
    }
  }
  for (size_t c = 0; c < kColumns.size(); ++c) {
    if (kColumns[c].required && !column_at.count(c)) {
      return Status::InvalidInput(std::string("file: header line ") + std::to_string(header.line) +
                                  ": required column '" + kColumns[c].key + "' (" + kColumns[c].zh +
                                  " / " + kColumns[c].en +
                                  ") is missing; the header must be: " + PaperTemplateCsv())
          .WithShown(i18n::Format("file: header line {0}: required column '{1}' ({2} / {3}) is "
                                  "missing; the header must be: {4}",
                                  {std::to_string(header.line), kColumns[c].key, kColumns[c].zh,
                                   kColumns[c].en, PaperTemplateCsv()}));
    }
  }
  return column_at;
}

// The rejected rows with the file's header and three more columns (row,
// column, reason), to be fixed in a spreadsheet and imported again.
Status WriteRejects(const std::string& path, const csv::Record& header, char delimiter,
                    std::vector<std::vector<std::string>> rows) {
  std::vector<std::string> head = header.fields;
  head.push_back("row");
  head.push_back("column");
  head.push_back("reason");
  std::string out = "\xEF\xBB\xBF" + csv::FormatRecord(head, delimiter);
  // Opened in a spreadsheet to be fixed: no cell may run as a formula there.
  for (auto& r : rows) {
    for (auto& field : r) field = csv::NeutraliseFormula(std::move(field));
    out += csv::FormatRecord(r, delimiter);
  }
  Status written = WritePrivateFile(path, out);  // names and phones: owner-only
  if (!written.ok()) {
    return Status::IoError("rejects: " + written.message())
        .WithShown(i18n::Format("rejects: {0}", {written.shown()}));
  }
  return Status::Ok();
}

// An import file's bytes, decoded and split: its records (the header first)
// and the delimiter it uses. Sets the report's digest and encoding.
struct ImportFile {
  std::vector<csv::Record> records;
  char delimiter = ',';
};

Result<ImportFile> ReadImportFile(const std::string& path, ImportReport& report) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::NotFound("file: cannot read '" + path + "'")
        .WithShown(i18n::Format("file: cannot read '{0}'", {path}));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  if (bytes.size() > csv::kMaxInputBytes) {
    return Status::InvalidInput("file: '" + path + "' is larger than 64 MiB")
        .WithShown(i18n::Format("file: '{0}' is larger than 64 MiB", {path}));
  }
  report.digest = FileDigest(bytes);
  csv::Encoding encoding;
  auto text = csv::DecodeText(bytes, &encoding);
  if (!text.ok()) {
    return Status::InvalidInput("file: " + path + ": " + text.status().message())
        .WithShown(i18n::Format("file: {0}: {1}", {path, text.status().shown()}));
  }
  report.encoding = std::string(csv::EncodingName(encoding));
  ImportFile file;
  file.delimiter = csv::DetectDelimiter(*text);
  auto records = csv::Parse(*text, file.delimiter);
  if (!records.ok()) {
    return Status::InvalidInput("file: " + path + ": " + records.status().message())
        .WithShown(i18n::Format("file: {0}: {1}", {path, records.status().shown()}));
  }
  if (records->empty()) {
    return Status::InvalidInput("file: '" + path + "' is empty")
        .WithShown(i18n::Format("file: '{0}' is empty", {path}));
  }
  file.records = std::move(records).value();
  return file;
}

// One record of the file and its cells by form column.
struct FormRow {
  const csv::Record& record;
  int row;  // 1 = the first record after the header
  const std::map<size_t, size_t>& column_at;

  // A cell exactly as written (notes); a field a rejects file neutralised
  // ('+86 ...) reads as it was typed.
  std::string Cell(const char* key) const {
    for (const auto& [c, i] : column_at) {
      if (std::string(kColumns[c].key) == key) {
        return i < record.fields.size() ? std::string(csv::WithoutFormulaGuard(record.fields[i]))
                                        : std::string();
      }
    }
    return std::string();
  }
  // A cell with full-width letters and digits folded (１３８, Ａ).
  std::string Value(const char* key) const { return FoldFullWidth(Cell(key)); }
};

// Imports an import file's rows one by one inside the import's transaction:
// each is booked, found a duplicate, found imported before, or rejected, into
// the report. Rows never fail the import; only the system does (a non-ok
// Status: the transaction is not committed).
class RowImporter {
 public:
  RowImporter(Store& store, const ImportOptions& options, const csv::Record& header,
              const std::map<size_t, size_t>& column_at, ImportReport& report)
      : store_(store), options_(options), header_(header), column_at_(column_at), report_(report) {}

  Status Import(const csv::Record& record, int row) {
    const FormRow r{record, row, column_at_};
    ++report_.rows;
    if (auto problem = StrayCells(record)) return Reject(r, *problem);
    auto form = FormIdOf(r);
    if (const auto* problem = std::get_if<RowProblem>(&form)) return Reject(r, *problem);
    const std::string& form_id = std::get<std::string>(form);
    ASSIGN_OR_RETURN(auto imported, store_.PaperFormImported(form_id));
    if (imported) {
      report_.already_imported.push_back(
          {row, form_id, imported->second, "imported before in " + imported->first});
      return Status::Ok();
    }
    auto read = ReadFormFields([&](const char* key) { return r.Value(key); }, store_);
    if (const auto* problem = std::get_if<RowProblem>(&read)) return Reject(r, *problem);
    return Book(r, form_id, std::get<FormFields>(read));
  }

  // After every row: where each booking ended and the cases opened. Read
  // inside the transaction, so a dry run shows them too.
  Status Finish() {
    // A later form can take the place of an earlier one (it was written
    // earlier): the report says where each booking ended.
    for (auto& imported : report_.imported) {
      ASSIGN_OR_RETURN(Booking booking, store_.GetBooking(imported.booking_ref));
      imported.needs_reschedule = booking.needs_reschedule;
    }
    for (const auto& ref : case_refs_) {
      ASSIGN_OR_RETURN(ConflictCase c, store_.GetCase(ref));
      report_.conflicts.push_back({c.ref, c.kind, c.summary});
      for (const auto& contact : c.contacts) report_.contacts.push_back(contact);
    }
    return Status::Ok();
  }

  // The rejected records as the rejects file holds them (WriteRejects).
  std::vector<std::vector<std::string>> TakeRejectRows() { return std::move(reject_rows_); }

 private:
  // Always ok: a rejected row is reported, not a failure of the import.
  Status Reject(const FormRow& r, const RowProblem& problem) {
    report_.rejected.push_back({r.row, r.record.line, problem.column, problem.value, problem.reason,
                                problem.reason_shown});
    std::vector<std::string> fields = r.record.fields;
    fields.resize(header_.fields.size());
    fields.push_back(std::to_string(r.row));
    fields.push_back(problem.column);
    fields.push_back(problem.reason);
    reject_rows_.push_back(std::move(fields));
    return Status::Ok();
  }

  // More cells than the header has names for, with something in them.
  std::optional<RowProblem> StrayCells(const csv::Record& record) const {
    bool extra = false;
    for (size_t i = header_.fields.size(); i < record.fields.size(); ++i) {
      if (!FoldFullWidth(record.fields[i]).empty()) extra = true;
    }
    if (!extra) return std::nullopt;
    const std::string cells = std::to_string(record.fields.size());
    const std::string named = std::to_string(header_.fields.size());
    return RowProblem{
        "row", cells + " cells",
        "the row has " + cells + " cells but the header " + named + ": a value is in no column",
        i18n::Format("the row has {0} cells but the header {1}: a value is in no column",
                     {cells, named})};
  }

  // The row's form id, canonical, and the first row of the file it is on.
  std::variant<std::string, RowProblem> FormIdOf(const FormRow& r) {
    const std::string written = r.Value("form_id");
    if (written.empty()) {
      return RowProblem{"form_id", "", "form id is empty: copy the number printed on the form",
                        i18n::Tr("form id is empty: copy the number printed on the form")};
    }
    auto form = ParseFormId(written);
    if (!form.ok()) return ProblemOf("form_id", written, form.status());
    if (auto seen = form_rows_.find(*form); seen != form_rows_.end()) {
      const std::string other_row = std::to_string(seen->second);
      return RowProblem{
          "form_id", *form, "form " + *form + " is also on row " + other_row + " of this file",
          i18n::Format("form {0} is also on row {1} of this file", {*form, other_row})};
    }
    form_rows_[*form] = r.row;
    return *form;
  }

  // The promised booking a form asks for, its customer already chosen.
  BookingRequest RequestFor(const FormRow& r, const std::string& form_id, const FormFields& fields,
                            BookingRequest req) const {
    if (fields.plate) req.vehicle.plate = *fields.plate;
    if (fields.vin) req.vehicle.vin = *fields.vin;
    if (!r.Value("service").empty()) req.service = r.Value("service");
    req.notes = r.Cell("notes");  // as written: line breaks and full-width punctuation kept
    req.date = fields.date.ToString();
    req.time = fields.time.ToString();
    req.channel = "paper";
    req.staff = r.Value("staff").empty() ? options_.operator_name : r.Value("staff");
    req.promised = true;
    req.requested_at = fields.requested_at;
    req.source = "paper import " + report_.batch_id + " (form " + form_id + ")";
    req.form_id = form_id;
    req.import_batch = report_.batch_id;
    return req;
  }

  Status Book(const FormRow& r, const std::string& form_id, const FormFields& fields) {
    BookingRequest req;
    std::string note;
    bool new_customer = false;
    if (auto problem = ChooseCustomer(store_, fields, r.Value("name"), req, note, new_customer)) {
      return Reject(r, *problem);
    }
    const BookingRequest request = RequestFor(r, form_id, fields, std::move(req));
    auto booked = store_.BookPromisedInTransaction(request);
    if (!booked.ok()) {
      const StatusCode code = booked.status().code();
      if (code == StatusCode::kIoError || code == StatusCode::kRetryLater ||
          code == StatusCode::kCorruption) {
        return booked.status();  // the system, not the row: nothing is kept
      }
      const std::string column = ColumnOfRefusal(booked.status());
      return Reject(
          r, ProblemOf(column, column == "row" ? "" : r.Value(column.c_str()), booked.status()));
    }
    // In the import's transaction: a failure here is the system's, and the
    // whole import is rolled back with the booking.
    RETURN_IF_ERROR(store_.RecordPaperForm(request, *booked));
    for (const auto& ref : booked->cases) case_refs_.insert(ref);
    const Booking& b = booked->booking;
    if (booked->duplicate) {
      report_.duplicates.push_back({r.row, form_id, b.ref,
                                    "already booked (" + std::string(ChannelName(b.channel)) +
                                        ", " + b.ref + ") for this " +
                                        (b.vehicle_id ? "vehicle" : "customer") + " and slot"});
      return Status::Ok();
    }
    if (fields.requested_at.empty())
      note += (note.empty() ? "" : "; ") + std::string("no written time: ordered as entered");
    report_.imported.push_back({r.row, form_id, b.ref, b.customer_name,
                                b.slot_date + " " + b.slot_time, new_customer, b.needs_reschedule,
                                note});
    return Status::Ok();
  }

  Store& store_;
  const ImportOptions& options_;
  const csv::Record& header_;
  const std::map<size_t, size_t>& column_at_;
  ImportReport& report_;
  std::vector<std::vector<std::string>> reject_rows_;
  std::set<std::string> case_refs_;       // cases the bookings opened
  std::map<std::string, int> form_rows_;  // form id -> first row in this file
};

}  // namespace

const std::vector<PaperColumn>& PaperColumns() { return kColumns; }

std::string PaperTemplateCsv() {
  std::vector<std::string> header;
  header.reserve(kColumns.size());
  for (const auto& c : kColumns) header.push_back(std::string(c.zh) + " " + c.key);
  return csv::FormatRecord(header);
}

// ---- printing ----

Result<PrintedSheet> PrintDaySheet(Store& store, const PrintOptions& options) {
  ASSIGN_OR_RETURN(LocalDate day, ParseDeskDate(options.date, store.Today()));
  if (options.blank_forms < 0 || options.blank_forms > 200) {
    return Status::InvalidInput("forms: between 0 and 200 blank forms per sheet");
  }
  ASSIGN_OR_RETURN(Board board, store.DayBoard(day.ToString()));
  ASSIGN_OR_RETURN(int first, store.ReserveFormNumbers(day, options.blank_forms));
  char key[16];
  std::snprintf(key, sizeof key, "%02d%02d%02d", day.year % 100, day.month, day.day);
  auto form_id = [&](int n) {
    char id[32];
    std::snprintf(id, sizeof id, "F%s-%02d", key, n);
    return std::string(id);
  };
  const auto& s = store.settings();
  std::ostringstream h;
  h << "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
    << "<title>" << EscapeHtml(s.name) << " " << board.date << "</title><style>"
    << "@page{size:A4;margin:12mm}body{font:11pt 'Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
    << "color:#000}h1{font-size:16pt;margin:0}h2{font-size:13pt;margin:14px 0 6px}"
    << "table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;padding:4px 6px;"
    << "vertical-align:top;text-align:left}th{background:#eee}.free td{height:22px}"
    << ".form{border:2px solid #000;margin:10px 0;padding:6px;page-break-inside:avoid}"
    << ".form td{height:26px}.form td.l{width:32%;font-size:9pt}.id{font:bold 14pt monospace}"
    << ".muted{font-size:9pt;color:#333}.pb{page-break-before:always}</style></head><body>";
  h << "<h1>" << EscapeHtml(s.name) << " (" << EscapeHtml(s.store_id)
    << ") · 预约登记表 Booking sheet · " << board.date << "</h1>";
  const LocalDateTime printed = store.time_zone().UtcToLocal(store.clock().NowMs());
  h << "<p class=\"muted\">打印 Printed " << printed.date.ToString() << " "
    << printed.time.ToString() << (options.staff.empty() ? "" : " · " + EscapeHtml(options.staff))
    << " · 时区 " << EscapeHtml(s.time_zone)
    << " · 电脑恢复后请按表单号录入并导入 (outpost-edge paper import) · After the outage, "
       "transcribe each form in this column order and import it.</p>";
  if (!board.open) {
    h << "<p><b>本日不营业 Closed: " << EscapeHtml(board.closed_reason) << "</b></p>";
  }
  h << "<h2>时段 Slots</h2><table><tr><th>时段 Time</th><th>名额 Places</th>"
    << "<th>已预约 Booked (打印时 at print time)</th><th>空位 Free</th></tr>";
  for (const auto& slot : board.slots) {
    h << "<tr><td><b>" << slot.time << "</b></td><td>" << slot.capacity << "</td><td>";
    for (const auto& b : slot.bookings) {
      h << EscapeHtml(b.ref) << " " << EscapeHtml(b.customer_name);
      if (!b.customer_phones.empty())
        h << " " << EscapeHtml(MaskPhone(b.customer_phones[0], options.full_phones));
      if (b.plate) h << " " << EscapeHtml(FormatPlateForDisplay(*b.plate));
      h << " · " << EscapeHtml(b.service) << "<br>";
    }
    h << "</td><td>" << slot.free;
    for (int i = 0; i < slot.free; ++i) h << "<br>□ ____________";
    h << "</td></tr>";
  }
  h << "</table>";
  if (!board.needs_reschedule.empty()) {
    h << "<h2>待改约 To reschedule</h2><ul>";
    for (const auto& b : board.needs_reschedule) {
      h << "<li>" << EscapeHtml(b.ref) << " " << b.slot_time << " " << EscapeHtml(b.customer_name)
        << "</li>";
    }
    h << "</ul>";
  }
  for (int i = 0; i < options.blank_forms; ++i) {
    if (i % 3 == 0) h << "<div class=\"pb\"></div>";
    h << "<div class=\"form\"><span class=\"id\">" << form_id(first + i) << "</span>"
      << " <span class=\"muted\">" << EscapeHtml(s.name)
      << " · 纸质预约单 Paper booking form</span>"
      << "<table>";
    for (const auto& c : kColumns) {
      if (std::string(c.key) == "form_id") continue;
      h << "<tr><td class=\"l\">" << c.zh << " " << c.en;
      if (std::string(c.key) == "date") h << " (2026-11-24)";
      if (std::string(c.key) == "time") h << " (10:00)";
      if (std::string(c.key) == "written_at") h << " (日期 时间 date time)";
      h << "</td><td></td></tr>";
    }
    h << "</table></div>";
  }
  h << "<p class=\"muted\">录入格式 Import columns: " << EscapeHtml(PaperTemplateCsv()) << "</p>";
  h << "</body></html>\n";
  PrintedSheet out;
  out.date = board.date;
  out.html = h.str();
  if (options.blank_forms > 0) {
    out.first_form = form_id(first);
    out.last_form = form_id(first + options.blank_forms - 1);
  }
  return out;
}

// ---- import ----

Result<ImportReport> ImportPaper(Store& store, const ImportOptions& options) {
  if (options.operator_name.empty()) {
    return Status::InvalidInput("staff: say who is importing (--staff or OUTPOST_STAFF)");
  }
  ImportReport report;
  report.file = options.path;
  ASSIGN_OR_RETURN(ImportFile file, ReadImportFile(options.path, report));
  report.batch_id = "IMP-" + ShortId(NewId(store.settings().store_id));
  report.committed = options.commit;

  // The header row: which file column holds which field.
  const csv::Record& header = file.records.front();
  ASSIGN_OR_RETURN(const auto column_at, MapHeader(header, report.notes));
  if (auto earlier = store.FindPaperImport(report.digest); earlier.ok() && earlier->has_value()) {
    report.notes.push_back("this file was imported before, as " + earlier->value().first + " at " +
                           earlier->value().second + ": forms already in are skipped");
  }

  RowImporter rows(store, options, header, column_at, report);
  RETURN_IF_ERROR(store.InTransaction(options.commit, [&]() -> Status {
    const auto total = static_cast<int64_t>(file.records.size()) - 1;
    for (size_t r = 1; r < file.records.size(); ++r) {
      RETURN_IF_ERROR(rows.Import(file.records[r], static_cast<int>(r)));
      if (options.on_progress) options.on_progress(static_cast<int64_t>(r), total);
    }
    RETURN_IF_ERROR(rows.Finish());
    if (!options.commit) return Status::Ok();
    return store.RecordPaperImport(report.batch_id, options.path, report.digest,
                                   options.operator_name, ReportJson(report).dump());
  }));

  std::vector<std::vector<std::string>> reject_rows = rows.TakeRejectRows();
  if (!reject_rows.empty()) {
    report.rejects_file =
        options.rejects_path.empty() ? options.path + ".rejects.csv" : options.rejects_path;
    RETURN_IF_ERROR(
        WriteRejects(report.rejects_file, header, file.delimiter, std::move(reject_rows)));
  }
  return report;
}

// ---- reports ----

json ReportJson(const ImportReport& r) {
  json out = {{"batch", r.batch_id}, {"file", r.file},           {"encoding", r.encoding},
              {"digest", r.digest},  {"committed", r.committed}, {"dry_run", !r.committed},
              {"rows", r.rows},      {"notes", r.notes},         {"rejects_file", r.rejects_file}};
  json imported = json::array(), dups = json::array(), before = json::array(),
       rejected = json::array(), conflicts = json::array(), contacts = json::array();
  for (const auto& i : r.imported) {
    imported.push_back({{"row", i.row},
                        {"form_id", i.form_id},
                        {"booking", i.booking_ref},
                        {"customer", i.customer},
                        {"slot", i.slot},
                        {"new_customer", i.new_customer},
                        {"needs_reschedule", i.needs_reschedule},
                        {"note", i.note}});
  }
  for (const auto& d : r.duplicates) {
    dups.push_back(
        {{"row", d.row}, {"form_id", d.form_id}, {"booking", d.existing_ref}, {"why", d.why}});
  }
  for (const auto& d : r.already_imported) {
    before.push_back(
        {{"row", d.row}, {"form_id", d.form_id}, {"booking", d.existing_ref}, {"why", d.why}});
  }
  for (const auto& x : r.rejected) {
    rejected.push_back({{"row", x.row},
                        {"line", x.line},
                        {"column", x.column},
                        {"value", x.value},
                        {"reason", x.reason}});
  }
  for (const auto& c : r.conflicts) {
    conflicts.push_back({{"case", c.ref}, {"kind", c.kind}, {"summary", c.summary}});
  }
  for (const auto& c : r.contacts) {
    contacts.push_back({{"customer_id", c.customer_id},
                        {"name", c.name},
                        {"phone", c.phone},
                        {"booking", c.booking_ref},
                        {"why", c.why}});
  }
  out["imported"] = imported;
  out["duplicates"] = dups;
  out["already_imported"] = before;
  out["rejected"] = rejected;
  out["conflicts"] = conflicts;
  out["contacts"] = contacts;
  out["counts"] = {{"imported", r.imported.size()},
                   {"duplicates", r.duplicates.size()},
                   {"already_imported", r.already_imported.size()},
                   {"rejected", r.rejected.size()},
                   {"conflicts", r.conflicts.size()},
                   {"contacts", r.contacts.size()}};
  return out;
}

std::string ReportText(const ImportReport& r) {
  std::ostringstream o;
  const std::string counts = std::to_string(r.rows);
  o << (r.committed
            ? i18n::Format("Imported {0} ({1}, {2} rows) as {3}",
                           {r.file, r.encoding, counts, r.batch_id})
            : i18n::Format("DRY RUN (nothing written; add --commit to import) {0} ({1}, {2} "
                           "rows) as {3}",
                           {r.file, r.encoding, counts, r.batch_id}))
    << "\n";
  o << "  "
    << i18n::Format(
           "{0} booked, {1} duplicates, {2} imported before, {3} rejected, {4} conflict "
           "cases, {5} customers to call",
           {std::to_string(r.imported.size()), std::to_string(r.duplicates.size()),
            std::to_string(r.already_imported.size()), std::to_string(r.rejected.size()),
            std::to_string(r.conflicts.size()), std::to_string(r.contacts.size())})
    << "\n";
  for (const auto& n : r.notes) o << "  " << i18n::Format("note: {0}", {n}) << "\n";
  if (!r.imported.empty()) o << i18n::Tr("Booked:") << "\n";
  for (const auto& i : r.imported) {
    o << "  " << i18n::Format("row {0}", {std::to_string(i.row)}) << "  " << i.form_id << " -> "
      << i.booking_ref << "  " << i.slot << "  " << i.customer
      << (i.new_customer ? i18n::Tr(" (new customer)") : "")
      << (i.needs_reschedule ? "  " + i18n::Tr("NEEDS RESCHEDULE") : "")
      << (i.note.empty() ? "" : "  [" + i.note + "]") << "\n";
  }
  if (!r.duplicates.empty()) o << i18n::Tr("Duplicates (not booked again):") << "\n";
  for (const auto& d : r.duplicates) {
    o << "  " << i18n::Format("row {0}", {std::to_string(d.row)}) << "  " << d.form_id << ": "
      << d.why << "\n";
  }
  if (!r.already_imported.empty()) o << i18n::Tr("Imported before (skipped):") << "\n";
  for (const auto& d : r.already_imported) {
    o << "  " << i18n::Format("row {0}", {std::to_string(d.row)}) << "  " << d.form_id << " -> "
      << d.existing_ref << " (" << d.why << ")\n";
  }
  if (!r.rejected.empty()) o << i18n::Tr("Rejected (fix and import again):") << "\n";
  for (const auto& x : r.rejected) {
    std::string where = i18n::Format("row {0} (line {1}), column {2}",
                                     {std::to_string(x.row), std::to_string(x.line), x.column});
    if (!x.value.empty()) where += i18n::Format(", value '{0}'", {x.value});
    o << "  "
      << i18n::Format("{0}: {1}", {where, x.reason_shown.empty() ? x.reason : x.reason_shown})
      << "\n";
  }
  if (!r.rejects_file.empty()) {
    o << "  " << i18n::Format("rejected rows written to {0}", {r.rejects_file}) << "\n";
  }
  if (!r.conflicts.empty())
    o << i18n::Tr("Conflict cases (outpost-edge conflicts show REF):") << "\n";
  for (const auto& c : r.conflicts)
    o << "  " << c.ref << " " << c.kind << ": " << c.summary << "\n";
  if (!r.contacts.empty()) o << i18n::Tr("Call these customers:") << "\n";
  for (const auto& c : r.contacts) {
    o << "  " << c.name << "  "
      << (c.phone.empty() ? i18n::Tr("(no phone)") : FormatPhoneForDisplay(c.phone)) << "  "
      << c.booking_ref << ": " << c.why << "\n";
  }
  return o.str();
}

std::string ReportHtml(const ImportReport& r, const std::string& store_name) {
  std::ostringstream h;
  h << "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>"
    << "纸质单导入 Paper import " << EscapeHtml(r.batch_id)
    << "</title><style>body{font:11pt sans-serif}"
    << "table{border-collapse:collapse}td,th{border:1px solid #999;padding:3px 6px;text-align:left}"
    << "th{background:#eee}.warn{color:#a00;font-weight:bold}</style></head><body>";
  h << "<h1>" << EscapeHtml(store_name) << " · 纸质单导入 Paper import " << EscapeHtml(r.batch_id)
    << "</h1>";
  h << "<p>"
    << (r.committed ? "已导入 Imported"
                    : "<span class=\"warn\">试运行 DRY RUN: nothing written</span>")
    << " · " << EscapeHtml(r.file) << " · " << EscapeHtml(r.encoding) << " · " << r.rows
    << " rows</p>";
  h << "<p>" << r.imported.size() << " booked · " << r.duplicates.size() << " duplicates · "
    << r.already_imported.size() << " imported before · " << r.rejected.size() << " rejected · "
    << r.conflicts.size() << " conflicts · " << r.contacts.size() << " to call</p>";
  for (const auto& n : r.notes) h << "<p>" << EscapeHtml(n) << "</p>";
  auto table = [&](const char* title, const std::vector<std::string>& heads,
                   const std::vector<std::vector<std::string>>& rows) {
    if (rows.empty()) return;
    h << "<h2>" << title << "</h2><table><tr>";
    for (const auto& x : heads) h << "<th>" << EscapeHtml(x) << "</th>";
    h << "</tr>";
    for (const auto& row : rows) {
      h << "<tr>";
      for (const auto& x : row) h << "<td>" << EscapeHtml(x) << "</td>";
      h << "</tr>";
    }
    h << "</table>";
  };
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : r.contacts) {
    rows.push_back(
        {c.name, c.phone.empty() ? "" : FormatPhoneForDisplay(c.phone), c.booking_ref, c.why});
  }
  table("需联系客户 Customers to call", {"Name", "Phone", "Booking", "Why"}, rows);
  rows.clear();
  for (const auto& c : r.conflicts) rows.push_back({c.ref, c.kind, c.summary});
  table("冲突 Conflict cases", {"Case", "Kind", "Summary"}, rows);
  rows.clear();
  for (const auto& x : r.rejected) {
    rows.push_back({std::to_string(x.row), std::to_string(x.line), x.column, x.value, x.reason});
  }
  table("退回 Rejected rows", {"Row", "Line", "Column", "Value", "Reason"}, rows);
  rows.clear();
  for (const auto& i : r.imported) {
    rows.push_back({std::to_string(i.row), i.form_id, i.booking_ref, i.slot, i.customer,
                    i.needs_reschedule ? "needs reschedule" : "", i.note});
  }
  table("已预约 Booked", {"Row", "Form", "Booking", "Slot", "Customer", "", "Note"}, rows);
  rows.clear();
  for (const auto& d : r.duplicates) {
    rows.push_back({std::to_string(d.row), d.form_id, d.existing_ref, d.why});
  }
  table("重复 Duplicates", {"Row", "Form", "Existing", "Why"}, rows);
  h << "</body></html>\n";
  return h.str();
}

}  // namespace outpost::edge
