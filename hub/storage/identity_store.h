// IdentityStore: where identity resolution (hub/identity.h) and the unified
// profiles for the stores (hub/profiles.h) keep their state, behind an
// interface so that another backend (PostgreSQL) can hold it. The decisions
// are made above it (hub/identity_linking.h links, hub/identity.cc builds the
// unified view, hub/profiles.cc the profiles); a store only reads and writes.
//
// What it holds: the unified ids given out and their redirects, which unified
// customer each store record belongs to, a person's rules (merge, unmerge,
// keep apart), the candidates and the key index rebuilt by each resolution,
// which customer record each vehicle and booking belongs to, the typed rows
// of bookings, customers and vehicles kept behind ingest, the profile versions
// each store is sent, and the walk-in look-up log. It reads the hub's merged
// entities. Writes that decide identity (links, rules, dismissals) are noted
// in the hub's record log in their own transaction (hub/record_log.h), signed
// when a signer is given.
//
// Thread-compatible: one per hub connection, used on the thread that owns it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hub/identity_linking.h"
#include "sync/keys.h"
#include "sync/status.h"

namespace outpost::hub::storage {

// How far resolution has read: a mark of the customer and vehicle entities
// (it moves whenever one is written) and the number of a person's rules.
// The input of resolution and the generation of the links in it: how many
// plans had been written when it was read.
struct LinkSnapshot {
  LinkInput input;
  int64_t generation = 0;
};

struct ResolveMark {
  int64_t changes = 0;
  int64_t rules = 0;
  bool operator==(const ResolveMark&) const = default;
};

// A store customer record's merged state as the hub holds it.
struct CustomerEntity {
  std::string site;        // the store that created it
  std::string fields;      // JSON object
  std::string field_hlcs;  // JSON object: field -> hlc of its current value
  int64_t base_hlc = 0;    // the hlc of its creation
};

// A vehicle or booking filed under a customer record.
struct ChildEntity {
  std::string entity;  // "vehicle" or "booking"
  std::string entity_id;
  std::string site;
  std::string fields;  // JSON object
};

// A profile version sent to a store.
struct ProfileVersion {
  int64_t seq = 0;
  std::string unified_id;
  std::optional<std::string> profile;  // JSON; nullopt: withdrawn
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;

  // Runs `body` in one write transaction: all of its writes or none. The
  // operations below that write on their own must not be called inside it.
  virtual Status InTransaction(const std::function<Status()>& body) = 0;

  // True when the database takes no writes: a PostgreSQL standby. Indexing
  // and resolution are then its primary's; reads show the primary's last.
  virtual Result<bool> ReadOnly() { return false; }

  // --- Behind ingest (never in its transaction) ---
  // Reads the changes applied since the last call: files each new vehicle and
  // booking under its customer record (a change that names none, a status
  // update, keeps the one its entity was filed under), refreshes the typed
  // rows of the bookings, customers and vehicles changed, and marks dirty the
  // profiles of the unified customers whose records, vehicles or bookings
  // changed (a record not linked yet is marked when resolution links it).
  virtual Status IndexChanges() = 0;

  // --- Resolution ---
  virtual Result<ResolveMark> CurrentMark() = 0;
  // The mark of the last resolution written; nullopt before the first.
  virtual Result<std::optional<ResolveMark>> ResolvedMark() = 0;
  // Every record, vehicle, rule, dismissal, unified id and link (`now` unset),
  // read in one snapshot, with the generation of the links it holds.
  virtual Result<LinkSnapshot> LoadLinkInput() = 0;
  // Writes `plan`, computed from the snapshot of `based_on` generation, in
  // one transaction: ids minted, redirects, links (each noted in the record
  // log), profiles marked dirty, candidates and keys replaced, and `mark` as
  // the last resolution, at `now`. Writes nothing and returns false when
  // another plan was written since that snapshot (its links are stale).
  virtual Result<bool> WriteLinkPlan(const LinkPlan& plan, int64_t based_on,
                                     const ResolveMark& mark, const std::string& now,
                                     const SecretKeys* signer) = 0;

  // --- Reading the links ---
  // A unified id's row; nullopt: never given out.
  virtual Result<std::optional<UnifiedRow>> Unified(const std::string& unified_id) = 0;
  // The unified id of a store record; nullopt: not linked yet.
  virtual Result<std::optional<std::string>> LinkOf(const std::string& record_id) = 0;
  // Store customer record ids starting with `prefix`, in order, at most `limit`.
  virtual Result<std::vector<std::string>> RecordsStartingWith(const std::string& prefix,
                                                               int limit) = 0;
  // The records linked to `unified_id`, in id order.
  virtual Result<std::vector<std::string>> MembersOf(const std::string& unified_id) = 0;
  // The unified ids of the records holding `key` ("phone:+86..."), in record
  // id order, once per record.
  virtual Result<std::vector<std::string>> UnifiedWithKey(const std::string& key) = 0;
  // Distinct unified ids of records whose name starts with `part`, at most
  // `limit` (an index range); only when no name starts with it, those whose
  // name contains it (a scan: staff type a surname or a whole name far more
  // often than the middle of one).
  virtual Result<std::vector<std::string>> UnifiedWithNamePart(const std::string& part,
                                                               int limit) = 0;
  virtual Result<std::optional<CustomerEntity>> Customer(const std::string& record_id) = 0;
  // The vehicles and bookings filed under a customer record.
  virtual Result<std::vector<ChildEntity>> ChildrenOf(const std::string& record_id) = 0;
  // A person's rules, oldest first.
  virtual Result<std::vector<IdentityRule>> Rules() = 0;
  // Open candidates naming `record_id` (nullopt: all), by (record_a, record_b).
  virtual Result<std::vector<LinkCandidate>> Candidates(
      const std::optional<std::string>& record_id) = 0;

  // --- A person's decisions (each in its own transaction, record-logged) ---
  // Adds a rule (its id is given by the store).
  virtual Status AddRule(const IdentityRule& rule, const SecretKeys* signer) = 0;
  // Keeps the pair apart (smaller id first); a pair kept apart already stays
  // as it was.
  virtual Status KeepApart(const std::string& record_a, const std::string& record_b,
                           const std::string& staff, const std::string& note, const std::string& at,
                           const SecretKeys* signer) = 0;

  // --- Profiles for the stores ---
  // The unified customers whose profiles must be rebuilt, and forgetting them.
  virtual Result<std::vector<std::string>> DirtyProfiles() = 0;
  virtual Status ClearDirtyProfiles() = 0;
  // Marks these unified customers' profiles for rebuilding (what they carry
  // changed without a change of theirs: segments as days pass, new rules).
  virtual Status MarkProfilesDirty(const std::vector<std::string>& unified_ids) = 0;
  // site -> digest of the profile of `unified_id` each store holds (not withdrawn).
  virtual Result<std::map<std::string, std::string>> ProfileDigests(
      const std::string& unified_id) = 0;
  // Gives out `site`'s next profile seq; nullopt: no such store.
  virtual Result<std::optional<int64_t>> NextProfileSeq(const std::string& site) = 0;
  // Keeps `site`'s version `seq` of `unified_id`'s profile (digest and
  // profile nullopt: withdrawn), replacing the one before.
  virtual Status PutProfile(const std::string& site, const std::string& unified_id, int64_t seq,
                            const std::optional<std::string>& digest,
                            const std::optional<std::string>& profile) = 0;
  // The newest profile seq given out to `site` (0: none, or no such store).
  virtual Result<int64_t> ProfileSeqGivenOut(const std::string& site) = 0;
  // Moves every profile seq of `site`, and the seq given out, up by `by`
  // (both or neither).
  virtual Status RenumberProfiles(const std::string& site, int64_t by) = 0;
  // Records that `site` holds its profiles up to `held_seq` (at most the seq given out).
  virtual Status NoteProfilesHeld(const std::string& site, int64_t held_seq) = 0;
  // `site`'s versions after `held_seq`, oldest first, at most `limit`.
  virtual Result<std::vector<ProfileVersion>> ProfilesAfter(const std::string& site,
                                                            int64_t held_seq, int limit) = 0;
  // A walk-in look-up: who asked, when, the phone's keyed hash, how many found.
  virtual Status LogLookup(const std::string& at, const std::string& site, const std::string& staff,
                           const std::string& phone_hash, int64_t found) = 0;
};

}  // namespace outpost::hub::storage
