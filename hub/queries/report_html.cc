#include "hub/queries/report_html.h"

#include <cstdio>
#include <iterator>
#include <sstream>

#include "hub/queries/standby.h"
#include "sync/csv.h"
#include "sync/normalize.h"

namespace outpost::hub {
namespace {

using kpi::MonthReport;
using kpi::Ratio;

double Percent(const Ratio& r) {
  return r.den == 0 ? 0.0 : 100.0 * static_cast<double>(r.num) / static_cast<double>(r.den);
}

std::string Num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

std::string FiguresTable(const MonthReport& r) {
  std::string out =
      "<table><thead><tr><th>指标 figure</th><th>分子/分母 fraction</th><th>百分比 "
      "percent</th></tr></thead><tbody>\n";
  out += "<tr><td>预约数 bookings made</td><td>" + std::to_string(r.made) + "</td><td></td></tr>\n";
  for (const kpi::FigureLabel& f : kpi::MonthReportFigures(r)) {
    out += "<tr><td>" + HtmlEscape(f.zh) + " " + HtmlEscape(f.en) + "</td><td>" +
           std::to_string(f.ratio.num) + "/" + std::to_string(f.ratio.den) + "</td><td>" +
           HtmlEscape(kpi::PercentText(f.ratio)) + "</td></tr>\n";
  }
  out += "<tr><td>投诉新开 complaints opened</td><td>" + std::to_string(r.complaints_opened) +
         "</td><td></td></tr>\n";
  out += "<tr><td>投诉关闭 complaints closed</td><td>" + std::to_string(r.complaints_closed) +
         "</td><td></td></tr>\n";
  out += "<tr><td>投诉逾期 complaints overdue</td><td>" + std::to_string(r.complaints_overdue) +
         "</td><td></td></tr>\n";
  out += "<tr><td>关闭天数 days to close</td><td>" + std::to_string(r.close_days.num) + "/" +
         std::to_string(r.close_days.den) + "</td><td></td></tr>\n";
  return out + "</tbody></table>\n";
}

// Bars per month: arrival rate (green) and no-show rate (red), 0-100 %.
std::string TrendSvg(const std::vector<MonthReport>& trend) {
  const int bar = 14, group = 48, height = 120, top = 10, bottom = 30;
  const int width = 40 + group * static_cast<int>(trend.size());
  std::string out = "<svg class=\"trend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    std::to_string(width) + "\" height=\"" + std::to_string(height + top + bottom) +
                    "\" role=\"img\"><title>到店率与爽约率 arrival and no-show rate by "
                    "month</title>\n";
  out += "<line x1=\"30\" y1=\"" + std::to_string(top + height) + "\" x2=\"" +
         std::to_string(width) + "\" y2=\"" + std::to_string(top + height) +
         "\" stroke=\"#888\"/>\n";
  int x = 36;
  for (const MonthReport& r : trend) {
    const double arrival = Percent(r.arrival), no_show = Percent(r.no_show);
    const double ha = arrival * height / 100.0, hn = no_show * height / 100.0;
    out += "<rect class=\"arrival\" x=\"" + std::to_string(x) + "\" y=\"" + Num(top + height - ha) +
           "\" width=\"" + std::to_string(bar) + "\" height=\"" + Num(ha) + "\"><title>" +
           HtmlEscape(r.month) + " 到店率 arrival " + HtmlEscape(kpi::PercentText(r.arrival)) +
           "</title></rect>\n";
    out += "<rect class=\"noshow\" x=\"" + std::to_string(x + bar + 2) + "\" y=\"" +
           Num(top + height - hn) + "\" width=\"" + std::to_string(bar) + "\" height=\"" + Num(hn) +
           "\"><title>" + HtmlEscape(r.month) + " 爽约率 no-show " +
           HtmlEscape(kpi::PercentText(r.no_show)) + "</title></rect>\n";
    out += "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(top + height + 16) +
           "\">" + HtmlEscape(r.month.size() == 7 ? r.month.substr(2) : r.month) + "</text>\n";
    x += group;
  }
  return out + "</svg>\n";
}

// One bar per dissatisfied item: its share of the dissatisfied answers.
std::string ItemsSvg(const MonthReport& r) {
  const int row = 20, label = 150, scale = 200;
  const int count = static_cast<int>(std::size(kpi::kReportItems));
  std::string out = "<svg class=\"items\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    std::to_string(label + scale + 80) + "\" height=\"" +
                    std::to_string(row * count + 10) +
                    "\" role=\"img\"><title>不满意项目 dissatisfied by item</title>\n";
  int y = 5;
  for (const char* item : kpi::kReportItems) {
    auto it = r.dissatisfied_by_item.find(item);
    const Ratio ratio = it == r.dissatisfied_by_item.end() ? Ratio{} : it->second;
    const double w = Percent(ratio) * scale / 100.0;
    out += "<text x=\"0\" y=\"" + std::to_string(y + 13) + "\">" +
           HtmlEscape(std::string(kpi::ItemLabelZh(item)) + " " + item) + "</text>\n";
    out += "<rect class=\"item\" x=\"" + std::to_string(label) + "\" y=\"" + std::to_string(y) +
           "\" width=\"" + Num(w) + "\" height=\"14\"/>\n";
    out += "<text x=\"" + Num(label + w + 4) + "\" y=\"" + std::to_string(y + 13) + "\">" +
           std::to_string(ratio.num) + "/" + std::to_string(ratio.den) + "</text>\n";
    y += row;
  }
  return out + "</svg>\n";
}

std::string Section(const std::string& title, const std::string& note, const MonthReport& r,
                    const std::vector<MonthReport>& trend) {
  std::string out = "<section>\n<h2>" + HtmlEscape(title) + "</h2>\n";
  if (!note.empty()) out += "<p class=\"note\">" + HtmlEscape(note) + "</p>\n";
  out += FiguresTable(r);
  out += "<h3>趋势 trend</h3>\n" + TrendSvg(trend.empty() ? std::vector<MonthReport>{r} : trend);
  out += "<h3>不满意项目 dissatisfied by item</h3>\n" + ItemsSvg(r);
  return out + "</section>\n";
}

}  // namespace

std::string HtmlEscape(const std::string& text) { return EscapeHtml(text); }

std::string MonthReportHtml(const queries::MonthReports& reports) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>月报 month report " +
      HtmlEscape(reports.month) +
      "</title>\n<style>\n"
      "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
      "td,th{border:1px solid #ccc;padding:2px 8px}td:nth-child(n+2){text-align:right}"
      ".note{color:#a40}.arrival{fill:#2a7}.noshow{fill:#c33}.item{fill:#e80}"
      "svg text{font-size:11px}\n</style>\n</head>\n<body>\n<h1>月报 month report " +
      HtmlEscape(reports.month) + "</h1>\n";
  if (reports.standby) out += "<p class=\"note\">" + HtmlEscape(StandbyText(reports)) + "</p>\n";
  if (reports.chain) {
    std::string note = std::to_string(reports.stores.size()) + " 家门店 stores";
    if (reports.incomplete > 0) {
      note += "; " + std::to_string(reports.incomplete) +
              " 家数据不完整 incomplete (数据截至其最后同步 complete only to their last sync)";
    }
    out += Section("全连锁 chain", note, *reports.chain, reports.chain_trend);
  }
  for (const queries::StoreMonthReport& s : reports.stores) {
    std::string note;
    if (s.complete_to) {
      note = s.complete_to->empty() ? "从未同步 never synced"
                                    : "数据截至 complete to " + *s.complete_to;
    }
    if (s.zone_assumed) {
      note += (note.empty() ? "" : "; ") + std::string("未同步门店日历，按总部时区 ") +
              s.time_zone + " no calendar synced: head office's zone";
    }
    out += Section("门店 store " + s.site + (s.name != s.site ? " " + s.name : ""), note, s.report,
                   s.trend);
  }
  return out + "</body>\n</html>\n";
}

namespace {

// A field as the project's CSV writer quotes it (sync/csv.h), without the
// line end FormatRecord puts after a record.
std::string CsvField(const std::string& text) {
  const std::string line = csv::FormatRecord({text});
  return line.substr(0, line.size() - 2);
}

}  // namespace

std::string StandbyText(const queries::MonthReports& reports) {
  if (!reports.standby) return "";
  return queries::StandbyLine(
      *reports.standby, "分类数据截至主库最近一次刷新 typed rows as of the primary's last refresh");
}

std::string CompleteToText(const queries::StoreMonthReport& s) {
  if (!s.complete_to) return "";
  return s.complete_to->empty() ? "never" : *s.complete_to;
}

// Every store's lines of kpi::MonthReportCsv, then the chain's ("chain"),
// each behind its store and the day its figures are complete to.
std::string MonthReportsCsv(const queries::MonthReports& r) {
  std::string out = "store,complete_to,figure,numerator,denominator,percent\n";
  auto lines = [&out](const std::string& store, const std::string& complete,
                      const kpi::MonthReport& report) {
    std::istringstream in(kpi::MonthReportCsv(report));
    std::string line;
    std::getline(in, line);  // its header
    while (std::getline(in, line)) out += CsvField(store) + "," + complete + "," + line + "\n";
  };
  for (const auto& s : r.stores) lines(s.site, CompleteToText(s), s.report);
  if (r.chain) {
    lines("chain", "", *r.chain);
    out += "chain,,incomplete_stores," + std::to_string(r.incomplete) + ",,\n";
  }
  return out;
}

}  // namespace outpost::hub
