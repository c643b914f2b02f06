#include "sync/model/request.h"

#include <gtest/gtest.h>

namespace outpost::model {
namespace {

using nlohmann::json;

TEST(HeadOfficeRequestModelTest, EachKindTravelsWithItsOwnFields) {
  HeadOfficeRequest book;
  book.phone = "+8613800138000";
  book.name = "Wang Wei";
  book.date = "2026-11-25";
  book.slot = "11:00";
  book.staff = "CC Wang";
  book.requested_at = "2026-11-23T01:00:00.000Z";
  const json wire = HeadOfficeRequestJson(book);
  // The outbox's format: empty optional fields are not written.
  EXPECT_EQ(wire, json({{"kind", "book"},
                        {"phone", "+8613800138000"},
                        {"name", "Wang Wei"},
                        {"date", "2026-11-25"},
                        {"slot", "11:00"},
                        {"staff", "CC Wang"},
                        {"requested_at", "2026-11-23T01:00:00.000Z"}}));
  auto back = ParseHeadOfficeRequest(wire);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(HeadOfficeRequestJson(back.value()), wire);

  HeadOfficeRequest cancel;
  cancel.kind = "cancel";
  cancel.booking_id = "b-1";
  cancel.booking_ref = "261125-3";
  const json cancel_wire = HeadOfficeRequestJson(cancel);
  EXPECT_EQ(cancel_wire, json({{"kind", "cancel"},
                               {"booking_id", "b-1"},
                               {"booking_ref", "261125-3"},
                               {"reason", ""}}));
  EXPECT_EQ(HeadOfficeRequestJson(ParseHeadOfficeRequest(cancel_wire).value()), cancel_wire);
}

TEST(HeadOfficeRequestModelTest, AMissingKindIsABookingAndAnUnknownKindReads) {
  auto old = ParseHeadOfficeRequest({{"phone", "+86"}, {"date", "d"}, {"slot", "s"}});
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->kind, "book");
  auto newer = ParseHeadOfficeRequest({{"kind", "send-flowers"}, {"notes", "roses"}});
  ASSERT_TRUE(newer.ok()) << newer.status().ToString();
  EXPECT_EQ(newer->kind, "send-flowers");
  EXPECT_EQ(HeadOfficeRequestJson(newer.value()),
            json({{"kind", "send-flowers"}, {"notes", "roses"}}));
}

TEST(HeadOfficeRequestModelTest, OutreachKindsTravelWithTheirFieldsAndNeedTheirOwn) {
  HeadOfficeRequest invite;
  invite.kind = "invite";
  invite.customer_id = "c-1";
  invite.vehicle_id = "v-1";
  invite.date = "2027-05-20";
  invite.service = "maintenance";
  invite.due_by = "km";
  invite.channel = "call";
  invite.invite_date = "2027-05-05";
  invite.reason = "5,000 km since 2026-11-20";
  const json invite_wire = HeadOfficeRequestJson(invite);
  EXPECT_EQ(invite_wire, json({{"kind", "invite"},
                               {"customer_id", "c-1"},
                               {"vehicle_id", "v-1"},
                               {"date", "2027-05-20"},
                               {"service", "maintenance"},
                               {"due_by", "km"},
                               {"channel", "call"},
                               {"invite_date", "2027-05-05"},
                               {"reason", "5,000 km since 2026-11-20"}}));
  EXPECT_EQ(HeadOfficeRequestJson(ParseHeadOfficeRequest(invite_wire).value()), invite_wire);

  HeadOfficeRequest opt_out;
  opt_out.kind = "opt-out";
  opt_out.phone = "+8613800138000";
  opt_out.channel = "sms";
  opt_out.reason = "replied TD";
  const json opt_out_wire = HeadOfficeRequestJson(opt_out);
  EXPECT_EQ(opt_out_wire, json({{"kind", "opt-out"},
                                {"phone", "+8613800138000"},
                                {"customer_id", ""},
                                {"channel", "sms"},
                                {"reason", "replied TD"}}));
  EXPECT_EQ(HeadOfficeRequestJson(ParseHeadOfficeRequest(opt_out_wire).value()), opt_out_wire);

  HeadOfficeRequest holidays;
  holidays.kind = "holidays";
  holidays.calendar = R"({"holidays":[{"date":"2026-10-01","name":"国庆节"}]})";
  const json holidays_wire = HeadOfficeRequestJson(holidays);
  EXPECT_EQ(holidays_wire, json({{"kind", "holidays"}, {"calendar", holidays.calendar}}));
  EXPECT_EQ(ParseHeadOfficeRequest(holidays_wire)->calendar, holidays.calendar);

  // Each refuses, naming it, the field it cannot do without.
  for (const auto& [wire, field] :
       std::vector<std::pair<json, std::string>>{{invite_wire, "customer_id"},
                                                 {invite_wire, "date"},
                                                 {invite_wire, "service"},
                                                 {invite_wire, "channel"},
                                                 {opt_out_wire, "phone"},
                                                 {opt_out_wire, "channel"},
                                                 {holidays_wire, "calendar"}}) {
    json missing = wire;
    missing.erase(field);
    auto parsed = ParseHeadOfficeRequest(missing);
    ASSERT_FALSE(parsed.ok()) << field;
    EXPECT_EQ(parsed.status().message(), "request: " + field + ": required for a " +
                                             wire["kind"].get<std::string>() + " request")
        << parsed.status().message();
  }
}

TEST(HeadOfficeRequestModelTest, AStoreOfTodayReadsKeysItDoesNotKnow) {
  // A later head office may add keys to a kind: a store reads the request
  // and ignores them, so a kind it does not know is refused as such.
  auto newer = ParseHeadOfficeRequest(
      {{"kind", "invite-v2"}, {"customer_id", "c-1"}, {"offer", {{"discount", 10}}}});
  ASSERT_TRUE(newer.ok()) << newer.status().ToString();
  EXPECT_EQ(newer->kind, "invite-v2");
  EXPECT_EQ(newer->customer_id, "c-1");
}

TEST(HeadOfficeRequestModelTest, EachBadFieldIsNamed) {
  const json good = {{"kind", "reschedule"}, {"booking_id", "b-1"},  {"booking_ref", "r"},
                     {"reason", ""},         {"date", "2026-11-25"}, {"slot", "10:00"}};
  for (const char* field :
       {"kind",    "phone",       "name",         "plate",       "service",    "notes",
        "date",    "slot",        "booking_id",   "booking_ref", "case_id",    "case_ref",
        "reason",  "staff",       "requested_at", "customer_id", "vehicle_id", "due_by",
        "channel", "invite_date", "calendar"}) {
    json bad = good;
    bad[field] = 5;
    auto parsed = ParseHeadOfficeRequest(bad);
    ASSERT_FALSE(parsed.ok()) << field;
    EXPECT_NE(parsed.status().message().find(std::string("request: ") + field + ":"),
              std::string::npos)
        << parsed.status().message();
  }
  for (const char* field : {"booking_id", "date", "slot"}) {
    json missing = good;
    missing.erase(field);
    auto parsed = ParseHeadOfficeRequest(missing);
    ASSERT_FALSE(parsed.ok()) << field;
    EXPECT_NE(parsed.status().message().find(std::string("request: ") + field + ": required"),
              std::string::npos)
        << parsed.status().message();
  }
  EXPECT_FALSE(ParseHeadOfficeRequest({{"kind", "resolve-case"}}).ok());
  EXPECT_FALSE(ParseHeadOfficeRequest(json("text")).ok());
}

}  // namespace
}  // namespace outpost::model

namespace outpost::model {
namespace {

TEST(RequestAnswerModelTest, RoundTripAndBadFieldsNamed) {
  RequestAnswer answer{7, "book", "booked", "already booked (261125-3)", "t", "b-1"};
  const nlohmann::json fields = RequestAnswerFields(answer);
  auto back = ParseRequestAnswer(fields);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(RequestAnswerFields(back.value()), fields);
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"hub_request_seq", "7"},
                                                           {"kind", 1},
                                                           {"outcome", "maybe"},
                                                           {"reason", false},
                                                           {"received_at", nullptr},
                                                           {"booking_id", 2}}) {
    nlohmann::json bad = fields;
    bad[field] = value;
    auto parsed = ParseRequestAnswer(bad);
    ASSERT_FALSE(parsed.ok()) << field;
    EXPECT_EQ(parsed.status().message().rfind("request answer: " + field + ":", 0), 0u)
        << parsed.status().message();
  }
}

}  // namespace
}  // namespace outpost::model

namespace outpost::model {
namespace {

// An "invite" may say head office made the contact itself; only its known outcomes.
TEST(HeadOfficeRequestModelTest, AnInviteCarriesHeadOfficesOwnOutcome) {
  HeadOfficeRequest r;
  r.kind = "invite";
  r.customer_id = "C1";
  r.date = "2026-11-13";
  r.service = "maintenance";
  r.channel = "sms";
  r.outcome = "sent";
  const nlohmann::json json = HeadOfficeRequestJson(r);
  EXPECT_EQ(json["outcome"], "sent");
  auto back = ParseHeadOfficeRequest(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->outcome, "sent");
  r.outcome.clear();
  EXPECT_FALSE(HeadOfficeRequestJson(r).contains("outcome"));  // the store makes it
  nlohmann::json bad = json;
  bad["outcome"] = "maybe";
  auto refused = ParseHeadOfficeRequest(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(
                "outcome: 'maybe' is not sent, booked, declined or unreachable"),
            std::string::npos)
      << refused.status().ToString();
}

TEST(HeadOfficeRequestModelTest, TaskAttemptCarriesTheTaskAndTheCall) {
  HeadOfficeRequest r;
  r.kind = "task-attempt";
  r.task_id = "T-0123456789abcdef0123";
  TaskAttempt a;
  a.at = "2026-11-26T02:00:00.000Z";
  a.staff = "CR Zhou";
  a.result = "reached";
  a.satisfied = false;
  a.items = {"price"};
  a.site = kHeadOfficeSite;
  r.attempt = a;
  r.staff = "CR Zhou";
  const json wire = HeadOfficeRequestJson(r);
  EXPECT_EQ(wire["task_id"], "T-0123456789abcdef0123");
  EXPECT_EQ(wire["attempt"], TaskAttemptJson(a));
  auto back = ParseHeadOfficeRequest(wire);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_TRUE(back->attempt.has_value());
  EXPECT_EQ(*back->attempt, a);
  EXPECT_EQ(HeadOfficeRequestJson(back.value()), wire);

  json no_attempt = wire;
  no_attempt.erase("attempt");
  auto missing = ParseHeadOfficeRequest(no_attempt);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("attempt: required for a task-attempt request"),
            std::string::npos)
      << missing.status().ToString();
  json busy_with_answers = wire;
  busy_with_answers["attempt"]["result"] = "busy";
  auto bad = ParseHeadOfficeRequest(busy_with_answers);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("satisfied: 'no' given for a call that was busy"),
            std::string::npos)
      << bad.status().ToString();
  json no_task = wire;
  no_task["task_id"] = "";
  EXPECT_FALSE(ParseHeadOfficeRequest(no_task).ok());
}

}  // namespace
}  // namespace outpost::model
