#include "edge/invitations.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include "sync/clock.h"

namespace outpost::edge {

Result<std::vector<LastVisit>> LastCompletedVisits(Db& db, const std::string& store_id) {
  // Newest first, so the first row per group is its last visit.
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT b.customer_id, b.vehicle_id, v.plate, b.id, b.service,"
                              " b.slot_date FROM bookings b"
                              " LEFT JOIN vehicles v ON v.id = b.vehicle_id"
                              " WHERE b.store_id = ? AND b.status = 'completed'"
                              " ORDER BY b.slot_date DESC, b.slot_time DESC, b.id DESC"));
  st.Bind(1, store_id);
  std::map<std::string, LastVisit> newest;  // group -> visit, sorted by customer then vehicle
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    LastVisit v;
    v.customer_id = st.Text(0);
    v.vehicle_id = st.OptionalText(1);
    v.plate = st.OptionalText(2);
    v.booking_id = st.Text(3);
    v.service = st.Text(4);
    v.service_kind = ServiceKindOf(v.service);
    v.slot_date = st.Text(5);
    const std::string group =
        v.customer_id + "/" + (v.vehicle_id ? *v.vehicle_id : "-/" + v.service_kind);
    newest.emplace(group, std::move(v));  // an older visit of the group is not taken
  }
  std::vector<LastVisit> out;
  out.reserve(newest.size());
  for (auto& [group, v] : newest) out.push_back(std::move(v));
  return out;
}

Result<std::vector<LoggedMileage>> LoggedMileages(Db& db, const std::string& vehicle_id) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT COALESCE(business_time, recorded_at),"
                                            " json_extract(fields, '$.mileage_km') FROM change_log"
                                            " WHERE entity = 'vehicle' AND entity_id = ?"
                                            " AND json_extract(fields, '$.mileage_km') IS NOT NULL"
                                            " ORDER BY seq"));
  st.Bind(1, vehicle_id);
  std::vector<LoggedMileage> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Int(1)});
  }
  return out;
}

Result<std::vector<std::string>> CustomersWithBookingsAhead(Db& db, const std::string& store_id,
                                                            const LocalDate& today) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT DISTINCT customer_id FROM bookings WHERE store_id = ?"
                              " AND status IN ('requested', 'confirmed') AND slot_date >= ?"
                              " ORDER BY customer_id"));
  st.Bind(1, store_id).Bind(2, today.ToString());
  return st.TextColumn();
}

std::string ServiceKindOf(const std::string& service) {
  std::string lower = service;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (lower == "maintenance" || lower == "beauty_care") return lower;
  static const std::array<const char*, 7> kBeauty = {"beauty", "facial", "salon", "美容",
                                                     "护理",   "美甲",   "美发"};
  for (const char* word : kBeauty) {
    if (lower.find(word) != std::string::npos) return "beauty_care";
  }
  return "maintenance";
}

}  // namespace outpost::edge
