#include "hub/web/stats_page.h"

#include <algorithm>
#include <map>

#include "hub/queries/report_html.h"

namespace outpost::hub::web {
namespace {

std::string Cell(const kpi::Ratio& r) {
  return "<td title=\"" + std::to_string(r.num) + " / " + std::to_string(r.den) + "\">" +
         Escape(kpi::PercentText(r)) + " <span class=\"muted\">(" + std::to_string(r.num) + "/" +
         std::to_string(r.den) + ")</span></td>";
}

std::string Query(const StatsPage& page) {
  return "month=" + Escape(page.month) +
         (page.store.empty() ? "" : "&amp;store=" + Escape(page.store));
}

std::string FiguresTable(Lang lang, const queries::MonthReports& r) {
  std::vector<std::pair<std::string, const kpi::MonthReport*>> columns;
  if (r.chain) columns.emplace_back(Say(lang, "全连锁", "Chain"), &*r.chain);
  for (const auto& s : r.stores) {
    std::string head = s.site;
    const std::string complete = CompleteToText(s);
    if (complete == "never") {
      head += std::string(" · ") + Say(lang, "从未联系", "never heard from");
    } else if (!complete.empty()) {
      head += std::string(" · ") + Say(lang, "数据截至 ", "complete to ") + complete;
    }
    columns.emplace_back(head, &s.report);
  }
  std::string html = std::string("<table data-test=\"figures\"><thead><tr><th>") +
                     Say(lang, "指标", "Figure") + "</th>";
  for (const auto& [head, report] : columns) html += "<th>" + Escape(head) + "</th>";
  html +=
      "</tr></thead><tbody><tr><th>" + std::string(Say(lang, "预约数", "Bookings made")) + "</th>";
  for (const auto& column : columns) html += "<td>" + std::to_string(column.second->made) + "</td>";
  html += "</tr>";
  if (columns.empty()) return html + "</tbody></table>";
  // Each column's figures by key: a report lists only the dissatisfied items
  // it has, so columns differ in length. Rows are every key, in the order the
  // columns first name them; a figure a column lacks is "—".
  std::vector<kpi::FigureLabel> rows;
  std::vector<std::map<std::string, kpi::Ratio>> by_key(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    for (kpi::FigureLabel& f : kpi::MonthReportFigures(*columns[c].second)) {
      if (by_key[c].emplace(f.key, f.ratio).second &&
          std::none_of(rows.begin(), rows.end(),
                       [&](const kpi::FigureLabel& r) { return r.key == f.key; })) {
        rows.push_back(std::move(f));
      }
    }
  }
  for (const kpi::FigureLabel& row : rows) {
    html += "<tr data-figure=\"" + Escape(row.key) + "\"><th>" +
            Escape(lang == Lang::kZh ? row.zh : row.en) + "</th>";
    for (const auto& figures : by_key) {
      auto it = figures.find(row.key);
      html += it != figures.end() ? Cell(it->second) : std::string("<td>—</td>");
    }
    html += "</tr>";
  }
  return html + "</tbody></table>";
}

}  // namespace

std::string StatsPageHtml(Lang lang, const StatsPage& page) {
  std::string html =
      std::string("<form method=\"get\" action=\"/stats\" class=\"search\"><label>") +
      Say(lang, "月份", "Month") + " <input name=\"month\" value=\"" + Escape(page.month) +
      "\" placeholder=\"YYYY-MM\" maxlength=\"7\"></label><label>" + Say(lang, "门店", "Store") +
      " <select name=\"store\"><option value=\"\">" +
      Say(lang, "全部门店与全连锁", "Every store and the chain") + "</option>";
  for (const std::string& s : page.stores) {
    html += "<option value=\"" + Escape(s) + "\"" + (s == page.store ? " selected" : "") + ">" +
            Escape(s) + "</option>";
  }
  html += std::string("</select></label><button type=\"submit\">") + Say(lang, "查看", "Show") +
          "</button>";
  if (!page.error.empty())
    html += "<p class=\"error\" data-test=\"error\">" + Escape(page.error) + "</p>";
  html += "</form>";
  if (page.reports == nullptr) return html;
  html += "<p><a href=\"/stats/report?" + Query(page) + "\" data-test=\"full\">" +
          Say(lang, "完整报告（含图表）", "Full report with charts") +
          "</a> · <a href=\"/stats.csv?" + Query(page) + "\" data-test=\"csv\">" +
          Say(lang, "导出 CSV", "Export CSV") + "</a>";
  if (page.reports->incomplete > 0) {
    html +=
        std::string(" · <span class=\"muted\">") +
        Say(lang, "部分门店数据不完整（离线）：", "stores with incomplete figures (offline): ") +
        std::to_string(page.reports->incomplete) + "</span>";
  }
  html += "</p>";
  if (page.reports->standby) {
    // Read from a standby (outpost-hub web --reports-db): how stale it is.
    html +=
        "<p class=\"muted\" data-test=\"standby\">" + Escape(StandbyText(*page.reports)) + "</p>";
  }
  return html + FiguresTable(lang, *page.reports);
}

}  // namespace outpost::hub::web
