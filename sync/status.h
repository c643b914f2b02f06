// Status and Result<T>: how every Outpost library reports failure.
//
// No exceptions cross a library boundary. A Status carries a code that tells the
// caller what to do next, and a one-line message that names the place and the
// reason ("phone: '12345' is not a valid number"). An error about a caller's
// input may also name the input field it is about (field()), for callers that
// point a person at it (a paper form's column). Value types; thread-compatible.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace outpost {

enum class StatusCode {
  kOk = 0,
  kInvalidInput,  // the caller's input is malformed: fix it and retry
  kNotFound,      // the named thing does not exist
  kRefused,       // well-formed, but a business rule says no (slot full, illegal transition)
  kConflict,      // would duplicate or contradict existing data
  kCorruption,    // stored or received bytes are damaged or forged
  kRetryLater,    // transient: busy, locked, overloaded
  kIoError,       // the OS or the database failed
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidInput(std::string m) { return {StatusCode::kInvalidInput, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Refused(std::string m) { return {StatusCode::kRefused, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status RetryLater(std::string m) { return {StatusCode::kRetryLater, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "refused: slot 2026-11-24 10:00 is full (2 of 2 places taken)". The field
  // is not in it: a message reads the same whether or not a field is named.
  std::string ToString() const;

  // The message as staff read it, in the process's language (sync/i18n):
  // shown() is the translation given with WithShown, else the catalog's
  // translation of a message that is a fixed sentence, else message().
  // message() stays English because it may be stored, logged or sent to
  // another site; only what is printed to a person uses shown().
  std::string shown() const;
  // "拒绝：时段 ... 已满" or "refused: slot ... is full": ToString() for a person.
  std::string ShownString() const;
  // This status with `shown` as its translated message (i18n::Format of the
  // same English and arguments); an ok Status is returned unchanged.
  Status WithShown(std::string shown) const& { return Status(*this).WithShown(std::move(shown)); }
  Status WithShown(std::string shown) && {
    if (!ok()) shown_ = std::move(shown);
    return std::move(*this);
  }

  // The input field this error is about ("slot", "date", "phone", "member_id"),
  // or empty when it names none. An ok Status names no field.
  const std::string& field() const { return field_; }
  // This status naming `field` as the input it is about; an ok Status is
  // returned unchanged. Status::Refused(msg).WithField("slot").
  Status WithField(std::string field) const& { return Status(*this).WithField(std::move(field)); }
  Status WithField(std::string field) && {
    if (!ok()) field_ = std::move(field);
    return std::move(*this);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string shown_;  // empty: the same as message_
  std::string field_;
};

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "Result built from an ok Status carries no value");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  // By value: `for (auto& x : Call().value())` then iterates a value that
  // lives as long as the loop, never one inside the destroyed Result.
  T value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

// `result`, its error (if any) naming the input field it is about:
// ASSIGN_OR_RETURN(name, WithField(CleanText("name", raw, 100, true), "name")).
template <typename T>
Result<T> WithField(Result<T> result, std::string field) {
  if (result.ok()) return result;
  return result.status().WithField(std::move(field));
}

// The exit code every Outpost program gives for a Status: 0 done; 1 usage
// error or bad input; 2 refused by a rule or a conflict; 3 system failure.
int ExitCodeFor(const Status& status);

}  // namespace outpost

#define OUTPOST_CONCAT_INNER(a, b) a##b
#define OUTPOST_CONCAT(a, b) OUTPOST_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if expr is not ok.
#define RETURN_IF_ERROR(expr)       \
  do {                              \
    ::outpost::Status _st = (expr); \
    if (!_st.ok()) return _st;      \
  } while (0)

// ASSIGN_OR_RETURN(auto x, MakeX()): binds the value or returns the Status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(OUTPOST_CONCAT(_result_, __LINE__), lhs, expr)
// tmp is a name being declared and lhs a declaration: neither can be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
