// outpost: operator tools: keygen (per-site signing and key-exchange keys); backup,
// backup inspect, backup-keygen and restore (tools/backup.h); verify, rebuild and
// replay (tools/recovery.h); audit and recovery-report (tools/audit.h).
//
// Exit codes: 0 done; 1 usage error or bad input; 2 refused (would overwrite a
// key); 3 system failure.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "sync/cli/parse.h"
#include "sync/cli/program.h"
#include "sync/clock.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/keys.h"
#include "tools/audit.h"
#include "tools/backup.h"
#include "tools/recovery.h"

int main(int argc, char** argv) {
  CLI::App app{"outpost: operator tools for Outpost stores and the hub."};
  app.require_subcommand(1);

  std::string site, dir = ".";
  bool force = false;
  auto* keygen = app.add_subcommand(
      "keygen", "make a site's Ed25519 signing and X25519 key-exchange keys (SITE.key, SITE.pub)");
  keygen->add_option("--site", site, "store id, or HUB for head office")->required();
  keygen->add_option("--dir", dir, "where to write the key files")->capture_default_str();
  keygen->add_flag("--force", force,
                   "replace existing key files (key rotation); the old pair is kept as .old");
  // backup, backup inspect, backup-keygen, restore (tools/backup.h).
  outpost::backup::Commands backup_commands(app);
  // verify, rebuild, replay (tools/recovery.h).
  outpost::recovery::Commands recovery_commands(app);
  // audit booking|customer|export, recovery-report (tools/audit.h).
  outpost::audit::Commands audit_commands(app);
  outpost::cli::AddProgramCommands(app, "outpost", outpost::cli::Schemas::kEdgeAndHub);

  // Help, a mistyped command or flag, a missing value: the lines every Outpost
  // program prints (sync/cli/parse.h).
  if (auto exit_code =
          outpost::cli::ParseCommandLine(app, argc, argv, "outpost", std::cout, std::cerr)) {
    return *exit_code;
  }

  // OUTPOST_NOW pins the tools' clock like the desk's and the hub's (drills and tests).
  auto clock = outpost::ClockFromEnvironment();
  if (!clock.ok()) {
    std::cerr << "outpost: " << clock.status().ShownString() << "\n";
    return 1;
  }
  if (backup_commands.parsed()) return backup_commands.Run(**clock, std::cout, std::cerr);
  if (recovery_commands.parsed()) return recovery_commands.Run(**clock, std::cout, std::cerr);
  if (audit_commands.parsed()) return audit_commands.Run(**clock, std::cout, std::cerr);
  if (keygen->parsed()) {
    if (!outpost::IsValidSiteId(site)) {
      std::cerr << "outpost: "
                << outpost::i18n::Format(
                       "invalid input: site: '{0}' must be 1-32 letters, digits, '-' or '_'",
                       {site})
                << "\n";
      return 1;
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    outpost::SecretKeys keys = outpost::SecretKeys::Generate(site);
    auto files = outpost::WriteKeyFiles(keys, dir, force);
    if (!files.ok()) {
      std::cerr << "outpost: " << files.status().ShownString() << "\n";
      return outpost::ExitCodeFor(files.status());
    }
    // The secret is never printed: only where it is and the public key id.
    std::cout << outpost::i18n::Format("wrote {0} (secret, mode 0600) and {1}",
                                       {files->secret, files->pub})
              << "\n"
              << outpost::i18n::Format("key id {0}", {keys.pub.KeyId()}) << "\n";
    if (!files->old_secret.empty()) {
      // Until the hub allows the new key it refuses this site's messages:
      // the old pair is what the site runs on if that has to wait.
      std::cout << outpost::i18n::Format("kept the old pair as {0} (secret, mode 0600) and {1}",
                                         {files->old_secret, files->old_pub})
                << "\n"
                << outpost::i18n::Format(
                       "the hub still knows only the old key: have it allow {0} (outpost-hub "
                       "allow), then remove the .old files",
                       {files->pub})
                << "\n";
    }
  }
  return 0;
}
