// Head office's own contacts (docs/OUTREACH.md, "Head office's own
// contacts"): when the store an invitation belongs to is offline (the
// invitations HeadOfficeCalls lists), head office makes the contact itself,
// by a message through the relay or by a call whose outcome staff record.
// Either way the invitation is recorded once (handled by head office) and the
// store is told by an "invite" request carrying the outcome, so it plans none
// of its own for that car and due date and counts the contact against its cap.
//
// Exactly once across kills, as at the store (edge/notify.h): an attempt is
// committed as "sending" before the relay is asked; the relay delivers an
// idempotency key once, and the key is the one the store would use for this
// invitation (sync/outreach/invitation.h). The contact policy is asked again
// just before each attempt, with what head office knows then (an opt-out
// synced from any store, a booking made since, the chain's contacts).
//
// Thread-compatible: on the thread that owns the Hub.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hub/service_due.h"
#include "hub/storage/campaign_store.h"
#include "sync/civil_time.h"
#include "sync/delivery/retry.h"
#include "sync/delivery/webhook.h"
#include "sync/model/message.h"
#include "sync/status.h"

namespace outpost::hub {

class Hub;

// Plans head office's own message for each invitation due on `date` on its
// call list whose first contact is a message (SMS or WeChat): once per
// invitation. Those whose contact is a call stay on `campaigns calls`.
Result<std::vector<Invitation>> PlanHeadOfficeMessages(Hub& hub, const LocalDate& date,
                                                       const std::string& staff);

// What one pass of the sender did, for the log line and for tests.
struct HeadOfficeSendPass {
  int planned = 0;   // messages planned this pass
  int sent = 0;      // accepted by the relay (a repeat of an earlier attempt included)
  int retrying = 0;  // failed, to be tried again later
  int dead = 0;      // given up with the reason
  int held = 0;      // delayed, dropped or cancelled by the check before sending
};

class HeadOfficeSender {
 public:
  // `hub` and `client` outlive the sender. `staff`: who plans, in the records.
  HeadOfficeSender(Hub& hub, delivery::WebhookClient& client, delivery::RetryPolicy retry,
                   std::string staff)
      : hub_(hub), client_(client), retry_(retry), staff_(std::move(staff)) {}

  // One pass: plans the day's messages (head office's day, Asia/Shanghai) on
  // the first pass and every 10 minutes after, then sends each due message once.
  Result<HeadOfficeSendPass> RunOnce();

 private:
  struct Ticket {
    storage::HubMessageRow row;
    model::Message message;
    std::string to;
  };
  // The check before an attempt: a ticket to send, or nothing (held: the
  // message was delayed, dropped or cancelled, and recorded so).
  Result<std::optional<Ticket>> Begin(const storage::HubMessageRow& row);
  Status Finish(const Ticket& ticket, const delivery::DeliveryResult& result,
                HeadOfficeSendPass& pass);

  Hub& hub_;
  delivery::WebhookClient& client_;
  delivery::RetryPolicy retry_;
  std::string staff_;
  std::optional<int64_t> planned_at_ms_;
};

// Every one of head office's messages with its state, by next moment.
Result<std::vector<model::Message>> HeadOfficeMessages(Hub& hub);

// Records head office's call on invitation `invitation_key` of `date`'s list
// ("booked", "declined" or "unreachable", and a note) and tells its store.
// Refused naming the field: no staff, an unknown outcome, a key not due on
// that date, one handled already (by whom), one the policy does not allow
// (why), one whose store is online (`campaigns assign` gives it to the store).
Result<storage::InvitationRow> RecordHeadOfficeCall(Hub& hub, const LocalDate& date,
                                                    const std::string& invitation_key,
                                                    const std::string& outcome,
                                                    const std::string& note,
                                                    const std::string& staff);

}  // namespace outpost::hub
