#include "sync/outreach/service_due.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "sync/i18n/messages.h"
#include "sync/outreach/json_in.h"

namespace outpost::outreach {

using internal::JsonIn;
using nlohmann::json;

namespace {

constexpr char kWhat[] = "service rules";
constexpr int64_t kMaxDays = int64_t{10} * 366;  // beyond any service interval
constexpr int64_t kMaxKm = 1'000'000;

// The km-per-day line through the readings: anchored at the last reading,
// with the slope from first to last. Nullopt when they cannot project
// (fewer than two days apart, or not increasing).
struct KmLine {
  LocalDate anchor_date;
  int64_t anchor_km = 0;
  double per_day = 0;
  double KmOn(const LocalDate& date) const {
    return static_cast<double>(anchor_km) + per_day * (date.ToDays() - anchor_date.ToDays());
  }
};

std::optional<KmLine> LineThrough(std::vector<MileageReading> readings) {
  if (readings.size() < 2) return std::nullopt;
  std::sort(readings.begin(), readings.end(),
            [](const MileageReading& a, const MileageReading& b) { return a.date < b.date; });
  const MileageReading& first = readings.front();
  const MileageReading& last = readings.back();
  const int days = last.date.ToDays() - first.date.ToDays();
  if (days <= 0 || last.km <= first.km) return std::nullopt;
  return KmLine{last.date, last.km, static_cast<double>(last.km - first.km) / days};
}

Status CheckReadings(const std::vector<MileageReading>& readings) {
  for (size_t i = 0; i < readings.size(); ++i) {
    if (readings[i].km < 0) {
      const std::string field = "readings[" + std::to_string(i) + "].km";
      return Status::InvalidInput("mileage readings: " + field + ": " +
                                  std::to_string(readings[i].km) + " is negative")
          .WithShown(i18n::Format("mileage readings: {0}: {1} is negative",
                                  {field, std::to_string(readings[i].km)}))
          .WithField(field);
    }
  }
  return Status::Ok();
}

Result<ServiceContact> ReadContact(const JsonIn& in) {
  RETURN_IF_ERROR(in.Object());
  ServiceContact contact;
  ASSIGN_OR_RETURN(contact.channel, in.At("channel").Channel());
  ASSIGN_OR_RETURN(int64_t days, in.At("days_before_due").Int(-kMaxDays, kMaxDays));
  contact.days_before_due = static_cast<int>(days);
  return contact;
}

Result<ServiceRule> ReadRule(const JsonIn& in) {
  RETURN_IF_ERROR(in.Object());
  ServiceRule rule;
  ASSIGN_OR_RETURN(rule.service_kind, in.At("service_kind").NonEmptyText());
  ASSIGN_OR_RETURN(int64_t months, in.At("due_after_months").Int(0, 120));
  ASSIGN_OR_RETURN(int64_t days, in.At("due_after_days").Int(0, kMaxDays));
  if ((months > 0) == (days > 0)) {
    return in.At("due_after_months")
        .Bad("exactly one of due_after_months and due_after_days must be above 0");
  }
  rule.due_after_months = static_cast<int>(months);
  rule.due_after_days = static_cast<int>(days);
  if (in.At("due_after_km").Present()) {
    ASSIGN_OR_RETURN(int64_t km, in.At("due_after_km").Int(0, kMaxKm));
    if (km == 0) return in.At("due_after_km").Bad("0 km: use null for time only");
    rule.due_after_km = km;
  }
  const JsonIn contacts = in.At("contacts");
  RETURN_IF_ERROR(contacts.Array());
  if (contacts.value().empty()) return contacts.Bad("is empty: an invitation needs a contact");
  for (size_t i = 0; i < contacts.value().size(); ++i) {
    ASSIGN_OR_RETURN(ServiceContact contact, ReadContact(contacts.At(i)));
    rule.contacts.push_back(contact);
  }
  return rule;
}

}  // namespace

LocalDate AddMonths(const LocalDate& date, int months) {
  using namespace std::chrono;
  const year_month ym =
      year(date.year) / month(static_cast<unsigned>(date.month)) + std::chrono::months(months);
  const year_month_day_last last{ym / std::chrono::last};
  const unsigned day = std::min(static_cast<unsigned>(date.day), static_cast<unsigned>(last.day()));
  return {static_cast<int>(ym.year()), static_cast<int>(static_cast<unsigned>(ym.month())),
          static_cast<int>(day)};
}

std::vector<ServiceRule> DefaultServiceRules() {
  return {
      {"maintenance", 6, 0, 5000, {{ContactChannel::kCall, 15}}},
      {"beauty_care",
       0,
       28,
       std::nullopt,
       {{ContactChannel::kWeChat, 7}, {ContactChannel::kCall, 0}}},
  };
}

Result<std::vector<ServiceRule>> ParseServiceRules(const json& document) {
  const JsonIn root(kWhat, document);
  RETURN_IF_ERROR(root.Object());
  const JsonIn list = root.At("rules");
  RETURN_IF_ERROR(list.Array());
  std::vector<ServiceRule> rules;
  std::set<std::string> kinds;
  for (size_t i = 0; i < list.value().size(); ++i) {
    ASSIGN_OR_RETURN(ServiceRule rule, ReadRule(list.At(i)));
    if (!kinds.insert(rule.service_kind).second) {
      return list.At(i).At("service_kind").Bad("'" + rule.service_kind + "' has two rules");
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

json ServiceRulesJson(const std::vector<ServiceRule>& rules) {
  json list = json::array();
  for (const ServiceRule& rule : rules) {
    json contacts = json::array();
    for (const ServiceContact& c : rule.contacts) {
      contacts.push_back(
          {{"channel", ContactChannelName(c.channel)}, {"days_before_due", c.days_before_due}});
    }
    list.push_back({{"service_kind", rule.service_kind},
                    {"due_after_months", rule.due_after_months},
                    {"due_after_days", rule.due_after_days},
                    {"due_after_km", rule.due_after_km ? json(*rule.due_after_km) : json(nullptr)},
                    {"contacts", contacts}});
  }
  return {{"rules", list}};
}

Result<ServiceDue> ProjectServiceDue(const ServiceRule& rule, const LocalDate& last_service,
                                     const std::vector<MileageReading>& readings,
                                     const LocalDate& today) {
  RETURN_IF_ERROR(CheckReadings(readings));
  ServiceDue out;
  out.due_date = rule.due_after_months > 0 ? AddMonths(last_service, rule.due_after_months)
                                           : last_service.AddDays(rule.due_after_days);
  out.due_by = "time";
  const std::optional<KmLine> line = LineThrough(readings);
  if (line && rule.due_after_km) {
    out.km_per_day = line->per_day;
    // The km at the service: read that day if someone wrote it down, else
    // read off the line.
    auto on_day = std::find_if(readings.begin(), readings.end(),
                               [&](const MileageReading& r) { return r.date == last_service; });
    const double at_service = on_day != readings.end() ? static_cast<double>(on_day->km)
                                                       : std::max(0.0, line->KmOn(last_service));
    const double target = at_service + static_cast<double>(*rule.due_after_km);
    out.due_at_km = static_cast<int64_t>(std::llround(target));
    const double days = std::ceil((target - static_cast<double>(line->anchor_km)) / line->per_day);
    const auto clamped = static_cast<int32_t>(std::clamp<double>(days, -kMaxDays, kMaxDays));
    const LocalDate km_date = line->anchor_date.AddDays(clamped);
    if (km_date < out.due_date) {
      out.due_date = km_date;
      out.due_by = "km";
    }
  }
  for (const ServiceContact& c : rule.contacts) {
    const LocalDate date = out.due_date.AddDays(-c.days_before_due);
    out.invite_date = out.contacts.empty() ? date : std::min(out.invite_date, date);
    out.contacts.push_back({c.channel, date, date <= today});
  }
  if (out.contacts.empty()) out.invite_date = out.due_date;
  out.due_for_invitation = out.invite_date <= today;
  return out;
}

}  // namespace outpost::outreach
