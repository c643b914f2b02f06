#include "edge/tamper_checks.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "sync/clock.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

// The schema's text of each append-only trigger (schema/migrations/edge 0001, 0011).
struct Guard {
  const char* name;
  const char* table;
  const char* sql;
};
constexpr Guard kGuards[] = {
    {"change_log_no_update", "change_log",
     "CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log\n"
     "BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END"},
    {"change_log_no_delete", "change_log",
     "CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log\n"
     "BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END"},
    {"booking_history_no_update", "booking_history",
     "CREATE TRIGGER booking_history_no_update BEFORE UPDATE ON booking_history\n"
     "BEGIN SELECT RAISE(ABORT, 'booking_history is append-only'); END"},
    {"booking_history_no_delete", "booking_history",
     "CREATE TRIGGER booking_history_no_delete BEFORE DELETE ON booking_history\n"
     "BEGIN SELECT RAISE(ABORT, 'booking_history is append-only'); END"},
};

constexpr char kHistoryTable[] =
    "CREATE TABLE booking_history (\n"
    "  seq          INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  booking_id   TEXT NOT NULL REFERENCES bookings(id),\n"
    "  at           TEXT NOT NULL,\n"
    "  staff        TEXT NOT NULL,\n"
    "  action       TEXT NOT NULL,\n"
    "  from_status  TEXT,\n"
    "  to_status    TEXT NOT NULL,\n"
    "  changes      TEXT NOT NULL DEFAULT '{}',\n"
    "  reason       TEXT\n"
    ");\n"
    "CREATE INDEX booking_history_booking ON booking_history(booking_id, seq);";

// The desk reads the clock for the history row and for the log entry a moment
// apart, in one transaction.
constexpr int64_t kClockSlackMs = 5'000;

// Whitespace collapsed, so a trigger's text compares however it was indented.
std::string Collapsed(const std::string& sql) {
  std::string out;
  for (char c : sql) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// A booking's history row as its change-log entry implies it.
struct ImpliedRow {
  int64_t log_seq = 0;
  std::string at, staff;
  std::optional<std::string> from_status;
  std::string to_status;
  json changes;  // {field: [before, after]}, as rebuild writes it
};

// Every booking's history as the log implies it, by booking id.
Result<std::map<std::string, std::vector<ImpliedRow>>> ImpliedHistory(Db& db) {
  ASSIGN_OR_RETURN(Statement log, db.Prepare("SELECT entity_id, seq, recorded_at, staff, fields"
                                             " FROM change_log WHERE entity = 'booking'"
                                             " ORDER BY entity_id, seq"));
  std::map<std::string, std::vector<ImpliedRow>> out;
  std::string current;
  json state = json::object();
  while (true) {
    ASSIGN_OR_RETURN(bool row, log.Step());
    if (!row) break;
    if (log.Text(0) != current) {
      current = log.Text(0);
      state = json::object();
    }
    const json fields = json::parse(log.Text(4), nullptr, false);
    ImpliedRow r{log.Int(1), log.Text(2), log.Text(3), std::nullopt, "", json::object()};
    if (state.contains("status") && state["status"].is_string()) r.from_status = state["status"];
    if (fields.is_object()) {
      for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (it.key() == "updated_at") continue;
        r.changes[it.key()] = {state.contains(it.key()) ? state[it.key()] : json(nullptr),
                               it.value()};
      }
      state.update(fields);
    }
    r.to_status = state.contains("status") && state["status"].is_string()
                      ? state["status"].get<std::string>()
                      : r.from_status.value_or("");
    out[current].push_back(std::move(r));
  }
  return out;
}

struct HeldRow {
  int64_t seq = 0;
  std::string at, staff;
  std::optional<std::string> from_status;
  std::string to_status;
};

bool CloseInTime(const std::string& a, const std::string& b) {
  auto ma = ParseUtcMs(a), mb = ParseUtcMs(b);
  return ma.ok() && mb.ok() && std::llabs(ma.value() - mb.value()) <= kClockSlackMs;
}

// One held row against the row its entry implies: what differs, or "".
std::string RowDifference(const HeldRow& held, const ImpliedRow& implied) {
  auto text = [](const std::optional<std::string>& v) { return v ? "'" + *v + "'" : "none"; };
  std::string what;
  auto add = [&](const std::string& field, const std::string& holds, const std::string& says) {
    what += (what.empty() ? "" : "; ") + field + " holds " + holds + ", the log says " + says;
  };
  if (held.staff != implied.staff) add("staff", "'" + held.staff + "'", "'" + implied.staff + "'");
  if (held.from_status != implied.from_status) {
    add("from_status", text(held.from_status), text(implied.from_status));
  }
  if (held.to_status != implied.to_status) {
    add("to_status", "'" + held.to_status + "'", "'" + implied.to_status + "'");
  }
  if (!CloseInTime(held.at, implied.at)) add("at", "'" + held.at + "'", "'" + implied.at + "'");
  return what;
}

}  // namespace

Status InsertHistoryRow(Db& db, const std::string& booking_id, const std::string& at,
                        const std::string& staff, const std::string& action,
                        const std::optional<std::string>& from_status, const std::string& to_status,
                        const json& changes, const std::string& reason) {
  ASSIGN_OR_RETURN(Statement h, db.Prepare("INSERT INTO booking_history (booking_id, at, staff,"
                                           " action, from_status, to_status, changes, reason)"
                                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  h.Bind(1, booking_id).Bind(2, at).Bind(3, staff).Bind(4, action);
  if (from_status) {
    h.Bind(5, *from_status);
  } else {
    h.BindNull(5);
  }
  h.Bind(6, to_status).Bind(7, changes.dump()).Bind(8, reason);
  return h.Run();
}

Result<BookingHistoryCheck> CheckBookingHistory(Db& db) {
  BookingHistoryCheck check;
  ASSIGN_OR_RETURN(Statement exists, db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                                                " AND name = 'booking_history'"));
  ASSIGN_OR_RETURN(check.table_missing, exists.Step());
  check.table_missing = !check.table_missing;
  exists.Reset();
  if (check.table_missing) {
    check.findings.push_back(
        "booking_history: the table is missing (dropped); the desk cannot"
        " show or change a booking without it");
    return check;
  }
  ASSIGN_OR_RETURN(auto implied, ImpliedHistory(db));
  ASSIGN_OR_RETURN(Statement rows, db.Prepare("SELECT booking_id, seq, at, staff, from_status,"
                                              " to_status FROM booking_history"
                                              " ORDER BY booking_id, seq"));
  std::map<std::string, std::vector<HeldRow>> held;
  while (true) {
    ASSIGN_OR_RETURN(bool row, rows.Step());
    if (!row) break;
    held[rows.Text(0)].push_back(
        {rows.Int(1), rows.Text(2), rows.Text(3), rows.OptionalText(4), rows.Text(5)});
    ++check.rows;
  }
  std::set<std::string> bookings;
  for (const auto& [id, v] : implied) bookings.insert(id);
  for (const auto& [id, v] : held) bookings.insert(id);
  static const std::vector<HeldRow> kNoRows;
  static const std::vector<ImpliedRow> kNoEntries;
  for (const auto& id : bookings) {
    const auto h = held.find(id);
    const auto i = implied.find(id);
    const auto& have = h == held.end() ? kNoRows : h->second;
    const auto& want = i == implied.end() ? kNoEntries : i->second;
    const std::string where = "booking_history of booking " + id;
    for (size_t n = 0; n < std::max(have.size(), want.size()); ++n) {
      std::string finding;
      if (n >= have.size()) {
        finding = where + ": no row for change-log seq " + std::to_string(want[n].log_seq) + " (" +
                  want[n].to_status + " by " + want[n].staff + " at " + want[n].at + "): deleted";
      } else if (n >= want.size()) {
        finding = where + ", row " + std::to_string(have[n].seq) +
                  ": no change-log entry accounts for it (inserted behind the system's back)";
      } else if (std::string what = RowDifference(have[n], want[n]); !what.empty()) {
        finding = where + ", row " + std::to_string(have[n].seq) + " (change-log seq " +
                  std::to_string(want[n].log_seq) + "): " + what;
      }
      if (finding.empty()) continue;
      check.findings.push_back(finding);
      check.differing.insert(id);
    }
  }
  return check;
}

Status RepairBookingHistory(Db& db, const std::set<std::string>& booking_ids, bool table_missing) {
  if (table_missing) RETURN_IF_ERROR(db.Exec(kHistoryTable));
  // Rows are rewritten: the delete guard steps aside inside this transaction.
  RETURN_IF_ERROR(db.Exec("DROP TRIGGER IF EXISTS booking_history_no_delete"));
  ASSIGN_OR_RETURN(Statement del, db.Prepare("DELETE FROM booking_history WHERE booking_id = ?"));
  ASSIGN_OR_RETURN(auto implied, ImpliedHistory(db));
  for (const auto& [id, rows] : implied) {
    if (!table_missing && !booking_ids.count(id)) continue;
    del.Reset();
    del.Bind(1, id);
    RETURN_IF_ERROR(del.Run());
    for (const auto& r : rows) {
      RETURN_IF_ERROR(InsertHistoryRow(db, id, r.at, r.staff,
                                       r.from_status ? "update (replayed)" : "book (replayed)",
                                       r.from_status, r.to_status, r.changes,
                                       "rebuilt from change-log seq " + std::to_string(r.log_seq)));
    }
  }
  for (const auto& id : booking_ids) {
    if (implied.count(id)) continue;  // rows for a booking the log never had
    del.Reset();
    del.Bind(1, id);
    RETURN_IF_ERROR(del.Run());
  }
  return RestoreAppendOnlyGuards(db);
}

Result<std::vector<std::string>> MissingAppendOnlyGuards(Db& db) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'"
                                            " AND name = ? AND tbl_name = ?"));
  std::vector<std::string> out;
  for (const auto& g : kGuards) {
    st.Reset();
    st.Bind(1, g.name).Bind(2, g.table);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || Collapsed(st.Text(0)) != Collapsed(g.sql)) out.push_back(g.name);
  }
  return out;
}

Status RestoreAppendOnlyGuards(Db& db) {
  ASSIGN_OR_RETURN(std::vector<std::string> missing, MissingAppendOnlyGuards(db));
  for (const auto& g : kGuards) {
    if (std::find(missing.begin(), missing.end(), g.name) == missing.end()) continue;
    RETURN_IF_ERROR(db.Exec(std::string("DROP TRIGGER IF EXISTS ") + g.name));
    RETURN_IF_ERROR(db.Exec(g.sql));
  }
  return Status::Ok();
}

}  // namespace outpost::edge
