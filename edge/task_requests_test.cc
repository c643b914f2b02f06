// Head office and the store on one follow-up task (edge/store_task_requests.cc,
// docs/FOLLOWUP.md "Head office and the store on one task"), on a fixed clock:
// head office's calls applied once each, kept with the store's in time order,
// the earliest completing call's outcome standing whichever came first, and
// one case when the two sites' answers contradict.
#include <gtest/gtest.h>

#include "edge/replay.h"
#include "edge/store.h"
#include "edge/tasks.h"
#include "sync/changelog.h"
#include "sync/model/request.h"
#include "sync/testing.h"
#include "tests/store_file.h"

namespace outpost::edge {
namespace {

// Monday 2026-11-23, 09:00 in Shanghai.
constexpr const char* kMondayNine = "2026-11-23T01:00:00Z";

class TaskRequestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.store_id = "SH-PUDONG";
    settings_.name = "浦东服务中心";
    auto store = Store::Create(dir_.File("store.db"), settings_, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  // Each phone booked today 10:00 (two places a slot), missed at 11:00:
  // their no-show tasks (open, today and the 2 after), in the phones' order.
  std::vector<model::Task> NoShowTasks(const std::vector<std::string>& phones) {
    std::vector<Booking> booked;
    for (size_t i = 0; i < phones.size(); ++i) {
      BookingRequest r;
      r.customer = phones[i];
      r.create_customer = NewCustomer{"王伟" + std::to_string(i), {phones[i]}};
      r.vehicle.plate = "京A1000" + std::to_string(i);
      r.date = "2026-11-23";
      r.time = "10:00";
      r.staff = "SA Zhang";
      auto b = store_->Book(r);
      EXPECT_TRUE(b.ok()) << b.status().ToString();
      if (b.ok()) booked.push_back(*b);
    }
    clock_.Set(ParseUtcMs("2026-11-23T03:00:00Z").value());
    std::vector<model::Task> out;
    for (const Booking& b : booked) {
      EXPECT_TRUE(store_->NoShow(b.ref, "SA Li").ok());
      for (const auto& line : store_->TaskList(store_->Today(), /*all=*/true).value()) {
        if (line.task.booking_id == b.id) out.push_back(line.task);
      }
    }
    EXPECT_EQ(out.size(), phones.size());
    return out;
  }
  model::Task NoShowTask() { return NoShowTasks({"13800138001"}).front(); }

  model::HeadOfficeRequest Request(const std::string& task_id, const std::string& at,
                                   const std::string& result) {
    model::HeadOfficeRequest r;
    r.kind = "task-attempt";
    r.task_id = task_id;
    model::TaskAttempt a;
    a.at = at;
    a.staff = "CR Zhou";
    a.result = result;
    a.site = model::kHeadOfficeSite;
    r.attempt = a;
    r.staff = "CR Zhou";
    return r;
  }

  TaskAttemptInput StoreCall(const std::string& result) {
    TaskAttemptInput in;
    in.result = result;
    in.staff = "SA Li";
    return in;
  }

  int64_t LogLength() {
    auto db = testing::OpenStoreFile(dir_.File("store.db"));
    auto st = db->Prepare("SELECT count(*) FROM change_log").value();
    EXPECT_TRUE(st.Step().value());
    return st.Int(0);
  }

  std::vector<ConflictCase> TaskCases() {
    auto cases = store_->Cases(/*open_only=*/false);
    EXPECT_TRUE(cases.ok());
    std::vector<ConflictCase> out;
    for (auto& c : *cases) {
      if (c.kind == "task-conflict") out.push_back(c);
    }
    return out;
  }

  // The log folded equals the tables (outpost verify's check).
  void ExpectTablesEqualTheLog() {
    auto file = testing::OpenStoreFile(dir_.File("store.db"));
    auto state = CheckStoreState(*file);
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    for (const auto& d : state->differences) {
      ADD_FAILURE() << d.entity << " " << d.field << ": table " << d.table_value.dump() << ", log "
                    << d.log_value.dump();
    }
  }

  testing::TempDir dir_;
  FixedClock clock_{ParseUtcMs(kMondayNine).value()};
  StoreSettings settings_;
  std::unique_ptr<Store> store_;
};

TEST_F(TaskRequestsTest, HeadOfficeCallOnAReturnedNoShowClosesItWithItsReasonOnce) {
  const model::Task t = NoShowTask();
  clock_.Set(ParseUtcMs("2026-11-26T01:00:00Z").value());  // Thursday: past its 3 days
  ASSERT_TRUE(store_->SweepTasks().ok());
  ASSERT_EQ(store_->GetTask(t.id)->status, "returned");
  model::HeadOfficeRequest r = Request(t.id, "2026-11-26T02:00:00.000Z", "reached");
  r.attempt->outcome = "forgot";
  clock_.Set(ParseUtcMs("2026-11-26T03:00:00Z").value());
  ASSERT_TRUE(store_->ApplyHeadOfficeTaskAttempt(7, r).ok());
  model::Task after = store_->GetTask(t.id).value();
  EXPECT_EQ(after.status, "done");
  EXPECT_EQ(after.outcome, std::optional<std::string>("forgot"));
  ASSERT_EQ(after.attempts.size(), 1u);
  EXPECT_EQ(after.attempts[0].site, "head_office");
  EXPECT_EQ(after.attempts[0].staff, "CR Zhou");
  EXPECT_EQ(store_->LastHubRequest().value(), 7);
  // The same request again (a repeated ack), and the same call under another
  // seq: one attempt.
  const int64_t logged = LogLength();
  ASSERT_TRUE(store_->ApplyHeadOfficeTaskAttempt(7, r).ok());
  EXPECT_EQ(LogLength(), logged);
  ASSERT_TRUE(store_->ApplyHeadOfficeTaskAttempt(8, r).ok());
  EXPECT_EQ(store_->GetTask(t.id)->attempts.size(), 1u);
  EXPECT_TRUE(TaskCases().empty());
  ExpectTablesEqualTheLog();
}

TEST_F(TaskRequestsTest, RefusalsNameTheFieldAndWriteNothing) {
  const model::Task t = NoShowTask();
  const int64_t logged = LogLength();
  Status st = store_->ApplyHeadOfficeTaskAttempt(
      1, Request("T-00000000000000000000", "2026-11-23T04:00:00.000Z", "busy"));
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.field(), "task");
  EXPECT_NE(st.message().find("task: head office's task T-00000000000000000000 is not at this"
                              " store"),
            std::string::npos)
      << st.ToString();
  model::HeadOfficeRequest busy = Request(t.id, "2026-11-23T04:00:00.000Z", "busy");
  busy.attempt->satisfied = true;
  st = store_->ApplyHeadOfficeTaskAttempt(2, busy);
  EXPECT_EQ(st.field(), "satisfied");
  EXPECT_NE(st.message().find("'yes' given for a call that was busy"), std::string::npos);
  // A reason only for a no-show: the after-service task of another visit.
  BookingRequest b;
  b.customer = "13800138002";
  b.create_customer = NewCustomer{"李娜", {"13800138002"}};
  b.date = "2026-11-23";
  b.time = "14:00";
  b.staff = "SA Zhang";
  const Booking booked = store_->Book(b).value();
  ASSERT_TRUE(store_->CheckIn(booked.ref, "SA Zhang").ok());
  ASSERT_TRUE(store_->StartService(booked.ref, "SA Zhang").ok());
  ASSERT_TRUE(store_->Complete(booked.ref, "SA Li").ok());
  std::string after_service;
  for (const auto& line : store_->TaskList(store_->Today(), true).value()) {
    if (line.task.kind == "after_service") after_service = line.task.id;
  }
  const int64_t logged_after = LogLength();
  model::HeadOfficeRequest reason = Request(after_service, "2026-11-24T04:00:00.000Z", "reached");
  reason.attempt->outcome = "forgot";
  st = store_->ApplyHeadOfficeTaskAttempt(3, reason);
  EXPECT_EQ(st.field(), "outcome");
  EXPECT_NE(st.message().find("'forgot' given for a after_service task"), std::string::npos)
      << st.ToString();
  EXPECT_EQ(LogLength(), logged_after);
  EXPECT_GT(logged_after, logged);
  EXPECT_EQ(store_->LastHubRequest().value(), 0);
  EXPECT_TRUE(store_->GetTask(t.id)->attempts.empty());
}

// The store reached the customer while cut off ("reached"); head office
// reached them too and recorded "went elsewhere". Whichever call was earlier
// gives the outcome (both time orders below); one case names both.

TEST_F(TaskRequestsTest, StoreClosedWhileCutOffHeadOfficeEarlierWins) {
  const model::Task t = NoShowTask();
  clock_.Set(ParseUtcMs("2026-11-23T06:00:00Z").value());  // the store's call at 14:00
  ASSERT_TRUE(store_->RecordTaskAttempt(t.id, StoreCall("reached")).ok());
  model::HeadOfficeRequest r = Request(t.id, "2026-11-23T05:00:00.000Z", "reached");
  r.attempt->outcome = "went_elsewhere";
  clock_.Set(ParseUtcMs("2026-11-23T08:00:00Z").value());
  const Status applied = store_->ApplyHeadOfficeTaskAttempt(1, r);
  ASSERT_TRUE(applied.ok()) << applied.ToString();
  model::Task after = store_->GetTask(t.id).value();
  ASSERT_EQ(after.attempts.size(), 2u);
  EXPECT_EQ(after.attempts[0].site, "head_office");  // 13:00 before 14:00
  EXPECT_EQ(after.attempts[1].site, "");
  EXPECT_EQ(after.status, "done");
  EXPECT_EQ(after.outcome, std::optional<std::string>("went_elsewhere"));
  const auto cases = TaskCases();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].status, "open");
  EXPECT_NE(
      cases[0].summary.find("head_office CR Zhou at 2026-11-23T05:00:00.000Z: went_elsewhere"),
      std::string::npos)
      << cases[0].summary;
  EXPECT_NE(cases[0].summary.find("store SA Li at "), std::string::npos) << cases[0].summary;
  EXPECT_EQ(cases[0].booking_ids, std::vector<std::string>{*t.booking_id});
  // Another contradicting call later: still one case for the task.
  model::HeadOfficeRequest again = Request(t.id, "2026-11-23T07:00:00.000Z", "refused");
  ASSERT_TRUE(store_->ApplyHeadOfficeTaskAttempt(2, again).ok());
  EXPECT_EQ(TaskCases().size(), 1u);
  EXPECT_EQ(store_->GetTask(t.id)->outcome, std::optional<std::string>("went_elsewhere"));
  ExpectTablesEqualTheLog();
}

TEST_F(TaskRequestsTest, StoreClosedWhileCutOffStoreEarlierWins) {
  const model::Task t = NoShowTask();
  clock_.Set(ParseUtcMs("2026-11-23T06:00:00Z").value());
  ASSERT_TRUE(store_->RecordTaskAttempt(t.id, StoreCall("reached")).ok());
  model::HeadOfficeRequest r = Request(t.id, "2026-11-23T07:00:00.000Z", "reached");
  r.attempt->outcome = "went_elsewhere";
  clock_.Set(ParseUtcMs("2026-11-23T08:00:00Z").value());
  ASSERT_TRUE(store_->ApplyHeadOfficeTaskAttempt(1, r).ok());
  model::Task after = store_->GetTask(t.id).value();
  ASSERT_EQ(after.attempts.size(), 2u);
  EXPECT_EQ(after.attempts[0].site, "");
  EXPECT_EQ(after.attempts[1].site, "head_office");
  EXPECT_EQ(after.outcome, std::optional<std::string>("reached"));
  ASSERT_EQ(TaskCases().size(), 1u);
  ExpectTablesEqualTheLog();
}

TEST_F(TaskRequestsTest, DissatisfiedAtHeadOfficeOpensTheComplaintAgreeingOpensNoCase) {
  const std::vector<model::Task> tasks = NoShowTasks({"13800138001", "13800138009"});
  const model::Task& t = tasks[0];
  const model::Task& other = tasks[1];
  clock_.Set(ParseUtcMs("2026-11-23T06:00:00Z").value());
  TaskAttemptInput mine = StoreCall("reached");
  mine.satisfied = "no";
  mine.items = {"price"};
  ASSERT_TRUE(store_->RecordTaskAttempt(t.id, mine).ok());
  model::HeadOfficeRequest r = Request(t.id, "2026-11-23T07:00:00.000Z", "reached");
  r.attempt->satisfied = false;
  r.attempt->items = {"waiting_time"};
  ASSERT_TRUE(store_->ApplyHeadOfficeTaskAttempt(1, r).ok());
  EXPECT_TRUE(TaskCases().empty());  // both dissatisfied, both reached: they agree
  auto complaints = store_->OpenComplaints(t.customer_id).value();
  ASSERT_EQ(complaints.size(), 1u);  // one per source task, as at the desk
  EXPECT_EQ(complaints[0].complaint->items, std::vector<std::string>{"price"});

  // Head office alone hears a dissatisfied answer on another no-show task.
  model::HeadOfficeRequest only = Request(other.id, "2026-11-23T04:00:00.000Z", "reached");
  only.attempt->satisfied = false;
  only.attempt->items = {"attitude"};
  ASSERT_TRUE(store_->ApplyHeadOfficeTaskAttempt(2, only).ok());
  auto theirs = store_->OpenComplaints(other.customer_id).value();
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs[0].complaint->items, std::vector<std::string>{"attitude"});
  EXPECT_EQ(theirs[0].complaint->source_task, other.id);
  ExpectTablesEqualTheLog();
}

TEST_F(TaskRequestsTest, StoresDissatisfiedCallBeforeAHeadOfficeCallOpensItsComplaint) {
  // Head office's call (busy, by its clock later than the store's) is applied
  // first; the store's own dissatisfied call then sorts before it.
  const model::Task t = NoShowTask();
  ASSERT_TRUE(
      store_->ApplyHeadOfficeTaskAttempt(1, Request(t.id, "2026-11-23T09:00:00.000Z", "busy"))
          .ok());
  clock_.Set(ParseUtcMs("2026-11-23T06:00:00Z").value());
  TaskAttemptInput mine = StoreCall("reached");
  mine.satisfied = "no";
  mine.items = {"parts"};
  ASSERT_TRUE(store_->RecordTaskAttempt(t.id, mine).ok());
  const model::Task after = store_->GetTask(t.id).value();
  ASSERT_EQ(after.attempts.size(), 2u);
  EXPECT_EQ(after.attempts[0].staff, "SA Li");
  EXPECT_EQ(after.outcome, std::optional<std::string>("reached"));
  auto complaints = store_->OpenComplaints(t.customer_id).value();
  ASSERT_EQ(complaints.size(), 1u);
  EXPECT_EQ(complaints[0].complaint->items, std::vector<std::string>{"parts"});
  EXPECT_NE(complaints[0].reason.find("dissatisfied on call 1 of"), std::string::npos)
      << complaints[0].reason;
  ExpectTablesEqualTheLog();
}

TEST_F(TaskRequestsTest, ANoShowRebookedHereKeepsItsOutcomeAndACallSayingOtherwiseIsACase) {
  const model::Task t = NoShowTask();
  BookingRequest again;
  again.customer = "13800138001";
  again.date = "2026-11-25";
  again.time = "10:00";
  again.staff = "SA Zhang";
  ASSERT_TRUE(store_->Book(again).ok());
  ASSERT_TRUE(store_->SweepTasks().ok());
  ASSERT_EQ(store_->GetTask(t.id)->outcome, std::optional<std::string>("rebooked"));
  model::HeadOfficeRequest r = Request(t.id, "2026-11-23T04:00:00.000Z", "reached");
  r.attempt->outcome = "went_elsewhere";
  ASSERT_TRUE(store_->ApplyHeadOfficeTaskAttempt(1, r).ok());
  const model::Task after = store_->GetTask(t.id).value();
  EXPECT_EQ(after.outcome, std::optional<std::string>("rebooked"));
  EXPECT_EQ(after.attempts.size(), 1u);
  const auto cases = TaskCases();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_NE(cases[0].summary.find(": rebooked | head_office CR Zhou"), std::string::npos)
      << cases[0].summary;
  ExpectTablesEqualTheLog();
}

}  // namespace
}  // namespace outpost::edge
