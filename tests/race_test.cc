// Two desk terminals (two processes) book the last place of a slot at once:
// exactly one wins, the other is told the slot is full.
#include <gtest/gtest.h>

#include <memory>

#include "tests/desk_harness.h"

namespace outpost::testing {
namespace {

TEST(RaceTest, TwoProcessesRaceForTheLastPlaceOneWins) {
  DeskHarness desk;
  ASSERT_EQ(desk.Desk({"init", "--store-id", "S1", "--name", "Race"}).exit_code, 0);
  constexpr int kRounds = 12;  // two days of six slots
  int wins = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string date = round < 6 ? "2026-11-24" : "2026-11-25";
    const std::string slot =
        std::vector<std::string>{"08:30", "10:00", "11:00", "14:00", "15:00", "16:00"}[round % 6];
    auto phone = [&](int who) { return "1390000" + std::to_string(1000 + round * 3 + who); };
    ASSERT_EQ(
        desk.Desk({"book", "--phone", phone(0), "--name", "First", "--date", date, "--slot", slot})
            .exit_code,
        0);
    // Both started before either is waited for; SQLite's write lock decides.
    std::vector<std::unique_ptr<Process>> racers;
    for (int who = 1; who <= 2; ++who) {
      racers.push_back(
          std::make_unique<Process>(desk.Argv({"book", "--phone", phone(who), "--name", "Racer",
                                               "--date", date, "--slot", slot}),
                                    desk.Env()));
    }
    ProcessResult a = racers[0]->Wait();
    ProcessResult b = racers[1]->Wait();
    ASSERT_TRUE((a.exit_code == 0 && b.exit_code == 2) || (a.exit_code == 2 && b.exit_code == 0))
        << "round " << round << ": exits " << a.exit_code << "/" << b.exit_code << "\n"
        << a.err << b.err;
    const ProcessResult& loser = a.exit_code == 2 ? a : b;
    EXPECT_NE(loser.err.find("is full (2 of 2 places taken)"), std::string::npos) << loser.err;
    ++wins;
  }
  EXPECT_EQ(wins, kRounds);
  for (const char* date : {"2026-11-24", "2026-11-25"}) {
    auto board = desk.Json({"board", "--date", date});
    for (const auto& slot : board["slots"]) {
      EXPECT_EQ(slot["bookings"].size(), 2u) << date << " " << slot["time"];
      EXPECT_EQ(slot["free"], 0);
    }
  }
}

}  // namespace
}  // namespace outpost::testing
