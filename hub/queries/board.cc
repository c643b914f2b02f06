#include "hub/queries/board.h"

#include <algorithm>

#include "hub/hub.h"
#include "sync/civil_time.h"
#include "sync/lifecycle.h"
#include "sync/store_calendar.h"

namespace outpost::hub::queries {

Result<HubBoard> ReadBoard(const HubReader& hub, const std::string& site,
                           const std::string& date_text) {
  Db& db = hub.db();
  RETURN_IF_ERROR(ReadStoreKeys(db, site).status());
  ASSIGN_OR_RETURN(std::optional<StoreCalendar> calendar, ReadCalendar(db, site));
  if (!calendar) {
    return Status::NotFound("board: head office holds no calendar of " + site +
                            " yet (its settings come with its next sync)");
  }
  ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Load(calendar->settings.time_zone));
  ASSIGN_OR_RETURN(LocalDate date,
                   ParseDeskDate(date_text, zone.UtcToLocal(hub.clock().NowMs()).date));
  HubBoard board;
  board.site = site;
  board.date = date.ToString();
  if (auto c = calendar->closed.find(board.date); c != calendar->closed.end()) {
    board.closed = c->second;
  } else if (calendar->settings.open_days.find(static_cast<char>('0' + date.IsoWeekday())) ==
             std::string::npos) {
    board.closed = "not open on that weekday";
  }
  for (const auto& spec : calendar->settings.slots)
    board.slots.push_back({spec.start_time, spec.capacity});
  ASSIGN_OR_RETURN(Statement as_of, db.Prepare("SELECT last_batch_at FROM store_cursors"
                                               " WHERE site_id = ?"));
  as_of.Bind(1, site);
  ASSIGN_OR_RETURN(bool cursor, as_of.Step());
  if (cursor) board.as_of = as_of.OptionalText(0);
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare("SELECT json_extract(b.fields, '$.slot_time'),"
                 " json_extract(b.fields, '$.ref'), json_extract(b.fields, '$.status'),"
                 " json_extract(b.fields, '$.channel'),"
                 " coalesce(json_extract(b.fields, '$.needs_reschedule'), 0),"
                 " coalesce(json_extract(c.fields, '$.name'), '?') FROM entities b"
                 " LEFT JOIN entities c ON c.entity = 'customer' AND c.entity_id ="
                 " json_extract(b.fields, '$.customer_id') WHERE b.entity = 'booking'"
                 " AND b.owner_site = ? AND json_extract(b.fields, '$.slot_date') = ?"
                 " ORDER BY json_extract(b.fields, '$.created_at'), b.entity_id"));
  st.Bind(1, site).Bind(2, board.date);
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    auto status = ParseBookingStatus(st.Text(2));
    if (!status.ok() || !HoldsPlace(status.value())) continue;
    auto slot = std::find_if(board.slots.begin(), board.slots.end(),
                             [&](const HubBoardSlot& s) { return s.time == st.Text(0); });
    if (slot == board.slots.end()) continue;  // off today's grid: the store's board shows it
    HubBoardBooking b{st.Text(1), st.Text(5), st.Text(2), st.Text(3), st.Int(4) != 0};
    if (!b.needs_reschedule) ++slot->taken;
    slot->bookings.push_back(std::move(b));
  }
  return board;
}

}  // namespace outpost::hub::queries
