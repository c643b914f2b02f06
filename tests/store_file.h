// A test's own connection to a store's database file, for what a test checks
// below the Store's operations: raw rows, the change log, verify's fold, a
// replay into a copy. The Store keeps its connection to itself (edge/store.h
// has no db()); in WAL mode a second connection reads what the Store
// committed and may write between the Store's transactions. Header-only;
// tests only.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "sync/sqlite.h"

namespace outpost::testing {

// The store database at `path`, which must exist: a test that names a file
// it never made is the test's bug, so it stops there.
inline std::unique_ptr<Db> OpenStoreFile(const std::string& path) {
  Db::Options options;
  options.create_if_missing = false;
  auto db = Db::Open(path, options);
  if (!db.ok()) {
    std::fprintf(stderr, "OpenStoreFile(%s): %s\n", path.c_str(), db.status().ToString().c_str());
    std::abort();
  }
  return std::move(db).value();
}

}  // namespace outpost::testing
