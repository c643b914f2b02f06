#include "sync/outreach/service_due.h"

#include <gtest/gtest.h>

namespace outpost::outreach {
namespace {

LocalDate D(const char* text) { return LocalDate::Parse(text).value(); }

class ServiceDueTest : public ::testing::Test {
 protected:
  ServiceDue Project(const ServiceRule& rule, const char* last_service,
                     const std::vector<MileageReading>& readings, const char* today) {
    auto due = ProjectServiceDue(rule, D(last_service), readings, D(today));
    EXPECT_TRUE(due.ok()) << due.status().ToString();
    return due.ok() ? *due : ServiceDue{};
  }
  ServiceRule maintenance_ = DefaultServiceRules()[0];
  ServiceRule beauty_ = DefaultServiceRules()[1];
};

TEST_F(ServiceDueTest, AVehicleWithoutReadingsIsDueBySixMonths) {
  auto due = Project(maintenance_, "2026-05-10", {}, "2026-10-25");
  EXPECT_EQ(due.due_date, D("2026-11-10"));
  EXPECT_EQ(due.due_by, "time");
  EXPECT_EQ(due.km_per_day, std::nullopt);
  EXPECT_EQ(due.invite_date, D("2026-10-26"));  // 15 days before
  EXPECT_FALSE(due.due_for_invitation);
  EXPECT_TRUE(Project(maintenance_, "2026-05-10", {}, "2026-10-26").due_for_invitation);
  ASSERT_EQ(due.contacts.size(), 1U);
  EXPECT_EQ(due.contacts[0].channel, ContactChannel::kCall);
}

TEST_F(ServiceDueTest, OneReadingCannotProjectSoTimeDecides) {
  auto due = Project(maintenance_, "2026-05-10", {{D("2026-05-10"), 26000}}, "2026-06-01");
  EXPECT_EQ(due.due_date, D("2026-11-10"));
  EXPECT_EQ(due.due_by, "time");
  EXPECT_EQ(due.km_per_day, std::nullopt);
}

TEST_F(ServiceDueTest, ThreeReadingsOfAHighMileageCarMakeItDueByKm) {
  // 6,000 km in 120 days: 50 km a day; 5,000 km after the service is 100 days on.
  const std::vector<MileageReading> readings = {
      {D("2026-03-10"), 23000}, {D("2026-05-10"), 26000}, {D("2026-01-10"), 20000}};
  auto due = Project(maintenance_, "2026-05-10", readings, "2026-08-03");
  ASSERT_TRUE(due.km_per_day.has_value());
  EXPECT_DOUBLE_EQ(*due.km_per_day, 50.0);
  EXPECT_EQ(due.due_at_km, 31000);
  EXPECT_EQ(due.due_date, D("2026-08-18"));
  EXPECT_EQ(due.due_by, "km");
  EXPECT_EQ(due.invite_date, D("2026-08-03"));
  EXPECT_TRUE(due.due_for_invitation);
}

TEST_F(ServiceDueTest, ALowMileageCarIsStillDueBySixMonths) {
  const std::vector<MileageReading> readings = {
      {D("2026-01-10"), 20000}, {D("2026-03-10"), 20600}, {D("2026-05-10"), 21200}};
  auto due = Project(maintenance_, "2026-05-10", readings, "2026-06-01");
  EXPECT_EQ(due.due_date, D("2026-11-10"));
  EXPECT_EQ(due.due_by, "time");
  EXPECT_DOUBLE_EQ(*due.km_per_day, 10.0);
}

TEST_F(ServiceDueTest, TheKmAtAServiceWithoutAReadingIsProjected) {
  // 50 km a day; the service on 2026-04-10 is 30 days before the last
  // reading (26,000), so at 24,500 km; due at 29,500: 70 days after 10 May.
  const std::vector<MileageReading> readings = {{D("2026-01-10"), 20000}, {D("2026-05-10"), 26000}};
  auto due = Project(maintenance_, "2026-04-10", readings, "2026-06-01");
  EXPECT_EQ(due.due_at_km, 29500);
  EXPECT_EQ(due.due_date, D("2026-07-19"));
  EXPECT_EQ(due.due_by, "km");
}

TEST_F(ServiceDueTest, ReadingsThatDoNotIncreaseProjectNothing) {
  const std::vector<MileageReading> readings = {{D("2026-01-10"), 26000}, {D("2026-05-10"), 20000}};
  auto due = Project(maintenance_, "2026-05-10", readings, "2026-06-01");
  EXPECT_EQ(due.due_by, "time");
  EXPECT_EQ(due.km_per_day, std::nullopt);
}

TEST_F(ServiceDueTest, SixMonthsFromTheLastDayOfAMonthIsTheLastDayOfItsMonth) {
  EXPECT_EQ(Project(maintenance_, "2026-08-31", {}, "2026-09-01").due_date, D("2027-02-28"));
  EXPECT_EQ(AddMonths(D("2027-08-31"), 6), D("2028-02-29"));
  EXPECT_EQ(AddMonths(D("2026-11-15"), 3), D("2027-02-15"));
}

TEST_F(ServiceDueTest, BeautyCareMessagesOnDay21AndCallsOnDay28) {
  auto due = Project(beauty_, "2026-11-01", {}, "2026-11-22");
  EXPECT_EQ(due.due_date, D("2026-11-29"));
  EXPECT_EQ(due.invite_date, D("2026-11-22"));
  EXPECT_TRUE(due.due_for_invitation);
  ASSERT_EQ(due.contacts.size(), 2U);
  EXPECT_EQ(due.contacts[0].channel, ContactChannel::kWeChat);
  EXPECT_EQ(due.contacts[0].date, D("2026-11-22"));
  EXPECT_TRUE(due.contacts[0].due);
  EXPECT_EQ(due.contacts[1].channel, ContactChannel::kCall);
  EXPECT_EQ(due.contacts[1].date, D("2026-11-29"));
  EXPECT_FALSE(due.contacts[1].due);
}

TEST_F(ServiceDueTest, ANegativeReadingIsRefusedNamingIt) {
  auto bad = ProjectServiceDue(maintenance_, D("2026-05-10"),
                               {{D("2026-01-10"), 20000}, {D("2026-03-10"), -3}}, D("2026-06-01"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "readings[1].km");
  EXPECT_EQ(bad.status().message(), "mileage readings: readings[1].km: -3 is negative");
}

TEST_F(ServiceDueTest, RulesTravelAsJson) {
  const auto rules = DefaultServiceRules();
  auto back = ParseServiceRules(ServiceRulesJson(rules));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ServiceRulesJson(*back), ServiceRulesJson(rules));
  EXPECT_EQ((*back)[1].due_after_km, std::nullopt);
  EXPECT_EQ((*back)[0].due_after_km, 5000);
}

TEST_F(ServiceDueTest, ABadRuleIsRefusedNamingTheField) {
  const nlohmann::json good = ServiceRulesJson(DefaultServiceRules());
  const auto refused = [](const nlohmann::json& json) { return ParseServiceRules(json).status(); };

  nlohmann::json bad = good;
  bad["rules"][0]["due_after_km"] = -5;
  EXPECT_EQ(refused(bad).message(), "service rules: rules[0].due_after_km: -5 is negative");
  EXPECT_EQ(refused(bad).field(), "rules[0].due_after_km");

  bad = good;
  bad["rules"][1]["due_after_months"] = 1;  // and 28 days
  EXPECT_EQ(refused(bad).field(), "rules[1].due_after_months");

  bad = good;
  bad["rules"][1]["contacts"][1]["channel"] = "email";
  EXPECT_EQ(refused(bad).message(),
            "service rules: rules[1].contacts[1].channel: 'email' is not a channel (sms, wechat, "
            "call)");

  bad = good;
  bad["rules"][0]["contacts"] = nlohmann::json::array();
  EXPECT_EQ(refused(bad).field(), "rules[0].contacts");

  bad = good;
  bad["rules"][1]["service_kind"] = "maintenance";
  EXPECT_EQ(refused(bad).field(), "rules[1].service_kind");
}

}  // namespace
}  // namespace outpost::outreach
