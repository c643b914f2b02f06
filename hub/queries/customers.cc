#include "hub/queries/customers.h"

namespace outpost::hub::queries {

Result<std::vector<UnifiedView>> FindCustomers(const HubReader& hub, const std::string& query) {
  Identity identity = hub.MakeIdentity();
  ASSIGN_OR_RETURN(std::vector<std::string> ids, identity.Find(query));
  std::vector<UnifiedView> out;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(UnifiedView view, identity.Show(id));
    out.push_back(std::move(view));
  }
  return out;
}

Result<UnifiedView> ShowCustomer(const HubReader& hub, const std::string& query) {
  return hub.MakeIdentity().Show(query);
}

}  // namespace outpost::hub::queries
