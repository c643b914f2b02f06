// Head office's outreach operations (docs/OUTREACH.md, "At head office"):
// setting the chain's holiday calendar and service rules, assigning the
// service-due invitations to stores, and acting on a customer's reply that
// came in through the relay. Each writes through the hub's storage
// (hub/storage/campaign_store.h) in one transaction with the requests it
// queues to stores (sync/model/request.h kinds "holidays", "invite",
// "opt-out", "cancel"): all of it or nothing.
//
// Thread-compatible, like Hub: on the thread that owns it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hub/service_due.h"
#include "hub/storage/campaign_store.h"
#include "sync/civil_time.h"
#include "sync/delivery/inbound.h"
#include "sync/status.h"

namespace outpost::hub {

class Hub;

// Validates `text` (sync/outreach/holidays.h ParseHolidayCalendarText: a bad
// date is refused naming it, nothing written), keeps it as the chain's
// calendar and queues a "holidays" request with it to every allow-listed
// store that was not sent this calendar last: where each landed. Set again,
// the same calendar goes only to stores allowed since (none: nothing queued).
Result<std::vector<storage::QueuedAt>> SetHolidayCalendar(Hub& hub, const std::string& text,
                                                          const std::string& staff);
// The chain's calendar, as set, to every allow-listed store not sent it last
// (a store allowed since it was set): where each landed; none when the
// calendar was never set (stores ship with the default).
Result<std::vector<storage::QueuedAt>> SendHolidayCalendarToNewStores(Hub& hub);
// Validates (sync/outreach/policy.h ParseContactPolicy: a bad value refused
// naming it, nothing written) and keeps head office's own contact policy: the
// one its invitations and its own sender are decided by. Stores keep theirs
// (`outpost-edge outreach set`).
Status SetContactPolicy(Hub& hub, const std::string& text, const std::string& staff);
// Validates (sync/outreach/service_due.h ParseServiceRules) and keeps head
// office's service rules; they stay at head office (stores are sent the
// invitations, not the rules).
Status SetServiceRules(Hub& hub, const std::string& text, const std::string& staff);

struct AssignReport {
  std::vector<Invitation> queued;  // assigned_site and assigned_seq set
  int64_t already_assigned = 0;    // queued by an earlier run
  int64_t kept_for_calls = 0;      // allowed, but the store is offline
  int64_t not_allowed = 0;         // the policy drops it, or already booked
};
// Queues each invitation due on `date` that the policy allows, to the store
// the person visited last, as an "invite" request: once per person, vehicle
// and due date (a second run queues nothing new). Invitations whose store is
// offline are kept for head office's call list instead.
Result<AssignReport> AssignInvitations(Hub& hub, const LocalDate& date, const std::string& staff);

struct ReplyResult {
  bool duplicate = false;  // recorded before (by gateway_message_id): nothing done again
  storage::ReplyRow row;   // as recorded
};
// Records a customer's reply once and acts on it: "TD" queues an "opt-out"
// (the reply's channel) to every store holding a record with that phone; "1"
// queues a "cancel" of the booking the message answered (in_reply_to: its
// idempotency key or id), or when it names none the phone's next booking;
// anything else, and a "1" or "TD" head office cannot place, is kept for
// staff with the reason.
Result<ReplyResult> HandleInboundReply(Hub& hub, const delivery::InboundReply& reply);

}  // namespace outpost::hub
