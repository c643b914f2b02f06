// The waitlist_entries table: the only SQL on it (edge/waitlist.h).
#include "edge/waitlist.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "edge/customers.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

// The logged fields, in the order of the row's columns after the id.
constexpr const char* kFieldColumns[] = {
    "store_id",   "customer_id",     "vehicle_id", "service",    "date_from",
    "date_to",    "preferred_times", "tier",       "auto_book",  "created_at",
    "staff",      "status",          "offer_date", "offer_time", "offered_at",
    "hold_until", "booking_id",      "reason",     "updated_at"};
constexpr int kFieldCount = static_cast<int>(std::size(kFieldColumns));

// The entry's columns, then what the desk shows beside them.
constexpr const char* kSelect =
    "SELECT w.id, w.store_id, w.customer_id, w.vehicle_id, w.service, w.date_from, w.date_to,"
    " w.preferred_times, w.tier, w.auto_book, w.created_at, w.staff, w.status, w.offer_date,"
    " w.offer_time, w.offered_at, w.hold_until, w.booking_id, w.reason, w.updated_at,"
    " c.name, (SELECT json_group_array(e164) FROM customer_phones p WHERE p.customer_id = c.id),"
    " v.plate, b.ref"
    " FROM waitlist_entries w JOIN customers c ON c.id = w.customer_id"
    " LEFT JOIN vehicles v ON v.id = w.vehicle_id LEFT JOIN bookings b ON b.id = w.booking_id ";

// A row read back through the model's codec, so a row that does not read as an
// entry (written behind the system's back) is refused naming the field.
Result<WaitlistEntry> ReadEntry(const Statement& st) {
  json fields = json::object();
  for (int i = 0; i < kFieldCount; ++i) {
    const std::string key = kFieldColumns[i];
    const int col = i + 1;
    if (st.IsNull(col)) {
      fields[key] = nullptr;
    } else if (key == "preferred_times") {
      fields[key] = json::parse(st.Text(col), nullptr, false);
    } else if (key == "auto_book") {
      fields[key] = st.Int(col) != 0;
    } else {
      fields[key] = st.Text(col);
    }
  }
  auto parsed = model::ParseWaitlistEntry(st.Text(0), fields);
  if (!parsed.ok()) {
    return Status::Corruption("waitlist entry " + st.Text(0) + ": " + parsed.status().message())
        .WithShown(i18n::Format("waitlist entry {0}: {1}", {st.Text(0), parsed.status().shown()}));
  }
  WaitlistEntry e;
  static_cast<model::WaitlistEntry&>(e) = std::move(parsed).value();
  e.customer_name = st.Text(kFieldCount + 1);
  // A JSON list SQLite made of the customer's phones (E.164 text).
  const json phones = json::parse(st.Text(kFieldCount + 2), nullptr, false);
  if (phones.is_array()) {
    for (const auto& p : phones) {
      if (p.is_string()) e.customer_phones.push_back(p.get<std::string>());
    }
  }
  e.plate = st.OptionalText(kFieldCount + 3);
  e.booking_ref = st.OptionalText(kFieldCount + 4);
  return e;
}

Result<std::vector<WaitlistEntry>> ReadEntries(Statement& st) {
  std::vector<WaitlistEntry> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(WaitlistEntry e, ReadEntry(st));
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), model::WaitlistOrder);
  return out;
}

}  // namespace

Status WriteWaitlistRow(Db& db, const model::WaitlistEntry& e) {
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare("INSERT INTO waitlist_entries (id, store_id, customer_id, vehicle_id, service,"
                 " date_from, date_to, preferred_times, tier, auto_book, created_at, staff,"
                 " status, offer_date, offer_time, offered_at, hold_until, booking_id, reason,"
                 " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                 " ON CONFLICT (id) DO UPDATE SET store_id = excluded.store_id,"
                 " customer_id = excluded.customer_id, vehicle_id = excluded.vehicle_id,"
                 " service = excluded.service, date_from = excluded.date_from,"
                 " date_to = excluded.date_to, preferred_times = excluded.preferred_times,"
                 " tier = excluded.tier, auto_book = excluded.auto_book,"
                 " created_at = excluded.created_at, staff = excluded.staff,"
                 " status = excluded.status, offer_date = excluded.offer_date,"
                 " offer_time = excluded.offer_time, offered_at = excluded.offered_at,"
                 " hold_until = excluded.hold_until, booking_id = excluded.booking_id,"
                 " reason = excluded.reason, updated_at = excluded.updated_at"));
  st.Bind(1, e.id)
      .Bind(2, e.store_id)
      .Bind(3, e.customer_id)
      .Bind(4, e.vehicle_id)
      .Bind(5, e.service)
      .Bind(6, e.date_from)
      .Bind(7, e.date_to)
      .Bind(8, json(e.preferred_times).dump())
      .Bind(9, e.tier)
      .Bind(10, int64_t{e.auto_book})
      .Bind(11, e.created_at)
      .Bind(12, e.staff)
      .Bind(13, e.status)
      .Bind(14, e.offer_date)
      .Bind(15, e.offer_time)
      .Bind(16, e.offered_at)
      .Bind(17, e.hold_until)
      .Bind(18, e.booking_id)
      .Bind(19, e.reason)
      .Bind(20, e.updated_at);
  return st.Run();
}

Status PutWaitlistEntryFromLog(Db& db, const model::WaitlistEntry& entry) {
  return WriteWaitlistRow(db, entry);
}

Result<WaitlistEntry> FindWaitlistEntry(Db& db, const std::string& query) {
  if (!IsIdPrefix(query) && !LooksLikeId(query)) {
    return Status::InvalidInput("entry: '" + query + "' is not a waitlist entry id")
        .WithShown(i18n::Format("entry: '{0}' is not a waitlist entry id", {query}))
        .WithField("entry");
  }
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare(std::string(kSelect) + "WHERE " + IdMatchSql("w.id") + " LIMIT 2"));
  st.Bind(1, query);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return Status::NotFound("entry: no waitlist entry '" + query + "'")
        .WithShown(i18n::Format("entry: no waitlist entry '{0}'", {query}))
        .WithField("entry");
  }
  ASSIGN_OR_RETURN(WaitlistEntry e, ReadEntry(st));
  ASSIGN_OR_RETURN(bool second, st.Step());
  if (second) {
    return Status::InvalidInput("entry: id '" + query +
                                "' matches several waitlist entries; give more of it")
        .WithShown(i18n::Format("entry: id '{0}' matches several waitlist entries; give more of it",
                                {query}))
        .WithField("entry");
  }
  st.Reset();
  return e;
}

Result<std::vector<WaitlistEntry>> WaitlistEntries(Db& db, bool open_only) {
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare(std::string(kSelect) + "WHERE (?1 = 0 OR w.status IN ('waiting', 'offered'))"));
  st.Bind(1, int64_t{open_only});
  return ReadEntries(st);
}

Result<std::vector<WaitlistEntry>> OpenWaitlistEntriesOf(Db& db, const std::string& customer_id) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare(std::string(kSelect) + "WHERE w.customer_id = ?1 AND w.status IN"
                                                     " ('waiting', 'offered')"));
  st.Bind(1, customer_id);
  return ReadEntries(st);
}

}  // namespace outpost::edge
