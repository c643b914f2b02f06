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

// How the stores of a benchmark mint ids: as they do now (sync/ids.h), or as
// older stores did: time first (version 7) or random (version 4).
enum class IdKind { kStoreThenTime, kTimeOnly, kRandom };

inline std::string MintId(IdKind kind, const std::string& site, int64_t unix_ms) {
  if (kind == IdKind::kStoreThenTime) return NewIdAt(site, unix_ms);
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  if (kind == IdKind::kTimeOnly) {
    for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(unix_ms >> (8 * (5 - i)));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | (kind == IdKind::kTimeOnly ? 0x70 : 0x40));
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  return FormatUuid(b);
}

// `updates`: the share of entries (0..1) that change a booking written earlier
// in the log (status and notes) instead of creating one: the hub's merge path.
// Every store's clock runs over the same seconds, as on a day of trading.
inline std::vector<ChangeEntry> MakeLog(const std::string& site, int n, double updates = 0,
                                        IdKind ids = IdKind::kStoreThenTime) {
  std::vector<ChangeEntry> log;
  Hash256 prev{};
  const int inserts = n - static_cast<int>(n * updates);
  for (int i = 1; i <= n; ++i) {
    ChangeEntry e;
    e.seq = i;
    e.site_id = site;
    e.hlc = MakeHlc(1'795'000'000'000 + i, 0);
    e.entity = "booking";
    e.entity_id = MintId(ids, site, 1'795'000'000'000 + i);
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
