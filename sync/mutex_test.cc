#include "sync/mutex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "sync/thread_annotations.h"

namespace outpost {
namespace {

// What the threadsafety build checks, in the shape OpenAhead uses it.
struct Counter {
  Mutex mu;
  CondVar changed;
  int value GUARDED_BY(mu) = 0;
};

TEST(MutexTest, TwoThreadsCountUnderTheLockWithoutLosingAnIncrement) {
  Counter counter;
  auto add = [&counter] {
    for (int i = 0; i < 10'000; ++i) {
      MutexLock lock(&counter.mu);
      ++counter.value;
    }
  };
  std::thread other(add);
  add();
  other.join();
  MutexLock lock(&counter.mu);
  EXPECT_EQ(counter.value, 20'000);
}

TEST(MutexTest, UnlockLetsAnotherThreadInAndLockTakesItBack) {
  Counter counter;
  MutexLock lock(&counter.mu);
  lock.Unlock();
  std::thread other([&counter] {
    MutexLock inner(&counter.mu);
    counter.value = 1;
  });
  other.join();
  lock.Lock();
  EXPECT_EQ(counter.value, 1);
}

TEST(CondVarTest, WaitReturnsOnceAnotherThreadChangedTheStateAndNotified) {
  Counter counter;
  std::thread other([&counter] {
    {
      MutexLock lock(&counter.mu);
      counter.value = 7;
    }
    counter.changed.NotifyAll();
  });
  {
    MutexLock lock(&counter.mu);
    while (counter.value == 0) counter.changed.Wait(&counter.mu);
    EXPECT_EQ(counter.value, 7);
  }
  other.join();
}

TEST(CondVarTest, WaitUntilReportsTheDeadlineAndStillHoldsTheLock) {
  Counter counter;
  MutexLock lock(&counter.mu);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
  while (counter.changed.WaitUntil(&counter.mu, deadline)) {
  }
  EXPECT_GE(std::chrono::steady_clock::now(), deadline);
  counter.value = 2;  // the lock is held again: the analysis and TSan agree
  EXPECT_EQ(counter.value, 2);
}

}  // namespace
}  // namespace outpost
