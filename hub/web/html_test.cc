// The console's HTML: markup in any name is shown as text, never parsed.
#include "hub/web/html.h"

#include <gtest/gtest.h>

namespace outpost::hub::web {
namespace {

TEST(WebHtmlTest, EscapeLeavesNoMarkupAndNoWayOutOfAnAttribute) {
  EXPECT_EQ(Escape("<script>alert('x')</script>"), "&lt;script&gt;alert('x')&lt;/script&gt;");
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

}  // namespace
}  // namespace outpost::hub::web
