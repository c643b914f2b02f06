// A real hub and two real stores (tests/hub_and_stores.h: S1, S2) with
// outpost-hub's command line run in process on the hub's file, its clock
// pinned by OUTPOST_NOW to Monday 2026-11-23 09:00 in Shanghai; and visits
// that happened, made at a store's desk. The fixture of the head-office
// outreach and segments tests.
#pragma once

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/hub_and_stores.h"
#include "tests/hub_cli_run.h"

namespace outpost::testing {

inline constexpr char kHubCliNow[] = "2026-11-23T01:00:00Z";  // Monday 09:00 in Shanghai

class HubCliAndStores : public HubAndStores {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WriteKeyFiles(hub_keys_, dir_.path(), false).ok());
    setenv("OUTPOST_NOW", kHubCliNow, 1);
    OpenSites({"S1", "S2"});
  }
  void TearDown() override { unsetenv("OUTPOST_NOW"); }

  CliResult Cli(const std::vector<std::string>& args) {
    return RunHubCliWith(HubDb(), dir_.File("HUB.key"), args);
  }
  nlohmann::json CliJson(const std::vector<std::string>& args) {
    std::vector<std::string> with = {"--json"};
    with.insert(with.end(), args.begin(), args.end());
    CliResult r = Cli(with);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  void At(const std::string& utc) { clock_.Set(ParseUtcMs(utc).value()); }

  // `r` booked on `date` at 10:00 (at 09:00 that day), checked in, serviced
  // and completed an hour later, worth `fen` when given. Returns the store's
  // customer record ("" when the booking was refused).
  std::string CompletedVisit(const std::string& site, edge::BookingRequest r,
                             const std::string& date, std::optional<int64_t> fen = std::nullopt) {
    At(date + "T01:00:00Z");
    r.date = date;
    r.time = "10:00";
    r.staff = "SA";
    auto b = stores_[site]->Book(r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    if (!b.ok()) return "";
    At(date + "T02:00:00Z");
    EXPECT_TRUE(stores_[site]->CheckIn(b->id, "SA").ok());
    EXPECT_TRUE(stores_[site]->StartService(b->id, "SA").ok());
    auto done = stores_[site]->Complete(b->id, "SA", fen);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    return b->customer_id;
  }
};

}  // namespace outpost::testing
