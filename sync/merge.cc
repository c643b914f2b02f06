#include "sync/merge.h"

#include <algorithm>

namespace outpost {

using nlohmann::json;

bool IsSetField(const std::string& field) {
  return field == "phones" || field == "tags" || field == "vehicles";
}

std::string StampText(const Stamp& s) { return std::to_string(s.hlc) + ":" + s.site; }

Stamp ParseStamp(const std::string& text) {
  Stamp s;
  const size_t colon = text.find(':');
  try {
    s.hlc = std::stoull(text.substr(0, colon));
  } catch (...) {
    s.hlc = 0;
  }
  if (colon != std::string::npos) s.site = text.substr(colon + 1);
  return s;
}

Stamp FieldStamp(const json& stamps, const std::string& field, const Stamp& base) {
  if (!stamps.is_object() || !stamps.contains(field)) return base;
  const json& v = stamps[field];
  if (v.is_string()) return ParseStamp(v.get<std::string>());
  if (v.is_number_unsigned() || v.is_number_integer()) return Stamp{v.get<uint64_t>(), base.site};
  return base;
}

namespace {

// Sorted union: the order of arrival never shows in the result.
void UnionInto(json& target, const json& values) {
  if (!target.is_array()) target = json::array();
  std::vector<json> all(target.begin(), target.end());
  auto add = [&](const json& v) {
    if (std::find(all.begin(), all.end(), v) == all.end()) all.push_back(v);
  };
  if (values.is_array()) {
    for (const auto& v : values) add(v);
  } else if (!values.is_null()) {
    add(values);
  }
  std::sort(all.begin(), all.end());
  target = json(all);
}

}  // namespace

std::vector<std::string> MergeFields(json& state, json& stamps, const json& fields,
                                     const Stamp& stamp, const Stamp& base) {
  std::vector<std::string> lost;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string& key = it.key();
    // Set-like: additions merge, never replace (phones_added is the edge's name
    // for phones added to an existing customer).
    if (key == "phones_added" || IsSetField(key)) {
      UnionInto(state[key == "phones_added" ? "phones" : key], it.value());
      continue;
    }
    if (key == "phones_removed") {  // explicit tombstones for set members
      UnionInto(state["phones_removed"], it.value());
      continue;
    }
    const Stamp current = FieldStamp(stamps, key, base);
    if (current < stamp || (current == stamp && !state.contains(key))) {
      state[key] = it.value();
      stamps[key] = StampText(stamp);
    } else if (!(current == stamp)) {
      lost.push_back(key);
    }
  }
  return lost;
}

Consent MergeConsent(const std::vector<ConsentEvent>& events) {
  Consent out;
  Stamp dnd_at, opt_at;
  bool have_dnd = false, have_opt = false;
  for (const auto& e : events) {
    // A record created with the defaults decided nothing.
    if (e.do_not_disturb && (!e.created || *e.do_not_disturb)) {
      if (!have_dnd || dnd_at < e.stamp) {
        out.do_not_disturb = *e.do_not_disturb;
        dnd_at = e.stamp;
        have_dnd = true;
      }
    }
    if (e.contact_opt_in && (!e.created || *e.contact_opt_in)) {
      if (!have_opt || opt_at < e.stamp) {
        out.contact_opt_in = *e.contact_opt_in;
        opt_at = e.stamp;
        have_opt = true;
      }
    }
  }
  out.decided = dnd_at;
  // Do not disturb outranks an opt-in: nobody is contacted against it.
  if (out.do_not_disturb) out.contact_opt_in = false;
  return out;
}

}  // namespace outpost
