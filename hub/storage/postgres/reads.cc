// Head office's typed reads on PostgreSQL, twins of hub/storage/sqlite/reads.cc.
#include "hub/storage/postgres/parts.h"

namespace outpost::hub::storage::postgres {

Result<std::vector<ChangeEntry>> PgHubReads::Changes(const std::string& /*site*/,
                                                     int64_t /*from_seq*/, int64_t /*to_seq*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<ChangeEntry>> PgHubReads::ChangesMatching(const ChangeFilter& /*filter*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Status PgHubReads::ForEachEntity(const EntityVisitor& /*visit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Status PgHubReads::ForEachEntityOf(const std::string& /*site*/, const EntityVisitor& /*visit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<std::string>> PgHubReads::CalendarFields(const std::string& /*site*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<SignedHead>> PgHubReads::NewestHead() {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<HubLogEntry>> PgHubReads::HubLog(int64_t /*after*/, int64_t /*limit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<FoundEntity>> PgHubReads::BookingsNamed(const std::string& /*site*/,
                                                           const std::string& /*query*/,
                                                           int /*limit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<FoundEntity>> PgHubReads::CasesNamed(const std::string& /*query*/,
                                                        const std::string& /*site*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<FoundEntity>> PgHubReads::BookingsWithRef(const std::string& /*ref*/,
                                                             const std::string& /*site*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<FoundEntity>> PgHubReads::BookingsWithId(const std::string& /*query*/,
                                                            const std::string& /*site*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<std::string>> PgHubReads::CustomersWithId(const std::string& /*query*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<std::string>> PgHubReads::CustomersWithPhone(const std::string& /*e164*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<std::string>> PgHubReads::RecordsOfUnified(const std::string& /*unified_id*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<std::string>> PgHubReads::RecordsLinkedWith(const std::string& /*record*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<StoreOverview>> PgHubReads::StoreOverviews() {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<RequestRow>> PgHubReads::Requests(const std::string& /*site*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<BoardBooking>> PgHubReads::BookingsOn(const std::string& /*site*/,
                                                         const std::string& /*date*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<EntityFields>> PgHubReads::Cases(const std::string& /*site*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<EntityFields>> PgHubReads::HeadOfficeTasks() {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<EntityFields>> PgHubReads::TasksNamed(const std::string& /*query*/,
                                                         int /*limit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<int64_t> PgHubReads::CountChangesRecorded(const std::string& /*site*/,
                                                 const std::string& /*from*/,
                                                 const std::string& /*before*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<PaperImportRow>> PgHubReads::PaperImports(const std::string& /*site*/,
                                                             const std::string& /*since*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<CaseActivity> PgHubReads::CaseActivitySince(const std::string& /*site*/,
                                                   const std::string& /*since*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Status PgHubReads::ForEachMonthBooking(const std::string& /*site*/,
                                       const std::string& /*from_date*/,
                                       const std::string& /*to_date*/,
                                       const MonthBookingVisitor& /*visit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<ContactRow>> PgHubReads::StoreContactsMade(const std::string& /*from*/,
                                                              const std::string& /*to*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<ContactRow>> PgHubReads::HeadOfficeContactsMade(const std::string& /*from*/,
                                                                   const std::string& /*to*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<std::string>> PgHubReads::EntitiesPresent(
    const std::string& /*entity*/, const std::vector<std::string>& /*ids*/) {
  return Status::Refused("not yet on PostgreSQL");
}

Status PgHubReads::ForEachEntityOfKind(const std::string& /*entity*/,
                                       const EntityVisitor& /*visit*/) {
  return Status::Refused("not yet on PostgreSQL");
}

}  // namespace outpost::hub::storage::postgres
