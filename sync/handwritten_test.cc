#include "sync/handwritten.h"

#include <gtest/gtest.h>

namespace outpost {
namespace {

TEST(HandwrittenFoldTest, FoldsFullWidthAsciiAndTrims) {
  EXPECT_EQ(FoldFullWidth("２０２６－１１－２４"), "2026-11-24");
  EXPECT_EQ(FoldFullWidth("１０：３０"), "10:30");
  EXPECT_EQ(FoldFullWidth("ＡＢＣａｂｃ！～"), "ABCabc!~");  // U+FF01 and U+FF5E, the ends
  EXPECT_EQ(FoldFullWidth("\u3000 王伟\u3000\t\r\n"), "王伟");
  EXPECT_EQ(FoldFullWidth("下午３点半"), "下午3点半");
  EXPECT_EQ(FoldFullWidth("京Ａ·１２３４５"), "京A·12345");
  EXPECT_EQ(FoldFullWidth("￥５"), "￥5");  // U+FFE5 is not in the range: kept
  EXPECT_EQ(FoldFullWidth("a\u3000b"), "a b");
  EXPECT_EQ(FoldFullWidth(""), "");
  EXPECT_EQ(FoldFullWidth("\u3000\u3000"), "");
  EXPECT_EQ(FoldFullWidth("\xFF\xEF\xBC"), "\xFF\xEF\xBC");  // broken UTF-8 left as it is
}

TEST(HandwrittenDateTest, AcceptsTheWaysPeopleWriteADate) {
  for (const char* raw :
       {"2026-11-24", "2026/11/24", "2026.11.24", "2026年11月24日", "2026年11月24号",
        "2026年11月24", "2026年11月24號", " 2026-11-24 ", "２０２６－１１－２４",
        "２０２６年１１月２４日", "\u30002026/11/24\u3000", "2026 年 11 月 24 日", "2026 - 11 - 24",
        "2026／11／24", "２０２６．１１．２４"}) {
    auto date = ParseWrittenDate(raw);
    ASSERT_TRUE(date.ok()) << raw << ": " << date.status().ToString();
    EXPECT_EQ(date->ToString(), "2026-11-24") << raw;
  }
  for (const char* raw : {"2026-1-5", "2026/01/05", "2026.1.05", "2026年1月5日", "2026年01月5号"}) {
    auto date = ParseWrittenDate(raw);
    ASSERT_TRUE(date.ok()) << raw << ": " << date.status().ToString();
    EXPECT_EQ(date->ToString(), "2026-01-05") << raw;
  }
  EXPECT_EQ(ParseWrittenDate("2028-2-29")->ToString(), "2028-02-29");  // leap year
  EXPECT_EQ(ParseWrittenDate("2000-01-01")->ToString(), "2000-01-01");
  EXPECT_EQ(ParseWrittenDate("2099年12月31日")->ToString(), "2099-12-31");
}

TEST(HandwrittenDateTest, RefusesWhatIsNotADate) {
  for (const char* raw : {"",
                          "  ",
                          "tomorrow",
                          "明天",
                          "11/24",
                          "11月24日",
                          "24/11/2026",
                          "26-11-24",
                          "2026-11",
                          "2026-11-24-1",
                          "2026-11/24",
                          "2026/11-24",
                          "2026.11-24",
                          "20261124",
                          "2026-011-24",
                          "2026-11-024",
                          "2026年11月",
                          "2026年11-24",
                          "2026年11月24日上午",
                          "2026-11-24 10:00",
                          "2026-11-24（周二）",
                          "二〇二六年十一月二十四日",
                          "02026-11-24",
                          "2026—11—24",
                          "2026-11-24日",
                          "2026-+1-24",
                          "2026-1 1-24",
                          "2026--11-24"}) {
    auto date = ParseWrittenDate(raw);
    ASSERT_FALSE(date.ok()) << raw << " -> " << date->ToString();
    EXPECT_EQ(date.status().code(), StatusCode::kInvalidInput);
    EXPECT_EQ(date.status().message(),
              "date '" + std::string(raw) +
                  "' is not a date (write the date as YYYY-MM-DD: year, month, day)");
  }
}

TEST(HandwrittenDateTest, RefusesDatesThatDoNotExistOrAreOutOfRange) {
  for (const char* raw : {"2026-02-29", "2026-2-30", "2026-13-01", "2026-00-10", "2026-11-31",
                          "2026年4月31日", "2026-11-0", "2026-11-32"}) {
    auto date = ParseWrittenDate(raw);
    ASSERT_FALSE(date.ok()) << raw;
    EXPECT_EQ(date.status().message(),
              "date '" + std::string(raw) +
                  "' is not a real calendar date (write the date as YYYY-MM-DD: year, month, day)");
  }
  for (const char* raw : {"1999-12-31", "2100-01-01", "1926年11月24日", "0000-01-01"}) {
    auto date = ParseWrittenDate(raw);
    ASSERT_FALSE(date.ok()) << raw;
    EXPECT_NE(date.status().message().find("is not between 2000 and 2099"), std::string::npos)
        << date.status().message();
  }
}

TEST(HandwrittenDateTest, MessageShowsControlBytesAndBrokenUtf8Escaped) {
  auto date = ParseWrittenDate("2026\n11\xFF");
  ASSERT_FALSE(date.ok());
  EXPECT_EQ(
      date.status().message(),
      "date '2026\\x0a11\\xff' is not a date (write the date as YYYY-MM-DD: year, month, day)");
  auto long_value = ParseWrittenDate(std::string(100, '9'));
  ASSERT_FALSE(long_value.ok());
  EXPECT_EQ(long_value.status().message(),
            "date '" + std::string(64, '9') +
                "...' is not a date (write the date as YYYY-MM-DD: year, month, day)");
}

TEST(HandwrittenTimeTest, AcceptsClockForms) {
  struct Case {
    const char* raw;
    const char* want;
  };
  for (const Case& c : std::vector<Case>{{"10:00", "10:00"},
                                         {"9:30", "09:30"},
                                         {"09:30", "09:30"},
                                         {"0:00", "00:00"},
                                         {"23:59", "23:59"},
                                         {"10：30", "10:30"},
                                         {"１０：３０", "10:30"},
                                         {"10.30", "10:30"},
                                         {"10．30", "10:30"},
                                         {" 10:00 ", "10:00"},
                                         {"10 : 00", "10:00"},
                                         {"10:00:00", "10:00"},
                                         {"14:30:00", "14:30"},
                                         {"\u300010:00\u3000", "10:00"}}) {
    auto t = ParseWrittenTime(c.raw);
    ASSERT_TRUE(t.ok()) << c.raw << ": " << t.status().ToString();
    EXPECT_EQ(t->ToString(), c.want) << c.raw;
  }
}

TEST(HandwrittenTimeTest, AcceptsChineseForms) {
  struct Case {
    const char* raw;
    const char* want;
  };
  for (const Case& c : std::vector<Case>{
           {"10点", "10:00"},       {"10点钟", "10:00"},       {"10点整", "10:00"},
           {"10点半", "10:30"},     {"9点半", "09:30"},        {"10点30分", "10:30"},
           {"10点30", "10:30"},     {"10点05分", "10:05"},     {"10点5分", "10:05"},
           {"10时", "10:00"},       {"10时30分", "10:30"},     {"10時30分", "10:30"},
           {"10點半", "10:30"},     {"１０点３０分", "10:30"}, {"10 点 30 分", "10:30"},
           {"14点", "14:00"},       {"0点", "00:00"},          {"上午10点", "10:00"},
           {"上午9:30", "09:30"},   {"早上8点半", "08:30"},    {"上午12点", "12:00"},
           {"上午 10:00", "10:00"}, {"中午12点", "12:00"},     {"中午12点半", "12:30"},
           {"中午1点", "13:00"},    {"中午11:45", "11:45"},    {"下午3点", "15:00"},
           {"下午3:30", "15:30"},   {"下午3点半", "15:30"},    {"下午12点", "12:00"},
           {"下午12:30", "12:30"},  {"下午15点", "15:00"},     {"下午２点３０分", "14:30"},
           {"晚上7点", "19:00"},    {"晚上7点半", "19:30"},    {"晚上19:00", "19:00"},
           {"傍晚6点", "18:00"},    {"晚上11点59分", "23:59"}}) {
    auto t = ParseWrittenTime(c.raw);
    ASSERT_TRUE(t.ok()) << c.raw << ": " << t.status().ToString();
    EXPECT_EQ(t->ToString(), c.want) << c.raw;
  }
}

TEST(HandwrittenTimeTest, RefusesWhatIsNotATime) {
  for (const char* raw :
       {"",           "  ",           "10",         "noon",        "中午",   "下午",     "10:0",
        "10:000",     "1:5",          "10.3",       "10:",         ":30",    "10点5",    "10点半分",
        "10点30分钟", "十点",         "十点半",     "10am",        "3pm",    "10h30",    "10-30",
        "10:00:30",   "10:00:",       "10:00 上午", "10:00-11:00", "约10点", "10点左右", "10点后",
        "100:00",     "上午上午10点", "下午 ",      "10,30"}) {
    auto t = ParseWrittenTime(raw);
    ASSERT_FALSE(t.ok()) << raw << " -> " << t->ToString();
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidInput);
    EXPECT_EQ(t.status().message(),
              "time '" + std::string(raw) + "' is not a time (write the time as HH:MM, 24-hour)");
  }
}

TEST(HandwrittenTimeTest, RefusesDigitsWithoutASeparator) {
  for (const char* raw : {"1000", "930", "１０００", "下午330", "123456"}) {
    auto t = ParseWrittenTime(raw);
    ASSERT_FALSE(t.ok()) << raw << " -> " << t->ToString();
    EXPECT_EQ(t.status().message(),
              "time '" + std::string(raw) +
                  "' has no separator between hour and minutes (write the time as HH:MM, 24-hour)");
  }
}

TEST(HandwrittenTimeTest, RefusesHoursAndMinutesOutOfRange) {
  for (const char* raw : {"24:00", "25:00", "10:60", "23:99", "24点", "10点60分", "99.99"}) {
    auto t = ParseWrittenTime(raw);
    ASSERT_FALSE(t.ok()) << raw << " -> " << t->ToString();
    EXPECT_NE(t.status().message().find("is not a time of day: hours go to 23, minutes to 59"),
              std::string::npos)
        << t.status().message();
  }
}

TEST(HandwrittenTimeTest, RefusesAPartOfTheDayThatContradictsTheHour) {
  for (const char* raw : {"上午15点", "早上13:00", "中午3点", "中午9点", "中午18:00", "下午0点",
                          "晚上12点", "晚上0点", "傍晚12点", "下午11点30分后"}) {
    auto t = ParseWrittenTime(raw);
    ASSERT_FALSE(t.ok()) << raw << " -> " << t->ToString();
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidInput);
    EXPECT_EQ(t.status().message().rfind("time '" + std::string(raw) + "' ", 0), 0u)
        << t.status().message();
    EXPECT_NE(t.status().message().find("(write the time as HH:MM, 24-hour)"), std::string::npos);
  }
  EXPECT_EQ(ParseWrittenTime("晚上12点").status().message(),
            "time '晚上12点' could be noon or midnight (write the time as HH:MM, 24-hour)");
}

TEST(HandwrittenTimeTest, ReadsBackItsOwnOutput) {
  for (int minutes = 0; minutes < 24 * 60; ++minutes) {
    const LocalTime t{minutes / 60, minutes % 60};
    auto again = ParseWrittenTime(t.ToString());
    ASSERT_TRUE(again.ok()) << t.ToString();
    EXPECT_EQ(again.value(), t);
  }
}

}  // namespace
}  // namespace outpost
