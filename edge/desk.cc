#include "edge/desk.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "edge/hub_link.h"
#include "edge/paper.h"
#include "edge/profiles.h"
#include "edge/store.h"
#include "edge/sync_client.h"
#include "sync/keys.h"
#include "sync/normalize.h"
#include "sync/private_file.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitUsage = 1;
constexpr int kExitRefused = 2;
constexpr int kExitFailure = 3;

std::string Env(const char* name, const std::string& fallback = "") {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

// All of `text` as a whole number (no sign, spaces or trailing letters); nullopt if not.
std::optional<int> WholeNumber(const std::string& text) {
  int value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) return std::nullopt;
  return value;
}

json OptionalJson(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

// The booking as logged (sync/model/booking.h), its customer and plate joined.
json BookingJson(const Booking& b) {
  json out = model::BookingJson(b);
  out.erase("customer_id");  // shown as the customer, with name and phones
  out["customer"] = {
      {"id", b.customer_id}, {"name", b.customer_name}, {"phones", b.customer_phones}};
  out["plate"] = OptionalJson(b.plate);
  return out;
}

json CaseJson(const ConflictCase& c) {
  json contacts = json::array();
  for (const auto& x : c.contacts) {
    contacts.push_back({{"customer_id", x.customer_id},
                        {"name", x.name},
                        {"phone", x.phone},
                        {"booking", x.booking_ref},
                        {"why", x.why}});
  }
  return {{"id", c.id},
          {"ref", c.ref},
          {"store_id", c.store_id},
          {"kind", c.kind},
          {"slot_date", OptionalJson(c.slot_date)},
          {"slot_time", OptionalJson(c.slot_time)},
          {"booking_ids", c.booking_ids},
          {"contacts", contacts},
          {"summary", c.summary},
          {"source", c.source},
          {"opened_at", c.opened_at},
          {"opened_by", c.opened_by},
          {"status", c.status},
          {"resolved_at", OptionalJson(c.resolved_at)},
          {"resolved_by", OptionalJson(c.resolved_by)},
          {"resolution", OptionalJson(c.resolution)}};
}

// Per channel: {"sms": {"choice": "opted-out", "at", "site", "staff"}, ...};
// "not-asked" with empty details where nothing was said.
json ConsentJson(const ConsentStatement (&channels)[kContactChannelCount]) {
  json out = json::object();
  for (ContactChannel c : kContactChannels) {
    out[ContactChannelName(c)] = ConsentStatementJson(channels[static_cast<int>(c)]);
  }
  return out;
}

// "SMS opted out (2026-11-23 SA Zhang at S1), WeChat not asked, ...": each
// statement's day as this store's calendar has it.
std::string ConsentLine(const Store& store,
                        const ConsentStatement (&channels)[kContactChannelCount]) {
  std::string out;
  for (ContactChannel c : kContactChannels) {
    const ConsentStatement& s = channels[static_cast<int>(c)];
    const std::string day = s.at.empty() ? "" : store.LocalText(s.at).substr(0, 10);
    out += (out.empty() ? "" : ", ") + ConsentText(c, s, day);
  }
  return out;
}

json CustomerJson(const Customer& c) {
  json vehicles = json::array();
  for (const auto& v : c.vehicles) {
    vehicles.push_back({{"id", v.id},
                        {"plate", OptionalJson(v.plate)},
                        {"vin", OptionalJson(v.vin)},
                        {"mileage_km", v.mileage_km ? json(*v.mileage_km) : json(nullptr)}});
  }
  return {{"id", c.id},
          {"store_id", c.store_id},
          {"name", c.name},
          {"member_id", OptionalJson(c.member_id)},
          {"phones", c.phones},
          {"contact_opt_in", c.contact_opt_in},
          {"do_not_disturb", c.do_not_disturb},
          {"consent", ConsentJson(c.consent)},
          {"created_at", c.created_at},
          {"created_by", c.created_by},
          {"vehicles", vehicles}};
}

// --channel values: "sms", "wechat", "call"; none given: all three (empty).
Result<std::vector<ContactChannel>> ParseChannels(const std::vector<std::string>& names) {
  std::vector<ContactChannel> out;
  for (const auto& name : names) {
    auto channel = ParseContactChannel(name);
    if (!channel) {
      return Status::InvalidInput("channel: '" + name +
                                  "' is not a contact channel (sms, wechat or call)");
    }
    if (std::find(out.begin(), out.end(), *channel) == out.end()) out.push_back(*channel);
  }
  return out;
}

std::string Phones(const std::vector<std::string>& phones) {
  std::string out;
  for (const auto& p : phones) out += (out.empty() ? "" : ", ") + FormatPhoneForDisplay(p);
  return out;
}

std::string PerksText(const Booking& b, int discount_percent, const std::string& cutoff) {
  std::string out;
  if (b.priority_reception) out += "priority reception + car wash";
  if (b.discount_eligible) {
    out += (out.empty() ? "" : "; ") + std::to_string(discount_percent) +
           "% off labour if arriving before " + cutoff;
  }
  return out;
}

// One line per booking, as on the SA's board.
std::string BookingLine(const Booking& b) {
  std::string line = b.ref + "  " + std::string(BookingStatusName(b.status)) + "  " +
                     b.customer_name + "  " + Phones(b.customer_phones);
  if (b.plate) line += "  " + FormatPlateForDisplay(*b.plate);
  line += "  " + b.service + "  (" + std::string(ChannelName(b.channel)) + ")";
  std::string flags;
  if (b.priority_reception) flags += "priority";
  if (b.discount_eligible) flags += std::string(flags.empty() ? "" : ",") + "discount";
  if (b.arrival_perk) flags += std::string(flags.empty() ? "" : ",") + *b.arrival_perk;
  if (!flags.empty()) line += "  [" + flags + "]";
  return line;
}

struct Context {
  std::ostream& out;
  std::ostream& err;
  std::string db_path;
  std::string staff;
  bool json_output = false;
  std::unique_ptr<Clock> clock;
};

// Prints the reason on one line and returns the exit code for it.
int Fail(Context& ctx, const Status& st) {
  ctx.err << "outpost-edge: " << st.ToString() << "\n";
  return ExitCodeFor(st);
}

Result<std::unique_ptr<Store>> OpenStore(Context& ctx) {
  return Store::Open(ctx.db_path, *ctx.clock);
}

Result<std::string> RequireStaff(const Context& ctx) {
  if (ctx.staff.empty()) {
    return Status::InvalidInput("staff: say who is at the desk with --staff NAME or OUTPOST_STAFF");
  }
  return ctx.staff;
}

std::string LocalText(const Store& store, const std::string& utc) { return store.LocalText(utc); }

int PrintBooking(Context& ctx, const Store& store, const Booking& b, const std::string& verb) {
  if (ctx.json_output) {
    ctx.out << BookingJson(b).dump(2) << "\n";
    return kExitOk;
  }
  ctx.out << verb << " " << b.ref << "  " << b.slot_date << " " << b.slot_time << "  "
          << BookingStatusName(b.status) << "\n";
  ctx.out << "  " << b.customer_name << "  " << Phones(b.customer_phones);
  if (b.plate) ctx.out << "  " << FormatPlateForDisplay(*b.plate);
  ctx.out << "  " << b.service << "  via " << ChannelName(b.channel) << "\n";
  std::string perks =
      PerksText(b, store.settings().discount_percent, store.settings().discount_cutoff);
  if (!perks.empty()) ctx.out << "  perks: " << perks << "\n";
  if (b.arrived_at) {
    ctx.out << "  arrived " << LocalText(store, *b.arrived_at)
            << (b.discount_applied && *b.discount_applied ? ", labour discount applies" : "")
            << (b.arrival_perk ? ", offer " + *b.arrival_perk : "") << "\n";
  }
  if (b.cancel_reason) ctx.out << "  cancelled: " << *b.cancel_reason << "\n";
  if (b.rescheduled_from) ctx.out << "  rescheduled from " << *b.rescheduled_from << "\n";
  if (b.rescheduled_to) ctx.out << "  rescheduled to " << *b.rescheduled_to << "\n";
  if (!b.notes.empty()) {
    // Notes keep their lines (CleanMultilineText): each further one indented
    // under the first, blank lines left blank.
    std::string indented;
    bool line_start = false;
    for (char c : b.notes) {
      if (line_start && c != '\n') indented += "         ";
      indented += c;
      line_start = c == '\n';
    }
    ctx.out << "  notes: " << indented << "\n";
  }
  if (b.form_id) {
    ctx.out << "  paper form " << *b.form_id;
    if (b.import_batch) ctx.out << " (import " << *b.import_batch << ")";
    ctx.out << "\n";
  }
  ctx.out << "  id " << b.id << "\n";
  return kExitOk;
}

void PrintCustomer(Context& ctx, const Store& store, const Customer& c) {
  ctx.out << c.name << "  " << Phones(c.phones);
  if (c.member_id) ctx.out << "  member " << *c.member_id;
  ctx.out << "\n  id " << c.id
          << "\n  contact: " << (c.do_not_disturb ? "DO NOT DISTURB (outranks any opt-in); " : "")
          << ConsentLine(store, c.consent) << "\n";
  for (const auto& v : c.vehicles) {
    ctx.out << "  vehicle " << (v.plate ? FormatPlateForDisplay(*v.plate) : "(no plate)");
    if (v.vin) ctx.out << "  VIN " << *v.vin;
    if (v.mileage_km) ctx.out << "  " << *v.mileage_km << " km";
    ctx.out << "\n";
  }
}

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.string();
}

std::string JsonText(const json& v) { return v.is_string() ? v.get<std::string>() : ""; }

// What head office knows of the customer at other stores (edge/profiles.h):
// shown from the store's copy, so it works with no network.
void PrintUnifiedProfile(Context& ctx, const Store& store, const json& p,
                         const std::string& received_at, bool do_not_disturb_here) {
  const std::string site = store.settings().store_id;
  ctx.out << "  across the chain: " << JsonText(p["unified_id"]) << ", known at "
          << p.value("stores", 0) << " store(s)";
  if (!received_at.empty())
    ctx.out << "  (head office, as of " << store.LocalText(received_at) << ")";
  ctx.out << "\n";
  const json consent = p.value("consent", json::object());
  if (consent.value("do_not_disturb", false) && !do_not_disturb_here) {
    ctx.out << "    DO NOT CONTACT: asked for at another store (applies here too)\n";
  }
  // The chain's newest statement per channel (a profile from an older hub has none).
  const json channels = consent.value("channels", json());
  if (channels.is_object()) {
    ConsentStatement merged[kContactChannelCount];
    for (ContactChannel c : kContactChannels) {
      auto stated = ParseConsentStatement(channels.value(ContactChannelName(c), json()));
      if (stated) merged[static_cast<int>(c)] = *stated;
    }
    ctx.out << "    contact in the chain: " << ConsentLine(store, merged) << "\n";
  }
  const json visits = p.value("visits", json::object());
  if (visits.value("count", 0) > 0) {
    ctx.out << "    visits in the chain: " << visits.value("count", 0) << ", last "
            << JsonText(visits["last"]) << " at " << JsonText(visits["last_store"]) << "\n";
  }
  for (const auto& r : p.value("records", json::array())) {
    if (JsonText(r["store_id"]) == site) continue;
    ctx.out << "    also a customer at " << JsonText(r["store_id"]) << ": " << JsonText(r["name"]);
    if (r["member_id"].is_string()) ctx.out << "  member " << r["member_id"].get<std::string>();
    ctx.out << "\n";
  }
  for (const auto& v : p.value("vehicles", json::array())) {
    if (JsonText(v["store_id"]) == site) continue;
    ctx.out << "    vehicle at " << JsonText(v["store_id"]) << ": "
            << (v["plate"].is_string() ? FormatPlateForDisplay(v["plate"].get<std::string>())
                                       : std::string("(no plate)"));
    if (v["vin"].is_string()) ctx.out << "  VIN " << v["vin"].get<std::string>();
    ctx.out << "\n";
  }
  for (const auto& b : p.value("bookings", json::array())) {
    if (JsonText(b["store_id"]) == site) continue;
    ctx.out << "    " << JsonText(b["slot"]) << "  at " << JsonText(b["store_id"]) << "  "
            << JsonText(b["ref"]) << "  " << JsonText(b["status"]) << "  " << JsonText(b["service"])
            << " (" << JsonText(b["channel"]) << ")\n";
  }
}

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

}  // namespace

int RunDesk(int argc, char** argv, std::ostream& out, std::ostream& err) {
  Context ctx{out, err, Env("OUTPOST_DB", "store.db"), Env("OUTPOST_STAFF"), false, nullptr};
  // OUTPOST_NOW pins the desk clock (drills, demos and tests); never set at a real desk.
  auto clock = ClockFromEnvironment();
  if (!clock.ok()) return Fail(ctx, clock.status());
  ctx.clock = std::move(clock).value();

  CLI::App app{"outpost-edge: a branch store's booking desk; works with no network."};
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--db", ctx.db_path, "store database file (env OUTPOST_DB)");
  app.add_option("--staff", ctx.staff, "who is at the desk (env OUTPOST_STAFF)");
  app.add_flag("--json", ctx.json_output, "machine-readable output");

  std::function<int()> action;

  // init
  StoreSettings settings;
  std::string slots_text, capacity_text;
  auto* init = app.add_subcommand("init", "create the store database");
  init->add_option("--store-id", settings.store_id, "store id, unique in the chain")->required();
  init->add_option("--name", settings.name, "store name")->required();
  init->add_option("--tz", settings.time_zone, "IANA time zone")->capture_default_str();
  init->add_option("--slots", slots_text,
                   "slot grid: comma-separated HH:MM, optionally HH:MM=capacity");
  init->add_option("--capacity", capacity_text, "places per slot (default 2)");
  init->add_option("--open-days", settings.open_days, "ISO weekdays open, e.g. 123456")
      ->capture_default_str();
  init->add_option("--min-notice", settings.min_notice_minutes, "minimum notice in minutes")
      ->capture_default_str();
  init->add_option("--priority-notice", settings.priority_notice_minutes,
                   "minutes ahead for priority reception")
      ->capture_default_str();
  init->add_option("--discount-cutoff", settings.discount_cutoff, "HH:MM")->capture_default_str();
  init->add_option("--discount-percent", settings.discount_percent)->capture_default_str();
  init->add_option("--phone-region", settings.phone_region)->capture_default_str();
  init->callback([&] {
    action = [&]() -> int {
      int default_capacity = 2;
      if (!capacity_text.empty()) {
        auto capacity = WholeNumber(capacity_text);
        if (!capacity) {
          return Fail(ctx,
                      Status::InvalidInput("capacity: '" + capacity_text + "' is not a number"));
        }
        default_capacity = *capacity;
      }
      if (!slots_text.empty()) {
        settings.slots.clear();
        for (const auto& item : SplitComma(slots_text)) {
          SlotSpec spec{item, default_capacity};
          if (auto eq = item.find('='); eq != std::string::npos) {
            spec.start_time = item.substr(0, eq);
            auto capacity = WholeNumber(item.substr(eq + 1));
            if (!capacity) {
              return Fail(ctx, Status::InvalidInput("slots: '" + item + "' has no capacity"));
            }
            spec.capacity = *capacity;
          }
          settings.slots.push_back(spec);
        }
      } else {
        for (auto& s : settings.slots) s.capacity = default_capacity;
      }
      auto store = Store::Create(ctx.db_path, settings, *ctx.clock);
      if (!store.ok()) return Fail(ctx, store.status());
      const auto& s = store.value()->settings();
      if (ctx.json_output) {
        ctx.out << json{{"store_id", s.store_id}, {"db", ctx.db_path}}.dump(2) << "\n";
      } else {
        ctx.out << "created store " << s.store_id << " (" << s.name << ") in " << ctx.db_path
                << ", " << s.slots.size() << " slots, time zone " << s.time_zone << "\n";
      }
      return kExitOk;
    };
  });

  // config
  auto* config = app.add_subcommand("config", "show the store's settings and closed dates");
  config->callback([&] {
    action = [&]() -> int {
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      auto calendar = store.value()->Calendar();
      if (!calendar.ok()) return Fail(ctx, calendar.status());
      const StoreSettings& s = calendar->settings;
      // The calendar as it is logged (one codec), closed dates listed for people.
      json j = StoreCalendarFields(calendar.value());
      j.erase("closed");
      j["closed_dates"] = json::array();
      for (const auto& [day, reason] : calendar->closed) {
        j["closed_dates"].push_back({{"date", day}, {"reason", reason}});
      }
      if (ctx.json_output) {
        ctx.out << j.dump(2) << "\n";
        return kExitOk;
      }
      ctx.out << s.store_id << "  " << s.name << "  (" << s.time_zone << ")\n  slots:";
      for (const auto& slot : s.slots) ctx.out << " " << slot.start_time << "x" << slot.capacity;
      ctx.out << "\n  open days " << s.open_days << "; minimum notice " << s.min_notice_minutes
              << " min; priority if booked " << s.priority_notice_minutes << " min ahead; "
              << s.discount_percent << "% labour discount before " << s.discount_cutoff << "\n";
      for (const auto& [day, reason] : calendar->closed)
        ctx.out << "  closed " << day << ": " << reason << "\n";
      return kExitOk;
    };
  });

  // close
  std::string close_date, close_reason;
  auto* close = app.add_subcommand("close", "close the store on a date (holiday, works)");
  close->add_option("date", close_date, "YYYY-MM-DD")->required();
  close->add_option("--reason", close_reason, "why")->required();
  close->callback([&] {
    action = [&]() -> int {
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      auto staff = RequireStaff(ctx);
      if (!staff.ok()) return Fail(ctx, staff.status());
      Status st = store.value()->AddClosedDate(close_date, close_reason, staff.value());
      if (!st.ok()) return Fail(ctx, st);
      if (!ctx.json_output) ctx.out << "closed " << close_date << ": " << close_reason << "\n";
      return kExitOk;
    };
  });

  // customer add | find | show
  auto* customer = app.add_subcommand("customer", "customers: add, find, show");
  customer->require_subcommand(1);
  NewCustomer new_customer;
  NewVehicle new_vehicle;
  std::optional<int64_t> mileage;
  auto* cadd = customer->add_subcommand("add", "add a customer (and their vehicle)");
  cadd->add_option("--name", new_customer.name)->required();
  cadd->add_option("--phone", new_customer.phones, "phone, any format; repeatable")->required();
  cadd->add_option("--member-id", new_customer.member_id);
  cadd->add_flag("--opt-in", new_customer.contact_opt_in, "agrees to be contacted");
  std::vector<std::string> add_channels;
  cadd->add_option("--channel", add_channels,
                   "sms, wechat or call: the channel the opt-in is for; repeatable (default: all)");
  cadd->add_flag("--dnd", new_customer.do_not_disturb, "do not disturb");
  cadd->add_flag("--shared-phone", new_customer.allow_shared_phone,
                 "the phone is shared with another customer (family)");
  cadd->add_option("--plate", new_vehicle.plate);
  cadd->add_option("--vin", new_vehicle.vin);
  cadd->add_option("--mileage", mileage, "km");
  cadd->callback([&] {
    action = [&]() -> int {
      auto staff = RequireStaff(ctx);
      if (!staff.ok()) return Fail(ctx, staff.status());
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      new_vehicle.mileage_km = mileage;
      auto channels = ParseChannels(add_channels);
      if (!channels.ok()) return Fail(ctx, channels.status());
      new_customer.consent_channels = channels.value();
      auto c = store.value()->AddCustomer(new_customer, new_vehicle, staff.value());
      if (!c.ok()) return Fail(ctx, c.status());
      if (ctx.json_output) {
        ctx.out << CustomerJson(c.value()).dump(2) << "\n";
      } else {
        ctx.out << "added ";
        PrintCustomer(ctx, *store.value(), c.value());
      }
      return kExitOk;
    };
  });
  std::string query;
  auto* cfind = customer->add_subcommand("find", "find by phone, plate, VIN, member id or name");
  cfind->add_option("query", query)->required();
  cfind->callback([&] {
    action = [&]() -> int {
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      auto found = store.value()->FindCustomers(query);
      if (!found.ok()) return Fail(ctx, found.status());
      if (ctx.json_output) {
        json arr = json::array();
        for (const auto& c : found.value()) arr.push_back(CustomerJson(c));
        ctx.out << arr.dump(2) << "\n";
      } else if (found.value().empty()) {
        ctx.out << "no customer matches '" << query << "'\n";
      } else {
        for (const auto& c : found.value()) PrintCustomer(ctx, *store.value(), c);
      }
      return kExitOk;
    };
  });
  auto* cshow = customer->add_subcommand("show", "a customer, their vehicles and bookings");
  cshow->add_option("customer", query, "id, id prefix, phone, plate, VIN or member id")->required();
  cshow->callback([&] {
    action = [&]() -> int {
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      auto c = store.value()->ResolveCustomer(query);
      if (!c.ok()) return Fail(ctx, c.status());
      auto bookings = store.value()->CustomerBookings(c.value().id);
      if (!bookings.ok()) return Fail(ctx, bookings.status());
      auto profile = ProfileOfCustomer(store.value()->db(), c.value().id);
      if (!profile.ok()) return Fail(ctx, profile.status());
      if (ctx.json_output) {
        json j = CustomerJson(c.value());
        j["bookings"] = json::array();
        for (const auto& b : bookings.value()) j["bookings"].push_back(BookingJson(b));
        j["unified"] = profile.value() ? json{{"unified_id", profile.value()->unified_id},
                                              {"received_at", profile.value()->received_at},
                                              {"profile", profile.value()->profile}}
                                       : json(nullptr);
        ctx.out << j.dump(2) << "\n";
        return kExitOk;
      }
      PrintCustomer(ctx, *store.value(), c.value());
      for (const auto& b : bookings.value()) {
        ctx.out << "  " << b.slot_date << " " << b.slot_time << "  " << BookingLine(b) << "\n";
      }
      if (profile.value()) {
        PrintUnifiedProfile(ctx, *store.value(), profile.value()->profile,
                            profile.value()->received_at, c.value().do_not_disturb);
      } else {
        ctx.out << "  across the chain: not known yet (head office's profile comes with a sync)\n";
      }
      return kExitOk;
    };
  });

  // customer lookup: a walk-in's phone, here and (when online) at head office.
  std::string lookup_hub, lookup_hub_key, lookup_key;
  int lookup_timeout_ms = 1500;
  auto* clookup = customer->add_subcommand(
      "lookup", "a walk-in's phone: this store's records and head office's (when online)");
  clookup->add_option("phone", query, "the phone as the customer says it")->required();
  clookup->add_option("--hub", lookup_hub, "hub endpoint (default: the one sync uses)");
  clookup->add_option("--hub-key", lookup_hub_key, "the hub's public key file (default: sync's)");
  clookup->add_option("--key", lookup_key, "this store's secret key file (default: sync's)");
  clookup->add_option("--timeout-ms", lookup_timeout_ms, "how long to wait for head office")
      ->capture_default_str();
  clookup->callback([&] {
    action = [&]() -> int {
      auto phone = NormalizePhone(query);
      if (!phone.ok()) return Fail(ctx, phone.status());
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      auto local = store.value()->FindCustomers(phone.value());
      if (!local.ok()) return Fail(ctx, local.status());
      json out = {{"phone", phone.value()}, {"here", json::array()}, {"head_office", nullptr}};
      for (const auto& c : local.value()) out["here"].push_back(CustomerJson(c));
      if (!ctx.json_output) {
        if (local.value().empty()) ctx.out << "not a customer of this store yet\n";
        for (const auto& c : local.value()) PrintCustomer(ctx, *store.value(), c);
      }
      // Head office: the link sync uses, unless given.
      auto remembered = RememberedHubLink(store.value()->db());
      if (!remembered.ok()) return Fail(ctx, remembered.status());
      HubLink link = remembered.value().value_or(HubLink{});
      if (!lookup_hub.empty()) link.endpoint = lookup_hub;
      if (!lookup_hub_key.empty()) link.hub_key_file = lookup_hub_key;
      if (!lookup_key.empty()) link.key_file = lookup_key;
      auto asked = [&]() -> Result<WireLookupReply> {
        if (link.endpoint.empty() || link.hub_key_file.empty() || link.key_file.empty()) {
          return Status::InvalidInput(
              "head office: no hub link known here (run sync once, or give --hub, --hub-key"
              " and --key)");
        }
        ASSIGN_OR_RETURN(SecretKeys keys, LoadSecretKeys(link.key_file));
        ASSIGN_OR_RETURN(PublicKeys hub, LoadPublicKeys(link.hub_key_file));
        ASSIGN_OR_RETURN(auto query_link,
                         HubQuery::Connect(link.endpoint, keys, hub, lookup_timeout_ms));
        return query_link->Lookup(phone.value(), ctx.staff);
      }();
      if (!asked.ok()) {
        // The desk goes on with what it has: this store's records and profiles.
        if (ctx.json_output) ctx.out << out.dump(2) << "\n";
        return Fail(ctx, Status(asked.status().code(),
                                asked.status().message() + " (shown: this store's records only)"));
      }
      out["head_office"] = {{"status", asked->status}, {"customers", json::array()}};
      for (const auto& p : asked->profiles) {
        json body = json::parse(p.profile_json, nullptr, /*allow_exceptions=*/false);
        if (body.is_object()) out["head_office"]["customers"].push_back(body);
      }
      if (ctx.json_output) {
        ctx.out << out.dump(2) << "\n";
        return kExitOk;
      }
      if (asked->status != "ok") ctx.out << "head office: " << asked->status << "\n";
      if (out["head_office"]["customers"].empty()) {
        ctx.out << "head office: no customer with this phone at any store\n";
      }
      for (const auto& body : out["head_office"]["customers"]) {
        ctx.out << "head office knows:\n";
        bool dnd_here = false;
        for (const auto& c : local.value()) dnd_here = dnd_here || c.do_not_disturb;
        PrintUnifiedProfile(ctx, *store.value(), body, "", dnd_here);
      }
      return kExitOk;
    };
  });

  CustomerUpdate customer_update;
  bool opt_in = false, opt_out = false, dnd = false, allow_contact = false;
  auto* cupdate = customer->add_subcommand("update", "consent changes and added phones");
  cupdate->add_option("customer", query, "id, phone, plate, VIN or member id")->required();
  cupdate->add_flag("--opt-in", opt_in, "agrees to be contacted");
  cupdate->add_flag("--opt-out", opt_out, "withdraws consent to be contacted");
  std::vector<std::string> update_channels;
  cupdate->add_option("--channel", update_channels,
                      "sms, wechat or call: the channel the opt-in or opt-out is for;"
                      " repeatable (default: all)");
  cupdate->add_flag("--dnd", dnd, "do not disturb");
  cupdate->add_flag("--allow-contact", allow_contact, "lifts do not disturb");
  cupdate->add_option("--add-phone", customer_update.add_phones, "another phone; repeatable");
  cupdate->callback([&] {
    action = [&]() -> int {
      if (opt_in && opt_out) {
        return Fail(ctx, Status::InvalidInput("consent: --opt-in and --opt-out contradict each"
                                              " other in one command; give one"));
      }
      if (dnd && allow_contact) {
        return Fail(ctx, Status::InvalidInput("consent: --dnd and --allow-contact contradict each"
                                              " other in one command; give one"));
      }
      if (opt_in || opt_out) customer_update.contact_opt_in = opt_in;
      auto channels = ParseChannels(update_channels);
      if (!channels.ok()) return Fail(ctx, channels.status());
      customer_update.consent_channels = channels.value();
      if (dnd || allow_contact) customer_update.do_not_disturb = dnd;
      auto staff = RequireStaff(ctx);
      if (!staff.ok()) return Fail(ctx, staff.status());
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      auto c = store.value()->UpdateCustomer(query, customer_update, staff.value());
      if (!c.ok()) return Fail(ctx, c.status());
      if (ctx.json_output) {
        ctx.out << CustomerJson(c.value()).dump(2) << "\n";
      } else {
        ctx.out << "updated ";
        PrintCustomer(ctx, *store.value(), c.value());
      }
      return kExitOk;
    };
  });

  // vehicle add
  auto* vehicle = app.add_subcommand("vehicle", "vehicles: add");
  vehicle->require_subcommand(1);
  auto* vadd = vehicle->add_subcommand("add", "add or update a customer's vehicle");
  vadd->add_option("customer", query, "id, phone, plate or member id")->required();
  vadd->add_option("--plate", new_vehicle.plate);
  vadd->add_option("--vin", new_vehicle.vin);
  vadd->add_option("--mileage", mileage, "km");
  vadd->callback([&] {
    action = [&]() -> int {
      auto staff = RequireStaff(ctx);
      if (!staff.ok()) return Fail(ctx, staff.status());
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      new_vehicle.mileage_km = mileage;
      auto v = store.value()->AddVehicle(query, new_vehicle, staff.value());
      if (!v.ok()) return Fail(ctx, v.status());
      if (ctx.json_output) {
        ctx.out << json{{"id", v.value().id}, {"customer_id", v.value().customer_id}}.dump(2)
                << "\n";
      } else {
        ctx.out << "vehicle "
                << (v.value().plate ? FormatPlateForDisplay(*v.value().plate) : *v.value().vin)
                << " on record, id " << v.value().id << "\n";
      }
      return kExitOk;
    };
  });

  // book
  BookingRequest request;
  std::string book_phone, book_name;
  auto* book = app.add_subcommand("book", "book a slot");
  book->add_option("--customer", request.customer, "id, phone, plate, VIN or member id");
  book->add_option("--phone", book_phone, "the customer's phone (with --name: new customer)");
  book->add_option("--name", book_name, "name of a new customer");
  book->add_option("--plate", request.vehicle.plate);
  book->add_option("--vin", request.vehicle.vin);
  book->add_option("--mileage", mileage, "km");
  book->add_option("--service", request.service)->capture_default_str();
  book->add_option("--date", request.date, "YYYY-MM-DD, today, tomorrow or +N")->required();
  book->add_option("--slot", request.time, "HH:MM, a slot of the grid")->required();
  book->add_option("--channel", request.channel,
                   "phone, wechat, online, walk-in, call-centre or paper")
      ->capture_default_str();
  book->add_option("--notes", request.notes);
  book->callback([&] {
    action = [&]() -> int {
      auto staff = RequireStaff(ctx);
      if (!staff.ok()) return Fail(ctx, staff.status());
      if (request.customer.empty()) request.customer = book_phone;
      if (request.customer.empty()) {
        return Fail(ctx, Status::InvalidInput("customer: give --customer or --phone"));
      }
      if (!book_name.empty()) {
        if (book_phone.empty()) {
          return Fail(ctx, Status::InvalidInput("phone: a new customer (--name) needs --phone"));
        }
        request.create_customer = NewCustomer{book_name, {book_phone}};
      }
      request.vehicle.mileage_km = mileage;
      request.staff = staff.value();
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      auto b = store.value()->Book(request);
      if (!b.ok()) return Fail(ctx, b.status());
      return PrintBooking(ctx, *store.value(), b.value(), "booked");
    };
  });

  // board
  std::string board_date = "today";
  auto* board = app.add_subcommand("board", "the day's slots, bookings and free places");
  board->add_option("--date", board_date, "YYYY-MM-DD, today, tomorrow or +N")
      ->capture_default_str();
  board->callback([&] {
    action = [&]() -> int {
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      auto day = store.value()->DayBoard(board_date);
      if (!day.ok()) return Fail(ctx, day.status());
      const Board& bd = day.value();
      if (ctx.json_output) {
        json slots = json::array();
        for (const auto& s : bd.slots) {
          json bookings = json::array();
          for (const auto& b : s.bookings) bookings.push_back(BookingJson(b));
          slots.push_back({{"time", s.time},
                           {"capacity", s.capacity},
                           {"free", s.free},
                           {"bookings", bookings}});
        }
        json released = json::array();
        for (const auto& b : bd.released) released.push_back(BookingJson(b));
        json to_move = json::array();
        for (const auto& b : bd.needs_reschedule) to_move.push_back(BookingJson(b));
        ctx.out << json{{"store_id", store.value()->settings().store_id},
                        {"date", bd.date},
                        {"open", bd.open},
                        {"closed_reason", bd.open ? json(nullptr) : json(bd.closed_reason)},
                        {"slots", slots},
                        {"released", released},
                        {"needs_reschedule", to_move}}
                       .dump(2)
                << "\n";
        return kExitOk;
      }
      const auto& s = store.value()->settings();
      ctx.out << s.store_id << " " << s.name << " - board for " << bd.date;
      if (!bd.open) ctx.out << "  CLOSED: " << bd.closed_reason;
      ctx.out << "\n";
      int free_total = 0;
      for (const auto& slot : bd.slots) {
        free_total += slot.free;
        ctx.out << slot.time << "  " << slot.free << " free of " << slot.capacity << "\n";
        for (const auto& b : slot.bookings) ctx.out << "    " << BookingLine(b) << "\n";
      }
      for (const auto& b : bd.needs_reschedule) {
        ctx.out << "  NEEDS RESCHEDULE " << b.slot_time << "  " << BookingLine(b) << "\n";
      }
      for (const auto& b : bd.released) {
        ctx.out << "  released " << b.slot_time << "  " << BookingLine(b);
        if (b.cancel_reason) ctx.out << "  (" << *b.cancel_reason << ")";
        ctx.out << "\n";
      }
      ctx.out << (bd.open ? std::to_string(free_total) : std::string("0")) << " places free\n";
      return kExitOk;
    };
  });

  // booking show
  std::string booking_ref;
  auto* booking = app.add_subcommand("booking", "bookings: show (with history)");
  booking->require_subcommand(1);
  auto* bshow = booking->add_subcommand("show", "a booking and every change to it");
  bshow->add_option("booking", booking_ref, "ref (261124-3) or id")->required();
  bshow->callback([&] {
    action = [&]() -> int {
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      auto b = store.value()->GetBooking(booking_ref);
      if (!b.ok()) return Fail(ctx, b.status());
      auto history = store.value()->History(b.value().id);
      if (!history.ok()) return Fail(ctx, history.status());
      if (ctx.json_output) {
        json j = BookingJson(b.value());
        j["history"] = json::array();
        for (const auto& h : history.value()) {
          j["history"].push_back({{"seq", h.seq},
                                  {"at", h.at},
                                  {"staff", h.staff},
                                  {"action", h.action},
                                  {"from", OptionalJson(h.from_status)},
                                  {"to", h.to_status},
                                  {"changes", json::parse(h.changes_json)},
                                  {"reason", OptionalJson(h.reason)}});
        }
        ctx.out << j.dump(2) << "\n";
        return kExitOk;
      }
      PrintBooking(ctx, *store.value(), b.value(), "booking");
      for (const auto& h : history.value()) {
        ctx.out << "  " << LocalText(*store.value(), h.at) << "  " << h.staff << "  " << h.action
                << "  " << (h.from_status ? *h.from_status : "-") << " -> " << h.to_status;
        if (h.reason) ctx.out << "  (" << *h.reason << ")";
        ctx.out << "\n";
      }
      return kExitOk;
    };
  });

  // lifecycle transitions
  std::string reason;
  auto add_transition = [&](const char* name, const char* help, const char* verb, bool needs_reason,
                            auto method) {
    auto* sub = app.add_subcommand(name, help);
    sub->add_option("booking", booking_ref, "ref (261124-3) or id")->required();
    auto* opt = sub->add_option("--reason", reason, "why");
    if (needs_reason) opt->required();
    sub->callback([&, verb, method] {
      action = [&, verb, method]() -> int {
        auto staff = RequireStaff(ctx);
        if (!staff.ok()) return Fail(ctx, staff.status());
        auto store = OpenStore(ctx);
        if (!store.ok()) return Fail(ctx, store.status());
        auto b = method(*store.value(), booking_ref, reason, staff.value());
        if (!b.ok()) return Fail(ctx, b.status());
        return PrintBooking(ctx, *store.value(), b.value(), verb);
      };
    });
    return sub;
  };
  add_transition("confirm", "the customer confirmed (2 h call)", "confirmed", false,
                 [](Store& s, const std::string& b, const std::string&, const std::string& who) {
                   return s.Confirm(b, who);
                 });
  add_transition("check-in", "the customer arrived", "checked in", false,
                 [](Store& s, const std::string& b, const std::string&, const std::string& who) {
                   return s.CheckIn(b, who);
                 });
  add_transition("start", "service started", "started", false,
                 [](Store& s, const std::string& b, const std::string&, const std::string& who) {
                   return s.StartService(b, who);
                 });
  add_transition("complete", "service completed", "completed", false,
                 [](Store& s, const std::string& b, const std::string&, const std::string& who) {
                   return s.Complete(b, who);
                 });
  add_transition("cancel", "cancel a booking (reason required)", "cancelled", true,
                 [](Store& s, const std::string& b, const std::string& why,
                    const std::string& who) { return s.Cancel(b, why, who); });
  add_transition("no-show", "the customer did not come", "no-show", false,
                 [](Store& s, const std::string& b, const std::string&, const std::string& who) {
                   return s.NoShow(b, who);
                 });
  std::string new_date, new_slot;
  auto* resched = add_transition(
      "reschedule", "move a booking to another slot (keeps the link)", "rescheduled as", false,
      [&](Store& s, const std::string& b, const std::string& why, const std::string& who) {
        return s.Reschedule(b, new_date, new_slot, why, who);
      });
  resched->add_option("--date", new_date, "YYYY-MM-DD, today, tomorrow or +N")->required();
  resched->add_option("--slot", new_slot, "HH:MM")->required();

  // sync: the store's sync process (never the desk's): sends the change log to the hub.
  std::string hub_endpoint, hub_key_path, key_path;
  bool once = false;
  int seconds = 0, reply_timeout_ms = 2000;
  auto* sync =
      app.add_subcommand("sync", "send this store's changes to the hub (runs until stopped)");
  sync->add_option("--hub", hub_endpoint, "hub endpoint, e.g. tcp://127.0.0.1:7700")->required();
  sync->add_option("--hub-key", hub_key_path, "the hub's public key file (HUB.pub)")->required();
  sync->add_option("--key", key_path, "this store's secret key file (SITE.key)")->required();
  sync->add_flag("--once", once, "one exchange, then exit (0 if the hub answered)");
  sync->add_option("--seconds", seconds, "stop after this many seconds");
  sync->add_option("--reply-timeout-ms", reply_timeout_ms, "how long to wait for the hub's answer")
      ->capture_default_str();
  sync->callback([&] {
    action = [&]() -> int {
      auto keys = LoadSecretKeys(key_path);
      if (!keys.ok()) return Fail(ctx, keys.status());
      auto hub_key = LoadPublicKeys(hub_key_path);
      if (!hub_key.ok()) return Fail(ctx, hub_key.status());
      auto client = SyncClient::Create(ctx.db_path, hub_endpoint, keys.value(), hub_key.value(),
                                       *ctx.clock, reply_timeout_ms);
      if (!client.ok()) return Fail(ctx, client.status());
      {
        // The desk's walk-in look-ups ask the same hub with the same keys.
        auto store = OpenStore(ctx);
        Status remembered = store.ok() ? RememberHubLink(store.value()->db(),
                                                         {hub_endpoint, AbsolutePath(hub_key_path),
                                                          AbsolutePath(key_path)})
                                       : store.status();
        if (!remembered.ok()) return Fail(ctx, remembered);
      }
      if (once) {
        Status st = client.value()->RunOnce();
        return st.ok() ? kExitOk : Fail(ctx, st);
      }
      std::signal(SIGTERM, OnStopSignal);
      std::signal(SIGINT, OnStopSignal);
      std::thread timer;
      if (seconds > 0) {
        timer = std::thread([seconds] {
          for (int i = 0; i < seconds * 10 && !g_stop.load(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
          g_stop.store(true);
        });
      }
      client.value()->Run(g_stop, &ctx.err);  // the sync process's log: its troubles
      if (timer.joinable()) timer.join();
      return kExitOk;
    };
  });

  // conflicts list | show | resolve: this store's cases.
  auto* conflicts =
      app.add_subcommand("conflicts", "conflict cases at this store: list, show, resolve");
  conflicts->require_subcommand(1);
  bool all_cases = false, keep_booking = false;
  std::string case_ref, resolution;
  auto* clist = conflicts->add_subcommand("list", "open cases (--all: resolved ones too)");
  clist->add_flag("--all", all_cases, "include resolved cases");
  clist->callback([&] {
    action = [&]() -> int {
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      auto cases = store.value()->Cases(!all_cases);
      if (!cases.ok()) return Fail(ctx, cases.status());
      if (ctx.json_output) {
        json arr = json::array();
        for (const auto& c : cases.value()) arr.push_back(CaseJson(c));
        ctx.out << arr.dump(2) << "\n";
        return kExitOk;
      }
      if (cases.value().empty()) ctx.out << (all_cases ? "no cases\n" : "no open cases\n");
      for (const auto& c : cases.value()) {
        ctx.out << c.ref << "  " << c.status << "  " << c.kind << "  " << c.summary << "  ("
                << c.contacts.size() << " to call)\n";
      }
      return kExitOk;
    };
  });
  auto* cshow_case = conflicts->add_subcommand("show", "a case: bookings, whom to call and why");
  cshow_case->add_option("case", case_ref, "case ref (C-261124-1) or id")->required();
  cshow_case->callback([&] {
    action = [&]() -> int {
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      auto c = store.value()->GetCase(case_ref);
      if (!c.ok()) return Fail(ctx, c.status());
      if (ctx.json_output) {
        ctx.out << CaseJson(c.value()).dump(2) << "\n";
        return kExitOk;
      }
      const ConflictCase& k = c.value();
      ctx.out << k.ref << "  " << k.kind << "  " << k.status << "\n  " << k.summary << "\n  opened "
              << LocalText(*store.value(), k.opened_at) << " by " << k.opened_by << " (" << k.source
              << ")\n";
      for (const auto& id : k.booking_ids) {
        auto b = store.value()->GetBooking(id);
        if (b.ok()) {
          ctx.out << "  " << b.value().slot_date << " " << b.value().slot_time << "  "
                  << BookingLine(b.value())
                  << (b.value().needs_reschedule ? "  NEEDS RESCHEDULE" : "") << "\n";
        }
      }
      for (const auto& x : k.contacts) {
        ctx.out << "  call " << x.name << "  "
                << (x.phone.empty() ? std::string("(no phone)") : FormatPhoneForDisplay(x.phone))
                << "  " << x.booking_ref << ": " << x.why << "\n";
      }
      if (k.resolution) {
        ctx.out << "  resolved " << LocalText(*store.value(), *k.resolved_at) << " by "
                << *k.resolved_by << ": " << *k.resolution << "\n";
      }
      return kExitOk;
    };
  });
  auto* cresolve = conflicts->add_subcommand("resolve", "close a case with what was done");
  cresolve->add_option("case", case_ref, "case ref (C-261124-1) or id")->required();
  cresolve->add_option("--note", resolution, "what was done (called, moved to 15:00, ...)")
      ->required();
  cresolve->add_flag("--keep", keep_booking,
                     "keep bookings still needing a reschedule in their slot, over capacity");
  cresolve->callback([&] {
    action = [&]() -> int {
      auto staff = RequireStaff(ctx);
      if (!staff.ok()) return Fail(ctx, staff.status());
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      auto c = store.value()->ResolveCase(case_ref, resolution, keep_booking, staff.value());
      if (!c.ok()) return Fail(ctx, c.status());
      if (ctx.json_output) {
        ctx.out << CaseJson(c.value()).dump(2) << "\n";
      } else {
        ctx.out << "resolved " << c.value().ref << ": " << resolution << "\n";
      }
      return kExitOk;
    };
  });

  // paper print | template | import: the outage fallback.
  auto* paper =
      app.add_subcommand("paper", "paper fallback: print day sheets, import transcribed forms");
  paper->require_subcommand(1);
  PrintOptions print_options;
  std::string print_out;
  auto* pprint =
      paper->add_subcommand("print", "a printable day sheet with pre-numbered blank forms (HTML)");
  pprint->add_option("--date", print_options.date, "YYYY-MM-DD, today, tomorrow or +N")->required();
  pprint->add_option("--forms", print_options.blank_forms, "blank forms to print")
      ->capture_default_str();
  pprint->add_option("--out", print_out, "file to write (default: sheet-STORE-DATE.html)");
  pprint->add_flag("--full-phones", print_options.full_phones,
                   "print whole phone numbers (default: last four digits)");
  pprint->callback([&] {
    action = [&]() -> int {
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      print_options.staff = ctx.staff;
      auto sheet = PrintDaySheet(*store.value(), print_options);
      if (!sheet.ok()) return Fail(ctx, sheet.status());
      if (print_out.empty()) {
        print_out =
            "sheet-" + store.value()->settings().store_id + "-" + sheet.value().date + ".html";
      }
      // The sheet lists the day's customers: owner-only, like every file with personal data.
      Status written = WritePrivateFile(print_out, sheet.value().html);
      if (!written.ok()) return Fail(ctx, Status::IoError("out: " + written.message()));
      if (ctx.json_output) {
        ctx.out << json{{"file", print_out},
                        {"date", sheet.value().date},
                        {"first_form", sheet.value().first_form},
                        {"last_form", sheet.value().last_form}}
                       .dump(2)
                << "\n";
      } else {
        ctx.out << "wrote " << print_out << ": day sheet for " << sheet.value().date;
        if (!sheet.value().first_form.empty()) {
          ctx.out << ", forms " << sheet.value().first_form << " to " << sheet.value().last_form;
        }
        ctx.out << "\n";
      }
      return kExitOk;
    };
  });
  auto* ptemplate = paper->add_subcommand("template", "the header line of the import file (CSV)");
  ptemplate->callback([&] {
    action = [&]() -> int {
      ctx.out << PaperTemplateCsv();
      return kExitOk;
    };
  });
  ImportOptions import_options;
  std::string report_html;
  auto* pimport = paper->add_subcommand(
      "import", "import transcribed forms (CSV/TSV, UTF-8 or GB18030); a dry run unless --commit");
  pimport->add_option("file", import_options.path, "the transcribed forms")->required();
  pimport->add_flag("--commit", import_options.commit, "write the valid rows (one transaction)");
  pimport->add_option("--rejects", import_options.rejects_path,
                      "where to write rejected rows (default FILE.rejects.csv)");
  pimport->add_option("--html", report_html, "also write the report as HTML");
  pimport->callback([&] {
    action = [&]() -> int {
      auto staff = RequireStaff(ctx);
      if (!staff.ok()) return Fail(ctx, staff.status());
      auto store = OpenStore(ctx);
      if (!store.ok()) return Fail(ctx, store.status());
      import_options.operator_name = staff.value();
      auto report = ImportPaper(*store.value(), import_options);
      if (!report.ok()) return Fail(ctx, report.status());
      if (!report_html.empty()) {
        Status written = WritePrivateFile(
            report_html, ReportHtml(report.value(), store.value()->settings().name));
        if (!written.ok()) return Fail(ctx, Status::IoError("html: " + written.message()));
      }
      if (ctx.json_output) {
        ctx.out << ReportJson(report.value()).dump(2) << "\n";
      } else {
        ctx.out << ReportText(report.value());
      }
      // Rejected rows are bad input: say so in the exit status (the valid rows
      // were still imported with --commit).
      return report.value().rejected.empty() ? kExitOk : kExitUsage;
    };
  });

  // status: where this store stands with the hub (read only; works offline).
  auto* status =
      app.add_subcommand("status", "sync state: online or offline since, changes waiting");
  status->callback([&] {
    action = [&]() -> int {
      auto store = OpenStore(ctx);  // applies migrations, checks the file
      if (!store.ok()) return Fail(ctx, store.status());
      Db::Options options;
      options.create_if_missing = false;
      auto db = Db::Open(ctx.db_path, options);
      if (!db.ok()) return Fail(ctx, db.status());
      auto state = ReadSyncStatus(*db.value());
      if (!state.ok()) return Fail(ctx, state.status());
      const SyncStatus& s = state.value();
      const std::string site = store.value()->settings().store_id;
      auto refused_st = db.value()->Prepare(
          "SELECT count(*) FROM hub_requests"
          " WHERE outcome = 'refused'");
      int64_t refused = 0;
      if (refused_st.ok()) {
        auto row = refused_st->Step();
        if (row.ok() && row.value()) refused = refused_st->Int(0);
      }
      const char* mode = s.offline_since ? "offline" : s.last_contact ? "online" : "never synced";
      if (ctx.json_output) {
        ctx.out << json{{"store_id", site},
                        {"state", mode},
                        {"last_seq", s.last_seq},
                        {"hub_acked_seq", s.hub_acked_seq},
                        {"waiting", s.waiting()},
                        {"log_head", s.log_head},
                        {"last_contact", OptionalJson(s.last_contact)},
                        {"offline_since", OptionalJson(s.offline_since)},
                        {"last_status", OptionalJson(s.last_status)},
                        {"requests_refused", refused}}
                       .dump(2)
                << "\n";
        return kExitOk;
      }
      ctx.out << site << ": ";
      if (s.offline_since) {
        ctx.out << "offline since " << LocalText(*store.value(), *s.offline_since);
      } else if (s.last_contact) {
        ctx.out << "online, last contact " << LocalText(*store.value(), *s.last_contact);
      } else {
        ctx.out << "never synced";
      }
      ctx.out << ", " << s.waiting() << " changes waiting";
      if (refused > 0) ctx.out << "; " << refused << " call-centre requests refused here";
      if (s.last_status && *s.last_status != "ok") ctx.out << " (" << *s.last_status << ")";
      ctx.out << "\n";
      return kExitOk;
    };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    err << "outpost-edge: usage: " << e.what() << " (try --help)\n";
    return kExitUsage;
  }
  if (!action) {
    err << "outpost-edge: usage: name a subcommand (try --help)\n";
    return kExitUsage;
  }
  return action();
}

}  // namespace outpost::edge
