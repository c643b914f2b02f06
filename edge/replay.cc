#include "edge/replay.h"

#include <charconv>
#include <map>
#include <set>

#include "edge/bookings.h"
#include "edge/cases.h"
#include "edge/change_writer.h"
#include "edge/customers.h"
#include "edge/day_counters.h"
#include "edge/hub_requests.h"
#include "edge/paper_book.h"
#include "edge/tamper_checks.h"
#include "sync/merge.h"
#include "sync/model/booking.h"
#include "sync/model/case.h"
#include "sync/model/request.h"
#include "sync/normalize.h"
#include "sync/store_calendar.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

// Where each logged entity lives.
struct EntityTable {
  const char* entity;
  const char* table;
};
constexpr EntityTable kEntityTables[] = {{"customer", "customers"},
                                         {"vehicle", "vehicles"},
                                         {"booking", "bookings"},
                                         {"case", "conflict_cases"}};

Result<std::string> TableOf(const std::string& entity) {
  for (const auto& e : kEntityTables) {
    if (entity == e.entity) return std::string(e.table);
  }
  return Status::Corruption("change log: unknown entity '" + entity + "'");
}

Result<std::set<std::string>> Columns(Db& db, const std::string& table) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT name FROM pragma_table_info(?)"));
  st.Bind(1, table);
  std::set<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.insert(st.Text(0));
  }
  return out;
}

// Each column's default as SQLite would store it (unquoted text), or nullopt for NULL.
Result<std::map<std::string, std::optional<std::string>>> ColumnDefaults(Db& db,
                                                                         const std::string& table) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT name, dflt_value FROM pragma_table_info(?)"));
  st.Bind(1, table);
  std::map<std::string, std::optional<std::string>> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::optional<std::string> d = st.OptionalText(1);
    if (d && d->size() >= 2 && d->front() == '\'' && d->back() == '\'') {
      d = d->substr(1, d->size() - 2);
    }
    if (d && *d == "NULL") d.reset();
    out[st.Text(0)] = d;
  }
  return out;
}

// Columns the log does not carry: derived on replay, never compared.
bool DerivedColumn(const std::string& entity, const std::string& column) {
  if (column == "id") return true;
  if (entity == "customer") return column == "name_key" || column == "updated_at";
  if (entity == "vehicle") return column == "created_at" || column == "updated_at";
  if (entity == "case") return column == "opened_by";
  return false;
}

// A JSON value as SQLite stores it: booleans as 0/1, arrays and objects as text.
void BindJson(Statement& st, int index, const json& v) {
  if (v.is_null()) {
    st.BindNull(index);
  } else if (v.is_boolean()) {
    st.Bind(index, int64_t{v.get<bool>()});
  } else if (v.is_number_integer() || v.is_number_unsigned()) {
    st.Bind(index, v.get<int64_t>());
  } else if (v.is_string()) {
    st.Bind(index, v.get<std::string>());
  } else {
    st.Bind(index, v.dump());
  }
}

// A column as the type the log gave the field, so 1 reads as true where the
// log wrote true; a value that does not convert stays as stored (and differs).
json ColumnAs(const Statement& st, int col, const json& like) {
  if (st.IsNull(col)) return nullptr;
  const std::string text = st.Text(col);
  if (like.is_boolean()) {
    if (text == "0") return false;
    if (text == "1") return true;
    return text;
  }
  if (like.is_number()) {
    // Not all of it a number: the text itself, which then differs from the log.
    int64_t v = 0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, v);
    if (!text.empty() && error == std::errc() && stop == end) return v;
    return text;
  }
  if (like.is_array() || like.is_object()) {
    json parsed = json::parse(text, nullptr, false);
    return parsed.is_discarded() ? json(text) : parsed;
  }
  return text;
}

// The strings of a logged phone list (anything else in it is skipped).
std::vector<std::string> PhoneList(const json& phones) {
  std::vector<std::string> out;
  if (!phones.is_array()) return out;
  for (const auto& p : phones) {
    if (p.is_string()) out.push_back(p.get<std::string>());
  }
  return out;
}

std::string TextField(const json& fields, const char* key, const std::string& fallback) {
  return fields.contains(key) && fields[key].is_string() ? fields[key].get<std::string>()
                                                         : fallback;
}

// A head-office request the store answered without a booking or case change
// (refused, or already booked), as logged (Store::LogRequestAnswerLocked).
Status ApplyRequestAnswer(Db& db, const json& fields) {
  auto answer = model::ParseRequestAnswer(fields);
  if (!answer.ok()) return Status::Corruption(answer.status().message());  // our own log, damaged
  return WriteRequestAnswer(db,
                            {answer->hub_request_seq, answer->received_at, answer->kind,
                             answer->outcome, answer->booking_id, answer->reason, std::nullopt},
                            OnExisting::kKeepFirst);
}

// What a logged change says about head office's requests and paper forms,
// written through the tables' owners (edge/hub_requests.h, edge/paper_book.h)
// as the store wrote them: the answer kept first wins (ON CONFLICT DO NOTHING).
Status ApplyRequestAndForm(Db& db, const ChangeEntry& e, const json& fields) {
  const bool has_seq =
      fields.contains("hub_request_seq") && fields["hub_request_seq"].is_number_integer();
  RequestAnswerRow answer;
  if (has_seq) answer.seq = fields["hub_request_seq"].get<int64_t>();
  answer.received_at = e.recorded_at;
  if (e.entity == "case" && has_seq && e.op == "insert") {
    // Head office's cancel or move, overruled by what happened at the store.
    const json ids = fields.value("booking_ids", json::array());
    answer.kind = TextField(fields, "hub_request_kind", "cancel");
    answer.outcome = "overruled";
    if (ids.is_array() && !ids.empty() && ids[0].is_string()) {
      answer.booking_id = ids[0].get<std::string>();
    }
    answer.reason = TextField(fields, "summary", "overruled");
    answer.case_ref = TextField(fields, "ref", "");
    return WriteRequestAnswer(db, answer, OnExisting::kKeepFirst);
  }
  if (e.entity == "case" && has_seq && e.op == "update") {
    // A case head office closed (nothing written when the case is unknown).
    ASSIGN_OR_RETURN(std::optional<std::string> ref, CaseRefOf(db, e.entity_id));
    if (!ref) return Status::Ok();
    answer.kind = "resolve-case";
    answer.outcome = "applied";
    answer.case_ref = std::move(ref);
    return WriteRequestAnswer(db, answer, OnExisting::kKeepFirst);
  }
  if (e.entity != "booking") return Status::Ok();
  if (has_seq && e.op == "insert") {
    answer.outcome = "booked";
    answer.booking_id = e.entity_id;
    RETURN_IF_ERROR(WriteRequestAnswer(db, answer, OnExisting::kKeepFirst));
  }
  if (has_seq && e.op == "update") {
    // Head office's cancel or move, applied: the booking cancelled or moved to.
    answer.kind = TextField(fields, "status", "") == "rescheduled" ? "reschedule" : "cancel";
    answer.outcome = "applied";
    answer.booking_id = answer.kind == "reschedule"
                            ? TextField(fields, "rescheduled_to", e.entity_id)
                            : e.entity_id;
    RETURN_IF_ERROR(WriteRequestAnswer(db, answer, OnExisting::kKeepFirst));
  }
  if (e.op == "insert" && fields.contains("form_id") && fields["form_id"].is_string()) {
    return WritePaperForm(
        db,
        {fields["form_id"].get<std::string>(), TextField(fields, "import_batch", ""), "booked",
         e.entity_id, e.recorded_at},
        OnExisting::kKeepFirst);
  }
  return Status::Ok();
}

// The logged fields that are columns of `table` (never the id), with the
// columns the log does not carry derived as the desk derives them.
Result<json> ReplayedColumns(Db& db, const std::string& table, const ChangeEntry& e,
                             const json& fields) {
  ASSIGN_OR_RETURN(std::set<std::string> columns, Columns(db, table));
  json values = json::object();
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (columns.count(it.key()) && it.key() != "id") values[it.key()] = it.value();
  }
  if (e.entity == "customer") {
    if (values.contains("name") && values["name"].is_string()) {
      values["name_key"] = SearchKey(values["name"].get<std::string>());
    }
    if (e.op == "insert" && !values.contains("updated_at")) {
      values["updated_at"] = TextField(fields, "created_at", e.recorded_at);
    }
  } else if (e.entity == "vehicle") {
    if (e.op == "insert") values["created_at"] = e.recorded_at;
    values["updated_at"] = e.recorded_at;
  }
  return values;
}

// A logged insert: the row with the entry's id and `values`.
Status InsertReplayedRow(Db& db, const std::string& table, const ChangeEntry& e,
                         const json& values) {
  std::string names = "id", marks = "?";
  for (auto it = values.begin(); it != values.end(); ++it) {
    names += ", \"" + it.key() + "\"";
    marks += ", ?";
  }
  ASSIGN_OR_RETURN(Statement ins,
                   db.Prepare("INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")"));
  ins.Bind(1, e.entity_id);
  int i = 2;
  for (auto it = values.begin(); it != values.end(); ++it) BindJson(ins, i++, it.value());
  Status st = ins.Run();
  if (!st.ok()) {
    return Status::Corruption("replaying " + e.entity + " " + e.entity_id + " (seq " +
                              std::to_string(e.seq) + "): " + st.message());
  }
  return Status::Ok();
}

// A logged update: `values` set on the entry's row, which must exist.
Status UpdateReplayedRow(Db& db, const std::string& table, const ChangeEntry& e,
                         const json& values) {
  if (values.empty()) return Status::Ok();
  std::string sets;
  for (auto it = values.begin(); it != values.end(); ++it) {
    sets += (sets.empty() ? "\"" : ", \"") + it.key() + "\" = ?";
  }
  ASSIGN_OR_RETURN(Statement up, db.Prepare("UPDATE " + table + " SET " + sets + " WHERE id = ?"));
  int i = 1;
  for (auto it = values.begin(); it != values.end(); ++it) BindJson(up, i++, it.value());
  up.Bind(i, e.entity_id);
  RETURN_IF_ERROR(up.Run());
  if (db.RowsChanged() != 1) {
    return Status::Corruption("replaying seq " + std::to_string(e.seq) + ": " + e.entity + " " +
                              e.entity_id + " was never created");
  }
  return Status::Ok();
}

// A customer's logged phones, through their owner (edge/customers.h).
Status ReplayCustomerPhones(Db& db, const ChangeEntry& e, const json& fields) {
  const std::string at =
      TextField(fields, e.op == "insert" ? "created_at" : "updated_at", e.recorded_at);
  for (const char* key : {"phones", "phones_added"}) {
    if (!fields.contains(key)) continue;
    RETURN_IF_ERROR(
        AddCustomerPhones(db, e.entity_id, PhoneList(fields[key]), at, OnExisting::kKeepFirst));
  }
  return Status::Ok();
}

// A logged change its codec or its owner refused: the store's own log is
// damaged, or does not fit the tables it is replayed into.
Status Unreplayable(const ChangeEntry& e, const Status& why) {
  return Status::Corruption("replaying " + e.entity + " " + e.entity_id + " (seq " +
                            std::to_string(e.seq) + "): " + why.message());
}

// An update of a row no logged insert created.
Status NeverCreated(const ChangeEntry& e) {
  return Status::Corruption("replaying seq " + std::to_string(e.seq) + ": " + e.entity + " " +
                            e.entity_id + " was never created");
}

// The desk's per-booking history, rebuilt from the log through its owner
// (edge/bookings.h): who, when, old -> new, for each logged field that is a
// column (updated_at aside). `before`: the booking before an update, or null
// for an insert; `after`: the booking as the change left it (BookingJson).
Status ReplayBookingHistory(Db& db, const ChangeEntry& e, const json& fields, const json& before,
                            const json& after) {
  json changes = json::object();
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it.key() == "updated_at" || !after.contains(it.key())) continue;
    changes[it.key()] = {before.is_null() ? json(nullptr) : before[it.key()], after[it.key()]};
  }
  const std::optional<std::string> from =
      before.is_null() ? std::nullopt
                       : std::optional<std::string>(before["status"].get<std::string>());
  return InsertHistoryRow(db, e.entity_id, e.recorded_at, e.staff,
                          e.op == "insert" ? "book (replayed)" : "update (replayed)", from,
                          after["status"].get<std::string>(), changes,
                          "rebuilt from change-log seq " + std::to_string(e.seq));
}

// A logged booking read by its codec (sync/model/booking.h) and written by
// its owner (edge/bookings.h), then its desk history.
Status ReplayBooking(Db& db, const ChangeEntry& e, const json& fields) {
  if (e.op == "insert") {
    auto logged = model::ParseBooking(e.entity_id, fields);
    if (!logged.ok()) return Unreplayable(e, logged.status());
    Booking b;
    static_cast<model::Booking&>(b) = *std::move(logged);
    if (Status st = InsertBookingRow(db, b); !st.ok()) return Unreplayable(e, st);
    return ReplayBookingHistory(db, e, fields, nullptr, model::BookingJson(b));
  }
  auto update = model::ParseBookingUpdate(fields);
  if (!update.ok()) return Unreplayable(e, update.status());
  auto before = FindBooking(db, e.entity_id);
  if (before.status().code() == StatusCode::kNotFound) return NeverCreated(e);
  RETURN_IF_ERROR(before.status());
  Booking after = *before;
  model::ApplyBookingUpdate(*update, after);
  if (Status st = WriteBookingUpdate(db, e.entity_id, *update); !st.ok()) {
    return st.code() == StatusCode::kNotFound ? NeverCreated(e) : st;
  }
  return ReplayBookingHistory(db, e, fields, model::BookingJson(*before),
                              model::BookingJson(after));
}

// A logged conflict case read by its codec (sync/model/case.h) and written by
// its owner (edge/cases.h); whoever made the change opened it.
Status ReplayCase(Db& db, const ChangeEntry& e, const json& fields) {
  if (e.op == "insert") {
    auto logged = model::ParseCase(e.entity_id, fields);
    if (!logged.ok()) return Unreplayable(e, logged.status());
    logged->opened_by = e.staff;
    if (Status st = InsertCaseRow(db, *logged); !st.ok()) return Unreplayable(e, st);
    return Status::Ok();
  }
  auto update = model::ParseCaseUpdate(fields);
  if (!update.ok()) return Unreplayable(e, update.status());
  if (Status st = WriteCaseUpdate(db, e.entity_id, *update); !st.ok()) {
    return st.code() == StatusCode::kNotFound ? NeverCreated(e) : Unreplayable(e, st);
  }
  return Status::Ok();
}

// A customer or vehicle as its row: the logged fields that are columns.
Status ReplayGenericRow(Db& db, const ChangeEntry& e, const json& fields) {
  ASSIGN_OR_RETURN(std::string table, TableOf(e.entity));
  ASSIGN_OR_RETURN(json values, ReplayedColumns(db, table, e, fields));
  if (e.op == "insert") {
    RETURN_IF_ERROR(InsertReplayedRow(db, table, e, values));
  } else {
    RETURN_IF_ERROR(UpdateReplayedRow(db, table, e, values));
  }
  if (e.entity == "customer") RETURN_IF_ERROR(ReplayCustomerPhones(db, e, fields));
  return Status::Ok();
}

// One logged change applied to the tables: the calendar and request answers
// through their owners; a customer, vehicle, booking or case as its row,
// then what head office's requests and paper forms keep beside it.
Status ApplyToTables(Db& db, const ChangeEntry& e, const json& fields) {
  if (e.entity == "store") return ApplyStoreCalendar(db, fields);
  if (e.entity == "request") return ApplyRequestAnswer(db, fields);
  if (e.op != "insert" && e.op != "update") {
    return Status::Corruption("replaying seq " + std::to_string(e.seq) + ": op '" + e.op +
                              "' is not replayable here");
  }
  if (e.entity == "booking") {
    RETURN_IF_ERROR(ReplayBooking(db, e, fields));
  } else if (e.entity == "case") {
    RETURN_IF_ERROR(ReplayCase(db, e, fields));
  } else {
    RETURN_IF_ERROR(ReplayGenericRow(db, e, fields));
  }
  return ApplyRequestAndForm(db, e, fields);
}

// Each logged answer against hub_requests: the row must say what the log says.
Status CheckRequestAnswers(Db& db, StoreStateCheck& out, StateDigester& digester) {
  ASSIGN_OR_RETURN(Statement logged, db.Prepare("SELECT entity_id, fields FROM change_log WHERE"
                                                " entity = 'request' ORDER BY seq"));
  ASSIGN_OR_RETURN(Statement row, db.Prepare("SELECT kind, outcome, coalesce(reason, '') FROM"
                                             " hub_requests WHERE seq = ?"));
  while (true) {
    ASSIGN_OR_RETURN(bool more, logged.Step());
    if (!more) break;
    const std::string id = logged.Text(0);
    const json fields = json::parse(logged.Text(1), nullptr, false);
    if (!fields.is_object() || !fields.contains("hub_request_seq")) continue;
    ++out.entities;
    row.Reset();
    row.Bind(1, fields["hub_request_seq"].get<int64_t>());
    ASSIGN_OR_RETURN(bool found, row.Step());
    json held = fields;
    constexpr std::pair<const char*, int> kColumns[] = {{"kind", 0}, {"outcome", 1}, {"reason", 2}};
    for (const auto& [key, col] : kColumns) {
      const json table_value = found ? json(row.Text(col)) : json(nullptr);
      held[key] = table_value;
      if (table_value != fields.value(key, json(nullptr))) {
        out.differences.push_back(
            {"request", id, "hub_requests", key, table_value, fields.value(key, json(nullptr))});
      }
    }
    digester.Add("request", id, CanonicalState(held));
  }
  return Status::Ok();
}

// Where each field of a logged calendar lives.
std::string CalendarTable(const std::string& field) {
  if (field == "slots") return "slots";
  if (field == "closed") return "closed_dates";
  return "store_config";
}

// The newest logged calendar against the tables: each field that differs.
Status CheckCalendar(Db& db, StoreStateCheck& out, StateDigester& digester) {
  ASSIGN_OR_RETURN(Statement newest, db.Prepare("SELECT entity_id, fields FROM change_log WHERE"
                                                " entity = 'store' ORDER BY seq DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool row, newest.Step());
  if (!row) return Status::Ok();  // not logged yet: the first sync logs it
  const std::string id = newest.Text(0);
  const json logged = json::parse(newest.Text(1), nullptr, false);
  ASSIGN_OR_RETURN(StoreCalendar calendar, ReadStoreCalendar(db));
  const json held = StoreCalendarFields(calendar);
  ++out.entities;
  if (logged.is_object()) {
    for (auto it = logged.begin(); it != logged.end(); ++it) {
      const json table_value = held.contains(it.key()) ? held[it.key()] : json(nullptr);
      if (table_value != it.value()) {
        out.differences.push_back(
            {"store", id, CalendarTable(it.key()), it.key(), table_value, it.value()});
      }
    }
  }
  digester.Add("store", id, CanonicalState(held));
  return Status::Ok();
}

}  // namespace

Status ReplayChange(Db& db, const ChangeEntry& e) {
  // The entry and the rows it gives are written in the caller's transaction:
  // an entry refused here (the caller rolls back) leaves neither behind.
  RETURN_IF_ERROR(ChangeWriter::AppendVerbatim(db, e));
  const json fields = json::parse(e.fields_json, nullptr, false);
  if (!fields.is_object()) {
    return Status::Corruption("replay: seq " + std::to_string(e.seq) +
                              ": fields are not a JSON object");
  }
  return ApplyToTables(db, e, fields);
}

Status ResetCountersAfterReplay(Db& db) { return CountersPastReplayedRows(db); }

Result<StoreStateCheck> CheckStoreState(
    Db& db, const std::vector<int>& buckets,
    const std::function<void(const std::string&, const std::string&, const std::string&)>&
        on_bucket_row) {
  StoreStateCheck out;
  StateDigester digester;
  std::vector<bool> wanted(kStateBuckets, false);
  for (int b : buckets) {
    if (b >= 0 && b < kStateBuckets) wanted[b] = true;
  }
  for (const auto& et : kEntityTables) {
    const std::string entity = et.entity, table = et.table;
    ASSIGN_OR_RETURN(auto defaults, ColumnDefaults(db, table));
    // The entity's entries in order (the change_log_entity index): one entity in memory at a time.
    ASSIGN_OR_RETURN(Statement log,
                     db.Prepare("SELECT entity_id, fields, hlc, site_id FROM change_log"
                                " WHERE entity = ? ORDER BY entity_id, seq"));
    log.Bind(1, entity);
    ASSIGN_OR_RETURN(Statement row_st, db.Prepare("SELECT * FROM \"" + table + "\" WHERE id = ?"));

    auto check_entity = [&](const std::string& id, const json& fold) -> Status {
      ++out.entities;
      row_st.Reset();
      row_st.Bind(1, id);
      ASSIGN_OR_RETURN(bool found, row_st.Step());
      std::map<std::string, int> col_index;
      if (found) {
        for (int c = 0; c < row_st.ColumnCount(); ++c) col_index[row_st.ColumnName(c)] = c;
      }
      json state = json::object();  // the fold's keys, valued as the tables hold them
      for (auto it = fold.begin(); it != fold.end(); ++it) {
        const std::string& key = it.key();
        json table_value;
        std::string where = table;
        if (!found) {
          table_value = nullptr;
        } else if (entity == "customer" && key == "phones") {
          ASSIGN_OR_RETURN(auto phones, PhonesOfCustomer(db, id));
          table_value = phones;
          where = "customer_phones";
        } else if (col_index.count(key)) {
          table_value = ColumnAs(row_st, col_index[key], it.value());
        } else {
          state[key] = it.value();  // not kept in a table: the log is the only copy
          continue;
        }
        state[key] = table_value;
        if (CanonicalState(json{{key, table_value}}) != CanonicalState(json{{key, it.value()}})) {
          out.differences.push_back({entity, id, where, key, table_value, it.value()});
        }
      }
      // Columns no entry of this entity has set must still hold their default
      // (a cancel reason typed into the file by hand shows here).
      if (found) {
        for (const auto& [name, index] : col_index) {
          if (fold.contains(name) || DerivedColumn(entity, name)) continue;
          if (entity == "customer" && name == "phones") continue;
          const auto dflt = defaults.find(name);
          const std::optional<std::string> expected =
              dflt == defaults.end() ? std::nullopt : dflt->second;
          const std::optional<std::string> held =
              row_st.IsNull(index) ? std::nullopt : std::optional<std::string>(row_st.Text(index));
          if (held != expected) {
            out.differences.push_back({entity, id, table, name, held ? json(*held) : json(nullptr),
                                       expected ? json(*expected) : json(nullptr)});
          }
        }
      }
      row_st.Reset();
      const std::string canonical = CanonicalState(found ? state : json(nullptr));
      digester.Add(entity, id, canonical);
      if (on_bucket_row && wanted[StateBucket(id)]) on_bucket_row(entity, id, canonical);
      return Status::Ok();
    };

    std::string current;
    json state = json::object(), stamps = json::object();
    Stamp base;
    bool any = false;
    while (true) {
      ASSIGN_OR_RETURN(bool row, log.Step());
      const std::string id = row ? log.Text(0) : std::string();
      if (any && (!row || id != current)) {
        RETURN_IF_ERROR(check_entity(current, state));
        state = json::object();
        stamps = json::object();
        any = false;
      }
      if (!row) break;
      const Stamp stamp{static_cast<uint64_t>(log.Int(2)), log.Text(3)};
      if (!any) {
        current = id;
        base = stamp;
        any = true;
      }
      const json fields = json::parse(log.Text(1), nullptr, false);
      if (fields.is_object())
        RETURN_IF_ERROR(MergeFields(state, stamps, fields, stamp, base).status());
    }
    // Rows no entry created.
    ASSIGN_OR_RETURN(Statement orphans,
                     db.Prepare("SELECT id FROM \"" + table +
                                "\" WHERE id NOT IN (SELECT entity_id"
                                " FROM change_log WHERE entity = ?) ORDER BY id"));
    orphans.Bind(1, entity);
    while (true) {
      ASSIGN_OR_RETURN(bool row, orphans.Step());
      if (!row) break;
      out.unlogged.push_back({table, orphans.Text(0)});
    }
  }
  RETURN_IF_ERROR(CheckCalendar(db, out, digester));
  RETURN_IF_ERROR(CheckRequestAnswers(db, out, digester));
  out.digests = digester.Finish();
  return out;
}

Status RepairFieldFromLog(Db& db, const FieldDifference& d, int64_t now_ms) {
  if (d.entity == "store") {
    // The calendar is logged whole: set it all back to the newest logged one.
    ASSIGN_OR_RETURN(Statement newest, db.Prepare("SELECT fields FROM change_log WHERE entity ="
                                                  " 'store' ORDER BY seq DESC LIMIT 1"));
    ASSIGN_OR_RETURN(bool row, newest.Step());
    if (!row) return Status::Refused("no logged calendar");
    return ApplyStoreCalendar(db, json::parse(newest.Text(0), nullptr, false));
  }
  if (d.table == "customer_phones") {
    if (!d.log_value.is_array()) return Status::Ok();
    std::vector<std::string> phones;
    for (const auto& p : d.log_value) phones.push_back(p.get<std::string>());
    return ReplaceCustomerPhones(db, d.entity_id, phones, FormatUtcMs(now_ms));
  }
  if (d.table_value.is_null() && !d.log_value.is_null()) {
    // A whole row is gone: values alone cannot bring it back (see rebuild).
    return Status::Refused("row missing");
  }
  ASSIGN_OR_RETURN(Statement up, db.Prepare("UPDATE \"" + d.table + "\" SET \"" + d.field +
                                            "\" = ? WHERE id = ?"));
  BindJson(up, 1, d.log_value);
  up.Bind(2, d.entity_id);
  return up.Run();
}

}  // namespace outpost::edge
