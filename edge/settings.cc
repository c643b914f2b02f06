#include "edge/settings.h"

#include "sync/i18n/messages.h"

namespace outpost::edge {

using nlohmann::json;

Result<StoreCalendar> ReadStoreCalendar(Db& db) {
  ASSIGN_OR_RETURN(Statement cfg, db.Prepare("SELECT store_id, name, time_zone, phone_region,"
                                             " open_days, min_notice_minutes,"
                                             " priority_notice_minutes, discount_cutoff,"
                                             " discount_percent FROM store_config"));
  ASSIGN_OR_RETURN(bool row, cfg.Step());
  if (!row) {
    return Status::Corruption("database '" + db.path() + "' has no store configuration")
        .WithShown(i18n::Format("database '{0}' has no store configuration", {db.path()}));
  }
  StoreCalendar calendar;
  StoreSettings& s = calendar.settings;
  s.store_id = cfg.Text(0);
  s.name = cfg.Text(1);
  s.time_zone = cfg.Text(2);
  s.phone_region = cfg.Text(3);
  s.open_days = cfg.Text(4);
  s.min_notice_minutes = static_cast<int>(cfg.Int(5));
  s.priority_notice_minutes = static_cast<int>(cfg.Int(6));
  s.discount_cutoff = cfg.Text(7);
  s.discount_percent = static_cast<int>(cfg.Int(8));
  s.slots.clear();
  ASSIGN_OR_RETURN(Statement slots,
                   db.Prepare("SELECT start_time, capacity FROM slots ORDER BY start_time"));
  while (true) {
    ASSIGN_OR_RETURN(bool more, slots.Step());
    if (!more) break;
    s.slots.push_back({slots.Text(0), static_cast<int>(slots.Int(1))});
  }
  ASSIGN_OR_RETURN(Statement closed, db.Prepare("SELECT day, reason FROM closed_dates"));
  while (true) {
    ASSIGN_OR_RETURN(bool more, closed.Step());
    if (!more) break;
    calendar.closed[closed.Text(0)] = closed.Text(1);
  }
  return calendar;
}

Status ApplyStoreCalendar(Db& db, const json& fields) {
  ASSIGN_OR_RETURN(StoreCalendar calendar, ParseStoreCalendar(fields));
  const StoreSettings& s = calendar.settings;
  ASSIGN_OR_RETURN(Statement cfg,
                   db.Prepare("UPDATE store_config SET name = ?, time_zone = ?, phone_region = ?,"
                              " open_days = ?, min_notice_minutes = ?, priority_notice_minutes = ?,"
                              " discount_cutoff = ?, discount_percent = ? WHERE store_id = ?"));
  cfg.Bind(1, s.name).Bind(2, s.time_zone).Bind(3, s.phone_region).Bind(4, s.open_days);
  cfg.Bind(5, int64_t{s.min_notice_minutes}).Bind(6, int64_t{s.priority_notice_minutes});
  cfg.Bind(7, s.discount_cutoff).Bind(8, int64_t{s.discount_percent}).Bind(9, s.store_id);
  ASSIGN_OR_RETURN(Statement whose, db.Prepare("SELECT store_id FROM store_config"));
  ASSIGN_OR_RETURN(bool row, whose.Step());
  if (!row || whose.Text(0) != s.store_id) {
    return Status::Corruption("store calendar: it is for '" + s.store_id + "', not for this store")
        .WithShown(
            i18n::Format("store calendar: it is for '{0}', not for this store", {s.store_id}));
  }
  RETURN_IF_ERROR(cfg.Run());
  RETURN_IF_ERROR(db.Exec("DELETE FROM slots"));
  ASSIGN_OR_RETURN(Statement slot, db.Prepare("INSERT INTO slots (start_time, capacity)"
                                              " VALUES (?, ?)"));
  for (const auto& spec : s.slots) {
    slot.Reset();
    slot.Bind(1, spec.start_time).Bind(2, int64_t{spec.capacity});
    RETURN_IF_ERROR(slot.Run());
  }
  RETURN_IF_ERROR(db.Exec("DELETE FROM closed_dates"));
  ASSIGN_OR_RETURN(Statement day, db.Prepare("INSERT INTO closed_dates (day, reason)"
                                             " VALUES (?, ?)"));
  for (const auto& [date, reason] : calendar.closed) {
    day.Reset();
    day.Bind(1, date).Bind(2, reason);
    RETURN_IF_ERROR(day.Run());
  }
  return Status::Ok();
}

Result<std::optional<std::string>> StoreIdOf(Db& db) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT store_id FROM store_config"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  std::optional<std::string> id = st.Text(0);
  st.Reset();
  return id;
}

Status WriteNewStoreSettings(Db& db, const StoreSettings& settings, const std::string& name,
                             const std::string& created_at) {
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare("INSERT INTO store_config (singleton, store_id, name, time_zone,"
                 " phone_region, open_days, min_notice_minutes, priority_notice_minutes,"
                 " discount_cutoff, discount_percent, created_at)"
                 " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, settings.store_id)
      .Bind(2, name)
      .Bind(3, settings.time_zone)
      .Bind(4, settings.phone_region)
      .Bind(5, settings.open_days)
      .Bind(6, int64_t{settings.min_notice_minutes})
      .Bind(7, int64_t{settings.priority_notice_minutes})
      .Bind(8, settings.discount_cutoff)
      .Bind(9, int64_t{settings.discount_percent})
      .Bind(10, created_at);
  RETURN_IF_ERROR(st.Run());
  ASSIGN_OR_RETURN(Statement slot,
                   db.Prepare("INSERT INTO slots (start_time, capacity) VALUES (?, ?)"));
  for (const auto& s : settings.slots) {
    slot.Reset();
    slot.Bind(1, s.start_time).Bind(2, int64_t{s.capacity});
    RETURN_IF_ERROR(slot.Run());
  }
  return Status::Ok();
}

Status PutClosedDate(Db& db, const std::string& day, const std::string& reason) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("INSERT INTO closed_dates (day, reason) VALUES (?, ?)"
                              " ON CONFLICT (day) DO UPDATE SET reason = excluded.reason"));
  st.Bind(1, day).Bind(2, reason);
  return st.Run();
}

Result<std::vector<std::pair<std::string, std::string>>> ClosedDatesOf(Db& db) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT day, reason FROM closed_dates ORDER BY day"));
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.emplace_back(st.Text(0), st.Text(1));
  }
  return out;
}

Result<std::optional<std::string>> ClosedReason(Db& db, const std::string& day) {
  ASSIGN_OR_RETURN(Statement closed, db.Prepare("SELECT reason FROM closed_dates WHERE day = ?"));
  closed.Bind(1, day);
  ASSIGN_OR_RETURN(bool is_closed, closed.Step());
  if (!is_closed) return std::optional<std::string>();
  std::optional<std::string> reason = closed.Text(0);
  closed.Reset();
  return reason;
}

}  // namespace outpost::edge
