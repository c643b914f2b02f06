// The recovery page (docs/WEB.md, "Pages"): the recovery report of every
// store since a day (hub/queries/recovery.h, worded as `outpost
// recovery-report` prints it): applied seq, changes on their way, offline
// windows and the changes made in them, paper imports, conflicts opened,
// resolved and open with whom to call, and the call-centre requests not taken
// as asked. Names and phones masked unless the reader may see them. Pure;
// thread-safe.
#pragma once

#include <string>
#include <vector>

#include "hub/queries/recovery.h"
#include "hub/web/html.h"

namespace outpost::hub::web {

struct RecoveryPage {
  std::string since;        // the day asked, YYYY-MM-DD
  std::string since_error;  // the since field's refusal, shown next to it
  const std::vector<queries::StoreRecovery>* stores = nullptr;  // null: not read
  bool see_personal = false;
};
std::string RecoveryPageHtml(Lang lang, const RecoveryPage& page);

}  // namespace outpost::hub::web
