// outpost-edge: a branch store's booking desk. All logic lives in edge/desk.cc.
#include <iostream>

#include "edge/desk.h"

int main(int argc, char** argv) { return outpost::edge::RunDesk(argc, argv, std::cout, std::cerr); }
