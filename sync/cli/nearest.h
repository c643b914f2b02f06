// The nearest of a program's command or option names to a mistyped one, for
// "unknown command 'confim'; did you mean 'confirm'?". Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace outpost::cli {

// Edits (insert, delete, substitute, swap two neighbours) turning `a` into
// `b`, counted in bytes: the names compared are ASCII.
int DamerauLevenshtein(std::string_view a, std::string_view b);

// The candidates nearest to `typed`, in the candidates' order, when near
// enough to be a slip (at most 1 edit for up to 4 characters, 2 up to 8, 3
// beyond) and at most 3 of them tie; empty otherwise: a word far from every
// name is not a typo, and a long list of guesses helps nobody. Among names
// equally many edits away, those sharing the longest start with `typed` win.
std::vector<std::string> NearestNames(std::string_view typed,
                                      const std::vector<std::string>& candidates);

// "'a'", "'a' or 'b'", "'a', 'b' or 'c'".
std::string QuotedChoice(const std::vector<std::string>& names);

}  // namespace outpost::cli
