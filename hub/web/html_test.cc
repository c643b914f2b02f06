// The console's HTML: markup in any name is shown as text, never parsed.
#include "hub/web/html.h"

#include <gtest/gtest.h>

#include "hub/web/booking_page.h"
#include "hub/web/customer_pages.h"
#include "hub/web/recovery_page.h"
#include "hub/web/stats_page.h"
#include "hub/web/store_page.h"
#include "hub/web/users_page.h"
#include "sync/clock.h"

namespace outpost::hub::web {
namespace {

TEST(WebHtmlTest, EscapeLeavesNoMarkupAndNoWayOutOfAnAttribute) {
  EXPECT_EQ(Escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  EXPECT_EQ(Escape("\" onmouseover=\"x"), "&quot; onmouseover=&quot;x");
  EXPECT_EQ(Escape("王 & 李"), "王 &amp; 李");
}

TEST(WebHtmlTest, APageEscapesTheStaffNameTitleAndNavAndLoadsOnlyItsOwnScript) {
  Frame frame;
  frame.title = "<b>t</b>";
  frame.staff_name = "<img src=x onerror=alert(1)>";
  frame.staff_role = "viewer";
  frame.csrf_token = "abc\"def";
  frame.path = "/stores";
  frame.nav = {{"/stores", "<i>门店</i>", true}};
  frame.body_html = "<p>ok</p>";
  const std::string html = RenderPage(frame);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>t"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("value=\"abc&quot;def\""), std::string::npos);
  EXPECT_NE(html.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(html.find("退出"), std::string::npos);
  // One script element, the console's own file; no inline script or handler.
  EXPECT_NE(html.find("<script src=\"/static/console.js\" defer></script>"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find(" onclick="), std::string::npos);
}

TEST(WebHtmlTest, TheSignInPageShowsTheErrorAsTextInEitherLanguage) {
  const std::string zh = RenderSignIn(Lang::kZh, "<x>", "wrong name or password");
  EXPECT_NE(zh.find("value=\"&lt;x&gt;\""), std::string::npos);
  EXPECT_NE(zh.find("wrong name or password"), std::string::npos);
  EXPECT_NE(zh.find("密码"), std::string::npos);
  const std::string en = RenderSignIn(Lang::kEn, "", "");
  EXPECT_NE(en.find("Password"), std::string::npos);
  EXPECT_NE(en.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_EQ(en.find("role=\"alert\""), std::string::npos);
}

UnifiedView TwoRecords() {
  UnifiedView v;
  v.unified_id = "U1";
  StoreRecord a;
  a.record_id = "C-0000000012345678";
  a.site_id = "S1";
  a.name = "王<b>小明</b>";
  a.phones = {"+8613800138000"};
  a.member_id = "M123";
  v.records.push_back(a);
  v.vehicles.push_back({{"plate", "京A12345"}, {"vin", "LSVAU2180N2183294"}, {"site", "S1"}});
  v.evidence.push_back(
      {"C-0000000012345678", "C-0000000087654321", "phone", "+8613800138000", true});
  v.bookings.push_back({{"id", "B-open"}, {"site", "S1"}, {"ref", "R1"}, {"status", "confirmed"}});
  v.bookings.push_back({{"id", "B-done"}, {"site", "S1"}, {"ref", "R2"}, {"status", "completed"}});
  return v;
}

// What a role may do decides which forms are drawn (the server checks again).
TEST(WebCustomerPagesTest, FormsFollowTheRoleAndOnlyAnOpenBookingMoves) {
  Actions viewer;
  viewer.csrf = "tok";
  EXPECT_EQ(CustomerViewHtml(Lang::kEn, TwoRecords(), false, viewer).find("<form"),
            std::string::npos);
  Actions call_centre = viewer;
  call_centre.book = true;
  const std::string html = CustomerViewHtml(Lang::kEn, TwoRecords(), true, call_centre);
  EXPECT_NE(html.find("name=\"booking\" value=\"B-open\""), std::string::npos) << html;
  EXPECT_EQ(html.find("value=\"B-done\""), std::string::npos);  // a completed visit stays
  EXPECT_NE(html.find("name=\"csrf\" value=\"tok\""), std::string::npos);
  EXPECT_EQ(html.find("/customer/merge"), std::string::npos);  // not the data team's forms
  Actions data_team = viewer;
  data_team.resolve_identity = true;
  data_team.error = {"merge", "note: say why (--note)"};
  const std::string merge = CustomerViewHtml(Lang::kEn, TwoRecords(), true, data_team);
  EXPECT_NE(merge.find("<details class=\"act\" open><summary>Merge"), std::string::npos);
  EXPECT_NE(merge.find("data-field=\"note\">note: say why"), std::string::npos);
}

TEST(WebCustomerPagesTest, AViewerSeesNamesPhonesMemberIdsAndVinsMasked) {
  const std::string html = CustomerViewHtml(Lang::kZh, TwoRecords(), false, {});
  EXPECT_EQ(html.find("13800138000"), std::string::npos) << html;
  EXPECT_EQ(html.find("小明"), std::string::npos);
  EXPECT_EQ(html.find("M123"), std::string::npos);
  EXPECT_EQ(html.find("LSVAU2180N2183294"), std::string::npos);
  EXPECT_NE(html.find("王**"), std::string::npos);
  EXPECT_NE(html.find("京A12345"), std::string::npos);  // the plate is how staff find a car
}

TEST(WebCustomerPagesTest, TheCallCentreSeesThemAndMarkupStaysText) {
  const std::string html = CustomerViewHtml(Lang::kEn, TwoRecords(), true, {});
  EXPECT_NE(html.find("+8613800138000"), std::string::npos);
  EXPECT_NE(html.find("王&lt;b&gt;小明&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("LSVAU2180N2183294"), std::string::npos);
  EXPECT_NE(html.find("Why one customer"), std::string::npos);
}

TEST(WebCustomerPagesTest, MaskedNameKeepsOneWholeCharacter) {
  EXPECT_EQ(MaskedName("王小明"), "王**");
  EXPECT_EQ(MaskedName("Li Na"), "L**");
  EXPECT_EQ(MaskedName(""), "**");
}

TEST(WebCustomerPagesTest, SearchShowsTheFieldsErrorAndLinksEachCustomer) {
  const std::vector<UnifiedView> found = {TwoRecords()};
  const std::string html = CustomerSearchHtml(Lang::kZh, "138", "", &found, false);
  EXPECT_NE(html.find("href=\"/customer?id=U1\""), std::string::npos);
  EXPECT_NE(html.find("value=\"138\""), std::string::npos);
  const std::string bad = CustomerSearchHtml(Lang::kZh, "\"><x>", "q: bad", nullptr, false);
  EXPECT_NE(bad.find("value=\"&quot;&gt;&lt;x&gt;\""), std::string::npos);
  EXPECT_NE(bad.find("q: bad"), std::string::npos);
  const std::vector<UnifiedView> none;
  EXPECT_NE(CustomerSearchHtml(Lang::kEn, "x", "", &none, true).find("No customer found"),
            std::string::npos);
}

TEST(WebBookingPageTest, ARefusalIsShownUnderItsFieldWithWhatWasTypedKept) {
  BookingPage page;
  page.stores = {"S1", "S<2>"};
  page.form = {
      {"store", "S<2>"}, {"phone", "139"}, {"name", "赵<b>六</b>"}, {"date", "2026-13-01"}};
  page.error_field = "date";
  page.error = "date: '2026-13-01' is not a date";
  page.csrf_token = "tok";
  const std::string html = BookingPageHtml(Lang::kZh, page);
  EXPECT_NE(html.find("data-test=\"error-date\">date: &#39;2026-13-01&#39;"), std::string::npos)
      << html;
  EXPECT_NE(html.find("value=\"赵&lt;b&gt;六&lt;/b&gt;\""), std::string::npos);
  EXPECT_NE(html.find("<option value=\"S&lt;2&gt;\" selected>"), std::string::npos);
  EXPECT_NE(html.find("name=\"csrf\" value=\"tok\""), std::string::npos);
  EXPECT_EQ(html.find("error-phone"), std::string::npos);
}

TEST(WebStatsPageTest, ShowsEachFigureAsPercentAndFractionWithTheStoresCompleteTo) {
  queries::MonthReports reports;
  reports.month = "2026-11";
  queries::StoreMonthReport s1;
  s1.site = "S<1>";
  s1.complete_to = "2026-11-15";
  s1.report.month = "2026-11";
  s1.report.made = 4;
  s1.report.arrival = {3, 4};
  reports.stores.push_back(s1);
  reports.chain = s1.report;
  reports.incomplete = 1;
  StatsPage page;
  page.month = "2026-11";
  page.reports = &reports;
  const std::string html = StatsPageHtml(Lang::kEn, page);
  EXPECT_NE(html.find("<th>S&lt;1&gt; · complete to 2026-11-15</th>"), std::string::npos) << html;
  EXPECT_NE(html.find("75.0% <span class=\"muted\">(3/4)</span>"), std::string::npos);
  EXPECT_NE(html.find("href=\"/stats.csv?month=2026-11\""), std::string::npos);
  EXPECT_NE(html.find("stores with incomplete figures (offline): 1"), std::string::npos);
  page.reports = nullptr;
  page.error = "month: bad";
  EXPECT_EQ(StatsPageHtml(Lang::kEn, page).find("data-test=\"figures\""), std::string::npos);
}

// A store booked through a channel has a figure the others lack (the ASan
// run once caught the table reading past the shorter column's figures).
TEST(WebStatsPageTest, AFigureOnlyOneStoreHasIsADashForTheOthers) {
  queries::MonthReports reports;
  reports.month = "2026-11";
  queries::StoreMonthReport s1, s2;
  s1.site = "S1";
  s1.report.made = 2;
  s1.report.made_by_channel["phone"] = 2;
  s2.site = "S2";
  reports.stores = {s1, s2};
  reports.chain = s1.report;
  StatsPage page;
  page.month = "2026-11";
  page.reports = &reports;
  const std::string html = StatsPageHtml(Lang::kEn, page);
  const size_t row = html.find("<tr data-figure=\"channel:phone\">");
  ASSERT_NE(row, std::string::npos) << html;
  const std::string tr = html.substr(row, html.find("</tr>", row) - row);
  EXPECT_NE(tr.find("(2/2)</span></td><td title=\"2 / 2\">"), std::string::npos) << tr;
  EXPECT_TRUE(tr.ends_with("<td>—</td>")) << tr;  // S2 booked no one by phone
}

TEST(WebStorePageTest, ClockSkewInWordsInStepWithinFiveSecondsLargeOverTwoMinutes) {
  EXPECT_EQ(ClockSkewText(Lang::kZh, std::nullopt), "未知");
  EXPECT_EQ(ClockSkewText(Lang::kEn, 5'000), "in step");
  EXPECT_EQ(ClockSkewText(Lang::kZh, -4'999), "一致");
  EXPECT_EQ(ClockSkewText(Lang::kEn, 5'001), "5 s ahead");
  EXPECT_EQ(ClockSkewText(Lang::kEn, -90'000), "90 s behind");
  EXPECT_EQ(ClockSkewText(Lang::kZh, 125'000), "快 2 分钟");
  EXPECT_EQ(ClockSkewText(Lang::kEn, 125'000), "2 min ahead");
  EXPECT_EQ(ClockSkewText(Lang::kZh, -3 * 3'600'000), "慢 3 小时");
  EXPECT_EQ(ClockSkewText(Lang::kEn, 3 * 86'400'000LL), "3 days ahead");
  EXPECT_FALSE(ClockSkewLarge(std::nullopt));
  EXPECT_FALSE(ClockSkewLarge(-120'000));
  EXPECT_TRUE(ClockSkewLarge(-120'001));
  EXPECT_TRUE(ClockSkewLarge(180'000));
}

queries::StoreState StoreS1() {
  queries::StoreState s;
  s.site_id = "S<1>";
  s.key_id = "k1";
  s.last_contact = "2026-11-23T00:57:00.000Z";
  s.last_hash = "0123456789abcdef0123";
  s.clock_skew_ms = 180'000;
  return s;
}

TEST(WebStorePageTest, TheStoresTableLinksEachStoreAndHighlightsALargeSkew) {
  std::vector<queries::StoreState> stores = {StoreS1()};
  stores.push_back(StoreS1());
  stores[1].site_id = "S2";
  stores[1].clock_skew_ms = 1'000;
  const std::string html = StoresTableHtml(Lang::kEn, 0, stores);
  EXPECT_NE(html.find("<a href=\"/store?id=S&lt;1&gt;\">S&lt;1&gt;</a>"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<td data-test=\"clock-skew\" class=\"skew-large\">3 min ahead</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td data-test=\"clock-skew\">in step</td>"), std::string::npos);
}

TEST(WebStorePageTest, TheStoresDayMasksNamesForAViewerAndSaysAsOfWhen) {
  queries::HubBoard board;
  board.site = "S1";
  board.date = "2026-11-23";
  board.slots = {{"10:00", 2, 1, {{"261123-1", "刘<i>德华</i>", "requested", "phone", false}}}};
  StorePage page;
  page.store = StoreS1();
  page.date = "2026-11-23";
  page.board = board;
  page.now_ms = ParseUtcMs("2026-11-23T01:00:00.000Z").value();
  queries::RequestOutcome refused;
  refused.seq = 2;
  refused.kind = "book";
  refused.state = "refused";
  refused.outcome = "refused at the store: slot: '09:00' is not in the grid";
  refused.request = {{"date", "2026-11-24"}, {"slot", "09:00"}};
  page.requests = {refused};
  const std::string masked = StorePageHtml(Lang::kEn, page);
  EXPECT_EQ(masked.find("德华"), std::string::npos) << masked;
  EXPECT_NE(masked.find("261123-1 刘**"), std::string::npos);
  EXPECT_NE(masked.find("as of last contact 2026-11-23T00:57:00.000Z (3 min ago)"),
            std::string::npos);
  EXPECT_NE(masked.find("<code>0123456789ab</code>"), std::string::npos);  // the hash, short
  EXPECT_NE(masked.find("slot: &#39;09:00&#39; is not in the grid"), std::string::npos);
  page.see_personal = true;
  EXPECT_NE(StorePageHtml(Lang::kEn, page).find("刘&lt;i&gt;德华&lt;/i&gt;"), std::string::npos);
  page.board.reset();
  page.date_error = "date: date '2026-02-30' does not exist";
  const std::string bad = StorePageHtml(Lang::kZh, page);
  EXPECT_NE(bad.find("data-test=\"error-date\">date: date &#39;2026-02-30&#39;"),
            std::string::npos);
  EXPECT_EQ(bad.find("data-test=\"board\""), std::string::npos);
}

TEST(WebRecoveryPageTest, TheReportInTheRecoveryReportsWordsContactsMaskedForAViewer) {
  queries::StoreRecovery r;
  r.site = "S1";
  r.applied_seq = 7;
  r.pending = 2;
  r.offline_windows = {{"2026-11-22T01:00:00.000Z", std::nullopt, 3}};
  queries::HubCase c;
  c.ref = "K-1";
  c.kind = "double_booking";
  c.summary = "two bookings";
  c.contacts = {{"王小明", "+8613800138000", "261123-1", "moved"}};
  r.open_cases = {c};
  const std::vector<queries::StoreRecovery> stores = {r};
  RecoveryPage page;
  page.since = "2026-10-24";
  page.stores = &stores;
  const std::string html = RecoveryPageHtml(Lang::kEn, page);
  EXPECT_NE(html.find("S1: <span class=\"state-offline\">OFFLINE</span>"), std::string::npos)
      << html;
  EXPECT_NE(html.find("applied seq 7, 2 changes on their way"), std::string::npos);
  EXPECT_NE(html.find("offline 2026-11-22T01:00:00.000Z -&gt; now: 3 changes made meanwhile"),
            std::string::npos);
  EXPECT_NE(html.find("conflicts: 0 opened, 0 resolved, 1 open"), std::string::npos);
  EXPECT_EQ(html.find("13800138000"), std::string::npos);
  EXPECT_NE(html.find("王**"), std::string::npos);
  EXPECT_NE(html.find("Not run since this console started."), std::string::npos);
  EXPECT_EQ(html.find("/recovery/verify"), std::string::npos);  // no token: no button
  VerifyRun run{"2026-11-23T01:00:00.000Z", "root", 0.5, {}};
  run.report.changes = 12;
  run.report.findings.push_back({"changes S1 seq 3", "hash <b>differs</b>"});
  page.verify = &run;
  page.csrf = "tok";
  const std::string ran = RecoveryPageHtml(Lang::kEn, page);
  EXPECT_NE(ran.find("NOT consistent (12 changes, 0 batches, 0 opened, 0 entities) at"
                     " 2026-11-23T01:00:00.000Z by root"),
            std::string::npos)
      << ran;
  EXPECT_NE(ran.find("<li>changes S1 seq 3: hash &lt;b&gt;differs&lt;/b&gt;</li>"),
            std::string::npos);
  EXPECT_NE(ran.find("action=\"/recovery/verify\""), std::string::npos);
}

TEST(WebUsersPageTest, EachFormPostsItsActionAndARefusalStandsInTheFormItCameFrom) {
  UsersPage page;
  StaffUser u;
  u.name = "wu.fei";
  u.display_name = "<b>吴</b>";
  u.role = Role::kCallCentre;
  page.users = {u};
  page.csrf_token = "tok";
  page.action = "disable";
  page.subject = "wu.fei";
  page.form = {{"reason", "<i>x</i>"}};
  page.error = "reason: required";
  page.error_field = "reason";
  const std::string html = UsersPageHtml(Lang::kEn, page);
  EXPECT_NE(html.find("<td>&lt;b&gt;吴&lt;/b&gt;</td>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  for (const char* action : {"add", "role", "disable", "passwd"}) {
    EXPECT_NE(html.find("name=\"action\" value=\"" + std::string(action) + "\""), std::string::npos)
        << action;
  }
  EXPECT_NE(html.find("value=\"&lt;i&gt;x&lt;/i&gt;\"><button"), std::string::npos);
  EXPECT_NE(html.find("data-test=\"error-reason\">reason: required"), std::string::npos);
  EXPECT_EQ(html.find("data-test=\"error-name\""), std::string::npos);
  EXPECT_NE(html.find("name=\"csrf\" value=\"tok\""), std::string::npos);
  EXPECT_EQ(UserFormField("display-name", ""), "display_name");
  EXPECT_EQ(UserFormField("", "password2: differ"), "password2");
  EXPECT_EQ(UserFormField("", "something else"), "");
}

}  // namespace
}  // namespace outpost::hub::web
