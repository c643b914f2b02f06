// The store's own service-due invitations (issue 16 item 4; docs/OUTREACH.md
// "When the store is cut off: its own invitations"): the component that reads
// what they are computed from, and the one shape of an invitation message.
//
// Head office plans invitations from the unified view and sends them as
// "invite" requests; a store cut off from it computes its own list from its
// own data: per vehicle (or per customer and service kind, for a service
// without a vehicle) the newest completed visit here, and the vehicle's
// odometer readings as its change log holds them. Both paths build the
// message with InvitationMessage under the key InvitationKey, so a car and
// due date is invited once whichever site planned it first.
//
// The SQL reads here run in the caller's transaction or alone; the types and
// the pure functions are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edge/customers.h"
#include "edge/profiles.h"
#include "sync/civil_time.h"
#include "sync/model/message.h"
#include "sync/outreach/invitation.h"
#include "sync/outreach/policy.h"
#include "sync/outreach/service_due.h"
#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

// The newest completed visit of one vehicle (or, without a vehicle, of one
// customer and service kind) at this store.
struct LastVisit {
  std::string customer_id;
  std::optional<std::string> vehicle_id;
  std::optional<std::string> plate;
  std::string booking_id;
  std::string service;       // the booking's text
  std::string service_kind;  // ServiceKindOf(service)
  std::string slot_date;     // YYYY-MM-DD, the store's wall clock
};

// Every completed visit of store `store_id`, the newest per vehicle (per
// customer and kind without one), by customer then vehicle.
Result<std::vector<LastVisit>> LastCompletedVisits(Db& db, const std::string& store_id);

// One odometer reading as logged: when (the change's business time, else when
// it was recorded; UTC text) and the km.
struct LoggedMileage {
  std::string at;
  int64_t km = 0;
};
// Every logged "vehicle" change of `vehicle_id` carrying mileage_km, oldest first.
Result<std::vector<LoggedMileage>> LoggedMileages(Db& db, const std::string& vehicle_id);

// Customers of store `store_id` with a booking still to come (requested or
// confirmed, on `today` or later), sorted.
Result<std::vector<std::string>> CustomersWithBookingsAhead(Db& db, const std::string& store_id,
                                                            const LocalDate& today);

// The rule's service kind of a booking's service text: a text naming a kind
// ("maintenance", "beauty_care") is that kind; beauty care in words
// ("beauty", "facial", "美容", "护理", "美甲", "美发") is "beauty_care";
// everything else (a dealership's 保养, oil change, tyres) is "maintenance".
std::string ServiceKindOf(const std::string& service);

// The person as the contact policy sees them: the store's newest statement
// per channel or the chain's (a held profile), whichever is newer, and
// do-not-disturb from either (defined in edge/store_outreach.cc).
outreach::ContactSubject SubjectFor(const Customer& c, const std::optional<HeldProfile>& held,
                                    std::vector<int64_t> marketing_ms);

// The invitation's shape and key are the chain's (sync/outreach/invitation.h).
using outreach::InvitationKey;
using outreach::InvitationMessage;
using outreach::InvitationSpec;

// ---- The types of Store::DueInvitations and PlanDueInvitations ----

// One invitation due on a day, as the store sees it.
struct DueInvitation {
  std::string customer_id;
  std::string customer_name;
  std::optional<std::string> vehicle_id;
  std::optional<std::string> plate;
  std::string service;                  // of the last visit
  std::string service_kind;             // the rule's
  std::string last_service;             // YYYY-MM-DD
  int readings = 0;                     // odometer readings the projection had
  std::optional<int64_t> projected_km;  // on the due date, when readings allowed it
  outreach::ServiceDue due;
  ContactChannel channel = ContactChannel::kCall;  // the rule's earliest contact
  std::string key;                                 // InvitationKey
  std::string message_id;                          // model::MessageIdFor(key)
  // "plan": to be planned; "planned": a message holds the key already (head
  // office's or this store's); "booked": a booking is still to come;
  // "dropped": the contact policy forbids it (reason).
  std::string state;
  std::string reason;
  std::optional<int64_t> send_at_ms;  // "plan": when the policy would let it go
};

struct InvitationRun {
  std::vector<DueInvitation> planned;  // state "planned" now, by this run
  std::vector<DueInvitation> skipped;  // state and reason say why
};

}  // namespace outpost::edge
