// The month report as one self-contained HTML page (`outpost-hub report month
// --format html`, docs/KPI.md "At head office"): a table per store and for
// the chain with every figure as a fraction and a percentage, and inline SVG
// charts: each store's (and the chain's) trend over the months given
// (arrival and no-show rate per month) and its dissatisfaction by item.
//
// No network, no script (safe under a strict Content-Security-Policy: only a
// <style> element and inline SVG); every text from the data (store ids and
// names, months) HTML-escaped. Labels zh-CN first. Pure; thread-safe.
#pragma once

#include <string>

#include "hub/queries/report.h"

namespace outpost::hub {

// `&`, `<`, `>`, `"` and `'` as character references (sync/normalize.h EscapeHtml).
std::string HtmlEscape(const std::string& text);

std::string MonthReportHtml(const queries::MonthReports& reports);

// Read from a standby: one line saying so and how stale it is, bilingual
// ("读自备库 read from a standby: ..."); "" when read from the hub's own
// database.
std::string StandbyText(const queries::MonthReports& reports);
// "" when the store's figures are complete, the day they are complete to,
// or "never" for a store never heard from.
std::string CompleteToText(const queries::StoreMonthReport& store);
// `report month --format csv` and the console's export: every store's lines
// of kpi::MonthReportCsv, then the chain's ("chain"), each behind its store
// and the day its figures are complete to; fields quoted when they must be.
std::string MonthReportsCsv(const queries::MonthReports& reports);

}  // namespace outpost::hub
