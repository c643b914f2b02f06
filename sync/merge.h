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
std::vector<std::string> MergeFields(nlohmann::json& state, nlohmann::json& stamps,
                                     const nlohmann::json& fields, const Stamp& stamp,
                                     const Stamp& base);

std::string StampText(const Stamp& s);
// The stamp of `field` in an entity's `stamps`, or `base` if it has none.
Stamp FieldStamp(const nlohmann::json& stamps, const std::string& field, const Stamp& base);
Stamp ParseStamp(const std::string& text);

// One explicit consent decision about contacting a person, from any store.
struct ConsentEvent {
  Stamp stamp;
  bool created = false;  // recorded when the record was created (a default, not a decision)
  std::optional<bool> do_not_disturb;
  std::optional<bool> contact_opt_in;
};

struct Consent {
  bool do_not_disturb = false;
  bool contact_opt_in = false;
  Stamp decided;  // the event that decided do_not_disturb (zero if none)
};

// The consent of a person across all their records: the newest explicit
// decision wins, and a record created later with the defaults (no DND, not
// opted in) is not a decision, so it can never undo a do-not-contact or an
// opt-out given anywhere. Order of `events` does not matter.
Consent MergeConsent(const std::vector<ConsentEvent>& events);

}  // namespace outpost
