#include "sync/lifecycle.h"

#include <array>
#include <string>

#include "sync/i18n/messages.h"

namespace outpost {
namespace {

constexpr std::array<std::string_view, 8> kStatusNames = {"requested",  "confirmed",  "checked-in",
                                                          "in-service", "completed",  "cancelled",
                                                          "no-show",    "rescheduled"};

constexpr std::array<std::string_view, 6> kChannelNames = {"phone",   "wechat",      "online",
                                                           "walk-in", "call-centre", "paper"};

}  // namespace

std::string_view BookingStatusName(BookingStatus status) {
  return kStatusNames[static_cast<size_t>(status)];
}

Result<BookingStatus> ParseBookingStatus(std::string_view name) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<BookingStatus>(i);
  }
  return Status::InvalidInput("status: '" + std::string(name) + "' is not a booking status")
      .WithShown(i18n::Format("status: '{0}' is not a booking status", {name}));
}

bool VisitHappened(BookingStatus status) {
  return status == BookingStatus::kCheckedIn || status == BookingStatus::kInService ||
         status == BookingStatus::kCompleted;
}

bool HoldsPlace(BookingStatus status) {
  switch (status) {
    case BookingStatus::kRequested:
    case BookingStatus::kConfirmed:
    case BookingStatus::kCheckedIn:
    case BookingStatus::kInService:
    case BookingStatus::kCompleted:
      return true;
    default:
      return false;
  }
}

bool IsFinal(BookingStatus status) {
  switch (status) {
    case BookingStatus::kCompleted:
    case BookingStatus::kCancelled:
    case BookingStatus::kNoShow:
    case BookingStatus::kRescheduled:
      return true;
    default:
      return false;
  }
}

Status CheckTransition(BookingStatus from, BookingStatus to) {
  using S = BookingStatus;
  bool allowed = false;
  switch (from) {
    case S::kRequested:
      allowed = to == S::kConfirmed || to == S::kCheckedIn || to == S::kCancelled ||
                to == S::kNoShow || to == S::kRescheduled;
      break;
    case S::kConfirmed:
      allowed =
          to == S::kCheckedIn || to == S::kCancelled || to == S::kNoShow || to == S::kRescheduled;
      break;
    case S::kCheckedIn:
      allowed = to == S::kInService || to == S::kCancelled;
      break;
    case S::kInService:
      allowed = to == S::kCompleted;
      break;
    default:
      break;
  }
  if (allowed) return Status::Ok();
  return Status::Refused("cannot go from '" + std::string(BookingStatusName(from)) + "' to '" +
                         std::string(BookingStatusName(to)) + "'")
      .WithShown(i18n::Format("cannot go from '{0}' to '{1}'",
                              {BookingStatusName(from), BookingStatusName(to)}));
}

std::string_view ChannelName(Channel channel) {
  return kChannelNames[static_cast<size_t>(channel)];
}

Result<Channel> ParseChannel(std::string_view name) {
  for (size_t i = 0; i < kChannelNames.size(); ++i) {
    if (kChannelNames[i] == name) return static_cast<Channel>(i);
  }
  return Status::InvalidInput("channel: '" + std::string(name) +
                              "' is not one of phone, wechat, online, walk-in, call-centre, paper")
      .WithShown(i18n::Format(
          "channel: '{0}' is not one of phone, wechat, online, walk-in, call-centre, paper",
          {name}));
}

}  // namespace outpost
