#include "edge/replay.h"

#include <charconv>
#include <map>

#include "edge/bookings.h"
#include "edge/cases.h"
#include "edge/change_writer.h"
#include "edge/customers.h"
#include "edge/day_counters.h"
#include "edge/hub_requests.h"
#include "edge/outreach.h"
#include "edge/paper_book.h"
#include "edge/tamper_checks.h"
#include "edge/tasks.h"
#include "edge/waitlist.h"
#include "sync/i18n/messages.h"
#include "sync/merge.h"
#include "sync/model/booking.h"
#include "sync/model/case.h"
#include "sync/model/customer.h"
#include "sync/model/request.h"
#include "sync/normalize.h"
#include "sync/store_calendar.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

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

// ---- each entity kind's row as its change log says ----

// One entity's row as the fold of its logged changes says it.
struct LoggedRow {
  std::string id;
  json state;           // the fold (sync/merge.h), as verify folds it
  bool create = false;  // a logged insert: the row is new
  std::string at;       // when the change was recorded (or the repair made)
  std::string staff;    // who made the change; empty for a repair
};

// Decodes `row.state` with the kind's codec (sync/model/) and writes it
// through the owner of its table, which never logs it again: the change is
// in the log already. NotFound when the row to update is not there.
using PutRow = Status (*)(Db& db, const LoggedRow& row);

Status PutCustomer(Db& db, const LoggedRow& row) {
  ASSIGN_OR_RETURN(model::Customer c, model::ParseCustomer(row.id, row.state));
  const std::string updated_at = TextField(row.state, "updated_at", c.created_at);
  RETURN_IF_ERROR(row.create ? InsertCustomerRow(db, c, updated_at)
                             : UpdateCustomerRow(db, c, updated_at));
  // The logged phones are a set that only grows: each kept if already there.
  return AddCustomerPhones(db, c.id, c.phones, updated_at, OnExisting::kKeepFirst);
}

Status PutVehicle(Db& db, const LoggedRow& row) {
  ASSIGN_OR_RETURN(model::Vehicle v, model::ParseVehicle(row.id, row.state));
  return row.create ? InsertVehicleRow(db, v, row.at) : UpdateVehicleRow(db, v, row.at);
}

Status PutBooking(Db& db, const LoggedRow& row) {
  ASSIGN_OR_RETURN(model::Booking logged, model::ParseBooking(row.id, row.state));
  Booking b;
  static_cast<model::Booking&>(b) = std::move(logged);
  return row.create ? InsertBookingRow(db, b) : UpdateBookingRow(db, b);
}

Status PutCase(Db& db, const LoggedRow& row) {
  ASSIGN_OR_RETURN(ConflictCase c, model::ParseCase(row.id, row.state));
  c.opened_by = row.staff;  // not logged: whoever made the insert (an update keeps it)
  return row.create ? InsertCaseRow(db, c) : UpdateCaseRow(db, c);
}

Status PutTask(Db& db, const LoggedRow& row) {
  ASSIGN_OR_RETURN(model::Task t, model::ParseTask(row.id, row.state));
  return PutTaskFromLog(db, t);
}

Status PutMessage(Db& db, const LoggedRow& row) {
  ASSIGN_OR_RETURN(model::Message m, model::ParseMessage(row.id, row.state));
  return PutMessageFromLog(db, m);
}

Status PutWaitlist(Db& db, const LoggedRow& row) {
  ASSIGN_OR_RETURN(model::WaitlistEntry entry, model::ParseWaitlistEntry(row.id, row.state));
  return PutWaitlistEntryFromLog(db, entry);
}

// The logged entity kinds kept as rows: the table verify compares, and how a
// row is put as the log says. Replay, verify and verify --repair all go by
// this list; a change of a kind not on it is Corruption. A new kind is one
// line here, with its Put function: the kind's codec decodes the fold, and
// the owner of its table writes the row without logging it.
struct EntityKind {
  const char* entity;
  const char* table;
  PutRow put;
};
constexpr EntityKind kEntityKinds[] = {{"customer", "customers", PutCustomer},
                                       {"vehicle", "vehicles", PutVehicle},
                                       {"booking", "bookings", PutBooking},
                                       {"case", "conflict_cases", PutCase},
                                       {"message", "messages", PutMessage},
                                       {"waitlist", "waitlist_entries", PutWaitlist},
                                       {"task", "tasks", PutTask}};

Result<const EntityKind*> KindOf(const std::string& entity) {
  for (const auto& kind : kEntityKinds) {
    if (entity == kind.entity) return &kind;
  }
  return Status::Corruption("change log: unknown entity '" + entity + "'")
      .WithShown(i18n::Format("change log: unknown entity '{0}'", {entity}));
}

// The fold of an entity's logged changes, and whether one of them created it.
struct LoggedFold {
  json state = json::object();
  bool created = false;
};
Result<LoggedFold> FoldOfLog(Db& db, const std::string& entity, const std::string& id) {
  ChangeFilter filter;
  filter.entities = {entity};
  filter.entity_id = id;
  ASSIGN_OR_RETURN(std::vector<ChangeEntry> entries, SelectChanges(db, "change_log", filter));
  LoggedFold fold;
  json stamps = json::object();
  Stamp base;
  for (const auto& e : entries) {
    const Stamp stamp{static_cast<uint64_t>(e.hlc), e.site_id};
    if (&e == &entries.front()) base = stamp;
    const json fields = json::parse(e.fields_json, nullptr, false);
    if (!fields.is_object()) {
      return Status::Corruption("change log: seq " + std::to_string(e.seq) +
                                ": fields are not a JSON object")
          .WithShown(i18n::Format("change log: seq {0}: fields are not a JSON object",
                                  {std::to_string(e.seq)}));
    }
    RETURN_IF_ERROR(MergeFields(fold.state, stamps, fields, stamp, base).status());
    fold.created |= e.op == "insert";
  }
  return fold;
}

// A logged change its codec or its owner refused: the store's own log is
// damaged, or does not fit the tables it is replayed into.
Status Unreplayable(const ChangeEntry& e, const Status& why) {
  return Status::Corruption("replaying " + e.entity + " " + e.entity_id + " (seq " +
                            std::to_string(e.seq) + "): " + why.message())
      .WithShown(i18n::Format("replaying {0} {1} (seq {2}): {3}",
                              {e.entity, e.entity_id, std::to_string(e.seq), why.shown()}));
}

// An update of a row no logged insert created.
Status NeverCreated(const ChangeEntry& e) {
  return Status::Corruption("replaying seq " + std::to_string(e.seq) + ": " + e.entity + " " +
                            e.entity_id + " was never created")
      .WithShown(i18n::Format("replaying seq {0}: {1} {2} was never created",
                              {std::to_string(e.seq), e.entity, e.entity_id}));
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

// The booking `e` is about as the desk shows it (BookingJson), or null when
// it is not there.
Result<json> BookingAsShown(Db& db, const ChangeEntry& e) {
  auto b = FindBooking(db, e.entity_id);
  if (b.status().code() == StatusCode::kNotFound) return json(nullptr);
  RETURN_IF_ERROR(b.status());
  return model::BookingJson(*b);
}

// One logged change applied to the tables: the calendar and request answers
// through their owners; a customer, vehicle, booking or case put as the fold
// of its log says (kEntityKinds), then what head office's requests and paper
// forms keep beside it, and a booking's desk history.
Status ApplyToTables(Db& db, const ChangeEntry& e, const json& fields) {
  if (e.entity == "store") return ApplyStoreCalendar(db, fields);
  if (e.entity == "request") return ApplyRequestAnswer(db, fields);
  if (e.entity == "outreach") return WriteOutreachSettings(db, e.entity_id, e.fields_json);
  if (e.op != "insert" && e.op != "update") {
    return Status::Corruption("replaying seq " + std::to_string(e.seq) + ": op '" + e.op +
                              "' is not replayable here")
        .WithShown(i18n::Format("replaying seq {0}: op '{1}' is not replayable here",
                                {std::to_string(e.seq), e.op}));
  }
  ASSIGN_OR_RETURN(const EntityKind* kind, KindOf(e.entity));
  ASSIGN_OR_RETURN(LoggedFold fold, FoldOfLog(db, e.entity, e.entity_id));
  if (!fold.created) return NeverCreated(e);
  const bool booking = e.entity == "booking";
  json before = nullptr;
  if (booking && e.op == "update") {
    ASSIGN_OR_RETURN(before, BookingAsShown(db, e));
  }
  const Status put =
      kind->put(db, {e.entity_id, fold.state, e.op == "insert", e.recorded_at, e.staff});
  if (put.code() == StatusCode::kNotFound) return NeverCreated(e);
  if (!put.ok()) return Unreplayable(e, put);
  if (booking) {
    ASSIGN_OR_RETURN(json after, BookingAsShown(db, e));
    RETURN_IF_ERROR(ReplayBookingHistory(db, e, fields, before, after));
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
                              ": fields are not a JSON object")
        .WithShown(
            i18n::Format("replay: seq {0}: fields are not a JSON object", {std::to_string(e.seq)}));
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
  for (const auto& et : kEntityKinds) {
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
  // The whole row put back as the log's fold says, through its owner.
  ASSIGN_OR_RETURN(const EntityKind* kind, KindOf(d.entity));
  ASSIGN_OR_RETURN(LoggedFold fold, FoldOfLog(db, d.entity, d.entity_id));
  return kind->put(db, {d.entity_id, fold.state, false, FormatUtcMs(now_ms), ""});
}

}  // namespace outpost::edge
