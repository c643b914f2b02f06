// Reading the outreach settings files (holiday calendar, contact policy,
// reminder steps, service rules) from JSON. Internal to sync/outreach/.
//
// Every error is InvalidInput naming the document, the path of the value
// inside it and the reason ("contact policy: quiet_hours[1].start: '25:00' is
// not HH:MM"), and carries the path as Status::field(), so head office can
// point at the line of the file that is wrong. A value that is absent reads
// as null: each reader says whether that is allowed. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "sync/civil_time.h"
#include "sync/merge.h"
#include "sync/status.h"

namespace outpost::outreach::internal {

// One value in a document and its path. Holds references: the document and
// the `what` text must outlive the reader.
class JsonIn {
 public:
  JsonIn(const char* what, const nlohmann::json& value) : what_(what), value_(value) {}

  const std::string& path() const { return path_; }
  const nlohmann::json& value() const { return value_; }
  bool Present() const { return !value_.is_null(); }

  // InvalidInput about this value ("<what>: <path>: <why>"), naming the path.
  // Shown with `why` through the catalog when it is a fixed sentence there.
  Status Bad(const std::string& why) const;
  // The same, with `why_shown` as the reason in the process's language.
  Status Bad(const std::string& why, const std::string& why_shown) const;
  // The member `key` (null when absent or when this is not an object).
  JsonIn At(const char* key) const;
  // Element `i` of an array; call only with i < value().size().
  JsonIn At(size_t i) const;

  Status Object() const;  // an object (not absent)
  Status Array() const;   // an array, possibly empty (not absent)
  Result<std::string> Text() const;
  Result<std::string> NonEmptyText() const;
  Result<bool> Bool() const;
  // A whole number in [low, high].
  Result<int64_t> Int(int64_t low, int64_t high) const;
  Result<LocalDate> Date() const;          // "YYYY-MM-DD", a real date
  Result<LocalTime> Time() const;          // "HH:MM"
  Result<ContactChannel> Channel() const;  // "sms", "wechat", "call"

 private:
  JsonIn(const char* what, std::string path, const nlohmann::json& value)
      : what_(what), path_(std::move(path)), value_(value) {}

  const char* what_;
  std::string path_;
  const nlohmann::json& value_;
};

// The text of a JSON value for an error message: '2026-13-01', 42, null.
std::string Shown(const nlohmann::json& value);

// `text` as JSON; an error names `what` and where the text stops being JSON.
Result<nlohmann::json> ParseJsonText(const char* what, const std::string& text);

}  // namespace outpost::outreach::internal
