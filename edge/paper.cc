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
                                "' is not a printed form number like F261124-07");
  }
  const int number = std::stoi(s.substr(dash + 1));
  if (number < 1) return Status::InvalidInput("form id '" + raw + "' has no form number");
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
// or one the form has no column for (channel, customer, requested_at,
// mileage). A "vin" refusal is the row's too: the form's VIN already passed
// the desk's check (ReadIdentifiers), so what the booking refuses is the
// plate and VIN together disagreeing with the vehicle on record.
std::string ColumnOfRefusal(const Status& refusal) {
  static const std::map<std::string, std::string> kColumnOfField = {
      {"slot", "time"},   {"date", "date"},   {"plate", "plate"},         {"vehicle", "plate"},
      {"name", "name"},   {"phone", "phone"}, {"member_id", "member_id"}, {"service", "service"},
      {"notes", "notes"}, {"staff", "staff"}};
  const auto it = kColumnOfField.find(refusal.field());
  return it == kColumnOfField.end() ? "row" : it->second;
}

std::string MaskPhone(const std::string& e164, bool full) {
  if (full || e164.size() < 4) return FormatPhoneForDisplay(e164);
  return "*** " + e164.substr(e164.size() - 4);
}

// A form's fields after the form id, checked and in their canonical forms.
struct FormFields {
  LocalDate date;
  LocalTime time;
  std::optional<std::string> phone, plate, vin, member;
  std::string requested_at;  // UTC text of the written time; empty: none written
};

// Why a row is rejected: its column, the value as written, the reason.
struct RowProblem {
  std::string column, value, reason;
};

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
    if (!normalized.ok()) return RowProblem{id.column, raw, normalized.status().message()};
    *id.into = *normalized;
  }
  if (!out.phone && !out.plate && !out.vin && !out.member) {
    return RowProblem{"phone", "",
                      "no phone, plate, VIN or member id: the customer cannot be found or called"};
  }
  return std::nullopt;
}

// Reads a row's date, time, identifiers and written time, or says what is wrong.
std::variant<FormFields, RowProblem> ReadFormFields(const CellFn& value, const Store& store) {
  FormFields out;
  auto date = ParseWrittenDate(value("date"));
  if (!date.ok()) return RowProblem{"date", value("date"), date.status().message()};
  out.date = *date;
  auto time = ParseWrittenTime(value("time"));
  if (!time.ok()) return RowProblem{"time", value("time"), time.status().message()};
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
          "written at '" + w + "' is not a date and time (write it as YYYY-MM-DD HH:MM, 24-hour)"};
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
      return RowProblem{column, *key, found.status().message()};
    }
  }
  if (name.empty()) return RowProblem{"name", "", "new customer: the name is required"};
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
                                    ": column '" + kColumns[*field].key + "' appears twice");
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
                                  ") is missing; the header must be: " + PaperTemplateCsv());
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
  if (!written.ok()) return Status::IoError("rejects: " + written.message());
  return Status::Ok();
}

}  // namespace

const std::vector<PaperColumn>& PaperColumns() { return kColumns; }

std::string PaperTemplateCsv() {
  std::vector<std::string> header;
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
  std::ifstream in(options.path, std::ios::binary);
  if (!in) return Status::NotFound("file: cannot read '" + options.path + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  if (bytes.size() > csv::kMaxInputBytes) {
    return Status::InvalidInput("file: '" + options.path + "' is larger than 64 MiB");
  }
  ImportReport report;
  report.file = options.path;
  report.digest = FileDigest(bytes);
  report.batch_id = "IMP-" + ShortId(NewId(store.settings().store_id));
  report.committed = options.commit;

  csv::Encoding encoding;
  auto text = csv::DecodeText(bytes, &encoding);
  if (!text.ok()) {
    return Status::InvalidInput("file: " + options.path + ": " + text.status().message());
  }
  report.encoding = std::string(csv::EncodingName(encoding));
  const char delimiter = csv::DetectDelimiter(*text);
  auto records = csv::Parse(*text, delimiter);
  if (!records.ok()) {
    return Status::InvalidInput("file: " + options.path + ": " + records.status().message());
  }
  if (records->empty()) return Status::InvalidInput("file: '" + options.path + "' is empty");

  // The header row: which file column holds which field.
  const csv::Record& header = records->front();
  ASSIGN_OR_RETURN(const auto column_at, MapHeader(header, report.notes));
  if (auto earlier = store.FindPaperImport(report.digest); earlier.ok() && earlier->has_value()) {
    report.notes.push_back("this file was imported before, as " + earlier->value().first + " at " +
                           earlier->value().second + ": forms already in are skipped");
  }

  std::vector<std::vector<std::string>> reject_rows;
  std::set<std::string> case_refs;
  std::map<std::string, int> form_rows;  // form id -> first row in this file

  Status run = store.InTransaction(options.commit, [&]() -> Status {
    for (size_t r = 1; r < records->size(); ++r) {
      const csv::Record& rec = (*records)[r];
      const int row = static_cast<int>(r);
      ++report.rows;
      // A cell exactly as written (notes); a field a rejects file neutralised
      // ('+86 ...) reads as it was typed.
      auto cell = [&](const char* key) -> std::string {
        for (const auto& [c, i] : column_at) {
          if (std::string(kColumns[c].key) == key) {
            return i < rec.fields.size() ? std::string(csv::WithoutFormulaGuard(rec.fields[i]))
                                         : std::string();
          }
        }
        return std::string();
      };
      // A cell with full-width letters and digits folded (１３８, Ａ).
      auto value = [&](const char* key) -> std::string { return FoldFullWidth(cell(key)); };
      auto reject = [&](const std::string& column, const std::string& val,
                        const std::string& reason) {
        report.rejected.push_back({row, rec.line, column, val, reason});
        std::vector<std::string> fields = rec.fields;
        fields.resize(header.fields.size());
        fields.push_back(std::to_string(row));
        fields.push_back(column);
        fields.push_back(reason);
        reject_rows.push_back(std::move(fields));
      };
      // More cells than the header has names for, with something in them.
      bool extra = false;
      for (size_t i = header.fields.size(); i < rec.fields.size(); ++i) {
        if (!FoldFullWidth(rec.fields[i]).empty()) extra = true;
      }
      if (extra) {
        reject("row", std::to_string(rec.fields.size()) + " cells",
               "the row has " + std::to_string(rec.fields.size()) + " cells but the header " +
                   std::to_string(header.fields.size()) + ": a value is in no column");
        continue;
      }
      auto form = ParseFormId(value("form_id"));
      if (value("form_id").empty()) {
        reject("form_id", "", "form id is empty: copy the number printed on the form");
        continue;
      }
      if (!form.ok()) {
        reject("form_id", value("form_id"), form.status().message());
        continue;
      }
      if (auto seen = form_rows.find(*form); seen != form_rows.end()) {
        reject(
            "form_id", *form,
            "form " + *form + " is also on row " + std::to_string(seen->second) + " of this file");
        continue;
      }
      form_rows[*form] = row;
      ASSIGN_OR_RETURN(auto imported, store.PaperFormImported(*form));
      if (imported) {
        report.already_imported.push_back(
            {row, *form, imported->second, "imported before in " + imported->first});
        continue;
      }
      auto read = ReadFormFields(value, store);
      if (const auto* problem = std::get_if<RowProblem>(&read)) {
        reject(problem->column, problem->value, problem->reason);
        continue;
      }
      const FormFields& fields = std::get<FormFields>(read);
      const std::string name_raw = value("name");

      BookingRequest req;
      std::string note;
      bool new_customer = false;
      if (auto problem = ChooseCustomer(store, fields, name_raw, req, note, new_customer)) {
        reject(problem->column, problem->value, problem->reason);
        continue;
      }
      if (fields.plate) req.vehicle.plate = *fields.plate;
      if (fields.vin) req.vehicle.vin = *fields.vin;
      if (!value("service").empty()) req.service = value("service");
      req.notes = cell("notes");  // as written: line breaks and full-width punctuation kept
      req.date = fields.date.ToString();
      req.time = fields.time.ToString();
      req.channel = "paper";
      req.staff = value("staff").empty() ? options.operator_name : value("staff");
      req.promised = true;
      req.requested_at = fields.requested_at;
      req.source = "paper import " + report.batch_id + " (form " + *form + ")";
      req.form_id = *form;
      req.import_batch = report.batch_id;
      auto booked = store.BookPromisedInTransaction(req);
      if (!booked.ok()) {
        const StatusCode code = booked.status().code();
        if (code == StatusCode::kIoError || code == StatusCode::kRetryLater ||
            code == StatusCode::kCorruption) {
          return booked.status();  // the system, not the row: nothing is kept
        }
        const std::string column = ColumnOfRefusal(booked.status());
        reject(column, column == "row" ? "" : value(column.c_str()), booked.status().message());
        continue;
      }
      for (const auto& ref : booked->cases) case_refs.insert(ref);
      if (booked->duplicate) {
        report.duplicates.push_back(
            {row, *form, booked->booking.ref,
             "already booked (" + std::string(ChannelName(booked->booking.channel)) + ", " +
                 booked->booking.ref + ") for this " +
                 (booked->booking.vehicle_id ? "vehicle" : "customer") + " and slot"});
        continue;
      }
      if (fields.requested_at.empty())
        note += (note.empty() ? "" : "; ") + std::string("no written time: ordered as entered");
      report.imported.push_back({row, *form, booked->booking.ref, booked->booking.customer_name,
                                 booked->booking.slot_date + " " + booked->booking.slot_time,
                                 new_customer, booked->booking.needs_reschedule, note});
    }
    // A later form can take the place of an earlier one (it was written
    // earlier): the report says where each booking ended, in a dry run too.
    for (auto& imported : report.imported) {
      ASSIGN_OR_RETURN(Booking booking, store.GetBooking(imported.booking_ref));
      imported.needs_reschedule = booking.needs_reschedule;
    }
    // Cases are read inside the transaction: a dry run shows them too.
    for (const auto& ref : case_refs) {
      ASSIGN_OR_RETURN(ConflictCase c, store.GetCase(ref));
      report.conflicts.push_back({c.ref, c.kind, c.summary});
      for (const auto& contact : c.contacts) report.contacts.push_back(contact);
    }
    if (options.commit) {
      RETURN_IF_ERROR(store.RecordPaperImport(report.batch_id, options.path, report.digest,
                                              options.operator_name, ReportJson(report).dump()));
    }
    return Status::Ok();
  });
  RETURN_IF_ERROR(run);

  if (!reject_rows.empty()) {
    report.rejects_file =
        options.rejects_path.empty() ? options.path + ".rejects.csv" : options.rejects_path;
    RETURN_IF_ERROR(WriteRejects(report.rejects_file, header, delimiter, std::move(reject_rows)));
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
  o << (r.committed ? "Imported " : "DRY RUN (nothing written; add --commit to import) ") << r.file
    << " (" << r.encoding << ", " << r.rows << " rows) as " << r.batch_id << "\n";
  o << "  " << r.imported.size() << " booked, " << r.duplicates.size() << " duplicates, "
    << r.already_imported.size() << " imported before, " << r.rejected.size() << " rejected, "
    << r.conflicts.size() << " conflict cases, " << r.contacts.size() << " customers to call\n";
  for (const auto& n : r.notes) o << "  note: " << n << "\n";
  if (!r.imported.empty()) o << "Booked:\n";
  for (const auto& i : r.imported) {
    o << "  row " << i.row << "  " << i.form_id << " -> " << i.booking_ref << "  " << i.slot << "  "
      << i.customer << (i.new_customer ? " (new customer)" : "")
      << (i.needs_reschedule ? "  NEEDS RESCHEDULE" : "")
      << (i.note.empty() ? "" : "  [" + i.note + "]") << "\n";
  }
  if (!r.duplicates.empty()) o << "Duplicates (not booked again):\n";
  for (const auto& d : r.duplicates) {
    o << "  row " << d.row << "  " << d.form_id << ": " << d.why << "\n";
  }
  if (!r.already_imported.empty()) o << "Imported before (skipped):\n";
  for (const auto& d : r.already_imported) {
    o << "  row " << d.row << "  " << d.form_id << " -> " << d.existing_ref << " (" << d.why
      << ")\n";
  }
  if (!r.rejected.empty()) o << "Rejected (fix and import again):\n";
  for (const auto& x : r.rejected) {
    o << "  row " << x.row << " (line " << x.line << "), column " << x.column;
    if (!x.value.empty()) o << ", value '" << x.value << "'";
    o << ": " << x.reason << "\n";
  }
  if (!r.rejects_file.empty()) o << "  rejected rows written to " << r.rejects_file << "\n";
  if (!r.conflicts.empty()) o << "Conflict cases (outpost-edge conflicts show REF):\n";
  for (const auto& c : r.conflicts)
    o << "  " << c.ref << " " << c.kind << ": " << c.summary << "\n";
  if (!r.contacts.empty()) o << "Call these customers:\n";
  for (const auto& c : r.contacts) {
    o << "  " << c.name << "  " << (c.phone.empty() ? "(no phone)" : FormatPhoneForDisplay(c.phone))
      << "  " << c.booking_ref << ": " << c.why << "\n";
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
