// The hub's typed, indexed rows of bookings, customers and vehicles
// (schema/migrations/hub/0011_typed_entities.sql), kept behind ingest: after
// real stores sync and the hub's refresh runs, every typed row says what the
// merged JSON says, through updates and a cancel, and a hub upgraded to the
// migration is filled whole.
#include <gtest/gtest.h>

#include <algorithm>

#include "hub/storage/postgres/pg.h"
#include "sync/model/booking.h"
#include "sync/model/customer.h"
#include "tests/hub_and_stores.h"

namespace outpost {
namespace {

using nlohmann::json;

class TypedEntitiesTest : public testing::HubAndStores {
 protected:
  void SetUp() override { OpenSites({"S1", "S2"}); }

  edge::Booking Book(const std::string& site, const std::string& phone, const std::string& name,
                     const std::string& time, const std::string& plate = "") {
    edge::BookingRequest r;
    r.customer = phone;
    r.create_customer = edge::NewCustomer{name, {phone}};
    r.vehicle.plate = plate;
    r.date = "2026-11-24";
    r.time = time;
    r.staff = "SA";
    auto b = stores_[site]->Book(r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? b.value() : edge::Booking{};
  }
  // Ingest, then what the hub runs behind it.
  void SyncAndRefresh() {
    for (const char* s : {"S1", "S2"}) Round(s);
    auto refreshed = hub_->RefreshProfiles();
    ASSERT_TRUE(refreshed.ok()) << refreshed.status().ToString();
  }
  // The rows `sql` (one `?`, bound to `id`; "" binds nothing) returns on the
  // hub's database, every column as text (NULL as nullopt).
  std::vector<std::vector<std::optional<std::string>>> Rows(const std::string& sql,
                                                            const std::string& id) {
    if (testing::HubOnPostgres()) return PgRows(sql, id);
    auto st = HubFile().Prepare(sql).value();
    if (!id.empty()) st.Bind(1, id);
    std::vector<std::vector<std::optional<std::string>>> out;
    while (st.Step().value()) {
      out.emplace_back();
      for (int c = 0; c < st.ColumnCount(); ++c) out.back().push_back(st.OptionalText(c));
    }
    return out;
  }
  std::vector<std::vector<std::optional<std::string>>> PgRows(const std::string& sql,
                                                              const std::string& id) {
    // The selected columns, counted from the list between SELECT and FROM
    // (PgStatement has no column count; these queries select plain columns).
    const std::string list = sql.substr(0, sql.find(" FROM"));
    const int columns = 1 + static_cast<int>(std::count(list.begin(), list.end(), ','));
    auto db = hub::storage::postgres::PgConnection::Connect(HubDb());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    std::vector<std::vector<std::optional<std::string>>> out;
    if (!db.ok()) return out;
    auto st = db.value()->Prepare(sql);
    EXPECT_TRUE(st.ok()) << sql << ": " << st.status().ToString();
    if (!st.ok()) return out;
    if (!id.empty()) st->Bind(1, id);
    while (true) {
      auto row = st->Step();
      EXPECT_TRUE(row.ok()) << sql << ": " << row.status().ToString();
      if (!row.ok() || !row.value()) break;
      out.emplace_back();
      for (int c = 0; c < columns; ++c) out.back().push_back(st->OptionalText(c));
    }
    return out;
  }
  using Row = std::vector<std::optional<std::string>>;
  static std::optional<std::string> Text(const std::string& s) { return s; }

  // Every merged booking, customer and vehicle against its typed rows.
  // Returns how many entities were compared.
  int CheckTypedRowsEqualMergedJson() {
    int compared = 0;
    const auto entities = Rows(
        "SELECT entity, entity_id, owner_site, fields FROM entities WHERE"
        " entity IN ('booking', 'customer', 'vehicle') ORDER BY entity_id",
        "");
    for (const auto& entity : entities) {
      const std::string kind = entity[0].value_or(""), id = entity[1].value_or(""),
                        site = entity[2].value_or("");
      const json fields = json::parse(entity[3].value_or("null"));
      ++compared;
      if (kind == "booking") {
        auto b = model::ParseBooking(id, fields).value();
        EXPECT_EQ(Rows("SELECT site, ref, customer_id, vehicle_id, service, slot_date,"
                       " slot_time, status, channel, created_at, updated_at, arrived_at,"
                       " cancel_reason, needs_reschedule FROM hub_bookings WHERE booking_id = ?",
                       id),
                  std::vector<Row>(
                      {{site, b.ref, b.customer_id, b.vehicle_id, b.service, b.slot_date,
                        b.slot_time, std::string(BookingStatusName(b.status)),
                        std::string(ChannelName(b.channel)), b.created_at, b.updated_at,
                        b.arrived_at, b.cancel_reason, Text(b.needs_reschedule ? "1" : "0")}}))
            << "booking " << id;
      } else if (kind == "customer") {
        auto c = model::ParseCustomer(id, fields).value();
        EXPECT_EQ(Rows("SELECT site, name, member_id, do_not_disturb, created_at FROM"
                       " hub_customers WHERE customer_id = ?",
                       id),
                  std::vector<Row>({{site, c.name, c.member_id, Text(c.do_not_disturb ? "1" : "0"),
                                     c.created_at}}))
            << "customer " << id;
        std::vector<Row> phones;
        std::sort(c.phones.begin(), c.phones.end());
        for (const auto& p : c.phones) phones.push_back({p});
        EXPECT_EQ(Rows("SELECT phone FROM hub_customer_phones WHERE customer_id = ?"
                       " ORDER BY phone",
                       id),
                  phones)
            << "customer " << id;
      } else {
        auto v = model::ParseVehicle(id, fields).value();
        EXPECT_EQ(
            Rows("SELECT site, customer_id, plate, vin, mileage_km FROM hub_vehicles"
                 " WHERE vehicle_id = ?",
                 id),
            std::vector<Row>({{site, v.customer_id, v.plate, v.vin,
                               v.mileage_km ? Text(std::to_string(*v.mileage_km)) : std::nullopt}}))
            << "vehicle " << id;
      }
    }
    return compared;
  }
  std::optional<std::string> StatusAtHub(const std::string& booking) {
    auto rows = Rows("SELECT status FROM hub_bookings WHERE booking_id = ?", booking);
    return rows.size() == 1 ? rows[0][0] : std::nullopt;
  }
};

TEST_F(TypedEntitiesTest, TypedRowsFollowTheMergedJsonThroughUpdatesAndACancel) {
  const edge::Booking a = Book("S1", "13800138000", "王伟", "10:00", "京A12345");
  const edge::Booking b = Book("S1", "13900139000", "李娜", "11:00");
  const edge::Booking c = Book("S2", "13700137000", "张三", "10:00", "沪B54321");
  SyncAndRefresh();
  EXPECT_EQ(CheckTypedRowsEqualMergedJson(), 8);  // 3 bookings, 3 customers, 2 vehicles
  EXPECT_EQ(StatusAtHub(a.id), std::string(BookingStatusName(a.status)));

  // Updates: a move (the old booking rescheduled, a new one), a cancel, a
  // phone added and do-not-disturb, a vehicle added.
  auto moved = stores_["S1"]->Reschedule(a.id, "2026-11-24", "14:00", "customer asked", "SA");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  ASSERT_TRUE(stores_["S1"]->Cancel(b.id, "customer called", "SA").ok());
  edge::CustomerUpdate more;
  more.add_phones = {"13600136000"};
  more.do_not_disturb = true;
  ASSERT_TRUE(stores_["S2"]->UpdateCustomer(c.customer_id, more, "SA").ok());
  ASSERT_TRUE(stores_["S2"]->AddVehicle(c.customer_id, {"沪C11111", "", 42'000}, "SA").ok());
  SyncAndRefresh();
  EXPECT_EQ(CheckTypedRowsEqualMergedJson(), 10);
  EXPECT_EQ(StatusAtHub(a.id), "rescheduled");
  EXPECT_EQ(StatusAtHub(moved->id), std::string(BookingStatusName(moved->status)));
  EXPECT_EQ(StatusAtHub(b.id), "cancelled");
  EXPECT_EQ(Rows("SELECT cancel_reason FROM hub_bookings WHERE booking_id = ?", b.id),
            std::vector<Row>({{Text("customer called")}}));
  EXPECT_EQ(Rows("SELECT customer_id FROM hub_customer_phones WHERE phone = ?", "+8613600136000"),
            std::vector<Row>({{c.customer_id}}));
  EXPECT_EQ(Rows("SELECT customer_id FROM hub_vehicles WHERE plate = ?", "沪C11111"),
            std::vector<Row>({{c.customer_id}}));
}

TEST_F(TypedEntitiesTest, AHubUpgradedToTheTypedRowsIsFilledWhole) {
  Book("S1", "13800138000", "王伟", "10:00", "京A12345");
  Book("S2", "13700137000", "张三", "10:00");
  SyncAndRefresh();
  // As a hub that had these entities before migration 11: no typed rows yet.
  ASSERT_TRUE(testing::TamperHub(HubDb(),
                                 "DELETE FROM hub_bookings; DELETE FROM hub_customers;"
                                 " DELETE FROM hub_customer_phones; DELETE FROM hub_vehicles;"
                                 " INSERT INTO hub_typed_backfill (singleton) VALUES (1)")
                  .ok());
  auto refreshed = hub_->RefreshProfiles();
  ASSERT_TRUE(refreshed.ok()) << refreshed.status().ToString();
  EXPECT_EQ(CheckTypedRowsEqualMergedJson(), 5);
  EXPECT_EQ(HubCount("hub_typed_backfill"), 0);
}

}  // namespace
}  // namespace outpost
