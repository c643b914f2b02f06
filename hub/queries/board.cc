#include "hub/queries/board.h"

#include <algorithm>

#include "hub/hub.h"
#include "sync/civil_time.h"
#include "sync/i18n/messages.h"
#include "sync/lifecycle.h"
#include "sync/store_calendar.h"

namespace outpost::hub::queries {

Result<HubBoard> ReadBoard(const HubReader& hub, const std::string& site,
                           const std::string& date_text) {
  RETURN_IF_ERROR(hub.storage().keys().StoreKeys(site).status());
  ASSIGN_OR_RETURN(std::optional<StoreCalendar> calendar, ReadCalendar(hub.reads(), site));
  if (!calendar) {
    return Status::NotFound("board: head office holds no calendar of " + site +
                            " yet (its settings come with its next sync)")
        .WithShown(i18n::Format("board: head office holds no calendar of {0} yet (its settings "
                                "come with its next sync)",
                                {site}));
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
  ASSIGN_OR_RETURN(std::optional<storage::StoreCursor> cursor, hub.storage().cursors().Read(site));
  if (cursor) board.as_of = cursor->last_batch_at;
  ASSIGN_OR_RETURN(std::vector<storage::BoardBooking> bookings,
                   hub.reads().BookingsOn(site, board.date));
  for (auto& b : bookings) {
    auto status = ParseBookingStatus(b.status);
    if (!status.ok() || !HoldsPlace(status.value())) continue;
    auto slot = std::find_if(board.slots.begin(), board.slots.end(),
                             [&](const HubBoardSlot& s) { return s.time == b.slot_time; });
    if (slot == board.slots.end()) continue;  // off today's grid: the store's board shows it
    HubBoardBooking shown{b.ref, b.customer_name, b.status, b.channel, b.needs_reschedule};
    if (!shown.needs_reschedule) ++slot->taken;
    slot->bookings.push_back(std::move(shown));
  }
  return board;
}

}  // namespace outpost::hub::queries
