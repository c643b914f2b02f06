// outpost-edge waitlist add | list | offer | accept | decline | cancel:
// customers waiting for a freed place, offered by tier, then waiting time.
// Labels staff read are bilingual, zh-CN first.
#include "edge/waitlist.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"

namespace outpost::edge::cli {
namespace {

using nlohmann::json;

std::string StatusLabel(const std::string& status) {
  if (status == "waiting") return "等候 waiting";
  if (status == "offered") return "已通知 offered";
  if (status == "booked") return "已预约 booked";
  if (status == "declined") return "已拒绝 declined";
  if (status == "expired") return "已过期 expired";
  if (status == "cancelled") return "已取消 cancelled";
  return status;
}

std::string TierLabel(const std::string& tier) {
  if (tier == "vip") return "贵宾 vip";
  if (tier == "regular") return "老客户 regular";
  if (tier == "new") return "新客户 new";
  return tier;
}

std::string ActionLabel(const std::string& kind) {
  if (kind == "expired") return "已过期 expired";
  if (kind == "offered") return "已通知 offered";
  if (kind == "booked") return "已预约 booked";
  if (kind == "not-booked") return "未能预约 not booked";
  return kind;
}

json EntryJson(const WaitlistEntry& e) {
  json out = model::WaitlistJson(e);
  out["short_id"] = ShortId(e.id);
  out["customer"] = {
      {"id", e.customer_id}, {"name", e.customer_name}, {"phones", e.customer_phones}};
  out["plate"] = OptionalJson(e.plate);
  out["booking_ref"] = OptionalJson(e.booking_ref);
  return out;
}

// Who and what: "王伟 138 0013 8000 京A12345 maintenance".
std::string WhoLine(const WaitlistEntry& e) {
  std::string out = e.customer_name;
  if (!e.customer_phones.empty()) out += " " + Phones(e.customer_phones);
  if (e.plate) out += " " + *e.plate;
  return out + "  " + e.service;
}

// One entry as the list shows it: id, status (and the held place), tier, who,
// the days and times wanted.
std::string EntryLine(const Store& store, const WaitlistEntry& e) {
  std::string out = ShortId(e.id) + "  " + StatusLabel(e.status);
  if (e.status == "offered") {
    out += " " + *e.offer_date + " " + *e.offer_time + ", 留位至 held until " +
           store.LocalText(*e.hold_until);
    if (model::HoldRanOut(e, store.clock().NowMs())) out += " (已超时 hold ran out)";
  }
  if (e.status == "booked" && e.booking_ref) out += " " + *e.booking_ref;
  out += "  " + TierLabel(e.tier) + "  " + WhoLine(e) + "  " + e.date_from + ".." + e.date_to;
  std::string times;
  for (const auto& t : e.preferred_times) times += (times.empty() ? "" : ",") + t;
  out += "  " + (times.empty() ? std::string("任何时段 any slot") : times);
  if (e.auto_book) out += "  自动预约 auto-book";
  out += "  排队自 waiting since " + store.LocalText(e.created_at);
  if (!e.reason.empty()) out += "\n    " + e.reason;
  return out;
}

int PrintEntry(const DeskRun& run, const Store& store, const WaitlistEntry& e,
               const std::string& verb) {
  if (run.flags.json) {
    run.out << EntryJson(e).dump(2) << "\n";
  } else {
    run.out << (verb.empty() ? "" : verb + " ") << EntryLine(store, e) << "\n";
  }
  return kExitOk;
}

}  // namespace

WaitlistCommands::WaitlistCommands(CLI::App& app) {
  waitlist_ = app.add_subcommand(
      "waitlist", "customers waiting for a freed place: add, list, offer, accept, decline, cancel");
  waitlist_->require_subcommand(1);
  add_ = waitlist_->add_subcommand("add", "put a customer on the waitlist");
  add_->add_option("--customer", customer_, "id, phone, plate or member id")->required();
  add_->add_option("--vehicle", vehicle_, "plate or VIN (default: their only vehicle)");
  add_->add_option("--service", service_)->capture_default_str();
  add_->add_option("--from", from_, "first day: YYYY-MM-DD, today, tomorrow or +N")->required();
  add_->add_option("--to", to_, "last day: YYYY-MM-DD, today, tomorrow or +N")->required();
  add_->add_option("--times", times_, "slot times wanted (08:30,10:00), morning or afternoon")
      ->delimiter(',');
  add_->add_option("--tier", tier_,
                   "vip, regular or new (offer order); default: the customer's value tier from"
                   " head office's segment, else regular");
  add_->add_flag("--auto-book", auto_book_, "book a freed place without asking again");
  add_->add_option("--note", note_, "what the customer said");

  list_ = waitlist_->add_subcommand("list", "waiting and offered entries, in offer order");
  list_->add_flag("--all", all_, "booked, declined, expired and cancelled ones too");
  offer_ = waitlist_->add_subcommand("offer", "offer freed places to the waiting customers");
  offer_->add_option("--hold-minutes", hold_minutes_, "how long a place is held for an answer")
      ->capture_default_str();
  accept_ = waitlist_->add_subcommand("accept", "the customer takes the place offered");
  decline_ = waitlist_->add_subcommand("decline", "the customer turns the place down");
  cancel_ = waitlist_->add_subcommand("cancel", "the customer no longer waits");
  for (CLI::App* sub : {accept_, decline_, cancel_}) {
    sub->add_option("entry", entry_, "entry id (as listed)")->required();
  }
  for (CLI::App* sub : {decline_, cancel_}) sub->add_option("--reason", reason_, "why");
}

bool WaitlistCommands::parsed() const { return waitlist_->parsed(); }

int WaitlistCommands::Run(const DeskRun& run) {
  if (add_->parsed()) return RunAdd(run);
  if (list_->parsed()) return RunList(run);
  if (offer_->parsed()) return RunOffer(run);
  return RunAnswer(run);
}

int WaitlistCommands::RunAdd(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  WaitlistRequest request;
  request.customer = customer_;
  request.vehicle = vehicle_;
  request.service = service_;
  request.date_from = from_;
  request.date_to = to_;
  request.preferred_times = times_;
  request.tier = tier_;
  request.auto_book = auto_book_;
  request.note = note_;
  request.staff = staff.value();
  auto e = store.value()->AddToWaitlist(request);
  if (!e.ok()) return Fail(run, e.status());
  if (run.flags.json) {
    json shown = EntryJson(e.value());
    shown["tier_from"] = e->tier_from;
    run.out << shown.dump(2) << "\n";
    return kExitOk;
  }
  PrintEntry(run, *store.value(), e.value(), "加入 added");
  if (e->tier_from == "segment") {
    run.out << "  等级 tier " << e->tier << ": 总部客户分群 from head office's segment\n";
  } else if (e->tier_from == "default") {
    run.out << "  等级 tier regular: 默认 default (no segment known for the customer)\n";
  }
  return kExitOk;
}

int WaitlistCommands::RunList(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto entries = store.value()->Waitlist(!all_);
  if (!entries.ok()) return Fail(run, entries.status());
  if (run.flags.json) {
    json arr = json::array();
    for (const auto& e : entries.value()) arr.push_back(EntryJson(e));
    run.out << arr.dump(2) << "\n";
    return kExitOk;
  }
  if (entries.value().empty()) run.out << "无人等候 nobody is waiting\n";
  for (const auto& e : entries.value()) run.out << EntryLine(*store.value(), e) << "\n";
  return kExitOk;
}

int WaitlistCommands::RunOffer(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto done = store.value()->OfferFreedPlaces({hold_minutes_, staff.value()});
  if (!done.ok()) return Fail(run, done.status());
  const auto& actions = done.value().actions;
  if (run.flags.json) {
    json arr = json::array();
    for (const auto& a : actions) {
      arr.push_back({{"action", a.kind},
                     {"entry", EntryJson(a.entry)},
                     {"booking", a.booking ? BookingJson(*a.booking) : json(nullptr)},
                     {"detail", a.detail}});
    }
    run.out << json{{"actions", arr}}.dump(2) << "\n";
    return kExitOk;
  }
  if (actions.empty()) run.out << "没有可通知的空位 no freed place fits a waiting customer\n";
  for (const auto& a : actions) {
    run.out << ActionLabel(a.kind) << "  " << ShortId(a.entry.id) << "  " << WhoLine(a.entry)
            << "  " << a.detail << "\n";
  }
  return kExitOk;
}

int WaitlistCommands::RunAnswer(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  Store& s = *store.value();
  Result<WaitlistEntry> e = Status::InvalidInput("waitlist: say accept, decline or cancel");
  if (accept_->parsed()) {
    e = s.AcceptOffer(entry_, staff.value());
  } else if (decline_->parsed()) {
    e = s.DeclineOffer(entry_, reason_, staff.value());
  } else {
    e = s.CancelEntry(entry_, reason_, staff.value());
  }
  if (!e.ok()) return Fail(run, e.status());
  PrintEntry(run, s, e.value(), "");  // the line's status says what was done
  // A place given back goes to the next in line at the next offer run.
  if (!run.flags.json && decline_->parsed()) {
    run.out << "下一位 next: outpost-edge waitlist offer\n";
  }
  return kExitOk;
}

}  // namespace outpost::edge::cli
