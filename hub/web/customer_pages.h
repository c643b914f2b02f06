// The console's customer pages (docs/WEB.md, "Pages"): the search results
// and one unified customer (records per store, vehicles, bookings, consent,
// the evidence for each link), rendered from the read layer's views
// (hub/queries/customers.h). Personal data (names, phones, member ids, VINs)
// is masked unless the reader's role may see it (Permission::kSeePersonalData).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "hub/identity.h"
#include "hub/web/action_forms.h"
#include "hub/web/html.h"

namespace outpost::hub::web {

// "王**": the first character of a name and two stars (a name of one
// character keeps it and gains the stars too).
std::string MaskedName(const std::string& name);

// The search form with `query` and, after a search, its results (one row per
// unified customer, linking to its page); `error` is shown next to the field.
std::string CustomerSearchHtml(Lang lang, const std::string& query, const std::string& error,
                               const std::vector<UnifiedView>* results, bool see_personal);
// One unified customer's page body, with the forms the reader may use: move
// or cancel a booking, merge, unmerge a record, decide a possible match.
std::string CustomerViewHtml(Lang lang, const UnifiedView& view, bool see_personal,
                             const Actions& actions);

}  // namespace outpost::hub::web
