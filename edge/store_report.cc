// The store's month-end statistics (docs/KPI.md): its facts read through the
// tables' owners, every instant turned into the store's local day, and the
// figures computed by the pure sync/kpi/month_report.
#include "edge/bookings.h"
#include "edge/outreach.h"
#include "edge/store.h"
#include "edge/tasks.h"
#include "sync/i18n/messages.h"

namespace outpost::edge {

Result<kpi::MonthFacts> Store::MonthFacts(const std::string& month) {
  auto first = LocalDate::Parse(month + "-01");
  if (month.size() != 7 || !first.ok()) {
    return Status::InvalidInput("month: '" + month + "' is not a month YYYY-MM")
        .WithShown(i18n::Format("month: '{0}' is not a month YYYY-MM", {month}))
        .WithField("month");
  }
  // A day either side: a UTC text of the month's first or last local day may
  // carry the day before or after; the local day decides (the pure part).
  const std::string from = first->AddDays(-1).ToString();
  const std::string to = first->AddDays(33).ToString();
  auto local_day = [this](const std::string& utc) -> Result<std::string> {
    ASSIGN_OR_RETURN(int64_t ms, ParseUtcMs(utc));
    return zone_.UtcToLocal(ms).date.ToString();
  };

  kpi::MonthFacts facts;
  facts.month = month;
  ASSIGN_OR_RETURN(std::vector<Booking> bookings, BookingsForReport(*db_, from, to));
  ASSIGN_OR_RETURN(auto cancelled, CancelTimes(*db_, from, to));
  for (const Booking& b : bookings) {
    kpi::BookingFact f;
    f.channel = std::string(ChannelName(b.channel));
    ASSIGN_OR_RETURN(f.made_on, local_day(b.requested_at));
    f.slot_date = b.slot_date;
    ASSIGN_OR_RETURN(LocalDate date, LocalDate::Parse(b.slot_date));
    ASSIGN_OR_RETURN(LocalTime time, LocalTime::Parse(b.slot_time));
    f.slot_start_ms = zone_.LocalToUtcMs(date, time);
    f.status = std::string(BookingStatusName(b.status));
    f.arrived = b.arrived_at.has_value();
    if (auto it = cancelled.find(b.id); it != cancelled.end()) {
      ASSIGN_OR_RETURN(int64_t at, ParseUtcMs(it->second));
      f.cancelled_at_ms = at;
    } else if (b.status == BookingStatus::kCancelled) {
      // No desk history (a store rebuilt or replayed from the log keeps none):
      // a cancelled booking changes no more, so its last change is the cancel.
      ASSIGN_OR_RETURN(int64_t at, ParseUtcMs(b.updated_at));
      f.cancelled_at_ms = at;
    }
    f.moved_here = b.rescheduled_from.has_value();
    facts.bookings.push_back(std::move(f));
  }

  ASSIGN_OR_RETURN(std::vector<model::Message> contacts, MarketingContactsBetween(*db_, from, to));
  for (const model::Message& m : contacts) {
    kpi::ContactFact f;
    ASSIGN_OR_RETURN(f.on, local_day(m.sent_at.value_or(m.updated_at.value_or(m.planned_at))));
    if (m.status == model::MessageStatus::kDone) f.outcome = m.outcome.value_or("");
    facts.contacts.push_back(std::move(f));
  }

  ASSIGN_OR_RETURN(std::vector<model::Task> tasks, AllTasks(*db_));
  for (const model::Task& t : tasks) {
    for (const model::TaskAttempt& a : t.attempts) {
      kpi::CallFact f;
      ASSIGN_OR_RETURN(f.on, local_day(a.at));
      f.kind = t.kind;
      f.result = a.result;
      f.satisfied = a.satisfied;
      f.items = a.items;
      facts.calls.push_back(std::move(f));
    }
    if (t.kind != "complaint") continue;
    kpi::ComplaintFact c;
    ASSIGN_OR_RETURN(c.opened_on, local_day(t.created_at));
    if (t.status == "done") {
      ASSIGN_OR_RETURN(std::string closed, local_day(t.updated_at.value_or(t.created_at)));
      c.closed_on = closed;
    }
    c.due_by = t.due_by;
    facts.complaints.push_back(std::move(c));
  }
  return facts;
}

Result<kpi::MonthReport> Store::MonthReport(const std::string& month) {
  ASSIGN_OR_RETURN(kpi::MonthFacts facts, MonthFacts(month));
  return kpi::ComputeMonthReport(facts);
}

}  // namespace outpost::edge
