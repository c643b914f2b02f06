#include "hub/profiles.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "hub/segments.h"
#include "sync/changelog.h"
#include "sync/lifecycle.h"
#include "sync/normalize.h"

namespace outpost::hub {
namespace {

using nlohmann::json;

std::string Digest(const std::string& text) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                     nullptr, 0);
  return std::string(reinterpret_cast<const char*>(h), sizeof h);
}

// A status this hub does not know (a newer store's) is no visit.
bool IsVisit(const std::string& status) {
  auto known = ParseBookingStatus(status);
  return known.ok() && VisitHappened(known.value());
}

// The view's vehicles carry the values the store logged (sync/model/customer.h
// writes text or null, a whole number or null); anything else reads as none.
std::optional<std::string> TextOrNone(const json& value) {
  return value.is_string() ? std::optional<std::string>(value.get<std::string>()) : std::nullopt;
}
std::optional<int64_t> WholeOrNone(const json& value) {
  return value.is_number_integer() ? std::optional<int64_t>(value.get<int64_t>()) : std::nullopt;
}

}  // namespace

model::Profile ProfileOf(const UnifiedView& view, const std::string& site,
                         const std::optional<model::ProfileSegment>& segment) {
  model::Profile p;
  p.segment = segment;
  p.unified_id = view.unified_id;
  std::set<std::string> stores;
  for (const auto& r : view.records) {
    if (r.site_id == site) p.here.push_back(r.record_id);
    stores.insert(r.site_id);
    p.records.push_back({r.site_id, r.record_id, r.name, r.member_id});
  }
  p.stores = static_cast<int64_t>(stores.size());
  p.consent = model::ProfileConsentOf(view.consent);
  for (const auto& v : view.vehicles) {
    p.vehicles.push_back({v["site"].get<std::string>(), TextOrNone(v["plate"]),
                          TextOrNone(v["vin"]), WholeOrNone(v["mileage_km"])});
  }
  // Newest first (the view's order); visits counted over all of them.
  for (const auto& b : view.bookings) {
    const std::string status = b.value("status", "");
    const std::string slot = b["slot"].get<std::string>();
    if (IsVisit(status)) {
      ++p.visits.count;
      if (slot > p.visits.last.value_or("")) {
        p.visits.last = slot;
        p.visits.last_store = b["site"].get<std::string>();
      }
    }
    if (p.bookings.size() < model::Profile::kMaxBookings) {
      p.bookings.push_back({b["site"].get<std::string>(), b["ref"].get<std::string>(), slot, status,
                            b["service"].get<std::string>(), b["channel"].get<std::string>()});
    }
  }
  p.bookings_total = static_cast<int64_t>(view.bookings.size());
  return p;
}

Result<std::vector<WireProfile>> ProfilesAfter(storage::IdentityStore& store,
                                               const std::string& site, int64_t held_seq,
                                               int limit) {
  ASSIGN_OR_RETURN(int64_t given_out, store.ProfileSeqGivenOut(site));
  if (held_seq > given_out) RETURN_IF_ERROR(store.RenumberProfiles(site, held_seq));
  RETURN_IF_ERROR(store.NoteProfilesHeld(site, held_seq));
  ASSIGN_OR_RETURN(std::vector<storage::ProfileVersion> versions,
                   store.ProfilesAfter(site, held_seq, limit));
  std::vector<WireProfile> out;
  out.reserve(versions.size());
  for (auto& v : versions) {
    out.push_back({v.seq, std::move(v.unified_id), std::move(v.profile).value_or("")});
  }
  return out;
}

Result<RefreshStats> Profiles::Refresh() {
  const auto t0 = std::chrono::steady_clock::now();
  RefreshStats stats;
  Identity identity(store_, clock_);
  // The customers behind every change applied since the last look.
  RETURN_IF_ERROR(identity.IndexChanges());
  RETURN_IF_ERROR(store_.InTransaction([&] { return RebuildDirty(identity, stats); }));
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return stats;
}

Status Profiles::RebuildDirty(Identity& identity, RefreshStats& stats) {
  std::set<std::string> dirty;
  {
    ASSIGN_OR_RETURN(std::vector<std::string> ids, store_.DirtyProfiles());
    dirty.insert(ids.begin(), ids.end());
  }
  auto write = [&](const std::string& site, const std::string& unified,
                   const std::optional<std::string>& profile) -> Status {
    ASSIGN_OR_RETURN(std::optional<int64_t> seq, store_.NextProfileSeq(site));
    if (!seq) return Status::Ok();  // not a store on the allow-list (any more)
    return store_.PutProfile(site, unified, *seq,
                             profile ? std::optional<std::string>(Digest(*profile)) : std::nullopt,
                             profile);
  };
  std::vector<std::string> absorbed_into;  // live targets of merged ids, rebuilt after
  auto rebuild = [&](const std::string& unified) -> Status {
    ++stats.customers;
    // An id absorbed by a merge lives on as its target: the target is built too.
    std::string live = unified;
    if (auto l = identity.LiveId(unified); l.ok()) live = l.value();
    UnifiedView view;
    if (live == unified) {
      ASSIGN_OR_RETURN(view, identity.ViewOf(unified, /*with_evidence=*/false));
    }
    std::map<std::string, std::string> bodies;  // site -> profile
    const std::optional<model::ProfileSegment> segment = SegmentFor(view);
    for (const auto& r : view.records) {
      if (!bodies.count(r.site_id))
        bodies[r.site_id] = model::ProfileJson(ProfileOf(view, r.site_id, segment)).dump();
    }
    ASSIGN_OR_RETURN(const auto current, store_.ProfileDigests(unified));  // site -> digest
    for (const auto& [site, body] : bodies) {
      auto it = current.find(site);
      if (it != current.end() && it->second == Digest(body)) continue;
      RETURN_IF_ERROR(write(site, unified, body));
      ++stats.sent;
    }
    for (const auto& [site, digest] : current) {
      if (bodies.count(site)) continue;
      RETURN_IF_ERROR(write(site, unified, std::nullopt));
      ++stats.withdrawn;
    }
    if (live != unified && !dirty.count(live)) absorbed_into.push_back(live);
    return Status::Ok();
  };
  for (const auto& unified : dirty) RETURN_IF_ERROR(rebuild(unified));
  std::sort(absorbed_into.begin(), absorbed_into.end());
  absorbed_into.erase(std::unique(absorbed_into.begin(), absorbed_into.end()), absorbed_into.end());
  for (const auto& unified : absorbed_into) RETURN_IF_ERROR(rebuild(unified));
  return store_.ClearDirtyProfiles();
}

std::optional<model::ProfileSegment> Profiles::SegmentFor(const UnifiedView& view) const {
  if (!segments_) return std::nullopt;
  const auto segment =
      segments::ComputeSegment(segments_->rules, SegmentVisitsOf(view), segments_->today);
  if (!segment) return std::nullopt;
  return ProfileSegmentOf(*segment);
}

Result<WireLookupReply> Profiles::Lookup(const std::string& site, const std::string& phone,
                                         const std::string& staff) {
  WireLookupReply reply;
  reply.site_id = site;
  auto normal = NormalizePhone(phone);
  if (!normal.ok()) {
    reply.status = "phone: " + normal.status().message();
    return reply;
  }
  ASSIGN_OR_RETURN(std::vector<std::string> ids, store_.UnifiedWithKey("phone:" + normal.value()));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  Identity identity(store_, clock_);
  RETURN_IF_ERROR(identity.IndexChanges());  // bookings made in the last seconds count too
  std::set<std::string> seen;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(std::string live, identity.LiveId(id));
    if (!seen.insert(live).second) continue;
    if (static_cast<int>(reply.profiles.size()) == kMaxLookupMatches) {
      reply.status = "ok: more than " + std::to_string(kMaxLookupMatches) +
                     " customers share this phone; the first are shown";
      break;
    }
    ASSIGN_OR_RETURN(UnifiedView view, identity.ViewOf(live, /*with_evidence=*/false));
    reply.profiles.push_back(
        {0, live, model::ProfileJson(ProfileOf(view, site, SegmentFor(view))).dump()});
  }
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(normal->data()),
                     normal->size(), lookup_key_.data(), lookup_key_.size());
  RETURN_IF_ERROR(store_.LogLookup(FormatUtcMs(clock_.NowMs()), site, staff.empty() ? "-" : staff,
                                   BytesHex(h, sizeof h),
                                   static_cast<int64_t>(reply.profiles.size())));
  return reply;
}

}  // namespace outpost::hub
