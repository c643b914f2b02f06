// Follow-up tasks at the store (edge/store.h, edge/tasks.h), on a fixed
// clock: made by completions and no-shows once per event, calls recorded as
// the manual defines them, the no-show loop, complaints (opened by a
// dissatisfied answer, closed by the rules, escalated when overdue), and the
// tables equal to the log.
#include "edge/tasks.h"

#include <gtest/gtest.h>

#include "edge/replay.h"
#include "edge/store.h"
#include "sync/changelog.h"
#include "sync/ids.h"
#include "sync/testing.h"
#include "tests/store_file.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

// Monday 2026-11-23, 09:00 in Shanghai.
constexpr const char* kMondayNine = "2026-11-23T01:00:00Z";
constexpr int64_t kMinute = int64_t{60} * 1000;
constexpr int64_t kDay = 24 * 60 * kMinute;

class TasksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.store_id = "SH-PUDONG";
    settings_.name = "浦东服务中心";
    auto store = Store::Create(dir_.File("store.db"), settings_, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  // Today (Monday) at 10:00 for a new customer.
  Booking BookToday(const std::string& phone, const std::string& name,
                    const std::string& plate = "京A10001") {
    BookingRequest r;
    r.customer = phone;
    r.create_customer = NewCustomer{name, {phone}};
    r.vehicle.plate = plate;
    r.date = "2026-11-23";
    r.time = "10:00";
    r.staff = "SA Zhang";
    auto b = store_->Book(r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? *b : Booking{};
  }

  // Served and completed at 10:30.
  Booking Served(const std::string& phone, const std::string& name,
                 const std::string& plate = "京A10001") {
    Booking b = BookToday(phone, name, plate);
    clock_.Set(ParseUtcMs("2026-11-23T02:05:00Z").value());
    EXPECT_TRUE(store_->CheckIn(b.ref, "SA Zhang").ok());
    EXPECT_TRUE(store_->StartService(b.ref, "SA Zhang").ok());
    clock_.Set(ParseUtcMs("2026-11-23T02:30:00Z").value());
    auto done = store_->Complete(b.ref, "SA Li");
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    return b;
  }

  // Not there at 11:00.
  Booking NoShow(const std::string& phone, const std::string& name) {
    Booking b = BookToday(phone, name);
    clock_.Set(ParseUtcMs("2026-11-23T03:00:00Z").value());
    auto missed = store_->NoShow(b.ref, "SA Li");
    EXPECT_TRUE(missed.ok()) << missed.status().ToString();
    return b;
  }

  std::vector<model::Task> All() {
    auto lines = store_->TaskList(store_->Today(), /*all=*/true);
    EXPECT_TRUE(lines.ok()) << lines.status().ToString();
    std::vector<model::Task> out;
    for (auto& line : *lines) out.push_back(line.task);
    return out;
  }

  int64_t LoggedTaskChanges() {
    auto db = testing::OpenStoreFile(dir_.File("store.db"));
    auto st =
        db->Prepare("SELECT count(*) FROM change_log WHERE entity IN ('task', 'customer')").value();
    EXPECT_TRUE(st.Step().value());
    return st.Int(0);
  }

  TaskAttemptInput Call(const std::string& result) {
    TaskAttemptInput in;
    in.result = result;
    in.staff = "SA Li";
    return in;
  }

  // A visit completed Monday, its follow-up reached Tuesday 10:00 and the
  // customer dissatisfied with `items`: returns the complaint it opened.
  model::Task Dissatisfied(const std::string& phone, const std::string& name,
                           const std::vector<std::string>& items,
                           const std::string& complaint_owner = "",
                           const std::string& complaint_due = "") {
    clock_.Set(ParseUtcMs(kMondayNine).value());  // each such customer's Monday
    const Booking b = Served(phone, name, "京A" + phone.substr(phone.size() - 5));
    clock_.Set(ParseUtcMs("2026-11-24T02:00:00Z").value());
    const auto after = store_->OpenComplaints(b.customer_id);
    EXPECT_TRUE(after.ok() && after->empty());
    std::string source;
    for (const auto& t : All()) {
      if (t.booking_id == b.id && t.kind == "after_service") source = t.id;
    }
    TaskAttemptInput in = Call("reached");
    in.satisfied = "no";
    in.items = items;
    in.complaint_owner = complaint_owner;
    in.complaint_due = complaint_due;
    auto done = store_->RecordTaskAttempt(source, in);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    auto open = store_->OpenComplaints(b.customer_id);
    EXPECT_TRUE(open.ok() && open->size() == 1u);
    return open.ok() && open->size() == 1u ? open->front() : model::Task{};
  }

  // The store's log replayed into a new store file: the same tables, the
  // same digests, every task the same; nullptr (with failures) otherwise.
  std::unique_ptr<Store> ReplayedEqual() {
    auto rebuilt = Store::Create(dir_.File("rebuilt.db"), settings_, clock_);
    if (!rebuilt.ok()) return nullptr;
    auto file = testing::OpenStoreFile(dir_.File("rebuilt.db"));
    auto source = testing::OpenStoreFile(dir_.File("store.db"));
    for (const auto& e : ReadChanges(*source, 1, 10000).value()) {
      const Status st = ReplayChange(*file, e);
      EXPECT_TRUE(st.ok()) << e.seq << " " << e.entity << ": " << st.ToString();
      if (!st.ok()) return nullptr;
    }
    auto mine = CheckStoreState(*source).value();
    auto theirs = CheckStoreState(*file).value();
    EXPECT_TRUE(mine.differences.empty());
    for (const auto& d : theirs.differences) {
      ADD_FAILURE() << d.entity << " " << d.field << ": table " << d.table_value.dump() << ", log "
                    << d.log_value.dump();
    }
    EXPECT_EQ(theirs.digests.size(), mine.digests.size());
    for (size_t i = 0; i < mine.digests.size() && i < theirs.digests.size(); ++i) {
      EXPECT_EQ(theirs.digests[i].digest, mine.digests[i].digest) << "bucket " << i;
    }
    for (const auto& t : All()) {
      EXPECT_EQ(model::TaskJson((*rebuilt)->GetTask(t.id).value()), model::TaskJson(t));
    }
    return std::move(rebuilt).value();
  }

  ComplaintClose Closing(const std::string& resolution) {
    ComplaintClose c;
    c.resolution = resolution;
    c.staff = "SA Li";
    return c;
  }

  testing::TempDir dir_;
  FixedClock clock_{ParseUtcMs(kMondayNine).value()};
  StoreSettings settings_;
  std::unique_ptr<Store> store_;
};

TEST_F(TasksTest, ACompletedVisitGetsOneAfterServiceTaskForTheNextThreeDays) {
  const Booking b = Served("13800138001", "王伟");
  auto tasks = All();
  ASSERT_EQ(tasks.size(), 1u);
  const model::Task& t = tasks[0];
  EXPECT_EQ(t.kind, "after_service");
  EXPECT_EQ(t.booking_id, b.id);
  EXPECT_EQ(t.customer_id, b.customer_id);
  EXPECT_EQ(t.vehicle_id, b.vehicle_id);
  EXPECT_EQ(t.owner, "SA Li");  // no advisor assigned: whoever completed it
  EXPECT_EQ(t.due_from, "2026-11-24");
  EXPECT_EQ(t.due_by, "2026-11-26");
  EXPECT_EQ(t.status, "open");
  EXPECT_EQ(t.id, model::TaskIdFor(model::TaskEventKey("SH-PUDONG", "after_service", b.id)));
  // Not on today's list (it starts tomorrow); on tomorrow's.
  EXPECT_TRUE(store_->TaskList(store_->Today(), false)->empty());
  EXPECT_EQ(store_->TaskList(store_->Today().AddDays(1), false)->size(), 1u);

  // The same event again (by hand, the same kind for the same booking) makes
  // nothing: refused naming the booking.
  auto again = store_->AddTask({"after_service", "13800138001", b.ref, "", "", "", "SA Li"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().field(), "booking");
  EXPECT_EQ(All().size(), 1u);
}

TEST_F(TasksTest, ANoShowGetsATaskForThreeDaysThenGoesToHeadOffice) {
  const Booking b = NoShow("13800138002", "李娜");
  auto tasks = All();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].kind, "no_show");
  EXPECT_EQ(tasks[0].due_from, "2026-11-23");
  EXPECT_EQ(tasks[0].due_by, "2026-11-25");
  // One call a day shows on the list until a call is made that day.
  auto today = store_->TaskList(store_->Today(), false).value();
  ASSERT_EQ(today.size(), 1u);
  EXPECT_FALSE(today[0].called_today);
  ASSERT_TRUE(store_->RecordTaskAttempt(ShortId(tasks[0].id), Call("no_answer")).ok());
  EXPECT_TRUE(store_->TaskList(store_->Today(), false).value()[0].called_today);

  // Wednesday, its last day: still the store's.
  clock_.Advance(2 * kDay);
  auto swept = store_->SweepTasks();
  ASSERT_TRUE(swept.ok()) << swept.status().ToString();
  EXPECT_TRUE(swept->returned.empty());
  EXPECT_FALSE(store_->TaskList(store_->Today(), false).value()[0].called_today);
  // Thursday: not rebooked, so returned to head office with its calls.
  clock_.Advance(kDay);
  swept = store_->SweepTasks();
  ASSERT_TRUE(swept.ok());
  ASSERT_EQ(swept->returned.size(), 1u);
  const model::Task t = store_->GetTask(tasks[0].id).value();
  EXPECT_EQ(t.status, "returned");
  EXPECT_EQ(t.owner, "head_office");
  EXPECT_EQ(t.attempts.size(), 1u);
  EXPECT_EQ(t.reason, "not rebooked by 2026-11-25: returned to head office with 1 call(s)");
  EXPECT_TRUE(store_->TaskList(store_->Today(), false)->empty());
  // A second sweep changes nothing.
  EXPECT_TRUE(store_->SweepTasks()->returned.empty());
  (void)b;
}

TEST_F(TasksTest, ANoShowRebookedIsDone) {
  const Booking missed = NoShow("13800138003", "张伟");
  clock_.Advance(kDay);  // Tuesday: the customer books again
  BookingRequest r;
  r.customer = "13800138003";
  r.date = "2026-11-26";
  r.time = "10:00";
  r.staff = "SA Zhang";
  auto again = store_->Book(r);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto swept = store_->SweepTasks();
  ASSERT_TRUE(swept.ok());
  ASSERT_EQ(swept->rebooked.size(), 1u);
  const model::Task t = swept->rebooked[0];
  EXPECT_EQ(t.status, "done");
  EXPECT_EQ(t.outcome, "rebooked");
  EXPECT_EQ(t.reason, "rebooked as " + again->ref + " (2026-11-26 10:00)");
  EXPECT_EQ(t.booking_id, missed.id);
  clock_.Advance(3 * kDay);
  EXPECT_TRUE(store_->SweepTasks()->returned.empty());  // done stays done
}

TEST_F(TasksTest, CallsAreRecordedAsTheManualDefinesThem) {
  Served("13800138004", "赵敏");
  clock_.Advance(kDay);
  const std::string id = All()[0].id;
  auto busy = store_->RecordTaskAttempt(id, Call("busy"));
  ASSERT_TRUE(busy.ok()) << busy.status().ToString();
  EXPECT_EQ(busy->status, "open");

  TaskAttemptInput reached = Call("reached");
  reached.fault_fixed = "yes";
  reached.satisfied = "no";
  reached.items = {"price", "waiting_time"};
  reached.next_service_km = 45000;
  reached.note = "价格偏高";
  auto done = store_->RecordTaskAttempt(ShortId(id), reached);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->status, "done");
  EXPECT_EQ(done->outcome, "reached");
  ASSERT_EQ(done->attempts.size(), 2u);
  EXPECT_EQ(done->attempts[1].satisfied, false);
  EXPECT_EQ(done->attempts[1].items, (std::vector<std::string>{"price", "waiting_time"}));
  EXPECT_EQ(done->attempts[1].next_service_km, 45000);
  EXPECT_EQ(done->attempts[1].staff, "SA Li");

  // A closed task takes no more calls; nothing written.
  const int64_t logged = LoggedTaskChanges();
  auto closed = store_->RecordTaskAttempt(id, Call("busy"));
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.status().field(), "task");
  EXPECT_EQ(closed.status().message(),
            "task: " + ShortId(id) + " is done (reached); a closed task takes no more calls");
  EXPECT_EQ(LoggedTaskChanges(), logged);
}

TEST_F(TasksTest, BadCallsAreRefusedNamingFieldValueAndReasonAndWriteNothing) {
  Served("13800138005", "钱进");
  const std::string id = All()[0].id;
  const int64_t logged = LoggedTaskChanges();
  auto refused = [&](const TaskAttemptInput& in) {
    auto r = store_->RecordTaskAttempt(id, in);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
    return r.status();
  };
  TaskAttemptInput items = Call("reached");
  items.items = {"price"};
  Status s = refused(items);
  EXPECT_EQ(s.field(), "items");
  EXPECT_EQ(s.message(),
            "items: 'price' given, but items are only for a dissatisfied customer (satisfied no)");
  items.satisfied = "no";
  items.items = {"smell"};
  EXPECT_EQ(refused(items).message(),
            "items: 'smell' is not one of attitude, repair_quality, price, parts, waiting_time,"
            " other");
  TaskAttemptInput maybe = Call("reached");
  maybe.satisfied = "maybe";
  EXPECT_EQ(refused(maybe).message(), "satisfied: 'maybe' is not yes or no");
  TaskAttemptInput busy = Call("busy");
  busy.fault_fixed = "yes";
  EXPECT_EQ(refused(busy).field(), "fault_fixed");
  EXPECT_EQ(refused(Call("hung_up")).message(),
            "result: 'hung_up' is not one of reached, no_answer, busy, wrong_number,"
            " empty_number, refused");
  TaskAttemptInput date = Call("reached");
  date.next_service_date = "2027-02-30";
  EXPECT_EQ(refused(date).field(), "next_service");
  EXPECT_EQ(LoggedTaskChanges(), logged);
  EXPECT_TRUE(All()[0].attempts.empty());
}

TEST_F(TasksTest, AWrongNumberMarksThePhoneDoubtfulOnTheCustomer) {
  const Booking b = Served("13800138006", "孙丽");
  const std::string id = All()[0].id;
  auto wrong = store_->RecordTaskAttempt(id, Call("wrong_number"));
  ASSERT_TRUE(wrong.ok()) << wrong.status().ToString();
  EXPECT_EQ(wrong->status, "open");  // someone must find the right number
  const Customer c = store_->ResolveCustomer(b.customer_id).value();
  EXPECT_EQ(c.doubtful_phones, std::vector<std::string>{"+8613800138006"});
  // Logged on the customer, so head office and a rebuilt store know it.
  auto db = testing::OpenStoreFile(dir_.File("store.db"));
  auto st = db->Prepare(
                  "SELECT fields FROM change_log WHERE entity = 'customer' ORDER BY seq"
                  " DESC LIMIT 1")
                .value();
  ASSERT_TRUE(st.Step().value());
  EXPECT_EQ(json::parse(st.Text(0))["doubtful_phones"], json({"+8613800138006"}));
  // Marked once: a second wrong number logs no second customer change.
  ASSERT_TRUE(store_->RecordTaskAttempt(id, Call("empty_number")).ok());
  EXPECT_EQ(store_->ResolveCustomer(b.customer_id)->doubtful_phones.size(), 1u);
}

TEST_F(TasksTest, ADissatisfiedAnswerOpensOneComplaintWithItsItems) {
  const model::Task c = Dissatisfied("13800138011", "郑爽", {"repair_quality", "price"});
  EXPECT_EQ(c.kind, "complaint");
  EXPECT_EQ(c.status, "open");
  EXPECT_EQ(c.owner, "SA Li");  // no advisor on the booking: whoever recorded the call
  EXPECT_EQ(c.due_from, "2026-11-24");
  EXPECT_EQ(c.due_by, "2026-12-01");  // kComplaintDays after the call
  ASSERT_TRUE(c.complaint.has_value());
  EXPECT_EQ(c.complaint->items, (std::vector<std::string>{"repair_quality", "price"}));
  const model::Task source = store_->GetTask(c.complaint->source_task).value();
  EXPECT_EQ(source.kind, "after_service");
  EXPECT_EQ(source.status, "done");
  EXPECT_EQ(c.booking_id, source.booking_id);
  EXPECT_EQ(c.customer_id, source.customer_id);
  EXPECT_EQ(c.id, model::TaskIdFor(model::TaskEventKey("SH-PUDONG", "complaint", source.id)));
  EXPECT_EQ(c.reason, "dissatisfied on call 1 of " + ShortId(source.id) +
                          " (after_service 261123-1): repair_quality, price");
  EXPECT_FALSE(c.complaint->resolution || c.complaint->escalated_at);

  // Logged: the complaint's insert carries the key; the other task's changes
  // do not, so they read and hash as before complaints existed.
  auto db = testing::OpenStoreFile(dir_.File("store.db"));
  auto st =
      db->Prepare("SELECT entity_id, fields FROM change_log WHERE entity = 'task' ORDER BY seq")
          .value();
  int with_complaint = 0;
  while (st.Step().value()) {
    const json fields = json::parse(st.Text(1));
    EXPECT_EQ(fields.contains("complaint"), st.Text(0) == c.id);
    with_complaint += fields.contains("complaint") ? 1 : 0;
  }
  EXPECT_EQ(with_complaint, 1);
  EXPECT_EQ(model::TaskInsertFields(source).contains("complaint"), false);

  // A named supervisor may own it; a satisfied answer opens none.
  const model::Task owned =
      Dissatisfied("13800138012", "冯晓", {"attitude"}, "Supervisor Wu", "2026-12-10");
  EXPECT_EQ(owned.owner, "Supervisor Wu");
  EXPECT_EQ(owned.due_by, "2026-12-10");
  auto manual = store_->AddTask({"manual", "13800138011", "", "", "", "", "SA Li"});
  ASSERT_TRUE(manual.ok()) << manual.status().ToString();
  const std::string id = manual->id;
  TaskAttemptInput happy = Call("reached");
  happy.satisfied = "yes";
  happy.complaint_owner = "Supervisor Wu";
  auto refused = store_->RecordTaskAttempt(id, happy);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "complaint_owner");
  happy.complaint_owner.clear();
  happy.complaint_due = "+14";
  refused = store_->RecordTaskAttempt(id, happy);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            "complaint_due: '+14' given, but only a dissatisfied answer (satisfied no) opens a"
            " complaint");
  TaskAttemptInput past = Call("reached");
  past.satisfied = "no";
  past.items = {"other"};
  past.complaint_due = "2026-11-01";
  refused = store_->RecordTaskAttempt(id, past);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "complaint_due: 2026-11-01 is before today (2026-11-24)");
  EXPECT_EQ(store_->GetTask(id)->status, "open");
}

TEST_F(TasksTest, AComplaintClosesOnlyByTheRulesAndARefusalWritesNothing) {
  const model::Task c = Dissatisfied("13800138014", "褚红", {"parts"});
  const int64_t logged = LoggedTaskChanges();
  auto refused = [&](const std::string& task, const ComplaintClose& close) {
    auto r = store_->CloseComplaint(task, close);
    EXPECT_FALSE(r.ok());
    return r.status();
  };
  Status s = refused(c.id, Closing(""));
  EXPECT_EQ(s.field(), "resolution");
  EXPECT_EQ(s.message(),
            "resolution: missing: a complaint closes only with its resolution (--resolution TEXT)");
  s = refused(c.id, Closing("换了配件"));
  EXPECT_EQ(s.field(), "confirmation");
  EXPECT_EQ(s.message(),
            "confirmation: none: a complaint closes only when the customer confirms it on the"
            " second follow-up call (--customer-confirmed) or a supervisor overrides"
            " (--override-by SUPERVISOR --reason TEXT)");
  ComplaintClose no_reason = Closing("换了配件");
  no_reason.override_by = "Supervisor Wu";
  s = refused(c.id, no_reason);
  EXPECT_EQ(s.field(), "reason");
  EXPECT_EQ(s.message(),
            "reason: missing for the override by 'Supervisor Wu': a supervisor's override needs"
            " its reason (--reason TEXT)");
  ComplaintClose both = no_reason;
  both.reason = "客户不接电话";
  both.customer_confirmed = true;
  EXPECT_EQ(refused(c.id, both).field(), "confirmation");
  ComplaintClose stray = Closing("换了配件");
  stray.customer_confirmed = true;
  stray.reason = "无";
  EXPECT_EQ(refused(c.id, stray).message(),
            "reason: '无' given without an override (--override-by SUPERVISOR)");
  ComplaintClose good = Closing("换了配件");
  good.customer_confirmed = true;
  const std::string source = c.complaint->source_task;
  s = refused(source, good);
  EXPECT_EQ(s.field(), "task");
  EXPECT_EQ(s.message(), "task: " + ShortId(source) +
                             " is a after_service task, not a complaint; only a complaint is"
                             " closed this way");
  EXPECT_EQ(LoggedTaskChanges(), logged);
  EXPECT_EQ(store_->GetTask(c.id)->status, "open");
  EXPECT_FALSE(store_->GetTask(c.id)->complaint->resolution);

  // With the customer's confirmation: done, resolved, kept on the complaint.
  auto closed = store_->CloseComplaint(ShortId(c.id), good);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->status, "done");
  EXPECT_EQ(closed->outcome, "resolved");
  EXPECT_EQ(closed->complaint->resolution, "换了配件");
  EXPECT_TRUE(closed->complaint->confirmed_by_customer);
  EXPECT_EQ(closed->reason, "resolved: 换了配件 (confirmed by the customer)");
  EXPECT_TRUE(store_->OpenComplaints(c.customer_id)->empty());
  // Closed once: again is refused, nothing written.
  const int64_t after = LoggedTaskChanges();
  s = refused(c.id, good);
  EXPECT_EQ(s.field(), "task");
  EXPECT_EQ(s.message(),
            "task: " + ShortId(c.id) + " is done (resolved); only an open complaint can be closed");
  EXPECT_EQ(LoggedTaskChanges(), after);

  // By a supervisor's override with its reason.
  const model::Task other = Dissatisfied("13800138015", "卫东", {"waiting_time"});
  ComplaintClose override = Closing("已道歉并赠送保养");
  override.override_by = "Supervisor Wu";
  override.reason = "客户三次未接";
  auto overridden = store_->CloseComplaint(other.id, override);
  ASSERT_TRUE(overridden.ok()) << overridden.status().ToString();
  EXPECT_EQ(overridden->status, "done");
  EXPECT_FALSE(overridden->complaint->confirmed_by_customer);
  EXPECT_EQ(overridden->complaint->override_by, "Supervisor Wu");
  EXPECT_EQ(overridden->complaint->override_reason, "客户三次未接");
}

TEST_F(TasksTest, AnOverdueComplaintIsEscalatedToHeadOfficeByTheSweepOnce) {
  const model::Task c = Dissatisfied("13800138016", "蒋华", {"attitude", "other"});
  // On its deadline it is still the store's.
  clock_.Set(ParseUtcMs("2026-12-01T10:00:00Z").value());
  EXPECT_TRUE(store_->SweepTasks()->escalated.empty());
  clock_.Set(ParseUtcMs("2026-12-02T01:00:00Z").value());  // the day after, 09:00
  auto swept = store_->SweepTasks();
  ASSERT_TRUE(swept.ok()) << swept.status().ToString();
  ASSERT_EQ(swept->escalated.size(), 1u);
  const model::Task e = store_->GetTask(c.id).value();
  EXPECT_EQ(e.status, "open");  // still to be resolved, by the same rules
  EXPECT_EQ(e.owner, "head_office");
  EXPECT_EQ(e.complaint->escalated_at, "2026-12-02T01:00:00.000Z");
  EXPECT_EQ(e.reason,
            "not resolved by its deadline 2026-12-01 (owner SA Li): escalated to head office");
  // Once: a later sweep leaves it.
  const int64_t logged = LoggedTaskChanges();
  clock_.Advance(kDay);
  EXPECT_TRUE(store_->SweepTasks()->escalated.empty());
  EXPECT_EQ(LoggedTaskChanges(), logged);
  EXPECT_EQ(store_->OpenComplaints(c.customer_id)->size(), 1u);
}

TEST_F(TasksTest, ReplayGivesTheSameComplaints) {
  const model::Task closed = Dissatisfied("13800138017", "沈月", {"price"});
  const model::Task escalated = Dissatisfied("13800138018", "韩雪", {"repair_quality"});
  ComplaintClose good = Closing("退还差价");
  good.customer_confirmed = true;
  ASSERT_TRUE(store_->CloseComplaint(closed.id, good).ok());
  clock_.Set(ParseUtcMs("2026-12-03T01:00:00Z").value());
  ASSERT_EQ(store_->SweepTasks()->escalated.size(), 1u);

  std::unique_ptr<Store> rebuilt = ReplayedEqual();
  ASSERT_TRUE(rebuilt);
  auto source = testing::OpenStoreFile(dir_.File("store.db"));
  EXPECT_TRUE(rebuilt->GetTask(closed.id)->complaint->confirmed_by_customer);
  EXPECT_TRUE(rebuilt->GetTask(escalated.id)->complaint->escalated_at);
  // A resolution changed behind the system's back is named.
  ASSERT_TRUE(source
                  ->Exec("UPDATE tasks SET complaint = json_set(complaint, '$.resolution', 'x')"
                         " WHERE id = '" +
                         closed.id + "'")
                  .ok());
  auto tampered = CheckStoreState(*source).value();
  ASSERT_EQ(tampered.differences.size(), 1u);
  EXPECT_EQ(tampered.differences.front().field, "complaint");
}

TEST_F(TasksTest, ReplayGivesTheSameTasksAndVerifyNamesATamperedOne) {
  const Booking served = BookToday("13800138007", "周杰");
  const Booking missed = BookToday("13800138008", "吴芳", "京A10002");
  clock_.Set(ParseUtcMs("2026-11-23T02:05:00Z").value());
  ASSERT_TRUE(store_->CheckIn(served.ref, "SA Zhang").ok());
  ASSERT_TRUE(store_->StartService(served.ref, "SA Zhang").ok());
  ASSERT_TRUE(store_->Complete(served.ref, "SA Li").ok());
  ASSERT_TRUE(store_->NoShow(missed.ref, "SA Li").ok());
  clock_.Advance(kDay);
  auto tasks = All();
  ASSERT_EQ(tasks.size(), 2u);
  ASSERT_EQ(tasks[0].kind, "no_show");  // its last day is sooner
  TaskAttemptInput reached = Call("reached");
  reached.satisfied = "yes";
  reached.next_service_date = "2027-05-01";
  ASSERT_TRUE(store_->RecordTaskAttempt(tasks[1].id, reached).ok());
  ASSERT_TRUE(store_->RecordTaskAttempt(tasks[0].id, Call("wrong_number")).ok());
  clock_.Advance(3 * kDay);
  ASSERT_EQ(store_->SweepTasks()->returned.size(), 1u);

  ASSERT_TRUE(ReplayedEqual());
  auto source = testing::OpenStoreFile(dir_.File("store.db"));

  // An owner changed behind the system's back is named; repair puts it back.
  ASSERT_TRUE(
      source->Exec("UPDATE tasks SET owner = 'SA X' WHERE id = '" + tasks[0].id + "'").ok());
  auto tampered = CheckStoreState(*source).value();
  ASSERT_EQ(tampered.differences.size(), 1u);
  const FieldDifference& d = tampered.differences.front();
  EXPECT_EQ(d.entity, "task");
  EXPECT_EQ(d.field, "owner");
  auto tx = Transaction::Begin(*source).value();
  ASSERT_TRUE(RepairFieldFromLog(*source, d, clock_.NowMs()).ok());
  ASSERT_TRUE(tx->Commit().ok());
  EXPECT_TRUE(CheckStoreState(*source)->differences.empty());
}

}  // namespace
}  // namespace outpost::edge
