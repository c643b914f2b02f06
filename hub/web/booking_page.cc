#include "hub/web/booking_page.h"

namespace outpost::hub::web {
namespace {

std::string Value(const BookingForm& form, const std::string& name) {
  auto it = form.find(name);
  return it == form.end() ? "" : it->second;
}

// One labelled input, with the refusal's error under it when it names this field.
std::string Field(const BookingPage& page, const std::string& name, const std::string& label,
                  const std::string& attributes) {
  std::string html = "<label>" + Escape(label) + " <input name=\"" + name + "\" value=\"" +
                     Escape(Value(page.form, name)) + "\" " + attributes + "></label>";
  if (!page.error.empty() && page.error_field == name) {
    html += "<p class=\"error\" data-test=\"error-" + name + "\">" + Escape(page.error) + "</p>";
  }
  return html;
}

std::string RequestsTable(Lang lang, const BookingPage& page) {
  std::string html = std::string("<h2>") + Say(lang, "已提交的请求", "Requests queued") + " · " +
                     Escape(Value(page.form, "store")) +
                     "</h2><table data-test=\"requests\"><thead><tr><th>#</th><th>" +
                     Say(lang, "提交时间", "Queued") + "</th><th>" + Say(lang, "类型", "Kind") +
                     "</th><th>" + Say(lang, "日期 时段", "Date slot") + "</th><th>" +
                     Say(lang, "提交人", "By") + "</th><th>" +
                     Say(lang, "门店处理", "At the store") + "</th></tr></thead><tbody>";
  for (const queries::RequestOutcome& r : page.requests) {
    html += "<tr><td>" + std::to_string(r.seq) + "</td><td>" + Escape(r.requested_at) +
            "</td><td>" + Escape(r.kind) + "</td><td>" +
            Escape(r.request.value("date", std::string()) + " " +
                   r.request.value("slot", std::string())) +
            "</td><td>" + Escape(r.request.value("staff", std::string())) + "</td><td>" +
            Escape(r.state + ": " + r.outcome) + "</td></tr>";
  }
  if (page.requests.empty()) {
    html += std::string("<tr><td colspan=\"6\" class=\"muted\">") + Say(lang, "无", "none") +
            "</td></tr>";
  }
  return html + "</tbody></table>";
}

}  // namespace

std::string BookingPageHtml(Lang lang, const BookingPage& page) {
  std::string html;
  if (!page.done.empty())
    html += "<p class=\"done\" data-test=\"done\">" + Escape(page.done) + "</p>";
  if (!page.error.empty() && page.error_field.empty()) {
    html += "<p class=\"error\" data-test=\"error\">" + Escape(page.error) + "</p>";
  }
  html +=
      "<form method=\"post\" action=\"/book\" class=\"book\"><input type=\"hidden\" "
      "name=\"csrf\" value=\"" +
      Escape(page.csrf_token) + "\"><label>" + Say(lang, "门店", "Store") +
      " <select name=\"store\">";
  for (const std::string& s : page.stores) {
    html += "<option value=\"" + Escape(s) + "\"" +
            (s == Value(page.form, "store") ? " selected" : "") + ">" + Escape(s) + "</option>";
  }
  html += "</select></label>";
  if (!page.error.empty() && page.error_field == "store") {
    html += "<p class=\"error\" data-test=\"error-store\">" + Escape(page.error) + "</p>";
  }
  html += Field(page, "phone", Say(lang, "电话", "Phone"), "required maxlength=\"32\"") +
          Field(page, "name", Say(lang, "姓名", "Name"), "maxlength=\"64\"") +
          Field(page, "date", Say(lang, "日期", "Date"), "required placeholder=\"YYYY-MM-DD\"") +
          Field(page, "slot", Say(lang, "时段", "Slot"), "required placeholder=\"HH:MM\"") +
          Field(page, "plate", Say(lang, "车牌", "Plate"), "maxlength=\"16\"") +
          Field(page, "service", Say(lang, "项目", "Service"), "maxlength=\"64\"") +
          Field(page, "notes", Say(lang, "备注", "Notes"), "maxlength=\"500\"") +
          "<button type=\"submit\">" + Say(lang, "提交预约", "Book") + "</button></form>";
  return html + RequestsTable(lang, page);
}

}  // namespace outpost::hub::web
