// 100 stores reconnect at once after a head-office outage, each with changes
// waiting; time until every store is fully acknowledged. Real ZeroMQ/CURVE
// sockets on 127.0.0.1, one hub (its socket thread applies), one thread per store.
//
//   reconnect_bench [--stores N] [--bookings-per-store M]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <thread>
#include <vector>

#include "edge/store.h"
#include "edge/sync_client.h"
#include "hub/hub.h"
#include "hub/server.h"
#include "sync/testing.h"
#include "sync/transport.h"

using namespace outpost;

int main(int argc, char** argv) {
  int stores = 100, per_store = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--stores")) stores = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--bookings-per-store")) per_store = std::atoi(argv[i + 1]);
  }
  testing::TempDir dir;
  SystemClock clock;
  SecretKeys hub_keys = SecretKeys::Generate("HUB");
  auto hub = hub::Hub::Create(dir.File("hub.db"), hub_keys, clock).value();
  std::vector<SecretKeys> keys;
  const char* slots[] = {"08:30", "10:00", "11:00", "14:00", "15:00", "16:00"};
  for (int s = 0; s < stores; ++s) {
    keys.push_back(SecretKeys::Generate("S" + std::to_string(s)));
    (void)hub->AllowStore(keys.back().pub);
    edge::StoreSettings settings;
    settings.store_id = keys.back().pub.site_id;
    settings.name = "Store";
    for (auto& slot : settings.slots) slot.capacity = 50;
    auto store = edge::Store::Create(dir.File(settings.store_id + ".db"), settings, clock).value();
    for (int i = 0; i < per_store; ++i) {
      edge::BookingRequest r;
      r.customer = "139" + std::to_string(10'000'000 + i);
      r.create_customer = edge::NewCustomer{"C", {r.customer}};
      r.date = "+" + std::to_string(1 + i / 300);
      r.time = slots[i % 6];
      r.staff = "SA";
      if (!store->Book(r).ok()) return 1;
    }
  }
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(40000 + getpid() % 20000);
  std::atomic<bool> stop{false};
  // The daemon's own loop (hub/server.h), in a thread.
  std::thread server([&] {
    auto daemon = hub::Server::Bind(*hub, endpoint).value();
    while (!stop) daemon->Turn();
  });
  // Head office is back: every store's sync process reconnects at the same moment.
  std::atomic<int> drained{0};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  clients.reserve(stores);
  for (int s = 0; s < stores; ++s) {
    clients.emplace_back([&, s] {
      auto client = edge::SyncClient::Create(dir.File(keys[s].pub.site_id + ".db"), endpoint,
                                             keys[s], hub_keys.pub, clock)
                        .value();
      auto db = Db::Open(dir.File(keys[s].pub.site_id + ".db"), {}).value();
      // As SyncClient::Run paces itself: back off while the hub does not answer.
      int backoff_ms = 100;
      while (true) {
        const bool answered = client->RunOnce().ok();
        if (edge::ReadSyncStatus(*db).value().waiting() == 0) break;
        if (!answered) {
          std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
          backoff_ms = std::min(backoff_ms * 2, 5000);
        } else {
          backoff_ms = 100;
        }
      }
      ++drained;
    });
  }
  for (auto& c : clients) c.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stop = true;
  server.join();
  std::printf("%d stores x %d changes waiting: all drained in %.2f s (%d drained)\n", stores,
              per_store * 2, secs, drained.load());
  return 0;
}
