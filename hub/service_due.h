// Head office's service-due invitations, from the unified view
// (docs/OUTREACH.md, "At head office"): per person and vehicle (a vehicle is
// its VIN, else its plate, else its record, so one car serviced at two stores
// is one car), the last service is the newest completed visit at ANY store;
// the km come from every reading logged for that car (its "vehicle" changes
// carrying mileage_km, at their business time); the rules are head office's
// (`outpost-hub campaigns rules`, sync/outreach/service_due.h defaults). Each
// invitation is assigned to the store the person visited last, and the
// contact policy (sync/outreach/policy.h Decide) is applied with the
// person's merged consent, the chain's holiday calendar and the marketing
// contacts the hub knows of from every store's "message" entities.
//
// The computation, on the hub's storage; the read layer's typed view of it is
// hub/queries/campaigns.h, and `campaigns assign` (hub/campaigns.h) acts on it.
// Typed results, no JSON; thread-compatible: on the thread that owns the storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/identity.h"
#include "hub/storage/hub_storage.h"
#include "sync/civil_time.h"
#include "sync/clock.h"
#include "sync/model/request.h"
#include "sync/outreach/holidays.h"
#include "sync/outreach/policy.h"
#include "sync/outreach/service_due.h"
#include "sync/status.h"

namespace outpost::hub {

// The settings' names in the hub's storage.
inline constexpr char kHolidaysSetting[] = "holidays";
inline constexpr char kServiceRulesSetting[] = "service_rules";
inline constexpr char kContactPolicySetting[] = "contact_policy";

// A store counts as offline for campaigns when it has not been heard from
// within this long: its invitations go on head office's own call list.
inline constexpr int64_t kCampaignOfflineMs = 24LL * 3600 * 1000;

// A car due more than this many days before the list's date has lapsed: the
// customer did not come back after the invitations of its time. It is counted,
// not listed (a lapsed-customer campaign is another list), so the list stays
// the cars falling due now.
inline constexpr int kLapsedAfterDays = 180;

struct CampaignSettings {
  std::vector<outreach::ServiceRule> rules;
  bool rules_are_default = true;
  std::string rules_set_at, rules_set_by;
  outreach::HolidayCalendar holidays;
  bool holidays_are_default = true;
  std::string holidays_set_at, holidays_set_by;
  // Head office's own contact policy (its invitations, its sender): as set
  // with `campaigns policy set`, else the chain's defaults.
  outreach::ContactPolicy policy;
  bool policy_is_default = true;
  std::string policy_set_at, policy_set_by;
};
// Head office's rules, calendar and policy: as set, else the shipped defaults.
Result<CampaignSettings> ReadCampaignSettings(storage::CampaignStore& store);

struct Invitation {
  std::string invitation_key;  // unified id | vehicle key | due date: once each
  std::string unified_id;
  std::string customer_id;  // the record of the newest visit (the assigned store's)
  std::string name;
  std::string vehicle_key;  // "vin:...", "plate:...", "vehicle:<id>" or "customer"
  std::optional<std::string> vehicle_id;
  std::optional<std::string> plate;
  std::string service_kind;  // the rule's
  std::string last_service;  // YYYY-MM-DD
  std::string last_service_site;
  int readings = 0;
  outreach::ServiceDue due;
  std::optional<int64_t> projected_km;  // on the list's date, when km could be projected
  std::string store;                    // assigned: where the person visited last
  bool store_online = false;            // heard from within kCampaignOfflineMs
  std::string channel;                  // the first contact's
  // The contact policy's decision for that contact.
  bool allowed = false;
  std::string decision_at;  // UTC text: when it may go (allowed)
  bool delayed = false;
  std::string reason;  // why delayed or dropped
  // Already queued to a store by `campaigns assign`: where and as which request.
  std::optional<std::string> assigned_site;
  std::optional<int64_t> assigned_seq;
  // Who makes the contact: "store" (queued to it) or "head_office" (its own
  // message or call, the store offline); head office's outcome when known.
  std::string handled_by;
  std::optional<std::string> outcome;
  // The person's value tier (hub/segments.h) on the list's date: "vip" are
  // listed first within a due date.
  std::string value_tier;
};

struct DueList {
  std::string date;             // YYYY-MM-DD
  int64_t cars_considered = 0;  // person+vehicle pairs with a completed visit
  int64_t lapsed = 0;           // due more than kLapsedAfterDays before `date`: not listed
  std::vector<Invitation> due;  // invite date on or before `date`, by due date, tier, key
};

// Who is due for an invitation on `date` (invite date on or before it), as
// seen at `clock`'s now. Runs identity resolution first.
Result<DueList> ComputeServiceDue(storage::HubStorage& storage, Identity& identity,
                                  const Clock& clock, const LocalDate& date);

// The due computation alone, without the policy or resolution (the benchmark's
// subject): the cars considered and those due.
struct DueCount {
  int64_t cars = 0;
  int64_t due = 0;     // listed: invite date on or before the date, not lapsed
  int64_t lapsed = 0;  // due more than kLapsedAfterDays before the date
};
Result<DueCount> CountServiceDue(storage::CampaignStore& store,
                                 const std::vector<outreach::ServiceRule>& rules,
                                 const LocalDate& date);

// Head office's own call list on `date`: the invitations the policy allows
// that no store has been given and whose store is offline (not heard from in
// kCampaignOfflineMs): `campaigns assign` keeps those for the call centre.
std::vector<Invitation> HeadOfficeCalls(const DueList& list);

// The rule of `kind` in `settings`, or null.
const outreach::ServiceRule* RuleNamed(const CampaignSettings& settings, const std::string& kind);
// The record of `inv` handled by `handled_by` ("store" or "head_office"),
// assigned `at` by `staff`; its request_seq is filled in when it is queued.
storage::InvitationRow InvitationRowOf(const Invitation& inv, const std::string& at,
                                       const std::string& staff, const std::string& handled_by);
// The "invite" request that gives `inv` to its store (outcome empty: the store
// makes the contact) or tells it head office made it (outcome set).
model::HeadOfficeRequest InviteRequest(const Invitation& inv, const outreach::ServiceRule& rule,
                                       const std::string& staff, const std::string& now);

}  // namespace outpost::hub
