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
  if (!skew_ms) return "clock unknown";
  if (*skew_ms >= -5000 && *skew_ms <= 5000) return "clock in step";
  const int64_t seconds = (*skew_ms < 0 ? -*skew_ms : *skew_ms) / 1000;
  return "clock " + std::to_string(seconds) + " s " + (*skew_ms > 0 ? "ahead" : "behind");
}

void PrintStoreLine(const queries::StoreState& s, std::ostream& out) {
  const bool online = s.reachability == queries::StoreReachability::kOnline;
  out << s.site_id << "  " << queries::ReachabilityName(s.reachability);
  if (s.denied_at) {
    out << " since " << *s.denied_at << " by " << s.denied_by << " (" << s.denied_reason << "; key "
        << s.key_id << " refused)";
  } else if (!online) {
    out << (s.last_contact ? " since " + *s.last_contact : " (never heard from)");
  }
  out << "  applied through seq " << s.last_seq << ", " << s.pending() << " pending";
  if (s.resent_changes > 0) out << ", " << s.resent_changes << " resent";
  if (s.last_batch_at) out << "  last batch " << *s.last_batch_at;
  out << "  " << ClockSkewWords(s.clock_skew_ms);
  if (s.queued_requests > 0) {
    out << "  call-centre requests answered " << s.applied_requests << "/" << s.queued_requests;
    if (s.refused_requests > 0) out << " (" << s.refused_requests << " refused there)";
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

}  // namespace outpost::hub::cli
