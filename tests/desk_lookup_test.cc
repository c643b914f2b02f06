// Look-ups as staff type them (issue 19 item 7), with the real outpost-edge
// binary: a customer by the last four digits of a phone (printed on the paper
// sheet), part of a phone or of a plate; a day's booking confirmed, checked in
// or cancelled by phone or plate; a booking made by plate keeps the car.
#include <gtest/gtest.h>

#include "tests/desk_harness.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

class DeskLookupTest : public ::testing::Test {
 protected:
  // Five customers whose phones and plates share digits, as a store's do.
  void SetUp() override {
    Ok({"init", "--store-id", "SH-PUDONG", "--name", "浦东服务中心", "--open-days", "123456"});
    const std::vector<std::vector<std::string>> customers = {
        {"--name", "王伟", "--phone", "13800138000", "--plate", "京A12345"},
        {"--name", "李娜", "--phone", "13912348000", "--plate", "粤B54321"},
        {"--name", "张8000", "--phone", "13700001111", "--member-id", "8000"},
        {"--name", "Chen", "--phone", "13600131234", "--plate", "京A99123"},
        {"--name", "Zhao", "--phone", "13780001235"}};
    for (auto args : customers) {
      args.insert(args.begin(), {"customer", "add"});
      Ok(args);
    }
  }
  void Ok(const std::vector<std::string>& args) {
    ProcessResult done = desk_.Desk(args);
    ASSERT_EQ(done.exit_code, 0) << args[0] << ": " << done.err;
  }
  // The names `customer find QUERY` lists, in its order.
  std::vector<std::string> Found(const std::string& query) {
    std::vector<std::string> names;
    for (const auto& c : desk_.Json({"customer", "find", query})) names.push_back(c["name"]);
    return names;
  }
  json Booked(const std::string& customer, const std::string& date, const std::string& slot) {
    return desk_.Json({"book", "--customer", customer, "--date", date, "--slot", slot});
  }
  json Shown(const std::string& ref) { return desk_.Json({"booking", "show", ref}); }
  DeskHarness desk_;  // Monday 2026-11-23, 09:00 Shanghai
};

using Names = std::vector<std::string>;

TEST_F(DeskLookupTest, FindsByLastDigitsPartOfAPhoneAPartialPlateOrANameRanked) {
  // Exact (member id 8000) first, then the phones ending 8000 (in phone
  // order), then those holding it inside and the names containing it.
  EXPECT_EQ(Found("8000"), (Names{"张8000", "王伟", "李娜", "Zhao"}));
  EXPECT_EQ(Found("８０００"), (Names{"张8000", "王伟", "李娜", "Zhao"}));  // full-width
  // Part of a phone, separators as typed.
  EXPECT_EQ(Found("0013 8000"), (Names{"王伟"}));
  EXPECT_EQ(Found("0013"), (Names{"Chen", "王伟"}));
  // A phone ending with the digits before a plate holding them.
  EXPECT_EQ(Found("1234"), (Names{"Chen", "李娜", "王伟"}));
  // Partial plates: province and letter, case-insensitive, separators ignored.
  EXPECT_EQ(Found("京A"), (Names{"王伟", "Chen"}));
  EXPECT_EQ(Found("a123"), (Names{"王伟"}));
  EXPECT_EQ(Found("a·12 3"), (Names{"王伟"}));
  EXPECT_EQ(Found("12345"), (Names{"王伟"}));
  EXPECT_EQ(Found("粤b"), (Names{"李娜"}));
  // Whole values and names as before.
  EXPECT_EQ(Found("京A·12345"), (Names{"王伟"}));
  EXPECT_EQ(Found("138 0013 8000"), (Names{"王伟"}));
  EXPECT_EQ(Found("chen"), (Names{"Chen"}));
  // Three digits narrow nothing down: not read as part of a phone.
  EXPECT_EQ(Found("800"), (Names{"张8000"}));
  ProcessResult none = desk_.Desk({"customer", "find", "9999"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "no customer matches '9999'\n");
}

TEST_F(DeskLookupTest, ADayBookingIsConfirmedCheckedInOrCancelledByPhoneOrPlate) {
  ASSERT_EQ(Booked("京A12345", "today", "10:00")["ref"], "261123-1");
  ASSERT_EQ(Booked("粤B54321", "today", "11:00")["ref"], "261123-2");
  ASSERT_EQ(Booked("京A99123", "tomorrow", "10:00")["ref"], "261124-1");

  // Two of today's bookings end with 8000: neither is touched, both are listed.
  ProcessResult several = desk_.Desk({"check-in", "8000"});
  EXPECT_EQ(several.exit_code, 1);
  EXPECT_NE(several.err.find("several bookings match '8000' today: give the ref"),
            std::string::npos)
      << several.err;
  EXPECT_NE(several.out.find("261123-1  10:00  王伟  ***8000  京A·12345"), std::string::npos)
      << several.out;
  EXPECT_NE(several.out.find("261123-2  11:00  李娜  ***8000  粤B·54321"), std::string::npos)
      << several.out;
  EXPECT_EQ(several.out.find("13800138000"), std::string::npos) << several.out;  // masked
  ProcessResult listed = desk_.Desk({"confirm", "8000", "--json"});
  EXPECT_EQ(listed.exit_code, 1);
  const json several_json = json::parse(listed.out);
  ASSERT_EQ(several_json["several"].size(), 2u) << listed.out;
  EXPECT_EQ(several_json["several"][1]["ref"], "261123-2");
  EXPECT_EQ(several_json["several"][1]["phones"], "***8000");
  for (const char* ref : {"261123-1", "261123-2"}) {
    json b = Shown(ref);
    EXPECT_EQ(b["status"], "requested") << ref;
    EXPECT_EQ(b["history"].size(), 1u) << ref;
  }

  // One match: acted on, and the desk says which booking it was.
  ProcessResult arrived = desk_.Desk({"check-in", "13800138000"});
  ASSERT_EQ(arrived.exit_code, 0) << arrived.err;
  EXPECT_NE(arrived.out.find("checked in 261123-1  2026-11-23 10:00"), std::string::npos)
      << arrived.out;
  EXPECT_NE(arrived.out.find("王伟"), std::string::npos);
  EXPECT_NE(arrived.out.find("京A·12345"), std::string::npos);
  EXPECT_EQ(Shown("261123-1")["status"], "checked-in");

  // The last digits of the plate: only 李娜's booking is still open today.
  ProcessResult confirmed = desk_.Desk({"confirm", "54321"});
  ASSERT_EQ(confirmed.exit_code, 0) << confirmed.err;
  EXPECT_EQ(Shown("261123-2")["status"], "confirmed");
  ProcessResult cancelled = desk_.Desk({"cancel", "粤b·54321", "--reason", "car sold"});
  ASSERT_EQ(cancelled.exit_code, 0) << cancelled.err;
  EXPECT_NE(cancelled.out.find("cancelled 261123-2"), std::string::npos) << cancelled.out;

  // Chen's booking is tomorrow: today has none with that plate, and it stays.
  ProcessResult not_today = desk_.Desk({"cancel", "京A99123", "--reason", "x"});
  EXPECT_EQ(not_today.exit_code, 1);
  EXPECT_NE(
      not_today.err.find("no booking today (2026-11-23) has the ref, phone or plate '京A99123'"),
      std::string::npos)
      << not_today.err;
  EXPECT_EQ(Shown("261124-1")["status"], "requested");
  // The ref works as before, whatever the day.
  ProcessResult by_ref = desk_.Desk({"confirm", "261124-1"});
  ASSERT_EQ(by_ref.exit_code, 0) << by_ref.err;
  EXPECT_EQ(Shown("261124-1")["status"], "confirmed");
}

TEST_F(DeskLookupTest, ABookingByPlateKeepsTheCarAndPartOfAPhoneBooksItsOneCustomer) {
  json b = Booked("京A·12345", "tomorrow", "10:00");
  ASSERT_FALSE(b.contains("error")) << b.dump();
  EXPECT_EQ(b["plate"], "京A12345");
  EXPECT_FALSE(b["vehicle_id"].is_null());
  EXPECT_EQ(Shown(b["ref"])["plate"], "京A12345");
  json customer = desk_.Json({"customer", "show", "13800138000"});
  ASSERT_EQ(customer["bookings"].size(), 1u);
  EXPECT_EQ(customer["bookings"][0]["plate"], "京A12345");
  ASSERT_EQ(customer["vehicles"].size(), 1u);  // the car on file, not a second one

  // The last digits of one customer's phone book that customer, without a car
  // (a phone names no car).
  json by_digits = Booked("48000", "tomorrow", "11:00");
  ASSERT_FALSE(by_digits.contains("error")) << by_digits.dump();
  EXPECT_EQ(by_digits["customer"]["name"], "李娜");
  EXPECT_TRUE(by_digits["plate"].is_null());
  // Part of a plate that one car holds books that car.
  json by_part = Booked("99123", "tomorrow", "14:00");
  ASSERT_FALSE(by_part.contains("error")) << by_part.dump();
  EXPECT_EQ(by_part["plate"], "京A99123");

  // Two customers' phones hold 0013: nobody is booked, both are named.
  ProcessResult several =
      desk_.Desk({"book", "--customer", "0013", "--date", "tomorrow", "--slot", "15:00"});
  EXPECT_EQ(several.exit_code, 1);
  EXPECT_NE(several.err.find("customer: '0013' matches 2 customers: "), std::string::npos)
      << several.err;
  EXPECT_NE(several.err.find("Chen"), std::string::npos) << several.err;
  EXPECT_NE(several.err.find("王伟"), std::string::npos) << several.err;
  EXPECT_EQ(desk_.Json({"board", "--date", "tomorrow"})["slots"][4]["bookings"].size(), 0u);
}

}  // namespace
}  // namespace outpost::testing
