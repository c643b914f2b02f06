// The web console's HTML (docs/WEB.md): every text that reaches a page goes
// through Escape, so a customer, store or staff name carrying markup is shown
// as text and never runs. Pages carry no inline script or style: the one
// script and style sheet are files the console serves itself (assets.h), as
// its Content-Security-Policy demands. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace outpost::hub::web {

// The languages pages are shown in: zh-CN by default, English on request.
enum class Lang { kZh, kEn };

// `text` with & < > " ' as character references (sync/normalize.h
// EscapeHtml): safe in element content and in quoted attribute values.
std::string Escape(std::string_view text);

// The text in the page's language.
inline const char* Say(Lang lang, const char* zh, const char* en) {
  return lang == Lang::kZh ? zh : en;
}

// A link of the navigation bar.
struct NavItem {
  std::string href;
  std::string label;
  bool current = false;
};

// What every signed-in page has around its content.
struct Frame {
  Lang lang = Lang::kZh;
  std::string title;         // plain text
  std::string staff_name;    // plain text: the signed-in account's display name
  std::string staff_role;    // plain text
  std::string csrf_token;    // for the sign-out form
  std::string path;          // this page's path (the language switch returns here)
  std::vector<NavItem> nav;  // labels plain text
  std::string body_html;     // already escaped HTML
};

// The whole document for a signed-in page.
std::string RenderPage(const Frame& frame);
// The sign-in page, with an error line when `error` is not empty.
std::string RenderSignIn(Lang lang, const std::string& name, const std::string& error);

}  // namespace outpost::hub::web
