// The identity store on PostgreSQL, the twin of sqlite/identity_store.cc.
// The stores' JSON (changes.fields, entities.fields) is read with the jsonb
// operators: `j ->> 'x'` (j the fields as jsonb) is SQLite's
// json_extract(fields, '$.x') for every value the codecs write (a string, a
// number, null). Writes of many rows go as one statement per batch
// of arrays (unnest) instead of a round trip per row.
#include "hub/storage/postgres/identity_store.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "hub/storage/postgres/parts.h"
#include "hub/storage/postgres/record_log.h"
#include "sync/lifecycle.h"
#include "sync/model/booking.h"
#include "sync/model/customer.h"

namespace outpost::hub::storage::postgres {
namespace {

// Rows per statement of a batched write: bounds the size of one statement's
// parameters (a first resolution writes a link per customer, millions).
constexpr size_t kBatchRows = 5000;

// One text[] parameter per column, the rows of a batched write. A batch is
// matched against a table by joining unnest(...), never by `= ANY(array)`:
// the planner compares every row with the whole array when it scans.
using TextColumns = std::vector<std::vector<std::optional<std::string>>>;

// A PostgreSQL array literal of `values` (NULL for nullopt): every element
// quoted, '"' and '\' escaped, so any text goes through unchanged but a NUL,
// which PostgreSQL's text cannot hold: it becomes U+FFFD, as the JSON reads
// make \u0000 (a store's field holding one must not stop the indexing).
std::string ArrayLiteral(std::span<const std::optional<std::string>> values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    if (!values[i]) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char ch : *values[i]) {
      if (ch == '\0') {
        out += "\xEF\xBF\xBD";
        continue;
      }
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

// Runs `sql`, whose parameters are one array per column of `columns` (all of
// one length), over the rows in batches of kBatchRows.
Status RunBatched(PgConnection& db, std::string_view sql, const TextColumns& columns) {
  const size_t rows = columns.empty() ? 0 : columns[0].size();
  ASSIGN_OR_RETURN(PgStatement st, db.Prepare(sql));
  for (size_t from = 0; from < rows; from += kBatchRows) {
    const size_t count = std::min(kBatchRows, rows - from);
    st.Reset();
    for (size_t c = 0; c < columns.size(); ++c) {
      st.Bind(static_cast<int>(c) + 1, ArrayLiteral(std::span(columns[c]).subspan(from, count)));
    }
    RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

// Phones as stored: a JSON array of E.164 strings, read without a JSON tree.
std::vector<std::string> PhonesOf(const std::string& array_text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = array_text.find('"', pos)) != std::string::npos) {
    const size_t end = array_text.find('"', pos + 1);
    if (end == std::string::npos) break;
    out.push_back(array_text.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return out;
}

// When each booking was first cancelled (0015_month_report.sql): the
// updated_at of the first change that set its status "cancelled", by id.
using CancelTimes = std::map<std::string, std::string>;

// An entity's (kParsedEntity) or a change's (kParsedChange, over changes
// aliased c) fields parsed once per row (a LATERAL that OFFSET 0 keeps from
// being inlined into every use): `j` as jsonb, `jt` as json (the numbers as
// written). PostgreSQL refuses JSON holding \u0000 (its text cannot hold NUL)
// where SQLite's json_extract reads it: one such value from a store would stop
// every indexing and resolution, so it reads as U+FFFD (as hub/storage/
// postgres/reads.cc does; so would an escaped backslash before "u0000").
constexpr const char* kParsedEntity =
    " CROSS JOIN LATERAL (SELECT replace(fields, '\\u0000', '\\ufffd')::jsonb AS j OFFSET 0)"
    " AS parsed";
constexpr const char* kParsedChange =
    " CROSS JOIN LATERAL (SELECT replace(c.fields, '\\u0000', '\\ufffd')::jsonb AS j,"
    " replace(c.fields, '\\u0000', '\\ufffd')::json AS jt OFFSET 0) AS parsed";

// The time a change that cancels a booking cancelled it (NULL for any other
// change), over `changes` aliased c joined with kParsedChange: AllCancelTimes'
// and IndexChanges' one definition of a cancel.
constexpr const char* kCancelTimeSql =
    "CASE WHEN c.entity = 'booking' AND j ->> 'status' = 'cancelled' THEN"
    " coalesce(j ->> 'updated_at', c.business_time, c.recorded_at) END";

// One entity's merged state as read for its typed rows: `fields` nullopt when
// the entity is gone.
struct TypedSource {
  std::string kind;
  std::string id;
  std::string site;
  std::optional<std::string> fields;
};

// The fields of `source` as the codecs take them: nullopt when gone or not a
// JSON object.
std::optional<nlohmann::json> FieldsOf(const TypedSource& source) {
  if (!source.fields) return std::nullopt;
  nlohmann::json f = nlohmann::json::parse(*source.fields, nullptr, false);
  if (!f.is_object()) return std::nullopt;
  return f;
}

std::optional<std::string> OptionalInt(const std::optional<int64_t>& value) {
  return value ? std::optional<std::string>(std::to_string(*value)) : std::nullopt;
}

// The typed rows of the bookings among `sources` (0011_typed_entities.sql)
// replaced by what their merged fields decode to: one gone or refused by the
// codec leaves none. A booking's cancelled_at is the first cancel's: kept from
// its row, else `cancels`' (the changes being indexed), else, for one
// cancelled with no such change at hand, its last change (a cancelled booking
// changes no more), as the store's report does.
Status PutTypedBookings(PgConnection& db, const std::vector<TypedSource>& sources,
                        const CancelTimes& cancels) {
  TextColumns ids(1);
  for (const TypedSource& s : sources) ids[0].emplace_back(s.id);
  if (ids[0].empty()) return Status::Ok();
  ASSIGN_OR_RETURN(PgStatement drop,
                   db.Prepare("DELETE FROM hub_bookings b USING unnest(?::text[]) AS w(id) WHERE"
                              " b.booking_id = w.id RETURNING b.booking_id, b.cancelled_at"));
  drop.Bind(1, ArrayLiteral(ids[0]));
  std::map<std::string, std::string> kept_cancel;  // booking id -> its row's cancelled_at
  while (true) {
    ASSIGN_OR_RETURN(bool row, drop.Step());
    if (!row) break;
    if (!drop.IsNull(1)) kept_cancel[drop.Text(0)] = drop.Text(1);
  }
  TextColumns rows(19);
  for (const TypedSource& s : sources) {
    const std::optional<nlohmann::json> fields = FieldsOf(s);
    if (!fields) continue;
    auto parsed = model::ParseBooking(s.id, *fields);
    if (!parsed.ok()) continue;
    const model::Booking& b = parsed.value();
    std::optional<std::string> cancelled_at;
    if (auto it = kept_cancel.find(s.id); it != kept_cancel.end()) cancelled_at = it->second;
    if (auto it = cancels.find(s.id); !cancelled_at && it != cancels.end()) {
      cancelled_at = it->second;
    }
    if (!cancelled_at && b.status == BookingStatus::kCancelled) cancelled_at = b.updated_at;
    const std::optional<std::string> row[] = {s.id,
                                              s.site,
                                              b.ref,
                                              b.customer_id,
                                              b.vehicle_id,
                                              b.service,
                                              b.slot_date,
                                              b.slot_time,
                                              std::string(BookingStatusName(b.status)),
                                              std::string(ChannelName(b.channel)),
                                              b.created_at,
                                              b.updated_at,
                                              b.arrived_at,
                                              b.cancel_reason,
                                              std::to_string(int{b.needs_reschedule}),
                                              OptionalInt(b.amount_fen),
                                              b.requested_at,
                                              std::to_string(int{b.rescheduled_from.has_value()}),
                                              cancelled_at};
    for (size_t c = 0; c < rows.size(); ++c) rows[c].push_back(row[c]);
  }
  return RunBatched(db,
                    "INSERT INTO hub_bookings (booking_id, site, ref, customer_id, vehicle_id,"
                    " service, slot_date, slot_time, status, channel, created_at, updated_at,"
                    " arrived_at, cancel_reason, needs_reschedule, amount_fen, requested_at,"
                    " moved_here, cancelled_at) SELECT * FROM unnest(?::text[], ?::text[],"
                    " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
                    " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[],"
                    " ?::bigint[], ?::text[], ?::bigint[], ?::text[])",
                    rows);
}

Status PutTypedCustomers(PgConnection& db, const std::vector<TypedSource>& sources) {
  TextColumns ids(1);
  for (const TypedSource& s : sources) ids[0].emplace_back(s.id);
  if (ids[0].empty()) return Status::Ok();
  RETURN_IF_ERROR(RunBatched(
      db, "DELETE FROM hub_customers c USING unnest(?::text[]) AS w(id) WHERE c.customer_id = w.id",
      ids));
  RETURN_IF_ERROR(RunBatched(db,
                             "DELETE FROM hub_customer_phones p USING unnest(?::text[]) AS w(id)"
                             " WHERE p.customer_id = w.id",
                             ids));
  TextColumns rows(6);
  TextColumns phones(2);
  for (const TypedSource& s : sources) {
    const std::optional<nlohmann::json> fields = FieldsOf(s);
    if (!fields) continue;
    auto parsed = model::ParseCustomer(s.id, *fields);
    if (!parsed.ok()) continue;
    const model::Customer& c = parsed.value();
    const std::optional<std::string> row[] = {
        s.id, s.site, c.name, c.member_id, std::to_string(int{c.do_not_disturb}), c.created_at};
    for (size_t i = 0; i < rows.size(); ++i) rows[i].push_back(row[i]);
    for (const auto& p : c.phones) {
      phones[0].emplace_back(p);
      phones[1].emplace_back(s.id);
    }
  }
  RETURN_IF_ERROR(RunBatched(db,
                             "INSERT INTO hub_customers (customer_id, site, name, member_id,"
                             " do_not_disturb, created_at) SELECT * FROM unnest(?::text[],"
                             " ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[])",
                             rows));
  return RunBatched(db,
                    "INSERT INTO hub_customer_phones (phone, customer_id) SELECT * FROM"
                    " unnest(?::text[], ?::text[]) ON CONFLICT DO NOTHING",
                    phones);
}

Status PutTypedVehicles(PgConnection& db, const std::vector<TypedSource>& sources) {
  TextColumns ids(1);
  for (const TypedSource& s : sources) ids[0].emplace_back(s.id);
  if (ids[0].empty()) return Status::Ok();
  RETURN_IF_ERROR(RunBatched(
      db, "DELETE FROM hub_vehicles v USING unnest(?::text[]) AS w(id) WHERE v.vehicle_id = w.id",
      ids));
  TextColumns rows(6);
  for (const TypedSource& s : sources) {
    const std::optional<nlohmann::json> fields = FieldsOf(s);
    if (!fields) continue;
    auto parsed = model::ParseVehicle(s.id, *fields);
    if (!parsed.ok()) continue;
    const model::Vehicle& v = parsed.value();
    const std::optional<std::string> row[] = {s.id,    s.site, v.customer_id,
                                              v.plate, v.vin,  OptionalInt(v.mileage_km)};
    for (size_t i = 0; i < rows.size(); ++i) rows[i].push_back(row[i]);
  }
  return RunBatched(db,
                    "INSERT INTO hub_vehicles (vehicle_id, site, customer_id, plate, vin,"
                    " mileage_km) SELECT * FROM unnest(?::text[], ?::text[], ?::text[],"
                    " ?::text[], ?::text[], ?::bigint[])",
                    rows);
}

// Replaces the typed rows of `sources` (each entity once) from their merged
// fields, a statement per table and batch rather than per entity.
Status PutTyped(PgConnection& db, const std::vector<TypedSource>& sources,
                const CancelTimes& cancels) {
  std::map<std::string, std::vector<TypedSource>> by_kind;
  for (const TypedSource& s : sources) by_kind[s.kind].push_back(s);
  RETURN_IF_ERROR(PutTypedBookings(db, by_kind["booking"], cancels));
  RETURN_IF_ERROR(PutTypedCustomers(db, by_kind["customer"]));
  return PutTypedVehicles(db, by_kind["vehicle"]);
}

// The first cancel of every booking in the stores' logs (a backfill's).
Result<CancelTimes> AllCancelTimes(PgConnection& db) {
  ASSIGN_OR_RETURN(PgStatement st,
                   db.Prepare(std::string("SELECT entity_id, min(t) FROM (SELECT c.entity_id, ") +
                              kCancelTimeSql + " AS t FROM changes c" + kParsedChange +
                              " WHERE c.entity = 'booking') AS cancels"
                              " WHERE t IS NOT NULL GROUP BY entity_id"));
  CancelTimes out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out[st.Text(0)] = st.Text(1);
  }
  return out;
}

// The typed rows of every entity changed in `changed` ((kind, id) pairs), or
// of every entity when a backfill is pending (then no longer). `cancels`: the
// first cancel of each booking among the changes being indexed.
Status RefreshTyped(PgConnection& db, const std::set<std::pair<std::string, std::string>>& changed,
                    const CancelTimes& cancels, bool backfill) {
  std::vector<TypedSource> batch;
  if (backfill) {
    ASSIGN_OR_RETURN(CancelTimes all_cancels, AllCancelTimes(db));
    RETURN_IF_ERROR(db.ForEachRow(
        "SELECT entity, entity_id, owner_site, fields FROM entities WHERE entity IN"
        " ('booking', 'customer', 'vehicle')",
        [](PgStatement&) {},
        [&](const PgRow& row) {
          batch.push_back({row.Text(0), row.Text(1), row.Text(2), row.Text(3)});
          if (batch.size() < kBatchRows) return Status::Ok();
          Status put = PutTyped(db, batch, all_cancels);
          batch.clear();
          return put;
        }));
    RETURN_IF_ERROR(PutTyped(db, batch, all_cancels));
    return db.Exec("DELETE FROM hub_typed_backfill");
  }
  if (changed.empty()) return Status::Ok();
  // Every changed entity's merged state in one read (an entity gone: NULLs).
  TextColumns keys(2);
  for (const auto& [kind, id] : changed) {
    keys[0].emplace_back(kind);
    keys[1].emplace_back(id);
  }
  ASSIGN_OR_RETURN(PgStatement read,
                   db.Prepare("SELECT w.kind, w.id, e.owner_site, e.fields FROM"
                              " unnest(?::text[], ?::text[]) AS w(kind, id) LEFT JOIN entities e"
                              " ON e.entity = w.kind AND e.entity_id = w.id"));
  read.Bind(1, ArrayLiteral(keys[0])).Bind(2, ArrayLiteral(keys[1]));
  while (true) {
    ASSIGN_OR_RETURN(bool row, read.Step());
    if (!row) break;
    const bool present = !read.IsNull(3);
    batch.push_back({read.Text(0), read.Text(1), present ? read.Text(2) : "",
                     present ? read.OptionalText(3) : std::nullopt});
  }
  return PutTyped(db, batch, cancels);
}

// What indexing a run of changes produced, written once every store's run is read.
struct IndexedChanges {
  std::set<std::string> records;                        // customer records whose profile moved
  std::set<std::pair<std::string, std::string>> typed;  // (entity, id): typed rows to refresh
  CancelTimes cancels;
  // (entity, entity_id) -> the customer record it is filed under now.
  std::map<std::pair<std::string, std::string>, std::string> filed;
  TextColumns readings{5};  // vehicle_id, at, site, seq, km
};

// A change from IndexChanges' query (columns: entity, entity_id, its
// customer_id, the one it was filed under, a whole mileage, its time, seq,
// the cancel time). A change that does not name its customer (a status
// update) belongs to the one its entity was filed under, this run's filing first.
void IndexChange(const std::string& site, const PgRow& row, IndexedChanges& out) {
  const std::string kind = row.Text(0);
  const std::string id = row.Text(1);
  out.typed.emplace(kind, id);
  if (!row.IsNull(7)) out.cancels.emplace(id, row.Text(7));  // the first
  if (!row.IsNull(4)) {
    out.readings[0].emplace_back(id);
    out.readings[1].emplace_back(row.Text(5));
    out.readings[2].emplace_back(site);
    out.readings[3].emplace_back(std::to_string(row.Int(6)));
    out.readings[4].emplace_back(std::to_string(row.Int(4)));
  }
  if (kind == "customer") {
    out.records.insert(id);
    return;
  }
  std::optional<std::string> customer = row.OptionalText(2);
  if (!customer) {
    auto it = out.filed.find({kind, id});
    customer = it != out.filed.end() ? std::optional(it->second) : row.OptionalText(3);
  }
  if (!customer) return;
  out.records.insert(*customer);
  out.filed[{kind, id}] = *customer;
}

// Files the children, keeps the readings and marks the linked records'
// profiles dirty (a record not linked yet is marked when resolution links it).
Status WriteIndexed(PgConnection& db, const IndexedChanges& indexed) {
  TextColumns filed(3);
  for (const auto& [key, customer] : indexed.filed) {
    filed[0].emplace_back(key.first);
    filed[1].emplace_back(key.second);
    filed[2].emplace_back(customer);
  }
  RETURN_IF_ERROR(RunBatched(db,
                             "INSERT INTO customer_children (entity, entity_id, customer_id)"
                             " SELECT * FROM unnest(?::text[], ?::text[], ?::text[]) ON CONFLICT"
                             " (entity, entity_id) DO UPDATE SET customer_id ="
                             " excluded.customer_id",
                             filed));
  // A vehicle's odometer reading, typed (0012_campaigns.sql hub_mileage_readings).
  RETURN_IF_ERROR(RunBatched(db,
                             "INSERT INTO hub_mileage_readings (vehicle_id, at, site, seq, km)"
                             " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[],"
                             " ?::bigint[]) ON CONFLICT DO NOTHING",
                             indexed.readings));
  TextColumns records(1);
  records[0].assign(indexed.records.begin(), indexed.records.end());
  return RunBatched(db,
                    "INSERT INTO profile_dirty (unified_id) SELECT DISTINCT unified_id FROM"
                    " identity_links l JOIN unnest(?::text[]) AS w(id) ON l.record_id = w.id"
                    " ON CONFLICT DO NOTHING",
                    records);
}

}  // namespace

Status PgIdentityStore::InTransaction(const std::function<Status()>& body) {
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  RETURN_IF_ERROR(body());
  return tx->Commit();
}

Result<bool> PgIdentityStore::ReadOnly() {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT pg_is_in_recovery()"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row && st.Text(0) == "t";
}

Status PgIdentityStore::IndexChanges() {
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(PgStatement cursors,
                   db_.Prepare("SELECT site_id, profiled_seq, last_seq FROM store_cursors"
                               " WHERE last_seq > profiled_seq ORDER BY site_id"));
  using Todo = std::tuple<std::string, int64_t, int64_t>;
  ASSIGN_OR_RETURN(std::vector<Todo> todo, Rows<Todo>(cursors, [](const PgStatement& st) {
                     return Todo{st.Text(0), st.Int(1), st.Int(2)};
                   }));
  ASSIGN_OR_RETURN(PgStatement pending, db_.Prepare("SELECT count(*) FROM hub_typed_backfill"));
  ASSIGN_OR_RETURN(bool counted, pending.Step());
  const bool backfill = counted && pending.Int(0) > 0;
  if (todo.empty() && !backfill) return Status::Ok();
  // A mileage is typed only when it is a whole number (SQLite's json_type
  // 'integer'): a JSON number written without a fraction or an exponent, as
  // written (json, not jsonb, which would turn 1e3 into 1000).
  const std::string changed_sql =
      std::string(
          "SELECT c.entity, c.entity_id, j ->> 'customer_id', k.customer_id, CASE WHEN"
          " c.entity = 'vehicle' AND json_typeof(jt -> 'mileage_km') = 'number' AND"
          " (jt ->> 'mileage_km') ~ '^-{0,1}[0-9]{1,18}$' THEN (j ->> 'mileage_km')::bigint END,"
          " coalesce(c.business_time, c.recorded_at), c.seq, ") +
      kCancelTimeSql + " FROM changes c" + kParsedChange +
      " LEFT JOIN customer_children k ON k.entity = c.entity AND"
      " k.entity_id = c.entity_id WHERE c.site_id = ? AND c.seq > ? AND c.seq <= ?"
      " AND c.entity IN ('customer', 'vehicle', 'booking') ORDER BY c.seq";
  ASSIGN_OR_RETURN(PgStatement done, db_.Prepare("UPDATE store_cursors SET profiled_seq = ?"
                                                 " WHERE site_id = ?"));
  IndexedChanges indexed;
  for (const Todo& run : todo) {
    // Named, not bound (clang does not capture structured bindings in lambdas).
    const std::string& site = std::get<0>(run);
    const int64_t from = std::get<1>(run);
    const int64_t to = std::get<2>(run);
    RETURN_IF_ERROR(db_.ForEachRow(
        changed_sql, [&](PgStatement& st) { st.Bind(1, site).Bind(2, from).Bind(3, to); },
        [&](const PgRow& row) {
          IndexChange(site, row, indexed);
          return Status::Ok();
        }));
    done.Reset();
    done.Bind(1, to).Bind(2, site);
    RETURN_IF_ERROR(done.Run());
  }
  RETURN_IF_ERROR(WriteIndexed(db_, indexed));
  RETURN_IF_ERROR(RefreshTyped(db_, indexed.typed, indexed.cancels, backfill));
  return tx->Commit();
}

Result<ResolveMark> PgIdentityStore::CurrentMark() {
  // Every write of a customer or vehicle row counts one (the triggers of
  // 0021_identity_input_clock.sql): one row to read, however many customers.
  ResolveMark mark;
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT writes FROM identity_input_clock"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  mark.changes = row ? st.Int(0) : 0;
  ASSIGN_OR_RETURN(PgStatement r, db_.Prepare("SELECT count(*) FROM identity_rules"));
  ASSIGN_OR_RETURN(bool rrow, r.Step());
  mark.rules = rrow ? r.Int(0) : 0;
  return mark;
}

Result<std::optional<ResolveMark>> PgIdentityStore::ResolvedMark() {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT resolved_changes, resolved_rules FROM"
                                               " identity_state"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<ResolveMark>();
  return std::optional<ResolveMark>(ResolveMark{st.Int(0), st.Int(1)});
}

Result<int64_t> PgIdentityStore::Generation() {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT generation FROM identity_state"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : int64_t{0};
}

Result<LinkSnapshot> PgIdentityStore::LoadLinkInput() {
  ASSIGN_OR_RETURN(auto snapshot, PgTransaction::BeginRead(db_));
  LinkSnapshot out;
  ASSIGN_OR_RETURN(out.generation, Generation());
  LinkInput& in = out.input;
  // Customers and vehicles are read in pages (a chain holds millions).
  RETURN_IF_ERROR(db_.ForEachRow(
      std::string("SELECT entity_id, owner_site, j ->> 'name', j ->> 'member_id', j -> 'phones'"
                  " FROM entities") +
          kParsedEntity + " WHERE entity = 'customer' ORDER BY entity_id",
      [](PgStatement&) {},
      [&](const PgRow& row) {
        in.records.push_back(LinkRecord{row.Text(0), row.Text(1), row.Text(2), row.OptionalText(3),
                                        PhonesOf(row.Text(4))});
        return Status::Ok();
      }));
  RETURN_IF_ERROR(db_.ForEachRow(
      std::string("SELECT entity_id, j ->> 'customer_id', j ->> 'plate', j ->> 'vin' FROM"
                  " entities") +
          kParsedEntity + " WHERE entity = 'vehicle' ORDER BY entity_id",
      [](PgStatement&) {},
      [&](const PgRow& row) {
        in.vehicles.push_back(
            LinkVehicle{row.Text(0), row.Text(1), row.OptionalText(2), row.OptionalText(3)});
        return Status::Ok();
      }));
  ASSIGN_OR_RETURN(in.rules, Rules());
  ASSIGN_OR_RETURN(PgStatement apart, db_.Prepare("SELECT record_a, record_b FROM"
                                                  " identity_dismissals"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, apart.Step());
    if (!row) break;
    in.kept_apart.emplace(apart.Text(0), apart.Text(1));
  }
  RETURN_IF_ERROR(db_.ForEachRow(
      "SELECT unified_id, founder_record, created_at, merged_into FROM unified_customers"
      " ORDER BY created_at, unified_id",
      [](PgStatement&) {},
      [&](const PgRow& row) {
        in.unified.push_back(
            UnifiedRow{row.Text(0), row.Text(1), row.Text(2), row.OptionalText(3)});
        return Status::Ok();
      }));
  RETURN_IF_ERROR(db_.ForEachRow(
      "SELECT record_id, unified_id FROM identity_links", [](PgStatement&) {},
      [&](const PgRow& row) {
        in.links[row.Text(0)] = row.Text(1);
        return Status::Ok();
      }));
  RETURN_IF_ERROR(snapshot->Commit());
  return out;
}

Result<bool> PgIdentityStore::WriteLinkPlan(const LinkPlan& plan, int64_t based_on,
                                            const ResolveMark& mark, const std::string& now,
                                            const SecretKeys* signer) {
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(int64_t generation, Generation());
  if (generation != based_on) return false;  // rolled back: another plan came first
  TextColumns minted(3);
  for (const auto& row : plan.minted) {
    minted[0].emplace_back(row.unified_id);
    minted[1].emplace_back(row.founder_record);
    minted[2].emplace_back(row.created_at);
  }
  RETURN_IF_ERROR(RunBatched(db_,
                             "INSERT INTO unified_customers (unified_id, founder_record,"
                             " created_at) SELECT * FROM unnest(?::text[], ?::text[], ?::text[])",
                             minted));
  // The last redirect of an id is the one that stays, as when written in turn.
  std::map<std::string, std::optional<std::string>> last_redirect;
  for (const auto& [id, target] : plan.redirects) last_redirect[id] = target;
  TextColumns redirects(2);
  for (const auto& [id, target] : last_redirect) {
    redirects[0].emplace_back(id);
    redirects[1].emplace_back(target);
  }
  RETURN_IF_ERROR(RunBatched(db_,
                             "UPDATE unified_customers u SET merged_into = r.target FROM"
                             " unnest(?::text[], ?::text[]) AS r(id, target) WHERE"
                             " u.unified_id = r.id",
                             redirects));
  TextColumns dirty(1);
  dirty[0].assign(plan.dirty.begin(), plan.dirty.end());
  RETURN_IF_ERROR(RunBatched(db_,
                             "INSERT INTO profile_dirty (unified_id) SELECT * FROM"
                             " unnest(?::text[]) ON CONFLICT DO NOTHING",
                             dirty));
  // A record named twice takes its last link, as when written in turn.
  std::map<std::string, const LinkPlan::Link*> last_link;
  for (const auto& link : plan.links) last_link[link.record_id] = &link;
  TextColumns links(3);
  for (const auto& [record, link] : last_link) {
    links[0].emplace_back(link->record_id);
    links[1].emplace_back(link->site_id);
    links[2].emplace_back(link->unified_id);
  }
  const std::string put_links =
      "INSERT INTO identity_links (record_id, site_id, unified_id, linked_at) SELECT r, s, u, "
      "?::text"
      " FROM unnest(?::text[], ?::text[], ?::text[]) AS w(r, s, u) ON CONFLICT (record_id) DO"
      " UPDATE SET unified_id = excluded.unified_id, linked_at = excluded.linked_at";
  ASSIGN_OR_RETURN(PgStatement put, db_.Prepare(put_links));
  for (size_t from = 0; from < links[0].size(); from += kBatchRows) {
    const size_t count = std::min(kBatchRows, links[0].size() - from);
    put.Reset();
    put.Bind(1, now);
    for (int c = 0; c < 3; ++c)
      put.Bind(c + 2, ArrayLiteral(std::span(links[c]).subspan(from, count)));
    RETURN_IF_ERROR(put.Run());
  }
  ASSIGN_OR_RETURN(RecordLog records, RecordLog::Open(db_));  // links decide identity
  for (const auto& link : plan.links) {
    RETURN_IF_ERROR(records.Note("identity_links", {link.record_id}));
  }
  RETURN_IF_ERROR(db_.Exec("DELETE FROM identity_candidates"));
  TextColumns candidates(4);
  for (const auto& c : plan.candidates) {
    candidates[0].emplace_back(c.record_a);
    candidates[1].emplace_back(c.record_b);
    candidates[2].emplace_back(c.key_kind);
    candidates[3].emplace_back(c.key_value);
  }
  // WITH ORDINALITY ... ORDER BY n: of a pair named twice, the first is kept.
  RETURN_IF_ERROR(RunBatched(db_,
                             "INSERT INTO identity_candidates (record_a, record_b, key_kind,"
                             " key_value) SELECT a, b, k, v FROM unnest(?::text[], ?::text[],"
                             " ?::text[], ?::text[]) WITH ORDINALITY AS w(a, b, k, v, n) ORDER BY"
                             " n ON CONFLICT DO NOTHING",
                             candidates));
  RETURN_IF_ERROR(db_.Exec("DELETE FROM identity_keys"));
  TextColumns keys(2);
  for (const auto& [k, record] : plan.keys) {
    keys[0].emplace_back(k);
    keys[1].emplace_back(record);
  }
  RETURN_IF_ERROR(RunBatched(db_,
                             "INSERT INTO identity_keys (key, record_id) SELECT * FROM"
                             " unnest(?::text[], ?::text[]) ON CONFLICT DO NOTHING",
                             keys));
  ASSIGN_OR_RETURN(PgStatement state,
                   db_.Prepare("INSERT INTO identity_state (singleton, resolved_changes,"
                               " resolved_rules, resolved_at, generation) VALUES (1, ?, ?, ?, ?)"
                               " ON CONFLICT (singleton) DO UPDATE SET resolved_changes ="
                               " excluded.resolved_changes, resolved_rules ="
                               " excluded.resolved_rules, resolved_at = excluded.resolved_at,"
                               " generation = excluded.generation"));
  state.Bind(1, mark.changes).Bind(2, mark.rules).Bind(3, now).Bind(4, generation + 1);
  RETURN_IF_ERROR(state.Run());
  if (signer) RETURN_IF_ERROR(records.Seal(*signer));
  RETURN_IF_ERROR(tx->Commit());
  return true;
}

Result<std::optional<UnifiedRow>> PgIdentityStore::Unified(const std::string& unified_id) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT unified_id, founder_record, created_at,"
                                               " merged_into FROM unified_customers"
                                               " WHERE unified_id = ?"));
  st.Bind(1, unified_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<UnifiedRow>();
  return std::optional<UnifiedRow>(
      UnifiedRow{st.Text(0), st.Text(1), st.Text(2), st.OptionalText(3)});
}

Result<std::optional<std::string>> PgIdentityStore::LinkOf(const std::string& record_id) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT unified_id FROM identity_links WHERE"
                                               " record_id = ?"));
  st.Bind(1, record_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.Text(0));
}

Result<std::vector<std::string>> PgIdentityStore::RecordsStartingWith(const std::string& prefix,
                                                                      int limit) {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("SELECT entity_id FROM entities WHERE entity = 'customer' AND"
                               " entity_id >= ?::text AND entity_id < ?::text || 'g'"
                               " ORDER BY entity_id LIMIT ?"));
  st.Bind(1, prefix).Bind(2, prefix).Bind(3, int64_t{limit});
  return st.TextColumn();
}

Result<std::vector<std::string>> PgIdentityStore::MembersOf(const std::string& unified_id) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT record_id FROM identity_links WHERE"
                                               " unified_id = ? ORDER BY record_id"));
  st.Bind(1, unified_id);
  return st.TextColumn();
}

Result<std::vector<std::string>> PgIdentityStore::UnifiedWithKey(const std::string& key) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT l.unified_id FROM identity_keys k JOIN"
                                               " identity_links l USING (record_id) WHERE"
                                               " k.key = ? ORDER BY k.record_id"));
  st.Bind(1, key);
  return st.TextColumn();
}

Result<std::vector<std::string>> PgIdentityStore::UnifiedWithNamePart(const std::string& part,
                                                                      int limit) {
  // Names starting with `part`: a range of hub_customers_name (code point
  // order, and U+10FFFF after every character a name can go on with), in
  // name order as SQLite walks that index.
  ASSIGN_OR_RETURN(PgStatement starting,
                   db_.Prepare("SELECT l.unified_id FROM hub_customers c JOIN identity_links l"
                               " ON l.record_id = c.customer_id WHERE c.name >= ?::text AND"
                               " c.name < ?::text || chr(1114111) GROUP BY l.unified_id"
                               " ORDER BY min(c.name), l.unified_id LIMIT ?"));
  starting.Bind(1, part).Bind(2, part).Bind(3, int64_t{limit});
  ASSIGN_OR_RETURN(std::vector<std::string> found, starting.TextColumn());
  if (!found.empty()) return found;
  ASSIGN_OR_RETURN(PgStatement inside,
                   db_.Prepare("SELECT l.unified_id FROM hub_customers c JOIN identity_links l"
                               " ON l.record_id = c.customer_id WHERE strpos(c.name, ?) > 0"
                               " GROUP BY l.unified_id ORDER BY min(c.customer_id) LIMIT ?"));
  inside.Bind(1, part).Bind(2, int64_t{limit});
  return inside.TextColumn();
}

Result<std::optional<CustomerEntity>> PgIdentityStore::Customer(const std::string& record_id) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT owner_site, fields, field_hlcs, base_hlc"
                                               " FROM entities WHERE entity = 'customer' AND"
                                               " entity_id = ?"));
  st.Bind(1, record_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<CustomerEntity>();
  return std::optional<CustomerEntity>(
      CustomerEntity{st.Text(0), st.Text(1), st.Text(2), st.Int(3)});
}

Result<std::vector<ChildEntity>> PgIdentityStore::ChildrenOf(const std::string& record_id) {
  // In (entity, entity_id) order: SQLite's customer_children_customer index order.
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("SELECT e.entity, e.entity_id, e.owner_site, e.fields FROM"
                               " customer_children k JOIN entities e ON e.entity = k.entity"
                               " AND e.entity_id = k.entity_id WHERE k.customer_id = ?"
                               " ORDER BY k.entity, k.entity_id"));
  st.Bind(1, record_id);
  return Rows<ChildEntity>(st, [](const PgStatement& row) {
    return ChildEntity{row.Text(0), row.Text(1), row.Text(2), row.Text(3)};
  });
}

Result<std::vector<IdentityRule>> PgIdentityStore::Rules() {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT id, kind, record_a, record_b, staff, note,"
                                               " at FROM identity_rules ORDER BY id"));
  return Rows<IdentityRule>(st, [](const PgStatement& row) {
    return IdentityRule{row.Int(0),  row.Text(1), row.Text(2), row.OptionalText(3),
                        row.Text(4), row.Text(5), row.Text(6)};
  });
}

Result<std::vector<LinkCandidate>> PgIdentityStore::Candidates(
    const std::optional<std::string>& record_id) {
  auto read = [](const PgStatement& row) {
    return LinkCandidate{row.Text(0), row.Text(1), row.Text(2), row.Text(3)};
  };
  if (!record_id) {
    ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT record_a, record_b, key_kind, key_value"
                                                 " FROM identity_candidates ORDER BY record_a,"
                                                 " record_b"));
    return Rows<LinkCandidate>(st, read);
  }
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT record_a, record_b, key_kind, key_value"
                                               " FROM identity_candidates WHERE record_a = ? OR"
                                               " record_b = ? ORDER BY record_a, record_b"));
  st.Bind(1, *record_id).Bind(2, *record_id);
  return Rows<LinkCandidate>(st, read);
}

Status PgIdentityStore::RecordDecision(PgStatement& insert, const std::string& table,
                                       const std::vector<std::string>& key,
                                       const SecretKeys* signer) {
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(bool returned, insert.Step());
  if (insert.RowsChanged() == 0) return Status::Ok();  // kept apart already: nothing new
  ASSIGN_OR_RETURN(RecordLog records, RecordLog::Open(db_));
  // A rule's key is its id, known only once inserted (the insert returns it).
  RETURN_IF_ERROR(records.Note(table, key.empty() && returned
                                          ? std::vector<std::string>{std::to_string(insert.Int(0))}
                                          : key));
  if (signer) RETURN_IF_ERROR(records.Seal(*signer));
  return tx->Commit();
}

Status PgIdentityStore::AddRule(const IdentityRule& rule, const SecretKeys* signer) {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("INSERT INTO identity_rules (kind, record_a, record_b, staff, note,"
                               " at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"));
  st.Bind(1, rule.kind)
      .Bind(2, rule.record_a)
      .Bind(3, rule.record_b)
      .Bind(4, rule.staff)
      .Bind(5, rule.note)
      .Bind(6, rule.at);
  return RecordDecision(st, "identity_rules", {}, signer);
}

Status PgIdentityStore::KeepApart(const std::string& record_a, const std::string& record_b,
                                  const std::string& staff, const std::string& note,
                                  const std::string& at, const SecretKeys* signer) {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("INSERT INTO identity_dismissals (record_a, record_b, staff, note,"
                               " at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
  st.Bind(1, record_a).Bind(2, record_b).Bind(3, staff).Bind(4, note).Bind(5, at);
  return RecordDecision(st, "identity_dismissals", {record_a, record_b}, signer);
}

Result<std::vector<std::string>> PgIdentityStore::DirtyProfiles() {
  // In id order: SQLite's WITHOUT ROWID table order.
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("SELECT unified_id FROM profile_dirty ORDER BY unified_id"));
  return st.TextColumn();
}

Status PgIdentityStore::ClearDirtyProfiles() { return db_.Exec("DELETE FROM profile_dirty"); }

Status PgIdentityStore::MarkProfilesDirty(const std::vector<std::string>& unified_ids) {
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  TextColumns ids(1);
  ids[0].assign(unified_ids.begin(), unified_ids.end());
  RETURN_IF_ERROR(RunBatched(db_,
                             "INSERT INTO profile_dirty (unified_id) SELECT * FROM"
                             " unnest(?::text[]) ON CONFLICT DO NOTHING",
                             ids));
  return tx->Commit();
}

Result<std::map<std::string, std::string>> PgIdentityStore::ProfileDigests(
    const std::string& unified_id) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT site_id, digest FROM store_profiles WHERE"
                                               " unified_id = ? AND profile IS NOT NULL"));
  st.Bind(1, unified_id);
  std::map<std::string, std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out[st.Text(0)] = st.Blob(1);
  }
  return out;
}

Result<std::optional<int64_t>> PgIdentityStore::NextProfileSeq(const std::string& site) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("UPDATE store_cursors SET profile_seq ="
                                               " profile_seq + 1 WHERE site_id = ?"
                                               " RETURNING profile_seq"));
  st.Bind(1, site);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<int64_t>();  // not a store on the allow-list (any more)
  return std::optional<int64_t>(st.Int(0));
}

Status PgIdentityStore::PutProfile(const std::string& site, const std::string& unified_id,
                                   int64_t seq, const std::optional<std::string>& digest,
                                   const std::optional<std::string>& profile) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("INSERT INTO store_profiles (site_id, unified_id,"
                                               " seq, digest, profile) VALUES (?, ?, ?, ?, ?)"
                                               " ON CONFLICT (site_id, unified_id) DO UPDATE SET"
                                               " seq = excluded.seq, digest = excluded.digest,"
                                               " profile = excluded.profile"));
  st.Bind(1, site).Bind(2, unified_id).Bind(3, seq);
  if (digest) {
    st.BindBlob(4, digest->data(), digest->size());
  } else {
    st.BindNull(4);
  }
  st.Bind(5, profile);
  return st.Run();
}

Result<int64_t> PgIdentityStore::ProfileSeqGivenOut(const std::string& site) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT profile_seq FROM store_cursors"
                                               " WHERE site_id = ?"));
  st.Bind(1, site);
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Status PgIdentityStore::RenumberProfiles(const std::string& site, int64_t by) {
  // Both move or neither: the next seq given out must stay above every
  // numbered profile.
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(PgStatement renumber, db_.Prepare("UPDATE store_profiles SET seq = seq + ?"
                                                     " WHERE site_id = ?"));
  renumber.Bind(1, by).Bind(2, site);
  RETURN_IF_ERROR(renumber.Run());
  ASSIGN_OR_RETURN(PgStatement bump, db_.Prepare("UPDATE store_cursors SET profile_seq ="
                                                 " profile_seq + ? WHERE site_id = ?"));
  bump.Bind(1, by).Bind(2, site);
  RETURN_IF_ERROR(bump.Run());
  return tx->Commit();
}

Status PgIdentityStore::NoteProfilesHeld(const std::string& site, int64_t held_seq) {
  ASSIGN_OR_RETURN(PgStatement held,
                   db_.Prepare("UPDATE store_cursors SET applied_profile_seq ="
                               " least(?::bigint, profile_seq) WHERE site_id = ? AND"
                               " applied_profile_seq <> least(?::bigint, profile_seq)"));
  held.Bind(1, held_seq).Bind(2, site).Bind(3, held_seq);
  return held.Run();
}

Result<std::vector<ProfileVersion>> PgIdentityStore::ProfilesAfter(const std::string& site,
                                                                   int64_t held_seq, int limit) {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("SELECT seq, unified_id, profile FROM store_profiles"
                               " WHERE site_id = ? AND seq > ? ORDER BY seq LIMIT ?"));
  st.Bind(1, site).Bind(2, held_seq).Bind(3, int64_t{limit});
  return Rows<ProfileVersion>(st, [](const PgStatement& row) {
    return ProfileVersion{row.Int(0), row.Text(1), row.OptionalText(2)};
  });
}

Status PgIdentityStore::LogLookup(const std::string& at, const std::string& site,
                                  const std::string& staff, const std::string& phone_hash,
                                  int64_t found) {
  ASSIGN_OR_RETURN(PgStatement log, db_.Prepare("INSERT INTO lookup_log (at, site_id, staff,"
                                                " phone_hash, found) VALUES (?, ?, ?, ?, ?)"));
  log.Bind(1, at).Bind(2, site).Bind(3, staff).Bind(4, phone_hash).Bind(5, found);
  return log.Run();
}

}  // namespace outpost::hub::storage::postgres
