// The store's outreach (the marked block of edge/store.h, docs/OUTREACH.md):
// planning the steps before each visit, clearing each contact with the one
// contact policy just before it goes, and recording every attempt and outcome
// as a logged change of its message.
//
// Why plan by reconciling rather than when booking: a pass looks at the
// bookings as they are now, so a booking cancelled or moved by any path (the
// desk, head office, paper, replay) voids its pending steps at the next pass
// and again just before sending; nothing is scheduled that a later change
// could forget to unschedule.
#include <algorithm>
#include <set>

#include "edge/hub_requests.h"
#include "edge/invitations.h"
#include "edge/outreach.h"
#include "edge/profiles.h"
#include "edge/store.h"
#include "edge/waitlist.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/model/request.h"
#include "sync/normalize.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

// The words of each step, in Chinese as customers read them; the opt-out
// instruction is added by the policy (outreach::WithOptOut).
std::string StepText(const std::string& step, const std::string& store_name, const Booking& b) {
  const std::string when = b.slot_date + " " + b.slot_time;
  if (step == "confirmation") {
    return "【" + store_name + "】预约成功：" + when + " " + b.service + "，预约号" + b.ref +
           "。如需取消请回复1。";
  }
  if (step.rfind("call", 0) == 0) {
    return "致电确认到店时间 / call to confirm the arrival: " + when + " " + b.service + " (" +
           b.ref + ")";
  }
  return "【" + store_name + "】温馨提示：您预约了" + when + "的" + b.service + "，预约号" + b.ref +
         "。如需取消请回复1。";
}

}  // namespace

// The newest statement per channel, the store's own or the chain's (held
// profile): an opt-out said at another store counts here as soon as the
// profile carrying it arrived.
outreach::ContactSubject SubjectFor(const Customer& c, const std::optional<HeldProfile>& held,
                                    std::vector<int64_t> marketing_ms) {
  outreach::ContactSubject s;
  s.do_not_disturb = c.do_not_disturb;
  for (int i = 0; i < kContactChannelCount; ++i) s.consent[i] = c.consent[i];
  s.marketing_contacts_ms = std::move(marketing_ms);
  if (!held) return s;
  const model::ProfileConsent& chain = held->profile.consent;
  s.do_not_disturb = s.do_not_disturb || chain.do_not_disturb;
  if (!chain.channels) return s;
  for (int i = 0; i < kContactChannelCount; ++i) {
    const ConsentStatement& theirs = (*chain.channels)[i];
    if (theirs.choice != ContactChoice::kNotAsked &&
        (s.consent[i].choice == ContactChoice::kNotAsked || theirs.at > s.consent[i].at)) {
      s.consent[i] = theirs;
    }
  }
  return s;
}

namespace {

// The steps of `b` as it is now (its slot, the time it was made).
Result<std::vector<outreach::PlannedStep>> StepsOf(const Booking& b, const OutreachSettings& config,
                                                   const std::string& store_id,
                                                   const TimeZone& zone) {
  ASSIGN_OR_RETURN(int64_t booked_ms, ParseUtcMs(b.created_at));
  ASSIGN_OR_RETURN(LocalDate date, LocalDate::Parse(b.slot_date));
  ASSIGN_OR_RETURN(LocalTime time, LocalTime::Parse(b.slot_time));
  return outreach::PlanBookingSteps(store_id, b.id, date, time, booked_ms, config.steps, zone);
}

// A message found "sending" had an attempt interrupted (a crash between
// handing it over and recording the answer): the relay may have delivered it.
// Whatever is recorded instead says so, so nobody reads "cancelled" as "never
// reached the customer".
std::string NotingInterrupted(const model::Message& m, std::string why) {
  if (m.status == model::MessageStatus::kSending) {
    why += "; attempt " + std::to_string(m.attempts) +
           " was interrupted and may have reached the relay";
  }
  return why;
}

bool StillWanted(const Booking& b) {
  return b.status == BookingStatus::kRequested || b.status == BookingStatus::kConfirmed;
}

}  // namespace

json OutreachSettingsJson(const OutreachSettings& settings) {
  json out = {{"policy", outreach::ContactPolicyJson(settings.policy)},
              {"steps", outreach::ReminderStepsJson(settings.steps)["steps"]}};
  if (settings.holidays) out["holidays"] = outreach::HolidayCalendarJson(*settings.holidays);
  return out;
}

Result<OutreachSettings> ParseOutreachSettings(const json& fields) {
  if (!fields.is_object()) return Status::InvalidInput("outreach settings: not a JSON object");
  OutreachSettings s;
  if (fields.contains("policy")) {
    ASSIGN_OR_RETURN(s.policy, outreach::ParseContactPolicy(fields["policy"]));
  }
  if (fields.contains("steps")) {
    ASSIGN_OR_RETURN(s.steps, outreach::ParseReminderSteps(json{{"steps", fields["steps"]}}));
  } else {
    s.steps = outreach::DefaultReminderSteps();
  }
  if (fields.contains("holidays")) {
    ASSIGN_OR_RETURN(s.holidays, outreach::ParseHolidayCalendar(fields["holidays"]));
  }
  return s;
}

Result<OutreachSettings> Store::Outreach() {
  ASSIGN_OR_RETURN(auto held, ReadOutreachSettings(*db_, settings_.store_id));
  if (!held) return ParseOutreachSettings(json::object());
  const json fields = json::parse(*held, nullptr, /*allow_exceptions=*/false);
  auto parsed = ParseOutreachSettings(fields);
  if (!parsed.ok()) {
    return Status::Corruption("outreach settings: " + parsed.status().message())
        .WithShown(i18n::Format("outreach settings: {0}", {parsed.status().shown()}));
  }
  return parsed;
}

Status Store::SetOutreach(const json& fields, const std::string& staff_text) {
  ASSIGN_OR_RETURN(std::string staff,
                   WithField(CleanText("staff", staff_text, 60, /*required=*/true), "staff"));
  ASSIGN_OR_RETURN(OutreachSettings parsed, ParseOutreachSettings(fields));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  if (!fields.contains("holidays")) {
    // The calendar is head office's: a store's own settings keep it.
    ASSIGN_OR_RETURN(OutreachSettings held, Outreach());
    parsed.holidays = held.holidays;
  }
  RETURN_IF_ERROR(WriteOutreachLocked(parsed, staff));
  return tx->Commit();
}

Status Store::WriteOutreachLocked(const OutreachSettings& settings, const std::string& staff) {
  const std::string canonical = OutreachSettingsJson(settings).dump();
  RETURN_IF_ERROR(WriteOutreachSettings(*db_, settings_.store_id, canonical));
  return log_.Record("outreach", settings_.store_id, "update", canonical, staff);
}

Result<PlanReport> Store::PlanOutreach() {
  ASSIGN_OR_RETURN(OutreachSettings config, Outreach());
  const int64_t now_ms = clock_.NowMs();
  const std::string now = FormatUtcMs(now_ms);
  int64_t horizon_ms = 0;
  for (const auto& step : config.steps) {
    horizon_ms = std::max<int64_t>(horizon_ms, int64_t{step.earliest_minutes_before} * 60'000);
  }
  PlanReport report;
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  const LocalDate first = Today();
  const LocalDate last = zone_.UtcToLocal(now_ms + horizon_ms + kDayMs).date;
  for (LocalDate day = first; day <= last; day = day.AddDays(1)) {
    ASSIGN_OR_RETURN(Board board, DayBoard(day.ToString()));
    for (const BoardSlot& slot : board.slots) {
      for (const Booking& b : slot.bookings) {
        if (!StillWanted(b)) continue;
        ASSIGN_OR_RETURN(auto planned, PlanBookingLocked(b, config, now_ms));
        report.planned += planned.first;
        report.skipped += planned.second;
      }
    }
  }
  ASSIGN_OR_RETURN(auto pending, DueMessages(*db_, FormatUtcMs(now_ms + horizon_ms + 7 * kDayMs)));
  for (model::Message& m : pending) {
    ASSIGN_OR_RETURN(bool voided, VoidIfBookingChangedLocked(m, config, now));
    report.cancelled += voided ? 1 : 0;
  }
  RETURN_IF_ERROR(tx->Commit());
  return report;
}

Result<std::pair<int, int>> Store::PlanBookingLocked(const Booking& b,
                                                     const OutreachSettings& config,
                                                     int64_t now_ms) {
  ASSIGN_OR_RETURN(auto steps, StepsOf(b, config, settings_.store_id, zone_));
  int planned = 0, skipped = 0;
  for (const outreach::PlannedStep& p : steps) {
    const std::string id = model::MessageIdFor(p.idempotency_key);
    ASSIGN_OR_RETURN(auto existing, FindMessage(*db_, id));
    if (existing) continue;
    // Planned ahead only as far as the step's window: a step whose time has
    // not come is planned at a later pass, with the booking as it is then.
    if (!p.skipped && p.due_ms > now_ms + kDayMs) continue;
    model::Message m;
    m.id = id;
    m.idempotency_key = p.idempotency_key;
    m.store_id = settings_.store_id;
    m.customer_id = b.customer_id;
    m.booking_id = b.id;
    m.step = p.step;
    m.purpose = outreach::PurposeName(p.purpose);
    m.channel = ContactChannelName(p.channel);
    m.due_at = FormatUtcMs(std::max(p.due_ms, now_ms));
    m.not_after = FormatUtcMs(p.latest_ms);
    m.text = p.channel == ContactChannel::kCall
                 ? StepText(p.step, settings_.name, b)
                 : outreach::WithOptOut(config.policy, StepText(p.step, settings_.name, b));
    m.planned_at = FormatUtcMs(now_ms);
    m.status = model::MessageStatus::kPlanned;
    if (p.skipped) {
      m.status = model::MessageStatus::kSkipped;
      m.reason = p.skip_reason;
    } else if (p.latest_ms <= now_ms) {
      // Nobody planned it while its window was open (notify not running):
      // said so, never sent late.
      m.status = model::MessageStatus::kSkipped;
      m.reason =
          "its window closed at " + LocalText(FormatUtcMs(p.latest_ms)) + " before it was planned";
    }
    RETURN_IF_ERROR(InsertMessage(*db_, log_, m, "outreach"));
    (m.status == model::MessageStatus::kSkipped ? skipped : planned) += 1;
  }
  return std::make_pair(planned, skipped);
}

Result<bool> Store::VoidIfBookingChangedLocked(model::Message& m, const OutreachSettings& config,
                                               const std::string& now) {
  if (!m.booking_id) return false;
  ASSIGN_OR_RETURN(Booking b, LoadBooking(*m.booking_id));
  std::string why;
  if (!StillWanted(b)) {
    why = b.status == BookingStatus::kRescheduled && b.rescheduled_to
              ? "booking moved (now " + *b.rescheduled_to + ")"
              : "booking " + std::string(BookingStatusName(b.status));
  } else {
    ASSIGN_OR_RETURN(auto steps, StepsOf(b, config, settings_.store_id, zone_));
    const bool current = std::any_of(steps.begin(), steps.end(), [&](const auto& p) {
      return p.idempotency_key == m.idempotency_key;
    });
    if (current) return false;
    why = "booking moved to " + b.slot_date + " " + b.slot_time;
  }
  model::MessageUpdate u;
  u.status = model::MessageStatus::kCancelled;
  u.reason = NotingInterrupted(m, why);
  u.updated_at = now;
  RETURN_IF_ERROR(UpdateMessage(*db_, log_, m, u, "outreach"));
  return true;
}

Result<std::vector<model::Message>> Store::MessagesDue() {
  return DueMessages(*db_, FormatUtcMs(clock_.NowMs()));
}

Result<std::optional<SendTicket>> Store::BeginSend(const std::string& message_id) {
  ASSIGN_OR_RETURN(OutreachSettings config, Outreach());
  const int64_t now_ms = clock_.NowMs();
  const std::string now = FormatUtcMs(now_ms);
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(auto found, FindMessage(*db_, message_id));
  if (!found) {
    return Status::NotFound("message: no message '" + message_id + "'")
        .WithShown(i18n::Format("message: no message '{0}'", {message_id}));
  }
  model::Message m = std::move(*found);
  // Checked again now, inside the attempt's transaction: whatever happened
  // since planning (a cancel, a move, an opt-out) decides.
  if (!model::IsPending(m.status) || m.channel == "call") return std::optional<SendTicket>();
  ASSIGN_OR_RETURN(bool voided, VoidIfBookingChangedLocked(m, config, now));
  if (voided) {
    RETURN_IF_ERROR(tx->Commit());
    return std::optional<SendTicket>();
  }
  ASSIGN_OR_RETURN(Customer c, ResolveCustomer(m.customer_id));
  ASSIGN_OR_RETURN(auto held, ProfileOfCustomer(*db_, c.id));
  std::vector<int64_t> marketing_ms;
  ASSIGN_OR_RETURN(auto sent, MarketingSentSince(*db_, c.id, FormatUtcMs(now_ms - 400 * kDayMs)));
  for (const auto& at : sent) {
    ASSIGN_OR_RETURN(int64_t ms, ParseUtcMs(at));
    marketing_ms.push_back(ms);
  }
  outreach::ContactAsk ask;
  ask.channel = *ParseContactChannel(m.channel);
  ask.purpose = *outreach::ParsePurpose(m.purpose);
  ask.earliest_ms = now_ms;
  if (m.not_after) {
    ASSIGN_OR_RETURN(ask.not_after_ms, ParseUtcMs(*m.not_after));
    ask.not_after_what = "the window of " + m.step + " closes";
  }
  const outreach::ContactDecision d = outreach::Decide(
      config.policy, zone_, config.Holidays(), SubjectFor(c, held, std::move(marketing_ms)), ask);
  model::MessageUpdate u;
  u.updated_at = now;
  std::optional<SendTicket> ticket;
  if (!d.send() || c.phones.empty()) {
    u.status = model::MessageStatus::kDropped;
    u.reason = NotingInterrupted(m, d.send() ? "no phone on file" : d.reason);
  } else if (d.at_ms > now_ms) {
    u.status = model::MessageStatus::kDelayed;
    u.reason = NotingInterrupted(m, d.reason);
    u.due_at = FormatUtcMs(d.at_ms);
  } else {
    u.status = model::MessageStatus::kSending;
    u.attempts = m.attempts + 1;
    ticket = SendTicket{m, c.phones.front()};
  }
  RETURN_IF_ERROR(UpdateMessage(*db_, log_, m, u, "notify"));
  RETURN_IF_ERROR(tx->Commit());
  if (ticket) ticket->message = m;
  return ticket;
}

Status Store::FinishSend(const std::string& message_id, const SendResult& result) {
  const std::string now = FormatUtcMs(clock_.NowMs());
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(auto found, FindMessage(*db_, message_id));
  if (!found) {
    return Status::NotFound("message: no message '" + message_id + "'")
        .WithShown(i18n::Format("message: no message '{0}'", {message_id}));
  }
  model::Message m = std::move(*found);
  if (m.status != model::MessageStatus::kSending) return tx->Commit();  // answered already
  model::MessageUpdate u;
  u.updated_at = now;
  u.reason = result.detail;
  switch (result.kind) {
    case SendResult::Kind::kAccepted:
      u.status = model::MessageStatus::kSent;
      u.receipt_id = result.receipt_id;
      u.sent_at = now;
      break;
    case SendResult::Kind::kRetry:
      if (result.next_attempt_ms) {
        u.status = model::MessageStatus::kRetrying;
        u.next_attempt_at = FormatUtcMs(*result.next_attempt_ms);
      } else {
        u.status = model::MessageStatus::kDead;
      }
      break;
    case SendResult::Kind::kPermanent:
      u.status = model::MessageStatus::kDead;
      break;
  }
  RETURN_IF_ERROR(UpdateMessage(*db_, log_, m, u, "notify"));
  return tx->Commit();
}

Result<model::Message> Store::RecordCallOutcome(const std::string& message,
                                                const std::string& outcome,
                                                const std::string& staff_text) {
  ASSIGN_OR_RETURN(std::string staff,
                   WithField(CleanText("staff", staff_text, 60, /*required=*/true), "staff"));
  static const char* const kOutcomes[] = {"reached",      "no-answer",    "busy",
                                          "wrong-number", "empty-number", "refused"};
  // An invitation's answer, too: what the follow-up statistics count.
  static const char* const kInvitationOutcomes[] = {"booked", "declined", "unreachable"};
  const bool for_invitation =
      std::find(std::begin(kInvitationOutcomes), std::end(kInvitationOutcomes), outcome) !=
      std::end(kInvitationOutcomes);
  if (!for_invitation &&
      std::find(std::begin(kOutcomes), std::end(kOutcomes), outcome) == std::end(kOutcomes)) {
    return Status::InvalidInput("outcome: '" + outcome +
                                "' is not one of reached, no-answer, busy, wrong-number,"
                                " empty-number, refused (an invitation: also booked, declined,"
                                " unreachable)")
        .WithShown(i18n::Format(
            "outcome: '{0}' is not one of reached, no-answer, busy, wrong-number, empty-number, "
            "refused (an invitation: also booked, declined, unreachable)",
            {outcome}))
        .WithField("outcome");
  }
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(model::Message m, ResolveMessage(*db_, message));
  if (for_invitation && m.step != "invitation") {
    return Status::InvalidInput("outcome: '" + outcome + "' is an invitation's; " + m.id +
                                " is a " + m.step + " call")
        .WithShown(i18n::Format("outcome: '{0}' is an invitation's; {1} is a {2} call",
                                {outcome, m.id, m.step}))
        .WithField("outcome");
  }
  if (m.channel != "call") {
    return Status::InvalidInput("message: " + m.id + " is a " + m.channel + " message, not a call")
        .WithShown(i18n::Format("message: {0} is a {1} message, not a call", {m.id, m.channel}))
        .WithField("message");
  }
  if (!model::IsPending(m.status)) {
    return Status::Conflict("message: the call " + m.id + " is " +
                            model::MessageStatusName(m.status) + " already")
        .WithShown(i18n::Format("message: the call {0} is {1} already",
                                {m.id, model::MessageStatusName(m.status)}))
        .WithField("message");
  }
  model::MessageUpdate u;
  u.status = model::MessageStatus::kDone;
  u.outcome = outcome;
  u.attempts = m.attempts + 1;
  u.sent_at = FormatUtcMs(clock_.NowMs());
  u.updated_at = u.sent_at;
  RETURN_IF_ERROR(UpdateMessage(*db_, log_, m, u, staff));
  RETURN_IF_ERROR(tx->Commit());
  return m;
}

Status Store::ApplyHeadOfficeOutreach(int64_t seq, const model::HeadOfficeRequest& request) {
  const std::string now = FormatUtcMs(clock_.NowMs());
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(std::optional<RequestAnswerRow> seen, FindRequestAnswer(*db_, seq));
  if (seen) return Status::Ok();  // answered once, however often it arrives
  std::string done;
  if (request.kind == "invite") {
    ASSIGN_OR_RETURN(done, PlanInvitationLocked(seq, request));
  } else if (request.kind == "opt-out") {
    ASSIGN_OR_RETURN(done, RecordOptOutLocked(request));
  } else if (request.kind == "holidays") {
    auto calendar = outreach::ParseHolidayCalendarText(request.calendar);
    if (!calendar.ok()) return calendar.status();
    ASSIGN_OR_RETURN(OutreachSettings held, Outreach());
    held.holidays = std::move(*calendar);
    RETURN_IF_ERROR(WriteOutreachLocked(held, "head office: " + request.staff));
    done =
        "holiday calendar taken (" + std::to_string(held.holidays->holidays.size()) + " holidays)";
  } else {
    return Status::InvalidInput("kind: '" + request.kind + "' is not an outreach request")
        .WithShown(i18n::Format("kind: '{0}' is not an outreach request", {request.kind}));
  }
  RETURN_IF_ERROR(WriteRequestAnswer(
      *db_, {seq, now, request.kind, "applied", std::nullopt, done, std::nullopt},
      OnExisting::kFail));
  RETURN_IF_ERROR(LogRequestAnswerLocked(seq, request.kind, "applied", done, std::nullopt, now));
  return tx->Commit();
}

Result<std::string> Store::PlanInvitationLocked(int64_t seq, const model::HeadOfficeRequest& r) {
  auto customer = customers_.Match(r.customer_id);
  if (!customer.ok() || !*customer) {
    return Status::NotFound("customer: head office's record " + r.customer_id +
                            " is not at this store")
        .WithShown(i18n::Format("customer: head office's record {0} is not at this store",
                                {r.customer_id}))
        .WithField("customer_id");
  }
  ASSIGN_OR_RETURN(LocalDate due, WithField(LocalDate::Parse(r.date), "date"));
  ASSIGN_OR_RETURN(
      LocalDate invite_on,
      WithField(LocalDate::Parse(r.invite_date.empty() ? r.date : r.invite_date), "invite_date"));
  const auto channel = ParseContactChannel(r.channel.empty() ? "call" : r.channel);
  if (!channel) {
    return Status::InvalidInput("channel: '" + r.channel + "' is not sms, wechat or call")
        .WithShown(i18n::Format("channel: '{0}' is not sms, wechat or call", {r.channel}))
        .WithField("channel");
  }
  const int64_t now_ms = clock_.NowMs();
  // One invitation per customer, car and due date, however often head office
  // sends it, and whether or not the store planned its own while cut off:
  // a repeated or replayed request plans nothing new.
  const std::string key = InvitationKey(settings_.store_id, (*customer)->id, r.vehicle_id, due);
  ASSIGN_OR_RETURN(auto existing, FindMessage(*db_, model::MessageIdFor(key)));
  if (!r.outcome.empty()) return RecordHeadOfficeContactLocked(r, key, std::move(existing));
  if (existing) return "invitation " + ShortId(existing->id) + " planned already";
  ASSIGN_OR_RETURN(OutreachSettings config, Outreach());
  model::Message m = InvitationMessage(settings_.store_id, settings_.name, zone_, config.policy,
                                       {(*customer)->id, (*customer)->name, r.vehicle_id, r.plate,
                                        r.service, due, invite_on, *channel, r.reason},
                                       now_ms);
  m.reason = "head office request " + std::to_string(seq) + ": " + r.reason;
  RETURN_IF_ERROR(InsertMessage(*db_, log_, m, "head office: " + r.staff));
  return "invitation " + ShortId(m.id) + " planned for " + invite_on.ToString();
}

Result<std::string> Store::RecordHeadOfficeContactLocked(const model::HeadOfficeRequest& r,
                                                         const std::string& key,
                                                         std::optional<model::Message> existing) {
  const std::string what = "head office contacted the customer (" + r.channel + "): " + r.outcome;
  const std::string at = r.requested_at.empty() ? FormatUtcMs(clock_.NowMs()) : r.requested_at;
  if (existing) {
    // This store's own invitation, planned while cut off: head office's
    // contact stands in for it if it has not gone yet; one that went stays.
    if (!model::IsPending(existing->status)) {
      return "invitation " + ShortId(existing->id) + " made here already; " + what;
    }
    model::MessageUpdate u;
    u.status = model::MessageStatus::kDone;
    u.outcome = r.outcome;
    u.reason = what;
    u.sent_at = at;
    u.updated_at = FormatUtcMs(clock_.NowMs());
    RETURN_IF_ERROR(UpdateMessage(*db_, log_, *existing, u, "head office: " + r.staff));
    return "invitation " + ShortId(existing->id) + " not sent here: " + what;
  }
  auto customer = customers_.Match(r.customer_id);
  if (!customer.ok() || !*customer) {
    return Status::NotFound("customer: head office's record " + r.customer_id +
                            " is not at this store")
        .WithShown(i18n::Format("customer: head office's record {0} is not at this store",
                                {r.customer_id}))
        .WithField("customer_id");
  }
  // Recorded as done, so this store counts it against the marketing cap and
  // its own list (same key) plans nothing for this car and due date.
  model::Message m;
  m.idempotency_key = key;
  m.id = model::MessageIdFor(key);
  m.store_id = settings_.store_id;
  m.customer_id = (*customer)->id;
  m.step = "invitation";
  m.purpose = "marketing";
  m.channel = r.channel.empty() ? "call" : r.channel;
  m.due_at = at;
  m.text = "总部已联系 head office contacted: " + r.service + " due " + r.date;
  m.planned_at = at;
  m.status = model::MessageStatus::kDone;
  m.outcome = r.outcome;
  m.reason = what;
  m.sent_at = at;
  m.attempts = 1;
  RETURN_IF_ERROR(InsertMessage(*db_, log_, m, "head office: " + r.staff));
  return "invitation " + ShortId(m.id) + " recorded: " + what;
}

Result<std::string> Store::RecordOptOutLocked(const model::HeadOfficeRequest& r) {
  const auto channel = ParseContactChannel(r.channel.empty() ? "sms" : r.channel);
  if (!channel) {
    return Status::InvalidInput("channel: '" + r.channel + "' is not sms, wechat or call")
        .WithShown(i18n::Format("channel: '{0}' is not sms, wechat or call", {r.channel}))
        .WithField("channel");
  }
  // The record head office named, and every other record here with the phone.
  std::set<std::string> ids;
  for (const std::string& q : {r.customer_id, r.phone}) {
    if (q.empty()) continue;
    ASSIGN_OR_RETURN(auto found, customers_.Find(q));
    for (const auto& c : found) ids.insert(c.id);
  }
  if (ids.empty()) {
    return Status::NotFound("customer: nobody here has " +
                            (r.phone.empty() ? r.customer_id : MaskedPhone(r.phone)))
        .WithShown(i18n::Format("customer: nobody here has {0}",
                                {(r.phone.empty() ? r.customer_id : MaskedPhone(r.phone))}))
        .WithField("phone");
  }
  CustomerUpdate u;
  u.contact_opt_in = false;
  u.consent_channels = {*channel};
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(auto c, customers_.Match(id));
    if (!c) continue;
    RETURN_IF_ERROR(customers_.UpdateLocked(*c, u, {}, "replies"));
  }
  return std::string(ContactChannelLabel(*channel)) + " opt-out recorded on " +
         std::to_string(ids.size()) + " record(s)";
}

Result<std::optional<model::Message>> Store::PlanWaitlistOfferMessage(const WaitlistEntry& e) {
  if (e.status != "offered" || !e.offer_date || !e.offer_time || !e.hold_until) {
    return std::optional<model::Message>();
  }
  ASSIGN_OR_RETURN(OutreachSettings config, Outreach());
  const std::string now = FormatUtcMs(clock_.NowMs());
  model::Message m;
  m.idempotency_key = settings_.store_id + "/waitlist/" + e.id + "/waitlist_offer/" +
                      *e.offer_date + "T" + *e.offer_time;
  m.id = model::MessageIdFor(m.idempotency_key);
  m.store_id = settings_.store_id;
  m.customer_id = e.customer_id;
  m.step = "waitlist_offer";
  m.purpose = "transactional";  // the customer asked to be told
  m.channel = "sms";
  m.due_at = now;
  m.not_after = e.hold_until;
  m.text = outreach::WithOptOut(config.policy, "【" + settings_.name + "】您等候的" +
                                                   *e.offer_date + " " + *e.offer_time + "（" +
                                                   e.service + "）有空位，为您保留至" +
                                                   LocalText(*e.hold_until) + "，请致电门店确认。");
  m.planned_at = now;
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(auto existing, FindMessage(*db_, m.id));
  if (existing) return existing;
  RETURN_IF_ERROR(InsertMessage(*db_, log_, m, "waitlist"));
  RETURN_IF_ERROR(tx->Commit());
  return std::optional<model::Message>(m);
}

Result<std::vector<model::Message>> Store::MessagesOn(const LocalDate& day) {
  const int64_t from = zone_.LocalToUtcMs(day, LocalTime{0, 0});
  const int64_t to = zone_.LocalToUtcMs(day.AddDays(1), LocalTime{0, 0});
  return MessagesDueBetween(*db_, FormatUtcMs(from), FormatUtcMs(to));
}

}  // namespace outpost::edge
