// The desk as staff use it: the real outpost-edge binary on a temporary store.
#include <gtest/gtest.h>

#include "tests/desk_harness.h"

namespace outpost::testing {
namespace {

using nlohmann::json;

class DeskCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult init = desk_.Desk(
        {"init", "--store-id", "SH-PUDONG", "--name", "浦东服务中心", "--open-days", "123456"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
  json BoardSlot(const std::string& date, const std::string& time) {
    json board = desk_.Json({"board", "--date", date});
    for (const auto& slot : board["slots"]) {
      if (slot["time"] == time) return slot;
    }
    return json();
  }
  DeskHarness desk_;  // Monday 2026-11-23, 09:00 Shanghai
};

TEST_F(DeskCliTest, BookShowsOnTheBoardAndInTheCustomerRecord) {
  json b = desk_.Json({"book", "--phone", "138 0013 8000", "--name", "王伟", "--plate", "京A·12345",
                       "--date", "tomorrow", "--slot", "08:30", "--channel", "wechat"});
  ASSERT_FALSE(b.contains("error")) << b.dump();
  EXPECT_EQ(b["ref"], "261124-1");
  EXPECT_EQ(b["slot_date"], "2026-11-24");
  EXPECT_EQ(b["channel"], "wechat");
  EXPECT_EQ(b["staff"], "SA Zhang");
  EXPECT_EQ(b["priority_reception"], true);
  EXPECT_EQ(b["discount_eligible"], true);

  json slot = BoardSlot("2026-11-24", "08:30");
  EXPECT_EQ(slot["free"], 1);
  ASSERT_EQ(slot["bookings"].size(), 1u);
  EXPECT_EQ(slot["bookings"][0]["customer"]["name"], "王伟");

  json found = desk_.Json({"customer", "find", "+86-138-0013-8000"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["vehicles"][0]["plate"], "京A12345");
  json shown = desk_.Json({"customer", "show", "京A12345"});
  ASSERT_EQ(shown["bookings"].size(), 1u);
  EXPECT_EQ(shown["bookings"][0]["ref"], "261124-1");

  ProcessResult text = desk_.Desk({"board", "--date", "2026-11-24"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("08:30  1 free of 2"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("京A·12345"), std::string::npos);
}

TEST_F(DeskCliTest, AMistypedCommandOrFlagGetsOneLineAndExitCodeOne) {
  ProcessResult command = desk_.Desk({"bord"});
  EXPECT_EQ(command.exit_code, 1);
  EXPECT_EQ(command.err, "outpost-edge: unknown command 'bord'; did you mean 'board'?\n");
  // Far from every command: the choices.
  ProcessResult far = desk_.Desk({"xylophone"});
  EXPECT_EQ(far.exit_code, 1);
  EXPECT_EQ(far.err,
            "outpost-edge: unknown command 'xylophone' (try: assign, board, book, booking, calls,"
            " cancel, check-in, close, complete, config, confirm, conflicts, customer, init,"
            " invitations, messages, no-show, notify, outreach, paper, prep, purchase, report,"
            " reschedule, start, status, sync, tasks, vehicle, waitlist)\n");
  ProcessResult nested = desk_.Desk({"customer", "shw", "x"});
  EXPECT_EQ(nested.exit_code, 1);
  EXPECT_EQ(nested.err,
            "outpost-edge: unknown command 'shw' for 'customer'; did you mean 'show'?\n");
  ProcessResult flag = desk_.Desk(
      {"book", "--phone", "13800138000", "--date", "tomorrow", "--slot", "10:00", "--xyz"});
  EXPECT_EQ(flag.exit_code, 1);
  EXPECT_EQ(flag.err, "outpost-edge: unknown option '--xyz' for 'book'\n");
  ProcessResult nested_flag = desk_.Desk({"conflicts", "list", "--everything"});
  EXPECT_EQ(nested_flag.exit_code, 1);
  EXPECT_EQ(nested_flag.err, "outpost-edge: unknown option '--everything' for 'conflicts list'\n");
  ProcessResult none = desk_.Desk({});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err.substr(0, none.err.find(" (try: ")), "outpost-edge: say which command");
  ProcessResult half = desk_.Desk({"customer"});
  EXPECT_EQ(half.exit_code, 1);
  EXPECT_EQ(half.err,
            "outpost-edge: say which command for 'customer' (try: add, find, lookup, show,"
            " update)\n");
  ProcessResult help = desk_.Desk({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("board"), std::string::npos) << help.out;
}

TEST_F(DeskCliTest, ExitCodesSayWhatHappened) {
  // 1: usage error.
  ProcessResult missing = desk_.Desk({"book", "--phone", "13800138000", "--date", "tomorrow"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("--slot"), std::string::npos) << missing.err;
  // 1: bad input, named.
  ProcessResult bad_phone = desk_.Desk(
      {"book", "--phone", "12345", "--name", "X", "--date", "tomorrow", "--slot", "10:00"});
  EXPECT_EQ(bad_phone.exit_code, 1);
  EXPECT_EQ(
      bad_phone.err,
      "outpost-edge: invalid input: phone: '12345' is not a valid phone number (region CN)\n");
  ProcessResult bad_slot = desk_.Desk(
      {"book", "--phone", "13800138000", "--name", "X", "--date", "tomorrow", "--slot", "12:00"});
  EXPECT_EQ(bad_slot.exit_code, 1);
  EXPECT_NE(bad_slot.err.find("'12:00' is not in the grid"), std::string::npos);
  ProcessResult past = desk_.Desk(
      {"book", "--phone", "13800138000", "--name", "X", "--date", "2026-11-01", "--slot", "10:00"});
  EXPECT_EQ(past.exit_code, 1);
  EXPECT_NE(past.err.find("date: '2026-11-01' is in the past"), std::string::npos);
  ProcessResult bad_vin =
      desk_.Desk({"book", "--phone", "13800138000", "--name", "X", "--vin", "LFV2A21K0K3000001",
                  "--date", "tomorrow", "--slot", "10:00"});
  EXPECT_EQ(bad_vin.exit_code, 1);
  EXPECT_NE(bad_vin.err.find("vin: 'LFV2A21K0K3000001' fails the check digit"), std::string::npos);
  ProcessResult bad_utf8 = desk_.Desk({"book", "--phone", "13800138000", "--name", "Wang\xc3\x28",
                                       "--date", "tomorrow", "--slot", "10:00"});
  EXPECT_EQ(bad_utf8.exit_code, 1);
  EXPECT_NE(bad_utf8.err.find("name: 'Wang\\xc3(' is not valid UTF-8"), std::string::npos);
  ProcessResult unknown =
      desk_.Desk({"book", "--phone", "13800138000", "--date", "tomorrow", "--slot", "10:00"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("matches no customer"), std::string::npos);
  // Nothing of the above was written.
  EXPECT_EQ(desk_.Json({"customer", "find", "13800138000"}).size(), 0u);
  EXPECT_EQ(BoardSlot("2026-11-24", "10:00")["free"], 2);

  // 2: refused by a rule, both states named.
  json b = desk_.Json(
      {"book", "--phone", "13800138000", "--name", "A", "--date", "tomorrow", "--slot", "10:00"});
  ProcessResult illegal = desk_.Desk({"complete", b["ref"]});
  EXPECT_EQ(illegal.exit_code, 2);
  EXPECT_EQ(illegal.err, "outpost-edge: refused: cannot go from 'requested' to 'completed'\n");
  ProcessResult sunday =
      desk_.Desk({"book", "--phone", "13800138000", "--date", "2026-11-29", "--slot", "10:00"});
  EXPECT_EQ(sunday.exit_code, 2);
  EXPECT_NE(sunday.err.find("closed on Sundays"), std::string::npos) << sunday.err;
}

TEST_F(DeskCliTest, StaffMustBeNamedAndTheStoreMustExist) {
  ProcessResult no_staff = RunProgram(desk_.Argv({"book", "--phone", "13800138000", "--name", "A",
                                                  "--date", "tomorrow", "--slot", "10:00"}),
                                      {"OUTPOST_DB=" + desk_.db(), "OUTPOST_STAFF="});
  EXPECT_EQ(no_staff.exit_code, 1);
  EXPECT_NE(no_staff.err.find("staff"), std::string::npos);
  ProcessResult no_store = desk_.Desk({"--db", desk_.db() + ".missing", "board"});
  EXPECT_EQ(no_store.exit_code, 1);
  EXPECT_NE(no_store.err.find("no database at " + desk_.db() +
                              ".missing; create one with: outpost-edge --db " + desk_.db() +
                              ".missing init --store-id ID --name NAME"),
            std::string::npos)
      << no_store.err;
  ProcessResult twice = desk_.Desk({"init", "--store-id", "X", "--name", "Y"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("already exists"), std::string::npos);
}

TEST_F(DeskCliTest, TheDayOfAServiceFromBookingToCompletion) {
  json b = desk_.Json({"book", "--phone", "13800138000", "--name", "A", "--plate", "沪A12345",
                       "--mileage", "15000", "--date", "tomorrow", "--slot", "08:30"});
  const std::string ref = b["ref"];
  EXPECT_EQ(desk_.Desk({"confirm", ref}).exit_code, 0);
  desk_.SetNow("2026-11-24T01:15:00Z");  // Tuesday 09:15 local: before the 09:20 breakfast line
  json in = desk_.Json({"check-in", ref});
  EXPECT_EQ(in["status"], "checked-in");
  EXPECT_EQ(in["discount_applied"], true);
  EXPECT_EQ(in["arrival_perk"], "breakfast");
  EXPECT_EQ(desk_.Json({"start", ref})["status"], "in-service");
  EXPECT_EQ(desk_.Json({"complete", ref})["status"], "completed");
  json shown = desk_.Json({"booking", "show", ref});
  ASSERT_EQ(shown["history"].size(), 5u);
  EXPECT_EQ(shown["history"][0]["action"], "book");
  EXPECT_EQ(shown["history"][2]["action"], "check-in");
  EXPECT_EQ(shown["history"][2]["from"], "confirmed");
  EXPECT_EQ(shown["history"][4]["to"], "completed");
}

TEST_F(DeskCliTest, CancelRescheduleAndNoShow) {
  json a = desk_.Json(
      {"book", "--phone", "13800138000", "--name", "A", "--date", "tomorrow", "--slot", "10:00"});
  json c = desk_.Json(
      {"book", "--phone", "13900139000", "--name", "B", "--date", "tomorrow", "--slot", "11:00"});
  ProcessResult no_reason = desk_.Desk({"cancel", a["ref"]});
  EXPECT_EQ(no_reason.exit_code, 1);
  EXPECT_NE(no_reason.err.find("--reason is required"), std::string::npos) << no_reason.err;
  json moved = desk_.Json({"reschedule", a["ref"], "--date", "2026-11-25", "--slot", "14:00",
                           "--reason", "customer asked"});
  EXPECT_EQ(moved["rescheduled_from"], a["id"]);
  EXPECT_EQ(desk_.Json({"booking", "show", a["ref"]})["rescheduled_to"], moved["id"]);
  json cancelled = desk_.Json({"cancel", moved["ref"], "--reason", "car sold"});
  EXPECT_EQ(cancelled["cancel_reason"], "car sold");
  ProcessResult early = desk_.Desk({"no-show", c["ref"]});
  EXPECT_EQ(early.exit_code, 2);
  EXPECT_NE(early.err.find("which has not started: a no-show is recorded only after it"),
            std::string::npos)
      << early.err;
  desk_.SetNow("2026-11-24T03:30:00Z");  // 11:30 local
  EXPECT_EQ(desk_.Json({"no-show", c["ref"]})["status"], "no-show");
  json board = desk_.Json({"board", "--date", "2026-11-24"});
  EXPECT_EQ(board["released"].size(), 2u);
}

TEST_F(DeskCliTest, ACustomerWhoSaysDoNotCallMeIsUpdatedAtTheDesk) {
  ASSERT_EQ(desk_.Desk({"customer", "add", "--name", "李娜", "--phone", "13900139000", "--opt-in"})
                .exit_code,
            0);
  json c = desk_.Json({"customer", "update", "139 0013 9000", "--opt-out", "--dnd", "--add-phone",
                       "+86 10 1234 5678"});
  ASSERT_FALSE(c.contains("error")) << c.dump();
  EXPECT_EQ(c["contact_opt_in"], false);
  EXPECT_EQ(c["do_not_disturb"], true);
  EXPECT_EQ(c["phones"].size(), 2u);
  ProcessResult contradiction =
      desk_.Desk({"customer", "update", "13900139000", "--dnd", "--allow-contact"});
  EXPECT_EQ(contradiction.exit_code, 1);
  EXPECT_NE(contradiction.err.find("contradict each other"), std::string::npos)
      << contradiction.err;
  EXPECT_EQ(desk_.Json({"customer", "show", "010-12345678"})["do_not_disturb"], true);
}

TEST_F(DeskCliTest, ConsentIsStatedPerChannelWithWhoWhenAndWhere) {
  json added = desk_.Json({"customer", "add", "--name", "李娜", "--phone", "13900139000",
                           "--opt-in", "--channel", "wechat"});
  ASSERT_FALSE(added.contains("error")) << added.dump();
  EXPECT_EQ(added["consent"]["wechat"]["choice"], "opted-in");
  EXPECT_EQ(added["consent"]["wechat"]["staff"], "SA Zhang");
  EXPECT_EQ(added["consent"]["sms"]["choice"], "not-asked");
  EXPECT_EQ(added["contact_opt_in"], true);  // the old key: opted in somewhere
  // The customer never opted in to SMS and says no to it: stated, logged, shown.
  json c = desk_.Json({"customer", "update", "13900139000", "--opt-out", "--channel", "sms"});
  EXPECT_EQ(c["consent"]["sms"]["choice"], "opted-out");
  EXPECT_EQ(c["consent"]["sms"]["site"], "SH-PUDONG");
  EXPECT_EQ(c["consent"]["wechat"]["choice"], "opted-in");  // untouched
  ProcessResult shown = desk_.Desk({"customer", "show", "13900139000"});
  EXPECT_NE(shown.out.find("SMS opted out (2026-11-23 SA Zhang at SH-PUDONG)"), std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("WeChat opted in (2026-11-23 SA Zhang at SH-PUDONG)"), std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("phone call not asked"), std::string::npos) << shown.out;
  // Staff under a Chinese locale read the same statements in Chinese.
  std::vector<std::string> chinese = desk_.Env();
  chinese.push_back("LANG=zh_CN.UTF-8");
  shown = testing::RunProgram(desk_.Argv({"customer", "show", "13900139000"}), chinese);
  EXPECT_NE(shown.out.find("短信：已拒绝（2026-11-23 SA Zhang 门店 SH-PUDONG），"
                           "微信：已同意（2026-11-23 SA Zhang 门店 SH-PUDONG），电话：未询问"),
            std::string::npos)
      << shown.out;
  // No channel: all three.
  c = desk_.Json({"customer", "update", "13900139000", "--opt-out"});
  for (const char* ch : {"sms", "wechat", "call"})
    EXPECT_EQ(c["consent"][ch]["choice"], "opted-out");
  EXPECT_EQ(c["contact_opt_in"], false);
  // Refusals name the field, the value and the reason.
  ProcessResult email =
      desk_.Desk({"customer", "update", "13900139000", "--opt-in", "--channel", "email"});
  EXPECT_EQ(email.exit_code, 1);
  EXPECT_NE(email.err.find("channel: 'email' is not a contact channel"), std::string::npos)
      << email.err;
  ProcessResult alone = desk_.Desk({"customer", "update", "13900139000", "--channel", "sms"});
  EXPECT_EQ(alone.exit_code, 1);
  EXPECT_NE(alone.err.find("channel: 'sms'"), std::string::npos) << alone.err;
}

TEST_F(DeskCliTest, ClosedDatesRefuseBookingsAndShowOnTheBoard) {
  EXPECT_EQ(desk_.Desk({"close", "2026-12-01", "--reason", "stocktaking"}).exit_code, 0);
  ProcessResult r = desk_.Desk(
      {"book", "--phone", "13800138000", "--name", "A", "--date", "2026-12-01", "--slot", "10:00"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("stocktaking"), std::string::npos);
  json board = desk_.Json({"board", "--date", "2026-12-01"});
  EXPECT_EQ(board["open"], false);
  EXPECT_EQ(board["closed_reason"], "stocktaking");
  EXPECT_EQ(desk_.Json({"config"})["closed_dates"][0]["date"], "2026-12-01");
}

}  // namespace
}  // namespace outpost::testing
