// The stores table and one store's page (docs/WEB.md, "Pages"): each store's
// sync state with its clock skew in words, and a store's own page with its
// state, the call-centre requests it took or refused, and its day as head
// office last heard of it (hub/queries/board.h). Names are masked unless the
// reader's role may see them. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/queries/board.h"
#include "hub/queries/requests.h"
#include "hub/queries/stores.h"
#include "hub/web/html.h"

namespace outpost::hub::web {

// Within this the store's clock is "in step"; beyond kClockSkewLargeMs it is
// highlighted (bookings stamped minutes off confuse the desk and the hub).
inline constexpr int64_t kClockInStepMs = 5'000;
inline constexpr int64_t kClockSkewLargeMs = int64_t{2} * 60'000;

// "快 2 分钟 / 2 min ahead", "一致 / in step", "未知 / unknown" (no hello said it).
std::string ClockSkewText(Lang lang, std::optional<int64_t> skew_ms);
bool ClockSkewLarge(std::optional<int64_t> skew_ms);
// "3 分钟前 / 3 min ago" for a UTC text, from `now_ms`.
std::string AgoText(Lang lang, int64_t now_ms, const std::string& utc);

std::string StoresTableHtml(Lang lang, int64_t now_ms,
                            const std::vector<queries::StoreState>& stores);

struct StorePage {
  queries::StoreState store;
  std::vector<queries::RequestOutcome> requests;  // oldest first
  std::string date;                               // the day asked or shown, YYYY-MM-DD
  std::optional<queries::HubBoard> board;         // unset: board_error says why
  std::string board_error;
  std::string date_error;  // the date field's refusal, shown next to it
  bool see_personal = false;
  int64_t now_ms = 0;
};
std::string StorePageHtml(Lang lang, const StorePage& page);

}  // namespace outpost::hub::web
