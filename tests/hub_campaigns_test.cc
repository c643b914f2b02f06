// Head office's outreach (docs/OUTREACH.md, "At head office") through the
// real outpost-hub command line over real stores' synced logs: who is due
// for a service invitation from the unified view (a car serviced at two
// stores, km projected from its readings at both, time-only with one
// reading), the contact policy's decision for each, assignment to the store
// visited last once and only once, head office's own call list for an
// offline store, the holiday calendar set and sent to every store; and the
// replies endpoint as its own process, driven by the real test relay.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "edge/invitations.h"
#include "edge/tasks.h"
#include "hub/head_office_contacts.h"
#include "hub/hub_cli.h"
#include "sync/delivery/inbound.h"
#include "sync/delivery/webhook.h"
#include "sync/keys.h"
#include "sync/model/message.h"
#include "sync/normalize.h"
#include "tests/gateway/gateway_harness.h"
#include "tests/hub_cli_fixture.h"
#include "tests/hub_db.h"

namespace outpost {
namespace {

using nlohmann::json;

using testing::CliResult;

constexpr char kNow[] = "2026-11-23T01:00:00Z";  // Monday 09:00 in Shanghai

class HubCampaignsTest : public testing::HubCliAndStores {
 protected:
  // A visit on `date` at 10:00 that happened (HubCliAndStores::CompletedVisit).
  // Returns the store's customer record.
  std::string ServicedVisit(const std::string& site, const std::string& name,
                            const std::string& phone, const std::string& plate,
                            const std::string& date, std::optional<int64_t> km, bool opted_in) {
    edge::BookingRequest r;
    r.customer = phone;
    edge::NewCustomer c{name, {phone}};
    c.allow_shared_phone = true;
    c.contact_opt_in = opted_in;
    r.create_customer = c;
    r.vehicle.plate = plate;
    r.vehicle.mileage_km = km;
    return CompletedVisit(site, r, date);
  }

  // Wang's car: serviced at S1 (10,000 km) then S2 (20,000 km): due by km,
  // assigned to S2. Li (S1, one car, no reading, never asked for consent):
  // due by time, dropped. Chen (S1, opted in): due by time, S1 offline.
  // Zhao (S1): serviced in October, not due yet. S1 last synced two days ago.
  void ServiceHistory() {
    wang_s1_ =
        ServicedVisit("S1", "Wang Wei", "13800138000", "沪A12345", "2026-05-06", 10000, true);
    wang_s2_ =
        ServicedVisit("S2", "Wang Wei", "13800138000", "沪A12345", "2026-08-05", 20000, true);
    ServicedVisit("S1", "Li Na", "13900139000", "沪B22222", "2026-05-20", std::nullopt, false);
    ServicedVisit("S1", "Chen Jie", "13700137000", "沪C33333", "2026-05-13", std::nullopt, true);
    ServicedVisit("S1", "Zhao Lei", "13600136000", "沪D44444", "2026-10-14", 30000, true);
    At("2026-11-21T01:00:00Z");
    Round("S1");
    At("2026-11-23T00:30:00Z");
    Round("S2");
    At(kNow);
  }

  std::vector<json> Requests(const std::string& site, const std::string& kind) {
    std::vector<json> out;
    const auto entries = hub_->storage().outbox().After(site, 0, 1000).value();
    for (const auto& e : entries) {
      json request = json::parse(e.request_json);
      if (request.value("kind", "") == kind) out.push_back(request);
    }
    return out;
  }

  // A marketing contact a store made, as the hub holds its "message" entity
  // once synced (written into the hub's file: stores plan invitations later).
  void MarketingContactSynced(const std::string& site, const std::string& customer,
                              const std::string& sent_at) {
    MessageSynced(site, "M-" + site + sent_at,
                  {{"store_id", site},
                   {"customer_id", customer},
                   {"step", "invitation"},
                   {"purpose", "marketing"},
                   {"channel", "sms"},
                   {"status", "sent"},
                   {"idempotency_key", site + sent_at},
                   {"sent_at", sent_at},
                   {"due_at", sent_at}});
  }
  void MessageSynced(const std::string& site, const std::string& id, const json& fields) {
    const Status put = testing::TamperHub(
        HubDb(),
        "INSERT INTO entities (entity, entity_id, owner_site, fields, field_hlcs, last_hlc,"
        " base_hlc) VALUES ('message', " +
            testing::SqlLiteral(id) + ", " + testing::SqlLiteral(site) + ", " +
            testing::SqlLiteral(fields.dump()) + ", '{}', 1, 1)");
    ASSERT_TRUE(put.ok()) << put.ToString();
  }

  std::string wang_s1_, wang_s2_;
};

TEST_F(HubCampaignsTest, DueListsEachCarFromTheUnifiedViewWithThePolicysDecision) {
  // Sun was due in May and never came back: lapsed, counted, not listed.
  ServicedVisit("S1", "Sun Li", "13500135000", "沪E55555", "2025-11-05", std::nullopt, true);
  ServiceHistory();
  const json due = CliJson({"campaigns", "due", "--date", "2026-11-23"});
  ASSERT_TRUE(due.is_object()) << due;
  EXPECT_EQ(due["cars_considered"], 5);  // Wang's car once, though serviced at two stores
  EXPECT_EQ(due["lapsed"], 1);
  ASSERT_EQ(due["due"].size(), 3u) << due.dump(2);

  const json& wang = due["due"][0];  // the soonest due first
  EXPECT_EQ(wang["name"], "Wang Wei");
  EXPECT_EQ(wang["plate"], "沪A12345");
  EXPECT_EQ(wang["due_by"], "km");            // 10,000 km in 91 days: 5,000 more within 46 days
  EXPECT_EQ(wang["due_date"], "2026-09-20");  // 25,000 km reached on the 46th day
  EXPECT_EQ(wang["due_at_km"], 25000);
  EXPECT_EQ(wang["readings"], 2);
  EXPECT_EQ(wang["last_service"], "2026-08-05");
  EXPECT_EQ(wang["last_service_site"], "S2");
  EXPECT_EQ(wang["projected_km"], 32087);  // 20,000 + 10,000 / 91 * 110 days
  EXPECT_EQ(wang["store"], "S2");          // the store the person visited last
  EXPECT_EQ(wang["customer_id"], wang_s2_);
  EXPECT_EQ(wang["store_online"], true);
  EXPECT_EQ(wang["channel"], "call");
  // 09:00 is outside the preferred call windows: delayed to 10:00 Shanghai.
  EXPECT_EQ(wang["decision"], "delayed");
  EXPECT_EQ(wang["decision_at"], "2026-11-23T02:00:00.000Z");
  EXPECT_FALSE(wang["reason"].get<std::string>().empty());

  const json& chen = due["due"][1];
  EXPECT_EQ(chen["name"], "Chen Jie");
  EXPECT_EQ(chen["due_by"], "time");  // no reading since: six months
  EXPECT_EQ(chen["due_date"], "2026-11-13");
  EXPECT_EQ(chen["projected_km"], nullptr);
  EXPECT_EQ(chen["store"], "S1");
  EXPECT_EQ(chen["store_online"], false);
  EXPECT_EQ(chen["decision"], "delayed");

  const json& li = due["due"][2];
  EXPECT_EQ(li["name"], "Li Na");
  EXPECT_EQ(li["due_date"], "2026-11-20");
  EXPECT_EQ(li["decision"], "drop");  // marketing needs an explicit opt-in
  EXPECT_NE(li["reason"].get<std::string>().find("opt-in"), std::string::npos) << li["reason"];

  // The text list, zh-CN first.
  CliResult text = Cli({"campaigns", "due", "--date", "2026-11-23"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("到期邀请/service due 2026-11-23: 3"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("不联系/drop"), std::string::npos) << text.out;

  // A date that is not one is refused, naming it.
  CliResult bad = Cli({"campaigns", "due", "--date", "2026-02-30"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--date: '2026-02-30' is not a date"), std::string::npos) << bad.err;
}

TEST_F(HubCampaignsTest, AssignQueuesEachAllowedInvitationOnceAndKeepsOfflineStoresCalls) {
  ServiceHistory();
  const json first = CliJson({"campaigns", "assign", "--date", "2026-11-23", "--staff", "HQ Li"});
  ASSERT_EQ(first["queued"].size(), 1u) << first.dump(2);
  EXPECT_EQ(first["queued"][0]["name"], "Wang Wei");
  EXPECT_EQ(first["queued"][0]["assigned"]["site"], "S2");
  EXPECT_EQ(first["kept_for_calls"], 1);  // Chen: S1 not heard from for two days
  EXPECT_EQ(first["not_allowed"], 1);     // Li

  const std::vector<json> invites = Requests("S2", "invite");
  ASSERT_EQ(invites.size(), 1u);
  EXPECT_EQ(invites[0]["customer_id"], wang_s2_);
  EXPECT_EQ(invites[0]["date"], "2026-09-20");
  EXPECT_EQ(invites[0]["due_by"], "km");
  EXPECT_EQ(invites[0]["service"], "maintenance");
  EXPECT_EQ(invites[0]["channel"], "call");
  EXPECT_EQ(invites[0]["plate"], "沪A12345");
  EXPECT_EQ(invites[0]["staff"], "HQ Li");
  EXPECT_TRUE(Requests("S1", "invite").empty());

  // A second run queues nothing new.
  const json again = CliJson({"campaigns", "assign", "--date", "2026-11-23", "--staff", "HQ Li"});
  EXPECT_TRUE(again["queued"].empty());
  EXPECT_EQ(again["already_assigned"], 1);
  EXPECT_EQ(Requests("S2", "invite").size(), 1u);
  const json due = CliJson({"campaigns", "due", "--date", "2026-11-23"});
  EXPECT_EQ(due["due"][0]["assigned"]["site"], "S2");

  // Head office's own calls: the allowed invitation whose store is offline.
  const json calls = CliJson({"campaigns", "calls", "--date", "2026-11-23"});
  ASSERT_EQ(calls["calls"].size(), 1u) << calls.dump(2);
  EXPECT_EQ(calls["calls"][0]["name"], "Chen Jie");

  // A store of today reads the new kind and goes on with its requests.
  Round("S2");
}

TEST_F(HubCampaignsTest, TheHolidayCalendarIsCheckedKeptSentToEveryStoreAndDecidesWithIt) {
  ServiceHistory();
  const std::string bad_file = dir_.File("bad.json");
  std::ofstream(bad_file) << R"({"holidays": [{"date": "2026-13-01", "name": "X"}]})";
  CliResult bad = Cli({"holidays", "set", "--file", bad_file, "--staff", "HQ Li"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find(bad_file + ": holiday calendar: holidays[0].date: '2026-13-01'"),
            std::string::npos)
      << bad.err;
  EXPECT_EQ(CliJson({"holidays", "show"})["source"], "default");
  EXPECT_TRUE(Requests("S1", "holidays").empty());

  // A holiday on Tuesday the 24th: no marketing on the 23rd to the 25th.
  const std::string good_file = dir_.File("holidays.json");
  std::ofstream(good_file)
      << R"({"holidays": [{"date": "2026-11-24", "name": "店庆"}], "workdays": []})";
  const json set = CliJson({"holidays", "set", "--file", good_file, "--staff", "HQ Li"});
  ASSERT_EQ(set["queued"].size(), 2u) << set;
  for (const char* site : {"S1", "S2"}) {
    const std::vector<json> sent = Requests(site, "holidays");
    ASSERT_EQ(sent.size(), 1u) << site;
    const json calendar = json::parse(sent[0]["calendar"].get<std::string>());
    EXPECT_EQ(calendar["holidays"][0]["date"], "2026-11-24");
  }
  const json shown = CliJson({"holidays", "show"});
  EXPECT_EQ(shown["source"]["set_by"], "HQ Li");
  EXPECT_EQ(shown["holidays"].size(), 1u);
  // The same calendar again sends nothing; to a store allowed since, it goes.
  EXPECT_TRUE(
      CliJson({"holidays", "set", "--file", good_file, "--staff", "HQ Li"})["queued"].empty());
  ASSERT_TRUE(hub_->AllowStore(SecretKeys::Generate("S3").pub).ok());
  const json to_new = CliJson({"holidays", "set", "--file", good_file, "--staff", "HQ Li"});
  ASSERT_EQ(to_new["queued"].size(), 1u) << to_new;
  EXPECT_EQ(to_new["queued"][0]["store_id"], "S3");
  EXPECT_EQ(Requests("S1", "holidays").size(), 1u);

  const json due = CliJson({"campaigns", "due", "--date", "2026-11-23"});
  EXPECT_EQ(due["due"][0]["name"], "Wang Wei");
  EXPECT_EQ(due["due"][0]["decision_at"], "2026-11-26T02:00:00.000Z");  // Thursday 10:00

  // Service rules: a bad one is refused naming it; shown as the defaults until set.
  const std::string rules_file = dir_.File("rules.json");
  std::ofstream(rules_file) << R"({"rules": [{"service_kind": "maintenance", "due_after_months": 6,
      "due_after_days": 0, "due_after_km": -5, "contacts": [{"channel": "call", "days_before_due": 15}]}]})";
  CliResult bad_rules = Cli({"campaigns", "rules", "set", "--file", rules_file, "--staff", "HQ"});
  EXPECT_EQ(bad_rules.exit_code, 1);
  EXPECT_NE(bad_rules.err.find("rules[0].due_after_km"), std::string::npos) << bad_rules.err;
  EXPECT_EQ(CliJson({"campaigns", "rules", "show"})["source"], "default");
  // Yearly service, time only: nobody is due on the 23rd any more.
  std::ofstream(rules_file, std::ios::trunc)
      << R"({"rules": [{"service_kind": "maintenance", "due_after_months": 12, "due_after_days": 0,
      "due_after_km": null, "contacts": [{"channel": "call", "days_before_due": 15}]}]})";
  CliResult set_rules = Cli({"campaigns", "rules", "set", "--file", rules_file, "--staff", "HQ"});
  EXPECT_EQ(set_rules.exit_code, 0) << set_rules.err;
  const json rules = CliJson({"campaigns", "rules", "show"});
  EXPECT_EQ(rules["source"]["set_by"], "HQ");
  EXPECT_EQ(rules["rules"][0]["due_after_months"], 12);
  const json yearly = CliJson({"campaigns", "due", "--date", "2026-11-23"});
  EXPECT_EQ(yearly["cars_considered"], 4);
  EXPECT_TRUE(yearly["due"].empty()) << yearly.dump(2);
}

TEST_F(HubCampaignsTest, TwoStoresContactsCountAgainstOneChainWideCap) {
  ServiceHistory();
  // S1 and S2 each sent Wang a marketing message this month, to his two records.
  MarketingContactSynced("S1", wang_s1_, "2026-11-02T02:00:00.000Z");
  const json one = CliJson({"campaigns", "due", "--date", "2026-11-23"});
  EXPECT_EQ(one["due"][0]["decision"], "delayed");  // one contact: still under the cap of 2
  MarketingContactSynced("S2", wang_s2_, "2026-11-16T02:00:00.000Z");
  const json due = CliJson({"campaigns", "due", "--date", "2026-11-23"});
  ASSERT_EQ(due["due"][0]["name"], "Wang Wei");
  EXPECT_EQ(due["due"][0]["decision"], "drop");
  EXPECT_EQ(due["due"][0]["reason"], "marketing cap: 2 in 30 days");
  const json assigned =
      CliJson({"campaigns", "assign", "--date", "2026-11-23", "--staff", "HQ Li"});
  EXPECT_TRUE(assigned["queued"].empty());
  EXPECT_TRUE(Requests("S2", "invite").empty());
}

// ---- replies: outpost-hub replies as its own process, the real test relay posting ----

class HubRepliesTest : public HubCampaignsTest {
 protected:
  void StartEndpoint() {
    secret_file_ = dir_.File("relay.secret");
    std::ofstream(secret_file_) << "0123456789abcdef0123456789abcdef\n";
    ASSERT_EQ(chmod(secret_file_.c_str(), 0600), 0);
    endpoint_ = std::make_unique<testing::Process>(
        std::vector<std::string>{OUTPOST_HUB_BIN, "--db", HubDb(), "--key", dir_.File("HUB.key"),
                                 "replies", "--bind", "127.0.0.1:0", "--secret-file", secret_file_},
        std::vector<std::string>{std::string("OUTPOST_NOW=") + kNow});
    const std::string line = endpoint_->ReadLine(10000);
    const std::string marker = "listening on http://127.0.0.1:";
    ASSERT_NE(line.find(marker), std::string::npos) << line << endpoint_->Wait().err;
    port_ = std::stoi(line.substr(line.find(marker) + marker.size()));
    std::string error;
    gateway_ = testing::TestGateway::Start(
        OUTPOST_GATEWAY_BIN, secret_file_,
        {"--reply-to", "http://127.0.0.1:" + std::to_string(port_) + "/replies"}, &error);
    ASSERT_TRUE(gateway_) << error;
  }
  void TearDown() override {
    if (gateway_) gateway_->Stop();
    if (endpoint_) {
      endpoint_->Kill(SIGTERM);
      endpoint_->Wait();
    }
    HubCampaignsTest::TearDown();
  }
  // POSTs `body` to the endpoint with `signature` (empty: no header).
  httplib::Result Post(const std::string& body, const std::string& signature) {
    httplib::Client client("127.0.0.1", port_);
    httplib::Headers headers;
    if (!signature.empty()) headers.emplace("X-Outpost-Signature", signature);
    return client.Post("/replies", headers, body, "application/json");
  }
  json Reply(const json& reply) {
    const json answer = gateway_->Control({{"reply", reply}});
    EXPECT_EQ(answer.value("status", 0), 200) << answer;
    return json::parse(answer.value("answer", std::string("null")), nullptr, false);
  }

  std::string secret_file_;
  std::unique_ptr<testing::Process> endpoint_;
  std::unique_ptr<testing::TestGateway> gateway_;
  int port_ = 0;
};

TEST_F(HubRepliesTest, TdOptsOutAtEveryStoreOneCancelsTheNextBookingAndBadPostsAreRefused) {
  // Wang has records at S1 and S2 and a booking at S1 on the 25th.
  ServicedVisit("S2", "Wang Wei", "13800138000", "沪A12345", "2026-08-05", 20000, true);
  At(kNow);
  edge::BookingRequest r;
  r.customer = "13800138000";
  r.create_customer = edge::NewCustomer{"Wang Wei", {"13800138000"}};
  r.create_customer->allow_shared_phone = true;
  r.date = "2026-11-25";
  r.time = "10:00";
  r.staff = "SA";
  auto booked = stores_["S1"]->Book(r);
  ASSERT_TRUE(booked.ok()) << booked.status().ToString();
  Round("S1");
  Round("S2");
  ASSERT_TRUE(hub_->RefreshProfiles().ok());
  StartEndpoint();

  // Refusals, each with its reason.
  const std::string good = R"({"from":"+8613800138000","text":"TD",)"
                           R"("received_at":"2026-11-23T01:00:00Z","gateway_message_id":"g-0"})";
  auto unsigned_post = Post(good, "");
  ASSERT_TRUE(unsigned_post);
  EXPECT_EQ(unsigned_post->status, 401);
  EXPECT_NE(unsigned_post->body.find("X-Outpost-Signature"), std::string::npos)
      << unsigned_post->body;
  auto forged = Post(good, delivery::SignBody("another secret of 32 bytes......", good));
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  const std::string secret = delivery::LoadGatewaySecret(secret_file_).value();
  const std::string no_time = R"({"from":"+8613800138000","text":"TD","gateway_message_id":"g-0"})";
  auto bad_body = Post(no_time, delivery::SignBody(secret, no_time));
  ASSERT_TRUE(bad_body);
  EXPECT_EQ(bad_body->status, 400);
  EXPECT_NE(bad_body->body.find("received_at"), std::string::npos) << bad_body->body;
  const std::string huge(delivery::kMaxInboundBodyBytes + 1, ' ');
  auto too_big = Post(huge, delivery::SignBody(secret, huge));
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  EXPECT_TRUE(Requests("S1", "opt-out").empty());

  // "TD" through the relay: an opt-out to each store holding the phone.
  const json td = Reply({{"from", "+8613800138000"}, {"text", "TD"}});
  EXPECT_EQ(td["status"], "recorded") << td;
  EXPECT_EQ(td["kind"], "opt_out");
  for (const char* site : {"S1", "S2"}) {
    const std::vector<json> opt_outs = Requests(site, "opt-out");
    ASSERT_EQ(opt_outs.size(), 1u) << site;
    EXPECT_EQ(opt_outs[0]["phone"], "+8613800138000");
    EXPECT_EQ(opt_outs[0]["channel"], "sms");
    EXPECT_FALSE(opt_outs[0]["customer_id"].get<std::string>().empty());
  }

  // "1" naming no message: the phone's next booking is cancelled.
  const json one = Reply({{"from", "+8613800138000"}, {"text", "1"}});
  EXPECT_EQ(one["kind"], "cancel");
  const std::vector<json> cancels = Requests("S1", "cancel");
  ASSERT_EQ(cancels.size(), 1u) << one;
  EXPECT_EQ(cancels[0]["booking_id"], booked->id);
  EXPECT_EQ(cancels[0]["booking_ref"], booked->ref);
  // "1" about a message head office does not know: kept for staff, nothing queued.
  const json unknown =
      Reply({{"from", "+8613800138000"}, {"text", "1"}, {"in_reply_to", "no-such-key"}});
  EXPECT_NE(unknown["outcome"].get<std::string>().find("kept for staff"), std::string::npos);
  EXPECT_EQ(Requests("S1", "cancel").size(), 1u);

  // The same reply twice (the relay retried): recorded once.
  const std::string hello = R"({"from":"+8613800138000","text":"几点开门?",)"
                            R"("received_at":"2026-11-23T01:00:00Z","gateway_message_id":"g-9"})";
  auto first = Post(hello, delivery::SignBody(secret, hello));
  auto second = Post(hello, delivery::SignBody(secret, hello));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(json::parse(first->body)["status"], "recorded");
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(json::parse(second->body)["status"], "duplicate");

  const json listed = CliJson({"replies", "list"});
  ASSERT_EQ(listed.size(), 4u) << listed.dump(2);
  EXPECT_EQ(listed[3]["text"], "几点开门?");
  EXPECT_EQ(listed[3]["outcome"], "kept for staff");
}

TEST_F(HubRepliesTest, OneAnsweringAMessageCancelsTheBookingItWasAboutAndOnlyForItsPhone) {
  // Wang has two bookings at S1; the reminder he answers is about the later one.
  At(kNow);
  std::vector<edge::Booking> bookings;
  for (const char* date : {"2026-11-25", "2026-11-27"}) {
    edge::BookingRequest r;
    r.customer = "13800138000";
    if (bookings.empty()) r.create_customer = edge::NewCustomer{"Wang Wei", {"13800138000"}};
    r.date = date;
    r.time = "10:00";
    r.staff = "SA";
    auto booked = stores_["S1"]->Book(r);
    ASSERT_TRUE(booked.ok()) << booked.status().ToString();
    bookings.push_back(booked.value());
  }
  ServicedVisit("S2", "Li Na", "13900139000", "沪B22222", "2026-08-05", std::nullopt, false);
  At(kNow);
  Round("S1");
  Round("S2");
  const std::string key = "S1|" + bookings[1].id + "|reminder-24h|2026-11-27T02:00:00Z";
  MessageSynced("S1", model::MessageIdFor(key),
                {{"store_id", "S1"},
                 {"customer_id", bookings[1].customer_id},
                 {"booking_id", bookings[1].id},
                 {"step", "reminder-24h"},
                 {"purpose", "transactional"},
                 {"channel", "sms"},
                 {"status", "sent"},
                 {"idempotency_key", key}});
  StartEndpoint();

  // Li answers "1" to Wang's reminder (a forwarded text, a mistyped key): not his.
  const json not_his = Reply({{"from", "+8613900139000"}, {"text", "1"}, {"in_reply_to", key}});
  EXPECT_EQ(not_his["outcome"], "kept for staff: message '" + key + "' was not for +8613900139000");
  EXPECT_TRUE(Requests("S1", "cancel").empty());

  // Wang answers it, naming it by its idempotency key: the 27th is cancelled, not the 25th.
  const json one = Reply({{"from", "+8613800138000"}, {"text", "１"}, {"in_reply_to", key}});
  EXPECT_EQ(one["status"], "recorded") << one;
  const std::vector<json> cancels = Requests("S1", "cancel");
  ASSERT_EQ(cancels.size(), 1u) << one;
  EXPECT_EQ(cancels[0]["booking_id"], bookings[1].id);
  EXPECT_EQ(cancels[0]["staff"], "replies");
  EXPECT_NE(cancels[0]["reason"].get<std::string>().find("replied '１'"), std::string::npos);
}

TEST_F(HubRepliesTest, ASecretFileOthersCanReadIsRefusedNamingIt) {
  const std::string path = dir_.File("open.secret");
  std::ofstream(path) << "0123456789abcdef0123456789abcdef\n";
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  CliResult r = Cli({"replies", "--bind", "127.0.0.1:0", "--secret-file", path});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");  // never listened
  CliResult bind = Cli({"replies", "--bind", "localhost", "--secret-file", path});
  EXPECT_EQ(bind.exit_code, 1);
  EXPECT_NE(bind.err.find("--bind: 'localhost' is not HOST:PORT"), std::string::npos) << bind.err;
}

// ---- The stores' side of the outreach requests (edge/store_outreach.cc) ----

// The store plans head office's invitation as its own call task, once, and
// head office sees the request applied with what the store did.
TEST_F(HubCampaignsTest, AStorePlansHeadOfficesInvitationOnceAndAnswersApplied) {
  ServiceHistory();
  CliJson({"campaigns", "assign", "--date", "2026-11-23", "--staff", "HQ Li"});
  Round("S2");  // the invitation arrives
  Round("S2");  // the answer goes back
  auto due = stores_["S2"]->MessagesDue();
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  std::vector<model::Message> invitations;
  for (const auto& m : *due) {
    if (m.step == "invitation") invitations.push_back(m);
  }
  ASSERT_EQ(invitations.size(), 1u);
  EXPECT_EQ(invitations[0].customer_id, wang_s2_);
  EXPECT_EQ(invitations[0].purpose, "marketing");
  EXPECT_EQ(invitations[0].channel, "call");
  EXPECT_NE(invitations[0].text.find("2026-09-20"), std::string::npos) << invitations[0].text;
  bool applied = false;
  for (const auto& r : RequestsAtHub("S2")) {
    if (r.kind != "invite") continue;
    applied = true;
    EXPECT_EQ(r.state, "applied");
    EXPECT_NE(r.outcome.find("invitation"), std::string::npos) << r.outcome;
  }
  EXPECT_TRUE(applied);
  // The same invitation sent again (a new request for the same car and due
  // date) plans nothing new.
  model::HeadOfficeRequest again =
      model::ParseHeadOfficeRequest(Requests("S2", "invite")[0]).value();
  ASSERT_TRUE(stores_["S2"]->ApplyHeadOfficeOutreach(999, again).ok());
  int count = 0;
  for (const auto& m : stores_["S2"]->MessagesDue().value()) count += m.step == "invitation";
  EXPECT_EQ(count, 1);
  // A record the store does not have is refused, naming it.
  again.customer_id = "00000000-0000-8000-8000-000000000000";
  again.vehicle_id = "";
  again.date = "2026-12-01";
  const Status unknown = stores_["S2"]->ApplyHeadOfficeOutreach(1000, again);
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.field(), "customer_id");
}

// The chain's holiday calendar reaches every store and the store decides with it.
TEST_F(HubCampaignsTest, TheStoresTakeHeadOfficesHolidayCalendar) {
  ServiceHistory();
  const std::string file = dir_.File("holidays.json");
  std::ofstream(file)
      << R"({"holidays": [{"date": "2026-11-24", "name": "店庆"}], "workdays": []})";
  CliJson({"holidays", "set", "--file", file, "--staff", "HQ Li"});
  for (const char* site : {"S1", "S2"}) {
    Round(site);
    auto settings = stores_[site]->Outreach();
    ASSERT_TRUE(settings.ok()) << settings.status().ToString();
    ASSERT_TRUE(settings->holidays.has_value()) << site;
    EXPECT_EQ(settings->Holidays().HolidayOn(LocalDate{2026, 11, 24}), "店庆") << site;
    EXPECT_FALSE(settings->Holidays().HolidayOn(LocalDate{2026, 10, 1}).has_value());
  }
}

// Kademi #625, across stores: the customer opts out of SMS at S2 after S1
// planned a reminder; once head office's profile of the customer reaches S1,
// S1's notify drops the reminder with the reason instead of sending it.
TEST_F(HubCampaignsTest, AnOptOutSaidAtAnotherStoreStopsThisStoresMessage) {
  At("2026-11-23T01:00:00Z");
  for (const char* site : {"S1", "S2"}) {
    edge::BookingRequest r;
    r.customer = "13800138000";
    edge::NewCustomer c{"Wang Wei", {"13800138000"}};
    c.allow_shared_phone = true;
    c.contact_opt_in = true;
    r.create_customer = c;
    r.date = "2026-11-25";
    r.time = std::string(site) == "S1" ? "10:00" : "15:00";
    r.staff = "SA";
    ASSERT_TRUE(stores_[site]->Book(r).ok());
  }
  ASSERT_TRUE(stores_["S1"]->PlanOutreach().ok());  // S1's confirmation, planned
  edge::CustomerUpdate out;
  out.contact_opt_in = false;
  out.consent_channels = {ContactChannel::kSms};
  At("2026-11-23T01:05:00Z");
  ASSERT_TRUE(stores_["S2"]->UpdateCustomer("13800138000", out, "SA Li").ok());
  for (int i = 0; i < 2; ++i) {
    Round("S2");
    Round("S1");
    ASSERT_TRUE(hub_->MakeIdentity().Resolve(false).ok());
    ASSERT_TRUE(hub_->RefreshProfiles().ok());
  }
  Round("S1");  // the profile with S2's opt-out arrives
  auto due = stores_["S1"]->MessagesDue();
  ASSERT_TRUE(due.ok());
  ASSERT_FALSE(due->empty());
  for (const auto& m : *due) {
    auto ticket = stores_["S1"]->BeginSend(m.id);
    ASSERT_TRUE(ticket.ok()) << ticket.status().ToString();
    EXPECT_FALSE(ticket->has_value()) << m.step << " would have been sent";
  }
  bool dropped = false;
  for (const auto& m : stores_["S1"]->MessagesOn(LocalDate{2026, 11, 23}).value()) {
    if (m.step != "confirmation") continue;
    dropped = m.status == model::MessageStatus::kDropped;
    EXPECT_NE(m.reason.find("SMS"), std::string::npos)
        << model::MessageStatusName(m.status) << ": " << m.reason;
  }
  EXPECT_TRUE(dropped);
}

// "TD" from the customer: every store holding the phone records the opt-out,
// so its notify process drops the SMS it had planned.
TEST_F(HubRepliesTest, TdReachesEveryStoreHoldingThePhoneAsAnOptOut) {
  ServicedVisit("S1", "Wang Wei", "13800138000", "沪A12345", "2026-05-06", 10000, true);
  ServicedVisit("S2", "Wang Wei", "13800138000", "沪A12345", "2026-08-05", 20000, true);
  At(kNow);
  Round("S1");
  Round("S2");
  StartEndpoint();
  const json td = Reply({{"from", "+8613800138000"}, {"text", "TD"}});
  ASSERT_EQ(td["status"], "recorded") << td;
  for (const char* site : {"S1", "S2"}) {
    Round(site);
    auto c = stores_[site]->ResolveCustomer("13800138000");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->consent[static_cast<int>(ContactChannel::kSms)].choice, ContactChoice::kOptedOut)
        << site;
    EXPECT_EQ(c->consent[static_cast<int>(ContactChannel::kSms)].staff, "replies") << site;
  }
}

}  // namespace
}  // namespace outpost

namespace outpost {
namespace {

// Head office's own contacts (docs/OUTREACH.md, "Head office's own contacts"):
// Chen's store S1 is offline, so head office makes his invitation itself.
class HeadOfficeContactsTest : public HubRepliesTest {
 protected:
  // The first contact of a maintenance invitation is an SMS 15 days before due.
  void SmsRules() {
    const std::string file = dir_.File("sms-rules.json");
    std::ofstream(file) << R"({"rules": [{"service_kind": "maintenance", "due_after_months": 6,
        "due_after_days": 0, "due_after_km": 5000,
        "contacts": [{"channel": "sms", "days_before_due": 15}]}]})";
    CliResult set = Cli({"campaigns", "rules", "set", "--file", file, "--staff", "HQ"});
    ASSERT_EQ(set.exit_code, 0) << set.err;
  }
  void StartGateway() {
    secret_file_ = dir_.File("relay.secret");
    std::ofstream(secret_file_) << "0123456789abcdef0123456789abcdef\n";
    ASSERT_EQ(chmod(secret_file_.c_str(), 0600), 0);
    std::string error;
    gateway_ = testing::TestGateway::Start(OUTPOST_GATEWAY_BIN, secret_file_, {}, &error);
    ASSERT_TRUE(gateway_) << error;
  }
  std::vector<std::string> NotifyArgs() {
    return {"notify",        "--gateway",  gateway_->MessagesUrl(),
            "--secret-file", secret_file_, "--once"};
  }
  // Deliveries per idempotency key, as the relay counted them.
  std::map<std::string, int> Delivered() {
    std::map<std::string, int> out;
    const json stats = gateway_->Stats();
    for (const auto& [key, counts] : stats["keys"].items()) {
      out[key] = counts["delivered"];
    }
    return out;
  }
  // The invitation message S1 holds for Chen once it has heard from head office.
  std::optional<model::Message> ChensInvitationAtS1() {
    for (const auto& m : stores_["S1"]->MessagesOn(LocalDate{2026, 11, 23}).value()) {
      if (m.step == "invitation") return m;
    }
    return std::nullopt;
  }
};

TEST_F(HeadOfficeContactsTest, HeadOfficeTextsAnOfflineStoresCustomerOnceAndTellsTheStore) {
  ServiceHistory();
  SmsRules();
  StartGateway();
  CliResult first = Cli(NotifyArgs());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("planned 1, sent 1,"), std::string::npos) << first.out;
  const auto delivered = Delivered();
  ASSERT_EQ(delivered.size(), 1u) << gateway_->Stats().dump();
  EXPECT_EQ(delivered.begin()->second, 1);
  EXPECT_EQ(delivered.begin()->first.rfind("S1/invitation/", 0), 0u) << delivered.begin()->first;
  // A second pass plans and sends nothing; Chen is off head office's call list.
  CliResult second = Cli(NotifyArgs());
  EXPECT_NE(second.out.find("planned 0, sent 0,"), std::string::npos) << second.out;
  EXPECT_EQ(Delivered(), delivered);
  EXPECT_TRUE(CliJson({"campaigns", "calls", "--date", "2026-11-23"})["calls"].empty());
  const json messages = CliJson({"campaigns", "messages"});
  ASSERT_EQ(messages["messages"].size(), 1u) << messages;
  EXPECT_EQ(messages["messages"][0]["status"], "sent");
  EXPECT_EQ(messages["messages"][0]["store_id"], "S1");
  EXPECT_NE(messages["messages"][0]["text"].get<std::string>().find("回复TD退订"),
            std::string::npos);
  // The store, back online, records the contact as made and plans none of its own.
  const std::vector<json> told = Requests("S1", "invite");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0]["outcome"], "sent");
  EXPECT_EQ(told[0]["channel"], "sms");
  At(kNow);
  Round("S1");
  const auto held = ChensInvitationAtS1();
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->status, model::MessageStatus::kDone);
  EXPECT_EQ(held->outcome, "sent");
  EXPECT_EQ(held->id,
            messages["messages"][0]["id"].get<std::string>());  // one entity, whichever site
  auto plan = stores_["S1"]->PlanDueInvitations(LocalDate{2026, 11, 23}, "SA");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  for (const auto& m : stores_["S1"]->MessagesDue().value()) EXPECT_NE(m.step, "invitation");
}

TEST_F(HeadOfficeContactsTest, ASenderKilledMidSendNeverTextsTwice) {
  ServiceHistory();
  SmsRules();
  StartGateway();
  // The relay delivers, then answers only after 5 s: the sender is killed
  // between its "sending" record and the receipt.
  gateway_->Control({{"slow_ms", 5000}});
  testing::Process sender(
      {OUTPOST_HUB_BIN, "--db", HubDb(), "--key", dir_.File("HUB.key"), "notify", "--gateway",
       gateway_->MessagesUrl(), "--secret-file", secret_file_, "--interval-ms", "100000"},
      {std::string("OUTPOST_NOW=") + kNow});
  auto requests = [&] { return gateway_->Stats()["totals"].value("requests", 0); };
  for (int i = 0; i < 400 && requests() < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sender.Kill(SIGKILL);
  ASSERT_GE(requests(), 1) << sender.Wait().err;
  sender.Wait();
  EXPECT_EQ(CliJson({"campaigns", "messages"})["messages"][0]["status"], "sending");
  gateway_->Control({{"slow_ms", 0}});
  CliResult again = Cli(NotifyArgs());
  EXPECT_NE(again.out.find("sent 1,"), std::string::npos) << again.out << again.err;
  for (const auto& [key, n] : Delivered()) EXPECT_EQ(n, 1) << key;
  EXPECT_EQ(requests(), 2);  // the same key asked twice, delivered once
  EXPECT_EQ(Requests("S1", "invite").size(), 1u);
}

TEST_F(HeadOfficeContactsTest, AnOptOutSyncedBeforeSendingDropsHeadOfficesText) {
  ServiceHistory();
  SmsRules();
  StartGateway();
  // Planned while Chen was still opted in; not sent yet.
  const auto planned = hub::PlanHeadOfficeMessages(*hub_, LocalDate{2026, 11, 23}, "HQ");
  ASSERT_TRUE(planned.ok()) << planned.status().ToString();
  ASSERT_EQ(planned->size(), 1u);
  // Chen tells S1's desk he wants no more texts; S1 comes back online and syncs it.
  edge::CustomerUpdate u;
  u.contact_opt_in = false;
  u.consent_channels = {ContactChannel::kSms};
  const std::string chen = planned->front().customer_id;
  auto updated = stores_["S1"]->UpdateCustomer(chen, u, "SA");
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  Round("S1");
  CliResult sent = Cli(NotifyArgs());
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_TRUE(Delivered().empty()) << gateway_->Stats().dump();
  const json messages = CliJson({"campaigns", "messages"});
  EXPECT_EQ(messages["messages"][0]["status"], "dropped");
  EXPECT_NE(messages["messages"][0]["reason"].get<std::string>().find("SMS"), std::string::npos)
      << messages;
  EXPECT_TRUE(Requests("S1", "invite").empty());
}

TEST_F(HeadOfficeContactsTest, HeadOfficesCallOutcomeIsRecordedOnceAndReachesTheStore) {
  ServiceHistory();
  const json calls = CliJson({"campaigns", "calls", "--date", "2026-11-23"});
  ASSERT_EQ(calls["calls"].size(), 1u);
  const std::string chen_key = calls["calls"][0]["invitation_key"];
  const json due = CliJson({"campaigns", "due", "--date", "2026-11-23"});
  std::string wang_key, li_key;
  for (const auto& inv : due["due"]) {
    if (inv["name"] == "Wang Wei") wang_key = inv["invitation_key"];
    if (inv["name"] == "Li Na") li_key = inv["invitation_key"];
  }
  auto call = [&](const std::string& key, const std::string& outcome) {
    return Cli({"campaigns", "calls", "--date", "2026-11-23", "--done", key, "--outcome", outcome,
                "--staff", "CR Zhou", "--note", "周六上午来"});
  };
  CliResult bad = call(chen_key, "maybe");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("outcome: 'maybe' is not booked, declined or unreachable"),
            std::string::npos)
      << bad.err;
  CliResult online = call(wang_key, "booked");
  EXPECT_NE(online.exit_code, 0);
  EXPECT_NE(online.err.find("its store S2 is online"), std::string::npos) << online.err;
  CliResult forbidden = call(li_key, "booked");
  EXPECT_NE(forbidden.exit_code, 0);
  EXPECT_NE(forbidden.err.find("contact policy does not allow it"), std::string::npos)
      << forbidden.err;
  CliResult unknown = call("nobody|car|2026-01-01", "booked");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("is not due on 2026-11-23"), std::string::npos) << unknown.err;
  EXPECT_TRUE(Requests("S1", "invite").empty());  // nothing written by the refusals

  CliResult done = call(chen_key, "booked");
  ASSERT_EQ(done.exit_code, 0) << done.err;
  CliResult twice = call(chen_key, "declined");
  EXPECT_NE(twice.exit_code, 0);
  EXPECT_NE(twice.err.find("handled already by head office (booked)"), std::string::npos)
      << twice.err;
  EXPECT_TRUE(CliJson({"campaigns", "calls", "--date", "2026-11-23"})["calls"].empty());
  const std::vector<json> told = Requests("S1", "invite");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0]["outcome"], "booked");
  EXPECT_EQ(told[0]["channel"], "call");
  EXPECT_EQ(told[0]["staff"], "CR Zhou");
  // `campaigns assign` does not give it to S1 when S1 is back.
  At(kNow);
  Round("S1");
  const json assign = CliJson({"campaigns", "assign", "--date", "2026-11-23", "--staff", "HQ"});
  for (const auto& q : assign["queued"]) EXPECT_NE(q["invitation_key"], chen_key);
  const auto held = ChensInvitationAtS1();
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->status, model::MessageStatus::kDone);
  EXPECT_EQ(held->outcome, "booked");
  EXPECT_EQ(held->channel, "call");
}

TEST_F(HeadOfficeContactsTest, HeadOfficesPolicyIsCheckedKeptAndDecides) {
  ServiceHistory();
  EXPECT_EQ(CliJson({"campaigns", "policy", "show"})["source"], "default");
  json policy = CliJson({"campaigns", "policy", "show"});
  policy.erase("source");
  policy["quiet_hours"][0]["start"] = "25:00";
  const std::string file = dir_.File("policy.json");
  std::ofstream(file) << policy.dump();
  CliResult bad = Cli({"campaigns", "policy", "set", "--file", file, "--staff", "HQ"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("quiet_hours[0].start: '25:00'"), std::string::npos) << bad.err;
  EXPECT_EQ(CliJson({"campaigns", "policy", "show"})["source"], "default");
  // Head office calls in the afternoon only.
  policy["quiet_hours"][0]["start"] = "12:00";
  policy["preferred_call_windows"] = json::array({{{"start", "15:00"}, {"end", "17:00"}}});
  std::ofstream(file, std::ios::trunc) << policy.dump();
  CliResult set = Cli({"campaigns", "policy", "set", "--file", file, "--staff", "HQ"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(CliJson({"campaigns", "policy", "show"})["source"]["set_by"], "HQ");
  const json calls = CliJson({"campaigns", "calls", "--date", "2026-11-23"});
  ASSERT_EQ(calls["calls"].size(), 1u);
  EXPECT_EQ(calls["calls"][0]["decision_at"], "2026-11-23T07:00:00.000Z");  // 15:00 Shanghai
}

TEST_F(HeadOfficeContactsTest, AStoreAllowedAfterTheCalendarWasSetIsSentItAtOnce) {
  const std::string file = dir_.File("holidays.json");
  std::ofstream(file)
      << R"({"holidays": [{"date": "2026-11-24", "name": "店庆"}], "workdays": []})";
  CliJson({"holidays", "set", "--file", file, "--staff", "HQ Li"});
  const auto s3 = SecretKeys::Generate("S3");
  const auto files = WriteKeyFiles(s3, dir_.path(), false);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  CliResult allow = Cli({"allow", files->pub});
  ASSERT_EQ(allow.exit_code, 0) << allow.err;
  EXPECT_NE(allow.out.find("holiday calendar queued to S3"), std::string::npos) << allow.out;
  ASSERT_EQ(Requests("S3", "holidays").size(), 1u);
  EXPECT_EQ(Requests("S1", "holidays").size(), 1u);  // the others had it already
}

}  // namespace
}  // namespace outpost

namespace outpost {
namespace {

// Head office's call-centre queue (docs/FOLLOWUP.md, "Head office's queue").
TEST_F(HeadOfficeContactsTest, TheQueueHoldsReturnedNoShowsAndOfflineStoresCalls) {
  ServiceHistory();  // Chen's invitation is head office's call: S1 is offline
  // Sun did not come to her visit at S2 on Thursday the 19th; by Sunday's sweep
  // she had not booked again, so S2 handed her to head office.
  At("2026-11-19T01:00:00Z");
  edge::BookingRequest r;
  r.customer = "13500135000";
  r.create_customer = edge::NewCustomer{"Sun Li", {"13500135000"}};
  r.date = "2026-11-19";
  r.time = "14:00";
  r.staff = "SA";
  auto b = stores_["S2"]->Book(r);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  At("2026-11-19T08:00:00Z");
  ASSERT_TRUE(stores_["S2"]->NoShow(b->id, "SA").ok());
  At("2026-11-22T01:00:00Z");
  auto sweep = stores_["S2"]->SweepTasks();
  ASSERT_TRUE(sweep.ok()) << sweep.status().ToString();
  ASSERT_EQ(sweep->returned.size(), 1u);
  At("2026-11-23T00:40:00Z");
  Round("S2");
  At(kNow);

  const json queue = CliJson({"tasks", "--date", "2026-11-23"});
  ASSERT_EQ(queue["tasks"].size(), 1u) << queue.dump(2);
  const json& sun = queue["tasks"][0];
  EXPECT_EQ(sun["kind"], "no_show");
  EXPECT_EQ(sun["status"], "returned");
  EXPECT_EQ(sun["owner"], "head_office");
  EXPECT_EQ(sun["store_id"], "S2");
  EXPECT_EQ(sun["customer_name"], "Sun Li");
  EXPECT_EQ(sun["phone"], MaskedPhone("+8613500135000"));
  ASSERT_EQ(queue["invitation_calls"].size(), 1u);
  EXPECT_EQ(queue["invitation_calls"][0]["name"], "Chen Jie");

  CliResult text = Cli({"tasks", "--date", "2026-11-23"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("爽约 no-show  门店/store S2  Sun Li"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("13500135000"), std::string::npos) << text.out;  // masked
  CliResult bad = Cli({"tasks", "--date", "someday"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--date: 'someday' is not a date"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace outpost
