// The linking step of identity resolution (hub/identity.h) as a pure function:
// given the store customer records, their evidence (member ids, phones, and
// the plates and VINs of their vehicles), a person's rules and the unified ids
// already given out, it decides which records form one unified customer,
// which pairs are only candidates for a person, and which unified id each
// cluster keeps. No storage, no I/O, no clock: the caller loads the inputs,
// calls LinkRecords and writes the differences it returns.
//
// The rules, from strongest:
//   - a member id or a VIN shared by two records links them;
//   - a phone or a plate shared links them when the names agree (SearchKey) or
//     one is blank; under different names each pair of name groups is a
//     candidate (a family phone, a car sold on, a typo); a group larger than
//     kMaxWeakGroup is a shared number (a fleet, a dealer's line) and says
//     nothing;
//   - a name alone never links;
//   - a person's 'merge' links two records whatever the evidence; a 'split'
//     (an unmerge) keeps a record out of every automatic link and undoes its
//     earlier merges; a later merge of that record lifts the split;
//   - a pair a person kept apart is never a candidate again.
// Stable ids: a unified id is minted for its cluster's smallest record id (its
// founder) and stays with the cluster holding that record; when clusters join
// the id created first wins and the others redirect to it (merged_into).
// Applying the result and running again changes nothing (idempotent).
//
// Thread-safe: a function of its arguments only.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace outpost::hub {

// One store's customer record, as linking reads it.
struct LinkRecord {
  std::string id;  // the store's customer id
  std::string site;
  std::string name;                      // as written; compared by SearchKey
  std::optional<std::string> member_id;  // normalized; empty counts as none
  std::vector<std::string> phones;       // E.164
};

// A vehicle: evidence for the record that owns it.
struct LinkVehicle {
  std::string id;  // the vehicle's id: vehicles are read in id order
  std::string customer_id;
  std::optional<std::string> plate;  // normalized; empty counts as none
  std::optional<std::string> vin;
};

// A person's decision, kept forever (identity_rules).
struct IdentityRule {
  int64_t id = 0;    // order of the decisions
  std::string kind;  // "merge" or "split"
  std::string record_a;
  std::optional<std::string> record_b;  // merge only
  std::string staff;
  std::string note;
  std::string at;
};

// A unified id given out.
struct UnifiedRow {
  std::string unified_id;
  std::string founder_record;  // the record it was minted for: keeps the id
  std::string created_at;
  std::optional<std::string> merged_into;  // absorbed by a merge: redirects there
};

// A possible match linking does not make: for a person to merge or keep apart.
struct LinkCandidate {
  std::string record_a;
  std::string record_b;
  std::string key_kind;   // "phone" or "plate"
  std::string key_value;  // the shared value
};

struct LinkInput {
  std::vector<LinkRecord> records;                           // any order: taken in id order
  std::vector<LinkVehicle> vehicles;                         // any order: taken in id order
  std::vector<IdentityRule> rules;                           // any order: taken in id order
  std::set<std::pair<std::string, std::string>> kept_apart;  // (smaller, larger) record ids
  std::vector<UnifiedRow> unified;                           // every unified id given out
  std::unordered_map<std::string, std::string> links;        // record id -> its unified id now
  std::string now;                                           // created_at of the ids this run mints
};

// What changes, and the derived tables rebuilt whole.
struct LinkPlan {
  std::vector<UnifiedRow> minted;
  // Unified ids whose redirect changes: (unified id, new merged_into).
  std::vector<std::pair<std::string, std::optional<std::string>>> redirects;
  // Records whose unified id is set or changes, cluster by cluster (clusters
  // in the order of their smallest record id, records in id order).
  struct Link {
    std::string record_id;
    std::string site_id;
    std::string unified_id;
  };
  std::vector<Link> links;
  // Unified ids whose members or redirect changed: their profiles are rebuilt.
  std::set<std::string> dirty;
  // Every candidate pair, once per shared key (a pair sharing a phone and a
  // plate is named twice; the first is the one kept).
  std::vector<LinkCandidate> candidates;
  // Every identifying key of every record ("phone:+86...", "member:VIP1",
  // "plate:...", "vin:..."), sorted by key then record id.
  std::vector<std::pair<std::string, std::string>> keys;
  int64_t unified = 0;        // unified customers
  int64_t across_stores = 0;  // of which with records at more than one store
};

// A phone or plate group this large is a shared number, not a person's.
inline constexpr size_t kMaxWeakGroup = 50;
// At most this many candidate pairs per shared key.
inline constexpr size_t kMaxCandidatesPerKey = 10;

LinkPlan LinkRecords(const LinkInput& input);

// The unified id minted for `founder` ('U' and 16 hex): a BLAKE2b of the
// founder's id, so a hub rebuilt from the same records mints the same ids.
std::string MintUnifiedId(const std::string& founder);

}  // namespace outpost::hub
