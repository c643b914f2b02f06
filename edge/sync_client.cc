#include "edge/sync_client.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "edge/hub_link.h"
#include "edge/profiles.h"
#include "schema/migrations.h"
#include "sync/changelog.h"
#include "sync/envelope.h"
#include "sync/i18n/messages.h"
#include "sync/model/request.h"
#include "sync/wire.h"

namespace outpost::edge {

Result<SyncStatus> ReadSyncStatus(Db& db) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT (SELECT coalesce(max(seq), 0) FROM change_log),"
                              " hub_acked_seq, last_contact, offline_since, last_status,"
                              " hub_reads_zstd FROM sync_state"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Corruption("sync_state is missing");
  SyncStatus status{st.Int(0),          st.Int(1),          st.OptionalText(2), st.OptionalText(3),
                    st.OptionalText(4), HashHex(Hash256{}), st.Int(5) != 0};
  ASSIGN_OR_RETURN(auto head, ReadChanges(db, status.last_seq, 1));
  if (!head.empty()) status.log_head = HashHex(head.front().hash);
  return status;
}

Result<std::unique_ptr<SyncClient>> SyncClient::Create(const std::string& db_path,
                                                       const std::string& endpoints,
                                                       const SecretKeys& keys,
                                                       const PublicKeys& hub, const Clock& clock,
                                                       int reply_timeout_ms) {
  if (reply_timeout_ms < 10 || reply_timeout_ms > 600'000) {
    return Status::InvalidInput("reply timeout: " + std::to_string(reply_timeout_ms) +
                                " ms must be 10 to 600000")
        .WithShown(i18n::Format("reply timeout: {0} ms must be 10 to 600000",
                                {std::to_string(reply_timeout_ms)}));
  }
  ASSIGN_OR_RETURN(auto list, SplitHubEndpoints(endpoints));
  ASSIGN_OR_RETURN(auto client, CreateWithoutTransport(db_path, keys, hub, clock));
  ASSIGN_OR_RETURN(client->endpoint_, StoreEndpoint::Connect(list.front(), keys, hub));
  client->reply_timeout_ms_ = reply_timeout_ms;
  client->endpoints_ = std::move(list);
  client->hub_endpoint_ = client->endpoints_.front();
  return client;
}

Result<std::unique_ptr<SyncClient>> SyncClient::CreateWithoutTransport(const std::string& db_path,
                                                                       SecretKeys keys,
                                                                       PublicKeys hub,
                                                                       const Clock& clock) {
  Db::Options options;
  options.create_if_missing = false;
  ASSIGN_OR_RETURN(auto db, Db::Open(db_path, options));
  RETURN_IF_ERROR(db->Migrate(schema::EdgeMigrations()));
  ASSIGN_OR_RETURN(Statement st, db->Prepare("SELECT store_id FROM store_config"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return Status::NotFound("'" + db_path + "' is not an initialised store")
        .WithShown(i18n::Format("'{0}' is not an initialised store", {db_path}));
  }
  const std::string site = st.Text(0);
  if (keys.pub.site_id != site) {
    return Status::InvalidInput("keys are for '" + keys.pub.site_id + "' but this store is '" +
                                site + "'")
        .WithShown(
            i18n::Format("keys are for '{0}' but this store is '{1}'", {keys.pub.site_id, site}));
  }
  ASSIGN_OR_RETURN(auto store, Store::Open(db_path, clock));
  // Head office checks call-centre requests against the store's calendar.
  RETURN_IF_ERROR(store->LogCalendarIfUnlogged());
  return std::unique_ptr<SyncClient>(new SyncClient(std::move(db), std::move(store), nullptr,
                                                    std::move(keys), std::move(hub), site, clock));
}

Status SyncClient::Record(std::optional<int64_t> acked, const std::string& status, bool answered,
                          std::optional<bool> hub_reads_zstd) {
  const std::string now = FormatUtcMs(clock_.NowMs());
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Statement st,
                   db_->Prepare("UPDATE sync_state SET"
                                " hub_acked_seq = coalesce(?1, hub_acked_seq),"
                                " last_contact = CASE WHEN ?2 THEN ?3 ELSE last_contact END,"
                                " offline_since = CASE WHEN ?2 THEN NULL"
                                "   ELSE coalesce(offline_since, ?3) END,"
                                " last_status = ?4,"
                                " hub_reads_zstd = coalesce(?5, hub_reads_zstd)"));
  if (acked) {
    st.Bind(1, *acked);
  } else {
    st.BindNull(1);
  }
  st.Bind(2, int64_t{answered}).Bind(3, now).Bind(4, status);
  if (hub_reads_zstd) {
    st.Bind(5, int64_t{*hub_reads_zstd});
  } else {
    st.BindNull(5);
  }
  RETURN_IF_ERROR(st.Run());
  return tx->Commit();
}

Status SyncClient::RecordNoAnswer(const std::string& why) {
  return Record(std::nullopt, why, false);
}

Result<std::string> SyncClient::NextMessage() {
  ASSIGN_OR_RETURN(auto messages, NextMessages(1));
  return std::move(messages.front());
}

Result<std::vector<std::string>> SyncClient::NextMessages() {
  return NextMessages(kBatchesInFlight);
}

Result<std::vector<std::string>> SyncClient::NextMessages(int batches) {
  ASSIGN_OR_RETURN(SyncStatus state, ReadSyncStatus(*db_));
  ASSIGN_OR_RETURN(int64_t applied_push, store_->LastHubRequest());
  ASSIGN_OR_RETURN(int64_t held_profiles, HeldProfileSeq(*db_));
  const int schema_version = schema::EdgeMigrations().back().version;
  // Batches compressed once the hub has said it reads them; a hello never is,
  // so a hub of any version can always answer it.
  auto seal = [&](const WireMessage& message, Compression compression = Compression::kNone) {
    return SealEnvelope(EncodeMessage(message), keys_, hub_, Direction::kStoreToHub, site_,
                        compression);
  };
  std::vector<std::string> sealed;
  last_messages_are_batches_ = state.waiting() > 0;
  if (state.waiting() <= 0) {
    sealed.push_back(seal(WireHello{site_, schema_version, state.last_seq, applied_push,
                                    held_profiles, clock_.NowMs()}));
    return sealed;
  }
  for (int64_t from = state.hub_acked_seq + 1;
       from <= state.last_seq && std::ssize(sealed) < batches; from += batch_changes_) {
    ASSIGN_OR_RETURN(auto changes, ReadChanges(*db_, from, batch_changes_));
    sealed.push_back(
        seal(WireBatch{site_, schema_version, std::move(changes), applied_push, held_profiles},
             state.hub_reads_zstd ? Compression::kZstd : Compression::kNone));
  }
  return sealed;
}

Result<bool> SyncClient::HandleReply(std::string_view sealed) {
  auto opened = OpenEnvelope(sealed, keys_, hub_, Direction::kHubToStore);
  if (!opened.ok()) return false;  // not from our hub: ignore it
  auto decoded = DecodeMessage(opened.value());
  if (!decoded.ok()) return false;
  const auto* ack = std::get_if<WireAck>(&decoded.value());
  if (!ack || ack->site_id != site_) return false;
  // The hub's word on where it stands wins, forward or back (a hub restored
  // from an older backup asks for a resend from its cursor).
  RETURN_IF_ERROR(Record(ack->acked_seq, ack->status, true, ack->reads_zstd));
  if (ack->hub_head) {
    // A head not signed by the pinned hub is kept nowhere and said in the status.
    Status kept = KeepHubHead(*db_, hub_, *ack->hub_head, clock_.NowMs());
    if (!kept.ok()) RETURN_IF_ERROR(Record(std::nullopt, kept.message(), true));
  }
  RETURN_IF_ERROR(ApplyPushes(ack->pushes));
  // A damaged profile is the hub's fault, not this store's: said, not fatal.
  Status kept = KeepProfiles(*db_, ack->profiles, clock_.NowMs());
  if (!kept.ok() && kept.code() != StatusCode::kCorruption) return kept;
  if (!kept.ok()) RETURN_IF_ERROR(Record(std::nullopt, kept.message(), true));
  profiles_in_last_answer_ = !ack->profiles.empty();
  return true;
}

Status SyncClient::RunOnce() {
  if (!endpoint_) return Status::InvalidInput("sync client has no transport");
  ASSIGN_OR_RETURN(std::vector<std::string> messages, NextMessages());
  // A fresh link may still be connecting (TCP and the CURVE handshake): give it
  // up to a second before counting the hub unreachable (`sync --once`).
  const auto connect_deadline = std::chrono::steady_clock::now() +
                                std::chrono::milliseconds(std::min(reply_timeout_ms_, 1000));
  for (const auto& sealed : messages) {
    Status sent = endpoint_->Send(sealed);
    while (!sent.ok() && sent.code() == StatusCode::kRetryLater &&
           std::chrono::steady_clock::now() < connect_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      sent = endpoint_->Send(sealed);
    }
    if (!sent.ok()) {
      // Why, as far as the transport can tell: nothing listening, our key
      // refused, the hub's key not the pinned one (sync/transport.h).
      const std::string why = "hub unreachable: " + endpoint_->Link().text;
      RETURN_IF_ERROR(RecordNoAnswer(why));
      RETURN_IF_ERROR(NoteUnansweredRound());
      return Status::RetryLater(why);
    }
  }
  if (last_messages_are_batches_) batches_sent_ += std::ssize(messages);
  // Wait for an Ack to each; stale replies to earlier requests are read and used too.
  // Timed on the steady clock: the business clock may be pinned or stepped.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(reply_timeout_ms_);
  size_t answers = 0;
  while (answers < messages.size()) {
    const int64_t left = std::chrono::duration_cast<std::chrono::milliseconds>(
                             deadline - std::chrono::steady_clock::now())
                             .count();
    if (left <= 0) break;
    ASSIGN_OR_RETURN(auto reply, endpoint_->Receive(static_cast<int>(left)));
    if (!reply) break;
    ASSIGN_OR_RETURN(bool answered, HandleReply(*reply));
    if (answered) ++answers;
  }
  if (answers == messages.size()) {
    unanswered_rounds_ = 0;
    return Status::Ok();
  }
  RETURN_IF_ERROR(RecordNoAnswer("no answer from hub"));
  RETURN_IF_ERROR(NoteUnansweredRound());
  return Status::RetryLater("no answer from hub");
}

Status SyncClient::NoteUnansweredRound() {
  if (endpoints_.size() < 2 || ++unanswered_rounds_ < kUnansweredBeforeFailover) {
    return Status::Ok();
  }
  unanswered_rounds_ = 0;
  current_ = (current_ + 1) % endpoints_.size();
  // The old link's unanswered requests die with its socket; the new hub
  // process answers from the cursor it reads from the shared database.
  ASSIGN_OR_RETURN(endpoint_, StoreEndpoint::Connect(endpoints_[current_], keys_, hub_));
  hub_endpoint_ = endpoints_[current_];
  ++failovers_;
  return Status::Ok();
}

Status SyncClient::ApplyPushes(const std::vector<WirePush>& pushes) {
  ASSIGN_OR_RETURN(int64_t last, store_->LastHubRequest());
  for (const auto& push : pushes) {
    if (push.seq <= last) continue;  // a late or repeated ack: already answered
    auto parsed = model::ParseHeadOfficeRequest(
        nlohmann::json::parse(push.request_json, nullptr, /*allow_exceptions=*/false));
    if (!parsed.ok()) {
      // Malformed: recorded for staff to act on, never left to block the requests after it.
      RETURN_IF_ERROR(store_->RecordHubRequestRefused(push.seq, parsed.status().ToString()));
      last = push.seq;
      continue;
    }
    const model::HeadOfficeRequest& request = parsed.value();
    const std::string staff =
        request.staff.empty() ? "call centre" : "call centre: " + request.staff;
    if (request.kind == "invite" || request.kind == "opt-out" || request.kind == "holidays" ||
        request.kind == "task-attempt") {
      // Outreach: an invitation to plan, a customer's opt-out, the chain's
      // calendar; or head office's call on one of our follow-up tasks
      // (docs/FOLLOWUP.md). Each answered applied, or refused with why.
      Status applied = request.kind == "task-attempt"
                           ? store_->ApplyHeadOfficeTaskAttempt(push.seq, request)
                           : store_->ApplyHeadOfficeOutreach(push.seq, request);
      if (!applied.ok()) {
        if (applied.code() == StatusCode::kIoError || applied.code() == StatusCode::kRetryLater) {
          return applied;
        }
        RETURN_IF_ERROR(
            store_->RecordHubRequestRefused(push.seq, applied.ToString(), request.kind));
      }
      last = push.seq;
      continue;
    }
    if (request.kind != "book") {
      // A cancel or a move of one of our bookings, or a case head office
      // handled: the store's record of what happened decides
      // (Store::ApplyHeadOfficeChange).
      const std::string& kind = request.kind;
      const std::string target = kind == "resolve-case" ? request.case_ref : request.booking_id;
      HeadOfficeChange change{push.seq,     kind,           target, request.date,
                              request.slot, request.reason, staff,  request.requested_at};
      auto applied = store_->ApplyHeadOfficeChange(change);
      if (!applied.ok()) {
        const StatusCode code = applied.status().code();
        if (code == StatusCode::kIoError || code == StatusCode::kRetryLater)
          return applied.status();
        // A kind this store does not know (a newer head office) is refused
        // under its own name, never left to block the requests after it.
        RETURN_IF_ERROR(
            store_->RecordHubRequestRefused(push.seq, applied.status().ToString(), kind));
      }
      last = push.seq;
      continue;
    }
    BookingRequest r;
    r.customer = request.phone;
    if (!request.name.empty()) r.create_customer = NewCustomer{request.name, {request.phone}};
    r.vehicle.plate = request.plate;
    if (!request.service.empty()) r.service = request.service;
    r.date = request.date;
    r.time = request.slot;
    r.channel = "call-centre";
    r.notes = request.notes;
    r.staff = staff;
    r.hub_request_seq = push.seq;
    // The call centre already told the customer yes: a full slot or a
    // duplicate becomes a conflict case at this store, not a refusal.
    r.promised = true;
    r.requested_at = request.requested_at;
    // Business time by head office's clock. A request cannot have been made
    // after it reached this store: a time ahead of this store's clock is the
    // two clocks disagreeing (a store's clock may be hours off), so it is
    // judged as of now, when it arrived, instead of refused as "in the future".
    const int64_t now_ms = clock_.NowMs();
    if (auto asked = ParseUtcMs(r.requested_at); asked.ok() && asked.value() > now_ms) {
      r.requested_at = FormatUtcMs(now_ms);
    }
    r.source = "call-centre request " + std::to_string(push.seq);
    auto booked = store_->BookForHeadOffice(r);
    if (!booked.ok()) {
      const StatusCode code = booked.status().code();
      if (code == StatusCode::kIoError || code == StatusCode::kRetryLater) {
        return booked.status();  // not the request's fault: try again next round
      }
      // Refused by this store's rules or malformed: recorded for staff to act on.
      RETURN_IF_ERROR(store_->RecordHubRequestRefused(push.seq, booked.status().ToString()));
    }
    last = push.seq;
  }
  return Status::Ok();
}

void DefineSyncMetrics(Metrics& metrics) {
  metrics.DefineGauge("outpost_sync_changes_waiting",
                      "changes in the store's log the hub has not acknowledged");
  metrics.DefineGauge("outpost_sync_last_contact_age_seconds",
                      "seconds since the hub last answered (absent: never)");
  metrics.DefineGauge("outpost_sync_online", "1 when the hub answered the last round, else 0");
  metrics.DefineCounter("outpost_sync_batches_sent_total",
                        "batches of changes sent to the hub (a resend counts again)");
  metrics.DefineCounter("outpost_sync_hub_failovers_total",
                        "switches to the next hub endpoint after unanswered rounds");
}

void SyncClient::LogRound(const Status& st, const Result<SyncStatus>& state, const Logger& log) {
  const int64_t waiting = state.ok() ? state->waiting() : 0;
  if (!logged_endpoint_.empty() && logged_endpoint_ != hub_endpoint_) {
    log.Warn("trying another hub endpoint", {{"from", logged_endpoint_}, {"to", hub_endpoint_}});
    if (phase_ == LinkPhase::kOnline) phase_ = LinkPhase::kStarting;  // "online" names the new one
  }
  logged_endpoint_ = hub_endpoint_;
  if (st.ok()) {
    if (phase_ != LinkPhase::kOnline) {
      log.Info("online", {{"hub", hub_endpoint_}, {"waiting", waiting}});
      phase_ = LinkPhase::kOnline;
      caught_up_logged_ = false;
    }
    if (!caught_up_logged_ && state.ok() && waiting == 0) {
      log.Info("caught up", {{"waiting", int64_t{0}}});
      caught_up_logged_ = true;
    }
    return;
  }
  if (st.code() != StatusCode::kRetryLater) {
    // The store's own trouble (its database), not the hub's: said each time it changes.
    if (refusal_ != st.message()) log.Error("round failed", {{"error", st.ToString()}});
    refusal_ = st.message();
    return;
  }
  const LinkState link = endpoint_ ? endpoint_->Link().state : LinkState::kConnecting;
  if (link == LinkState::kKeyRefused || link == LinkState::kHandshakeBroken) {
    if (phase_ != LinkPhase::kRefused || refusal_ != st.message()) {
      log.Error("refused by the hub",
                {{"hub", hub_endpoint_}, {"reason", st.message()}, {"waiting", waiting}});
    }
    phase_ = LinkPhase::kRefused;
    refusal_ = st.message();
    return;
  }
  if (phase_ == LinkPhase::kOffline) return;
  const char* reason = link == LinkState::kNothingListening ? "connection refused"
                       : link == LinkState::kLost           ? "connection lost"
                       : link == LinkState::kConnected      ? "timeout"
                       : link == LinkState::kHubCannotCheck ? "hub cannot check key"
                                                            : "cannot connect";
  const std::string since =
      state.ok() && state->offline_since ? *state->offline_since : FormatUtcMs(clock_.NowMs());
  log.Warn(
      "offline since " + since,
      {{"hub", hub_endpoint_}, {"reason", reason}, {"detail", st.message()}, {"waiting", waiting}});
  phase_ = LinkPhase::kOffline;
  refusal_.clear();
}

void SyncClient::KeepMetrics(const Status& st, const Result<SyncStatus>& state,
                             Metrics& metrics) const {
  metrics.Set("outpost_sync_online", st.ok() ? 1 : 0);
  metrics.Set("outpost_sync_batches_sent_total", static_cast<double>(batches_sent_));
  metrics.Set("outpost_sync_hub_failovers_total", static_cast<double>(failovers_));
  if (!state.ok()) return;
  metrics.Set("outpost_sync_changes_waiting", static_cast<double>(state->waiting()));
  if (state->last_contact) {
    if (auto at = ParseUtcMs(*state->last_contact); at.ok()) {
      metrics.SetSince("outpost_sync_last_contact_age_seconds", at.value());
    }
  }
}

void SyncClient::Run(const std::atomic<bool>& stop, const SyncObservers& observers) {
  int backoff_ms = 100;
  std::optional<int64_t> catch_up_from;  // the hub's acknowledged seq when a catch-up began
  while (!stop.load()) {
    if (observers.each_turn) observers.each_turn();
    if (observers.catch_up && !catch_up_from) {
      auto before = ReadSyncStatus(*db_);
      if (before.ok() && before->waiting() > 0) catch_up_from = before->hub_acked_seq;
    }
    Status st = RunOnce();
    // A stop signal interrupts the wait for the hub's answer (EINTR): a round
    // cut short by us on a connected link says nothing of the link.
    if (!st.ok() && stop.load() && endpoint_ && endpoint_->Link().state == LinkState::kConnected) {
      break;
    }
    auto state = ReadSyncStatus(*db_);
    if (catch_up_from && state.ok()) {
      const bool ended = !st.ok() || state->waiting() <= 0;
      observers.catch_up(state->hub_acked_seq - *catch_up_from, state->last_seq - *catch_up_from,
                         ended);
      if (ended) catch_up_from.reset();
    }
    if (observers.log) LogRound(st, state, *observers.log);
    if (observers.metrics) KeepMetrics(st, state, *observers.metrics);
    auto answered = store_->LastHubRequest();
    // More to do at once: changes waiting, answers to report, or profiles
    // still coming (a store back from a long outage drains them over rounds).
    const bool more = st.ok() && state.ok() &&
                      (state->waiting() > 0 || (answered.ok() && answered.value() > reported_) ||
                       profiles_in_last_answer_);
    if (answered.ok()) reported_ = answered.value();
    if (more) {
      backoff_ms = 100;
      continue;  // drain without pausing
    }
    const int pause = st.ok() ? 200 : backoff_ms;
    if (!st.ok()) backoff_ms = std::min(backoff_ms * 2, 5000);
    if (st.ok()) backoff_ms = 100;
    for (int waited = 0; waited < pause && !stop.load(); waited += 50) {
      if (observers.each_turn) observers.each_turn();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

}  // namespace outpost::edge
