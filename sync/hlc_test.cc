#include "sync/hlc.h"

#include <gtest/gtest.h>

namespace outpost {
namespace {

TEST(HlcTest, FollowsWallTimeWhenItMovesForward) {
  EXPECT_EQ(HlcNext(MakeHlc(1000, 5), 2000), MakeHlc(2000, 0));
}

TEST(HlcTest, NeverGoesBackwardsWhenTheWallClockDoes) {
  Hlc last = MakeHlc(5000, 0);
  Hlc next = HlcNext(last, 1000);  // clock stepped back by 4 s
  EXPECT_GT(next, last);
  EXPECT_EQ(HlcWallMs(next), 5000);
  EXPECT_EQ(HlcLogical(next), 1u);
}

TEST(HlcTest, OrdersAfterWhatItReceivedFromASkewedSite) {
  // A remote site whose clock is two hours ahead.
  Hlc remote = MakeHlc(7'200'000 + 1000, 3);
  Hlc local = HlcMerge(MakeHlc(900, 0), remote, 1000);
  EXPECT_GT(local, remote);
  EXPECT_GT(HlcNext(local, 1001), local);
}

TEST(HlcTest, LogicalCounterCarriesIntoTheNextMillisecond) {
  Hlc full = MakeHlc(1000, 0xffff);
  EXPECT_EQ(HlcNext(full, 1000), MakeHlc(1001, 0));
}

TEST(HlcTest, FormatsForPeople) {
  EXPECT_EQ(FormatHlc(MakeHlc(0, 7)), "1970-01-01T00:00:00.000Z+7");
}

}  // namespace
}  // namespace outpost
