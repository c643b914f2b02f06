// The head office program (outpost-hub), as a function so main() stays thin.
// Exit codes: 0 done; 1 usage or bad input; 2 refused; 3 system failure.
#pragma once

#include <iosfwd>

namespace outpost::hub {

int RunHubCli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace outpost::hub
