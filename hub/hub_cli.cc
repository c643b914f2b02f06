#include "hub/hub_cli.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <iostream>

#include "hub/hub.h"
#include "sync/envelope.h"
#include "sync/transport.h"

namespace outpost::hub {
namespace {

using nlohmann::json;

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }


// A store counts as online while it has been heard from within this window
// (its sync process says hello at least every few seconds).
constexpr int64_t kOnlineWindowMs = 15'000;

int Serve(Hub& hub, const std::string& bind, std::ostream& out, std::ostream& err) {
  auto allowed = [&hub](const std::array<uint8_t, 32>& key) {
    auto stores = hub.Stores();
    if (!stores.ok()) return false;
    for (const auto& s : stores.value()) {
      auto keys = hub.StoreKeys(s.site_id);
      if (keys.ok() && keys->kx_pk == key) return true;
    }
    return false;
  };
  auto endpoint = HubEndpoint::Bind(bind, hub.keys(), allowed);
  if (!endpoint.ok()) {
    err << "outpost-hub: " << endpoint.status().ToString() << "\n";
    return ExitCodeFor(endpoint.status());
  }
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  out << "outpost-hub: listening on " << bind << "\n" << std::flush;
  while (!g_stop.load()) {
    auto request = endpoint.value()->Receive(200);
    for (const auto& refusal : endpoint.value()->TakeRefusals()) {
      err << "outpost-hub: refused connection: " << refusal << "\n";
    }
    if (!request.ok()) {
      // An interrupted poll (our own stop signal) is not worth a log line.
      if (request.status().code() != StatusCode::kRetryLater) {
        err << "outpost-hub: " << request.status().ToString() << "\n";
      }
      continue;
    }
    if (!request.value()) continue;
    auto ack = hub.Ingest(request.value()->payload);
    if (!ack.ok()) {
      // Logged with its reason (never keys or payload); the store gets no ack.
      err << "outpost-hub: refused: " << ack.status().ToString() << "\n";
      continue;
    }
    auto reply = hub.SealReply(ack.value());
    if (reply.ok()) (void)endpoint.value()->Reply(*request.value(), reply.value());
  }
  out << "outpost-hub: stopped\n";
  return 0;
}

}  // namespace

int RunHubCli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"outpost-hub: head office daemon and queries."};
  app.require_subcommand(1);
  app.fallthrough();
  std::string db_path = "hub.db", key_path = "HUB.key";
  bool json_output = false;
  app.add_option("--db", db_path, "hub database file")->capture_default_str();
  app.add_option("--key", key_path, "the hub's secret key file")->capture_default_str();
  app.add_flag("--json", json_output, "machine-readable output");

  std::vector<std::string> pub_paths;
  auto* allow = app.add_subcommand("allow", "add stores to the allow-list (or rotate their keys)");
  allow->add_option("pub", pub_paths, "store public key files (SITE.pub)")->required();
  std::string bind = "tcp://127.0.0.1:7700";
  auto* serve = app.add_subcommand("serve", "receive and apply the stores' change logs");
  serve->add_option("--bind", bind)->capture_default_str();
  auto* stores = app.add_subcommand("stores", "each store: online, offline since, last batch");
  auto* digest = app.add_subcommand("digest", "a digest of the consolidated state");
  std::string cc_store, cc_phone, cc_name, cc_plate, cc_date, cc_slot, cc_service, cc_notes,
      cc_staff;
  auto* book = app.add_subcommand(
      "book", "call centre: book into a store (delivered when the store is next in contact)");
  book->add_option("--store", cc_store)->required();
  book->add_option("--phone", cc_phone)->required();
  book->add_option("--name", cc_name, "the customer's name if the store may not know them");
  book->add_option("--plate", cc_plate);
  book->add_option("--date", cc_date, "YYYY-MM-DD")->required();
  book->add_option("--slot", cc_slot, "HH:MM")->required();
  book->add_option("--service", cc_service);
  book->add_option("--notes", cc_notes);
  book->add_option("--staff", cc_staff, "who took the call")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "outpost-hub: usage: " << e.what() << " (try --help)\n";
    return 1;
  }
  auto keys = LoadSecretKeys(key_path);
  if (!keys.ok()) {
    err << "outpost-hub: " << keys.status().ToString() << "\n";
    return ExitCodeFor(keys.status());
  }
  SystemClock clock;
  auto hub = Hub::Open(db_path, keys.value(), clock);
  if (!hub.ok()) {
    err << "outpost-hub: " << hub.status().ToString() << "\n";
    return ExitCodeFor(hub.status());
  }
  if (allow->parsed()) {
    for (const auto& path : pub_paths) {
      auto pub = LoadPublicKeys(path);
      Status st = pub.ok() ? hub.value()->AllowStore(pub.value()) : pub.status();
      if (!st.ok()) {
        err << "outpost-hub: " << st.ToString() << "\n";
        return ExitCodeFor(st);
      }
      out << "allowed " << pub->site_id << " (key " << pub->KeyId() << ")\n";
    }
    return 0;
  }
  if (serve->parsed()) return Serve(*hub.value(), bind, out, err);
  if (stores->parsed()) {
    auto list = hub.value()->Stores();
    if (!list.ok()) {
      err << "outpost-hub: " << list.status().ToString() << "\n";
      return ExitCodeFor(list.status());
    }
    const int64_t now = clock.NowMs();
    json arr = json::array();
    for (const auto& s : list.value()) {
      bool online = false;
      if (s.last_contact) {
        auto t = ParseUtcMs(*s.last_contact);
        online = t.ok() && now - t.value() <= kOnlineWindowMs;
      }
      if (json_output) {
        arr.push_back({{"store_id", s.site_id}, {"key_id", s.key_id},
                       {"state", online ? "online" : "offline"}, {"last_seq", s.last_seq},
                       {"log_head", s.last_hash},
                       {"pending", s.pending()},
                       {"requests_queued", s.queued_requests},
                       {"requests_answered", s.applied_requests},
                       {"last_contact", s.last_contact ? json(*s.last_contact) : json(nullptr)},
                       {"last_batch_at", s.last_batch_at ? json(*s.last_batch_at) : json(nullptr)}});
        continue;
      }
      out << s.site_id << "  " << (online ? "online" : "offline");
      if (!online) out << (s.last_contact ? " since " + *s.last_contact : " (never heard from)");
      out << "  applied through seq " << s.last_seq << ", " << s.pending() << " pending";
      if (s.last_batch_at) out << "  last batch " << *s.last_batch_at;
      if (s.queued_requests > 0) {
        out << "  call-centre requests answered " << s.applied_requests << "/"
            << s.queued_requests;
      }
      out << "\n";
    }
    if (json_output) out << arr.dump(2) << "\n";
    return 0;
  }
  if (book->parsed()) {
    json request = {{"phone", cc_phone}, {"date", cc_date}, {"slot", cc_slot}};
    if (!cc_name.empty()) request["name"] = cc_name;
    if (!cc_plate.empty()) request["plate"] = cc_plate;
    if (!cc_service.empty()) request["service"] = cc_service;
    if (!cc_notes.empty()) request["notes"] = cc_notes;
    auto seq = hub.value()->QueueBooking(cc_store, request, cc_staff);
    if (!seq.ok()) {
      err << "outpost-hub: " << seq.status().ToString() << "\n";
      return ExitCodeFor(seq.status());
    }
    if (json_output) {
      out << json{{"store_id", cc_store}, {"request_seq", seq.value()}}.dump(2) << "\n";
    } else {
      out << "queued call-centre request " << seq.value() << " for " << cc_store
          << ": delivered and booked at the store when it is next in contact\n";
    }
    return 0;
  }
  if (digest->parsed()) {
    auto d = hub.value()->StateDigest();
    if (!d.ok()) return ExitCodeFor(d.status());
    out << d.value() << "\n";
    return 0;
  }
  return 1;
}

}  // namespace outpost::hub
