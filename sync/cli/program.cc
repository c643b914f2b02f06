#include "sync/cli/program.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <sstream>

#include "schema/migrations.h"

#ifndef OUTPOST_VERSION
#error "OUTPOST_VERSION is set by sync/CMakeLists.txt from project(VERSION)"
#endif

namespace outpost::cli {
namespace {

constexpr const char* kCompletion = "completion";
constexpr const char* kManPage = "manpage";

int NewestVersion(std::span<const schema::SqlMigration> migrations) {
  int newest = 0;
  for (const auto& m : migrations) newest = std::max(newest, m.version);
  return newest;
}

// CLI11 hides a subcommand whose group is empty; option groups have no name.
bool IsVisible(const CLI::App* sub) {
  return !sub->get_name().empty() && !sub->get_group().empty();
}

std::vector<const CLI::App*> VisibleCommands(const CLI::App& app) {
  std::vector<const CLI::App*> subs;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (IsVisible(sub)) subs.push_back(sub);
  }
  std::sort(subs.begin(), subs.end(),
            [](const CLI::App* a, const CLI::App* b) { return a->get_name() < b->get_name(); });
  return subs;
}

std::string CommandPath(const CLI::App& app) {
  std::string path;
  for (const CLI::App* at = &app; at->get_parent() != nullptr; at = at->get_parent()) {
    path = at->get_name() + (path.empty() ? "" : " " + path);
  }
  return path;
}

// Every visible command under `app`, depth first, commands before their subcommands.
void CollectCommands(const CLI::App& app, std::vector<const CLI::App*>* out) {
  out->push_back(&app);
  for (const CLI::App* sub : VisibleCommands(app)) CollectCommands(*sub, out);
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// Text as roff reads it: backslashes escaped, a leading dot or quote defused,
// every non-ASCII character as a \[uXXXX] glyph (groff reads bytes as Latin-1).
std::string Roff(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (byte == '\\') {
        out += "\\e";
      } else if ((byte == '.' || byte == '\'') && (out.empty() || out.back() == '\n')) {
        out += "\\&";
        out += static_cast<char>(byte);
      } else if (byte == '-') {
        out += "\\-";
      } else {
        out += static_cast<char>(byte);
      }
      ++i;
      continue;
    }
    const int length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
    unsigned code = length == 1 ? 0xFFFD : byte & (0x7F >> length);
    for (int k = 1; k < length && i + k < text.size(); ++k) {
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    char glyph[16];
    std::snprintf(glyph, sizeof glyph, "\\[u%04X]", code);
    out += glyph;
    i += static_cast<size_t>(length);
  }
  return out;
}

std::string OptionSynopsis(const CLI::Option& opt) {
  std::string names;
  for (const auto& s : opt.get_snames())
    names += (names.empty() ? "" : ", ") + ("\\fB\\-" + s + "\\fR");
  for (const auto& l : opt.get_lnames()) {
    names += (names.empty() ? "" : ", ") + ("\\fB\\-\\-" + Roff(l) + "\\fR");
  }
  if (!opt.nonpositional()) return "\\fI" + Roff(opt.get_name()) + "\\fR";
  const std::string value = opt.get_type_name();  // empty for a flag
  if (!value.empty()) names += " \\fI" + Roff(value) + "\\fR";
  return names;
}

void ManCommand(const CLI::App& app, std::string_view program, std::ostream& out) {
  const std::string path = CommandPath(app);
  if (!path.empty()) {
    out << ".SS \"" << Roff(std::string(program) + " " + path) << "\"\n";
    out << Roff(app.get_description()) << "\n";
  }
  for (const CLI::Option* opt : app.get_options()) {
    // Every command takes --help: said once, under OPTIONS.
    if (!path.empty() && opt == app.get_help_ptr()) continue;
    out << ".TP\n" << OptionSynopsis(*opt) << "\n" << Roff(opt->get_description()) << "\n";
  }
}

}  // namespace

std::string ManPage(const CLI::App& app, std::string_view program) {
  std::string upper(program);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::ostringstream out;
  out << ".TH " << Roff(upper) << " 1 \"\" \"Outpost " OUTPOST_VERSION "\" \"Outpost manual\"\n";
  // The description as --help shows it starts "PROGRAM: ": the NAME line has it already.
  std::string what = app.get_description();
  if (what.rfind(std::string(program) + ": ", 0) == 0) what.erase(0, program.size() + 2);
  out << ".SH NAME\n" << Roff(program) << " \\- " << Roff(what) << "\n";
  out << ".SH SYNOPSIS\n.B " << Roff(program) << "\n[\\fIoptions\\fR] \\fIcommand\\fR "
      << "[\\fIsubcommand\\fR] [\\fIoptions\\fR] [\\fIarguments\\fR]\n";
  out << ".SH OPTIONS\nThese come before or after the command.\n";
  ManCommand(app, program, out);
  out << ".SH COMMANDS\n";
  std::vector<const CLI::App*> commands;
  CollectCommands(app, &commands);
  for (const CLI::App* command : commands) {
    if (command != &app) ManCommand(*command, program, out);
  }
  out << ".SH \"EXIT STATUS\"\n0 done; 1 usage error or bad input; 2 refused; 3 storage or system "
         "failure.\n";
  out << ".SH \"SEE ALSO\"\n.BR outpost\\-edge (1),\n.BR outpost\\-hub (1),\n.BR outpost (1)\n";
  return out.str();
}

namespace {

int WriteOrPrint(const std::string& text, const std::string& path, std::string_view program,
                 std::ostream& out, std::ostream& err) {
  if (path.empty()) {
    out << text;
    return 0;
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    err << program << ": i/o error: --output: cannot write '" << path << "'\n";
    return 3;
  }
  return 0;
}

}  // namespace

std::string VersionLine(std::string_view program, Schemas schemas) {
  std::string line = std::string(program) + " " + OUTPOST_VERSION + " (schema: ";
  const std::string edge = "edge " + std::to_string(NewestVersion(schema::EdgeMigrations()));
  const std::string hub = "hub " + std::to_string(NewestVersion(schema::HubMigrations()));
  switch (schemas) {
    case Schemas::kEdge:
      line += edge;
      break;
    case Schemas::kHub:
      line += hub;
      break;
    case Schemas::kEdgeAndHub:
      line += edge + ", " + hub;
      break;
  }
  return line + ")";
}

void AddProgramCommands(CLI::App& app, std::string_view program, Schemas schemas) {
  app.set_version_flag("--version", VersionLine(program, schemas),
                       "print the version and the database schema versions, then exit");
  CLI::App* completion = app.add_subcommand(kCompletion, "print a shell completion script");
  completion->add_option("shell", "the shell (bash, the default)");
  completion->group("");
  CLI::App* man = app.add_subcommand(kManPage, "write the man page (roff)");
  man->add_option("--output", "the file to write (default: standard output)");
  man->group("");
}

std::vector<std::string> LongOptionNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* at = &app; at != nullptr; at = at->get_parent()) {
    for (const CLI::Option* opt : at->get_options()) {
      for (const auto& name : opt->get_lnames()) {
        // --help is every command's own and its parents' too: named once.
        if (std::find(names.begin(), names.end(), "--" + name) == names.end()) {
          names.push_back("--" + name);
        }
      }
    }
  }
  return names;
}

std::vector<std::string> VisibleCommandNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : VisibleCommands(app)) names.push_back(sub->get_name());
  return names;
}

std::optional<int> RunProgramCommand(CLI::App& app, std::string_view program, std::ostream& out,
                                     std::ostream& err) {
  const auto& chosen = app.get_subcommands();
  if (chosen.empty() || !chosen.front()->get_group().empty()) return std::nullopt;
  CLI::App& command = *chosen.front();
  if (command.get_name() == kCompletion) {
    const CLI::Option* given = command.get_option("shell");
    const std::string shell = given->count() > 0 ? given->as<std::string>() : "bash";
    if (shell != "bash") {
      err << program << ": invalid input: shell: '" << shell << "' is not supported (only bash)\n";
      return 1;
    }
    out << BashCompletionScript(app, program);
    return 0;
  }
  if (command.get_name() == kManPage) {
    const CLI::Option* given = command.get_option("--output");
    return WriteOrPrint(ManPage(app, program), given->count() > 0 ? given->as<std::string>() : "",
                        program, out, err);
  }
  return std::nullopt;
}

std::string BashCompletionScript(const CLI::App& app, std::string_view program) {
  std::string function = "_" + std::string(program);
  std::replace(function.begin(), function.end(), '-', '_');
  std::vector<const CLI::App*> commands;
  CollectCommands(app, &commands);
  std::ostringstream out;
  out << "# bash completion for " << program << " (generated by `" << program
      << " completion bash`)\n";
  out << function << "_commands() {\n  case \"$1\" in\n";
  for (const CLI::App* c : commands) {
    const auto names = VisibleCommandNames(*c);
    if (!names.empty())
      out << "    \"" << CommandPath(*c) << "\") echo \"" << Joined(names) << "\" ;;\n";
  }
  out << "  esac\n}\n";
  out << function << "_options() {\n  case \"$1\" in\n";
  for (const CLI::App* c : commands) {
    out << "    \"" << CommandPath(*c) << "\") echo \"" << Joined(LongOptionNames(*c)) << "\" ;;\n";
  }
  out << "  esac\n}\n";
  // The command reached: each earlier word that names a subcommand of the path so far.
  out << function << "() {\n"
      << "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" path=\"\" word i\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    word=\"${COMP_WORDS[i]}\"\n"
      << "    case \" $(" << function << "_commands \"$path\") \" in\n"
      << "      *\" $word \"*) path=\"${path:+$path }$word\" ;;\n"
      << "    esac\n"
      << "  done\n"
      << "  if [[ \"$cur\" == -* ]]; then\n"
      << "    COMPREPLY=($(compgen -W \"$(" << function << "_options \"$path\")\" -- \"$cur\"))\n"
      << "  else\n"
      << "    COMPREPLY=($(compgen -W \"$(" << function << "_commands \"$path\")\" -- \"$cur\"))\n"
      << "  fi\n"
      << "}\n";
  out << "complete -o default -F " << function << " " << program << "\n";
  return out.str();
}

}  // namespace outpost::cli
