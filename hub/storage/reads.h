// HubReads: what head office reads of its own data, as typed rows: the
// stores' logs and the merged entities, the hub's signed log, and the reads
// behind the read layer (hub/queries/), each named for what it answers. The
// rows are data as stored (a JSON object is its text); what they mean, and
// any rule applied to them, is the caller's.
//
// Reads see what is committed. Several reads that must describe one moment
// run inside a read scope (HubStorage::BeginRead). Thread-compatible: on the
// thread that owns the HubStorage.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hub/storage/cursors.h"
#include "sync/changelog.h"
#include "sync/status.h"
#include "sync/wire.h"

namespace outpost::hub::storage {

// An entity's merged fields (hub/storage/ingest.h holds it whole).
struct EntityFields {
  std::string entity;
  std::string entity_id;
  std::string owner_site;
  std::string fields_json;
};
using EntityVisitor = std::function<Status(const EntityFields&)>;

// A booking or case found by what someone typed.
struct FoundEntity {
  std::string entity_id;
  std::string owner_site;
  std::optional<std::string> ref;     // its "ref" field (the store's desk or case ref)
  std::optional<std::string> status;  // its "status" field
};

// A store on the allow-list as `outpost-hub stores` shows it.
struct StoreOverview {
  StoreCursor cursor;
  std::string key_id;                    // its live key
  int64_t queued_requests = 0;           // head office's requests queued for it
  int64_t refused_requests = 0;          // of those, refused by its rules (its answers say so)
  std::optional<std::string> denied_at;  // set while its live key is denied
  std::string denied_by;
  std::string denied_reason;
};

// What a store made of one of head office's requests, as its log says: the
// booking or case whose change carries the request's seq (a case first, then
// the newest change), and the store's logged answer.
struct RequestEffect {
  std::string entity;  // "booking" or "case"
  std::string entity_id;
  std::optional<std::string> ref;
  std::optional<std::string> status;
  bool needs_reschedule = false;
};
struct RequestAnswer {
  std::string outcome;  // "refused", "booked", ...
  std::string reason;
};
struct RequestRow {
  int64_t seq = 0;
  std::string request_json;
  std::string created_at;
  std::optional<RequestEffect> effect;
  std::optional<RequestAnswer> answer;  // only when both outcome and reason were logged
  int64_t store_applied_seq = 0;        // the store's mark: requests up to it were answered
};

// A booking on a store's day (the board), with its customer's name.
struct BoardBooking {
  std::string slot_time;
  std::string ref;
  std::string status;
  std::string channel;
  std::string customer_name;  // "?" when the customer is not at the hub
  bool needs_reschedule = false;
};

// Paper bookings that arrived in one import, as the store logged them.
struct PaperImportRow {
  std::string import;  // "?" when the bookings named none
  int64_t bookings = 0;
  std::string imported_at;  // the first of them
  std::string forms;        // the forms' ids, space-separated
};

struct CaseActivity {
  int64_t opened = 0;
  int64_t resolved = 0;
};

// A booking as the month's figures read it (hub_bookings, 0015_month_report.sql).
struct MonthBookingRow {
  std::string site;
  std::string channel;                      // ChannelName
  std::string requested_at;                 // UTC text: when it was asked for (the day it was made)
  std::string slot_date;                    // YYYY-MM-DD, the store's
  std::string slot_time;                    // HH:MM, the store's
  std::string status;                       // BookingStatusName
  bool arrived = false;                     // arrived_at set
  std::optional<std::string> cancelled_at;  // UTC text: its first cancel
  bool moved_here = false;                  // made by a reschedule
};
using MonthBookingVisitor = std::function<Status(const MonthBookingRow&)>;

// A marketing contact made (docs/KPI.md): a stores' synced "message" of
// purpose marketing sent or done, or one of head office's own.
struct ContactRow {
  std::string site;        // the store whose customer it is
  std::string message_id;  // the message entity's id (a call of head office's: "")
  std::string at;          // UTC text: sent_at, else updated_at, else planned_at; a call's record
  std::string status;      // "sent" or "done"
  std::string outcome;     // a done call's outcome ("booked", ...); "" otherwise
  std::string request;     // head office's call: the "invite" request that told the store
};

// Which changes an audit wants (sync/changelog.h; tools/audit.cc).
using ChangeFilter = outpost::ChangeFilter;

class HubReads {
 public:
  virtual ~HubReads() = default;

  // ---- the stores' logs, the entities and the hub's log ----
  // `site`'s changes with seq in [from_seq, to_seq], oldest first.
  virtual Result<std::vector<ChangeEntry>> Changes(const std::string& site, int64_t from_seq,
                                                   int64_t to_seq) = 0;
  // The changes `filter` wants, from every store, in the order they happened
  // across stores: by clock, then store.
  virtual Result<std::vector<ChangeEntry>> ChangesMatching(const ChangeFilter& filter) = 0;
  // Every entity, by (entity, entity_id).
  virtual Status ForEachEntity(const EntityVisitor& visit) = 0;
  // The entities `site` owns, in no particular order.
  virtual Status ForEachEntityOf(const std::string& site, const EntityVisitor& visit) = 0;
  // The fields of `site`'s calendar (entity "store" of its own), if it synced one.
  virtual Result<std::optional<std::string>> CalendarFields(const std::string& site) = 0;
  // The newest entry of the hub's log, signed; nullopt while it is empty.
  virtual Result<std::optional<SignedHead>> NewestHead() = 0;
  // The hub's log entries after index `after`, oldest first, at most `limit`.
  virtual Result<std::vector<HubLogEntry>> HubLog(int64_t after, int64_t limit) = 0;

  // ---- what people name ----
  // At most `limit` of `site`'s bookings that `query` names: an id, an id's
  // start (6 or more characters), its end (6 to 12), or the store's desk ref.
  virtual Result<std::vector<FoundEntity>> BookingsNamed(const std::string& site,
                                                         const std::string& query, int limit) = 0;
  // The cases whose ref or id is `query`, only `site`'s when not empty, by store.
  virtual Result<std::vector<FoundEntity>> CasesNamed(const std::string& query,
                                                      const std::string& site) = 0;
  // The bookings whose desk ref is `ref`, only `site`'s when not empty.
  virtual Result<std::vector<FoundEntity>> BookingsWithRef(const std::string& ref,
                                                           const std::string& site) = 0;
  // The bookings whose id is `query` or starts or ends with it (sync/ids.h
  // IdMatchSql), only `site`'s when not empty.
  virtual Result<std::vector<FoundEntity>> BookingsWithId(const std::string& query,
                                                          const std::string& site) = 0;
  // Customer records whose id is `query` or starts or ends with it.
  virtual Result<std::vector<std::string>> CustomersWithId(const std::string& query) = 0;
  // Customer records holding the phone `e164`.
  virtual Result<std::vector<std::string>> CustomersWithPhone(const std::string& e164) = 0;
  // The records linked to the unified customer `unified_id` (hub/identity.h).
  virtual Result<std::vector<std::string>> RecordsOfUnified(const std::string& unified_id) = 0;
  // The records linked to the same unified customer as `record`, itself included.
  virtual Result<std::vector<std::string>> RecordsLinkedWith(const std::string& record) = 0;

  // ---- the read layer's (hub/queries/) ----
  // Every allow-listed store, by store id.
  virtual Result<std::vector<StoreOverview>> StoreOverviews() = 0;
  // Every request queued for `site`, oldest first, with what the store made of it.
  virtual Result<std::vector<RequestRow>> Requests(const std::string& site) = 0;
  // `site`'s bookings on `date` (YYYY-MM-DD) in the order they were made.
  virtual Result<std::vector<BoardBooking>> BookingsOn(const std::string& site,
                                                       const std::string& date) = 0;
  // `site`'s cases (every store's when empty), newest opened first.
  virtual Result<std::vector<EntityFields>> Cases(const std::string& site) = 0;
  // The stores' follow-up tasks (entity "task") owned by head office and not
  // closed: returned no-shows, escalated complaints (docs/FOLLOWUP.md), as
  // synced, oldest due first.
  virtual Result<std::vector<EntityFields>> HeadOfficeTasks() = 0;
  // The stores' tasks whose id is `query` or ends with it (as the queue
  // prints them), any status, by store and id, at most `limit`.
  virtual Result<std::vector<EntityFields>> TasksNamed(const std::string& query, int limit) = 0;
  // `site`'s changes recorded in [from, before).
  virtual Result<int64_t> CountChangesRecorded(const std::string& site, const std::string& from,
                                               const std::string& before) = 0;
  // `site`'s paper imports recorded since `since`, in import order.
  virtual Result<std::vector<PaperImportRow>> PaperImports(const std::string& site,
                                                           const std::string& since) = 0;
  // ---- the month-end statistics (hub/queries/report.h) ----
  // The bookings (`site`'s, every store's when empty) with a slot date in
  // [from_date, to_date) or asked for (requested_at) in that range, each once.
  virtual Status ForEachMonthBooking(const std::string& site, const std::string& from_date,
                                     const std::string& to_date,
                                     const MonthBookingVisitor& visit) = 0;
  // The stores' marketing messages sent or done (status "sent", "done") whose
  // moment (`ContactRow::at`) is in [from, to) (UTC texts), by id.
  virtual Result<std::vector<ContactRow>> StoreContactsMade(const std::string& from,
                                                            const std::string& to) = 0;
  // Head office's own contacts in [from, to): its messages sent (hub_messages,
  // status "sent") and its calls recorded on invitations (hub_invitations
  // handled by head office with an outcome, `at` when recorded, `request`
  // the "invite" that told the store).
  virtual Result<std::vector<ContactRow>> HeadOfficeContactsMade(const std::string& from,
                                                                 const std::string& to) = 0;
  // Which of `ids` are entities of kind `entity` (synced from a store).
  virtual Result<std::vector<std::string>> EntitiesPresent(const std::string& entity,
                                                           const std::vector<std::string>& ids) = 0;
  // Every entity of kind `entity` ("task"), by id.
  virtual Status ForEachEntityOfKind(const std::string& entity, const EntityVisitor& visit) = 0;

  // `site`'s cases opened and resolved, by changes recorded since `since`.
  virtual Result<CaseActivity> CaseActivitySince(const std::string& site,
                                                 const std::string& since) = 0;
};

}  // namespace outpost::hub::storage
