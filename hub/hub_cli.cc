#include "hub/hub_cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "hub/hub.h"
#include "hub/identity.h"
#include "hub/profiles.h"
#include "hub/queries/board.h"
#include "hub/queries/cases.h"
#include "hub/queries/customers.h"
#include "hub/queries/reader.h"
#include "hub/queries/requests.h"
#include "hub/queries/stores.h"
#include "hub/server.h"
#include "sync/envelope.h"
#include "sync/ids.h"

namespace outpost::hub {
namespace {

using nlohmann::json;
using queries::HubReader;

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

// Links new customer records and rebuilds the profiles the stores hold, at
// most once per `every_ms` and never more than a tenth of the daemon's time
// (a full resolution over a million records takes tens of seconds).
class ProfileUpkeep {
 public:
  ProfileUpkeep(Hub& hub, const Clock& clock, int64_t every_ms)
      : hub_(hub), clock_(clock), every_ms_(every_ms) {}
  void MaybeRun(std::ostream& err) {
    const auto now = std::chrono::steady_clock::now();
    if (every_ms_ <= 0 || now < next_) return;
    Identity identity = hub_.MakeIdentity();
    auto resolved = identity.Resolve(false);
    auto refreshed =
        resolved.ok() ? hub_.RefreshProfiles() : Result<RefreshStats>(resolved.status());
    if (!refreshed.ok()) {
      err << "outpost-hub: unified profiles: " << refreshed.status().ToString() << "\n";
    }
    const auto took = std::chrono::steady_clock::now() - now;
    next_ = std::chrono::steady_clock::now() + std::max<std::chrono::steady_clock::duration>(
                                                   std::chrono::milliseconds(every_ms_), took * 10);
  }

 private:
  Hub& hub_;
  const Clock& clock_;
  int64_t every_ms_;
  std::chrono::steady_clock::time_point next_{};
};

int Serve(Hub& hub, const std::string& bind, ProfileUpkeep& upkeep, std::ostream& out,
          std::ostream& err) {
  auto server = Server::Bind(hub, bind);
  if (!server.ok()) {
    err << "outpost-hub: " << server.status().ToString() << "\n";
    return ExitCodeFor(server.status());
  }
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  out << "outpost-hub: listening on " << bind << "\n" << std::flush;
  while (!g_stop.load()) {
    upkeep.MaybeRun(err);
    server.value()->Turn(err);
  }
  out << "outpost-hub: stopped\n";
  return 0;
}

// outpost-hub board: a store's day from what it last synced, saying as of when.
int PrintBoard(Hub& hub, const std::string& site, const std::string& date, bool json_output,
               std::ostream& out, std::ostream& err) {
  auto board = queries::ReadBoard(HubReader(hub), site, date);
  if (!board.ok()) {
    err << "outpost-hub: " << board.status().ToString() << "\n";
    return ExitCodeFor(board.status());
  }
  const queries::HubBoard& b = board.value();
  const std::string as_of = b.as_of ? *b.as_of : "never (no batch from the store yet)";
  if (json_output) {
    json slots = json::array();
    for (const auto& slot : b.slots) {
      json bookings = json::array();
      for (const auto& k : slot.bookings) {
        bookings.push_back({{"ref", k.ref},
                            {"customer", k.customer},
                            {"status", k.status},
                            {"channel", k.channel},
                            {"needs_reschedule", k.needs_reschedule}});
      }
      slots.push_back({{"time", slot.time},
                       {"capacity", slot.capacity},
                       {"taken", slot.taken},
                       {"bookings", bookings}});
    }
    out << json{{"store_id", b.site},
                {"date", b.date},
                {"as_of", as_of},
                {"closed", b.closed ? json(*b.closed) : json(nullptr)},
                {"slots", slots}}
               .dump(2)
        << "\n";
    return 0;
  }
  out << b.site << "  " << b.date << "  as of the store's last batch " << as_of << "\n";
  if (b.closed) out << "  closed: " << *b.closed << "\n";
  for (const auto& slot : b.slots) {
    out << "  " << slot.time << "  " << slot.taken << "/" << slot.capacity << " taken";
    for (const auto& k : slot.bookings) {
      out << "  " << k.ref << " " << k.customer << " (" << k.status << ", " << k.channel
          << (k.needs_reschedule ? ", to reschedule" : "") << ")";
    }
    out << "\n";
  }
  return 0;
}

// `outpost-hub stores`: each store online, offline since when, or denied (by
// whom, when, why), how far its log is applied and what it still owes.
int PrintStores(Hub& hub, bool json_output, std::ostream& out, std::ostream& err) {
  auto list = queries::ListStores(HubReader(hub));
  if (!list.ok()) {
    err << "outpost-hub: " << list.status().ToString() << "\n";
    return ExitCodeFor(list.status());
  }
  json arr = json::array();
  for (const auto& s : list.value()) {
    const bool online = s.reachability == queries::StoreReachability::kOnline;
    const char* state = queries::ReachabilityName(s.reachability);
    if (json_output) {
      json line = {{"store_id", s.site_id},
                   {"key_id", s.key_id},
                   {"state", state},
                   {"last_seq", s.last_seq},
                   {"log_head", s.last_hash},
                   {"pending", s.pending()},
                   {"resent_changes", s.resent_changes},
                   {"requests_queued", s.queued_requests},
                   {"requests_answered", s.applied_requests},
                   {"requests_refused", s.refused_requests},
                   {"last_contact", s.last_contact ? json(*s.last_contact) : json(nullptr)},
                   {"last_batch_at", s.last_batch_at ? json(*s.last_batch_at) : json(nullptr)}};
      if (s.denied_at) {
        line["denied"] = {{"at", *s.denied_at}, {"by", s.denied_by}, {"reason", s.denied_reason}};
      }
      arr.push_back(std::move(line));
      continue;
    }
    out << s.site_id << "  " << state;
    if (s.denied_at) {
      out << " since " << *s.denied_at << " by " << s.denied_by << " (" << s.denied_reason
          << "; key " << s.key_id << " refused)";
    } else if (!online) {
      out << (s.last_contact ? " since " + *s.last_contact : " (never heard from)");
    }
    out << "  applied through seq " << s.last_seq << ", " << s.pending() << " pending";
    if (s.resent_changes > 0) out << ", " << s.resent_changes << " resent";
    if (s.last_batch_at) out << "  last batch " << *s.last_batch_at;
    if (s.queued_requests > 0) {
      out << "  call-centre requests answered " << s.applied_requests << "/" << s.queued_requests;
      if (s.refused_requests > 0) out << " (" << s.refused_requests << " refused there)";
    }
    out << "\n";
  }
  if (json_output) out << arr.dump(2) << "\n";
  return 0;
}

json EvidenceJson(const std::vector<Evidence>& list) {
  json arr = json::array();
  for (const auto& e : list) {
    arr.push_back({{"record_a", e.record_a},
                   {"record_b", e.record_b},
                   {"kind", e.kind},
                   {"value", e.value},
                   {"links", e.links}});
  }
  return arr;
}

// "SMS opted out (2026-11-23 SA Zhang at S1), WeChat not asked, ...": the
// newest statement per channel, its day in UTC (stores differ in time zone).
std::string ConsentLine(const Consent& consent) {
  std::string out;
  for (ContactChannel c : kContactChannels) {
    const ConsentStatement& s = consent.Of(c);
    out += (out.empty() ? "" : ", ") + ConsentText(c, s, s.at.substr(0, 10));
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
                       {"consent", ConsentBody(r.consent)["channels"]}});
  }
  return {{"unified_id", v.unified_id},
          {"records", records},
          {"vehicles", v.vehicles},
          {"bookings", v.bookings},
          {"consent", ConsentBody(v.consent)},
          {"evidence", EvidenceJson(v.evidence)},
          {"candidates", EvidenceJson(v.candidates)}};
}

void PrintView(const UnifiedView& v, bool why_only, std::ostream& out) {
  if (!why_only) {
    std::string may;  // the channels outreach may use
    for (ContactChannel c : kContactChannels) {
      if (v.consent.MayContact(c))
        may += (may.empty() ? "" : ", ") + std::string(ContactChannelLabel(c));
    }
    out << v.unified_id << "  " << v.records.size() << " store record(s)  contact: "
        << (v.consent.do_not_disturb ? "DO NOT CONTACT"
            : may.empty()            ? "no opt-in"
                                     : "opted in (" + may + ")")
        << "\n";
    out << "  consent: " << ConsentLine(v.consent) << "\n";
    for (const auto& r : v.records) {
      out << "  " << r.site_id << "  " << r.name << "  ";
      for (const auto& p : r.phones) out << p << " ";
      if (r.member_id) out << " member " << *r.member_id;
      out << "  (record " << ShortId(r.record_id) << ")\n";
    }
    for (const auto& veh : v.vehicles) {
      out << "  vehicle " << (veh["plate"].is_string() ? veh["plate"].get<std::string>() : "-")
          << (veh["vin"].is_string() ? "  VIN " + veh["vin"].get<std::string>() : "") << "  at "
          << veh["site"].get<std::string>() << "\n";
    }
    for (const auto& b : v.bookings) {
      out << "  " << b["slot"].get<std::string>() << "  " << b["site"].get<std::string>() << "  "
          << b["ref"].get<std::string>() << "  " << b["status"].get<std::string>() << "  "
          << b["service"].get<std::string>() << " (" << b["channel"].get<std::string>() << ")"
          << (b["needs_reschedule"].get<bool>() ? "  NEEDS RESCHEDULE" : "") << "\n";
    }
  }
  out << (why_only ? v.unified_id + " is one customer because:\n" : "  why:\n");
  if (v.evidence.empty()) out << "    one record only\n";
  for (const auto& e : v.evidence) {
    out << "    " << ShortId(e.record_a) << " ~ " << ShortId(e.record_b) << "  " << e.kind << ": "
        << e.value << (e.links ? "" : "  [does not link alone]") << "\n";
  }
  for (const auto& c : v.candidates) {
    out << "    possible match (not linked): " << ShortId(c.record_a) << " ~ "
        << ShortId(c.record_b) << "  same " << c.kind << " " << c.value
        << ", names differ; merge if they are one person\n";
  }
}

int Fail(const Status& st, std::ostream& err) {
  err << "outpost-hub: " << st.ToString() << "\n";
  return ExitCodeFor(st);
}

// `outpost-hub requests --store S`: each call-centre request and what the store made of it.
int PrintRequests(Hub& hub, const std::string& site, bool json_output, std::ostream& out,
                  std::ostream& err) {
  auto list = queries::ListRequests(HubReader(hub), site);
  if (!list.ok()) return Fail(list.status(), err);
  json arr = json::array();
  for (const queries::RequestOutcome& r : list.value()) {
    const json& request = r.request;
    if (json_output) {
      arr.push_back({{"seq", r.seq},
                     {"kind", r.kind},
                     {"requested_at", r.requested_at},
                     {"request", request},
                     {"state", r.state},
                     {"outcome", r.outcome}});
      continue;
    }
    out << r.seq << "  " << r.requested_at << "  " << r.kind << "  "
        << request.value("booking_ref", request.value("phone", std::string())) << "  "
        << request.value("date", std::string()) << " " << request.value("slot", std::string())
        << "  by " << request.value("staff", std::string()) << "  -> " << r.outcome << "\n";
  }
  if (json_output) out << arr.dump(2) << "\n";
  return 0;
}

// `outpost-hub customers find Q`: one line per unified customer matching.
int PrintCustomers(Hub& hub, const std::string& query, bool json_output, std::ostream& out,
                   std::ostream& err) {
  auto found = queries::FindCustomers(HubReader(hub), query);
  if (!found.ok()) return Fail(found.status(), err);
  json arr = json::array();
  for (const UnifiedView& v : found.value()) {
    if (json_output) {
      arr.push_back(ViewJson(v));
      continue;
    }
    out << v.unified_id << "  ";
    for (const auto& r : v.records) out << r.site_id << ":" << r.name << "  ";
    out << v.bookings.size() << " bookings\n";
  }
  if (json_output) out << arr.dump(2) << "\n";
  if (!json_output && found.value().empty()) out << "no customer matches '" << query << "'\n";
  return 0;
}

// `outpost-hub customers show|why Q`: one unified customer, or only why it is one.
int PrintCustomer(Hub& hub, const std::string& query, bool why_only, bool json_output,
                  std::ostream& out, std::ostream& err) {
  auto v = queries::ShowCustomer(HubReader(hub), query);
  if (!v.ok()) return Fail(v.status(), err);
  if (json_output) {
    out << ViewJson(v.value()).dump(2) << "\n";
  } else {
    PrintView(v.value(), why_only, out);
  }
  return 0;
}

void PrintCaseLine(const queries::HubCase& c, std::ostream& out) {
  out << c.store_id << "  " << c.ref << "  " << c.status << "  " << c.kind << "  " << c.summary
      << "\n";
}

// `outpost-hub conflicts list [--store S] [--all]`: the stores' cases and the
// possible duplicates head office holds.
int PrintCases(Hub& hub, const std::string& store, bool include_resolved, bool json_output,
               std::ostream& out, std::ostream& err) {
  const HubReader reader(hub);
  auto cases = queries::ListCases(reader, store, include_resolved);
  if (!cases.ok()) return Fail(cases.status(), err);
  auto duplicates = queries::ListPossibleDuplicates(reader);
  if (!duplicates.ok()) return Fail(duplicates.status(), err);
  if (json_output) {
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
    out << "HUB  " << d.ref << "  open  possible-duplicate  records " << ShortId(c.record_a)
        << " and " << ShortId(c.record_b) << " share " << c.kind << " " << c.value
        << " under different names (conflicts resolve " << d.ref << " --merge or --apart)\n";
  }
  if (cases.value().empty() && duplicates.value().empty()) out << "no open cases\n";
  return 0;
}

// `outpost-hub conflicts show REF [--store S]`: the case(s) with whom to call.
int PrintCase(Hub& hub, const std::string& ref, const std::string& store, bool json_output,
              std::ostream& out, std::ostream& err) {
  auto cases = queries::FindCases(HubReader(hub), ref, store);
  if (!cases.ok()) return Fail(cases.status(), err);
  if (json_output) {
    json arr = json::array();
    for (const auto& c : cases.value()) arr.push_back(c.fields);
    out << arr.dump(2) << "\n";
    return 0;
  }
  for (const auto& c : cases.value()) {
    PrintCaseLine(c, out);
    for (const auto& x : c.contacts) {
      out << "    call " << x.name << " " << x.phone << "  " << x.booking_ref << ": " << x.why
          << "\n";
    }
    if (c.resolution) out << "    resolved by " << c.resolved_by << ": " << *c.resolution << "\n";
    out << "    (resolved at the store, or from here: outpost-hub conflicts resolve " << c.ref
        << " --store " << c.store_id << " --staff ... --note ...)\n";
  }
  return 0;
}

}  // namespace

int RunHubCli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"outpost-hub: head office daemon and queries."};
  app.require_subcommand(1);
  app.fallthrough();
  std::string db_path = "hub.db", key_path = "HUB.key";
  bool json_output = false;
  app.add_option("--db", db_path, "hub database file")->capture_default_str();
  app.add_option("--key", key_path, "the hub's secret key file")->capture_default_str();
  app.add_flag("--json", json_output, "machine-readable output");

  auto* init = app.add_subcommand("init", "create the hub database (refuses an existing file)");
  std::vector<std::string> pub_paths;
  auto* allow = app.add_subcommand(
      "allow", "add stores to the allow-list, rotate their keys, or readmit a denied store");
  allow->add_option("pub", pub_paths, "store public key files (SITE.pub)")->required();
  std::string bind = "tcp://127.0.0.1:7700";
  auto* serve = app.add_subcommand("serve", "receive and apply the stores' change logs");
  serve->add_option("--bind", bind)->capture_default_str();
  int64_t resolve_every_ms = 2000;
  serve
      ->add_option("--resolve-every-ms", resolve_every_ms,
                   "link new customer records and refresh the stores' unified profiles this"
                   " often (0: never; `customers resolve` by hand)")
      ->capture_default_str();
  std::string deny_store, deny_staff, deny_reason;
  auto* deny = app.add_subcommand(
      "deny", "shut a store's key out at once (its log stays; allow a new key to readmit it)");
  deny->add_option("store", deny_store, "the store id")->required();
  deny->add_option("--staff", deny_staff, "who denies it")->required();
  deny->add_option("--reason", deny_reason, "why (a stolen laptop, a leaked key)")->required();
  auto* stores =
      app.add_subcommand("stores", "each store: online, offline since, last batch, denied");
  auto* digest = app.add_subcommand("digest", "a digest of the consolidated state");
  std::string cc_store, cc_phone, cc_name, cc_plate, cc_date, cc_slot, cc_service, cc_notes,
      cc_staff;
  auto* book = app.add_subcommand(
      "book", "call centre: book into a store (delivered when the store is next in contact)");
  book->add_option("--store", cc_store)->required();
  book->add_option("--phone", cc_phone)->required();
  book->add_option("--name", cc_name, "the customer's name if the store may not know them");
  book->add_option("--plate", cc_plate);
  book->add_option("--date", cc_date, "YYYY-MM-DD, today, tomorrow or +N (the store's zone)")
      ->required();
  book->add_option("--slot", cc_slot, "HH:MM")->required();
  book->add_option("--service", cc_service);
  book->add_option("--notes", cc_notes);
  book->add_option("--staff", cc_staff, "who took the call")->required();
  // cancel / reschedule: the call centre, on the customer's word; the store decides
  // by what happened there (docs/CONFLICTS.md, "Booking status").
  std::string cc_booking, cc_reason;
  auto* cancel = app.add_subcommand(
      "cancel", "call centre: cancel a store's booking (unless the store has moved on)");
  cancel->add_option("--store", cc_store)->required();
  cancel->add_option("--booking", cc_booking, "booking ref (261124-3) or id")->required();
  cancel->add_option("--reason", cc_reason, "why, in the customer's words")->required();
  cancel->add_option("--staff", cc_staff, "who took the call")->required();
  auto* reschedule = app.add_subcommand(
      "reschedule", "call centre: move a store's booking (unless the store has moved on)");
  reschedule->add_option("--store", cc_store)->required();
  reschedule->add_option("--booking", cc_booking, "booking ref (261124-3) or id")->required();
  reschedule->add_option("--date", cc_date, "YYYY-MM-DD")->required();
  reschedule->add_option("--slot", cc_slot, "HH:MM")->required();
  reschedule->add_option("--reason", cc_reason);
  reschedule->add_option("--staff", cc_staff, "who took the call")->required();
  auto* requests = app.add_subcommand(
      "requests", "call-centre requests of a store and what the store made of them");
  requests->add_option("--store", cc_store)->required();
  auto* board = app.add_subcommand(
      "board", "a store's day as of its last sync: slots, places taken, bookings");
  board->add_option("--store", cc_store)->required();
  board->add_option("--date", cc_date, "YYYY-MM-DD, today, tomorrow or +N (the store's zone)")
      ->required();

  // customers resolve | find | show | why | merge | unmerge
  auto* customers = app.add_subcommand("customers", "the unified customer view across stores");
  customers->require_subcommand(1);
  std::string cust_query, cust_other, cust_staff, cust_note;
  bool force_resolve = false;
  auto* cresolve =
      customers->add_subcommand("resolve", "link store records into unified customers");
  cresolve->add_flag("--force", force_resolve, "run even if nothing changed");
  auto* cfind = customers->add_subcommand("find", "by phone, plate, VIN, member id, id or name");
  cfind->add_option("query", cust_query)->required();
  auto* cshow = customers->add_subcommand(
      "show", "one customer: every store's records, vehicles, bookings, consent");
  cshow->add_option("customer", cust_query, "unified id or a store record id")->required();
  auto* cwhy =
      customers->add_subcommand("why", "the evidence that links a unified customer's records");
  cwhy->add_option("customer", cust_query, "unified id or a store record id")->required();
  auto* cmerge =
      customers->add_subcommand("merge", "link two records (or customers) a person knows are one");
  cmerge->add_option("a", cust_query)->required();
  cmerge->add_option("b", cust_other)->required();
  cmerge->add_option("--staff", cust_staff)->required();
  cmerge->add_option("--note", cust_note, "why")->required();
  auto* cunmerge =
      customers->add_subcommand("unmerge", "take a record out of its unified customer");
  cunmerge->add_option("record", cust_query, "a store record id")->required();
  cunmerge->add_option("--staff", cust_staff)->required();
  cunmerge->add_option("--note", cust_note, "why")->required();

  // conflicts list | show: every store's cases, and possible duplicate customers.
  auto* conflicts =
      app.add_subcommand("conflicts", "conflict cases from every store, possible duplicates");
  conflicts->require_subcommand(1);
  bool all_cases = false;
  std::string case_store, case_ref;
  auto* klist = conflicts->add_subcommand("list", "open cases (--all: resolved too)");
  klist->add_flag("--all", all_cases);
  klist->add_option("--store", case_store, "only this store's");
  auto* kshow = conflicts->add_subcommand("show", "one case");
  kshow->add_option("case", case_ref, "case ref (C-261124-1, with --store if several) or id")
      ->required();
  kshow->add_option("--store", case_store);
  bool resolve_merge = false, resolve_apart = false;
  std::string resolve_staff, resolve_note;
  auto* kresolve = conflicts->add_subcommand(
      "resolve",
      "a possible duplicate (D-...): --merge or --apart; a store's case (C-...):"
      " closed at the store when next in contact");
  kresolve->add_option("case", case_ref, "D-... or a store's case ref")->required();
  kresolve->add_option("--store", case_store, "the store, when several have that case ref");
  kresolve->add_flag("--merge", resolve_merge, "D-: one person (their records are linked)");
  kresolve->add_flag("--apart", resolve_apart, "D-: two people (never proposed again)");
  kresolve->add_option("--staff", resolve_staff, "who decides")->required();
  kresolve->add_option("--note", resolve_note, "what was done, or why")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "outpost-hub: usage: " << e.what() << " (try --help)\n";
    return 1;
  }
  auto keys = LoadSecretKeys(key_path);
  if (!keys.ok()) {
    err << "outpost-hub: " << keys.status().ToString() << "\n";
    return ExitCodeFor(keys.status());
  }
  // OUTPOST_NOW pins the hub's clock (drills and tests, like the desk's); never set in production.
  auto clock_owner = ClockFromEnvironment();
  if (!clock_owner.ok()) {
    err << "outpost-hub: " << clock_owner.status().ToString() << "\n";
    return 1;
  }
  const Clock& clock = *clock_owner.value();
  // Only init creates a database: a mistyped --db must not become an empty hub.
  std::error_code missing;
  if (!init->parsed() && !std::filesystem::exists(db_path, missing)) {
    err << "outpost-hub: " << db_path << ": no such hub database; create one with `outpost-hub"
        << " --db " << db_path << " --key " << key_path << " init`\n";
    return 1;
  }
  auto hub = init->parsed() ? Hub::Create(db_path, keys.value(), clock)
                            : Hub::Open(db_path, keys.value(), clock);
  if (!hub.ok()) {
    err << "outpost-hub: " << hub.status().ToString() << "\n";
    return ExitCodeFor(hub.status());
  }
  if (init->parsed()) {
    auto version = hub.value()->SchemaVersion();
    out << "created hub database " << db_path << " (schema " << (version.ok() ? version.value() : 0)
        << "); next: outpost-hub --db " << db_path << " --key " << key_path << " allow STORE.pub\n";
    return 0;
  }
  if (allow->parsed()) {
    for (const auto& path : pub_paths) {
      auto pub = LoadPublicKeys(path);
      Status st = pub.ok() ? hub.value()->AllowStore(pub.value()) : pub.status();
      if (!st.ok()) {
        err << "outpost-hub: " << st.ToString() << "\n";
        return ExitCodeFor(st);
      }
      out << "allowed " << pub->site_id << " (key " << pub->KeyId() << ")\n";
    }
    return 0;
  }
  if (deny->parsed()) {
    Status st = hub.value()->DenyStore(deny_store, deny_staff, deny_reason);
    if (!st.ok()) {
      err << "outpost-hub: " << st.ToString() << "\n";
      return ExitCodeFor(st);
    }
    out << "denied " << deny_store << ": its key is refused from its next message on (its log"
        << " and data stay); to readmit it: outpost keygen --site " << deny_store
        << " --force, then outpost-hub allow " << deny_store << ".pub\n";
    return 0;
  }
  if (serve->parsed()) {
    ProfileUpkeep upkeep(*hub.value(), clock, resolve_every_ms);
    return Serve(*hub.value(), bind, upkeep, out, err);
  }
  if (stores->parsed()) return PrintStores(*hub.value(), json_output, out, err);
  if (board->parsed()) return PrintBoard(*hub.value(), cc_store, cc_date, json_output, out, err);
  if (book->parsed()) {
    json request = {{"phone", cc_phone}, {"date", cc_date}, {"slot", cc_slot}};
    if (!cc_name.empty()) request["name"] = cc_name;
    if (!cc_plate.empty()) request["plate"] = cc_plate;
    if (!cc_service.empty()) request["service"] = cc_service;
    if (!cc_notes.empty()) request["notes"] = cc_notes;
    auto queued = hub.value()->QueueBooking(cc_store, request, cc_staff);
    if (!queued.ok()) {
      err << "outpost-hub: " << queued.status().ToString() << "\n";
      return ExitCodeFor(queued.status());
    }
    const model::HeadOfficeRequest& asked = queued->request;
    if (json_output) {
      out << json{{"store_id", cc_store},
                  {"request_seq", queued->seq},
                  {"date", asked.date},
                  {"slot", asked.slot},
                  {"checked_with_store_rules", queued->checked_with_store_rules}}
                 .dump(2)
          << "\n";
    } else {
      out << "queued call-centre request " << queued->seq << " for " << cc_store << ": "
          << asked.date << " " << asked.slot
          << (queued->checked_with_store_rules
                  ? ", open and bookable by the store's rules as last synced"
                  : "; the store's rules are not known here yet: it decides when the request"
                    " arrives")
          << "; the store books it when next in contact (outpost-hub requests --store " << cc_store
          << " shows what it made of it)\n";
    }
    return 0;
  }
  auto fail = [&](const Status& st) {
    err << "outpost-hub: " << st.ToString() << "\n";
    return ExitCodeFor(st);
  };
  if (cancel->parsed() || reschedule->parsed()) {
    json details = {{"reason", cc_reason}};
    if (reschedule->parsed()) {
      details["date"] = cc_date;
      details["slot"] = cc_slot;
    }
    const std::string kind = cancel->parsed() ? "cancel" : "reschedule";
    auto seq = hub.value()->QueueBookingChange(cc_store, kind, cc_booking, details, cc_staff);
    if (!seq.ok()) return fail(seq.status());
    if (json_output) {
      out << json{{"store_id", cc_store}, {"request_seq", seq.value()}}.dump(2) << "\n";
    } else {
      out << "queued call-centre request " << seq.value() << " for " << cc_store << ": " << kind
          << " booking " << cc_booking
          << "; the store applies it when next in contact, unless the customer has already"
             " checked in there (then a case is opened)\n";
    }
    return 0;
  }
  if (requests->parsed()) return PrintRequests(*hub.value(), cc_store, json_output, out, err);
  Identity identity = hub.value()->MakeIdentity();
  if (cresolve->parsed()) {
    auto stats = identity.Resolve(force_resolve);
    if (!stats.ok()) return fail(stats.status());
    auto refreshed = hub.value()->RefreshProfiles();
    if (!refreshed.ok()) return fail(refreshed.status());
    const ResolveStats& s = stats.value();
    const RefreshStats& p = refreshed.value();
    if (json_output) {
      out << json{{"ran", s.ran},
                  {"records", s.records},
                  {"unified", s.unified},
                  {"across_stores", s.across_stores},
                  {"candidates", s.candidates},
                  {"links_changed", s.links_changed},
                  {"seconds", s.seconds},
                  {"profiles_sent", p.sent},
                  {"profiles_withdrawn", p.withdrawn},
                  {"profile_seconds", p.seconds}}
                 .dump(2)
          << "\n";
      return 0;
    }
    if (!s.ran) {
      out << "nothing changed since the last resolution\n";
    } else {
      out << s.records << " store records -> " << s.unified << " unified customers ("
          << s.across_stores << " known at more than one store); " << s.links_changed
          << " links set or changed; " << s.candidates << " possible matches for a person; "
          << s.seconds << " s\n";
    }
    if (p.sent + p.withdrawn > 0) {
      out << "unified profiles for the stores: " << p.sent << " new versions, " << p.withdrawn
          << " withdrawn (" << p.seconds << " s)\n";
    }
    return 0;
  }
  if (cfind->parsed()) return PrintCustomers(*hub.value(), cust_query, json_output, out, err);
  if (cshow->parsed() || cwhy->parsed()) {
    return PrintCustomer(*hub.value(), cust_query, cwhy->parsed(), json_output, out, err);
  }
  if (cmerge->parsed()) {
    Status st = identity.Merge(cust_query, cust_other, cust_staff, cust_note);
    if (st.ok()) st = hub.value()->RefreshProfiles().status();  // the stores learn at once
    if (!st.ok()) return fail(st);
    auto v = identity.Show(cust_query);
    if (!v.ok()) return fail(v.status());
    out << "merged: " << v.value().unified_id << " now has " << v.value().records.size()
        << " records\n";
    return 0;
  }
  if (cunmerge->parsed()) {
    Status st = identity.Unmerge(cust_query, cust_staff, cust_note);
    if (st.ok()) st = hub.value()->RefreshProfiles().status();
    if (!st.ok()) return fail(st);
    auto v = identity.Show(cust_query);
    if (!v.ok()) return fail(v.status());
    out << "unmerged: record " << cust_query << " is now " << v.value().unified_id << "\n";
    return 0;
  }
  if (kresolve->parsed()) {
    if (case_ref.rfind("D-", 0) == 0) {
      if (resolve_merge == resolve_apart) {
        return fail(Status::InvalidInput("resolve " + case_ref +
                                         ": say --merge (one person) or --apart (two people)"));
      }
      auto candidate = identity.CandidateByRef(case_ref);
      if (!candidate.ok()) return fail(candidate.status());
      const Evidence& c = candidate.value();
      Status st = resolve_merge
                      ? identity.Merge(c.record_a, c.record_b, resolve_staff, resolve_note)
                      : identity.KeepApart(c.record_a, c.record_b, resolve_staff, resolve_note);
      if (st.ok()) st = hub.value()->RefreshProfiles().status();  // the stores learn at once
      if (!st.ok()) return fail(st);
      out << case_ref << ": records " << ShortId(c.record_a) << " and " << ShortId(c.record_b)
          << (resolve_merge ? " merged into one customer" : " kept apart as two people") << " by "
          << resolve_staff << "\n";
      return 0;
    }
    if (resolve_merge || resolve_apart) {
      return fail(Status::InvalidInput("--merge and --apart are for possible duplicates (D-...)"));
    }
    auto queued =
        hub.value()->QueueCaseResolution(case_ref, case_store, resolve_note, resolve_staff);
    if (!queued.ok()) return fail(queued.status());
    if (json_output) {
      out << json{{"store_id", queued->first}, {"request_seq", queued->second}}.dump(2) << "\n";
    } else {
      out << "queued request " << queued->second << " for " << queued->first
          << ": the store closes case " << case_ref
          << " when next in contact (refused there while a booking of it still needs a new"
             " slot; see outpost-hub requests)\n";
    }
    return 0;
  }
  if (klist->parsed())
    return PrintCases(*hub.value(), case_store, all_cases, json_output, out, err);
  if (kshow->parsed()) return PrintCase(*hub.value(), case_ref, case_store, json_output, out, err);
  if (digest->parsed()) {
    auto d = hub.value()->StateDigest();
    if (!d.ok()) return ExitCodeFor(d.status());
    out << d.value() << "\n";
    return 0;
  }
  return 1;
}

}  // namespace outpost::hub
