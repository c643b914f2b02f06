// outpost-hub customers resolve | find | show | why | merge | unmerge: the
// unified customer view across stores.
#include "hub/queries/customers.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"
#include "hub/identity.h"
#include "hub/identity_decisions.h"
#include "hub/profiles.h"
#include "hub/queries/reader.h"
#include "hub/queries/standby.h"
#include "sync/cli/progress.h"
#include "sync/cli/table.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/model/profile.h"

namespace outpost::hub::cli {
namespace {

using nlohmann::json;

// "SMS opted out (2026-11-23 SA Zhang at S1), WeChat not asked, ...": the
// newest statement per channel, its day in UTC (stores differ in time zone).
std::string ConsentLine(const Consent& consent) {
  std::string out;
  for (ContactChannel c : kContactChannels) {
    const ConsentStatement& s = consent.Of(c);
    out += (out.empty() ? "" : i18n::Tr(", ")) + ShownConsentText(c, s, s.at.substr(0, 10));
  }
  return out;
}

json ViewJson(const UnifiedView& v) {
  json records = json::array();
  for (const auto& r : v.records) {
    records.push_back({{"record_id", r.record_id},
                       {"store_id", r.site_id},
                       {"name", r.name},
                       {"member_id", r.member_id ? json(*r.member_id) : json(nullptr)},
                       {"phones", r.phones},
                       {"do_not_disturb", r.do_not_disturb},
                       {"contact_opt_in", r.contact_opt_in},
                       {"created_at", r.created_at},
                       {"consent", model::ChannelConsentJson(r.consent.channels)}});
  }
  return {{"unified_id", v.unified_id},
          {"records", records},
          {"vehicles", v.vehicles},
          {"bookings", v.bookings},
          {"consent", model::ProfileConsentJson(model::ProfileConsentOf(v.consent))},
          {"evidence", EvidenceJson(v.evidence)},
          {"candidates", EvidenceJson(v.candidates)}};
}

// The customer's records, vehicles and bookings at every store.
void PrintHoldings(const UnifiedView& v, std::ostream& out) {
  std::string may;  // the channels outreach may use
  for (ContactChannel c : kContactChannels) {
    if (v.consent.MayContact(c))
      may += (may.empty() ? "" : ", ") + std::string(ContactChannelLabel(c));
  }
  out << v.unified_id << "  "
      << i18n::Format("{0} store record(s)  contact: {1}",
                      {std::to_string(v.records.size()),
                       v.consent.do_not_disturb ? i18n::Tr("DO NOT CONTACT")
                       : may.empty()            ? i18n::Tr("no opt-in")
                                                : i18n::Format("opted in ({0})", {may})})
      << "\n";
  out << i18n::Format("  consent: {0}", {ConsentLine(v.consent)}) << "\n";
  // One row per store record, aligned by display width (Chinese names).
  outpost::cli::Table records;
  for (const auto& r : v.records) {
    std::string phones;
    for (const auto& p : r.phones) phones += (phones.empty() ? "" : " ") + p;
    records.AddRow({r.site_id, r.name, phones,
                    r.member_id ? i18n::Format("member {0}", {*r.member_id}) : "",
                    i18n::Format("(record {0})", {ShortId(r.record_id)})});
  }
  for (const auto& line : records.Lines()) out << "  " << line << "\n";
  for (const auto& veh : v.vehicles) {
    out << "  "
        << i18n::Format("vehicle {0}",
                        {veh["plate"].is_string() ? veh["plate"].get<std::string>() : "-"})
        << (veh["vin"].is_string() ? "  VIN " + veh["vin"].get<std::string>() : "") << "  "
        << i18n::Format("at {0}", {veh["site"].get<std::string>()}) << "\n";
  }
  for (const auto& b : v.bookings) {
    out << "  " << b["slot"].get<std::string>() << "  " << b["site"].get<std::string>() << "  "
        << b["ref"].get<std::string>() << "  " << b["status"].get<std::string>() << "  "
        << b["service"].get<std::string>() << " (" << b["channel"].get<std::string>() << ")"
        << (b["needs_reschedule"].get<bool>() ? i18n::Tr("  NEEDS RESCHEDULE") : "") << "\n";
  }
}

void PrintView(const UnifiedView& v, bool why_only, std::ostream& out) {
  if (!why_only) PrintHoldings(v, out);
  out << (why_only ? i18n::Format("{0} is one customer because:", {v.unified_id})
                   : i18n::Tr("  why:"))
      << "\n";
  if (v.evidence.empty()) out << "    " << i18n::Tr("one record only") << "\n";
  for (const auto& e : v.evidence) {
    out << "    " << ShortId(e.record_a) << " ~ " << ShortId(e.record_b) << "  " << e.kind << ": "
        << e.value << (e.links ? "" : i18n::Tr("  [does not link alone]")) << "\n";
  }
  for (const auto& c : v.candidates) {
    out << "    "
        << i18n::Format(
               "possible match (not linked): {0} ~ {1}  same {2} {3}, names differ;"
               " merge if they are one person",
               {ShortId(c.record_a), ShortId(c.record_b), c.kind, c.value})
        << "\n";
  }
}

json ResolveJson(const ResolveStats& s, const RefreshStats& p) {
  return {{"ran", s.ran},
          {"records", s.records},
          {"unified", s.unified},
          {"across_stores", s.across_stores},
          {"candidates", s.candidates},
          {"links_changed", s.links_changed},
          {"seconds", s.seconds},
          {"profiles_sent", p.sent},
          {"profiles_withdrawn", p.withdrawn},
          {"profile_seconds", p.seconds}};
}

}  // namespace

CustomerCommands::CustomerCommands(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  customers_ = app.add_subcommand("customers", "the unified customer view across stores");
  customers_->require_subcommand(1);
  resolve_ = customers_->add_subcommand("resolve", "link store records into unified customers");
  resolve_->add_flag("--force", force_, "run even if nothing changed");
  find_ = customers_->add_subcommand("find", "by phone, plate, VIN, member id, id or name");
  find_->add_option("query", query_)->required();
  show_ = customers_->add_subcommand(
      "show", "one customer: every store's records, vehicles, bookings, consent");
  show_->add_option("customer", query_, "unified id or a store record id")->required();
  why_ = customers_->add_subcommand("why", "the evidence that links a unified customer's records");
  why_->add_option("customer", query_, "unified id or a store record id")->required();
  merge_ =
      customers_->add_subcommand("merge", "link two records (or customers) a person knows are one");
  merge_->add_option("a", query_)->required();
  merge_->add_option("b", other_)->required();
  merge_->add_option("--staff", staff_)->required();
  merge_->add_option("--note", note_, "why")->required();
  unmerge_ = customers_->add_subcommand("unmerge", "take a record out of its unified customer");
  unmerge_->add_option("record", query_, "a store record id")->required();
  unmerge_->add_option("--staff", staff_)->required();
  unmerge_->add_option("--note", note_, "why")->required();
}

bool CustomerCommands::parsed() const { return customers_->parsed(); }

int CustomerCommands::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  if (resolve_->parsed()) return RunResolve(hub, out, err);
  if (find_->parsed()) return RunFind(hub, out, err);
  if (show_->parsed() || why_->parsed()) return RunShow(hub, out, err);
  if (merge_->parsed()) return RunMerge(hub, out, err);
  return RunUnmerge(hub, out, err);
}

int CustomerCommands::RunResolve(Hub& hub, std::ostream& out, std::ostream& err) {
  outpost::cli::Progress progress(err, outpost::cli::ProgressWanted(flags_.json), "steps");
  auto stats = hub.MakeIdentity().Resolve(force_, progress.Callback());
  progress.Finish();
  if (!stats.ok()) return Fail(stats.status(), err);
  auto refreshed = hub.RefreshProfiles();
  if (!refreshed.ok()) return Fail(refreshed.status(), err);
  const ResolveStats& s = stats.value();
  const RefreshStats& p = refreshed.value();
  if (flags_.json) {
    out << ResolveJson(s, p).dump(2) << "\n";
    return 0;
  }
  if (!s.ran) {
    out << i18n::Tr("nothing changed since the last resolution") << "\n";
  } else {
    std::ostringstream seconds;
    seconds << s.seconds;
    out << i18n::Format(
               "{0} store records -> {1} unified customers ({2} known at more than one"
               " store); {3} links set or changed; {4} possible matches for a person;"
               " {5} s",
               {std::to_string(s.records), std::to_string(s.unified),
                std::to_string(s.across_stores), std::to_string(s.links_changed),
                std::to_string(s.candidates), seconds.str()})
        << "\n";
  }
  if (p.sent + p.withdrawn > 0) {
    std::ostringstream seconds;
    seconds << p.seconds;
    out << i18n::Format("unified profiles for the stores: {0} new versions, {1} withdrawn ({2} s)",
                        {std::to_string(p.sent), std::to_string(p.withdrawn), seconds.str()})
        << "\n";
  }
  return 0;
}

// `outpost-hub customers find Q`: one line per unified customer matching.
int CustomerCommands::RunFind(Hub& hub, std::ostream& out, std::ostream& err) {
  const queries::HubReader reader(hub);
  auto standby = queries::ReadStandby(reader);
  if (!standby.ok()) return Fail(standby.status(), err);
  auto found = queries::FindCustomers(reader, query_);
  if (!found.ok()) return Fail(found.status(), err);
  // Read from a standby: said first, on the error stream under --json (whose
  // output stays the list it always was).
  if (standby.value()) {
    (flags_.json ? err : out) << queries::StandbyLine(*standby.value(), queries::kLinksAsOfPrimary)
                              << "\n";
  }
  json arr = json::array();
  for (const UnifiedView& v : found.value()) {
    if (flags_.json) {
      arr.push_back(ViewJson(v));
      continue;
    }
    out << v.unified_id << "  ";
    for (const auto& r : v.records) out << r.site_id << ":" << r.name << "  ";
    out << i18n::Format("{0} bookings", {std::to_string(v.bookings.size())}) << "\n";
  }
  if (flags_.json) out << arr.dump(2) << "\n";
  if (!flags_.json && found.value().empty()) {
    out << i18n::Format("no customer matches '{0}'", {query_}) << "\n";
  }
  return 0;
}

// `outpost-hub customers show|why Q`: one unified customer, or only why it is one.
int CustomerCommands::RunShow(Hub& hub, std::ostream& out, std::ostream& err) {
  const queries::HubReader reader(hub);
  auto standby = queries::ReadStandby(reader);
  if (!standby.ok()) return Fail(standby.status(), err);
  auto v = queries::ShowCustomer(reader, query_);
  if (!v.ok()) return Fail(v.status(), err);
  if (flags_.json) {
    json view = ViewJson(v.value());
    if (standby.value()) view["standby"] = StandbyJson(standby.value());
    out << view.dump(2) << "\n";
    return 0;
  }
  if (standby.value()) {
    out << queries::StandbyLine(*standby.value(), queries::kLinksAsOfPrimary) << "\n\n";
  }
  PrintView(v.value(), why_->parsed(), out);
  return 0;
}

int CustomerCommands::RunMerge(Hub& hub, std::ostream& out, std::ostream& err) {
  Status st = MergeCustomers(hub, query_, other_, staff_, note_);
  if (!st.ok()) return Fail(st, err);
  auto v = hub.MakeIdentity().Show(query_);
  if (!v.ok()) return Fail(v.status(), err);
  out << i18n::Format("merged: {0} now has {1} records",
                      {v.value().unified_id, std::to_string(v.value().records.size())})
      << "\n";
  return 0;
}

int CustomerCommands::RunUnmerge(Hub& hub, std::ostream& out, std::ostream& err) {
  Status st = UnmergeRecord(hub, query_, staff_, note_);
  if (!st.ok()) return Fail(st, err);
  auto v = hub.MakeIdentity().Show(query_);
  if (!v.ok()) return Fail(v.status(), err);
  out << i18n::Format("unmerged: record {0} is now {1}", {query_, v.value().unified_id}) << "\n";
  return 0;
}

}  // namespace outpost::hub::cli
