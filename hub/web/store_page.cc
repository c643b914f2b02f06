#include "hub/web/store_page.h"

#include <algorithm>
#include <cstdlib>

#include "hub/web/customer_pages.h"
#include "sync/clock.h"

namespace outpost::hub::web {
namespace {

constexpr int64_t kMinutesPerDay = int64_t{24} * 60;

// "online", "offline since 3 h ago", "denied (by: why)" in the page's language.
std::string StateText(Lang lang, int64_t now_ms, const queries::StoreState& s) {
  std::string text =
      s.reachability == queries::StoreReachability::kOnline   ? Say(lang, "在线", "online")
      : s.reachability == queries::StoreReachability::kDenied ? Say(lang, "已拒绝", "denied")
                                                              : Say(lang, "离线", "offline");
  if (s.reachability == queries::StoreReachability::kOffline) {
    text += s.last_contact ? std::string(" ") + Say(lang, "自 ", "since ") +
                                 AgoText(lang, now_ms, *s.last_contact)
                           : std::string(Say(lang, "（从未联系）", " (never heard from)"));
  }
  if (s.denied_at) text += " (" + s.denied_by + ": " + s.denied_reason + ")";
  return text;
}

std::string SkewCell(Lang lang, std::optional<int64_t> skew_ms) {
  return std::string("<td data-test=\"clock-skew\"") +
         (ClockSkewLarge(skew_ms) ? " class=\"skew-large\"" : "") + ">" +
         Escape(ClockSkewText(lang, skew_ms)) + "</td>";
}

std::string Row(const std::string& label, const std::string& value_html) {
  return "<tr><th>" + label + "</th><td>" + value_html + "</td></tr>";
}

std::string FactsTable(Lang lang, const StorePage& page) {
  const queries::StoreState& s = page.store;
  const char* state = queries::ReachabilityName(s.reachability);
  const std::string hash_short = s.last_hash.substr(0, 12);
  return std::string("<table class=\"facts\" data-test=\"store-facts\"><tbody>") +
         Row(Say(lang, "状态", "State"), "<span class=\"state-" + std::string(state) + "\">" +
                                             Escape(StateText(lang, page.now_ms, s)) + "</span>") +
         Row(Say(lang, "密钥", "Key id"), Escape(s.key_id)) +
         Row(Say(lang, "最后联系", "Last contact"),
             s.last_contact ? Escape(*s.last_contact + " (" +
                                     AgoText(lang, page.now_ms, *s.last_contact) + ")")
                            : "—") +
         Row(Say(lang, "最后一批", "Last batch"),
             s.last_batch_at ? Escape(*s.last_batch_at) : "—") +
         Row(Say(lang, "日志头（短）", "Log head (short)"),
             "<code>" + Escape(hash_short) + "</code>") +
         Row(Say(lang, "已应用至", "Applied to"), std::to_string(s.last_seq)) +
         Row(Say(lang, "门店报告至", "Reported seq"), std::to_string(s.reported_seq)) +
         Row(Say(lang, "待上传变更", "Changes waiting"), std::to_string(s.pending())) +
         Row(Say(lang, "重发的变更", "Resent changes"), std::to_string(s.resent_changes)) +
         "<tr><th>" + Say(lang, "时钟偏差", "Clock skew") + "</th>" +
         SkewCell(lang, s.clock_skew_ms) + "</tr>" +
         Row(Say(lang, "总部请求 已应用/拒绝/共", "Requests applied/refused/all"),
             std::to_string(s.applied_requests) + " / " + std::to_string(s.refused_requests) +
                 " / " + std::to_string(s.queued_requests)) +
         "</tbody></table>";
}

std::string RequestsTable(Lang lang, const std::vector<queries::RequestOutcome>& requests) {
  std::string html =
      std::string("<h2>") + Say(lang, "总部请求", "Head office's requests") +
      "</h2><table data-test=\"store-requests\"><thead><tr><th>#</th><th>" +
      Say(lang, "提交时间", "Queued") + "</th><th>" + Say(lang, "类型", "Kind") + "</th><th>" +
      Say(lang, "日期 时段", "Date slot") + "</th><th>" + Say(lang, "结果", "State") + "</th><th>" +
      Say(lang, "门店处理（原因）", "At the store (why)") + "</th></tr></thead><tbody>";
  for (const queries::RequestOutcome& r : requests) {
    html += "<tr><td>" + std::to_string(r.seq) + "</td><td>" + Escape(r.requested_at) +
            "</td><td>" + Escape(r.kind) + "</td><td>" +
            Escape(r.request.value("date", std::string()) + " " +
                   r.request.value("slot", std::string())) +
            "</td><td class=\"request-" + Escape(r.state) + "\">" + Escape(r.state) + "</td><td>" +
            Escape(r.outcome) + "</td></tr>";
  }
  if (requests.empty()) {
    html += std::string("<tr><td colspan=\"6\" class=\"muted\">") + Say(lang, "无", "none") +
            "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string DayForm(Lang lang, const StorePage& page) {
  std::string html =
      "<form method=\"get\" action=\"/store\" class=\"search\"><input "
      "type=\"hidden\" name=\"id\" value=\"" +
      Escape(page.store.site_id) + "\"><label>" + Say(lang, "日期", "Date") +
      " <input type=\"date\" name=\"date\" value=\"" + Escape(page.date) + "\"></label>";
  if (!page.date_error.empty()) {
    html += "<p class=\"error\" data-test=\"error-date\">" + Escape(page.date_error) + "</p>";
  }
  return html + "<button type=\"submit\">" + Say(lang, "查看", "Show") + "</button></form>";
}

std::string BoardTable(Lang lang, const queries::HubBoard& board, bool see_personal) {
  std::string html;
  if (board.closed) {
    html += "<p class=\"muted\" data-test=\"closed\">" +
            Escape(std::string(Say(lang, "当日不营业：", "Closed that day: ")) + *board.closed) +
            "</p>";
  }
  html += std::string("<table data-test=\"board\"><thead><tr><th>") + Say(lang, "时段", "Slot") +
          "</th><th>" + Say(lang, "已占/容量", "Taken/capacity") + "</th><th>" +
          Say(lang, "预约", "Bookings") + "</th></tr></thead><tbody>";
  for (const queries::HubBoardSlot& slot : board.slots) {
    std::string bookings;
    for (const queries::HubBoardBooking& b : slot.bookings) {
      bookings += (bookings.empty() ? "" : "<br>") +
                  Escape(b.ref + " " + (see_personal ? b.customer : MaskedName(b.customer)) +
                         " · " + b.status + " · " + b.channel) +
                  (b.needs_reschedule ? std::string(" <span class=\"error\">") +
                                            Say(lang, "需改期", "needs a new time") + "</span>"
                                      : std::string());
    }
    html += "<tr><td>" + Escape(slot.time) + "</td><td" +
            (slot.taken >= slot.capacity ? " class=\"slot-full\"" : "") + ">" +
            std::to_string(slot.taken) + " / " + std::to_string(slot.capacity) + "</td><td>" +
            (bookings.empty() ? "—" : bookings) + "</td></tr>";
  }
  if (board.slots.empty()) {
    html += std::string("<tr><td colspan=\"3\" class=\"muted\">") +
            Say(lang, "无时段", "no slots") + "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string DaySection(Lang lang, const StorePage& page) {
  std::string html = std::string("<h2>") + Say(lang, "门店的一天", "The store's day") + " " +
                     Escape(page.date) + "</h2>" + DayForm(lang, page);
  const auto& contact = page.store.last_contact;
  html += "<p class=\"muted\" data-test=\"as-of\">" +
          (contact ? Escape(std::string(Say(lang, "截至最后联系 ", "as of last contact ")) +
                            *contact + " (" + AgoText(lang, page.now_ms, *contact) + ")")
                   : std::string(Say(lang, "从未联系：总部没有该店的数据",
                                     "never heard from: head office holds nothing of it"))) +
          "</p>";
  if (!page.board) {
    if (!page.board_error.empty()) {
      html += "<p class=\"muted\" data-test=\"board-missing\">" + Escape(page.board_error) + "</p>";
    }
    return html;
  }
  return html + BoardTable(lang, *page.board, page.see_personal);
}

}  // namespace

std::string ClockSkewText(Lang lang, std::optional<int64_t> skew_ms) {
  if (!skew_ms) return Say(lang, "未知", "unknown");
  const int64_t size = std::llabs(*skew_ms);
  if (size <= kClockInStepMs) return Say(lang, "一致", "in step");
  const bool ahead = *skew_ms > 0;
  std::string zh;
  std::string en;
  if (size < 120'000) {
    zh = std::to_string(size / 1000) + " 秒";
    en = std::to_string(size / 1000) + " s";
  } else if (size < int64_t{120} * 60'000) {
    zh = std::to_string(size / 60'000) + " 分钟";
    en = std::to_string(size / 60'000) + " min";
  } else if (size < kMinutesPerDay * 2 * 60'000) {
    zh = std::to_string(size / 3'600'000) + " 小时";
    en = std::to_string(size / 3'600'000) + " h";
  } else {
    zh = std::to_string(size / (kMinutesPerDay * 60'000)) + " 天";
    en = std::to_string(size / (kMinutesPerDay * 60'000)) + " days";
  }
  return lang == Lang::kZh ? (ahead ? "快 " : "慢 ") + zh : en + (ahead ? " ahead" : " behind");
}

bool ClockSkewLarge(std::optional<int64_t> skew_ms) {
  return skew_ms && std::llabs(*skew_ms) > kClockSkewLargeMs;
}

std::string AgoText(Lang lang, int64_t now_ms, const std::string& utc) {
  auto at = ParseUtcMs(utc);
  if (!at.ok()) return utc;
  const int64_t minutes = std::max<int64_t>(0, (now_ms - at.value()) / 60'000);
  std::string n;
  if (minutes < 1) return Say(lang, "刚刚", "just now");
  if (minutes < 120) {
    n = std::to_string(minutes);
    return lang == Lang::kZh ? n + " 分钟前" : n + " min ago";
  }
  if (minutes < kMinutesPerDay * 2) {
    n = std::to_string(minutes / 60);
    return lang == Lang::kZh ? n + " 小时前" : n + " h ago";
  }
  n = std::to_string(minutes / kMinutesPerDay);
  return lang == Lang::kZh ? n + " 天前" : n + " days ago";
}

std::string StoresTableHtml(Lang lang, int64_t now_ms,
                            const std::vector<queries::StoreState>& stores) {
  std::string html =
      std::string("<table data-test=\"stores\"><thead><tr><th>") + Say(lang, "门店", "Store") +
      "</th><th>" + Say(lang, "状态", "State") + "</th><th>" +
      Say(lang, "最后联系", "Last contact") + "</th><th>" + Say(lang, "最后一批", "Last batch") +
      "</th><th>" + Say(lang, "待上传变更", "Changes waiting") + "</th><th>" +
      Say(lang, "已应用至", "Applied to") + "</th><th>" +
      Say(lang, "总部请求 已应用/拒绝/共", "Requests applied/refused/all") + "</th><th>" +
      Say(lang, "时钟偏差", "Clock skew") + "</th></tr></thead><tbody>";
  for (const queries::StoreState& s : stores) {
    const char* state = queries::ReachabilityName(s.reachability);
    html += "<tr data-store=\"" + Escape(s.site_id) +
            "\"><td><a href=\"/store?id=" + Escape(s.site_id) + "\">" + Escape(s.site_id) +
            "</a></td><td class=\"state-" + state + "\">" + Escape(StateText(lang, now_ms, s)) +
            "</td><td>" + (s.last_contact ? Escape(*s.last_contact) : "—") + "</td><td>" +
            (s.last_batch_at ? Escape(*s.last_batch_at) : "—") + "</td><td>" +
            std::to_string(s.pending()) + "</td><td>" + std::to_string(s.last_seq) + "</td><td>" +
            std::to_string(s.applied_requests) + " / " + std::to_string(s.refused_requests) +
            " / " + std::to_string(s.queued_requests) + "</td>" + SkewCell(lang, s.clock_skew_ms) +
            "</tr>";
  }
  if (stores.empty()) {
    html += std::string("<tr><td colspan=\"8\" class=\"muted\">") +
            Say(lang, "尚无门店", "No store is allowed yet") + "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string StorePageHtml(Lang lang, const StorePage& page) {
  return FactsTable(lang, page) + RequestsTable(lang, page.requests) + DaySection(lang, page);
}

}  // namespace outpost::hub::web
