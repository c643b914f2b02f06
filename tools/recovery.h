// Recovery tools: verify (store or hub), rebuild a lost store from the hub,
// and point-in-time replay of a store's change log. docs/RECOVERY.md.
//
//   outpost verify --db FILE [--hub ENDPOINT --keys SITE.key --hub-key HUB.pub] [--repair] [--json]
//   outpost verify --db HUB.db --hub-key HUB.pub [--hub-secret HUB.key] [--json]
//   outpost rebuild --db NEW.db --hub ENDPOINT --keys SITE.key --hub-key HUB.pub
//   outpost replay --from STORE.db --to NEW.db (--until-seq N | --until TIME)
//
// Exit status: 0 consistent (or done); 1 inconsistent, or bad input;
// 3 a system failure (a file that cannot be read, the hub not answering).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "sync/clock.h"

namespace CLI {
class App;
}  // namespace CLI

namespace outpost::recovery {

// One thing verify checked: what, whether it holds, and each finding.
struct Check {
  std::string name;
  bool ok = true;
  std::string detail;
  std::vector<std::string> findings;
  std::vector<std::string> repairs;  // what --repair did
  std::string detail_shown;          // detail in the reader's language; empty: as detail
};

struct VerifyResult {
  std::string subject;  // "store SH-PUDONG (sh.db)" or "hub (hub.db)"
  std::vector<Check> checks;
  bool consistent() const;
  nlohmann::json ToJson() const;
  void Print(std::ostream& out) const;
};

class Commands {
 public:
  explicit Commands(CLI::App& app);
  bool parsed() const;
  // `clock`: the program's one clock (sync/clock.h ClockFromEnvironment); outlives the call.
  int Run(const Clock& clock, std::ostream& out, std::ostream& err);

 private:
  int RunVerify(std::ostream& out, std::ostream& err);
  int RunRebuild(std::ostream& out, std::ostream& err);
  int RunReplay(std::ostream& out, std::ostream& err);

  const Clock* clock_ = nullptr;  // set by Run
  CLI::App* verify_ = nullptr;
  CLI::App* rebuild_ = nullptr;
  CLI::App* replay_ = nullptr;
  std::string db_, hub_, keys_, hub_key_, hub_secret_, from_, to_, until_;
  int64_t until_seq_ = 0;
  int timeout_ms_ = 10'000;
  bool repair_ = false, json_ = false;
};

}  // namespace outpost::recovery
