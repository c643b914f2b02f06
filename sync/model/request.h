// A head-office request to one store, and its one codec: head office writes it
// (hub/hub.cc, into `hub_outbox`), it travels on the hub's Acks as
// `requestJson`, and the store reads it (edge/sync_client.cc). Kinds: "book"
// (a call-centre booking), "cancel" and "reschedule" (one of the store's
// bookings), "resolve-case" (a conflict case head office handled), and for
// outreach (docs/OUTREACH.md, "At head office"): "invite" (a service-due
// invitation head office assigned to this store), "opt-out" (a customer
// replied TD: no more messages on that channel to that phone) and "holidays"
// (the chain's holiday calendar changed: the whole calendar, as JSON text),
// and "task-attempt" (head office's call on one of the store's follow-up
// tasks, docs/FOLLOWUP.md "Head office and the store on one task"). A
// newer head office may send a kind this store does not know: it reads (keys
// it does not know are ignored), so the store can refuse it as such instead of
// blocking the requests after it.
//
// The JSON keys are the outbox's and the wire's format: each kind writes its
// own fields always and the optional ones (name, plate, service, notes,
// staff, requested_at) only when not empty. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sync/model/task.h"
#include "sync/status.h"

namespace outpost::model {

struct HeadOfficeRequest {
  std::string kind = "book";
  // book: who, and what they want; phone is E.164 once queued.
  std::string phone, name, plate, service, notes;
  // book, reschedule: the slot promised ("YYYY-MM-DD", "HH:MM").
  std::string date, slot;
  // cancel, reschedule: the booking as head office knows it.
  std::string booking_id, booking_ref;
  // resolve-case: the case.
  std::string case_id, case_ref;
  // cancel, reschedule: why (may be empty); resolve-case: what was done;
  // invite: why due, in words; opt-out: the reply that asked for it.
  std::string reason;
  // invite: the store's customer record and vehicle (vehicle_id may be empty:
  // per customer), the due date in `date`, the rule's service kind in
  // `service`, "time" or "km" in due_by, the first contact's channel and day.
  // opt-out: the record (customer_id, may be empty: every record with the
  // phone) and channel ("sms", "wechat" or "call").
  std::string customer_id, vehicle_id, due_by, channel, invite_date;
  // invite: set when head office made the contact itself (the store was
  // offline): "sent" (its message went through the relay) or its call's
  // outcome ("booked", "declined", "unreachable"). The store records the
  // contact as done and plans none of its own; empty: the store makes it.
  std::string outcome;
  // holidays: the calendar (sync/outreach/holidays.h HolidayCalendarJson) as text.
  std::string calendar;
  // task-attempt: the store's task (its full id) and head office's call, as
  // the task's codec writes an attempt (site "head_office"), checked with
  // CheckTaskAttempt when read.
  std::string task_id;
  std::optional<TaskAttempt> attempt;
  std::string staff;         // who at head office
  std::string requested_at;  // business time: when the customer asked (UTC text)
};

nlohmann::json HeadOfficeRequestJson(const HeadOfficeRequest& request);
// A missing kind reads as "book" (the first requests carried none). Fields of
// the wrong type, and the fields a known kind cannot do without, are named.
Result<HeadOfficeRequest> ParseHeadOfficeRequest(const nlohmann::json& json);

// The store's answer to request `hub_request_seq` when no booking or case
// change carries it (entity "request", id "<store>:<seq>"): refused, with why,
// or booked already (the booking it was).
struct RequestAnswer {
  int64_t hub_request_seq = 0;
  std::string kind;  // the request's kind
  // "refused", "booked", or "applied" (an invitation planned, an opt-out
  // recorded, a holiday calendar taken: no booking or case change carries it).
  std::string outcome;
  std::string reason;
  std::string received_at;
  std::optional<std::string> booking_id;
};

nlohmann::json RequestAnswerFields(const RequestAnswer& answer);
Result<RequestAnswer> ParseRequestAnswer(const nlohmann::json& fields);

}  // namespace outpost::model
