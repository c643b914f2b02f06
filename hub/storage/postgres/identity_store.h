// The PostgreSQL IdentityStore (hub/storage/identity_store.h): the identity,
// profile and typed-entity tables of schema/migrations/hub_pg/, on the hub's
// connection.
//
// Thread-compatible: borrows the connection (it must outlive the store) and is
// used on the thread that owns it.
#pragma once

#include "hub/storage/identity_store.h"
#include "hub/storage/postgres/pg.h"

namespace outpost::hub::storage::postgres {

class PgIdentityStore final : public IdentityStore {
 public:
  explicit PgIdentityStore(PgConnection& db) : db_(db) {}

  Status InTransaction(const std::function<Status()>& body) override;
  Result<bool> ReadOnly() override;
  Status IndexChanges() override;

  Result<ResolveMark> CurrentMark() override;
  Result<std::optional<ResolveMark>> ResolvedMark() override;
  Result<LinkSnapshot> LoadLinkInput() override;
  Result<bool> WriteLinkPlan(const LinkPlan& plan, int64_t based_on, const ResolveMark& mark,
                             const std::string& now, const SecretKeys* signer) override;

  Result<std::optional<UnifiedRow>> Unified(const std::string& unified_id) override;
  Result<std::optional<std::string>> LinkOf(const std::string& record_id) override;
  Result<std::vector<std::string>> RecordsStartingWith(const std::string& prefix,
                                                       int limit) override;
  Result<std::vector<std::string>> MembersOf(const std::string& unified_id) override;
  Result<std::vector<std::string>> UnifiedWithKey(const std::string& key) override;
  Result<std::vector<std::string>> UnifiedWithNamePart(const std::string& part, int limit) override;
  Result<std::optional<CustomerEntity>> Customer(const std::string& record_id) override;
  Result<std::vector<ChildEntity>> ChildrenOf(const std::string& record_id) override;
  Result<std::vector<IdentityRule>> Rules() override;
  Result<std::vector<LinkCandidate>> Candidates(
      const std::optional<std::string>& record_id) override;

  Status AddRule(const IdentityRule& rule, const SecretKeys* signer) override;
  Status KeepApart(const std::string& record_a, const std::string& record_b,
                   const std::string& staff, const std::string& note, const std::string& at,
                   const SecretKeys* signer) override;

  Result<std::vector<std::string>> DirtyProfiles() override;
  Status ClearDirtyProfiles() override;
  Status MarkProfilesDirty(const std::vector<std::string>& unified_ids) override;
  Result<std::map<std::string, std::string>> ProfileDigests(const std::string& unified_id) override;
  Result<std::optional<int64_t>> NextProfileSeq(const std::string& site) override;
  Status PutProfile(const std::string& site, const std::string& unified_id, int64_t seq,
                    const std::optional<std::string>& digest,
                    const std::optional<std::string>& profile) override;
  Result<int64_t> ProfileSeqGivenOut(const std::string& site) override;
  Status RenumberProfiles(const std::string& site, int64_t by) override;
  Status NoteProfilesHeld(const std::string& site, int64_t held_seq) override;
  Result<std::vector<ProfileVersion>> ProfilesAfter(const std::string& site, int64_t held_seq,
                                                    int limit) override;
  Status LogLookup(const std::string& at, const std::string& site, const std::string& staff,
                   const std::string& phone_hash, int64_t found) override;

 private:
  Result<int64_t> Generation();  // plans written so far (0 before the first)
  // Inserts a person's decision with `insert` (bound by the caller) and notes
  // it in the record log, in one transaction.
  Status RecordDecision(PgStatement& insert, const std::string& table,
                        const std::vector<std::string>& key, const SecretKeys* signer);

  PgConnection& db_;
};

}  // namespace outpost::hub::storage::postgres
