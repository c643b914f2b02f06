// outpost-edge customer add | find | show | lookup | update, vehicle add.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <ostream>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"
#include "edge/hub_link.h"
#include "edge/profiles.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/model/profile.h"
#include "sync/normalize.h"

namespace outpost::edge::cli {
namespace {

using nlohmann::json;

// --channel values: "sms", "wechat", "call"; none given: all three (empty).
Result<std::vector<ContactChannel>> ParseChannels(const std::vector<std::string>& names) {
  std::vector<ContactChannel> out;
  for (const auto& name : names) {
    auto channel = ParseContactChannel(name);
    if (!channel) {
      return Status::InvalidInput(std::string("channel: '") + name +
                                  "' is not a contact channel (sms, wechat or call)")
          .WithShown(i18n::Format("channel: '{0}' is not a contact channel (sms, wechat or call)",
                                  {name}));
    }
    if (std::find(out.begin(), out.end(), *channel) == out.end()) out.push_back(*channel);
  }
  return out;
}

// The chain's newest consent statement per channel (a profile from an older hub has none).
void PrintChainConsent(const DeskRun& run, const Store& store,
                       const model::ProfileConsent& consent) {
  if (!consent.channels) return;
  model::ChannelConsent merged;  // explicit statements only: "not asked" carries no details
  for (ContactChannel c : kContactChannels) {
    const ConsentStatement& stated = (*consent.channels)[static_cast<int>(c)];
    if (stated.choice != ContactChoice::kNotAsked) merged[static_cast<int>(c)] = stated;
  }
  run.out << "    " << i18n::Format("contact in the chain: {0}", {ConsentLine(store, merged)})
          << "\n";
}

// The records, vehicles and bookings the profile lists at other stores.
void PrintElsewhere(const DeskRun& run, const std::string& site, const model::Profile& p) {
  std::ostream& out = run.out;
  for (const auto& r : p.records) {
    if (r.store_id == site) continue;
    out << "    " << i18n::Format("also a customer at {0}: {1}", {r.store_id, r.name});
    if (r.member_id) out << "  " << i18n::Format("member {0}", {*r.member_id});
    out << "\n";
  }
  for (const auto& v : p.vehicles) {
    if (v.store_id == site) continue;
    out << "    " << i18n::Format("vehicle at {0}: ", {v.store_id})
        << (v.plate ? FormatPlateForDisplay(*v.plate) : i18n::Tr("(no plate)"));
    if (v.vin) out << "  VIN " << *v.vin;
    out << "\n";
  }
  for (const auto& b : p.bookings) {
    if (b.store_id == site) continue;
    out << "    " << b.slot << "  " << i18n::Format("at {0}", {b.store_id}) << "  " << b.ref << "  "
        << b.status << "  " << b.service << " (" << b.channel << ")\n";
  }
}

// What head office knows of the customer at other stores (edge/profiles.h):
// shown from the store's copy, so it works with no network.
void PrintUnifiedProfile(const DeskRun& run, const Store& store, const model::Profile& p,
                         const std::string& received_at, bool do_not_disturb_here) {
  run.out << "  "
          << i18n::Format("across the chain: {0}, known at {1} store(s)",
                          {p.unified_id, std::to_string(p.stores)});
  if (!received_at.empty())
    run.out << "  " << i18n::Format("(head office, as of {0})", {store.LocalText(received_at)});
  run.out << "\n";
  if (p.consent.do_not_disturb && !do_not_disturb_here) {
    run.out << "    " << i18n::Tr("DO NOT CONTACT: asked for at another store (applies here too)")
            << "\n";
  }
  PrintChainConsent(run, store, p.consent);
  if (p.visits.count > 0) {
    run.out << "    "
            << i18n::Format("visits in the chain: {0}, last {1} at {2}",
                            {std::to_string(p.visits.count), p.visits.last.value_or(""),
                             p.visits.last_store.value_or("")})
            << "\n";
  }
  if (p.segment) {
    const model::ProfileSegment& seg = *p.segment;
    run.out << "    分群 segment: 价值 value " << seg.value_tier << ", 频次 frequency "
            << seg.frequency_tier << ", 阶段 lifecycle " << seg.lifecycle << ", RFM R"
            << seg.recency_score << " F" << seg.frequency_score << " M" << seg.monetary_score
            << "\n";
  }
  PrintElsewhere(run, store.settings().store_id, p);
}

// Prints the customer as added or updated: JSON, or "<verb> " and the customer.
int PrintChanged(const DeskRun& run, const Store& store, const Customer& c,
                 const std::string& verb) {
  if (run.flags.json) {
    run.out << CustomerJson(c).dump(2) << "\n";
  } else {
    run.out << verb << " ";
    PrintCustomer(run, store, c);
  }
  return kExitOk;
}

}  // namespace

CustomerCommands::CustomerCommands(CLI::App& app) {
  customer_ = app.add_subcommand("customer", "customers: add, find, show");
  customer_->require_subcommand(1);
  AddCustomerFlags(*customer_);
  auto* vehicle = app.add_subcommand("vehicle", "vehicles: add");
  vehicle->require_subcommand(1);
  vehicle_add_ = vehicle->add_subcommand("add", "add or update a customer's vehicle");
  vehicle_add_->add_option("customer", query_, "id, phone, plate or member id")->required();
  vehicle_add_->add_option("--plate", new_vehicle_.plate);
  vehicle_add_->add_option("--vin", new_vehicle_.vin);
  vehicle_add_->add_option("--mileage", mileage_, "km");
  vehicle_add_->add_option("--inspection-due", new_vehicle_.inspection_due,
                           "annual inspection due date, YYYY-MM-DD (care call)");
  vehicle_add_->add_option("--insurance-due", new_vehicle_.insurance_due,
                           "insurance renewal date, YYYY-MM-DD (care call)");
  // A dealership's SA records the sale of a car: its two follow-up calls.
  purchase_ = app.add_subcommand(
      "purchase", "a customer bought a vehicle: the 3-day call and the run-in reminder");
  purchase_->add_option("--customer", purchase_input_.customer, "id, phone or member id")
      ->required();
  purchase_->add_option("--plate", purchase_input_.plate, "the vehicle bought, by plate");
  purchase_->add_option("--vin", purchase_input_.vin, "... or by VIN (a new car: no plate yet)");
  purchase_->add_option("--on", purchase_input_.on, "the day of the purchase (default today)");
}

void CustomerCommands::AddCustomerFlags(CLI::App& customer) {
  add_ = customer.add_subcommand("add", "add a customer (and their vehicle)");
  add_->add_option("--name", new_customer_.name)->required();
  add_->add_option("--phone", new_customer_.phones, "phone, any format; repeatable")->required();
  add_->add_option("--member-id", new_customer_.member_id);
  add_->add_flag("--opt-in", new_customer_.contact_opt_in, "agrees to be contacted");
  add_->add_option("--channel", add_channels_,
                   "sms, wechat or call: the channel the opt-in is for; repeatable (default: all)");
  add_->add_flag("--dnd", new_customer_.do_not_disturb, "do not disturb");
  add_->add_flag("--shared-phone", new_customer_.allow_shared_phone,
                 "the phone is shared with another customer (family)");
  add_->add_option("--plate", new_vehicle_.plate);
  add_->add_option("--vin", new_vehicle_.vin);
  add_->add_option("--mileage", mileage_, "km");
  add_->add_option("--birthday", new_customer_.birthday, "MM-DD or YYYY-MM-DD (care call)");
  add_->add_option("--inspection-due", new_vehicle_.inspection_due,
                   "the vehicle's annual inspection due date, YYYY-MM-DD");
  add_->add_option("--insurance-due", new_vehicle_.insurance_due,
                   "the vehicle's insurance renewal date, YYYY-MM-DD");

  find_ = customer.add_subcommand("find", "find by phone, plate, VIN, member id or name");
  find_->add_option("query", query_)->required();
  show_ = customer.add_subcommand("show", "a customer, their vehicles and bookings");
  show_->add_option("customer", query_, "id, id prefix, phone, plate, VIN or member id")
      ->required();

  // lookup: a walk-in's phone, here and (when online) at head office.
  lookup_ = customer.add_subcommand(
      "lookup", "a walk-in's phone: this store's records and head office's (when online)");
  lookup_->add_option("phone", query_, "the phone as the customer says it")->required();
  lookup_->add_option("--hub", lookup_hub_, "hub endpoint (default: the one sync uses)");
  lookup_->add_option("--hub-key", lookup_hub_key_, "the hub's public key file (default: sync's)");
  lookup_->add_option("--key", lookup_key_, "this store's secret key file (default: sync's)");
  lookup_->add_option("--timeout-ms", lookup_timeout_ms_, "how long to wait for head office")
      ->capture_default_str();

  update_ = customer.add_subcommand("update", "consent changes and added phones");
  update_->add_option("customer", query_, "id, phone, plate, VIN or member id")->required();
  update_->add_flag("--opt-in", opt_in_, "agrees to be contacted");
  update_->add_flag("--opt-out", opt_out_, "withdraws consent to be contacted");
  update_->add_option("--channel", update_channels_,
                      "sms, wechat or call: the channel the opt-in or opt-out is for;"
                      " repeatable (default: all)");
  update_->add_flag("--dnd", dnd_, "do not disturb");
  update_->add_flag("--allow-contact", allow_contact_, "lifts do not disturb");
  update_->add_option("--add-phone", customer_update_.add_phones, "another phone; repeatable");
  update_->add_option("--birthday", customer_update_.birthday, "MM-DD or YYYY-MM-DD (care call)");
}

bool CustomerCommands::parsed() const {
  return customer_->parsed() || vehicle_add_->parsed() || purchase_->parsed();
}

int CustomerCommands::Run(const DeskRun& run) {
  if (add_->parsed()) return RunAdd(run);
  if (find_->parsed()) return RunFind(run);
  if (show_->parsed()) return RunShow(run);
  if (lookup_->parsed()) return RunLookup(run);
  if (update_->parsed()) return RunUpdate(run);
  if (purchase_->parsed()) return RunPurchase(run);
  return RunVehicleAdd(run);
}

int CustomerCommands::RunAdd(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  new_vehicle_.mileage_km = mileage_;
  auto channels = ParseChannels(add_channels_);
  if (!channels.ok()) return Fail(run, channels.status());
  new_customer_.consent_channels = channels.value();
  auto c = store.value()->AddCustomer(new_customer_, new_vehicle_, staff.value());
  if (!c.ok()) return Fail(run, c.status());
  return PrintChanged(run, *store.value(), c.value(), i18n::Tr("added"));
}

int CustomerCommands::RunFind(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto found = store.value()->FindCustomers(query_);
  if (!found.ok()) return Fail(run, found.status());
  if (run.flags.json) {
    json arr = json::array();
    for (const auto& c : found.value()) arr.push_back(CustomerJson(c));
    run.out << arr.dump(2) << "\n";
  } else if (found.value().empty()) {
    run.out << i18n::Format("no customer matches '{0}'", {query_}) << "\n";
  } else {
    for (const auto& c : found.value()) PrintCustomer(run, *store.value(), c);
  }
  return kExitOk;
}

int CustomerCommands::RunShow(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto c = store.value()->ResolveCustomer(query_);
  if (!c.ok()) return Fail(run, c.status());
  auto bookings = store.value()->CustomerBookings(c.value().id);
  if (!bookings.ok()) return Fail(run, bookings.status());
  auto profile = store.value()->CustomerProfile(c.value().id);
  if (!profile.ok()) return Fail(run, profile.status());
  const std::optional<HeldProfile>& held = profile.value();
  // The tracking sheet warns staff at the customer's next visit.
  auto complaints = store.value()->OpenComplaints(c.value().id);
  if (!complaints.ok()) return Fail(run, complaints.status());
  if (run.flags.json) {
    json j = CustomerJson(c.value());
    j["open_complaints"] = json::array();
    for (const auto& t : complaints.value()) j["open_complaints"].push_back(model::TaskJson(t));
    j["bookings"] = json::array();
    for (const auto& b : bookings.value()) j["bookings"].push_back(BookingJson(b));
    j["unified"] = held ? json{{"unified_id", held->unified_id},
                               {"received_at", held->received_at},
                               {"profile", model::ProfileJson(held->profile)}}
                        : json(nullptr);
    run.out << j.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& t : complaints.value()) {
    run.out << ComplaintWarning(*store.value(), t) << "\n";
  }
  PrintCustomer(run, *store.value(), c.value());
  for (const auto& b : bookings.value()) {
    run.out << "  " << b.slot_date << " " << b.slot_time << "  " << BookingLine(b) << "\n";
  }
  if (held) {
    PrintUnifiedProfile(run, *store.value(), held->profile, held->received_at,
                        c.value().do_not_disturb);
  } else {
    run.out << "  "
            << i18n::Tr("across the chain: not known yet (head office's profile comes with a sync)")
            << "\n";
  }
  return kExitOk;
}

int CustomerCommands::RunLookup(const DeskRun& run) {
  auto phone = NormalizePhone(query_);
  if (!phone.ok()) return Fail(run, phone.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto local = store.value()->FindCustomers(phone.value());
  if (!local.ok()) return Fail(run, local.status());
  json shown = {{"phone", phone.value()}, {"here", json::array()}, {"head_office", nullptr}};
  for (const auto& c : local.value()) shown["here"].push_back(CustomerJson(c));
  if (!run.flags.json) {
    if (local.value().empty()) run.out << i18n::Tr("not a customer of this store yet") << "\n";
    for (const auto& c : local.value()) PrintCustomer(run, *store.value(), c);
  }
  // Head office: the link sync uses, unless given.
  auto remembered = store.value()->SavedHubLink();
  if (!remembered.ok()) return Fail(run, remembered.status());
  HubLink link = remembered.value().value_or(HubLink{});
  if (!lookup_hub_.empty()) link.endpoint = lookup_hub_;
  if (!lookup_hub_key_.empty()) link.hub_key_file = lookup_hub_key_;
  if (!lookup_key_.empty()) link.key_file = lookup_key_;
  auto asked = [&]() -> Result<WireLookupReply> {
    if (link.endpoint.empty() || link.hub_key_file.empty() || link.key_file.empty()) {
      return Status::InvalidInput(
          "head office: no hub link known here (run sync once, or give --hub, --hub-key"
          " and --key)");
    }
    ASSIGN_OR_RETURN(SecretKeys keys, LoadSecretKeys(link.key_file));
    ASSIGN_OR_RETURN(PublicKeys hub, LoadPublicKeys(link.hub_key_file));
    ASSIGN_OR_RETURN(auto query_link,
                     HubQuery::Connect(link.endpoint, keys, hub, lookup_timeout_ms_));
    return query_link->Lookup(phone.value(), run.flags.staff);
  }();
  if (!asked.ok()) {
    // The desk goes on with what it has: this store's records and profiles.
    if (run.flags.json) run.out << shown.dump(2) << "\n";
    return Fail(run, Status(asked.status().code(),
                            asked.status().message() + " (shown: this store's records only)")
                         .WithShown(asked.status().shown() +
                                    i18n::Tr(" (shown: this store's records only)")));
  }
  shown["head_office"] = {{"status", asked->status}, {"customers", json::array()}};
  // A profile that does not read is left out, as the look-up's answer is advice.
  std::vector<model::Profile> known;
  for (const auto& p : asked->profiles) {
    auto body = model::ParseProfile(p.profile_json);
    if (!body.ok()) continue;
    shown["head_office"]["customers"].push_back(model::ProfileJson(body.value()));
    known.push_back(std::move(body).value());
  }
  if (run.flags.json) {
    run.out << shown.dump(2) << "\n";
    return kExitOk;
  }
  if (asked->status != "ok") run.out << i18n::Format("head office: {0}", {asked->status}) << "\n";
  if (known.empty()) {
    run.out << i18n::Tr("head office: no customer with this phone at any store") << "\n";
  }
  bool dnd_here = false;
  for (const auto& c : local.value()) dnd_here = dnd_here || c.do_not_disturb;
  for (const auto& p : known) {
    run.out << i18n::Tr("head office knows:") << "\n";
    PrintUnifiedProfile(run, *store.value(), p, "", dnd_here);
  }
  return kExitOk;
}

int CustomerCommands::RunUpdate(const DeskRun& run) {
  if (opt_in_ && opt_out_) {
    return Fail(run, Status::InvalidInput("consent: --opt-in and --opt-out contradict each"
                                          " other in one command; give one"));
  }
  if (dnd_ && allow_contact_) {
    return Fail(run, Status::InvalidInput("consent: --dnd and --allow-contact contradict each"
                                          " other in one command; give one"));
  }
  if (opt_in_ || opt_out_) customer_update_.contact_opt_in = opt_in_;
  auto channels = ParseChannels(update_channels_);
  if (!channels.ok()) return Fail(run, channels.status());
  customer_update_.consent_channels = channels.value();
  if (dnd_ || allow_contact_) customer_update_.do_not_disturb = dnd_;
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto c = store.value()->UpdateCustomer(query_, customer_update_, staff.value());
  if (!c.ok()) return Fail(run, c.status());
  return PrintChanged(run, *store.value(), c.value(), i18n::Tr("updated"));
}

int CustomerCommands::RunVehicleAdd(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  new_vehicle_.mileage_km = mileage_;
  auto v = store.value()->AddVehicle(query_, new_vehicle_, staff.value());
  if (!v.ok()) return Fail(run, v.status());
  if (run.flags.json) {
    run.out << json{{"id", v.value().id},
                    {"customer_id", v.value().customer_id},
                    {"inspection_due", OptionalJson(v.value().inspection_due)},
                    {"insurance_due", OptionalJson(v.value().insurance_due)}}
                   .dump(2)
            << "\n";
  } else {
    run.out << i18n::Format(
                   "vehicle {0} on record, id {1}",
                   {v.value().plate ? FormatPlateForDisplay(*v.value().plate) : *v.value().vin,
                    v.value().id})
            << "\n";
  }
  return kExitOk;
}

int CustomerCommands::RunPurchase(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  purchase_input_.staff = staff.value();
  auto done = store.value()->RecordPurchase(purchase_input_);
  if (!done.ok()) return Fail(run, done.status());
  const PurchaseRecord& p = done.value();
  if (run.flags.json) {
    run.out << json{{"vehicle_id", p.vehicle_id},
                    {"purchased_on", p.purchased_on},
                    {"after_purchase", model::TaskJson(p.after_purchase)},
                    {"run_in", model::TaskJson(p.run_in)}}
                   .dump(2)
            << "\n";
    return kExitOk;
  }
  run.out << "购车 purchase recorded: " << p.purchased_on << ", vehicle " << ShortId(p.vehicle_id)
          << "\n";
  for (const model::Task* t : {&p.after_purchase, &p.run_in}) {
    run.out << "  " << ShortId(t->id) << "  "
            << (t->kind == "run_in" ? "磨合提醒 run_in" : "新车回访 after_purchase") << "  "
            << t->due_from << " .. " << t->due_by << "  owner " << t->owner << "\n";
  }
  return kExitOk;
}

}  // namespace outpost::edge::cli
