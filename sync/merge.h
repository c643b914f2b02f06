// The merge rules, written once: how replicas combine field values written at
// different sites, and how a person's consent combines across their records.
// Used by the hub to fold store changes into its consolidated entities, and by
// anything that replays change logs (verify, rebuild). docs/CONFLICTS.md says
// the same in prose.
//
// Every rule here is deterministic, commutative and idempotent: applying the
// same set of changes in any order, any number of times, gives the same state.
//   scalar fields   last writer wins by (hybrid logical clock, site id); the
//                   site id breaks an exact clock tie the same way everywhere
//   set fields      ("phones", "tags", "vehicles"): union; additions are never
//                   dropped, removals are explicit ("phones_removed" tombstones)
//   deletion        a tombstone field "_deleted" merged like a scalar; a later
//                   write does not revive a deleted record unless it is newer
// Values superseded by a merge are not lost: the hub keeps every change as
// received (its `changes` table), so each value's history, with the site and
// the clock that wrote it, can be read back.
// Pure functions on nlohmann::json values; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sync/status.h"

namespace outpost {

// Who wrote a value: compared by clock, then by site id.
struct Stamp {
  uint64_t hlc = 0;
  std::string site;
  bool operator<(const Stamp& o) const { return hlc != o.hlc ? hlc < o.hlc : site < o.site; }
  bool operator==(const Stamp& o) const { return hlc == o.hlc && site == o.site; }
};

// True for fields whose values are sets merged by union.
bool IsSetField(const std::string& field);

// Folds one change (`fields`, written at `stamp`) into an entity's `state`.
// `stamps` maps each field to "hlc:site" of its current value; a field absent
// from it carries `base` (the stamp that created the entity). Returns the
// names of fields whose value this change did not win (it lost to a newer write).
// A stamp in `stamps` that does not parse is Corruption naming the field, and
// nothing is merged: read as 0 it would lose every merge, silently.
Result<std::vector<std::string>> MergeFields(nlohmann::json& state, nlohmann::json& stamps,
                                             const nlohmann::json& fields, const Stamp& stamp,
                                             const Stamp& base);

std::string StampText(const Stamp& s);
// The stamp of `field` in an entity's `stamps`, or `base` if it has none;
// Corruption naming the field if it is not a stamp.
Result<Stamp> FieldStamp(const nlohmann::json& stamps, const std::string& field, const Stamp& base);
// "hlc:site" (StampText) back; Corruption if it is not one.
Result<Stamp> ParseStamp(const std::string& text);

// The channels a store may contact a person on. Consent is given per channel:
// a customer may welcome WeChat messages and refuse phone calls.
enum class ContactChannel { kSms = 0, kWeChat = 1, kCall = 2 };
inline constexpr int kContactChannelCount = 3;
inline constexpr ContactChannel kContactChannels[kContactChannelCount] = {
    ContactChannel::kSms, ContactChannel::kWeChat, ContactChannel::kCall};
// "sms", "wechat", "call": the desk's --channel values and the JSON keys.
const char* ContactChannelName(ContactChannel channel);
// "SMS", "WeChat", "phone call": for people.
const char* ContactChannelLabel(ContactChannel channel);
std::optional<ContactChannel> ParseContactChannel(const std::string& name);
// The logged field holding a channel's statements: "consent_sms", "consent_wechat",
// "consent_call". One field per channel, so the hub's per-field stamps merge
// each channel on its own.
std::string ConsentField(ContactChannel channel);

// What a person said about one channel. kNotAsked is never logged: it is
// the absence of any statement, so it can never override one.
enum class ContactChoice { kNotAsked, kOptedIn, kOptedOut };
// "not-asked", "opted-in", "opted-out" (as logged and in JSON).
const char* ContactChoiceName(ContactChoice choice);

// One explicit statement about one channel: what, when, where, who. The
// log's clock of the change that carries it (`stamp`) decides between
// statements; `at` is the store's wall clock, for people.
struct ConsentStatement {
  ContactChoice choice = ContactChoice::kNotAsked;
  std::string at;     // UTC text; for an old all-channel change at the hub, its clock's wall time
  std::string site;   // the store it was said at
  std::string staff;  // who took it down; empty where the old change's staff is not at hand
  Stamp stamp;        // not logged: the stamp of the change (or field) that carries it
};

// A statement as logged in a consent field and shown in JSON:
// {"choice": "opted-out", "at": "...", "site": "S1", "staff": "SA Zhang"}.
nlohmann::json ConsentStatementJson(const ConsentStatement& statement);
// A logged statement; nullopt for anything that is not an explicit opt-in or
// opt-out (a damaged or unknown value is no statement, never an opt-in).
std::optional<ConsentStatement> ParseConsentStatement(const nlohmann::json& value);
// "SMS opted out (2026-11-23 SA Zhang at S1)", "WeChat not asked"; `date` is
// the statement's day as the reader wants it shown (a store's local day).
std::string ConsentText(ContactChannel channel, const ConsentStatement& statement,
                        const std::string& date);
// The same in the process's language (sync/i18n): "短信：已拒绝（2026-11-23 SA Zhang 门店 S1）".
std::string ShownConsentText(ContactChannel channel, const ConsentStatement& statement,
                             const std::string& date);

// One source of consent about a person, from any store: one field of one
// record as the hub holds it (value and stamp).
struct ConsentEvent {
  Stamp stamp;
  bool created = false;  // recorded when the record was created (a default, not a decision)
  std::optional<bool> do_not_disturb;
  // The old all-channel field (changes written before per-channel consent):
  // true or false from an update, or true from a creation, is a statement
  // about all three channels; false from a creation is the default, not one.
  std::optional<bool> contact_opt_in;
  // A per-channel field (consent_sms, ...): always an explicit statement,
  // even in the change that created the record.
  std::optional<ContactChannel> channel;
  // The per-channel statement; for contact_opt_in, its when, where and who.
  ConsentStatement statement;
};

struct Consent {
  bool do_not_disturb = false;
  // Contact allowed on at least one channel (and no do-not-disturb): the
  // old all-channel answer, kept for readers of it.
  bool contact_opt_in = false;
  Stamp decided;  // the event that decided do_not_disturb (zero if none)
  // The newest statement per channel (index: ContactChannel), as said: an
  // opt-in under do-not-disturb still reads "opted in" here, so ask MayContact.
  ConsentStatement channels[kContactChannelCount];

  const ConsentStatement& Of(ContactChannel c) const { return channels[static_cast<int>(c)]; }
  // The one question outreach asks: only an explicit opt-in on this channel,
  // and never under do-not-disturb.
  bool MayContact(ContactChannel c) const {
    return !do_not_disturb && Of(c).choice == ContactChoice::kOptedIn;
  }
};

// The consent of a person across all their records: per channel the newest
// explicit statement wins (by stamp), whether it restates the current value
// or not; a record created later with the defaults (no DND, not opted in) is
// not a decision, so it can never undo a do-not-contact or an opt-out given
// anywhere; do-not-disturb outranks every opt-in. Order of `events` does not
// matter (equal stamps are settled by the statement itself, opt-out first).
Consent MergeConsent(const std::vector<ConsentEvent>& events);

}  // namespace outpost
