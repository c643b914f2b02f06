// The console's write forms (docs/WEB.md, "Writes"): each posts to one
// handler that calls the same operation as the command line (a call on a
// task: hub/task_attempts.h; cancel or move: Hub::QueueBookingChange; merge,
// unmerge, keep apart: hub/identity_decisions.h; closing a store's case:
// Hub::QueueCaseResolution). A form is drawn only for a reader whose role may
// use it (the server checks again on every post); each carries the session's
// CSRF token. A refusal is shown inside the form it refuses, opened, with
// the field it names. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "hub/queries/cases.h"
#include "hub/web/html.h"
#include "sync/model/task.h"

namespace outpost::hub::web {

// A refusal of one form: which form ("call:<task id>", "change:<booking id>",
// "merge", "unmerge:<record id>", "decide:<D- ref>", "close:<store>/<ref>")
// and the operation's message (it starts with the field it is about).
struct FormError {
  std::string form;
  std::string message;
};

// What the reader may do on a page, and the token their forms carry.
struct Actions {
  std::string csrf;               // empty: no form at all
  bool book = false;              // Permission::kBook
  bool work_queue = false;        // Permission::kWorkQueue
  bool resolve_identity = false;  // Permission::kResolveIdentity
  bool resolve_cases = false;     // Permission::kResolveCases
  FormError error;                // the form refused on this post, if any
};

// Record a call on a handed-over task (queue page).
std::string CallForm(Lang lang, const model::Task& task, const Actions& actions);
// Cancel or move one booking of a customer (customer page); "" unless the
// booking is still requested or confirmed.
std::string BookingChangeForm(Lang lang, const std::string& customer_id,
                              const nlohmann::json& booking, const Actions& actions);
// Merge this customer with another (customer page).
std::string MergeForm(Lang lang, const std::string& customer_id, const Actions& actions);
// Take one record out of this customer (customer page).
std::string UnmergeForm(Lang lang, const std::string& customer_id, const std::string& record_id,
                        const Actions& actions);
// One person or two, for a possible duplicate `ref`; `back` non-empty: the
// customer page to return to (else the cases page).
std::string DecideForm(Lang lang, const std::string& ref, const std::string& back,
                       const Actions& actions);
// Close a store's case from head office (cases page).
std::string CaseCloseForm(Lang lang, const queries::HubCase& c, const Actions& actions);

}  // namespace outpost::hub::web
