#include "hub/service_due.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "hub/hub.h"
#include "hub/segments.h"
#include "sync/model/request.h"

namespace outpost::hub {
namespace {

// The storage and clock the computation reads.
struct DueReader {
  storage::HubStorage& store;
  const Clock& now;
  storage::HubStorage& storage() const { return store; }
  storage::HubReads& reads() const { return store.reads(); }
  const Clock& clock() const { return now; }
};

using storage::CampaignStore;
using storage::CompletedVisit;

// One person's car (or the person, for a rule without a vehicle) under one
// rule, with its newest completed visit and every reading of its records.
struct Car {
  std::string key;  // unified id | vehicle key
  size_t rule = 0;
  LocalDate last;
  std::string last_booking;  // breaks a tie between two visits on one day
  std::string site, customer_id;
  std::optional<std::string> vehicle_id, plate;
  std::vector<outreach::MileageReading> readings;
};

struct Cars {
  std::vector<Car> cars;
  std::unordered_map<std::string, size_t> by_key;  // key | rule kind -> index
  std::unordered_map<std::string, std::vector<size_t>> by_vehicle;
};

// The rule a visit counts for: the one named by its service, else (a visit
// with a vehicle) the maintenance rule, the first with a km limit.
std::optional<size_t> RuleFor(const std::vector<outreach::ServiceRule>& rules,
                              const CompletedVisit& visit) {
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].service_kind == visit.service) return i;
  }
  if (!visit.vehicle_id) return std::nullopt;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].service_kind == "maintenance") return i;
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].due_after_km) return i;
  }
  return std::nullopt;
}

// One car is one car whichever store recorded it: by VIN, else plate.
std::string VehicleKey(const CompletedVisit& visit) {
  if (visit.vin && !visit.vin->empty()) return "vin:" + *visit.vin;
  if (visit.plate && !visit.plate->empty()) return "plate:" + *visit.plate;
  if (visit.vehicle_id) return "vehicle:" + *visit.vehicle_id;
  return "customer";
}

Status AddVisit(const std::vector<outreach::ServiceRule>& rules, const CompletedVisit& visit,
                Cars& out) {
  const std::optional<size_t> rule = RuleFor(rules, visit);
  if (!rule) return Status::Ok();
  auto date = LocalDate::Parse(visit.slot_date);
  if (!date.ok()) return Status::Ok();  // the typed row was decoded by the codec: never here
  std::string key = visit.unified_id + "|" + VehicleKey(visit);
  auto [it, fresh] = out.by_key.try_emplace(key + "|" + rules[*rule].service_kind, out.cars.size());
  if (fresh) {
    out.cars.push_back(Car{std::move(key),
                           *rule,
                           date.value(),
                           visit.booking_id,
                           visit.site,
                           visit.customer_id,
                           visit.vehicle_id,
                           visit.plate,
                           {}});
  } else {
    Car& car = out.cars[it->second];
    if (std::tie(date.value(), visit.booking_id) > std::tie(car.last, car.last_booking)) {
      car.last = date.value();
      car.last_booking = visit.booking_id;
      car.site = visit.site;
      car.customer_id = visit.customer_id;
      car.vehicle_id = visit.vehicle_id;
      car.plate = visit.plate;
    }
  }
  if (visit.vehicle_id) {
    std::vector<size_t>& of = out.by_vehicle[*visit.vehicle_id];
    if (std::find(of.begin(), of.end(), it->second) == of.end()) of.push_back(it->second);
  }
  return Status::Ok();
}

Result<Cars> GatherCars(CampaignStore& store, const std::vector<outreach::ServiceRule>& rules) {
  Cars out;
  RETURN_IF_ERROR(store.ForEachCompletedVisit(
      [&](const CompletedVisit& visit) { return AddVisit(rules, visit, out); }));
  RETURN_IF_ERROR(store.ForEachMileageReading([&](const storage::MileageRow& row) {
    auto found = out.by_vehicle.find(row.vehicle_id);
    if (found == out.by_vehicle.end()) return Status::Ok();
    auto date = LocalDate::Parse(std::string_view(row.at).substr(0, 10));
    if (!date.ok()) return Status::Ok();
    for (size_t i : found->second) out.cars[i].readings.push_back({date.value(), row.km});
    return Status::Ok();
  }));
  return out;
}

std::optional<int64_t> ProjectedKm(const Car& car, const outreach::ServiceDue& due,
                                   const LocalDate& date) {
  if (!due.km_per_day || car.readings.empty()) return std::nullopt;
  const auto newest =
      std::max_element(car.readings.begin(), car.readings.end(),
                       [](const auto& a, const auto& b) { return a.date < b.date; });
  return newest->km +
         static_cast<int64_t>(*due.km_per_day * (date.ToDays() - newest->date.ToDays()));
}

bool Lapsed(const outreach::ServiceDue& due, const LocalDate& date) {
  return due.due_date < date.AddDays(-kLapsedAfterDays);
}

std::string PersonOf(const Car& car) { return car.key.substr(0, car.key.find('|')); }

// The first contact of the invitation (the earliest), its channel's name.
std::string FirstChannel(const outreach::ServiceDue& due) {
  const outreach::ScheduledContact* first = nullptr;
  for (const auto& c : due.contacts) {
    if (!first || c.date < first->date) first = &c;
  }
  return first ? ContactChannelName(first->channel) : "call";
}

// What the policy needs to know of the chain, gathered once per list.
struct PolicyContext {
  const CampaignSettings* settings = nullptr;
  std::map<std::string, TimeZone> zones;                    // by store
  std::map<std::string, std::vector<int64_t>> contacts_ms;  // by unified id
  std::map<std::string, int64_t> last_contact_ms;           // by store
  int64_t now_ms = 0;
};

Result<TimeZone> ZoneOf(const DueReader& reader, PolicyContext& ctx, const std::string& site) {
  auto known = ctx.zones.find(site);
  if (known != ctx.zones.end()) return known->second;
  ASSIGN_OR_RETURN(std::optional<StoreCalendar> calendar, ReadCalendar(reader.reads(), site));
  ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Load(calendar ? calendar->settings.time_zone
                                                          : std::string("Asia/Shanghai")));
  ctx.zones.emplace(site, zone);
  return zone;
}

Result<PolicyContext> GatherPolicyContext(const DueReader& reader, Identity& identity,
                                          const CampaignSettings& settings, const LocalDate& date) {
  PolicyContext ctx;
  ctx.settings = &settings;
  ctx.now_ms = reader.clock().NowMs();
  // Contacts within twice the cap's window around the date count.
  const std::string since = date.AddDays(-2 * settings.policy.marketing_cap_days).ToString();
  ASSIGN_OR_RETURN(auto contacts, reader.storage().campaigns().MarketingContactsSince(since));
  std::map<std::string, std::string> unified_of;
  for (const auto& c : contacts) {
    auto at = ParseUtcMs(c.at);
    if (!at.ok()) continue;
    auto [it, fresh] = unified_of.try_emplace(c.customer_id, c.customer_id);
    if (fresh) {
      ASSIGN_OR_RETURN(std::optional<std::string> link,
                       reader.storage().identity().LinkOf(c.customer_id));
      if (link) {
        ASSIGN_OR_RETURN(it->second, identity.LiveId(*link));
      }
    }
    ctx.contacts_ms[it->second].push_back(at.value());
  }
  ASSIGN_OR_RETURN(auto cursors, reader.storage().cursors().List());
  for (const auto& cursor : cursors) {
    if (!cursor.last_contact) continue;
    auto at = ParseUtcMs(*cursor.last_contact);
    if (at.ok()) ctx.last_contact_ms[cursor.site] = at.value();
  }
  return ctx;
}

// The person's view: merged consent, records and names.
Result<UnifiedView> PersonView(Identity& identity, const Car& car) {
  const std::string person = PersonOf(car);
  if (person == car.customer_id) return identity.Show(person);  // not linked yet
  ASSIGN_OR_RETURN(std::string live, identity.LiveId(person));
  return identity.ViewOf(live, false);
}

// Applies the contact policy to `inv`, unless the person has a booking coming already.
Status DecideInvitation(const DueReader& reader, PolicyContext& ctx, const UnifiedView& view,
                        const LocalDate& date, Invitation& inv) {
  std::vector<std::string> records;
  for (const auto& r : view.records) records.push_back(r.record_id);
  ASSIGN_OR_RETURN(auto upcoming,
                   reader.storage().campaigns().UpcomingBookings(records, date.ToString()));
  if (!upcoming.empty()) {
    inv.allowed = false;
    inv.reason = "already booked: " + upcoming.front().ref + " on " + upcoming.front().slot_date +
                 " at " + upcoming.front().site;
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(TimeZone zone, ZoneOf(reader, ctx, inv.store));
  const int64_t day_start = zone.LocalToUtcMs(date, LocalTime{0, 0});
  const int64_t next_day = zone.LocalToUtcMs(date.AddDays(1), LocalTime{0, 0});
  outreach::ContactAsk ask;
  ask.channel = ParseContactChannel(inv.channel).value_or(ContactChannel::kCall);
  ask.purpose = outreach::Purpose::kMarketing;
  ask.earliest_ms = ctx.now_ms >= day_start && ctx.now_ms < next_day ? ctx.now_ms : day_start;
  const outreach::ContactSubject subject =
      outreach::SubjectOf(view.consent, ctx.contacts_ms[view.unified_id]);
  const outreach::ContactDecision decision =
      outreach::Decide(ctx.settings->policy, zone, ctx.settings->holidays, subject, ask);
  inv.allowed = decision.send();
  inv.delayed = decision.delayed;
  inv.reason = decision.reason;
  if (decision.send()) inv.decision_at = FormatUtcMs(decision.at_ms);
  return Status::Ok();
}

Invitation InvitationOf(const Car& car, const outreach::ServiceRule& rule,
                        const outreach::ServiceDue& due, const LocalDate& date) {
  Invitation inv;
  inv.unified_id = PersonOf(car);
  inv.vehicle_key = car.key.substr(car.key.find('|') + 1);
  inv.invitation_key = car.key + "|" + due.due_date.ToString();
  inv.customer_id = car.customer_id;
  inv.vehicle_id = car.vehicle_id;
  inv.plate = car.plate;
  inv.service_kind = rule.service_kind;
  inv.last_service = car.last.ToString();
  inv.last_service_site = car.site;
  inv.readings = static_cast<int>(car.readings.size());
  inv.due = due;
  inv.projected_km = ProjectedKm(car, due, date);
  inv.channel = FirstChannel(due);
  return inv;
}

// The store the person visited last, over all their cars: (site, record).
std::map<std::string, std::pair<std::string, std::string>> LastVisitedStores(
    const Cars& cars, const std::vector<Invitation>& due) {
  std::map<std::string, const Car*> newest;
  for (const auto& inv : due) newest.emplace(inv.unified_id, nullptr);
  for (const Car& car : cars.cars) {
    auto it = newest.find(PersonOf(car));
    if (it == newest.end()) continue;
    if (!it->second || std::tie(car.last, car.last_booking) >
                           std::tie(it->second->last, it->second->last_booking)) {
      it->second = &car;
    }
  }
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (const auto& [person, car] : newest) {
    if (car) out[person] = {car->site, car->customer_id};
  }
  return out;
}

}  // namespace

Result<CampaignSettings> ReadCampaignSettings(storage::CampaignStore& store) {
  CampaignSettings out;
  out.rules = outreach::DefaultServiceRules();
  out.holidays = outreach::DefaultHolidayCalendar();
  ASSIGN_OR_RETURN(auto rules, store.Setting(kServiceRulesSetting));
  if (rules) {
    const auto json = nlohmann::json::parse(rules->value, nullptr, false);
    ASSIGN_OR_RETURN(out.rules, outreach::ParseServiceRules(json));
    out.rules_are_default = false;
    out.rules_set_at = rules->set_at;
    out.rules_set_by = rules->set_by;
  }
  ASSIGN_OR_RETURN(auto policy, store.Setting(kContactPolicySetting));
  if (policy) {
    const auto json = nlohmann::json::parse(policy->value, nullptr, false);
    ASSIGN_OR_RETURN(out.policy, outreach::ParseContactPolicy(json));
    out.policy_is_default = false;
    out.policy_set_at = policy->set_at;
    out.policy_set_by = policy->set_by;
  }
  ASSIGN_OR_RETURN(auto holidays, store.Setting(kHolidaysSetting));
  if (holidays) {
    ASSIGN_OR_RETURN(out.holidays, outreach::ParseHolidayCalendarText(holidays->value));
    out.holidays_are_default = false;
    out.holidays_set_at = holidays->set_at;
    out.holidays_set_by = holidays->set_by;
  }
  return out;
}

Result<DueCount> CountServiceDue(CampaignStore& store,
                                 const std::vector<outreach::ServiceRule>& rules,
                                 const LocalDate& date) {
  ASSIGN_OR_RETURN(Cars cars, GatherCars(store, rules));
  DueCount count;
  count.cars = static_cast<int64_t>(cars.cars.size());
  for (const Car& car : cars.cars) {
    auto due = outreach::ProjectServiceDue(rules[car.rule], car.last, car.readings, date);
    if (!due.ok() || !due->due_for_invitation) continue;
    ++(Lapsed(due.value(), date) ? count.lapsed : count.due);
  }
  return count;
}

Result<DueList> ComputeServiceDue(storage::HubStorage& storage, Identity& identity,
                                  const Clock& clock, const LocalDate& date) {
  const DueReader reader{storage, clock};
  ASSIGN_OR_RETURN(CampaignSettings settings, ReadCampaignSettings(storage.campaigns()));
  RETURN_IF_ERROR(identity.Resolve(false).status());
  ASSIGN_OR_RETURN(Cars cars, GatherCars(reader.storage().campaigns(), settings.rules));
  DueList list;
  list.date = date.ToString();
  list.cars_considered = static_cast<int64_t>(cars.cars.size());
  for (const Car& car : cars.cars) {
    const outreach::ServiceRule& rule = settings.rules[car.rule];
    auto due = outreach::ProjectServiceDue(rule, car.last, car.readings, date);
    if (!due.ok() || !due->due_for_invitation) continue;  // a bad reading: no projection
    if (Lapsed(due.value(), date)) {
      ++list.lapsed;
      continue;
    }
    list.due.push_back(InvitationOf(car, rule, due.value(), date));
  }
  const auto stores = LastVisitedStores(cars, list.due);
  ASSIGN_OR_RETURN(PolicyContext ctx, GatherPolicyContext(reader, identity, settings, date));
  ASSIGN_OR_RETURN(SegmentRulesInForce segment_rules, ReadSegmentRules(storage.campaigns()));
  ASSIGN_OR_RETURN(auto assigned, reader.storage().campaigns().Invitations());
  std::map<std::string, const storage::InvitationRow*> assigned_by_key;
  for (const auto& row : assigned) assigned_by_key[row.invitation_key] = &row;
  for (Invitation& inv : list.due) {
    const Car& car =
        cars.cars[cars.by_key.at(inv.unified_id + "|" + inv.vehicle_key + "|" + inv.service_kind)];
    std::tie(inv.store, inv.customer_id) = stores.at(inv.unified_id);
    auto last = ctx.last_contact_ms.find(inv.store);
    inv.store_online =
        last != ctx.last_contact_ms.end() && ctx.now_ms - last->second <= kCampaignOfflineMs;
    ASSIGN_OR_RETURN(UnifiedView view, PersonView(identity, car));
    for (const auto& r : view.records) {
      if (r.record_id == inv.customer_id) inv.name = r.name;
    }
    const auto segment = segments::ComputeSegment(segment_rules.rules, SegmentVisitsOf(view), date);
    inv.value_tier = segment ? segment->value_tier : "regular";
    RETURN_IF_ERROR(DecideInvitation(reader, ctx, view, date, inv));
    if (auto it = assigned_by_key.find(inv.invitation_key); it != assigned_by_key.end()) {
      inv.assigned_site = it->second->site;
      inv.assigned_seq = it->second->request_seq;
      inv.handled_by = it->second->handled_by;
      inv.outcome = it->second->outcome;
    }
  }
  // Within a due date VIPs first (their value tier, issue 17), then by key.
  auto rank = [](const Invitation& inv) {
    const auto& tiers = segments::kValueTiers;
    return std::find(std::begin(tiers), std::end(tiers), inv.value_tier) - std::begin(tiers);
  };
  std::sort(list.due.begin(), list.due.end(), [&](const Invitation& a, const Invitation& b) {
    return std::tuple(a.due.due_date, rank(a), a.invitation_key) <
           std::tuple(b.due.due_date, rank(b), b.invitation_key);
  });
  return list;
}

namespace {
// Why the invitation is due, in words for the store's staff.
std::string DueReason(const Invitation& inv, const outreach::ServiceRule& rule) {
  std::string why = "last service " + inv.last_service + " at " + inv.last_service_site + "; ";
  if (inv.due.due_by == "km" && inv.due.due_at_km) {
    why += "projected to reach " + std::to_string(*inv.due.due_at_km) + " km";
  } else if (rule.due_after_months > 0) {
    why += std::to_string(rule.due_after_months) + " months since";
  } else {
    why += std::to_string(rule.due_after_days) + " days since";
  }
  return why + " by " + inv.due.due_date.ToString();
}

}  // namespace

model::HeadOfficeRequest InviteRequest(const Invitation& inv, const outreach::ServiceRule& rule,
                                       const std::string& staff, const std::string& now) {
  model::HeadOfficeRequest r;
  r.kind = "invite";
  r.customer_id = inv.customer_id;
  r.vehicle_id = inv.vehicle_id.value_or("");
  r.plate = inv.plate.value_or("");
  r.date = inv.due.due_date.ToString();
  r.service = inv.service_kind;
  r.due_by = inv.due.due_by;
  r.channel = inv.channel;
  r.invite_date = inv.due.invite_date.ToString();
  r.reason = DueReason(inv, rule);
  r.staff = staff;
  r.requested_at = now;
  return r;
}

const outreach::ServiceRule* RuleNamed(const CampaignSettings& settings, const std::string& kind) {
  for (const auto& rule : settings.rules) {
    if (rule.service_kind == kind) return &rule;
  }
  return nullptr;
}

storage::InvitationRow InvitationRowOf(const Invitation& inv, const std::string& at,
                                       const std::string& staff, const std::string& handled_by) {
  storage::InvitationRow row;
  row.invitation_key = inv.invitation_key;
  row.unified_id = inv.unified_id;
  row.vehicle_key = inv.vehicle_key;
  row.due_date = inv.due.due_date.ToString();
  row.site = inv.store;
  row.assigned_at = at;
  row.assigned_by = staff;
  row.handled_by = handled_by;
  return row;
}

std::vector<Invitation> HeadOfficeCalls(const DueList& list) {
  std::vector<Invitation> out;
  for (const Invitation& inv : list.due) {
    if (inv.allowed && !inv.assigned_site && !inv.store_online) out.push_back(inv);
  }
  return out;
}

}  // namespace outpost::hub
