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
#include "hub/web/html.h"

namespace outpost::hub::web {

std::string QueueHtml(Lang lang, const queries::CallCentreQueue& queue, bool see_personal);
// `csrf_token` non-empty: the reader may decide duplicates, and each row
// gets the merge / keep-apart form (a note required).
std::string CasesHtml(Lang lang, const std::vector<queries::HubCase>& cases,
                      const std::vector<queries::PossibleDuplicate>& duplicates, bool see_personal,
                      const std::string& csrf_token);

}  // namespace outpost::hub::web
