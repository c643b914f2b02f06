// outpost-hub book | cancel | reschedule | requests: the call centre's requests to a
// store, delivered when the store is next in contact; the store decides by what
// happened there (docs/CONFLICTS.md, "Booking status").
#include "hub/queries/requests.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>

#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"
#include "hub/queries/reader.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::cli {

using nlohmann::json;

RequestCommands::RequestCommands(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  book_ = app.add_subcommand(
      "book", "call centre: book into a store (delivered when the store is next in contact)");
  book_->add_option("--store", store_)->required();
  book_->add_option("--phone", phone_)->required();
  book_->add_option("--name", name_, "the customer's name if the store may not know them");
  book_->add_option("--plate", plate_);
  book_->add_option("--date", date_, "YYYY-MM-DD, today, tomorrow or +N (the store's zone)")
      ->required();
  book_->add_option("--slot", slot_, "HH:MM")->required();
  book_->add_option("--service", service_);
  book_->add_option("--notes", notes_);
  book_->add_option("--staff", staff_, "who took the call")->required();
  cancel_ = app.add_subcommand(
      "cancel", "call centre: cancel a store's booking (unless the store has moved on)");
  cancel_->add_option("--store", store_)->required();
  cancel_->add_option("--booking", booking_, "booking ref (261124-3) or id")->required();
  cancel_->add_option("--reason", reason_, "why, in the customer's words")->required();
  cancel_->add_option("--staff", staff_, "who took the call")->required();
  reschedule_ = app.add_subcommand(
      "reschedule", "call centre: move a store's booking (unless the store has moved on)");
  reschedule_->add_option("--store", store_)->required();
  reschedule_->add_option("--booking", booking_, "booking ref (261124-3) or id")->required();
  reschedule_->add_option("--date", date_, "YYYY-MM-DD")->required();
  reschedule_->add_option("--slot", slot_, "HH:MM")->required();
  reschedule_->add_option("--reason", reason_);
  reschedule_->add_option("--staff", staff_, "who took the call")->required();
  requests_ = app.add_subcommand("requests",
                                 "call-centre requests of a store and what the store made of them");
  requests_->add_option("--store", store_)->required();
}

bool RequestCommands::parsed() const {
  return book_->parsed() || cancel_->parsed() || reschedule_->parsed() || requests_->parsed();
}

int RequestCommands::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  if (book_->parsed()) return RunBook(hub, out, err);
  if (requests_->parsed()) return RunList(hub, out, err);
  return RunChange(hub, out, err);
}

int RequestCommands::RunBook(Hub& hub, std::ostream& out, std::ostream& err) {
  json request = {{"phone", phone_}, {"date", date_}, {"slot", slot_}};
  if (!name_.empty()) request["name"] = name_;
  if (!plate_.empty()) request["plate"] = plate_;
  if (!service_.empty()) request["service"] = service_;
  if (!notes_.empty()) request["notes"] = notes_;
  auto queued = hub.QueueBooking(store_, request, staff_);
  if (!queued.ok()) return Fail(queued.status(), err);
  const model::HeadOfficeRequest& asked = queued->request;
  if (flags_.json) {
    out << json{{"store_id", store_},
                {"request_seq", queued->seq},
                {"date", asked.date},
                {"slot", asked.slot},
                {"checked_with_store_rules", queued->checked_with_store_rules}}
               .dump(2)
        << "\n";
    return 0;
  }
  const std::string seq_text = std::to_string(queued->seq);
  const std::initializer_list<std::string_view> args = {seq_text, store_, asked.date, asked.slot};
  out << (queued->checked_with_store_rules
              ? i18n::Format("queued call-centre request {0} for {1}: {2} {3}, open and bookable"
                             " by the store's rules as last synced; the store books it when next"
                             " in contact (outpost-hub requests --store {1} shows what it made"
                             " of it)",
                             args)
              : i18n::Format("queued call-centre request {0} for {1}: {2} {3}; the store's rules"
                             " are not known here yet: it decides when the request arrives; the"
                             " store books it when next in contact (outpost-hub requests --store"
                             " {1} shows what it made of it)",
                             args))
      << "\n";
  return 0;
}

// cancel or reschedule, on the customer's word.
int RequestCommands::RunChange(Hub& hub, std::ostream& out, std::ostream& err) {
  json details = {{"reason", reason_}};
  if (reschedule_->parsed()) {
    details["date"] = date_;
    details["slot"] = slot_;
  }
  const std::string kind = cancel_->parsed() ? "cancel" : "reschedule";
  auto seq = hub.QueueBookingChange(store_, kind, booking_, details, staff_);
  if (!seq.ok()) return Fail(seq.status(), err);
  if (flags_.json) {
    out << json{{"store_id", store_}, {"request_seq", seq.value()}}.dump(2) << "\n";
  } else {
    const std::string seq_text = std::to_string(seq.value());
    const std::initializer_list<std::string_view> args = {seq_text, store_, booking_};
    out << (cancel_->parsed()
                ? i18n::Format("queued call-centre request {0} for {1}: cancel booking {2}; the"
                               " store applies it when next in contact, unless the customer has"
                               " already checked in there (then a case is opened)",
                               args)
                : i18n::Format("queued call-centre request {0} for {1}: reschedule booking {2};"
                               " the store applies it when next in contact, unless the customer"
                               " has already checked in there (then a case is opened)",
                               args))
        << "\n";
  }
  return 0;
}

// `outpost-hub requests --store S`: each call-centre request and what the store made of it.
int RequestCommands::RunList(Hub& hub, std::ostream& out, std::ostream& err) {
  auto list = queries::ListRequests(queries::HubReader(hub), store_);
  if (!list.ok()) return Fail(list.status(), err);
  json arr = json::array();
  for (const queries::RequestOutcome& r : list.value()) {
    const json& request = r.request;
    if (flags_.json) {
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
        << "  " << i18n::Format("by {0}", {request.value("staff", std::string())}) << "  -> "
        << r.outcome << "\n";
  }
  if (flags_.json) out << arr.dump(2) << "\n";
  return 0;
}

}  // namespace outpost::hub::cli
