#include "sync/lifecycle.h"

#include <gtest/gtest.h>

namespace outpost {
namespace {

using S = BookingStatus;

TEST(LifecycleTest, TheHappyPathIsAllowed) {
  EXPECT_TRUE(CheckTransition(S::kRequested, S::kConfirmed).ok());
  EXPECT_TRUE(CheckTransition(S::kConfirmed, S::kCheckedIn).ok());
  EXPECT_TRUE(CheckTransition(S::kCheckedIn, S::kInService).ok());
  EXPECT_TRUE(CheckTransition(S::kInService, S::kCompleted).ok());
  EXPECT_TRUE(CheckTransition(S::kRequested, S::kCheckedIn).ok());
  EXPECT_TRUE(CheckTransition(S::kConfirmed, S::kRescheduled).ok());
  EXPECT_TRUE(CheckTransition(S::kConfirmed, S::kNoShow).ok());
}

TEST(LifecycleTest, FinalStatesGoNowhereAndTheErrorNamesBothStates) {
  for (S from : {S::kCompleted, S::kCancelled, S::kNoShow, S::kRescheduled}) {
    EXPECT_TRUE(IsFinal(from));
    for (int to = 0; to <= static_cast<int>(S::kRescheduled); ++to) {
      EXPECT_FALSE(CheckTransition(from, static_cast<S>(to)).ok());
    }
  }
  Status st = CheckTransition(S::kCompleted, S::kCancelled);
  EXPECT_EQ(st.code(), StatusCode::kRefused);
  EXPECT_EQ(st.message(), "cannot go from 'completed' to 'cancelled'");
  EXPECT_FALSE(CheckTransition(S::kInService, S::kNoShow).ok());
  EXPECT_FALSE(CheckTransition(S::kRequested, S::kCompleted).ok());
}

TEST(LifecycleTest, OnlyLiveAndServedBookingsHoldPlaces) {
  EXPECT_TRUE(HoldsPlace(S::kRequested));
  EXPECT_TRUE(HoldsPlace(S::kCompleted));
  EXPECT_FALSE(HoldsPlace(S::kCancelled));
  EXPECT_FALSE(HoldsPlace(S::kNoShow));
  EXPECT_FALSE(HoldsPlace(S::kRescheduled));
}

TEST(LifecycleTest, AVisitHappenedOnceTheCustomerCame) {
  for (S s : {S::kCheckedIn, S::kInService, S::kCompleted}) EXPECT_TRUE(VisitHappened(s));
  for (S s : {S::kRequested, S::kConfirmed, S::kCancelled, S::kNoShow, S::kRescheduled}) {
    EXPECT_FALSE(VisitHappened(s));
  }
}

TEST(LifecycleTest, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(S::kRescheduled); ++i) {
    auto s = static_cast<S>(i);
    EXPECT_EQ(ParseBookingStatus(BookingStatusName(s)).value(), s);
  }
  EXPECT_EQ(ParseChannel("call-centre").value(), Channel::kCallCentre);
  EXPECT_FALSE(ParseChannel("fax").ok());
}

}  // namespace
}  // namespace outpost
