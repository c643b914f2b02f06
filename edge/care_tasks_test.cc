// Care calls from dates and the calls after a purchase (edge/store_care_tasks.cc,
// docs/FOLLOWUP.md "Care calls and purchases"), on a fixed clock: each kind
// made in its window once however often the sweep runs, never for a customer
// who is not opted in to calls, 29 February, a changed date cancelling the old
// occasion's task, a holiday moving a window, a purchase making its two tasks
// once, every refusal by its field and message with nothing written, and the
// tables equal to the log.
#include <gtest/gtest.h>

#include "edge/replay.h"
#include "edge/store.h"
#include "edge/tasks.h"
#include "sync/changelog.h"
#include "sync/ids.h"
#include "sync/testing.h"
#include "tests/store_file.h"

namespace outpost::edge {
namespace {

// Monday 2026-11-23, 09:00 in Shanghai.
constexpr const char* kMondayNine = "2026-11-23T01:00:00Z";
constexpr int64_t kDay = int64_t{24} * 60 * 60 * 1000;

class CareTasksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.store_id = "SH-PUDONG";
    settings_.name = "浦东服务中心";
    auto store = Store::Create(dir_.File("store.db"), settings_, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  // A customer opted in to calls (care calls are marketing), with a birthday
  // and a vehicle's dates as given.
  Customer Add(const std::string& phone, const std::string& birthday, bool opted_in = true,
               NewVehicle vehicle = {}) {
    NewCustomer c{.name = "客户" + phone.substr(phone.size() - 4),
                  .phones = {phone},
                  .contact_opt_in = opted_in,
                  .consent_channels = opted_in ? std::vector<ContactChannel>{ContactChannel::kCall}
                                               : std::vector<ContactChannel>{},
                  .birthday = birthday};
    auto added = store_->AddCustomer(c, vehicle, "SA Zhang");
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? *added : Customer{};
  }

  TaskSweep Sweep() {
    auto swept = store_->SweepTasks();
    EXPECT_TRUE(swept.ok()) << swept.status().ToString();
    return swept.ok() ? *swept : TaskSweep{};
  }

  std::vector<model::Task> Tasks(const std::string& kind) {
    auto lines = store_->TaskList(store_->Today(), /*all=*/true);
    EXPECT_TRUE(lines.ok()) << lines.status().ToString();
    std::vector<model::Task> out;
    for (auto& line : *lines) {
      if (line.task.kind == kind) out.push_back(line.task);
    }
    return out;
  }

  int64_t LoggedChanges() {
    auto db = testing::OpenStoreFile(dir_.File("store.db"));
    auto st = db->Prepare("SELECT count(*) FROM change_log").value();
    EXPECT_TRUE(st.Step().value());
    return st.Int(0);
  }

  void At(const char* utc) { clock_.Set(ParseUtcMs(utc).value()); }

  testing::TempDir dir_;
  FixedClock clock_{ParseUtcMs(kMondayNine).value()};
  StoreSettings settings_;
  std::unique_ptr<Store> store_;
};

TEST_F(CareTasksTest, BirthdayCalledFromThreeDaysBeforeToTheDayOnce) {
  const Customer thursday = Add("13800138001", "11-26");     // window 11-23 .. 11-26: today
  const Customer friday = Add("13800138002", "1990-11-27");  // window opens tomorrow
  TaskSweep first = Sweep();
  ASSERT_EQ(first.care.size(), 1u);
  const model::Task& t = first.care.front();
  EXPECT_EQ(t.kind, "care_birthday");
  EXPECT_EQ(t.customer_id, thursday.id);
  EXPECT_EQ(t.due_from, "2026-11-23");
  EXPECT_EQ(t.due_by, "2026-11-26");
  EXPECT_EQ(t.idempotency_key, "SH-PUDONG/care_birthday/customer/" + thursday.id + "/2026-11-26");
  EXPECT_EQ(t.id, model::TaskIdFor(t.idempotency_key));
  EXPECT_EQ(t.reason, "birthday 2026-11-26 (11-26)");
  EXPECT_EQ(t.owner, "desk");

  // Again the same day, and the days after: nothing new for that occasion.
  const int64_t logged = LoggedChanges();
  EXPECT_TRUE(Sweep().care.empty());
  EXPECT_EQ(LoggedChanges(), logged) << "a sweep with nothing to do writes nothing";
  clock_.Advance(kDay);
  TaskSweep tuesday = Sweep();
  ASSERT_EQ(tuesday.care.size(), 1u);
  EXPECT_EQ(tuesday.care.front().customer_id, friday.id);
  EXPECT_EQ(tuesday.care.front().due_by, "2026-11-27");
  clock_.Advance(kDay);
  EXPECT_TRUE(Sweep().care.empty());
  EXPECT_EQ(Tasks("care_birthday").size(), 2u);
}

TEST_F(CareTasksTest, NotForACustomerWhoIsNotOptedInToCalls) {
  Add("13800138003", "11-24", /*opted_in=*/false);  // never asked
  const Customer dnd = Add("13800138004", "11-24");
  CustomerUpdate quiet;
  quiet.do_not_disturb = true;
  ASSERT_TRUE(store_->UpdateCustomer(dnd.id, quiet, "SA Zhang").ok());
  const Customer out = Add("13800138005", "11-24");
  CustomerUpdate opt_out;
  opt_out.contact_opt_in = false;
  opt_out.consent_channels = {ContactChannel::kCall};
  ASSERT_TRUE(store_->UpdateCustomer(out.id, opt_out, "SA Zhang").ok());
  Add("13800138006", "11-24", true,
      NewVehicle{.plate = "京A20001", .inspection_due = "2026-12-10"});
  // Only the fourth, opted in: a birthday and an inspection call.
  TaskSweep swept = Sweep();
  ASSERT_EQ(swept.care.size(), 2u);
  for (const auto& t : swept.care) EXPECT_NE(t.customer_id, out.id);
  EXPECT_EQ(Tasks("care_birthday").size(), 1u);
}

TEST_F(CareTasksTest, February29IsCalledOnThe28thInAYearWithoutOne) {
  At("2027-02-25T01:00:00Z");  // Thursday; 2027 has no 29 February
  const Customer leap = Add("13800138007", "2000-02-29");
  TaskSweep swept = Sweep();
  ASSERT_EQ(swept.care.size(), 1u);
  EXPECT_EQ(swept.care.front().due_from, "2027-02-25");
  EXPECT_EQ(swept.care.front().due_by, "2027-02-28");
  EXPECT_EQ(swept.care.front().idempotency_key,
            "SH-PUDONG/care_birthday/customer/" + leap.id + "/2027-02-28");
  At("2027-02-28T01:00:00Z");
  EXPECT_TRUE(Sweep().care.empty()) << "the same occasion";
  EXPECT_TRUE(Sweep().cancelled.empty()) << "28 February is still this birthday in 2027";
}

TEST_F(CareTasksTest, AChangedBirthdayCancelsTheOldOccasionAndMakesTheNew) {
  const Customer c = Add("13800138008", "11-25");
  ASSERT_EQ(Sweep().care.size(), 1u);
  CustomerUpdate corrected;
  corrected.birthday = "11-24";
  ASSERT_TRUE(store_->UpdateCustomer(c.id, corrected, "SA Zhang").ok());
  EXPECT_EQ(store_->ResolveCustomer(c.id)->birthday, "11-24");
  TaskSweep swept = Sweep();
  ASSERT_EQ(swept.cancelled.size(), 1u);
  EXPECT_EQ(swept.cancelled.front().status, "cancelled");
  EXPECT_EQ(swept.cancelled.front().reason, "birthday changed to 11-24 (was 2026-11-25)");
  ASSERT_EQ(swept.care.size(), 1u);
  EXPECT_EQ(swept.care.front().due_by, "2026-11-24");
  EXPECT_TRUE(Sweep().care.empty());
  EXPECT_TRUE(Sweep().cancelled.empty());
}

TEST_F(CareTasksTest, InspectionAndInsuranceFrom30DaysTo7DaysBefore) {
  const Customer c = Add("13800138009", "", true,
                         NewVehicle{.plate = "京A30001",
                                    .inspection_due = "2026-12-20",   // window 11-20 .. 12-13
                                    .insurance_due = "2027-01-20"});  // window 12-21 .. 01-13
  const std::string vehicle = c.vehicles.at(0).id;
  TaskSweep swept = Sweep();
  ASSERT_EQ(swept.care.size(), 1u);
  const model::Task& inspection = swept.care.front();
  EXPECT_EQ(inspection.kind, "care_inspection");
  EXPECT_EQ(inspection.vehicle_id, vehicle);
  EXPECT_EQ(inspection.due_from, "2026-11-20");
  EXPECT_EQ(inspection.due_by, "2026-12-13");
  EXPECT_EQ(inspection.idempotency_key,
            "SH-PUDONG/care_inspection/vehicle/" + vehicle + "/2026-12-20");
  EXPECT_EQ(inspection.reason, "annual inspection of 京A·30001 due 2026-12-20");
  At("2026-12-21T01:00:00Z");
  swept = Sweep();
  ASSERT_EQ(swept.care.size(), 1u);
  EXPECT_EQ(swept.care.front().kind, "care_insurance");
  EXPECT_EQ(swept.care.front().due_from, "2026-12-21");
  EXPECT_EQ(swept.care.front().due_by, "2027-01-13");
  EXPECT_TRUE(Sweep().care.empty());

  // Renewed: the insurance's new date is next year's; its open call is
  // cancelled with the reason, and next year's occasion comes in its window.
  auto renewed = store_->AddVehicle(
      c.id, NewVehicle{.plate = "京A30001", .insurance_due = "2028-01-20"}, "SA Zhang");
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  swept = Sweep();
  ASSERT_EQ(swept.cancelled.size(), 1u);
  EXPECT_EQ(swept.cancelled.front().kind, "care_insurance");
  EXPECT_EQ(swept.cancelled.front().reason,
            "insurance renewal date of 京A·30001 changed to 2028-01-20 (was 2027-01-20)");
  EXPECT_TRUE(swept.care.empty());
}

TEST_F(CareTasksTest, ADateSetInsideTheLastWeekIsDueUntilTheDateItself) {
  Add("13800138010", "", true, NewVehicle{.plate = "京A40001", .inspection_due = "2026-11-27"});
  TaskSweep swept = Sweep();
  ASSERT_EQ(swept.care.size(), 1u);
  EXPECT_EQ(swept.care.front().due_from, "2026-10-28");
  EXPECT_EQ(swept.care.front().due_by, "2026-11-27");
}

TEST_F(CareTasksTest, AWindowAllInTheHolidaysStartsEarlier) {
  // National Day 2026: 10-01 to 10-07 are holidays, 09-30 the day before;
  // a birthday on 10-03 (window 09-30 .. 10-03) is called from 09-29.
  At("2026-09-29T01:00:00Z");
  Add("13800138011", "10-03");
  TaskSweep swept = Sweep();
  ASSERT_EQ(swept.care.size(), 1u);
  EXPECT_EQ(swept.care.front().due_from, "2026-09-29");
  EXPECT_EQ(swept.care.front().due_by, "2026-10-03");
}

TEST_F(CareTasksTest, BadDatesAreRefusedByFieldWithNothingWritten) {
  const int64_t before = LoggedChanges();
  NewCustomer bad{.name = "坏日期", .phones = {"13800138012"}, .birthday = "02-30"};
  auto refused = store_->AddCustomer(bad, {}, "SA Zhang");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "birthday");
  EXPECT_EQ(refused.status().message(),
            "birthday: '02-30' is not a day of the year (MM-DD, or YYYY-MM-DD)");
  bad.birthday = "";
  auto no_date = store_->AddCustomer(
      bad, NewVehicle{.plate = "京A50001", .inspection_due = "2026-13-01"}, "SA Zhang");
  ASSERT_FALSE(no_date.ok());
  EXPECT_EQ(no_date.status().field(), "inspection_due");
  EXPECT_EQ(no_date.status().message(), "inspection_due: '2026-13-01' is not a date (YYYY-MM-DD)");
  auto no_vehicle = store_->AddCustomer(bad, NewVehicle{.insurance_due = "2027-01-01"}, "SA Zhang");
  ASSERT_FALSE(no_vehicle.ok());
  EXPECT_EQ(no_vehicle.status().message(), "insurance_due: give the plate or VIN it belongs to");
  EXPECT_EQ(LoggedChanges(), before);
  const Customer c = Add("13800138013", "");
  CustomerUpdate update;
  update.birthday = "2001-02-29";
  auto not_a_date = store_->UpdateCustomer(c.id, update, "SA Zhang");
  ASSERT_FALSE(not_a_date.ok());
  EXPECT_EQ(not_a_date.status().message(),
            "birthday: '2001-02-29' is not a date (MM-DD, or YYYY-MM-DD)");
  EXPECT_EQ(store_->ResolveCustomer(c.id)->birthday, std::nullopt);
}

TEST_F(CareTasksTest, APurchaseMakesItsCallAndRunInReminderOnce) {
  const Customer c = Add("13800138014", "");
  auto bought = store_->RecordPurchase(
      NewPurchase{.customer = c.id, .plate = "京A60001", .on = "2026-11-22", .staff = "SA Wang"});
  ASSERT_TRUE(bought.ok()) << bought.status().ToString();
  EXPECT_EQ(bought->purchased_on, "2026-11-22");
  EXPECT_EQ(bought->after_purchase.kind, "after_purchase");
  EXPECT_EQ(bought->after_purchase.due_from, "2026-11-23");
  EXPECT_EQ(bought->after_purchase.due_by, "2026-11-25");
  EXPECT_EQ(bought->after_purchase.idempotency_key,
            "SH-PUDONG/after_purchase/vehicle/" + bought->vehicle_id);
  EXPECT_EQ(bought->after_purchase.owner, "SA Wang");
  EXPECT_EQ(bought->after_purchase.reason, "bought 京A·60001 on 2026-11-22");
  EXPECT_EQ(bought->run_in.kind, "run_in");
  EXPECT_EQ(bought->run_in.due_from, "2026-12-10");
  EXPECT_EQ(bought->run_in.due_by, "2026-12-13");
  const Customer after = store_->ResolveCustomer(c.id).value();
  ASSERT_EQ(after.vehicles.size(), 1u);
  EXPECT_EQ(after.vehicles[0].purchased_on, "2026-11-22");

  // Recorded again: refused naming the vehicle, nothing written.
  const int64_t before = LoggedChanges();
  auto again = store_->RecordPurchase(
      NewPurchase{.customer = c.id, .plate = "京A60001", .staff = "SA Wang"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  EXPECT_EQ(again.status().field(), "vehicle");
  EXPECT_EQ(again.status().message(),
            "vehicle: 京A·60001 was bought on 2026-11-22 already (recorded once; its calls are"
            " made)");
  EXPECT_EQ(LoggedChanges(), before);
  EXPECT_EQ(Tasks("after_purchase").size(), 1u);
  EXPECT_EQ(Tasks("run_in").size(), 1u);
}

TEST_F(CareTasksTest, PurchaseRefusalsNameTheirFieldAndWriteNothing) {
  const Customer c = Add("13800138015", "");
  const Customer other = Add("13800138016", "", true, NewVehicle{.plate = "京A70001"});
  const int64_t before = LoggedChanges();
  struct Case {
    NewPurchase input;
    std::string field, message;
  };
  const std::vector<Case> cases = {
      {{.customer = c.id, .staff = "SA Wang"},
       "vehicle",
       "vehicle: give the plate or VIN of the vehicle bought"},
      {{.customer = c.id, .plate = "京A60002", .on = "tomorrow", .staff = "SA Wang"},
       "on",
       "on: 2026-11-24 is after today (2026-11-23): a purchase is recorded once made"},
      {{.customer = c.id, .plate = "京A60002", .on = "2026-02-30", .staff = "SA Wang"},
       "on",
       "on: '2026-02-30' is not a date (YYYY-MM-DD, today, tomorrow or +N)"},
      {{.customer = c.id, .plate = "京A70001", .staff = "SA Wang"},
       "vehicle",
       "vehicle: plate 京A·70001 is on record for " + other.name + " (" + ShortId(other.id) + ")"},
      {{.customer = c.id, .plate = "12345", .staff = "SA Wang"}, "plate", ""},
      {{.customer = "13900000000", .plate = "京A60002", .staff = "SA Wang"}, "customer", ""},
      {{.customer = c.id, .plate = "京A60002", .staff = ""}, "staff", ""},
  };
  for (const Case& k : cases) {
    auto refused = store_->RecordPurchase(k.input);
    ASSERT_FALSE(refused.ok()) << k.field;
    EXPECT_EQ(refused.status().field(), k.field) << refused.status().ToString();
    if (!k.message.empty()) {
      EXPECT_EQ(refused.status().message(), k.message);
    }
  }
  EXPECT_EQ(LoggedChanges(), before);
  EXPECT_TRUE(Tasks("after_purchase").empty());
}

TEST_F(CareTasksTest, ReplayGivesTheSameDatesAndTasks) {
  const Customer c = Add("13800138017", "11-25", true,
                         NewVehicle{.plate = "京A80001", .inspection_due = "2026-12-20"});
  ASSERT_TRUE(store_
                  ->RecordPurchase(
                      NewPurchase{.customer = c.id, .vin = "LFV2A21K6K3000001", .staff = "SA Wang"})
                  .ok());
  ASSERT_EQ(Sweep().care.size(), 2u);
  CustomerUpdate corrected;
  corrected.birthday = "1985-11-24";
  ASSERT_TRUE(store_->UpdateCustomer(c.id, corrected, "SA Zhang").ok());
  ASSERT_EQ(Sweep().cancelled.size(), 1u);

  auto rebuilt = Store::Create(dir_.File("rebuilt.db"), settings_, clock_);
  ASSERT_TRUE(rebuilt.ok());
  auto file = testing::OpenStoreFile(dir_.File("rebuilt.db"));
  auto source = testing::OpenStoreFile(dir_.File("store.db"));
  for (const auto& e : ReadChanges(*source, 1, 10000).value()) {
    const Status st = ReplayChange(*file, e);
    ASSERT_TRUE(st.ok()) << e.seq << " " << e.entity << ": " << st.ToString();
  }
  EXPECT_TRUE(CheckStoreState(*source)->differences.empty());
  auto theirs = CheckStoreState(*file).value();
  for (const auto& d : theirs.differences) {
    ADD_FAILURE() << d.entity << " " << d.field << ": table " << d.table_value.dump() << ", log "
                  << d.log_value.dump();
  }
  const Customer back = (*rebuilt)->ResolveCustomer(c.id).value();
  EXPECT_EQ(back.birthday, "1985-11-24");
  ASSERT_EQ(back.vehicles.size(), 2u);
  for (const Vehicle& v : back.vehicles) {
    if (v.plate) {
      EXPECT_EQ(v.inspection_due, "2026-12-20");
    } else {
      EXPECT_EQ(v.purchased_on, "2026-11-23");
    }
  }

  // A date changed behind the system's back is named by verify.
  ASSERT_TRUE(
      source
          ->Exec(
              "UPDATE vehicles SET inspection_due = '2027-01-01' WHERE inspection_due IS NOT NULL")
          .ok());
  auto tampered = CheckStoreState(*source).value();
  ASSERT_EQ(tampered.differences.size(), 1u);
  EXPECT_EQ(tampered.differences.front().field, "inspection_due");
}

}  // namespace
}  // namespace outpost::edge
