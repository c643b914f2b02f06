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
};

// The changed fields of one update; empty/unset: not changed.
struct CustomerUpdate {
  std::vector<std::string> phones_added;
  ChannelConsent consent;  // the statements made now (restating one is still logged)
  std::optional<bool> do_not_disturb;
  std::optional<std::vector<std::string>> doubtful_phones;  // the whole list as it now is
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
};

// An update carries only the fields that changed (a plate or VIN learned, a
// new odometer reading).
struct VehicleUpdate {
  std::optional<std::string> plate;
  std::optional<std::string> vin;
  std::optional<int64_t> mileage_km;
};

// customer_id, plate, vin, mileage_km: always written, null when absent.
nlohmann::json VehicleInsertFields(const Vehicle& vehicle);
nlohmann::json VehicleUpdateFields(const VehicleUpdate& update);
Result<Vehicle> ParseVehicle(const std::string& id, const nlohmann::json& fields);
Result<VehicleUpdate> ParseVehicleUpdate(const nlohmann::json& fields);

}  // namespace outpost::model
