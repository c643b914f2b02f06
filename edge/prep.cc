#include "edge/prep.h"

#include <algorithm>
#include <map>

#include "sync/normalize.h"

namespace outpost::edge {
namespace {

// One character of a UTF-8 text: its bytes and the columns it takes.
struct Glyph {
  std::string_view bytes;
  int columns = 1;
};

int ColumnsOf(char32_t c) {
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || c == 0xFE0F) return 0;
  const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
                    (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
                    (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
                    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
                    (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
  return wide ? 2 : 1;
}

// The characters of `text`; a byte that starts no valid sequence is one
// character of one column.
std::vector<Glyph> GlyphsOf(std::string_view text) {
  std::vector<Glyph> out;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t n = lead < 0x80           ? 1
               : (lead >> 5) == 0x6  ? 2
               : (lead >> 4) == 0xE  ? 3
               : (lead >> 3) == 0x1E ? 4
                                     : 1;
    if (i + n > text.size()) n = 1;
    char32_t c = n == 1 ? lead : lead & (0x3F >> (n - 1));
    for (size_t k = 1; k < n; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        n = 1;
        c = lead;
        break;
      }
      c = (c << 6) | (next & 0x3F);
    }
    out.push_back({text.substr(i, n), n == 1 && lead >= 0x80 ? 1 : ColumnsOf(c)});
    i += n;
  }
  return out;
}

// One line without breaks, wrapped greedily: at the last space that fits,
// else before the character that does not.
void WrapLine(std::string_view line, int columns, std::vector<std::string>& out) {
  const std::vector<Glyph> glyphs = GlyphsOf(line);
  size_t start = 0;
  while (start < glyphs.size()) {
    int used = 0;
    size_t end = start;
    std::optional<size_t> last_space;
    while (end < glyphs.size() && used + glyphs[end].columns <= columns) {
      if (glyphs[end].bytes == " " && end > start) last_space = end;
      used += glyphs[end].columns;
      ++end;
    }
    if (end == start) ++end;  // a character wider than the line: alone on it
    size_t next = end;
    if (end < glyphs.size() && glyphs[end].bytes == " ") {
      next = end + 1;  // the line ends exactly at a space
    } else if (end < glyphs.size() && last_space) {
      end = *last_space;
      next = *last_space + 1;
    }
    std::string piece;
    for (size_t k = start; k < end; ++k) piece += glyphs[k].bytes;
    while (!piece.empty() && piece.back() == ' ') piece.pop_back();
    out.push_back(std::move(piece));
    start = next;
    while (start < glyphs.size() && glyphs[start].bytes == " ") ++start;
  }
}

}  // namespace

Result<std::optional<std::string>> CleanAssigned(const std::string& field, const std::string& raw) {
  const size_t max = field == "bay"    ? kMaxBayChars
                     : field == "team" ? kMaxTeamChars
                                       : kMaxAdvisorChars;
  ASSIGN_OR_RETURN(std::string clean, WithField(CleanText(field, raw, max, false), field));
  if (clean.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(clean));
}

std::string PhoneLast4(const std::string& e164) {
  std::string digits;
  for (char c : e164) {
    if (c >= '0' && c <= '9') digits += c;
  }
  return digits.size() <= 4 ? digits : digits.substr(digits.size() - 4);
}

PrepEntry PrepEntryOf(const Booking& b) {
  PrepEntry e;
  e.booking_id = b.id;
  e.ref = b.ref;
  e.slot_time = b.slot_time;
  e.status = b.status;
  e.customer_name = b.customer_name;
  if (!b.customer_phones.empty()) e.phone_last4 = PhoneLast4(b.customer_phones.front());
  e.service = b.service;
  e.plate = b.plate;
  e.vin = b.vin;
  e.mileage_km = b.mileage_km;
  e.notes = b.notes;
  e.advisor = b.advisor;
  e.bay = b.bay;
  e.team = b.team;
  e.channel = b.channel;
  e.priority_reception = b.priority_reception;
  e.discount_eligible = b.discount_eligible;
  return e;
}

void CountPerAdvisor(PrepList& list) {
  std::map<std::string, int> per_advisor;
  list.unassigned = 0;
  for (const PrepEntry& e : list.entries) {
    if (e.advisor) {
      ++per_advisor[*e.advisor];
    } else {
      ++list.unassigned;
    }
  }
  list.per_advisor.clear();
  for (const auto& [advisor, n] : per_advisor) list.per_advisor.push_back({advisor, n});
  if (list.unassigned > 0) list.per_advisor.push_back({std::nullopt, list.unassigned});
}

int DisplayColumns(std::string_view utf8) {
  int columns = 0;
  for (const Glyph& g : GlyphsOf(utf8)) columns += g.columns;
  return columns;
}

std::vector<std::string> WrapToColumns(std::string_view text, int columns) {
  std::vector<std::string> out;
  columns = std::max(columns, 2);
  size_t start = 0;
  while (true) {
    const size_t end = text.find('\n', start);
    const std::string_view line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (line.empty()) {
      out.emplace_back();
    } else {
      WrapLine(line, columns, out);
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace outpost::edge
