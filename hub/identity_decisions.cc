#include "hub/identity_decisions.h"

namespace outpost::hub {

Result<DuplicateDecision> DecideDuplicate(Hub& hub, const std::string& ref, bool merge,
                                          const std::string& staff, const std::string& note) {
  if (note.empty()) {
    if (merge) return Status::InvalidInput("note: say why they are one person").WithField("note");
    return Status::InvalidInput("note: say why they are two people").WithField("note");
  }
  Identity identity = hub.MakeIdentity();
  ASSIGN_OR_RETURN(Evidence candidate, identity.CandidateByRef(ref));
  RETURN_IF_ERROR(merge ? identity.Merge(candidate.record_a, candidate.record_b, staff, note)
                        : identity.KeepApart(candidate.record_a, candidate.record_b, staff, note));
  RETURN_IF_ERROR(hub.RefreshProfiles().status());  // the stores learn at once
  return DuplicateDecision{candidate, merge};
}

Status MergeCustomers(Hub& hub, const std::string& a, const std::string& b,
                      const std::string& staff, const std::string& note) {
  RETURN_IF_ERROR(hub.MakeIdentity().Merge(a, b, staff, note));
  return hub.RefreshProfiles().status();  // the stores learn at once
}

Status UnmergeRecord(Hub& hub, const std::string& record, const std::string& staff,
                     const std::string& note) {
  RETURN_IF_ERROR(hub.MakeIdentity().Unmerge(record, staff, note));
  return hub.RefreshProfiles().status();
}

}  // namespace outpost::hub
