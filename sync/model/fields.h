// Reading and writing the fields of a logged entity (the JSON object a change
// carries), shared by the codecs of sync/model/. Every reader names the entity
// kind and the field in its error ("booking: slot_date: missing or not text"),
// so a bad change, request or row says where it is wrong.
//
// Absent and null are the same for an optional field: older changes omit what
// newer ones write as null, and both must read. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "sync/status.h"

namespace outpost::model {

// Reads the fields of one entity kind. Holds a reference: `fields` must
// outlive the reader.
class FieldReader {
 public:
  FieldReader(const char* kind, const nlohmann::json& fields) : kind_(kind), fields_(fields) {}
  // The fields of an object nested at `path` ("bookings[2]"): errors name
  // "kind: path.field".
  FieldReader(const char* kind, std::string path, const nlohmann::json& fields)
      : kind_(kind), path_(std::move(path)), fields_(fields) {}

  // InvalidInput naming the kind and `field`, for checks beyond the type.
  Status Bad(const std::string& field, const std::string& why) const;
  // The fields are an object (anything else names "fields").
  Status CheckObject() const;

  bool Has(const char* key) const;  // present and not null
  Result<std::string> Text(const char* key) const;
  Result<std::optional<std::string>> OptionalText(const char* key) const;
  // Text, or `fallback` when absent or null.
  Result<std::string> TextOr(const char* key, const std::string& fallback) const;
  Result<bool> Bool(const char* key) const;
  Result<std::optional<bool>> OptionalBool(const char* key) const;
  Result<int64_t> Int(const char* key) const;
  Result<std::optional<int64_t>> OptionalInt(const char* key) const;

 private:
  const char* kind_;
  std::string path_;  // empty: the entity's own fields
  const nlohmann::json& fields_;
};

// `prefix` and 20 hex digits of BLAKE2b(key): the id of an entity that is
// derived from its idempotency key (a message "M-", a task "T-"), so the same
// key always names the same entity.
std::string KeyedId(const char* prefix, const std::string& key);

// The JSON of an optional value: the value, or null.
template <typename T>
nlohmann::json OrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// Sets `key` only when `value` is set (fields that older changes never carried).
template <typename T>
void SetIfPresent(nlohmann::json& fields, const char* key, const std::optional<T>& value) {
  if (value) fields[key] = *value;
}

}  // namespace outpost::model
