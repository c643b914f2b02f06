#include "hub/web/html.h"

#include "sync/normalize.h"

namespace outpost::hub::web {
namespace {

std::string Head(Lang lang, const std::string& title) {
  return std::string("<!doctype html>\n<html lang=\"") + (lang == Lang::kZh ? "zh-CN" : "en") +
         "\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" +
         Escape(title) +
         " · Outpost</title>"
         "<link rel=\"stylesheet\" href=\"/static/console.css\">"
         "<script src=\"/static/console.js\" defer></script></head>\n";
}

std::string LanguageSwitch(Lang lang, const std::string& path) {
  const std::string back = Escape(path.empty() ? "/" : path);
  return lang == Lang::kZh
             ? "<a class=\"lang\" href=\"/lang?to=en&amp;back=" + back + "\">English</a>"
             : "<a class=\"lang\" href=\"/lang?to=zh&amp;back=" + back + "\">中文</a>";
}

}  // namespace

std::string Escape(std::string_view text) { return EscapeHtml(text); }

std::string RenderPage(const Frame& frame) {
  std::string html = Head(frame.lang, frame.title);
  html += "<body><header><span class=\"brand\">Outpost</span><nav>";
  for (const NavItem& item : frame.nav) {
    html += "<a href=\"" + Escape(item.href) + "\"" +
            (item.current ? " aria-current=\"page\"" : "") + ">" + Escape(item.label) + "</a>";
  }
  html += "</nav><span class=\"who\" data-test=\"who\">" + Escape(frame.staff_name) + " (" +
          Escape(frame.staff_role) + ")</span>" + LanguageSwitch(frame.lang, frame.path) +
          "<form method=\"post\" action=\"/logout\" class=\"logout\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"" +
          Escape(frame.csrf_token) + "\"><button type=\"submit\">" +
          Say(frame.lang, "退出", "Sign out") + "</button></form></header>\n<main><h1>" +
          Escape(frame.title) + "</h1>\n" + frame.body_html + "</main></body></html>\n";
  return html;
}

std::string RenderSignIn(Lang lang, const std::string& name, const std::string& error) {
  const std::string title = Say(lang, "登录", "Sign in");
  std::string html = Head(lang, title);
  html += "<body class=\"signin\"><main><h1>Outpost · " + Escape(title) + "</h1>";
  if (!error.empty()) {
    html += "<p class=\"error\" role=\"alert\" data-test=\"error\">" + Escape(error) + "</p>";
  }
  html += std::string("<form method=\"post\" action=\"/login\">") + "<label>" +
          Say(lang, "账号", "Name") +
          "<input name=\"name\" autocomplete=\"username\" required value=\"" + Escape(name) +
          "\"></label><label>" + Say(lang, "密码", "Password") +
          "<input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
          "required></label><button type=\"submit\">" +
          Say(lang, "登录", "Sign in") + "</button></form>" + LanguageSwitch(lang, "/login") +
          "</main></body></html>\n";
  return html;
}

}  // namespace outpost::hub::web
