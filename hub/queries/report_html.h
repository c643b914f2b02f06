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

// `&`, `<`, `>`, `"` and `'` as character references.
std::string HtmlEscape(const std::string& text);

std::string MonthReportHtml(const queries::MonthReports& reports);

}  // namespace outpost::hub
