// Text tables for a terminal, aligned by display width: a wide (CJK) character
// takes two columns, a combining mark none, so "王伟" lines up with "Wang Wei".
// Pure; a Table is thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace outpost::cli {

// Terminal columns `utf8` takes: East Asian Wide and Fullwidth characters 2
// (ICU's UCHAR_EAST_ASIAN_WIDTH), combining marks and zero-width ones 0, the
// rest 1. Bytes that are not UTF-8 count 1 each.
int DisplayWidth(std::string_view utf8);

// `text` followed by spaces up to `width` display columns (none when wider).
std::string PadToWidth(std::string_view text, int width);

// Rows of cells; each column as wide as its widest cell, columns separated by
// two spaces. The last cell of a row is not padded (no trailing spaces), and
// a row may have fewer cells than another.
class Table {
 public:
  void AddRow(std::vector<std::string> cells);
  // One line per row (no newline), in the order added.
  std::vector<std::string> Lines() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace outpost::cli
