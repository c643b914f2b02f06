// Head office's month-end statistics (`outpost-hub report month`, docs/KPI.md
// "At head office") over two real stores synced to a real hub, every clock
// pinned: a month of known events at S1 and S2, and every figure of each
// store and of the chain checked against values counted by hand below, in
// text, JSON and CSV; the HTML page's escaping and charts; S2, last heard
// from on 15 November, complete only to that day; and the refusals.
#include <gtest/gtest.h>

#include "edge/tasks.h"
#include "sync/model/message.h"
#include "sync/model/task.h"
#include "tests/hub_cli_fixture.h"
#include "tests/hub_db.h"

namespace outpost {
namespace {

using nlohmann::json;
using testing::CliResult;

class HubReportTest : public testing::HubCliAndStores {
 protected:
  // The clock at a Shanghai wall time, "2026-11-02 09:00".
  void AtLocal(const std::string& local) {
    const TimeZone zone = TimeZone::Load("Asia/Shanghai").value();
    clock_.Set(zone.LocalToUtcMs(LocalDate::Parse(local.substr(0, 10)).value(),
                                 LocalTime::Parse(local.substr(11, 5)).value()));
  }

  edge::Booking Book(const std::string& site, const std::string& phone, const std::string& date,
                     const std::string& time, const std::string& channel) {
    edge::BookingRequest r;
    r.customer = phone;
    r.create_customer = edge::NewCustomer{"C" + phone, {phone}};
    r.date = date;
    r.time = time;
    r.channel = channel;
    r.staff = "SA";
    auto b = stores_[site]->Book(r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? *b : edge::Booking{};
  }

  void Served(const std::string& site, const edge::Booking& b, bool complete = true) {
    EXPECT_TRUE(stores_[site]->CheckIn(b.ref, "SA").ok()) << b.ref;
    if (!complete) return;
    EXPECT_TRUE(stores_[site]->StartService(b.ref, "SA").ok()) << b.ref;
    EXPECT_TRUE(stores_[site]->Complete(b.ref, "SA").ok()) << b.ref;
  }

  std::string TaskOf(const std::string& site, const std::string& kind, const edge::Booking& b) {
    return model::TaskIdFor(model::TaskEventKey(site, kind, b.id));
  }

  void Call(const std::string& site, const std::string& task, const std::string& result,
            std::optional<std::string> satisfied = std::nullopt,
            std::vector<std::string> items = {}) {
    edge::TaskAttemptInput in;
    in.result = result;
    in.satisfied = std::move(satisfied);
    in.items = std::move(items);
    in.staff = "SA";
    auto done = stores_[site]->RecordTaskAttempt(task, in);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
  }

  void SyncAll(const std::string& site) {
    for (int i = 0; i < 4; ++i) Round(site);
  }

  // What the hub holds of contacts the stores made (their "message"
  // entities as synced) and head office's own, written into its database.
  void Sql(const std::string& sql) {
    const Status done = testing::TamperHub(HubDb(), sql);
    ASSERT_TRUE(done.ok()) << done.ToString() << "\n" << sql;
  }
  void StoreContact(const std::string& site, const std::string& id, const std::string& at,
                    const std::string& status, const std::string& outcome) {
    json fields = {{"store_id", site},      {"customer_id", "c-" + id},
                   {"step", "invitation"},  {"purpose", "marketing"},
                   {"channel", "call"},     {"status", status},
                   {"idempotency_key", id}, {"sent_at", at},
                   {"due_at", at}};
    if (!outcome.empty()) fields["outcome"] = outcome;
    Sql("INSERT INTO entities (entity, entity_id, owner_site, fields, field_hlcs, last_hlc,"
        " base_hlc) VALUES ('message', '" +
        id + "', '" + site + "', '" + fields.dump() + "', '{}', 1, 1)");
  }
  void HeadOfficeMessage(const std::string& site, const std::string& id, const std::string& at) {
    const json fields = {{"status", "sent"}, {"sent_at", at}, {"purpose", "marketing"}};
    Sql("INSERT INTO hub_messages (message_id, invitation_key, site, status, next_at, fields,"
        " request) VALUES ('" +
        id + "', 'inv-" + id + "', '" + site + "', 'sent', '" + at + "', '" + fields.dump() +
        "', '{}')");
  }
  void HeadOfficeCall(const std::string& site, const std::string& key, const std::string& at,
                      const std::string& outcome) {
    Sql("INSERT INTO hub_invitations (invitation_key, unified_id, vehicle_key, due_date, site,"
        " request_seq, assigned_at, assigned_by, handled_by, outcome) VALUES ('" +
        key + "', 'U1', 'V1', '2026-11-30', '" + site + "', 0, '" + at +
        "', 'HO Wang', 'head_office', '" + outcome + "')");
  }

  // The month of known events (counted by hand in the test below).
  void AMonth() {
    // S2, 20 October: b7 made for 5 November.
    AtLocal("2026-10-20 09:00");
    const edge::Booking b7 = Book("S2", "13900139007", "2026-11-05", "11:00", "phone");
    // S1, 2 November: four bookings.
    AtLocal("2026-11-02 09:00");
    const edge::Booking b1 = Book("S1", "13800138001", "2026-11-10", "10:00", "phone");
    const edge::Booking b2 = Book("S1", "13800138002", "2026-11-10", "11:00", "wechat");
    const edge::Booking b3 = Book("S1", "13800138003", "2026-11-20", "10:00", "phone");
    const edge::Booking b4 = Book("S1", "13800138004", "2026-11-20", "11:00", "online");
    // S2, 3 November: three bookings, one for December.
    AtLocal("2026-11-03 09:00");
    const edge::Booking b5 = Book("S2", "13900139005", "2026-11-05", "10:00", "phone");
    Book("S2", "13900139006", "2026-12-02", "10:00", "wechat");
    const edge::Booking b8 = Book("S2", "13900139008", "2026-11-06", "10:00", "phone");
    AtLocal("2026-11-04 09:00");
    auto moved = stores_["S2"]->Reschedule(b8.ref, "2026-11-07", "10:00", "away", "SA");
    ASSERT_TRUE(moved.ok()) << moved.status().ToString();
    AtLocal("2026-11-05 10:05");
    Served("S2", b5);
    AtLocal("2026-11-05 11:05");
    Served("S2", b7, /*complete=*/false);
    AtLocal("2026-11-06 10:00");
    Call("S2", TaskOf("S2", "after_service", b5), "no_answer");
    AtLocal("2026-11-07 10:00");
    Call("S2", TaskOf("S2", "after_service", b5), "reached", "yes");
    AtLocal("2026-11-07 11:00");
    const edge::Booking b8n = *stores_["S2"]->GetBooking(moved->ref);
    ASSERT_TRUE(stores_["S2"]->NoShow(b8n.ref, "SA").ok());
    AtLocal("2026-11-08 10:00");
    Call("S2", TaskOf("S2", "no_show", b8n), "reached");
    AtLocal("2026-11-09 10:00");
    auto k =
        stores_["S2"]->AddTask({"complaint", "13900139005", "", "2026-11-12", "", "slow", "SA"});
    ASSERT_TRUE(k.ok()) << k.status().ToString();
    AtLocal("2026-11-11 10:00");
    Call("S2", k->id, "reached", "yes");  // closed after 2 days
    // S1, 10 November.
    AtLocal("2026-11-10 10:05");
    Served("S1", b1);
    AtLocal("2026-11-10 12:00");
    ASSERT_TRUE(stores_["S1"]->NoShow(b2.ref, "SA").ok());
    AtLocal("2026-11-11 10:00");
    Call("S1", TaskOf("S1", "after_service", b1), "reached", "no", {"price"});  // a complaint
    AtLocal("2026-11-12 10:00");
    Call("S1", TaskOf("S1", "no_show", b2), "wrong_number");
    // S2 syncs on the 15th and is not heard from again this month.
    AtLocal("2026-11-15 10:00");
    SyncAll("S2");
    AtLocal("2026-11-18 09:00");
    ASSERT_TRUE(stores_["S1"]->Cancel(b3.ref, "trip", "SA").ok());  // 49 h ahead
    AtLocal("2026-11-20 09:00");
    ASSERT_TRUE(stores_["S1"]->Cancel(b4.ref, "sick", "SA").ok());  // 2 h ahead
    AtLocal("2026-11-20 10:00");
    Book("S2", "13900139009", "2026-11-25", "10:00", "phone");  // not at head office
    AtLocal("2026-12-01 09:00");
    SyncAll("S1");
    // Contacts. S1's as synced: an SMS sent, a call booked, and one on
    // 1 December 07:30 local (December's). Head office's: a message (sent),
    // another whose record the store synced back (counted once), a call
    // booked at S1 and one declined at S2.
    StoreContact("S1", "M-s1a", "2026-11-05T02:00:00Z", "sent", "");
    StoreContact("S1", "M-s1b", "2026-11-06T02:00:00Z", "done", "booked");
    StoreContact("S1", "M-s1c", "2026-11-30T23:30:00Z", "done", "booked");
    HeadOfficeMessage("S1", "M-ho1", "2026-11-08T02:00:00Z");
    HeadOfficeMessage("S1", "M-ho2", "2026-11-09T02:00:00Z");
    StoreContact("S1", "M-ho2", "2026-11-09T02:00:00Z", "done", "sent");
    HeadOfficeCall("S1", "U1|V1|2026-11-30", "2026-11-10T02:00:00Z", "booked");
    HeadOfficeCall("S2", "U2|V2|2026-11-30", "2026-11-12T02:00:00Z", "declined");
  }

  static json Fig(int64_t num, int64_t den) {
    json j = {{"num", num}, {"den", den}, {"percent", nullptr}};
    if (den != 0) j["percent"] = 100.0 * static_cast<double>(num) / static_cast<double>(den);
    return j;
  }
  static json Items(int64_t price, int64_t den) {
    json j = json::object();
    for (const char* item :
         {"attitude", "repair_quality", "price", "parts", "waiting_time", "other"}) {
      j[item] = Fig(std::string(item) == "price" ? price : 0, den);
    }
    return j;
  }
  // Every figure of one report, as `--format json` prints it.
  static void ExpectFigures(const json& r, const json& want) {
    for (const auto& [key, value] : want.items()) {
      EXPECT_EQ(r[key], value) << key;
    }
  }
};

TEST_F(HubReportTest, EveryFigureOfEachStoreAndTheChainCountedByHand) {
  AMonth();
  const json j = CliJson({"report", "month", "2026-11"});
  ASSERT_EQ(j["month"], "2026-11");
  ASSERT_EQ(j["stores"].size(), 2u);
  const json& s1 = j["stores"][0];
  const json& s2 = j["stores"][1];
  ASSERT_EQ(s1["store_id"], "S1");
  ASSERT_EQ(s2["store_id"], "S2");
  // S1: made b1-b4 (phone 2, wechat, online); slots b1-b4, none moved; b3 b4
  // cancelled (b3 49 h ahead); b1 arrived and completed, b2 no-show. Calls:
  // b1's reached, dissatisfied (price), b2's wrong number. The dissatisfied
  // answer opened a complaint due 7 days later, open at the month's end.
  // Contacts: s1a, s1b (booked), ho1, ho2 once, the call (booked): 2/5.
  ExpectFigures(s1, {{"made", 4},
                     {"made_by_channel", {{"online", 1}, {"phone", 2}, {"wechat", 1}}},
                     {"rescheduled", Fig(0, 4)},
                     {"cancelled", Fig(2, 4)},
                     {"cancelled_early", Fig(1, 2)},
                     {"arrival", Fig(1, 2)},
                     {"completed", Fig(1, 2)},
                     {"no_show", Fig(1, 2)},
                     {"success", Fig(2, 5)},
                     {"connect", Fig(1, 2)},
                     {"accuracy", Fig(1, 2)},
                     {"satisfaction", Fig(0, 1)},
                     {"dissatisfied_by_item", Items(1, 1)},
                     {"complaints",
                      {{"opened", 1}, {"closed", 0}, {"overdue", 1}, {"close_days", Fig(0, 0)}}},
                     {"complete_to", nullptr},
                     {"zone_assumed", false},
                     {"time_zone", "Asia/Shanghai"},
                     {"name", "Store S1"}});
  // S2 (as synced on the 15th): made b5, b6, b8 (phone 2, wechat 1; b8's
  // move not counted, b7 made in October, b9 never synced); slots b7 b5 b8
  // b8n, b8 moved: 1/4; due b7 b5 b8n, none cancelled; b7 b5 arrived, b5
  // completed, b8n no-show. Calls: b5's no answer then reached satisfied,
  // b8n's reached. A complaint opened the 9th, closed the 11th. Contacts:
  // head office's call, declined.
  ExpectFigures(s2, {{"made", 3},
                     {"made_by_channel", {{"phone", 2}, {"wechat", 1}}},
                     {"rescheduled", Fig(1, 4)},
                     {"cancelled", Fig(0, 3)},
                     {"cancelled_early", Fig(0, 0)},
                     {"arrival", Fig(2, 3)},
                     {"completed", Fig(1, 3)},
                     {"no_show", Fig(1, 3)},
                     {"success", Fig(0, 1)},
                     {"connect", Fig(2, 3)},
                     {"accuracy", Fig(2, 2)},
                     {"satisfaction", Fig(1, 1)},
                     {"dissatisfied_by_item", Items(0, 0)},
                     {"complaints",
                      {{"opened", 1}, {"closed", 1}, {"overdue", 0}, {"close_days", Fig(2, 1)}}},
                     {"complete_to", "2026-11-15"}});
  // The chain: the facts together, not an average of the percentages.
  ExpectFigures(
      j["chain"],
      {{"made", 7},
       {"made_by_channel", {{"online", 1}, {"phone", 4}, {"wechat", 2}}},
       {"rescheduled", Fig(1, 8)},
       {"cancelled", Fig(2, 7)},
       {"cancelled_early", Fig(1, 2)},
       {"arrival", Fig(3, 5)},
       {"completed", Fig(2, 5)},
       {"no_show", Fig(2, 5)},
       {"success", Fig(2, 6)},
       {"connect", Fig(3, 5)},
       {"accuracy", Fig(3, 4)},
       {"satisfaction", Fig(1, 2)},
       {"dissatisfied_by_item", Items(1, 1)},  // S1's one dissatisfied answer
       {"complaints", {{"opened", 2}, {"closed", 1}, {"overdue", 1}, {"close_days", Fig(2, 1)}}},
       {"stores", 2},
       {"incomplete_stores", 1}});

  // One store: its figures only, no chain.
  const json one = CliJson({"report", "month", "2026-11", "--store", "S2"});
  ASSERT_EQ(one["stores"].size(), 1u);
  EXPECT_EQ(one["stores"][0], s2);
  EXPECT_TRUE(one["chain"].is_null());
}

TEST_F(HubReportTest, TextCsvAndHtmlCarryTheSameFigures) {
  AMonth();
  CliResult text = Cli({"report", "month", "2026-11"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("月报 month report 2026-11  S1 Store S1\n"), std::string::npos);
  EXPECT_NE(text.out.find("数据截至 complete to 2026-11-15"), std::string::npos);
  EXPECT_NE(text.out.find("全连锁 chain (2 家门店 stores)"), std::string::npos);
  EXPECT_NE(text.out.find("到店率 arrival rate: 3/5  60.0%"), std::string::npos);
  EXPECT_NE(text.out.find("数据不完整门店 stores with incomplete figures: 1"), std::string::npos);

  CliResult csv = Cli({"report", "month", "2026-11", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("store,complete_to,figure,numerator,denominator,percent\n", 0), 0u);
  for (const char* line :
       {"S1,,made,4,,\n", "S1,,arrival,1,2,50.0\n", "S1,,success,2,5,40.0\n",
        "S2,2026-11-15,rescheduled,1,4,25.0\n", "S2,2026-11-15,complaint_close_days,2,1,200.0\n",
        "chain,,arrival,3,5,60.0\n", "chain,,accuracy,3,4,75.0\n",
        "chain,,dissatisfied:price,1,1,100.0\n", "chain,,incomplete_stores,1,,\n"}) {
    EXPECT_NE(csv.out.find(line), std::string::npos) << line;
  }

  CliResult html = Cli({"report", "month", "2026-11", "--format", "html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_EQ(html.out.find("<script"), std::string::npos);
  EXPECT_NE(html.out.find("<svg class=\"trend\""), std::string::npos);
  EXPECT_NE(html.out.find("<svg class=\"items\""), std::string::npos);
  EXPECT_NE(html.out.find("到店率 arrival rate</td><td>3/5</td><td>60.0%</td>"), std::string::npos);
  EXPECT_NE(html.out.find("2026-06 到店率 arrival"), std::string::npos);  // six months back
  EXPECT_NE(html.out.find("数据截至 complete to 2026-11-15"), std::string::npos);
}

TEST_F(HubReportTest, AHubUpgradedTo0015FillsTheNewColumnsFromTheStoresLogs) {
  AMonth();
  const json before = CliJson({"report", "month", "2026-11"});
  // The rows as a hub upgraded to 0015 has them: the new columns empty, the
  // backfill armed. The next report's indexing refills them from the logs.
  Sql("UPDATE hub_bookings SET requested_at = NULL, moved_here = 0, cancelled_at = NULL;"
      " INSERT INTO hub_typed_backfill (singleton) SELECT 1 WHERE NOT EXISTS"
      " (SELECT 1 FROM hub_typed_backfill)");
  EXPECT_EQ(CliJson({"report", "month", "2026-11"}), before);
  // b3's first cancel, 18 November 09:00 in Shanghai, from its change in S1's log.
  auto cancelled_at = [&](int nth) {
    return testing::HubQueryValue(HubDb(),
                                  "SELECT cancelled_at FROM hub_bookings WHERE site = 'S1' AND"
                                  " status = 'cancelled' ORDER BY cancelled_at LIMIT 1 OFFSET " +
                                      std::to_string(nth));
  };
  EXPECT_EQ(cancelled_at(0).substr(0, 19), "2026-11-18T01:00:00");
  EXPECT_EQ(cancelled_at(1).substr(0, 19), "2026-11-20T01:00:00");
}

TEST_F(HubReportTest, ABadMonthAnUnknownStoreAndABadFormatAreRefusedSayingWhy) {
  CliResult month = Cli({"report", "month", "2026-13"});
  EXPECT_EQ(month.exit_code, 1);
  EXPECT_NE(month.err.find("month: '2026-13' is not a month YYYY-MM"), std::string::npos)
      << month.err;
  CliResult store = Cli({"report", "month", "2026-11", "--store", "S9"});
  EXPECT_EQ(store.exit_code, 1);
  EXPECT_NE(store.err.find("--store: 'S9' is not a store on the allow-list"), std::string::npos)
      << store.err;
  CliResult format = Cli({"report", "month", "2026-11", "--format", "pdf"});
  EXPECT_NE(format.exit_code, 0);
  EXPECT_NE(format.err.find("--format"), std::string::npos) << format.err;
  EXPECT_NE(format.err.find("pdf"), std::string::npos) << format.err;
}

}  // namespace
}  // namespace outpost
