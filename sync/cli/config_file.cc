#include "sync/cli/config_file.h"

#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "sync/cli/nearest.h"
#include "sync/cli/parse.h"
#include "sync/i18n/messages.h"

namespace outpost::cli {
namespace {

constexpr const char* kMasked = "\"********\"";

// What TOML type an option takes: a flag a boolean, INT an integer, FLOAT a
// number, TEXT a string; an option with its own type name (HH:MM, N) a string
// or a bare number, CLI11 converting the text.
enum class Expect { kBoolean, kInteger, kNumber, kText, kTextOrNumber };

// A flag takes no value on the command line (--once); in the file, true or false.
bool IsFlag(const CLI::Option& option) { return option.get_expected_max() == 0; }

Expect ExpectedType(const CLI::Option& option) {
  if (IsFlag(option)) return Expect::kBoolean;
  std::string type = option.get_type_name();
  type = type.substr(0, type.find(':'));  // "INT:INT in [1 - 10]": validators follow
  if (type == "INT" || type == "UINT") return Expect::kInteger;
  if (type == "FLOAT") return Expect::kNumber;
  if (type == "BOOLEAN") return Expect::kBoolean;
  if (type == "TEXT") return Expect::kText;
  return Expect::kTextOrNumber;
}

// The names below are in the reader's language: they only make up the
// problems `config check` and a starting program print.
std::string ExpectedName(Expect expect) {
  switch (expect) {
    case Expect::kBoolean:
      return i18n::Tr("true or false");
    case Expect::kInteger:
      return i18n::Tr("an integer");
    case Expect::kNumber:
      return i18n::Tr("a number");
    case Expect::kTextOrNumber:
      return i18n::Tr("a string or a number");
    case Expect::kText:
      break;
  }
  return i18n::Tr("a string");
}

std::string TomlTypeName(const toml::node& node) {
  if (node.is_string()) return i18n::Tr("a string");
  if (node.is_integer()) return i18n::Tr("an integer");
  if (node.is_floating_point()) return i18n::Tr("a float");
  if (node.is_boolean()) return i18n::Tr("a boolean");
  if (node.is_table()) return i18n::Tr("a table");
  if (node.is_array()) return i18n::Tr("an array");
  return i18n::Tr("a date or time");
}

// `text` as a TOML basic string: double quotes, escapes where TOML needs them.
std::string Quoted(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      quoted += "\\u00";
      quoted += kHex[(c >> 4) & 0xf];
      quoted += kHex[c & 0xf];
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

std::string Render(const toml::node& node) {
  if (node.is_string()) return Quoted(*node.value<std::string>());
  std::ostringstream text;
  node.visit([&text](auto&& value) { text << value; });
  return text.str();
}

std::string NumberText(double value) {
  std::ostringstream text;
  text << std::setprecision(17) << value;
  return text.str();
}

// One scalar as the text CLI11 converts, or nullopt with `problem` set.
std::optional<std::string> ScalarText(const toml::node& node, Expect expect, std::string* problem) {
  if (expect == Expect::kBoolean && node.is_boolean()) {
    return *node.value<bool>() ? "true" : "false";
  }
  const bool number = expect == Expect::kNumber || expect == Expect::kTextOrNumber;
  if ((number || expect == Expect::kInteger) && node.is_integer()) {
    return std::to_string(*node.value<int64_t>());
  }
  if (number && node.is_floating_point()) return NumberText(*node.value<double>());
  if ((expect == Expect::kText || expect == Expect::kTextOrNumber) && node.is_string()) {
    return *node.value<std::string>();
  }
  *problem = i18n::Format("expected {0}, found {1}", {ExpectedName(expect), TomlTypeName(node)});
  return std::nullopt;
}

// The value(s) for `option`: an array only where the option takes several.
std::optional<std::vector<std::string>> OptionValues(const toml::node& node,
                                                     const CLI::Option& option,
                                                     std::string* problem) {
  const Expect expect = ExpectedType(option);
  std::vector<std::string> values;
  if (const toml::array* items = node.as_array()) {
    if (option.get_items_expected_max() <= 1) {
      *problem =
          i18n::Format("expected {0}, found {1}", {ExpectedName(expect), i18n::Tr("an array")});
      return std::nullopt;
    }
    for (const toml::node& item : *items) {
      auto text = ScalarText(item, expect, problem);
      if (!text) {
        *problem = i18n::Format("an item: {0}", {*problem});
        return std::nullopt;
      }
      values.push_back(std::move(*text));
    }
    return values;
  }
  auto text = ScalarText(node, expect, problem);
  if (!text) return std::nullopt;
  values.push_back(std::move(*text));
  return values;
}

// Options a file never sets: help, and --version, which would make every run
// print the version and exit.
bool IsHelp(const CLI::App& app, const CLI::Option* option) {
  return option == app.get_help_ptr() || option == app.get_help_all_ptr() ||
         option == app.get_version_ptr();
}

// The commands a file may configure: the hidden ones (completion, manpage:
// their group is empty) write files for the build, never from a configuration.
std::vector<CLI::App*> Subcommands(CLI::App& app) {
  return app.get_subcommands(
      [](CLI::App* sub) { return !sub->get_name().empty() && !sub->get_group().empty(); });
}

CLI::App* SubcommandNamed(CLI::App& app, const std::string& name) {
  for (CLI::App* sub : Subcommands(app)) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

// The option `--name` of `app` a file key may set: not help, not positional.
CLI::Option* OptionNamed(CLI::App& app, const std::string& name) {
  if (name.empty() || name[0] == '-') return nullptr;
  CLI::Option* option = app.get_option_no_throw("--" + name);
  if (option == nullptr || IsHelp(app, option)) return nullptr;
  return option;
}

// " (did you mean 'bind'?)" naming the nearest keys or sections, or "".
std::string Suggestion(CLI::App& app, const std::string& name) {
  std::vector<std::string> names;
  for (CLI::Option* option : app.get_options()) {
    if (IsHelp(app, option)) continue;
    for (const auto& long_name : option->get_lnames()) names.push_back(long_name);
  }
  for (CLI::App* sub : Subcommands(app)) names.push_back(sub->get_name());
  const std::vector<std::string> nearest = NearestNames(name, names);
  return nearest.empty() ? "" : i18n::Format(" (did you mean {0}?)", {QuotedChoice(nearest)});
}

int LineOf(const toml::key& key, const toml::node& node) {
  if (key.source().begin.line != 0) return static_cast<int>(key.source().begin.line);
  return static_cast<int>(node.source().begin.line);
}

// Matches each key of `table` (section `prefix`, the subcommand `app`) to an
// option, recursing into sub-tables as subcommands.
void Walk(const toml::table& table, CLI::App& app, const std::string& prefix, LoadedConfig& out,
          std::vector<std::pair<int, std::string>>& errors) {
  for (auto&& [key, node] : table) {
    const std::string name(key.str());
    const std::string dotted = prefix.empty() ? name : prefix + "." + name;
    const int line = LineOf(key, node);
    const std::string where = out.path + ":" + std::to_string(line) + ": " + dotted;
    if (const toml::table* section = node.as_table()) {
      if (CLI::App* sub = SubcommandNamed(app, name)) {
        Walk(*section, *sub, dotted, out, errors);
      } else if (OptionNamed(app, name) != nullptr) {
        errors.emplace_back(line, where + ": " + i18n::Tr("expected a value, found a table"));
      } else {
        errors.emplace_back(line, where + ": " + i18n::Format("unknown section [{0}]", {dotted}) +
                                      Suggestion(app, name));
      }
      continue;
    }
    const std::string shown = IsSecretKey(name) ? kMasked : MaskUrlPasswords(Render(node));
    const std::string said = where + " = " + shown + ": ";
    CLI::Option* option = OptionNamed(app, name);
    if (option == nullptr) {
      if (SubcommandNamed(app, name) != nullptr) {
        errors.emplace_back(line,
                            said + i18n::Format("'{0}' is a command: its keys go in a [{1}] table",
                                                {name, dotted}));
      } else {
        errors.emplace_back(line, said + i18n::Tr("unknown key") + Suggestion(app, name));
      }
      continue;
    }
    if (prefix.empty() && name == "config") {
      errors.emplace_back(line, said + i18n::Tr("the file is chosen by --config or OUTPOST_CONFIG, "
                                                "not in it"));
      continue;
    }
    std::string problem;
    auto values = OptionValues(node, *option, &problem);
    if (!values) {
      errors.emplace_back(line, said + problem);
      continue;
    }
    out.settings.push_back({dotted, line, std::move(*values), shown, option});
  }
}

// Every named subcommand of `app`, depth first, with its dotted section name.
void EachSection(CLI::App& app, const std::string& dotted,
                 const std::function<void(CLI::App&, const std::string&)>& visit) {
  visit(app, dotted);
  for (CLI::App* sub : Subcommands(app)) {
    EachSection(*sub, dotted.empty() ? sub->get_name() : dotted + "." + sub->get_name(), visit);
  }
}

// The options of `app` a file may set, in declaration order.
std::vector<CLI::Option*> KeyOptions(CLI::App& app) {
  return app.get_options([&app](CLI::Option* option) {
    return !IsHelp(app, option) && !option->get_lnames().empty();
  });
}

// The option's effective value as TOML, after parsing and the file applied.
std::string EffectiveValue(CLI::Option& option) {
  if (IsFlag(option)) {  // given (true), or set false by the file
    if (option.count() == 0) return "false";
    try {
      return option.as<bool>() ? "true" : "false";
    } catch (const CLI::Error&) {
      return "true";
    }
  }
  // The bound variable now holds the effective value; capture_default_str reads it.
  option.capture_default_str();
  std::string value = option.get_default_str();
  if (value.empty() && option.count() > 0) value = option.as<std::string>();
  const Expect expect = ExpectedType(option);
  if ((expect == Expect::kInteger || expect == Expect::kNumber) && !value.empty()) return value;
  return Quoted(value);
}

}  // namespace

bool IsSecretKey(const std::string& key) {
  std::string lower = key;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* word : {"secret", "password", "token"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string MaskUrlPasswords(const std::string& value) {
  std::string out = value;
  // user:PASS@ after a scheme's "://", up to the '@' that ends the user part.
  for (size_t scheme = out.find("://"); scheme != std::string::npos;
       scheme = out.find("://", scheme + 3)) {
    const size_t start = scheme + 3;
    const size_t at = out.find('@', start);
    const size_t end_of_authority = out.find_first_of("/?#", start);
    if (at == std::string::npos ||
        (end_of_authority != std::string::npos && at > end_of_authority)) {
      continue;
    }
    const size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at)
      out.replace(colon + 1, at - colon - 1, "********");
  }
  // password=PASS as a query parameter or a key=value connection string.
  for (size_t key = out.find("password="); key != std::string::npos;
       key = out.find("password=", key + 1)) {
    const size_t start = key + 9;
    const size_t end = out.find_first_of("& ", start);
    out.replace(start, (end == std::string::npos ? out.size() : end) - start, "********");
  }
  return out;
}

LoadedConfig LoadConfigFile(CLI::App& app, const std::string& path) {
  LoadedConfig loaded;
  loaded.path = path;
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    loaded.errors.push_back(path + ": " + i18n::Tr("cannot read: it is a directory"));
    return loaded;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    loaded.errors.push_back(path + ": " + i18n::Format("cannot read: {0}", {std::strerror(errno)}));
    return loaded;
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    const toml::table table = toml::parse(text.str(), path);
    // toml++ keeps a table's keys sorted; errors and settings are reported in file order.
    std::vector<std::pair<int, std::string>> errors;
    Walk(table, app, "", loaded, errors);
    // A value of the right type the option still refuses (its validator, its
    // conversion) is tried now, so `config check` finds it and no command
    // starts on it. The trial leaves the option unset; the value is applied
    // after parsing only when no flag or variable gives one.
    for (const FileSetting& setting : loaded.settings) {
      try {
        setting.option->add_result(setting.values);
        setting.option->run_callback();
      } catch (const CLI::Error& e) {
        errors.emplace_back(setting.line, path + ":" + std::to_string(setting.line) + ": " +
                                              setting.key + " = " + setting.shown + ": " +
                                              e.what());
      }
      setting.option->clear();
    }
    std::stable_sort(errors.begin(), errors.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [line, error] : errors) loaded.errors.push_back(std::move(error));
    std::stable_sort(loaded.settings.begin(), loaded.settings.end(),
                     [](const FileSetting& a, const FileSetting& b) { return a.line < b.line; });
  } catch (const toml::parse_error& e) {
    loaded.errors.push_back(path + ":" + std::to_string(e.source().begin.line) + ": " +
                            i18n::Format("TOML syntax error: {0}", {std::string(e.description())}));
  }
  return loaded;
}

ProgramConfig::ProgramConfig(CLI::App& app, std::string program, std::string default_path)
    : app_(app), program_(std::move(program)), default_path_(std::move(default_path)) {
  config_option_ = app_.add_option(
      "--config", config_flag_,
      "configuration file (env OUTPOST_CONFIG; default " + default_path_ + " when it exists)");
  CLI::App* config = SubcommandNamed(app_, "config");
  if (config == nullptr) {
    config = app_.add_subcommand("config", "the configuration file: check, show, keys");
    config->require_subcommand(1);
  }
  check_ = config->add_subcommand("check", "validate a configuration file; runs nothing");
  check_->add_option("file", check_path_, "the file (default: the one that would be used)");
  show_ = config->add_subcommand("show", "the effective settings and where each came from");
  keys_ = config->add_subcommand("keys", "every key a configuration file may set, by section");
}

ProgramConfig::ChosenFile ProgramConfig::ChooseFile(int argc, char** argv) const {
  // Read ahead of parsing: the file's values relax required options before CLI11 checks them.
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;
    if (arg == "--config" && i + 1 < argc) return {argv[i + 1], SettingSource::kFlag};
    if (arg.rfind("--config=", 0) == 0) return {arg.substr(9), SettingSource::kFlag};
  }
  const char* env = std::getenv("OUTPOST_CONFIG");
  if (env != nullptr && *env != '\0') return {env, SettingSource::kEnvironment};
  std::error_code error;
  if (std::filesystem::exists(default_path_, error))
    return {default_path_, SettingSource::kDefault};
  return {};
}

void ProgramConfig::TakeOverEnvironment() {
  // CLI11 would read the variables itself, but then a value's source (flag or
  // environment) is lost; read here, after the flags, the precedence is the same.
  EachSection(app_, "", [this](CLI::App& app, const std::string&) {
    for (CLI::Option* option : app.get_options()) {
      const std::string name = option->get_envname();
      if (name.empty()) continue;
      env_names_[option] = name;
      option->envname("");
      const char* value = std::getenv(name.c_str());
      if (value != nullptr && *value != '\0' && option->get_required()) {
        relaxed_.insert(option);
        option->required(false);
      }
    }
  });
}

std::vector<std::string> ProgramConfig::ApplyBeneathFlags() {
  std::map<const CLI::Option*, const FileSetting*> from_file;
  for (const FileSetting& setting : loaded_.settings) from_file[setting.option] = &setting;
  std::vector<std::string> errors;
  for (CLI::App* at = &app_; at != nullptr;) {
    for (CLI::Option* option : at->get_options()) {
      if (option->count() > 0) {
        sources_[option] = SettingSource::kFlag;
        continue;
      }
      std::string where;
      try {
        const auto env = env_names_.find(option);
        const char* value = env == env_names_.end() ? nullptr : std::getenv(env->second.c_str());
        if (value != nullptr && *value != '\0') {
          where = env->second + "=" + (IsSecretKey(env->second) ? kMasked : value);
          sources_[option] = SettingSource::kEnvironment;
          option->add_result(std::string(value));
        } else if (auto file = from_file.find(option); file != from_file.end()) {
          const FileSetting& setting = *file->second;
          where = loaded_.path + ":" + std::to_string(setting.line) + ": " + setting.key + " = " +
                  setting.shown;
          sources_[option] = SettingSource::kFile;
          option->add_result(setting.values);
        } else {
          sources_[option] = SettingSource::kDefault;
          continue;
        }
        option->run_callback();
      } catch (const CLI::Error& e) {
        errors.push_back(where + ": " + e.what());
      }
    }
    const std::vector<CLI::App*> chosen = at->get_subcommands();
    at = chosen.empty() ? nullptr : chosen.front();
  }
  return errors;
}

std::optional<int> ProgramConfig::Parse(int argc, char** argv, std::ostream& out,
                                        std::ostream& err) {
  chosen_ = ChooseFile(argc, argv);
  if (!chosen_.path.empty()) loaded_ = LoadConfigFile(app_, chosen_.path);
  TakeOverEnvironment();
  // A required option the file sets is given; CLI11 must not refuse it as missing.
  if (loaded_.errors.empty()) {
    for (const FileSetting& setting : loaded_.settings) {
      if (!setting.option->get_required()) continue;
      relaxed_.insert(setting.option);
      setting.option->required(false);
    }
  }
  if (auto done = ParseCommandLine(app_, argc, argv, program_, out, err)) {
    if (*done != 0) PrintErrors(loaded_.errors, err);
    return done;
  }
  if (check_->parsed()) return RunCheck(out, err);
  if (show_->parsed()) return RunShow(out, err);
  if (keys_->parsed()) return RunKeys(out);
  return ApplyOrRefuse(err);
}

std::optional<int> ProgramConfig::ApplyOrRefuse(std::ostream& err) {
  // Nothing runs half-configured: every error in the file stops the command,
  // and so does a value from the environment or the file the option refuses.
  std::vector<std::string> errors = loaded_.errors;
  if (errors.empty()) errors = ApplyBeneathFlags();
  if (errors.empty()) return std::nullopt;
  PrintErrors(errors, err);
  return 1;
}

void ProgramConfig::PrintErrors(const std::vector<std::string>& errors, std::ostream& err) const {
  for (const auto& line : errors) err << i18n::Format("{0}: {1}", {program_, line}) << "\n";
}

int ProgramConfig::RunCheck(std::ostream& out, std::ostream& err) {
  if (check_path_.empty() && chosen_.path.empty()) {
    err << i18n::Format(
               "{0}: no configuration file to check: {1} does not exist (name one: config check "
               "FILE)",
               {program_, default_path_})
        << "\n";
    return 1;
  }
  const LoadedConfig checked = check_path_.empty() ? loaded_ : LoadConfigFile(app_, check_path_);
  if (!checked.errors.empty()) {
    PrintErrors(checked.errors, err);
    return 1;
  }
  out << i18n::Format("ok: {0} ({1} keys)", {checked.path, std::to_string(checked.settings.size())})
      << "\n";
  return 0;
}

int ProgramConfig::RunShow(std::ostream& out, std::ostream& err) {
  if (auto refused = ApplyOrRefuse(err)) return *refused;
  static constexpr const char* kSourceNames[] = {"flag", "env", "file", "default"};
  if (chosen_.path.empty()) {
    out << "# config: none (" << default_path_ << " does not exist)\n";
  } else {
    out << "# config: " << chosen_.path << " ("
        << (chosen_.source == SettingSource::kFlag          ? "flag --config"
            : chosen_.source == SettingSource::kEnvironment ? "env OUTPOST_CONFIG"
                                                            : "default")
        << ")\n";
  }
  for (CLI::Option* option : KeyOptions(app_)) {
    if (option == config_option_) continue;
    const std::string key = option->get_lnames().front();
    const SettingSource source = sources_[option];
    out << key << " = " << (IsSecretKey(key) ? kMasked : MaskUrlPasswords(EffectiveValue(*option)))
        << "  # " << kSourceNames[static_cast<int>(source)];
    if (source == SettingSource::kEnvironment) out << " " << env_names_[option];
    out << "\n";
  }
  ShowCommandKeys(out);
  return 0;
}

void ProgramConfig::ShowCommandKeys(std::ostream& out) {
  // A command's keys take effect when it runs; listed only when the
  // environment or the file sets them (the defaults are in `config keys`),
  // the environment first as when the command runs.
  std::map<const CLI::Option*, const FileSetting*> from_file;
  for (const FileSetting& setting : loaded_.settings) from_file[setting.option] = &setting;
  for (CLI::App* command : Subcommands(app_)) {
    EachSection(*command, command->get_name(), [&](CLI::App& app, const std::string& dotted) {
      for (CLI::Option* option : KeyOptions(app)) {
        const std::string key = dotted + "." + option->get_lnames().front();
        const auto env = env_names_.find(option);
        const char* value = env == env_names_.end() ? nullptr : std::getenv(env->second.c_str());
        if (value != nullptr && *value != '\0') {
          const Expect expect = ExpectedType(*option);
          const bool bare = expect == Expect::kInteger || expect == Expect::kNumber;
          out << key << " = "
              << (IsSecretKey(key) ? kMasked
                  : bare           ? std::string(value)
                                   : Quoted(MaskUrlPasswords(value)))
              << "  # env " << env->second << "\n";
        } else if (auto file = from_file.find(option); file != from_file.end()) {
          out << key << " = " << MaskUrlPasswords(file->second->shown) << "  # file\n";
        }
      }
    });
  }
}

int ProgramConfig::RunKeys(std::ostream& out) {
  out << "# " << program_ << ": every key of its configuration file (docs/CONFIG.md)\n";
  EachSection(app_, "", [&](CLI::App& app, const std::string& dotted) {
    std::vector<CLI::Option*> options = KeyOptions(app);
    std::erase(options, config_option_);
    if (options.empty()) return;
    if (!dotted.empty()) out << "\n[" << dotted << "]\n";
    for (CLI::Option* option : options) {
      std::string type = IsFlag(*option) ? "BOOL" : option->get_type_name();
      if (option->get_items_expected_max() > 1) type += " list";
      if (option->get_required() || relaxed_.count(option) > 0) type += ", required";
      out << option->get_lnames().front() << "  (" << type << ")";
      if (!option->get_description().empty()) out << "  " << option->get_description();
      const auto env = env_names_.find(option);
      if (env != env_names_.end() &&
          option->get_description().find(env->second) == std::string::npos) {
        out << " (env " << env->second << ")";
      }
      out << "\n";
    }
  });
  return 0;
}

}  // namespace outpost::cli
