#include "hub/queries/audit_subjects.h"

#include <algorithm>
#include <set>

#include "sync/ids.h"

namespace outpost::hub::queries {
namespace {

// Adds column 0 of every row of `sql`, bound to `arg`, to `into`.
Status Collect(Db& db, const std::string& sql, const std::string& arg,
               std::set<std::string>& into) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
  st.Bind(1, arg);
  ASSIGN_OR_RETURN(std::vector<std::string> column, st.TextColumn());
  into.insert(column.begin(), column.end());
  return Status::Ok();
}

}  // namespace

Result<std::vector<BookingMatch>> FindBookings(const HubReader& hub, const std::string& query,
                                               const std::string& store) {
  // A desk ref is YYMMDD-N; anything else is (part of) an id.
  const bool is_ref = query.size() >= 8 && query[6] == '-';
  std::string sql = is_ref ? "SELECT entity_id, owner_site FROM entities WHERE entity = 'booking'"
                             " AND json_extract(fields, '$.ref') = ?1"
                           : "SELECT entity_id, owner_site FROM entities WHERE entity = 'booking'"
                             " AND " +
                                 IdMatchSql("entity_id");
  if (!store.empty()) sql += " AND owner_site = ?2";
  ASSIGN_OR_RETURN(Statement st, hub.db().Prepare(sql));
  st.Bind(1, query);
  if (!store.empty()) st.Bind(2, store);
  std::vector<BookingMatch> found;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    found.push_back({st.Text(0), st.Text(1)});
  }
  return found;
}

Result<std::vector<std::string>> CustomerRecords(const HubReader& hub, const std::string& query) {
  Db& db = hub.db();
  std::set<std::string> records;
  const bool phone =
      !query.empty() && (query[0] == '+' || std::all_of(query.begin(), query.end(), ::isdigit));
  if (!query.empty() && query[0] == 'U') {
    RETURN_IF_ERROR(
        Collect(db, "SELECT record_id FROM identity_links WHERE unified_id = ?", query, records));
  } else if (phone && query.size() >= 8) {
    const std::string e164 = query[0] == '+' ? query : "+86" + query;
    RETURN_IF_ERROR(Collect(db,
                            "SELECT entity_id FROM entities WHERE entity = 'customer' AND"
                            " instr(fields, '\"' || ? || '\"') > 0",
                            e164, records));
  } else {
    RETURN_IF_ERROR(Collect(
        db,
        "SELECT entity_id FROM entities WHERE entity = 'customer' AND " + IdMatchSql("entity_id"),
        query, records));
  }
  std::set<std::string> linked;  // and every record linked with those
  for (const auto& r : records) {
    RETURN_IF_ERROR(Collect(db,
                            "SELECT l2.record_id FROM identity_links l1 JOIN identity_links l2"
                            " USING (unified_id) WHERE l1.record_id = ?",
                            r, linked));
  }
  records.insert(linked.begin(), linked.end());
  return std::vector<std::string>(records.begin(), records.end());
}

}  // namespace outpost::hub::queries
