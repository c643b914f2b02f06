// CampaignStore: what head office keeps and reads for its own outreach
// (docs/OUTREACH.md, "At head office"): its settings (the chain's holiday
// calendar, the service rules), the completed visits and odometer readings
// the service-due list is computed from, the marketing contacts the chain
// made, the invitations it assigned to stores and the customers' replies.
//
// Every write that also queues requests to stores (an invitation, a reply's
// cancel or opt-out, a new holiday calendar) lands whole with them in one
// transaction, or not at all; the requests are appended to the outbox like
// Outbox::Append's (numbered per store, record-logged). No SQL here.
// Thread-compatible: on the thread that owns the HubStorage.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sync/status.h"

namespace outpost::hub::storage {

struct HubSetting {
  std::string value;  // JSON text, as validated by the caller
  std::string set_at;
  std::string set_by;
};

// A request to append to a store's outbox with a write.
struct RequestToQueue {
  std::string site;
  std::string request_json;
};
// Where one landed.
struct QueuedAt {
  std::string site;
  int64_t seq = 0;
};

// A booking whose visit happened (status completed), with what is known of
// its vehicle and person.
struct CompletedVisit {
  std::string booking_id;
  std::string site;
  std::string customer_id;  // the store's record
  std::string unified_id;   // its unified customer; the record id while not linked
  std::optional<std::string> vehicle_id;
  std::optional<std::string> plate;
  std::optional<std::string> vin;
  std::string service;
  std::string slot_date;              // YYYY-MM-DD, the store's day
  std::optional<int64_t> amount_fen;  // what it was worth (fen), when recorded
};

// A vehicle's odometer reading: one of its logged changes carrying mileage_km
// (typed behind ingest, like the rows of bookings and vehicles).
struct MileageRow {
  std::string vehicle_id;
  std::string at;  // the change's business time (UTC text), else when it was recorded
  int64_t km = 0;
};

// A marketing contact the chain made or planned (a "message" entity with
// purpose marketing, not dropped, cancelled, skipped or dead).
struct MarketingContactRow {
  std::string customer_id;  // the store's record (a unified id: head office's call)
  std::string at;           // sent_at, else due_at (UTC text)
  std::string message_id;   // the message's entity id (empty: a call head office made)
};

struct InvitationRow {
  std::string invitation_key;
  std::string unified_id;
  std::string vehicle_key;
  std::string due_date;
  std::string site;
  int64_t request_seq = 0;
  std::string assigned_at;
  std::string assigned_by;
  // "store": queued to the store to make (request_seq its request);
  // "head_office": made by head office itself, the store told by request_seq
  // (0 until then), `outcome` what came of it ("sent", "booked", ...).
  std::string handled_by = "store";
  std::optional<std::string> outcome;
  std::optional<std::string> note;
};

// One of head office's own messages: the store's message codec
// (model::MessageJson) under the key a store would use.
struct HubMessageRow {
  std::string message_id;
  std::string invitation_key;
  std::string site;     // the customer's store
  std::string status;   // model::MessageStatusName, as in fields
  std::string next_at;  // UTC text: the next moment it may go
  std::string fields;   // model::MessageJson
  std::string request;  // the "invite" request (outcome "sent") that tells the store, once sent
};

struct ReplyRow {
  std::string gateway_message_id;
  std::string sender;
  std::string text;
  std::string kind;  // "cancel", "opt_out", "other"
  std::string received_at;
  std::string in_reply_to;
  std::string recorded_at;
  std::string outcome;             // what head office did, in words
  std::vector<QueuedAt> requests;  // the requests queued for it
};

// A booking as head office knows it, for a reply's cancel.
struct KnownBooking {
  std::string booking_id;
  std::string site;
  std::string ref;
  std::string customer_id;
  std::string status;
  std::string slot_date;
  std::string slot_time;
};

// A customer record holding a phone, and its store.
struct PhoneHolder {
  std::string customer_id;
  std::string site;
};

class CampaignStore {
 public:
  virtual ~CampaignStore() = default;

  // ---- settings ----
  virtual Result<std::optional<HubSetting>> Setting(const std::string& name) = 0;
  // Sets `name` and queues `requests` in one transaction; where each landed.
  // NotFound (nothing written) when one names a store not on the allow-list.
  virtual Result<std::vector<QueuedAt>> PutSetting(const std::string& name,
                                                   const HubSetting& setting,
                                                   const std::vector<RequestToQueue>& requests) = 0;

  // ---- what the service-due list is computed from ----
  // Every completed visit, in no particular order.
  virtual Status ForEachCompletedVisit(
      const std::function<Status(const CompletedVisit&)>& visit) = 0;
  // Every vehicle's readings, in no particular order.
  virtual Status ForEachMileageReading(const std::function<Status(const MileageRow&)>& visit) = 0;
  // One vehicle's readings, oldest first.
  virtual Result<std::vector<MileageRow>> MileageReadingsOf(const std::string& vehicle_id) = 0;
  // The chain's marketing contacts at or after `since` (UTC text).
  virtual Result<std::vector<MarketingContactRow>> MarketingContactsSince(
      const std::string& since) = 0;

  // ---- invitations ----
  // Every invitation assigned, by key.
  virtual Result<std::vector<InvitationRow>> Invitations() = 0;
  // Queues `request` to row.site and records the invitation with its seq, in
  // one transaction. nullopt (nothing queued) when the key is recorded
  // already; NotFound when the store is not on the allow-list.
  virtual Result<std::optional<int64_t>> AssignInvitation(const InvitationRow& row,
                                                          const std::string& request_json) = 0;

  // ---- head office's own contacts (the store is offline) ----
  // Records the invitation as head office's (handled_by "head_office",
  // request_seq 0) with its message, in one transaction. false (nothing
  // written) when the invitation key is recorded already.
  virtual Result<bool> PlanHeadOfficeMessage(const InvitationRow& row,
                                             const HubMessageRow& message) = 0;
  // Head office's messages still to go (planned, delayed, retrying, sending)
  // whose next moment is at or before `now`, soonest first.
  virtual Result<std::vector<HubMessageRow>> HeadOfficeMessagesDue(const std::string& now) = 0;
  // Every one of head office's messages, by next moment.
  virtual Result<std::vector<HubMessageRow>> HeadOfficeMessages() = 0;
  virtual Result<std::optional<HubMessageRow>> HeadOfficeMessage(const std::string& id) = 0;
  // Rewrites one message (status, next moment, fields) and, when `outcome`
  // is not empty, records it on the invitation. With `tell_store`, also
  // queues that request to the store (created `at`) and records its seq on
  // the invitation, in the same transaction. With `only_if_fields`, only
  // when the message's stored fields are still those: a sender claims a
  // message this way, so when two senders work one hub (two `notify`
  // processes on one PostgreSQL database) one of them gets it and the other
  // is told false, with nothing written.
  virtual Result<bool> UpdateHeadOfficeMessage(
      const HubMessageRow& message, const std::optional<RequestToQueue>& tell_store,
      const std::string& outcome, const std::string& at,
      const std::optional<std::string>& only_if_fields = std::nullopt) = 0;
  // Records head office's call on an invitation (row.handled_by
  // "head_office", its outcome and note) and queues `request_json` to
  // row.site, in one transaction. nullopt (nothing written) when the key is
  // recorded already; NotFound when the store is not on the allow-list.
  virtual Result<std::optional<int64_t>> RecordHeadOfficeCall(const InvitationRow& row,
                                                              const std::string& request_json) = 0;

  // ---- replies ----
  // Records `reply` and queues `requests` in one transaction: false (nothing
  // written) when a reply with its gateway_message_id is recorded already.
  // `reply.requests` is filled with where each landed.
  virtual Result<bool> RecordReply(ReplyRow& reply,
                                   const std::vector<RequestToQueue>& requests) = 0;
  // Every reply, in the order recorded.
  virtual Result<std::vector<ReplyRow>> Replies() = 0;
  // The customer records holding `e164`, with their stores, by record id.
  virtual Result<std::vector<PhoneHolder>> PhoneHolders(const std::string& e164) = 0;
  // A "message" entity's fields (JSON text) by its id.
  virtual Result<std::optional<std::string>> MessageFields(const std::string& message_id) = 0;
  virtual Result<std::optional<KnownBooking>> Booking(const std::string& booking_id) = 0;
  // The bookings of `customer_ids` not yet visited (requested or confirmed)
  // on or after `from_date`, soonest first.
  virtual Result<std::vector<KnownBooking>> UpcomingBookings(
      const std::vector<std::string>& customer_ids, const std::string& from_date) = 0;
};

}  // namespace outpost::hub::storage
