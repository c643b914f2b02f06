// outpost-edge report month YYYY-MM: the store's month-end statistics from its
// own data (read only; works offline). The figures are sync/kpi/month_report's,
// read through Store::MonthReport; docs/KPI.md defines each.
#include <CLI/CLI.hpp>
#include <ostream>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"

namespace outpost::edge::cli {

ReportCommands::ReportCommands(CLI::App& app) {
  report_ = app.add_subcommand("report", "month-end statistics from this store's own data");
  report_->require_subcommand(1);
  month_ = report_->add_subcommand("month", "a month's figures, each as numerator/denominator");
  month_->add_option("month", month_text_, "YYYY-MM, in the store's time zone")->required();
  month_->add_option("--format", format_, "text, json or csv")
      ->check(CLI::IsMember({"text", "json", "csv"}));
}

bool ReportCommands::parsed() const { return report_->parsed(); }

int ReportCommands::Run(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto report = store.value()->MonthReport(month_text_);
  if (!report.ok()) return Fail(run, report.status());
  const std::string format = run.flags.json ? "json" : format_;
  if (format == "json") {
    nlohmann::json j = kpi::MonthReportJson(report.value());
    j["store_id"] = store.value()->settings().store_id;
    run.out << j.dump(2) << "\n";
  } else if (format == "csv") {
    run.out << kpi::MonthReportCsv(report.value());
  } else {
    run.out << kpi::MonthReportText(report.value(), store.value()->settings().store_id);
  }
  return kExitOk;
}

}  // namespace outpost::edge::cli
