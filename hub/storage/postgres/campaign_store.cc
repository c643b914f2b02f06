// Skeleton: every method refuses until filled in.
#include "hub/storage/postgres/parts.h"

namespace outpost::hub::storage::postgres {

Result<std::optional<HubSetting>> PgCampaignStore::Setting(const std::string& name) {
  (void)name;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<QueuedAt>> PgCampaignStore::PutSetting(
    const std::string& name, const HubSetting& setting,
    const std::vector<RequestToQueue>& requests) {
  (void)name;
  (void)setting;
  (void)requests;
  return Status::Refused("not yet on PostgreSQL");
}

Status PgCampaignStore::ForEachCompletedVisit(
    const std::function<Status(const CompletedVisit&)>& visit) {
  (void)visit;
  return Status::Refused("not yet on PostgreSQL");
}

Status PgCampaignStore::ForEachMileageReading(
    const std::function<Status(const MileageRow&)>& visit) {
  (void)visit;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<MileageRow>> PgCampaignStore::MileageReadingsOf(const std::string& vehicle_id) {
  (void)vehicle_id;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<MarketingContactRow>> PgCampaignStore::MarketingContactsSince(
    const std::string& since) {
  (void)since;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<InvitationRow>> PgCampaignStore::Invitations() {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<int64_t>> PgCampaignStore::AssignInvitation(const InvitationRow& row,
                                                                 const std::string& request_json) {
  (void)row;
  (void)request_json;
  return Status::Refused("not yet on PostgreSQL");
}

Result<bool> PgCampaignStore::PlanHeadOfficeMessage(const InvitationRow& row,
                                                    const HubMessageRow& message) {
  (void)row;
  (void)message;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<HubMessageRow>> PgCampaignStore::HeadOfficeMessagesDue(const std::string& now) {
  (void)now;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<HubMessageRow>> PgCampaignStore::HeadOfficeMessages() {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<HubMessageRow>> PgCampaignStore::HeadOfficeMessage(const std::string& id) {
  (void)id;
  return Status::Refused("not yet on PostgreSQL");
}

Status PgCampaignStore::UpdateHeadOfficeMessage(const HubMessageRow& message,
                                                const std::optional<RequestToQueue>& tell_store,
                                                const std::string& outcome, const std::string& at) {
  (void)message;
  (void)tell_store;
  (void)outcome;
  (void)at;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<int64_t>> PgCampaignStore::RecordHeadOfficeCall(
    const InvitationRow& row, const std::string& request_json) {
  (void)row;
  (void)request_json;
  return Status::Refused("not yet on PostgreSQL");
}

Result<bool> PgCampaignStore::RecordReply(ReplyRow& reply,
                                          const std::vector<RequestToQueue>& requests) {
  (void)reply;
  (void)requests;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<ReplyRow>> PgCampaignStore::Replies() {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<PhoneHolder>> PgCampaignStore::PhoneHolders(const std::string& e164) {
  (void)e164;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<std::string>> PgCampaignStore::MessageFields(const std::string& message_id) {
  (void)message_id;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<KnownBooking>> PgCampaignStore::Booking(const std::string& booking_id) {
  (void)booking_id;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<KnownBooking>> PgCampaignStore::UpcomingBookings(
    const std::vector<std::string>& customer_ids, const std::string& from_date) {
  (void)customer_ids;
  (void)from_date;
  return Status::Refused("not yet on PostgreSQL");
}

}  // namespace outpost::hub::storage::postgres
