// Skeleton: every method refuses until filled in.
// English only: a placeholder that no build past this skeleton carries.
#include "hub/storage/postgres/identity_store.h"

namespace outpost::hub::storage::postgres {

Status PgIdentityStore::InTransaction(const std::function<Status()>& body) {
  (void)body;
  return Status::Refused("not yet on PostgreSQL");
}

Status PgIdentityStore::IndexChanges() { return Status::Refused("not yet on PostgreSQL"); }

Result<ResolveMark> PgIdentityStore::CurrentMark() {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<ResolveMark>> PgIdentityStore::ResolvedMark() {
  return Status::Refused("not yet on PostgreSQL");
}

Result<LinkSnapshot> PgIdentityStore::LoadLinkInput() {
  return Status::Refused("not yet on PostgreSQL");
}

Result<bool> PgIdentityStore::WriteLinkPlan(const LinkPlan& plan, int64_t based_on,
                                            const ResolveMark& mark, const std::string& now,
                                            const SecretKeys* signer) {
  (void)plan;
  (void)based_on;
  (void)mark;
  (void)now;
  (void)signer;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<UnifiedRow>> PgIdentityStore::Unified(const std::string& unified_id) {
  (void)unified_id;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<std::string>> PgIdentityStore::LinkOf(const std::string& record_id) {
  (void)record_id;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<std::string>> PgIdentityStore::RecordsStartingWith(const std::string& prefix,
                                                                      int limit) {
  (void)prefix;
  (void)limit;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<std::string>> PgIdentityStore::MembersOf(const std::string& unified_id) {
  (void)unified_id;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<std::string>> PgIdentityStore::UnifiedWithKey(const std::string& key) {
  (void)key;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<std::string>> PgIdentityStore::UnifiedWithNamePart(const std::string& part,
                                                                      int limit) {
  (void)part;
  (void)limit;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<CustomerEntity>> PgIdentityStore::Customer(const std::string& record_id) {
  (void)record_id;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<ChildEntity>> PgIdentityStore::ChildrenOf(const std::string& record_id) {
  (void)record_id;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<IdentityRule>> PgIdentityStore::Rules() {
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<LinkCandidate>> PgIdentityStore::Candidates(
    const std::optional<std::string>& record_id) {
  (void)record_id;
  return Status::Refused("not yet on PostgreSQL");
}

Status PgIdentityStore::AddRule(const IdentityRule& rule, const SecretKeys* signer) {
  (void)rule;
  (void)signer;
  return Status::Refused("not yet on PostgreSQL");
}

Status PgIdentityStore::KeepApart(const std::string& record_a, const std::string& record_b,
                                  const std::string& staff, const std::string& note,
                                  const std::string& at, const SecretKeys* signer) {
  (void)record_a;
  (void)record_b;
  (void)staff;
  (void)note;
  (void)at;
  (void)signer;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<std::string>> PgIdentityStore::DirtyProfiles() {
  return Status::Refused("not yet on PostgreSQL");
}

Status PgIdentityStore::ClearDirtyProfiles() { return Status::Refused("not yet on PostgreSQL"); }

Status PgIdentityStore::MarkProfilesDirty(const std::vector<std::string>& unified_ids) {
  (void)unified_ids;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::map<std::string, std::string>> PgIdentityStore::ProfileDigests(
    const std::string& unified_id) {
  (void)unified_id;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::optional<int64_t>> PgIdentityStore::NextProfileSeq(const std::string& site) {
  (void)site;
  return Status::Refused("not yet on PostgreSQL");
}

Status PgIdentityStore::PutProfile(const std::string& site, const std::string& unified_id,
                                   int64_t seq, const std::optional<std::string>& digest,
                                   const std::optional<std::string>& profile) {
  (void)site;
  (void)unified_id;
  (void)seq;
  (void)digest;
  (void)profile;
  return Status::Refused("not yet on PostgreSQL");
}

Result<int64_t> PgIdentityStore::ProfileSeqGivenOut(const std::string& site) {
  (void)site;
  return Status::Refused("not yet on PostgreSQL");
}

Status PgIdentityStore::RenumberProfiles(const std::string& site, int64_t by) {
  (void)site;
  (void)by;
  return Status::Refused("not yet on PostgreSQL");
}

Status PgIdentityStore::NoteProfilesHeld(const std::string& site, int64_t held_seq) {
  (void)site;
  (void)held_seq;
  return Status::Refused("not yet on PostgreSQL");
}

Result<std::vector<ProfileVersion>> PgIdentityStore::ProfilesAfter(const std::string& site,
                                                                   int64_t held_seq, int limit) {
  (void)site;
  (void)held_seq;
  (void)limit;
  return Status::Refused("not yet on PostgreSQL");
}

Status PgIdentityStore::LogLookup(const std::string& at, const std::string& site,
                                  const std::string& staff, const std::string& phone_hash,
                                  int64_t found) {
  (void)at;
  (void)site;
  (void)staff;
  (void)phone_hash;
  (void)found;
  return Status::Refused("not yet on PostgreSQL");
}

}  // namespace outpost::hub::storage::postgres
