#include "sync/cli/nearest.h"

#include <algorithm>
#include <tuple>

#include "sync/i18n/messages.h"

namespace outpost::cli {
namespace {

bool IsSubsequence(std::string_view part, std::string_view whole) {
  size_t at = 0;
  for (char c : whole) {
    if (at < part.size() && part[at] == c) ++at;
  }
  return at == part.size();
}

}  // namespace

int DamerauLevenshtein(std::string_view a, std::string_view b) {
  // The optimal-string-alignment form: each substring edited at most once,
  // which is what a slip of the fingers is.
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::vector<std::string> NearestNames(std::string_view typed,
                                      const std::vector<std::string>& candidates) {
  const int allowed = typed.size() <= 4 ? 1 : typed.size() <= 8 ? 2 : 3;
  // Nearest by edits; then by the longer common start, the first letters
  // typed being the surest; then a name the typed letters all appear in, in
  // order (letters left out, the commonest slip): 'confim' is 'confirm'
  // rather than 'config'.
  std::tuple<int, int, bool> best{allowed + 1, 0, false};
  std::vector<std::string> nearest;
  for (const auto& name : candidates) {
    const int distance = DamerauLevenshtein(typed, name);
    if (distance == 0 || distance > allowed) continue;
    const auto mismatch = std::mismatch(typed.begin(), typed.end(), name.begin(), name.end());
    const std::tuple<int, int, bool> rank{
        distance, -static_cast<int>(mismatch.first - typed.begin()), !IsSubsequence(typed, name)};
    if (rank > best) continue;
    if (rank < best) {
      best = rank;
      nearest.clear();
    }
    nearest.push_back(name);
  }
  if (nearest.size() > 3) nearest.clear();
  return nearest;
}

std::string QuotedChoice(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? i18n::Tr(" or ") : ", ";
    out += "'" + names[i] + "'";
  }
  return out;
}

}  // namespace outpost::cli
