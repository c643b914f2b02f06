// outpost-hub conflicts list | show | resolve: every store's cases, and the
// possible duplicate customers head office holds.
#include "hub/queries/cases.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>

#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"
#include "hub/identity.h"
#include "hub/identity_decisions.h"
#include "hub/queries/reader.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"

namespace outpost::hub::cli {
namespace {

using nlohmann::json;

void PrintCaseLine(const queries::HubCase& c, std::ostream& out) {
  out << c.store_id << "  " << c.ref << "  " << c.status << "  " << c.kind << "  " << c.summary
      << "\n";
}

}  // namespace

CaseCommands::CaseCommands(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  conflicts_ =
      app.add_subcommand("conflicts", "conflict cases from every store, possible duplicates");
  conflicts_->require_subcommand(1);
  list_ = conflicts_->add_subcommand("list", "open cases (--all: resolved too)");
  list_->add_flag("--all", all_);
  list_->add_option("--store", store_, "only this store's");
  show_ = conflicts_->add_subcommand("show", "one case");
  show_->add_option("case", ref_, "case ref (C-261124-1, with --store if several) or id")
      ->required();
  show_->add_option("--store", store_);
  resolve_ = conflicts_->add_subcommand(
      "resolve",
      "a possible duplicate (D-...): --merge or --apart; a store's case (C-...):"
      " closed at the store when next in contact");
  resolve_->add_option("case", ref_, "D-... or a store's case ref")->required();
  resolve_->add_option("--store", store_, "the store, when several have that case ref");
  resolve_->add_flag("--merge", merge_, "D-: one person (their records are linked)");
  resolve_->add_flag("--apart", apart_, "D-: two people (never proposed again)");
  resolve_->add_option("--staff", staff_, "who decides")->required();
  resolve_->add_option("--note", note_, "what was done, or why")->required();
}

bool CaseCommands::parsed() const { return conflicts_->parsed(); }

int CaseCommands::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  if (list_->parsed()) return RunList(hub, out, err);
  if (show_->parsed()) return RunShow(hub, out, err);
  return RunResolve(hub, out, err);
}

// `outpost-hub conflicts list [--store S] [--all]`: the stores' cases and the
// possible duplicates head office holds.
int CaseCommands::RunList(Hub& hub, std::ostream& out, std::ostream& err) {
  const queries::HubReader reader(hub);
  auto cases = queries::ListCases(reader, store_, all_);
  if (!cases.ok()) return Fail(cases.status(), err);
  auto duplicates = queries::ListPossibleDuplicates(reader);
  if (!duplicates.ok()) return Fail(duplicates.status(), err);
  if (flags_.json) {
    json arr = json::array(), possible = json::array();
    for (const auto& c : cases.value()) arr.push_back(c.fields);
    for (const auto& d : duplicates.value()) {
      json line = EvidenceJson({d.evidence})[0];
      line["ref"] = d.ref;
      possible.push_back(std::move(line));
    }
    out << json{{"cases", arr}, {"possible_duplicates", possible}}.dump(2) << "\n";
    return 0;
  }
  for (const auto& c : cases.value()) PrintCaseLine(c, out);
  for (const auto& d : duplicates.value()) {
    const Evidence& c = d.evidence;
    out << "HUB  " << d.ref << "  open  possible-duplicate  "
        << i18n::Format(
               "records {0} and {1} share {2} {3} under different names (conflicts"
               " resolve {4} --merge or --apart)",
               {ShortId(c.record_a), ShortId(c.record_b), c.kind, c.value, d.ref})
        << "\n";
  }
  if (cases.value().empty() && duplicates.value().empty()) out << i18n::Tr("no open cases") << "\n";
  return 0;
}

// `outpost-hub conflicts show REF [--store S]`: the case(s) with whom to call.
int CaseCommands::RunShow(Hub& hub, std::ostream& out, std::ostream& err) {
  auto cases = queries::FindCases(queries::HubReader(hub), ref_, store_);
  if (!cases.ok()) return Fail(cases.status(), err);
  if (flags_.json) {
    json arr = json::array();
    for (const auto& c : cases.value()) arr.push_back(c.fields);
    out << arr.dump(2) << "\n";
    return 0;
  }
  for (const auto& c : cases.value()) {
    PrintCaseLine(c, out);
    for (const auto& x : c.contacts) {
      out << "    " << i18n::Format("call {0} {1}", {x.name, x.phone}) << "  " << x.booking_ref
          << ": " << x.why << "\n";
    }
    if (c.resolution) {
      out << "    " << i18n::Format("resolved by {0}: {1}", {c.resolved_by, *c.resolution}) << "\n";
    }
    out << "    "
        << i18n::Format(
               "(resolved at the store, or from here: outpost-hub conflicts resolve {0}"
               " --store {1} --staff ... --note ...)",
               {c.ref, c.store_id})
        << "\n";
  }
  return 0;
}

// A store's case (C-...) is closed at the store when next in contact; a
// possible duplicate (D-...) is decided here.
int CaseCommands::RunResolve(Hub& hub, std::ostream& out, std::ostream& err) {
  if (ref_.rfind("D-", 0) == 0) return RunResolveDuplicate(hub, out, err);
  if (merge_ || apart_) {
    return Fail(Status::InvalidInput("--merge and --apart are for possible duplicates (D-...)"),
                err);
  }
  auto queued = hub.QueueCaseResolution(ref_, store_, note_, staff_);
  if (!queued.ok()) return Fail(queued.status(), err);
  if (flags_.json) {
    out << json{{"store_id", queued->first}, {"request_seq", queued->second}}.dump(2) << "\n";
  } else {
    out << i18n::Format(
               "queued request {0} for {1}: the store closes case {2} when next in"
               " contact (refused there while a booking of it still needs a new slot;"
               " see outpost-hub requests)",
               {std::to_string(queued->second), queued->first, ref_})
        << "\n";
  }
  return 0;
}

int CaseCommands::RunResolveDuplicate(Hub& hub, std::ostream& out, std::ostream& err) {
  if (merge_ == apart_) {
    return Fail(Status::InvalidInput("resolve " + ref_ +
                                     ": say --merge (one person) or --apart (two people)")
                    .WithShown(i18n::Format(
                        "resolve {0}: say --merge (one person) or --apart (two people)", {ref_})),
                err);
  }
  auto decided = DecideDuplicate(hub, ref_, merge_, staff_, note_);
  if (!decided.ok()) return Fail(decided.status(), err);
  const Evidence& c = decided->candidate;
  const std::string record_a = ShortId(c.record_a), record_b = ShortId(c.record_b);
  const std::initializer_list<std::string_view> args = {ref_, record_a, record_b, staff_};
  out << (merge_ ? i18n::Format("{0}: records {1} and {2} merged into one customer by {3}", args)
                 : i18n::Format("{0}: records {1} and {2} kept apart as two people by {3}", args))
      << "\n";
  return 0;
}

}  // namespace outpost::hub::cli
