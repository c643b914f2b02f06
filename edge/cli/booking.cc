// outpost-edge book | board | booking show, and each booking's lifecycle steps:
// confirm, check-in, start, complete, cancel, no-show, reschedule.
#include <CLI/CLI.hpp>
#include <ostream>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"
#include "sync/cli/table.h"
#include "sync/i18n/messages.h"
#include "sync/normalize.h"

namespace outpost::edge::cli {
namespace {

using nlohmann::json;

json BoardJson(const Store& store, const Board& bd) {
  json slots = json::array();
  for (const auto& s : bd.slots) {
    json bookings = json::array();
    for (const auto& b : s.bookings) bookings.push_back(BookingJson(b));
    slots.push_back(
        {{"time", s.time}, {"capacity", s.capacity}, {"free", s.free}, {"bookings", bookings}});
  }
  json released = json::array();
  for (const auto& b : bd.released) released.push_back(BookingJson(b));
  json to_move = json::array();
  for (const auto& b : bd.needs_reschedule) to_move.push_back(BookingJson(b));
  return {{"store_id", store.settings().store_id},
          {"date", bd.date},
          {"open", bd.open},
          {"closed_reason", bd.open ? json(nullptr) : json(bd.closed_reason)},
          {"slots", slots},
          {"released", released},
          {"needs_reschedule", to_move}};
}

json HistoryJson(const std::vector<HistoryEntry>& history) {
  json arr = json::array();
  for (const auto& h : history) {
    arr.push_back({{"seq", h.seq},
                   {"at", h.at},
                   {"staff", h.staff},
                   {"action", h.action},
                   {"from", OptionalJson(h.from_status)},
                   {"to", h.to_status},
                   {"changes", json::parse(h.changes_json)},
                   {"reason", OptionalJson(h.reason)}});
  }
  return arr;
}

// An assignment's history row as staff read it: "bay - -> 3, advisor SA Wang -> SA Li".
std::string AssignmentChanges(const std::string& changes_json) {
  const json changes = json::parse(changes_json, nullptr, false);
  std::string out;
  if (!changes.is_object()) return out;
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    if (!it.value().is_array() || it.value().size() != 2) continue;
    auto text = [](const json& v) { return v.is_string() ? v.get<std::string>() : "-"; };
    out += (out.empty() ? "" : ", ") + it.key() + " " + text(it.value()[0]) + " -> " +
           text(it.value()[1]);
  }
  return out;
}

}  // namespace

BookingCommands::BookingCommands(CLI::App& app) {
  book_ = app.add_subcommand("book", "book a slot");
  book_->add_option("--customer", request_.customer, "id, phone, plate, VIN or member id");
  book_->add_option("--phone", phone_, "the customer's phone (with --name: new customer)");
  book_->add_option("--name", name_, "name of a new customer");
  book_->add_option("--plate", request_.vehicle.plate);
  book_->add_option("--vin", request_.vehicle.vin);
  book_->add_option("--mileage", mileage_, "km");
  book_->add_option("--service", request_.service)->capture_default_str();
  book_->add_option("--date", request_.date, "YYYY-MM-DD, today, tomorrow or +N")->required();
  book_->add_option("--slot", request_.time, "HH:MM, a slot of the grid")->required();
  book_
      ->add_option("--channel", request_.channel,
                   "phone, wechat, online, walk-in, call-centre or paper")
      ->capture_default_str();
  book_->add_option("--notes", request_.notes, "the parts note, the customer's words");
  book_->add_option("--advisor", request_.advisor, "service advisor who prepares the visit");
  book_->add_option("--bay", request_.bay, "bay (工位)");
  book_->add_option("--team", request_.team, "technician team (班组)");

  board_ = app.add_subcommand("board", "the day's slots, bookings and free places");
  board_->add_option("--date", board_date_, "YYYY-MM-DD, today, tomorrow or +N")
      ->capture_default_str();

  auto* booking = app.add_subcommand("booking", "bookings: show (with history)");
  booking->require_subcommand(1);
  show_ = booking->add_subcommand("show", "a booking and every change to it");
  show_->add_option("booking", booking_ref_, "ref (261124-3) or id")->required();
  AddSteps(app);
}

// Each step names the booking and may say why; cancel must, reschedule says where to.
void BookingCommands::AddSteps(CLI::App& app) {
  auto add = [&](const char* name, const char* help, std::string verb, bool needs_reason,
                 auto call) {
    auto* sub = app.add_subcommand(name, help);
    sub->add_option("booking", booking_ref_, "ref (261124-3) or id")->required();
    auto* opt = sub->add_option("--reason", reason_, "why");
    if (needs_reason) opt->required();
    steps_.push_back({sub, std::move(verb), call});
    return sub;
  };
  // Staff find the customer's booking of the day by what they are told or
  // see: the phone's last digits, the plate at the door.
  auto by_phone_or_plate = [&](CLI::App* sub) {
    steps_.back().named_at_desk = true;
    sub->get_option("booking")->description(
        "ref (261124-3), id, or a phone or plate of today's booking (8000, 京A12345)");
  };
  using Self = BookingCommands;
  by_phone_or_plate(add("confirm", "the customer confirmed (2 h call)", i18n::Tr("confirmed"),
                        false, [](Store& s, const Self& c, const std::string& who) {
                          return s.Confirm(c.booking_ref_, who);
                        }));
  by_phone_or_plate(add("check-in", "the customer arrived", i18n::Tr("checked in"), false,
                        [](Store& s, const Self& c, const std::string& who) {
                          return s.CheckIn(c.booking_ref_, who);
                        }));
  add("start", "service started", i18n::Tr("started"), false,
      [](Store& s, const Self& c, const std::string& who) {
        return s.StartService(c.booking_ref_, who);
      });
  auto* complete = add("complete", "service completed", i18n::Tr("completed"), false,
                       [](Store& s, const Self& c, const std::string& who) -> Result<Booking> {
                         std::optional<int64_t> fen;
                         if (!c.amount_.empty()) {
                           ASSIGN_OR_RETURN(fen, model::ParseAmountYuan(c.amount_));
                         }
                         return s.Complete(c.booking_ref_, who, fen);
                       });
  complete->add_option("--amount", amount_, "what the visit was worth, yuan (680 or 680.50)");
  by_phone_or_plate(add("cancel", "cancel a booking (reason required)", i18n::Tr("cancelled"), true,
                        [](Store& s, const Self& c, const std::string& who) {
                          return s.Cancel(c.booking_ref_, c.reason_, who);
                        }));
  by_phone_or_plate(add("no-show", "the customer did not come", i18n::Tr("no-show"), false,
                        [](Store& s, const Self& c, const std::string& who) {
                          return s.NoShow(c.booking_ref_, who);
                        }));
  auto* reschedule =
      add("reschedule", "move a booking to another slot (keeps the link)",
          i18n::Tr("rescheduled as"), false, [](Store& s, const Self& c, const std::string& who) {
            return s.Reschedule(c.booking_ref_, c.new_date_, c.new_slot_, c.reason_, who);
          });
  reschedule->add_option("--date", new_date_, "YYYY-MM-DD, today, tomorrow or +N")->required();
  reschedule->add_option("--slot", new_slot_, "HH:MM")->required();
}

bool BookingCommands::parsed() const {
  if (book_->parsed() || board_->parsed() || show_->parsed()) return true;
  for (const Step& step : steps_) {
    if (step.sub->parsed()) return true;
  }
  return false;
}

int BookingCommands::Run(const DeskRun& run) {
  if (book_->parsed()) return RunBook(run);
  if (board_->parsed()) return RunBoard(run);
  if (show_->parsed()) return RunShow(run);
  for (const Step& step : steps_) {
    if (step.sub->parsed()) return RunStep(run, step);
  }
  return kExitUsage;
}

int BookingCommands::RunBook(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  if (request_.customer.empty()) request_.customer = phone_;
  if (request_.customer.empty()) {
    return Fail(run, Status::InvalidInput("customer: give --customer or --phone"));
  }
  if (!name_.empty()) {
    if (phone_.empty()) {
      return Fail(run, Status::InvalidInput("phone: a new customer (--name) needs --phone"));
    }
    request_.create_customer = NewCustomer{name_, {phone_}};
  }
  request_.vehicle.mileage_km = mileage_;
  request_.staff = staff.value();
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto b = store.value()->Book(request_);
  if (!b.ok()) return Fail(run, b.status());
  return PrintBooking(run, *store.value(), b.value(), i18n::Tr("booked"));
}

int BookingCommands::RunBoard(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto day = store.value()->DayBoard(board_date_);
  if (!day.ok()) return Fail(run, day.status());
  const Board& bd = day.value();
  if (run.flags.json) {
    run.out << BoardJson(*store.value(), bd).dump(2) << "\n";
    return kExitOk;
  }
  const auto& s = store.value()->settings();
  run.out << s.store_id << " " << s.name << " - " << i18n::Format("board for {0}", {bd.date});
  if (!bd.open) run.out << "  " << i18n::Format("CLOSED: {0}", {bd.closed_reason});
  run.out << "\n";
  // The bookings of every slot as one table: their columns line up down the
  // whole board, by display width (a Chinese name is two columns a character).
  outpost::cli::Table table;
  for (const auto& slot : bd.slots) {
    for (const auto& b : slot.bookings) table.AddRow(BookingCells(b));
  }
  const std::vector<std::string> booking_lines = table.Lines();
  size_t next_line = 0;
  int free_total = 0;
  for (const auto& slot : bd.slots) {
    free_total += slot.free;
    run.out << slot.time << "  "
            << i18n::Format("{0} free of {1}",
                            {std::to_string(slot.free), std::to_string(slot.capacity)})
            << "\n";
    for (size_t i = 0; i < slot.bookings.size(); ++i) {
      run.out << "    " << booking_lines[next_line++] << "\n";
    }
  }
  for (const auto& b : bd.needs_reschedule) {
    run.out << "  " << i18n::Tr("NEEDS RESCHEDULE") << " " << b.slot_time << "  " << BookingLine(b)
            << "\n";
  }
  for (const auto& b : bd.released) {
    run.out << "  " << i18n::Tr("released") << " " << b.slot_time << "  " << BookingLine(b);
    if (b.cancel_reason) run.out << "  (" << *b.cancel_reason << ")";
    run.out << "\n";
  }
  run.out << i18n::Format("{0} places free",
                          {bd.open ? std::to_string(free_total) : std::string("0")})
          << "\n";
  return kExitOk;
}

int BookingCommands::RunShow(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto b = store.value()->GetBooking(booking_ref_);
  if (!b.ok()) return Fail(run, b.status());
  auto history = store.value()->History(b.value().id);
  if (!history.ok()) return Fail(run, history.status());
  if (run.flags.json) {
    json j = BookingJson(b.value());
    j["history"] = HistoryJson(history.value());
    run.out << j.dump(2) << "\n";
    return kExitOk;
  }
  PrintBooking(run, *store.value(), b.value(), i18n::Tr("booking"));
  for (const auto& h : history.value()) {
    run.out << "  " << store.value()->LocalText(h.at) << "  " << h.staff << "  " << h.action << "  "
            << (h.from_status ? *h.from_status : "-") << " -> " << h.to_status;
    if (h.action == "assign") run.out << "  " << AssignmentChanges(h.changes_json);
    if (h.reason) run.out << "  (" << *h.reason << ")";
    run.out << "\n";
  }
  return kExitOk;
}

Result<std::string> BookingCommands::DeskBookingRef(const DeskRun& run, Store& store) const {
  ASSIGN_OR_RETURN(std::vector<Booking> named, store.BookingsNamedAtDesk(booking_ref_));
  const std::string today = store.Today().ToString();
  if (named.empty()) {
    return Status::NotFound(std::string("booking: no booking today (") + today +
                            ") has the ref, phone or plate '" + booking_ref_ + "'")
        .WithShown(i18n::Format("booking: no booking today ({0}) has the ref, phone or plate '{1}'",
                                {today, booking_ref_}))
        .WithField("booking");
  }
  if (named.size() == 1) return named.front().ref;
  // Several: none is touched; staff pick by ref from what they are shown
  // (with --json, a program picks from the same list).
  json listed = json::array();
  for (const auto& b : named) {
    std::string phones;
    for (const auto& p : b.customer_phones) {
      phones += (phones.empty() ? "" : ",") + MaskedPhone(p);
    }
    const std::string plate = b.plate ? FormatPlateForDisplay(*b.plate) : "-";
    listed.push_back({{"ref", b.ref},
                      {"slot_time", b.slot_time},
                      {"name", b.customer_name},
                      {"phones", phones},
                      {"plate", OptionalJson(b.plate)}});
    if (!run.flags.json) {
      run.out << "  " << b.ref << "  " << b.slot_time << "  " << b.customer_name << "  " << phones
              << "  " << plate << "\n";
    }
  }
  if (run.flags.json) run.out << json{{"several", listed}}.dump(2) << "\n";
  return Status::InvalidInput(std::string("several bookings match '") + booking_ref_ +
                              "' today: give the ref")
      .WithShown(i18n::Format("several bookings match '{0}' today: give the ref", {booking_ref_}))
      .WithField("booking");
}

int BookingCommands::RunStep(const DeskRun& run, const Step& step) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  if (step.named_at_desk) {
    auto ref = DeskBookingRef(run, *store.value());
    if (!ref.ok()) return Fail(run, ref.status());
    booking_ref_ = ref.value();
  }
  auto b = step.call(*store.value(), *this, staff.value());
  if (!b.ok()) return Fail(run, b.status());
  const int code = PrintBooking(run, *store.value(), b.value(), step.verb);
  if (run.flags.json || step.sub->get_name() != "check-in") return code;
  // The customer is here: the tracking sheet warns of an open complaint.
  auto complaints = store.value()->OpenComplaints(b.value().customer_id);
  if (!complaints.ok()) return Fail(run, complaints.status());
  for (const auto& t : complaints.value()) {
    run.out << "  " << ComplaintWarning(*store.value(), t) << "\n";
  }
  return code;
}

}  // namespace outpost::edge::cli
