#include "sync/model/profile.h"

#include "sync/i18n/messages.h"
#include "sync/model/fields.h"

namespace outpost::model {
namespace {

using nlohmann::json;

constexpr const char* kKind = "profile";

// The array at `key` (required), each element read by `read(path, element)`.
template <typename T, typename ReadOne>
Result<std::vector<T>> ReadList(const FieldReader& in, const json& fields, const char* key,
                                ReadOne read) {
  if (!in.Has(key) || !fields[key].is_array()) return in.Bad(key, "missing or not a list");
  std::vector<T> out;
  out.reserve(fields[key].size());
  for (size_t i = 0; i < fields[key].size(); ++i) {
    ASSIGN_OR_RETURN(T one, read(std::string(key) + "[" + std::to_string(i) + "]", fields[key][i]));
    out.push_back(std::move(one));
  }
  return out;
}

// The object at `key` (required), as a reader of its fields named "key.field".
Result<FieldReader> Nested(const FieldReader& in, const json& fields, const char* key) {
  if (!in.Has(key) || !fields[key].is_object()) return in.Bad(key, "missing or not an object");
  return FieldReader(kKind, key, fields[key]);
}

Result<std::string> ReadText(const std::string& path, const json& value) {
  if (!value.is_string()) {
    return Status::InvalidInput(std::string(kKind) + ": " + path + ": not text")
        .WithShown(i18n::Format("{0}: {1}: not text", {kKind, path}));
  }
  return value.get<std::string>();
}

Result<ProfileRecord> ReadRecord(const std::string& path, const json& fields) {
  const FieldReader in(kKind, path, fields);
  RETURN_IF_ERROR(in.CheckObject());
  ProfileRecord r;
  ASSIGN_OR_RETURN(r.store_id, in.Text("store_id"));
  ASSIGN_OR_RETURN(r.record_id, in.Text("record_id"));
  ASSIGN_OR_RETURN(r.name, in.Text("name"));
  ASSIGN_OR_RETURN(r.member_id, in.OptionalText("member_id"));
  return r;
}

Result<ProfileVehicle> ReadVehicle(const std::string& path, const json& fields) {
  const FieldReader in(kKind, path, fields);
  RETURN_IF_ERROR(in.CheckObject());
  ProfileVehicle v;
  ASSIGN_OR_RETURN(v.store_id, in.Text("store_id"));
  ASSIGN_OR_RETURN(v.plate, in.OptionalText("plate"));
  ASSIGN_OR_RETURN(v.vin, in.OptionalText("vin"));
  ASSIGN_OR_RETURN(v.mileage_km, in.OptionalInt("mileage_km"));
  return v;
}

Result<ProfileBooking> ReadBooking(const std::string& path, const json& fields) {
  const FieldReader in(kKind, path, fields);
  RETURN_IF_ERROR(in.CheckObject());
  ProfileBooking b;
  ASSIGN_OR_RETURN(b.store_id, in.Text("store_id"));
  ASSIGN_OR_RETURN(b.ref, in.Text("ref"));
  ASSIGN_OR_RETURN(b.slot, in.Text("slot"));
  ASSIGN_OR_RETURN(b.status, in.Text("status"));
  ASSIGN_OR_RETURN(b.service, in.Text("service"));
  ASSIGN_OR_RETURN(b.channel, in.Text("channel"));
  return b;
}

// One channel's statement; unlike a logged consent field, "not-asked" is a
// value here (the profile writes every channel).
Result<ConsentStatement> ReadStatement(const std::string& path, const json& fields) {
  const FieldReader in(kKind, path, fields);
  RETURN_IF_ERROR(in.CheckObject());
  ConsentStatement s;
  ASSIGN_OR_RETURN(const std::string choice, in.Text("choice"));
  if (choice == ContactChoiceName(ContactChoice::kOptedIn)) {
    s.choice = ContactChoice::kOptedIn;
  } else if (choice == ContactChoiceName(ContactChoice::kOptedOut)) {
    s.choice = ContactChoice::kOptedOut;
  } else if (choice != ContactChoiceName(ContactChoice::kNotAsked)) {
    return in.Bad("choice", "'" + choice + "' is not opted-in, opted-out or not-asked");
  }
  ASSIGN_OR_RETURN(s.at, in.Text("at"));
  ASSIGN_OR_RETURN(s.site, in.Text("site"));
  ASSIGN_OR_RETURN(s.staff, in.Text("staff"));
  return s;
}

Result<ProfileConsent> ReadConsent(const FieldReader& profile, const json& fields) {
  ASSIGN_OR_RETURN(const FieldReader in, Nested(profile, fields, "consent"));
  const json& consent = fields["consent"];
  ProfileConsent c;
  ASSIGN_OR_RETURN(c.do_not_disturb, in.Bool("do_not_disturb"));
  ASSIGN_OR_RETURN(c.contact_opt_in, in.Bool("contact_opt_in"));
  if (!in.Has("channels")) return c;  // a hub before per-channel consent
  if (!consent["channels"].is_object()) return in.Bad("channels", "not an object");
  ChannelConsent said;
  for (ContactChannel channel : kContactChannels) {
    const char* name = ContactChannelName(channel);
    const std::string path = std::string("consent.channels.") + name;
    if (!consent["channels"].contains(name)) {
      return Status::InvalidInput(std::string(kKind) + ": " + path + ": missing")
          .WithShown(i18n::Format("{0}: {1}: missing", {kKind, path}));
    }
    ASSIGN_OR_RETURN(said[static_cast<int>(channel)],
                     ReadStatement(path, consent["channels"][name]));
  }
  c.channels = said;
  return c;
}

Result<VisitSummary> ReadVisits(const FieldReader& profile, const json& fields) {
  ASSIGN_OR_RETURN(const FieldReader in, Nested(profile, fields, "visits"));
  VisitSummary v;
  ASSIGN_OR_RETURN(v.count, in.Int("count"));
  ASSIGN_OR_RETURN(v.last, in.OptionalText("last"));
  ASSIGN_OR_RETURN(v.last_store, in.OptionalText("last_store"));
  return v;
}

// Tiers are passed through as text (a newer hub's names read); scores are 1-5.
Result<std::optional<ProfileSegment>> ReadSegment(const FieldReader& profile, const json& fields) {
  if (!profile.Has("segment")) return std::optional<ProfileSegment>();
  ASSIGN_OR_RETURN(const FieldReader in, Nested(profile, fields, "segment"));
  ProfileSegment s;
  ASSIGN_OR_RETURN(s.value_tier, in.Text("value_tier"));
  ASSIGN_OR_RETURN(s.frequency_tier, in.Text("frequency_tier"));
  ASSIGN_OR_RETURN(s.lifecycle, in.Text("lifecycle"));
  for (auto [key, score] : {std::pair{"recency_score", &s.recency_score},
                            std::pair{"frequency_score", &s.frequency_score},
                            std::pair{"monetary_score", &s.monetary_score}}) {
    ASSIGN_OR_RETURN(*score, in.Int(key));
    if (*score < 1 || *score > 5) return in.Bad(key, std::to_string(*score) + " is not 1-5");
  }
  return std::optional<ProfileSegment>(s);
}

}  // namespace

json ProfileSegmentJson(const ProfileSegment& s) {
  return {{"value_tier", s.value_tier},
          {"frequency_tier", s.frequency_tier},
          {"lifecycle", s.lifecycle},
          {"recency_score", s.recency_score},
          {"frequency_score", s.frequency_score},
          {"monetary_score", s.monetary_score}};
}

json ChannelConsentJson(std::span<const ConsentStatement, kContactChannelCount> channels) {
  json out = json::object();
  for (ContactChannel c : kContactChannels) {
    out[ContactChannelName(c)] = ConsentStatementJson(channels[static_cast<int>(c)]);
  }
  return out;
}

ProfileConsent ProfileConsentOf(const Consent& merged) {
  ProfileConsent c;
  c.do_not_disturb = merged.do_not_disturb;
  c.contact_opt_in = merged.contact_opt_in;
  ChannelConsent channels;
  for (ContactChannel ch : kContactChannels) channels[static_cast<int>(ch)] = merged.Of(ch);
  c.channels = channels;
  return c;
}

json ProfileConsentJson(const ProfileConsent& consent) {
  json out = {{"do_not_disturb", consent.do_not_disturb},
              {"contact_opt_in", consent.contact_opt_in}};
  if (consent.channels) out["channels"] = ChannelConsentJson(*consent.channels);
  return out;
}

json ProfileJson(const Profile& p) {
  json records = json::array();
  for (const auto& r : p.records) {
    records.push_back({{"store_id", r.store_id},
                       {"record_id", r.record_id},
                       {"name", r.name},
                       {"member_id", OrNull(r.member_id)}});
  }
  json vehicles = json::array();
  for (const auto& v : p.vehicles) {
    vehicles.push_back({{"store_id", v.store_id},
                        {"plate", OrNull(v.plate)},
                        {"vin", OrNull(v.vin)},
                        {"mileage_km", OrNull(v.mileage_km)}});
  }
  json bookings = json::array();
  for (const auto& b : p.bookings) {
    bookings.push_back({{"store_id", b.store_id},
                        {"ref", b.ref},
                        {"slot", b.slot},
                        {"status", b.status},
                        {"service", b.service},
                        {"channel", b.channel}});
  }
  json out = {{"unified_id", p.unified_id},
              {"here", p.here},
              {"records", records},
              {"stores", p.stores},
              {"consent", ProfileConsentJson(p.consent)},
              {"vehicles", vehicles},
              {"bookings", bookings},
              {"bookings_total", p.bookings_total},
              {"visits",
               {{"count", p.visits.count},
                {"last", OrNull(p.visits.last)},
                {"last_store", OrNull(p.visits.last_store)}}}};
  // Only when computed: a profile without one keeps the bytes it had before segments.
  if (p.segment) out["segment"] = ProfileSegmentJson(*p.segment);
  return out;
}

Result<Profile> ParseProfile(const json& fields) {
  const FieldReader in(kKind, fields);
  RETURN_IF_ERROR(in.CheckObject());
  Profile p;
  ASSIGN_OR_RETURN(p.unified_id, in.Text("unified_id"));
  ASSIGN_OR_RETURN(p.here, ReadList<std::string>(in, fields, "here", ReadText));
  ASSIGN_OR_RETURN(p.records, ReadList<ProfileRecord>(in, fields, "records", ReadRecord));
  ASSIGN_OR_RETURN(p.stores, in.Int("stores"));
  ASSIGN_OR_RETURN(p.consent, ReadConsent(in, fields));
  ASSIGN_OR_RETURN(p.vehicles, ReadList<ProfileVehicle>(in, fields, "vehicles", ReadVehicle));
  ASSIGN_OR_RETURN(p.bookings, ReadList<ProfileBooking>(in, fields, "bookings", ReadBooking));
  ASSIGN_OR_RETURN(p.bookings_total, in.Int("bookings_total"));
  ASSIGN_OR_RETURN(p.visits, ReadVisits(in, fields));
  ASSIGN_OR_RETURN(p.segment, ReadSegment(in, fields));
  return p;
}

Result<Profile> ParseProfile(const std::string& text) {
  return ParseProfile(json::parse(text, nullptr, /*allow_exceptions=*/false));
}

}  // namespace outpost::model
