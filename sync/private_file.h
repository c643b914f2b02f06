// Files that hold personal data (databases, reports, exports, rejected rows)
// are created readable by their owner only (0600), whatever the umask: a
// store's customer list must not be readable by every account on the machine.
//
// Stateless functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "sync/status.h"

namespace outpost {

// The mode of every file Outpost creates that may hold personal data.
inline constexpr unsigned kPrivateFileMode = 0600;

// Writes `contents` to `path` whole or not at all: into PATH.part (created
// 0600, fsynced), then renamed over `path`, and the directory fsynced so the
// new name survives a power cut. A failure leaves `path` as it was and removes
// the part file; the Status names the path and the OS reason.
Status WritePrivateFile(const std::string& path, std::string_view contents);

// The same with `mode` for the file (a public key is 0644). The part file is
// created 0600 and given `mode` only once it is complete, just before the
// rename, so it is never readable by others while it holds anything else.
Status WriteFileDurably(const std::string& path, std::string_view contents, unsigned mode);

// Creates `path` empty with mode 0600 if no file is there; an existing file is
// left as it is. Used before SQLite opens a new database, so the database and
// the -wal and -shm files SQLite makes beside it (it gives them the main
// file's mode) are owner-only from their first byte.
Status CreatePrivateFileIfMissing(const std::string& path);

}  // namespace outpost
