// The profile body the hub wrote for store S1 before the profile had a codec
// (sync/model/profile.h), from the sample view of hub/profiles_test.cc: the
// codec's tests (sync/model/profile_test.cc) and the hub's builder test hold
// it, byte for byte. And the same profile with the segment head office
// computed (issue 17): the one key "segment", sorted in between "records" and
// "stores", everything else the bytes above. Test data only.
#pragma once

namespace outpost::model {

// Up to and including "records" (the keys sort: a "segment" comes next).
#define OUTPOST_PROFILE_GOLDEN_HEAD                                                \
  R"({"bookings":[{"channel":"phone","ref":"261124-3","service":"maintenance",)"   \
  R"("slot":"2026-11-30 10:00","status":"confirmed","store_id":"S1"},)"            \
  R"({"channel":"phone","ref":"261124-3","service":"maintenance",)"                \
  R"("slot":"2026-11-20 09:30","status":"completed","store_id":"S2"},)"            \
  R"({"channel":"phone","ref":"261124-3","service":"maintenance",)"                \
  R"("slot":"2026-11-01 11:00","status":"no-show","store_id":"S1"}],)"             \
  R"("bookings_total":3,"consent":{"channels":{"call":{"at":"",)"                  \
  R"("choice":"not-asked","site":"","staff":""},)"                                 \
  R"("sms":{"at":"2026-11-23T01:00:00.000Z","choice":"opted-out","site":"S2",)"    \
  R"("staff":"SA Li"},"wechat":{"at":"2026-11-22T08:00:00.000Z",)"                 \
  R"("choice":"opted-in","site":"S1","staff":"SA Zhang"}},"contact_opt_in":true,)" \
  R"("do_not_disturb":false},"here":["c-1"],"records":[{"member_id":null,)"        \
  R"("name":"王伟","record_id":"c-1","store_id":"S1"},{"member_id":"M-9",)"      \
  R"("name":"王伟","record_id":"c-2","store_id":"S2"}],)"
// From "stores" to the end.
#define OUTPOST_PROFILE_GOLDEN_TAIL                                                       \
  R"("stores":2,"unified_id":"u-1","vehicles":[{"mileage_km":42000,"plate":"沪A12345",)" \
  R"("store_id":"S1","vin":null},{"mileage_km":null,"plate":null,"store_id":"S2",)"       \
  R"("vin":"LSVAB4187E2100001"}],"visits":{"count":1,"last":"2026-11-20 09:30",)"         \
  R"("last_store":"S2"}})"

constexpr const char* kProfileGoldenAtS1 = OUTPOST_PROFILE_GOLDEN_HEAD OUTPOST_PROFILE_GOLDEN_TAIL;

constexpr const char* kProfileGoldenWithSegmentAtS1 = OUTPOST_PROFILE_GOLDEN_HEAD
    R"("segment":{"frequency_score":1,"frequency_tier":"low","lifecycle":"new",)"
    R"("monetary_score":2,"recency_score":5,"value_tier":"new"},)" OUTPOST_PROFILE_GOLDEN_TAIL;

#undef OUTPOST_PROFILE_GOLDEN_HEAD
#undef OUTPOST_PROFILE_GOLDEN_TAIL

}  // namespace outpost::model
