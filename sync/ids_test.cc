#include "sync/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace outpost {
namespace {

TEST(IdsTest, IdsAreTimeOrderedVersion7AndNeverRepeat) {
  std::set<std::string> seen;
  std::string previous;
  for (int64_t ms = 1'795'000'000'000; ms < 1'795'000'001'000; ++ms) {
    for (int k = 0; k < 10; ++k) {
      const std::string id = NewIdAt(ms);
      ASSERT_TRUE(LooksLikeId(id)) << id;
      EXPECT_EQ(id[14], '7');
      EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
      EXPECT_TRUE(seen.insert(id).second) << "repeated " << id;
      if (k == 0) {
        EXPECT_LT(previous, id);  // a later millisecond sorts after: the hub's tables grow at one end
        previous = id;
      }
    }
  }
  // The milliseconds lead, big-endian: 1795000000000 is 0x1a1ee565e00.
  EXPECT_EQ(NewIdAt(1'795'000'000'000).substr(0, 13), "01a1ee56-5e00");
}

TEST(IdsTest, ShortIdsDifferWhereTheStartsAreAlike) {
  // Minted in the same millisecond: the same first 12 digits, as in a busy
  // minute at the desk; what staff are shown must still tell them apart.
  const std::string a = NewIdAt(1'795'000'000'000), b = NewIdAt(1'795'000'000'000);
  EXPECT_EQ(a.substr(0, 8), b.substr(0, 8));
  EXPECT_EQ(ShortId(a), a.substr(28));
  EXPECT_NE(ShortId(a), ShortId(b));
}

}  // namespace
}  // namespace outpost
