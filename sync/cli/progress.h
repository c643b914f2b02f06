// A progress bar on a terminal for work that takes a while (paper import,
// verify, backup, restore, rebuild, a store's sync catching up, identity
// resolution at the hub):
//   [#####     ] 43% 1,860/4,320 forms
// drawn on stderr, redrawn in place (\r), only when stderr is a terminal and
// the output is not --json, only once the work has run about two seconds (a
// quick command prints nothing), and at most ten times a second. Silent
// otherwise: piped output and logs never see it.
//
// A Progress is used by one thread (thread-compatible); the work it reports
// on calls Update from that thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace outpost::cli {

// "[#####     ] 43% 1,860/4,320 forms": `width` cells of bar, the percentage
// rounded down, counts with thousands separators. A total of 0 is shown as
// 0%. Pure.
std::string ProgressText(int64_t done, int64_t total, std::string_view unit, int width = 10);

// Whether a bar may be drawn at all: stderr is a terminal and not --json.
bool ProgressWanted(bool json);

class Progress {
 public:
  // Draws on `err` when `enabled` (ProgressWanted). OUTPOST_PROGRESS_AFTER_MS
  // overrides the two seconds (0: at once), for demos and the terminal test.
  Progress(std::ostream& err, bool enabled, std::string unit);
  // Finish()es.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Update(int64_t done, int64_t total);
  // The callback the domain code takes: Update bound to this Progress, or an
  // empty function when disabled (so the work pays nothing).
  std::function<void(int64_t, int64_t)> Callback();
  // Blanks the bar's line when one was drawn, so what the command prints next
  // starts at the left margin; further Updates draw nothing.
  void Finish();

 private:
  std::ostream& err_;
  bool enabled_;
  std::string unit_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  std::chrono::milliseconds delay_{2000};
  bool drawn_ = false;
};

}  // namespace outpost::cli
