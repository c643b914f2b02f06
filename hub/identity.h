// Identity resolution at the hub: the customer records each store created,
// linked into unified customers with stable ids.
//
// Evidence, from strongest: a member id or a VIN shared by two records links
// them; a phone or a plate shared links them when the names agree (or one is
// blank); a shared phone or plate under different names (a family phone, a
// car sold on, a typo) is only a candidate for a person to merge. A name alone
// never links. A person's decisions (merge, unmerge) are rules kept forever
// and applied on every run. Every store record keeps its own id and points to
// its unified customer; an unmerge moves pointers and loses nothing.
//
// Stable ids: a unified id is minted for one record (its founder) and stays
// with the cluster that holds that record; when two clusters join, the older
// id wins and the other redirects to it (merged_into). Resolution is a pure
// function of the records and the rules, so running it twice changes nothing.
// The linking decision is hub/identity_linking.h; what is read and written is
// behind hub/storage/identity_store.h. Thread-compatible: uses its store on
// the thread that owns it.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hub/storage/identity_store.h"
#include "sync/clock.h"
#include "sync/keys.h"
#include "sync/merge.h"
#include "sync/status.h"

namespace outpost::hub {

struct ResolveStats {
  bool ran = false;           // false: nothing had changed since the last run
  int64_t records = 0;        // store customer records
  int64_t unified = 0;        // unified customers
  int64_t across_stores = 0;  // unified customers with records at more than one store
  int64_t candidates = 0;     // possible matches left for a person
  int64_t links_changed = 0;  // records whose unified id was set or changed by this run
  double seconds = 0;
};

struct StoreRecord {
  std::string record_id;
  std::string site_id;
  std::string name;
  std::optional<std::string> member_id;
  std::vector<std::string> phones;
  bool do_not_disturb = false;
  bool contact_opt_in = false;  // the old all-channel field as this record holds it
  std::string created_at;
  // This record's own consent (its statements alone, merged as MergeConsent does).
  Consent consent;
};

// Why two records are one customer (or might be).
struct Evidence {
  std::string record_a;
  std::string record_b;
  std::string kind;   // "member id", "VIN", "phone", "plate", "merged by a person", "name"
  std::string value;  // the shared value, or the person and their note
  bool links = true;  // false: supporting only (a name), or a candidate not linked
};

struct UnifiedView {
  std::string unified_id;
  std::vector<StoreRecord> records;
  nlohmann::json vehicles = nlohmann::json::array();  // {id, site, plate, vin, mileage_km}
  // {id, site, ref, slot, status, channel, ..., amount_fen (fen, only when recorded)}
  nlohmann::json bookings = nlohmann::json::array();
  Consent consent;  // merged over all records: per channel the newest statement anywhere
  std::vector<Evidence> evidence;
  std::vector<Evidence> candidates;  // possible matches with records outside
};

class Identity {
 public:
  // `signer`: the hub's keys, to sign what is written to the record log
  // (hub/record_log.h); without it the entries wait for the next signed write.
  // `store` must outlive the Identity.
  Identity(storage::IdentityStore& store, const Clock& clock, const SecretKeys* signer = nullptr)
      : store_(store), clock_(clock), signer_(signer) {}

  // (done, total) of a resolution's steps: indexing the new changes, loading
  // the records, linking them, writing the links (kResolveSteps). For a
  // progress bar; may be empty.
  using ResolveProgress = std::function<void(int64_t, int64_t)>;
  static constexpr int64_t kResolveSteps = 4;

  // Links every record; runs only if customers, vehicles or rules changed
  // since the last run, unless `force`. Indexes new changes first. On a
  // standby (IdentityStore::ReadOnly) it runs only when forced, and then the
  // server refuses its writes: the links stand as the primary resolved them.
  Result<ResolveStats> Resolve(bool force, const ResolveProgress& progress = {});
  // Reads the changes applied since the last call: which customer each new
  // vehicle and booking belongs to (customer_children), the typed rows of the
  // bookings, customers and vehicles changed, and the unified customers whose
  // records, vehicles or bookings changed (profile_dirty).
  // Behind ingest, never in its transaction. Nothing on a standby (its
  // primary indexes; the standby replays the rows).
  Status IndexChanges();
  // Unified ids for a unified id, a record id, a phone, plate, member id, VIN
  // or part of a name.
  Result<std::vector<std::string>> Find(const std::string& query);
  // One unified customer (by unified id or any of its records' ids).
  Result<UnifiedView> Show(const std::string& query);
  // The view of a resolved unified id as it stands (no resolution run first);
  // without evidence: records, vehicles, bookings and consent only.
  Result<UnifiedView> ViewOf(const std::string& unified_id, bool with_evidence);
  // A unified id as it stands now: follows the redirects of merged ids.
  Result<std::string> LiveId(const std::string& unified_id);
  // A person's decisions. Both take record ids or unified ids.
  Status Merge(const std::string& a, const std::string& b, const std::string& staff,
               const std::string& note);
  Status Unmerge(const std::string& record, const std::string& staff, const std::string& note);
  // Possible matches not linked: (record_a, record_b, kind, value).
  Result<std::vector<Evidence>> Candidates();
  // A possible match's ref for people ("D-" and 10 hex), stable for the pair.
  static std::string CandidateRef(const Evidence& candidate);
  Result<Evidence> CandidateByRef(const std::string& ref);
  // A person looked at a possible match and decided they are two people: it is
  // never proposed again (kept, with who and why, like merges).
  Status KeepApart(const std::string& a, const std::string& b, const std::string& staff,
                   const std::string& note);

 private:
  Result<std::string> UnifiedIdOf(const std::string& query);
  Result<std::string> RecordOf(const std::string& query);

  storage::IdentityStore& store_;
  const Clock& clock_;
  const SecretKeys* signer_;
};

}  // namespace outpost::hub
