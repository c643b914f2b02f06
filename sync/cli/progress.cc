#include "sync/cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ostream>

#include "sync/i18n/messages.h"

namespace outpost::cli {
namespace {

std::string WithThousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

// The unit in the reader's language; the callers count in these few units
// (MiB and any other stay as given).
std::string ShownUnit(std::string_view unit) {
  if (unit == "changes") return i18n::Tr("changes");
  if (unit == "checks") return i18n::Tr("checks");
  if (unit == "forms") return i18n::Tr("forms");
  if (unit == "steps") return i18n::Tr("steps");
  return std::string(unit);
}

}  // namespace

std::string ProgressText(int64_t done, int64_t total, std::string_view unit, int width) {
  const int64_t clamped = std::clamp<int64_t>(done, 0, std::max<int64_t>(total, 0));
  const int64_t percent = total > 0 ? clamped * 100 / total : 0;
  const int64_t filled = total > 0 ? clamped * width / total : 0;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(width - filled), ' ');
  return "[" + bar + "] " + std::to_string(percent) + "% " + WithThousands(done) + "/" +
         WithThousands(total) + " " + ShownUnit(unit);
}

bool ProgressWanted(bool json) { return !json && isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::ostream& err, bool enabled, std::string unit)
    : err_(err),
      enabled_(enabled),
      unit_(std::move(unit)),
      start_(std::chrono::steady_clock::now()) {
  if (const char* after = std::getenv("OUTPOST_PROGRESS_AFTER_MS"); after && *after) {
    delay_ = std::chrono::milliseconds(std::strtoll(after, nullptr, 10));
  }
}

Progress::~Progress() { Finish(); }

void Progress::Finish() {
  if (drawn_) err_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
  enabled_ = false;
}

void Progress::Update(int64_t done, int64_t total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < delay_) return;
  const bool last = done >= total;
  if (drawn_ && !last && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  err_ << "\r" << ProgressText(done, total, unit_) << std::flush;
}

std::function<void(int64_t, int64_t)> Progress::Callback() {
  if (!enabled_) return {};
  return [this](int64_t done, int64_t total) { Update(done, total); };
}

}  // namespace outpost::cli
