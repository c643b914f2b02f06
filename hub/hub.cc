#include "hub/hub.h"

#include <simdjson.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "hub/profiles.h"
#include "hub/segments.h"
#include "schema/migrations.h"
#include "sync/envelope.h"
#include "sync/hub_log.h"
#include "sync/i18n/messages.h"
#include "sync/lifecycle.h"
#include "sync/merge.h"
#include "sync/normalize.h"
#include "sync/state_digest.h"

namespace outpost::hub {
namespace {

using nlohmann::json;

int EdgeSchemaVersion() { return schema::EdgeMigrations().back().version; }

// A change's fields must be one JSON object (checked in full, UTF-8 included)
// with no key twice (readers would disagree on which one counts); returns the
// store it names ("store_id"), if any: an insert is then stored as written,
// with no JSON tree built. One parser per thread (the daemon scans on its
// opener thread, hub/open_ahead.h).
Result<std::optional<std::string>> ScanFields(const ChangeEntry& c) {
  thread_local simdjson::dom::parser parser;
  // `shown_why` is `why` in the reader's language: the catalog's for a fixed sentence.
  auto bad = [&c](const std::string& why, const std::string& shown_why) {
    return Status::Corruption("change " + c.site_id + "/" + std::to_string(c.seq) + ": " + why)
        .WithShown(
            i18n::Format("change {0}/{1}: {2}", {c.site_id, std::to_string(c.seq), shown_why}));
  };
  simdjson::dom::element doc;
  if (parser.parse(c.fields_json).get(doc) != simdjson::SUCCESS) {
    return bad("fields are not valid JSON", i18n::Tr("fields are not valid JSON"));
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) {
    return bad("fields are not a JSON object", i18n::Tr("fields are not a JSON object"));
  }
  std::optional<std::string> store_id;
  std::vector<std::string_view> keys;
  keys.reserve(object.size());
  for (const auto field : object) {
    if (std::find(keys.begin(), keys.end(), field.key) != keys.end()) {
      const std::string key(field.key);
      return bad("fields name '" + key + "' twice", i18n::Format("fields name '{0}' twice", {key}));
    }
    keys.push_back(field.key);
    std::string_view value;
    if (field.key == "store_id" && field.value.get_string().get(value) == simdjson::SUCCESS) {
      store_id = std::string(value);
    }
  }
  return store_id;
}

// Why a denied store is refused: who denied its key, when and why, and how to readmit it.
Status DeniedStatus(const std::string& site_id, const storage::KeyDenial& denial) {
  return Status::Refused("store '" + site_id + "' is denied: key " + denial.key_id +
                         " was shut out by " + denial.denied_by + " at " + denial.denied_at + " (" +
                         denial.reason + "); allow a new key to readmit it")
      .WithShown(i18n::Format(
          "store '{0}' is denied: key {1} was shut out by {2} at {3} ({4}); allow a new key to "
          "readmit it",
          {site_id, denial.key_id, denial.denied_by, denial.denied_at, denial.reason}));
}

}  // namespace

Result<std::unique_ptr<Hub>> Hub::Create(const std::string& path, SecretKeys keys,
                                         const Clock& clock) {
  return Open(path, std::move(keys), clock, /*create=*/true);
}

Result<std::unique_ptr<Hub>> Hub::Open(const std::string& path, SecretKeys keys,
                                       const Clock& clock) {
  return Open(path, std::move(keys), clock, /*create=*/false);
}

Result<std::unique_ptr<Hub>> Hub::Open(const std::string& path, SecretKeys keys, const Clock& clock,
                                       bool create) {
  std::unique_ptr<Hub> hub(new Hub(std::move(keys), clock));
  // Migrated forward; what an older hub left unsigned is chained and recorded.
  ASSIGN_OR_RETURN(hub->storage_,
                   storage::OpenHubStorage(path, {.create = create, .signer = &hub->keys_}));
  return hub;
}

Result<SignedHead> Hub::CurrentHead() {
  ASSIGN_OR_RETURN(std::optional<SignedHead> head, storage_->reads().NewestHead());
  if (!head) return SignHubHead(keys_, 0, Hash256{});
  return *head;
}

Status Hub::NoteContact(const std::string& site) {
  // Messages less than 5 s apart extend the current stretch of contact (a connected
  // store's sync process says hello every 0.2 s when idle, and retries within 5 s).
  const int64_t now_ms = clock_.NowMs();
  return storage_->cursors().NoteContact(site, FormatUtcMs(now_ms), FormatUtcMs(now_ms - 5'000));
}

Status Hub::AllowStore(const PublicKeys& store) {
  ASSIGN_OR_RETURN(std::optional<storage::KeyDenial> denied,
                   storage_->keys().AllowKey(store, FormatUtcMs(clock_.NowMs())));
  if (denied) {
    // A denied key may be in someone else's hands: it never comes back.
    return Status::Refused("key " + denied->key_id + " of store '" + store.site_id +
                           "' was denied by " + denied->denied_by + " at " + denied->denied_at +
                           "; make the store a new key (outpost keygen --site " + store.site_id +
                           " --force) and allow that one")
        .WithShown(i18n::Format(
            "key {0} of store '{1}' was denied by {2} at {3}; make the store a new key (outpost"
            " keygen --site {1} --force) and allow that one",
            {denied->key_id, store.site_id, denied->denied_by, denied->denied_at}));
  }
  return Status::Ok();
}

Status Hub::DenyStore(const std::string& site_id, const std::string& staff,
                      const std::string& reason) {
  if (staff.empty()) {
    return Status::InvalidInput("staff: say who denies the store (--staff)");
  }
  if (reason.empty()) {
    return Status::InvalidInput("reason: say why the store is denied (--reason)");
  }
  ASSIGN_OR_RETURN(
      std::optional<storage::KeyDenial> earlier,
      storage_->keys().DenyLiveKey(site_id, FormatUtcMs(clock_.NowMs()), staff, reason));
  if (earlier) {
    // Already denied: said by whom, when, why.
    const Status denied = DeniedStatus(site_id, *earlier);
    return Status::Conflict(denied.message()).WithShown(denied.shown());
  }
  return Status::Ok();
}

Status CheckNotDenied(storage::KeyReader& keys, const std::string& site_id) {
  ASSIGN_OR_RETURN(std::optional<storage::KeyDenial> denial, keys.LiveKeyDenial(site_id));
  if (!denial) return Status::Ok();
  return DeniedStatus(site_id, *denial);
}

Result<PublicKeys> Hub::StoreKeys(const std::string& site_id) {
  return storage_->keys().StoreKeys(site_id);
}

Status Hub::LogSecurity(const std::optional<std::string>& site, const std::string& kind,
                        const std::string& reason) {
  // With its entry in the record log, so a deleted alarm is named by verify.
  return storage_->security_log().Append({FormatUtcMs(clock_.NowMs()), site, kind, reason});
}

bool IsHubFailure(const Status& status) {
  return status.code() == StatusCode::kIoError || status.code() == StatusCode::kRetryLater;
}

OpenedMessage OpenMessage(storage::KeyReader& keys, const SecretKeys& hub_keys,
                          std::string_view envelope) {
  OpenedMessage opened;
  auto refuse = [&opened](Status why) {
    opened.refusal = std::move(why);
    return std::move(opened);
  };
  auto header = PeekEnvelope(envelope);
  if (!header.ok()) return refuse(header.status());
  opened.site = header->site_id;
  auto sender = keys.StoreKeys(opened.site);
  // Only a store the allow-list lacks is unknown. A read that failed (the
  // database away) is the hub's own trouble and is passed on as it is: the
  // store is then left unanswered and sends again, and no one reads a false
  // "unknown store" in the log or the security log after an outage.
  if (!sender.ok() && sender.status().code() != StatusCode::kNotFound) {
    return refuse(sender.status());
  }
  if (!sender.ok())
    return refuse(Status::Refused("unknown store '" + opened.site + "'")
                      .WithShown(i18n::Format("unknown store '{0}'", {opened.site})));
  // Read for every message: a deny takes effect on the store's next one.
  if (Status denied = CheckNotDenied(keys, opened.site); !denied.ok()) return refuse(denied);
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
  // The hub failed to read, not the store to convince: no security event.
  if (IsHubFailure(opened.refusal)) return opened.refusal;
  const std::optional<std::string> site =
      opened.site.empty() ? std::nullopt : std::optional<std::string>(opened.site);
  (void)LogSecurity(site, "refused", opened.refusal.message());
  return opened.refusal;
}

Result<WireAck> Hub::Ingest(std::string_view envelope) {
  const OpenedMessage opened = OpenMessage(storage_->keys(), keys_, envelope);
  RETURN_IF_ERROR(RefuseUnopened(opened));
  return IngestOpened(opened, envelope);
}

Result<WireMessage> Hub::Handle(std::string_view envelope) {
  return Handle(OpenMessage(storage_->keys(), keys_, envelope), envelope);
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
      return refuse(Status::Refused("hello names '" + hello->site_id + "'")
                        .WithShown(i18n::Format("hello names '{0}'", {hello->site_id})));
    }
    // The skew is the store's clock less ours as the hello arrives: it
    // includes the hello's time in transit (well under the ±5 s "in step").
    const int64_t now_ms = clock_.NowMs();
    const std::optional<int64_t> skew =
        hello->sent_at_ms > 0 ? std::optional<int64_t>(hello->sent_at_ms - now_ms) : std::nullopt;
    ASSIGN_OR_RETURN(const int64_t last,
                     storage_->cursors().NoteHello(site, FormatUtcMs(now_ms), skew));
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
        Status::Refused("batch from '" + site + "' claims to be from '" + batch->site_id + "'")
            .WithShown(
                i18n::Format("batch from '{0}' claims to be from '{1}'", {site, batch->site_id})));
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
  return storage_->cursors().NoteReportedSeq(site, seq);
}

Status Hub::AttachPushes(const std::string& site, int64_t applied_push_seq,
                         int64_t applied_profile_seq, WireAck& ack) {
  RETURN_IF_ERROR(storage_->outbox().MarkApplied(site, applied_push_seq));
  ASSIGN_OR_RETURN(std::vector<storage::OutboxEntry> pending,
                   storage_->outbox().After(site, applied_push_seq, 100));
  for (auto& p : pending) ack.pushes.push_back({p.seq, std::move(p.request_json)});
  ASSIGN_OR_RETURN(ack.profiles, ProfilesAfter(storage_->identity(), site, applied_profile_seq,
                                               kProfilesPerAnswer));
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

Result<RefreshStats> Hub::RefreshSegments() {
  RETURN_IF_ERROR(MakeIdentity().Resolve(false).status());
  std::vector<std::string> visited;
  RETURN_IF_ERROR(
      storage_->campaigns().ForEachCompletedVisit([&](const storage::CompletedVisit& v) -> Status {
        visited.push_back(v.unified_id);
        return Status::Ok();
      }));
  std::sort(visited.begin(), visited.end());
  visited.erase(std::unique(visited.begin(), visited.end()), visited.end());
  RETURN_IF_ERROR(storage_->identity().MarkProfilesDirty(visited));
  return RefreshProfiles();
}

Status Hub::WithSegments(Profiles& profiles) {
  ASSIGN_OR_RETURN(SegmentRulesInForce rules, ReadSegmentRules(storage_->campaigns()));
  ASSIGN_OR_RETURN(LocalDate today, HeadOfficeToday(clock_));
  profiles.WithSegments(rules.rules, today);
  return Status::Ok();
}

Result<WireLookupReply> Hub::Lookup(const std::string& site, const std::string& phone,
                                    const std::string& staff) {
  ASSIGN_OR_RETURN(auto key, LookupKey());
  Profiles profiles(storage_->identity(), clock_, key);
  RETURN_IF_ERROR(WithSegments(profiles));
  return profiles.Lookup(site, phone, staff);
}

Result<RefreshStats> Hub::RefreshProfiles() {
  ASSIGN_OR_RETURN(auto key, LookupKey());
  Profiles profiles(storage_->identity(), clock_, key);
  RETURN_IF_ERROR(WithSegments(profiles));
  return profiles.Refresh();
}

Result<std::optional<StoreCalendar>> Hub::CalendarOf(const std::string& site) {
  return ReadCalendar(storage_->reads(), site);
}

Result<std::optional<StoreCalendar>> ReadCalendar(storage::HubReads& reads,
                                                  const std::string& site) {
  ASSIGN_OR_RETURN(std::optional<std::string> fields, reads.CalendarFields(site));
  if (!fields) return std::optional<StoreCalendar>();
  auto calendar = ParseStoreCalendar(nlohmann::json::parse(*fields, nullptr, false));
  if (!calendar.ok()) {
    return Status::Corruption(site + "'s calendar as synced: " + calendar.status().message())
        .WithShown(
            i18n::Format("{0}'s calendar as synced: {1}", {site, calendar.status().shown()}));
  }
  return std::optional<StoreCalendar>(std::move(calendar).value());
}

Result<std::string> Hub::CheckRequestedSlot(const std::string& site,
                                            const std::optional<StoreCalendar>& calendar,
                                            const std::string& date_text,
                                            const std::string& slot_text) {
  auto time = LocalTime::Parse(slot_text);
  if (!time.ok()) {
    return Status::InvalidInput("slot: '" + slot_text + "' is not a time (HH:MM)")
        .WithShown(i18n::Format("slot: '{0}' is not a time (HH:MM)", {slot_text}));
  }
  if (!calendar) {
    auto date = LocalDate::Parse(date_text);
    if (date.ok()) return date->ToString();
    if (ParseDeskDate(date_text, LocalDate{2026, 1, 1}).ok()) {
      return Status::InvalidInput("date: '" + date_text +
                                  "' is relative, and head office does not know " + site +
                                  "'s time zone yet (its settings come with its next sync); give "
                                  "the date as YYYY-MM-DD")
          .WithShown(i18n::Format(
              "date: '{0}' is relative, and head office does not know {1}'s time zone"
              " yet (its settings come with its next sync); give the date as YYYY-MM-DD",
              {date_text, site}));
    }
    return Status::InvalidInput("date: '" + date_text + "': " + date.status().message())
        .WithShown(i18n::Format("date: '{0}': {1}", {date_text, date.status().shown()}));
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
                  site + " cannot take it: " + bookable.status().message())
        .WithShown(i18n::Format("{0} cannot take it: {1}", {site, bookable.status().shown()}));
  }
  return date.ToString();
}

Result<QueuedRequest> Hub::QueueBooking(const std::string& site, const nlohmann::json& request,
                                        const std::string& staff) {
  for (const char* field : {"phone", "date", "slot"}) {
    if (!request.contains(field) || !request[field].is_string() ||
        request[field].get<std::string>().empty()) {
      return Status::InvalidInput(std::string(field) + ": required for a call-centre booking")
          .WithShown(i18n::Format("{0}: required for a call-centre booking", {field}));
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
    return Status::InvalidInput("request: '" + kind + "' is neither cancel nor reschedule")
        .WithShown(i18n::Format("request: '{0}' is neither cancel nor reschedule", {kind}));
  }
  if (kind == "reschedule") {
    for (const char* field : {"date", "slot"}) {
      if (!details.contains(field) || !details[field].is_string() ||
          details[field].get<std::string>().empty()) {
        return Status::InvalidInput(std::string(field) + ": required to move a booking")
            .WithShown(i18n::Format("{0}: required to move a booking", {field}));
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
  ASSIGN_OR_RETURN(std::vector<storage::FoundEntity> found,
                   storage_->reads().BookingsNamed(site, booking, 2));
  if (found.empty()) {
    return Status::NotFound("booking: '" + booking + "' is not a booking of " + site +
                            " that head office knows (it may not have synced yet)")
        .WithShown(
            i18n::Format("booking: '{0}' is not a booking of {1} that head office knows (it may not"
                         " have synced yet)",
                         {booking, site}));
  }
  if (found.size() > 1) {
    return Status::InvalidInput("booking: '" + booking + "' matches several bookings")
        .WithShown(i18n::Format("booking: '{0}' matches several bookings", {booking}));
  }
  const std::string id = found.front().entity_id;
  const std::string ref = found.front().ref.value_or("");
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
  ASSIGN_OR_RETURN(std::vector<storage::FoundEntity> found,
                   storage_->reads().CasesNamed(case_query, site_hint));
  if (found.empty()) {
    if (site_hint.empty()) {
      return Status::NotFound("case: no case '" + case_query + "' known at head office")
          .WithShown(i18n::Format("case: no case '{0}' known at head office", {case_query}));
    }
    return Status::NotFound("case: no case '" + case_query + "' known at head office for store " +
                            site_hint)
        .WithShown(i18n::Format("case: no case '{0}' known at head office for store {1}",
                                {case_query, site_hint}));
  }
  const std::string id = found.front().entity_id, site = found.front().owner_site;
  const std::string ref = found.front().ref.value_or("");
  const std::string status = found.front().status.value_or("");
  std::vector<std::string> sites;
  sites.reserve(found.size());
  for (const auto& f : found) sites.push_back(f.owner_site);
  if (sites.size() > 1) {
    std::string named, options;
    for (const auto& s : sites) {
      named += (named.empty() ? "" : " and ") + s;
      options += (options.empty() ? "--store " : " or --store ") + s;
    }
    return Status::InvalidInput("case: '" + case_query + "' is a case at " + named +
                                "; say which with " + options)
        .WithShown(i18n::Format("case: '{0}' is a case at {1}; say which with {2}",
                                {case_query, named, options}));
  }
  if (status == "resolved") {
    return Status::Refused("case " + ref + " at " + site + " is resolved")
        .WithShown(i18n::Format("case {0} at {1} is resolved", {ref, site}));
  }
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
  request.staff = staff;
  request.requested_at = FormatUtcMs(clock_.NowMs());  // business time: when the customer asked
  // Only stores on the allow-list; the next seq of the store's, recorded.
  return storage_->outbox().Append(site, model::HeadOfficeRequestJson(request).dump(),
                                   FormatUtcMs(clock_.NowMs()), staff);
}

Result<WireAck> Hub::ApplyBatch(const WireBatch& batch,
                                const std::vector<std::optional<std::string>>& named_stores,
                                std::string_view envelope, const Hash256& envelope_hash) {
  const std::string& site = batch.site_id;
  const std::string now = FormatUtcMs(clock_.NowMs());
  // One unit of work: the changes, the entities, the archive and the cursor
  // land together on its commit, or not at all.
  ASSIGN_OR_RETURN(std::unique_ptr<storage::IngestUnit> unit, storage_->BeginIngest());
  ASSIGN_OR_RETURN(std::optional<storage::StoreCursor> cursor, unit->ReadCursor(site));
  if (!cursor)
    return Status::Refused("store '" + site + "' has no cursor")
        .WithShown(i18n::Format("store '{0}' has no cursor", {site}));
  const int64_t last_seq = cursor->last_seq;
  const Hash256 last_hash = cursor->last_hash;

  int64_t resent = 0;  // changes in this batch the hub had already applied
  auto ack = [&](int64_t seq, std::string status) -> Result<WireAck> {
    RETURN_IF_ERROR(unit->NoteBatchContact(site, now, resent));
    RETURN_IF_ERROR(unit->Commit());
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
      unit.reset();  // roll back first: the log entry must outlive the refusal
      (void)LogSecurity(site, "refused", reason);
      return Status::Refused(reason);
    }
  }
  const size_t known = static_cast<size_t>(
      std::clamp<int64_t>(last_seq - changes.front().seq + 1, 0, std::ssize(changes)));
  for (const auto& change : changes.first(known)) {
    ASSIGN_OR_RETURN(std::optional<Hash256> stored, unit->ChangeHash(site, change.seq));
    if (!stored || *stored != change.hash) {
      const std::string reason = "equivocation: store '" + site + "' sent seq " +
                                 std::to_string(change.seq) +
                                 " with content different from what the hub applied";
      unit.reset();  // roll back before logging in a transaction of its own
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
    unit.reset();
    (void)LogSecurity(site, "refused", reason);
    return Status::Corruption(reason);
  }
  RETURN_IF_ERROR(unit->Prefetch(fresh));
  for (size_t i = known; i < changes.size(); ++i) {
    Status st = ApplyChange(*unit, changes[i], named_stores[i]);
    if (!st.ok()) {
      unit.reset();
      (void)LogSecurity(site, "refused", st.message());
      return st;
    }
  }
  // Archived verbatim as the next entry of the hub's signed log. A backend
  // that writes the batch's rows together writes them here, so a change it
  // finds held already is refused here, and logged as ApplyChange's are.
  Status archived =
      unit->ArchiveBatch({site, fresh.front().seq, fresh.back().seq, now, envelope, envelope_hash})
          .status();
  if (archived.code() == StatusCode::kConflict) {
    unit.reset();
    (void)LogSecurity(site, "refused", archived.message());
  }
  RETURN_IF_ERROR(archived);
  RETURN_IF_ERROR(unit->MoveCursor(site, fresh.back().seq, fresh.back().hash, now));
  // Acknowledged only after the commit: an ack is a promise the hub keeps.
  return ack(fresh.back().seq, "ok");
}

Status Hub::ApplyChange(storage::IngestUnit& unit, const ChangeEntry& c,
                        const std::optional<std::string>& named_store) {
  RETURN_IF_ERROR(unit.StoreChange(c));

  // Who owns an entity this change would create: a booking belongs to the store
  // it is at (its store_id), anything else to the site that created it.
  const std::string& creator = named_store ? *named_store : c.site_id;
  // A new entity, the common case: written as the store wrote it, without a read.
  if (c.op == "insert") {
    const std::string& owner = creator;
    if (owner != c.site_id) {
      return Status::Refused("store '" + c.site_id + "' wrote " + c.entity + " " + c.entity_id +
                             ", which belongs to '" + owner + "'")
          .WithShown(i18n::Format("store '{0}' wrote {1} {2}, which belongs to '{3}'",
                                  {c.site_id, c.entity, c.entity_id, owner}));
    }
    ASSIGN_OR_RETURN(bool inserted, unit.InsertEntity({c.entity, c.entity_id, owner, c.fields_json,
                                                       "{}", c.hlc, c.hlc}));
    if (inserted) return Status::Ok();
    // The id exists already: merge below, which also checks whose it is.
  }

  const json fields = json::parse(c.fields_json, nullptr, /*allow_exceptions=*/false);
  if (!fields.is_object()) {
    return Status::Corruption("change " + c.site_id + "/" + std::to_string(c.seq) +
                              ": fields are not a JSON object")
        .WithShown(i18n::Format("change {0}/{1}: fields are not a JSON object",
                                {c.site_id, std::to_string(c.seq)}));
  }
  ASSIGN_OR_RETURN(std::optional<storage::EntityRow> held, unit.ReadEntity(c.entity, c.entity_id));
  std::string owner = held ? held->owner_site : creator;
  json state = held ? json::parse(held->fields_json, nullptr, false) : json::object();
  json hlcs = held ? json::parse(held->field_hlcs_json, nullptr, false) : json::object();
  const uint64_t base_hlc = held ? held->base_hlc : c.hlc;
  if (!state.is_object() || !hlcs.is_object()) {
    return Status::Corruption("hub entity " + c.entity + " " + c.entity_id + " is damaged")
        .WithShown(i18n::Format("hub entity {0} {1} is damaged", {c.entity, c.entity_id}));
  }
  // A store writes only its own rows.
  if (owner != c.site_id) {
    return Status::Refused("store '" + c.site_id + "' wrote " + c.entity + " " + c.entity_id +
                           ", which belongs to '" + owner + "'")
        .WithShown(i18n::Format("store '{0}' wrote {1} {2}, which belongs to '{3}'",
                                {c.site_id, c.entity, c.entity_id, owner}));
  }
  // The merge rules live in sync/merge.h (docs/CONFLICTS.md).
  auto merged = MergeFields(state, hlcs, fields, Stamp{c.hlc, c.site_id}, Stamp{base_hlc, owner});
  if (!merged.ok()) {
    return Status::Corruption("hub entity " + c.entity + " " + c.entity_id + ": " +
                              merged.status().message())
        .WithShown(i18n::Format("hub entity {0} {1}: {2}",
                                {c.entity, c.entity_id, merged.status().shown()}));
  }
  return unit.WriteMergedEntity(
      {c.entity, c.entity_id, owner, state.dump(), hlcs.dump(), c.hlc, base_hlc});
}

Result<std::string> Hub::SealReply(const WireAck& ack) {
  return SealReply(WireMessage(ack), ack.site_id);
}

Result<std::string> Hub::SealReply(const WireMessage& reply, const std::string& site) {
  ASSIGN_OR_RETURN(PublicKeys store, StoreKeys(site));
  return SealEnvelope(EncodeMessage(reply), keys_, store, Direction::kHubToStore, site);
}

Result<WireLogReply> Hub::AnswerLogRequest(const std::string& site, const WireLogRequest& request) {
  // One read scope: every part of the answer describes the same moment.
  ASSIGN_OR_RETURN(std::unique_ptr<storage::ReadScope> scope, storage_->BeginRead());
  WireLogReply reply;
  reply.site_id = site;
  ASSIGN_OR_RETURN(std::optional<storage::StoreCursor> cursor, storage_->cursors().Read(site));
  if (!cursor)
    return Status::Refused("store '" + site + "' has no cursor")
        .WithShown(i18n::Format("store '{0}' has no cursor", {site}));
  reply.last_seq = cursor->last_seq;
  reply.last_hash = cursor->last_hash;
  reply.applied_push_seq = cursor->applied_push_seq;

  constexpr int64_t kMaxChanges = 5000;  // per answer, like a batch
  if (request.to_seq >= request.from_seq && request.from_seq > 0) {
    const int64_t to = std::min(request.to_seq, request.from_seq + kMaxChanges - 1);
    ASSIGN_OR_RETURN(reply.changes, storage_->reads().Changes(site, request.from_seq, to));
  }

  if (request.state_digests || !request.state_buckets.empty()) {
    std::vector<bool> wanted(kStateBuckets, false);
    for (int b : request.state_buckets) {
      if (b >= 0 && b < kStateBuckets) wanted[b] = true;
    }
    StateDigester digester;
    RETURN_IF_ERROR(
        storage_->reads().ForEachEntityOf(site, [&](const storage::EntityFields& e) -> Status {
          const json fields = json::parse(e.fields_json, nullptr, false);
          const std::string canonical = CanonicalState(fields);
          if (request.state_digests) digester.Add(e.entity, e.entity_id, canonical);
          if (wanted[StateBucket(e.entity_id)]) {
            reply.state_rows.push_back({e.entity, e.entity_id, canonical});
          }
          return Status::Ok();
        }));
    if (request.state_digests) reply.state_digests = digester.Finish();
  }

  if (request.hub_log_limit > 0) {
    ASSIGN_OR_RETURN(reply.hub_log,
                     storage_->reads().HubLog(request.hub_log_after, request.hub_log_limit));
  }
  ASSIGN_OR_RETURN(reply.hub_head, CurrentHead());
  return reply;
}

Result<std::vector<std::string>> Hub::AllowedSites() { return storage_->keys().AllowedSites(); }

Result<std::vector<SecurityEvent>> Hub::SecurityLog() { return storage_->security_log().List(); }

Result<std::string> Hub::StateDigest() {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  RETURN_IF_ERROR(storage_->reads().ForEachEntity([&](const storage::EntityFields& e) -> Status {
    for (const std::string* value : {&e.entity, &e.entity_id, &e.fields_json}) {
      uint64_t len = value->size();
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&len), sizeof len);
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(value->data()),
                                value->size());
    }
    return Status::Ok();
  }));
  Hash256 out;
  crypto_generichash_final(&state, out.data(), out.size());
  return HashHex(out);
}

}  // namespace outpost::hub
