// The one shape of a service-due invitation message, whichever site plans or
// sends it (docs/OUTREACH.md, "Service due"): a store planning head office's
// "invite" request or its own list while cut off, and head office sending an
// invitation itself for a store that is offline. Both build it here under
// InvitationKey, so a car and due date is contacted once whichever site went
// first: the second finds the key taken.
//
// Values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "sync/civil_time.h"
#include "sync/merge.h"
#include "sync/model/message.h"
#include "sync/outreach/policy.h"

namespace outpost::outreach {

// What an invitation is about, whichever site computed it.
struct InvitationSpec {
  std::string customer_id;
  std::string customer_name;
  std::string vehicle_id;  // empty: a service without a vehicle
  std::string plate;       // empty: "爱车"
  std::string service;     // empty: "保养"
  LocalDate due;
  LocalDate invite_on;
  ContactChannel channel = ContactChannel::kCall;
  std::string reason;  // said on a call task, after the service and due date
};

// "<store>/invitation/<customer id>/<vehicle id or ->/<due YYYY-MM-DD>".
std::string InvitationKey(const std::string& store_id, const std::string& customer_id,
                          const std::string& vehicle_id, const LocalDate& due);

// The invitation message (step "invitation", purpose "marketing"): due at
// 09:00 on the invite date (now, if later), worth saying until 15 days after
// the due date; a call task says what to offer, a text carries the opt-out.
// The caller sets `reason` (who planned it) and writes it.
model::Message InvitationMessage(const std::string& store_id, const std::string& store_name,
                                 const TimeZone& zone, const ContactPolicy& policy,
                                 const InvitationSpec& spec, int64_t now_ms);

}  // namespace outpost::outreach
