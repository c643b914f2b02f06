#include "hub/queries/customers.h"

#include "hub/storage/sqlite/identity_store.h"

namespace outpost::hub::queries {

Result<std::vector<UnifiedView>> FindCustomers(const HubReader& hub, const std::string& query) {
  storage::sqlite::SqliteIdentityStore store(hub.db());
  Identity identity(store, hub.clock(), hub.signer());
  ASSIGN_OR_RETURN(std::vector<std::string> ids, identity.Find(query));
  std::vector<UnifiedView> out;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(UnifiedView view, identity.Show(id));
    out.push_back(std::move(view));
  }
  return out;
}

Result<UnifiedView> ShowCustomer(const HubReader& hub, const std::string& query) {
  storage::sqlite::SqliteIdentityStore store(hub.db());
  return Identity(store, hub.clock(), hub.signer()).Show(query);
}

}  // namespace outpost::hub::queries
