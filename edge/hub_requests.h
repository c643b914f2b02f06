// The store's answers to head office's requests (table hub_requests).
//
// One row per request seq the store has answered: booked, refused, applied or
// overruled, with the booking or case it concerns. The row is what makes a
// repeated request return its first answer instead of acting twice, and what
// the sync client reports as answered (appliedPushSeq). This file is the only
// place that reads or writes hub_requests; the store (booking, head office's
// cancel, move and case resolution), replay (the same rows from the logged
// changes) and rebuild (requests answered before the store was lost) all call
// it. Functions act on the caller's Db, inside the caller's transaction when
// they write; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "edge/change_writer.h"
#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

struct RequestAnswerRow {
  int64_t seq = 0;
  std::string received_at;                // system time the store answered (UTC text)
  std::string kind = "book";              // "book", "cancel", "reschedule", "resolve-case"
  std::string outcome;                    // "booked", "refused", "applied", "overruled"
  std::optional<std::string> booking_id;  // booked, or the booking cancelled / moved to
  std::optional<std::string> reason;      // why refused or overruled (or "already booked")
  std::optional<std::string> case_ref;    // the case opened (overruled) or closed
};

// Writes the answer's row (a repeat: see OnExisting).
Status WriteRequestAnswer(Db& db, const RequestAnswerRow& answer, OnExisting on_existing);

// The answer already given to request `seq`, if any.
Result<std::optional<RequestAnswerRow>> FindRequestAnswer(Db& db, int64_t seq);

// The newest request answered (booked or refused); 0 when none.
Result<int64_t> LastRequestAnswered(Db& db);

// How many head-office requests this store refused (the desk's status).
Result<int64_t> CountRefusedRequests(Db& db);

// Rebuild: requests 1..`up_to` the lost store had answered but whose outcome
// the change log does not carry (a refusal changes nothing) are recorded as
// refused for that reason, so none is applied twice. `at`: now, UTC text.
Status MarkRequestsAnsweredBeforeRebuild(Db& db, int64_t up_to, const std::string& at);

}  // namespace outpost::edge
