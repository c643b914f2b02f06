// outpost-hub stores | board | digest: what head office knows of each store.
#include "hub/queries/stores.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>

#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"
#include "hub/queries/board.h"
#include "hub/queries/reader.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::cli {
namespace {

using nlohmann::json;

json StoreJson(const queries::StoreState& s) {
  json line = {{"store_id", s.site_id},
               {"key_id", s.key_id},
               {"state", queries::ReachabilityName(s.reachability)},
               {"last_seq", s.last_seq},
               {"log_head", s.last_hash},
               {"pending", s.pending()},
               {"resent_changes", s.resent_changes},
               {"requests_queued", s.queued_requests},
               {"requests_answered", s.applied_requests},
               {"requests_refused", s.refused_requests},
               {"last_contact", s.last_contact ? json(*s.last_contact) : json(nullptr)},
               {"last_batch_at", s.last_batch_at ? json(*s.last_batch_at) : json(nullptr)},
               {"clock_skew_ms", s.clock_skew_ms ? json(*s.clock_skew_ms) : json(nullptr)}};
  if (s.denied_at) {
    line["denied"] = {{"at", *s.denied_at}, {"by", s.denied_by}, {"reason", s.denied_reason}};
  }
  return line;
}

// "clock in step" within 5 s, else "clock 125 s ahead" / "clock 3 s behind";
// "clock unknown" before a hello said it.
std::string ClockSkewWords(std::optional<int64_t> skew_ms) {
  if (!skew_ms) return i18n::Tr("clock unknown");
  if (*skew_ms >= -5000 && *skew_ms <= 5000) return i18n::Tr("clock in step");
  const std::string seconds = std::to_string((*skew_ms < 0 ? -*skew_ms : *skew_ms) / 1000);
  return *skew_ms > 0 ? i18n::Format("clock {0} s ahead", {seconds})
                      : i18n::Format("clock {0} s behind", {seconds});
}

void PrintStoreLine(const queries::StoreState& s, std::ostream& out) {
  const bool online = s.reachability == queries::StoreReachability::kOnline;
  out << s.site_id << "  " << queries::ReachabilityName(s.reachability);
  if (s.denied_at) {
    out << i18n::Format(" since {0} by {1} ({2}; key {3} refused)",
                        {*s.denied_at, s.denied_by, s.denied_reason, s.key_id});
  } else if (!online) {
    out << (s.last_contact ? i18n::Format(" since {0}", {*s.last_contact})
                           : i18n::Tr(" (never heard from)"));
  }
  out << i18n::Format("  applied through seq {0}, {1} pending",
                      {std::to_string(s.last_seq), std::to_string(s.pending())});
  if (s.resent_changes > 0) {
    out << i18n::Format(", {0} resent", {std::to_string(s.resent_changes)});
  }
  if (s.last_batch_at) out << i18n::Format("  last batch {0}", {*s.last_batch_at});
  out << "  " << ClockSkewWords(s.clock_skew_ms);
  if (s.queued_requests > 0) {
    out << i18n::Format("  call-centre requests answered {0}/{1}",
                        {std::to_string(s.applied_requests), std::to_string(s.queued_requests)});
    if (s.refused_requests > 0) {
      out << i18n::Format(" ({0} refused there)", {std::to_string(s.refused_requests)});
    }
  }
  out << "\n";
}

json BoardJson(const queries::HubBoard& b, const std::string& as_of) {
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
  return {{"store_id", b.site},
          {"date", b.date},
          {"as_of", as_of},
          {"closed", b.closed ? json(*b.closed) : json(nullptr)},
          {"slots", slots}};
}

}  // namespace

StoreCommands::StoreCommands(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  stores_ = app.add_subcommand("stores", "each store: online, offline since, last batch, denied");
  digest_ = app.add_subcommand("digest", "a digest of the consolidated state");
  board_ = app.add_subcommand("board",
                              "a store's day as of its last sync: slots, places taken, bookings");
  board_->add_option("--store", store_)->required();
  board_->add_option("--date", date_, "YYYY-MM-DD, today, tomorrow or +N (the store's zone)")
      ->required();
}

bool StoreCommands::parsed() const {
  return stores_->parsed() || board_->parsed() || digest_->parsed();
}

int StoreCommands::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  if (stores_->parsed()) return RunStores(hub, out, err);
  if (board_->parsed()) return RunBoard(hub, out, err);
  auto d = hub.StateDigest();
  if (!d.ok()) return ExitCodeFor(d.status());
  out << d.value() << "\n";
  return 0;
}

// `outpost-hub stores`: each store online, offline since when, or denied (by
// whom, when, why), how far its log is applied and what it still owes.
int StoreCommands::RunStores(Hub& hub, std::ostream& out, std::ostream& err) {
  auto list = queries::ListStores(queries::HubReader(hub));
  if (!list.ok()) return Fail(list.status(), err);
  json arr = json::array();
  for (const auto& s : list.value()) {
    if (flags_.json) {
      arr.push_back(StoreJson(s));
    } else {
      PrintStoreLine(s, out);
    }
  }
  if (flags_.json) out << arr.dump(2) << "\n";
  return 0;
}

// `outpost-hub board`: a store's day from what it last synced, saying as of when.
int StoreCommands::RunBoard(Hub& hub, std::ostream& out, std::ostream& err) {
  auto board = queries::ReadBoard(queries::HubReader(hub), store_, date_);
  if (!board.ok()) return Fail(board.status(), err);
  const queries::HubBoard& b = board.value();
  const std::string as_of = b.as_of ? *b.as_of : "never (no batch from the store yet)";
  if (flags_.json) {
    out << BoardJson(b, as_of).dump(2) << "\n";
    return 0;
  }
  // The JSON keeps the English; the person reads their language.
  const std::string as_of_words =
      b.as_of ? *b.as_of : i18n::Tr("never (no batch from the store yet)");
  out << i18n::Format("{0}  {1}  as of the store's last batch {2}", {b.site, b.date, as_of_words})
      << "\n";
  if (b.closed) out << i18n::Format("  closed: {0}", {*b.closed}) << "\n";
  for (const auto& slot : b.slots) {
    out << "  " << slot.time << "  "
        << i18n::Format("{0}/{1} taken",
                        {std::to_string(slot.taken), std::to_string(slot.capacity)});
    for (const auto& k : slot.bookings) {
      out << "  " << k.ref << " " << k.customer << " (" << k.status << ", " << k.channel
          << (k.needs_reschedule ? i18n::Tr(", to reschedule") : "") << ")";
    }
    out << "\n";
  }
  return 0;
}

}  // namespace outpost::hub::cli
