// The profile body a store receives (hub/profiles.h), byte for byte: stores
// and hubs of older versions exchange it, and the hub resends a profile
// whose bytes (digest) change, so its JSON text is a format, not a detail.
#include "hub/profiles.h"

#include <gtest/gtest.h>

#include "sync/model/profile_golden.h"

namespace outpost::hub {
namespace {

using nlohmann::json;

// Two records (S1, S2), a vehicle at each, three bookings, a visit at S2,
// consent stated on two channels.
UnifiedView SampleView() {
  UnifiedView v;
  v.unified_id = "u-1";
  StoreRecord s1;
  s1.record_id = "c-1";
  s1.site_id = "S1";
  s1.name = "王伟";
  StoreRecord s2 = s1;
  s2.record_id = "c-2";
  s2.site_id = "S2";
  s2.member_id = "M-9";
  v.records = {s1, s2};
  v.vehicles = json::array({{{"id", "v-1"},
                             {"site", "S1"},
                             {"record", "c-1"},
                             {"plate", "沪A12345"},
                             {"vin", nullptr},
                             {"mileage_km", 42000}},
                            {{"id", "v-2"},
                             {"site", "S2"},
                             {"record", "c-2"},
                             {"plate", nullptr},
                             {"vin", "LSVAB4187E2100001"},
                             {"mileage_km", nullptr}}});
  auto booking = [](const char* id, const char* site, const char* slot, const char* status) {
    return json{{"id", id},
                {"site", site},
                {"record", "c-1"},
                {"ref", "261124-3"},
                {"slot", slot},
                {"status", status},
                {"channel", "phone"},
                {"service", "maintenance"},
                {"needs_reschedule", false}};
  };
  v.bookings = json::array({booking("b-3", "S1", "2026-11-30 10:00", "confirmed"),
                            booking("b-2", "S2", "2026-11-20 09:30", "completed"),
                            booking("b-1", "S1", "2026-11-01 11:00", "no-show")});
  v.consent.contact_opt_in = true;
  v.consent.channels[static_cast<int>(ContactChannel::kSms)] = {
      ContactChoice::kOptedOut, "2026-11-23T01:00:00.000Z", "S2", "SA Li", {}};
  v.consent.channels[static_cast<int>(ContactChannel::kWeChat)] = {
      ContactChoice::kOptedIn, "2026-11-22T08:00:00.000Z", "S1", "SA Zhang", {}};
  return v;
}

TEST(ProfileBodyTest, IsByteForByteTheFormatStoresHold) {
  EXPECT_EQ(model::ProfileJson(ProfileOf(SampleView(), "S1")).dump(), model::kProfileGoldenAtS1);
}

// With the segment head office computed (hub/segments.h): one more key, the
// rest the same bytes.
TEST(ProfileBodyTest, WithASegmentIsTheGoldenWithTheSegmentKey) {
  const model::ProfileSegment segment{"new", "low", "new", 5, 1, 2};
  EXPECT_EQ(model::ProfileJson(ProfileOf(SampleView(), "S1", segment)).dump(),
            model::kProfileGoldenWithSegmentAtS1);
}

}  // namespace
}  // namespace outpost::hub
