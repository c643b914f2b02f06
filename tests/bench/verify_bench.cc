// outpost verify over a million changes, beside the raw read of the same rows
// in the same run.
//
// The hub database is made by real ingest of sealed batches from `--stores`
// synthetic stores (5,000 changes per batch). Timed:
//   raw read      SELECT of every column of every change (the floor)
//   chain         one store's log re-hashed and linked, as `outpost verify` at a store does
//   hub           hub::VerifyHub without the secret key: every store's chain, every
//                 archived batch's signature, the hub log chain and its signatures,
//                 the entities against the merge of their changes
//   hub + open    the same, every archived batch also decrypted and compared
//
//   verify_bench [--changes N] [--stores S] [--rounds R]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "hub/hub.h"
#include "hub/verify.h"
#include "sync/envelope.h"
#include "sync/testing.h"
#include "tests/bench/synthetic_log.h"
#include "tests/hub_file.h"

namespace {

using namespace outpost;

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int total = 1'000'000, stores = 10, rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--changes")) total = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--stores")) stores = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
  }
  testing::TempDir dir;
  SystemClock clock;
  SecretKeys hub_keys = SecretKeys::Generate("HUB");
  const int per_store = total / stores;
  auto hub = hub::Hub::Create(dir.File("hub.db"), hub_keys, clock).value();
  std::vector<std::vector<ChangeEntry>> logs;
  auto t0 = std::chrono::steady_clock::now();
  for (int s = 0; s < stores; ++s) {
    SecretKeys keys = SecretKeys::Generate("S" + std::to_string(s));
    (void)hub->AllowStore(keys.pub);
    logs.push_back(bench::MakeLog(keys.pub.site_id, per_store));
    for (int off = 0; off < per_store; off += 5000) {
      WireBatch b{keys.pub.site_id, 3, {}};
      for (int i = off; i < std::min(per_store, off + 5000); ++i)
        b.changes.push_back(logs.back()[i]);
      auto ack = hub->Ingest(SealEnvelope(EncodeMessage(b), keys, hub_keys.pub,
                                          Direction::kStoreToHub, keys.pub.site_id,
                                          Compression::kZstd));  // as stores send them
      if (!ack.ok() || ack->status != "ok") {
        std::fprintf(stderr, "ingest failed\n");
        return 1;
      }
    }
  }
  std::fprintf(stderr, "hub database built: %d changes from %d stores in %.1f s\n",
               per_store * stores, stores, Seconds(t0));
  auto file = testing::OpenHubFileReadOnly(dir.File("hub.db"));  // the raw read's baseline
  Db& db = *file;

  std::vector<double> raw, chain, plain, opened;
  std::map<std::string, std::vector<double>> parts;
  for (int r = 0; r < rounds; ++r) {
    t0 = std::chrono::steady_clock::now();
    auto st = db.Prepare(std::string("SELECT ") + kChangeColumns + " FROM changes").value();
    size_t bytes = 0;
    while (st.Step().value()) bytes += st.Text(6).size() + st.Blob(12).size();
    st.Reset();
    raw.push_back(Seconds(t0));
    if (bytes == 0) return 1;

    // One store's log, as a store's verify reads it: pages of 20,000, each chained.
    t0 = std::chrono::steady_clock::now();
    std::optional<Hash256> prev = Hash256{};
    for (size_t off = 0; off < logs[0].size(); off += 20'000) {
      std::span<const ChangeEntry> page(logs[0].data() + off,
                                        std::min<size_t>(20'000, logs[0].size() - off));
      if (!VerifyChain(page, prev).ok()) return 1;
      prev = page.back().hash;
    }
    chain.push_back(Seconds(t0) * stores);  // scaled to all the changes

    t0 = std::chrono::steady_clock::now();
    auto report = hub::VerifyHub(hub->storage(), hub_keys.pub, nullptr).value();
    plain.push_back(Seconds(t0));
    if (!report.consistent()) return 1;
    for (const auto& [name, seconds] : report.timings) parts[name].push_back(seconds);
    t0 = std::chrono::steady_clock::now();
    report = hub::VerifyHub(hub->storage(), hub_keys.pub, &hub_keys).value();
    opened.push_back(Seconds(t0));
    if (!report.consistent() || report.batches_opened != report.batches) return 1;
  }
  const double floor = Median(raw);
  std::printf(
      "| what (%d changes, %d stores, median of %d) | seconds | / raw read |\n"
      "| --- | --- | --- |\n",
      per_store * stores, stores, rounds);
  std::printf("| raw read of every change row | %.2f | 1.00 |\n", floor);
  std::printf("| hash chain re-computed and linked (store verify's log check) | %.2f | %.2f |\n",
              Median(chain), Median(chain) / floor);
  std::printf("| hub verify: chains, batch signatures, hub log, entities | %.2f | %.2f |\n",
              Median(plain), Median(plain) / floor);
  std::printf(
      "| hub verify with --hub-secret: also every batch opened and compared | %.2f | %.2f |\n",
      Median(opened), Median(opened) / floor);
  for (const auto& [name, seconds] : parts) {
    std::printf("| of which (without the key): %s | %.2f | %.2f |\n", name.c_str(), Median(seconds),
                Median(seconds) / floor);
  }
  return 0;
}
