#include "sync/status.h"

namespace outpost {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidInput:
      return "invalid input";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kRefused:
      return "refused";
    case StatusCode::kConflict:
      return "conflict";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kRetryLater:
      return "retry later";
    case StatusCode::kIoError:
      return "i/o error";
  }
  return "unknown";
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidInput:
    case StatusCode::kNotFound:
      return 1;
    case StatusCode::kRefused:
    case StatusCode::kConflict:
      return 2;
    default:
      return 3;
  }
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace outpost
