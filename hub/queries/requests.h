// Requests query: the call-centre requests head office queued for a store,
// oldest first, each with what the store made of it as its log says (booked,
// already booked, applied, overruled, refused with its reason, or waiting).
// Read by `outpost-hub requests` and the recovery report.
//
// Thread-compatible (hub/queries/reader.h). Read-only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hub/queries/reader.h"
#include "sync/status.h"

namespace outpost::hub::queries {

// What a store made of one call-centre request.
struct RequestOutcome {
  int64_t seq = 0;
  std::string kind;          // book, cancel, reschedule, resolve-case
  std::string requested_at;  // when head office queued it
  nlohmann::json request;    // as queued (the request's own fields, parsed, never rebuilt)
  // waiting, booked, already-booked, applied, overruled, refused, or answered
  // (refused before stores logged their reasons).
  std::string state;
  std::string outcome;  // in words, with the booking ref, case or reason
};

// Every request queued for `site`, oldest first (none for an unknown store).
Result<std::vector<RequestOutcome>> ListRequests(const HubReader& hub, const std::string& site);

}  // namespace outpost::hub::queries
