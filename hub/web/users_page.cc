#include "hub/web/users_page.h"

namespace outpost::hub::web {
namespace {

std::string Typed(const UsersPage& page, const std::string& field) {
  auto it = page.form.find(field);
  return it == page.form.end() ? "" : it->second;
}

// The refusal under `field` when it came from this form (action, subject).
std::string ErrorAt(const UsersPage& page, const std::string& action, const std::string& subject,
                    const std::string& field) {
  if (page.error.empty() || page.action != action || page.subject != subject ||
      page.error_field != field) {
    return "";
  }
  return "<p class=\"error\" data-test=\"error-" + field + "\">" + Escape(page.error) + "</p>";
}

std::string FormStart(const UsersPage& page, const std::string& action, const std::string& subject,
                      const std::string& css) {
  std::string html = "<form method=\"post\" action=\"/users\" class=\"" + css +
                     "\" data-action=\"" + action +
                     "\"><input type=\"hidden\" name=\"csrf\" "
                     "value=\"" +
                     Escape(page.csrf_token) +
                     "\"><input type=\"hidden\" name=\"action\" value=\"" + action + "\">";
  if (!subject.empty()) {
    html += "<input type=\"hidden\" name=\"name\" value=\"" + Escape(subject) + "\">";
  }
  return html;
}

std::string RoleSelect(const std::string& selected) {
  std::string html = "<select name=\"role\">";
  for (const char* r : kRoleNames) {
    html += "<option value=\"" + std::string(r) + "\"" + (selected == r ? " selected" : "") + ">" +
            r + "</option>";
  }
  return html + "</select>";
}

std::string PasswordInputs(Lang lang) {
  return std::string("<label>") + Say(lang, "密码", "Password") +
         " <input type=\"password\" name=\"password\" autocomplete=\"new-password\" required "
         "minlength=\"10\" maxlength=\"256\"></label><label>" +
         Say(lang, "再输一次", "Repeat") +
         " <input type=\"password\" name=\"password2\" autocomplete=\"new-password\" required "
         "maxlength=\"256\"></label>";
}

std::string AddForm(Lang lang, const UsersPage& page) {
  const bool mine = page.action == "add";
  auto error = [&](const char* f) { return ErrorAt(page, "add", "", f); };
  return std::string("<h2>") + Say(lang, "添加账号", "Add an account") + "</h2>" +
         FormStart(page, "add", "", "book") + "<label>" + Say(lang, "账号", "Name") +
         " <input name=\"name\" required maxlength=\"32\" value=\"" +
         Escape(mine ? Typed(page, "name") : "") + "\"></label>" + error("name") + "<label>" +
         Say(lang, "显示名", "Display name") +
         " <input name=\"display_name\" maxlength=\"64\" value=\"" +
         Escape(mine ? Typed(page, "display_name") : "") + "\"></label>" + error("display_name") +
         "<label>" + Say(lang, "角色", "Role") + " " +
         RoleSelect(mine ? Typed(page, "role") : "viewer") + "</label>" + error("role") +
         PasswordInputs(lang) + error("password") + error("password2") +
         "<button type=\"submit\">" + Say(lang, "添加", "Add") + "</button></form>";
}

// The forms of one account's row: role, disable or enable, new password.
std::string RowForms(Lang lang, const UsersPage& page, const StaffUser& u) {
  auto error = [&](const char* action, const char* f) { return ErrorAt(page, action, u.name, f); };
  std::string html = FormStart(page, "role", u.name, "inline") + RoleSelect(RoleName(u.role)) +
                     "<button type=\"submit\">" + Say(lang, "改角色", "Change role") + "</button>" +
                     error("role", "role") + error("role", "name") + "</form>";
  if (u.disabled_at) {
    html += FormStart(page, "enable", u.name, "inline") + "<button type=\"submit\">" +
            Say(lang, "启用", "Enable") + "</button>" + error("enable", "name") + "</form>";
  } else {
    const bool mine = page.action == "disable" && page.subject == u.name;
    html += FormStart(page, "disable", u.name, "inline") +
            "<input name=\"reason\" required maxlength=\"200\" placeholder=\"" +
            Say(lang, "停用原因（必填）", "why (required)") + "\" value=\"" +
            Escape(mine ? Typed(page, "reason") : "") + "\"><button type=\"submit\">" +
            Say(lang, "停用", "Disable") + "</button>" + error("disable", "reason") +
            error("disable", "name") + "</form>";
  }
  html += FormStart(page, "passwd", u.name, "inline") + PasswordInputs(lang) +
          "<button type=\"submit\">" + Say(lang, "设新密码", "Set password") + "</button>" +
          error("passwd", "password") + error("passwd", "password2") + error("passwd", "name") +
          "</form>";
  return html;
}

}  // namespace

std::string UserFormField(const std::string& status_field, const std::string& message) {
  const std::string named =
      !status_field.empty() ? status_field : message.substr(0, message.find(':'));
  if (named == "display-name") return "display_name";
  for (const char* f : {"name", "role", "password", "password2", "reason"}) {
    if (named == f) return f;
  }
  return "";
}

std::string UsersPageHtml(Lang lang, const UsersPage& page) {
  std::string html;
  if (!page.done.empty()) {
    html += "<p class=\"done\" data-test=\"done\">" + Escape(page.done) + "</p>";
  }
  if (!page.error.empty() && page.error_field.empty()) {
    html += "<p class=\"error\" data-test=\"error\">" + Escape(page.error) + "</p>";
  }
  html += std::string("<table data-test=\"users\"><thead><tr><th>") + Say(lang, "账号", "Name") +
          "</th><th>" + Say(lang, "显示名", "Display name") + "</th><th>" +
          Say(lang, "角色", "Role") + "</th><th>" + Say(lang, "状态", "State") + "</th><th>" +
          Say(lang, "操作", "Change") + "</th></tr></thead><tbody>";
  for (const StaffUser& u : page.users) {
    html += "<tr data-user=\"" + Escape(u.name) + "\"><td>" + Escape(u.name) + "</td><td>" +
            Escape(u.display_name) + "</td><td>" + RoleName(u.role) + "</td><td>" +
            (u.disabled_at ? Escape(std::string(Say(lang, "已停用 ", "disabled ")) +
                                    *u.disabled_at + " (" + u.disabled_reason.value_or("") + ")")
                           : std::string(Say(lang, "可用", "active"))) +
            "</td><td>" + RowForms(lang, page, u) + "</td></tr>";
  }
  return html + "</tbody></table>" + AddForm(lang, page);
}

}  // namespace outpost::hub::web
