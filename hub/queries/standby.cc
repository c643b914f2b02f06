#include "hub/queries/standby.h"

namespace outpost::hub::queries {

Result<std::optional<storage::StandbyState>> ReadStandby(const HubReader& hub) {
  return hub.storage().Standby();
}

std::string StandbyLine(const storage::StandbyState& standby, const std::string& as_of) {
  std::string line = "读自备库 read from a standby: ";
  if (standby.caught_up) {
    line += "已追上主库 caught up with its primary";
  } else if (standby.lag_ms < 0) {
    line += "落后主库，时长未知 behind its primary by an unknown time";
  } else {
    line += "落后主库 " + std::to_string(standby.lag_ms / 1000) + " 秒 behind its primary by " +
            std::to_string(standby.lag_ms / 1000) + " s";
  }
  line += standby.replayed_at.empty()
              ? " (尚未重放 nothing replayed since it started)"
              : " (最近重放 last change replayed " + standby.replayed_at + ")";
  return as_of.empty() ? line : line + "; " + as_of;
}

}  // namespace outpost::hub::queries
