// Head office and the store on one follow-up task (docs/FOLLOWUP.md, "Head
// office and the store on one task") through the real outpost-hub command
// line over real stores' synced logs: head office's call on a task a store
// handed over, refused naming the field with nothing queued, queued (shown
// pending in the queue), applied by the store on the next round and synced
// back; and a store that closed a task while cut off, with head office's
// contradicting call: both calls kept, the earlier one's outcome, one case,
// at the store and at head office.
#include <gtest/gtest.h>

#include <cstdlib>

#include "edge/tasks.h"
#include "hub/hub.h"
#include "sync/model/case.h"
#include "sync/model/request.h"
#include "tests/hub_cli_fixture.h"

namespace outpost {
namespace {

using nlohmann::json;

class HubTaskCallsTest : public testing::HubCliAndStores {
 protected:
  // A no-show at S1 on Monday, returned to head office on Thursday and synced.
  model::Task ReturnedNoShow() {
    edge::BookingRequest r;
    r.customer = "13800138000";
    r.create_customer = edge::NewCustomer{"Wang Wei", {"13800138000"}};
    r.date = "2026-11-23";
    r.time = "10:00";
    r.staff = "SA";
    auto b = stores_["S1"]->Book(r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    At("2026-11-23T03:00:00Z");
    EXPECT_TRUE(stores_["S1"]->NoShow(b->ref, "SA").ok());
    At("2026-11-26T01:00:00Z");
    EXPECT_TRUE(stores_["S1"]->SweepTasks().ok());
    Round("S1");
    return TaskAtStore(b->id);
  }

  model::Task TaskAtStore(const std::string& booking_id) {
    for (const auto& line : stores_["S1"]->TaskList(stores_["S1"]->Today(), true).value()) {
      if (line.task.booking_id == booking_id) return line.task;
    }
    ADD_FAILURE() << "no task for " << booking_id;
    return {};
  }

  // The task as head office last synced it.
  model::Task TaskAtHub(const std::string& id) {
    auto rows = hub_->storage().reads().TasksNamed(id, 2).value();
    EXPECT_EQ(rows.size(), 1u);
    return model::ParseTask(id, json::parse(rows.at(0).fields_json)).value();
  }

  int TaskRequestsQueued() {
    int n = 0;
    for (const auto& e : hub_->storage().outbox().After("S1", 0, 1000).value()) {
      if (json::parse(e.request_json).value("kind", "") == "task-attempt") ++n;
    }
    return n;
  }

  void CliAt(const std::string& utc) { setenv("OUTPOST_NOW", utc.c_str(), 1); }
};

TEST_F(HubTaskCallsTest, HeadOfficeCallReachesTheStoreAndIsShownInBothPlaces) {
  const model::Task t = ReturnedNoShow();
  ASSERT_EQ(t.status, "returned");
  const std::string shown = t.id.substr(t.id.size() - 6);  // as the queue prints it
  CliAt("2026-11-26T02:00:00Z");
  const json before = CliJson({"tasks"});
  ASSERT_EQ(before["tasks"].size(), 1u) << before.dump(2);
  EXPECT_TRUE(before["tasks"][0]["pending_calls"].empty());

  auto r = Cli({"tasks", "--attempt", shown, "--result", "reached", "--outcome", "forgot", "--note",
                "will book next week", "--staff", "CR Zhou"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("head office call queued for store S1"), std::string::npos) << r.out;
  EXPECT_EQ(TaskRequestsQueued(), 1);
  // Pending until the store applies it: the agent sees it was called.
  const json pending = CliJson({"tasks"});
  ASSERT_EQ(pending["tasks"][0]["pending_calls"].size(), 1u) << pending.dump(2);
  EXPECT_EQ(pending["tasks"][0]["pending_calls"][0]["outcome"], "forgot");
  EXPECT_EQ(pending["tasks"][0]["pending_calls"][0]["site"], "head_office");
  auto text = Cli({"tasks"});
  EXPECT_NE(text.out.find("总部待送达/head office call pending at the store (request 1)"),
            std::string::npos)
      << text.out;

  At("2026-11-26T03:00:00Z");
  Round("S1");  // the ack carries the request: the store applies it
  const model::Task at_store = stores_["S1"]->GetTask(t.id).value();
  EXPECT_EQ(at_store.status, "done");
  EXPECT_EQ(at_store.outcome, std::optional<std::string>("forgot"));
  ASSERT_EQ(at_store.attempts.size(), 1u);
  EXPECT_EQ(at_store.attempts[0].staff, "CR Zhou");
  EXPECT_EQ(at_store.attempts[0].site, "head_office");
  EXPECT_EQ(at_store.attempts[0].at, "2026-11-26T02:00:00.000Z");
  Round("S1");  // the store's change and answer reach head office
  const model::Task at_hub = TaskAtHub(t.id);
  EXPECT_EQ(model::TaskJson(at_hub), model::TaskJson(at_store));
  const json after = CliJson({"tasks"});
  EXPECT_TRUE(after["tasks"].empty()) << after.dump(2);  // done: off the queue
  const auto requests = RequestsAtHub("S1");
  ASSERT_EQ(requests.size(), 1u);
  // A closed task takes no more calls, named at head office.
  r = Cli({"tasks", "--attempt", shown, "--result", "busy", "--staff", "CR Zhou"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("task: " + t.id + " at S1 is done (forgot) as last synced"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(TaskRequestsQueued(), 1);
}

TEST_F(HubTaskCallsTest, EveryRefusalNamesItsFieldAndQueuesNothing) {
  const model::Task t = ReturnedNoShow();
  const std::string shown = t.id.substr(t.id.size() - 6);
  CliAt("2026-11-26T02:00:00Z");
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--result", "hung_up", "--staff", "CR"}, "result: 'hung_up' is not one of reached"},
      {{"--result", "busy", "--satisfied", "yes", "--staff", "CR"},
       "satisfied: 'yes' given for a call that was busy (answers only when reached)"},
      {{"--result", "reached", "--satisfied", "maybe", "--staff", "CR"},
       "satisfied: 'maybe' is not yes or no"},
      {{"--result", "reached", "--satisfied", "no", "--staff", "CR"},
       "items: a dissatisfied customer needs at least one item"},
      {{"--result", "reached", "--satisfied", "no", "--items", "smell", "--staff", "CR"},
       "items: 'smell' is not one of attitude"},
      {{"--result", "reached", "--next-service-date", "2027-02-30", "--staff", "CR"},
       "next_service: '2027-02-30' is not a date"},
      {{"--result", "reached", "--next-service-km", "lots", "--staff", "CR"},
       "next_service: 'lots' is not a mileage"},
      {{"--result", "busy", "--outcome", "forgot", "--staff", "CR"},
       "outcome: 'forgot' given for a call that was busy"},
      {{"--result", "reached", "--outcome", "lazy", "--staff", "CR"},
       "outcome: 'lazy' is not one of rebooked, forgot, changed_plans, went_elsewhere"},
      {{"--result", "reached"}, "staff: say who called (--staff)"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"tasks", "--attempt", shown};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = Cli(args);
    EXPECT_EQ(r.exit_code, 1) << c.says << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
  }
  auto r = Cli({"tasks", "--attempt", "ffffff", "--result", "busy", "--staff", "CR"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("task: 'ffffff' is not a task head office knows"), std::string::npos)
      << r.err;
  r = Cli({"tasks", "--result", "busy", "--staff", "CR"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("attempt: a call's details given without --attempt TASK"), std::string::npos)
      << r.err;
  EXPECT_EQ(TaskRequestsQueued(), 0);
}

TEST_F(HubTaskCallsTest, StoreClosedWhileCutOffContradictingCallOpensOneCaseAtBothSites) {
  // A visit completed Monday: its after-service task (Tuesday to Thursday), synced.
  edge::BookingRequest visit;
  visit.customer = "13900139000";
  visit.create_customer = edge::NewCustomer{"Li Na", {"13900139000"}};
  CompletedVisit("S1", visit, "2026-11-23");
  Round("S1");
  std::string id;
  for (const auto& line : stores_["S1"]->TaskList(stores_["S1"]->Today(), true).value()) {
    if (line.task.kind == "after_service") id = line.task.id;
  }
  ASSERT_FALSE(id.empty());
  // Cut off: head office reaches the customer at 10:00 Tuesday (dissatisfied),
  // the store at 11:00 (satisfied), neither knowing of the other.
  CliAt("2026-11-24T02:00:00Z");
  auto r = Cli({"tasks", "--attempt", id, "--result", "reached", "--satisfied", "no", "--items",
                "price,waiting_time", "--staff", "CR Zhou"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  At("2026-11-24T03:00:00Z");
  edge::TaskAttemptInput mine;
  mine.result = "reached";
  mine.satisfied = "yes";
  mine.staff = "SA Li";
  ASSERT_TRUE(stores_["S1"]->RecordTaskAttempt(id, mine).ok());
  // Healed.
  At("2026-11-24T05:00:00Z");
  Round("S1");
  Round("S1");
  const model::Task at_store = stores_["S1"]->GetTask(id).value();
  ASSERT_EQ(at_store.attempts.size(), 2u);
  EXPECT_EQ(at_store.attempts[0].staff, "CR Zhou");  // the earlier call first
  EXPECT_EQ(at_store.attempts[1].staff, "SA Li");
  EXPECT_EQ(at_store.outcome, std::optional<std::string>("reached"));
  EXPECT_EQ(model::TaskJson(TaskAtHub(id)), model::TaskJson(at_store));
  // Head office's dissatisfied answer opened the complaint, as the store's would.
  auto complaints = stores_["S1"]->OpenComplaints(at_store.customer_id).value();
  ASSERT_EQ(complaints.size(), 1u);
  EXPECT_EQ(complaints[0].complaint->items, (std::vector<std::string>{"price", "waiting_time"}));
  // One case, at the store and at head office, naming both answers.
  int at_hub = 0;
  for (const auto& row : hub_->storage().reads().Cases("S1").value()) {
    auto c = model::ParseCase(row.entity_id, json::parse(row.fields_json)).value();
    if (c.kind != "task-conflict") continue;
    ++at_hub;
    EXPECT_NE(c.summary.find("head_office CR Zhou at 2026-11-24T02:00:00.000Z: reached,"
                             " dissatisfied (price,waiting_time)"),
              std::string::npos)
        << c.summary;
    EXPECT_NE(c.summary.find("store SA Li at 2026-11-24T03:00:00.000Z: reached, satisfied"),
              std::string::npos)
        << c.summary;
  }
  EXPECT_EQ(at_hub, 1);
  const json listed = CliJson({"conflicts", "list"});
  EXPECT_NE(listed.dump().find("task-conflict"), std::string::npos) << listed.dump(2);
}

}  // namespace
}  // namespace outpost
