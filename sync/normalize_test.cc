#include "sync/normalize.h"

#include <gtest/gtest.h>

#include "sync/i18n/messages.h"

namespace outpost {
namespace {

TEST(PhoneTest, AcceptsTheWaysPeopleWriteOneNumber) {
  // 13800138000 in full-width digits; named, as a literal split over two lines
  // inside the list below reads as a missing comma.
  const char* full_width =
      "\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98\xef\xbc\x90\xef\xbc\x90\xef\xbc"
      "\x91\xef\xbc\x93\xef\xbc\x98\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90";
  for (const char* raw : {"13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000",
                          "+86-138-0013-8000", "(+86) 13800138000", full_width}) {
    auto phone = NormalizePhone(raw);
    ASSERT_TRUE(phone.ok()) << raw << ": " << phone.status().ToString();
    EXPECT_EQ(phone.value(), "+8613800138000") << raw;
  }
  EXPECT_EQ(NormalizePhone("010-12345678").value(), "+861012345678");  // Beijing landline
  EXPECT_EQ(NormalizePhone("+1 650 253 0000").value(), "+16502530000");
}

TEST(PhoneTest, RefusesMalformedNumbersNamingFieldAndValue) {
  for (const char* raw :
       {"12345", "", "1380013800", "138001380001234", "call me", "138OO138000", "1-800-FLOWERS"}) {
    auto phone = NormalizePhone(raw);
    ASSERT_FALSE(phone.ok()) << raw;
    EXPECT_EQ(phone.status().code(), StatusCode::kInvalidInput);
    EXPECT_EQ(phone.status().message().rfind("phone: '", 0), 0u) << phone.status().message();
  }
  auto bad_utf8 = NormalizePhone("138\xff\xfe");
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_NE(bad_utf8.status().message().find("UTF-8"), std::string::npos);
}

TEST(VinTest, ChecksLengthCharactersAndCheckDigit) {
  EXPECT_EQ(NormalizeVin("1M8GDM9AXKP042788").value(), "1M8GDM9AXKP042788");
  EXPECT_EQ(NormalizeVin("lsvau218xn2183294").value(), "LSVAU218XN2183294");
  EXPECT_EQ(NormalizeVin("LFV2A21K6K 3000001").value(), "LFV2A21K6K3000001");
  auto wrong_check = NormalizeVin("LFV2A21K0K3000001");
  ASSERT_FALSE(wrong_check.ok());
  EXPECT_NE(wrong_check.status().message().find("check digit"), std::string::npos);
  auto has_o = NormalizeVin("LFV2A21K6KO000001");
  ASSERT_FALSE(has_o.ok());
  EXPECT_NE(has_o.status().message().find("position 11"), std::string::npos);
  EXPECT_FALSE(NormalizeVin("LFV2A21K6K300000").ok());
}

TEST(PlateTest, AcceptsDotsSpacesWidthAndCase) {
  EXPECT_EQ(NormalizePlate("京A·12345").value(), "京A12345");
  EXPECT_EQ(NormalizePlate("京a 12345").value(), "京A12345");
  EXPECT_EQ(NormalizePlate("京Ａ１２３４５").value(), "京A12345");  // full-width
  EXPECT_EQ(NormalizePlate("粤B·D12345").value(), "粤BD12345");     // new energy, 8 chars
  EXPECT_EQ(NormalizePlate("沪A-1234学").value(), "沪A1234学");
  EXPECT_EQ(FormatPlateForDisplay("粤BD12345"), "粤B·D12345");
}

TEST(PlateTest, RefusesWhatIsNotAMainlandPlate) {
  EXPECT_FALSE(NormalizePlate("AB12345").ok());     // no province
  EXPECT_FALSE(NormalizePlate("京112345").ok());    // no authority letter
  EXPECT_FALSE(NormalizePlate("京A1234").ok());     // too short
  EXPECT_FALSE(NormalizePlate("京A12O45").ok());    // letter O is never used
  EXPECT_FALSE(NormalizePlate("京A1234567").ok());  // too long
}

TEST(TextTest, CleansWhitespaceAndNormalisesToNfc) {
  EXPECT_EQ(CleanText("name", "  王   伟 ", 100, true).value(), "王 伟");
  // "e" + combining acute becomes the single code point U+00E9.
  EXPECT_EQ(CleanText("name", "Rene\xcc\x81", 100, true).value(), "Ren\xc3\xa9");
  EXPECT_EQ(CleanText("notes", "", 100, false).value(), "");
}

TEST(TextTest, NotesKeepTheirLinesAsWritten) {
  // CR LF, CR and LF each break a line; a blank line inside is kept.
  EXPECT_EQ(
      CleanMultilineText("notes", "  客户说:\r\n要洗车,  谢谢 \r\rthird\n", 500, false).value(),
      "客户说:\n要洗车, 谢谢\n\nthird");
  // Blank lines before and after, and spaces around each line, are dropped.
  EXPECT_EQ(CleanMultilineText("notes", "\n\n  a  \n   b\n\n", 500, false).value(), "a\nb");
  // The single-line cleaner still joins lines: names, services, reasons.
  EXPECT_EQ(CleanText("name", "王\r\n伟", 100, true).value(), "王 伟");
  // A break counts as a character, and other controls are still refused.
  EXPECT_FALSE(CleanMultilineText("notes", "abc\ndef", 6, false).ok());
  const std::string bell = std::string("a\x07") + "b";
  auto control = CleanMultilineText("notes", bell, 500, false);
  ASSERT_FALSE(control.ok());
  EXPECT_NE(control.status().message().find("control character"), std::string::npos);
}

TEST(TextTest, RefusesBadBytesControlsEmptyAndOverlong) {
  auto bad = CleanText("name", "Wang\xc3\x28", 100, true);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "name: 'Wang\\xc3(' is not valid UTF-8");
  EXPECT_FALSE(CleanText("name", "Wang\x07", 100, true).ok());
  EXPECT_FALSE(CleanText("name", "   ", 100, true).ok());
  EXPECT_FALSE(CleanText("name", std::string(101, 'x'), 100, true).ok());
  EXPECT_TRUE(CleanText("name", std::string(100, 'x'), 100, true).ok());
}

TEST(TextTest, SearchKeyIgnoresCaseWidthAndSpaces) {
  EXPECT_EQ(SearchKey("Li Na"), SearchKey("LINA"));
  EXPECT_EQ(SearchKey("ＬＩ ＮＡ"), SearchKey("li na"));
}

TEST(MemberIdTest, CanonicalUpperWithoutSeparators) {
  EXPECT_EQ(NormalizeMemberId("vip-00123").value(), "VIP00123");
  EXPECT_FALSE(NormalizeMemberId("v!").ok());
}

TEST(FragmentTest, PhoneDigitsAsTyped) {
  EXPECT_EQ(PhoneDigitsFragment("8000"), "8000");
  EXPECT_EQ(PhoneDigitsFragment("138 0013"), "1380013");
  EXPECT_EQ(PhoneDigitsFragment("８０００"), "8000");
  EXPECT_EQ(PhoneDigitsFragment("800"), "");    // too short to narrow 100 k customers
  EXPECT_EQ(PhoneDigitsFragment("a8000"), "");  // a letter: a plate or a name
  EXPECT_EQ(PhoneDigitsFragment("京A8000"), "");
}

TEST(FragmentTest, PlateAsTyped) {
  EXPECT_EQ(PlateFragment("京A"), "京A");
  EXPECT_EQ(PlateFragment("a123"), "A123");
  EXPECT_EQ(PlateFragment("京A·12"), "京A12");
  EXPECT_EQ(PlateFragment("12345"), "12345");
  EXPECT_EQ(PlateFragment("京"), "");      // one character: every plate of a province
  EXPECT_EQ(PlateFragment("王小明"), "");  // a name: no plate has these characters
}

// Under a Chinese locale the reason reads in Chinese; field and value stay as
// typed, and message() (what a rejects file or a log holds) stays English.
TEST(NormalizeLanguageTest, ReasonsReadInChineseUnderAChineseLocale) {
  i18n::SetLanguage(i18n::Language::kChineseSimplified);
  const Status phone = NormalizePhone("12345", "CN").status();
  const Status plate = NormalizePlate("A12345").status();
  const Status vin = NormalizeVin("123").status();
  i18n::SetLanguage(i18n::Language::kEnglish);
  EXPECT_EQ(phone.shown(), "phone：'12345' 不是有效的电话号码（地区 CN）");
  EXPECT_EQ(phone.message(), "phone: '12345' is not a valid phone number (region CN)");
  EXPECT_EQ(plate.shown(), "plate：'A12345' 不是内地车牌（例如 京A·12345 或 粤B·D12345）");
  EXPECT_EQ(vin.shown(), "vin：'123' 必须是 17 位");
}

}  // namespace
}  // namespace outpost
