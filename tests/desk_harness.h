// Runs the real outpost-edge binary against a store in a temporary directory.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "sync/testing.h"
#include "tests/process.h"

namespace outpost::testing {

class DeskHarness {
 public:
  // `now`: the desk clock (OUTPOST_NOW) or empty for the real clock.
  explicit DeskHarness(std::string now = "2026-11-23T01:00:00Z") : now_(std::move(now)) {}

  std::vector<std::string> Env() const {
    std::vector<std::string> env = {"OUTPOST_DB=" + db(), "OUTPOST_STAFF=SA Zhang"};
    if (!now_.empty()) env.push_back("OUTPOST_NOW=" + now_);
    return env;
  }
  std::vector<std::string> Argv(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {OUTPOST_EDGE_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  ProcessResult Desk(const std::vector<std::string>& args) const { return RunProgram(Argv(args), Env()); }
  nlohmann::json Json(const std::vector<std::string>& args) const {
    std::vector<std::string> with_json = args;
    with_json.push_back("--json");
    ProcessResult r = Desk(with_json);
    if (r.exit_code != 0) return nlohmann::json{{"error", r.err}, {"exit", r.exit_code}};
    return nlohmann::json::parse(r.out);
  }
  void SetNow(std::string now) { now_ = std::move(now); }
  std::string db() const { return dir_.File("store.db"); }

 private:
  TempDir dir_;
  std::string now_;
};

}  // namespace outpost::testing
