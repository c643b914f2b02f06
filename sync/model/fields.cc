#include "sync/model/fields.h"

#include <sodium.h>

#include <array>

#include "sync/i18n/messages.h"

namespace outpost::model {

using nlohmann::json;

std::string KeyedId(const char* prefix, const std::string& key) {
  std::array<unsigned char, 10> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(key.data()),
                     key.size(), nullptr, 0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = prefix;
  for (unsigned char b : h) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

Status FieldReader::Bad(const std::string& field, const std::string& why) const {
  const std::string prefix = path_.empty() ? "" : path_ + ".";
  // `why` is a fixed reason ("missing or not text") or one composed by the
  // caller: shown through the catalog when it has the sentence, else as is.
  return Status::InvalidInput(std::string(kind_) + ": " + prefix + field + ": " + why)
      .WithShown(i18n::Format("{0}: {1}{2}: {3}", {kind_, prefix, field, i18n::Tr(why)}));
}

Status FieldReader::CheckObject() const {
  if (fields_.is_object()) return Status::Ok();
  if (!path_.empty()) {
    return Status::InvalidInput(std::string(kind_) + ": " + path_ + ": not a JSON object")
        .WithShown(i18n::Format("{0}: {1}: not a JSON object", {kind_, path_}));
  }
  return Bad("fields", "not a JSON object");
}

bool FieldReader::Has(const char* key) const {
  return fields_.is_object() && fields_.contains(key) && !fields_[key].is_null();
}

Result<std::string> FieldReader::Text(const char* key) const {
  if (!Has(key) || !fields_[key].is_string()) return Bad(key, "missing or not text");
  return fields_[key].get<std::string>();
}

Result<std::optional<std::string>> FieldReader::OptionalText(const char* key) const {
  if (!Has(key)) return std::optional<std::string>();
  if (!fields_[key].is_string()) return Bad(key, "not text");
  return std::optional<std::string>(fields_[key].get<std::string>());
}

Result<std::string> FieldReader::TextOr(const char* key, const std::string& fallback) const {
  ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalText(key));
  return text.value_or(fallback);
}

Result<bool> FieldReader::Bool(const char* key) const {
  if (!Has(key) || !fields_[key].is_boolean()) return Bad(key, "missing or not true/false");
  return fields_[key].get<bool>();
}

Result<std::optional<bool>> FieldReader::OptionalBool(const char* key) const {
  if (!Has(key)) return std::optional<bool>();
  if (!fields_[key].is_boolean()) return Bad(key, "not true/false");
  return std::optional<bool>(fields_[key].get<bool>());
}

Result<int64_t> FieldReader::Int(const char* key) const {
  if (!Has(key) || !fields_[key].is_number_integer()) {
    return Bad(key, "missing or not a whole number");
  }
  return fields_[key].get<int64_t>();
}

Result<std::optional<int64_t>> FieldReader::OptionalInt(const char* key) const {
  if (!Has(key)) return std::optional<int64_t>();
  if (!fields_[key].is_number_integer()) return Bad(key, "not a whole number");
  return std::optional<int64_t>(fields_[key].get<int64_t>());
}

}  // namespace outpost::model
