// outpost-hub: head office daemon and its queries. All logic lives in hub/hub_cli.cc.
#include <iostream>

#include "hub/hub_cli.h"

int main(int argc, char** argv) {
  return outpost::hub::RunHubCli(argc, argv, std::cout, std::cerr);
}
