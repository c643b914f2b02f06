#include "sync/outreach/json_in.h"

#include "sync/i18n/messages.h"

namespace outpost::outreach::internal {

using nlohmann::json;

namespace {

const json& Null() {
  static const json kNull;
  return kNull;
}

}  // namespace

std::string Shown(const json& value) {
  if (value.is_string()) return "'" + value.get<std::string>() + "'";
  if (value.is_null()) return "nothing";
  return value.dump();
}

Status JsonIn::Bad(const std::string& why) const { return Bad(why, i18n::Tr(why)); }

Status JsonIn::Bad(const std::string& why, const std::string& why_shown) const {
  const std::string where = path_.empty() ? "document" : path_;
  const std::string where_shown = path_.empty() ? i18n::Tr("document") : path_;
  return Status::InvalidInput(std::string(what_) + ": " + where + ": " + why)
      .WithShown(i18n::Format("{0}: {1}: {2}", {i18n::Tr(what_), where_shown, why_shown}))
      .WithField(where);
}

JsonIn JsonIn::At(const char* key) const {
  std::string path = path_.empty() ? std::string(key) : path_ + "." + key;
  if (!value_.is_object()) return {what_, std::move(path), Null()};
  auto it = value_.find(key);
  return {what_, std::move(path), it == value_.end() ? Null() : *it};
}

JsonIn JsonIn::At(size_t i) const {
  return {what_, path_ + "[" + std::to_string(i) + "]", value_.at(i)};
}

Status JsonIn::Object() const {
  return value_.is_object() ? Status::Ok() : Bad(Shown(value_) + " is not an object");
}

Status JsonIn::Array() const {
  return value_.is_array() ? Status::Ok() : Bad(Shown(value_) + " is not a list");
}

Result<std::string> JsonIn::Text() const {
  if (!value_.is_string()) return Bad(Shown(value_) + " is not text");
  return value_.get<std::string>();
}

Result<std::string> JsonIn::NonEmptyText() const {
  ASSIGN_OR_RETURN(std::string text, Text());
  if (text.empty()) return Bad("is empty");
  return text;
}

Result<bool> JsonIn::Bool() const {
  if (!value_.is_boolean()) return Bad(Shown(value_) + " is not true or false");
  return value_.get<bool>();
}

Result<int64_t> JsonIn::Int(int64_t low, int64_t high) const {
  if (!value_.is_number_integer()) return Bad(Shown(value_) + " is not a whole number");
  // Above int64's range: read as unsigned, so it is never taken for a negative.
  if (value_.is_number_unsigned() && value_.get<uint64_t>() > static_cast<uint64_t>(high)) {
    return Bad(value_.dump() + " is above " + std::to_string(high));
  }
  const int64_t v = value_.get<int64_t>();
  if (v < low) {
    return Bad(std::to_string(v) +
               (low == 0 ? " is negative" : " is below " + std::to_string(low)));
  }
  if (v > high) return Bad(std::to_string(v) + " is above " + std::to_string(high));
  return v;
}

Result<LocalDate> JsonIn::Date() const {
  if (value_.is_string()) {
    auto date = LocalDate::Parse(value_.get<std::string>());
    if (date.ok()) return date;
  }
  return Bad(Shown(value_) + " is not a date (YYYY-MM-DD)");
}

Result<LocalTime> JsonIn::Time() const {
  if (value_.is_string()) {
    auto time = LocalTime::Parse(value_.get<std::string>());
    if (time.ok()) return time;
  }
  return Bad(Shown(value_) + " is not a time of day (HH:MM)");
}

Result<ContactChannel> JsonIn::Channel() const {
  if (value_.is_string()) {
    if (auto channel = ParseContactChannel(value_.get<std::string>())) return *channel;
  }
  return Bad(Shown(value_) + " is not a channel (sms, wechat, call)");
}

Result<json> ParseJsonText(const char* what, const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Status::InvalidInput(std::string(what) + ": not valid JSON")
        .WithShown(i18n::Format("{0}: not valid JSON", {i18n::Tr(what)}))
        .WithField("document");
  }
  return parsed;
}

}  // namespace outpost::outreach::internal
