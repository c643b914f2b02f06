// The booking lifecycle, shared by every site so all of them agree on it.
//
//   requested -> confirmed -> checked-in -> in-service -> completed
//   requested | confirmed -> cancelled (reason required), no-show, rescheduled
//   requested -> checked-in (customer arrived before the confirmation call)
//   checked-in -> cancelled (customer left before service; reason required)
// completed, cancelled, no-show and rescheduled are final. Pure functions.
#pragma once

#include <string_view>

#include "sync/status.h"

namespace outpost {

enum class BookingStatus {
  kRequested,
  kConfirmed,
  kCheckedIn,
  kInService,
  kCompleted,
  kCancelled,
  kNoShow,
  kRescheduled,
};

// "requested", "confirmed", "checked-in", "in-service", "completed",
// "cancelled", "no-show", "rescheduled": the stored and displayed names.
std::string_view BookingStatusName(BookingStatus status);
Result<BookingStatus> ParseBookingStatus(std::string_view name);

// A booking in one of these states holds a place in its slot.
bool HoldsPlace(BookingStatus status);
bool IsFinal(BookingStatus status);
// The visit happened: the customer came (checked in, in service or completed).
// Such a booking keeps its place whatever else is true, and counts as a visit.
bool VisitHappened(BookingStatus status);

// Ok, or Refused naming both states: "cannot go from 'completed' to 'cancelled'".
Status CheckTransition(BookingStatus from, BookingStatus to);

enum class Channel { kPhone, kWeChat, kOnline, kWalkIn, kCallCentre, kPaper };

// "phone", "wechat", "online", "walk-in", "call-centre", "paper".
std::string_view ChannelName(Channel channel);
Result<Channel> ParseChannel(std::string_view name);

}  // namespace outpost
