#include "hub/campaigns.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "hub/hub.h"
#include "sync/i18n/messages.h"
#include "sync/model/message.h"
#include "sync/model/request.h"
#include "sync/outreach/holidays.h"
#include "sync/outreach/service_due.h"

namespace outpost::hub {
namespace {

using nlohmann::json;

Status NeedStaff(const std::string& staff) {
  if (staff.empty()) {
    return Status::InvalidInput("staff: say who is changing it (--staff)");
  }
  return Status::Ok();
}

std::string Now(Hub& hub) { return FormatUtcMs(hub.clock().NowMs()); }

// The booking a "1" cancels, or why none can be: the message it answers
// (its id or idempotency key), else the phone's next booking.
struct CancelTarget {
  std::optional<storage::KnownBooking> booking;
  std::string why_not;
};

Result<CancelTarget> FindCancelTarget(storage::CampaignStore& store,
                                      const delivery::InboundReply& reply,
                                      const std::vector<storage::PhoneHolder>& holders,
                                      const std::string& today) {
  std::set<std::string> records;
  for (const auto& h : holders) records.insert(h.customer_id);
  CancelTarget target;
  if (reply.in_reply_to.empty()) {
    ASSIGN_OR_RETURN(auto upcoming,
                     store.UpcomingBookings({records.begin(), records.end()}, today));
    if (upcoming.empty()) {
      target.why_not = "no upcoming booking of " + reply.from + " is known at head office";
    } else {
      target.booking = upcoming.front();
    }
    return target;
  }
  ASSIGN_OR_RETURN(auto fields, store.MessageFields(reply.in_reply_to));
  if (!fields) {
    ASSIGN_OR_RETURN(fields, store.MessageFields(model::MessageIdFor(reply.in_reply_to)));
  }
  if (!fields) {
    target.why_not = "message '" + reply.in_reply_to + "' is not known at head office";
    return target;
  }
  const json message = json::parse(*fields, nullptr, false);
  const std::string booking_id =
      message.is_object() && message.contains("booking_id") && message["booking_id"].is_string()
          ? message["booking_id"].get<std::string>()
          : "";
  const std::string customer = message.is_object() ? message.value("customer_id", "") : "";
  if (booking_id.empty()) {
    target.why_not = "message '" + reply.in_reply_to + "' is about no booking";
  } else if (!records.contains(customer)) {
    target.why_not = "message '" + reply.in_reply_to + "' was not for " + reply.from;
  } else {
    ASSIGN_OR_RETURN(target.booking, store.Booking(booking_id));
    if (!target.booking) target.why_not = "booking " + booking_id + " is not known at head office";
  }
  if (target.booking && target.booking->status != "requested" &&
      target.booking->status != "confirmed") {
    target.why_not = "booking " + target.booking->ref + " at " + target.booking->site + " is " +
                     target.booking->status + " already";
    target.booking.reset();
  }
  return target;
}

// The requests a reply asks for, and the outcome in words.
Result<std::vector<storage::RequestToQueue>> RequestsForReply(Hub& hub,
                                                              const delivery::InboundReply& reply,
                                                              delivery::ReplyKind kind,
                                                              std::string& outcome) {
  storage::CampaignStore& store = hub.storage().campaigns();
  std::vector<storage::RequestToQueue> out;
  const bool phone = !reply.from.empty() && reply.from[0] == '+';
  std::vector<storage::PhoneHolder> holders;
  if (phone) {
    ASSIGN_OR_RETURN(holders, store.PhoneHolders(reply.from));
  }
  model::HeadOfficeRequest r;
  r.staff = "replies";
  r.requested_at = FormatUtcMs(reply.received_at_ms);
  r.reason = "replied '" + reply.text + "' (" + reply.gateway_message_id + ")";
  if (kind == delivery::ReplyKind::kOptOut) {
    r.kind = "opt-out";
    r.phone = reply.from;
    r.channel = "sms";
    out.reserve(holders.size());
    for (const auto& h : holders) {
      r.customer_id = h.customer_id;
      out.push_back({h.site, model::HeadOfficeRequestJson(r).dump()});
    }
    outcome = out.empty() ? "kept for staff: no store holds a record with " + reply.from
                          : "opt-out (sms) queued to " + std::to_string(out.size()) + " record(s)";
    return out;
  }
  if (kind == delivery::ReplyKind::kCancel) {
    if (holders.empty()) {
      outcome = "kept for staff: no store holds a record with " + reply.from;
      return out;
    }
    ASSIGN_OR_RETURN(CancelTarget target,
                     FindCancelTarget(store, reply, holders, Now(hub).substr(0, 10)));
    if (!target.booking) {
      outcome = "kept for staff: " + target.why_not;
      return out;
    }
    r.kind = "cancel";
    r.booking_id = target.booking->booking_id;
    r.booking_ref = target.booking->ref;
    out.push_back({target.booking->site, model::HeadOfficeRequestJson(r).dump()});
    outcome = "cancel of " + target.booking->ref + " queued to " + target.booking->site;
    return out;
  }
  outcome = "kept for staff";
  return out;
}

}  // namespace

namespace {

// The calendar `site` was last sent (its newest "holidays" request), if any.
Result<std::optional<std::string>> CalendarSentTo(Hub& hub, const std::string& site) {
  ASSIGN_OR_RETURN(std::vector<storage::OutboxEntry> sent,
                   hub.storage().outbox().After(site, 0, std::numeric_limits<int>::max()));
  for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
    const json request = json::parse(it->request_json, nullptr, false);
    if (request.is_object() && request.value("kind", "") == "holidays") {
      return std::optional<std::string>(request.value("calendar", ""));
    }
  }
  return std::optional<std::string>();
}

}  // namespace

namespace {

// The "holidays" requests that bring every allow-listed store to `value`:
// one to each store whose newest calendar is not this one.
Result<std::vector<storage::RequestToQueue>> CalendarRequests(Hub& hub, const std::string& value,
                                                              const std::string& staff,
                                                              const std::string& at) {
  model::HeadOfficeRequest request;
  request.kind = "holidays";
  request.calendar = value;
  request.staff = staff;
  request.requested_at = at;
  const std::string request_json = model::HeadOfficeRequestJson(request).dump();
  std::vector<storage::RequestToQueue> requests;
  ASSIGN_OR_RETURN(std::vector<std::string> sites, hub.AllowedSites());
  requests.reserve(sites.size());
  for (const auto& site : sites) {
    ASSIGN_OR_RETURN(std::optional<std::string> sent, CalendarSentTo(hub, site));
    if (sent != value) requests.push_back({site, request_json});
  }
  return requests;
}

}  // namespace

Result<std::vector<storage::QueuedAt>> SetHolidayCalendar(Hub& hub, const std::string& text,
                                                          const std::string& staff) {
  RETURN_IF_ERROR(NeedStaff(staff));
  ASSIGN_OR_RETURN(outreach::HolidayCalendar calendar, outreach::ParseHolidayCalendarText(text));
  const std::string value = outreach::HolidayCalendarJson(calendar).dump();
  ASSIGN_OR_RETURN(std::vector<storage::RequestToQueue> requests,
                   CalendarRequests(hub, value, staff, Now(hub)));
  storage::CampaignStore& store = hub.storage().campaigns();
  ASSIGN_OR_RETURN(auto current, store.Setting(kHolidaysSetting));
  if (current && current->value == value && requests.empty()) {
    return std::vector<storage::QueuedAt>();
  }
  return store.PutSetting(kHolidaysSetting, {value, Now(hub), staff}, requests);
}

Result<std::vector<storage::QueuedAt>> SendHolidayCalendarToNewStores(Hub& hub) {
  storage::CampaignStore& store = hub.storage().campaigns();
  ASSIGN_OR_RETURN(auto current, store.Setting(kHolidaysSetting));
  if (!current) return std::vector<storage::QueuedAt>();  // stores ship with the default
  ASSIGN_OR_RETURN(std::vector<storage::RequestToQueue> requests,
                   CalendarRequests(hub, current->value, current->set_by, Now(hub)));
  if (requests.empty()) return std::vector<storage::QueuedAt>();
  // The setting is written back unchanged: the requests land in its transaction.
  return store.PutSetting(kHolidaysSetting, *current, requests);
}

Status SetContactPolicy(Hub& hub, const std::string& text, const std::string& staff) {
  RETURN_IF_ERROR(NeedStaff(staff));
  const json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return Status::InvalidInput("contact policy: not JSON");
  ASSIGN_OR_RETURN(outreach::ContactPolicy policy, outreach::ParseContactPolicy(parsed));
  const std::string value = outreach::ContactPolicyJson(policy).dump();
  return hub.storage()
      .campaigns()
      .PutSetting(kContactPolicySetting, {value, Now(hub), staff}, {})
      .status();
}

Status SetServiceRules(Hub& hub, const std::string& text, const std::string& staff) {
  RETURN_IF_ERROR(NeedStaff(staff));
  const json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return Status::InvalidInput("service rules: not JSON");
  ASSIGN_OR_RETURN(std::vector<outreach::ServiceRule> rules, outreach::ParseServiceRules(parsed));
  if (rules.empty()) {
    return Status::InvalidInput("service rules: rules: at least one rule");
  }
  const std::string value = outreach::ServiceRulesJson(rules).dump();
  return hub.storage()
      .campaigns()
      .PutSetting(kServiceRulesSetting, {value, Now(hub), staff}, {})
      .status();
}

Result<AssignReport> AssignInvitations(Hub& hub, const LocalDate& date, const std::string& staff) {
  if (staff.empty()) {
    return Status::InvalidInput("staff: say who assigns them (--staff)");
  }
  ASSIGN_OR_RETURN(CampaignSettings settings, ReadCampaignSettings(hub.storage().campaigns()));
  Identity identity = hub.MakeIdentity();
  ASSIGN_OR_RETURN(DueList list, ComputeServiceDue(hub.storage(), identity, hub.clock(), date));
  AssignReport report;
  const std::string now = Now(hub);
  for (Invitation& inv : list.due) {
    if (!inv.allowed) {
      ++report.not_allowed;
    } else if (inv.assigned_site) {
      ++report.already_assigned;
    } else if (!inv.store_online) {
      ++report.kept_for_calls;
    } else if (const outreach::ServiceRule* rule = RuleNamed(settings, inv.service_kind)) {
      const storage::InvitationRow row = InvitationRowOf(inv, now, staff, "store");
      const json request = model::HeadOfficeRequestJson(InviteRequest(inv, *rule, staff, now));
      ASSIGN_OR_RETURN(std::optional<int64_t> seq,
                       hub.storage().campaigns().AssignInvitation(row, request.dump()));
      if (!seq) {
        ++report.already_assigned;
        continue;
      }
      inv.assigned_site = inv.store;
      inv.assigned_seq = *seq;
      report.queued.push_back(inv);
    }
  }
  return report;
}

Result<ReplyResult> HandleInboundReply(Hub& hub, const delivery::InboundReply& reply) {
  const delivery::ReplyKind kind = delivery::ClassifyReply(reply.text);
  ReplyResult result;
  storage::ReplyRow& row = result.row;
  row.gateway_message_id = reply.gateway_message_id;
  row.sender = reply.from;
  row.text = reply.text;
  row.kind = delivery::ReplyKindName(kind);
  row.received_at = FormatUtcMs(reply.received_at_ms);
  row.in_reply_to = reply.in_reply_to;
  row.recorded_at = Now(hub);
  // The typed rows (phones, bookings) as of every change synced so far: the
  // daemon refreshes them behind ingest, a reply may come in before it did.
  RETURN_IF_ERROR(hub.MakeIdentity().IndexChanges());
  ASSIGN_OR_RETURN(std::vector<storage::RequestToQueue> requests,
                   RequestsForReply(hub, reply, kind, row.outcome));
  ASSIGN_OR_RETURN(bool recorded, hub.storage().campaigns().RecordReply(row, requests));
  result.duplicate = !recorded;
  return result;
}

}  // namespace outpost::hub
