#include "hub/queries/audit_subjects.h"

#include <algorithm>
#include <set>

namespace outpost::hub::queries {

Result<std::vector<BookingMatch>> FindBookings(const HubReader& hub, const std::string& query,
                                               const std::string& store) {
  // A desk ref is YYMMDD-N; anything else is (part of) an id.
  const bool is_ref = query.size() >= 8 && query[6] == '-';
  ASSIGN_OR_RETURN(std::vector<storage::FoundEntity> rows,
                   is_ref ? hub.reads().BookingsWithRef(query, store)
                          : hub.reads().BookingsWithId(query, store));
  std::vector<BookingMatch> found;
  found.reserve(rows.size());
  for (auto& row : rows) found.push_back({std::move(row.entity_id), std::move(row.owner_site)});
  return found;
}

Result<std::vector<std::string>> CustomerRecords(const HubReader& hub, const std::string& query) {
  storage::HubReads& reads = hub.reads();
  std::set<std::string> records;
  auto collect = [](std::set<std::string>& into, Result<std::vector<std::string>> column) {
    if (!column.ok()) return column.status();
    into.insert(column->begin(), column->end());
    return Status::Ok();
  };
  const bool phone =
      !query.empty() && (query[0] == '+' || std::all_of(query.begin(), query.end(), ::isdigit));
  if (!query.empty() && query[0] == 'U') {
    RETURN_IF_ERROR(collect(records, reads.RecordsOfUnified(query)));
  } else if (phone && query.size() >= 8) {
    const std::string e164 = query[0] == '+' ? query : "+86" + query;
    RETURN_IF_ERROR(collect(records, reads.CustomersWithPhone(e164)));
  } else {
    RETURN_IF_ERROR(collect(records, reads.CustomersWithId(query)));
  }
  std::set<std::string> linked;  // and every record linked with those
  for (const auto& r : records) RETURN_IF_ERROR(collect(linked, reads.RecordsLinkedWith(r)));
  records.insert(linked.begin(), linked.end());
  return std::vector<std::string>(records.begin(), records.end());
}

}  // namespace outpost::hub::queries
