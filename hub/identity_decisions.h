// A person's decision on a possible duplicate customer (a "D-" ref,
// Identity::CandidateByRef): one person (merge) or two (keep apart), kept
// with who and why, and the stores' profiles refreshed at once so every store
// learns it. The one path of `outpost-hub conflicts resolve D-... --merge|--apart`
// and of the web console's cases page. Thread-compatible, like Hub.
#pragma once

#include <string>

#include "hub/hub.h"
#include "hub/identity.h"
#include "sync/status.h"

namespace outpost::hub {

// The pair decided on.
struct DuplicateDecision {
  Evidence candidate;
  bool merged = false;
};

// InvalidInput naming "note" when there is no reason; NotFound for a ref that
// is not an open possible duplicate.
Result<DuplicateDecision> DecideDuplicate(Hub& hub, const std::string& ref, bool merge,
                                          const std::string& staff, const std::string& note);

// `outpost-hub customers merge A B` and the customer page's merge: A and B
// (unified, record or store ids, Identity::Merge) are one person from now on.
Status MergeCustomers(Hub& hub, const std::string& a, const std::string& b,
                      const std::string& staff, const std::string& note);
// `outpost-hub customers unmerge R` and the customer page's unmerge: record R
// stands alone from now on.
Status UnmergeRecord(Hub& hub, const std::string& record, const std::string& staff,
                     const std::string& note);

}  // namespace outpost::hub
