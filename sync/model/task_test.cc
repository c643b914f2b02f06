#include "sync/model/task.h"

#include <gtest/gtest.h>

namespace outpost::model {
namespace {

using nlohmann::json;

Task Sample() {
  Task t;
  t.idempotency_key = TaskEventKey("S1", "after_service", "b-1");
  t.id = TaskIdFor(t.idempotency_key);
  t.store_id = "S1";
  t.kind = "after_service";
  t.customer_id = "c-1";
  t.vehicle_id = "v-1";
  t.booking_id = "b-1";
  t.owner = "SA Wang";
  t.due_from = "2026-11-25";
  t.due_by = "2026-11-27";
  t.created_at = "2026-11-24T08:00:00.000Z";
  t.created_by = "SA Wang";
  return t;
}

TaskAttempt Reached() {
  TaskAttempt a;
  a.at = "2026-11-25T02:00:00.000Z";
  a.staff = "SA Wang";
  a.result = "reached";
  a.fault_fixed = true;
  a.satisfied = false;
  a.items = {"price", "waiting_time"};
  a.next_service_km = 45000;
  a.note = "wants a call before the next visit";
  return a;
}

TEST(TaskModelTest, RoundTripAndUpdateFold) {
  const Task t = Sample();
  auto parsed = ParseTask(t.id, TaskInsertFields(t));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(TaskJson(*parsed), TaskJson(t));

  TaskUpdate u;
  u.status = "done";
  u.outcome = "reached";
  u.attempts = std::vector<TaskAttempt>{Reached()};
  u.updated_at = "2026-11-25T02:00:00.000Z";
  auto read = ParseTaskUpdate(TaskUpdateFields(u));
  ASSERT_TRUE(read.ok()) << read.status().message();
  Task folded = *parsed;
  ApplyTaskUpdate(*read, folded);
  EXPECT_EQ(folded.status, "done");
  ASSERT_EQ(folded.attempts.size(), 1u);
  EXPECT_EQ(folded.attempts[0].items, (std::vector<std::string>{"price", "waiting_time"}));
  EXPECT_EQ(folded.attempts[0].next_service_km, 45000);
  json both = TaskInsertFields(t);
  both.update(TaskUpdateFields(u));
  auto from_fold = ParseTask(t.id, both);
  ASSERT_TRUE(from_fold.ok()) << from_fold.status().message();
  EXPECT_EQ(TaskJson(*from_fold), TaskJson(folded));
}

TEST(TaskModelTest, TheIdIsTheEventsKey) {
  EXPECT_EQ(TaskIdFor(TaskEventKey("S1", "no_show", "b-1")),
            TaskIdFor(TaskEventKey("S1", "no_show", "b-1")));
  EXPECT_NE(TaskIdFor(TaskEventKey("S1", "no_show", "b-1")),
            TaskIdFor(TaskEventKey("S1", "after_service", "b-1")));
  EXPECT_EQ(TaskIdFor("x").size(), 22u);
  EXPECT_EQ(ParseTask("T-00000000000000000000", TaskInsertFields(Sample())).status().message(),
            "task: idempotency_key: does not match the task id T-00000000000000000000");
}

TEST(TaskModelTest, AttemptsMustFitTheirResult) {
  EXPECT_TRUE(CheckTaskAttempt(Reached()).ok());
  TaskAttempt a = Reached();
  a.satisfied = true;
  Status s = CheckTaskAttempt(a);
  EXPECT_EQ(s.field(), "items");
  EXPECT_EQ(s.message(),
            "items: 'price' given, but items are only for a dissatisfied customer (satisfied no)");
  a = Reached();
  a.items = {"price", "smell"};
  EXPECT_EQ(CheckTaskAttempt(a).message(),
            "items: 'smell' is not one of attitude, repair_quality, price, parts, waiting_time,"
            " other");
  a = Reached();
  a.items.clear();
  EXPECT_EQ(CheckTaskAttempt(a).field(), "items");
  a = Reached();
  a.next_service_date = "2027-05-01";
  EXPECT_EQ(CheckTaskAttempt(a).message(), "next_service: give a date or a mileage, not both");
  TaskAttempt busy;
  busy.at = "2026-11-25T02:00:00.000Z";
  busy.staff = "SA Wang";
  busy.result = "busy";
  EXPECT_TRUE(CheckTaskAttempt(busy).ok());
  busy.satisfied = true;
  EXPECT_EQ(CheckTaskAttempt(busy).message(),
            "satisfied: 'yes' given for a call that was busy (answers only when reached)");
  busy.satisfied.reset();
  busy.result = "hung_up";
  EXPECT_EQ(CheckTaskAttempt(busy).field(), "result");
}

TEST(TaskModelTest, DamagedFieldsAreNamed) {
  const Task t = Sample();
  json f = TaskInsertFields(t);
  f["due_by"] = "2026-11-20";
  EXPECT_EQ(ParseTask(t.id, f).status().message(),
            "task: due_by: '2026-11-20' is before due_from 2026-11-25");
  f = TaskInsertFields(t);
  f["kind"] = "gossip";
  EXPECT_EQ(ParseTask(t.id, f).status().message(), "task: kind: 'gossip' is not a task kind");
  f = TaskInsertFields(t);
  f["attempts"] = json::array({TaskAttemptJson(Reached())});
  f["attempts"][0]["items"] = json::array({"smell"});
  EXPECT_EQ(ParseTask(t.id, f).status().message().rfind("task: attempts[0].items: 'smell'", 0), 0u);
  EXPECT_EQ(ParseTaskUpdate(json{{"status", "lost"}}).status().message(),
            "task: status: 'lost' is not a task status");
}

TEST(TaskModelTest, AComplaintCarriesItsFieldsOnlyWhenSet) {
  // A task without a complaint logs no such key: its bytes (and hash) are
  // those of a task logged before complaints existed.
  EXPECT_FALSE(TaskInsertFields(Sample()).contains("complaint"));
  EXPECT_EQ(TaskUpdateFields(TaskUpdate{.status = "done"}), json({{"status", "done"}}));

  Task c = Sample();
  c.kind = "complaint";
  c.idempotency_key = TaskEventKey("S1", "complaint", Sample().id);
  c.id = TaskIdFor(c.idempotency_key);
  c.complaint = TaskComplaint{.source_task = Sample().id, .items = {"repair_quality"}};
  EXPECT_EQ(TaskInsertFields(c)["complaint"],
            json({{"source_task", Sample().id}, {"items", {"repair_quality"}}}));
  auto parsed = ParseTask(c.id, TaskInsertFields(c));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->complaint, c.complaint);

  TaskUpdate closing;
  closing.complaint = *c.complaint;
  closing.complaint->resolution = "redone";
  closing.complaint->override_by = "Supervisor Wu";
  closing.complaint->override_reason = "not reachable";
  auto update = ParseTaskUpdate(TaskUpdateFields(closing));
  ASSERT_TRUE(update.ok()) << update.status().message();
  ApplyTaskUpdate(*update, c);
  EXPECT_EQ(c.complaint, closing.complaint);
  EXPECT_TRUE(CheckComplaintClose(*c.complaint).ok());

  // Damaged: named.
  json bad = TaskInsertFields(c);
  bad["complaint"]["items"] = json::array();
  EXPECT_EQ(ParseTask(c.id, bad).status().message(),
            "task: complaint.items: a complaint needs at least one item (attitude,"
            " repair_quality, price, parts, waiting_time, other)");
  json stray = TaskInsertFields(Sample());
  stray["complaint"] = TaskComplaintJson(*c.complaint);
  EXPECT_EQ(ParseTask(Sample().id, stray).status().message(),
            "task: complaint: given for a task of kind after_service");
}

TaskAttempt Call(const std::string& at, const std::string& site, const std::string& result,
                 std::optional<bool> satisfied = std::nullopt) {
  TaskAttempt a;
  a.at = at;
  a.staff = site.empty() ? "SA Wang" : "CR Zhou";
  a.site = site;
  a.result = result;
  a.satisfied = satisfied;
  if (satisfied == std::optional<bool>(false)) a.items = {"price"};
  return a;
}

TEST(TaskTwoSitesTest, AttemptsOrderedByTimeThenSiteAndDeduplicated) {
  const TaskAttempt store = Call("2026-11-26T03:00:00.000Z", "", "reached", true);
  const TaskAttempt office = Call("2026-11-26T02:00:00.000Z", kHeadOfficeSite, "busy");
  const TaskAttempt tie = Call("2026-11-26T03:00:00.000Z", kHeadOfficeSite, "no_answer");
  // Whatever order they arrive in, the list is the same.
  std::vector<TaskAttempt> one = MergeTaskAttempt({}, store).attempts;
  one = MergeTaskAttempt(one, office).attempts;
  one = MergeTaskAttempt(one, tie).attempts;
  std::vector<TaskAttempt> two = MergeTaskAttempt({}, tie).attempts;
  two = MergeTaskAttempt(two, office).attempts;
  two = MergeTaskAttempt(two, store).attempts;
  EXPECT_EQ(one, two);
  ASSERT_EQ(one.size(), 3U);
  EXPECT_EQ(one[0], office);
  EXPECT_EQ(one[1], store);  // same time: the store's first
  EXPECT_EQ(one[2], tie);
  const MergedAttempts again = MergeTaskAttempt(one, store);
  EXPECT_FALSE(again.added);
  EXPECT_EQ(again.attempts, one);
  // One site's calls at the same instant stay in the order it made them.
  const TaskAttempt busy = Call("2026-11-26T03:00:00.000Z", "", "wrong_number");
  const std::vector<TaskAttempt> same = MergeTaskAttempt({busy}, store).attempts;
  ASSERT_EQ(same.size(), 2u);
  EXPECT_EQ(same[0], busy);
  EXPECT_EQ(same[1], store);
}

TEST(TaskTwoSitesTest, EarliestCompletingWinsAndContradictionsAreFound) {
  const TaskAttempt store = Call("2026-11-26T03:00:00.000Z", "", "reached", true);
  const TaskAttempt office = Call("2026-11-26T02:00:00.000Z", kHeadOfficeSite, "reached", false);
  const std::vector<TaskAttempt> both = MergeTaskAttempt({store}, office).attempts;
  ASSERT_EQ(FirstCompleting(both), std::optional<size_t>(0));
  EXPECT_EQ(both[0], office);
  EXPECT_EQ(FirstContradiction(both), std::make_optional(std::make_pair<size_t, size_t>(0, 1)));
  // Agreeing answers from both sites: no contradiction.
  const TaskAttempt agree = Call("2026-11-26T02:00:00.000Z", kHeadOfficeSite, "reached", true);
  EXPECT_FALSE(FirstContradiction(MergeTaskAttempt({store}, agree).attempts));
  // The same site twice is the store's own business, not a contradiction.
  const TaskAttempt store_later = Call("2026-11-26T05:00:00.000Z", "", "refused");
  EXPECT_FALSE(FirstContradiction(MergeTaskAttempt({store}, store_later).attempts));
  // A closing outcome completes, and differing outcomes contradict.
  TaskAttempt forgot = Call("2026-11-26T04:00:00.000Z", kHeadOfficeSite, "reached");
  forgot.outcome = "forgot";
  EXPECT_TRUE(IsCompletingAttempt(forgot));
  EXPECT_EQ(AttemptOutcome(forgot), "forgot");
  EXPECT_TRUE(AttemptsContradict(store, forgot));
}

TEST(TaskTwoSitesTest, ClosingOutcomeIsANoShowReasonOnlyWhenReached) {
  TaskAttempt a = Call("2026-11-26T04:00:00.000Z", kHeadOfficeSite, "busy");
  a.outcome = "forgot";
  Status st = CheckTaskAttempt(a);
  EXPECT_EQ(st.field(), "outcome");
  EXPECT_NE(st.message().find("'forgot' given for a call that was busy"), std::string::npos);
  a.result = "reached";
  a.outcome = "lazy";
  st = CheckTaskAttempt(a);
  EXPECT_NE(st.message().find("outcome: 'lazy' is not one of rebooked, forgot"), std::string::npos)
      << st.ToString();
  a.outcome = "went_elsewhere";
  EXPECT_TRUE(CheckTaskAttempt(a).ok());
  EXPECT_TRUE(CheckTaskAttemptFits("no_show", a).ok());
  st = CheckTaskAttemptFits("after_service", a);
  EXPECT_EQ(st.field(), "outcome");
  EXPECT_NE(st.message().find("given for a after_service task"), std::string::npos);
  // A store's attempt writes neither key: it logs and hashes as before.
  const json plain = TaskAttemptJson(Call("2026-11-26T04:00:00.000Z", "", "busy"));
  EXPECT_FALSE(plain.contains("site"));
  EXPECT_FALSE(plain.contains("outcome"));
}

}  // namespace
}  // namespace outpost::model
