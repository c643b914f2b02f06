#include "edge/customers.h"

#include "sync/ids.h"

namespace outpost::edge {

Result<std::vector<std::string>> CustomerIdsWithPhone(Db& db, const std::string& e164) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT customer_id FROM customer_phones WHERE e164 = ?"));
  st.Bind(1, e164);
  return st.TextColumn();
}

Result<std::vector<std::string>> CustomerIdsMatching(Db& db, const std::string& id_or_prefix) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT id FROM customers WHERE " + IdMatchSql("id")));
  st.Bind(1, id_or_prefix);
  return st.TextColumn();
}

}  // namespace outpost::edge
