// Wall-clock timing for the benchmarks (never for tests): one run, and the
// median of three. Header only; thread-compatible.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace outpost::bench {

template <typename F>
double TimeS(F&& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <typename F>
double MedianOf3(F&& f) {
  std::vector<double> t;
  t.reserve(3);
  for (int i = 0; i < 3; ++i) t.push_back(TimeS(f));
  std::sort(t.begin(), t.end());
  return t[1];
}

}  // namespace outpost::bench
