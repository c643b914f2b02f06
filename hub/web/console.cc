#include "hub/web/console.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "hub/hub.h"
#include "hub/identity_decisions.h"
#include "hub/queries/cases.h"
#include "hub/queries/customers.h"
#include "hub/queries/recovery.h"
#include "hub/queries/report.h"
#include "hub/queries/report_html.h"
#include "hub/queries/requests.h"
#include "hub/queries/stores.h"
#include "hub/queries/tasks.h"
#include "hub/task_attempts.h"
#include "hub/verify.h"
#include "hub/web/action_forms.h"
#include "hub/web/assets.h"
#include "hub/web/booking_page.h"
#include "hub/web/customer_pages.h"
#include "hub/web/html.h"
#include "hub/web/recovery_page.h"
#include "hub/web/stats_page.h"
#include "hub/web/store_page.h"
#include "hub/web/users_page.h"
#include "hub/web/work_pages.h"
#include "sync/civil_time.h"
#include "sync/i18n/messages.h"
#include "sync/mutex.h"

namespace outpost::hub::web {
namespace {

constexpr char kSessionCookie[] = "outpost_session";
// Connections read at once (each kept-alive browser holds one while idle)
// and how long an idle one is kept.
constexpr size_t kConnectionThreads = 8;
constexpr time_t kKeepAliveSeconds = 2;
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

std::vector<NavItem> Nav(Lang lang, const std::string& current, Role role) {
  std::vector<NavItem> nav = {{"/stores", Say(lang, "门店", "Stores"), false},
                              {"/customers", Say(lang, "客户", "Customers"), false},
                              {"/queue", Say(lang, "呼叫中心队列", "Call-centre queue"), false},
                              {"/book", Say(lang, "呼叫中心预约", "Call-centre booking"), false},
                              {"/cases", Say(lang, "案件", "Cases"), false},
                              {"/stats", Say(lang, "月度统计", "Statistics"), false},
                              {"/recovery", Say(lang, "恢复", "Recovery"), false}};
  if (RoleMay(role, Permission::kManageAccounts)) {
    nav.push_back({"/users", Say(lang, "员工账号", "Accounts"), false});
  }
  for (NavItem& item : nav) item.current = item.href == current;
  return nav;
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

// The HTTP status of an operation's answer.
int HttpStatusOf(const Status& st) {
  switch (st.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidInput:
      return 400;
    case StatusCode::kRefused:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kConflict:
      return 409;
    default:
      return 500;
  }
}

// The line above a page after a write: what was done, or why not (a refusal
// is also shown inside its form, next to the field).
std::string Notice(const Status& refused, const std::string& done) {
  return refused.ok()
             ? "<p class=\"done\" data-test=\"done\">" + Escape(done) + "</p>"
             : "<p class=\"error\" data-test=\"refused\">" + Escape(refused.message()) + "</p>";
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
    frame.body_html = StoresTableHtml(lang, c_.hub_.clock().NowMs(), stores.value());
    Html(res, 200, RenderPage(frame));
  }

  // A store's page: its sync state, head office's requests and its day
  // (`date`, default today in the store's zone, else head office's).
  void Store(const httplib::Request& req, httplib::Response& res) {
    auto who = Session(req, res);
    if (!who) return;
    const Lang lang = LangOf(req);
    const std::string id = req.get_param_value("id");
    Frame frame =
        FrameFor(*who, lang, "/stores", Say(lang, "门店", "Store") + std::string(" ") + id);
    auto fail = [&](int status, const std::string& why) {
      frame.body_html = "<p class=\"error\" data-test=\"error\">" + Escape(why) + "</p>";
      Html(res, status, RenderPage(frame));
    };
    const queries::HubReader reader(c_.hub_);
    auto stores = queries::ListStores(reader);
    if (!stores.ok()) return fail(500, stores.status().message());
    auto found = std::find_if(stores->begin(), stores->end(),
                              [&](const queries::StoreState& s) { return s.site_id == id; });
    if (found == stores->end()) {
      return fail(404, "id: no store '" + id + "' on head office's allow-list");
    }
    StorePage page;
    page.store = *found;
    page.see_personal = RoleMay(who->role, Permission::kSeePersonalData);
    page.now_ms = c_.hub_.clock().NowMs();
    auto requests = queries::ListRequests(reader, id);
    if (!requests.ok()) return fail(500, requests.status().message());
    page.requests = std::move(requests).value();
    page.date = req.get_param_value("date");
    int status = 200;
    if (!page.date.empty() && !LocalDate::Parse(page.date).ok()) {
      page.date_error = "date: " + LocalDate::Parse(page.date).status().message();
      status = 400;
    } else {
      auto board = queries::ReadBoard(reader, id, page.date.empty() ? "today" : page.date);
      if (board.ok()) {
        page.date = board->date;
        page.board = std::move(board).value();
      } else {
        page.board_error = board.status().message();
        if (page.date.empty()) page.date = HeadOfficeToday();
      }
    }
    frame.body_html = StorePageHtml(lang, page);
    Html(res, status, RenderPage(frame));
  }

  // The recovery report since `since` (default 30 days before today).
  void Recovery(const httplib::Request& req, httplib::Response& res) {
    auto who = Session(req, res);
    if (!who) return;
    ShowRecovery(req, res, *who, Status::Ok());
  }

  void ShowRecovery(const httplib::Request& req, httplib::Response& res, const SignedIn& who,
                    const Status& refused) {
    const Lang lang = LangOf(req);
    Frame frame = FrameFor(who, lang, "/recovery", Say(lang, "恢复报告", "Recovery report"));
    RecoveryPage page;
    page.see_personal = RoleMay(who.role, Permission::kSeePersonalData);
    page.verify = last_verify_ ? &*last_verify_ : nullptr;
    if (RoleMay(who.role, Permission::kVerify)) page.csrf = who.csrf_token;
    page.since = req.get_param_value("since");
    if (page.since.empty()) {
      auto today = LocalDate::Parse(HeadOfficeToday());
      page.since = today.ok() ? today->AddDays(-30).ToString() : "";
    }
    if (auto parsed = LocalDate::Parse(page.since); !parsed.ok()) {
      page.since_error = "since: " + parsed.status().message();
      frame.body_html = RecoveryPageHtml(lang, page);
      Html(res, 400, RenderPage(frame));
      return;
    }
    auto stores = queries::ReadRecovery(queries::HubReader(c_.hub_), page.since);
    if (!stores.ok()) {
      frame.body_html = "<p class=\"error\">" + Escape(stores.status().message()) + "</p>";
      Html(res, 500, RenderPage(frame));
      return;
    }
    page.stores = &stores.value();
    frame.body_html = (refused.ok() ? "" : Notice(refused, "")) + RecoveryPageHtml(lang, page);
    Html(res, HttpStatusOf(refused), RenderPage(frame));
  }

  // Verify over the hub's file with its keys (every archived batch opened),
  // on the console's one worker: the result is kept for the recovery page.
  void RunVerify(const httplib::Request& req, httplib::Response& res) {
    auto who = Writer(req, res);
    if (!who) return;
    Status refused = StaffAccounts::Require(*who, Permission::kVerify);
    if (refused.ok()) {
      const auto t0 = std::chrono::steady_clock::now();
      auto report = VerifyHub(c_.hub_.storage(), c_.hub_.keys().pub, &c_.hub_.keys());
      if (report.ok()) {
        last_verify_ =
            VerifyRun{FormatUtcMs(c_.hub_.clock().NowMs()), who->name,
                      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                      std::move(report).value()};
        (void)c_.accounts_.Record(
            *who, "verify", "hub",
            last_verify_->report.consistent()
                ? "consistent"
                : std::to_string(last_verify_->report.findings.size()) + " findings");
      } else {
        refused = report.status();
      }
    }
    ShowRecovery(req, res, *who, refused);
  }

  // The accounts page (admins only), with a write's outcome in `page`.
  void ShowUsers(const httplib::Request& req, httplib::Response& res, const SignedIn& who,
                 UsersPage page, const Status& refusal) {
    const Lang lang = LangOf(req);
    Frame frame = FrameFor(who, lang, "/users", Say(lang, "员工账号", "Accounts"));
    if (Status allowed = StaffAccounts::Require(who, Permission::kManageAccounts); !allowed.ok()) {
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
    page.users = std::move(users).value();
    page.csrf_token = who.csrf_token;
    if (!refusal.ok()) {
      page.error = refusal.message();
      page.error_field = UserFormField(refusal.field(), refusal.message());
    }
    frame.body_html = UsersPageHtml(lang, page);
    Html(res, refusal.ok() ? 200 : (refusal.code() == StatusCode::kNotFound ? 404 : 400),
         RenderPage(frame));
  }

  // One write of the accounts page, through the operation `outpost-hub
  // users` calls; StaffAccounts checks the fields and audits the change.
  void UsersWrite(const httplib::Request& req, httplib::Response& res) {
    auto who = Writer(req, res);
    if (!who) return;
    UsersPage page;
    page.action = req.get_param_value("action");
    const std::string name = req.get_param_value("name");
    page.subject = page.action == "add" ? "" : name;
    for (const char* f : {"name", "display_name", "role", "reason"}) {
      page.form[f] = req.get_param_value(f);
    }
    if (Status allowed = StaffAccounts::Require(*who, Permission::kManageAccounts); !allowed.ok()) {
      ShowUsers(req, res, *who, page, allowed);
      return;
    }
    Result<std::string> done = ApplyUserAction(*who, req, page.action, name);
    if (!done.ok()) {
      ShowUsers(req, res, *who, page, done.status());
      return;
    }
    UsersPage fresh;
    fresh.done = done.value();
    ShowUsers(req, res, *who, fresh, Status::Ok());
  }

  void Users(const httplib::Request& req, httplib::Response& res) {
    auto who = Session(req, res);
    if (!who) return;
    ShowUsers(req, res, *who, UsersPage{}, Status::Ok());
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
    // The results list names, stores and phones: no evidence to build.
    auto found = queries::FindCustomers(queries::HubReader(c_.hub_), query, false);
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
    ShowCustomer(req, res, *who, req.get_param_value("id"), Status::Ok(), "", {});
  }

  // The customer page of `id`, after a write when `done` or `refused` says so.
  void ShowCustomer(const httplib::Request& req, httplib::Response& res, const SignedIn& who,
                    const std::string& id, const Status& refused, const std::string& done,
                    FormError error) {
    const Lang lang = LangOf(req);
    Frame frame =
        FrameFor(who, lang, "/customers", Say(lang, "客户", "Customer") + std::string(" ") + id);
    auto view = queries::ShowCustomer(queries::HubReader(c_.hub_), id);
    if (!view.ok()) {
      frame.body_html =
          "<p class=\"error\" data-test=\"error\">" + Escape(view.status().message()) + "</p>";
      Html(res, view.status().code() == StatusCode::kNotFound ? 404 : 400, RenderPage(frame));
      return;
    }
    if (!refused.ok()) error.message = refused.message();
    frame.body_html =
        (refused.ok() && done.empty() ? "" : Notice(refused, done)) +
        CustomerViewHtml(lang, view.value(), RoleMay(who.role, Permission::kSeePersonalData),
                         ActionsFor(who, std::move(error)));
    Html(res, HttpStatusOf(refused), RenderPage(frame));
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

  // What the month-end statistics read: the --reports-db database (a
  // standby) when given, else the hub's own.
  queries::HubReader ReportsReader() const {
    if (c_.options_.reports != nullptr) {
      return queries::HubReader(*c_.options_.reports, c_.hub_.clock());
    }
    return queries::HubReader(c_.hub_);
  }

  // The month asked for ("YYYY-MM"), or the current month in head office's day.
  std::string MonthOf(const httplib::Request& req) {
    std::string asked = req.get_param_value("month");
    return asked.empty() ? HeadOfficeToday().substr(0, 7) : asked;
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
    auto reports = queries::MonthReportAtHub(ReportsReader(), page.month, page.store);
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
    auto reports = queries::MonthReportAtHub(ReportsReader(), month, req.get_param_value("store"),
                                             csv ? 1 : 6);
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
    ShowQueue(req, res, *who, Status::Ok(), "", {});
  }

  void ShowQueue(const httplib::Request& req, httplib::Response& res, const SignedIn& who,
                 const Status& refused, const std::string& done, FormError error) {
    const Lang lang = LangOf(req);
    Frame frame = FrameFor(who, lang, "/queue", Say(lang, "呼叫中心队列", "Call-centre queue"));
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
    if (!refused.ok()) error.message = refused.message();
    frame.body_html =
        (refused.ok() && done.empty() ? "" : Notice(refused, done)) +
        QueueHtml(lang, queue.value(), RoleMay(who.role, Permission::kSeePersonalData),
                  ActionsFor(who, std::move(error)));
    Html(res, HttpStatusOf(refused), RenderPage(frame));
  }

  void Cases(const httplib::Request& req, httplib::Response& res) {
    auto who = Session(req, res);
    if (!who) return;
    ShowCases(req, res, *who, Status::Ok(), "", {});
  }

  void ShowCases(const httplib::Request& req, httplib::Response& res, const SignedIn& who,
                 const Status& refused, const std::string& done, FormError error) {
    const Lang lang = LangOf(req);
    Frame frame =
        FrameFor(who, lang, "/cases", Say(lang, "案件与可能重复", "Cases and duplicates"));
    const queries::HubReader reader(c_.hub_);
    auto cases = queries::ListCases(reader, "", false);
    auto duplicates = queries::ListPossibleDuplicates(reader);
    if (!cases.ok() || !duplicates.ok()) {
      const Status& failed = !cases.ok() ? cases.status() : duplicates.status();
      frame.body_html = "<p class=\"error\">" + Escape(failed.message()) + "</p>";
      Html(res, 500, RenderPage(frame));
      return;
    }
    if (!refused.ok()) error.message = refused.message();
    frame.body_html = (refused.ok() && done.empty() ? "" : Notice(refused, done)) +
                      CasesHtml(lang, cases.value(), duplicates.value(),
                                RoleMay(who.role, Permission::kSeePersonalData),
                                ActionsFor(who, std::move(error)));
    Html(res, HttpStatusOf(refused), RenderPage(frame));
  }

  // A possible duplicate decided (hub/identity_decisions.h): merged or kept
  // apart with the note, then the page it was decided on (the cases page, or
  // the customer page named by `back`) with what happened.
  void DecideDuplicate(const httplib::Request& req, httplib::Response& res) {
    auto who = Writer(req, res);
    if (!who) return;
    const std::string ref = req.get_param_value("ref");
    const std::string decision = req.get_param_value("decision");
    const std::string note = req.get_param_value("note");
    Status refused = StaffAccounts::Require(*who, Permission::kResolveIdentity);
    if (refused.ok() && decision != "merge" && decision != "apart") {
      refused =
          Status::InvalidInput("decision: '" + decision + "' is neither merge nor apart")
              .WithShown(i18n::Format("decision: '{0}' is neither merge nor apart", {decision}));
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
    const std::string back = req.get_param_value("back");
    if (!back.empty()) {
      ShowCustomer(req, res, *who, back, refused, done, {"decide:" + ref, ""});
      return;
    }
    ShowCases(req, res, *who, refused, done, {"decide:" + ref, ""});
  }

  // A call on a handed-over task (hub/task_attempts.h QueueTaskCall, the path
  // of `outpost-hub tasks --attempt`), queued for the task's store.
  void RecordCall(const httplib::Request& req, httplib::Response& res) {
    auto who = Writer(req, res);
    if (!who) return;
    HeadOfficeCallInput call;
    call.task = req.get_param_value("task");
    call.result = req.get_param_value("result");
    auto optional = [&](const char* name) {
      const std::string v = req.get_param_value(name);
      return v.empty() ? std::nullopt : std::optional<std::string>(v);
    };
    call.satisfied = optional("satisfied");
    call.fault_fixed = optional("fault_fixed");
    call.next_service_date = optional("next_service_date");
    call.next_service_km = optional("next_service_km");
    for (size_t i = 0; i < req.get_param_value_count("items"); ++i) {
      call.items.push_back(req.get_param_value("items", i));
    }
    call.note = req.get_param_value("note");
    call.outcome = req.get_param_value("outcome");
    call.staff = who->name;
    Status refused = StaffAccounts::Require(*who, Permission::kWorkQueue);
    std::string done;
    if (refused.ok()) {
      auto queued = QueueTaskCall(c_.hub_, call);
      if (queued.ok()) {
        done = "call recorded on task " + queued->task.id + ": request " +
               std::to_string(queued->seq) + " queued for " + queued->site;
        (void)c_.accounts_.Record(*who, "task.call", queued->task.id, call.result);
      } else {
        refused = queued.status();
      }
    }
    ShowQueue(req, res, *who, refused, done, {"call:" + call.task, ""});
  }

  // Head office's cancel or move of a customer's booking
  // (Hub::QueueBookingChange, the path of `outpost-hub requests cancel|reschedule`).
  void ChangeBooking(const httplib::Request& req, httplib::Response& res) {
    auto who = Writer(req, res);
    if (!who) return;
    const std::string kind = req.get_param_value("kind");
    const std::string store = req.get_param_value("store");
    const std::string booking = req.get_param_value("booking");
    nlohmann::json details = {{"reason", req.get_param_value("reason")}};
    if (kind == "reschedule") {
      details["date"] = req.get_param_value("date");
      details["slot"] = req.get_param_value("slot");
    }
    Status refused = StaffAccounts::Require(*who, Permission::kBook);
    std::string done;
    if (refused.ok()) {
      auto seq = c_.hub_.QueueBookingChange(store, kind, booking, details, who->name);
      if (seq.ok()) {
        done = "request " + std::to_string(seq.value()) + " queued for " + store + ": " + kind +
               " booking " + booking + " (the store applies it when next in contact)";
        (void)c_.accounts_.Record(*who, "booking." + kind, store + "/" + booking, details.dump());
      } else {
        refused = seq.status();
      }
    }
    ShowCustomer(req, res, *who, req.get_param_value("customer"), refused, done,
                 {"change:" + booking, ""});
  }

  // Merge with another customer, or take a record out (hub/identity_decisions.h).
  void DecideIdentity(const httplib::Request& req, httplib::Response& res, bool merge) {
    auto who = Writer(req, res);
    if (!who) return;
    const std::string customer = req.get_param_value("customer");
    const std::string other = req.get_param_value(merge ? "other" : "record");
    const std::string note = req.get_param_value("note");
    Status refused = StaffAccounts::Require(*who, Permission::kResolveIdentity);
    if (refused.ok()) {
      refused = merge ? MergeCustomers(c_.hub_, customer, other, who->name, note)
                      : UnmergeRecord(c_.hub_, other, who->name, note);
    }
    std::string done;
    if (refused.ok()) {
      done = merge ? customer + " and " + other + " merged into one customer"
                   : "record " + other + " taken out of " + customer;
      (void)c_.accounts_.Record(*who, merge ? "customer.merge" : "customer.unmerge",
                                customer + " " + other, note);
    }
    ShowCustomer(req, res, *who, customer, refused, done,
                 {merge ? std::string("merge") : "unmerge:" + other, ""});
  }

  // A store's case closed from head office (Hub::QueueCaseResolution, the path
  // of `outpost-hub conflicts resolve REF --store S`).
  void CloseCase(const httplib::Request& req, httplib::Response& res) {
    auto who = Writer(req, res);
    if (!who) return;
    const std::string store = req.get_param_value("store");
    const std::string ref = req.get_param_value("ref");
    const std::string note = req.get_param_value("note");
    Status refused = StaffAccounts::Require(*who, Permission::kResolveCases);
    if (refused.ok() && note.empty()) {
      refused = Status::InvalidInput("note: say what was done").WithField("note");
    }
    std::string done;
    if (refused.ok()) {
      auto queued = c_.hub_.QueueCaseResolution(ref, store, note, who->name);
      if (queued.ok()) {
        done = "request " + std::to_string(queued->second) + " queued for " + queued->first +
               ": the store closes case " + ref + " when next in contact";
        (void)c_.accounts_.Record(*who, "case.close", queued->first + "/" + ref, note);
      } else {
        refused = queued.status();
      }
    }
    ShowCases(req, res, *who, refused, done, {"close:" + store + "/" + ref, ""});
  }

 private:
  static Actions ActionsFor(const SignedIn& who, FormError error) {
    Actions actions;
    actions.csrf = who.csrf_token;
    actions.book = RoleMay(who.role, Permission::kBook);
    actions.work_queue = RoleMay(who.role, Permission::kWorkQueue);
    actions.resolve_identity = RoleMay(who.role, Permission::kResolveIdentity);
    actions.resolve_cases = RoleMay(who.role, Permission::kResolveCases);
    actions.error = std::move(error);
    return actions;
  }

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

  // Today in head office's zone (Asia/Shanghai), YYYY-MM-DD.
  std::string HeadOfficeToday() {
    auto zone = TimeZone::Load(queries::kHeadOfficeZone);
    if (!zone.ok()) return FormatUtcMs(c_.hub_.clock().NowMs()).substr(0, 10);
    return zone->UtcToLocal(c_.hub_.clock().NowMs()).date.ToString();
  }

  // The account operation `action` names, with what it did in words.
  Result<std::string> ApplyUserAction(const SignedIn& who, const httplib::Request& req,
                                      const std::string& action, const std::string& name) {
    const std::string password = req.get_param_value("password");
    if ((action == "add" || action == "passwd") && password != req.get_param_value("password2")) {
      return Status::InvalidInput("password2: the two passwords differ: type the same twice")
          .WithField("password2");
    }
    const std::string role = req.get_param_value("role");
    if (action == "add") {
      const std::string shown = req.get_param_value("display_name");
      RETURN_IF_ERROR(
          c_.accounts_.AddUser(name, shown.empty() ? name : shown, role, password, who.name));
      return "账号已添加/account added: " + name + " (" + role + ")";
    }
    if (action == "passwd") {
      RETURN_IF_ERROR(c_.accounts_.SetPassword(name, password, who.name));
      return "密码已更改/password changed: " + name + "; its sessions ended";
    }
    if (action == "role") {
      RETURN_IF_ERROR(c_.accounts_.SetRole(name, role, who.name));
      return "角色已更改/role changed: " + name + " is " + role + "; its sessions ended";
    }
    if (action == "disable") {
      RETURN_IF_ERROR(c_.accounts_.Disable(name, req.get_param_value("reason"), who.name));
      return "账号已停用/account disabled: " + name + "; its sessions ended";
    }
    if (action == "enable") {
      RETURN_IF_ERROR(c_.accounts_.Enable(name, who.name));
      return "账号已启用/account enabled: " + name;
    }
    return Status::InvalidInput("action: '" + action +
                                "' is none of add, role, disable, enable, "
                                "passwd")
        .WithShown(
            i18n::Format("action: '{0}' is none of add, role, disable, enable, passwd", {action}));
  }

  WebConsole& c_;
  std::optional<VerifyRun> last_verify_;  // the newest run since the console started
};

WebConsole::WebConsole(Hub& hub, WebOptions options)
    : hub_(hub), options_(options), accounts_(hub.storage().staff(), hub.clock()) {}

void WebConsole::Mount(httplib::Server& server) {
  // Several connections are read at once, so a browser holding a kept-alive
  // connection idle never makes another user's request wait; the handlers
  // themselves run one at a time (the Hub is used by one thread at a time).
  server.new_task_queue = [] { return new httplib::ThreadPool(kConnectionThreads); };
  server.set_keep_alive_timeout(kKeepAliveSeconds);
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
  auto one_at_a_time = std::make_shared<Mutex>();
  using Request = httplib::Request;
  using Response = httplib::Response;
  auto serial = [routes, one_at_a_time](auto handler) {
    return [routes, one_at_a_time, handler](const Request& req, Response& res) {
      MutexLock hold(one_at_a_time.get());
      std::invoke(handler, *routes, req, res);
    };
  };
  server.Get("/static/console.css", [](const Request&, Response& res) {
    res.set_header("Cache-Control", "max-age=3600");
    res.set_content(kConsoleCss, "text/css; charset=utf-8");
  });
  server.Get("/static/console.js", [](const Request&, Response& res) {
    res.set_header("Cache-Control", "max-age=3600");
    res.set_content(kConsoleJs, "text/javascript; charset=utf-8");
  });
  server.Get("/", [](const Request&, Response& res) { SeeOther(res, "/stores"); });
  server.Get("/login", serial(&Routes::SignInPage));
  server.Post("/login", serial(&Routes::SignIn));
  server.Post("/logout", serial(&Routes::SignOut));
  server.Get("/lang", serial(&Routes::Language));
  server.Get("/stores", serial(&Routes::Stores));
  server.Get("/store", serial(&Routes::Store));
  server.Get("/recovery", serial(&Routes::Recovery));
  server.Post("/users", serial(&Routes::UsersWrite));
  server.Get("/customers", serial(&Routes::Customers));
  server.Get("/customer", serial(&Routes::Customer));
  server.Get("/book", serial(&Routes::ShowBookingForm));
  server.Post("/book", serial(&Routes::Book));
  server.Get("/stats", serial(&Routes::Stats));
  server.Get("/stats/report", serial([](Routes& r, const Request& req, Response& res) {
               r.StatsExport(req, res, false);
             }));
  server.Get("/stats.csv", serial([](Routes& r, const Request& req, Response& res) {
               r.StatsExport(req, res, true);
             }));
  server.Get("/queue", serial(&Routes::Queue));
  server.Get("/cases", serial(&Routes::Cases));
  server.Post("/duplicates", serial(&Routes::DecideDuplicate));
  server.Post("/recovery/verify", serial(&Routes::RunVerify));
  server.Post("/queue/call", serial(&Routes::RecordCall));
  server.Post("/booking/change", serial(&Routes::ChangeBooking));
  server.Post("/customer/merge", serial([](Routes& r, const Request& req, Response& res) {
                r.DecideIdentity(req, res, true);
              }));
  server.Post("/customer/unmerge", serial([](Routes& r, const Request& req, Response& res) {
                r.DecideIdentity(req, res, false);
              }));
  server.Post("/cases/close", serial(&Routes::CloseCase));
  server.Get("/users", serial(&Routes::Users));
}

}  // namespace outpost::hub::web
