#include "sync/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "sync/i18n/messages.h"

namespace outpost {
namespace {

std::string OsReason() { return std::strerror(errno); }

// Writes every byte (write(2) may write fewer than asked).
bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Status WritePrivateFile(const std::string& path, std::string_view contents) {
  return WriteFileDurably(path, contents, kPrivateFileMode);
}

Status WriteFileDurably(const std::string& path, std::string_view contents, unsigned mode) {
  const std::string part = path + ".part";
  const int fd = open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, kPrivateFileMode);
  if (fd < 0) {
    return Status::IoError("cannot create '" + part + "': " + OsReason())
        .WithShown(i18n::Format("cannot create '{0}': {1}", {part, OsReason()}));
  }
  // A part file left by an earlier failed run keeps its old mode through O_TRUNC.
  bool ok = fchmod(fd, kPrivateFileMode) == 0 && WriteAll(fd, contents) &&
            fchmod(fd, static_cast<mode_t>(mode)) == 0 && fsync(fd) == 0;
  std::string reason = ok ? "" : OsReason();
  if (close(fd) != 0 && ok) {
    ok = false;
    reason = OsReason();
  }
  if (ok && std::rename(part.c_str(), path.c_str()) != 0) {
    ok = false;
    reason = OsReason();
  }
  if (!ok) {
    std::remove(part.c_str());
    return Status::IoError("cannot write '" + path + "': " + reason)
        .WithShown(i18n::Format("cannot write '{0}': {1}", {path, reason}));
  }
  // The rename is durable once the directory that holds both names is.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dir_fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    return Status::IoError("cannot open the directory of '" + path + "': " + OsReason())
        .WithShown(i18n::Format("cannot open the directory of '{0}': {1}", {path, OsReason()}));
  }
  ok = fsync(dir_fd) == 0;
  reason = ok ? "" : OsReason();
  close(dir_fd);
  if (!ok) {
    return Status::IoError("cannot sync the directory of '" + path + "': " + reason)
        .WithShown(i18n::Format("cannot sync the directory of '{0}': {1}", {path, reason}));
  }
  return Status::Ok();
}

Status CreatePrivateFileIfMissing(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();
    return Status::IoError("cannot create '" + path + "': " + OsReason())
        .WithShown(i18n::Format("cannot create '{0}': {1}", {path, OsReason()}));
  }
  close(fd);
  return Status::Ok();
}

}  // namespace outpost
