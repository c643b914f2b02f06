// The console's work lists (docs/WEB.md, "Pages"): the call centre's queue
// (what stores handed to head office and head office's own invitation
// calls, hub/queries/tasks.h) and every store's open cases with head
// office's possible duplicates (hub/queries/cases.h). Names and phones are
// masked unless the reader's role may see them. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "hub/queries/cases.h"
#include "hub/queries/tasks.h"
#include "hub/web/action_forms.h"
#include "hub/web/html.h"

namespace outpost::hub::web {

// Each task gets the call form when the reader may work the queue.
std::string QueueHtml(Lang lang, const queries::CallCentreQueue& queue, bool see_personal,
                      const Actions& actions);
// Each open case gets the close form, each possible duplicate the merge /
// keep-apart form, when the reader's role may use them (a note required).
std::string CasesHtml(Lang lang, const std::vector<queries::HubCase>& cases,
                      const std::vector<queries::PossibleDuplicate>& duplicates, bool see_personal,
                      const Actions& actions);

}  // namespace outpost::hub::web
