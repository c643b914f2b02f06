#include "hub/queries/campaigns.h"

namespace outpost::hub::queries {

Result<CampaignSettings> ReadCampaignSettings(const HubReader& reader) {
  return hub::ReadCampaignSettings(reader.storage().campaigns());
}

Result<DueList> ServiceDueOn(const HubReader& reader, const LocalDate& date) {
  Identity identity = reader.MakeIdentity();
  return hub::ComputeServiceDue(reader.storage(), identity, reader.clock(), date);
}

Result<std::vector<storage::ReplyRow>> ListReplies(const HubReader& reader) {
  return reader.storage().campaigns().Replies();
}

}  // namespace outpost::hub::queries
