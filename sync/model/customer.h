// A customer and a vehicle as the change log carries them (entities
// "customer" and "vehicle"), and their codecs. Like a booking (booking.h), each
// is logged whole when created and then by the fields that changed, which
// readers fold by key (sync/merge.h): "phones_added" joins the set "phones".
//
// Consent is one field per channel (consent_sms, consent_wechat,
// consent_call), each an explicit statement (sync/merge.h ConsentStatement);
// a channel nobody asked about is not written. Changes from before
// per-channel consent carry "contact_opt_in", which still reads. Pure
// functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sync/merge.h"
#include "sync/status.h"

namespace outpost::model {

// Per channel (index: ContactChannel) the statement made; kNotAsked: none.
using ChannelConsent = std::array<ConsentStatement, kContactChannelCount>;

struct Customer {
  std::string id;  // the entity id; not among the logged fields
  std::string store_id;
  std::string name;
  std::optional<std::string> member_id;
  bool do_not_disturb = false;
  std::vector<std::string> phones;  // E.164
  std::string created_at;
  std::string created_by;
  ChannelConsent consent;
  std::optional<bool> contact_opt_in;  // the old all-channel field: read, never written
  // Phones a follow-up call found wrong or empty (E.164; docs/FOLLOWUP.md):
  // logged only once one is found, as the whole list (last writer wins).
  std::vector<std::string> doubtful_phones;
  // The birthday for care calls (docs/FOLLOWUP.md "Care calls and
  // purchases"): "MM-DD", or "YYYY-MM-DD" when the year is known
  // (NormalizeBirthday). Logged only when set, so a customer logged before it
  // existed reads and hashes as before.
  std::optional<std::string> birthday;
};

// The changed fields of one update; empty/unset: not changed.
struct CustomerUpdate {
  std::vector<std::string> phones_added;
  ChannelConsent consent;  // the statements made now (restating one is still logged)
  std::optional<bool> do_not_disturb;
  std::optional<std::vector<std::string>> doubtful_phones;  // the whole list as it now is
  std::optional<std::string> birthday;                      // as NormalizeBirthday gives it
  std::optional<std::string> updated_at;
};

nlohmann::json CustomerInsertFields(const Customer& customer);
nlohmann::json CustomerUpdateFields(const CustomerUpdate& update);
Result<Customer> ParseCustomer(const std::string& id, const nlohmann::json& fields);
Result<CustomerUpdate> ParseCustomerUpdate(const nlohmann::json& fields);

struct Vehicle {
  std::string id;  // the entity id; not among the logged fields
  std::string customer_id;
  std::optional<std::string> plate;  // normalized
  std::optional<std::string> vin;
  std::optional<int64_t> mileage_km;
  // Care and purchase dates (YYYY-MM-DD, the store's local days;
  // docs/FOLLOWUP.md "Care calls and purchases"): the annual inspection's due
  // date, the insurance's renewal date, the day the customer bought it here.
  // Each logged only when set, so a vehicle logged before they existed reads
  // and hashes as before.
  std::optional<std::string> inspection_due;
  std::optional<std::string> insurance_due;
  std::optional<std::string> purchased_on;
};

// An update carries only the fields that changed (a plate or VIN learned, a
// new odometer reading, a care date set or moved, a purchase recorded).
struct VehicleUpdate {
  std::optional<std::string> plate;
  std::optional<std::string> vin;
  std::optional<int64_t> mileage_km;
  std::optional<std::string> inspection_due;
  std::optional<std::string> insurance_due;
  std::optional<std::string> purchased_on;
};

// customer_id, plate, vin, mileage_km: always written, null when absent;
// inspection_due, insurance_due, purchased_on: only when set.
nlohmann::json VehicleInsertFields(const Vehicle& vehicle);
nlohmann::json VehicleUpdateFields(const VehicleUpdate& update);
Result<Vehicle> ParseVehicle(const std::string& id, const nlohmann::json& fields);
Result<VehicleUpdate> ParseVehicleUpdate(const nlohmann::json& fields);

// A birthday as staff type it: "MM-DD" (the year unknown) or "YYYY-MM-DD"
// (a real date, year 1900 on). "02-29" is a birthday; "2001-02-29" is not a
// date. Returns the text as logged; an error names field "birthday", the
// value and why.
Result<std::string> NormalizeBirthday(const std::string& text);
// The day a birthday (as NormalizeBirthday gives it) is celebrated in
// `year`. The rule for 29 February: in a year without one, 28 February (the
// last day of February, so the call is never in March after the day).
// Returns nullopt for text NormalizeBirthday would refuse.
std::optional<std::string> BirthdayIn(const std::string& birthday, int year);

}  // namespace outpost::model
