#include "tools/audit.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "edge/bookings.h"
#include "edge/customers.h"
#include "hub/hub.h"
#include "hub/queries/audit_subjects.h"
#include "hub/queries/reader.h"
#include "hub/queries/recovery.h"
#include "hub/queries/report.h"
#include "hub/storage/hub_storage.h"
#include "hub/verify.h"
#include "schema/migrations.h"
#include "sync/changelog.h"
#include "sync/civil_time.h"
#include "sync/clock.h"
#include "sync/csv.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/keys.h"
#include "sync/merge.h"
#include "sync/normalize.h"
#include "sync/private_file.h"
#include "sync/sqlite.h"

namespace outpost::audit {
namespace {

using nlohmann::json;

// A store's database (its own log) or the hub's (every store's log).
struct Source {
  std::unique_ptr<Db> db;  // a store's; none for the hub, read through its storage
  bool hub = false;
  std::string table;  // "change_log" or "changes"
  // The hub's storage (hub/storage/hub_storage.h), read without the hub's keys.
  std::unique_ptr<hub::storage::HubStorage> hub_storage;
};

Result<Source> OpenSource(const std::string& path) {
  if (hub::storage::IsDatabaseUrl(path)) {  // only a hub lives on a database server
    Source s;
    s.hub = true;
    s.table = "changes";
    ASSIGN_OR_RETURN(s.hub_storage, hub::storage::OpenHubStorage(path, {.migrate = false}));
    return s;
  }
  if (!std::filesystem::exists(path)) {
    return Status::NotFound("'" + path + "' does not exist")
        .WithShown(i18n::Format("'{0}' does not exist", {path}));
  }
  Db::Options options;
  options.create_if_missing = false;
  ASSIGN_OR_RETURN(auto db, Db::Open(path, options));
  ASSIGN_OR_RETURN(const bool store_log, db->HasTable("change_log"));
  ASSIGN_OR_RETURN(const bool hub_log, db->HasTable("changes"));
  if (!store_log && !hub_log) {
    return Status::InvalidInput("'" + path + "' is neither a store nor a hub database")
        .WithShown(i18n::Format("'{0}' is neither a store nor a hub database", {path}));
  }
  Source s;
  s.hub = !store_log;
  s.table = s.hub ? "changes" : "change_log";
  if (s.hub) {
    ASSIGN_OR_RETURN(s.hub_storage, hub::storage::OpenHubStorage(path, {.migrate = false}));
  } else {
    s.db = std::move(db);
  }
  return s;
}

// One consistent view of the source while it lives.
struct ReadView {
  std::unique_ptr<Transaction> store;
  std::unique_ptr<hub::storage::ReadScope> hub;
};

Result<ReadView> BeginRead(Source& src) {
  ReadView view;
  if (src.hub) {
    ASSIGN_OR_RETURN(view.hub, src.hub_storage->BeginRead());
  } else {
    ASSIGN_OR_RETURN(view.store, Transaction::BeginRead(*src.db));
  }
  return view;
}

// Entries `filter` wants, in the order they happened across sites: by clock,
// then site (the merge's order). At the hub, from its storage's copy of every
// store's log (hub/storage/reads.h).
Result<std::vector<ChangeEntry>> Select(Source& src, const ChangeFilter& filter) {
  if (src.hub) return src.hub_storage->reads().ChangesMatching(filter);
  return SelectChanges(*src.db, "change_log", filter);
}

bool IsPhoneKey(const std::string& key) {
  return key == "phone" || key == "phones" || key == "phones_added" || key == "e164";
}

// Personal data minimised: phones by their last four digits.
void MaskPhones(json& v, bool under_phone_key = false) {
  if (v.is_string() && under_phone_key) {
    v = MaskedPhone(v.get<std::string>());
  } else if (v.is_array()) {
    for (auto& x : v) MaskPhones(x, under_phone_key);
  } else if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) MaskPhones(it.value(), IsPhoneKey(it.key()));
  }
}

// One change as history: every field with its value before and after.
struct Line {
  ChangeEntry entry;
  json changes = json::object();  // field -> [old, new]
  std::string channel;            // the booking's channel, when it is one
};

// Folds each entity's entries in order and records old -> new for each field.
// `prior` entries (before the window) only build the state.
Result<std::vector<Line>> Diff(const std::vector<ChangeEntry>& entries, bool full_phones,
                               const std::set<std::pair<std::string, std::string>>* only = nullptr,
                               const std::string& from = "") {
  struct State {
    json fields = json::object();
    json stamps = json::object();
    Stamp base;
    bool started = false;
  };
  std::map<std::pair<std::string, std::string>, State> states;
  std::vector<Line> out;
  for (const auto& e : entries) {
    const auto key = std::make_pair(e.entity, e.entity_id);
    if (only && !only->count(key)) continue;
    State& s = states[key];
    const Stamp stamp{e.hlc, e.site_id};
    if (!s.started) {
      s.base = stamp;
      s.started = true;
    }
    const json before = s.fields;
    const json fields = json::parse(e.fields_json, nullptr, false);
    if (!fields.is_object()) continue;
    RETURN_IF_ERROR(MergeFields(s.fields, s.stamps, fields, stamp, s.base).status());
    if (!from.empty() && e.recorded_at < from) continue;
    Line line;
    line.entry = e;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      const std::string field = it.key() == "phones_added" ? "phones" : it.key();
      json old_value = before.contains(field) ? before[field] : json(nullptr);
      json new_value = s.fields.contains(field) ? s.fields[field] : it.value();
      if (!full_phones && IsPhoneKey(field)) {
        MaskPhones(old_value, true);
        MaskPhones(new_value, true);
      } else if (!full_phones) {
        MaskPhones(old_value);
        MaskPhones(new_value);
      }
      line.changes[field] = {old_value, new_value};
    }
    if (s.fields.contains("channel") && s.fields["channel"].is_string()) {
      line.channel = s.fields["channel"].get<std::string>();
    }
    out.push_back(std::move(line));
  }
  return out;
}

std::string Text(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

json LineJson(const Line& l) {
  return {{"recorded_at", l.entry.recorded_at},
          {"business_time", l.entry.business_time ? json(*l.entry.business_time) : json(nullptr)},
          {"site", l.entry.site_id},
          {"seq", l.entry.seq},
          {"staff", l.entry.staff},
          {"entity", l.entry.entity},
          {"entity_id", l.entry.entity_id},
          {"op", l.entry.op},
          {"channel", l.channel.empty() ? json(nullptr) : json(l.channel)},
          {"changes", l.changes}};
}

void PrintLine(std::ostream& out, const Line& l) {
  out << l.entry.recorded_at << "  " << l.entry.site_id << " #" << l.entry.seq << "  "
      << l.entry.staff;
  if (!l.channel.empty()) out << "  (" << l.channel << ")";
  out << "\n    " << l.entry.op << " " << l.entry.entity << " " << ShortId(l.entry.entity_id);
  if (l.entry.business_time) out << i18n::Format(", asked {0}", {*l.entry.business_time});
  out << "\n";
  for (auto it = l.changes.begin(); it != l.changes.end(); ++it) {
    const json& pair = it.value();
    if (l.entry.op == "insert") {
      out << "      " << it.key() << " = " << Text(pair[1]) << "\n";
    } else {
      out << "      " << it.key() << ": " << Text(pair[0]) << " -> " << Text(pair[1]) << "\n";
    }
  }
}

// "24h", "7d", "2026-11-24", "2026-11-24T10:30", or a full UTC time: the
// stored form ("2026-11-24T10:30:00.000Z"), which sorts as text.
Result<std::string> ParseWhen(const std::string& text, int64_t now_ms) {
  if (text.size() >= 2 && (text.back() == 'h' || text.back() == 'd') &&
      std::all_of(text.begin(), text.end() - 1, ::isdigit)) {
    const int64_t n = std::stoll(text.substr(0, text.size() - 1));
    return FormatUtcMs(now_ms - n * (text.back() == 'h' ? 3'600'000 : 86'400'000));
  }
  for (const std::string& candidate :
       {text, text + "Z", text + ":00Z", text + ":00.000Z", text + "T00:00:00.000Z"}) {
    auto ms = ParseUtcMs(candidate);
    if (ms.ok()) return FormatUtcMs(ms.value());
  }
  return Status::InvalidInput("time: '" + text +
                              "' is not a UTC time (2026-11-24T10:30Z),"
                              " a date (2026-11-24) or a span back from now (24h, 7d)")
      .WithShown(i18n::Format("time: '{0}' is not a UTC time (2026-11-24T10:30Z), a date "
                              "(2026-11-24) or a span back from now (24h, 7d)",
                              {text}));
}

// A CSV cell, quoted when needed; a formula is neutralised (csv::NeutraliseFormula)
// so a spreadsheet shows the text instead of running it.
std::string Cell(std::string raw) {
  std::string v = csv::NeutraliseFormula(std::move(raw));
  if (v.find_first_of(",\"\n\r") != std::string::npos) {
    std::string q = "\"";
    for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  }
  return v;
}

// ---- subjects ----

// A store's own bookings (through the store's bookings component; the hub's
// through its read layer).
Result<std::vector<hub::queries::BookingMatch>> StoreBookings(Db& db, const std::string& query) {
  ASSIGN_OR_RETURN(std::vector<edge::BookingKey> keys, edge::FindBookingKeys(db, query));
  std::vector<hub::queries::BookingMatch> found;
  found.reserve(keys.size());
  for (auto& k : keys) found.push_back({std::move(k.id), std::move(k.store_id)});
  return found;
}

Result<std::string> ResolveBooking(Source& src, const Clock& clock, const std::string& query,
                                   const std::string& store) {
  ASSIGN_OR_RETURN(std::vector<hub::queries::BookingMatch> found,
                   src.hub ? hub::queries::FindBookings(
                                 hub::queries::HubReader(*src.hub_storage, clock), query, store)
                           : StoreBookings(*src.db, query));
  if (found.empty()) {
    return Status::NotFound("booking: '" + query + "' matches no booking")
        .WithShown(i18n::Format("booking: '{0}' matches no booking", {query}));
  }
  if (found.size() > 1) {
    std::string sites;
    for (const auto& f : found) sites += " " + f.store_id + ":" + ShortId(f.id);
    return Status::InvalidInput("booking: '" + query + "' matches " + std::to_string(found.size()) +
                                " bookings (" + sites.substr(1) +
                                "); give --store or more of the id")
        .WithShown(i18n::Format(
            "booking: '{0}' matches {1} bookings ({2}); give --store or more of the id",
            {query, std::to_string(found.size()), sites.substr(1)}));
  }
  return found.front().id;
}

// Every store record of a customer: at the hub, all records linked to the same
// unified customer (hub/identity.h).
Result<std::vector<std::string>> ResolveCustomer(Source& src, const Clock& clock,
                                                 const std::string& query) {
  if (src.hub) {
    ASSIGN_OR_RETURN(
        std::vector<std::string> records,
        hub::queries::CustomerRecords(hub::queries::HubReader(*src.hub_storage, clock), query));
    if (records.empty()) {
      return Status::NotFound("customer: '" + query + "' matches no customer")
          .WithShown(i18n::Format("customer: '{0}' matches no customer", {query}));
    }
    return records;
  }
  const bool phone =
      !query.empty() && (query[0] == '+' || std::all_of(query.begin(), query.end(), ::isdigit));
  std::vector<std::string> column;
  if (phone && query.size() >= 8) {
    const std::string e164 = query[0] == '+' ? query : "+86" + query;
    ASSIGN_OR_RETURN(column, edge::CustomerIdsWithPhone(*src.db, e164));
  } else {
    ASSIGN_OR_RETURN(column, edge::CustomerIdsMatching(*src.db, query));
  }
  std::set<std::string> records(column.begin(), column.end());
  if (records.empty()) {
    return Status::NotFound("customer: '" + query + "' matches no customer")
        .WithShown(i18n::Format("customer: '{0}' matches no customer", {query}));
  }
  return std::vector<std::string>(records.begin(), records.end());
}

// The customer's records, their vehicles and bookings, and nothing else.
Result<std::vector<ChangeEntry>> CustomerEntries(Source& src,
                                                 const std::vector<std::string>& records) {
  std::set<std::string> ids(records.begin(), records.end());
  for (const auto& r : records) {
    ASSIGN_OR_RETURN(auto owned, Select(src, {.entities = {"vehicle", "booking"},
                                              .op = "insert",
                                              .fields_contain = "\"customer_id\":\"" + r + "\""}));
    for (const auto& e : owned) ids.insert(e.entity_id);
  }
  std::vector<ChangeEntry> out;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(auto entries, Select(src, {.entity_id = id}));
    out.insert(out.end(), entries.begin(), entries.end());
  }
  std::sort(out.begin(), out.end(), [](const ChangeEntry& a, const ChangeEntry& b) {
    return a.hlc != b.hlc           ? a.hlc < b.hlc
           : a.site_id != b.site_id ? a.site_id < b.site_id
                                    : a.seq < b.seq;
  });
  return out;
}

// ---- recovery report ----

json OptionalJson(const std::optional<std::string>& text) {
  return text ? json(*text) : json(nullptr);
}

// A UTC text as the store's wall clock reads it, "2026-11-23 09:00"; the text
// as it is when it is not a UTC time (nothing to convert).
std::string StoreLocal(const TimeZone& zone, const std::string& utc) {
  auto ms = ParseUtcMs(utc);
  if (!ms.ok()) return utc;
  const LocalDateTime local = zone.UtcToLocal(ms.value());
  return local.date.ToString() + " " + local.time.ToString();
}

json OptionalLocal(const TimeZone& zone, const std::optional<std::string>& utc) {
  return utc ? json(StoreLocal(zone, *utc)) : json(nullptr);
}

// The zone a store's times are read in: its calendar's, as last synced; head
// office's (assumed, and said so) before its calendar has reached the hub.
Result<std::pair<TimeZone, bool>> StoreZone(hub::storage::HubStorage& storage,
                                            const std::string& site) {
  ASSIGN_OR_RETURN(std::optional<StoreCalendar> calendar, hub::ReadCalendar(storage.reads(), site));
  const std::string id =
      calendar ? calendar->settings.time_zone : std::string(hub::queries::kHeadOfficeZone);
  ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Load(id));
  return std::make_pair(std::move(zone), !calendar.has_value());
}

// One store's part of the report, and its open cases' customers to contact.
// Times are kept in UTC ("from", "to", ...) for programs and given beside them
// on the store's wall clock ("from_local", ...) for people, who call the
// customers and ask the store about its day by its clock.
json StoreReportJson(const hub::queries::StoreRecovery& r, const TimeZone& zone, bool zone_assumed,
                     bool full_phones, json& customers_to_contact) {
  json s = {{"site", r.site},
            {"time_zone", zone.id()},
            {"time_zone_assumed", zone_assumed},
            {"applied_seq", r.applied_seq},
            {"pending", r.pending},
            {"last_contact", OptionalJson(r.last_contact)},
            {"last_contact_local", OptionalLocal(zone, r.last_contact)},
            {"last_batch_at", OptionalJson(r.last_batch_at)},
            {"online", r.online},
            {"offline_windows", json::array()},
            {"changes_made_offline", r.changes_made_offline},
            {"paper_imports", json::array()},
            {"conflicts_opened", r.conflicts_opened},
            {"conflicts_resolved", r.conflicts_resolved},
            {"open_conflicts", json::array()},
            {"requests_not_taken", json::array()}};
  for (const auto& w : r.offline_windows) {
    s["offline_windows"].push_back({{"from", w.from},
                                    {"to", OptionalJson(w.to)},
                                    {"from_local", StoreLocal(zone, w.from)},
                                    {"to_local", OptionalLocal(zone, w.to)},
                                    {"changes_made", w.changes_made}});
  }
  for (const auto& p : r.paper_imports) {
    s["paper_imports"].push_back({{"import", p.import},
                                  {"bookings", p.bookings},
                                  {"imported_at", p.imported_at},
                                  {"imported_at_local", StoreLocal(zone, p.imported_at)},
                                  {"forms", p.forms}});
  }
  for (const auto& c : r.open_cases) {
    for (const auto& x : c.contacts) {
      customers_to_contact.push_back({{"site", r.site},
                                      {"case", c.ref},
                                      {"name", x.name},
                                      {"phone", full_phones ? x.phone : MaskedPhone(x.phone)},
                                      {"booking", x.booking_ref},
                                      {"why", x.why}});
    }
    s["open_conflicts"].push_back({{"ref", c.ref}, {"kind", c.kind}, {"summary", c.summary}});
  }
  for (const auto& q : r.requests_not_taken) {
    s["requests_not_taken"].push_back({{"seq", q.seq},
                                       {"kind", q.kind},
                                       {"state", q.state},
                                       {"requested_at", q.requested_at},
                                       {"requested_at_local", StoreLocal(zone, q.requested_at)},
                                       {"outcome", q.outcome}});
  }
  return s;
}

Result<json> BuildReport(Source& src, const std::string& since, const Clock& clock,
                         const PublicKeys* hub_pub, const SecretKeys* hub_secret,
                         bool full_phones) {
  json report = {
      {"since", since}, {"generated_at", FormatUtcMs(clock.NowMs())}, {"stores", json::array()}};
  ASSIGN_OR_RETURN(
      std::vector<hub::queries::StoreRecovery> stores,
      hub::queries::ReadRecovery(hub::queries::HubReader(*src.hub_storage, clock), since));
  json customers_to_contact = json::array();
  for (const auto& r : stores) {
    ASSIGN_OR_RETURN(auto zone, StoreZone(*src.hub_storage, r.site));
    report["stores"].push_back(
        StoreReportJson(r, zone.first, zone.second, full_phones, customers_to_contact));
  }
  report["customers_to_contact"] = customers_to_contact;
  if (hub_pub) {
    ASSIGN_OR_RETURN(hub::HubVerifyReport v,
                     hub::VerifyHub(*src.hub_storage, *hub_pub, hub_secret));
    json findings = json::array();
    for (const auto& f : v.findings) findings.push_back(f.where + ": " + f.what);
    report["verify"] = {{"consistent", v.consistent()}, {"changes", v.changes},
                        {"batches", v.batches},         {"batches_opened", v.batches_opened},
                        {"entities", v.entities},       {"findings", findings}};
  } else {
    report["verify"] = nullptr;
  }
  return report;
}

// "Asia/Shanghai", or "Asia/Shanghai (assumed: no calendar synced yet)".
std::string ZoneText(const json& store) {
  return store["time_zone"].get<std::string>() +
         (store["time_zone_assumed"] ? " (assumed: no calendar synced yet)" : "");
}

// ZoneText in the reader's language (the text report; the HTML report is English).
std::string ShownZoneText(const json& store) {
  return store["time_zone"].get<std::string>() +
         (store["time_zone_assumed"] ? i18n::Tr(" (assumed: no calendar synced yet)") : "");
}

void PrintReportText(std::ostream& out, const json& r) {
  // Headings and labels in the reader's language; ids, times, kinds, case
  // summaries and outcomes as recorded (the --json report holds the same).
  auto text = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  out << i18n::Format("Recovery report since {0} (generated {1}, UTC)",
                      {text(r["since"]), text(r["generated_at"])})
      << "\n";
  for (const auto& s : r["stores"]) {
    out << "\n"
        << i18n::Format("{0}: {1}, applied seq {2}, {3} changes on their way; times {4}",
                        {text(s["site"]), s["online"] ? i18n::Tr("online") : i18n::Tr("OFFLINE"),
                         text(s["applied_seq"]), text(s["pending"]), ShownZoneText(s)})
        << "\n";
    for (const auto& w : s["offline_windows"]) {
      out << "  "
          << i18n::Format(
                 "offline {0} -> {1}: {2} changes made meanwhile",
                 {text(w["from_local"]), w["to"].is_null() ? i18n::Tr("now") : text(w["to_local"]),
                  text(w["changes_made"])})
          << "\n";
    }
    if (s["offline_windows"].empty()) out << "  " << i18n::Tr("no offline window") << "\n";
    for (const auto& p : s["paper_imports"]) {
      out << "  "
          << i18n::Format("paper import {0}: {1} bookings (forms {2})",
                          {text(p["import"]), text(p["bookings"]), text(p["forms"])})
          << "\n";
    }
    out << "  "
        << i18n::Format("conflicts: {0} opened, {1} resolved, {2} open",
                        {text(s["conflicts_opened"]), text(s["conflicts_resolved"]),
                         std::to_string(s["open_conflicts"].size())})
        << "\n";
    for (const auto& c : s["open_conflicts"]) {
      out << "    " << text(c["ref"]) << " " << text(c["kind"]) << ": " << text(c["summary"])
          << "\n";
    }
    for (const auto& q : s["requests_not_taken"]) {
      out << "  "
          << i18n::Format("call-centre request {0} ({1}, {2}): {3}",
                          {text(q["seq"]), text(q["kind"]), text(q["requested_at_local"]),
                           text(q["outcome"])})
          << "\n";
    }
  }
  out << "\n"
      << i18n::Format("Customers to contact: {0}",
                      {std::to_string(r["customers_to_contact"].size())})
      << "\n";
  for (const auto& c : r["customers_to_contact"]) {
    out << "  " << text(c["site"]) << " " << text(c["case"]) << "  " << text(c["name"]) << " "
        << text(c["phone"]) << "  "
        << i18n::Format("booking {0}: {1}", {text(c["booking"]), text(c["why"])}) << "\n";
  }
  if (r["verify"].is_null()) {
    out << "\n" << i18n::Tr("Verify: not run (give --hub-key or --hub-secret)") << "\n";
  } else {
    out << "\n"
        << i18n::Format(
               "Verify: {0} ({1} changes, {2} batches, {3} entities)",
               {r["verify"]["consistent"] ? i18n::Tr("consistent") : i18n::Tr("NOT consistent"),
                text(r["verify"]["changes"]), text(r["verify"]["batches"]),
                text(r["verify"]["entities"])})
        << "\n";
    for (const auto& f : r["verify"]["findings"]) out << "  - " << f.get<std::string>() << "\n";
  }
}

void PrintReportHtml(std::ostream& out, const json& r) {
  out << "<!doctype html><html><head><meta charset=\"utf-8\"><title>Recovery report</title>"
         "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
         "td,th{border:1px solid #999;padding:4px 8px;text-align:left}.bad{color:#b00}"
         "</style></head><body>\n<h1>Recovery report</h1>\n<p>Since "
      << EscapeHtml(r["since"].get<std::string>()) << ", generated "
      << EscapeHtml(r["generated_at"].get<std::string>())
      << " (UTC)</p>\n<h2>Stores</h2>\n<table><tr><th>store</th><th>times in</th>"
         "<th>state</th><th>applied seq</th>"
         "<th>on their way</th><th>offline windows</th><th>changes made offline</th>"
         "<th>paper bookings</th><th>conflicts opened / resolved / open</th></tr>\n";
  for (const auto& s : r["stores"]) {
    std::string windows;
    for (const auto& w : s["offline_windows"]) {
      windows +=
          EscapeHtml(w["from_local"].get<std::string>()) + " &rarr; " +
          (w["to"].is_null() ? std::string("now") : EscapeHtml(w["to_local"].get<std::string>())) +
          "<br>";
    }
    int64_t paper = 0;
    for (const auto& p : s["paper_imports"]) paper += p["bookings"].get<int64_t>();
    out << "<tr><td>" << EscapeHtml(s["site"].get<std::string>()) << "</td><td>"
        << EscapeHtml(ZoneText(s)) << "</td><td"
        << (s["online"] ? ">online" : " class=\"bad\">offline") << "</td><td>" << s["applied_seq"]
        << "</td><td>" << s["pending"] << "</td><td>" << (windows.empty() ? "none" : windows)
        << "</td><td>" << s["changes_made_offline"] << "</td><td>" << paper << "</td><td>"
        << s["conflicts_opened"] << " / " << s["conflicts_resolved"] << " / "
        << s["open_conflicts"].size() << "</td></tr>\n";
  }
  out << "</table>\n<h2>Customers to contact</h2>\n<table><tr><th>store</th><th>case</th>"
         "<th>name</th><th>phone</th><th>booking</th><th>why</th></tr>\n";
  for (const auto& c : r["customers_to_contact"]) {
    out << "<tr>";
    for (const char* k : {"site", "case", "name", "phone", "booking", "why"}) {
      out << "<td>" << EscapeHtml(c[k].get<std::string>()) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</table>\n<h2>Verify</h2>\n";
  if (r["verify"].is_null()) {
    out << "<p>Not run.</p>\n";
  } else {
    out << "<p" << (r["verify"]["consistent"] ? ">Consistent" : " class=\"bad\">NOT consistent")
        << ": " << r["verify"]["changes"] << " changes, " << r["verify"]["batches"] << " batches, "
        << r["verify"]["entities"] << " entities.</p>\n<ul>";
    for (const auto& f : r["verify"]["findings"])
      out << "<li>" << EscapeHtml(f.get<std::string>()) << "</li>";
    out << "</ul>\n";
  }
  out << "</body></html>\n";
}

}  // namespace

Commands::Commands(CLI::App& app) {
  audit_ = app.add_subcommand("audit",
                              "history from the change log: a booking, a customer,"
                              " or every change in a time range");
  audit_->require_subcommand(1);
  for (CLI::App** sub : {&booking_, &customer_}) {
    const bool is_booking = sub == &booking_;
    *sub = audit_->add_subcommand(is_booking ? "booking" : "customer",
                                  is_booking ? "every change of one booking, across sites"
                                             : "every change of a customer's records, vehicles"
                                               " and bookings, across sites");
    (*sub)
        ->add_option("id", id_,
                     is_booking ? "desk ref (261124-3) or id (prefix)"
                                : "id (prefix), phone, or unified id (U...) at the hub")
        ->required();
    (*sub)->add_option("--db", db_, "a store's or the hub's database")->required();
    (*sub)->add_flag("--json", json_, "print as JSON");
    (*sub)->add_flag("--full-phones", full_phones_, "show whole phone numbers");
    if (is_booking) (*sub)->add_option("--store", store_, "hub: the store of a desk ref");
  }
  export_ = audit_->add_subcommand("export",
                                   "every change recorded in a time range, one row"
                                   " per field: old -> new");
  export_->add_option("--db", db_, "a store's or the hub's database")->required();
  export_->add_option("--from", from_, "UTC time or date (inclusive)")->required();
  export_->add_option("--to", to_, "UTC time or date (exclusive)")->required();
  export_->add_option("--format", format_, "csv or json")->capture_default_str();
  export_->add_option("--out", out_file_, "write here instead of standard output");
  export_->add_flag("--full-phones", full_phones_, "show whole phone numbers");

  report_ = app.add_subcommand("recovery-report",
                               "after an outage: offline windows, changes"
                               " made offline, paper imports, conflicts,"
                               " customers to contact, sync state, verify");
  report_->add_option("--db", db_, "the hub's database")->required();
  report_->add_option("--since", since_, "UTC time, date, or 24h / 7d back from now")->required();
  report_->add_option("--format", report_format_, "text, html or json")->capture_default_str();
  report_->add_option("--out", out_file_, "write here instead of standard output");
  report_->add_option("--hub-key", hub_key_, "the hub's public key: include the verify result");
  report_->add_option("--hub-secret", hub_secret_,
                      "the hub's secret key: verify opens batches too");
  report_->add_flag("--full-phones", full_phones_,
                    "show whole phone numbers, for whoever calls the customers");
}

bool Commands::parsed() const { return audit_->parsed() || report_->parsed(); }

int Commands::Run(const Clock& clock, std::ostream& out, std::ostream& err) {
  clock_ = &clock;
  if (booking_->parsed()) return RunHistory(true, out, err);
  if (customer_->parsed()) return RunHistory(false, out, err);
  if (export_->parsed()) return RunExport(out, err);
  return RunReport(out, err);
}

namespace {
int Fail(std::ostream& err, const std::string& what, const Status& st) {
  err << "outpost " << what << ": " << st.ShownString() << "\n";
  return st.code() == StatusCode::kInvalidInput || st.code() == StatusCode::kNotFound ? 1 : 3;
}
}  // namespace

int Commands::RunHistory(bool booking, std::ostream& out, std::ostream& err) {
  const std::string what = booking ? "audit booking" : "audit customer";
  auto src = OpenSource(db_);
  if (!src.ok()) return Fail(err, what, src.status());
  auto tx = BeginRead(*src);
  if (!tx.ok()) return Fail(err, what, tx.status());
  std::string subject;        // English, as --json gives it
  std::string subject_shown;  // in the reader's language
  Result<std::vector<ChangeEntry>> entries = std::vector<ChangeEntry>();
  if (booking) {
    auto id = ResolveBooking(*src, *clock_, id_, store_);
    if (!id.ok()) return Fail(err, what, id.status());
    subject = "booking " + id.value();
    subject_shown = i18n::Format("booking {0}", {id.value()});
    entries = Select(*src, {.entities = {"booking"}, .entity_id = id.value()});
    if (entries.ok()) {
      // Conflict cases about this booking belong to its history.
      auto cases = Select(*src, {.entities = {"case"}, .fields_contain = "\"" + id.value() + "\""});
      if (!cases.ok()) return Fail(err, what, cases.status());
      std::set<std::string> case_ids;
      for (const auto& c : cases.value()) case_ids.insert(c.entity_id);
      for (const auto& cid : case_ids) {
        auto all = Select(*src, {.entities = {"case"}, .entity_id = cid});
        if (!all.ok()) return Fail(err, what, all.status());
        entries->insert(entries->end(), all->begin(), all->end());
      }
      std::sort(entries->begin(), entries->end(), [](const ChangeEntry& a, const ChangeEntry& b) {
        return a.hlc != b.hlc ? a.hlc < b.hlc : a.site_id < b.site_id;
      });
    }
  } else {
    auto records = ResolveCustomer(*src, *clock_, id_);
    if (!records.ok()) return Fail(err, what, records.status());
    const std::string count = std::to_string(records->size());
    subject =
        "customer " + id_ + " (" + count + " record" + (records->size() == 1 ? "" : "s") + ")";
    subject_shown = records->size() == 1 ? i18n::Format("customer {0} ({1} record)", {id_, count})
                                         : i18n::Format("customer {0} ({1} records)", {id_, count});
    entries = CustomerEntries(*src, records.value());
  }
  if (!entries.ok()) return Fail(err, what, entries.status());
  auto diffed = Diff(entries.value(), full_phones_);
  if (!diffed.ok()) return Fail(err, what, diffed.status());
  const std::vector<Line>& lines = diffed.value();
  if (json_) {
    json arr = json::array();
    for (const auto& l : lines) arr.push_back(LineJson(l));
    out << json{{"subject", subject}, {"source", src->hub ? "hub" : "store"}, {"entries", arr}}
               .dump(2)
        << "\n";
    return 0;
  }
  const std::string changes = std::to_string(lines.size());
  out << (src->hub ? i18n::Format("{0}: {1} changes, from the hub's copy of every store's log",
                                  {subject_shown, changes})
                   : i18n::Format("{0}: {1} changes, from the store's change log",
                                  {subject_shown, changes}))
      << "\n";
  for (const auto& l : lines) PrintLine(out, l);
  return 0;
}

int Commands::RunExport(std::ostream& out, std::ostream& err) {
  auto from = ParseWhen(from_, clock_->NowMs());
  if (!from.ok()) return Fail(err, "audit export", from.status());
  auto to = ParseWhen(to_, clock_->NowMs());
  if (!to.ok()) return Fail(err, "audit export", to.status());
  if (format_ != "csv" && format_ != "json") {
    return Fail(err, "audit export", Status::InvalidInput("--format: csv or json"));
  }
  auto src = OpenSource(db_);
  if (!src.ok()) return Fail(err, "audit export", src.status());
  auto tx = BeginRead(*src);
  if (!tx.ok()) return Fail(err, "audit export", tx.status());
  // The entities changed in the range; their earlier entries give the old values.
  auto window = Select(*src, {.recorded_from = from.value(), .recorded_before = to.value()});
  if (!window.ok()) return Fail(err, "audit export", window.status());
  std::set<std::pair<std::string, std::string>> touched;
  for (const auto& e : window.value()) touched.insert({e.entity, e.entity_id});
  auto upto = Select(*src, {.recorded_before = to.value()});
  if (!upto.ok()) return Fail(err, "audit export", upto.status());
  auto diffed = Diff(upto.value(), full_phones_, &touched, from.value());
  if (!diffed.ok()) return Fail(err, "audit export", diffed.status());
  const std::vector<Line>& lines = diffed.value();

  // Written whole to the file (owner-only: it holds customers' data) or to standard output.
  std::ostringstream file;
  std::ostream& dst = out_file_.empty() ? out : file;
  if (format_ == "json") {
    json arr = json::array();
    for (const auto& l : lines) arr.push_back(LineJson(l));
    dst << json{{"from", from.value()}, {"to", to.value()}, {"entries", arr}}.dump(2) << "\n";
  } else {
    dst << "recorded_at,business_time,site,seq,staff,channel,entity,entity_id,op,field,old,new\r\n";
    for (const auto& l : lines) {
      for (auto it = l.changes.begin(); it != l.changes.end(); ++it) {
        dst << Cell(l.entry.recorded_at) << ',' << Cell(l.entry.business_time.value_or("")) << ','
            << Cell(l.entry.site_id) << ',' << l.entry.seq << ',' << Cell(l.entry.staff) << ','
            << Cell(l.channel) << ',' << Cell(l.entry.entity) << ',' << Cell(l.entry.entity_id)
            << ',' << Cell(l.entry.op) << ',' << Cell(it.key()) << ','
            << Cell(it.value()[0].is_null() ? "" : Text(it.value()[0])) << ','
            << Cell(it.value()[1].is_null() ? "" : Text(it.value()[1])) << "\r\n";
      }
    }
  }
  if (!out_file_.empty()) {
    Status written = WritePrivateFile(out_file_, file.str());
    if (!written.ok()) return Fail(err, "audit export", written);
    err << "exported " << lines.size() << " changes (" << from.value() << " to " << to.value()
        << ") to " << out_file_ << "\n";
  }
  return 0;
}

int Commands::RunReport(std::ostream& out, std::ostream& err) {
  if (report_format_ != "text" && report_format_ != "html" && report_format_ != "json") {
    return Fail(err, "recovery-report", Status::InvalidInput("--format: text, html or json"));
  }
  auto since = ParseWhen(since_, clock_->NowMs());
  if (!since.ok()) return Fail(err, "recovery-report", since.status());
  auto src = OpenSource(db_);
  if (!src.ok()) return Fail(err, "recovery-report", src.status());
  if (!src->hub) {
    return Fail(err, "recovery-report",
                Status::InvalidInput("'" + db_ +
                                     "' is a store database; the report is made from"
                                     " the hub's, which knows every store")
                    .WithShown(i18n::Format("'{0}' is a store database; the report is made from "
                                            "the hub's, which knows every store",
                                            {db_})));
  }
  std::optional<SecretKeys> secret;
  std::optional<PublicKeys> pub;
  if (!hub_secret_.empty()) {
    auto s = LoadSecretKeys(hub_secret_);
    if (!s.ok()) return Fail(err, "recovery-report", s.status());
    secret = s.value();
    pub = secret->pub;
  } else if (!hub_key_.empty()) {
    auto p = LoadPublicKeys(hub_key_);
    if (!p.ok()) return Fail(err, "recovery-report", p.status());
    pub = p.value();
  }
  auto report = BuildReport(*src, since.value(), *clock_, pub ? &*pub : nullptr,
                            secret ? &*secret : nullptr, full_phones_);
  if (!report.ok()) return Fail(err, "recovery-report", report.status());
  std::ostringstream text;
  if (report_format_ == "json") {
    text << report->dump(2) << "\n";
  } else if (report_format_ == "html") {
    PrintReportHtml(text, report.value());
  } else {
    PrintReportText(text, report.value());
  }
  if (out_file_.empty()) {
    out << text.str();
  } else {
    Status written = WritePrivateFile(out_file_, text.str());
    if (!written.ok()) return Fail(err, "recovery-report", written);
    err << "wrote " << out_file_ << "\n";
  }
  const bool consistent = report->at("verify").is_null() || report->at("verify").at("consistent");
  return consistent ? 0 : 1;
}

}  // namespace outpost::audit
