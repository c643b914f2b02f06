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

}  // namespace
}  // namespace outpost::model
