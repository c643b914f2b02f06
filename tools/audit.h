// Audit and the recovery report, read from a store's or the hub's database.
// docs/RECOVERY.md.
//
//   outpost audit booking REF|ID --db FILE [--store S] [--json] [--full-phones]
//   outpost audit customer ID|PHONE|UNIFIED --db FILE [--json] [--full-phones]
//   outpost audit export --db FILE --from T --to T [--format csv|json] [--out F] [--full-phones]
//   outpost recovery-report --db HUB.db --since T [--format text|html|json] [--out F]
//                           [--hub-key HUB.pub | --hub-secret HUB.key]
//
// Every line of history comes from the change log (a store's change_log, or
// the hub's copy of every store's): who, when (system time and business
// time), where (site), by which channel, old value -> new value. Phones are
// shown by their last four digits unless --full-phones. Read-only.
#pragma once

#include <ostream>
#include <string>

#include "sync/clock.h"

namespace CLI {
class App;
}  // namespace CLI

namespace outpost::audit {

class Commands {
 public:
  explicit Commands(CLI::App& app);
  bool parsed() const;
  // `clock`: the program's one clock (sync/clock.h ClockFromEnvironment); outlives the call.
  int Run(const Clock& clock, std::ostream& out, std::ostream& err);

 private:
  int RunHistory(bool booking, std::ostream& out, std::ostream& err);
  int RunExport(std::ostream& out, std::ostream& err);
  int RunReport(std::ostream& out, std::ostream& err);

  const Clock* clock_ = nullptr;  // set by Run
  CLI::App* audit_ = nullptr;
  CLI::App* booking_ = nullptr;
  CLI::App* customer_ = nullptr;
  CLI::App* export_ = nullptr;
  CLI::App* report_ = nullptr;
  std::string db_, id_, store_, from_, to_, since_, format_ = "csv", report_format_ = "text";
  std::string out_file_, hub_key_, hub_secret_;
  bool json_ = false, full_phones_ = false;
};

}  // namespace outpost::audit
