// Customers and vehicles (tables customers, customer_phones, vehicles).
//
// Customers is the store's component for them: it owns their SQL, validates
// what staff typed (names, phones, member ids, plates, VINs, consent), and
// writes each row with its change-log entry through the store's ChangeWriter,
// in the caller's transaction (edge/change_writer.h). edge::Store, the facade
// the desk and sync call, holds one and delegates to it. The free functions
// at the end read the tables without a Store (audit of a store's database).
// Thread-compatible: used by its Store's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edge/change_writer.h"
#include "sync/clock.h"
#include "sync/merge.h"
#include "sync/model/customer.h"
#include "sync/sqlite.h"
#include "sync/status.h"
#include "sync/store_calendar.h"

namespace outpost::edge {

using outpost::StoreSettings;

struct Vehicle {
  std::string id;
  std::string customer_id;
  std::optional<std::string> plate;
  std::optional<std::string> vin;
  std::optional<int64_t> mileage_km;
  // YYYY-MM-DD (docs/FOLLOWUP.md "Care calls and purchases"); unset: unknown.
  std::optional<std::string> inspection_due;
  std::optional<std::string> insurance_due;
  std::optional<std::string> purchased_on;  // set by a purchase recorded here
};

// The vehicle as its codec logs it.
model::Vehicle LoggedVehicle(const Vehicle& v);

struct Customer {
  std::string id;
  std::string store_id;
  std::string name;
  std::optional<std::string> member_id;
  std::vector<std::string> phones;  // E.164
  // Opted in on at least one channel (the old all-channel answer, kept for
  // its readers; do-not-disturb is apart: see `do_not_disturb`).
  bool contact_opt_in = false;
  bool do_not_disturb = false;
  // The newest statement made at this store per channel (index:
  // ContactChannel); kNotAsked when none. Statements from the old
  // all-channel field are read from the change log, with who, when, where.
  ConsentStatement consent[kContactChannelCount];
  std::string created_at;
  std::string created_by;
  std::vector<Vehicle> vehicles;
  // Phones a follow-up call found wrong or empty (E.164): to be corrected.
  std::vector<std::string> doubtful_phones;
  // "MM-DD" or "YYYY-MM-DD" (model::NormalizeBirthday); unset: unknown.
  std::optional<std::string> birthday;
};

// A customer as typed at the desk: raw values, validated by AddCustomer.
struct NewCustomer {
  std::string name;
  std::vector<std::string> phones;
  std::string member_id;  // empty: none
  // Agreed to be contacted, on `consent_channels`: an explicit statement,
  // logged with the creation. Not set: nothing was asked, nothing is logged.
  bool contact_opt_in = false;
  bool do_not_disturb = false;
  // A phone already on another customer is refused unless this is set
  // (families share a phone; duplicates of one person are a problem later).
  bool allow_shared_phone = false;
  std::vector<ContactChannel> consent_channels;  // empty: all three
  std::string birthday;                          // MM-DD or YYYY-MM-DD; empty: unknown
};

// Changes to a customer; unset fields stay as they are. A set consent field is
// an explicit statement and always logged, even when it restates the value
// held: the hub orders it against statements made at other stores.
struct CustomerUpdate {
  std::optional<bool> contact_opt_in;            // true: opts in; false: opts out
  std::vector<ContactChannel> consent_channels;  // which channels it is about; empty: all three
  std::optional<bool> do_not_disturb;
  std::vector<std::string> add_phones;  // raw; a phone on another customer is refused
  std::optional<std::string> birthday;  // raw: MM-DD or YYYY-MM-DD
};

struct NewVehicle {
  std::string plate;  // empty: none
  std::string vin;    // empty: none
  std::optional<int64_t> mileage_km;
  // Raw YYYY-MM-DD; empty: not given (a date on record is kept).
  std::string inspection_due;
  std::string insurance_due;
};

class Customers {
 public:
  // `db`, `clock`, `log` and `settings` outlive it (its Store's own);
  // `settings` is read at each call, so a reload is seen.
  Customers(Db& db, const Clock& clock, ChangeWriter& log, const StoreSettings& settings);

  Result<Customer> Load(const std::string& id);
  // The one customer an id, unique id prefix, phone, plate, VIN or member id
  // names; nothing when none; InvalidInput naming them (field "customer")
  // when several.
  Result<std::optional<Customer>> Match(const std::string& query);
  // As Match, and when nothing is named whole, part of a phone or plate as
  // staff type it ("8000", the last four digits; "京A12") that names one
  // customer: what a desk booking takes (`book --customer 8000`).
  Result<std::optional<Customer>> MatchAsTyped(const std::string& query);
  // By phone (any format), plate, member id, id prefix or name, then by part
  // of a phone or plate as typed (PhoneDigitsFragment, PlateFragment) or of a
  // name; ranked: exact matches first, then the phones and plates that end
  // with the query, then those and the names that contain it. At most 50.
  Result<std::vector<Customer>> Find(const std::string& query);

  // The rest write, in the caller's write transaction, logged as they write.
  // An error about the input names its field (Status::field()): "name",
  // "phone", "member_id", "channel"; "plate", "vin", "vehicle", "mileage".
  Result<Customer> InsertLocked(const NewCustomer& customer, const std::string& staff);
  // The vehicle by plate or VIN, added to `customer` if new or completed with
  // what it lacked; nothing when neither is given.
  Result<std::optional<Vehicle>> AttachVehicleLocked(const Customer& customer,
                                                     const NewVehicle& vehicle,
                                                     const std::string& staff);
  // Added phones (E.164, already normalised), consent, do-not-disturb and the
  // birthday (already normalised).
  Status UpdateLocked(const Customer& c, const CustomerUpdate& update,
                      const std::vector<std::string>& phones, const std::string& staff);
  // Marks `phone` (E.164, one of the customer's) doubtful: a call found it
  // wrong or empty. Logged (field doubtful_phones, the whole list); nothing
  // when it is marked already.
  Status MarkPhoneDoubtfulLocked(const Customer& c, const std::string& phone,
                                 const std::string& staff);
  // Records that the vehicle was bought on `day` (YYYY-MM-DD): its
  // purchased_on, logged. The caller checked it is not recorded already.
  Status SetPurchasedLocked(Vehicle& v, const std::string& day, const std::string& staff);

 private:
  // Match; with `partial`, MatchAsTyped.
  Result<std::optional<Customer>> MatchIds(const std::string& query, bool partial);
  // The newest statement of the old all-channel field (contact_opt_in) in the
  // change log, or kNotAsked: the creation default stated nothing.
  Result<ConsentStatement> OldAllChannelConsent(const std::string& id);
  // The logged statement `choice` on `channels` (empty: all three), made now
  // by `staff` at this store, for a customer's consent fields.
  model::ChannelConsent ConsentStatementsNow(ContactChoice choice,
                                             const std::vector<ContactChannel>& channels,
                                             const std::string& staff);
  std::string Now() const;

  Db& db_;
  const Clock& clock_;
  ChangeWriter& log_;
  const StoreSettings& settings_;
};

// A whole id or the start of one, as staff type it (6 to 36 of its
// lower-case hex digits and dashes): customers and bookings are named so.
bool IsIdPrefix(const std::string& text);

// A customer's phones in E.164, sorted (what replay and verify compare).
Result<std::vector<std::string>> PhonesOfCustomer(Db& db, const std::string& customer_id);
// Adds phones (E.164) to a customer record, in the caller's transaction; a
// phone on it already fails, or is kept (OnExisting::kKeepFirst: replay).
Status AddCustomerPhones(Db& db, const std::string& customer_id,
                         const std::vector<std::string>& phones, const std::string& at,
                         OnExisting on_existing);
// verify --repair: the record's phones set to `phones` exactly, as logged.
Status ReplaceCustomerPhones(Db& db, const std::string& customer_id,
                             const std::vector<std::string>& phones, const std::string& at);

// ---- rows as the log says them (the store's operations, replay and verify
// --repair; in the caller's transaction; never logged here) ----

// A customer's row: its search key derived from the name, contact_opt_in (the
// old all-channel field) 0 unless the log set it. Its phones are apart
// (AddCustomerPhones).
Status InsertCustomerRow(Db& db, const model::Customer& c, const std::string& updated_at);
// Every column of an existing customer's row set to `c`'s. NotFound when none
// has the id.
Status UpdateCustomerRow(Db& db, const model::Customer& c, const std::string& updated_at);
// A vehicle's row, created and updated `at` (columns the log does not carry).
Status InsertVehicleRow(Db& db, const model::Vehicle& v, const std::string& at);
// Every logged column of an existing vehicle set to `v`'s, updated `at`.
// NotFound when none has the id.
Status UpdateVehicleRow(Db& db, const model::Vehicle& v, const std::string& at);

// Customers with a birthday on record, and vehicles with an inspection or
// insurance date (the care sweep), by id.
Result<std::vector<std::string>> CustomerIdsWithBirthday(Db& db);
Result<std::vector<Vehicle>> VehiclesWithCareDates(Db& db);

// The customer records a phone in E.164 ("+8613800000001") names.
Result<std::vector<std::string>> CustomerIdsWithPhone(Db& db, const std::string& e164);

// The customer records an id or id prefix names.
Result<std::vector<std::string>> CustomerIdsMatching(Db& db, const std::string& id_or_prefix);

}  // namespace outpost::edge
