// outpost-hub report month YYYY-MM [--store S] [--format text|html|csv|json]:
// head office's month-end statistics over every store and the chain, or one
// store (hub/queries/report.h; the figures are sync/kpi/month_report's, the
// stores' own code; docs/KPI.md "At head office"). Read only.
#include "hub/queries/report.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"
#include "hub/queries/report_html.h"

namespace outpost::hub::cli {
namespace {

using nlohmann::json;

json StoreJson(const queries::StoreMonthReport& s) {
  json j = kpi::MonthReportJson(s.report);
  j["store_id"] = s.site;
  j["name"] = s.name;
  j["time_zone"] = s.time_zone;
  j["zone_assumed"] = s.zone_assumed;
  j["complete_to"] = s.complete_to ? json(CompleteToText(s)) : json(nullptr);
  return j;
}

json ReportsJson(const queries::MonthReports& r) {
  json stores = json::array();
  for (const auto& s : r.stores) stores.push_back(StoreJson(s));
  json chain = nullptr;
  if (r.chain) {
    chain = kpi::MonthReportJson(*r.chain);
    chain["stores"] = r.stores.size();
    chain["incomplete_stores"] = r.incomplete;
  }
  return {{"month", r.month},
          {"stores", stores},
          {"chain", chain},
          {"standby", StandbyJson(r.standby)}};
}

std::string ReportsText(const queries::MonthReports& r) {
  std::string out = r.standby ? StandbyText(r) + "\n\n" : "";
  for (const auto& s : r.stores) {
    out += kpi::MonthReportText(s.report, s.site + (s.name != s.site ? " " + s.name : ""));
    if (s.complete_to) {
      out += s.complete_to->empty()
                 ? "从未同步 never synced: no figures yet\n"
                 : "数据截至 complete to " + *s.complete_to + " (last contact with head office)\n";
    }
    if (s.zone_assumed) {
      out += "未同步门店日历，按总部时区 no calendar synced: days counted in head office's zone " +
             s.time_zone + "\n";
    }
    out += "\n";
  }
  if (r.chain) {
    out += kpi::MonthReportText(
        *r.chain, "全连锁 chain (" + std::to_string(r.stores.size()) + " 家门店 stores)");
    out += "数据不完整门店 stores with incomplete figures: " + std::to_string(r.incomplete) + "\n";
  }
  return out;
}

}  // namespace

ReportCommand::ReportCommand(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  report_ = app.add_subcommand("report", "month-end statistics over every store and the chain");
  report_->require_subcommand(1);
  month_ = report_->add_subcommand("month", "a month's figures, each as numerator/denominator");
  month_->add_option("month", month_text_, "YYYY-MM, in each store's time zone")->required();
  month_->add_option("--store", store_, "one store only (default: every store and the chain)");
  month_->add_option("--format", format_, "text, html, csv or json")
      ->check(CLI::IsMember({"text", "html", "csv", "json"}));
}

bool ReportCommand::parsed() const { return report_->parsed(); }

int ReportCommand::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  const std::string format = flags_.json ? "json" : format_;
  const int trend = format == "html" ? 6 : 1;  // the HTML's charts: six months
  auto reports = queries::MonthReportAtHub(queries::HubReader(hub), month_text_, store_, trend);
  if (!reports.ok()) return Fail(reports.status(), err);
  if (format == "json") {
    out << ReportsJson(reports.value()).dump(2) << "\n";
  } else if (format == "csv") {
    out << MonthReportsCsv(reports.value());
  } else if (format == "html") {
    out << MonthReportHtml(reports.value());
  } else {
    out << ReportsText(reports.value());
  }
  return 0;
}

}  // namespace outpost::hub::cli
