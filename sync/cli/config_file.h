// A program's configuration file (TOML, read with toml++), shared by
// outpost-edge and outpost-hub (docs/CONFIG.md). The file mirrors the command
// line: top-level keys are the program's global long options without dashes
// (`db = "/var/lib/outpost/hub.db"`), each [table] is a subcommand whose keys
// are that subcommand's long options (`[sync] hub = "tcp://..."`), nested
// subcommands are nested tables. The mapping walks the CLI11 option tree, so an
// option added to any command is a key of the file without further code.
//
// Which file: `--config FILE`, else OUTPOST_CONFIG, else the program's default
// (/etc/outpost/edge.toml, hub.toml) when it exists, else none.
// Precedence of a value: command-line flag > environment variable (an option's
// CLI11 envname) > file > built-in default.
//
// Errors (unreadable file, TOML syntax, unknown key, wrong type, a value the
// option refuses) are each one line naming file, line, dotted key, value and
// problem, all found before the command runs, so a daemon never starts
// half-configured. `config check [FILE]`, `config show` and `config keys` are
// registered under the program's `config` subcommand (created if absent).
//
// Not thread-safe: one per command line, used on one thread.
#pragma once

#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace outpost::cli {

// Where an option's effective value came from, highest precedence first.
enum class SettingSource { kFlag, kEnvironment, kFile, kDefault };

// One leaf key of a configuration file, matched to the option it sets.
struct FileSetting {
  std::string key;                  // dotted path: "sync.hub"
  int line = 0;                     // where the file sets it
  std::vector<std::string> values;  // as CLI11 takes them: one, or one per array item
  std::string shown;                // the value as written, masked when secret
  CLI::Option* option = nullptr;
};

// A file read and matched against the option tree: its settings, or the error
// lines (each "FILE:LINE: key = value: problem", without the program's name).
struct LoadedConfig {
  std::string path;
  std::vector<FileSetting> settings;
  std::vector<std::string> errors;
};

// Reads `path` and matches every key against `app`'s option tree.
LoadedConfig LoadConfigFile(CLI::App& app, const std::string& path);

// Whether a key's value is never printed (secret, password, token in its name).
bool IsSecretKey(const std::string& key);
// `value` with the password of any URL in it ("postgresql://hub:PASS@host/db",
// "...?password=PASS") replaced by ********: a database URL is a setting
// like any other, and its password must never be printed.
std::string MaskUrlPasswords(const std::string& value);

class ProgramConfig {
 public:
  // `app` is the program's whole command tree, already built. Registers the
  // global --config option and config check | show | keys.
  ProgramConfig(CLI::App& app, std::string program, std::string default_path);
  ProgramConfig(const ProgramConfig&) = delete;
  ProgramConfig& operator=(const ProgramConfig&) = delete;

  // Parses argv with the environment and the file applied beneath it. Returns
  // nullopt when the command is to run; otherwise the exit code, having
  // written the help, a config subcommand's output, or the errors (exit 1).
  std::optional<int> Parse(int argc, char** argv, std::ostream& out, std::ostream& err);

 private:
  struct ChosenFile {
    std::string path;  // empty: no file
    SettingSource source = SettingSource::kDefault;
  };
  ChosenFile ChooseFile(int argc, char** argv) const;
  void TakeOverEnvironment();
  std::vector<std::string> ApplyBeneathFlags();
  // The file's errors, else ApplyBeneathFlags's: printed, and 1; nullopt when
  // every value applied.
  std::optional<int> ApplyOrRefuse(std::ostream& err);
  // `config show`'s command keys: those the environment or the file sets.
  void ShowCommandKeys(std::ostream& out);
  int RunCheck(std::ostream& out, std::ostream& err);
  int RunShow(std::ostream& out, std::ostream& err);
  int RunKeys(std::ostream& out);
  void PrintErrors(const std::vector<std::string>& errors, std::ostream& err) const;

  CLI::App& app_;
  std::string program_;
  std::string default_path_;
  CLI::Option* config_option_ = nullptr;
  std::string config_flag_;  // bound to --config; the path is chosen before parsing
  std::string check_path_;   // config check [FILE]
  CLI::App* check_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* keys_ = nullptr;
  ChosenFile chosen_;
  LoadedConfig loaded_;
  // Options whose environment variable this class reads (taken from CLI11 so
  // the source of each value is known): option -> variable name.
  std::map<const CLI::Option*, std::string> env_names_;
  std::map<const CLI::Option*, SettingSource> sources_;
  // Required options made optional because the file or environment gives them.
  std::set<const CLI::Option*> relaxed_;
};

}  // namespace outpost::cli
