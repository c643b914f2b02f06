#include "sync/model/case.h"

#include <gtest/gtest.h>

namespace outpost::model {
namespace {

using nlohmann::json;

Case Sample() {
  Case c;
  c.id = "k-1";
  c.ref = "C-261124-1";
  c.store_id = "S1";
  c.kind = "over-capacity";
  c.slot_date = "2026-11-24";
  c.slot_time = "10:00";
  c.booking_ids = {"b-1", "b-2"};
  c.contacts = {{"c-1", "王伟", "+8613800138000", "261124-3", "lost the place"}};
  c.summary = "slot has 3 bookings for 2 places";
  c.source = "call-centre request 4";
  c.opened_at = "2026-11-23T01:00:00.000Z";
  c.status = "open";
  c.hub_request_seq = 4;
  c.hub_request_kind = "reschedule";
  return c;
}

TEST(CaseModelTest, RoundTrip) {
  const json fields = CaseInsertFields(Sample());
  EXPECT_FALSE(fields.contains("opened_by")) << "the change's staff, not a field";
  auto back = ParseCase("k-1", fields);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(CaseInsertFields(back.value()), fields);
  EXPECT_EQ(back->contacts[0].booking_ref, "261124-3");

  CaseUpdate u;
  u.status = "resolved";
  u.resolved_at = "t";
  u.resolved_by = "SA Zhang";
  u.resolution = "called";
  u.hub_request_seq = 9;
  const json update = CaseUpdateFields(u);
  EXPECT_EQ(update.size(), 5u);
  EXPECT_EQ(CaseUpdateFields(ParseCaseUpdate(update).value()), update);
}

TEST(CaseModelTest, EachBadFieldIsNamed) {
  const json good = CaseInsertFields(Sample());
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, json>>{{"ref", 1},
                                                 {"store_id", nullptr},
                                                 {"kind", false},
                                                 {"slot_date", 2},
                                                 {"slot_time", 3},
                                                 {"booking_ids", "b-1"},
                                                 {"contacts", "call him"},
                                                 {"summary", nullptr},
                                                 {"source", 4},
                                                 {"opened_at", 5},
                                                 {"status", "pending"},
                                                 {"resolved_at", 6},
                                                 {"resolved_by", 7},
                                                 {"resolution", 8},
                                                 {"hub_request_seq", "4"},
                                                 {"hub_request_kind", 9}}) {
    json bad = good;
    bad[field] = value;
    auto parsed = ParseCase("k", bad);
    ASSERT_FALSE(parsed.ok()) << field;
    EXPECT_EQ(parsed.status().message().rfind("case: " + field + ":", 0), 0u)
        << parsed.status().message();
  }
  json bad_contact = good;
  bad_contact["contacts"][0]["phone"] = 138;
  EXPECT_EQ(ParseCase("k", bad_contact).status().message().rfind("case contact: phone:", 0), 0u);
}

}  // namespace
}  // namespace outpost::model
