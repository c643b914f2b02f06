// Kills the desk process with SIGKILL at random points while it books and
// confirms, then proves every acknowledged change is in the database and no
// row is torn. The seed is printed; OUTPOST_CRASH_SEED replays a run.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "sync/changelog.h"
#include "sync/sqlite.h"
#include "tests/desk_harness.h"
#include "tests/store_file.h"

namespace outpost::testing {
namespace {

using Clock = std::chrono::steady_clock;

TEST(CrashTest, EveryAcknowledgedBookingSurvivesSigkill) {
  DeskHarness desk;
  ASSERT_EQ(
      desk.Desk({"init", "--store-id", "S1", "--name", "Crash", "--capacity", "100"}).exit_code, 0);
  const char* seed_env = std::getenv("OUTPOST_CRASH_SEED");
  const uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10) : std::random_device{}();
  std::mt19937_64 rng(seed);
  std::cout << "crash test seed " << seed << "\n";

  // How long one uninterrupted booking takes here (median of three), to aim the
  // kills across its whole life, from exec to the printed acknowledgement.
  std::vector<int64_t> warmups;
  for (int i = 0; i < 3; ++i) {
    auto started = Clock::now();
    ASSERT_EQ(desk.Desk({"book", "--phone", "1370000000" + std::to_string(i), "--name", "Warm",
                         "--date", "tomorrow", "--slot", "08:30"})
                  .exit_code,
              0);
    warmups.push_back(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count());
  }
  std::sort(warmups.begin(), warmups.end());
  const int64_t typical_us = warmups[1];
  std::uniform_int_distribution<int64_t> delay_us(0, typical_us * 3 / 2);

  constexpr int kKills = 200;
  const std::vector<std::string> slots = {"08:30", "10:00", "11:00", "14:00", "15:00", "16:00"};
  std::map<std::string, std::string> acknowledged;  // ref -> status the desk reported
  std::set<std::string> confirm_attempted;          // refs a confirm was started for
  std::vector<std::string> refs;
  int killed_before_ack = 0, refused = 0;
  for (int i = 0; i < kKills; ++i) {
    std::vector<std::string> args;
    if (i % 3 == 2 && !refs.empty()) {
      const std::string ref = refs[rng() % refs.size()];
      confirm_attempted.insert(ref);
      args = {"confirm", ref, "--json"};
    } else {
      args = {"book",
              "--phone",
              "1390000" + std::to_string(1000 + i),
              "--name",
              "C" + std::to_string(i),
              "--date",
              i % 2 ? "tomorrow" : "+2",
              "--slot",
              slots[i % 6],
              "--json"};
    }
    Process p(desk.Argv(args), desk.Env());
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
    p.Kill(SIGKILL);
    ProcessResult r = p.Wait();
    if (r.term_signal == SIGKILL) {
      ++killed_before_ack;  // it may or may not have committed; nothing was promised
    } else if (r.exit_code == 0) {
      auto j = nlohmann::json::parse(r.out);  // a complete acknowledgement
      acknowledged[j["ref"]] = j["status"];
      if (args[0] == "book") refs.push_back(j["ref"]);
    } else {
      // Only a second confirm of an already confirmed booking may be refused.
      ASSERT_EQ(r.exit_code, 2) << r.err;
      EXPECT_NE(r.err.find("from 'confirmed' to 'confirmed'"), std::string::npos) << r.err;
      ++refused;
    }
  }
  std::cout << acknowledged.size() << " acknowledged, " << killed_before_ack
            << " killed before acknowledging, " << refused << " refused\n";
  // The kills must have landed on both sides of the acknowledgement to prove anything.
  EXPECT_GT(killed_before_ack, 10);
  EXPECT_GT(acknowledged.size(), 10u);

  auto db = testing::OpenStoreFile(desk.db());
  auto integrity = db->Prepare("PRAGMA integrity_check").value();
  ASSERT_TRUE(integrity.Step().value());
  EXPECT_EQ(integrity.Text(0), "ok");
  auto fk = db->Prepare("PRAGMA foreign_key_check").value();
  EXPECT_FALSE(fk.Step().value()) << "a row points at a missing parent";
  for (const auto& [ref, status] : acknowledged) {
    auto st = db->Prepare("SELECT status FROM bookings WHERE ref = ?").value();
    st.Bind(1, ref);
    ASSERT_TRUE(st.Step().value()) << "acknowledged booking " << ref << " is missing";
    // What was acknowledged holds; a later confirm may have committed unacknowledged.
    const std::string stored = st.Text(0);
    if (status == "confirmed" || !confirm_attempted.count(ref)) {
      EXPECT_EQ(stored, status) << ref;
    } else {
      EXPECT_TRUE(stored == "requested" || stored == "confirmed") << ref << ": " << stored;
    }
  }
  // No torn writes: every booking has its history, every customer a phone.
  auto torn = db->Prepare(
                    "SELECT (SELECT count(*) FROM bookings b WHERE NOT EXISTS (SELECT 1 FROM"
                    " booking_history h WHERE h.booking_id = b.id AND h.action = 'book')),"
                    " (SELECT count(*) FROM bookings WHERE status = 'confirmed' AND id NOT IN"
                    " (SELECT booking_id FROM booking_history WHERE action = 'confirm')),"
                    " (SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM"
                    " customer_phones p WHERE p.customer_id = c.id))")
                  .value();
  ASSERT_TRUE(torn.Step().value());
  EXPECT_EQ(torn.Int(0), 0);
  EXPECT_EQ(torn.Int(1), 0);
  EXPECT_EQ(torn.Int(2), 0);

  // The change log is whole and agrees with the data: each booking and each
  // confirmation was logged in the same transaction, never one without the other.
  auto log = ReadChanges(*db, 1, 1'000'000).value();
  EXPECT_TRUE(VerifyChain(log, std::nullopt).ok()) << VerifyChain(log, std::nullopt).ToString();
  std::set<std::string> logged_bookings, logged_confirms;
  for (const auto& e : log) {
    if (e.entity == "booking" && e.op == "insert") logged_bookings.insert(e.entity_id);
    if (e.entity == "booking" && e.op == "update") logged_confirms.insert(e.entity_id);
  }
  std::set<std::string> bookings, confirmed;
  auto rows = db->Prepare("SELECT id, status FROM bookings").value();
  while (rows.Step().value()) {
    bookings.insert(rows.Text(0));
    if (rows.Text(1) == "confirmed") confirmed.insert(rows.Text(0));
  }
  EXPECT_EQ(bookings, logged_bookings);
  EXPECT_EQ(confirmed, logged_confirms);
}

}  // namespace
}  // namespace outpost::testing
