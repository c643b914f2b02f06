#include "sync/model/customer.h"

#include <gtest/gtest.h>

#include "sync/model/testing.h"

namespace outpost::model {
namespace {

using nlohmann::json;

TEST(CustomerModelTest, RoundTripWithConsentPerChannel) {
  Customer c;
  c.id = "c-1";
  c.store_id = "S1";
  c.name = "王伟";
  c.phones = {"+8613800138000"};
  c.created_at = "2026-11-23T01:00:00.000Z";
  c.created_by = "SA Zhang";
  c.consent[static_cast<int>(ContactChannel::kWeChat)] = {
      ContactChoice::kOptedIn, c.created_at, "S1", "SA Zhang", {}};
  const json fields = CustomerInsertFields(c);
  EXPECT_TRUE(fields["member_id"].is_null());
  EXPECT_TRUE(fields.contains("consent_wechat"));
  EXPECT_FALSE(fields.contains("consent_sms")) << "not asked is never logged";
  auto back = ParseCustomer(c.id, fields);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(CustomerInsertFields(back.value()), fields);

  CustomerUpdate u;
  u.phones_added = {"+8613900139000"};
  u.consent[static_cast<int>(ContactChannel::kCall)] = {
      ContactChoice::kOptedOut, "t", "S1", "x", {}};
  u.updated_at = "t";
  const json update = CustomerUpdateFields(u);
  EXPECT_EQ(update.size(), 3u);
  auto update_back = ParseCustomerUpdate(update);
  ASSERT_TRUE(update_back.ok()) << update_back.status().ToString();
  EXPECT_EQ(CustomerUpdateFields(update_back.value()), update);
  // The old all-channel field still reads.
  json old = fields;
  old["contact_opt_in"] = true;
  EXPECT_EQ(ParseCustomer("c-1", old)->contact_opt_in, true);
}

TEST(CustomerModelTest, EachBadFieldIsNamed) {
  const json good = {{"store_id", "S1"},        {"name", "n"},          {"member_id", nullptr},
                     {"do_not_disturb", false}, {"phones", {"+86138"}}, {"created_at", "t"},
                     {"created_by", "s"}};
  ASSERT_TRUE(ParseCustomer("c", good).ok());
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, json>>{{"store_id", 1},
                                                 {"name", nullptr},
                                                 {"member_id", 2},
                                                 {"do_not_disturb", "no"},
                                                 {"phones", "+86138"},
                                                 {"created_at", 3},
                                                 {"created_by", false},
                                                 {"consent_sms", {{"choice", "maybe"}}},
                                                 {"contact_opt_in", "yes"}}) {
    json bad = good;
    bad[field] = value;
    ExpectNamed(ParseCustomer("c", bad).status(), "customer: " + field + ":");
  }
  ExpectNamed(ParseCustomerUpdate({{"phones_added", {1}}}).status(), "customer: phones_added:");
}

TEST(VehicleModelTest, RoundTripAndBadFieldsNamed) {
  Vehicle v{"v-1", "c-1", "沪A12345", std::nullopt, 42000};
  const json fields = VehicleInsertFields(v);
  EXPECT_TRUE(fields["vin"].is_null());
  auto back = ParseVehicle(v.id, fields);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(VehicleInsertFields(back.value()), fields);
  VehicleUpdate u;
  u.mileage_km = 43000;
  EXPECT_EQ(VehicleUpdateFields(u), json({{"mileage_km", 43000}}));
  EXPECT_EQ(VehicleUpdateFields(ParseVehicleUpdate(VehicleUpdateFields(u)).value()),
            VehicleUpdateFields(u));
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
           {"customer_id", nullptr}, {"plate", 1}, {"vin", false}, {"mileage_km", "many"}}) {
    json bad = fields;
    bad[field] = value;
    ExpectNamed(ParseVehicle("v", bad).status(), "vehicle: " + field + ":");
  }
  ExpectNamed(ParseVehicleUpdate({{"mileage_km", 1.5}}).status(), "vehicle: mileage_km:");
}

// The care dates (docs/FOLLOWUP.md "Care calls and purchases"): written only
// when set, so an entity without them logs exactly the bytes it did before
// they existed (the same dump, so the same hash in the change log).
TEST(CareDatesModelTest, WrittenOnlyWhenSetAndRoundTrip) {
  Customer c{.id = "c-1",
             .store_id = "S1",
             .name = "王伟",
             .phones = {"+8613800138000"},
             .created_at = "2026-11-23T01:00:00.000Z",
             .created_by = "SA Zhang"};
  EXPECT_EQ(CustomerInsertFields(c).dump(),
            R"({"created_at":"2026-11-23T01:00:00.000Z","created_by":"SA Zhang",)"
            R"("do_not_disturb":false,"member_id":null,"name":"王伟",)"
            R"("phones":["+8613800138000"],"store_id":"S1"})");
  c.birthday = "02-29";
  const json with = CustomerInsertFields(c);
  EXPECT_EQ(with["birthday"], "02-29");
  EXPECT_EQ(ParseCustomer(c.id, with)->birthday, "02-29");
  CustomerUpdate u;
  u.birthday = "1990-05-12";
  EXPECT_EQ(CustomerUpdateFields(u), json({{"birthday", "1990-05-12"}}));
  EXPECT_EQ(ParseCustomerUpdate(CustomerUpdateFields(u))->birthday, "1990-05-12");
  ExpectNamed(ParseCustomerUpdate({{"birthday", 512}}).status(), "customer: birthday:");

  Vehicle v{"v-1", "c-1", "沪A12345", std::nullopt, 42000};
  EXPECT_EQ(VehicleInsertFields(v).dump(),
            R"({"customer_id":"c-1","mileage_km":42000,"plate":"沪A12345","vin":null})");
  v.inspection_due = "2027-03-01";
  v.insurance_due = "2027-04-15";
  v.purchased_on = "2026-11-20";
  const json dated = VehicleInsertFields(v);
  auto back = ParseVehicle(v.id, dated);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(VehicleInsertFields(back.value()), dated);
  EXPECT_EQ(back->purchased_on, "2026-11-20");
  VehicleUpdate vu;
  vu.inspection_due = "2028-03-01";
  EXPECT_EQ(VehicleUpdateFields(vu), json({{"inspection_due", "2028-03-01"}}));
  EXPECT_EQ(ParseVehicleUpdate(VehicleUpdateFields(vu))->inspection_due, "2028-03-01");
  ExpectNamed(ParseVehicleUpdate({{"purchased_on", false}}).status(), "vehicle: purchased_on:");
}

TEST(CareDatesModelTest, BirthdaysAndTheFebruary29Rule) {
  EXPECT_EQ(NormalizeBirthday("05-12").value(), "05-12");
  EXPECT_EQ(NormalizeBirthday("02-29").value(), "02-29");
  EXPECT_EQ(NormalizeBirthday("1988-02-29").value(), "1988-02-29");
  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {"13-01", "birthday: '13-01' is not a day of the year (MM-DD, or YYYY-MM-DD)"},
           {"02-30", "birthday: '02-30' is not a day of the year (MM-DD, or YYYY-MM-DD)"},
           {"2001-02-29", "birthday: '2001-02-29' is not a date (MM-DD, or YYYY-MM-DD)"},
           {"12/05", "birthday: '12/05' is not a day of the year (MM-DD, or YYYY-MM-DD)"},
           {"1850-01-01", "birthday: '1850-01-01' is before 1900"}}) {
    const Status st = NormalizeBirthday(text).status();
    EXPECT_EQ(st.message(), why);
    EXPECT_EQ(st.field(), "birthday");
  }
  // 29 February: on 28 February in a year without one, never in March.
  EXPECT_EQ(BirthdayIn("02-29", 2027), "2027-02-28");
  EXPECT_EQ(BirthdayIn("1988-02-29", 2028), "2028-02-29");
  EXPECT_EQ(BirthdayIn("1990-05-12", 2026), "2026-05-12");
  EXPECT_EQ(BirthdayIn("nonsense", 2026), std::nullopt);
}

}  // namespace
}  // namespace outpost::model
