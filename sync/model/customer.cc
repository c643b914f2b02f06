#include "sync/model/customer.h"

#include "sync/civil_time.h"
#include "sync/i18n/messages.h"
#include "sync/model/fields.h"

namespace outpost::model {
namespace {

using nlohmann::json;

void WriteConsent(const ChannelConsent& consent, json& fields) {
  for (ContactChannel channel : kContactChannels) {
    const ConsentStatement& said = consent[static_cast<int>(channel)];
    if (said.choice != ContactChoice::kNotAsked) {
      fields[ConsentField(channel)] = ConsentStatementJson(said);
    }
  }
}

// A consent field present must be an explicit statement: anything else is
// damage, named, never read as an opt-in.
Status ReadConsent(const FieldReader& in, const json& fields, ChannelConsent& consent) {
  for (ContactChannel channel : kContactChannels) {
    const std::string field = ConsentField(channel);
    if (!in.Has(field.c_str())) continue;
    auto said = ParseConsentStatement(fields[field]);
    if (!said) return in.Bad(field, "not an opt-in or opt-out statement");
    consent[static_cast<int>(channel)] = *said;
  }
  return Status::Ok();
}

Result<std::vector<std::string>> Phones(const FieldReader& in, const json& fields,
                                        const char* key) {
  std::vector<std::string> phones;
  if (!in.Has(key)) return phones;
  if (!fields[key].is_array()) return in.Bad(key, "not a list of phones");
  for (const auto& phone : fields[key]) {
    if (!phone.is_string()) return in.Bad(key, "a phone that is not text");
    phones.push_back(phone.get<std::string>());
  }
  return phones;
}

}  // namespace

json CustomerInsertFields(const Customer& c) {
  json fields = {{"store_id", c.store_id},
                 {"name", c.name},
                 {"member_id", OrNull(c.member_id)},
                 {"do_not_disturb", c.do_not_disturb},
                 {"phones", c.phones},
                 {"created_at", c.created_at},
                 {"created_by", c.created_by}};
  WriteConsent(c.consent, fields);
  // Only when one is found: a customer logged before then reads as before.
  if (!c.doubtful_phones.empty()) fields["doubtful_phones"] = c.doubtful_phones;
  SetIfPresent(fields, "birthday", c.birthday);
  return fields;
}

json CustomerUpdateFields(const CustomerUpdate& u) {
  json fields = json::object();
  if (!u.phones_added.empty()) fields["phones_added"] = u.phones_added;
  WriteConsent(u.consent, fields);
  SetIfPresent(fields, "do_not_disturb", u.do_not_disturb);
  SetIfPresent(fields, "doubtful_phones", u.doubtful_phones);
  SetIfPresent(fields, "birthday", u.birthday);
  SetIfPresent(fields, "updated_at", u.updated_at);
  return fields;
}

Result<Customer> ParseCustomer(const std::string& id, const json& fields) {
  const FieldReader in("customer", fields);
  RETURN_IF_ERROR(in.CheckObject());
  Customer c;
  c.id = id;
  ASSIGN_OR_RETURN(c.store_id, in.Text("store_id"));
  ASSIGN_OR_RETURN(c.name, in.Text("name"));
  ASSIGN_OR_RETURN(c.member_id, in.OptionalText("member_id"));
  ASSIGN_OR_RETURN(std::optional<bool> dnd, in.OptionalBool("do_not_disturb"));
  c.do_not_disturb = dnd.value_or(false);
  ASSIGN_OR_RETURN(c.phones, Phones(in, fields, "phones"));
  ASSIGN_OR_RETURN(c.created_at, in.Text("created_at"));
  ASSIGN_OR_RETURN(c.created_by, in.Text("created_by"));
  RETURN_IF_ERROR(ReadConsent(in, fields, c.consent));
  ASSIGN_OR_RETURN(c.doubtful_phones, Phones(in, fields, "doubtful_phones"));
  ASSIGN_OR_RETURN(c.contact_opt_in, in.OptionalBool("contact_opt_in"));
  ASSIGN_OR_RETURN(c.birthday, in.OptionalText("birthday"));
  return c;
}

Result<CustomerUpdate> ParseCustomerUpdate(const json& fields) {
  const FieldReader in("customer", fields);
  RETURN_IF_ERROR(in.CheckObject());
  CustomerUpdate u;
  ASSIGN_OR_RETURN(u.phones_added, Phones(in, fields, "phones_added"));
  RETURN_IF_ERROR(ReadConsent(in, fields, u.consent));
  ASSIGN_OR_RETURN(u.do_not_disturb, in.OptionalBool("do_not_disturb"));
  if (in.Has("doubtful_phones")) {
    ASSIGN_OR_RETURN(u.doubtful_phones, Phones(in, fields, "doubtful_phones"));
  }
  ASSIGN_OR_RETURN(u.birthday, in.OptionalText("birthday"));
  ASSIGN_OR_RETURN(u.updated_at, in.OptionalText("updated_at"));
  return u;
}

json VehicleInsertFields(const Vehicle& v) {
  json fields = {{"customer_id", v.customer_id},
                 {"plate", OrNull(v.plate)},
                 {"vin", OrNull(v.vin)},
                 {"mileage_km", OrNull(v.mileage_km)}};
  // Only when set: a vehicle logged before the dates existed keeps its bytes.
  SetIfPresent(fields, "inspection_due", v.inspection_due);
  SetIfPresent(fields, "insurance_due", v.insurance_due);
  SetIfPresent(fields, "purchased_on", v.purchased_on);
  return fields;
}

json VehicleUpdateFields(const VehicleUpdate& u) {
  json fields = json::object();
  SetIfPresent(fields, "plate", u.plate);
  SetIfPresent(fields, "vin", u.vin);
  SetIfPresent(fields, "mileage_km", u.mileage_km);
  SetIfPresent(fields, "inspection_due", u.inspection_due);
  SetIfPresent(fields, "insurance_due", u.insurance_due);
  SetIfPresent(fields, "purchased_on", u.purchased_on);
  return fields;
}

Result<Vehicle> ParseVehicle(const std::string& id, const json& fields) {
  const FieldReader in("vehicle", fields);
  RETURN_IF_ERROR(in.CheckObject());
  Vehicle v;
  v.id = id;
  ASSIGN_OR_RETURN(v.customer_id, in.Text("customer_id"));
  ASSIGN_OR_RETURN(v.plate, in.OptionalText("plate"));
  ASSIGN_OR_RETURN(v.vin, in.OptionalText("vin"));
  ASSIGN_OR_RETURN(v.mileage_km, in.OptionalInt("mileage_km"));
  ASSIGN_OR_RETURN(v.inspection_due, in.OptionalText("inspection_due"));
  ASSIGN_OR_RETURN(v.insurance_due, in.OptionalText("insurance_due"));
  ASSIGN_OR_RETURN(v.purchased_on, in.OptionalText("purchased_on"));
  return v;
}

Result<VehicleUpdate> ParseVehicleUpdate(const json& fields) {
  const FieldReader in("vehicle", fields);
  RETURN_IF_ERROR(in.CheckObject());
  VehicleUpdate u;
  ASSIGN_OR_RETURN(u.plate, in.OptionalText("plate"));
  ASSIGN_OR_RETURN(u.vin, in.OptionalText("vin"));
  ASSIGN_OR_RETURN(u.mileage_km, in.OptionalInt("mileage_km"));
  ASSIGN_OR_RETURN(u.inspection_due, in.OptionalText("inspection_due"));
  ASSIGN_OR_RETURN(u.insurance_due, in.OptionalText("insurance_due"));
  ASSIGN_OR_RETURN(u.purchased_on, in.OptionalText("purchased_on"));
  return u;
}

Result<std::string> NormalizeBirthday(const std::string& text) {
  auto refuse = [&](const std::string& why) -> Result<std::string> {
    return Status::InvalidInput("birthday: '" + text + "' " + why)
        .WithShown(i18n::Format("birthday: '{0}' {1}", {text, i18n::Tr(why)}))
        .WithField("birthday");
  };
  if (text.size() == 5) {
    // The year unknown: checked as a day of leap year 2000, so 02-29 passes.
    if (!LocalDate::Parse("2000-" + text).ok()) {
      return refuse("is not a day of the year (MM-DD, or YYYY-MM-DD)");
    }
    return text;
  }
  auto day = LocalDate::Parse(text);
  if (!day.ok()) return refuse("is not a date (MM-DD, or YYYY-MM-DD)");
  if (day->year < 1900) return refuse("is before 1900");
  return text;
}

std::optional<std::string> BirthdayIn(const std::string& birthday, int year) {
  if (!NormalizeBirthday(birthday).ok()) return std::nullopt;
  const std::string month_day = birthday.substr(birthday.size() - 5);
  auto day = LocalDate::Parse(std::to_string(year) + "-" + month_day);
  if (day.ok()) return day->ToString();
  // Only 02-29 in a year without it fails: the last day of February.
  return LocalDate::Parse(std::to_string(year) + "-02-28").value().ToString();
}

}  // namespace outpost::model
