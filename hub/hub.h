// Hub: head office's store of every site's change log and the consolidated view.
//
// Ingest() takes one sealed envelope from the network and either applies it
// (in one transaction: the verbatim envelope, the changes, the merged entity
// state and the store's cursor) and returns the Ack to send back, or refuses
// it and records why in the security log. It never applies part of a batch.
// Refused: an unknown or denied store, a key or signature that is not the
// allow-listed one, a store writing another store's rows. Alarm: the same seq with other
// content (equivocation). Idempotent: a replayed batch changes nothing and is
// acknowledged again. Thread-compatible: one Hub per thread (the daemon's
// socket thread owns it).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "hub/identity.h"
#include "hub/profiles.h"
#include "hub/storage/hub_storage.h"
#include "sync/clock.h"
#include "sync/keys.h"
#include "sync/model/request.h"
#include "sync/status.h"
#include "sync/store_calendar.h"
#include "sync/wire.h"

namespace outpost::hub {

// A store counts as online while it has been heard from within this window
// (its sync process says hello at least every few seconds). `stores` and the
// recovery report both judge by it.
constexpr int64_t kOnlineWindowMs = 15'000;

// A call-centre request as head office queued it for a store.
struct QueuedRequest {
  int64_t seq = 0;  // the request's number for that store
  model::HeadOfficeRequest
      request;  // as queued: the date absolute (YYYY-MM-DD), the phone in E.164
  // False while head office holds no calendar of the store (it has not synced
  // since settings began to travel): then only the phone and the date's form
  // were checked, and the store's rules decide when it arrives.
  bool checked_with_store_rules = false;
};

using SecurityEvent = storage::SecurityEvent;

// A store's message as far as it can be checked without writing the hub's
// database, on any thread (the daemon opens the next message while it applies
// this one, hub/open_ahead.h): the sender's allow-listed key, the signature,
// decryption, decoding, and for a batch each change's hash against its
// contents, the links between its changes, and its fields (one JSON object,
// no key twice; the store it names).
struct OpenedMessage {
  std::string site;  // the store the envelope names; empty when unreadable
  Status refusal;    // not ok: why the message is refused (the hub logs it)
  WireMessage message;
  std::vector<std::optional<std::string>> named_stores;  // per change: its fields' "store_id"
  Hash256 envelope_hash{};  // a batch's, for its entry in the hub's log
};
// Whether `status` is the hub's own failure (its database away or busy), not
// a refusal of the store: the message is left unanswered and the store, which
// keeps it, sends it again; it is no security event.
bool IsHubFailure(const Status& status);
// `keys`: the allow-list as the caller's thread reads it (the daemon's opener
// thread has a KeyReader of its own: HubStorage::OpenKeyReader).
OpenedMessage OpenMessage(storage::KeyReader& keys, const SecretKeys& hub_keys,
                          std::string_view envelope);
// The calendar (settings, slot grid, closed dates) `site` last synced, if any
// (Hub::CalendarOf; read-only, for the read layer and reports on a copy).
Result<std::optional<StoreCalendar>> ReadCalendar(storage::HubReads& reads,
                                                  const std::string& site);
// Ok while `site_id`'s current key may send; Refused naming who denied it,
// when and why, and how to readmit the store, once it is denied.
Status CheckNotDenied(storage::KeyReader& keys, const std::string& site_id);

class Hub {
 public:
  // A new hub database at `path`, migrated to the newest schema (outpost-hub
  // init); Conflict when a file is already there.
  static Result<std::unique_ptr<Hub>> Create(const std::string& path, SecretKeys keys,
                                             const Clock& clock);
  // An existing hub database, migrated forward. NotFound when there is no
  // file: a mistyped path never becomes a new, empty hub.
  static Result<std::unique_ptr<Hub>> Open(const std::string& path, SecretKeys keys,
                                           const Clock& clock);

  // Adds a store to the allow-list, or rotates its keys (its log and cursor
  // stay); a new key readmits a denied store. A key once denied is Refused.
  Status AllowStore(const PublicKeys& store);
  // Shuts the store's current key out at once (the compromised laptop): every
  // message signed with it is refused and logged from now on, its log and
  // data stay. `staff` and `reason` are recorded in the key history. NotFound
  // for a store not on the allow-list, Conflict when it is already denied.
  Status DenyStore(const std::string& site_id, const std::string& staff, const std::string& reason);
  Result<PublicKeys> StoreKeys(const std::string& site_id);

  // Queues a booking made at head office (the call centre) for `site`; it rides
  // on the hub's acks to the store, which applies it like a desk booking.
  // `request` holds phone, name, date, slot and optionally plate, service, notes.
  // Checked first with the store's own rules against the calendar it last
  // synced (CheckRequestedSlot): a promise the store would refuse is refused
  // here, while the customer is still on the phone.
  Result<QueuedRequest> QueueBooking(const std::string& site, const nlohmann::json& request,
                                     const std::string& staff);
  // Queues head office's cancel ("reason") or move ("date", "slot", "reason")
  // of one of `site`'s bookings, named by id, id prefix or the store's ref.
  // The store applies it unless what happened there says otherwise (the
  // customer checked in, ...): then the request is overruled and a case opened.
  // Queues the closing of a store's case head office has handled (by ref,
  // with `site_hint` when several stores have that ref): (store, seq). The
  // store closes it like its own staff would (refused there while a booking of
  // it still needs a new slot). A ref at several stores without `site_hint` is
  // InvalidInput naming every one of them.
  Result<std::pair<std::string, int64_t>> QueueCaseResolution(const std::string& case_query,
                                                              const std::string& site_hint,
                                                              const std::string& resolution,
                                                              const std::string& staff);
  Result<int64_t> QueueBookingChange(const std::string& site, const std::string& kind,
                                     const std::string& booking, nlohmann::json details,
                                     const std::string& staff);

  // The calendar (settings, slot grid, closed dates) `site` last synced, if any.
  Result<std::optional<StoreCalendar>> CalendarOf(const std::string& site);
  // A promised date ("2026-11-30", "today", "tomorrow", "+3": relative dates
  // count from today in the store's zone, resolved once, here) and slot,
  // checked with the store's rules as CheckBookable states them. Returns the
  // absolute date. Without a calendar, only an absolute, real date passes.
  Result<std::string> CheckRequestedSlot(const std::string& site,
                                         const std::optional<StoreCalendar>& calendar,
                                         const std::string& date, const std::string& slot);

  // The Ack for an applied, replayed, held or out-of-order batch; a non-ok
  // Status (logged) for a refused one.
  Result<WireAck> Ingest(std::string_view envelope);
  // Any message from a store: a hello or batch (answered by Ingest's Ack) or a
  // log request (verify, rebuild), answered about the asking store's data only.
  Result<WireMessage> Handle(std::string_view envelope);
  // The same for a message opened beforehand (OpenMessage): a refusal is logged here.
  Result<WireMessage> Handle(const OpenedMessage& opened, std::string_view envelope);
  // The answer sealed for its store.
  Result<std::string> SealReply(const WireAck& ack);
  Result<std::string> SealReply(const WireMessage& reply, const std::string& site);

  // Rebuilds the unified profiles the stores hold (hub/profiles.h): run after
  // identity resolution; the next acks carry what changed.
  Result<RefreshStats> RefreshProfiles();
  // Recomputes every customer's segment into the profiles (as days pass a
  // segment changes without any change of the customer's; new rules change
  // all): marks each customer with a completed visit for rebuilding, then
  // refreshes. A profile whose bytes did not change is not resent.
  Result<RefreshStats> RefreshSegments();
  // A walk-in's phone, for a store that is online: the profiles of the
  // customers it belongs to, as that store would see them. Logged.
  Result<WireLookupReply> Lookup(const std::string& site, const std::string& phone,
                                 const std::string& staff);
  // Profile versions per answer (a store catching up drains them over rounds).
  static constexpr int kProfilesPerAnswer = 200;

  // The newest head of the hub's log, signed (index 0 and zeros when empty).
  Result<SignedHead> CurrentHead();

  // The allow-listed stores' ids, sorted (what `outpost-hub stores` shows of
  // each is the read layer's: hub/queries/stores.h).
  Result<std::vector<std::string>> AllowedSites();
  Result<std::vector<SecurityEvent>> SecurityLog();
  // A digest of the consolidated state (sorted entities): equal digests, equal data.
  Result<std::string> StateDigest();
  // The schema version of the hub's database (outpost-hub init says it).
  Result<int> SchemaVersion() { return storage_->SchemaVersion(); }
  // A resolver on the hub's storage, signing with the hub's keys.
  Identity MakeIdentity() { return Identity(storage_->identity(), clock_, &keys_); }
  // Where the hub keeps its data (hub/storage/hub_storage.h): for the read
  // layer (hub/queries/reader.h), verify and the daemon's open-ahead thread;
  // command lines call queries and operations instead.
  storage::HubStorage& storage() { return *storage_; }
  const SecretKeys& keys() const { return keys_; }
  const Clock& clock() const { return clock_; }

 private:
  Hub(SecretKeys keys, const Clock& clock) : keys_(std::move(keys)), clock_(clock) {}
  static Result<std::unique_ptr<Hub>> Open(const std::string& path, SecretKeys keys,
                                           const Clock& clock, bool create);
  // Appends `request` (with who and when) to `site`'s outbox: its seq.
  Result<int64_t> QueueRequest(const std::string& site, model::HeadOfficeRequest request,
                               const std::string& staff);
  Status LogSecurity(const std::optional<std::string>& site, const std::string& kind,
                     const std::string& reason);
  // Logs why `opened` is refused and returns it; Ok when it was opened.
  Status RefuseUnopened(const OpenedMessage& opened);
  Result<WireAck> IngestOpened(const OpenedMessage& opened, std::string_view envelope);
  Result<WireLogReply> AnswerLogRequest(const std::string& site, const WireLogRequest& request);
  Status NoteContact(const std::string& site);
  Result<WireAck> ApplyBatch(const WireBatch& batch,
                             const std::vector<std::optional<std::string>>& named_stores,
                             std::string_view envelope, const Hash256& envelope_hash);
  // Stores `change` and merges it into its entity, in `unit`.
  Status ApplyChange(storage::IngestUnit& unit, const ChangeEntry& change,
                     const std::optional<std::string>& named_store);
  // Records how far `site` has applied the outbox and holds its profiles, and
  // adds what is still pending of both to `ack`.
  Status AttachPushes(const std::string& site, int64_t applied_push_seq,
                      int64_t applied_profile_seq, WireAck& ack);
  Result<std::array<uint8_t, 32>> LookupKey() const;
  // Profiles built by `profiles` carry segments under head office's rules, as of today.
  Status WithSegments(Profiles& profiles);
  Status NoteReportedSeq(const std::string& site, int64_t seq);

  SecretKeys keys_;  // before storage_, which signs with them: it goes first
  const Clock& clock_;
  std::unique_ptr<storage::HubStorage> storage_;
};

}  // namespace outpost::hub
