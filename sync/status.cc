#include "sync/status.h"

#include "sync/i18n/messages.h"

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

namespace {

// StatusCodeName in the process's language.
std::string ShownCodeName(StatusCode code) {
  // In StatusCode's order, kOk first.
  const std::string names[] = {i18n::Tr("ok"),          i18n::Tr("invalid input"),
                               i18n::Tr("not found"),   i18n::Tr("refused"),
                               i18n::Tr("conflict"),    i18n::Tr("corruption"),
                               i18n::Tr("retry later"), i18n::Tr("i/o error")};
  static_assert(static_cast<int>(StatusCode::kIoError) == 7);
  return names[static_cast<int>(code)];
}

}  // namespace

std::string Status::shown() const {
  if (!shown_.empty()) return shown_;
  // A fixed sentence is its own catalog key: a NotFound of "no such case".
  if (i18n::CurrentLanguage() == i18n::Language::kChineseSimplified) {
    if (const std::string_view chinese = i18n::ChineseOf(message_); !chinese.empty()) {
      return std::string(chinese);
    }
  }
  return message_;
}

std::string Status::ShownString() const {
  if (ok()) return ShownCodeName(code_);
  return i18n::Format("{0}: {1}", {ShownCodeName(code_), shown()});
}

}  // namespace outpost
