// A store's change log of booking inserts (and optionally updates of them),
// chained as a real store writes it:
// the input of the hub-side benchmarks (ingest, verify).
#pragma once

#include <sodium.h>

#include <cstdio>
#include <string>
#include <vector>

#include "sync/changelog.h"
#include "sync/clock.h"
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
    const int64_t at_ms = 1'795'000'000'000 + int64_t{i} * 1000;  // a change a second
    e.hlc = MakeHlc(at_ms, 0);
    e.entity = "booking";
    e.entity_id = MintId(ids, site, at_ms);
    e.op = "insert";
    // Varied as a desk's day is (each booking its own customer, slot, staff),
    // so compression at the store sees no more repetition than real batches.
    static const char* const kServices[] = {"maintenance", "repair", "tyres", "inspection"};
    static const char* const kTimes[] = {"08:30", "09:00", "09:30", "10:00", "10:30", "11:00",
                                         "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"};
    static const char* const kChannels[] = {"phone", "walk-in", "app"};
    static const char* const kStaff[] = {"SA Zhang", "SA Li Na", "SA Wang Fang"};
    char slot_date[16];
    std::snprintf(slot_date, sizeof slot_date, "2026-12-%02d", 1 + i % 28);
    e.fields_json = std::string(R"({"ref":"2612)") + (slot_date + 8) + "-" + std::to_string(i) +
                    R"(","store_id":")" + site + R"(","customer_id":")" +
                    NewIdAt(site, at_ms - 90'000'000LL * (i % 97)) + R"(","service":")" +
                    kServices[i % 4] + R"(","slot_date":")" + slot_date + R"(","slot_time":")" +
                    kTimes[(i * 7) % 12] + R"(","channel":")" + kChannels[i % 3] +
                    R"(","status":"requested","staff":")" + kStaff[i % 3] +
                    R"(","priority_reception":)" + (i % 5 == 0 ? "true" : "false") + "}";
    if (i > inserts) {
      // Changes booking number (i - inserts) of this log, inserted earlier.
      const ChangeEntry& target = log[static_cast<size_t>((i - inserts - 1) % inserts)];
      e.entity_id = target.entity_id;
      e.op = "update";
      e.fields_json = R"({"status":"confirmed","notes":"called back, confirmed )" +
                      std::to_string(i) + R"(","updated_at":")" + FormatUtcMs(at_ms) + R"("})";
    }
    e.staff = kStaff[i % 3];
    e.recorded_at = FormatUtcMs(at_ms);
    e.schema_version = 3;
    e.prev_hash = prev;
    e.hash = ChainHash(e);
    prev = e.hash;
    log.push_back(std::move(e));
  }
  return log;
}

}  // namespace outpost::bench
