// The hub's SQLite file opened by a test on a connection of its own, to look
// at what the backend wrote, or to damage or rewind it on purpose. Never
// through the Hub: it reads and writes only through hub/storage/
// (tests/hub_storage_conformance_test.cc states that contract for every
// backend). The same on either backend: tests/hub_db.h.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>

#include "sync/sqlite.h"

namespace outpost::testing {

// For looking only (PRAGMA query_only): a write through it fails.
inline std::unique_ptr<Db> OpenHubFileReadOnly(const std::string& path) {
  auto db = Db::Open(path, {.create_if_missing = false});
  if (!db.ok() || !db.value()->Exec("PRAGMA query_only = ON").ok()) std::abort();
  return std::move(db.value());
}

// `text` as a SQL string literal (quotes doubled), for HubQueryValue.
inline std::string SqlLiteral(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

// For a test that damages or rewinds the file behind the hub's back.
inline std::unique_ptr<Db> OpenHubFileToTamper(const std::string& path) {
  auto db = Db::Open(path, {.create_if_missing = false});
  if (!db.ok()) std::abort();
  return std::move(db.value());
}

}  // namespace outpost::testing
