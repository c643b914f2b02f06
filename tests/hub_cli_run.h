// outpost-hub's program run in process (hub::RunHubCli) on a hub database and
// key file, its output captured: for tests of the command line.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "hub/hub_cli.h"

namespace outpost::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// outpost-hub --db DB --key KEY ARGS...
inline CliResult RunHubCliWith(const std::string& db, const std::string& key,
                               const std::vector<std::string>& args) {
  std::vector<std::string> words = {"outpost-hub", "--db", db, "--key", key};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(words.size());
  for (auto& w : words) argv.push_back(w.data());
  std::ostringstream out, err;
  CliResult r;
  r.exit_code = hub::RunHubCli(static_cast<int>(argv.size()), argv.data(), out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace outpost::testing
