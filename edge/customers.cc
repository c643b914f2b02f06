#include "edge/customers.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/normalize.h"

namespace outpost::edge {

using nlohmann::json;

bool IsIdPrefix(const std::string& text) {
  if (text.size() < 6 || text.size() > 36) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
  });
}

Customers::Customers(Db& db, const Clock& clock, ChangeWriter& log, const StoreSettings& settings)
    : db_(db), clock_(clock), log_(log), settings_(settings) {}

std::string Customers::Now() const { return FormatUtcMs(clock_.NowMs()); }

model::Vehicle LoggedVehicle(const Vehicle& v) {
  return model::Vehicle{.id = v.id,
                        .customer_id = v.customer_id,
                        .plate = v.plate,
                        .vin = v.vin,
                        .mileage_km = v.mileage_km,
                        .inspection_due = v.inspection_due,
                        .insurance_due = v.insurance_due,
                        .purchased_on = v.purchased_on};
}

namespace {

// The columns every vehicle read selects, in this order.
constexpr const char* kVehicleColumns =
    "id, customer_id, plate, vin, mileage_km, inspection_due, insurance_due, purchased_on";

Vehicle VehicleFromRow(const Statement& st) {
  Vehicle v{st.Text(0), st.Text(1), st.OptionalText(2), st.OptionalText(3), std::nullopt};
  if (!st.IsNull(4)) v.mileage_km = st.Int(4);
  v.inspection_due = st.OptionalText(5);
  v.insurance_due = st.OptionalText(6);
  v.purchased_on = st.OptionalText(7);
  return v;
}

// A care date as typed (YYYY-MM-DD, a real date); empty: not given. Errors
// name `field`.
Result<std::optional<std::string>> CareDate(const char* field, const std::string& text) {
  if (text.empty()) return std::optional<std::string>();
  auto day = LocalDate::Parse(text);
  if (!day.ok()) {
    return Status::InvalidInput(std::string(field) + ": '" + text + "' is not a date (YYYY-MM-DD)")
        .WithShown(i18n::Format("{0}: '{1}' is not a date (YYYY-MM-DD)", {field, text}))
        .WithField(field);
  }
  return std::optional<std::string>(day->ToString());
}

}  // namespace

Result<Customer> Customers::Load(const std::string& id) {
  ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare("SELECT id, store_id, name, member_id, contact_opt_in,"
                  " do_not_disturb, created_at, created_by, consent_sms,"
                  " consent_wechat, consent_call, doubtful_phones, birthday FROM customers"
                  " WHERE id = ?"));
  st.Bind(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return Status::NotFound("customer: no customer with id '" + id + "'")
        .WithShown(i18n::Format("customer: no customer with id '{0}'", {id}));
  }
  Customer c;
  c.id = st.Text(0);
  c.store_id = st.Text(1);
  c.name = st.Text(2);
  c.member_id = st.OptionalText(3);
  const bool old_all_channel_opt_in = st.Int(4) != 0;
  c.do_not_disturb = st.Int(5) != 0;
  c.created_at = st.Text(6);
  c.created_by = st.Text(7);
  bool any_unstated = false;
  for (ContactChannel channel : kContactChannels) {
    const int column = 8 + static_cast<int>(channel);
    std::optional<ConsentStatement> stated;
    if (!st.IsNull(column)) {
      stated = ParseConsentStatement(json::parse(st.Text(column), nullptr, false));
    }
    if (stated) c.consent[static_cast<int>(channel)] = *stated;
    any_unstated = any_unstated || !stated;
  }
  if (!st.IsNull(11)) {
    const json doubtful = json::parse(st.Text(11), nullptr, false);
    if (!doubtful.is_array()) {
      return Status::Corruption("customers row " + id + ": doubtful_phones is not a JSON list")
          .WithShown(i18n::Format("customers row {0}: doubtful_phones is not a JSON list", {id}));
    }
    for (const auto& phone : doubtful) {
      if (phone.is_string()) c.doubtful_phones.push_back(phone.get<std::string>());
    }
  }
  c.birthday = st.OptionalText(12);
  st.Reset();
  if (any_unstated) {
    // Channels with no statement since per-channel consent: the old
    // all-channel field, which every statement since is newer than.
    ASSIGN_OR_RETURN(ConsentStatement old, OldAllChannelConsent(id));
    if (old.choice == ContactChoice::kNotAsked && old_all_channel_opt_in) {
      old.choice = ContactChoice::kOptedIn;  // a row older than its log: the column is all we have
      old.site = c.store_id;
    }
    for (auto& channel : c.consent) {
      if (channel.choice == ContactChoice::kNotAsked) channel = old;
    }
  }
  for (const auto& channel : c.consent) {
    c.contact_opt_in = c.contact_opt_in || channel.choice == ContactChoice::kOptedIn;
  }
  ASSIGN_OR_RETURN(Statement phones,
                   db_.Prepare("SELECT e164 FROM customer_phones WHERE customer_id = ?"
                               " ORDER BY added_at, e164"));
  phones.Bind(1, id);
  while (true) {
    ASSIGN_OR_RETURN(bool more, phones.Step());
    if (!more) break;
    c.phones.push_back(phones.Text(0));
  }
  ASSIGN_OR_RETURN(Statement vehicles,
                   db_.Prepare(std::string("SELECT ") + kVehicleColumns +
                               " FROM vehicles WHERE customer_id = ? ORDER BY created_at, id"));
  vehicles.Bind(1, id);
  while (true) {
    ASSIGN_OR_RETURN(bool more, vehicles.Step());
    if (!more) break;
    c.vehicles.push_back(VehicleFromRow(vehicles));
  }
  return c;
}

// Every reading of `query` (id, id prefix, phone, plate, VIN, member id) that
// is well-formed, and the customers each one names.
static Result<std::vector<std::string>> CandidateIds(Db& db, const std::string& query,
                                                     const std::string& region) {
  std::vector<std::string> ids;
  auto collect = [&](const std::string& sql, const std::string& value) -> Status {
    ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
    st.Bind(1, value);
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status::Ok();
      std::string id = st.Text(0);
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  };
  if (IsIdPrefix(query)) {
    RETURN_IF_ERROR(collect("SELECT id FROM customers WHERE " + IdMatchSql("id"), query));
  }
  // Cheap shape tests first: full parsing (libphonenumber, ICU) only where a match is possible.
  const bool has_ascii_letter = std::any_of(query.begin(), query.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
  const bool starts_non_ascii = !query.empty() && static_cast<unsigned char>(query[0]) >= 0x80;
  if (!has_ascii_letter) {
    if (auto phone = NormalizePhone(query, region); phone.ok()) {
      RETURN_IF_ERROR(
          collect("SELECT customer_id FROM customer_phones WHERE e164 = ?", phone.value()));
    }
  }
  if (starts_non_ascii) {
    if (auto plate = NormalizePlate(query); plate.ok()) {
      RETURN_IF_ERROR(collect("SELECT customer_id FROM vehicles WHERE plate = ?", plate.value()));
    }
  }
  if (has_ascii_letter && query.size() >= 17) {
    if (auto vin = NormalizeVin(query); vin.ok()) {
      RETURN_IF_ERROR(collect("SELECT customer_id FROM vehicles WHERE vin = ?", vin.value()));
    }
  }
  if (auto member = NormalizeMemberId(query); member.ok()) {
    RETURN_IF_ERROR(collect("SELECT id FROM customers WHERE member_id = ?", member.value()));
  }
  return ids;
}

namespace {

// How well a customer matched a look-up, in the order Find lists them.
enum class MatchRank { kExact = 0, kSuffix = 1, kContains = 2 };

// Customer ids found by a look-up, each once, at the best rank it reached.
class RankedIds {
 public:
  void Add(const std::string& id, MatchRank rank) {
    if (seen_.size() >= kMaxFound) return;
    if (std::find(seen_.begin(), seen_.end(), id) != seen_.end()) return;
    seen_.push_back(id);
    by_rank_[static_cast<size_t>(rank)].push_back(id);
  }
  bool full() const { return seen_.size() >= kMaxFound; }
  std::vector<std::string> InOrder() const {
    std::vector<std::string> out;
    for (const auto& ids : by_rank_) out.insert(out.end(), ids.begin(), ids.end());
    return out;
  }

  // A desk list longer than this is read by nobody: the look-up needs more of the value.
  static constexpr size_t kMaxFound = 50;

 private:
  std::vector<std::string> seen_;
  std::array<std::vector<std::string>, 3> by_rank_;
};

// Characters, as SQLite's length() and substr() count them in text.
size_t Utf8Chars(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

Status CollectRanked(Db& db, const std::string& sql, const std::string& value, MatchRank rank,
                     RankedIds& found) {
  if (found.full()) return Status::Ok();
  ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
  st.Bind(1, value);
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    found.Add(st.Text(0), rank);
  }
}

// The stored phones (E.164) and plates as staff type part of them: the last
// digits of a phone ("8000", printed on the paper sheet) or of a plate
// ("12345"), then any run inside one ("0013", "京A", "a12"). A suffix of four
// or more characters is found through the index on the last four
// (migration 0021); a shorter suffix and a run inside are read from every row,
// which at a store's 100 k customers stays within a desk's patience.
Status CollectPartial(Db& db, const std::string& query, RankedIds& found) {
  const std::string digits = PhoneDigitsFragment(query);
  const std::string plate = PlateFragment(query);
  if (!digits.empty()) {
    RETURN_IF_ERROR(CollectRanked(db,
                                  "SELECT customer_id FROM customer_phones WHERE substr(e164, -4)"
                                  " = substr(?1, -4) AND substr(e164, -length(?1)) = ?1"
                                  " ORDER BY e164 LIMIT 50",
                                  digits, MatchRank::kSuffix, found));
  }
  if (!plate.empty()) {
    const bool indexed = Utf8Chars(plate) >= 4;
    RETURN_IF_ERROR(CollectRanked(
        db,
        indexed ? "SELECT customer_id FROM vehicles WHERE substr(plate, -4) = substr(?1, -4)"
                  " AND substr(plate, -length(?1)) = ?1 ORDER BY plate LIMIT 50"
                : "SELECT customer_id FROM vehicles WHERE substr(plate, -length(?1)) = ?1"
                  " ORDER BY plate LIMIT 50",
        plate, MatchRank::kSuffix, found));
  }
  if (!digits.empty()) {
    RETURN_IF_ERROR(CollectRanked(db,
                                  "SELECT customer_id FROM customer_phones WHERE instr(e164, ?1)"
                                  " > 0 ORDER BY e164 LIMIT 50",
                                  digits, MatchRank::kContains, found));
  }
  if (!plate.empty()) {
    RETURN_IF_ERROR(CollectRanked(db,
                                  "SELECT customer_id FROM vehicles WHERE instr(plate, ?1) > 0"
                                  " ORDER BY plate LIMIT 50",
                                  plate, MatchRank::kContains, found));
  }
  return Status::Ok();
}

// A query that is a whole phone or plate names that one or nobody: a new
// number must not be taken for an old one that contains it.
bool IsWholePhoneOrPlate(const std::string& query, const std::string& region) {
  return NormalizePhone(query, region).ok() || NormalizePlate(query).ok();
}

}  // namespace

Result<std::optional<Customer>> Customers::Match(const std::string& query) {
  return MatchIds(query, /*partial=*/false);
}

Result<std::optional<Customer>> Customers::MatchAsTyped(const std::string& query) {
  return MatchIds(query, /*partial=*/true);
}

Result<std::optional<Customer>> Customers::MatchIds(const std::string& query, bool partial) {
  if (!IsValidUtf8(query)) {
    return Status::InvalidInput("customer: the query is not valid UTF-8").WithField("customer");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> ids, CandidateIds(db_, query, settings_.phone_region));
  if (ids.empty() && partial && !IsWholePhoneOrPlate(query, settings_.phone_region)) {
    RankedIds found;
    RETURN_IF_ERROR(CollectPartial(db_, query, found));
    ids = found.InOrder();
  }
  if (ids.empty()) return std::optional<Customer>();
  if (ids.size() > 1) {
    std::string names;
    for (const auto& id : ids) {
      ASSIGN_OR_RETURN(Customer c, Load(id));
      names += (names.empty() ? "" : ", ") + c.name + " (" + ShortId(id) + ")";
    }
    return Status::InvalidInput("customer: '" + query + "' matches " + std::to_string(ids.size()) +
                                " customers: " + names + "; give the customer id")
        .WithShown(i18n::Format("customer: '{0}' matches {1} customers: {2}; give the customer id",
                                {query, std::to_string(ids.size()), names}))
        .WithField("customer");
  }
  ASSIGN_OR_RETURN(Customer c, Load(ids.front()));
  return std::optional<Customer>(std::move(c));
}

Result<std::vector<Customer>> Customers::Find(const std::string& query_text) {
  ASSIGN_OR_RETURN(std::string query, CleanText("query", query_text, 100, true));
  RankedIds found;
  ASSIGN_OR_RETURN(std::vector<std::string> exact,
                   CandidateIds(db_, query, settings_.phone_region));
  for (const auto& id : exact) found.Add(id, MatchRank::kExact);
  const std::string name_key = SearchKey(query);
  RETURN_IF_ERROR(CollectRanked(db_,
                                "SELECT id FROM customers WHERE name_key = ? ORDER BY id LIMIT 50",
                                name_key, MatchRank::kExact, found));
  RETURN_IF_ERROR(CollectPartial(db_, query, found));
  RETURN_IF_ERROR(CollectRanked(db_,
                                "SELECT id FROM customers WHERE instr(name_key, ?) > 0"
                                " ORDER BY name_key, id LIMIT 50",
                                name_key, MatchRank::kContains, found));
  std::vector<Customer> out;
  for (const auto& id : found.InOrder()) {
    ASSIGN_OR_RETURN(Customer c, Load(id));
    out.push_back(std::move(c));
  }
  return out;
}

Result<ConsentStatement> Customers::OldAllChannelConsent(const std::string& id) {
  ASSIGN_OR_RETURN(Statement st,
                   db_.Prepare("SELECT op, json_extract(fields, '$.contact_opt_in'), recorded_at,"
                               " site_id, staff FROM change_log WHERE entity = 'customer' AND"
                               " entity_id = ? AND json_extract(fields, '$.contact_opt_in') IS NOT"
                               " NULL ORDER BY seq DESC LIMIT 1"));
  st.Bind(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  ConsentStatement out;
  if (!row) return out;
  const bool opted_in = st.Int(1) != 0;
  // The creation default (false in the creating change) stated nothing.
  if (st.Text(0) == "insert" && !opted_in) return out;
  out.choice = opted_in ? ContactChoice::kOptedIn : ContactChoice::kOptedOut;
  out.at = st.Text(2);
  out.site = st.Text(3);
  out.staff = st.Text(4);
  return out;
}

model::ChannelConsent Customers::ConsentStatementsNow(ContactChoice choice,
                                                      const std::vector<ContactChannel>& channels,
                                                      const std::string& staff) {
  const ConsentStatement statement{choice, Now(), settings_.store_id, staff, {}};
  model::ChannelConsent said;
  for (ContactChannel channel : kContactChannels) {
    if (channels.empty() ||
        std::find(channels.begin(), channels.end(), channel) != channels.end()) {
      said[static_cast<int>(channel)] = statement;
    }
  }
  return said;
}

namespace {

// A consent column holds its channel's logged statement (replay and verify
// compare them), or NULL when none was made.
std::optional<std::string> ConsentColumn(const model::ChannelConsent& consent,
                                         ContactChannel channel) {
  const ConsentStatement& said = consent[static_cast<int>(channel)];
  if (said.choice == ContactChoice::kNotAsked) return std::nullopt;
  return ConsentStatementJson(said).dump();
}

}  // namespace

Result<Customer> Customers::InsertLocked(const NewCustomer& in, const std::string& staff) {
  ASSIGN_OR_RETURN(std::string name, WithField(CleanText("name", in.name, 100, true), "name"));
  std::vector<std::string> phones;
  for (const auto& raw : in.phones) {
    ASSIGN_OR_RETURN(std::string e164,
                     WithField(NormalizePhone(raw, settings_.phone_region), "phone"));
    if (std::find(phones.begin(), phones.end(), e164) == phones.end()) phones.push_back(e164);
  }
  if (phones.empty()) {
    return Status::InvalidInput("phone: a customer needs at least one phone number")
        .WithField("phone");
  }
  std::optional<std::string> member_id;
  if (!in.member_id.empty()) {
    ASSIGN_OR_RETURN(member_id, WithField(NormalizeMemberId(in.member_id), "member_id"));
    ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT name FROM customers WHERE member_id = ?"));
    st.Bind(1, *member_id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      return Status::Conflict("member id: '" + *member_id + "' already belongs to " + st.Text(0))
          .WithShown(
              i18n::Format("member id: '{0}' already belongs to {1}", {*member_id, st.Text(0)}))
          .WithField("member_id");
    }
  }
  if (!in.allow_shared_phone) {
    for (const auto& phone : phones) {
      ASSIGN_OR_RETURN(Statement st,
                       db_.Prepare("SELECT c.name, c.id FROM customer_phones p JOIN customers c"
                                   " ON c.id = p.customer_id WHERE p.e164 = ? LIMIT 1"));
      st.Bind(1, phone);
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) {
        return Status::Conflict("phone: " + FormatPhoneForDisplay(phone) + " already belongs to " +
                                st.Text(0) + " (" + ShortId(st.Text(1)) +
                                "); book for them, or allow a shared phone")
            .WithShown(i18n::Format(
                "phone: {0} already belongs to {1} ({2}); book for them, or allow a shared phone",
                {FormatPhoneForDisplay(phone), st.Text(0), ShortId(st.Text(1))}))
            .WithField("phone");
      }
    }
  }
  if (!in.consent_channels.empty() && !in.contact_opt_in) {
    return Status::InvalidInput("channel: '" +
                                std::string(ContactChannelName(in.consent_channels[0])) +
                                "' names where an opt-in applies; no opt-in was given")
        .WithShown(i18n::Format("channel: '{0}' names where an opt-in applies; no opt-in was given",
                                {ContactChannelName(in.consent_channels[0])}))
        .WithField("channel");
  }
  // Only what the customer said is logged: no opt-in, no consent field
  // (contact_opt_in, the old all-channel field, is no longer written).
  const model::ChannelConsent consent =
      in.contact_opt_in ? ConsentStatementsNow(ContactChoice::kOptedIn, in.consent_channels, staff)
                        : model::ChannelConsent();
  std::optional<std::string> birthday;
  if (!in.birthday.empty()) {
    ASSIGN_OR_RETURN(birthday, model::NormalizeBirthday(in.birthday));
  }
  const std::string id = NewIdAt(settings_.store_id, clock_.NowMs());
  const std::string now = Now();
  model::Customer logged;
  logged.id = id;
  logged.store_id = settings_.store_id;
  logged.name = name;
  logged.member_id = member_id;
  logged.do_not_disturb = in.do_not_disturb;
  logged.phones = phones;
  logged.created_at = now;
  logged.created_by = staff;
  logged.consent = consent;
  logged.birthday = birthday;
  RETURN_IF_ERROR(InsertCustomerRow(db_, logged, now));
  RETURN_IF_ERROR(AddCustomerPhones(db_, id, phones, now, OnExisting::kFail));
  RETURN_IF_ERROR(
      log_.Record("customer", id, "insert", model::CustomerInsertFields(logged).dump(), staff));
  return Load(id);
}

Result<std::optional<Vehicle>> Customers::AttachVehicleLocked(const Customer& customer,
                                                              const NewVehicle& in,
                                                              const std::string& staff) {
  ASSIGN_OR_RETURN(auto inspection_due, CareDate("inspection_due", in.inspection_due));
  ASSIGN_OR_RETURN(auto insurance_due, CareDate("insurance_due", in.insurance_due));
  if (in.plate.empty() && in.vin.empty()) {
    for (const auto& [field, given] : {std::pair<const char*, bool>{"mileage", in.mileage_km},
                                       {"inspection_due", inspection_due.has_value()},
                                       {"insurance_due", insurance_due.has_value()}}) {
      if (given) {
        return Status::InvalidInput(std::string(field) + ": give the plate or VIN it belongs to")
            .WithShown(i18n::Format("{0}: give the plate or VIN it belongs to", {field}))
            .WithField(field);
      }
    }
    return std::optional<Vehicle>();
  }
  std::optional<std::string> plate, vin;
  if (!in.plate.empty()) {
    ASSIGN_OR_RETURN(plate, WithField(NormalizePlate(in.plate), "plate"));
  }
  if (!in.vin.empty()) {
    ASSIGN_OR_RETURN(vin, WithField(NormalizeVin(in.vin), "vin"));
  }
  if (in.mileage_km && (*in.mileage_km < 0 || *in.mileage_km > 2'000'000)) {
    return Status::InvalidInput("mileage: " + std::to_string(*in.mileage_km) +
                                " km is not a plausible odometer reading")
        .WithShown(i18n::Format("mileage: {0} km is not a plausible odometer reading",
                                {std::to_string(*in.mileage_km)}))
        .WithField("mileage");
  }
  // The vehicle already on record under this plate or VIN, if any.
  std::optional<Vehicle> found;
  ASSIGN_OR_RETURN(Statement st, db_.Prepare(std::string("SELECT ") + kVehicleColumns +
                                             " FROM vehicles WHERE plate = ?1 OR vin = ?2"));
  st.Bind(1, plate).Bind(2, vin);
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Vehicle v = VehicleFromRow(st);
    if (found && found->id != v.id) {
      return Status::Conflict("vehicle: plate " + FormatPlateForDisplay(*plate) + " and VIN " +
                              *vin + " are on record as two different vehicles")
          .WithShown(
              i18n::Format("vehicle: plate {0} and VIN {1} are on record as two different vehicles",
                           {FormatPlateForDisplay(*plate), *vin}))
          .WithField("vehicle");
    }
    found = v;
  }
  const std::string now = Now();
  if (!found) {
    Vehicle v{NewIdAt(settings_.store_id, clock_.NowMs()), customer.id, plate, vin, in.mileage_km};
    v.inspection_due = inspection_due;
    v.insurance_due = insurance_due;
    const model::Vehicle logged = LoggedVehicle(v);
    RETURN_IF_ERROR(InsertVehicleRow(db_, logged, now));
    RETURN_IF_ERROR(
        log_.Record("vehicle", v.id, "insert", model::VehicleInsertFields(logged).dump(), staff));
    return std::optional<Vehicle>(v);
  }
  Vehicle v = *found;
  if (v.customer_id != customer.id) {
    ASSIGN_OR_RETURN(Customer owner, Load(v.customer_id));
    return Status::Conflict(
               "vehicle: " +
               (v.plate ? "plate " + FormatPlateForDisplay(*v.plate) : "VIN " + *v.vin) +
               " is on record for " + owner.name + " (" + ShortId(owner.id) + ")")
        .WithShown(
            i18n::Format("vehicle: {0} is on record for {1} ({2})",
                         {v.plate ? i18n::Format("plate {0}", {FormatPlateForDisplay(*v.plate)})
                                  : "VIN " + *v.vin,
                          owner.name, ShortId(owner.id)}))
        .WithField("vehicle");
  }
  if (vin && v.vin && *vin != *v.vin) {
    return Status::Conflict("vin: '" + *vin + "' differs from the VIN on record (" + *v.vin +
                            ") for plate " + FormatPlateForDisplay(*v.plate))
        .WithShown(i18n::Format("vin: '{0}' differs from the VIN on record ({1}) for plate {2}",
                                {*vin, *v.vin, FormatPlateForDisplay(*v.plate)}))
        .WithField("vin");
  }
  if (plate && v.plate && *plate != *v.plate) {
    return Status::Conflict("plate: '" + FormatPlateForDisplay(*plate) +
                            "' differs from the plate on record (" +
                            FormatPlateForDisplay(*v.plate) + ") for VIN " + *v.vin)
        .WithShown(
            i18n::Format("plate: '{0}' differs from the plate on record ({1}) for VIN {2}",
                         {FormatPlateForDisplay(*plate), FormatPlateForDisplay(*v.plate), *v.vin}))
        .WithField("plate");
  }
  if (in.mileage_km && v.mileage_km && *in.mileage_km < *v.mileage_km) {
    return Status::InvalidInput("mileage: " + std::to_string(*in.mileage_km) + " km is below the " +
                                std::to_string(*v.mileage_km) + " km already on record")
        .WithShown(i18n::Format("mileage: {0} km is below the {1} km already on record",
                                {std::to_string(*in.mileage_km), std::to_string(*v.mileage_km)}))
        .WithField("mileage");
  }
  model::VehicleUpdate learned;
  if (!v.plate && plate) learned.plate = plate;
  if (!v.vin && vin) learned.vin = vin;
  if (in.mileage_km && in.mileage_km != v.mileage_km) learned.mileage_km = in.mileage_km;
  // A care date given replaces the one on record (renewed, moved): the
  // sweep makes the new occasion's task and cancels the old one's.
  if (inspection_due && inspection_due != v.inspection_due) learned.inspection_due = inspection_due;
  if (insurance_due && insurance_due != v.insurance_due) learned.insurance_due = insurance_due;
  const json changed = model::VehicleUpdateFields(learned);
  if (changed.empty()) return std::optional<Vehicle>(v);  // nothing new: no write, no log entry
  if (!v.plate) v.plate = plate;
  if (!v.vin) v.vin = vin;
  if (in.mileage_km) v.mileage_km = in.mileage_km;
  if (learned.inspection_due) v.inspection_due = learned.inspection_due;
  if (learned.insurance_due) v.insurance_due = learned.insurance_due;
  RETURN_IF_ERROR(log_.Record("vehicle", v.id, "update", changed.dump(), staff));
  RETURN_IF_ERROR(UpdateVehicleRow(db_, LoggedVehicle(v), now));
  return std::optional<Vehicle>(v);
}

Status Customers::UpdateLocked(const Customer& c, const CustomerUpdate& update,
                               const std::vector<std::string>& phones, const std::string& staff) {
  const std::string now = Now();
  model::CustomerUpdate changed;
  for (const auto& phone : phones) {
    if (std::find(c.phones.begin(), c.phones.end(), phone) != c.phones.end()) continue;
    changed.phones_added.push_back(phone);
    ASSIGN_OR_RETURN(Statement owner,
                     db_.Prepare("SELECT c.name FROM customer_phones p JOIN customers c"
                                 " ON c.id = p.customer_id WHERE p.e164 = ? LIMIT 1"));
    owner.Bind(1, phone);
    ASSIGN_OR_RETURN(bool taken, owner.Step());
    if (taken) {
      return Status::Conflict("phone: " + FormatPhoneForDisplay(phone) + " already belongs to " +
                              owner.Text(0))
          .WithShown(i18n::Format("phone: {0} already belongs to {1}",
                                  {FormatPhoneForDisplay(phone), owner.Text(0)}))
          .WithField("phone");
    }
    RETURN_IF_ERROR(AddCustomerPhones(db_, c.id, {phone}, now, OnExisting::kFail));
  }
  // Consent: every statement is logged, even one restating the value held;
  // the hub orders it by the log's clock against other stores' statements
  // (an unlogged restatement would let an older opt-in elsewhere win).
  if (update.contact_opt_in) {
    changed.consent = ConsentStatementsNow(
        *update.contact_opt_in ? ContactChoice::kOptedIn : ContactChoice::kOptedOut,
        update.consent_channels, staff);
  }
  changed.do_not_disturb = update.do_not_disturb;
  if (update.birthday) {
    ASSIGN_OR_RETURN(std::string birthday, model::NormalizeBirthday(*update.birthday));
    if (birthday != c.birthday) changed.birthday = birthday;
  }
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("UPDATE customers SET do_not_disturb = ?,"
                                             " updated_at = ?, birthday = ? WHERE id = ?"));
  st.Bind(1, int64_t{update.do_not_disturb.value_or(c.do_not_disturb)})
      .Bind(2, now)
      .Bind(3, changed.birthday ? changed.birthday : c.birthday)
      .Bind(4, c.id);
  RETURN_IF_ERROR(st.Run());
  for (ContactChannel channel : kContactChannels) {
    const std::optional<std::string> statement = ConsentColumn(changed.consent, channel);
    if (!statement) continue;
    // The column is named as its logged field (replay and verify rely on it).
    ASSIGN_OR_RETURN(Statement set, db_.Prepare("UPDATE customers SET " + ConsentField(channel) +
                                                " = ? WHERE id = ?"));
    set.Bind(1, *statement).Bind(2, c.id);
    RETURN_IF_ERROR(set.Run());
  }
  if (!model::CustomerUpdateFields(changed).empty()) {
    changed.updated_at = now;
    RETURN_IF_ERROR(log_.Record("customer", c.id, "update",
                                model::CustomerUpdateFields(changed).dump(), staff));
  }
  return Status::Ok();
}

Status Customers::MarkPhoneDoubtfulLocked(const Customer& c, const std::string& phone,
                                          const std::string& staff) {
  if (std::find(c.doubtful_phones.begin(), c.doubtful_phones.end(), phone) !=
      c.doubtful_phones.end()) {
    return Status::Ok();
  }
  model::CustomerUpdate changed;
  changed.doubtful_phones = c.doubtful_phones;
  changed.doubtful_phones->push_back(phone);
  changed.updated_at = Now();
  // The column is named as its logged field (replay and verify rely on it).
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("UPDATE customers SET doubtful_phones = ?,"
                                             " updated_at = ? WHERE id = ?"));
  st.Bind(1, json(*changed.doubtful_phones).dump()).Bind(2, *changed.updated_at).Bind(3, c.id);
  RETURN_IF_ERROR(st.Run());
  return log_.Record("customer", c.id, "update", model::CustomerUpdateFields(changed).dump(),
                     staff);
}

Status Customers::SetPurchasedLocked(Vehicle& v, const std::string& day, const std::string& staff) {
  model::VehicleUpdate changed;
  changed.purchased_on = day;
  v.purchased_on = day;
  RETURN_IF_ERROR(
      log_.Record("vehicle", v.id, "update", model::VehicleUpdateFields(changed).dump(), staff));
  return UpdateVehicleRow(db_, LoggedVehicle(v), Now());
}

Result<std::vector<std::string>> CustomerIdsWithBirthday(Db& db) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT id FROM customers WHERE birthday IS NOT NULL ORDER BY id"));
  return st.TextColumn();
}

Result<std::vector<Vehicle>> VehiclesWithCareDates(Db& db) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kVehicleColumns +
                                            " FROM vehicles WHERE inspection_due IS NOT NULL"
                                            " OR insurance_due IS NOT NULL ORDER BY id"));
  std::vector<Vehicle> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(VehicleFromRow(st));
  }
  return out;
}

Result<std::vector<std::string>> CustomerIdsWithPhone(Db& db, const std::string& e164) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT customer_id FROM customer_phones WHERE e164 = ?"));
  st.Bind(1, e164);
  return st.TextColumn();
}

Result<std::vector<std::string>> CustomerIdsMatching(Db& db, const std::string& id_or_prefix) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT id FROM customers WHERE " + IdMatchSql("id")));
  st.Bind(1, id_or_prefix);
  return st.TextColumn();
}

Result<std::vector<std::string>> PhonesOfCustomer(Db& db, const std::string& customer_id) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT e164 FROM customer_phones WHERE"
                                            " customer_id = ? ORDER BY e164"));
  st.Bind(1, customer_id);
  return st.TextColumn();
}

Status AddCustomerPhones(Db& db, const std::string& customer_id,
                         const std::vector<std::string>& phones, const std::string& at,
                         OnExisting on_existing) {
  // Two fixed texts, so each stays one pooled prepared statement.
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare(on_existing == OnExisting::kFail
                                  ? "INSERT INTO customer_phones (customer_id, e164, added_at)"
                                    " VALUES (?, ?, ?)"
                                  : "INSERT INTO customer_phones (customer_id, e164, added_at)"
                                    " VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
  for (const auto& phone : phones) {
    st.Reset();
    st.Bind(1, customer_id).Bind(2, phone).Bind(3, at);
    RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

Status ReplaceCustomerPhones(Db& db, const std::string& customer_id,
                             const std::vector<std::string>& phones, const std::string& at) {
  ASSIGN_OR_RETURN(Statement del, db.Prepare("DELETE FROM customer_phones WHERE customer_id = ?"));
  del.Bind(1, customer_id);
  RETURN_IF_ERROR(del.Run());
  return AddCustomerPhones(db, customer_id, phones, at, OnExisting::kFail);
}

namespace {

// Binds every logged column of a vehicle's row as ?1 to ?5 and ?7 to ?9,
// and `at` as ?6.
void BindVehicleRow(Statement& st, const model::Vehicle& v, const std::string& at) {
  st.Bind(1, v.id).Bind(2, v.customer_id).Bind(3, v.plate).Bind(4, v.vin);
  if (v.mileage_km) {
    st.Bind(5, *v.mileage_km);
  } else {
    st.BindNull(5);
  }
  st.Bind(6, at).Bind(7, v.inspection_due).Bind(8, v.insurance_due).Bind(9, v.purchased_on);
}

// Binds every column of a customer's row as ?1 to ?15 (the order of the
// insert's column list).
void BindCustomerRow(Statement& st, const model::Customer& c, const std::string& updated_at) {
  st.Bind(1, c.id)
      .Bind(2, c.store_id)
      .Bind(3, c.name)
      .Bind(4, SearchKey(c.name))
      .Bind(5, c.member_id)
      .Bind(6, int64_t{c.contact_opt_in.value_or(false)})
      .Bind(7, int64_t{c.do_not_disturb})
      .Bind(8, c.created_at)
      .Bind(9, c.created_by)
      .Bind(10, updated_at)
      .Bind(11, ConsentColumn(c.consent, ContactChannel::kSms))
      .Bind(12, ConsentColumn(c.consent, ContactChannel::kWeChat))
      .Bind(13, ConsentColumn(c.consent, ContactChannel::kCall))
      .Bind(14, c.doubtful_phones.empty()
                    ? std::optional<std::string>()
                    : std::optional<std::string>(json(c.doubtful_phones).dump()))
      .Bind(15, c.birthday);
}

}  // namespace

Status InsertCustomerRow(Db& db, const model::Customer& c, const std::string& updated_at) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("INSERT INTO customers (id, store_id, name, name_key, member_id,"
                              " contact_opt_in, do_not_disturb, created_at, created_by,"
                              " updated_at, consent_sms, consent_wechat, consent_call,"
                              " doubtful_phones, birthday) VALUES"
                              " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
                              " ?15)"));
  BindCustomerRow(st, c, updated_at);
  return st.Run();
}

Status UpdateCustomerRow(Db& db, const model::Customer& c, const std::string& updated_at) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("UPDATE customers SET store_id = ?2, name = ?3, name_key = ?4,"
                              " member_id = ?5, contact_opt_in = ?6, do_not_disturb = ?7,"
                              " created_at = ?8, created_by = ?9, updated_at = ?10,"
                              " consent_sms = ?11, consent_wechat = ?12, consent_call = ?13,"
                              " doubtful_phones = ?14, birthday = ?15 WHERE id = ?1"));
  BindCustomerRow(st, c, updated_at);
  RETURN_IF_ERROR(st.Run());
  if (db.RowsChanged() != 1) {
    return Status::NotFound("customer " + c.id + " does not exist")
        .WithShown(i18n::Format("customer {0} does not exist", {c.id}));
  }
  return Status::Ok();
}

Status InsertVehicleRow(Db& db, const model::Vehicle& v, const std::string& at) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("INSERT INTO vehicles (id, customer_id, plate, vin, mileage_km,"
                              " created_at, updated_at, inspection_due, insurance_due,"
                              " purchased_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9)"));
  BindVehicleRow(st, v, at);
  return st.Run();
}

Status UpdateVehicleRow(Db& db, const model::Vehicle& v, const std::string& at) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("UPDATE vehicles SET customer_id = ?2, plate = ?3, vin = ?4,"
                              " mileage_km = ?5, updated_at = ?6, inspection_due = ?7,"
                              " insurance_due = ?8, purchased_on = ?9 WHERE id = ?1"));
  BindVehicleRow(st, v, at);
  RETURN_IF_ERROR(st.Run());
  if (db.RowsChanged() != 1) {
    return Status::NotFound("vehicle " + v.id + " does not exist")
        .WithShown(i18n::Format("vehicle {0} does not exist", {v.id}));
  }
  return Status::Ok();
}

}  // namespace outpost::edge
