// What every Outpost program's command line offers besides its own commands
// (outpost-edge, outpost-hub, outpost): `--version`, naming the program's
// version and the newest schema of each database it opens; a hidden
// `completion bash` printing a bash completion script; and a hidden `manpage
// [--output FILE]` writing the man page (roff). Both are generated from the
// program's CLI11 tree, so they name exactly the commands and options the
// program parses. The build runs them into ${CMAKE_BINARY_DIR}/completion and
// ${CMAKE_BINARY_DIR}/man (sync/CMakeLists.txt: outpost_generate_cli_docs).
//
// Stateless; thread-compatible.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace outpost::cli {

// The databases a program opens: their newest migrations are its schema.
enum class Schemas { kEdge, kHub, kEdgeAndHub };

// "outpost-edge 0.1.0 (schema: edge 20)": the project's version (CMake's
// project(VERSION)) and each database's newest migration number.
std::string VersionLine(std::string_view program, Schemas schemas);

// Adds --version and the hidden `completion` and `manpage` commands to the
// program's root. Call once, before ParseCommandLine (sync/cli/parse.h), which
// prints the version and runs the hidden commands.
void AddProgramCommands(CLI::App& app, std::string_view program, Schemas schemas);

// The names of `app`'s subcommands a user is offered, sorted: hidden ones and
// CLI11's unnamed option groups left out.
std::vector<std::string> VisibleCommandNames(const CLI::App& app);

// "--date", ...: the long options `app` takes, its own and then, by
// fallthrough, its parents', in the order they were added.
std::vector<std::string> LongOptionNames(const CLI::App& app);

// After a successful parse: when a hidden command of AddProgramCommands was
// chosen, runs it and returns its exit code; nullopt otherwise.
std::optional<int> RunProgramCommand(CLI::App& app, std::string_view program, std::ostream& out,
                                     std::ostream& err);

// A bash script completing the program's commands at each level and the long
// options of the command reached (with its parents', which it also takes);
// words that are no command fall back to file names.
std::string BashCompletionScript(const CLI::App& app, std::string_view program);

// The program's man page, section 1, in roff (-man macros): every visible
// command with its options; non-ASCII text as \[uXXXX] escapes.
std::string ManPage(const CLI::App& app, std::string_view program);

}  // namespace outpost::cli
