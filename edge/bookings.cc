#include "edge/bookings.h"

#include "sync/ids.h"

namespace outpost::edge {

Result<std::vector<BookingKey>> FindBookingKeys(Db& db, const std::string& query) {
  const bool is_ref = query.size() >= 8 && query[6] == '-';
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare(is_ref ? "SELECT id, store_id FROM bookings WHERE ref = ?1"
                        : "SELECT id, store_id FROM bookings WHERE " + IdMatchSql("id")));
  st.Bind(1, query);
  std::vector<BookingKey> found;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    found.push_back({st.Text(0), st.Text(1)});
  }
  return found;
}

}  // namespace outpost::edge
