#include "hub/hub.h"

#include <simdjson.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "hub/profiles.h"
#include "hub/record_log.h"
#include "schema/migrations.h"
#include "sync/envelope.h"
#include "sync/hub_log.h"
#include "sync/lifecycle.h"
#include "sync/merge.h"
#include "sync/normalize.h"
#include "sync/state_digest.h"

namespace outpost::hub {
namespace {

using nlohmann::json;

Hash256 ToHash(const std::string& blob) {
  Hash256 h{};
  if (blob.size() == h.size()) std::memcpy(h.data(), blob.data(), h.size());
  return h;
}

template <size_t N>
std::array<uint8_t, N> ToArray(const std::string& blob) {
  std::array<uint8_t, N> a{};
  if (blob.size() == N) std::memcpy(a.data(), blob.data(), N);
  return a;
}

int EdgeSchemaVersion() { return schema::EdgeMigrations().back().version; }

// A change's fields must be one JSON object (checked in full, UTF-8 included)
// with no key twice (readers would disagree on which one counts); returns the
// store it names ("store_id"), if any: an insert is then stored as written,
// with no JSON tree built. One parser per thread (the daemon scans on its
// opener thread, hub/open_ahead.h).
Result<std::optional<std::string>> ScanFields(const ChangeEntry& c) {
  thread_local simdjson::dom::parser parser;
  auto bad = [&c](const std::string& why) {
    return Status::Corruption("change " + c.site_id + "/" + std::to_string(c.seq) + ": " + why);
  };
  simdjson::dom::element doc;
  if (parser.parse(c.fields_json).get(doc) != simdjson::SUCCESS) {
    return bad("fields are not valid JSON");
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) {
    return bad("fields are not a JSON object");
  }
  std::optional<std::string> store_id;
  std::vector<std::string_view> keys;
  keys.reserve(object.size());
  for (const auto field : object) {
    if (std::find(keys.begin(), keys.end(), field.key) != keys.end()) {
      return bad("fields name '" + std::string(field.key) + "' twice");
    }
    keys.push_back(field.key);
    std::string_view value;
    if (field.key == "store_id" && field.value.get_string().get(value) == simdjson::SUCCESS) {
      store_id = std::string(value);
    }
  }
  return store_id;
}

}  // namespace

Result<std::unique_ptr<Hub>> Hub::Create(const std::string& path, SecretKeys keys,
                                         const Clock& clock) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Status::Conflict("hub database '" + path + "' exists; init only creates a new one");
  }
  {
    // Created and migrated in full here; Open() then finds a hub database.
    ASSIGN_OR_RETURN(auto db, Db::Open(path, {.create_if_missing = true}));
    RETURN_IF_ERROR(db->Migrate(schema::HubMigrations()));
  }
  return Open(path, std::move(keys), clock);
}

Result<std::unique_ptr<Hub>> Hub::Open(const std::string& path, SecretKeys keys,
                                       const Clock& clock) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound("'" + path + "': no such hub database");
  }
  ASSIGN_OR_RETURN(auto db, Db::Open(path, {.create_if_missing = false}));
  RETURN_IF_ERROR(db->Migrate(schema::HubMigrations()));
  std::unique_ptr<Hub> hub(new Hub(std::move(db), std::move(keys), clock));
  RETURN_IF_ERROR(hub->ChainUnchainedBatches());
  RETURN_IF_ERROR(AdoptUnloggedRecords(*hub->db_, hub->keys_));
  return hub;
}

Status Hub::ChainUnchainedBatches() {
  ASSIGN_OR_RETURN(Statement st,
                   db_->Prepare("SELECT id, site_id, first_seq, last_seq, envelope"
                                " FROM batch_archive WHERE head IS NULL ORDER BY id"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Ok();
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  do {
    const std::string envelope = st.Blob(4);
    RETURN_IF_ERROR(ChainBatchLocked(st.Int(0), st.Text(1), st.Int(2), st.Int(3), envelope));
    ASSIGN_OR_RETURN(row, st.Step());
  } while (row);
  st.Reset();
  return tx->Commit();
}

Result<Hub::LogColumns> Hub::LogColumnsLocked(int64_t id, const std::string& site,
                                              int64_t first_seq, int64_t last_seq,
                                              const Hash256& envelope_hash) {
  ASSIGN_OR_RETURN(Statement prev, db_->Prepare("SELECT head FROM batch_archive WHERE id < ?"
                                                " ORDER BY id DESC LIMIT 1"));
  prev.Bind(1, id);
  ASSIGN_OR_RETURN(bool has_prev, prev.Step());
  const Hash256 prev_head = has_prev ? ToHash(prev.Blob(0)) : Hash256{};
  prev.Reset();
  HubLogEntry entry{id, site, first_seq, last_seq, envelope_hash};
  return LogColumns{entry.envelope_hash, SignHubHead(keys_, id, NextHubHead(prev_head, entry))};
}

Status Hub::ChainBatchLocked(int64_t id, const std::string& site, int64_t first_seq,
                             int64_t last_seq, std::string_view envelope) {
  ASSIGN_OR_RETURN(LogColumns log,
                   LogColumnsLocked(id, site, first_seq, last_seq, EnvelopeHash(envelope)));
  ASSIGN_OR_RETURN(Statement put, db_->Prepare("UPDATE batch_archive SET envelope_hash = ?,"
                                               " head = ?, head_signature = ? WHERE id = ?"));
  put.BindBlob(1, log.envelope_hash)
      .BindBlob(2, log.head.head)
      .BindBlob(3, log.head.signature.data(), log.head.signature.size())
      .Bind(4, id);
  return put.Run();
}

Result<SignedHead> Hub::CurrentHead() {
  ASSIGN_OR_RETURN(Statement st, db_->Prepare("SELECT id, head, head_signature FROM batch_archive"
                                              " ORDER BY id DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return SignHubHead(keys_, 0, Hash256{});
  SignedHead h;
  h.index = st.Int(0);
  h.head = ToHash(st.Blob(1));
  h.signature = ToArray<64>(st.Blob(2));
  return h;
}

Status Hub::NoteContact(const std::string& site) {
  // Messages less than 5 s apart extend the current stretch of contact (a connected
  // store's sync process says hello every 0.2 s when idle, and retries within 5 s).
  const int64_t now_ms = clock_.NowMs();
  ASSIGN_OR_RETURN(Statement extend,
                   db_->Prepare("UPDATE store_contacts SET to_at = ?1 WHERE site_id = ?2 AND"
                                " from_at = (SELECT max(from_at) FROM store_contacts WHERE"
                                " site_id = ?2) AND to_at >= ?3"));
  extend.Bind(1, FormatUtcMs(now_ms)).Bind(2, site).Bind(3, FormatUtcMs(now_ms - 5'000));
  RETURN_IF_ERROR(extend.Run());
  if (db_->RowsChanged() > 0) return Status::Ok();
  ASSIGN_OR_RETURN(Statement start, db_->Prepare("INSERT INTO store_contacts (site_id, from_at,"
                                                 " to_at) VALUES (?1, ?2, ?2)"
                                                 " ON CONFLICT DO NOTHING"));
  start.Bind(1, site).Bind(2, FormatUtcMs(now_ms));
  return start.Run();
}

Status Hub::AllowStore(const PublicKeys& store) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Statement denied,
                   db_->Prepare("SELECT denied_at, denied_by FROM store_key_history WHERE"
                                " site_id = ? AND key_id = ? AND denied_at IS NOT NULL"));
  denied.Bind(1, store.site_id).Bind(2, store.KeyId());
  ASSIGN_OR_RETURN(bool was_denied, denied.Step());
  if (was_denied) {
    // A denied key may be in someone else's hands: it never comes back.
    return Status::Refused("key " + store.KeyId() + " of store '" + store.site_id +
                           "' was denied by " + denied.Text(1) + " at " + denied.Text(0) +
                           "; make the store a new key (outpost keygen --site " + store.site_id +
                           " --force) and allow that one");
  }
  denied.Reset();
  ASSIGN_OR_RETURN(Statement st,
                   db_->Prepare("INSERT INTO stores (site_id, sign_pk, kx_pk, key_id, added_at)"
                                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (site_id) DO UPDATE SET"
                                " sign_pk = excluded.sign_pk, kx_pk = excluded.kx_pk,"
                                " key_id = excluded.key_id"));
  st.Bind(1, store.site_id)
      .BindBlob(2, store.sign_pk)
      .BindBlob(3, store.kx_pk)
      .Bind(4, store.KeyId())
      .Bind(5, FormatUtcMs(clock_.NowMs()));
  RETURN_IF_ERROR(st.Run());
  ASSIGN_OR_RETURN(Statement cursor,
                   db_->Prepare("INSERT INTO store_cursors (site_id, last_seq, last_hash)"
                                " VALUES (?, 0, ?) ON CONFLICT (site_id) DO NOTHING"));
  cursor.Bind(1, store.site_id).BindBlob(2, Hash256{});
  RETURN_IF_ERROR(cursor.Run());
  ASSIGN_OR_RETURN(Statement history,
                   db_->Prepare("INSERT INTO store_key_history (site_id, key_id, sign_pk, kx_pk,"
                                " added_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
  history.Bind(1, store.site_id)
      .Bind(2, store.KeyId())
      .BindBlob(3, store.sign_pk)
      .BindBlob(4, store.kx_pk)
      .Bind(5, FormatUtcMs(clock_.NowMs()));
  RETURN_IF_ERROR(history.Run());
  RETURN_IF_ERROR(NoteRecordLocked("store_key_history", {store.site_id, store.KeyId()}));
  return tx->Commit();
}

Status Hub::DenyStore(const std::string& site_id, const std::string& staff,
                      const std::string& reason) {
  if (staff.empty()) return Status::InvalidInput("staff: say who denies the store (--staff)");
  if (reason.empty()) return Status::InvalidInput("reason: say why the store is denied (--reason)");
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Statement current, db_->Prepare("SELECT key_id FROM stores WHERE site_id = ?"));
  current.Bind(1, site_id);
  ASSIGN_OR_RETURN(bool known, current.Step());
  if (!known) {
    return Status::NotFound("store: '" + site_id + "' is not on the hub's allow-list");
  }
  const std::string key_id = current.Text(0);
  current.Reset();
  Status not_denied = CheckNotDenied(*db_, site_id);
  if (not_denied.code() == StatusCode::kRefused) {
    return Status::Conflict(not_denied.message());  // already denied: said by whom, when, why
  }
  RETURN_IF_ERROR(not_denied);
  ASSIGN_OR_RETURN(Statement deny,
                   db_->Prepare("UPDATE store_key_history SET denied_at = ?, denied_by = ?,"
                                " denied_reason = ? WHERE site_id = ? AND key_id = ?"));
  deny.Bind(1, FormatUtcMs(clock_.NowMs()))
      .Bind(2, staff)
      .Bind(3, reason)
      .Bind(4, site_id)
      .Bind(5, key_id);
  RETURN_IF_ERROR(deny.Run());
  if (db_->RowsChanged() != 1) {
    return Status::Corruption("store_key_history: no row for key " + key_id + " of '" + site_id +
                              "'");
  }
  RETURN_IF_ERROR(NoteRecordLocked("store_key_history", {site_id, key_id}));
  return tx->Commit();
}

Status CheckNotDenied(Db& db, const std::string& site_id) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT h.key_id, h.denied_at, h.denied_by, h.denied_reason FROM"
                              " stores s JOIN store_key_history h ON h.site_id = s.site_id AND"
                              " h.key_id = s.key_id WHERE s.site_id = ? AND"
                              " h.denied_at IS NOT NULL"));
  st.Bind(1, site_id);
  ASSIGN_OR_RETURN(bool denied, st.Step());
  if (!denied) return Status::Ok();
  Status refusal = Status::Refused("store '" + site_id + "' is denied: key " + st.Text(0) +
                                   " was shut out by " + st.Text(2) + " at " + st.Text(1) + " (" +
                                   st.Text(3) + "); allow a new key to readmit it");
  st.Reset();
  return refusal;
}

Result<PublicKeys> Hub::StoreKeys(const std::string& site_id) {
  return ReadStoreKeys(*db_, site_id);
}

Status Hub::NoteRecordLocked(const std::string& table, const std::vector<std::string>& key) {
  ASSIGN_OR_RETURN(RecordLog log, RecordLog::Open(*db_));
  RETURN_IF_ERROR(log.Note(table, key));
  return log.Seal(keys_);
}

Status Hub::LogSecurity(const std::optional<std::string>& site, const std::string& kind,
                        const std::string& reason) {
  // With its entry in the record log, so a deleted alarm is named by verify.
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Statement st, db_->Prepare("INSERT INTO security_log (at, site_id, kind,"
                                              " reason) VALUES (?, ?, ?, ?)"));
  st.Bind(1, FormatUtcMs(clock_.NowMs())).Bind(2, site).Bind(3, kind).Bind(4, reason);
  RETURN_IF_ERROR(st.Run());
  RETURN_IF_ERROR(NoteRecordLocked("security_log", {std::to_string(db_->LastInsertRowId())}));
  return tx->Commit();
}

Result<PublicKeys> ReadStoreKeys(Db& db, const std::string& site_id) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT sign_pk, kx_pk FROM stores WHERE site_id = ?"));
  st.Bind(1, site_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("store '" + site_id + "' is not on the hub's allow-list");
  PublicKeys keys;
  keys.site_id = site_id;
  keys.sign_pk = ToArray<32>(st.Blob(0));
  keys.kx_pk = ToArray<32>(st.Blob(1));
  return keys;
}

OpenedMessage OpenMessage(Db& keys_db, const SecretKeys& hub_keys, std::string_view envelope) {
  OpenedMessage opened;
  auto refuse = [&opened](Status why) {
    opened.refusal = std::move(why);
    return std::move(opened);
  };
  auto header = PeekEnvelope(envelope);
  if (!header.ok()) return refuse(header.status());
  opened.site = header->site_id;
  auto sender = ReadStoreKeys(keys_db, opened.site);
  if (!sender.ok()) return refuse(Status::Refused("unknown store '" + opened.site + "'"));
  // Read for every message: a deny takes effect on the store's next one.
  if (Status denied = CheckNotDenied(keys_db, opened.site); !denied.ok()) return refuse(denied);
  auto plaintext = OpenEnvelope(envelope, hub_keys, sender.value(), Direction::kStoreToHub);
  if (!plaintext.ok()) return refuse(plaintext.status());
  auto message = DecodeMessage(plaintext.value());
  if (!message.ok()) return refuse(message.status());
  opened.message = std::move(message.value());
  const auto* batch = std::get_if<WireBatch>(&opened.message);
  // A batch from a newer schema is held as it is (Hub::ApplyBatch), not read.
  if (batch && batch->schema_version <= EdgeSchemaVersion()) {
    // Every change must hash to what it says and link to the one before it;
    // how the batch joins what the hub has is checked when it is applied.
    Status chain = VerifyChain(batch->changes, std::nullopt);
    if (!chain.ok()) return refuse(chain);
    opened.named_stores.reserve(batch->changes.size());
    for (const auto& change : batch->changes) {
      auto named = ScanFields(change);
      if (!named.ok()) return refuse(named.status());
      opened.named_stores.push_back(std::move(named.value()));
    }
    opened.envelope_hash = EnvelopeHash(envelope);  // its entry in the hub's log
  }
  return opened;
}

Status Hub::RefuseUnopened(const OpenedMessage& opened) {
  if (opened.refusal.ok()) return Status::Ok();
  const std::optional<std::string> site =
      opened.site.empty() ? std::nullopt : std::optional<std::string>(opened.site);
  (void)LogSecurity(site, "refused", opened.refusal.message());
  return opened.refusal;
}

Result<WireAck> Hub::Ingest(std::string_view envelope) {
  const OpenedMessage opened = OpenMessage(*db_, keys_, envelope);
  RETURN_IF_ERROR(RefuseUnopened(opened));
  return IngestOpened(opened, envelope);
}

Result<WireMessage> Hub::Handle(std::string_view envelope) {
  return Handle(OpenMessage(*db_, keys_, envelope), envelope);
}

Result<WireMessage> Hub::Handle(const OpenedMessage& opened, std::string_view envelope) {
  RETURN_IF_ERROR(RefuseUnopened(opened));
  const std::string& site = opened.site;
  // A question a store asks about itself; one naming another store is refused.
  auto own_question = [&](const std::string& named, const char* what) -> Status {
    if (named != site) {
      const std::string reason = std::string(what) + " from '" + site + "' names '" + named + "'";
      (void)LogSecurity(site, "refused", reason);
      return Status::Refused(reason);
    }
    return NoteContact(site);
  };
  if (const auto* request = std::get_if<WireLogRequest>(&opened.message)) {
    RETURN_IF_ERROR(own_question(request->site_id, "log request"));
    ASSIGN_OR_RETURN(WireLogReply reply, AnswerLogRequest(site, *request));
    return WireMessage(std::move(reply));
  }
  if (const auto* lookup = std::get_if<WireLookup>(&opened.message)) {
    RETURN_IF_ERROR(own_question(lookup->site_id, "look-up"));
    ASSIGN_OR_RETURN(WireLookupReply reply, Lookup(site, lookup->phone, lookup->staff));
    return WireMessage(std::move(reply));
  }
  ASSIGN_OR_RETURN(WireAck ack, IngestOpened(opened, envelope));
  return WireMessage(std::move(ack));
}

Result<WireAck> Hub::IngestOpened(const OpenedMessage& opened, std::string_view envelope) {
  const std::string& site = opened.site;
  const WireMessage& message = opened.message;
  auto refuse = [&](const Status& why) -> Status {
    (void)LogSecurity(site, "refused", why.message());
    return why;
  };
  if (const auto* hello = std::get_if<WireHello>(&message)) {
    if (hello->site_id != site) {
      return refuse(Status::Refused("hello names '" + hello->site_id + "'"));
    }
    ASSIGN_OR_RETURN(Statement st, db_->Prepare("UPDATE store_cursors SET last_contact = ?"
                                                " WHERE site_id = ? RETURNING last_seq"));
    st.Bind(1, FormatUtcMs(clock_.NowMs())).Bind(2, site);
    ASSIGN_OR_RETURN(bool row, st.Step());
    const int64_t last = row ? st.Int(0) : 0;
    RETURN_IF_ERROR(st.Run());
    WireAck ack{site, last, 0, "ok", {}, std::nullopt};
    RETURN_IF_ERROR(NoteContact(site));
    RETURN_IF_ERROR(NoteReportedSeq(site, hello->last_seq));
    RETURN_IF_ERROR(AttachPushes(site, hello->applied_push_seq, hello->applied_profile_seq, ack));
    ASSIGN_OR_RETURN(ack.hub_head, CurrentHead());
    ack.reads_zstd = true;
    return ack;
  }
  const auto* batch = std::get_if<WireBatch>(&message);
  if (!batch)
    return refuse(Status::Refused("a store may send only hellos, batches and log requests"));
  if (batch->site_id != site) {
    return refuse(
        Status::Refused("batch from '" + site + "' claims to be from '" + batch->site_id + "'"));
  }
  RETURN_IF_ERROR(NoteContact(site));
  if (!batch->changes.empty()) {
    RETURN_IF_ERROR(NoteReportedSeq(site, batch->changes.back().seq));
  }
  ASSIGN_OR_RETURN(WireAck ack,
                   ApplyBatch(*batch, opened.named_stores, envelope, opened.envelope_hash));
  RETURN_IF_ERROR(AttachPushes(site, batch->applied_push_seq, batch->applied_profile_seq, ack));
  ASSIGN_OR_RETURN(ack.hub_head, CurrentHead());
  ack.reads_zstd = true;  // every answer says so: stores then compress their batches
  return ack;
}

Status Hub::NoteReportedSeq(const std::string& site, int64_t seq) {
  ASSIGN_OR_RETURN(Statement st, db_->Prepare("UPDATE store_cursors SET reported_seq ="
                                              " max(reported_seq, ?) WHERE site_id = ?"));
  st.Bind(1, seq).Bind(2, site);
  return st.Run();
}

Status Hub::AttachPushes(const std::string& site, int64_t applied_push_seq,
                         int64_t applied_profile_seq, WireAck& ack) {
  ASSIGN_OR_RETURN(Statement mark,
                   db_->Prepare("UPDATE store_cursors SET applied_push_seq ="
                                " max(applied_push_seq, min(?, (SELECT coalesce(max(seq), 0)"
                                " FROM hub_outbox WHERE site_id = ?2))) WHERE site_id = ?2"));
  mark.Bind(1, applied_push_seq).Bind(2, site);
  RETURN_IF_ERROR(mark.Run());
  ASSIGN_OR_RETURN(Statement pending,
                   db_->Prepare("SELECT seq, request FROM hub_outbox WHERE site_id = ?"
                                " AND seq > ? ORDER BY seq LIMIT 100"));
  pending.Bind(1, site).Bind(2, applied_push_seq);
  while (true) {
    ASSIGN_OR_RETURN(bool row, pending.Step());
    if (!row) break;
    ack.pushes.push_back({pending.Int(0), pending.Text(1)});
  }
  ASSIGN_OR_RETURN(ack.profiles,
                   ProfilesAfter(*identity_store_, site, applied_profile_seq, kProfilesPerAnswer));
  return Status::Ok();
}

Result<std::array<uint8_t, 32>> Hub::LookupKey() const {
  // Derived from the hub's own secret: logged phone hashes cannot be reversed
  // by guessing numbers without it.
  std::array<uint8_t, 32> key{};
  crypto_generichash(key.data(), key.size(), keys_.kx_sk.data(), keys_.kx_sk.size(),
                     reinterpret_cast<const unsigned char*>("outpost-lookup-log"), 18);
  return key;
}

Result<WireLookupReply> Hub::Lookup(const std::string& site, const std::string& phone,
                                    const std::string& staff) {
  ASSIGN_OR_RETURN(auto key, LookupKey());
  Profiles profiles(*identity_store_, clock_, key);
  return profiles.Lookup(site, phone, staff);
}

Result<RefreshStats> Hub::RefreshProfiles() {
  ASSIGN_OR_RETURN(auto key, LookupKey());
  Profiles profiles(*identity_store_, clock_, key);
  return profiles.Refresh();
}

Result<std::optional<StoreCalendar>> Hub::CalendarOf(const std::string& site) {
  return ReadCalendar(*db_, site);
}

Result<std::optional<StoreCalendar>> ReadCalendar(Db& db, const std::string& site) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT fields FROM entities WHERE entity = 'store'"
                                            " AND entity_id = ?1 AND owner_site = ?1"));
  st.Bind(1, site);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<StoreCalendar>();
  auto calendar = ParseStoreCalendar(nlohmann::json::parse(st.Text(0), nullptr, false));
  if (!calendar.ok()) {
    return Status::Corruption(site + "'s calendar as synced: " + calendar.status().message());
  }
  return std::optional<StoreCalendar>(std::move(calendar).value());
}

Result<std::string> Hub::CheckRequestedSlot(const std::string& site,
                                            const std::optional<StoreCalendar>& calendar,
                                            const std::string& date_text,
                                            const std::string& slot_text) {
  auto time = LocalTime::Parse(slot_text);
  if (!time.ok()) return Status::InvalidInput("slot: '" + slot_text + "' is not a time (HH:MM)");
  if (!calendar) {
    auto date = LocalDate::Parse(date_text);
    if (date.ok()) return date->ToString();
    if (ParseDeskDate(date_text, LocalDate{2026, 1, 1}).ok()) {
      return Status::InvalidInput("date: '" + date_text +
                                  "' is relative, and head office does not"
                                  " know " +
                                  site +
                                  "'s time zone yet (its settings come with its"
                                  " next sync); give the date as YYYY-MM-DD");
    }
    return Status::InvalidInput("date: '" + date_text + "': " + date.status().message());
  }
  const StoreSettings& settings = calendar->settings;
  ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Load(settings.time_zone));
  const int64_t now_ms = clock_.NowMs();
  ASSIGN_OR_RETURN(LocalDate date, ParseDeskDate(date_text, zone.UtcToLocal(now_ms).date));
  const auto closed = calendar->closed.find(date.ToString());
  const std::optional<std::string> closed_reason =
      closed == calendar->closed.end() ? std::nullopt : std::optional(closed->second);
  // The desk's own check: the store would refuse what fails it.
  auto bookable = CheckBookable(settings, zone, closed_reason, date, time.value(),
                                Channel::kCallCentre, now_ms);
  if (!bookable.ok()) {
    return Status(bookable.status().code(),
                  site + " cannot take it: " + bookable.status().message());
  }
  return date.ToString();
}

Result<QueuedRequest> Hub::QueueBooking(const std::string& site, const nlohmann::json& request,
                                        const std::string& staff) {
  for (const char* field : {"phone", "date", "slot"}) {
    if (!request.contains(field) || !request[field].is_string() ||
        request[field].get<std::string>().empty()) {
      return Status::InvalidInput(std::string(field) + ": required for a call-centre booking");
    }
  }
  RETURN_IF_ERROR(StoreKeys(site).status());  // only stores on the allow-list
  ASSIGN_OR_RETURN(std::optional<StoreCalendar> calendar, CalendarOf(site));
  QueuedRequest queued;
  ASSIGN_OR_RETURN(queued.request, model::ParseHeadOfficeRequest(request));
  queued.request.kind = "book";
  const std::string region = calendar ? calendar->settings.phone_region : "CN";
  ASSIGN_OR_RETURN(queued.request.phone, NormalizePhone(queued.request.phone, region));
  ASSIGN_OR_RETURN(queued.request.date,
                   CheckRequestedSlot(site, calendar, queued.request.date, queued.request.slot));
  queued.checked_with_store_rules = calendar.has_value();
  ASSIGN_OR_RETURN(queued.seq, QueueRequest(site, queued.request, staff));
  return queued;
}

Result<int64_t> Hub::QueueBookingChange(const std::string& site, const std::string& kind,
                                        const std::string& booking, nlohmann::json details,
                                        const std::string& staff) {
  if (kind != "cancel" && kind != "reschedule") {
    return Status::InvalidInput("request: '" + kind + "' is neither cancel nor reschedule");
  }
  if (kind == "reschedule") {
    for (const char* field : {"date", "slot"}) {
      if (!details.contains(field) || !details[field].is_string() ||
          details[field].get<std::string>().empty()) {
        return Status::InvalidInput(std::string(field) + ": required to move a booking");
      }
    }
    RETURN_IF_ERROR(StoreKeys(site).status());
    ASSIGN_OR_RETURN(std::optional<StoreCalendar> calendar, CalendarOf(site));
    ASSIGN_OR_RETURN(details["date"],
                     CheckRequestedSlot(site, calendar, details["date"].get<std::string>(),
                                        details["slot"].get<std::string>()));
  }
  // The booking as head office knows it (by id, id prefix or the store's ref):
  // the store decides by its own record when the request arrives.
  ASSIGN_OR_RETURN(Statement find,
                   db_->Prepare("SELECT entity_id, json_extract(fields, '$.ref') FROM entities"
                                " WHERE entity = 'booking' AND owner_site = ?1 AND"
                                " ((entity_id >= ?2 AND entity_id < ?2 || 'g' AND length(?2) >= 6)"
                                " OR (length(?2) BETWEEN 6 AND 12 AND entity_id LIKE '%' || ?2)"
                                " OR json_extract(fields, '$.ref') = ?2) LIMIT 2"));
  find.Bind(1, site).Bind(2, booking);
  ASSIGN_OR_RETURN(bool found, find.Step());
  if (!found) {
    return Status::NotFound("booking: '" + booking + "' is not a booking of " + site +
                            " that head office knows (it may not have synced yet)");
  }
  const std::string id = find.Text(0);
  const std::string ref = find.OptionalText(1).value_or("");
  ASSIGN_OR_RETURN(bool second, find.Step());
  if (second) return Status::InvalidInput("booking: '" + booking + "' matches several bookings");
  details["kind"] = kind;
  details["booking_id"] = id;
  details["booking_ref"] = ref;
  ASSIGN_OR_RETURN(model::HeadOfficeRequest request, model::ParseHeadOfficeRequest(details));
  return QueueRequest(site, std::move(request), staff);
}

Result<std::pair<std::string, int64_t>> Hub::QueueCaseResolution(const std::string& case_query,
                                                                 const std::string& site_hint,
                                                                 const std::string& resolution,
                                                                 const std::string& staff) {
  if (resolution.empty()) return Status::InvalidInput("note: say what was done (--note)");
  // Case refs (C-YYMMDD-N) are counted per store, so two stores can each have
  // the same ref: then the store must be named, never guessed.
  ASSIGN_OR_RETURN(Statement find,
                   db_->Prepare("SELECT entity_id, owner_site, json_extract(fields, '$.ref'),"
                                " json_extract(fields, '$.status') FROM entities WHERE entity ="
                                " 'case' AND (json_extract(fields, '$.ref') = ?1 OR entity_id = ?1)"
                                " AND (?2 = '' OR owner_site = ?2) ORDER BY owner_site"));
  find.Bind(1, case_query).Bind(2, site_hint);
  ASSIGN_OR_RETURN(bool found, find.Step());
  if (!found) {
    return Status::NotFound("case: no case '" + case_query + "' known at head office" +
                            (site_hint.empty() ? "" : " for store " + site_hint));
  }
  const std::string id = find.Text(0), site = find.Text(1), ref = find.OptionalText(2).value_or("");
  const std::string status = find.OptionalText(3).value_or("");
  std::vector<std::string> sites = {site};
  while (true) {
    ASSIGN_OR_RETURN(bool more, find.Step());
    if (!more) break;
    sites.push_back(find.Text(1));
  }
  if (sites.size() > 1) {
    std::string named, options;
    for (const auto& s : sites) {
      named += (named.empty() ? "" : " and ") + s;
      options += (options.empty() ? "--store " : " or --store ") + s;
    }
    return Status::InvalidInput("case: '" + case_query + "' is a case at " + named +
                                "; say which with " + options);
  }
  if (status == "resolved") return Status::Refused("case " + ref + " at " + site + " is resolved");
  model::HeadOfficeRequest request;
  request.kind = "resolve-case";
  request.case_ref = ref;
  request.case_id = id;
  request.reason = resolution;
  ASSIGN_OR_RETURN(int64_t seq, QueueRequest(site, std::move(request), staff));
  return std::make_pair(site, seq);
}

Result<int64_t> Hub::QueueRequest(const std::string& site, model::HeadOfficeRequest request,
                                  const std::string& staff) {
  if (staff.empty()) return Status::InvalidInput("staff: say who is asking (--staff)");
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  RETURN_IF_ERROR(StoreKeys(site).status());  // only stores on the allow-list
  ASSIGN_OR_RETURN(Statement next, db_->Prepare("SELECT coalesce(max(seq), 0) + 1 FROM hub_outbox"
                                                " WHERE site_id = ?"));
  next.Bind(1, site);
  ASSIGN_OR_RETURN(bool row, next.Step());
  const int64_t seq = row ? next.Int(0) : 1;
  next.Reset();
  request.staff = staff;
  request.requested_at = FormatUtcMs(clock_.NowMs());  // business time: when the customer asked
  ASSIGN_OR_RETURN(Statement ins, db_->Prepare("INSERT INTO hub_outbox (site_id, seq, request,"
                                               " created_at, created_by) VALUES (?, ?, ?, ?, ?)"));
  ins.Bind(1, site)
      .Bind(2, seq)
      .Bind(3, model::HeadOfficeRequestJson(request).dump())
      .Bind(4, FormatUtcMs(clock_.NowMs()))
      .Bind(5, staff);
  RETURN_IF_ERROR(ins.Run());
  // It travels to the store on the hub's signed answer: recorded, so a forged one is named.
  RETURN_IF_ERROR(NoteRecordLocked("hub_outbox", {site, std::to_string(seq)}));
  RETURN_IF_ERROR(tx->Commit());
  return seq;
}

Result<WireAck> Hub::ApplyBatch(const WireBatch& batch,
                                const std::vector<std::optional<std::string>>& named_stores,
                                std::string_view envelope, const Hash256& envelope_hash) {
  const std::string& site = batch.site_id;
  const std::string now = FormatUtcMs(clock_.NowMs());
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Statement cur, db_->Prepare("SELECT last_seq, last_hash FROM store_cursors"
                                               " WHERE site_id = ?"));
  cur.Bind(1, site);
  ASSIGN_OR_RETURN(bool has_cursor, cur.Step());
  if (!has_cursor) return Status::Refused("store '" + site + "' has no cursor");
  const int64_t last_seq = cur.Int(0);
  const Hash256 last_hash = ToHash(cur.Blob(1));
  cur.Reset();

  int64_t resent = 0;  // changes in this batch the hub had already applied
  auto ack = [&](int64_t seq, std::string status) -> Result<WireAck> {
    ASSIGN_OR_RETURN(Statement contact, db_->Prepare("UPDATE store_cursors SET last_contact = ?,"
                                                     " resent_changes = resent_changes + ?"
                                                     " WHERE site_id = ?"));
    contact.Bind(1, now).Bind(2, resent).Bind(3, site);
    RETURN_IF_ERROR(contact.Run());
    RETURN_IF_ERROR(tx->Commit());
    return WireAck{site, seq, 0, std::move(status), {}, std::nullopt};
  };

  // A store on a newer schema than the hub knows holds its changes back
  // instead of having them misread; older schemas are read as they are.
  if (batch.schema_version > EdgeSchemaVersion()) {
    return ack(last_seq, "held: store schema " + std::to_string(batch.schema_version) +
                             " is newer than the hub's " + std::to_string(EdgeSchemaVersion()) +
                             "; upgrade the hub");
  }
  if (batch.changes.empty()) return ack(last_seq, "ok");

  // The batch's changes are consecutive and chained (OpenMessage): those the
  // hub already has come first and must be byte-identical (anything else is
  // equivocation); the rest are new.
  const std::span<const ChangeEntry> changes(batch.changes);
  for (const auto& change : changes) {
    if (change.site_id != site) {
      const std::string reason = "batch from '" + site + "' carries a change of another site";
      tx.reset();  // roll back first: the log entry must outlive the refusal
      (void)LogSecurity(site, "refused", reason);
      return Status::Refused(reason);
    }
  }
  const size_t known = static_cast<size_t>(
      std::clamp<int64_t>(last_seq - changes.front().seq + 1, 0, std::ssize(changes)));
  for (const auto& change : changes.first(known)) {
    ASSIGN_OR_RETURN(Statement have,
                     db_->Prepare("SELECT hash FROM changes WHERE site_id = ? AND seq = ?"));
    have.Bind(1, site).Bind(2, change.seq);
    ASSIGN_OR_RETURN(bool stored, have.Step());
    if (!stored || ToHash(have.Blob(0)) != change.hash) {
      const std::string reason = "equivocation: store '" + site + "' sent seq " +
                                 std::to_string(change.seq) +
                                 " with content different from what the hub applied";
      tx.reset();  // roll back before logging in a transaction of its own
      (void)LogSecurity(site, "alarm", reason);
      return Status::Corruption(reason);
    }
  }
  resent = static_cast<int64_t>(known);
  const std::span<const ChangeEntry> fresh = changes.subspan(known);
  if (fresh.empty()) return ack(last_seq, "ok");  // a replay: already applied, nothing to do
  if (fresh.front().seq != last_seq + 1) {
    return ack(last_seq, "gap: expected seq " + std::to_string(last_seq + 1) + ", got " +
                             std::to_string(fresh.front().seq));
  }
  if (fresh.front().prev_hash != last_hash) {
    const std::string reason = "change log of " + site + ", seq " +
                               std::to_string(fresh.front().seq) +
                               ": does not link to the entry before it";
    tx.reset();
    (void)LogSecurity(site, "refused", reason);
    return Status::Corruption(reason);
  }
  for (size_t i = known; i < changes.size(); ++i) {
    Status st = ApplyChangeLocked(changes[i], named_stores[i]);
    if (!st.ok()) {
      tx.reset();
      (void)LogSecurity(site, "refused", st.message());
      return st;
    }
  }
  // Archived with its place in the hub's log in one write: an UPDATE after the
  // INSERT would write the whole envelope a second time. Ids come from
  // AUTOINCREMENT's counter, so none is ever reused.
  ASSIGN_OR_RETURN(Statement next_id, db_->Prepare("SELECT coalesce((SELECT seq FROM"
                                                   " sqlite_sequence WHERE name = 'batch_archive'),"
                                                   " 0) + 1"));
  ASSIGN_OR_RETURN(bool has_id, next_id.Step());
  const int64_t id = has_id ? next_id.Int(0) : 1;
  next_id.Reset();
  ASSIGN_OR_RETURN(LogColumns log,
                   LogColumnsLocked(id, site, fresh.front().seq, fresh.back().seq, envelope_hash));
  ASSIGN_OR_RETURN(Statement archive,
                   db_->Prepare("INSERT INTO batch_archive (id, site_id, first_seq, last_seq,"
                                " received_at, envelope, envelope_hash, head, head_signature)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  archive.Bind(1, id)
      .Bind(2, site)
      .Bind(3, fresh.front().seq)
      .Bind(4, fresh.back().seq)
      .Bind(5, now)
      .BindBlob(6, envelope.data(), envelope.size())
      .BindBlob(7, log.envelope_hash)
      .BindBlob(8, log.head.head)
      .BindBlob(9, log.head.signature.data(), log.head.signature.size());
  RETURN_IF_ERROR(archive.Run());
  ASSIGN_OR_RETURN(Statement move, db_->Prepare("UPDATE store_cursors SET last_seq = ?,"
                                                " last_hash = ?, last_batch_at = ?"
                                                " WHERE site_id = ?"));
  move.Bind(1, fresh.back().seq).BindBlob(2, fresh.back().hash).Bind(3, now).Bind(4, site);
  RETURN_IF_ERROR(move.Run());
  // Acknowledged only after the commit: an ack is a promise the hub keeps.
  return ack(fresh.back().seq, "ok");
}

Status Hub::ApplyChangeLocked(const ChangeEntry& c, const std::optional<std::string>& named_store) {
  RETURN_IF_ERROR(InsertChangeRow(*db_, "changes", c));

  // Who owns an entity this change would create: a booking belongs to the store
  // it is at (its store_id), anything else to the site that created it.
  const std::string& creator = named_store ? *named_store : c.site_id;
  // A new entity, the common case: written as the store wrote it, without a read.
  if (c.op == "insert") {
    const std::string& owner = creator;
    if (owner != c.site_id) {
      return Status::Refused("store '" + c.site_id + "' wrote " + c.entity + " " + c.entity_id +
                             ", which belongs to '" + owner + "'");
    }
    ASSIGN_OR_RETURN(Statement fresh,
                     db_->Prepare("INSERT INTO entities (entity, entity_id, owner_site, fields,"
                                  " field_hlcs, last_hlc, base_hlc) VALUES (?, ?, ?, ?, '{}', ?, ?)"
                                  " ON CONFLICT (entity, entity_id) DO NOTHING"));
    fresh.Bind(1, c.entity)
        .Bind(2, c.entity_id)
        .Bind(3, owner)
        .Bind(4, c.fields_json)
        .Bind(5, static_cast<int64_t>(c.hlc))
        .Bind(6, static_cast<int64_t>(c.hlc));
    RETURN_IF_ERROR(fresh.Run());
    if (db_->RowsChanged() == 1) return Status::Ok();
    // The id exists already: merge below, which also checks whose it is.
  }

  const json fields = json::parse(c.fields_json, nullptr, /*allow_exceptions=*/false);
  if (!fields.is_object()) {
    return Status::Corruption("change " + c.site_id + "/" + std::to_string(c.seq) +
                              ": fields are not a JSON object");
  }
  ASSIGN_OR_RETURN(Statement get,
                   db_->Prepare("SELECT owner_site, fields, field_hlcs, base_hlc"
                                " FROM entities WHERE entity = ? AND entity_id = ?"));
  get.Bind(1, c.entity).Bind(2, c.entity_id);
  ASSIGN_OR_RETURN(bool exists, get.Step());
  std::string owner = exists ? get.Text(0) : creator;
  json state = exists ? json::parse(get.Text(1), nullptr, false) : json::object();
  json hlcs = exists ? json::parse(get.Text(2), nullptr, false) : json::object();
  const uint64_t base_hlc = exists ? static_cast<uint64_t>(get.Int(3)) : c.hlc;
  get.Reset();
  if (!state.is_object() || !hlcs.is_object()) {
    return Status::Corruption("hub entity " + c.entity + " " + c.entity_id + " is damaged");
  }
  // A store writes only its own rows.
  if (owner != c.site_id) {
    return Status::Refused("store '" + c.site_id + "' wrote " + c.entity + " " + c.entity_id +
                           ", which belongs to '" + owner + "'");
  }
  // The merge rules live in sync/merge.h (docs/CONFLICTS.md).
  auto merged = MergeFields(state, hlcs, fields, Stamp{c.hlc, c.site_id}, Stamp{base_hlc, owner});
  if (!merged.ok()) {
    return Status::Corruption("hub entity " + c.entity + " " + c.entity_id + ": " +
                              merged.status().message());
  }
  ASSIGN_OR_RETURN(Statement put,
                   db_->Prepare("INSERT INTO entities (entity, entity_id, owner_site, fields,"
                                " field_hlcs, last_hlc, base_hlc) VALUES (?, ?, ?, ?, ?, ?, ?)"
                                " ON CONFLICT (entity, entity_id) DO UPDATE SET"
                                " fields = excluded.fields, field_hlcs = excluded.field_hlcs,"
                                " last_hlc = max(last_hlc, excluded.last_hlc)"));
  put.Bind(1, c.entity)
      .Bind(2, c.entity_id)
      .Bind(3, owner)
      .Bind(4, state.dump())
      .Bind(5, hlcs.dump())
      .Bind(6, static_cast<int64_t>(c.hlc))
      .Bind(7, static_cast<int64_t>(base_hlc));
  return put.Run();
}

Result<std::string> Hub::SealReply(const WireAck& ack) {
  return SealReply(WireMessage(ack), ack.site_id);
}

Result<std::string> Hub::SealReply(const WireMessage& reply, const std::string& site) {
  ASSIGN_OR_RETURN(PublicKeys store, StoreKeys(site));
  return SealEnvelope(EncodeMessage(reply), keys_, store, Direction::kHubToStore, site);
}

Result<WireLogReply> Hub::AnswerLogRequest(const std::string& site, const WireLogRequest& request) {
  // One read transaction: every part of the answer describes the same moment.
  ASSIGN_OR_RETURN(auto tx, Transaction::BeginRead(*db_));
  WireLogReply reply;
  reply.site_id = site;
  ASSIGN_OR_RETURN(Statement cur, db_->Prepare("SELECT last_seq, last_hash, applied_push_seq"
                                               " FROM store_cursors WHERE site_id = ?"));
  cur.Bind(1, site);
  ASSIGN_OR_RETURN(bool has_cursor, cur.Step());
  if (!has_cursor) return Status::Refused("store '" + site + "' has no cursor");
  reply.last_seq = cur.Int(0);
  reply.last_hash = ToHash(cur.Blob(1));
  reply.applied_push_seq = cur.Int(2);
  cur.Reset();

  constexpr int64_t kMaxChanges = 5000;  // per answer, like a batch
  if (request.to_seq >= request.from_seq && request.from_seq > 0) {
    const int64_t to = std::min(request.to_seq, request.from_seq + kMaxChanges - 1);
    ASSIGN_OR_RETURN(Statement ch,
                     db_->Prepare(std::string("SELECT ") + kChangeColumns +
                                  " FROM changes WHERE site_id = ? AND seq BETWEEN ? AND ?"
                                  " ORDER BY seq"));
    ch.Bind(1, site).Bind(2, request.from_seq).Bind(3, to);
    ASSIGN_OR_RETURN(reply.changes, ReadChangeRows(ch));
  }

  if (request.state_digests || !request.state_buckets.empty()) {
    std::vector<bool> wanted(kStateBuckets, false);
    for (int b : request.state_buckets) {
      if (b >= 0 && b < kStateBuckets) wanted[b] = true;
    }
    StateDigester digester;
    ASSIGN_OR_RETURN(Statement ent, db_->Prepare("SELECT entity, entity_id, fields FROM entities"
                                                 " WHERE owner_site = ?"));
    ent.Bind(1, site);
    while (true) {
      ASSIGN_OR_RETURN(bool row, ent.Step());
      if (!row) break;
      const std::string entity = ent.Text(0), id = ent.Text(1);
      const json fields = json::parse(ent.Text(2), nullptr, false);
      const std::string canonical = CanonicalState(fields);
      if (request.state_digests) digester.Add(entity, id, canonical);
      if (wanted[StateBucket(id)]) reply.state_rows.push_back({entity, id, canonical});
    }
    if (request.state_digests) reply.state_digests = digester.Finish();
  }

  if (request.hub_log_limit > 0) {
    ASSIGN_OR_RETURN(Statement log, db_->Prepare("SELECT id, site_id, first_seq, last_seq,"
                                                 " envelope_hash FROM batch_archive WHERE id > ?"
                                                 " ORDER BY id LIMIT ?"));
    log.Bind(1, request.hub_log_after).Bind(2, int64_t{request.hub_log_limit});
    while (true) {
      ASSIGN_OR_RETURN(bool row, log.Step());
      if (!row) break;
      reply.hub_log.push_back(
          {log.Int(0), log.Text(1), log.Int(2), log.Int(3), ToHash(log.Blob(4))});
    }
  }
  ASSIGN_OR_RETURN(reply.hub_head, CurrentHead());
  return reply;
}

Result<std::vector<std::string>> Hub::AllowedSites() {
  ASSIGN_OR_RETURN(Statement st, db_->Prepare("SELECT site_id FROM stores ORDER BY site_id"));
  return st.TextColumn();
}

Result<std::vector<SecurityEvent>> Hub::SecurityLog() {
  ASSIGN_OR_RETURN(Statement st, db_->Prepare("SELECT at, site_id, kind, reason FROM"
                                              " security_log ORDER BY id"));
  std::vector<SecurityEvent> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.OptionalText(1), st.Text(2), st.Text(3)});
  }
  return out;
}

Result<std::string> Hub::StateDigest() {
  ASSIGN_OR_RETURN(Statement st, db_->Prepare("SELECT entity, entity_id, fields FROM entities"
                                              " ORDER BY entity, entity_id"));
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    for (int col = 0; col < 3; ++col) {
      std::string value = st.Text(col);
      uint64_t len = value.size();
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&len), sizeof len);
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(value.data()),
                                value.size());
    }
  }
  Hash256 out;
  crypto_generichash_final(&state, out.data(), out.size());
  return HashHex(out);
}

}  // namespace outpost::hub
