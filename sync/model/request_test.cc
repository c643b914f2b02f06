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

TEST(HeadOfficeRequestModelTest, EachBadFieldIsNamed) {
  const json good = {{"kind", "reschedule"}, {"booking_id", "b-1"},  {"booking_ref", "r"},
                     {"reason", ""},         {"date", "2026-11-25"}, {"slot", "10:00"}};
  for (const char* field :
       {"kind", "phone", "name", "plate", "service", "notes", "date", "slot", "booking_id",
        "booking_ref", "case_id", "case_ref", "reason", "staff", "requested_at"}) {
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
