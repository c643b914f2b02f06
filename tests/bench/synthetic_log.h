// A store's change log of booking inserts (and optionally updates of them),
// chained as a real store writes it:
// the input of the hub-side benchmarks (ingest, verify).
#pragma once

#include <sodium.h>

#include <cstdio>
#include <string>
#include <vector>

#include "sync/changelog.h"
#include "sync/ids.h"

namespace outpost::bench {

// A version 4 id: random from its first digit.
inline std::string RandomId() {
  std::string id = NewIdAt(0);  // its last 74 bits are random already
  unsigned char r[6];
  randombytes_buf(r, sizeof r);
  static const char kHex[] = "0123456789abcdef";
  for (int i = 0, k = 0; i < 13; ++i) {
    if (i == 8) continue;  // the dash
    id[i] = kHex[(r[k / 2] >> (k % 2 ? 0 : 4)) & 0xf];
    ++k;
  }
  id[14] = '4';
  return id;
}

// `updates`: the share of entries (0..1) that change a booking written earlier
// in the log (status and notes) instead of creating one: the hub's merge path.
// Ids as stores mint them (time-ordered, sync/ids.h), or `random_ids` as
// stores minted them before (version 4).
inline std::vector<ChangeEntry> MakeLog(const std::string& site, int n, double updates = 0,
                                        bool random_ids = false) {
  std::vector<ChangeEntry> log;
  Hash256 prev{};
  const int inserts = n - static_cast<int>(n * updates);
  for (int i = 1; i <= n; ++i) {
    ChangeEntry e;
    e.seq = i;
    e.site_id = site;
    e.hlc = MakeHlc(1'795'000'000'000 + i, 0);
    e.entity = "booking";
    e.entity_id = random_ids ? RandomId() : NewIdAt(1'795'000'000'000 + i);
    e.op = "insert";
    e.fields_json = std::string(R"({"ref":"261124-)") + std::to_string(i) +
                    R"(","store_id":")" + site +
                    R"(","customer_id":"0f8e4c2a-9b1d-4e7f-a3c5-6d2b8e1f0a94","service":"maintenance",)"
                    R"("slot_date":"2026-11-24","slot_time":"10:00","channel":"phone",)"
                    R"("status":"requested","staff":"SA Zhang","priority_reception":true})";
    if (i > inserts) {
      // Changes booking number (i - inserts) of this log, inserted earlier.
      const ChangeEntry& target = log[static_cast<size_t>((i - inserts - 1) % inserts)];
      e.entity_id = target.entity_id;
      e.op = "update";
      e.fields_json = R"({"status":"confirmed","notes":"called back, confirmed )" +
                      std::to_string(i) + R"(","updated_at":"2026-11-23T02:00:00.000Z"})";
    }
    e.staff = "SA Zhang";
    e.recorded_at = "2026-11-23T01:00:00.000Z";
    e.schema_version = 3;
    e.prev_hash = prev;
    e.hash = ChainHash(e);
    prev = e.hash;
    log.push_back(std::move(e));
  }
  return log;
}

}  // namespace outpost::bench
