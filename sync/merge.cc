#include "sync/merge.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <tuple>

#include "sync/i18n/messages.h"

namespace outpost {

using nlohmann::json;

bool IsSetField(const std::string& field) {
  return field == "phones" || field == "tags" || field == "vehicles";
}

std::string StampText(const Stamp& s) { return std::to_string(s.hlc) + ":" + s.site; }

Result<Stamp> ParseStamp(const std::string& text) {
  const size_t colon = text.find(':');
  const std::string_view clock = std::string_view(text).substr(0, colon);
  Stamp s;
  const auto [end, error] = std::from_chars(clock.data(), clock.data() + clock.size(), s.hlc);
  if (clock.empty() || error != std::errc() || end != clock.data() + clock.size()) {
    return Status::Corruption("stamp: '" + text + "' is not <clock>:<site>")
        .WithShown(i18n::Format("stamp: '{0}' is not <clock>:<site>", {text}));
  }
  if (colon != std::string::npos) s.site = text.substr(colon + 1);
  return s;
}

Result<Stamp> FieldStamp(const json& stamps, const std::string& field, const Stamp& base) {
  if (!stamps.is_object() || !stamps.contains(field)) return base;
  const json& v = stamps[field];
  if (v.is_number_unsigned() || v.is_number_integer()) return Stamp{v.get<uint64_t>(), base.site};
  if (!v.is_string()) {
    return Status::Corruption(field + ": stamp: " + v.dump() + " is not <clock>:<site>")
        .WithShown(i18n::Format("{0}: stamp: {1} is not <clock>:<site>", {field, v.dump()}));
  }
  auto stamp = ParseStamp(v.get<std::string>());
  if (!stamp.ok()) {
    return Status::Corruption(field + ": " + stamp.status().message())
        .WithShown(i18n::Format("{0}: {1}", {field, stamp.status().shown()}));
  }
  return stamp;
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

Result<std::vector<std::string>> MergeFields(json& state, json& stamps, const json& fields,
                                             const Stamp& stamp, const Stamp& base) {
  // Every stamp checked before anything is merged: a refused merge changes nothing.
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    RETURN_IF_ERROR(FieldStamp(stamps, it.key(), base).status());
  }
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
    const Stamp current = FieldStamp(stamps, key, base).value();  // checked above
    if (current < stamp || (current == stamp && !state.contains(key))) {
      state[key] = it.value();
      stamps[key] = StampText(stamp);
    } else if (!(current == stamp)) {
      lost.push_back(key);
    }
  }
  return lost;
}

const char* ContactChannelName(ContactChannel channel) {
  switch (channel) {
    case ContactChannel::kSms:
      return "sms";
    case ContactChannel::kWeChat:
      return "wechat";
    case ContactChannel::kCall:
      return "call";
  }
  return "?";
}

const char* ContactChannelLabel(ContactChannel channel) {
  switch (channel) {
    case ContactChannel::kSms:
      return "SMS";
    case ContactChannel::kWeChat:
      return "WeChat";
    case ContactChannel::kCall:
      return "phone call";
  }
  return "?";
}

std::optional<ContactChannel> ParseContactChannel(const std::string& name) {
  for (ContactChannel c : kContactChannels) {
    if (name == ContactChannelName(c)) return c;
  }
  return std::nullopt;
}

std::string ConsentField(ContactChannel channel) {
  return std::string("consent_") + ContactChannelName(channel);
}

const char* ContactChoiceName(ContactChoice choice) {
  switch (choice) {
    case ContactChoice::kNotAsked:
      return "not-asked";
    case ContactChoice::kOptedIn:
      return "opted-in";
    case ContactChoice::kOptedOut:
      return "opted-out";
  }
  return "?";
}

json ConsentStatementJson(const ConsentStatement& s) {
  return {
      {"choice", ContactChoiceName(s.choice)}, {"at", s.at}, {"site", s.site}, {"staff", s.staff}};
}

std::optional<ConsentStatement> ParseConsentStatement(const json& value) {
  if (!value.is_object()) return std::nullopt;
  auto text = [&](const char* key) {
    return value.contains(key) && value[key].is_string() ? value[key].get<std::string>()
                                                         : std::string();
  };
  ConsentStatement s;
  const std::string choice = text("choice");
  if (choice == ContactChoiceName(ContactChoice::kOptedIn)) {
    s.choice = ContactChoice::kOptedIn;
  } else if (choice == ContactChoiceName(ContactChoice::kOptedOut)) {
    s.choice = ContactChoice::kOptedOut;
  } else {
    return std::nullopt;
  }
  s.at = text("at");
  s.site = text("site");
  s.staff = text("staff");
  return s;
}

std::string ConsentText(ContactChannel channel, const ConsentStatement& s,
                        const std::string& date) {
  std::string out = std::string(ContactChannelLabel(channel)) + " ";
  if (s.choice == ContactChoice::kNotAsked) return out + "not asked";
  out += s.choice == ContactChoice::kOptedIn ? "opted in" : "opted out";
  std::string detail = date;
  if (!s.staff.empty()) detail += (detail.empty() ? "" : " ") + s.staff;
  if (!s.site.empty()) detail += (detail.empty() ? "at " : " at ") + s.site;
  return detail.empty() ? out : out + " (" + detail + ")";
}

std::string ShownConsentText(ContactChannel channel, const ConsentStatement& s,
                             const std::string& date) {
  const std::string label = i18n::Tr(ContactChannelLabel(channel));
  if (s.choice == ContactChoice::kNotAsked) return i18n::Format("{0} not asked", {label});
  const std::string stated = s.choice == ContactChoice::kOptedIn
                                 ? i18n::Format("{0} opted in", {label})
                                 : i18n::Format("{0} opted out", {label});
  std::string detail = date;
  if (!s.staff.empty()) detail += (detail.empty() ? "" : " ") + s.staff;
  if (!s.site.empty()) detail += (detail.empty() ? "" : " ") + i18n::Format("at {0}", {s.site});
  return detail.empty() ? stated : i18n::Format("{0} ({1})", {stated, detail});
}

namespace {

// True when `candidate` replaces `current` as a channel's statement: the
// newer stamp wins; an exact tie (one change read twice) is settled by the
// statement itself, opt-out first, so the result never depends on order.
bool Supersedes(const ConsentStatement& candidate, const ConsentStatement& current) {
  if (current.choice == ContactChoice::kNotAsked) return true;
  if (!(candidate.stamp == current.stamp)) return current.stamp < candidate.stamp;
  auto key = [](const ConsentStatement& s) {
    return std::make_tuple(s.choice != ContactChoice::kOptedOut, s.at, s.site, s.staff);
  };
  return key(candidate) < key(current);
}

}  // namespace

Consent MergeConsent(const std::vector<ConsentEvent>& events) {
  Consent out;
  Stamp dnd_at;
  bool have_dnd = false;
  auto state = [&](ContactChannel c, ConsentStatement s, const Stamp& stamp) {
    if (s.choice == ContactChoice::kNotAsked) return;  // no statement
    s.stamp = stamp;
    ConsentStatement& current = out.channels[static_cast<int>(c)];
    if (Supersedes(s, current)) current = std::move(s);
  };
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
      ConsentStatement all = e.statement;
      all.choice = *e.contact_opt_in ? ContactChoice::kOptedIn : ContactChoice::kOptedOut;
      for (ContactChannel c : kContactChannels) state(c, all, e.stamp);
    }
    if (e.channel) state(*e.channel, e.statement, e.stamp);
  }
  out.decided = dnd_at;
  // Do not disturb outranks an opt-in: nobody is contacted against it.
  for (ContactChannel c : kContactChannels) out.contact_opt_in |= out.MayContact(c);
  return out;
}

}  // namespace outpost
