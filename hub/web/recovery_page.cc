#include "hub/web/recovery_page.h"

#include "hub/web/customer_pages.h"
#include "sync/normalize.h"

namespace outpost::hub::web {
namespace {

std::string SinceForm(Lang lang, const RecoveryPage& page) {
  std::string html =
      std::string("<form method=\"get\" action=\"/recovery\" class=\"search\"><label>") +
      Say(lang, "起始日期", "Since") + " <input type=\"date\" name=\"since\" value=\"" +
      Escape(page.since) + "\"></label>";
  if (!page.since_error.empty()) {
    html += "<p class=\"error\" data-test=\"error-since\">" + Escape(page.since_error) + "</p>";
  }
  return html + "<button type=\"submit\">" + Say(lang, "查看", "Show") + "</button></form>";
}

// One store's part, in the words of `outpost recovery-report`.
std::string StoreSection(Lang lang, const queries::StoreRecovery& r) {
  std::string html =
      "<section class=\"recovery\" data-store=\"" + Escape(r.site) + "\"><h2>" + Escape(r.site) +
      ": " +
      (r.online ? "<span class=\"state-online\">online</span>"
                : "<span class=\"state-offline\">OFFLINE</span>") +
      "</h2><p>" +
      Escape("applied seq " + std::to_string(r.applied_seq) + ", " + std::to_string(r.pending) +
             " changes on their way") +
      (r.last_contact
           ? Escape(std::string("; ") + Say(lang, "最后联系 ", "last contact ") + *r.last_contact)
           : "") +
      "</p><ul>";
  for (const queries::OfflineWindow& w : r.offline_windows) {
    html += "<li>" +
            Escape("offline " + w.from + " -> " + w.to.value_or("now") + ": " +
                   std::to_string(w.changes_made) + " changes made meanwhile") +
            "</li>";
  }
  if (r.offline_windows.empty()) html += "<li>no offline window</li>";
  for (const queries::PaperImport& p : r.paper_imports) {
    html += "<li>" +
            Escape("paper import " + p.import + ": " + std::to_string(p.bookings) +
                   " bookings (forms " + p.forms + ")") +
            "</li>";
  }
  html += "<li>" +
          Escape("conflicts: " + std::to_string(r.conflicts_opened) + " opened, " +
                 std::to_string(r.conflicts_resolved) + " resolved, " +
                 std::to_string(r.open_cases.size()) + " open") +
          "</li>";
  for (const queries::HubCase& c : r.open_cases) {
    html += "<li class=\"nested\">" + Escape(c.ref + " " + c.kind + ": " + c.summary) + "</li>";
  }
  for (const queries::RequestOutcome& q : r.requests_not_taken) {
    html += "<li>" +
            Escape("call-centre request " + std::to_string(q.seq) + " (" + q.kind + ", " +
                   q.requested_at + "): " + q.outcome) +
            "</li>";
  }
  return html + "</ul></section>";
}

std::string ContactsTable(Lang lang, const std::vector<queries::StoreRecovery>& stores,
                          bool see_personal) {
  std::string rows;
  size_t count = 0;
  for (const queries::StoreRecovery& r : stores) {
    for (const queries::HubCase& c : r.open_cases) {
      for (const queries::CaseContact& x : c.contacts) {
        ++count;
        rows += "<tr><td>" + Escape(r.site) + "</td><td>" + Escape(c.ref) + "</td><td>" +
                Escape(see_personal ? x.name : MaskedName(x.name)) + "</td><td>" +
                Escape(see_personal ? x.phone : MaskedPhone(x.phone)) + "</td><td>" +
                Escape(x.booking_ref) + "</td><td>" + Escape(x.why) + "</td></tr>";
      }
    }
  }
  if (count == 0) {
    rows = std::string("<tr><td colspan=\"6\" class=\"muted\">") + Say(lang, "无", "none") +
           "</td></tr>";
  }
  return std::string("<h2>") + Say(lang, "需联系的客户", "Customers to contact") + ": " +
         std::to_string(count) + "</h2><table data-test=\"recovery-contacts\"><thead><tr><th>" +
         Say(lang, "门店", "Store") + "</th><th>" + Say(lang, "案件", "Case") + "</th><th>" +
         Say(lang, "姓名", "Name") + "</th><th>" + Say(lang, "电话", "Phone") + "</th><th>" +
         Say(lang, "预约", "Booking") + "</th><th>" + Say(lang, "原因", "Why") +
         "</th></tr></thead><tbody>" + rows + "</tbody></table>";
}

std::string VerifySection(Lang lang, const RecoveryPage& page) {
  std::string html =
      std::string("<h2>") + Say(lang, "校验", "Verify") + "</h2><div data-test=\"verify\">";
  if (page.verify == nullptr) {
    html += std::string("<p class=\"muted\">") +
            Say(lang, "本控制台启动以来尚未运行校验。", "Not run since this console started.") +
            "</p>";
  } else {
    const HubVerifyReport& v = page.verify->report;
    html +=
        std::string("<p class=\"") + (v.consistent() ? "done" : "error") + "\">" +
        Escape(std::string(v.consistent() ? "consistent" : "NOT consistent") + " (" +
               std::to_string(v.changes) + " changes, " + std::to_string(v.batches) + " batches, " +
               std::to_string(v.batches_opened) + " opened, " + std::to_string(v.entities) +
               " entities) at " + page.verify->at + " by " + page.verify->by + ", " +
               std::to_string(page.verify->seconds).substr(0, 4) + " s") +
        "</p><ul>";
    for (const Finding& f : v.findings) html += "<li>" + Escape(f.where + ": " + f.what) + "</li>";
    html += "</ul>";
  }
  if (!page.csrf.empty()) {
    html +=
        "<form method=\"post\" action=\"/recovery/verify\"><input type=\"hidden\" "
        "name=\"csrf\" value=\"" +
        Escape(page.csrf) + "\"><input type=\"hidden\" name=\"since\" value=\"" +
        Escape(page.since) + "\"><button type=\"submit\">" +
        Say(lang, "立即校验（可能需要数秒）", "Verify now (may take seconds)") + "</button></form>";
  }
  return html + "</div>";
}

}  // namespace

std::string RecoveryPageHtml(Lang lang, const RecoveryPage& page) {
  std::string html = SinceForm(lang, page);
  if (page.stores == nullptr) return html;
  html += "<p class=\"muted\" data-test=\"recovery-since\">" +
          Escape("Recovery report since " + page.since) + "</p>";
  for (const queries::StoreRecovery& r : *page.stores) html += StoreSection(lang, r);
  if (page.stores->empty()) {
    html += std::string("<p class=\"muted\">") + Say(lang, "尚无门店", "No store is allowed yet") +
            "</p>";
  }
  html += ContactsTable(lang, *page.stores, page.see_personal);
  return html + VerifySection(lang, page);
}

}  // namespace outpost::hub::web
