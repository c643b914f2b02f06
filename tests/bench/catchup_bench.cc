// Catch-up after a long outage: a store with ~20,000 changes waiting (a busy
// week offline) reconnects; time from the first request to everything
// acknowledged, over real ZeroMQ/CURVE sockets on 127.0.0.1 (hub in a thread).
//
//   catchup_bench [--bookings N]    (each booking with a new customer is 2 changes)
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <thread>

#include "edge/store.h"
#include "edge/sync_client.h"
#include "hub/hub.h"
#include "hub/server.h"
#include "sync/envelope.h"
#include "sync/testing.h"
#include "sync/transport.h"
#include "tests/hub_file.h"

using namespace outpost;

int main(int argc, char** argv) {
  int bookings = 10'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--bookings")) bookings = std::atoi(argv[i + 1]);
  }
  testing::TempDir dir;
  SystemClock clock;
  SecretKeys hub_keys = SecretKeys::Generate("HUB");
  SecretKeys store_keys = SecretKeys::Generate("S1");
  {
    edge::StoreSettings settings;
    settings.store_id = "S1";
    settings.name = "Catch-up";
    for (auto& s : settings.slots) s.capacity = 100;
    auto store = edge::Store::Create(dir.File("s1.db"), settings, clock).value();
    const char* slots[] = {"08:30", "10:00", "11:00", "14:00", "15:00", "16:00"};
    for (int i = 0; i < bookings; ++i) {
      edge::BookingRequest r;
      r.customer = "139" + std::to_string(10'000'000 + i);
      r.create_customer = edge::NewCustomer{"C" + std::to_string(i), {r.customer}};
      r.date = "+" + std::to_string(1 + i / 600);
      r.time = slots[i % 6];
      r.staff = "SA";
      if (!store->Book(r).ok()) return 1;
    }
  }
  auto hub = hub::Hub::Create(dir.File("hub.db"), hub_keys, clock).value();
  (void)hub->AllowStore(store_keys.pub);
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(40000 + getpid() % 20000);
  std::atomic<bool> stop{false};
  // The daemon's own loop (hub/server.h), in a thread.
  std::thread server([&] {
    auto daemon = hub::Server::Bind(*hub, endpoint).value();
    while (!stop) daemon->Turn();
  });
  auto client =
      edge::SyncClient::Create(dir.File("s1.db"), endpoint, store_keys, hub_keys.pub, clock)
          .value();
  auto db = Db::Open(dir.File("s1.db"), {}).value();
  // Wait for the connection (CURVE handshake) before the clock starts: the
  // target is reconnect to fully acknowledged, not TCP setup.
  while (!client->RunOnce().ok()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto before = edge::ReadSyncStatus(*db).value();
  // RunOnce above already carried the first batch; restart the measurement cleanly.
  (void)db->Exec("UPDATE sync_state SET hub_acked_seq = 0");
  (void)testing::OpenHubFileToTamper(dir.File("hub.db"))
      ->Exec(
          "DELETE FROM changes; DELETE FROM entities; DELETE FROM batch_archive;"
          " UPDATE store_cursors SET last_seq = 0, last_hash = zeroblob(32);");
  auto t0 = std::chrono::steady_clock::now();
  int rounds = 0;
  while (true) {
    if (!client->RunOnce().ok()) return 2;
    ++rounds;
    auto st = edge::ReadSyncStatus(*db).value();
    if (st.waiting() == 0) break;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stop = true;
  server.join();
  std::printf("catch-up: %lld changes acknowledged in %.3f s (%d exchanges, %.0f changes/s)\n",
              static_cast<long long>(before.last_seq), secs, rounds, before.last_seq / secs);
  return 0;
}
