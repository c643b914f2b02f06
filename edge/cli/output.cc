#include "edge/cli/output.h"

#include <ostream>

#include "sync/i18n/messages.h"
#include "sync/model/profile.h"
#include "sync/normalize.h"

namespace outpost::edge::cli {
namespace {

using nlohmann::json;

std::string PerksText(const Booking& b, int discount_percent, const std::string& cutoff) {
  std::string out;
  if (b.priority_reception) out += i18n::Tr("priority reception + car wash");
  if (b.discount_eligible) {
    out += (out.empty() ? "" : "; ") + i18n::Format("{0}% off labour if arriving before {1}",
                                                    {std::to_string(discount_percent), cutoff});
  }
  return out;
}

// The booking's status as staff read it; in English its stored name
// (BookingStatusName), which a --json output keeps in every language.
std::string BookingStatusText(BookingStatus status) {
  switch (status) {
    case BookingStatus::kRequested:
      return i18n::Tr("requested");
    case BookingStatus::kConfirmed:
      return i18n::Tr("confirmed");
    case BookingStatus::kCheckedIn:
      return i18n::Tr("checked-in");
    case BookingStatus::kInService:
      return i18n::Tr("in-service");
    case BookingStatus::kCompleted:
      return i18n::Tr("completed");
    case BookingStatus::kCancelled:
      return i18n::Tr("cancelled");
    case BookingStatus::kNoShow:
      return i18n::Tr("no-show");
    case BookingStatus::kRescheduled:
      return i18n::Tr("rescheduled");
  }
  return std::string(BookingStatusName(status));
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
  auto add = [&](const std::string& label, const std::optional<std::string>& value) {
    if (value) out += std::string(out.empty() ? "" : ", ") + label + " " + *value;
  };
  add(i18n::Tr("advisor"), b.advisor);
  add(i18n::Tr("bay"), b.bay);
  add(i18n::Tr("team"), b.team);
  return out;
}

// The kind of refusal in the staff's language ("invalid input" in English,
// as Status::ToString writes it).
std::string StatusCodeText(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidInput:
      return i18n::Tr("invalid input");
    case StatusCode::kNotFound:
      return i18n::Tr("not found");
    case StatusCode::kRefused:
      return i18n::Tr("refused");
    case StatusCode::kConflict:
      return i18n::Tr("conflict");
    case StatusCode::kCorruption:
      return i18n::Tr("corruption");
    case StatusCode::kRetryLater:
      return i18n::Tr("retry later");
    case StatusCode::kIoError:
      return i18n::Tr("i/o error");
  }
  return "unknown";
}

int Fail(const DeskRun& run, const Status& st) {
  run.err << i18n::Format("outpost-edge: {0}: {1}", {StatusCodeText(st.code()), st.shown()})
          << "\n";
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
          BookingStatusText(b.status),
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
    out += (out.empty() ? "" : i18n::Tr(", ")) + ShownConsentText(c, s, day);
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
      << BookingStatusText(b.status) << "\n";
  out << "  " << b.customer_name << "  " << Phones(b.customer_phones);
  if (b.plate) out << "  " << FormatPlateForDisplay(*b.plate);
  out << "  " << b.service << "  " << i18n::Format("via {0}", {ChannelName(b.channel)}) << "\n";
  std::string perks =
      PerksText(b, store.settings().discount_percent, store.settings().discount_cutoff);
  if (!perks.empty()) out << "  " << i18n::Format("perks: {0}", {perks}) << "\n";
  const std::string assigned = AssignedText(b);
  if (!assigned.empty()) out << "  " << assigned << "\n";
  if (b.arrived_at) {
    out << "  " << i18n::Format("arrived {0}", {store.LocalText(*b.arrived_at)})
        << (b.discount_applied && *b.discount_applied ? i18n::Tr(", labour discount applies") : "")
        << (b.arrival_perk ? i18n::Format(", offer {0}", {*b.arrival_perk}) : "") << "\n";
  }
  if (b.cancel_reason) out << "  " << i18n::Format("cancelled: {0}", {*b.cancel_reason}) << "\n";
  if (b.amount_fen) {
    out << "  " << i18n::Format("amount {0} yuan", {model::FormatYuan(*b.amount_fen)}) << "\n";
  }
  if (b.rescheduled_from) {
    out << "  " << i18n::Format("rescheduled from {0}", {*b.rescheduled_from}) << "\n";
  }
  if (b.rescheduled_to) {
    out << "  " << i18n::Format("rescheduled to {0}", {*b.rescheduled_to}) << "\n";
  }
  if (!b.notes.empty()) out << "  " << i18n::Tr("notes:") << " " << IndentedNotes(b.notes) << "\n";
  if (b.form_id) {
    out << "  " << i18n::Format("paper form {0}", {*b.form_id});
    if (b.import_batch) out << " " << i18n::Format("(import {0})", {*b.import_batch});
    out << "\n";
  }
  out << "  id " << b.id << "\n";
  return kExitOk;
}

void PrintCustomer(const DeskRun& run, const Store& store, const Customer& c) {
  std::ostream& out = run.out;
  out << c.name << "  " << Phones(c.phones);
  if (c.member_id) out << "  " << i18n::Format("member {0}", {*c.member_id});
  out << "\n  id " << c.id << "\n  " << i18n::Tr("contact:") << " "
      << (c.do_not_disturb ? i18n::Tr("DO NOT DISTURB (outranks any opt-in); ") : "")
      << ConsentLine(store, c.consent) << "\n";
  if (!c.doubtful_phones.empty()) {
    // A follow-up call found these wrong or empty (docs/FOLLOWUP.md).
    out << "  号码存疑 doubtful phone: " << Phones(c.doubtful_phones)
        << " (a call found it wrong or empty; ask the customer for a correction)\n";
  }
  if (c.birthday) out << "  生日 birthday " << *c.birthday << "\n";
  for (const auto& v : c.vehicles) {
    out << "  " << i18n::Tr("vehicle") << " "
        << (v.plate ? FormatPlateForDisplay(*v.plate) : i18n::Tr("(no plate)"));
    if (v.vin) out << "  VIN " << *v.vin;
    if (v.mileage_km) out << "  " << *v.mileage_km << " km";
    if (v.inspection_due) out << "  年检 inspection due " << *v.inspection_due;
    if (v.insurance_due) out << "  续保 insurance due " << *v.insurance_due;
    if (v.purchased_on) out << "  购车 bought here " << *v.purchased_on;
    out << "\n";
  }
}

}  // namespace outpost::edge::cli
