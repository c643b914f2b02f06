// Command-line parsing shared by the three programs (outpost-edge, outpost-hub,
// outpost), so that a mistyped subcommand or flag gets the same one-line error
// everywhere, naming the nearest name when the word is a slip (sync/cli/nearest.h):
//   outpost-edge: unknown command 'confim'; did you mean 'confirm'?
//   outpost-hub: unknown command 'duo' for 'campaigns'; did you mean 'due'?
//   outpost-hub: unknown option '--stor' for 'board'; did you mean '--store'?
//   outpost-hub: unknown command 'xylophone' (try: allow, board, book, ...)
//   outpost-edge: unknown option '--xyz' for 'book'
//   outpost-edge: say which command (try: board, book, ...)
// with exit code 1. Only the command-line code of the programs links this
// library (outpost_cli_support); CLI11 never reaches a domain library's headers.
//
// Stateless; thread-compatible.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace outpost::cli {

// After `app.parse` threw a CLI::ParseError: the one line (no newline) naming
// the first argument nothing took, when it is an unknown subcommand or option;
// nullopt when the error is another (a missing required option, a bad value).
std::optional<std::string> UnknownArgumentLine(CLI::App& app, std::string_view program);

// After a CLI::RequiredError where a subcommand was due (none given): the one
// line naming the choices, e.g. "outpost-edge: say which command for
// 'customer' (try: add, find, ...)"; nullopt when the command reached has none.
std::optional<std::string> MissingCommandLine(CLI::App& app, std::string_view program);

// Parses argv. Returns nullopt when the command line parsed and a command of
// the program's own is to run; otherwise the exit code, having written: the
// help to `out` (--help: 0); the version line (--version: 0) or a hidden
// command's output (sync/cli/program.h AddProgramCommands); the unknown
// argument's line to `err` (1); any other parse error to `err` as
// "PROGRAM: usage: WHAT (try --help)" (1).
std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv, std::string_view program,
                                    std::ostream& out, std::ostream& err);

}  // namespace outpost::cli
