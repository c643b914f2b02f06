#include "sync/ids.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

namespace outpost {
namespace {

TEST(IdsTest, IdsAreVersion8OrderedByTimeWithinAStoreAndNeverRepeat) {
  std::set<std::string> seen;
  std::string previous;
  for (int64_t ms = 1'795'000'000'000; ms < 1'795'000'001'000; ++ms) {
    for (int k = 0; k < 10; ++k) {
      const std::string id = NewIdAt("DLR-SH-01", ms);
      ASSERT_TRUE(LooksLikeId(id)) << id;
      EXPECT_EQ(id[14], '8');
      EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
      EXPECT_TRUE(seen.insert(id).second) << "repeated " << id;
      if (k == 0) {
        EXPECT_LT(previous, id);  // a later millisecond sorts after: the store's end of a table
        previous = id;
      }
    }
  }
  // Every bit of the milliseconds is kept, in order: one millisecond apart at
  // each of the 48 bits still sorts.
  for (int bit = 0; bit < 48; ++bit) {
    const int64_t base = int64_t{1} << bit;
    EXPECT_LT(NewIdAt("DLR-SH-01", base - 1), NewIdAt("DLR-SH-01", base)) << "bit " << bit;
  }
}

TEST(IdsTest, EachStoresIdsSortTogetherWhateverTheirTime) {
  // Stores minting over the same seconds (a day of trading, or a backlog sent
  // after an outage) must not interleave: each store's batch at the hub then
  // lands at that store's end of the tables keyed by id.
  std::vector<std::pair<std::string, std::string>> ids;  // id, site
  for (int64_t ms = 1'795'000'000'000; ms < 1'795'000'000'100; ++ms) {
    for (const char* site : {"DLR-SH-01", "DLR-SH-02", "DLR-BJ-01"}) {
      ids.emplace_back(NewIdAt(site, ms), site);
    }
  }
  std::sort(ids.begin(), ids.end());
  int runs = 1;
  for (size_t i = 1; i < ids.size(); ++i) runs += ids[i].second != ids[i - 1].second;
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(NewIdAt("DLR-SH-01", 5).substr(0, 8),
            NewIdAt("DLR-SH-01", 1'795'000'000'000).substr(0, 8));
  EXPECT_NE(NewIdAt("DLR-SH-01", 5).substr(0, 8), NewIdAt("DLR-SH-02", 5).substr(0, 8));
}

TEST(IdsTest, ShortIdsDifferWhereTheStartsAreAlike) {
  // Minted at one store in the same millisecond: the same first 23 characters,
  // as in a busy minute at the desk; what staff are shown must still tell them apart.
  const std::string a = NewIdAt("DLR-SH-01", 1'795'000'000'000);
  const std::string b = NewIdAt("DLR-SH-01", 1'795'000'000'000);
  EXPECT_EQ(a.substr(0, 23), b.substr(0, 23));
  EXPECT_EQ(ShortId(a), a.substr(28));
  EXPECT_NE(ShortId(a), ShortId(b));
}

}  // namespace
}  // namespace outpost
