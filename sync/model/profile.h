// A unified profile as head office sends it to a store, and its one codec:
// what the chain knows of one of the store's customers (records, vehicles,
// bookings, visits and consent at every store), built by the hub
// (hub/profiles.cc) from its unified view, carried on acks and look-up
// replies (sync/wire.h WireProfile), kept in the store's `unified_profiles`
// table (edge/profiles.h) and shown by the desk.
//
// The JSON text is a format, byte for byte: stores and hubs of older
// versions exchange it, and the hub resends a profile whose bytes (digest)
// change. ProfileJson writes every key always, optional values as null;
// nlohmann::json orders keys, so the text depends on the values only.
// Profiles from hubs before per-channel consent carry no "consent.channels";
// they read, and write back without it. The "segment" key is written only
// when the hub computed one (a customer with a completed visit, a hub with
// segments): profiles without it read and write back byte for byte as before.
// Phones are never part of a profile.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sync/merge.h"
#include "sync/model/customer.h"
#include "sync/status.h"

namespace outpost::model {

// One store's record of the customer (no phones: a store keeps its own).
struct ProfileRecord {
  std::string store_id;
  std::string record_id;
  std::string name;
  std::optional<std::string> member_id;
};

struct ProfileVehicle {
  std::string store_id;
  std::optional<std::string> plate;  // normalized
  std::optional<std::string> vin;
  std::optional<int64_t> mileage_km;
};

struct ProfileBooking {
  std::string store_id;
  std::string ref;
  std::string slot;    // "YYYY-MM-DD HH:MM", the store's local time
  std::string status;  // as the store logged it (a newer store's status passes through)
  std::string service;
  std::string channel;
};

// The chain's merged consent (sync/merge.h MergeConsent).
struct ProfileConsent {
  bool do_not_disturb = false;
  bool contact_opt_in = false;  // the old all-channel answer
  // Per channel the newest statement ("not-asked" where none); nullopt: a
  // profile from a hub before per-channel consent.
  std::optional<ChannelConsent> channels;
};

// Visits (bookings whose visit happened, sync/lifecycle.h) over all bookings.
struct VisitSummary {
  int64_t count = 0;
  std::optional<std::string> last;        // the newest visit's slot
  std::optional<std::string> last_store;  // and its store; both null when no visit
};

// The customer's segment at head office (sync/segments/segments.h,
// docs/FOLLOWUP.md "Segments"), as of the profile's last rebuild: tiers and
// the RFM scores (1-5), not the amounts behind them.
struct ProfileSegment {
  std::string value_tier;      // "vip", "regular", "new" (the waitlist's tiers)
  std::string frequency_tier;  // "high", "mid", "low"
  std::string lifecycle;       // "new", "growing", "mature", "declining", "lost"
  int64_t recency_score = 1, frequency_score = 1, monetary_score = 1;
  bool operator==(const ProfileSegment&) const = default;
};

struct Profile {
  std::string unified_id;
  std::vector<std::string> here;       // the receiving store's own record ids
  std::vector<ProfileRecord> records;  // at every store, this one included
  int64_t stores = 0;                  // distinct stores with a record
  ProfileConsent consent;
  std::vector<ProfileVehicle> vehicles;
  std::vector<ProfileBooking> bookings;  // newest first, the first kMaxBookings only
  int64_t bookings_total = 0;            // all of them
  VisitSummary visits;
  std::optional<ProfileSegment> segment;  // none: never visited, or an older hub

  static constexpr size_t kMaxBookings = 20;
};

// Per channel the statement as JSON (sync/merge.h ConsentStatementJson):
// {"sms": {"choice", "at", "site", "staff"}, "wechat": ..., "call": ...}.
nlohmann::json ChannelConsentJson(std::span<const ConsentStatement, kContactChannelCount> channels);
// The merged consent as a profile carries it (channels always set).
ProfileConsent ProfileConsentOf(const Consent& merged);
// {"do_not_disturb", "contact_opt_in", "channels"} ("channels" only when set).
nlohmann::json ProfileConsentJson(const ProfileConsent& consent);

// {"value_tier", "frequency_tier", "lifecycle", "recency_score", "frequency_score",
// "monetary_score"}: a profile's "segment".
nlohmann::json ProfileSegmentJson(const ProfileSegment& segment);
nlohmann::json ProfileJson(const Profile& profile);
// InvalidInput naming the field: "profile: bookings[2].slot: missing or not text".
Result<Profile> ParseProfile(const nlohmann::json& json);
// The stored or received text; text that is not JSON is "profile: fields: ...".
Result<Profile> ParseProfile(const std::string& text);

// So that `json j = profile;` works (the desk's --json output, tests).
inline void to_json(nlohmann::json& out, const Profile& profile) { out = ProfileJson(profile); }

}  // namespace outpost::model
