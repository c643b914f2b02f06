#include "hub/head_office_contacts.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "hub/hub.h"
#include "hub/identity.h"
#include "sync/clock.h"
#include "sync/i18n/messages.h"
#include "sync/model/request.h"
#include "sync/outreach/invitation.h"
#include "sync/outreach/policy.h"

namespace outpost::hub {
namespace {

using nlohmann::json;

constexpr int64_t kDayMs = 24LL * 3600 * 1000;
// The sender plans again at most this often: planning computes the whole due list.
constexpr int64_t kReplanMs = 10LL * 60 * 1000;

std::string Now(const Hub& hub) { return FormatUtcMs(hub.clock().NowMs()); }

Result<model::Message> MessageOf(const storage::HubMessageRow& row) {
  const json fields = json::parse(row.fields, nullptr, false);
  if (fields.is_discarded()) {
    return Status::Corruption("hub_messages " + row.message_id + ": fields are not JSON")
        .WithShown(i18n::Format("hub_messages {0}: fields are not JSON", {row.message_id}));
  }
  return model::ParseMessage(row.message_id, fields);
}

// `row` carrying `m` as it now is; a retry waits for its next attempt.
storage::HubMessageRow RowOf(const storage::HubMessageRow& row, const model::Message& m) {
  storage::HubMessageRow out = row;
  out.status = model::MessageStatusName(m.status);
  out.next_at = m.status == model::MessageStatus::kRetrying && m.next_attempt_at
                    ? *m.next_attempt_at
                    : m.due_at;
  out.fields = model::MessageJson(m).dump();
  return out;
}

// The store's zone and name as its calendar last synced says.
struct StoreFacts {
  TimeZone zone;
  std::string name;
};
Result<StoreFacts> FactsOf(Hub& hub, const std::string& site) {
  ASSIGN_OR_RETURN(std::optional<StoreCalendar> calendar, hub.CalendarOf(site));
  ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Load(calendar ? calendar->settings.time_zone
                                                          : std::string("Asia/Shanghai")));
  std::string name = calendar && !calendar->settings.name.empty() ? calendar->settings.name : site;
  return StoreFacts{std::move(zone), std::move(name)};
}

// The phone to write to: the message's record's first, else any record's.
std::optional<std::string> PhoneFor(const UnifiedView& view, const std::string& customer_id) {
  for (const auto& r : view.records) {
    if (r.record_id == customer_id && !r.phones.empty()) return r.phones.front();
  }
  for (const auto& r : view.records) {
    if (!r.phones.empty()) return r.phones.front();
  }
  return std::nullopt;
}

// The person's marketing contacts head office knows of, but `m` itself.
Result<std::vector<int64_t>> ContactsOf(Hub& hub, const UnifiedView& view,
                                        const CampaignSettings& settings, const model::Message& m,
                                        int64_t now_ms) {
  std::set<std::string> ids = {view.unified_id};
  for (const auto& r : view.records) ids.insert(r.record_id);
  const int64_t since = now_ms - int64_t{2} * settings.policy.marketing_cap_days * kDayMs;
  ASSIGN_OR_RETURN(auto contacts,
                   hub.storage().campaigns().MarketingContactsSince(FormatUtcMs(since)));
  std::vector<int64_t> out;
  for (const auto& c : contacts) {
    if (c.message_id == m.id || ids.count(c.customer_id) == 0) continue;
    auto at = ParseUtcMs(c.at);
    if (at.ok()) out.push_back(at.value());
  }
  return out;
}

}  // namespace

Result<std::vector<Invitation>> PlanHeadOfficeMessages(Hub& hub, const LocalDate& date,
                                                       const std::string& staff) {
  if (staff.empty()) return Status::InvalidInput("staff: say who plans them (--staff)");
  ASSIGN_OR_RETURN(CampaignSettings settings, ReadCampaignSettings(hub.storage().campaigns()));
  Identity identity = hub.MakeIdentity();
  ASSIGN_OR_RETURN(DueList list, ComputeServiceDue(hub.storage(), identity, hub.clock(), date));
  const int64_t now_ms = hub.clock().NowMs();
  const std::string now = FormatUtcMs(now_ms);
  std::vector<Invitation> planned;
  for (Invitation& inv : HeadOfficeCalls(list)) {
    const std::optional<ContactChannel> channel = ParseContactChannel(inv.channel);
    const outreach::ServiceRule* rule = RuleNamed(settings, inv.service_kind);
    if (!channel || *channel == ContactChannel::kCall || !rule) continue;  // a call: staff's
    ASSIGN_OR_RETURN(StoreFacts store, FactsOf(hub, inv.store));
    const outreach::InvitationSpec spec{
        inv.customer_id,        inv.name,         inv.vehicle_id.value_or(""),
        inv.plate.value_or(""), inv.service_kind, inv.due.due_date,
        inv.due.invite_date,    *channel,         ""};
    model::Message m = outreach::InvitationMessage(inv.store, store.name, store.zone,
                                                   settings.policy, spec, now_ms);
    m.reason = "head office: store " + inv.store + " offline";
    model::HeadOfficeRequest tell = InviteRequest(inv, *rule, staff, now);
    tell.outcome = "sent";
    const storage::InvitationRow row = InvitationRowOf(inv, now, staff, "head_office");
    const storage::HubMessageRow message{m.id,
                                         inv.invitation_key,
                                         inv.store,
                                         model::MessageStatusName(m.status),
                                         m.due_at,
                                         model::MessageJson(m).dump(),
                                         model::HeadOfficeRequestJson(tell).dump()};
    ASSIGN_OR_RETURN(bool fresh, hub.storage().campaigns().PlanHeadOfficeMessage(row, message));
    if (!fresh) continue;
    inv.handled_by = "head_office";
    inv.assigned_site = inv.store;
    inv.assigned_seq = 0;
    planned.push_back(inv);
  }
  return planned;
}

Result<HeadOfficeSendPass> HeadOfficeSender::RunOnce() {
  HeadOfficeSendPass pass;
  const int64_t now_ms = hub_.clock().NowMs();
  if (!planned_at_ms_ || now_ms - *planned_at_ms_ >= kReplanMs || now_ms < *planned_at_ms_) {
    ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Load("Asia/Shanghai"));
    ASSIGN_OR_RETURN(auto planned,
                     PlanHeadOfficeMessages(hub_, zone.UtcToLocal(now_ms).date, staff_));
    pass.planned = static_cast<int>(planned.size());
    planned_at_ms_ = now_ms;
  }
  ASSIGN_OR_RETURN(auto due, hub_.storage().campaigns().HeadOfficeMessagesDue(Now(hub_)));
  for (const storage::HubMessageRow& row : due) {
    ASSIGN_OR_RETURN(std::optional<Ticket> ticket, Begin(row));
    if (!ticket) {
      ++pass.held;
      continue;
    }
    const model::Message& m = ticket->message;
    const delivery::OutboundMessage out{m.id,      m.idempotency_key, m.store_id,
                                        m.channel, ticket->to,        m.text};
    RETURN_IF_ERROR(Finish(*ticket, client_.Send(out), pass));
  }
  return pass;
}

Result<std::optional<HeadOfficeSender::Ticket>> HeadOfficeSender::Begin(
    const storage::HubMessageRow& row) {
  ASSIGN_OR_RETURN(model::Message m, MessageOf(row));
  if (!model::IsPending(m.status)) return std::optional<Ticket>();
  const int64_t now_ms = hub_.clock().NowMs();
  const std::string now = FormatUtcMs(now_ms);
  ASSIGN_OR_RETURN(CampaignSettings settings, ReadCampaignSettings(hub_.storage().campaigns()));
  ASSIGN_OR_RETURN(StoreFacts store, FactsOf(hub_, row.site));
  // What head office knows now: every change synced so far, linked.
  Identity identity = hub_.MakeIdentity();
  RETURN_IF_ERROR(identity.Resolve(false).status());
  ASSIGN_OR_RETURN(UnifiedView view, identity.Show(m.customer_id));
  std::vector<std::string> records;
  for (const auto& r : view.records) records.push_back(r.record_id);
  ASSIGN_OR_RETURN(auto upcoming, hub_.storage().campaigns().UpcomingBookings(
                                      records, store.zone.UtcToLocal(now_ms).date.ToString()));
  model::MessageUpdate u;
  u.updated_at = now;
  std::optional<Ticket> ticket;
  if (!upcoming.empty()) {
    u.status = model::MessageStatus::kCancelled;
    u.reason = "already booked: " + upcoming.front().ref + " on " + upcoming.front().slot_date +
               " at " + upcoming.front().site;
  } else {
    ASSIGN_OR_RETURN(std::vector<int64_t> contacts, ContactsOf(hub_, view, settings, m, now_ms));
    outreach::ContactAsk ask;
    ask.channel = ParseContactChannel(m.channel).value_or(ContactChannel::kSms);
    ask.purpose = outreach::Purpose::kMarketing;
    ask.earliest_ms = now_ms;
    if (m.not_after) {
      ASSIGN_OR_RETURN(ask.not_after_ms, ParseUtcMs(*m.not_after));
      ask.not_after_what = "the window of the invitation closes";
    }
    const outreach::ContactDecision d =
        outreach::Decide(settings.policy, store.zone, settings.holidays,
                         outreach::SubjectOf(view.consent, std::move(contacts)), ask);
    const std::optional<std::string> phone = PhoneFor(view, m.customer_id);
    if (!d.send() || !phone) {
      u.status = model::MessageStatus::kDropped;
      u.reason = d.send() ? "no phone on file at head office" : d.reason;
    } else if (d.at_ms > now_ms) {
      u.status = model::MessageStatus::kDelayed;
      u.reason = d.reason;
      u.due_at = FormatUtcMs(d.at_ms);
    } else {
      u.status = model::MessageStatus::kSending;
      u.attempts = m.attempts + 1;
      ticket = Ticket{row, m, *phone};
    }
  }
  model::ApplyMessageUpdate(u, m);
  const bool closed = !model::IsPending(m.status);
  // Claimed only if no other sender changed it since `row` was read: each
  // message is sent by one sender once, however many work this hub.
  ASSIGN_OR_RETURN(bool claimed,
                   hub_.storage().campaigns().UpdateHeadOfficeMessage(
                       RowOf(row, m), std::nullopt,
                       closed ? model::MessageStatusName(m.status) : "", now, row.fields));
  if (!claimed) return std::optional<Ticket>();
  if (ticket) ticket->message = m;
  return ticket;
}

Status HeadOfficeSender::Finish(const Ticket& ticket, const delivery::DeliveryResult& result,
                                HeadOfficeSendPass& pass) {
  const int64_t now_ms = hub_.clock().NowMs();
  const std::string now = FormatUtcMs(now_ms);
  model::Message m = ticket.message;
  const delivery::NextStep next =
      delivery::NextAfter(retry_, m.idempotency_key, static_cast<int>(m.attempts), result, now_ms);
  model::MessageUpdate u;
  u.updated_at = now;
  u.reason = result.detail;
  std::optional<storage::RequestToQueue> tell;
  std::string outcome;
  switch (next.kind) {
    case delivery::NextKind::kDone: {
      u.status = model::MessageStatus::kSent;
      u.receipt_id = result.receipt_id;
      u.sent_at = now;
      json request = json::parse(ticket.row.request, nullptr, false);
      if (!request.is_object()) {
        return Status::Corruption("hub_messages " + m.id + ": its request is not JSON")
            .WithShown(i18n::Format("hub_messages {0}: its request is not JSON", {m.id}));
      }
      request["requested_at"] = now;  // when head office's contact went
      tell = storage::RequestToQueue{ticket.row.site, request.dump()};
      outcome = "sent";
      ++pass.sent;
      break;
    }
    case delivery::NextKind::kRetryAt:
      u.status = model::MessageStatus::kRetrying;
      u.next_attempt_at = FormatUtcMs(next.at_ms);
      ++pass.retrying;
      break;
    case delivery::NextKind::kDeadLetter:
      u.status = model::MessageStatus::kDead;
      u.reason = next.reason;
      outcome = "dead";
      ++pass.dead;
      break;
  }
  model::ApplyMessageUpdate(u, m);
  return hub_.storage()
      .campaigns()
      .UpdateHeadOfficeMessage(RowOf(ticket.row, m), tell, outcome, now)
      .status();
}

Result<std::vector<model::Message>> HeadOfficeMessages(Hub& hub) {
  ASSIGN_OR_RETURN(auto rows, hub.storage().campaigns().HeadOfficeMessages());
  std::vector<model::Message> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    ASSIGN_OR_RETURN(model::Message m, MessageOf(row));
    out.push_back(std::move(m));
  }
  return out;
}

namespace {

// Why `inv` is not on head office's call list, or nothing when it is.
std::optional<Status> NotForHeadOffice(const Invitation& inv) {
  if (inv.assigned_site) {
    const bool by_head_office = inv.handled_by == "head_office";
    const std::string outcome = inv.outcome.value_or("message planned");
    const std::string request = std::to_string(inv.assigned_seq.value_or(0));
    const std::string by = by_head_office
                               ? "by head office (" + outcome + ")"
                               : "by store " + *inv.assigned_site + " (request " + request + ")";
    const std::string shown_by =
        by_head_office ? i18n::Format("by head office ({0})", {i18n::Tr(outcome)})
                       : i18n::Format("by store {0} (request {1})", {*inv.assigned_site, request});
    return Status::Conflict("invitation: '" + inv.invitation_key + "' is handled already " + by)
        .WithShown(i18n::Format("invitation: '{0}' is handled already {1}",
                                {inv.invitation_key, shown_by}))
        .WithField("invitation");
  }
  if (!inv.allowed) {
    return Status::Refused("invitation: the contact policy does not allow it: " + inv.reason)
        .WithShown(
            i18n::Format("invitation: the contact policy does not allow it: {0}", {inv.reason}))
        .WithField("invitation");
  }
  if (inv.store_online) {
    return Status::Refused("invitation: its store " + inv.store +
                           " is online: `outpost-hub campaigns assign` gives it to the store")
        .WithShown(i18n::Format("invitation: its store {0} is online: `outpost-hub campaigns "
                                "assign` gives it to the store",
                                {inv.store}))
        .WithField("invitation");
  }
  return std::nullopt;
}

}  // namespace

Result<storage::InvitationRow> RecordHeadOfficeCall(Hub& hub, const LocalDate& date,
                                                    const std::string& invitation_key,
                                                    const std::string& outcome,
                                                    const std::string& note,
                                                    const std::string& staff) {
  if (staff.empty()) {
    return Status::InvalidInput("staff: say who called (--staff)").WithField("staff");
  }
  if (outcome != "booked" && outcome != "declined" && outcome != "unreachable") {
    return Status::InvalidInput("outcome: '" + outcome + "' is not booked, declined or unreachable")
        .WithShown(i18n::Format("outcome: '{0}' is not booked, declined or unreachable", {outcome}))
        .WithField("outcome");
  }
  ASSIGN_OR_RETURN(CampaignSettings settings, ReadCampaignSettings(hub.storage().campaigns()));
  Identity identity = hub.MakeIdentity();
  ASSIGN_OR_RETURN(DueList list, ComputeServiceDue(hub.storage(), identity, hub.clock(), date));
  const auto found = std::find_if(list.due.begin(), list.due.end(), [&](const Invitation& inv) {
    return inv.invitation_key == invitation_key;
  });
  if (found == list.due.end()) {
    return Status::NotFound("invitation: '" + invitation_key + "' is not due on " + list.date +
                            " (`outpost-hub campaigns calls --date` lists them)")
        .WithShown(i18n::Format(
            "invitation: '{0}' is not due on {1} (`outpost-hub campaigns calls --date` lists them)",
            {invitation_key, list.date}))
        .WithField("invitation");
  }
  if (std::optional<Status> refused = NotForHeadOffice(*found)) return *refused;
  const outreach::ServiceRule* rule = RuleNamed(settings, found->service_kind);
  if (!rule) {
    return Status::NotFound("invitation: no service rule '" + found->service_kind + "'")
        .WithShown(i18n::Format("invitation: no service rule '{0}'", {found->service_kind}))
        .WithField("invitation");
  }
  const std::string now = Now(hub);
  model::HeadOfficeRequest tell = InviteRequest(*found, *rule, staff, now);
  tell.channel = "call";
  tell.outcome = outcome;
  tell.notes = note;
  storage::InvitationRow row = InvitationRowOf(*found, now, staff, "head_office");
  row.outcome = outcome;
  if (!note.empty()) row.note = note;
  ASSIGN_OR_RETURN(std::optional<int64_t> seq, hub.storage().campaigns().RecordHeadOfficeCall(
                                                   row, model::HeadOfficeRequestJson(tell).dump()));
  if (!seq) {
    return Status::Conflict("invitation: '" + invitation_key + "' is handled already")
        .WithShown(i18n::Format("invitation: '{0}' is handled already", {invitation_key}))
        .WithField("invitation");
  }
  row.request_seq = *seq;
  return row;
}

}  // namespace outpost::hub
