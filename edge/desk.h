// The desk CLI of a store (outpost-edge), as a function so tests can run it
// in-process as well as through the real binary.
//
// Exit codes: 0 done; 1 usage error or bad input (nothing written);
// 2 refused by a business rule (nothing written); 3 storage or system failure.
#pragma once

#include <iosfwd>

namespace outpost::edge {

int RunDesk(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace outpost::edge
