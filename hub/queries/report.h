// Month report query: head office's month-end statistics (issue 17 item 7,
// docs/KPI.md "At head office") for every allow-listed store and the chain,
// or one store, computed by the stores' own pure code
// (sync/kpi/month_report.h ComputeMonthReport) from the hub's unified data:
//
//   bookings     hub_bookings (typed behind ingest; 0015 adds when it was
//                asked for, whether a reschedule made it, its first cancel);
//   contacts     the stores' synced marketing messages sent or done, and
//                head office's own: its messages sent and its calls recorded,
//                each counted at the store whose customer it is, once (not
//                again when the store's record of it has synced back);
//   calls and    the stores' synced "task" entities (model::ParseTask).
//   complaints
//
// Every instant is turned into the store's local day in its own zone (its
// synced calendar; head office's, Asia/Shanghai, when it has none, said in
// `zone_assumed`). The chain's figures are ComputeMonthReport over every
// store's facts together (sums, not averages of percentages). A store last
// heard from before the month's end has figures complete only to that day.
//
// Thread-compatible (hub/queries/reader.h). Reads only, after the typed rows
// have caught up with the changes synced (Identity::IndexChanges: derived
// rows, as a customer query's resolution writes); on a standby, which takes
// no writes, it reads them as they are and says how stale they are.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/queries/reader.h"
#include "sync/kpi/month_report.h"
#include "sync/status.h"

namespace outpost::hub::queries {

// Head office's zone: a store with no calendar synced is counted in it.
inline constexpr char kHeadOfficeZone[] = "Asia/Shanghai";

struct StoreMonthReport {
  std::string site;
  std::string name;           // its calendar's name, else the store id
  std::string time_zone;      // the zone its days are counted in
  bool zone_assumed = false;  // no calendar synced: head office's zone
  // The local day of its last contact when that is before the month's end
  // ("" when it never called); nullopt: complete.
  std::optional<std::string> complete_to;
  kpi::MonthReport report;
  // With trend months asked for: the figures of the months up to this one,
  // oldest first (this one last).
  std::vector<kpi::MonthReport> trend;
};

struct MonthReports {
  std::string month;
  std::vector<StoreMonthReport> stores;  // by store id
  // Every store's facts together; set when no one store was asked for.
  std::optional<kpi::MonthReport> chain;
  std::vector<kpi::MonthReport> chain_trend;
  int incomplete = 0;  // stores whose figures are complete only to a day
  // Read from a standby (a read-only replica of a PostgreSQL hub): how stale
  // it is. Its typed rows are then as the primary last brought them up to
  // date (outpost-hub serve does so at each profile refresh), not caught up
  // here as on the primary. nullopt: read from the hub's own database.
  std::optional<storage::StandbyState> standby;
};

// `month` ("YYYY-MM"; InvalidInput naming "month" otherwise) for `site`
// (InvalidInput naming "--store" with the value when not on the allow-list),
// or every store and the chain when `site` is empty. `trend_months` > 1
// also computes that many months ending with `month` (the HTML's charts).
Result<MonthReports> MonthReportAtHub(const HubReader& hub, const std::string& month,
                                      const std::string& site, int trend_months = 1);

}  // namespace outpost::hub::queries
