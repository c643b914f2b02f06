// The store's own service-due invitations (the marked block of edge/store.h;
// types and reads in edge/invitations.h; docs/OUTREACH.md "When the store is
// cut off: its own invitations").
//
// The list is computed from this store's data alone, so it works with no
// network: the last completed visit here, the odometer readings its change log
// holds, the rule of the service's kind and the contact policy with what the
// store knows of the customer's consent and marketing contacts. Planning
// writes each as the same message, under the same key, as head office's
// "invite" request would: whichever arrives second plans nothing.
#include <algorithm>
#include <cmath>
#include <set>

#include "edge/invitations.h"
#include "edge/outreach.h"
#include "edge/profiles.h"
#include "edge/store.h"
#include "sync/ids.h"
#include "sync/normalize.h"
#include "sync/outreach/service_due.h"

namespace outpost::edge {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

// The vehicle's readings as its change log holds them, each on the UTC day of
// the change's business time (else when it was recorded): the day head office
// dates them by, so both sites project the same due date, hence the same key.
Result<std::vector<outreach::MileageReading>> ReadingsOf(Db& db, const std::string& vehicle_id) {
  ASSIGN_OR_RETURN(auto logged, LoggedMileages(db, vehicle_id));
  std::vector<outreach::MileageReading> out;
  for (const LoggedMileage& l : logged) {
    ASSIGN_OR_RETURN(LocalDate day, LocalDate::Parse(l.at.substr(0, 10)));
    out.push_back({day, l.km});
  }
  return out;
}

// The odometer on the due date, when the readings gave a rate.
std::optional<int64_t> ProjectedKm(const outreach::ServiceDue& due,
                                   const std::vector<outreach::MileageReading>& readings) {
  if (!due.km_per_day || readings.empty()) return std::nullopt;
  const auto newest =
      std::max_element(readings.begin(), readings.end(), [](const auto& a, const auto& b) {
        return a.date < b.date || (a.date == b.date && a.km < b.km);
      });
  const double days = due.due_date.ToDays() - newest->date.ToDays();
  return newest->km + static_cast<int64_t>(std::llround(*due.km_per_day * days));
}

// The invitation's channel: the rule's earliest contact.
ContactChannel FirstChannel(const outreach::ServiceDue& due) {
  const auto first = std::min_element(due.contacts.begin(), due.contacts.end(),
                                      [](const auto& a, const auto& b) { return a.date < b.date; });
  return first == due.contacts.end() ? ContactChannel::kCall : first->channel;
}

const outreach::ServiceRule* RuleOf(const std::vector<outreach::ServiceRule>& rules,
                                    const std::string& kind) {
  for (const auto& r : rules) {
    if (r.service_kind == kind) return &r;
  }
  return nullptr;
}

InvitationSpec SpecOf(const DueInvitation& d) {
  return {
      d.customer_id,        d.customer_name, d.vehicle_id.value_or(""),
      d.plate.value_or(""), d.service,       d.due.due_date,
      d.due.invite_date,    d.channel,       "last " + d.last_service + ", due by " + d.due.due_by};
}

}  // namespace

Result<std::vector<DueInvitation>> Store::DueInvitations(const LocalDate& day) {
  const int64_t now_ms = clock_.NowMs();
  ASSIGN_OR_RETURN(OutreachSettings config, Outreach());
  ASSIGN_OR_RETURN(auto visits, LastCompletedVisits(*db_, settings_.store_id));
  ASSIGN_OR_RETURN(auto ahead_list,
                   CustomersWithBookingsAhead(*db_, settings_.store_id, std::min(day, Today())));
  const std::set<std::string> ahead(ahead_list.begin(), ahead_list.end());
  const std::vector<outreach::ServiceRule> rules = outreach::DefaultServiceRules();
  std::vector<DueInvitation> out;
  for (const LastVisit& v : visits) {
    const outreach::ServiceRule* rule = RuleOf(rules, v.service_kind);
    if (rule == nullptr) continue;
    DueInvitation d;
    ASSIGN_OR_RETURN(LocalDate last, LocalDate::Parse(v.slot_date));
    std::vector<outreach::MileageReading> readings;
    if (v.vehicle_id) {
      ASSIGN_OR_RETURN(readings, ReadingsOf(*db_, *v.vehicle_id));
    }
    ASSIGN_OR_RETURN(d.due, outreach::ProjectServiceDue(*rule, last, readings, day));
    if (!d.due.due_for_invitation) continue;
    ASSIGN_OR_RETURN(auto customer, customers_.Match(v.customer_id));
    if (!customer) continue;  // merged away: its survivor's visits speak for it
    const Customer& c = *customer;
    d.customer_id = c.id;
    d.customer_name = c.name;
    d.vehicle_id = v.vehicle_id;
    d.plate = v.plate;
    d.service = v.service;
    d.service_kind = v.service_kind;
    d.last_service = v.slot_date;
    d.readings = static_cast<int>(readings.size());
    d.projected_km = ProjectedKm(d.due, readings);
    d.channel = FirstChannel(d.due);
    d.key = InvitationKey(settings_.store_id, c.id, v.vehicle_id.value_or(""), d.due.due_date);
    d.message_id = model::MessageIdFor(d.key);
    ASSIGN_OR_RETURN(auto existing, FindMessage(*db_, d.message_id));
    if (existing) {
      d.state = "planned";
      d.reason =
          "invitation " + ShortId(existing->id) + " planned already (" + existing->reason + ")";
      out.push_back(std::move(d));
      continue;
    }
    if (ahead.count(c.id) > 0) {
      d.state = "booked";
      d.reason = "already booked";
      out.push_back(std::move(d));
      continue;
    }
    ASSIGN_OR_RETURN(auto held, ProfileOfCustomer(*db_, c.id));
    ASSIGN_OR_RETURN(auto sent, MarketingSentSince(*db_, c.id, FormatUtcMs(now_ms - 400 * kDayMs)));
    std::vector<int64_t> marketing_ms;
    for (const auto& at : sent) {
      ASSIGN_OR_RETURN(int64_t ms, ParseUtcMs(at));
      marketing_ms.push_back(ms);
    }
    outreach::ContactAsk ask;
    ask.channel = d.channel;
    ask.purpose = outreach::Purpose::kMarketing;
    ask.earliest_ms = std::max(now_ms, zone_.LocalToUtcMs(d.due.invite_date, LocalTime{9, 0}));
    ask.not_after_ms = zone_.LocalToUtcMs(d.due.due_date.AddDays(15), LocalTime{0, 0});
    ask.not_after_what = "the invitation's window closes";
    const outreach::ContactDecision decision = outreach::Decide(
        config.policy, zone_, config.Holidays(), SubjectFor(c, held, std::move(marketing_ms)), ask);
    if (!decision.send() || c.phones.empty()) {
      d.state = "dropped";
      d.reason = decision.send() ? "no phone on file" : decision.reason;
    } else {
      d.state = "plan";
      d.reason = decision.delayed ? decision.reason : "";
      d.send_at_ms = decision.at_ms;
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<InvitationRun> Store::PlanDueInvitations(const LocalDate& day,
                                                const std::string& staff_text) {
  ASSIGN_OR_RETURN(std::string staff,
                   WithField(CleanText("staff", staff_text, 60, /*required=*/true), "staff"));
  ASSIGN_OR_RETURN(std::vector<DueInvitation> due, DueInvitations(day));
  ASSIGN_OR_RETURN(OutreachSettings config, Outreach());
  const int64_t now_ms = clock_.NowMs();
  InvitationRun run;
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  for (DueInvitation& d : due) {
    if (d.state != "plan") {
      run.skipped.push_back(std::move(d));
      continue;
    }
    // Checked again in the writing transaction: head office's invitation may
    // have arrived since the list was read.
    ASSIGN_OR_RETURN(auto existing, FindMessage(*db_, d.message_id));
    if (existing) {
      d.state = "planned";
      d.reason = "invitation " + ShortId(d.message_id) + " planned already";
      run.skipped.push_back(std::move(d));
      continue;
    }
    model::Message m = InvitationMessage(settings_.store_id, settings_.name, zone_, config.policy,
                                         SpecOf(d), now_ms);
    m.reason = "planned at the store: due " + d.due.due_date.ToString() + " by " + d.due.due_by;
    RETURN_IF_ERROR(InsertMessage(*db_, log_, m, staff));
    d.state = "planned";
    d.reason = "invitation " + ShortId(m.id) + " planned for " + d.due.invite_date.ToString();
    run.planned.push_back(std::move(d));
  }
  RETURN_IF_ERROR(tx->Commit());
  return run;
}

}  // namespace outpost::edge
