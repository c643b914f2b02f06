// Unified profiles for the stores: what the chain knows of a store's own
// customers, so a store cut off from head office still knows a customer's
// records, vehicles, bookings and consent at other stores as of its last sync.
//
// Each store holds the profile of every unified customer with a record at
// that store, and only those (not the chain's customer base). Refresh()
// rebuilds the profiles of customers whose records, vehicles, bookings or
// identity links changed since it last ran, and gives each changed version a
// new seq in that store's numbering; the hub's acks carry the versions after
// the seq the store reports holding (hub/hub.cc). Only the newest version of
// a profile is kept, so seqs increase per store but are not gapless. A
// customer no longer linked to any record at a store (an unmerge) is withdrawn
// there. Phones of other stores' records are never sent: a store keeps its own.
//
// Lookup() answers a walk-in's phone for a store that is online, with the same
// profile shape, and records who asked (the phone only as a keyed hash).
// What is read and written is behind hub/storage/identity_store.h.
// Thread-compatible: uses its store on the thread that owns it.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "hub/identity.h"
#include "hub/storage/identity_store.h"
#include "sync/clock.h"
#include "sync/model/profile.h"
#include "sync/segments/segments.h"
#include "sync/status.h"
#include "sync/wire.h"

namespace outpost::hub {

struct RefreshStats {
  int64_t customers = 0;  // unified customers looked at
  int64_t sent = 0;       // new profile versions for stores
  int64_t withdrawn = 0;  // profiles withdrawn from stores
  double seconds = 0;
};

// The profile `site` receives (its JSON: sync/model/profile.h): "here" names
// its own records of the customer; every store's records, vehicles and
// bookings (the newest Profile::kMaxBookings), the visits and merged consent;
// and the customer's segment when given (hub/segments.h).
model::Profile ProfileOf(const UnifiedView& view, const std::string& site,
                         const std::optional<model::ProfileSegment>& segment = std::nullopt);

// Records that `site` holds its profiles up to `held_seq` and returns the
// newest versions after it, oldest first, at most `limit`. A store holding
// seqs this hub never gave out (the hub restored from an older copy) has every
// profile numbered again above its mark, so it takes them all as new.
Result<std::vector<WireProfile>> ProfilesAfter(storage::IdentityStore& store,
                                               const std::string& site, int64_t held_seq,
                                               int limit);

class Profiles {
 public:
  // `lookup_key` keys the hash under which looked-up phones are logged.
  // `store` must outlive the Profiles.
  Profiles(storage::IdentityStore& store, const Clock& clock,
           const std::array<uint8_t, 32>& lookup_key)
      : store_(store), clock_(clock), lookup_key_(lookup_key) {}

  // Profiles built from now on carry each customer's segment as of `today`
  // under `rules` (hub/segments.h); without this call they carry none.
  void WithSegments(const segments::SegmentRules& rules, const LocalDate& today) {
    segments_ = SegmentInputs{rules, today};
  }

  Result<RefreshStats> Refresh();
  // At most this many customers answer one look-up (a shared phone: a family, a fleet).
  static constexpr int kMaxLookupMatches = 5;
  Result<WireLookupReply> Lookup(const std::string& site, const std::string& phone,
                                 const std::string& staff);

 private:
  // Rebuilds the profiles of the dirty unified customers (and of the live
  // targets of ids absorbed by merges), in the caller's transaction.
  Status RebuildDirty(Identity& identity, RefreshStats& stats);
  // The segment a view's profiles carry: none without WithSegments or visits.
  std::optional<model::ProfileSegment> SegmentFor(const UnifiedView& view) const;

  struct SegmentInputs {
    segments::SegmentRules rules;
    LocalDate today;
  };

  storage::IdentityStore& store_;
  const Clock& clock_;
  std::array<uint8_t, 32> lookup_key_;
  std::optional<SegmentInputs> segments_;
};

}  // namespace outpost::hub
