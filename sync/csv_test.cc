#include "sync/csv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "sync/i18n/messages.h"

namespace outpost::csv {
namespace {

using Fields = std::vector<std::string>;

// The fields of every record, for comparing with EXPECT_EQ.
std::vector<Fields> FieldsOf(const std::vector<Record>& records) {
  std::vector<Fields> out;
  out.reserve(records.size());
  for (const Record& r : records) out.push_back(r.fields);
  return out;
}

std::vector<int> LinesOf(const std::vector<Record>& records) {
  std::vector<int> out;
  out.reserve(records.size());
  for (const Record& r : records) out.push_back(r.line);
  return out;
}

std::vector<Fields> MustParse(std::string_view text, char delimiter = ',') {
  auto records = Parse(text, delimiter);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  return records.ok() ? FieldsOf(records.value()) : std::vector<Fields>{};
}

// The same booking sheet in UTF-8 and in GB18030 (as Excel on Chinese Windows saves "CSV").
const std::string kSheetUtf8 = "日期,时间,姓名\r\n2026年11月24日,下午3点,王伟\r\n";
const std::string kSheetGb18030 =
    "\xC8\xD5\xC6\xDA\x2C\xCA\xB1\xBC\xE4\x2C\xD0\xD5\xC3\xFB\x0D\x0A\x32\x30\x32\x36\xC4\xEA\x31"
    "\x31\xD4\xC2\x32\x34\xC8\xD5\x2C\xCF\xC2\xCE\xE7\x33\xB5\xE3\x2C\xCD\xF5\xCE\xB0\x0D\x0A";

TEST(CsvDecodeTest, TakesUtf8AsItIs) {
  Encoding enc = Encoding::kGb18030;
  EXPECT_EQ(DecodeText("", &enc).value(), "");
  EXPECT_EQ(enc, Encoding::kUtf8);
  EXPECT_EQ(DecodeText("a,b\r\n1,2\r\n", &enc).value(), "a,b\r\n1,2\r\n");
  EXPECT_EQ(enc, Encoding::kUtf8);
  EXPECT_EQ(DecodeText(kSheetUtf8, &enc).value(), kSheetUtf8);
  EXPECT_EQ(enc, Encoding::kUtf8);
  EXPECT_EQ(DecodeText("a\xF0\x9F\x98\x80", nullptr).value(), "a\xF0\x9F\x98\x80");  // 😀
}

TEST(CsvDecodeTest, StripsTheUtf8ByteOrderMark) {
  Encoding enc = Encoding::kUtf8;
  EXPECT_EQ(DecodeText("\xEF\xBB\xBF" + kSheetUtf8, &enc).value(), kSheetUtf8);
  EXPECT_EQ(enc, Encoding::kUtf8Bom);
  EXPECT_EQ(DecodeText("\xEF\xBB\xBF", &enc).value(), "");
  EXPECT_EQ(enc, Encoding::kUtf8Bom);
  // Only one mark is stripped; a second one is text.
  EXPECT_EQ(DecodeText("\xEF\xBB\xBF\xEF\xBB\xBF"
                       "a",
                       &enc)
                .value(),
            "\xEF\xBB\xBF"
            "a");
}

TEST(CsvDecodeTest, RefusesInvalidUtf8AfterAByteOrderMarkNamingTheOffset) {
  auto text = DecodeText(
      "\xEF\xBB\xBF"
      "ab,\xCD\xF5",
      nullptr);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(text.status().message().find("byte offset 6"), std::string::npos)
      << text.status().message();
}

// A refusal of a paper sheet's text reads in Chinese at a Chinese desk, the
// bytes and offset as they are; message() stays the English that is logged.
TEST(CsvDecodeTest, RefusalIsShownInChineseWithTheSameEnglishMessage) {
  const std::string english =
      "text: is UTF-16 (byte order mark 0xFF 0xFE at byte offset 0); save it as \"CSV UTF-8\" or "
      "plain CSV";
  // The translation is made with the refusal, in the process's language.
  i18n::SetLanguage(i18n::Language::kChineseSimplified);
  auto text = DecodeText(
      "\xFF\xFE"
      "a",
      nullptr);
  auto bad_line = Parse("a,\"b\n", ',');
  i18n::SetLanguage(i18n::Language::kEnglish);
  ASSERT_FALSE(text.ok());
  ASSERT_FALSE(bad_line.ok());
  EXPECT_EQ(text.status().shown(),
            "文本：是 UTF-16 编码（字节偏移 0 处有字节顺序标记 0xFF 0xFE）；请另存为 "
            "\"CSV UTF-8\" 或普通 CSV");
  EXPECT_EQ(text.status().message(), english);
  EXPECT_EQ(bad_line.status().shown(), "第 1 行：引号字段没有结束引号");
  EXPECT_EQ(bad_line.status().message(), "line 1: unterminated quoted field");
  // In English the same refusals read as they always did.
  auto english_text = DecodeText(
      "\xFF\xFE"
      "a",
      nullptr);
  ASSERT_FALSE(english_text.ok());
  EXPECT_EQ(english_text.status().ShownString(), "invalid input: " + english);
  EXPECT_EQ(Parse("a,\"b\n", ',').status().shown(), "line 1: unterminated quoted field");
}

TEST(CsvDecodeTest, DecodesGb18030) {
  Encoding enc = Encoding::kUtf8;
  auto text = DecodeText(kSheetGb18030, &enc);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(text.value(), kSheetUtf8);
  EXPECT_EQ(enc, Encoding::kGb18030);
  // Four-byte sequences reach beyond the BMP; the GB18030 byte order mark is stripped.
  EXPECT_EQ(DecodeText("\xCD\xF5\x94\x39\xFC\x36", nullptr).value(), "王\xF0\x9F\x98\x80");
  EXPECT_EQ(DecodeText("\x84\x31\x95\x33\xD5\xC5\xC8\xFD", nullptr).value(), "张三");
  EXPECT_EQ(DecodeText("\xA2\xE3", nullptr).value(), "€");
}

TEST(CsvDecodeTest, RefusesWhatIsNeitherUtf8NorGb18030NamingTheOffset) {
  struct Case {
    std::string bytes;
    std::string offset;
  };
  for (const Case& c : std::vector<Case>{
           {"abc\x81\x20", "byte offset 3"},               // lead byte, then a space
           {"\xCD\xF5\xCE", "byte offset 2"},              // truncated at the end
           {"ab\x80", "byte offset 2"},                    // 0x80 alone is not GB18030
           {"\xCD\xF5,\xFF", "byte offset 3"},             // 0xFF never occurs
           {"\xCD\xF5\x84\x31\xFF\x30", "byte offset 2"},  // broken four-byte sequence
       }) {
    auto text = DecodeText(c.bytes, nullptr);
    ASSERT_FALSE(text.ok()) << c.offset;
    EXPECT_EQ(text.status().code(), StatusCode::kInvalidInput);
    EXPECT_NE(text.status().message().find(c.offset), std::string::npos) << text.status().message();
  }
}

TEST(CsvDecodeTest, RefusesUtf16WithAClearReason) {
  for (const std::string& bytes : {std::string("\xFF\xFE"
                                               "a\0,\0b\0",
                                               8),
                                   std::string("\xFE\xFF\0a", 4)}) {
    auto text = DecodeText(bytes, nullptr);
    ASSERT_FALSE(text.ok());
    EXPECT_NE(text.status().message().find("UTF-16"), std::string::npos) << text.status().message();
  }
}

TEST(CsvDecodeTest, RefusesDamagedUtf8RatherThanGarbleItAsGb18030) {
  // Mostly good UTF-8 with one broken byte: GB18030 would "decode" it into
  // other Chinese characters without complaint.
  const std::string damaged = "姓名,电话\n王伟,13800138000\n张\xFF三,13900139000\n";
  auto text = DecodeText(damaged, nullptr);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("byte offset 36"), std::string::npos)
      << text.status().message();
  EXPECT_NE(text.status().message().find("damaged"), std::string::npos);
}

TEST(CsvDecodeTest, RefusesMoreThan64MiB) {
  const std::string big(kMaxInputBytes + 1, 'a');
  auto text = DecodeText(big, nullptr);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("64 MiB"), std::string::npos);
  auto records = Parse(big, ',');
  ASSERT_FALSE(records.ok());
  EXPECT_NE(records.status().message().find("64 MiB"), std::string::npos);
}

TEST(CsvDecodeTest, NamesEncodings) {
  EXPECT_EQ(EncodingName(Encoding::kUtf8), "UTF-8");
  EXPECT_EQ(EncodingName(Encoding::kUtf8Bom), "UTF-8 with BOM");
  EXPECT_EQ(EncodingName(Encoding::kGb18030), "GB18030");
}

TEST(CsvDelimiterTest, ChoosesFromTheFirstRecord) {
  EXPECT_EQ(DetectDelimiter("a,b,c\n1,2,3\n"), ',');
  EXPECT_EQ(DetectDelimiter("a;b;c\n1;2;3\n"), ';');
  EXPECT_EQ(DetectDelimiter("日期\t时间\t姓名\n"), '\t');
  EXPECT_EQ(DetectDelimiter("a,b;c;d\n"), ';');     // the more frequent
  EXPECT_EQ(DetectDelimiter("a;b,c\n"), ',');       // a tie is a comma
  EXPECT_EQ(DetectDelimiter("a,b;c\tdd\n"), '\t');  // any tab wins
  EXPECT_EQ(DetectDelimiter("name\n"), ',');
  EXPECT_EQ(DetectDelimiter(""), ',');
  EXPECT_EQ(DetectDelimiter("\r\n\r\n  \nname;phone\n"), ';');  // blank lines skipped
  EXPECT_EQ(DetectDelimiter("a\nb;c;d\n"), ',');                // only the first record counts
}

TEST(CsvDelimiterTest, IgnoresDelimitersInsideQuotes) {
  EXPECT_EQ(DetectDelimiter("\"Wang, Wei\";2026-11-24;10:00\n"), ';');
  EXPECT_EQ(DetectDelimiter("\"a;b;c;d\",e,f\n"), ',');
  EXPECT_EQ(DetectDelimiter("\"a\tb\",c\n"), ',');
  EXPECT_EQ(DetectDelimiter("\"note\nwith,,,commas\";x;y\n"), ';');  // quoted line end
  // A European spreadsheet: ';' between fields, ',' as the decimal mark.
  EXPECT_EQ(DetectDelimiter("姓名;金额;备注\n王伟;12,50;x\n"), ';');
}

TEST(CsvParseTest, ReadsEveryLineEnding) {
  const std::vector<Fields> want = {{"a", "b"}, {"1", "2"}, {"3", "4"}};
  EXPECT_EQ(MustParse("a,b\r\n1,2\r\n3,4\r\n"), want);
  EXPECT_EQ(MustParse("a,b\n1,2\n3,4\n"), want);
  EXPECT_EQ(MustParse("a,b\r1,2\r3,4\r"), want);  // classic Mac
  EXPECT_EQ(MustParse("a,b\r\n1,2\n3,4"), want);  // mixed, no final line end
  EXPECT_EQ(MustParse(""), std::vector<Fields>{});
  EXPECT_EQ(MustParse("x"), std::vector<Fields>{{"x"}});
}

TEST(CsvParseTest, SkipsBlankLinesAndKeepsPhysicalLineNumbers) {
  auto records = Parse("\n\r\na,b\r\n\r\n   \n\t\nc,d\r\re,f\n\n", ',');
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(FieldsOf(records.value()), (std::vector<Fields>{{"a", "b"}, {"c", "d"}, {"e", "f"}}));
  EXPECT_EQ(LinesOf(records.value()), (std::vector<int>{3, 7, 9}));
  // A row of empty cells is a record, not a blank line.
  EXPECT_EQ(MustParse("a,b\n,\n"), (std::vector<Fields>{{"a", "b"}, {"", ""}}));
  // With tab as the delimiter, a line of tabs is a record of empty fields.
  EXPECT_EQ(MustParse("a\tb\n\t\n", '\t'), (std::vector<Fields>{{"a", "b"}, {"", ""}}));
}

TEST(CsvParseTest, KeepsWhitespaceAroundUnquotedFields) {
  EXPECT_EQ(MustParse(" 王伟 , 138 0013 8000 ,x\n"),
            (std::vector<Fields>{{" 王伟 ", " 138 0013 8000 ", "x"}}));
  EXPECT_EQ(MustParse("a,b,\n"), (std::vector<Fields>{{"a", "b", ""}}));
  EXPECT_EQ(MustParse(",a"), (std::vector<Fields>{{"", "a"}}));
}

TEST(CsvParseTest, ReadsQuotedFields) {
  EXPECT_EQ(MustParse("\"Wang, Wei\",\"say \"\"hi\"\"\",\"\"\n"),
            (std::vector<Fields>{{"Wang, Wei", "say \"hi\"", ""}}));
  auto records = Parse("note,x\n\"line one\r\nline two\nthree\",y\nz,w\n", ',');
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(FieldsOf(records.value()),
            (std::vector<Fields>{{"note", "x"}, {"line one\r\nline two\nthree", "y"}, {"z", "w"}}));
  EXPECT_EQ(LinesOf(records.value()), (std::vector<int>{1, 2, 5}));
  EXPECT_EQ(MustParse("\"a\";\"b;c\"\n", ';'), (std::vector<Fields>{{"a", "b;c"}}));
  EXPECT_EQ(MustParse("\"a\"\t\"b\tc\"\n", '\t'), (std::vector<Fields>{{"a", "b\tc"}}));
  EXPECT_EQ(MustParse("\"\"\n"), (std::vector<Fields>{{""}}));
}

TEST(CsvParseTest, IsLenientAboutStrayQuotesLikeSpreadsheets) {
  EXPECT_EQ(MustParse("17\" wheel,x\n"), (std::vector<Fields>{{"17\" wheel", "x"}}));
  EXPECT_EQ(MustParse("a\"b\"c,d\n"), (std::vector<Fields>{{"a\"b\"c", "d"}}));
  EXPECT_EQ(MustParse("\"ab\"c,d\n"), (std::vector<Fields>{{"abc", "d"}}));  // text after the quote
  EXPECT_EQ(MustParse("\"ab\"  ,d\n"), (std::vector<Fields>{{"ab  ", "d"}}));
  // A space before the quote makes the field unquoted, as in RFC 4180 and Excel.
  EXPECT_EQ(MustParse(" \"a,b\"\n"), (std::vector<Fields>{{" \"a", "b\""}}));
}

TEST(CsvParseTest, RefusesAnUnterminatedQuoteNamingItsLine) {
  for (const char* text : {"a,b\n\"c,d\ne,f\n", "a,b\r\n1,\"x\r\n", "a,b\n\"\n\"\"\n"}) {
    auto records = Parse(text, ',');
    ASSERT_FALSE(records.ok()) << text;
    EXPECT_EQ(records.status().code(), StatusCode::kInvalidInput);
    EXPECT_EQ(records.status().message(), "line 2: unterminated quoted field");
  }
}

TEST(CsvParseTest, EnforcesFieldAndRecordLimits) {
  const std::string max_field(kMaxFieldBytes, 'x');
  EXPECT_TRUE(Parse("a\n" + max_field + "\n", ',').ok());
  EXPECT_TRUE(Parse("a\n\"" + max_field + "\"\n", ',').ok());
  for (const std::string& text : {"a\n" + max_field + "x\n", "a\n\"" + max_field + "\"x\n",
                                  "a\n\"" + max_field + "\"\"\"\n"}) {
    auto records = Parse(text, ',');
    ASSERT_FALSE(records.ok());
    EXPECT_EQ(records.status().message(), "line 2: field 1 is longer than 64 KiB");
  }
  std::string wide;
  for (size_t i = 1; i < kMaxFields; ++i) wide += ',';
  auto ok = Parse("a\n" + wide + "\n", ',');
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value()[1].fields.size(), kMaxFields);
  auto too_wide = Parse("a\n" + wide + ",\n", ',');
  ASSERT_FALSE(too_wide.ok());
  EXPECT_EQ(too_wide.status().message(), "line 2: record has more than 256 fields");
}

TEST(CsvParseTest, RefusesADelimiterThatCannotBeOne) {
  for (char d : {'"', '\r', '\n'}) EXPECT_FALSE(Parse("a", d).ok());
}

TEST(CsvFormatTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(FormatRecord({"王伟", "13800138000", "2026-11-24"}), "王伟,13800138000,2026-11-24\r\n");
  EXPECT_EQ(FormatRecord({"Wang, Wei", "say \"hi\"", "two\nlines", "cr\r"}),
            "\"Wang, Wei\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\r\n");
  EXPECT_EQ(FormatRecord({" lead", "trail ", "in side", "\ttab"}),
            "\" lead\",\"trail \",in side,\"\ttab\"\r\n");
  EXPECT_EQ(FormatRecord({"a;b", "c,d"}, ';'), "\"a;b\";c,d\r\n");
  EXPECT_EQ(FormatRecord({"a\tb", "c"}, '\t'), "\"a\tb\"\tc\r\n");
  EXPECT_EQ(FormatRecord({"", ""}), ",\r\n");
  EXPECT_EQ(FormatRecord({""}), "\"\"\r\n");  // so that the line is not blank
  EXPECT_EQ(FormatRecord({}), "\r\n");
}

TEST(CsvFormatTest, ParseReadsBackWhatFormatWrites) {
  const std::vector<Fields> records = {
      {"王伟", " 138 0013 8000 ", "", "say \"hi\""},
      {""},
      {" "},
      {"\t"},
      {"", ""},
      {"\"", "\"\"", "a\"b"},
      {"line\r\nbreak", "cr\ronly", "lf\nonly", "\r", "\n"},
      {"a,b", "a;b", "a\tb"},
      {std::string("nul\0byte", 8), "\xFF\xFE not utf-8"},
  };
  for (char d : {',', ';', '\t'}) {
    std::string text;
    for (const Fields& f : records) {
      text += FormatRecord(f, d);
      EXPECT_EQ(MustParse(FormatRecord(f, d), d), std::vector<Fields>{f}) << int{d};
    }
    EXPECT_EQ(MustParse(text, d), records) << int{d};
    EXPECT_EQ(DetectDelimiter(FormatRecord({"a", "b,c;d", "e"}, d)), d);
  }
}

// csv-spectrum (npm package csv-spectrum@1.0.0, BSD-2-Clause): CSV files with
// the JSON a correct parser reads from them. Fetched by ops/install-deps.sh,
// never committed here.
std::filesystem::path SpectrumDir() {
  const char* env = std::getenv("OUTPOST_CSV_SPECTRUM_DIR");
  return env != nullptr && *env != '\0' ? env : "/var/cache/outpost/csv-spectrum/package";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(CsvFormulaTest, NeutralisesEveryCellASpreadsheetWouldRun) {
  EXPECT_EQ(NeutraliseFormula("=HYPERLINK(\"http://x.example\",\"click\")"),
            "'=HYPERLINK(\"http://x.example\",\"click\")");
  EXPECT_EQ(NeutraliseFormula("+86 139-0013-9000"), "'+86 139-0013-9000");
  EXPECT_EQ(NeutraliseFormula("-2+3"), "'-2+3");
  EXPECT_EQ(NeutraliseFormula("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(NeutraliseFormula("\t=1+1"), "'\t=1+1");
  EXPECT_EQ(NeutraliseFormula("\r=1+1"), "'\r=1+1");
  // Text that is not a formula is left alone, and so is one already neutralised.
  EXPECT_EQ(NeutraliseFormula("王伟"), "王伟");
  EXPECT_EQ(NeutraliseFormula("a=b"), "a=b");
  EXPECT_EQ(NeutraliseFormula(""), "");
  EXPECT_EQ(NeutraliseFormula(NeutraliseFormula("=1")), "'=1");
}

TEST(CsvFormulaTest, TheGuardComesOffWhatWasNeutralisedOnly) {
  for (const std::string field :
       {"=HYPERLINK(\"x\")", "+86 139", "-", "@a", "\tx", "王伟", "'quoted"}) {
    EXPECT_EQ(WithoutFormulaGuard(NeutraliseFormula(field)), field);
  }
  EXPECT_EQ(WithoutFormulaGuard("'"), "'");
  EXPECT_EQ(WithoutFormulaGuard("'a"), "'a");  // an apostrophe someone typed stays
  // Written by FormatRecord and parsed back, a neutralised cell is still text.
  const std::string line = FormatRecord({NeutraliseFormula("=1+1"), "x"});
  EXPECT_EQ(line, "'=1+1,x\r\n");
  EXPECT_EQ(MustParse(line), (std::vector<Fields>{{"'=1+1", "x"}}));
}

TEST(CsvSpectrum, EveryCaseParsesToItsJson) {
  const std::filesystem::path dir = SpectrumDir();
  ASSERT_TRUE(std::filesystem::is_directory(dir / "csvs") &&
              std::filesystem::is_directory(dir / "json"))
      << "the csv-spectrum corpus is not at " << dir
      << " (csvs/ and json/): run ops/install-deps.sh, or set OUTPOST_CSV_SPECTRUM_DIR";
  std::vector<std::filesystem::path> cases;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "csvs")) {
    if (entry.path().extension() == ".csv") cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  // csv-spectrum 1.0.0 has 11 cases; fewer means a broken download.
  ASSERT_GE(cases.size(), 11u) << "in " << dir / "csvs";

  for (const auto& csv_path : cases) {
    const std::string name = csv_path.stem().string();
    SCOPED_TRACE(name);
    const std::filesystem::path json_path = dir / "json" / (name + ".json");
    ASSERT_TRUE(std::filesystem::exists(json_path)) << json_path;

    Encoding enc = Encoding::kGb18030;
    auto text = DecodeText(ReadFile(csv_path), &enc);
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    EXPECT_EQ(enc, Encoding::kUtf8);
    EXPECT_EQ(DetectDelimiter(text.value()), ',');
    auto records = Parse(text.value(), ',');
    ASSERT_TRUE(records.ok()) << records.status().ToString();
    ASSERT_FALSE(records->empty());
    const Fields& header = records->front().fields;

    const nlohmann::json want = nlohmann::json::parse(ReadFile(json_path), nullptr, false);
    ASSERT_TRUE(want.is_array()) << json_path << " is not a JSON array";
    ASSERT_EQ(want.size() + 1, records->size());
    for (size_t i = 0; i < want.size(); ++i) {
      const Record& row = (*records)[i + 1];
      const nlohmann::json& object = want[i];
      ASSERT_TRUE(object.is_object());
      ASSERT_EQ(row.fields.size(), header.size()) << "line " << row.line;
      ASSERT_EQ(object.size(), header.size()) << "line " << row.line;
      for (size_t j = 0; j < header.size(); ++j) {
        ASSERT_TRUE(object.contains(header[j])) << header[j];
        EXPECT_EQ(row.fields[j], object.at(header[j]).get<std::string>())
            << "line " << row.line << ", column " << header[j];
      }
    }
    for (const Record& r : records.value()) {
      EXPECT_EQ(MustParse(FormatRecord(r.fields)), std::vector<Fields>{r.fields});
    }
  }
}

}  // namespace
}  // namespace outpost::csv
