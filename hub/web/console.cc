#include "hub/web/console.h"

#include <httplib.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "hub/hub.h"
#include "hub/identity_decisions.h"
#include "hub/queries/cases.h"
#include "hub/queries/customers.h"
#include "hub/queries/report.h"
#include "hub/queries/report_html.h"
#include "hub/queries/requests.h"
#include "hub/queries/stores.h"
#include "hub/queries/tasks.h"
#include "hub/web/assets.h"
#include "hub/web/booking_page.h"
#include "hub/web/customer_pages.h"
#include "hub/web/html.h"
#include "hub/web/stats_page.h"
#include "hub/web/work_pages.h"
#include "sync/civil_time.h"

namespace outpost::hub::web {
namespace {

constexpr char kSessionCookie[] = "outpost_session";
constexpr int64_t kMinutesPerDay = int64_t{24} * 60;
constexpr char kCsp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// The value of cookie `name` in the request, if sent.
std::optional<std::string> CookieOf(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(pos, end - pos);
    const size_t start = pair.find_first_not_of(' ');
    pair = start == std::string::npos ? "" : pair.substr(start);
    const size_t eq = pair.find('=');
    if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    pos = end + 1;
  }
  return std::nullopt;
}

Lang LangOf(const httplib::Request& req) {
  return CookieOf(req, "lang").value_or("zh") == "en" ? Lang::kEn : Lang::kZh;
}

void Html(httplib::Response& res, int status, const std::string& html) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(html, "text/html; charset=utf-8");
}

void SeeOther(httplib::Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
}

// A write from another site carries another Origin (browsers send it on
// every POST): refused before the session is even looked at.
bool SameOrigin(const httplib::Request& req) {
  if (!req.has_header("Origin")) return true;
  const std::string origin = req.get_header_value("Origin");
  const std::string host = req.get_header_value("Host");
  return origin == "http://" + host || origin == "https://" + host;
}

// "3 分钟前 / 3 min ago" for a UTC text, from `now_ms`.
std::string Ago(Lang lang, int64_t now_ms, const std::string& utc) {
  auto at = ParseUtcMs(utc);
  if (!at.ok()) return utc;
  const int64_t minutes = std::max<int64_t>(0, (now_ms - at.value()) / 60'000);
  std::string n;
  if (minutes < 1) return Say(lang, "刚刚", "just now");
  if (minutes < 120) {
    n = std::to_string(minutes);
    return lang == Lang::kZh ? n + " 分钟前" : n + " min ago";
  }
  if (minutes < kMinutesPerDay * 2) {
    n = std::to_string(minutes / 60);
    return lang == Lang::kZh ? n + " 小时前" : n + " h ago";
  }
  n = std::to_string(minutes / kMinutesPerDay);
  return lang == Lang::kZh ? n + " 天前" : n + " days ago";
}

std::vector<NavItem> Nav(Lang lang, const std::string& current, Role role) {
  std::vector<NavItem> nav = {{"/stores", Say(lang, "门店", "Stores"), false},
                              {"/customers", Say(lang, "客户", "Customers"), false},
                              {"/queue", Say(lang, "呼叫中心队列", "Call-centre queue"), false},
                              {"/book", Say(lang, "呼叫中心预约", "Call-centre booking"), false},
                              {"/cases", Say(lang, "案件", "Cases"), false},
                              {"/stats", Say(lang, "月度统计", "Statistics"), false}};
  if (RoleMay(role, Permission::kManageAccounts)) {
    nav.push_back({"/users", Say(lang, "员工账号", "Accounts"), false});
  }
  for (NavItem& item : nav) item.current = item.href == current;
  return nav;
}

std::string StoresTable(Lang lang, int64_t now_ms, const std::vector<queries::StoreState>& stores) {
  std::string html = std::string("<table data-test=\"stores\"><thead><tr><th>") +
                     Say(lang, "门店", "Store") + "</th><th>" + Say(lang, "状态", "State") +
                     "</th><th>" + Say(lang, "最后联系", "Last contact") + "</th><th>" +
                     Say(lang, "最后一批", "Last batch") + "</th><th>" +
                     Say(lang, "待上传变更", "Changes waiting") + "</th><th>" +
                     Say(lang, "已应用至", "Applied to") + "</th><th>" +
                     Say(lang, "总部请求 已应用/拒绝/共", "Requests applied/refused/all") +
                     "</th></tr></thead><tbody>";
  for (const queries::StoreState& s : stores) {
    const char* state = queries::ReachabilityName(s.reachability);
    std::string state_text =
        s.reachability == queries::StoreReachability::kOnline   ? Say(lang, "在线", "online")
        : s.reachability == queries::StoreReachability::kDenied ? Say(lang, "已拒绝", "denied")
                                                                : Say(lang, "离线", "offline");
    if (s.reachability == queries::StoreReachability::kOffline) {
      state_text += s.last_contact ? std::string(" ") + Say(lang, "自 ", "since ") +
                                         Ago(lang, now_ms, *s.last_contact)
                                   : std::string(Say(lang, "（从未联系）", " (never heard from)"));
    }
    if (s.denied_at) state_text += " (" + s.denied_by + ": " + s.denied_reason + ")";
    html += "<tr data-store=\"" + Escape(s.site_id) + "\"><td>" + Escape(s.site_id) +
            "</td><td class=\"state-" + state + "\">" + Escape(state_text) + "</td><td>" +
            (s.last_contact ? Escape(*s.last_contact) : "—") + "</td><td>" +
            (s.last_batch_at ? Escape(*s.last_batch_at) : "—") + "</td><td>" +
            std::to_string(s.pending()) + "</td><td>" + std::to_string(s.last_seq) + "</td><td>" +
            std::to_string(s.applied_requests) + " / " + std::to_string(s.refused_requests) +
            " / " + std::to_string(s.queued_requests) + "</td></tr>";
  }
  if (stores.empty()) {
    html += std::string("<tr><td colspan=\"7\" class=\"muted\">") +
            Say(lang, "尚无门店", "No store is allowed yet") + "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string UsersTable(Lang lang, const std::vector<StaffUser>& users) {
  std::string html = std::string("<table data-test=\"users\"><thead><tr><th>") +
                     Say(lang, "账号", "Name") + "</th><th>" + Say(lang, "显示名", "Display name") +
                     "</th><th>" + Say(lang, "角色", "Role") + "</th><th>" +
                     Say(lang, "状态", "State") + "</th></tr></thead><tbody>";
  for (const StaffUser& u : users) {
    html += "<tr><td>" + Escape(u.name) + "</td><td>" + Escape(u.display_name) + "</td><td>" +
            RoleName(u.role) + "</td><td>" +
            (u.disabled_at ? Escape(std::string(Say(lang, "已停用 ", "disabled ")) +
                                    *u.disabled_at + " (" + u.disabled_reason.value_or("") + ")")
                           : std::string(Say(lang, "可用", "active"))) +
            "</td></tr>";
  }
  return html + "</tbody></table>";
}

// The form field a refusal is about: the one it names (Status::field or
// the "field: ..." its message starts with), else none.
std::string ErrorField(const Status& st) {
  static const char* const kFields[] = {"store", "phone", "name",    "date",
                                        "slot",  "plate", "service", "notes"};
  const std::string named =
      !st.field().empty() ? st.field() : st.message().substr(0, st.message().find(':'));
  for (const char* f : kFields) {
    if (named == f) return f;
  }
  return "";
}

}  // namespace

// The handlers, with the console they serve.
class WebConsole::Routes {
 public:
  explicit Routes(WebConsole& console) : c_(console) {}

  // The session's owner, or nullopt after answering with the sign-in page
  // and why (not signed in, expired, ended).
  std::optional<SignedIn> Session(const httplib::Request& req, httplib::Response& res) {
    const Lang lang = LangOf(req);
    auto token = CookieOf(req, kSessionCookie);
    if (!token || token->empty()) {
      Html(res, 401, RenderSignIn(lang, "", ""));
      return std::nullopt;
    }
    auto who = c_.accounts_.Authenticate(*token);
    if (!who.ok()) {
      Html(res, 401, RenderSignIn(lang, "", who.status().message()));
      return std::nullopt;
    }
    return who.value();
  }

  // A write's checks: same origin, signed in, the session's CSRF token.
  std::optional<SignedIn> Writer(const httplib::Request& req, httplib::Response& res) {
    if (!SameOrigin(req)) {
      Html(res, 403, "<p>refused: a form from another site</p>");
      return std::nullopt;
    }
    auto who = Session(req, res);
    if (!who) return std::nullopt;
    Status csrf = StaffAccounts::CheckCsrf(*who, req.get_param_value("csrf"));
    if (!csrf.ok()) {
      Html(res, 403, "<p>" + Escape(csrf.message()) + "</p>");
      return std::nullopt;
    }
    return who;
  }

  void SignInPage(const httplib::Request& req, httplib::Response& res) {
    Html(res, 200, RenderSignIn(LangOf(req), "", ""));
  }

  void SignIn(const httplib::Request& req, httplib::Response& res) {
    const Lang lang = LangOf(req);
    if (!SameOrigin(req)) {
      Html(res, 403, RenderSignIn(lang, "", "refused: a form from another site"));
      return;
    }
    const std::string name = req.get_param_value("name");
    auto session = c_.accounts_.SignIn(name, req.get_param_value("password"));
    if (!session.ok()) {
      const bool paused = session.status().message().rfind("too many", 0) == 0;
      Html(res, paused ? 429 : 401, RenderSignIn(lang, name, session.status().message()));
      return;
    }
    res.set_header("Set-Cookie", std::string(kSessionCookie) + "=" + session->token +
                                     "; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800" +
                                     (c_.options_.secure_cookies ? "; Secure" : ""));
    SeeOther(res, "/stores");
  }

  void SignOut(const httplib::Request& req, httplib::Response& res) {
    auto who = Writer(req, res);
    if (!who) return;
    (void)c_.accounts_.SignOut(CookieOf(req, kSessionCookie).value_or(""));
    res.set_header("Set-Cookie", std::string(kSessionCookie) +
                                     "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                     (c_.options_.secure_cookies ? "; Secure" : ""));
    SeeOther(res, "/login");
  }

  void Language(const httplib::Request& req, httplib::Response& res) {
    const std::string to = req.get_param_value("to") == "en" ? "en" : "zh";
    std::string back = req.get_param_value("back");
    // Only a path of this site: never an open redirect.
    if (back.empty() || back[0] != '/' ||
        (back.size() > 1 && (back[1] == '/' || back[1] == '\\'))) {
      back = "/";
    }
    res.set_header("Set-Cookie", "lang=" + to + "; Path=/; SameSite=Lax; Max-Age=31536000");
    SeeOther(res, back);
  }

  void Stores(const httplib::Request& req, httplib::Response& res) {
    auto who = Session(req, res);
    if (!who) return;
    const Lang lang = LangOf(req);
    auto stores = queries::ListStores(queries::HubReader(c_.hub_));
    Frame frame = FrameFor(*who, lang, "/stores", Say(lang, "门店同步", "Stores"));
    if (!stores.ok()) {
      frame.body_html = "<p class=\"error\">" + Escape(stores.status().message()) + "</p>";
      Html(res, 500, RenderPage(frame));
      return;
    }
    frame.body_html = StoresTable(lang, c_.hub_.clock().NowMs(), stores.value());
    Html(res, 200, RenderPage(frame));
  }

  void Users(const httplib::Request& req, httplib::Response& res) {
    auto who = Session(req, res);
    if (!who) return;
    const Lang lang = LangOf(req);
    Frame frame = FrameFor(*who, lang, "/users", Say(lang, "员工账号", "Accounts"));
    if (Status allowed = StaffAccounts::Require(*who, Permission::kManageAccounts); !allowed.ok()) {
      frame.body_html =
          "<p class=\"error\" data-test=\"error\">" + Escape(allowed.message()) + "</p>";
      Html(res, 403, RenderPage(frame));
      return;
    }
    auto users = c_.accounts_.Users();
    if (!users.ok()) {
      frame.body_html = "<p class=\"error\">" + Escape(users.status().message()) + "</p>";
      Html(res, 500, RenderPage(frame));
      return;
    }
    frame.body_html = UsersTable(lang, users.value());
    Html(res, 200, RenderPage(frame));
  }

  void Customers(const httplib::Request& req, httplib::Response& res) {
    auto who = Session(req, res);
    if (!who) return;
    const Lang lang = LangOf(req);
    Frame frame = FrameFor(*who, lang, "/customers", Say(lang, "查找客户", "Find a customer"));
    const bool see = RoleMay(who->role, Permission::kSeePersonalData);
    const std::string query = req.get_param_value("q");
    if (query.empty()) {
      frame.body_html = CustomerSearchHtml(lang, "", "", nullptr, see);
      Html(res, 200, RenderPage(frame));
      return;
    }
    if (query.size() > 64) {
      frame.body_html = CustomerSearchHtml(lang, query.substr(0, 64),
                                           "q: longer than 64 characters: type less", nullptr, see);
      Html(res, 400, RenderPage(frame));
      return;
    }
    auto found = queries::FindCustomers(queries::HubReader(c_.hub_), query);
    if (!found.ok()) {
      frame.body_html = CustomerSearchHtml(lang, query, found.status().message(), nullptr, see);
      Html(res, found.status().code() == StatusCode::kInvalidInput ? 400 : 500, RenderPage(frame));
      return;
    }
    frame.body_html = CustomerSearchHtml(lang, query, "", &found.value(), see);
    Html(res, 200, RenderPage(frame));
  }

  void Customer(const httplib::Request& req, httplib::Response& res) {
    auto who = Session(req, res);
    if (!who) return;
    const Lang lang = LangOf(req);
    const std::string id = req.get_param_value("id");
    Frame frame =
        FrameFor(*who, lang, "/customers", Say(lang, "客户", "Customer") + std::string(" ") + id);
    auto view = queries::ShowCustomer(queries::HubReader(c_.hub_), id);
    if (!view.ok()) {
      frame.body_html =
          "<p class=\"error\" data-test=\"error\">" + Escape(view.status().message()) + "</p>";
      Html(res, view.status().code() == StatusCode::kNotFound ? 404 : 400, RenderPage(frame));
      return;
    }
    frame.body_html =
        CustomerViewHtml(lang, view.value(), RoleMay(who->role, Permission::kSeePersonalData));
    Html(res, 200, RenderPage(frame));
  }

  // The booking page for `store` (the first allowed store when none).
  Result<BookingPage> BookingPageFor(const SignedIn& who, BookingForm form) {
    BookingPage page;
    page.form = std::move(form);
    page.csrf_token = who.csrf_token;
    ASSIGN_OR_RETURN(std::vector<queries::StoreState> stores,
                     queries::ListStores(queries::HubReader(c_.hub_)));
    for (const auto& s : stores) page.stores.push_back(s.site_id);
    if (page.form["store"].empty() && !page.stores.empty()) page.form["store"] = page.stores[0];
    ASSIGN_OR_RETURN(page.requests,
                     queries::ListRequests(queries::HubReader(c_.hub_), page.form["store"]));
    std::reverse(page.requests.begin(), page.requests.end());
    return page;
  }

  void ShowBooking(const httplib::Request& req, httplib::Response& res, const SignedIn& who,
                   BookingForm form, const Status& refusal, const std::string& done) {
    const Lang lang = LangOf(req);
    Frame frame = FrameFor(who, lang, "/book", Say(lang, "呼叫中心预约", "Call-centre booking"));
    auto page = BookingPageFor(who, std::move(form));
    if (!page.ok()) {
      frame.body_html = "<p class=\"error\">" + Escape(page.status().message()) + "</p>";
      Html(res, 500, RenderPage(frame));
      return;
    }
    if (!refusal.ok()) {
      page->error = refusal.message();
      page->error_field = ErrorField(refusal);
    }
    page->done = done;
    frame.body_html = BookingPageHtml(lang, page.value());
    Html(res, refusal.ok() ? 200 : (refusal.code() == StatusCode::kRefused ? 403 : 400),
         RenderPage(frame));
  }

  void ShowBookingForm(const httplib::Request& req, httplib::Response& res) {
    auto who = Session(req, res);
    if (!who) return;
    ShowBooking(req, res, *who, {{"store", req.get_param_value("store")}}, Status::Ok(), "");
  }

  void Book(const httplib::Request& req, httplib::Response& res) {
    auto who = Writer(req, res);
    if (!who) return;
    BookingForm form;
    nlohmann::json request = nlohmann::json::object();
    for (const char* f : {"store", "phone", "name", "date", "slot", "plate", "service", "notes"}) {
      form[f] = req.get_param_value(f);
      if (std::string(f) != "store" && !form[f].empty()) request[f] = form[f];
    }
    if (Status allowed = StaffAccounts::Require(*who, Permission::kBook); !allowed.ok()) {
      ShowBooking(req, res, *who, form, allowed, "");
      return;
    }
    auto queued = c_.hub_.QueueBooking(form["store"], request, who->name);
    if (!queued.ok()) {
      ShowBooking(req, res, *who, form, queued.status(), "");
      return;
    }
    const std::string done = "request " + std::to_string(queued->seq) + " queued for " +
                             form["store"] + ": " + queued->request.date + " " +
                             queued->request.slot +
                             (queued->checked_with_store_rules
                                  ? " (bookable by the store's rules as last synced)"
                                  : " (the store's rules are not known here yet: it decides)");
    (void)c_.accounts_.Record(*who, "book", form["store"], done);
    ShowBooking(req, res, *who, {{"store", form["store"]}}, Status::Ok(), done);
  }

  // The month asked for ("YYYY-MM"), or the current month in head office's day.
  std::string MonthOf(const httplib::Request& req) {
    std::string asked = req.get_param_value("month");
    if (!asked.empty()) return asked;
    auto zone = TimeZone::Load(queries::kHeadOfficeZone);
    if (!zone.ok()) return FormatUtcMs(c_.hub_.clock().NowMs()).substr(0, 7);
    return zone->UtcToLocal(c_.hub_.clock().NowMs()).date.ToString().substr(0, 7);
  }

  void Stats(const httplib::Request& req, httplib::Response& res) {
    auto who = Session(req, res);
    if (!who) return;
    const Lang lang = LangOf(req);
    Frame frame = FrameFor(*who, lang, "/stats", Say(lang, "月度统计", "Month-end statistics"));
    StatsPage page;
    page.month = MonthOf(req);
    page.store = req.get_param_value("store");
    auto stores = queries::ListStores(queries::HubReader(c_.hub_));
    if (stores.ok()) {
      for (const auto& s : stores.value()) page.stores.push_back(s.site_id);
    }
    auto reports = queries::MonthReportAtHub(queries::HubReader(c_.hub_), page.month, page.store);
    if (!reports.ok()) {
      page.error = reports.status().message();
      frame.body_html = StatsPageHtml(lang, page);
      Html(res, reports.status().code() == StatusCode::kInvalidInput ? 400 : 500,
           RenderPage(frame));
      return;
    }
    page.reports = &reports.value();
    frame.body_html = StatsPageHtml(lang, page);
    Html(res, 200, RenderPage(frame));
  }

  // The full report (its own page: inline SVG charts and a <style> element,
  // no script) or its CSV, for the month and store asked.
  void StatsExport(const httplib::Request& req, httplib::Response& res, bool csv) {
    auto who = Session(req, res);
    if (!who) return;
    const std::string month = MonthOf(req);
    auto reports = queries::MonthReportAtHub(queries::HubReader(c_.hub_), month,
                                             req.get_param_value("store"), csv ? 1 : 6);
    if (!reports.ok()) {
      Html(res, 400, "<p>" + Escape(reports.status().message()) + "</p>");
      return;
    }
    res.set_header("Cache-Control", "no-store");
    if (csv) {
      res.set_header("Content-Disposition", "attachment; filename=\"outpost-" + month + ".csv\"");
      res.set_content(MonthReportsCsv(reports.value()), "text/csv; charset=utf-8");
      return;
    }
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                   "frame-ancestors 'none'; base-uri 'none'");
    res.set_content(MonthReportHtml(reports.value()), "text/html; charset=utf-8");
  }

  void Queue(const httplib::Request& req, httplib::Response& res) {
    auto who = Session(req, res);
    if (!who) return;
    const Lang lang = LangOf(req);
    Frame frame = FrameFor(*who, lang, "/queue", Say(lang, "呼叫中心队列", "Call-centre queue"));
    auto zone = TimeZone::Load(queries::kHeadOfficeZone);
    if (!zone.ok()) {
      frame.body_html = "<p class=\"error\">" + Escape(zone.status().message()) + "</p>";
      Html(res, 500, RenderPage(frame));
      return;
    }
    auto queue = queries::CallCentreQueueOn(queries::HubReader(c_.hub_),
                                            zone->UtcToLocal(c_.hub_.clock().NowMs()).date);
    if (!queue.ok()) {
      frame.body_html = "<p class=\"error\">" + Escape(queue.status().message()) + "</p>";
      Html(res, 500, RenderPage(frame));
      return;
    }
    frame.body_html =
        QueueHtml(lang, queue.value(), RoleMay(who->role, Permission::kSeePersonalData));
    Html(res, 200, RenderPage(frame));
  }

  void Cases(const httplib::Request& req, httplib::Response& res, const std::string& notice = "",
             int status = 200) {
    auto who = Session(req, res);
    if (!who) return;
    const Lang lang = LangOf(req);
    Frame frame =
        FrameFor(*who, lang, "/cases", Say(lang, "案件与可能重复", "Cases and duplicates"));
    const queries::HubReader reader(c_.hub_);
    auto cases = queries::ListCases(reader, "", false);
    auto duplicates = queries::ListPossibleDuplicates(reader);
    if (!cases.ok() || !duplicates.ok()) {
      const Status& failed = !cases.ok() ? cases.status() : duplicates.status();
      frame.body_html = "<p class=\"error\">" + Escape(failed.message()) + "</p>";
      Html(res, 500, RenderPage(frame));
      return;
    }
    const bool may_decide = RoleMay(who->role, Permission::kResolveIdentity);
    frame.body_html = notice + CasesHtml(lang, cases.value(), duplicates.value(),
                                         RoleMay(who->role, Permission::kSeePersonalData),
                                         may_decide ? who->csrf_token : std::string());
    Html(res, status, RenderPage(frame));
  }

  // A possible duplicate decided (hub/identity_decisions.h): merged or kept
  // apart with the note, then the cases page again with what happened.
  void DecideDuplicate(const httplib::Request& req, httplib::Response& res) {
    auto who = Writer(req, res);
    if (!who) return;
    const std::string ref = req.get_param_value("ref");
    const std::string decision = req.get_param_value("decision");
    const std::string note = req.get_param_value("note");
    Status refused = StaffAccounts::Require(*who, Permission::kResolveIdentity);
    if (refused.ok() && decision != "merge" && decision != "apart") {
      refused = Status::InvalidInput("decision: '" + decision + "' is neither merge nor apart");
    }
    std::string done;
    if (refused.ok()) {
      auto decided = hub::DecideDuplicate(c_.hub_, ref, decision == "merge", who->name, note);
      if (decided.ok()) {
        done =
            ref + (decided->merged ? ": merged into one customer" : ": kept apart as two people");
        (void)c_.accounts_.Record(*who, "duplicate." + decision, ref, note);
      } else {
        refused = decided.status();
      }
    }
    const std::string notice =
        refused.ok()
            ? "<p class=\"done\" data-test=\"done\">" + Escape(done) + "</p>"
            : "<p class=\"error\" data-test=\"error\">" + Escape(refused.message()) + "</p>";
    Cases(req, res, notice,
          refused.ok() ? 200 : (refused.code() == StatusCode::kRefused ? 403 : 400));
  }

 private:
  Frame FrameFor(const SignedIn& who, Lang lang, const std::string& path,
                 const std::string& title) {
    Frame frame;
    frame.lang = lang;
    frame.title = title;
    frame.staff_name = who.display_name;
    frame.staff_role = RoleName(who.role);
    frame.csrf_token = who.csrf_token;
    frame.path = path;
    frame.nav = Nav(lang, path, who.role);
    return frame;
  }

  WebConsole& c_;
};

WebConsole::WebConsole(Hub& hub, WebOptions options)
    : hub_(hub), options_(options), accounts_(hub.storage().staff(), hub.clock()) {}

void WebConsole::Mount(httplib::Server& server) {
  server.new_task_queue = [] { return new httplib::ThreadPool(1); };
  server.set_payload_max_length(size_t{64} * 1024);  // forms only
  // A response leaves in two writes (headers, then the page): with Nagle's
  // algorithm the second waits for the browser's delayed ACK of the first,
  // 40 ms a page on Linux (tests/bench/web_console_bench.cc measured it).
  server.set_tcp_nodelay(true);
  server.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                              {"X-Frame-Options", "DENY"},
                              {"Referrer-Policy", "same-origin"}});
  // Every response, errors included, gets the console's policy unless its
  // handler set a stricter one of its own (the full report: no script at all).
  server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.has_header("Content-Security-Policy")) res.set_header("Content-Security-Policy", kCsp);
  });
  auto routes = std::make_shared<Routes>(*this);
  server.Get("/static/console.css", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "max-age=3600");
    res.set_content(kConsoleCss, "text/css; charset=utf-8");
  });
  server.Get("/static/console.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "max-age=3600");
    res.set_content(kConsoleJs, "text/javascript; charset=utf-8");
  });
  server.Get("/",
             [](const httplib::Request&, httplib::Response& res) { SeeOther(res, "/stores"); });
  server.Get("/login", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->SignInPage(req, res);
  });
  server.Post("/login", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->SignIn(req, res);
  });
  server.Post("/logout", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->SignOut(req, res);
  });
  server.Get("/lang", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->Language(req, res);
  });
  server.Get("/stores", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->Stores(req, res);
  });
  server.Get("/customers", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->Customers(req, res);
  });
  server.Get("/customer", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->Customer(req, res);
  });
  server.Get("/book", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->ShowBookingForm(req, res);
  });
  server.Post("/book", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->Book(req, res);
  });
  server.Get("/stats", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->Stats(req, res);
  });
  server.Get("/stats/report", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->StatsExport(req, res, false);
  });
  server.Get("/stats.csv", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->StatsExport(req, res, true);
  });
  server.Get("/queue", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->Queue(req, res);
  });
  server.Get("/cases", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->Cases(req, res);
  });
  server.Post("/duplicates", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->DecideDuplicate(req, res);
  });
  server.Get("/users", [routes](const httplib::Request& req, httplib::Response& res) {
    routes->Users(req, res);
  });
}

}  // namespace outpost::hub::web
