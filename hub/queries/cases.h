// Cases query: the conflict cases the stores opened, as each store last
// synced them (`outpost-hub conflicts list/show`, the recovery report), and
// the possible duplicate customers head office itself holds open ("D-" refs,
// hub/identity.h).
//
// Thread-compatible (hub/queries/reader.h). Reading the possible duplicates
// first runs identity resolution when records changed (it writes its links).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hub/identity.h"
#include "hub/queries/reader.h"
#include "sync/status.h"

namespace outpost::hub::queries {

// Whom the store's staff are to call about a case, and why.
struct CaseContact {
  std::string name;
  std::string phone;  // as the store wrote it (E.164): callers mask it where they must
  std::string booking_ref;
  std::string why;
};

struct HubCase {
  std::string id;
  std::string store_id;
  std::string ref;     // the store's case ref: unique within a store, not across stores
  std::string status;  // open, resolved
  std::string kind;    // over-capacity, ...
  std::string summary;
  std::vector<CaseContact> contacts;
  std::optional<std::string> resolution;  // set once resolved
  std::string resolved_by;
  // Every field as the store last synced it, parsed (not rebuilt), with "id"
  // and "store_id" added: what `conflicts list --json` prints whole.
  nlohmann::json fields;
};

// `store`'s cases (every store's when empty), newest opened first; only the
// open ones unless `include_resolved`.
Result<std::vector<HubCase>> ListCases(const HubReader& hub, const std::string& store,
                                       bool include_resolved);
// The cases named `ref_or_id` (a case ref, which several stores may share, or
// a case id), at `store` when given. NotFound when there is none.
Result<std::vector<HubCase>> FindCases(const HubReader& hub, const std::string& ref_or_id,
                                       const std::string& store);

// A possible duplicate: two customer records sharing a phone or plate under
// different names, left for a person to merge or keep apart.
struct PossibleDuplicate {
  std::string ref;  // "D-" and 10 hex, stable for the pair (Identity::CandidateRef)
  Evidence evidence;
};
Result<std::vector<PossibleDuplicate>> ListPossibleDuplicates(const HubReader& hub);

}  // namespace outpost::hub::queries
