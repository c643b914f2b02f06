#include "hub/web/customer_pages.h"

#include "sync/ids.h"
#include "sync/normalize.h"

namespace outpost::hub::web {
namespace {

using nlohmann::json;

// A string member of a view's JSON row, or "—" when absent or not text.
std::string Text(const json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : "—";
}

std::string Name(const std::string& name, bool see_personal) {
  return Escape(see_personal ? name : MaskedName(name));
}

std::string Phones(const std::vector<std::string>& phones, bool see_personal) {
  std::string out;
  for (const std::string& p : phones) {
    out += (out.empty() ? "" : ", ") + Escape(see_personal ? p : MaskedPhone(p));
  }
  return out.empty() ? "—" : out;
}

std::string ConsentCell(Lang lang, const Consent& consent) {
  if (consent.do_not_disturb) return Say(lang, "勿扰：不得联系", "do not contact");
  std::string out;
  for (ContactChannel c : kContactChannels) {
    const ConsentStatement& s = consent.Of(c);
    out += (out.empty() ? "" : "<br>") + Escape(ConsentText(c, s, s.at.substr(0, 10)));
  }
  return out;
}

std::string RecordsTable(Lang lang, const UnifiedView& v, bool see_personal,
                         const Actions& actions) {
  const bool may_unmerge = v.records.size() > 1 && actions.resolve_identity;
  std::string html =
      std::string("<h2>") + Say(lang, "各门店档案", "Records at the stores") +
      "</h2><table data-test=\"records\"><thead><tr><th>" + Say(lang, "门店", "Store") +
      "</th><th>" + Say(lang, "姓名", "Name") + "</th><th>" + Say(lang, "电话", "Phones") +
      "</th><th>" + Say(lang, "会员号", "Member id") + "</th><th>" +
      Say(lang, "联系意愿", "Consent") + "</th><th>" + Say(lang, "档案号", "Record") + "</th>" +
      (may_unmerge ? std::string("<th>") + Say(lang, "操作", "Act") + "</th>" : "") +
      "</tr></thead><tbody>";
  for (const StoreRecord& r : v.records) {
    const std::string member =
        r.member_id ? (see_personal ? *r.member_id : std::string("****")) : "—";
    html += "<tr><td>" + Escape(r.site_id) + "</td><td>" + Name(r.name, see_personal) +
            "</td><td>" + Phones(r.phones, see_personal) + "</td><td>" + Escape(member) +
            "</td><td>" + ConsentCell(lang, r.consent) + "</td><td>" +
            Escape(ShortId(r.record_id)) + "</td>" +
            (may_unmerge ? "<td>" + UnmergeForm(lang, v.unified_id, r.record_id, actions) + "</td>"
                         : "") +
            "</tr>";
  }
  return html + "</tbody></table>";
}

std::string VehiclesAndBookings(Lang lang, const UnifiedView& v, bool see_personal,
                                const Actions& actions) {
  std::string html = std::string("<h2>") + Say(lang, "车辆", "Vehicles") +
                     "</h2><table data-test=\"vehicles\"><thead><tr><th>" +
                     Say(lang, "车牌", "Plate") + "</th><th>VIN</th><th>" +
                     Say(lang, "里程", "Mileage") + "</th><th>" + Say(lang, "门店", "Store") +
                     "</th></tr></thead><tbody>";
  for (const json& veh : v.vehicles) {
    const std::string vin = Text(veh, "vin") == "—" || see_personal ? Text(veh, "vin") : "****";
    auto km = veh.find("mileage_km");
    html +=
        "<tr><td>" + Escape(Text(veh, "plate")) + "</td><td>" + Escape(vin) + "</td><td>" +
        (km != veh.end() && km->is_number() ? std::to_string(km->get<int64_t>()) + " km" : "—") +
        "</td><td>" + Escape(Text(veh, "site")) + "</td></tr>";
  }
  html += std::string("</tbody></table><h2>") + Say(lang, "预约", "Bookings") +
          "</h2><table data-test=\"bookings\"><thead><tr><th>" + Say(lang, "时间", "Slot") +
          "</th><th>" + Say(lang, "门店", "Store") + "</th><th>" + Say(lang, "单号", "Ref") +
          "</th><th>" + Say(lang, "状态", "Status") + "</th><th>" + Say(lang, "项目", "Service") +
          "</th><th>" + Say(lang, "渠道", "Channel") + "</th><th>" + Say(lang, "操作", "Act") +
          "</th></tr></thead><tbody>";
  for (const json& b : v.bookings) {
    html += "<tr><td>" + Escape(Text(b, "slot")) + "</td><td>" + Escape(Text(b, "site")) +
            "</td><td>" + Escape(Text(b, "ref")) + "</td><td>" + Escape(Text(b, "status")) +
            "</td><td>" + Escape(Text(b, "service")) + "</td><td>" + Escape(Text(b, "channel")) +
            "</td><td>" + BookingChangeForm(lang, v.unified_id, b, actions) + "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string EvidenceList(Lang lang, const UnifiedView& v, bool see_personal,
                         const Actions& actions) {
  std::string html = std::string("<h2>") + Say(lang, "为何是同一客户", "Why one customer") +
                     "</h2><ul data-test=\"evidence\">";
  if (v.evidence.empty())
    html += std::string("<li>") + Say(lang, "仅一份档案", "one record only") + "</li>";
  for (const Evidence& e : v.evidence) {
    // A shared phone is personal data; the other kinds name ids and plates.
    const std::string value = e.kind == "phone" && !see_personal ? MaskedPhone(e.value) : e.value;
    html +=
        "<li>" + Escape(ShortId(e.record_a)) + " ~ " + Escape(ShortId(e.record_b)) + ": " +
        Escape(e.kind) + " " + Escape(value) +
        (e.links ? "" : std::string(" ") + Say(lang, "（不单独关联）", "(does not link alone)")) +
        "</li>";
  }
  for (const Evidence& c : v.candidates) {
    const std::string value = c.kind == "phone" && !see_personal ? MaskedPhone(c.value) : c.value;
    html += "<li class=\"candidate\">" +
            std::string(Say(lang, "可能重复（未关联）：", "possible match (not linked): ")) +
            Escape(ShortId(c.record_a)) + " ~ " + Escape(ShortId(c.record_b)) + ": " +
            Escape(c.kind) + " " + Escape(value) +
            DecideForm(lang, Identity::CandidateRef(c), v.unified_id, actions) + "</li>";
  }
  return html + "</ul>";
}

}  // namespace

std::string MaskedName(const std::string& name) {
  if (name.empty()) return "**";
  // The first UTF-8 character: its lead byte and the continuation bytes after it.
  size_t end = 1;
  while (end < name.size() && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) ++end;
  return name.substr(0, end) + "**";
}

std::string CustomerSearchHtml(Lang lang, const std::string& query, const std::string& error,
                               const std::vector<UnifiedView>* results, bool see_personal) {
  std::string html =
      std::string("<form method=\"get\" action=\"/customers\" class=\"search\"><label>") +
      Say(lang, "电话、姓名、车牌、会员号或 VIN", "Phone, name, plate, member id or VIN") +
      " <input name=\"q\" value=\"" + Escape(query) +
      "\" maxlength=\"64\" autofocus></label><button type=\"submit\">" + Say(lang, "查找", "Find") +
      "</button>";
  if (!error.empty()) html += "<p class=\"error\" data-test=\"error\">" + Escape(error) + "</p>";
  html += "</form>";
  if (results == nullptr) return html;
  if (results->empty()) {
    return html + "<p class=\"muted\" data-test=\"none\">" +
           Say(lang, "未找到客户", "No customer found") + "</p>";
  }
  html += std::string("<table data-test=\"results\"><thead><tr><th>") +
          Say(lang, "客户", "Customer") + "</th><th>" + Say(lang, "门店档案", "Records") +
          "</th><th>" + Say(lang, "电话", "Phones") + "</th></tr></thead><tbody>";
  for (const UnifiedView& v : *results) {
    std::string names, phones;
    std::vector<std::string> all_phones;
    for (const StoreRecord& r : v.records) {
      names += (names.empty() ? "" : ", ") + Name(r.name, see_personal) + " @" + Escape(r.site_id);
      all_phones.insert(all_phones.end(), r.phones.begin(), r.phones.end());
    }
    html += "<tr><td><a href=\"/customer?id=" + Escape(v.unified_id) + "\">" +
            Escape(v.unified_id) + "</a></td><td>" + names + "</td><td>" +
            Phones(all_phones, see_personal) + "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string CustomerViewHtml(Lang lang, const UnifiedView& view, bool see_personal,
                             const Actions& actions) {
  std::string html = "<p data-test=\"contact\">";
  std::string may;
  for (ContactChannel c : kContactChannels) {
    if (view.consent.MayContact(c))
      may += (may.empty() ? "" : ", ") + std::string(ContactChannelLabel(c));
  }
  html += view.consent.do_not_disturb ? Say(lang, "勿扰：不得联系", "Do not contact")
          : may.empty()               ? Say(lang, "未同意联系", "No opt-in")
                        : std::string(Say(lang, "同意联系：", "Opted in: ")) + Escape(may);
  html += "</p>";
  return html + RecordsTable(lang, view, see_personal, actions) +
         VehiclesAndBookings(lang, view, see_personal, actions) +
         EvidenceList(lang, view, see_personal, actions) +
         MergeForm(lang, view.unified_id, actions);
}

}  // namespace outpost::hub::web
