#include "hub/queries/report.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "hub/hub.h"
#include "hub/queries/standby.h"
#include "sync/civil_time.h"
#include "sync/clock.h"
#include "sync/i18n/messages.h"
#include "sync/model/message.h"
#include "sync/model/request.h"
#include "sync/model/task.h"
#include "sync/outreach/invitation.h"

namespace outpost::hub::queries {
namespace {

// One store's zone and the facts read for it, every date its local day.
struct StoreFacts {
  TimeZone zone;
  kpi::MonthFacts facts;
};
using FactsBySite = std::map<std::string, StoreFacts>;

// The months read: `months` oldest first; the rows read are those of
// [from, to) (dates), a day either side of them, since an instant's UTC date
// may be the day before or after its local one; the local day decides.
struct Span {
  std::vector<std::string> months;
  std::string from;              // the first month's first day, less one
  std::string to;                // the day after the last month's last day, plus one
  std::string first_day_utc_lo;  // an instant's UTC date before this is in no month
  std::string last_day_utc_hi;   // nor one after this
};

Result<LocalDate> FirstOf(const std::string& month) {
  auto first = LocalDate::Parse(month + "-01");
  if (month.size() != 7 || !first.ok()) {
    return Status::InvalidInput("month: '" + month + "' is not a month YYYY-MM")
        .WithShown(i18n::Format("month: '{0}' is not a month YYYY-MM", {month}))
        .WithField("month");
  }
  return first.value();
}

LocalDate NextMonth(const LocalDate& first) {
  const LocalDate later = first.AddDays(31);
  return LocalDate{later.year, later.month, 1};
}

Result<Span> SpanOf(const std::string& month, int count) {
  ASSIGN_OR_RETURN(LocalDate last_first, FirstOf(month));
  Span span;
  LocalDate first = last_first;
  for (int i = 1; i < count; ++i) {
    const LocalDate before = first.AddDays(-1);
    first = LocalDate{before.year, before.month, 1};
  }
  for (LocalDate m = first; m <= last_first; m = NextMonth(m)) {
    span.months.push_back(m.ToString().substr(0, 7));
  }
  const LocalDate end = NextMonth(last_first);  // the day after the last month
  span.from = first.AddDays(-1).ToString();
  span.to = end.AddDays(1).ToString();
  span.first_day_utc_lo = span.from;
  span.last_day_utc_hi = end.ToString();
  return span;
}

Result<std::string> LocalDay(const TimeZone& zone, const std::string& utc) {
  ASSIGN_OR_RETURN(int64_t ms, ParseUtcMs(utc));
  return zone.UtcToLocal(ms).date.ToString();
}

// Bookings: a booking made far from the months is made in none of them, and
// only a cancelled one's slot start is ever compared (with its cancel).
Status AddBookings(storage::HubReads& reads, const std::string& site, const Span& span,
                   FactsBySite& by_site) {
  return reads.ForEachMonthBooking(
      site, span.from, span.to, [&](const storage::MonthBookingRow& row) -> Status {
        auto it = by_site.find(row.site);
        if (it == by_site.end()) return Status::Ok();  // not on the allow-list any more
        const TimeZone& zone = it->second.zone;
        kpi::BookingFact f;
        f.channel = row.channel;
        const std::string utc_day = row.requested_at.substr(0, 10);
        if (utc_day >= span.first_day_utc_lo && utc_day <= span.last_day_utc_hi) {
          ASSIGN_OR_RETURN(f.made_on, LocalDay(zone, row.requested_at));
        }
        f.slot_date = row.slot_date;
        f.status = row.status;
        f.arrived = row.arrived;
        f.moved_here = row.moved_here;
        if (row.cancelled_at) {
          ASSIGN_OR_RETURN(int64_t at, ParseUtcMs(*row.cancelled_at));
          f.cancelled_at_ms = at;
        }
        if (row.status == "cancelled") {
          ASSIGN_OR_RETURN(LocalDate date, LocalDate::Parse(row.slot_date));
          ASSIGN_OR_RETURN(LocalTime time, LocalTime::Parse(row.slot_time));
          f.slot_start_ms = zone.LocalToUtcMs(date, time);
        }
        it->second.facts.bookings.push_back(std::move(f));
        return Status::Ok();
      });
}

// The message id the store gives its record of head office's call (the
// invitation's key, as the store computes it from the "invite" request).
std::optional<std::string> StoreRecordOfCall(const storage::ContactRow& row) {
  const nlohmann::json j = nlohmann::json::parse(row.request, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto request = model::ParseHeadOfficeRequest(j);
  if (!request.ok()) return std::nullopt;
  auto due = LocalDate::Parse(request->date);
  if (!due.ok()) return std::nullopt;
  return model::MessageIdFor(
      outreach::InvitationKey(row.site, request->customer_id, request->vehicle_id, due.value()));
}

// The stores' marketing contacts, and head office's own not yet synced back
// from the store (the store records each under the same id).
Status AddContacts(storage::HubReads& reads, const Span& span, FactsBySite& by_site) {
  ASSIGN_OR_RETURN(std::vector<storage::ContactRow> rows,
                   reads.StoreContactsMade(span.from, span.to));
  ASSIGN_OR_RETURN(std::vector<storage::ContactRow> own,
                   reads.HeadOfficeContactsMade(span.from, span.to));
  std::vector<std::string> ids;
  for (storage::ContactRow& row : own) {
    if (row.message_id.empty()) row.message_id = StoreRecordOfCall(row).value_or("");
    if (!row.message_id.empty()) ids.push_back(row.message_id);
  }
  ASSIGN_OR_RETURN(std::vector<std::string> present, reads.EntitiesPresent("message", ids));
  const std::set<std::string> synced(present.begin(), present.end());
  for (const storage::ContactRow& row : own) {
    if (row.message_id.empty() || synced.count(row.message_id) == 0) rows.push_back(row);
  }
  for (const storage::ContactRow& row : rows) {
    auto it = by_site.find(row.site);
    if (it == by_site.end()) continue;
    kpi::ContactFact f;
    ASSIGN_OR_RETURN(f.on, LocalDay(it->second.zone, row.at));
    if (row.status == "done") f.outcome = row.outcome;
    it->second.facts.contacts.push_back(std::move(f));
  }
  return Status::Ok();
}

// Every attempt of every task is a call; complaints are also complaints. A
// task the codec refuses is left out, as the typed rows leave it.
Status AddTask(const model::Task& t, StoreFacts& store) {
  for (const model::TaskAttempt& a : t.attempts) {
    kpi::CallFact f;
    ASSIGN_OR_RETURN(f.on, LocalDay(store.zone, a.at));
    f.kind = t.kind;
    f.result = a.result;
    f.satisfied = a.satisfied;
    f.items = a.items;
    store.facts.calls.push_back(std::move(f));
  }
  if (t.kind != "complaint") return Status::Ok();
  kpi::ComplaintFact c;
  ASSIGN_OR_RETURN(c.opened_on, LocalDay(store.zone, t.created_at));
  if (t.status == "done") {
    ASSIGN_OR_RETURN(std::string closed, LocalDay(store.zone, t.updated_at.value_or(t.created_at)));
    c.closed_on = closed;
  }
  c.due_by = t.due_by;
  store.facts.complaints.push_back(std::move(c));
  return Status::Ok();
}

Status AddTasks(storage::HubReads& reads, FactsBySite& by_site) {
  return reads.ForEachEntityOfKind("task", [&](const storage::EntityFields& e) -> Status {
    auto it = by_site.find(e.owner_site);
    if (it == by_site.end()) return Status::Ok();
    const nlohmann::json fields = nlohmann::json::parse(e.fields_json, nullptr, false);
    if (!fields.is_object()) return Status::Ok();
    auto task = model::ParseTask(e.entity_id, fields);
    if (!task.ok()) return Status::Ok();
    return AddTask(task.value(), it->second);
  });
}

// The months' figures from `facts`, oldest first.
Result<std::vector<kpi::MonthReport>> Reports(kpi::MonthFacts facts, const Span& span) {
  std::vector<kpi::MonthReport> out;
  for (const std::string& month : span.months) {
    facts.month = month;
    ASSIGN_OR_RETURN(kpi::MonthReport r, kpi::ComputeMonthReport(facts));
    out.push_back(std::move(r));
  }
  return out;
}

template <typename T>
void Append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

Result<MonthReports> MonthReportAtHub(const HubReader& hub, const std::string& month,
                                      const std::string& site, int trend_months) {
  ASSIGN_OR_RETURN(Span span, SpanOf(month, trend_months < 1 ? 1 : trend_months));
  ASSIGN_OR_RETURN(LocalDate first, FirstOf(month));
  const LocalDate month_end = NextMonth(first);  // the first local day after the month
  MonthReports out;
  out.month = month;
  ASSIGN_OR_RETURN(out.standby, ReadStandby(hub));
  // The typed rows first catch up with every change synced (they are kept
  // behind ingest): derived rows only, as a customer query's resolution.
  // Identity::IndexChanges does nothing on a standby, which takes no writes
  // and says how stale it is instead.
  RETURN_IF_ERROR(hub.MakeIdentity().IndexChanges());
  storage::HubReads& reads = hub.reads();
  ASSIGN_OR_RETURN(std::vector<storage::StoreOverview> overviews, reads.StoreOverviews());
  FactsBySite by_site;
  std::map<std::string, TimeZone> zones;  // by id: most stores share one
  for (const storage::StoreOverview& o : overviews) {
    if (!site.empty() && o.cursor.site != site) continue;
    ASSIGN_OR_RETURN(std::optional<StoreCalendar> calendar, ReadCalendar(reads, o.cursor.site));
    StoreMonthReport s;
    s.site = o.cursor.site;
    s.name = calendar && !calendar->settings.name.empty() ? calendar->settings.name : s.site;
    s.zone_assumed = !calendar.has_value();
    s.time_zone = calendar ? calendar->settings.time_zone : std::string(kHeadOfficeZone);
    auto known = zones.find(s.time_zone);
    if (known == zones.end()) {
      ASSIGN_OR_RETURN(TimeZone loaded, TimeZone::Load(s.time_zone));
      known = zones.emplace(s.time_zone, std::move(loaded)).first;
    }
    const TimeZone zone = known->second;
    if (!o.cursor.last_contact) {
      s.complete_to = "";
    } else {
      ASSIGN_OR_RETURN(int64_t heard, ParseUtcMs(*o.cursor.last_contact));
      if (heard < zone.LocalToUtcMs(month_end, LocalTime{0, 0})) {
        s.complete_to = zone.UtcToLocal(heard).date.ToString();
      }
    }
    if (s.complete_to) ++out.incomplete;
    out.stores.push_back(std::move(s));
    by_site.emplace(o.cursor.site, StoreFacts{zone, {}});
  }
  if (!site.empty() && by_site.empty()) {
    return Status::InvalidInput("--store: '" + site + "' is not a store on the allow-list")
        .WithShown(i18n::Format("--store: '{0}' is not a store on the allow-list", {site}))
        .WithField("--store");
  }
  RETURN_IF_ERROR(AddBookings(reads, site, span, by_site));
  RETURN_IF_ERROR(AddContacts(reads, span, by_site));
  RETURN_IF_ERROR(AddTasks(reads, by_site));

  kpi::MonthFacts chain;
  for (StoreMonthReport& s : out.stores) {
    kpi::MonthFacts& facts = by_site.at(s.site).facts;
    ASSIGN_OR_RETURN(s.trend, Reports(facts, span));
    s.report = s.trend.back();
    if (trend_months <= 1) s.trend.clear();
    if (!site.empty()) continue;
    Append(chain.bookings, facts.bookings);
    Append(chain.contacts, facts.contacts);
    Append(chain.calls, facts.calls);
    Append(chain.complaints, facts.complaints);
  }
  if (site.empty()) {
    ASSIGN_OR_RETURN(out.chain_trend, Reports(std::move(chain), span));
    out.chain = out.chain_trend.back();
    if (trend_months <= 1) out.chain_trend.clear();
  }
  return out;
}

}  // namespace outpost::hub::queries
