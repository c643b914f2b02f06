// Paper fallback end to end with the real desk binary: printing a day sheet,
// importing messy transcriptions, dry runs, idempotency, conflicts, and an
// import SIGKILLed mid-way leaving all or nothing.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <random>
#include <thread>

#include "sync/sqlite.h"
#include "tests/desk_harness.h"
#include "tests/store_file.h"

namespace outpost {
namespace {

using nlohmann::json;
using testing::DeskHarness;
using testing::Process;
using testing::ProcessResult;

constexpr const char* kHeader =
    "表单号 form_id,预约日期 date,时段 time,客户姓名 name,电话 phone,车牌 plate,"
    "会员号 member_id,服务项目 service,备注 notes,填写时间 written_at,接待人 staff\r\n";

class PaperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(desk_.Desk({"init", "--store-id", "BJ-CY", "--name", "朝阳店"}).exit_code, 0);
  }
  std::string Write(const std::string& name, const std::string& bytes) {
    std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  int64_t Count(const std::string& sql) {
    auto db = testing::OpenStoreFile(desk_.db());
    auto st = db->Prepare(sql).value();
    EXPECT_TRUE(st.Step().value());
    return st.Int(0);
  }
  json Import(const std::string& path, bool commit, int expect_exit) {
    std::vector<std::string> args = {"paper", "import", path, "--json"};
    if (commit) args.push_back("--commit");
    ProcessResult r = desk_.Desk(args);
    EXPECT_EQ(r.exit_code, expect_exit) << r.err << r.out;
    return r.out.empty() ? json() : json::parse(r.out);
  }
  // The reject for `row`, or null.
  static json RejectOf(const json& report, int row) {
    for (const auto& r : report["rejected"]) {
      if (r["row"] == row) return r;
    }
    return json();
  }

  testing::TempDir dir_;
  DeskHarness desk_;
};

TEST_F(PaperTest, MessyTranscriptionsImportGoodRowsAndNameEveryBadOne) {
  // BOM, CRLF, a quoted field with a comma and a newline, blank lines, a
  // column nobody asked for, short rows, full-width digits, 年月日 and 点.
  std::string file =
      std::string("\xEF\xBB\xBF") +
      "表单号 form_id,预约日期 date,时段 time,客户姓名 name,电话 phone,车牌 plate,"
      "会员号 member_id,服务项目 service,备注 notes,填写时间 written_at,接待人 staff,"
      "抄录人 typist\r\n"
      "F261124-01,2026年11月24日,10点,王伟,138 0013 8000,京A·12345,,保养,"
      "\"客户说:\r\n要洗车, 谢谢\",2026-11-23 08:10,SA Li,小张\r\n"
      "\r\n"
      "f261124-2,２０２６/１１/２４,下午3点,李娜,+86 139-0013-9000,京B12345\r\n"
      "F261124-03,2026-11-24,25:00,赵六,13700137000,,,,,,,\r\n"
      "F261124-04,2026-11-24,10:00,钱七,1380013800,,,,,,,\r\n"
      "F261124-05,2026-11-31,10:00,孙八,13600136000,,,,,,,\r\n"
      "F261124-06,2026-11-24,09:15,周九,13500135000,,,,,,,\r\n"
      "F261124-07,2026-11-24,11:00,,13400134000,,,,,,,\r\n"
      "F261124-08,2026-11-24,11:00,吴十,,,,,,,,\r\n"
      "ABC,2026-11-24,11:00,郑一,13300133000,,,,,,,\r\n"
      "F261124-09,2026-11-24,14:00,冯二,13200132000,,,,,,,,surplus\r\n"
      "F261124-01,2026-11-24,16:00,陈三,13100131000,,,,,,,\r\n";
  const std::string path = Write("forms.csv", file);
  json report = Import(path, true, 1);  // exit 1: some rows were rejected
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report["encoding"], "UTF-8 with BOM");
  EXPECT_EQ(report["rows"], 11);
  EXPECT_EQ(report["counts"]["imported"], 2) << report.dump(2);
  EXPECT_EQ(report["counts"]["rejected"], 9) << report.dump(2);
  // Each bad row with its row, column, value and reason; the line moves past
  // the embedded newline and the blank line.
  EXPECT_EQ(RejectOf(report, 3)["column"], "time");
  EXPECT_EQ(RejectOf(report, 3)["line"], 6);
  EXPECT_EQ(RejectOf(report, 3)["value"], "25:00");
  EXPECT_EQ(RejectOf(report, 4)["column"], "phone");
  EXPECT_EQ(RejectOf(report, 5)["column"], "date");
  EXPECT_NE(RejectOf(report, 5)["reason"].get<std::string>().find("calendar"), std::string::npos);
  // The hint says how a date is written, not a date that could pass for the fix.
  EXPECT_EQ(RejectOf(report, 5)["reason"],
            "date '2026-11-31' is not a real calendar date (write the date as YYYY-MM-DD: year, "
            "month, day)");
  EXPECT_EQ(RejectOf(report, 6)["column"], "time");  // 09:15 is not in the grid
  EXPECT_NE(RejectOf(report, 6)["reason"].get<std::string>().find("grid"), std::string::npos);
  EXPECT_EQ(RejectOf(report, 7)["column"], "name");   // new customer without a name
  EXPECT_EQ(RejectOf(report, 8)["column"], "phone");  // no way to find or call them
  EXPECT_EQ(RejectOf(report, 9)["column"], "form_id");
  EXPECT_EQ(RejectOf(report, 10)["column"], "row");      // a value outside every column
  EXPECT_EQ(RejectOf(report, 11)["column"], "form_id");  // the same form twice in the file
  bool noted = false;
  for (const auto& n : report["notes"])
    noted |= n.get<std::string>().find("抄录人") != std::string::npos;
  EXPECT_TRUE(noted) << report["notes"].dump();

  // The booked rows: channel paper, business time from the form, the batch.
  json board = desk_.Json({"board", "--date", "2026-11-24"});
  const json ten = board["slots"][1];
  ASSERT_EQ(ten["bookings"].size(), 1u);
  const json& b = ten["bookings"][0];
  EXPECT_EQ(b["channel"], "paper");
  EXPECT_EQ(b["customer"]["name"], "王伟");
  EXPECT_EQ(b["plate"], "京A12345");
  EXPECT_EQ(b["notes"], "客户说:\n要洗车, 谢谢");  // the line break as written
  EXPECT_EQ(b["staff"], "SA Li");
  EXPECT_EQ(b["requested_at"], "2026-11-23T00:10:00.000Z");  // 08:10 Shanghai
  EXPECT_EQ(b["created_at"], "2026-11-23T01:00:00.000Z");
  EXPECT_EQ(b["form_id"], "F261124-01");
  EXPECT_EQ(b["import_batch"], report["batch"]);
  EXPECT_EQ(board["slots"][4]["bookings"][0]["form_id"], "F261124-02");

  // The reject file holds exactly the rejected rows, with why, and can be
  // fixed and imported again.
  std::ifstream rejects(report["rejects_file"].get<std::string>(), std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(rejects)), {});
  EXPECT_NE(text.find("25:00"), std::string::npos);
  EXPECT_EQ(text.find("王伟"), std::string::npos);
  std::string fixed =
      std::string(kHeader) + "F261124-03,2026-11-24,14:00,赵六,13700137000,,,,,,\r\n";
  json again = Import(Write("fixed.csv", fixed), true, 0);
  EXPECT_EQ(again["counts"]["imported"], 1);
}

// A form whose written time is later than now (a mistyped year or day) is
// refused, and the rejects point at the column to correct: written_at.
TEST_F(PaperTest, AWrittenTimeInTheFutureIsRejectedAtItsColumn) {
  const std::string path =
      Write("future.csv", std::string(kHeader) +
                              "F261124-01,2026-11-24,10:00,王伟,13800138000,,,,,"
                              "2027-11-23 09:00,SA\r\n");
  json report = Import(path, true, 1);
  const json rejected = RejectOf(report, 1);
  ASSERT_FALSE(rejected.is_null()) << report.dump(2);
  EXPECT_EQ(rejected["column"], "written_at");
  EXPECT_EQ(rejected["value"], "2027-11-23 09:00");
  const std::string reason = rejected["reason"];
  EXPECT_NE(reason.find("is in the future"), std::string::npos) << reason;
  EXPECT_EQ(Count("SELECT count(*) FROM bookings"), 0);
}

TEST_F(PaperTest, RejectsReportsAndSheetsAreOwnerOnlyAndNoCellRunsAsAFormula) {
  testing::ScopedUmask umask_022(022);
  DeskHarness fresh;  // a store made under umask 022
  ASSERT_EQ(fresh.Desk({"init", "--store-id", "BJ-HD", "--name", "海淀店"}).exit_code, 0);
  EXPECT_EQ(testing::FileMode(fresh.db()), 0600);
  // 09:15 is off the grid: the row is rejected with its formula name and its +86 phone.
  const std::string path =
      Write("formula.csv", std::string(kHeader) +
                               "F261124-01,2026-11-24,09:15,\"=HYPERLINK(\"\"http://x.example\"\","
                               "\"\"点我\"\")\",+86 139-0013-9000,,,,@SUM(1),,\r\n");
  const std::string html = dir_.File("report.html");
  ProcessResult r = fresh.Desk({"paper", "import", path, "--json", "--html", html});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const std::string rejects_path = json::parse(r.out)["rejects_file"].get<std::string>();
  EXPECT_EQ(testing::FileMode(rejects_path), 0600);
  EXPECT_EQ(testing::FileMode(html), 0600);
  std::ifstream in(rejects_path, std::ios::binary);
  const std::string rejects((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(rejects.find(",\"'=HYPERLINK(\"\"http://x.example\"\""), std::string::npos) << rejects;
  EXPECT_NE(rejects.find(",'+86 139-0013-9000,"), std::string::npos) << rejects;
  EXPECT_NE(rejects.find(",'@SUM(1),"), std::string::npos) << rejects;
  for (const char* live : {",=", ",\"=", ",+", ",@"}) {
    EXPECT_EQ(rejects.find(live), std::string::npos) << live << " in " << rejects;
  }

  // Fixed in the spreadsheet (the slot) and imported again: the guards come off.
  std::string fixed = rejects;
  fixed.replace(fixed.find("09:15"), 5, "10:00");
  json again = [&] {
    ProcessResult a =
        fresh.Desk({"paper", "import", Write("fixed.csv", fixed), "--json", "--commit"});
    EXPECT_EQ(a.exit_code, 0) << a.err << a.out;
    return json::parse(a.out);
  }();
  EXPECT_EQ(again["counts"]["imported"], 1) << again.dump(2);
  json board = fresh.Json({"board", "--date", "2026-11-24"});
  const json& b = board["slots"][1]["bookings"][0];
  EXPECT_EQ(b["customer"]["name"], "=HYPERLINK(\"http://x.example\",\"点我\")");  // kept as written
  EXPECT_EQ(b["notes"], "@SUM(1)");

  const std::string sheet = dir_.File("sheet.html");
  ASSERT_EQ(fresh.Desk({"paper", "print", "--date", "2026-11-24", "--out", sheet}).exit_code, 0);
  EXPECT_EQ(testing::FileMode(sheet), 0600);
}

TEST_F(PaperTest, ADryRunShowsEverythingAndWritesNothing) {
  const std::string path = Write(
      "f.csv", std::string(kHeader) + "F261124-01,2026-11-24,10:00,王伟,13800138000,,,,,,\r\n");
  const int64_t log_before = Count("SELECT count(*) FROM change_log");
  json dry = Import(path, false, 0);
  EXPECT_EQ(dry["dry_run"], true);
  EXPECT_EQ(dry["counts"]["imported"], 1);
  EXPECT_EQ(Count("SELECT count(*) FROM bookings"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM customers"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM change_log"), log_before);
  EXPECT_EQ(Count("SELECT count(*) FROM paper_forms"), 0);
  json done = Import(path, true, 0);
  EXPECT_EQ(done["counts"]["imported"], 1);
  EXPECT_EQ(Count("SELECT count(*) FROM bookings"), 1);
}

TEST_F(PaperTest, ImportingTheSameFileOrFormTwiceChangesNothing) {
  const std::string rows =
      "F261124-01,2026-11-24,10:00,王伟,13800138000,,,,,,\r\n"
      "F261124-02,2026-11-24,11:00,李娜,13900139000,,,,,,\r\n";
  const std::string path = Write("f.csv", std::string(kHeader) + rows);
  ASSERT_EQ(Import(path, true, 0)["counts"]["imported"], 2);
  const int64_t log = Count("SELECT count(*) FROM change_log");
  json second = Import(path, true, 0);
  EXPECT_EQ(second["counts"]["imported"], 0);
  EXPECT_EQ(second["counts"]["already_imported"], 2);
  EXPECT_FALSE(second["notes"].empty());  // "this file was imported before"
  // The same form retyped into another file, with another slot: still skipped.
  json third = Import(Write("g.csv", std::string(kHeader) +
                                         "F261124-02,2026-11-24,14:00,李娜,13900139000,,,,,,\r\n"),
                      true, 0);
  EXPECT_EQ(third["counts"]["already_imported"], 1);
  EXPECT_EQ(Count("SELECT count(*) FROM bookings"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM change_log"), log);
}

TEST_F(PaperTest, Gb18030TabSeparatedExportsImport) {
  // As a Chinese spreadsheet exports "Unicode text" on an old PC: GB18030, tabs.
  auto hex = [](const std::string& h) {
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2)
      out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
    return out;
  };
  std::string file = hex("b1edb5a5bac520666f726d5f6964") + "\t" +
                     hex("d4a4d4bcc8d5c6da2064617465") + "\t" + hex("cab1b6ce2074696d65") + "\t" +
                     hex("bfcdbba7d0d5c3fb206e616d65") + "\t" + hex("b5e7bbb02070686f6e65") + "\t" +
                     hex("b3b5c5c620706c617465") + "\r\n" + "F261124-01\t2026" + hex("c4ea") +
                     "11" + hex("d4c2") + "24" + hex("c8d5") + "\t" + hex("cfc2cee7") + "3" +
                     hex("b5e3") + "\t" + hex("cdf5ceb0") + "\t13800138000\t" + hex("bea9") +
                     "A12345\r\n";
  json report = Import(Write("gb.tsv", file), true, 0);
  EXPECT_EQ(report["encoding"], "GB18030");
  ASSERT_EQ(report["counts"]["imported"], 1) << report.dump(2);
  json board = desk_.Json({"board", "--date", "2026-11-24"});
  EXPECT_EQ(board["slots"][4]["time"], "15:00");
  EXPECT_EQ(board["slots"][4]["bookings"][0]["customer"]["name"], "王伟");
  EXPECT_EQ(board["slots"][4]["bookings"][0]["plate"], "京A12345");
}

// The desk's import report under a Chinese locale gives each rejected row's
// reason in Chinese, the values as written; the rejects file, which goes back
// into a spreadsheet and again through import, keeps the English.
TEST_F(PaperTest, RejectedRowsReadInChineseAtTheDeskAndStayEnglishInTheRejectsFile) {
  const std::string path =
      Write("zh.csv", std::string(kHeader) +
                          "F261124-01,2026-11-24,10:00,王伟,12345,,,,,,李\r\n"
                          "F261124-02,2026-11-24,10:00,,,,,,,,李\r\n"
                          "F261124-02,2026-11-24,11:00,王伟,13800138000,,,,,,李\r\n");
  std::vector<std::string> env = desk_.Env();
  env.push_back("LANG=zh_CN.UTF-8");
  ProcessResult r = testing::RunProgram(desk_.Argv({"paper", "import", path, "--commit"}), env);
  EXPECT_EQ(r.exit_code, 1) << r.err;  // rows were rejected
  EXPECT_NE(r.out.find("列 phone，值 '12345'：phone：'12345' 不是有效的电话号码（地区 CN）"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("没有电话、车牌、VIN 或会员号：无法找到或联系该客户"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("表单 F261124-02 也出现在本文件第 2 行"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("is not a valid phone number"), std::string::npos) << r.out;

  json report = Import(path, false, 1);  // the same file, English and --json
  EXPECT_EQ(RejectOf(report, 2)["reason"],
            "no phone, plate, VIN or member id: the customer cannot be found or called");
  std::ifstream in(report["rejects_file"].get<std::string>(), std::ios::binary);
  const std::string rejects((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(rejects.find("no phone, plate, VIN or member id"), std::string::npos) << rejects;
  EXPECT_EQ(rejects.find("没有电话"), std::string::npos) << rejects;
  EXPECT_EQ(Count("SELECT count(*) FROM bookings"), 0);
}

TEST_F(PaperTest, AFileWithoutARequiredColumnIsRefusedWhole) {
  ProcessResult r = desk_.Desk({"paper", "import",
                                Write("bad.csv",
                                      "form_id,date,name,phone\r\nF261124-01,2026-11-24,"
                                      "王伟,13800138000\r\n"),
                                "--commit"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("required column 'time'"), std::string::npos) << r.err;
  EXPECT_EQ(Count("SELECT count(*) FROM bookings"), 0);
  // Bytes that are neither UTF-8 nor GB18030: refused, naming the offset.
  r = desk_.Desk({"paper", "import", Write("junk.csv", std::string("form_id\r\n\x81\x20\xff", 12)),
                  "--commit"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("offset"), std::string::npos) << r.err;
}

TEST_F(PaperTest, LateFormsIntoFullSlotsAndDuplicatesBecomeCasesWithCustomersToCall) {
  ASSERT_EQ(desk_
                .Desk({"book", "--phone", "13800138001", "--name", "甲", "--plate", "京A10001",
                       "--date", "2026-11-24", "--slot", "10:00"})
                .exit_code,
            0);
  desk_.SetNow("2026-11-23T01:01:00Z");  // a minute later: 乙 was promised last
  ASSERT_EQ(desk_
                .Desk({"book", "--phone", "13800138002", "--name", "乙", "--plate", "京A10002",
                       "--date", "2026-11-24", "--slot", "10:00"})
                .exit_code,
            0);
  // Written at 08:00, before the desk bookings of 09:00; and 甲 again on paper.
  const std::string path =
      Write("late.csv",
            std::string(kHeader) +
                "F261124-01,2026-11-24,10:00,丙,13800138003,京A10003,,,,2026-11-23 08:00,\r\n"
                "F261124-02,2026-11-24,10:00,甲,13800138001,京A10001,,,,2026-11-23 08:05,\r\n");
  json report = Import(path, true, 0);
  EXPECT_EQ(report["counts"]["imported"], 1);
  EXPECT_EQ(report["counts"]["duplicates"], 1);
  EXPECT_EQ(report["counts"]["conflicts"], 2);
  ASSERT_EQ(report["contacts"].size(), 2u);
  json cases = desk_.Json({"conflicts", "list"});
  ASSERT_EQ(cases.size(), 2u);
  json board = desk_.Json({"board", "--date", "2026-11-24"});
  EXPECT_EQ(board["slots"][1]["bookings"].size(), 2u);
  ASSERT_EQ(board["needs_reschedule"].size(), 1u);
  EXPECT_EQ(board["needs_reschedule"][0]["customer"]["name"], "乙");  // booked last
  // Staff call 乙, move them, and close the case.
  std::string over;
  for (const auto& c : cases) {
    if (c["kind"] == "over-capacity") over = c["ref"];
  }
  ProcessResult early = desk_.Desk({"conflicts", "resolve", over, "--note", "called"});
  EXPECT_EQ(early.exit_code, 2) << early.err;
  EXPECT_NE(early.err.find("still needs rescheduling"), std::string::npos) << early.err;
  ASSERT_EQ(desk_
                .Desk({"reschedule", board["needs_reschedule"][0]["ref"], "--date", "2026-11-24",
                       "--slot", "11:00"})
                .exit_code,
            0);
  EXPECT_EQ(desk_.Desk({"conflicts", "resolve", over, "--note", "moved to 11:00"}).exit_code, 0);
  EXPECT_EQ(desk_.Json({"conflicts", "list"}).size(), 1u);
}

constexpr const char* kHeaderWithVin =
    "表单号 form_id,预约日期 date,时段 time,客户姓名 name,电话 phone,车牌 plate,车架号 vin,"
    "备注 notes\r\n";

TEST_F(PaperTest, AVinColumnIsCheckedAsTheDeskChecksItAndFindsTheCustomer) {
  ProcessResult added = desk_.Desk(
      {"customer", "add", "--name", "甲", "--phone", "13800138001", "--vin", "LFV2A21K6K3000001"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string path = Write(
      "vin.csv", std::string(kHeaderWithVin) +
                     // Only the VIN, lower case with a space: the customer on file.
                     "F261124-01,2026-11-24,10:00,甲,,,lfv2a21k6k 3000001,\r\n"
                     // A new customer's car, VIN and plate.
                     "F261124-02,2026-11-24,11:00,乙,13800138002,京A10002,1M8GDM9AXKP042788,\r\n"
                     // A wrong check digit.
                     "F261124-03,2026-11-24,14:00,丙,13800138003,,LFV2A21K0K3000001,\r\n");
  json report = Import(path, true, 1);
  EXPECT_EQ(report["counts"]["imported"], 2) << report.dump(2);
  ASSERT_EQ(report["imported"].size(), 2u);
  EXPECT_NE(report["imported"][0]["note"].get<std::string>().find("matched by VIN"),
            std::string::npos)
      << report.dump(2);
  // Refused with the desk's own words for the same VIN.
  ProcessResult desk = desk_.Desk(
      {"customer", "add", "--name", "丙", "--phone", "13800138003", "--vin", "LFV2A21K0K3000001"});
  ASSERT_EQ(desk.exit_code, 1);
  const json rejected = RejectOf(report, 3);
  EXPECT_EQ(rejected["column"], "vin");
  EXPECT_EQ(rejected["value"], "LFV2A21K0K3000001");
  const std::string reason = rejected["reason"];
  EXPECT_EQ(reason.rfind("vin: 'LFV2A21K0K3000001' fails the check digit", 0), 0u) << reason;
  EXPECT_NE(desk.err.find(reason), std::string::npos) << desk.err;
  // The bookings are for those vehicles: one per VIN, no second car for 甲.
  EXPECT_EQ(Count("SELECT count(*) FROM vehicles"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM bookings b JOIN vehicles v ON v.id = b.vehicle_id"
                  " WHERE v.vin = 'LFV2A21K6K3000001' AND b.form_id = 'F261124-01'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM bookings b JOIN vehicles v ON v.id = b.vehicle_id"
                  " WHERE v.vin = '1M8GDM9AXKP042788' AND v.plate = '京A10002'"),
            1);
}

TEST_F(PaperTest, NotesKeepTheirLinesAndBookingShowGivesThemWithTheFormId) {
  const std::string notes = "客户说：\r\n  要洗车，谢谢\r\n\r\n下午三点前取车";
  const std::string path = Write(
      "notes.csv", std::string(kHeaderWithVin) +
                       "F261124-01,2026-11-24,10:00,王伟,13800138000,,,\"" + notes + "\"\r\n");
  json report = Import(path, true, 0);
  ASSERT_EQ(report["imported"].size(), 1u) << report.dump(2);
  const std::string ref = report["imported"][0]["booking"];
  const std::string written = "客户说：\n要洗车，谢谢\n\n下午三点前取车";
  EXPECT_EQ(desk_.Json({"booking", "show", ref})["notes"], written);
  ProcessResult shown = desk_.Desk({"booking", "show", ref});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("  notes: 客户说：\n         要洗车，谢谢\n\n         下午三点前取车\n"),
            std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("  paper form F261124-01 (import " + report["batch"].get<std::string>() +
                           ")\n"),
            std::string::npos)
      << shown.out;
}

TEST_F(PaperTest, FormsEnteredInTheSameInstantKeepTheirRowOrderInDryRunAndCommit) {
  // Six forms for a slot of two places, none with a written time, all
  // entered at the one pinned instant: the first two rows keep the places.
  std::string file = kHeader;
  for (int i = 1; i <= 6; ++i) {
    file += "F261124-0" + std::to_string(i) + ",2026-11-24,10:00,客户" + std::to_string(i) +
            ",1380013800" + std::to_string(i) + ",,,,,,\r\n";
  }
  const std::string path = Write("same-instant.csv", file);
  auto needs_reschedule = [](const json& report) {
    std::vector<int> rows;
    for (const auto& i : report["imported"]) {
      if (i["needs_reschedule"].get<bool>()) rows.push_back(i["row"].get<int>());
    }
    return rows;
  };
  const std::vector<int> expected = {3, 4, 5, 6};
  json dry = Import(path, false, 0);
  EXPECT_EQ(needs_reschedule(dry), expected) << dry.dump(2);
  json done = Import(path, true, 0);
  EXPECT_EQ(needs_reschedule(done), expected) << done.dump(2);
  json board = desk_.Json({"board", "--date", "2026-11-24"});
  std::vector<std::string> kept, moved;
  for (const auto& b : board["slots"][1]["bookings"]) kept.push_back(b["customer"]["name"]);
  for (const auto& b : board["needs_reschedule"]) moved.push_back(b["customer"]["name"]);
  std::sort(moved.begin(), moved.end());
  EXPECT_EQ(kept, (std::vector<std::string>{"客户1", "客户2"})) << board.dump(2);
  EXPECT_EQ(moved, (std::vector<std::string>{"客户3", "客户4", "客户5", "客户6"}));
}

TEST_F(PaperTest, APrintedSheetHasTheGridAndFreshFormNumbersEachTime) {
  ASSERT_EQ(desk_
                .Desk({"book", "--phone", "13800138001", "--name", "甲", "--date", "2026-11-24",
                       "--slot", "10:00"})
                .exit_code,
            0);
  const std::string out = dir_.File("sheet.html");
  json first = desk_.Json({"paper", "print", "--date", "2026-11-24", "--forms", "5", "--out", out});
  EXPECT_EQ(first["first_form"], "F261124-01");
  EXPECT_EQ(first["last_form"], "F261124-05");
  std::ifstream in(out);
  std::string html((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(html.find("F261124-05"), std::string::npos);
  EXPECT_NE(html.find("***8001"), std::string::npos);  // phones shortened by default
  EXPECT_EQ(html.find("13800138001"), std::string::npos);
  EXPECT_NE(html.find("预约日期 Date"), std::string::npos);
  json second =
      desk_.Json({"paper", "print", "--date", "2026-11-24", "--forms", "5", "--out", out});
  EXPECT_EQ(second["first_form"], "F261124-06");
}

TEST_F(PaperTest, AnImportKilledMidwayLeavesAllOrNothing) {
  std::string file = kHeader;
  constexpr int kRows = 1500;
  for (int i = 0; i < kRows; ++i) {
    // Three weeks of slots; capacity 2 is exceeded on purpose: cases too.
    char row[160];
    std::snprintf(row, sizeof row, "F261124-%d,2026-12-%02d,%s,客户%d,139%08d,,,,,,\r\n",
                  i % 999 + 1, 1 + i % 21, (i / 21) % 2 ? "14:00" : "10:00", i, 10000000 + i);
    file += row;
  }
  // Form ids repeat past 999: those rows are rejected; the rest are all or nothing.
  const std::string path = Write("big.csv", file);
  std::mt19937 rng(20261123);
  int killed = 0;
  for (int round = 0; round < 8; ++round) {
    Process p(desk_.Argv({"paper", "import", path, "--commit"}), desk_.Env());
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
    p.Kill(SIGKILL);
    ProcessResult r = p.Wait();
    if (r.term_signal == SIGKILL) ++killed;
    const int64_t paper = Count("SELECT count(*) FROM bookings WHERE channel = 'paper'");
    const int64_t forms = Count("SELECT count(*) FROM paper_forms");
    ASSERT_TRUE(paper == 0 || forms == 999) << "round " << round << ": " << paper << " bookings";
    auto db = testing::OpenStoreFile(desk_.db());
    auto check = db->Prepare("PRAGMA integrity_check").value();
    ASSERT_TRUE(check.Step().value());
    ASSERT_EQ(check.Text(0), "ok");
    if (forms == 999) break;  // the import finished before the kill
  }
  EXPECT_GT(killed, 0);
  json done = Import(path, true, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM paper_forms"), 999);
  EXPECT_EQ(done["counts"]["rejected"], kRows - 999);
}

}  // namespace
}  // namespace outpost
