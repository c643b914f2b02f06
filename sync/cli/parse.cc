#include "sync/cli/parse.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <ostream>
#include <vector>

#include "sync/cli/nearest.h"
#include "sync/cli/program.h"
#include "sync/i18n/messages.h"

namespace outpost::cli {
namespace {

// The subcommand the parse reached: the root's parsed child, its parsed child, ...
CLI::App* Deepest(CLI::App& app, std::string* path) {
  CLI::App* at = &app;
  for (;;) {
    const auto& chosen = at->get_subcommands();
    if (chosen.empty()) return at;
    at = chosen.front();
    *path += (path->empty() ? "" : " ") + at->get_name();
  }
}

std::string ChoiceList(CLI::App& app) {
  std::string out;
  for (const auto& name : VisibleCommandNames(app)) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

std::optional<std::string> UnknownArgumentLine(CLI::App& app, std::string_view program) {
  // With fallthrough, every argument no subcommand took ends at the root.
  const std::vector<std::string> left = app.remaining(/*recurse=*/true);
  if (left.empty()) return std::nullopt;
  std::string path;
  CLI::App* at = Deepest(app, &path);
  const std::string& first = left.front();
  if (first.size() > 1 && first[0] == '-') {
    const std::string option = first.substr(0, first.find('='));
    const auto nearest = NearestNames(option, LongOptionNames(*at));
    return (path.empty()
                ? i18n::Format("{0}: unknown option '{1}'", {program, option})
                : i18n::Format("{0}: unknown option '{1}' for '{2}'", {program, option, path})) +
           (nearest.empty() ? "" : i18n::Format("; did you mean {0}?", {QuotedChoice(nearest)}));
  }
  // A word where a subcommand was due; a stray word after a leaf command is another error.
  const std::vector<std::string> commands = VisibleCommandNames(*at);
  if (commands.empty()) return std::nullopt;
  const auto nearest = NearestNames(first, commands);
  const std::string unknown =
      path.empty() ? i18n::Format("{0}: unknown command '{1}'", {program, first})
                   : i18n::Format("{0}: unknown command '{1}' for '{2}'", {program, first, path});
  if (!nearest.empty()) {
    return unknown + i18n::Format("; did you mean {0}?", {QuotedChoice(nearest)});
  }
  return unknown + i18n::Format(" (try: {0})", {ChoiceList(*at)});
}

std::optional<std::string> MissingCommandLine(CLI::App& app, std::string_view program) {
  std::string path;
  CLI::App* at = Deepest(app, &path);
  if (VisibleCommandNames(*at).empty()) return std::nullopt;
  return (path.empty() ? i18n::Format("{0}: say which command", {program})
                       : i18n::Format("{0}: say which command for '{1}'", {program, path})) +
         i18n::Format(" (try: {0})", {ChoiceList(*at)});
}

std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv, std::string_view program,
                                    std::ostream& out, std::ostream& err) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForVersion& version) {
    out << version.what() << "\n";
    return 0;
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& e) {
    if (auto line = UnknownArgumentLine(app, program)) {
      err << *line << "\n";
    } else if (auto missing = dynamic_cast<const CLI::RequiredError*>(&e) != nullptr
                                  ? MissingCommandLine(app, program)
                                  : std::nullopt) {
      err << *missing << "\n";
    } else {
      err << i18n::Format("{0}: usage: {1} (try --help)", {program, e.what()}) << "\n";
    }
    return 1;
  }
  return RunProgramCommand(app, program, out, err);
}

}  // namespace outpost::cli
