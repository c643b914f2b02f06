// The recovery page (docs/WEB.md, "Pages"): the recovery report of every
// store since a day (hub/queries/recovery.h, worded as `outpost
// recovery-report` prints it): applied seq, changes on their way, offline
// windows and the changes made in them, paper imports, conflicts opened,
// resolved and open with whom to call, and the call-centre requests not taken
// as asked, and the latest verify run with its findings (a button runs it
// again for the data team and admins). Names and phones masked unless the
// reader may see them. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "hub/queries/recovery.h"
#include "hub/verify.h"
#include "hub/web/html.h"

namespace outpost::hub::web {

// The console's latest verify run (hub::VerifyHub with the hub's keys: every
// archived batch opened), kept by the console process since it started.
struct VerifyRun {
  std::string at;  // UTC, when it finished
  std::string by;  // the account that ran it
  double seconds = 0;
  HubVerifyReport report;
};

struct RecoveryPage {
  std::string since;        // the day asked, YYYY-MM-DD
  std::string since_error;  // the since field's refusal, shown next to it
  const std::vector<queries::StoreRecovery>* stores = nullptr;  // null: not read
  bool see_personal = false;
  const VerifyRun* verify = nullptr;  // null: not run since the console started
  std::string csrf;                   // non-empty: the reader may run verify
};
std::string RecoveryPageHtml(Lang lang, const RecoveryPage& page);

}  // namespace outpost::hub::web
