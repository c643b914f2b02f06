// The console's statistics page (docs/WEB.md, "Pages"): the month-end
// figures (docs/KPI.md) of the chain and of each store, or of one store, as
// fractions and percentages, with links to the full report with its charts
// (hub/queries/report_html.h, served as a page of its own) and to the CSV
// export. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "hub/queries/report.h"
#include "hub/web/html.h"

namespace outpost::hub::web {

struct StatsPage {
  std::string month;                               // YYYY-MM shown
  std::string store;                               // "" : the chain and every store
  std::vector<std::string> stores;                 // allowed stores, for the store field
  std::string error;                               // a refused month or store, shown by the form
  const queries::MonthReports* reports = nullptr;  // null after a refusal
};

std::string StatsPageHtml(Lang lang, const StatsPage& page);

}  // namespace outpost::hub::web
