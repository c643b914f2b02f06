#include "edge/cli/output.h"

#include <ostream>

#include "sync/model/profile.h"
#include "sync/normalize.h"

namespace outpost::edge::cli {
namespace {

using nlohmann::json;

std::string PerksText(const Booking& b, int discount_percent, const std::string& cutoff) {
  std::string out;
  if (b.priority_reception) out += "priority reception + car wash";
  if (b.discount_eligible) {
    out += (out.empty() ? "" : "; ") + std::to_string(discount_percent) +
           "% off labour if arriving before " + cutoff;
  }
  return out;
}

// Notes keep their lines (CleanMultilineText): each further one indented
// under the first, blank lines left blank.
std::string IndentedNotes(const std::string& notes) {
  std::string indented;
  bool line_start = false;
  for (char c : notes) {
    if (line_start && c != '\n') indented += "         ";
    indented += c;
    line_start = c == '\n';
  }
  return indented;
}

}  // namespace

std::string AssignedText(const Booking& b) {
  std::string out;
  auto add = [&](const char* label, const std::optional<std::string>& value) {
    if (value) out += std::string(out.empty() ? "" : ", ") + label + " " + *value;
  };
  add("advisor", b.advisor);
  add("bay", b.bay);
  add("team", b.team);
  return out;
}

int Fail(const DeskRun& run, const Status& st) {
  run.err << "outpost-edge: " << st.ToString() << "\n";
  return ExitCodeFor(st);
}

Result<std::unique_ptr<Store>> OpenStore(const DeskRun& run) {
  return Store::Open(run.flags.db_path, run.clock);
}

Result<std::string> RequireStaff(const DeskRun& run) {
  if (run.flags.staff.empty()) {
    return Status::InvalidInput("staff: say who is at the desk with --staff NAME or OUTPOST_STAFF");
  }
  return run.flags.staff;
}

json OptionalJson(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

json BookingJson(const Booking& b) {
  json out = model::BookingJson(b);
  out.erase("customer_id");  // shown as the customer, with name and phones
  out["customer"] = {
      {"id", b.customer_id}, {"name", b.customer_name}, {"phones", b.customer_phones}};
  out["plate"] = OptionalJson(b.plate);
  return out;
}

json CustomerJson(const Customer& c) {
  json vehicles = json::array();
  for (const auto& v : c.vehicles) {
    vehicles.push_back({{"id", v.id},
                        {"plate", OptionalJson(v.plate)},
                        {"vin", OptionalJson(v.vin)},
                        {"mileage_km", v.mileage_km ? json(*v.mileage_km) : json(nullptr)},
                        {"inspection_due", OptionalJson(v.inspection_due)},
                        {"insurance_due", OptionalJson(v.insurance_due)},
                        {"purchased_on", OptionalJson(v.purchased_on)}});
  }
  return {{"id", c.id},
          {"store_id", c.store_id},
          {"name", c.name},
          {"member_id", OptionalJson(c.member_id)},
          {"phones", c.phones},
          {"contact_opt_in", c.contact_opt_in},
          {"do_not_disturb", c.do_not_disturb},
          {"consent", model::ChannelConsentJson(c.consent)},
          {"created_at", c.created_at},
          {"created_by", c.created_by},
          {"doubtful_phones", c.doubtful_phones},
          {"birthday", OptionalJson(c.birthday)},
          {"vehicles", vehicles}};
}

std::string Phones(const std::vector<std::string>& phones) {
  std::string out;
  for (const auto& p : phones) out += (out.empty() ? "" : ", ") + FormatPhoneForDisplay(p);
  return out;
}

std::vector<std::string> BookingCells(const Booking& b) {
  std::string flags;
  if (b.priority_reception) flags += "priority";
  if (b.discount_eligible) flags += std::string(flags.empty() ? "" : ",") + "discount";
  if (b.arrival_perk) flags += std::string(flags.empty() ? "" : ",") + *b.arrival_perk;
  return {b.ref,
          std::string(BookingStatusName(b.status)),
          b.customer_name,
          Phones(b.customer_phones),
          b.plate ? FormatPlateForDisplay(*b.plate) : "",
          b.service + "  (" + std::string(ChannelName(b.channel)) + ")",
          flags.empty() ? "" : "[" + flags + "]",
          AssignedText(b)};
}

std::string BookingLine(const Booking& b) {
  std::string line;
  for (const auto& cell : BookingCells(b)) {
    if (!cell.empty()) line += (line.empty() ? "" : "  ") + cell;
  }
  return line;
}

std::string ConsentLine(const Store& store,
                        std::span<const ConsentStatement, kContactChannelCount> channels) {
  std::string out;
  for (ContactChannel c : kContactChannels) {
    const ConsentStatement& s = channels[static_cast<int>(c)];
    const std::string day = s.at.empty() ? "" : store.LocalText(s.at).substr(0, 10);
    out += (out.empty() ? "" : ", ") + ConsentText(c, s, day);
  }
  return out;
}

int PrintBooking(const DeskRun& run, const Store& store, const Booking& b,
                 const std::string& verb) {
  std::ostream& out = run.out;
  if (run.flags.json) {
    out << BookingJson(b).dump(2) << "\n";
    return kExitOk;
  }
  out << verb << " " << b.ref << "  " << b.slot_date << " " << b.slot_time << "  "
      << BookingStatusName(b.status) << "\n";
  out << "  " << b.customer_name << "  " << Phones(b.customer_phones);
  if (b.plate) out << "  " << FormatPlateForDisplay(*b.plate);
  out << "  " << b.service << "  via " << ChannelName(b.channel) << "\n";
  std::string perks =
      PerksText(b, store.settings().discount_percent, store.settings().discount_cutoff);
  if (!perks.empty()) out << "  perks: " << perks << "\n";
  const std::string assigned = AssignedText(b);
  if (!assigned.empty()) out << "  " << assigned << "\n";
  if (b.arrived_at) {
    out << "  arrived " << store.LocalText(*b.arrived_at)
        << (b.discount_applied && *b.discount_applied ? ", labour discount applies" : "")
        << (b.arrival_perk ? ", offer " + *b.arrival_perk : "") << "\n";
  }
  if (b.cancel_reason) out << "  cancelled: " << *b.cancel_reason << "\n";
  if (b.amount_fen) out << "  amount " << model::FormatYuan(*b.amount_fen) << " yuan\n";
  if (b.rescheduled_from) out << "  rescheduled from " << *b.rescheduled_from << "\n";
  if (b.rescheduled_to) out << "  rescheduled to " << *b.rescheduled_to << "\n";
  if (!b.notes.empty()) out << "  notes: " << IndentedNotes(b.notes) << "\n";
  if (b.form_id) {
    out << "  paper form " << *b.form_id;
    if (b.import_batch) out << " (import " << *b.import_batch << ")";
    out << "\n";
  }
  out << "  id " << b.id << "\n";
  return kExitOk;
}

void PrintCustomer(const DeskRun& run, const Store& store, const Customer& c) {
  std::ostream& out = run.out;
  out << c.name << "  " << Phones(c.phones);
  if (c.member_id) out << "  member " << *c.member_id;
  out << "\n  id " << c.id
      << "\n  contact: " << (c.do_not_disturb ? "DO NOT DISTURB (outranks any opt-in); " : "")
      << ConsentLine(store, c.consent) << "\n";
  if (!c.doubtful_phones.empty()) {
    // A follow-up call found these wrong or empty (docs/FOLLOWUP.md).
    out << "  号码存疑 doubtful phone: " << Phones(c.doubtful_phones)
        << " (a call found it wrong or empty; ask the customer for a correction)\n";
  }
  if (c.birthday) out << "  生日 birthday " << *c.birthday << "\n";
  for (const auto& v : c.vehicles) {
    out << "  vehicle " << (v.plate ? FormatPlateForDisplay(*v.plate) : "(no plate)");
    if (v.vin) out << "  VIN " << *v.vin;
    if (v.mileage_km) out << "  " << *v.mileage_km << " km";
    if (v.inspection_due) out << "  年检 inspection due " << *v.inspection_due;
    if (v.insurance_due) out << "  续保 insurance due " << *v.insurance_due;
    if (v.purchased_on) out << "  购车 bought here " << *v.purchased_on;
    out << "\n";
  }
}

}  // namespace outpost::edge::cli
