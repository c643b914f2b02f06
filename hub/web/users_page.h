// The accounts page (docs/WEB.md, "Pages"; admins only): every account with
// its role and state, and the forms that call the same StaffAccounts
// operations as `outpost-hub users` (hub/accounts.h): add, change role,
// disable with a reason, enable, set a new password. A refusal is shown next
// to the field it names, in the form it came from, with what was typed kept
// (never a password). Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hub/accounts.h"
#include "hub/web/html.h"

namespace outpost::hub::web {

struct UsersPage {
  std::vector<StaffUser> users;
  std::string csrf_token;
  std::string action;                       // the form just posted; "" for none
  std::string subject;                      // the account that form named
  std::map<std::string, std::string> form;  // what was typed, passwords left out
  std::string error;                        // the refusal, if any
  std::string error_field;                  // the form field it names; "" for none
  std::string done;                         // what was done, if anything
};
std::string UsersPageHtml(Lang lang, const UsersPage& page);

// The form field a StaffAccounts refusal is about ("display-name" is the
// form's display_name); "" when it names none.
std::string UserFormField(const std::string& status_field, const std::string& message);

}  // namespace outpost::hub::web
