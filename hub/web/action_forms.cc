#include "hub/web/action_forms.h"

#include "sync/lifecycle.h"

namespace outpost::hub::web {
namespace {

std::string Hidden(const char* name, const std::string& value) {
  return std::string("<input type=\"hidden\" name=\"") + name + "\" value=\"" + Escape(value) +
         "\">";
}

// A form in a <details> element (no script needed to open it), opened with
// its error inside when this post refused it.
std::string Folded(const std::string& key, const char* summary, const char* action,
                   const std::string& fields, const Actions& actions) {
  const bool refused = actions.error.form == key && !actions.error.message.empty();
  std::string html = std::string("<details class=\"act\"") + (refused ? " open" : "") +
                     "><summary>" + summary + "</summary><form method=\"post\" action=\"" + action +
                     "\" class=\"act\" data-form=\"" + Escape(key) + "\">" +
                     Hidden("csrf", actions.csrf) + fields;
  if (refused) {
    const std::string& m = actions.error.message;
    const size_t colon = m.find(':');
    html += "<p class=\"error\" data-test=\"error\" data-field=\"" +
            Escape(colon == std::string::npos ? "" : m.substr(0, colon)) + "\">" + Escape(m) +
            "</p>";
  }
  return html + "</form></details>";
}

// A code as staff read it: "维修质量 repair_quality" in Chinese, the code in English.
std::string CodeLabel(Lang lang, const char* code) {
  const std::string_view zh = model::ZhLabel(code);
  return lang == Lang::kZh && !zh.empty() ? std::string(zh) + " " + code : code;
}

std::string Select(Lang lang, const char* name, const char* label, const char* const* options,
                   size_t count, bool with_empty) {
  std::string html = std::string("<label>") + label + " <select name=\"" + name + "\">";
  if (with_empty) html += "<option value=\"\">—</option>";
  for (size_t i = 0; i < count; ++i) {
    html += std::string("<option value=\"") + options[i] + "\">" + CodeLabel(lang, options[i]) +
            "</option>";
  }
  return html + "</select></label>";
}

std::string NoteInput(Lang lang, bool required) {
  return std::string("<label>") + Say(lang, "备注", "Note") +
         " <input name=\"note\" maxlength=\"500\"" +
         (required ? " required placeholder=\"" +
                         std::string(Say(lang, "原因（必填）", "why (required)")) + "\""
                   : "") +
         "></label>";
}

}  // namespace

std::string CallForm(Lang lang, const model::Task& task, const Actions& actions) {
  if (actions.csrf.empty() || !actions.work_queue) return "";
  static const char* const kYesNo[] = {"yes", "no"};
  std::string fields =
      Hidden("task", task.id) +
      Select(lang, "result", Say(lang, "结果", "Result"), model::kCallResults,
             std::size(model::kCallResults), false) +
      Select(lang, "fault_fixed", Say(lang, "故障已排除", "Fault fixed"), kYesNo, 2, true) +
      Select(lang, "satisfied", Say(lang, "满意", "Satisfied"), kYesNo, 2, true) +
      "<fieldset><legend>" + Say(lang, "不满意项", "Dissatisfied with") + "</legend>";
  for (const char* item : model::kDissatisfiedItems) {
    fields += std::string("<label><input type=\"checkbox\" name=\"items\" value=\"") + item +
              "\"> " + CodeLabel(lang, item) + "</label>";
  }
  fields += std::string("</fieldset><label>") + Say(lang, "下次保养日期", "Next service date") +
            " <input type=\"date\" name=\"next_service_date\"></label><label>" +
            Say(lang, "或里程（公里）", "or at km") +
            " <input type=\"number\" name=\"next_service_km\" min=\"1\"></label>";
  if (task.kind == "no_show") {
    fields += Select(lang, "outcome", Say(lang, "爽约原因", "No-show reason"),
                     model::kNoShowReasons, std::size(model::kNoShowReasons), true);
  }
  fields += NoteInput(lang, false) + "<button type=\"submit\">" + Say(lang, "记录通话", "Record") +
            "</button>";
  return Folded("call:" + task.id, Say(lang, "记录通话", "Record a call"), "/queue/call", fields,
                actions);
}

std::string BookingChangeForm(Lang lang, const std::string& customer_id,
                              const nlohmann::json& booking, const Actions& actions) {
  if (actions.csrf.empty() || !actions.book) return "";
  auto status = ParseBookingStatus(booking.value("status", ""));
  if (!status.ok() || (status.value() != BookingStatus::kRequested &&
                       status.value() != BookingStatus::kConfirmed)) {
    return "";
  }
  const std::string id = booking.value("id", "");
  const std::string fields =
      Hidden("customer", customer_id) + Hidden("store", booking.value("site", "")) +
      Hidden("booking", id) + "<label>" + Say(lang, "新日期", "New date") +
      " <input type=\"date\" name=\"date\"></label><label>" + Say(lang, "新时段", "New slot") +
      " <input name=\"slot\" placeholder=\"HH:MM\" maxlength=\"5\"></label><label>" +
      Say(lang, "原因", "Reason") +
      " <input name=\"reason\" required maxlength=\"200\"></label><button name=\"kind\" "
      "value=\"reschedule\">" +
      Say(lang, "改约", "Move") + "</button><button name=\"kind\" value=\"cancel\">" +
      Say(lang, "取消预约", "Cancel booking") + "</button>";
  return Folded("change:" + id, Say(lang, "改约或取消", "Move or cancel"), "/booking/change",
                fields, actions);
}

std::string MergeForm(Lang lang, const std::string& customer_id, const Actions& actions) {
  if (actions.csrf.empty() || !actions.resolve_identity) return "";
  const std::string fields =
      Hidden("customer", customer_id) + "<label>" +
      Say(lang, "另一客户（统一编号或档案号）", "The other customer (unified or record id)") +
      " <input name=\"other\" required maxlength=\"64\"></label>" + NoteInput(lang, true) +
      "<button type=\"submit\">" + Say(lang, "合并为一人", "Merge: one person") + "</button>";
  return Folded("merge", Say(lang, "与另一客户合并", "Merge with another customer"),
                "/customer/merge", fields, actions);
}

std::string UnmergeForm(Lang lang, const std::string& customer_id, const std::string& record_id,
                        const Actions& actions) {
  if (actions.csrf.empty() || !actions.resolve_identity) return "";
  const std::string fields = Hidden("customer", customer_id) + Hidden("record", record_id) +
                             NoteInput(lang, true) + "<button type=\"submit\">" +
                             Say(lang, "拆出此档案", "Take this record out") + "</button>";
  return Folded("unmerge:" + record_id, Say(lang, "拆分", "Unmerge"), "/customer/unmerge", fields,
                actions);
}

std::string DecideForm(Lang lang, const std::string& ref, const std::string& back,
                       const Actions& actions) {
  if (actions.csrf.empty() || !actions.resolve_identity) return "";
  const std::string fields = Hidden("ref", ref) + (back.empty() ? "" : Hidden("back", back)) +
                             NoteInput(lang, true) + "<button name=\"decision\" value=\"merge\">" +
                             Say(lang, "合并为一人", "One person: merge") +
                             "</button><button name=\"decision\" value=\"apart\">" +
                             Say(lang, "保持两人", "Two people: keep apart") + "</button>";
  return Folded("decide:" + ref, Say(lang, "决定", "Decide"), "/duplicates", fields, actions);
}

std::string CaseCloseForm(Lang lang, const queries::HubCase& c, const Actions& actions) {
  if (actions.csrf.empty() || !actions.resolve_cases || c.status != "open") return "";
  const std::string fields = Hidden("store", c.store_id) + Hidden("ref", c.ref) +
                             NoteInput(lang, true) + "<button type=\"submit\">" +
                             Say(lang, "结案", "Close the case") + "</button>";
  return Folded("close:" + c.store_id + "/" + c.ref, Say(lang, "结案", "Close"), "/cases/close",
                fields, actions);
}

}  // namespace outpost::hub::web
