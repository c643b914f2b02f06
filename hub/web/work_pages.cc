#include "hub/web/work_pages.h"

#include "hub/web/customer_pages.h"
#include "sync/normalize.h"

namespace outpost::hub::web {
namespace {

const char* KindLabel(Lang lang, const std::string& kind) {
  if (kind == "no_show") return Say(lang, "爽约回访", "no-show");
  if (kind == "complaint") return Say(lang, "投诉", "complaint");
  if (kind == "after_service") return Say(lang, "服务回访", "after service");
  return nullptr;
}

std::string TasksTable(Lang lang, const queries::CallCentreQueue& queue, bool see_personal,
                       const Actions& actions) {
  std::string html =
      std::string("<h2>") + Say(lang, "门店移交的任务", "Handed over by stores") +
      "</h2><table data-test=\"queue-tasks\"><thead><tr><th>" + Say(lang, "任务", "Task") +
      "</th><th>" + Say(lang, "类型", "Kind") + "</th><th>" + Say(lang, "门店", "Store") +
      "</th><th>" + Say(lang, "客户", "Customer") + "</th><th>" + Say(lang, "截止", "Due by") +
      "</th><th>" + Say(lang, "已拨", "Calls") + "</th><th>" + Say(lang, "说明", "Why") +
      "</th><th>" + Say(lang, "操作", "Act") + "</th></tr></thead><tbody>";
  for (const queries::QueuedTask& item : queue.tasks) {
    const model::Task& t = item.task;
    const char* kind = KindLabel(lang, t.kind);
    std::string calls = std::to_string(t.attempts.size());
    if (!t.attempts.empty()) calls += " (" + t.attempts.back().result + ")";
    if (!item.pending.empty()) {
      calls += std::string(" · ") + Say(lang, "总部待送达 ", "head office's waiting ") +
               std::to_string(item.pending.size());
    }
    const std::string name = item.customer_name.empty() ? t.customer_id : item.customer_name;
    html += "<tr><td>" + Escape(t.id.substr(t.id.size() > 6 ? t.id.size() - 6 : 0)) + "</td><td>" +
            Escape(kind != nullptr ? kind : t.kind) + "</td><td>" + Escape(item.site) +
            "</td><td>" + Escape(see_personal ? name : MaskedName(name)) + " " +
            Escape(item.phone_masked) + "</td><td>" + Escape(t.due_by) + "</td><td>" +
            Escape(calls) + "</td><td>" + Escape(t.reason) + "</td><td>" +
            CallForm(lang, t, actions) + "</td></tr>";
  }
  if (queue.tasks.empty()) {
    html += std::string("<tr><td colspan=\"8\" class=\"muted\">") + Say(lang, "无", "none") +
            "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string InvitationsTable(Lang lang, const queries::CallCentreQueue& queue, bool see_personal) {
  std::string html = std::string("<h2>") +
                     Say(lang, "总部的保养邀约电话（门店离线）",
                         "Head office's invitation calls (stores offline)") +
                     "</h2><table data-test=\"queue-invitations\"><thead><tr><th>" +
                     Say(lang, "客户", "Customer") + "</th><th>" + Say(lang, "车牌", "Plate") +
                     "</th><th>" + Say(lang, "项目", "Service") + "</th><th>" +
                     Say(lang, "门店", "Store") + "</th><th>" + Say(lang, "可否联系", "May call") +
                     "</th></tr></thead><tbody>";
  for (const Invitation& inv : queue.invitations) {
    html += "<tr><td>" + Escape(see_personal ? inv.name : MaskedName(inv.name)) + "</td><td>" +
            Escape(inv.plate.value_or("—")) + "</td><td>" + Escape(inv.service_kind) + "</td><td>" +
            Escape(inv.store) + "</td><td>" +
            Escape(inv.allowed ? std::string(Say(lang, "可以", "yes")) : inv.reason) + "</td></tr>";
  }
  if (queue.invitations.empty()) {
    html += std::string("<tr><td colspan=\"5\" class=\"muted\">") + Say(lang, "无", "none") +
            "</td></tr>";
  }
  return html + "</tbody></table>";
}

}  // namespace

std::string QueueHtml(Lang lang, const queries::CallCentreQueue& queue, bool see_personal,
                      const Actions& actions) {
  return "<p class=\"muted\">" + std::string(Say(lang, "日期 ", "Day ")) + Escape(queue.date) +
         "</p>" + TasksTable(lang, queue, see_personal, actions) +
         InvitationsTable(lang, queue, see_personal);
}

std::string CasesHtml(Lang lang, const std::vector<queries::HubCase>& cases,
                      const std::vector<queries::PossibleDuplicate>& duplicates, bool see_personal,
                      const Actions& actions) {
  std::string html =
      std::string("<h2>") + Say(lang, "门店未结案件", "Open cases at the stores") +
      "</h2><table data-test=\"cases\"><thead><tr><th>" + Say(lang, "门店", "Store") + "</th><th>" +
      Say(lang, "编号", "Ref") + "</th><th>" + Say(lang, "类型", "Kind") + "</th><th>" +
      Say(lang, "摘要", "Summary") + "</th><th>" + Say(lang, "需联系", "Whom to call") +
      "</th><th>" + Say(lang, "操作", "Act") + "</th></tr></thead><tbody>";
  for (const queries::HubCase& c : cases) {
    std::string contacts;
    for (const queries::CaseContact& who : c.contacts) {
      contacts += (contacts.empty() ? "" : "<br>") +
                  Escape((see_personal ? who.name : MaskedName(who.name)) + " " +
                         (see_personal ? who.phone : MaskedPhone(who.phone)) + " " +
                         who.booking_ref + ": " + who.why);
    }
    html += "<tr><td>" + Escape(c.store_id) + "</td><td>" + Escape(c.ref) + "</td><td>" +
            Escape(c.kind) + "</td><td>" + Escape(c.summary) + "</td><td>" + contacts +
            "</td><td>" + CaseCloseForm(lang, c, actions) + "</td></tr>";
  }
  if (cases.empty()) {
    html += std::string("<tr><td colspan=\"6\" class=\"muted\">") + Say(lang, "无", "none") +
            "</td></tr>";
  }
  html += std::string("</tbody></table><h2>") + Say(lang, "可能重复的客户", "Possible duplicates") +
          "</h2><table data-test=\"duplicates\"><thead><tr><th>" + Say(lang, "编号", "Ref") +
          "</th><th>" + Say(lang, "档案", "Records") + "</th><th>" + Say(lang, "相同", "Shared") +
          "</th><th>" + Say(lang, "决定", "Decide") + "</th></tr></thead><tbody>";
  for (const queries::PossibleDuplicate& d : duplicates) {
    const Evidence& e = d.evidence;
    const std::string value = e.kind == "phone" && !see_personal ? MaskedPhone(e.value) : e.value;
    html += "<tr><td>" + Escape(d.ref) + "</td><td><a href=\"/customer?id=" + Escape(e.record_a) +
            "\">" + Escape(e.record_a) + "</a> ~ <a href=\"/customer?id=" + Escape(e.record_b) +
            "\">" + Escape(e.record_b) + "</a></td><td>" + Escape(e.kind + " " + value) +
            "</td><td>" + DecideForm(lang, d.ref, "", actions) + "</td></tr>";
  }
  if (duplicates.empty()) {
    html += std::string("<tr><td colspan=\"4\" class=\"muted\">") + Say(lang, "无", "none") +
            "</td></tr>";
  }
  return html + "</tbody></table>";
}

}  // namespace outpost::hub::web
