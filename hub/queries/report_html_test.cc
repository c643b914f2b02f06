// The month report's HTML page (hub/report_html.h): self-contained, no
// script, every text from the data escaped, a table and the SVG charts.
#include "hub/queries/report_html.h"

#include <gtest/gtest.h>

namespace outpost::hub {
namespace {

queries::MonthReports Reports() {
  queries::MonthReports r;
  r.month = "2026-11";
  queries::StoreMonthReport s;
  s.site = "<script>alert(1)</script>";
  s.name = "Tom & Jerry's \"garage\"";
  s.time_zone = "Asia/Shanghai";
  s.complete_to = "2026-11-15";
  s.report.month = "2026-11";
  s.report.arrival = {5, 6};
  s.report.no_show = {1, 6};
  s.report.dissatisfied_by_item["price"] = {2, 2};
  kpi::MonthReport october;
  october.month = "2026-10";
  october.arrival = {3, 4};
  s.trend = {october, s.report};
  r.stores.push_back(s);
  r.chain = s.report;
  r.chain_trend = s.trend;
  r.incomplete = 1;
  return r;
}

TEST(ReportHtmlTest, EscapesEveryTextFromTheData) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  const std::string html = MonthReportHtml(Reports());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Tom &amp; Jerry&#39;s &quot;garage&quot;"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // no link out
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("onload"), std::string::npos);  // no event handler attribute
  EXPECT_EQ(html.find("onclick"), std::string::npos);
}

TEST(ReportHtmlTest, HasTheTablesTheTrendAndTheItemsCharts) {
  const std::string html = MonthReportHtml(Reports());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("到店率 arrival rate</td><td>5/6</td><td>83.3%</td>"), std::string::npos);
  EXPECT_NE(html.find("数据截至 complete to 2026-11-15"), std::string::npos);
  EXPECT_NE(html.find("1 家数据不完整 incomplete"), std::string::npos);
  EXPECT_NE(html.find("<svg class=\"trend\""), std::string::npos);
  EXPECT_NE(html.find("<svg class=\"items\""), std::string::npos);
  EXPECT_NE(html.find("2026-10 到店率 arrival 75.0%"), std::string::npos);  // the trend's month
  EXPECT_NE(html.find("价格 price"), std::string::npos);
}

}  // namespace
}  // namespace outpost::hub
