// outpost-edge paper print | template | import: the outage fallback.
#include <CLI/CLI.hpp>
#include <ostream>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"
#include "sync/cli/progress.h"
#include "sync/i18n/messages.h"
#include "sync/private_file.h"

namespace outpost::edge::cli {

using nlohmann::json;

PaperCommands::PaperCommands(CLI::App& app) {
  paper_ =
      app.add_subcommand("paper", "paper fallback: print day sheets, import transcribed forms");
  paper_->require_subcommand(1);
  print_ =
      paper_->add_subcommand("print", "a printable day sheet with pre-numbered blank forms (HTML)");
  print_->add_option("--date", print_options_.date, "YYYY-MM-DD, today, tomorrow or +N")
      ->required();
  print_->add_option("--forms", print_options_.blank_forms, "blank forms to print")
      ->capture_default_str();
  print_->add_option("--out", print_out_, "file to write (default: sheet-STORE-DATE.html)");
  print_->add_flag("--full-phones", print_options_.full_phones,
                   "print whole phone numbers (default: last four digits)");
  template_ = paper_->add_subcommand("template", "the header line of the import file (CSV)");
  import_ = paper_->add_subcommand(
      "import", "import transcribed forms (CSV/TSV, UTF-8 or GB18030); a dry run unless --commit");
  import_->add_option("file", import_options_.path, "the transcribed forms")->required();
  import_->add_flag("--commit", import_options_.commit, "write the valid rows (one transaction)");
  import_->add_option("--rejects", import_options_.rejects_path,
                      "where to write rejected rows (default FILE.rejects.csv)");
  import_->add_option("--html", report_html_, "also write the report as HTML");
}

bool PaperCommands::parsed() const { return paper_->parsed(); }

int PaperCommands::Run(const DeskRun& run) {
  if (print_->parsed()) return RunPrint(run);
  if (import_->parsed()) return RunImport(run);
  run.out << PaperTemplateCsv();
  return kExitOk;
}

int PaperCommands::RunPrint(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  print_options_.staff = run.flags.staff;
  auto sheet = PrintDaySheet(*store.value(), print_options_);
  if (!sheet.ok()) return Fail(run, sheet.status());
  if (print_out_.empty()) {
    print_out_ = "sheet-" + store.value()->settings().store_id + "-" + sheet.value().date + ".html";
  }
  // The sheet lists the day's customers: owner-only, like every file with personal data.
  Status written = WritePrivateFile(print_out_, sheet.value().html);
  if (!written.ok()) {
    return Fail(run, Status::IoError("out: " + written.message())
                         .WithShown(i18n::Format("out: {0}", {written.shown()})));
  }
  if (run.flags.json) {
    run.out << json{{"file", print_out_},
                    {"date", sheet.value().date},
                    {"first_form", sheet.value().first_form},
                    {"last_form", sheet.value().last_form}}
                   .dump(2)
            << "\n";
  } else {
    run.out << i18n::Format("wrote {0}: day sheet for {1}", {print_out_, sheet.value().date});
    if (!sheet.value().first_form.empty()) {
      run.out << i18n::Format(", forms {0} to {1}",
                              {sheet.value().first_form, sheet.value().last_form});
    }
    run.out << "\n";
  }
  return kExitOk;
}

int PaperCommands::RunImport(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  import_options_.operator_name = staff.value();
  outpost::cli::Progress progress(run.err, outpost::cli::ProgressWanted(run.flags.json), "forms");
  import_options_.on_progress = progress.Callback();
  auto report = ImportPaper(*store.value(), import_options_);
  import_options_.on_progress = nullptr;
  progress.Finish();
  if (!report.ok()) return Fail(run, report.status());
  if (!report_html_.empty()) {
    Status written =
        WritePrivateFile(report_html_, ReportHtml(report.value(), store.value()->settings().name));
    if (!written.ok()) {
      return Fail(run, Status::IoError("html: " + written.message())
                           .WithShown(i18n::Format("html: {0}", {written.shown()})));
    }
  }
  if (run.flags.json) {
    run.out << ReportJson(report.value()).dump(2) << "\n";
  } else {
    run.out << ReportText(report.value());
  }
  // Rejected rows are bad input: say so in the exit status (the valid rows
  // were still imported with --commit).
  return report.value().rejected.empty() ? kExitOk : kExitUsage;
}

}  // namespace outpost::edge::cli
