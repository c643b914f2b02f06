#include "sync/status.h"

#include <gtest/gtest.h>

namespace outpost {
namespace {

TEST(StatusTest, NamesNoFieldUnlessTold) {
  EXPECT_EQ(Status::Refused("slot 2026-11-24 10:00 is full").field(), "");
  EXPECT_EQ(Status::Ok().field(), "");
}

TEST(StatusTest, CarriesTheFieldItIsAbout) {
  const Status refused = Status::Refused("slot 2026-11-24 10:00 is full").WithField("slot");
  EXPECT_EQ(refused.field(), "slot");
  EXPECT_EQ(refused.code(), StatusCode::kRefused);
  // The field is not in the wording: every printed message stays as it was.
  EXPECT_EQ(refused.message(), "slot 2026-11-24 10:00 is full");
  EXPECT_EQ(refused.ToString(), "refused: slot 2026-11-24 10:00 is full");
  // Named again from a copy: the original keeps its own.
  const Status renamed = refused.WithField("date");
  EXPECT_EQ(renamed.field(), "date");
  EXPECT_EQ(refused.field(), "slot");
}

TEST(StatusTest, AnOkStatusNamesNoField) {
  const Status ok = Status::Ok().WithField("slot");
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.field(), "");
}

TEST(StatusTest, AResultsErrorCarriesTheField) {
  const Result<int> failed =
      WithField(Result<int>(Status::InvalidInput("phone: '1' is not a number")), "phone");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().field(), "phone");
  EXPECT_EQ(failed.status().ToString(), "invalid input: phone: '1' is not a number");
  const Result<int> fine = WithField(Result<int>(7), "phone");
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ(*fine, 7);
}

TEST(StatusTest, RETURN_IF_ERRORKeepsTheField) {
  auto inner = [] { return Status::Refused("store is closed on Sundays").WithField("date"); };
  auto outer = [&]() -> Status {
    RETURN_IF_ERROR(inner());
    return Status::Ok();
  };
  EXPECT_EQ(outer().field(), "date");
}

}  // namespace
}  // namespace outpost
