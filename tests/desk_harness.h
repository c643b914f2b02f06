// Runs the real outpost-edge binary against a store in a temporary directory.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sync/clock.h"
#include "sync/testing.h"
#include "tests/process.h"

namespace outpost::testing {

// One clock for every process of a test that needs time to pass (sync
// windows, timed heads): it read `instant` when the system clock read `at_ms`
// and ticks from there (OUTPOST_NOW with OUTPOST_NOW_AT, sync/clock.h). So a
// test books "today" on a Monday at 09:00 in Shanghai whatever the hour or
// date it runs at, and never crosses a midnight it did not choose.
class SharedClock {
 public:
  explicit SharedClock(std::string instant = "2026-11-23T01:00:00Z")  // Monday 09:00 Shanghai
      : instant_(std::move(instant)), at_ms_(SystemClock().NowMs()) {}
  // `offset_ms`: a clock that ticks with this one, that far ahead (or behind).
  std::vector<std::string> Env(int64_t offset_ms = 0) const {
    return {"OUTPOST_NOW=" + FormatUtcMs(ParseUtcMs(instant_).value() + offset_ms),
            "OUTPOST_NOW_AT=" + std::to_string(at_ms_)};
  }
  // The shared clock's reading now, plus `offset_ms`, as OUTPOST_NOW takes it.
  std::string Now(int64_t offset_ms = 0) const {
    return FormatUtcMs(ParseUtcMs(instant_).value() + SystemClock().NowMs() - at_ms_ + offset_ms);
  }

 private:
  std::string instant_;
  int64_t at_ms_;
};

class DeskHarness {
 public:
  // `now`: the desk clock (OUTPOST_NOW), standing still at that instant.
  explicit DeskHarness(const std::string& now = "2026-11-23T01:00:00Z")
      : clock_env_{"OUTPOST_NOW=" + now} {}
  // A desk on a test's shared, ticking clock.
  explicit DeskHarness(const SharedClock& clock) : clock_env_(clock.Env()) {}

  std::vector<std::string> Env() const {
    std::vector<std::string> env = {"OUTPOST_DB=" + db(), "OUTPOST_STAFF=SA Zhang"};
    env.insert(env.end(), clock_env_.begin(), clock_env_.end());
    return env;
  }
  std::vector<std::string> Argv(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {OUTPOST_EDGE_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  ProcessResult Desk(const std::vector<std::string>& args) const {
    return RunProgram(Argv(args), Env());
  }
  nlohmann::json Json(const std::vector<std::string>& args) const {
    std::vector<std::string> with_json = args;
    with_json.push_back("--json");
    ProcessResult r = Desk(with_json);
    if (r.exit_code != 0) return nlohmann::json{{"error", r.err}, {"exit", r.exit_code}};
    return nlohmann::json::parse(r.out);
  }
  // From here on the desk's clock stands still at `now`.
  void SetNow(const std::string& now) { clock_env_ = {"OUTPOST_NOW=" + now}; }
  // From here on the desk's clock ticks with `clock`, `offset_ms` off it.
  void SetClock(const SharedClock& clock, int64_t offset_ms) { clock_env_ = clock.Env(offset_ms); }
  std::string db() const { return dir_.File("store.db"); }

 private:
  TempDir dir_;
  std::vector<std::string> clock_env_;
};

// The arguments of `outpost-edge sync` (for DeskHarness::Argv): the hub at
// `endpoint`, its public key file, the store's secret key file, then `more`.
inline std::vector<std::string> SyncCommandArgs(const std::string& endpoint,
                                                const std::string& hub_pub,
                                                const std::string& store_key,
                                                const std::vector<std::string>& more = {}) {
  std::vector<std::string> args = {"sync",  "--hub", endpoint, "--hub-key",
                                   hub_pub, "--key", store_key};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

}  // namespace outpost::testing
